"""Shared helpers of the CLI tests (imported as ``cli_helpers``): run ``egfr-annot run`` on
records written under the header of the bundled GRCh38 example (tumour PLASMA_T2, then its
normal) and read back the rows and the summary as dicts."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner

from egfr_annot.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"


def example_header() -> list[str]:
    text = gzip.decompress(EXAMPLE.read_bytes()).decode()
    return [line for line in text.splitlines() if line.startswith("#")]


def output_table(path: Path) -> list[dict[str, str]]:
    """The rows of an output TSV (its ``#`` lines skipped) as column -> value."""
    lines = [line.split("\t") for line in path.read_text().splitlines()
             if not line.startswith("#")]
    return [dict(zip(lines[0], values, strict=True)) for values in lines[1:]]


def run_records(tmp_path: Path, records: list[str], *options: str
                ) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The alteration rows and the (one tumour sample's) summary of a run on ``records``."""
    vcf = tmp_path / "records.vcf"
    vcf.write_text("\n".join([*example_header(), *records]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum",
                                      *options])
    assert result.exit_code == 0, result.output
    (summary,) = output_table(Path(f"{out}.summary.tsv"))
    return output_table(Path(f"{out}.alterations.tsv")), summary
