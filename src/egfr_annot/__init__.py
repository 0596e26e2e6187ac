"""egfr-annot: anti-EGFR resistance alterations in liquid-biopsy VCFs, with the review's evidence.

The public API is imported lazily so that ``import egfr_annot`` (and the CLI start-up) stays light::

    from egfr_annot import annotate_vcf, load_knowledge
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "annotate_vcf", "load_knowledge"]

if TYPE_CHECKING:  # pragma: no cover
    from egfr_annot.api import annotate_vcf, load_knowledge


def __getattr__(name: str) -> Any:
    if name in ("annotate_vcf", "load_knowledge"):
        from egfr_annot import api

        return getattr(api, name)
    raise AttributeError(f"module 'egfr_annot' has no attribute {name!r}")
