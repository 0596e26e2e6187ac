"""The consequence engine's entry point (``Annotator``); the specification is in
:mod:`egfr_annot.genome.consequence`."""

from __future__ import annotations

from egfr_annot.genome.consequence import Annotator, MinimalAllele

__all__ = ["Annotator", "MinimalAllele"]
