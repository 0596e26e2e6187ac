"""Locate the bundled ``annotations/`` directory (knowledge base and transcript models).

In an installed wheel it is ``egfr_annot/annotations``; in a source checkout (editable install,
tests) it is the repository's top-level ``annotations/``. ``EGFR_ANNOT_ANNOTATIONS`` overrides both
(used to pin a knowledge-base snapshot in pipelines).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "EGFR_ANNOT_ANNOTATIONS"


def annotations_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    bundled = here / "annotations"
    if bundled.is_dir():
        return bundled
    checkout = here.parent.parent / "annotations"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"annotations/ not found next to {here} or in the source checkout; set {ENV_VAR}"
    )


def kb_version(directory: Path | None = None) -> str:
    """The knowledge-base version: the first line of ``annotations/VERSION``."""
    path = (directory or annotations_dir()) / "VERSION"
    try:
        return path.read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"
