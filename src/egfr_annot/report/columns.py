"""Output column contracts. Each list of columns is written once, here.

Changing a name or the order is a change to the output format that clinical pipelines depend on:
flag it in the CHANGELOG.
"""

from __future__ import annotations

from typing import Final

ALTERATION_COLUMNS: Final[tuple[str, ...]] = (
    "sample",
    "gene",
    "hgvsp_short",
    "hgvsp",
    "hgvsc",
    "transcript",
    "exon",
    "consequence",
    "chrom",
    "pos",
    "ref",
    "alt",
    "build",
    "vaf",
    "alt_reads",
    "depth",
    "filter",
    "copy_number",
    "resistance",
    "alteration_class",
    "mechanism",
    "evidence",
    "strategies",
    "review_refs",
    "match_level",
    "notes",
)

SUMMARY_COLUMNS: Final[tuple[str, ...]] = (
    "sample",
    "status",
    "n_resistance",
    "resistance_alterations",
    "max_vaf",
    "build",
    "kb_version",
    "rechallenge_evidence",
    "input",
    # traceability and counts (issue #7)
    "status_reason",
    "tumour_fraction",
    "tumour_fraction_method",
    "copy_number_status",
    "n_alterations",
    "records_read",
    "records_in_panel",
    "calls_in_panel",
    "skipped",
    "warnings",
    "thresholds",
    "tool_version",
    "build_source",
    "input_sha256",
    "command_line",
)

EVIDENCE_LONG_COLUMNS: Final[tuple[str, ...]] = (
    "sample",
    "gene",
    "hgvsp_short",
    "alteration_class",
    "resistance",
    "rule_id",
    "match_level",
    "strategy_id",
    "strategy",
    "fit",
    "evidence_rank",
    "review_refs",
    # what strategies.tsv says about the strategy (knowledge-base 2026.11.2)
    "outcome",
    "setting",
    "subpopulation",
    "regimen",
    "efficacy",
    "source",
    "strategy_notes",
)
