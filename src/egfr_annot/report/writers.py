"""The closed registry of output writers. A new format is one module plus one entry here.

Every writer writes through an ``OutputTransaction``: nothing is renamed into place until every
output of the run is complete, so a failure leaves no partial file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.knowledge.model import KnowledgeBase
from egfr_annot.records import SampleResult


@dataclass(frozen=True)
class ReportContext:
    tool_version: str
    kb_version: str
    input_paths: tuple[str, ...]
    annotations_dir: Path

    def knowledge(self) -> KnowledgeBase:
        """The run's knowledge base (strategy details, rechallenge figures): loaded once per
        process and directory, so the annotation has usually loaded it already."""
        from egfr_annot.knowledge.loader import load_knowledge_base

        return load_knowledge_base(self.annotations_dir)


Writer = Callable[[OutputTransaction, str, Sequence[SampleResult], ReportContext], list[Path]]

# format name -> (module, function, file suffix); always-written formats first.
WRITERS: dict[str, tuple[str, str, str]] = {
    "alterations": ("egfr_annot.report.tables", "write_alterations_file", ".alterations.tsv"),
    "summary": ("egfr_annot.report.tables", "write_summary_file", ".summary.tsv"),
    "evidence_long": ("egfr_annot.report.tables", "write_evidence_long_file", ".evidence_long.tsv"),
    "html": ("egfr_annot.report.html", "write_html_file", ".report.html"),
    "vcf": ("egfr_annot.report.vcf_out", "write_vcf_file", ".annotated.vcf.gz"),
    "json": ("egfr_annot.report.json_out", "write_json_file", ".json"),
    "multiqc": ("egfr_annot.report.multiqc", "write_multiqc_file", ".egfr_annot_mqc.tsv"),
}
DEFAULT_FORMATS: tuple[str, ...] = ("alterations", "summary")


def get_writer(name: str) -> Writer:
    module, func, _ = WRITERS[name]
    writer: Writer = getattr(importlib.import_module(module), func)
    return writer


def import_writers(formats: Sequence[str]) -> None:
    """Import the writers of ``formats`` now (``run`` does it while the records are read)."""
    for name in formats:
        get_writer(name)


def output_path(prefix: str, name: str) -> Path:
    return Path(prefix + WRITERS[name][2])


def write_outputs(
    prefix: str,
    results: Sequence[SampleResult],
    formats: Sequence[str],
    context: ReportContext,
) -> list[Path]:
    """Write the requested formats for one prefix atomically; returns the final paths."""
    written: list[Path] = []
    with OutputTransaction() as out:
        for name in formats:
            written.extend(get_writer(name)(out, prefix, results, context))
    return written
