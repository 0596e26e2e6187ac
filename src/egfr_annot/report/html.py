"""``PREFIX.report.html``: one self-contained page per run for the molecular tumour board (#7).

What the page shows, per sample, in this order: the verdict (status, reason, tumour fraction and
how it was derived), the alterations table, evidence and strategies with the review's reference
numbers, the anti-EGFR rechallenge block, a VAF bar plot of the sample's panel variants, QC counts
and thresholds, versions and provenance; then one plain-language limitations box for the run.

Rules:

* Self-contained: inline CSS, inline SVG, no script, no font, no image, no link that loads
  anything. A Content-Security-Policy ``<meta>`` forbids every external request and every script,
  so even a mistake in a template cannot make the page reach the network.
* Every value is untrusted text (sample names, INFO-derived notes): Jinja autoescaping is on for
  the whole template and nothing is marked ``|safe``.
* The content is ``json_out.result_document()``: the HTML and the JSON are built from one model,
  so they cannot disagree. No timestamp: the same input gives a byte-identical page.
* Strategies are shown in the order the matcher gives (``knowledge.fits.ORDER_RULE``), each with
  its regimen, efficacy and population on one short line and the curation notes folded away; the
  rechallenge evidence is a small table (ORR and DCR by drug) with survival ranges and adverse
  events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.knowledge.fits import ORDER_RULE
from egfr_annot.records import SampleResult
from egfr_annot.report.json_out import run_document
from egfr_annot.report.svg import BarInput, BarPlot, format_percent, vaf_bar_plot
from egfr_annot.report.writers import ReportContext, output_path

TEMPLATE = "report.html.j2"

# What each status means, in plain language (the headline itself is json_out.STATUS_HEADLINES).
STATUS_EXPLANATIONS: dict[str, str] = {
    "resistance_detected": (
        "At least one alteration known to cause resistance to cetuximab or panitumumab was found "
        "and passed the caller's filters. Evidence and strategies to overcome it are listed below."
    ),
    "not_detected": (
        "The sample shows tumour DNA, and no alteration that the knowledge base classes as "
        "causing resistance passed the filters; alterations of uncertain resistance "
        "significance, if any, are named in the status below. This is not proof that "
        "resistance is absent (see limitations)."
    ),
    "non_informative": (
        "The sample shows no evidence of tumour DNA, so the absence of resistance alterations "
        "means nothing: a negative plasma result cannot exclude resistance. Consider tissue "
        "testing or a repeat sample."
    ),
}

RECHALLENGE_TITLES: dict[str, str] = {
    "summary": "Summary",
    "evidence": "Evidence (meta-analysis)",
    "no_driver_strategies": "Strategies without a resistance driver",
}

LIMITATIONS: tuple[str, ...] = (
    "A liquid biopsy finds only alterations carried by tumour DNA shed into the blood. When little "
    "tumour DNA is present, resistance alterations can be missed: a negative result is meaningful "
    "only when the sample shows tumour DNA, and never proves that resistance is absent.",
    "Only the genes and alterations in the knowledge base are assessed. Resistance mechanisms "
    "that a DNA variant file cannot show (EGFR ligand expression, IGF-1R activation, metabolic "
    "remodelling, autophagy, the tumour microenvironment) are not evaluated.",
    "Copy-number changes (MET or ERBB2 amplification, PTEN loss) are assessed only from "
    "copy-number input (a --cnv file or copy-number records in the VCF), and plasma copy number "
    "underestimates tumour copy number when the tumour fraction is low.",
    "The tumour fraction shown here is an estimate (about twice the highest somatic VAF) unless it "
    "was given; clonal haematopoiesis and germline variants can distort it and the VAFs.",
    "Without a matched normal sample, germline and somatic variants are not told apart.",
    "Evidence and strategies come from one published review and one meta-analysis on anti-EGFR "
    "rechallenge (reference numbers in brackets refer to the review); they are not a treatment "
    "recommendation. Results must be interpreted by the molecular tumour board together with the "
    "clinical history and, where needed, confirmed by a validated assay.",
)


def render_html(results: Sequence[SampleResult], context: ReportContext) -> str:
    """The report page as text."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("egfr_annot.report", "templates"),
        autoescape=True,  # every value is untrusted text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["percent"] = format_percent
    env.filters["refs"] = _refs_text
    env.filters["refs_not_in_label"] = _refs_not_in_label
    env.filters["strategy_line"] = _strategy_line
    template = env.get_template(TEMPLATE)
    run = run_document(results, context)
    samples = [_sample_view(doc, index) for index, doc in enumerate(run["samples"], start=1)]
    return template.render(
        run=run,
        samples=samples,
        limitations=LIMITATIONS,
        explanations=STATUS_EXPLANATIONS,
        rechallenge_titles=RECHALLENGE_TITLES,
        strategy_order=ORDER_RULE,
    )


def _sample_view(doc: dict[str, Any], index: int) -> dict[str, Any]:
    alterations = doc["alterations"]
    return {
        "doc": doc,
        "anchor": f"sample-{index}",  # ids never contain the (untrusted) sample name
        "evidence": [a for a in alterations if a["rule_id"] is not None],
        "plot": _vaf_plot(alterations, doc["thresholds"]),
        "rechallenge": _rechallenge_view(doc["rechallenge_figures"]),
    }


def _rechallenge_view(figures: dict[str, Any] | None) -> dict[str, Any] | None:
    """The meta-analysis figures laid out for the page: one row per group (pooled, then each
    drug) with its ORR and DCR, and one line each for the population, ranges and adverse events."""
    if figures is None:
        return None
    groups: dict[str, dict[str, Any]] = {}
    for e in figures["estimates"]:
        groups.setdefault(e["group"], {})[e["endpoint"]] = e
    rows = [
        {
            "group": "All studies (pooled)" if group == "all" else group.capitalize(),
            "orr": by_endpoint.get("ORR"),
            "dcr": by_endpoint.get("DCR"),
        }
        for group, by_endpoint in groups.items()
    ]
    return {
        "population": (
            f"{figures['n_studies']} studies, {figures['n_patients']} patients "
            f"({_num(figures['male_percent'])}% male, median age "
            f"{_num(figures['median_age_years'])} years); {figures['model']} model"
        ),
        "rows": rows,
        "ranges": "; ".join(
            f"{r['endpoint']} {_num(r['low'])}-{_num(r['high'])} {r['unit']}"
            for r in figures["survival_ranges"]
        ),
        "adverse_events": ", ".join(f"{a['event']} {a['text']}" for a in figures["adverse_events"]),
        "conclusion": figures["conclusion"],
    }


def _num(value: float) -> str:
    return f"{value:g}"


def _strategy_line(strategy: dict[str, Any]) -> str:
    """``Regimen: ...; efficacy: ...; studied in: ... (review Table 1, row 7)``: what the
    review's table or text gives for the strategy, on one line ("" when nothing is known)."""
    parts = [
        f"{name}: {strategy[key]}"
        for name, key in (
            ("Regimen", "regimen"),
            ("efficacy", "efficacy"),
            ("studied in", "subpopulation"),
        )
        if strategy[key]
    ]
    if parts and strategy["source"]:
        parts[-1] += f" ({strategy['source']})"
    return "; ".join(parts)


def _vaf_plot(alterations: Sequence[dict[str, Any]], thresholds: dict[str, str]) -> BarPlot | None:
    with_vaf = [a for a in alterations if a["vaf"] is not None]
    if not with_vaf:
        return None
    ordered = sorted(with_vaf, key=lambda a: (-a["vaf"], a["label"], a["pos"] or 0))
    items = [
        BarInput(
            label=a["label"],
            vaf=a["vaf"],
            category=a["resistance"] or "none",
            passed=a["filter"] in ("PASS", "."),
        )
        for a in ordered
    ]
    threshold = _float_or_none(thresholds.get("tumour_evidence_min_vaf"))
    return vaf_bar_plot(
        items,
        threshold=threshold,
        threshold_label=f"tumour-DNA evidence {format_percent(threshold)}" if threshold else "",
    )


def _refs_text(refs: Sequence[int]) -> str:
    return f"[{', '.join(str(r) for r in refs)}]" if refs else ""


def _refs_not_in_label(strategy: dict[str, Any]) -> str:
    """The strategy's reference numbers, unless its label already ends with them
    (``"Selumetinib + cetuximab [Phase I; 29,30]"``): no "[29, 30]" twice on the page."""
    refs: list[int] = strategy["review_refs"]
    label: str = strategy["label"]
    if label.endswith("]") and "[" in label:
        shown = set(re.findall(r"\d+", label[label.rindex("[") :]))
        if {str(r) for r in refs} <= shown:
            return ""
    return _refs_text(refs)


def _float_or_none(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# registry entry point (report/writers.py)
# ----------------------------------------------------------------------------------------------
def write_html_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    path = output_path(prefix, "html")
    text = render_html(results, context)
    with out.open_text(path) as fh:
        fh.write(text)
    return [path]
