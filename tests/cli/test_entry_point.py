"""The console entry point starts `run`'s scanning child before click is imported (issue #9),
and `run` adopts that child only for the file it was started for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from egfr_annot.cli import early_scan_process
from egfr_annot.cli.run_cmd import _adopt_early_scan_process
from egfr_annot.io.scan_child import SCAN_PROCESS_ENV, ScanProcess

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"


@pytest.fixture
def unindexed(tmp_path: Path) -> str:
    path = tmp_path / "unindexed.vcf.gz"  # (an indexed file is queried: no scanning child)
    shutil.copy(EXAMPLE, path)
    return str(path)


def test_main_starts_the_child_before_click_and_run_adopts_it(
    tmp_path: Path, unindexed: str
) -> None:
    code = (
        "import sys\n"
        "import egfr_annot.io.scan_child as scan_child\n"
        "real = scan_child.prestart_scan_process\n"
        "def recording(path, *, use_index=True):\n"
        "    print('started; click imported:', 'click' in sys.modules, flush=True)\n"
        "    return real(path, use_index=use_index)\n"
        "scan_child.prestart_scan_process = recording\n"
        "from egfr_annot.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", unindexed, "-o", str(tmp_path / "x"), "-q"],
        capture_output=True, text=True, check=False,
        env={**os.environ, SCAN_PROCESS_ENV: "1"},
    )
    assert proc.returncode == 0, proc.stderr
    # started once (run adopted it instead of starting its own), before click was imported
    assert proc.stdout.splitlines() == ["started; click imported: False"]
    assert "KRAS\tp.G12D" in (tmp_path / "x.alterations.tsv").read_text()


def test_main_ends_with_the_same_outputs_as_a_run_without_the_child(
    tmp_path: Path, unindexed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from egfr_annot.cli import main

    for out, setting in (("child", "1"), ("inline", "0")):
        monkeypatch.setenv(SCAN_PROCESS_ENV, setting)
        with pytest.raises(SystemExit) as exited:
            main(["run", unindexed, "-o", str(tmp_path / out), "-q"])
        assert exited.value.code == 0
    for suffix in (".alterations.tsv", ".summary.tsv"):
        child = (tmp_path / f"child{suffix}").read_text()
        inline = (tmp_path / f"inline{suffix}").read_text()
        # (the summary names the command line, the same here but for the output prefix)
        assert child.replace("child", "OUT") == inline.replace("inline", "OUT")


def test_early_start_only_for_run_with_one_existing_file(
    tmp_path: Path, unindexed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    other = tmp_path / "other.vcf.gz"
    shutil.copy(EXAMPLE, other)
    for args in (
        [],
        ["batch", unindexed],
        ["run"],
        ["run", "-"],
        ["run", unindexed, str(other)],  # several inputs: run starts none either
        ["run", str(tmp_path / "missing.vcf.gz")],
        ["--version"],
    ):
        assert early_scan_process(args) is None, args
    process = early_scan_process(["run", "--out-dir", str(tmp_path), unindexed, "-q"])
    assert isinstance(process, ScanProcess) and process.path == unindexed
    assert not process.job_sent
    process.close()
    assert process.proc.returncode is not None
    monkeypatch.setenv(SCAN_PROCESS_ENV, "0")
    assert early_scan_process(["run", unindexed]) is None


def test_a_child_started_for_another_file_is_ended_not_adopted(
    unindexed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    process = early_scan_process(["run", unindexed])
    assert process is not None
    with click.Context(click.Command("run"), obj=process):
        assert _adopt_early_scan_process(("another.vcf.gz",)) is None
    assert process.proc.returncode is not None and not process.job_sent
    process = early_scan_process(["run", unindexed])
    assert process is not None
    with click.Context(click.Command("run"), obj=process):
        assert _adopt_early_scan_process((unindexed,)) is process
    process.close()


def test_imports_for_the_results_overlap_the_childs_first_blocks(
    unindexed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a scanning child this process would wait for its first records: the caller's hook
    # (run: the report writers) runs then, once, before the first record is parsed; without a
    # child nothing waits, and the hook is not called.
    from egfr_annot.io.vcf_records import RecordParser
    from egfr_annot.pipeline import Resources, RunOptions, annotate_input

    events: list[str] = []
    real_parse = RecordParser.parse

    def parse(self: RecordParser, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        events.append("record")
        return real_parse(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordParser, "parse", parse)
    for setting, expected in (("1", ["hook", "record"]), ("0", ["record"])):
        events.clear()
        monkeypatch.setenv(SCAN_PROCESS_ENV, setting)
        (result,) = annotate_input(unindexed, RunOptions(checksum=False), Resources(),
                                   before_records=lambda: events.append("hook"))
        assert result.status == "resistance_detected"
        assert [e for i, e in enumerate(events) if e not in events[:i]] == expected
        assert events.count("hook") == (setting == "1")


def test_run_imports_its_writers_while_the_child_scans(unindexed: str, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import egfr_annot.pipeline as pipeline\n"
        "real = pipeline.annotate_input\n"
        "def spy(*args, before_records=None, **kwargs):\n"
        "    before_records()\n"
        "    print('tables imported:', 'egfr_annot.report.tables' in sys.modules, flush=True)\n"
        "    return real(*args, before_records=None, **kwargs)\n"
        "pipeline.annotate_input = spy\n"
        "from egfr_annot.cli import main\n"
        f"main(['run', {unindexed!r}, '-q', '--out-dir', {str(tmp_path)!r}])\n"
    )
    env = dict(os.environ, **{SCAN_PROCESS_ENV: "1"})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out.splitlines() == ["tables imported: True"]
