"""Python API: the same pipeline as the CLI, returning records instead of writing files.

Example::

    from egfr_annot import annotate_vcf, load_knowledge

    knowledge = load_knowledge()            # load once, reuse for many files
    results = annotate_vcf("sample.vcf.gz", knowledge=knowledge, min_vaf=0.001)
    for result in results:
        print(result.sample, result.status)
    table = alterations_frame(results)      # polars.DataFrame; pandas via .to_pandas()
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from egfr_annot.pipeline import Resources, RunOptions, annotate_input
from egfr_annot.records import SampleResult

if TYPE_CHECKING:
    import pandas
    import polars


def load_knowledge(annotations_dir: str | os.PathLike[str] | None = None) -> Resources:
    """Load the knowledge base and transcript models once (reuse the result across calls)."""
    resources = Resources(Path(annotations_dir) if annotations_dir is not None else None)
    resources.preload()
    return resources


def annotate_vcf(
    path: str | os.PathLike[str],
    *,
    knowledge: Resources | None = None,
    **options: Any,
) -> list[SampleResult]:
    """Annotate one VCF/BCF; keyword options are those of ``RunOptions`` (``build``,
    ``sample``, ``normal``, ``min_vaf``, ``min_alt_reads``, ``include_filtered``,
    ``all_variants``, ``tumour_fraction``, ``cnv_paths``, ``msi_status`` ...)."""
    if "cnv_paths" in options:
        options["cnv_paths"] = tuple(os.fspath(p) for p in options["cnv_paths"])
    run_options = RunOptions(**options)
    return annotate_input(os.fspath(path), run_options, knowledge or Resources())


def alterations_records(results: Sequence[SampleResult]) -> list[dict[str, str]]:
    """The rows of ``alterations.tsv`` as dicts (column order preserved)."""
    from egfr_annot.report.rows import alteration_row, finding_sort_key

    return [
        alteration_row(finding)
        for result in results
        for finding in sorted(result.findings, key=finding_sort_key)
    ]


def alterations_frame(results: Sequence[SampleResult]) -> polars.DataFrame:
    """``alterations.tsv`` as a polars DataFrame (all columns as strings, as in the file)."""
    import polars as pl

    from egfr_annot.report.columns import ALTERATION_COLUMNS

    rows = alterations_records(results)
    return pl.DataFrame(
        {c: [r[c] for r in rows] for c in ALTERATION_COLUMNS},
        schema=dict.fromkeys(ALTERATION_COLUMNS, pl.String),
    )


def alterations_pandas(results: Sequence[SampleResult]) -> pandas.DataFrame:
    """``alterations.tsv`` as a pandas DataFrame (needs the ``egfr-annot[pandas]`` extra)."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("pandas is optional: pip install 'egfr-annot[pandas]'") from err
    from egfr_annot.report.columns import ALTERATION_COLUMNS

    return pd.DataFrame(alterations_records(results), columns=list(ALTERATION_COLUMNS))
