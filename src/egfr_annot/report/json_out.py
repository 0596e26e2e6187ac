"""``PREFIX.json``: the whole result of a run as one JSON document (issue #7).

The document carries the same content as the tables: every ``alterations.tsv`` column for every
alteration, every ``summary.tsv`` column for every sample, the rechallenge block, the counts and
the provenance. Values come from ``report/rows.py`` (the single place where values are formatted)
and are then typed: numeric columns become JSON numbers (``null`` when absent), list-like columns
become arrays; text columns keep exactly the text the TSV shows.

The shape is published as a JSON Schema (draft 2020-12) shipped in the package:
``egfr_annot/report/schemas/egfr_annot.result.schema.json`` (see ``schema_path()``).

Byte-stable: key order is fixed by the code (column order of ``report/columns.py``), findings are
sorted with ``finding_sort_key``, there is no timestamp, and the text is written with a fixed
indentation and a final newline. The same input gives a byte-identical file.

``result_document()`` is also the data model of the HTML report, so the two cannot disagree.

Strategy objects and ``rechallenge_figures`` also carry what the run's knowledge base says about
them (strategies.tsv details; the meta-analysis figures of rechallenge.json as numbers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.knowledge.fits import strategy_details
from egfr_annot.knowledge.model import KnowledgeBase, RechallengeEstimate, RechallengeEvidence
from egfr_annot.records import Finding, SampleResult, Status, StrategyFit
from egfr_annot.report.columns import ALTERATION_COLUMNS, SUMMARY_COLUMNS
from egfr_annot.report.rows import alteration_row, finding_sort_key, summary_row
from egfr_annot.report.writers import ReportContext, output_path

SCHEMA_FILE: Final = "egfr_annot.result.schema.json"
SCHEMA_ID: Final = "urn:egfr-annot:schema:result:1"
# Bump the major version for any change that can break a consumer (renamed or removed key,
# changed type); the minor version for added keys.
SCHEMA_VERSION: Final = "1.1.0"  # 1.1: strategy details, rechallenge_figures

# The plain-language verdict every format shows. A plasma negative is never a plain "negative"
# (ESMO Precision Medicine Working Group recommendations on ctDNA assays, Pascual et al., Ann
# Oncol 2022): "not detected" only means something when the sample shows tumour DNA.
STATUS_HEADLINES: Final[dict[str, str]] = {
    "resistance_detected": "Anti-EGFR resistance alteration detected",
    "not_detected": "No resistance alteration detected in a sample with tumour DNA",
    "non_informative": (
        "Non-informative: no evidence of tumour DNA in this sample; "
        "a negative result cannot exclude resistance"
    ),
}

# Typed views of the text columns (the text itself comes from report/rows.py).
_INT_COLUMNS: Final = frozenset(
    {
        "pos",
        "alt_reads",
        "depth",
        "n_resistance",
        "n_alterations",
        "records_read",
        "records_in_panel",
        "calls_in_panel",
    }
)
_FLOAT_COLUMNS: Final = frozenset({"vaf", "copy_number", "max_vaf", "tumour_fraction"})


def schema_path() -> Path:
    """The JSON Schema of ``PREFIX.json`` shipped in the package."""
    return Path(__file__).resolve().parent / "schemas" / SCHEMA_FILE


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return schema


def status_headline(status: Status | str) -> str:
    return STATUS_HEADLINES.get(status, status)


# ----------------------------------------------------------------------------------------------
# document model
# ----------------------------------------------------------------------------------------------
def run_document(results: Sequence[SampleResult], context: ReportContext) -> dict[str, Any]:
    """The whole run: tool and knowledge-base versions, inputs and one entry per sample."""
    kb = context.knowledge()
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "tool": "egfr-annot",
        "tool_version": context.tool_version,
        "kb_version": context.kb_version,
        "inputs": list(context.input_paths),
        "samples": [result_document(result, kb) for result in results],
    }


def result_document(result: SampleResult, kb: KnowledgeBase) -> dict[str, Any]:
    """One sample: every summary column (typed), then the rechallenge block and alterations;
    strategy details and rechallenge figures come from ``kb``, the run's knowledge base."""
    from egfr_annot.verdict import distinct_resistance

    row = summary_row(result)
    doc: dict[str, Any] = {}
    for column in SUMMARY_COLUMNS:
        doc[column] = _typed(column, row[column])
    # List- and map-like summary columns: from the same records the TSV text is made of.
    doc["resistance_alterations"] = _split(row["resistance_alterations"], ";")
    doc["skipped"] = {reason: n for reason, n in result.counts.skipped}
    doc["warnings"] = unique_notes(result.counts.warnings, result.notes)
    doc["thresholds"] = {key: value for key, value in result.thresholds}
    doc["input_sha256"] = row["input_sha256"] or None
    doc["status_headline"] = status_headline(result.status)
    doc["rechallenge"] = [{"key": key, "value": value} for key, value in result.rechallenge]
    # the figures behind the block's evidence text, as numbers (a block without evidence: null)
    has_evidence = any(key == "evidence" for key, _ in result.rechallenge)
    doc["rechallenge_figures"] = rechallenge_figures(kb.rechallenge) if has_evidence else None
    # One variant in two records (two callers' files merged) has two rows but is counted once
    # in the status, as n_resistance says: only the row the summary counted is flagged.
    counted = {id(f) for f in distinct_resistance(result.findings)}
    doc["alterations"] = [
        alteration_document(finding, kb, counted=id(finding) in counted)
        for finding in sorted(result.findings, key=finding_sort_key)
    ]
    return doc


def alteration_document(
    finding: Finding, kb: KnowledgeBase, *, counted: bool | None = None
) -> dict[str, Any]:
    """One alteration: every ``alterations.tsv`` column (typed), then match details.
    ``counted``: whether the sample's status counts this row (:func:`result_document` knows;
    alone, a passing resistance row is counted)."""
    from egfr_annot.verdict import finding_label

    row = alteration_row(finding)
    doc: dict[str, Any] = {}
    for column in ALTERATION_COLUMNS:
        doc[column] = _typed(column, row[column])
    match, cn = finding.match, finding.copy_number
    doc["review_refs"] = _refs(row["review_refs"])
    doc["strategies"] = [strategy_document(s, kb) for s in match.strategies] if match else []
    doc["label"] = finding_label(finding)
    if counted is None:
        counted = finding.passed and finding.resistance == "yes"
    doc["counted_for_status"] = counted
    doc["rule_id"] = match.rule_id if match is not None else None
    doc["other_rule_ids"] = [m.rule_id for m in finding.other_matches]
    doc["vaf_source"] = finding.call.vaf_source if finding.call is not None else None
    doc["copy_number_adjusted"] = _number(cn.copy_number_adjusted) if cn is not None else None
    doc["copy_number_state"] = cn.state if cn is not None else None
    return doc


def strategy_document(strategy: StrategyFit, kb: KnowledgeBase) -> dict[str, Any]:
    """One attached strategy, with what strategies.tsv says about it (``null`` fields: the id is
    not in ``kb``)."""
    details = strategy_details(kb, strategy)
    return {
        "strategy_id": strategy.strategy_id,
        "label": strategy.label,
        "fit": strategy.fit,
        "evidence_rank": strategy.evidence_rank,
        "review_refs": sorted(set(strategy.review_refs)),
        "outcome": strategy.outcome,
        "evidence_level": details.evidence_level if details else None,
        "stage": details.stage if details else None,
        "setting": details.setting if details else None,
        "subpopulation": details.subpopulation if details else None,
        "regimen": details.regimen if details else None,
        "efficacy": details.efficacy if details else None,
        "source": details.source if details else None,
        "notes": list(details.notes) if details else [],
    }


def rechallenge_figures(evidence: RechallengeEvidence) -> dict[str, Any]:
    """The meta-analysis as numbers: population, model, pooled and per-drug ORR/DCR, survival
    ranges and adverse events. Each estimate keeps the abstract's own text (``17.70%``) too."""
    return {
        "source": evidence.source,
        "n_studies": evidence.n_studies,
        "n_patients": evidence.n_patients,
        "male_percent": _decimal(evidence.male_percent),
        "median_age_years": _decimal(evidence.median_age_years),
        "model": evidence.model,
        "heterogeneity": evidence.heterogeneity,
        "estimates": [_estimate(e) for e in evidence.pooled + evidence.by_drug],
        "survival_ranges": [
            {"endpoint": endpoint, "unit": unit, "low": _decimal(low), "high": _decimal(high)}
            for endpoint, unit, low, high in evidence.survival_ranges
        ],
        "adverse_events": [
            {"event": event, "percent": _decimal(percent), "text": f"{percent}%"}
            for event, percent in evidence.adverse_events
        ],
        "conclusion": evidence.conclusion,
    }


def _estimate(e: RechallengeEstimate) -> dict[str, Any]:
    return {
        "endpoint": e.endpoint,
        "group": e.group,
        "percent": _decimal(e.estimate),
        "ci95_low": _decimal(e.ci_low),
        "ci95_high": _decimal(e.ci_high),
        "i2_percent": _decimal(e.i2) if e.i2 else None,  # pooled estimates only
        "text": e.format(),
    }


def _decimal(text: str) -> int | float:
    """The knowledge base keeps the abstract's decimal strings: "63" -> 63, "17.70" -> 17.7."""
    return int(text) if text.isdigit() else float(text)


def unique_notes(*groups: Iterable[str]) -> list[str]:
    """The notes ``rows.join_notes`` joins with "; ", as a list (same order, same dedup)."""
    seen: list[str] = []
    for group in groups:
        for note in group:
            note = " ".join(note.split())
            if note and note not in seen:
                seen.append(note)
    return seen


def dumps(document: dict[str, Any]) -> str:
    """Deterministic JSON text: fixed indentation, UTF-8 kept, final newline, no NaN."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _typed(column: str, text: str) -> Any:
    if column in _INT_COLUMNS:
        return int(text) if text else None
    if column in _FLOAT_COLUMNS:
        return _number(float(text)) if text else None
    return text


def _number(value: float | None) -> float | None:
    # A non-finite value cannot be written as JSON: it is missing, not a number.
    return value if value is not None and math.isfinite(value) else None


def _split(text: str, sep: str) -> list[str]:
    return [part for part in text.split(sep) if part] if text else []


def _refs(text: str) -> list[int]:
    return [int(part) for part in _split(text, ",")]


# ----------------------------------------------------------------------------------------------
# registry entry point (report/writers.py)
# ----------------------------------------------------------------------------------------------
def write_json_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    path = output_path(prefix, "json")
    with out.open_text(path) as fh:
        fh.write(dumps(run_document(results, context)))
    return [path]
