"""Copy-number results never claim more than the input gives (issue #6, audit):

1. a copy-number file of several samples, none of them the VCF's tumour sample, is a one-line
   error (exit 2; a failed sample in ``batch``), not silently dropped;
2. ``copy_number_status`` names the genes with a copy-number rule (MET, ERBB2, PTEN) that no
   input covered: a negative is informative only for covered genes;
3. a malformed copy-number record in the VCF of the variants (END not an integer, END before
   POS, neither END nor SVLEN) fails as the same record in a ``--cnv`` file does.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from egfr_annot.cli import main
from egfr_annot.errors import InputError
from egfr_annot.genome.models import TranscriptModel
from egfr_annot.io.cnv import read_copy_number, read_symbolic_records

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"
PLASMA_TABLE = REPO / "tests" / "data" / "cnv" / "gene_table_plasma.tsv"
RULE_GENES = ("ERBB2", "MET", "PTEN")  # the catalogue's copy-number rules, in panel order

KRAS_G12D = (
    "chr12\t25245350\t.\tC\tT\t.\tPASS\tDP=5590\tGT:AD:AF:DP\t0/1:3308,68:2.014e-02:3376\t"
    "0/0:2214,0:4.513e-04:2214"
)
# a <DUP> starting at the first base of MET (GRCh38), inside the regions the reader parses
MET_DUP = "chr7\t116672405\t.\tN\t<DUP>\t.\tPASS\tSVTYPE=DUP;{info}\tGT\t0/1\t0/0"
INFORMATIVE_AT_03 = (
    "tumour fraction 0.3 >= 0.1: a tumour amplification to 5 copies would read as 2.90 copies "
    "in plasma"
)


def _header() -> list[str]:
    text = gzip.decompress(EXAMPLE.read_bytes()).decode()
    return [line for line in text.splitlines() if line.startswith("#")]


def _vcf(tmp_path: Path, *records: str) -> Path:
    """The example's header (tumour PLASMA_T2, normal PBMC_NORMAL) with these records."""
    path = tmp_path / "records.vcf"
    path.write_text("\n".join([*_header(), *records]) + "\n")
    return path


def _line_of(record_index: int) -> int:
    return len(_header()) + record_index + 1


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int | str | None, str]:
    """Exit code and standard error of ``egfr-annot ARGS``."""
    with pytest.raises(SystemExit) as stop:
        main([*args])
    return stop.value.code, capsys.readouterr().err


def _table(path: Path) -> list[dict[str, str]]:
    lines = [line.split("\t") for line in path.read_text().splitlines() if not line.startswith("#")]
    return [dict(zip(lines[0], values, strict=True)) for values in lines[1:]]


def _summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, vcf: Path, *options: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The one summary row and the alteration rows of a successful run."""
    out = tmp_path / "out"
    code, err = _run(capsys, "run", str(vcf), "-o", str(out), "-q", "--no-checksum", *options)
    assert code == 0, err
    (summary,) = _table(Path(f"{out}.summary.tsv"))
    return summary, _table(Path(f"{out}.alterations.tsv"))


def _cns(tmp_path: Path, *segments: str, name: str = "calls.cns") -> Path:
    path = tmp_path / name
    path.write_text("chromosome\tstart\tend\tgene\tlog2\tprobes\n" + "".join(segments))
    return path


# --------------------------------------------------------------------------------------------
# 1. a copy-number file of other samples
# --------------------------------------------------------------------------------------------
NOT_ATTRIBUTABLE = (
    "copy-number file of samples PT-01, PT-02 has none named 'PLASMA_T2' (the VCF's tumour "
    "sample) or 'PT-09': nothing in it can be attributed to the sample; give the file of this "
    "sample (a file of one sample is used whatever its name)"
)


def test_run_refuses_a_table_of_other_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = _vcf(tmp_path, KRAS_G12D)
    out = tmp_path / "out"
    code, err = _run(
        capsys,
        "run",
        str(vcf),
        "--cnv",
        str(PLASMA_TABLE),
        "--sample-id",
        "PT-09",
        "--tumor-fraction",
        "0.3",
        "-o",
        str(out),
        "-q",
        "--no-checksum",
    )
    assert code == 2
    assert err == f"egfr-annot: error: {PLASMA_TABLE}: {NOT_ATTRIBUTABLE}\n"
    assert not list(tmp_path.glob("out.*"))


def test_batch_fails_only_the_sample_whose_table_holds_other_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = _vcf(tmp_path, KRAS_G12D)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        f"sample,vcf,cnv,tumor_fraction\nPT-09,{vcf},{PLASMA_TABLE},0.3\nP2,{vcf},,0.3\n"
    )
    out = tmp_path / "batch"
    code, err = _run(capsys, "batch", str(sheet), "--out-dir", str(out), "--workers", "1")
    assert code == 3, err
    (failure,) = _table(out / "cohort.failures.tsv")
    assert (failure["sample"], failure["error"]) == ("PT-09", f"{PLASMA_TABLE}: {NOT_ATTRIBUTABLE}")
    assert sorted(p.name for p in (out / "samples").glob("*.summary.tsv")) == ["P2.summary.tsv"]


def test_the_output_id_picks_the_sample_from_a_table_of_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the VCF's column is PLASMA_T2; --sample-id PT-01 names it as the table does
    summary, rows = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(PLASMA_TABLE),
        "--sample-id", "PT-01", "--tumor-fraction", "0.3")
    assert summary["sample"] == "PT-01"
    assert {r["gene"] for r in rows if r["match_level"] == "copy_number"} >= {"MET", "ERBB2"}
    assert summary["copy_number_status"] == "informative (amplification detected)"


def test_the_tumour_sample_is_picked_from_a_table_of_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "cohort.tsv"
    table.write_text(
        "sample\tgene\tcopy_number\n"
        "OTHER\tERBB2\t2.0\nPLASMA_T2\tERBB2\t6.0\nPLASMA_T2\tMET\t2.0\nPLASMA_T2\tPTEN\t2.0\n"
    )
    summary, rows = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(table), "--tumor-fraction", "0.3"
    )
    assert [(r["gene"], r["copy_number"]) for r in rows if r["match_level"] == "copy_number"] == [
        ("ERBB2", "6")
    ]
    assert summary["copy_number_status"] == "informative (amplification detected)"


def test_a_table_of_one_other_sample_is_used_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "pt02.tsv"
    table.write_text("sample\tgene\tcopy_number\nPT-02\tMET\t2.0\nPT-02\tERBB2\tNA\n")
    summary, _ = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(table), "--tumor-fraction", "0.3"
    )
    assert (
        f"copy number from {table} (sample PT-02) used for sample PLASMA_T2"
        in (summary["warnings"])
    )
    # ERBB2's NA is no data: only MET was assessed
    assert summary["copy_number_status"] == (
        f"not assessed for ERBB2, PTEN (no copy-number data for them in {table}); MET "
        f"informative: {INFORMATIVE_AT_03}"
    )


def test_attribution_rules_of_one_input(tmp_path: Path) -> None:
    cohort = read_copy_number(PLASMA_TABLE, build="GRCh38")
    records, note = cohort.attributed_to("TUMOR", ("PT-02",))  # the output id matches
    assert (note, [(r.sample, r.gene) for r in records]) == ("", [("PT-02", "MET")])
    with pytest.raises(InputError) as err:
        cohort.attributed_to("TUMOR")
    assert str(err.value) == (
        f"{PLASMA_TABLE}: copy-number file of samples PT-01, PT-02 has none named 'TUMOR' (the "
        "VCF's tumour sample): nothing in it can be attributed to the sample; give the file of "
        "this sample (a file of one sample is used whatever its name)"
    )
    unnamed = read_copy_number(
        _cns(tmp_path, "7\t116600000\t116900000\tMET\t1.2\t90\n"), build="GRCh38"
    )
    records, note = unnamed.attributed_to("TUMOR")
    assert (note, len(records)) == ("", 1)


# --------------------------------------------------------------------------------------------
# 2. genes without copy-number data are not assessed
# --------------------------------------------------------------------------------------------
def test_a_cns_without_panel_genes_assesses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cns = _cns(tmp_path, "1\t1000\t2000000\t-\t0.01\t50\n")
    summary, _ = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(cns), "--tumor-fraction", "0.3"
    )
    assert summary["copy_number_status"] == (
        f"not assessed for ERBB2, MET, PTEN: no copy-number data for them in {cns}"
    )


def test_a_gcnv_vcf_without_segments_near_the_genes_assesses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cnv = tmp_path / "gcnv.vcf"
    cnv.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=248956422>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPLASMA_T2\n"
        "chr1\t1000000\t.\tN\t<DUP>\t.\tPASS\tEND=2000000\tGT:CN\t1:3\n"
        "chr1\t5000000\t.\tN\t.\t.\tPASS\tEND=6000000\tGT:CN\t0:2\n"
    )
    summary, _ = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(cnv), "--tumor-fraction", "0.3"
    )
    assert summary["copy_number_status"] == (
        f"not assessed for ERBB2, MET, PTEN: no copy-number data for them in {cnv}"
    )


def test_a_dup_without_copy_number_in_the_vcf_assesses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manta = "chr7\t116647405\t.\tN\t<DUP>\t.\tPASS\tSVTYPE=DUP;END=116838386\tGT\t0/1\t0/0"
    vcf = _vcf(tmp_path, manta, KRAS_G12D)
    summary, _ = _summary(capsys, tmp_path, vcf, "--tumor-fraction", "0.3")
    assert "cnv_vcf_record_without_copy_number=2" in summary["skipped"]  # (per sample column)
    assert summary["copy_number_status"] == (
        f"not assessed for ERBB2, MET, PTEN: no copy-number data for them in {vcf}"
    )


def test_a_negative_is_informative_only_for_the_covered_gene(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cns = _cns(tmp_path, "7\t116600000\t116900000\tMET\t0.0\t90\n")
    summary, _ = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(cns), "--tumor-fraction", "0.3"
    )
    # what was not assessed comes first: `track` reads the start of the text
    assert summary["copy_number_status"] == (
        f"not assessed for ERBB2, PTEN (no copy-number data for them in {cns}); MET "
        f"informative: {INFORMATIVE_AT_03}"
    )


def test_full_coverage_keeps_the_plain_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cns = _cns(
        tmp_path,
        "7\t116600000\t116900000\tMET\t0.0\t90\n",
        "10\t87800000\t88000000\tPTEN\t0.0\t90\n",
        "17\t39600000\t39800000\tERBB2\t0.0\t90\n",
    )
    summary, _ = _summary(
        capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(cns), "--tumor-fraction", "0.3"
    )
    assert summary["copy_number_status"] == f"informative: {INFORMATIVE_AT_03}"


def test_an_amplification_does_not_make_uncovered_genes_assessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the bundled example: its <DUP> covers MET only
    summary, rows = _summary(capsys, tmp_path, EXAMPLE)
    assert [r["gene"] for r in rows if r["match_level"] == "copy_number"] == ["MET"]
    assert summary["copy_number_status"] == (
        f"not assessed for ERBB2, PTEN (no copy-number data for them in {EXAMPLE}); MET "
        "informative (amplification detected)"
    )


def test_assess_sample_counts_neutral_calls_as_coverage(
    tmp_path: Path, models: Callable[[str], Mapping[str, TranscriptModel]]
) -> None:
    from egfr_annot.copy_number import assess_sample, copy_number_status

    cns = read_copy_number(
        _cns(tmp_path, "7\t116600000\t116900000\tMET\t0.0\t90\n", "10\t1\t2\t-\t0\t1\n"),
        build="GRCh38",
    )
    result = assess_sample("S", [cns], models("GRCh38"), assessed=RULE_GENES, tumour_fraction=None)
    assert (result.calls, result.covered, result.not_covered) == ((), ("MET",), ("ERBB2", "PTEN"))
    assert copy_number_status(result, None) == (
        f"not assessed for ERBB2, PTEN (no copy-number data for them in {cns.path}); MET "
        "non_informative: tumour fraction unknown: plasma copy number is diluted by an unknown "
        "amount, so the absence of an amplification does not exclude one"
    )
    # one gene missing: "it"
    covered_two = assess_sample(
        "S",
        [cns],
        models("GRCh38"),
        assessed=("MET", "PTEN"),
        tumour_fraction=0.3,
    )
    assert copy_number_status(covered_two, 0.3).startswith(
        f"not assessed for PTEN (no copy-number data for it in {cns.path}); MET informative: "
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "not assessed for ERBB2, PTEN (no copy-number data for them in /d/a (1); b.cns); MET "
            "informative: tumour fraction 0.3 >= 0.1: ...",
            {
                "MET": "informative: tumour fraction 0.3 >= 0.1: ...",
                "ERBB2": "not assessed for ERBB2 (no copy-number data for it in /d/a (1); b.cns)",
                "PTEN": "not assessed for PTEN (no copy-number data for it in /d/a (1); b.cns)",
            },
        ),
        (
            "not assessed for PTEN (no copy-number data for it in x.cns); ERBB2, MET informative "
            "(amplification detected)",
            {
                "MET": "informative (amplification detected)",
                "ERBB2": "informative (amplification detected)",
                "PTEN": "not assessed for PTEN (no copy-number data for it in x.cns)",
            },
        ),
        (
            "not assessed for ERBB2, MET, PTEN: no copy-number data for them in x.cns",
            dict.fromkeys(
                RULE_GENES,
                "not assessed for ERBB2, MET, PTEN: no copy-number data for them in x.cns",
            ),
        ),
        (
            "non_informative: tumour fraction unknown: ...",
            dict.fromkeys(RULE_GENES, "non_informative: tumour fraction unknown: ..."),
        ),
    ],
)
def test_the_status_of_one_gene(status: str, expected: dict[str, str]) -> None:
    """What ``track`` must read for one alteration, not the start of the sample's text."""
    from egfr_annot.copy_number import gene_copy_number_status

    assert {gene: gene_copy_number_status(status, gene) for gene in RULE_GENES} == expected


# --------------------------------------------------------------------------------------------
# 3. malformed copy-number records in the VCF of the variants
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("info", "problem"),
    [
        ("END=abc;CN=8", "INFO/END 'abc' is not an integer"),
        (
            "END=116000000;CN=8",
            "end 116000000 is before start 116672405 (VCF POS..END, 1-based coordinates)",
        ),
        ("CN=8", "copy-number record <DUP> at chr7:116672405 has no END (nor SVLEN)"),
    ],
)
def test_a_malformed_copy_number_record_in_the_vcf_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], info: str, problem: str
) -> None:
    vcf = _vcf(tmp_path, KRAS_G12D, MET_DUP.format(info=info))
    out = tmp_path / "out"
    code, err = _run(capsys, "run", str(vcf), "-o", str(out), "-q", "--no-checksum")
    assert code == 2
    assert err == f"egfr-annot: error: {vcf}:{_line_of(1)}: {problem}\n"
    assert not list(tmp_path.glob("out.*"))
    # the same record in a copy-number VCF given with --cnv: the same problem
    cnv = tmp_path / "cnv.vcf"
    cnv.write_text("\n".join([*_header(), MET_DUP.format(info=info)]) + "\n")
    with pytest.raises(InputError) as given:
        read_copy_number(cnv, build="GRCh38")
    assert given.value.problem == problem


def test_a_well_formed_dup_in_the_vcf_still_gives_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = _vcf(tmp_path, KRAS_G12D, MET_DUP.format(info="END=116838386;CN=8"))
    _, rows = _summary(capsys, tmp_path, vcf)
    (met,) = [r for r in rows if r["match_level"] == "copy_number"]
    assert (met["gene"], met["copy_number"], met["alteration_class"]) == (
        "MET",
        "8",
        "MET amplification",
    )


def test_a_bad_end_without_copy_number_is_counted_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a structural-variant caller's record, not copy-number data: as before, only counted
    vcf = _vcf(tmp_path, KRAS_G12D, MET_DUP.format(info="END=abc"))
    summary, _ = _summary(capsys, tmp_path, vcf)
    assert "cnv_vcf_record_without_copy_number=2" in summary["skipped"]  # (per sample column)


def test_symbolic_records_are_read_by_their_own_end() -> None:
    """The variant reader hands a record whose INFO/END it could not use with END = POS."""
    from egfr_annot.io.vcf_records import SymbolicRecord

    record = SymbolicRecord(
        chrom="chr7",
        pos=116672405,
        end=116672405,
        ref="N",
        alt="<DUP>",
        id=".",
        qual=".",
        filter="PASS",
        info={"SVTYPE": "DUP", "END": "abc", "CN": "8"},
        samples={"TUMOR": {"GT": "0/1"}},
        line=30,
    )
    with pytest.raises(InputError) as err:
        read_symbolic_records([record], "in.vcf", build="GRCh38")
    assert str(err.value) == "in.vcf:30: INFO/END 'abc' is not an integer"


@pytest.mark.xfail(
    strict=True,
    reason="the variant reader drops a record that starts before the regions it reads when its "
    "END is unusable (counted outside_panel): the copy-number reader never sees it; a fix "
    "belongs in io/vcf_scan*.py, vcf_index.py and vcf_records.py",
)
def test_a_malformed_record_starting_before_the_gene_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dup = "chr7\t116647405\t.\tN\t<DUP>\t.\tPASS\tSVTYPE=DUP;END=abc;CN=8\tGT\t0/1\t0/0"
    vcf = _vcf(tmp_path, dup, KRAS_G12D)
    code, err = _run(capsys, "run", str(vcf), "-o", str(tmp_path / "out"), "-q", "--no-checksum")
    assert (code, err) == (
        2,
        f"egfr-annot: error: {vcf}:{_line_of(0)}: INFO/END 'abc' is not an integer\n",
    )


def test_a_tumour_fraction_too_low_for_copy_number_is_in_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue #6: "a warning in the summary when the sample's tumour fraction is too low for a
    # negative CNV result to mean anything"; it was only in copy_number_status
    table = tmp_path / "neutral.tsv"
    table.write_text("sample\tgene\tcopy_number\nPLASMA_T2\tMET\t2.1\nPLASMA_T2\tERBB2\t2.0\n"
                     "PLASMA_T2\tPTEN\t2.0\n")
    summary, _rows = _summary(capsys, tmp_path, _vcf(tmp_path, KRAS_G12D), "--cnv", str(table),
                              "--tumor-fraction", "0.03")
    assert summary["copy_number_status"].startswith("non_informative: tumour fraction 0.03 < 0.1")
    assert ("copy number: the tumour fraction is too low for a negative copy-number result to "
            f"mean anything ({summary['copy_number_status']})") in summary["warnings"]
