"""Fixtures for the track tests; helpers live in track_helpers.py (a unique module name, so
imports do not depend on which conftest.py pytest loaded first)."""

from __future__ import annotations

import pytest
from track_helpers import TrackRun, make_inputs, run_cli


@pytest.fixture(scope="session")
def track_run(tmp_path_factory: pytest.TempPathFactory) -> TrackRun:
    inputs = tmp_path_factory.mktemp("track_inputs")
    out = tmp_path_factory.mktemp("track_out") / "out"
    sheet, extra = make_inputs(inputs)
    proc = run_cli("track", str(sheet), "--out-dir", str(out), "--html", "--workers", "2", *extra)
    assert proc.returncode == 0, proc.stderr
    return TrackRun(inputs, out, sheet, proc)
