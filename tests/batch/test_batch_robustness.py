"""`egfr-annot batch` robustness (issue #8: one bad sample never stops the batch): a worker
process that dies, outputs of an earlier run that would read as current, sample ids that are
not plain file names."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cohort_rows import alteration as alteration_row
from cohort_rows import summary as summary_row

from egfr_annot import batch
from egfr_annot.batch import prevalence_rows
from egfr_annot.cli import main
from egfr_annot.pipeline import Resources, RunOptions
from egfr_annot.samplesheet import read_sheet

EXAMPLES = Path(__file__).resolve().parents[2] / "example_vcfs"
COHORT = (
    "cohort.alterations.tsv",
    "cohort.summary.tsv",
    "cohort.prevalence.tsv",
    "cohort.failures.tsv",
)
GOOD = (
    "acquired_resistance.GRCh38.vcf.gz",
    "braf_v600e.GRCh37.vcf",
    "no_resistance.GRCh38.vcf.gz",
)
DIED = "the worker process annotating this sample died (signal 9: killed, out of memory?)"
PER_SAMPLE_FLAGS = ("--html", "--json", "--multiqc", "--evidence-long")
PER_SAMPLE_SUFFIXES = (
    ".alterations.tsv",
    ".summary.tsv",
    ".done.json",
    ".report.html",
    ".json",
    ".egfr_annot_mqc.tsv",
    ".evidence_long.tsv",
)


def run_batch_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``egfr-annot batch ARGS`` in this process (so that a monkeypatch reaches the forked
    workers): the exit code and standard error."""
    with pytest.raises(SystemExit) as exc:
        main(["batch", *args])
    code = exc.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text().splitlines()
    header = lines[1].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[2:]]


def write_sheet(directory: Path, samples: dict[str, str]) -> Path:
    """A sheet of ``sample -> example VCF`` (each copied under its sample's name, so that the
    file name says which sample it is)."""
    data = directory / "data"
    data.mkdir(exist_ok=True)
    lines = ["sample,vcf"]
    for sample, example in samples.items():
        suffix = ".vcf.gz" if example.endswith(".gz") else ".vcf"
        shutil.copy(EXAMPLES / example, data / f"{sample}{suffix}")
        lines.append(f"{sample},data/{sample}{suffix}")
    sheet = directory / "sheet.csv"
    sheet.write_text("\n".join(lines) + "\n")
    return sheet


def cohort_sheet(directory: Path, n: int = 8, killer: int = 3) -> Path:
    """``n`` good samples S0..; sample ``killer`` is named KILLER."""
    samples = {("KILLER" if i == killer else f"S{i}"): GOOD[i % len(GOOD)] for i in range(n)}
    return write_sheet(directory, samples)


def kill_worker_on(monkeypatch: pytest.MonkeyPatch, should_die: Callable[[str], bool]) -> None:
    """Make the annotation of a VCF for which ``should_die(path)`` is true kill its process
    with SIGKILL, as the out-of-memory killer does (forked workers inherit the patch)."""
    real = batch.annotate_input

    def annotate(path: str, *args: Any, **kwargs: Any) -> Any:
        if should_die(path):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "annotate_input", annotate)


def is_killer(path: str) -> bool:
    return os.path.basename(path).startswith("KILLER")


# ----------------------------------------------------------------------------------------------
# 1. a worker process that dies
# ----------------------------------------------------------------------------------------------
def test_a_sample_that_kills_its_worker_is_one_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = cohort_sheet(tmp_path)
    kill_worker_on(monkeypatch, is_killer)
    out = tmp_path / "out"
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), "--workers", "2")
    assert code == 3, err
    assert "1 of 8 samples failed" in err and "internal error" not in err
    failures = rows(out / "cohort.failures.tsv")
    assert [(f["sample"], f["sheet_line"], f["error"]) for f in failures] == [("KILLER", "5", DIED)]
    good = ["S0", "S1", "S2", "S4", "S5", "S6", "S7"]
    assert [s["sample"] for s in rows(out / "cohort.summary.tsv")] == good
    for sample in good:
        assert (out / "samples" / f"{sample}.summary.tsv").is_file()
        assert (out / "samples" / f"{sample}.done.json").is_file()
    assert not list((out / "samples").glob("KILLER*"))


def test_a_worker_that_dies_once_loses_no_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # (an out-of-memory kill caused by the samples beside it): re-run alone, the sample completes
    sheet = cohort_sheet(tmp_path)
    marker = tmp_path / "died-once"

    def first_time(path: str) -> bool:
        if not is_killer(path) or marker.exists():
            return False
        marker.touch()
        return True

    kill_worker_on(monkeypatch, first_time)
    out = tmp_path / "out"
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), "--workers", "2")
    assert code == 0, err
    assert marker.exists()  # the worker did die
    assert rows(out / "cohort.failures.tsv") == []
    assert len(rows(out / "cohort.summary.tsv")) == 8


def test_dying_worker_cohort_files_identical_whatever_workers_and_resumable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = cohort_sheet(tmp_path, n=10, killer=4)
    kill_worker_on(monkeypatch, is_killer)
    for workers in ("2", "3", "4"):
        code, err = run_batch_cli(
            capsys, str(sheet), "--out-dir", str(tmp_path / f"w{workers}"), "--workers", workers
        )
        assert code == 3, err
    for name in COHORT:
        reference = (tmp_path / "w2" / name).read_bytes()
        assert (tmp_path / "w3" / name).read_bytes() == reference, name
        assert (tmp_path / "w4" / name).read_bytes() == reference, name
    before = {name: (tmp_path / "w2" / name).read_bytes() for name in COHORT}
    code, err = run_batch_cli(
        capsys, str(sheet), "--out-dir", str(tmp_path / "w2"), "--workers", "2", "--resume"
    )
    assert code == 3 and "9 of 10 samples complete (9 resumed)" in err, err
    assert {name: (tmp_path / "w2" / name).read_bytes() for name in COHORT} == before


def test_a_killed_samples_old_outputs_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = cohort_sheet(tmp_path, n=4, killer=1)
    out = tmp_path / "out"
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), "--workers", "2")
    assert code == 0, err
    assert (out / "samples/KILLER.summary.tsv").is_file()
    kill_worker_on(monkeypatch, is_killer)
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), "--workers", "2")
    assert code == 3, err
    assert not list((out / "samples").glob("KILLER*"))
    assert [s["sample"] for s in rows(out / "cohort.summary.tsv")] == ["S0", "S2", "S3"]


def test_annotate_samples_returns_the_error_of_a_sample_that_kills_its_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (``track`` annotates through the same pool)
    sheet = cohort_sheet(tmp_path, n=5, killer=0)
    entries = read_sheet(sheet, required=("sample", "vcf"), optional=())
    kill_worker_on(monkeypatch, is_killer)
    options = batch.BatchOptions(out_dir=tmp_path / "out", run=RunOptions(), workers=2)
    annotated = batch.annotate_samples(entries, options, Resources())
    assert [(a.entry.sample, a.error) for a in annotated] == [
        ("KILLER", DIED),
        ("S1", None),
        ("S2", None),
        ("S3", None),
        ("S4", None),
    ]
    assert all(a.results for a in annotated[1:])


def test_how_a_worker_died_reads() -> None:
    died = "the worker process annotating this sample died"
    assert batch._death_message(-9) == f"{died} (signal 9: killed, out of memory?)"
    assert batch._death_message(-11) == f"{died} (signal 11: segmentation fault)"
    assert batch._death_message(1) == f"{died} (exit code 1)"


# ----------------------------------------------------------------------------------------------
# 2. outputs of an earlier run
# ----------------------------------------------------------------------------------------------
def sample_files(out: Path, sample: str) -> set[str]:
    return {p.name for p in (out / "samples").iterdir() if p.name.startswith(f"{sample}.")}


def test_a_sample_that_fails_on_a_rerun_keeps_no_old_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path, {"A": GOOD[0], "B": GOOD[1]})
    out = tmp_path / "out"
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), *PER_SAMPLE_FLAGS)
    assert code == 0, err
    assert sample_files(out, "A") == {f"A{s}" for s in PER_SAMPLE_SUFFIXES}
    # not this tool's output names for sample A: left alone
    unrelated = [out / "samples/A.notes.txt", out / "samples/AB.summary.tsv"]
    for path in unrelated:
        path.write_text("mine\n")
    (tmp_path / "data/A.vcf.gz").write_bytes(b"\x00\x01 not a VCF any more")
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), *PER_SAMPLE_FLAGS)
    assert code == 3, err
    assert [f["sample"] for f in rows(out / "cohort.failures.tsv")] == ["A"]
    assert sample_files(out, "A") == {"A.notes.txt"}
    assert sample_files(out, "B") == {f"B{s}" for s in PER_SAMPLE_SUFFIXES}
    assert all(path.read_text() == "mine\n" for path in unrelated)
    # --resume does not bring it back either
    code, err = run_batch_cli(
        capsys, str(sheet), "--out-dir", str(out), "--resume", *PER_SAMPLE_FLAGS
    )
    assert code == 3 and "(1 resumed)" in err, err
    assert sample_files(out, "A") == {"A.notes.txt"}


@pytest.mark.parametrize("resume", [False, True])
def test_a_format_not_asked_for_again_is_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], resume: bool
) -> None:
    sheet = write_sheet(tmp_path, {"A": GOOD[0], "B": GOOD[1]})
    out = tmp_path / "out"
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), *PER_SAMPLE_FLAGS)
    assert code == 0, err
    extra = ["--resume"] if resume else []
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(out), "--json", *extra)
    assert code == 0, err
    for sample in ("A", "B"):
        assert sample_files(out, sample) == {
            f"{sample}{s}" for s in (".alterations.tsv", ".summary.tsv", ".done.json", ".json")
        }


# ----------------------------------------------------------------------------------------------
# 3. sample ids name files
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (
            ["../escaped"],
            "sheet.csv:2: sample id '../escaped' cannot start with '.' (it names output files)",
        ),
        (
            ["ok", "sub/x"],
            "sheet.csv:3: sample id 'sub/x' contains a path separator or control character "
            "(it names output files)",
        ),
        (["/tmp/x"], "sheet.csv:2: sample id '/tmp/x' contains a path separator"),
        (["a\\b"], "sheet.csv:2: sample id 'a\\\\b' contains a path separator"),
        (["x", "./x"], "sheet.csv:3: sample id './x' cannot start with '.'"),
        (["x", "y", "x"], "sheet.csv:4: duplicate sample id 'x' (first on line 2)"),
        (
            ["x", "X"],
            "sheet.csv:3: duplicate sample id 'X' (first on line 2 as 'x': ids that differ "
            "only in case or Unicode form name the same files on macOS and Windows)",
        ),
        (
            ["caf\u00e9", "cafe\u0301"],
            "sheet.csv:3: duplicate sample id 'cafe\u0301' (first on line 2 as 'caf\u00e9'",
        ),
    ],
)
def test_sample_ids_that_are_not_plain_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ids: list[str], message: str
) -> None:
    (tmp_path / "in").mkdir()
    sheet = tmp_path / "in/sheet.csv"
    sheet.write_text("sample,vcf\n" + "".join(f"{i},x{n}.vcf\n" for n, i in enumerate(ids)))
    before = sorted(tmp_path.rglob("*"))
    code, err = run_batch_cli(capsys, str(sheet), "--out-dir", str(tmp_path / "in/out"))
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"egfr-annot: error: {sheet.parent}/{message}")
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, inside or outside OUT


def test_directory_inputs_whose_names_differ_only_in_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for directory, name in (("d1", "s1.vcf"), ("d2", "S1.vcf")):
        (tmp_path / directory).mkdir()
        shutil.copy(EXAMPLES / GOOD[1], tmp_path / directory / name)
    code, err = run_batch_cli(
        capsys, str(tmp_path / "d1"), str(tmp_path / "d2"), "--out-dir", str(tmp_path / "out")
    )
    assert code == 2
    assert err.strip() == (
        "egfr-annot: error: two inputs give sample ids that differ only in case or Unicode "
        f"form ('s1', 'S1'; the same files on macOS and Windows): {tmp_path / 'd1/s1.vcf'}, "
        f"{tmp_path / 'd2/S1.vcf'}"
    )
    assert not (tmp_path / "out").exists()


def test_prevalence_counts_each_sample_once() -> None:
    # The same sample's files read twice (two sheet rows that wrote the same files), and an
    # alteration row of a sample without a summary: never more carriers than samples.
    summary = [summary_row("x", "resistance_detected"), summary_row("x", "resistance_detected")]
    alterations = [alteration_row("x", "KRAS mutation")] * 2 + [
        alteration_row("./x", "KRAS mutation")]
    table = {r[0]: r[2:5] for r in prevalence_rows(alterations, summary)}
    assert table["KRAS mutation"] == ["1", "1", "100.0"]
    assert table["status: resistance_detected"] == ["1", "1", "100.0"]
    assert table["status: not_detected"] == ["0", "1", "0.0"]
