"""Fixtures for the pipeline-integration tests (Nextflow module, Snakemake wrapper, Docker, recipe).

The workflows call ``egfr-annot`` by name, as they would in a container or conda environment, so
the tests put the interpreter's bin directory (where the console script lives) first on PATH.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pipeline_support import DATA, tool


@pytest.fixture(scope="session")
def tool_env() -> dict[str, str]:
    """Environment for workflow subprocesses: egfr-annot on PATH, no debug tracebacks."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(tool('egfr-annot')).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("EGFR_ANNOT_ANNOTATIONS", None)
    env.pop("EGFR_ANNOT_DEBUG", None)
    return env


@pytest.fixture(scope="session")
def run_help() -> str:
    """``egfr-annot run --help``: the flags a workflow may pass."""
    result = subprocess.run(
        [tool("egfr-annot"), "run", "--help"], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture(scope="session")
def cli_works(tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip the end-to-end tests while ``egfr-annot run`` cannot annotate the KRAS test VCF.

    In CI (EGFR_ANNOT_CI=1) a broken CLI is a failure, not a skip.
    """
    out = tmp_path_factory.mktemp("cli_probe")
    result = subprocess.run(
        [
            tool("egfr-annot"),
            "run",
            "-q",
            "-o",
            str(out / "probe"),
            str(DATA / "kras_g12d.grch38.vcf"),
        ],
        capture_output=True,
        text=True,
        env=tool_env,
    )
    if result.returncode != 0:
        message = f"egfr-annot run does not work yet: {result.stderr.strip()[-300:]}"
        if os.environ.get("EGFR_ANNOT_CI") == "1":
            pytest.fail(message)
        pytest.skip(message)
