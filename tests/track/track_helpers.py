"""One ``egfr-annot track`` run over the generated patients, shared by the end-to-end tests."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from serial_builders import (
    AMPLIFIED,
    AMPLIFIED_MET,
    CLEARING,
    CLEARING_COVERAGE,
    NON_INFORMATIVE,
    PERSISTING,
    UNCONFIRMED,
    write_gene_table,
    write_mosdepth,
    write_patient,
    write_sheet,
)


@dataclass(frozen=True)
class TrackRun:
    inputs: Path
    out: Path
    sheet: Path
    proc: subprocess.CompletedProcess[str]

    def table(self, name: str) -> list[dict[str, str]]:
        """Rows of a TSV of ours (the ``#`` line skipped)."""
        lines = (self.out / name).read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# egfr-annot ")
        return list(csv.DictReader(lines[1:], delimiter="\t"))

    def row(self, name: str, **where: str) -> dict[str, str]:
        rows = [r for r in self.table(name) if all(r[k] == v for k, v in where.items())]
        assert len(rows) == 1, (where, rows)
        return rows[0]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egfr_annot", *args], capture_output=True, text=True, check=False
    )


def make_inputs(directory: Path) -> tuple[Path, list[str]]:
    """The five generated patients; returns the sheet and the extra CLI arguments."""
    rows = []
    for patient, draws in (
        ("P001", PERSISTING),
        ("P002", CLEARING),
        ("P003", UNCONFIRMED),
        ("P004", NON_INFORMATIVE),
        ("P005", AMPLIFIED),
    ):
        for row in write_patient(directory, patient, draws):
            cnv = ""
            if row[1] in AMPLIFIED_MET:
                cnv = write_gene_table(
                    directory / f"{row[1]}.genes.tsv", AMPLIFIED_MET[row[1]]
                ).name
            rows.append([*row, cnv])
    sheet = write_sheet(directory / "sheet.csv", rows, header="patient,sample,vcf,date,therapy,cnv")
    coverage = write_mosdepth(directory / "P002-T2.per-base.bed.gz", CLEARING_COVERAGE)
    return sheet, ["--coverage", f"P002-T2={coverage}"]
