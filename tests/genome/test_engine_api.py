"""Annotator API: normalisation, REF check, gene overlap, caching, coordinates, cross-check."""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egfr_annot.genome.annotator import Annotator
from egfr_annot.genome.bench import run as run_benchmark
from egfr_annot.genome.consequence import hgvsp_short
from egfr_annot.genome.coords import alleles_for_protein_change, cds_to_genomic, genomic_to_cds
from egfr_annot.genome.crosscheck import compare
from egfr_annot.genome.hgvs import parse_protein_change
from egfr_annot.genome.so import effect_class, sort_terms
from egfr_annot.genome.transcripts import load_transcript_models
from egfr_annot.records import Allele, ExternalAnnotation


@lru_cache(maxsize=2)
def _annotator(build: str) -> Annotator:
    return Annotator(build)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def a37() -> Annotator:
    return Annotator("GRCh37")


@pytest.fixture(scope="module")
def a38() -> Annotator:
    return Annotator("GRCh38")


# ------------------------------------------------------------------ normalise
@pytest.mark.parametrize("contig", ["7", "chr7", "CHR7", "NC_000007.13"])
def test_normalise_canonical_contig(a37: Annotator, contig: str) -> None:
    assert a37.normalise(contig, 55259515, "T", "G") == Allele("GRCh37", "7", 55259515, "T", "G")


def test_normalise_trims_and_left_aligns(a37: Annotator) -> None:
    # EGFR E746_A750del written with extra shared bases on both sides
    left = Allele("GRCh37", "7", 55242464, "AGGAATTAAGAGAAGC", "A")
    assert a37.normalise("7", 55242464, "AGGAATTAAGAGAAGCAA", "AAA") == left
    # KRAS c.34_35 GG (+ strand CC): the right-shifted deletion moves left to the anchor A
    assert a37.normalise("12", 25398284, "CC", "C") == Allele("GRCh37", "12", 25398283, "AC", "A")
    # MAF style: empty ALT = deletion starting at pos, empty REF = insertion after pos
    assert a37.normalise("12", 25398284, "C", "-") == Allele("GRCh37", "12", 25398283, "AC", "A")
    assert a37.normalise("12", 25398278, "-", "CGC") == a37.normalise("12", 25398278, "A", "ACGC")
    # MNV: trimmed only
    assert a37.normalise("7", 140453135, "CAC", "TTC") == Allele(
        "GRCh37", "7", 140453135, "CA", "TT"
    )


@pytest.mark.parametrize("ref", ["A", "C", "G", "T", "a", "t", "N"])
@pytest.mark.parametrize("alt", ["A", "C", "g", "t", "N"])
def test_normalise_base_changes_as_the_general_path(ref: str, alt: str) -> None:
    # a single-base change skips trimming and alignment (issue #9): the same allele, the same
    # errors, and annotate() gets the same consequences as for an allele built by hand
    a, fresh = Annotator("GRCh37"), Annotator("GRCh37")
    for pos in (25398284, 25368390, 55259515):  # KRAS c.35, KRAS intron (no sequence), EGFR
        if ref.upper() == alt.upper():
            with pytest.raises(ValueError, match="not a sequence change"):
                a.normalise("chr12", pos, ref, alt)
            continue
        allele = a.normalise("chr12", pos, ref, alt)
        m = fresh._left_align(fresh._minimal("chr12", pos, ref, alt))
        assert allele == fresh._to_vcf(m, pos, ref.upper())
        assert allele.chrom == "12" and allele.ref == allele.ref.upper()
        by_hand = Allele("GRCh37", allele.chrom, allele.pos, allele.ref, allele.alt)
        assert a.annotate(allele) == fresh.annotate(by_hand)


def test_normalise_where_reference_is_unknown(a37: Annotator) -> None:
    # KRAS intron 4 has no reference sequence: trim only, no anchor base available
    assert a37.normalise("12", 25368390, "T", "-") == Allele("GRCh37", "12", 25368390, "T", "")
    assert a37.ref_matches("12", 25368390, "T") is None


def test_ref_matches(a37: Annotator, a38: Annotator) -> None:
    assert a37.ref_matches("chr12", 25398284, "C") is True
    assert a37.ref_matches("12", 25398284, "A") is False
    assert a38.ref_matches("12", 25245350, "C") is True
    assert a38.ref_matches("12", 25398284, "C") is None  # outside the known regions
    assert a37.ref_matches("7", 140453136, "A") is True


def test_genes_overlapping(a37: Annotator, a38: Annotator) -> None:
    assert a37.genes_overlapping("chr7", 55259515, 55259515) == ("EGFR",)
    assert a37.genes_overlapping("7", 55_000_000, 141_000_000) == ("EGFR", "BRAF", "MET")
    assert a38.genes_overlapping("12", 25245350, 25245350) == ("KRAS",)
    assert a37.genes_overlapping("12", 25245350, 25245350) == ()
    assert a37.genes_overlapping("2", 1, 10**9) == ()


def test_annotate_no_overlap_and_build_check(a37: Annotator) -> None:
    assert a37.annotate(Allele("GRCh37", "2", 1000, "A", "G")) == ()
    with pytest.raises(ValueError, match="GRCh38"):
        a37.annotate(Allele("GRCh38", "12", 25398284, "C", "T"))


@pytest.mark.parametrize("alt", ["<DEL>", "*", ".", "A", "AXT"])
def test_not_a_sequence_change_raises(a37: Annotator, alt: str) -> None:
    with pytest.raises(ValueError, match="not a sequence change"):
        a37.normalise("12", 25398283, "A", alt)


def test_annotate_is_cached(a37: Annotator) -> None:
    allele = a37.normalise("12", 25398284, "C", "T")
    assert a37.annotate(allele) is a37.annotate(allele)


def test_annotate_after_normalise_of_another_allele() -> None:
    # normalise() hands the aligned allele of what it just returned to annotate(): an allele
    # that is not that one (another, or one built by hand) is aligned afresh.
    a = Annotator("GRCh37")
    g12d = a.normalise("12", 25398284, "C", "T")
    (c,) = a.annotate(Allele("GRCh37", "12", 25398281, "C", "T"))
    assert c.hgvsc == "c.38G>A" and c.hgvsp == "p.Gly13Asp"
    (c,) = a.annotate(g12d)
    assert c.hgvsc == "c.35G>A" and c.hgvsp == "p.Gly12Asp"
    a.normalise("12", 25398284, "c", "t")  # cached: nothing handed over
    deletion = a.normalise("12", 25398280, "AC", "A")
    a.normalise("12", 25398284, "C", "A")
    fresh = Annotator("GRCh37")
    assert a.annotate(deletion) == fresh.annotate(fresh.normalise("12", 25398280, "AC", "A"))
    assert a.annotate(Allele("GRCh37", "12", 25398284, "C", "G")) == fresh.annotate_vcf(
        "12", 25398284, "C", "G")


def test_consequence_fields(a37: Annotator) -> None:
    (c,) = a37.annotate_vcf("12", 25398284, "C", "T")
    assert (c.gene, c.transcript, c.transcript_ensembl, c.strand) == (
        "KRAS", "NM_004985.5", "ENST00000311936.8", "-"
    )  # fmt: skip
    assert (c.hgvsc, c.hgvsp, c.hgvsp_short) == ("c.35G>A", "p.Gly12Asp", "p.G12D")
    assert (c.codons, c.amino_acids, c.exon, c.intron) == ("gGt/gAt", "G/D", "2/5", "")
    assert (c.cds_start, c.cds_end, c.protein_start, c.protein_end) == (35, 35, 12, 12)
    assert (c.ref_aa, c.alt_aa, c.ref_matches, c.notes) == ("G", "D", True, ())
    assert c.exon_number == 2 and c.consequence == "missense_variant"


def test_ref_mismatch_never_reports_a_protein_change(a37: Annotator) -> None:
    (c,) = a37.annotate_vcf("12", 25398284, "A", "T")
    assert not c.ref_matches and c.hgvsp == "" and c.hgvsp_short == "" and c.codons == ""
    assert "does not match the GRCh37 reference C" in c.notes[0]


# ------------------------------------------------------------------ coordinates
@pytest.mark.parametrize(
    ("build", "gene", "c_pos", "pos"),
    [("GRCh37", "KRAS", 35, 25398284), ("GRCh38", "KRAS", 35, 25245350),
     ("GRCh37", "EGFR", 2573, 55259515), ("GRCh37", "BRAF", 1799, 140453136),
     ("GRCh38", "BRAF", 1799, 140753336), ("GRCh38", "PIK3CA", 3140, 179234297)],
)  # fmt: skip
def test_cds_to_genomic(build, gene, c_pos, pos) -> None:
    model = load_transcript_models(build)[gene]
    assert cds_to_genomic(model, c_pos) == pos
    assert genomic_to_cds(model, pos) == c_pos


def test_cds_to_genomic_is_a_bijection_on_every_cds() -> None:
    for build in ("GRCh37", "GRCh38"):
        for model in load_transcript_models(build).values():
            positions = [cds_to_genomic(model, c) for c in range(1, len(model.cds_seq) + 1)]
            assert len(set(positions)) == len(positions)
            assert all(genomic_to_cds(model, p) == c for c, p in enumerate(positions, 1))
    with pytest.raises(ValueError):
        cds_to_genomic(load_transcript_models("GRCh37")["KRAS"], 568)


def test_alleles_for_protein_change() -> None:
    m37 = load_transcript_models("GRCh37")
    assert alleles_for_protein_change(m37["KRAS"], "p.G12D") == [("12", 25398284, "C", "T")]
    assert alleles_for_protein_change(m37["BRAF"], "p.Val600Glu") == [("7", 140453136, "A", "T")]
    # EGFR S492R (the review's S468R): c.1474A>C or c.1476C>A/G
    assert alleles_for_protein_change(m37["EGFR"], "S492R") == [
        ("7", 55228007, "A", "C"),
        ("7", 55228009, "C", "A"),
        ("7", 55228009, "C", "G"),
    ]
    assert len(alleles_for_protein_change(m37["KRAS"], "p.G12")) == 6
    assert alleles_for_protein_change(m37["EGFR"], "p.E746_A750del") == []
    with pytest.raises(ValueError, match="is N"):
        alleles_for_protein_change(m37["EGFR"], "p.S468R")
    with pytest.raises(ValueError):
        alleles_for_protein_change(m37["EGFR"], "not a change")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["GRCh37", "GRCh38"]),
    st.sampled_from(["EGFR", "KRAS", "NRAS", "HRAS", "BRAF", "PIK3CA", "ERBB2", "MET", "MAP2K1",
                     "PTEN", "FCGR3A"]),
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from("ACGT"),
)  # fmt: skip
def test_snv_round_trip_genome_hgvs_genome(build, gene, seed, base) -> None:
    """SNV in a CDS -> annotate -> parse HGVS p. -> alleles_for_protein_change contains it."""
    annotator = _annotator(build)
    model = annotator.models[gene]
    c_pos = 1 + seed % len(model.cds_seq)
    pos = cds_to_genomic(model, c_pos)
    ref = annotator.reference.fetch(model.chrom, pos, pos)
    if ref == base:
        return
    (csq,) = [c for c in annotator.annotate_vcf(model.chrom, pos, ref, base) if c.gene == gene]
    pc = parse_protein_change(csq.hgvsp)
    assert pc is not None and pc.short() == csq.hgvsp_short
    if pc.kind in ("substitution", "nonsense", "synonymous"):
        assert (model.chrom, pos, ref, base) in alleles_for_protein_change(model, pc)
    assert csq.hgvsc == f"c.{c_pos}{model.cds_seq[c_pos - 1]}>" + (
        base if model.strand == "+" else {"A": "T", "C": "G", "G": "C", "T": "A"}[base]
    )


# ------------------------------------------------------------------ cross-check
def test_crosscheck(a37: Annotator) -> None:
    (c,) = a37.annotate_vcf("12", 25398284, "C", "T")
    same = ExternalAnnotation("VEP", "KRAS", "ENST00000311936.7", "ENST00000311936.7:c.35G>A",
                              "ENSP00000308495.3:p.Gly12Asp", "missense_variant")  # fmt: skip
    assert compare(same, c) is None
    assert (
        compare(ExternalAnnotation("SnpEff", "KRAS", "NM_004985.4", "c.35G>A", "p.(G12D)", None), c)
        is None
    )
    assert (
        compare(ExternalAnnotation("BCSQ", "KRAS", "ENST00000311936", None, "12G>12D", None), c)
        is None
    )
    other_tx = ExternalAnnotation("VEP", "KRAS", "ENST00000256078.4", "c.35G>T", "p.G12V", None)
    assert compare(other_tx, c) is None  # another transcript: not compared
    wrong = ExternalAnnotation("VEP", "KRAS", "NM_004985.5", "c.35G>T", "p.Gly12Val", None)
    note = compare(wrong, c)
    assert (
        note is not None and "c.35G>T vs ours c.35G>A" in note and "p.G12V vs ours p.G12D" in note
    )
    (d,) = a37.annotate_vcf("7", 55242464, "AGGAATTAAGAGAAGC", "A")
    old_vep = ExternalAnnotation("VEP", "EGFR", "ENST00000275493", "c.2235_2249delGGAATTAAGAGAAGC",
                                 "p.Glu746_Ala750del", None)  # fmt: skip
    assert compare(old_vep, d) is None
    (s,) = a37.annotate_vcf("7", 55220240, "G", "T")
    assert (
        compare(ExternalAnnotation("VEP", "EGFR", "NM_005228.5", None, "p.Leu210%3D", None), s)
        is None
    )


def test_crosscheck_compares_only_what_reads_as_hgvs(a37: Annotator) -> None:
    (fs,) = a37.annotate_vcf("12", 25398284, "C", "CA")  # KRAS c.34_35insT p.G12Vfs*22
    assert fs.hgvsp_short == "p.G12Vfs*22"
    tx = fs.transcript
    # SnpEff writes a frameshift without its new residue and stop
    assert compare(ExternalAnnotation("SnpEff", "KRAS", tx, "c.34_35insT", "p.Gly12fs", None),
                   fs) is None
    assert compare(ExternalAnnotation("SnpEff", "KRAS", tx, None, "p.Gly13fs", None),
                   fs) == f"SnpEff annotation on {tx} disagrees: p.G13fs vs ours p.G12Vfs*22"
    # BCSQ: the DNA change is genomic, and 12G>12VX is not a substitution: neither compared
    assert compare(ExternalAnnotation("BCSQ", "KRAS", tx, "25398284C>CA", "12G>12VX", None),
                   fs) is None



def test_so_helpers() -> None:
    assert sort_terms(["synonymous_variant", "splice_region_variant"]) == (
        "splice_region_variant", "synonymous_variant")  # fmt: skip
    assert effect_class(("stop_gained", "frameshift_variant")) == "frameshift"
    assert effect_class(("missense_variant", "splice_region_variant")) == "missense+splice_region"
    assert effect_class(("splice_acceptor_variant", "intron_variant")) == "splice_site"
    # VEP 105 split splice_region_variant at donor +3..+6 into these terms: same class as before
    assert effect_class(("splice_donor_region_variant", "intron_variant")) == (
        "intron+splice_region")  # fmt: skip
    assert effect_class(("splice_donor_5th_base_variant", "intron_variant")) == (
        "intron+splice_region")  # fmt: skip
    # the polypyrimidine tract alone (-9..-17) was intron_variant before VEP 105
    assert effect_class(("splice_polypyrimidine_tract_variant", "intron_variant")) == "intron"


def test_hgvsp_short_splice_rule() -> None:
    """p.X<n>_splice only when the most severe term is a splice term and there is no p."""
    assert hgvsp_short("", ("splice_donor_variant",), "c.889+1G>A") == "p.X297_splice"
    assert hgvsp_short("", ("splice_region_variant", "intron_variant"), "c.2888-3del") == (
        "p.X963_splice")  # fmt: skip
    assert hgvsp_short("", ("splice_donor_region_variant", "intron_variant"), "c.889+3G>A") == (
        "p.X297_splice")  # fmt: skip
    # frameshift first (vcf2maf One_Consequence / Genome Nexus first term): no p.X_splice
    fs_region = ("frameshift_variant", "splice_region_variant")
    assert hgvsp_short("", fs_region, "c.164+1_164+5del") == ""
    ppt_only = ("splice_polypyrimidine_tract_variant", "intron_variant")
    assert hgvsp_short("", ppt_only, "c.890-10T>A") == ""
    assert hgvsp_short("p.Val343Ter", ("splice_acceptor_variant",), "c.1027del") == "p.V343*"
    assert hgvsp_short("", ("splice_acceptor_variant",), "") == ""


def test_benchmark_runs() -> None:
    result = run_benchmark("GRCh38", rounds=2)
    assert result["uncached_us"] > 0 and result["cached_us"] > 0


def test_crosscheck_compares_consequence_terms(a37: Annotator) -> None:
    # a term-only annotation (no HGVS) that says missense where ours is synonymous is flagged;
    # the same class in other words (splice_region + synonymous, either order) is not
    (syn,) = a37.annotate_vcf("12", 25398280, "G", "A")  # KRAS c.39C>T p.G13=
    tx = syn.transcript
    assert compare(ExternalAnnotation("SnpEff", "KRAS", tx, None, None, "missense_variant"),
                   syn) == (f"SnpEff annotation on {tx} disagrees: missense_variant vs ours "
                            "synonymous_variant")
    assert compare(ExternalAnnotation("VEP", "KRAS", tx, None, None,
                                      "splice_region_variant&synonymous_variant"), syn) is None
    assert compare(ExternalAnnotation("BCSQ", "KRAS", tx, None, None, "synonymous"), syn) is None

