"""`egfr-annot batch` and the sheet's optional `patient` and `timepoint` columns (issue #8): the
cohort alterations and summary tables carry them, and with a patient column the prevalence table
counts patients (two timepoints of one patient are one carrier), not samples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cohort_rows import alteration as alteration_row
from cohort_rows import summary as summary_row

from egfr_annot import __version__
from egfr_annot.batch import prevalence_rows
from egfr_annot.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "example_vcfs"
BRAF = "braf_v600e.GRCh37.vcf"  # BRAF V600E (resistance) and PIK3CA E542K
NEGATIVE = "no_resistance.GRCh38.vcf.gz"  # PIK3CA E545K only: not_detected
COHORT = (
    "cohort.alterations.tsv",
    "cohort.summary.tsv",
    "cohort.prevalence.tsv",
    "cohort.failures.tsv",
)
PREVALENCE_HEADER = (
    "alteration_class\tresistance\tn_samples_with\tn_samples\tpercent\tci95_low\tci95_high\tunit\n"
)


def run_batch_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``egfr-annot batch ARGS`` in this process: the exit code and standard error."""
    with pytest.raises(SystemExit) as exc:
        main(["batch", *args])
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def write_sheet(directory: Path, header: str, rows: list[tuple[str, str, str]]) -> Path:
    """A sheet ``header`` of ``(sample, example VCF or "missing", other columns)`` rows."""
    data = directory / "data"
    data.mkdir(exist_ok=True)
    for name in (BRAF, NEGATIVE):
        shutil.copy(EXAMPLES / name, data / name)
    lines = [header] + [
        f"{sample},data/{vcf}" + (f",{rest}" if rest else "") for sample, vcf, rest in rows
    ]
    sheet = directory / "sheet.csv"
    sheet.write_text("\n".join(lines) + "\n")
    return sheet


def cohort_comment(out: Path, n: int) -> str:
    """The cohort files' first line (the knowledge-base version as the per-sample files say)."""
    kb = next(
        part.removeprefix(" knowledge-base ")
        for part in next(iter(sorted((out / "samples").glob("*.summary.tsv"))))
        .read_text()
        .splitlines()[0]
        .split(";")
        if part.startswith(" knowledge-base ")
    )
    return f"# egfr-annot {__version__}; knowledge-base {kb}; cohort of {n}\n"


def expected_cohort_table(out: Path, kind: str, sheet_values: dict[str, tuple[str, str]]) -> str:
    """``cohort.KIND.tsv`` as it must read: the per-sample tables in sheet order, each row with
    the sheet's patient and timepoint right after its sample."""
    body = ""
    for sample, (patient, timepoint) in sheet_values.items():
        lines = (out / "samples" / f"{sample}.{kind}.tsv").read_text().splitlines(keepends=True)
        header = lines[1]
        for line in lines[2:]:
            first, rest = line.split("\t", 1)
            body += f"{first}\t{patient}\t{timepoint}\t{rest}"
    first, rest = header.split("\t", 1)
    return cohort_comment(out, len(sheet_values)) + f"{first}\tpatient\ttimepoint\t{rest}" + body


def columns(path: Path, *names: str) -> list[tuple[str, ...]]:
    lines = path.read_text().splitlines()
    header = lines[1].split("\t")
    return [tuple(line.split("\t")[header.index(n)] for n in names) for line in lines[2:]]


# ----------------------------------------------------------------------------------------------
# a sheet with a patient column: two timepoints of one BRAF patient, one patient without
# ----------------------------------------------------------------------------------------------
TWO_PATIENTS = [
    ("A1", BRAF, "baseline,PA"),
    ("A2", BRAF, "progression,PA"),
    ("B1", NEGATIVE, "baseline,PB"),
]
TWO_PATIENTS_VALUES = {
    "A1": ("PA", "baseline"),
    "A2": ("PA", "progression"),
    "B1": ("PB", "baseline"),
}


def test_cohort_tables_carry_patient_and_timepoint_and_count_patients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path, "sample,vcf,timepoint,patient", TWO_PATIENTS)
    for workers in ("1", "2"):
        code, err = run_batch_cli(
            capsys, str(sheet), "--out-dir", str(tmp_path / f"w{workers}"), "--workers", workers
        )
        assert code == 0, err
    out = tmp_path / "w1"
    for name in COHORT:  # whatever --workers is
        assert (out / name).read_bytes() == (tmp_path / "w2" / name).read_bytes(), name

    summary = (out / "cohort.summary.tsv").read_text()
    assert summary == expected_cohort_table(out, "summary", TWO_PATIENTS_VALUES)
    assert summary.splitlines()[1].startswith("sample\tpatient\ttimepoint\tstatus\t")
    assert columns(out / "cohort.summary.tsv", "sample", "patient", "timepoint", "status") == [
        ("A1", "PA", "baseline", "resistance_detected"),
        ("A2", "PA", "progression", "resistance_detected"),
        ("B1", "PB", "baseline", "not_detected"),
    ]
    alterations = (out / "cohort.alterations.tsv").read_text()
    assert alterations == expected_cohort_table(out, "alterations", TWO_PATIENTS_VALUES)
    assert alterations.splitlines()[1].startswith("sample\tpatient\ttimepoint\tgene\t")
    assert columns(out / "cohort.alterations.tsv", "sample", "patient", "timepoint", "gene") == [
        ("A1", "PA", "baseline", "BRAF"),
        ("A1", "PA", "baseline", "PIK3CA"),
        ("A2", "PA", "progression", "BRAF"),
        ("A2", "PA", "progression", "PIK3CA"),
        ("B1", "PB", "baseline", "PIK3CA"),
    ]
    # BRAF V600E: 1 of 2 patients (not 2 of 3 samples); the Wilson interval of 1/2
    assert (out / "cohort.prevalence.tsv").read_text() == cohort_comment(out, 3) + (
        PREVALENCE_HEADER
        + "PIK3CA exon 9 mutation\tno\t2\t2\t100.0\t34.2\t100.0\tpatients\n"
        + "BRAF V600E\tyes\t1\t2\t50.0\t9.5\t90.5\tpatients\n"
        + "status: resistance_detected\t\t1\t2\t50.0\t9.5\t90.5\tpatients\n"
        + "status: not_detected\t\t1\t2\t50.0\t9.5\t90.5\tpatients\n"
        + "status: non_informative\t\t0\t2\t0.0\t0.0\t65.8\tpatients\n"
    )


def test_without_a_patient_column_prevalence_stays_per_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(sample, vcf, rest.split(",")[0]) for sample, vcf, rest in TWO_PATIENTS]
    sheet = write_sheet(tmp_path, "sample,vcf,timepoint", rows)
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(tmp_path / "out"))
    assert code == 0, err
    out = tmp_path / "out"
    values = {s: ("", t) for s, (_, t) in TWO_PATIENTS_VALUES.items()}
    assert (out / "cohort.summary.tsv").read_text() == expected_cohort_table(out, "summary", values)
    assert (out / "cohort.alterations.tsv").read_text() == expected_cohort_table(
        out, "alterations", values
    )
    assert (out / "cohort.prevalence.tsv").read_text() == cohort_comment(out, 3) + (
        PREVALENCE_HEADER
        + "PIK3CA exon 9 mutation\tno\t3\t3\t100.0\t43.9\t100.0\tsamples\n"
        + "BRAF V600E\tyes\t2\t3\t66.7\t20.8\t93.9\tsamples\n"
        + "status: resistance_detected\t\t2\t3\t66.7\t20.8\t93.9\tsamples\n"
        + "status: not_detected\t\t1\t3\t33.3\t6.1\t79.2\tsamples\n"
        + "status: non_informative\t\t0\t3\t0.0\t0.0\t56.1\tsamples\n"
    )


def test_a_sheet_without_either_column_has_them_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path, "sample,vcf", [("A1", BRAF, ""), ("B1", NEGATIVE, "")])
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(tmp_path / "out"))
    assert code == 0, err
    out = tmp_path / "out"
    values = {"A1": ("", ""), "B1": ("", "")}
    assert (out / "cohort.summary.tsv").read_text() == expected_cohort_table(out, "summary", values)
    assert columns(out / "cohort.summary.tsv", "sample", "patient", "timepoint") == [
        ("A1", "", ""),
        ("B1", "", ""),
    ]


def test_the_denominator_is_patients_with_a_completed_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # PA: one timepoint failed, one completed (BRAF); PB: negative; PC: its only sample failed.
    sheet = write_sheet(
        tmp_path,
        "sample,vcf,timepoint,patient",
        [
            ("A1", BRAF, "baseline,PA"),
            ("A2", "missing.vcf", "progression,PA"),
            ("B1", NEGATIVE, "baseline,PB"),
            ("C1", "missing.vcf", "baseline,PC"),
        ],
    )
    code, _ = run_batch_cli(capsys, str(sheet), "--out-dir", str(tmp_path / "out"))
    assert code == 3
    prevalence = columns(
        tmp_path / "out/cohort.prevalence.tsv",
        "alteration_class",
        "n_samples_with",
        "n_samples",
        "unit",
    )
    assert ("BRAF V600E", "1", "2", "patients") in prevalence
    assert ("status: not_detected", "1", "2", "patients") in prevalence


def test_a_resumed_batch_takes_patients_from_the_current_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The per-sample files do not hold the patient: a sheet that regroups samples needs no re-run.
    sheet = write_sheet(tmp_path, "sample,vcf,timepoint,patient", TWO_PATIENTS)
    out = str(tmp_path / "out")
    assert run_batch_cli(capsys, str(sheet), "--out-dir", out)[0] == 0
    regrouped = [(s, v, rest.replace("PB", "PA")) for s, v, rest in TWO_PATIENTS]
    sheet = write_sheet(tmp_path, "sample,vcf,timepoint,patient", regrouped)
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", out, "--resume")
    assert code == 0 and "(3 resumed)" in err
    assert columns(tmp_path / "out/cohort.summary.tsv", "sample", "patient") == [
        ("A1", "PA"),
        ("A2", "PA"),
        ("B1", "PA"),
    ]
    prevalence = columns(
        tmp_path / "out/cohort.prevalence.tsv", "alteration_class", "n_samples_with", "n_samples"
    )
    assert ("BRAF V600E", "1", "1") in prevalence


# ----------------------------------------------------------------------------------------------
# prevalence_rows itself
# ----------------------------------------------------------------------------------------------
def test_prevalence_per_patient_status_and_units() -> None:
    summary = [
        summary_row("p1-t1", "non_informative"),
        summary_row("p1-t2", "not_detected"),  # an informative negative wins over non_informative
        summary_row("p2-t1", "not_detected"),
        summary_row("p2-t2", "resistance_detected"),  # a detection wins over both
        summary_row("p3", "non_informative"),  # a sample of no patient is a patient of its own
        summary_row("P1", "non_informative"),  # a sample named like a patient is not that patient
    ]
    alterations = [alteration_row("p2-t2", "KRAS mutation"), alteration_row("P1", "KRAS mutation")]
    patient_of = {"p1-t1": "P1", "p1-t2": "P1", "p2-t1": "P2", "p2-t2": "P2"}
    table = {r[0]: r[2:5] + r[7:] for r in prevalence_rows(alterations, summary, patient_of)}
    assert table == {
        "KRAS mutation": ["2", "4", "50.0", "patients"],
        "status: resistance_detected": ["1", "4", "25.0", "patients"],
        "status: not_detected": ["1", "4", "25.0", "patients"],
        "status: non_informative": ["2", "4", "50.0", "patients"],
    }
    # without patients: the same rows count samples
    table = {r[0]: r[2:5] + r[7:] for r in prevalence_rows(alterations, summary)}
    assert table["KRAS mutation"] == ["2", "6", "33.3", "samples"]
    assert table["status: not_detected"] == ["2", "6", "33.3", "samples"]
