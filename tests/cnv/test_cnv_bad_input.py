"""Malformed copy-number files give one-line ``FILE:LINE: problem`` errors (issue #6)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from egfr_annot.errors import BuildMismatchError, InputError
from egfr_annot.io.cnv import read_copy_number

BAD = [
    (
        "cnvkit_missing_log2.cns",
        "GRCh37",
        1,
        "CNVkit file: missing required column log2 (header: chromosome start end gene depth probes "
        "weight)",
    ),
    ("cnvkit_start_not_integer.cns", "GRCh37", 3, "start '116,200,000' is not an integer"),
    ("cnvkit_log2_not_number.cnr", "GRCh37", 2, "log2 'amp' is not a number"),
    (
        "cnvkit_end_not_after_start.cns",
        "GRCh37",
        2,
        "end 116200000 is not after start 116500000 (CNVkit 0-based, half-open coordinates)",
    ),
    ("cnvkit_short_row.cns", "GRCh37", 3, "4 columns where the header (line 1) has 6"),
    (
        "gatk_end_before_start.called.seg",
        "GRCh38",
        5,
        "end 39690001 is before start 39740000 (GATK 1-based, inclusive coordinates)",
    ),
    (
        "gatk_missing_value_column.cr.seg",
        "GRCh38",
        2,
        "GATK copy-ratio segments: missing required column MEAN_LOG2_COPY_RATIO (header: CONTIG "
        "START END NUM_POINTS_COPY_RATIO)",
    ),
    (
        "unknown_format.tsv",
        "GRCh38",
        1,
        "unknown copy-number format (header: patient assay result)",
    ),
    (
        "gene_table_word_only.tsv",
        "GRCh38",
        2,
        "copy number 'Amplification' has no number: a call without a copy number cannot be checked "
        "against the thresholds (give the report's copy number)",
    ),
    (
        "gene_table_call_without_number.tsv",
        "GRCh38",
        3,
        "MET: the report says 'Amplification' but gives no copy number",
    ),
    (
        "gene_table_duplicate.tsv",
        "GRCh38",
        3,
        "MET is listed twice for sample 'P1' (lines 2 and 3)",
    ),
    (
        "gene_table_negative.tsv",
        "GRCh38",
        3,
        "copy number -2 for PTEN is negative (discrete -2..2 codes are not copy numbers)",
    ),
    (
        "oncokb_discrete_cna.txt",
        "GRCh38",
        1,
        "column 'Copy_Number_Alteration' holds discrete copy-number codes (-2..2), not copy "
        "numbers",
    ),
    ("pcgr_negative.cna.tsv", "GRCh37", 2, "nMajor -1 is negative"),
    (
        "vcf_no_end.vcf",
        "GRCh38",
        5,
        "copy-number record <DUP> at chr7:116650000 has no END (nor SVLEN)",
    ),
    ("vcf_cn_not_number.vcf", "GRCh38", 5, "FORMAT/CN 'high' is not a number"),
    ("empty.cns", "GRCh38", None, "empty copy-number file"),
]

BUILD_MISMATCH = [
    (
        "gatk_build_mismatch.called.seg",
        "GRCh38",
        2,
        "@SQ AS:GRCh37 says GRCh37 but the run uses GRCh38",
    ),
    (
        "vcf_contig_length_grch37.vcf",
        "GRCh38",
        2,
        "the length of contig 7 (159138663) says GRCh37 but the run uses GRCh38",
    ),
    (
        "cnvkit_past_chromosome_end.cns",
        "GRCh37",
        2,
        "segment end 17:83200000 is past the end of chromosome 17 in GRCh37 (81195210): is the "
        "file of another genome build?",
    ),
]


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else str(path)


@pytest.mark.parametrize(("name", "build", "line", "problem"), BAD, ids=[b[0] for b in BAD])
def test_malformed_file_gives_one_line_error(
    name: str, build: str, line: int | None, problem: str, cnv_data: Path
) -> None:
    path = cnv_data / "bad" / name
    with pytest.raises(InputError) as err:
        read_copy_number(path, build=build)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{_where(path, line)}: {problem}")
    assert (err.value.path, err.value.line) == (str(path), line)


@pytest.mark.parametrize(
    ("name", "build", "line", "problem"), BUILD_MISMATCH, ids=[b[0] for b in BUILD_MISMATCH]
)
def test_file_of_the_other_build_is_refused(
    name: str, build: str, line: int, problem: str, cnv_data: Path
) -> None:
    path = cnv_data / "bad" / name
    with pytest.raises(BuildMismatchError) as err:
        read_copy_number(path, build=build)
    assert str(err.value).startswith(f"{path}:{line}: {problem}")


def test_good_fixture_of_the_other_build_is_refused(cnv_data: Path) -> None:
    with pytest.raises(BuildMismatchError, match=r"called.seg:2: @SQ AS:GRCh38 says GRCh38"):
        read_copy_number(cnv_data / "gatk_grch38_nochr.called.seg", build="GRCh37")
    with pytest.raises(BuildMismatchError, match=r"modelFinal.seg:2: @SQ UR:file:/ref/ucsc.hg19"):
        read_copy_number(cnv_data / "gatk_grch37_chr.modelFinal.seg", build="GRCh38")
    with pytest.raises(BuildMismatchError, match=r"\.vcf:2: ##reference=GRCh38 says GRCh38"):
        read_copy_number(cnv_data / "cnv_grch38_chr.vcf", build="GRCh37")


def test_unknown_sample_is_an_error(cnv_data: Path) -> None:
    with pytest.raises(InputError) as err:
        read_copy_number(cnv_data / "gene_table_plasma.tsv", build="GRCh38", sample="PT-09")
    assert str(err.value) == (
        f"{cnv_data / 'gene_table_plasma.tsv'}:1: sample 'PT-09' is not in the file "
        "(samples: PT-01, PT-02)"
    )
    with pytest.raises(InputError, match=r"\.vcf:24: sample 'TUMOR' is not in the VCF"):
        read_copy_number(cnv_data / "cnv_grch38_chr.vcf", build="GRCh38", sample="TUMOR")
    with pytest.raises(InputError, match=r"its @RG SM is 'PLASMA-07'"):
        read_copy_number(cnv_data / "gatk_grch38_nochr.called.seg", build="GRCh38", sample="X")


def test_truncated_gzip_is_a_one_line_error(cnv_data: Path, tmp_path: Path) -> None:
    data = gzip.compress((cnv_data / "cnvkit_grch37_chr.cnr").read_bytes())
    broken = tmp_path / "sample.cnr.gz"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        read_copy_number(broken, build="GRCh37")
    assert "cannot read compressed data" in str(err.value)
    assert "\n" not in str(err.value)


def test_binary_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "calls.bcf"
    path.write_bytes(gzip.compress(b"BCF\x02\x02\xff\xfe\x00\x81\x92binary"))
    with pytest.raises(InputError, match=r"calls.bcf:1: not UTF-8 text"):
        read_copy_number(path, build="GRCh38")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot open copy-number file"):
        read_copy_number(tmp_path / "absent.cns", build="GRCh38")


def test_header_only_file_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.call.cns"
    path.write_text("chromosome\tstart\tend\tgene\tlog2\tcn\tprobes\n")
    result = read_copy_number(path, build="GRCh37")
    assert result.segments == () and result.records_read == 0
    assert result.notes == ("the copy-number file has a header but no data rows",)
