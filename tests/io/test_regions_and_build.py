"""RegionSet membership and its compiled line regex, contig aliases, panel_regions data, genome
build detection from headers, tumour/normal roles (issues #5, #9)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reader_helpers import read_all, real_vcf

from egfr_annot.errors import InputError, UsageError
from egfr_annot.io.build_detect import detect_build, detect_build_from_parts
from egfr_annot.io.contigs import (
    CONTIG_LENGTHS,
    accession,
    build_from_accession,
    canonical_contig,
    contig_aliases,
)
from egfr_annot.io.regions import (
    RegionSet,
    _int_range_regex,
    load_panel_regions,
    panel_region_set,
)
from egfr_annot.io.vcf_header import assign_sample_roles


@pytest.mark.parametrize("name, expected", [
    ("7", "7"), ("chr7", "7"), ("CHR7", "7"), ("NC_000007.14", "7"), ("NC_000007.13", "7"),
    ("chrX", "X"), ("NC_000023.11", "X"), ("chrM", "MT"), ("MT", "MT"), ("NC_012920.1", "MT"),
    ("GL000192.1", None), ("chrUn_KI270742v1", None), ("NC_007605", None), ("q", None),
    ("chr07", None), ("23", None), ("chr7_gl000195_random", None), ("\u00b2", None),
])
def test_canonical_contig(name: str, expected: str | None) -> None:
    assert canonical_contig(name) == expected


def test_accessions_per_build() -> None:
    assert accession("7", "GRCh38") == "NC_000007.14"
    assert accession("X", "GRCh37") == "NC_000023.10"
    assert build_from_accession("NC_000012.11") == "GRCh37"
    assert build_from_accession("NC_000012.12") == "GRCh38"
    assert build_from_accession("NC_012920.1") is None  # same mitochondrion in both builds
    assert build_from_accession("NC_000012") is None
    for contig in CONTIG_LENGTHS["GRCh38"]:
        aliases = contig_aliases(contig)
        assert all(canonical_contig(a) == contig for a in aliases)


def test_membership_with_aliases_and_merged_regions() -> None:
    rs = RegionSet([("7", 100, 200, "a"), ("chr7", 150, 300, "b"), ("12", 5, 5, "c")])
    assert rs.merged() == [("7", 100, 300), ("12", 5, 5)]
    assert rs.contains("chr7", 100) and rs.contains("NC_000007.13", 300)
    assert not rs.contains("7", 99) and not rs.contains("7", 301)
    assert rs.contains("12", 5) and not rs.contains("12", 6)
    assert not rs.contains("chrUn", 150)
    assert rs.overlaps("7", 1, 100) and not rs.overlaps("7", 1, 99)
    assert rs.labels_at("7", 160) == ("a", "b")
    with pytest.raises(ValueError):
        RegionSet([("7", 10, 5, "bad")])
    with pytest.raises(ValueError):
        RegionSet([("scaffold_1", 1, 5, "bad")])


@settings(max_examples=200, deadline=None)
@given(
    spans=st.lists(
        st.tuples(st.sampled_from(["7", "chr7", "12"]), st.integers(1, 400), st.integers(0, 300)),
        min_size=1,
        max_size=12,
    ),
    probes=st.lists(st.integers(0, 800), min_size=1, max_size=30),
)
def test_labels_by_bisection_equal_a_scan_of_every_interval(
    spans: list[tuple[str, int, int]], probes: list[int]
) -> None:
    """labels_at / label_at find the intervals holding a position by bisection over their
    starts and the longest interval: the same labels, in the same order, as a full scan."""
    # (labels repeat, so that a merged region of several intervals can have one label)
    rs = RegionSet([(c, s, s + w, f"g{i % 3}") for i, (c, s, w) in enumerate(spans)])
    for contig in ("7", "chr12", "X"):
        for pos in probes:
            want = tuple(iv.label for iv in rs.intervals
                         if iv.chrom == canonical_contig(contig) and iv.start <= pos <= iv.end)
            assert rs.labels_at(contig, pos) == want
            assert rs.label_at(contig, pos) == (want[0] if want else None)
            assert rs.contains(contig, pos) == bool(want)
            merged = rs.merged_region_at(contig, pos)
            assert (merged is not None) == bool(want)
            if merged is not None:
                chrom, start, end, label = merged
                assert (chrom, start, end) in rs.merged() and start <= pos <= end
                if label is not None:  # the region's own label: the first label everywhere
                    assert all(rs.label_at(chrom, p) == label for p in range(start, end + 1))
                else:
                    assert len({iv.label for iv in rs.intervals
                                if iv.chrom == chrom and start <= iv.start <= end}) > 1


@settings(max_examples=400, deadline=None)
@given(lo=st.integers(0, 10**10), width=st.integers(0, 10**9), x=st.integers(0, 2 * 10**10))
def test_integer_range_regex_is_exact(lo: int, width: int, x: int) -> None:
    hi = lo + width
    rx = re.compile(f"(?:{_int_range_regex(lo, hi)})")
    for value in (x, lo, hi, max(lo - 1, 0), hi + 1):
        assert bool(rx.fullmatch(str(value))) == (lo <= value <= hi)


_contigs = st.sampled_from(["7", "chr7", "12", "chr12", "NC_000007.14", "X", "chrX", "1", "chrM",
                            "GL000192.1", "7_random"])


@settings(max_examples=300, deadline=None)
@given(
    spans=st.lists(st.tuples(st.sampled_from(["7", "12", "X", "MT"]), st.integers(1, 10**8),
                             st.integers(0, 10**6)), min_size=1, max_size=6),
    probes=st.lists(st.tuples(_contigs, st.integers(0, 2 * 10**8)), min_size=1, max_size=30),
)
def test_line_regex_agrees_with_contains(spans: list[tuple[str, int, int]],
                                         probes: list[tuple[str, int]]) -> None:
    rs = RegionSet([(c, s, s + w, "") for c, s, w in spans])
    rx = rs.line_regex()
    for contig, pos in probes:
        line = f"\n{contig}\t{pos}\t.\tA\tC\t.\tPASS\t.\n".encode()
        assert bool(rx.match(line)) == rs.contains(contig, pos), (contig, pos)


def test_panel_regions_file_loads_for_both_builds() -> None:
    for build in ("GRCh37", "GRCh38"):
        intervals = load_panel_regions(build, margin=0)
        genes = {iv.label for iv in intervals}
        assert {"APC", "TP53", "SMAD4", "DNMT3A", "TET2", "ASXL1", "PPM1D", "JAK2", "SF3B1",
                "SRSF2", "U2AF1", "CBL", "GNB1", "GNAS"} <= genes
        for iv in intervals:
            assert canonical_contig(iv.chrom) == iv.chrom
            assert 0 < iv.end - iv.start < 1_000_000
            assert iv.end <= CONTIG_LENGTHS[build][iv.chrom]
    tp53_37 = [iv for iv in load_panel_regions("GRCh37", margin=0) if iv.label == "TP53"][0]
    tp53_38 = [iv for iv in load_panel_regions("GRCh38", margin=0) if iv.label == "TP53"][0]
    assert (tp53_37.start, tp53_38.start) == (7565097, 7661779)
    with_margin = [iv for iv in load_panel_regions("GRCh38") if iv.label == "TP53"][0]
    assert (with_margin.start, with_margin.end) == (7661779 - 10_000, 7687550 + 10_000)


def test_panel_region_set_adds_transcript_spans() -> None:
    class Model:
        gene, chrom, tx_start, tx_end = "KRAS", "12", 25205246, 25250929

    rs = panel_region_set("GRCh38", [Model()], margin=1000)
    assert rs.contains("chr12", 25245350) and rs.contains("chr17", 7675088)  # KRAS, TP53
    assert not rs.contains("chr12", 25205246 - 1001)


# -- build detection ------------------------------------------------------------------------
def test_build_from_contig_lengths_reference_and_accessions() -> None:
    grch37 = {"1": 249250621, "7": 159138663}
    grch38 = {"chr1": 248956422, "chr7": 159345973}
    assert detect_build_from_parts(grch37, [])[0] == "GRCh37"
    assert detect_build_from_parts(grch38, [])[0] == "GRCh38"
    for ref, build in [("file:///ref/hs37d5.fa", "GRCh37"), ("human_g1k_v37.fasta", "GRCh37"),
                       ("/data/hg19/ucsc.hg19.fasta", "GRCh37"), ("GRCh37.74", "GRCh37"),
                       ("Homo_sapiens_assembly38.fasta", "GRCh38"), ("hg38.fa", "GRCh38"),
                       ("GRCh38_full_analysis_set_plus_decoy_hla.fa", "GRCh38"),
                       ("GCA_000001405.15_GRCh38_no_alt", "GRCh38")]:
        assert detect_build_from_parts({}, [("reference", ref)])[0] == build, ref
    assert detect_build_from_parts({"NC_000007.13": None}, [])[0] == "GRCh37"
    assert detect_build_from_parts({}, [("reference", "/refs/universal.fa")])[0] is None
    assert detect_build_from_parts({"chrM": 16571}, [])[0] == "GRCh37"  # hg19 chrM


def test_conflicting_build_evidence_is_reported() -> None:
    build, evidence = detect_build_from_parts({"chr1": 248956422},
                                              [("reference", "/ref/hg19.fa")])
    assert build is None
    assert evidence.startswith("conflicting header evidence")
    assert "GRCh37" in evidence and "GRCh38" in evidence


def test_build_of_real_headers() -> None:
    _, _, src = read_all(real_vcf("vcf2maf_test_mutect.vcf"))
    assert detect_build(src.header) == src.header.build_hint
    assert src.header.build_hint[0] == "GRCh37"
    _, _, src = read_all(real_vcf("freebayes_regression_tiny_chr22.vcf"))
    assert src.header.build_hint[0] is None  # toy contig "q"


# -- sample roles ----------------------------------------------------------------------------
@pytest.mark.parametrize("samples, meta, tumours, normals", [
    (["NORMAL", "TUMOR"], [], ["TUMOR"], ["NORMAL"]),
    (["TUMOR", "NORMAL"], [], ["TUMOR"], ["NORMAL"]),
    (["DNA_NORMAL", "DNA_TUMOR", "RNA_TUMOR"], [], ["DNA_TUMOR", "RNA_TUMOR"], ["DNA_NORMAL"]),
    (["P1_T", "P1_N"], [], ["P1_T"], ["P1_N"]),
    (["p1_plasma", "p1_buffycoat"], [], ["p1_plasma"], ["p1_buffycoat"]),
    (["TCGA-A6-2686-01A-01D", "TCGA-A6-2686-10A-01D"], [], ["TCGA-A6-2686-01A-01D"],
     ["TCGA-A6-2686-10A-01D"]),
    (["s1", "s2"], [("normal_sample", "s1"), ("tumor_sample", "s2")], ["s2"], ["s1"]),
    (["only"], [], ["only"], []),
    (["A", "B"], [], ["A", "B"], []),
    (["TUMOUR_NORMAL"], [], ["TUMOUR_NORMAL"], []),
])
def test_sample_roles(samples: list[str], meta: list[tuple[str, str]], tumours: list[str],
                      normals: list[str]) -> None:
    t, n, _ = assign_sample_roles(samples, meta)
    assert (list(t), list(n)) == (tumours, normals)


def test_sample_role_errors() -> None:
    with pytest.raises(UsageError, match="available: A, B"):
        assign_sample_roles(["A", "B"], [], sample="C", path="x.vcf")
    with pytest.raises(UsageError, match="same sample"):
        assign_sample_roles(["A", "B"], [], sample="A", normal="A")
    with pytest.raises(InputError, match="every sample is marked or named as normal"):
        assign_sample_roles(["N"], [("normal_sample", "N")], path="x.vcf")
