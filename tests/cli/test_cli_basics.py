"""The CLI shell: version, help, usage errors (one line, exit 2, no traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from egfr_annot import __version__
from egfr_annot.resources import kb_version


def run_cli(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egfr_annot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_version_prints_tool_and_kb_versions() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0] == f"egfr-annot {__version__}"
    assert lines[1] == f"knowledge-base {kb_version()}"
    assert kb_version() != "unknown"


def test_help_lists_commands() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "run" in proc.stdout and "catalog" in proc.stdout


def test_missing_input_is_one_line_usage_error(tmp_path) -> None:
    proc = run_cli("run", str(tmp_path / "nope.vcf"), cwd=str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"egfr-annot: error: {tmp_path / 'nope.vcf'}: no such file"
    assert list(tmp_path.iterdir()) == []


def test_bad_option_value_exits_2(tmp_path) -> None:
    vcf = tmp_path / "x.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    proc = run_cli("run", str(vcf), "--min-vaf", "1.5", cwd=str(tmp_path))
    assert proc.returncode == 2
    assert "--min-vaf must be a fraction between 0 and 1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_build_choice_exits_2(tmp_path) -> None:
    proc = run_cli("run", "x.vcf", "--build", "hg19", cwd=str(tmp_path))
    assert proc.returncode == 2
    assert "hg19" in proc.stderr


def test_a_successful_command_ends_without_the_interpreter_teardown(tmp_path: Path) -> None:
    # The console entry point ends a successful run with os._exit (issue #9: ~10-15 ms):
    # outputs and the standard streams are complete, atexit handlers do not run; a failed
    # command exits normally.
    example = Path(__file__).parents[2] / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('TEARDOWN', file=sys.stderr))\n"
        "from egfr_annot.cli import main\n"
        "sys.argv = ['egfr-annot', *sys.argv[1:]]\n"
        "main()\n"
    )
    ok = subprocess.run([sys.executable, "-c", code, "run", str(example), "-o", "x"],
                        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "TEARDOWN" not in ok.stderr and "wrote " in ok.stderr.splitlines()[-1]
    summary = (tmp_path / "x.summary.tsv").read_text()
    assert summary.endswith("\n") and "resistance_detected" in summary
    failed = subprocess.run([sys.executable, "-c", code, "run", str(tmp_path / "none.vcf")],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert failed.returncode == 2 and "TEARDOWN" in failed.stderr
