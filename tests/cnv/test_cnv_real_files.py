"""Real caller output from ../shared/real_vcfs, and agreement with the shipped transcript models."""

from __future__ import annotations

from pathlib import Path

import pytest

from egfr_annot.copy_number import call_genes
from egfr_annot.errors import BuildMismatchError
from egfr_annot.io.cnv import read_copy_number, segment_from_symbolic

GCNV = "gatk_gcnv_segments_output_SAMPLE_001.vcf"


def test_real_gatk_gcnv_vcf(real_vcfs: Path, models) -> None:
    result = read_copy_number(real_vcfs / GCNV, build="GRCh37")
    assert result.format == "vcf"
    assert result.samples == ("SAMPLE_001",)
    assert result.records_read == 15
    assert result.skipped == ()
    assert len(result.segments) == 15
    by_line = {s.line: s for s in result.segments}
    first = by_line[103]  # 1 68993 ... END=986037 GT:CN 0/0:2, ALT "."
    assert (first.chrom, first.start, first.end, first.copy_number) == ("1", 68993, 986037, 2.0)
    assert (first.caller_call, first.filter, first.n_points) == (".", ".", 102)
    deletion = by_line[105]  # 2 230925 <DEL> END=231288 1/1:0
    assert (deletion.start, deletion.end, deletion.copy_number, deletion.caller_call) == (
        230925,
        231288,
        0.0,
        "<DEL>",
    )
    dup_nocall = by_line[106]  # <DUP> with GT ./. and CN 4: the CN is used, not the GT
    assert (dup_nocall.start, dup_nocall.end, dup_nocall.copy_number) == (233003, 234369, 4.0)
    haploid = by_line[109]  # X, GT "0" (haploid), CN 1
    assert (haploid.chrom, haploid.copy_number) == ("X", 1.0)
    assert [s.copy_number for s in result.segments] == [
        2.0,
        2.0,
        0.0,
        4.0,
        2.0,
        2.0,
        1.0,
        3.0,
        4.0,
        1.0,
        2.0,
        1.0,
        1.0,
        0.0,
        1.0,
    ]
    assert all(s.sample == "SAMPLE_001" and s.source == "VCF FORMAT/CN" for s in result.segments)
    # a germline exome sample: none of its segments touches a panel gene
    assert (
        call_genes(result.segments, models("GRCh37"), tumour_fraction=None, sample="SAMPLE_001")
        == ()
    )


def test_real_gatk_gcnv_vcf_declares_grch37(real_vcfs: Path) -> None:
    with pytest.raises(BuildMismatchError) as err:
        read_copy_number(real_vcfs / GCNV, build="GRCh38")
    assert str(err.value).startswith(
        f"{real_vcfs / GCNV}:17: ##contig assembly=GRCh37 says GRCh37 but the run uses GRCh38"
    )


def test_segment_from_symbolic_gcnv_style() -> None:
    seg = segment_from_symbolic(
        "2",
        233003,
        None,
        "<DUP>",
        {"END": "234369"},
        {"GT": "./.", "CN": "4", "NP": "2", "QA": "35"},
        "in.vcf",
        106,
        sample="S1",
        filter=".",
    )
    assert seg is not None
    assert (seg.sample, seg.chrom, seg.start, seg.end, seg.copy_number, seg.n_points) == (
        "S1",
        "2",
        233003,
        234369,
        4.0,
        2,
    )


@pytest.mark.parametrize(
    ("alt", "info", "fmt", "copy_number", "log2", "source"),
    [
        ("<AMP>", {"END": "200", "CN": "7.5"}, {}, 7.5, None, "VCF INFO/CN"),
        (
            "<CNV>",
            {"END": "200", "CopyNumber": "2.4"},
            {"CN": "."},
            2.4,
            None,
            "VCF INFO/CopyNumber",
        ),
        ("<CN0>", {"END": "200"}, {"GT": "1"}, 0.0, None, "VCF ALT <CNn>"),
        (
            "<DEL>",
            {"END": "200", "FOLD_CHANGE_LOG": "-1.0"},
            {},
            None,
            -1.0,
            "VCF INFO/FOLD_CHANGE_LOG (log2, ploidy 2)",
        ),
        ("<DUP>", {"END": "200", "CN": "3"}, {"CN": "5"}, 5.0, None, "VCF FORMAT/CN"),
    ],
)
def test_segment_from_symbolic_copy_number_sources(
    alt: str,
    info: dict[str, str],
    fmt: dict[str, str],
    copy_number: float | None,
    log2: float | None,
    source: str,
) -> None:
    seg = segment_from_symbolic("chr7", 100, None, alt, info, fmt, "in.vcf", 9)
    assert seg is not None
    assert (seg.copy_number, seg.log2, seg.source, seg.chrom, seg.contig) == (
        copy_number,
        log2,
        source,
        "7",
        "chr7",
    )


def test_segment_from_symbolic_without_copy_number_is_none() -> None:
    assert (
        segment_from_symbolic("7", 100, 200, "<DUP>", {"SVTYPE": "DUP"}, {"GT": "0/1"}, "in.vcf", 9)
        is None
    )


def test_span_fixture_matches_shipped_transcript_models(models) -> None:
    try:
        from egfr_annot.genome.transcripts import load_transcript_models
    except ImportError:  # pragma: no cover - genome/ not built yet
        pytest.skip("egfr_annot.genome.transcripts not available")
    for build in ("GRCh37", "GRCh38"):
        shipped = load_transcript_models(build)
        ours = models(build)
        assert set(ours) <= set(shipped)
        for gene, model in ours.items():
            real = shipped[gene]
            assert (real.chrom, real.tx_start, real.tx_end, real.refseq) == (
                model.chrom,
                model.tx_start,
                model.tx_end,
                model.refseq,
            ), (build, gene)
