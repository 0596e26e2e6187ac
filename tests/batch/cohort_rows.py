"""Rows of the cohort tables, built by hand for the prevalence tests (imported as
``cohort_rows``): only the columns prevalence reads are filled."""

from __future__ import annotations

from egfr_annot.report.columns import ALTERATION_COLUMNS, SUMMARY_COLUMNS


def alteration(sample: str, cls: str) -> list[str]:
    """A passing resistance alteration of class ``cls`` in ``sample``."""
    row = [""] * len(ALTERATION_COLUMNS)
    values = {"sample": sample, "alteration_class": cls, "filter": "PASS", "resistance": "yes"}
    for column, value in values.items():
        row[ALTERATION_COLUMNS.index(column)] = value
    return row


def summary(sample: str, status: str) -> list[str]:
    """``sample``'s summary row with ``status``."""
    row = [""] * len(SUMMARY_COLUMNS)
    row[SUMMARY_COLUMNS.index("sample")] = sample
    row[SUMMARY_COLUMNS.index("status")] = status
    return row
