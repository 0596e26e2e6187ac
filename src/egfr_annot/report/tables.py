"""Tab-separated outputs: ``PREFIX.alterations.tsv``, ``PREFIX.summary.tsv`` and
``PREFIX.evidence_long.tsv``. One ``#`` comment line on top names the tool version, the
knowledge-base version and the genome build(s); then the column header; then the rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.knowledge.model import KnowledgeBase
from egfr_annot.records import SampleResult
from egfr_annot.report.columns import ALTERATION_COLUMNS, EVIDENCE_LONG_COLUMNS, SUMMARY_COLUMNS
from egfr_annot.report.rows import (
    alteration_row,
    evidence_long_rows,
    finding_sort_key,
    summary_row,
    tsv_line,
)
from egfr_annot.report.writers import ReportContext, output_path


def provenance_comment(results: Sequence[SampleResult], tool_version: str, kb_version: str) -> str:
    builds = sorted({r.provenance.build for r in results})
    build_text = ",".join(builds) if builds else "n/a"
    return f"# egfr-annot {tool_version}; knowledge-base {kb_version}; build {build_text}\n"


def write_alterations(
    fh: IO[str], results: Sequence[SampleResult], tool_version: str, kb_version: str
) -> int:
    fh.write(provenance_comment(results, tool_version, kb_version))
    fh.write(tsv_line(ALTERATION_COLUMNS))
    n = 0
    for result in results:
        for finding in sorted(result.findings, key=finding_sort_key):
            row = alteration_row(finding)
            fh.write(tsv_line([row[c] for c in ALTERATION_COLUMNS]))
            n += 1
    return n


def write_summary(
    fh: IO[str], results: Sequence[SampleResult], tool_version: str, kb_version: str
) -> None:
    fh.write(provenance_comment(results, tool_version, kb_version))
    fh.write(tsv_line(SUMMARY_COLUMNS))
    for result in results:
        row = summary_row(result)
        fh.write(tsv_line([row[c] for c in SUMMARY_COLUMNS]))


def write_evidence_long(
    fh: IO[str],
    results: Sequence[SampleResult],
    tool_version: str,
    kb_version: str,
    kb: KnowledgeBase,
) -> None:
    fh.write(provenance_comment(results, tool_version, kb_version))
    fh.write(tsv_line(EVIDENCE_LONG_COLUMNS))
    for result in results:
        for finding in sorted(result.findings, key=finding_sort_key):
            for row in evidence_long_rows(finding, kb):
                fh.write(tsv_line([row[c] for c in EVIDENCE_LONG_COLUMNS]))


# Registry entry points (see report/writers.py).
def write_alterations_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    path = output_path(prefix, "alterations")
    with out.open_text(path) as fh:
        write_alterations(fh, results, context.tool_version, context.kb_version)
    return [path]


def write_summary_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    path = output_path(prefix, "summary")
    with out.open_text(path) as fh:
        write_summary(fh, results, context.tool_version, context.kb_version)
    return [path]


def write_evidence_long_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    path = output_path(prefix, "evidence_long")
    with out.open_text(path) as fh:
        write_evidence_long(
            fh, results, context.tool_version, context.kb_version, context.knowledge()
        )
    return [path]
