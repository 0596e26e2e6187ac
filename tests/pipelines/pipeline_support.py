"""Paths and helpers shared by the pipeline-integration tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PIPELINES = REPO / "pipelines"
DATA = Path(__file__).resolve().parent / "data"
MODULE_DIR = PIPELINES / "nextflow" / "modules" / "egfrannot" / "run"
WRAPPER_DIR = PIPELINES / "snakemake" / "bio" / "egfr-annot" / "run"
EXAMPLE_DIR = PIPELINES / "snakemake" / "example"
BIN_DIR = Path(sys.executable).parent
# The project's placeholder home page; every packaging file must give the same one.
HOMEPAGE = "https://github.com/egfr-annot/egfr-annot"


def tool(name: str) -> str:
    """A console script next to the test interpreter, else on PATH; skip when absent."""
    candidate = BIN_DIR / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not installed")
    return found


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of an egfr-annot table (``#`` provenance lines skipped) as dicts."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        values = line.split("\t")
        assert len(values) == len(header), f"{path}: {len(values)} fields, header has {len(header)}"
        rows.append(dict(zip(header, values, strict=True)))
    return rows
