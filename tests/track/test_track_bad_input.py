"""Bad sample sheets fail with one line ``egfr-annot: error: SHEET:LINE: problem``, exit 2 and
no output at all; a bad sample fails its patient (exit 3) while the others are complete."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from serial_builders import (
    CLEARING,
    CLEARING_COVERAGE,
    PERSISTING,
    renamed,
    write_depth_tsv,
    write_patient,
    write_sheet,
)
from track_helpers import run_cli

from egfr_annot.cli import main


def _track(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["track", *args])
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


@pytest.fixture
def good(tmp_path: Path) -> tuple[Path, list[list[str]]]:
    """Two valid patients' VCFs (written once) and their sheet rows."""
    rows = write_patient(tmp_path, "P001", PERSISTING)
    rows += write_patient(tmp_path, "P002", CLEARING)
    return tmp_path, rows


def _expect_sheet_error(
    capsys: pytest.CaptureFixture[str],
    sheet: Path,
    line: int | None,
    problem: str,
    *extra: str,
) -> None:
    out = sheet.parent / "out"
    code, err = _track(capsys, str(sheet), "--out-dir", str(out), "--workers", "1", *extra)
    assert code == 2
    where = f"{sheet}:{line}" if line is not None else str(sheet)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"egfr-annot: error: {where}: "), err
    assert problem in lines[0], err
    assert not out.exists()  # nothing written, not even the directory


def test_missing_column(capsys, good) -> None:
    directory, rows = good
    sheet = write_sheet(
        directory / "s.csv", [r[:3] + r[4:] for r in rows], header="patient,sample,vcf,therapy"
    )
    _expect_sheet_error(capsys, sheet, 1, "missing column(s) date")


def test_unknown_column(capsys, good) -> None:
    directory, rows = good
    sheet = write_sheet(
        directory / "s.csv",
        [[*r, "x"] for r in rows],
        header="patient,sample,vcf,date,therapy,site",
    )
    _expect_sheet_error(capsys, sheet, 1, "unknown column(s) site")


def test_unparseable_date(capsys, good) -> None:
    directory, rows = good
    rows[2][3] = "01/04/2024"
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(capsys, sheet, 4, "date '01/04/2024' is not an ISO date (YYYY-MM-DD)")


def test_empty_date(capsys, good) -> None:
    directory, rows = good
    rows[0][3] = ""
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(capsys, sheet, 2, "empty date")


def test_duplicate_sample_within_a_patient(capsys, good) -> None:
    directory, rows = good
    rows[1][1] = rows[0][1]
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(capsys, sheet, 3, "duplicate sample id 'P001-T0' (first on line 2)")


def test_duplicate_sample_across_patients(capsys, good) -> None:
    directory, rows = good
    rows[3][1] = rows[0][1]  # a P002 row reusing P001's sample id: same output files
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(
        capsys, sheet, 5, "duplicate sample id 'P001-T0' (first on line 2, patient P001)"
    )


def test_missing_vcf_file(capsys, good) -> None:
    directory, rows = good
    rows[4][2] = "nope.vcf"
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(capsys, sheet, 6, f"vcf file not found: {directory / 'nope.vcf'}")


def test_missing_cnv_file(capsys, good) -> None:
    directory, rows = good
    rows = [[*r, ""] for r in rows]
    rows[0][5] = "missing.cns"
    sheet = write_sheet(directory / "s.csv", rows, header="patient,sample,vcf,date,therapy,cnv")
    _expect_sheet_error(capsys, sheet, 2, "cnv file not found")


def test_patient_id_that_is_a_path(capsys, good) -> None:
    directory, rows = good
    for r in rows[:3]:
        r[0] = "../P001"
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(capsys, sheet, 2, "patient id '../P001' cannot start with '.'")


def test_wrong_number_of_fields(capsys, good) -> None:
    directory, rows = good
    rows[1] = rows[1][:4]
    sheet = write_sheet(directory / "s.csv", rows)
    _expect_sheet_error(capsys, sheet, 3, "4 fields, header has 5")


def test_missing_sheet(capsys, tmp_path) -> None:
    _expect_sheet_error(capsys, tmp_path / "none.csv", None, "No such file or directory")


def test_missing_coverage_file(capsys, good) -> None:
    directory, rows = good
    sheet = write_sheet(directory / "s.csv", rows)
    out = directory / "out"
    code, err = _track(
        capsys,
        str(sheet),
        "--out-dir",
        str(out),
        "--coverage",
        f"P002-T2={directory / 'none.bed.gz'}",
    )
    assert code == 2
    assert err.strip() == f"egfr-annot: error: {directory / 'none.bed.gz'}: coverage file not found"
    assert not out.exists()


def test_coverage_for_an_unknown_sample(capsys, good) -> None:
    directory, rows = good
    sheet = write_sheet(directory / "s.csv", rows)
    cov = write_depth_tsv(directory / "d.tsv", CLEARING_COVERAGE)
    code, err = _track(
        capsys, str(sheet), "--out-dir", str(directory / "out"), "--coverage", f"X9={cov}"
    )
    assert code == 2 and "no sample 'X9' in the sheet" in err
    assert not (directory / "out").exists()


def test_sample_option_is_refused(capsys, good) -> None:
    directory, rows = good
    sheet = write_sheet(directory / "s.csv", rows)
    code, err = _track(capsys, str(sheet), "--out-dir", str(directory / "out"), "--sample", "x")
    assert code == 2 and "--sample does not apply to track" in err


# -- a bad sample fails its patient, not the run --------------------------------------------
def test_bad_vcf_fails_its_patient_and_the_others_complete(tmp_path: Path) -> None:
    rows = write_patient(tmp_path, "P001", PERSISTING)
    rows += write_patient(tmp_path, "P002", CLEARING)
    (tmp_path / "P001-T1.vcf").write_text("this is not a VCF\n")
    # P002's last absences get their depth from a samtools-depth style file
    cov = write_depth_tsv(tmp_path / "P002-T2.depth.tsv", CLEARING_COVERAGE)
    sheet = write_sheet(tmp_path / "sheet.csv", rows)
    out = tmp_path / "out"
    out.mkdir()
    (out / "P001.trajectories.tsv").write_text("from an earlier run\n")
    proc = run_cli(
        "track", str(sheet), "--out-dir", str(out), "--workers", "1", "--coverage", f"P002-T2={cov}"
    )
    assert proc.returncode == 3, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("egfr-annot: error: 1 patient(s) not tracked (P001)")
    # no trajectory with a missing timepoint, and none left over from an earlier run
    assert not (out / "P001.trajectories.tsv").exists()
    failures = _rows(out / "track.failures.tsv")
    assert [(f["patient"], f["sample"], f["sheet_line"]) for f in failures] == [
        ("P001", "P001-T1", "3")
    ]
    assert "P001-T1.vcf" in failures[0]["error"]
    summary = _rows(out / "track.summary.tsv")
    assert [(r["patient"], r["window"]) for r in summary] == [("P002", "resistance_cleared")]
    depth = [
        r
        for r in _rows(out / "P002.trajectories.tsv")
        if r["sample"] == "P002-T2" and r["alteration"] == "EGFR p.S492R"
    ]
    assert depth[0]["detection"] == "not detected (depth 3900)"
    assert (out / "samples" / "P001-T0.alterations.tsv").is_file()  # good samples still written


def test_low_depth_is_not_covered_and_cannot_clear(tmp_path: Path) -> None:
    draws = renamed(CLEARING, "P002", "P007")
    rows = write_patient(tmp_path, "P007", draws)
    cov = write_depth_tsv(tmp_path / "d.tsv", {"KRAS": 500, "EGFR": 3900})
    sheet = write_sheet(tmp_path / "sheet.csv", rows)
    out = tmp_path / "out"
    proc = run_cli(
        "track", str(sheet), "--out-dir", str(out), "--workers", "1", "--coverage", f"P007-T2={cov}"
    )
    assert proc.returncode == 0, proc.stderr
    summary = _rows(out / "track.summary.tsv")[0]
    assert summary["window"] == "clearance_unconfirmed"
    assert summary["clearance_unconfirmed"] == "KRAS p.G12D (not covered (depth 500 < 1000))"
    assert summary["cleared_alterations"] == "EGFR p.S492R"
    # a lower --min-depth makes the same absence informative
    out2 = tmp_path / "out2"
    proc = run_cli(
        "track",
        str(sheet),
        "--out-dir",
        str(out2),
        "--workers",
        "1",
        "--coverage",
        f"P007-T2={cov}",
        "--min-depth",
        "400",
    )
    assert proc.returncode == 0, proc.stderr
    assert _rows(out2 / "track.summary.tsv")[0]["window"] == "resistance_cleared"


def test_mixed_genome_builds_fail_the_patient(tmp_path: Path) -> None:
    # one timepoint on GRCh37: its alleles have other keys, so nothing could be matched
    rows = write_patient(tmp_path, "P001", PERSISTING, builds={"P001-T1": "GRCh37"})
    rows += write_patient(tmp_path, "P002", CLEARING)
    sheet = write_sheet(tmp_path / "sheet.csv", rows)
    out = tmp_path / "out"
    proc = run_cli("track", str(sheet), "--out-dir", str(out), "--workers", "1")
    assert proc.returncode == 3, proc.stderr
    failures = _rows(out / "track.failures.tsv")
    assert len(failures) == 1 and failures[0]["patient"] == "P001"
    assert failures[0]["error"].startswith(
        "patient P001: samples on different genome builds (GRCh37: P001-T1; GRCh38: P001-T0, "
        "P001-T2)"
    )
    assert [r["patient"] for r in _rows(out / "track.summary.tsv")] == ["P002"]
    # the GRCh37 sample itself was fine: its own outputs say so
    t1 = (out / "samples" / "P001-T1.summary.tsv").read_text().splitlines()[2].split("\t")
    assert t1[1] == "resistance_detected" and "GRCh37" in t1


def _rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text().splitlines()
    return list(csv.DictReader(lines[1:], delimiter="\t"))
