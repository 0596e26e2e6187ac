"""Shared helpers of the VCF reader tests (imported as ``reader_helpers``) (issue #5, #9).

Real caller VCFs are read from ``<repo>/../shared/real_vcfs`` (not part of the repository): tests
that need them skip when that directory is absent. Small fixtures named after their quirk live
in ``tests/data/vcf`` and the broken-input corpus in ``tests/data/bad``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import open_variants
from egfr_annot.records import Call, ReadCounts

REPO = Path(__file__).resolve().parents[2]
VCF_DATA = REPO / "tests" / "data" / "vcf"
BAD_DATA = REPO / "tests" / "data" / "bad"
REAL_VCFS = REPO.parent / "shared" / "real_vcfs"

# Hotspot windows on both builds (contig spelled without "chr"; the RegionSet knows aliases).
HOTSPOTS_37 = RegionSet([
    ("12", 25378000, 25404000, "KRAS"), ("7", 140420000, 140630000, "BRAF"),
    ("3", 178860000, 178960000, "PIK3CA"), ("7", 55080000, 55280000, "EGFR"),
])
HOTSPOTS_38 = RegionSet([
    ("12", 25205000, 25251000, "KRAS"), ("7", 140719000, 140925000, "BRAF"),
    ("3", 179148000, 179241000, "PIK3CA"), ("7", 55019000, 55212000, "EGFR"),
])


def tool(name: str) -> str:
    """Path of a command-line tool (bgzip, tabix, bcftools); the test is skipped without it."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not installed")
    return found


def real_vcf(name: str) -> Path:
    path = REAL_VCFS / name
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is not part of the repository)")
    return path


def read_all(path: str | Path, **kwargs: object) -> tuple[list[Call], ReadCounts, object]:
    """All calls, the counts and the (closed) source of one file."""
    with open_variants(path, **kwargs) as src:  # type: ignore[arg-type]
        calls = list(src.calls())
        counts = src.counts
    return calls, counts, src


def call_at(calls: list[Call], pos: int, alt: str | None = None,
            sample: str | None = None) -> Call:
    found = [c for c in calls if c.pos == pos and (alt is None or c.alt == alt)
             and (sample is None or c.sample == sample)]
    assert len(found) == 1, f"expected one call at {pos} {alt} {sample}, got {found}"
    return found[0]


def fixture_calls(name: str, **kwargs: object) -> list[Call]:
    return read_all(VCF_DATA / name, **kwargs)[0]
