"""Shared test fixtures: paths to the repository, bundled examples and the ../shared material."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "example_vcfs"
IN_CI = os.environ.get("EGFR_ANNOT_CI") == "1"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when that directory is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is not part of the repository)")
    return path


def require_tool(name: str) -> str:
    """The path of an external tool; skip when missing, except in CI where it must exist."""
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI but not installed")
        pytest.skip(f"{name} not installed")
    return found


@pytest.fixture
def repo() -> Path:
    return REPO
