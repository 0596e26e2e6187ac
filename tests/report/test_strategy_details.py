"""What the knowledge base says about each strategy (regimen, efficacy, population, the notes on
the review's tables versus its text) and the rechallenge meta-analysis figures (by drug, adverse
events), where a tumour board reads them: --evidence-long, JSON, HTML."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_builders import (
    RAS_RULE,
    context_for,
    empty_result,
    no_alteration_result,
    resistant_result,
)

from egfr_annot.knowledge import KnowledgeBase, Matcher, load_knowledge_base
from egfr_annot.knowledge.fits import ORDER_RULE
from egfr_annot.records import SampleResult
from egfr_annot.report.columns import EVIDENCE_LONG_COLUMNS
from egfr_annot.report.html import render_html
from egfr_annot.report.json_out import load_schema, run_document
from egfr_annot.report.tables import write_evidence_long
from egfr_annot.resources import annotations_dir

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "example_vcfs"

BEACON_REGIMEN = "Encorafenib + binimetinib + cetuximab VS cetuximab chemotherapy"
BEACON_EFFICACY = "ORR: 26% VS 2%, mOS: 9.0m VS 5.4m"
TIVANTINIB_NOTE = (
    "Table 1 subpopulation 'KRAS mutation' is kept; the text describes 41 patients with "
    "tumour progression on cetuximab or panitumumab"
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(annotations_dir())


def _with_rules(kb: KnowledgeBase, **rule_of_gene: str) -> SampleResult:
    """The resistant sample whose KRAS finding carries the real match of ``rule_of_gene``:
    e.g. ``KRAS="BRAF_V600E"`` gives that row the BEACON strategies."""
    matcher = Matcher(kb, {})  # rule_match needs no transcript model
    result = resistant_result()
    findings = tuple(
        replace(f, match=matcher.rule_match(rule_of_gene["KRAS"])) if f.match is RAS_RULE else f
        for f in result.findings
    )
    return replace(result, findings=findings)


def _evidence_long(kb: KnowledgeBase, result: SampleResult) -> list[dict[str, str]]:
    fh = io.StringIO()
    write_evidence_long(fh, [result], "0.1.0", kb.version, kb)
    lines = fh.getvalue().splitlines()[1:]  # after the provenance comment
    return list(csv.DictReader(lines, delimiter="\t"))


# --- --evidence-long ------------------------------------------------------------------------------
def test_evidence_long_has_the_strategy_detail_columns() -> None:
    assert list(EVIDENCE_LONG_COLUMNS[-7:]) == [
        "outcome",
        "setting",
        "subpopulation",
        "regimen",
        "efficacy",
        "source",
        "strategy_notes",
    ]


def test_evidence_long_rows_carry_regimen_efficacy_and_notes(kb: KnowledgeBase) -> None:
    rows = _evidence_long(kb, _with_rules(kb, KRAS="BRAF_V600E"))
    beacon = rows[0]
    assert beacon["strategy"] == "Encorafenib + binimetinib + cetuximab [Phase III; 27,28]"
    assert beacon["outcome"] == "positive" and beacon["setting"] == "Phase III"
    assert beacon["subpopulation"] == "BRAF V600E mutation"
    assert beacon["regimen"] == BEACON_REGIMEN
    assert beacon["efficacy"] == BEACON_EFFICACY
    # Table 1 gives the triplet under encorafenib and under binimetinib: one line, both rows
    assert beacon["source"] == "review Table 1, rows 7, 8"
    assert "BEACON [27]: ORR 48% (95% CI 29.4-67.5%) among 29 patients" in beacon["strategy_notes"]
    negative = next(r for r in rows if r["strategy_id"] == "T1.06")
    assert negative["outcome"] == "negative"
    assert negative["efficacy"] == "ORR: 0 VS 4%; mPFS: 3.7 VS 4.5m; mOS: 7.1m VS 9.3m"


def test_evidence_long_shows_the_table_versus_text_discrepancy(kb: KnowledgeBase) -> None:
    rows = _evidence_long(kb, _with_rules(kb, KRAS="KRAS_CODON12"))
    tivantinib = next(r for r in rows if r["strategy_id"] == "T1.12")
    assert tivantinib["subpopulation"] == "KRAS mutation"
    assert tivantinib["efficacy"] == "ORR: 9.8%, mPFS: 2.6m, mOS: 9.2m"
    assert TIVANTINIB_NOTE in tivantinib["strategy_notes"]
    assert tivantinib["source"] == "review Table 1, row 12"
    assert "TX.02" not in {r["strategy_id"] for r in rows}  # G12C-specific, not codon 12


# --- JSON -----------------------------------------------------------------------------------------
def _doc(kb: KnowledgeBase, *results: SampleResult) -> dict[str, Any]:
    doc = run_document(list(results), context_for("x.vcf"))
    jsonschema.validate(doc, load_schema())
    return doc


def test_json_strategy_objects_carry_the_details(kb: KnowledgeBase) -> None:
    doc = _doc(kb, _with_rules(kb, KRAS="KRAS_G12C"))
    kras = doc["samples"][0]["alterations"][0]
    first = kras["strategies"][0]
    assert first == {
        "strategy_id": "TX.02",
        "label": "Sotorasib [Not stated; 86,87]",
        "fit": "exact_subpopulation",
        "evidence_rank": 7,
        "review_refs": [86, 87],
        "outcome": "not_stated",
        "evidence_level": "Not stated",
        "stage": "not_stated",
        "setting": "Not stated",
        "subpopulation": "KRAS G12C",
        "regimen": "Sotorasib",
        "efficacy": "",
        "source": "review text",
        "notes": [
            "The review gives neither a setting nor efficacy, nor a combination with "
            "anti-EGFR mAbs."
        ],
    }
    tivantinib = next(s for s in kras["strategies"] if s["strategy_id"] == "T1.12")
    assert tivantinib["stage"] == "clinical" and tivantinib["efficacy"].startswith("ORR: 9.8%")
    assert any(TIVANTINIB_NOTE in note for note in tivantinib["notes"])


def test_json_rechallenge_figures_by_drug_and_adverse_events(kb: KnowledgeBase) -> None:
    negative, empty = _doc(kb, no_alteration_result(), empty_result())["samples"]
    figures = negative["rechallenge_figures"]
    assert (figures["n_studies"], figures["n_patients"]) == (14, 520)
    assert (figures["male_percent"], figures["median_age_years"]) == (50.3, 63)
    assert "DerSimonian-Laird" in figures["model"]
    estimates = {(e["endpoint"], e["group"]): e for e in figures["estimates"]}
    assert estimates["ORR", "all"] == {
        "endpoint": "ORR",
        "group": "all",
        "percent": 17.7,
        "ci95_low": 8.58,
        "ci95_high": 26.82,
        "i2_percent": 84,
        "text": "17.70% (95% CI 8.58-26.82%)",
    }
    assert estimates["ORR", "panitumumab"]["percent"] == 10.9
    assert estimates["ORR", "panitumumab"]["i2_percent"] is None
    assert estimates["DCR", "cetuximab and panitumumab"]["ci95_high"] == 88.77
    assert len(estimates) == 8  # pooled ORR/DCR + 3 drug groups x 2 endpoints
    assert figures["adverse_events"][1] == {"event": "diarrhea", "percent": 4.2, "text": "4.20%"}
    assert {a["event"]: a["percent"] for a in figures["adverse_events"]} == {
        "anemia": 15.39,
        "diarrhea": 4.2,
        "hypomagnesemia": 6.4,
        "neutropenia": 22.57,
        "skin rash": 13.22,
    }
    assert figures["survival_ranges"] == [
        {"endpoint": "mPFS", "unit": "months", "low": 2.4, "high": 4.9},
        {"endpoint": "mOS", "unit": "months", "low": 5, "high": 17.8},
    ]
    # no evidence in the block (no tumour DNA in this built result): no figures either
    assert empty["rechallenge_figures"] is None
    # the summary text is unchanged
    assert negative["rechallenge_evidence"] == no_alteration_result().rechallenge[0][1]


# --- HTML -----------------------------------------------------------------------------------------
def test_html_strategy_lines_and_notes(kb: KnowledgeBase) -> None:
    result = _with_rules(kb, KRAS="BRAF_V600E")
    html = render_html([result], context_for("x.vcf"))
    assert (
        f"Regimen: {BEACON_REGIMEN}; efficacy: {BEACON_EFFICACY}; studied in: BRAF V600E "
        "mutation (review Table 1, rows 7, 8)"
    ) in html
    assert "<summary>Notes on the review's table and text</summary>BEACON [27]" in html
    # the order is explained once per sample, above the evidence boxes
    assert html.count(f"Strategies are listed in this order: {ORDER_RULE}.") == 1
    # the page keeps the matcher's order: BEACON, vemurafenib triplet, ..., negative trials
    match = next(f for f in result.findings if f.consequence and f.consequence.gene == "KRAS").match
    assert match is not None and match.rule_id == "BRAF_V600E"
    positions = [html.index(s.label) for s in match.strategies]
    assert positions == sorted(positions)


def test_html_rechallenge_table(kb: KnowledgeBase) -> None:
    html = render_html([no_alteration_result()], context_for("x.vcf"))
    section = html[html.index("<h3>Anti-EGFR rechallenge</h3>") : html.index("<h3>VAF of panel")]
    assert '<table class="rechallenge">' in section
    row = section[section.index("<td>Panitumumab</td>") :]
    row = row[: row.index("</tr>")]
    assert "10.9% (95% CI 0.00-26.82%)" in row and "63.05% (95% CI 52.13-73.97%)" in row
    assert "<td>All studies (pooled)</td>" in section and "I&sup2; 84%" in section
    assert "mPFS 2.4-4.9 months; mOS 5-17.8 months" in section
    assert "neutropenia 22.57%" in section and "diarrhea 4.20%" in section
    assert "14 studies, 520 patients (50.3% male, median age 63 years)" in section
    # the table replaces the evidence paragraph; summary and no-driver strategies stay
    assert "Pooled ORR 17.70%" not in section
    assert "rechallenge may be considered" in section
    empty = render_html([empty_result()], context_for("x.vcf"))
    assert '<table class="rechallenge">' not in empty


# --- end to end -----------------------------------------------------------------------------------
def _run(tmp_path: Path, vcf: Path, *args: str) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "egfr_annot", "run", str(vcf), "--out-dir", str(tmp_path), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def test_cli_outputs_carry_details_and_figures(tmp_path: Path) -> None:
    braf = _run(tmp_path / "braf", EXAMPLES / "braf_v600e.GRCh37.vcf", "--evidence-long", "--json")
    rows = list(
        csv.DictReader(
            (braf / "braf_v600e.GRCh37.evidence_long.tsv").read_text().splitlines()[1:],
            delimiter="\t",
        )
    )
    first = next(r for r in rows if r["gene"] == "BRAF")
    assert first["strategy_id"] == "T1.07" and first["efficacy"] == BEACON_EFFICACY
    doc = json.loads((braf / "braf_v600e.GRCh37.json").read_text())
    jsonschema.validate(doc, load_schema())
    (sample,) = doc["samples"]
    assert sample["status"] == "resistance_detected"
    assert sample["rechallenge_figures"]["estimates"][0]["text"] == "17.70% (95% CI 8.58-26.82%)"

    negative = _run(tmp_path / "neg", EXAMPLES / "no_resistance.GRCh38.vcf.gz", "--json", "--html")
    doc = json.loads((negative / "no_resistance.GRCh38.json").read_text())
    jsonschema.validate(doc, load_schema())
    (sample,) = doc["samples"]
    assert sample["status"] == "not_detected"
    no_driver = dict((i["key"], i["value"]) for i in sample["rechallenge"])["no_driver_strategies"]
    assert no_driver.startswith(
        "Avelumab + cetuximab [Phase II; 38]; Regorafenib + cetuximab [Phase I; 39]"
    )
    html = (negative / "no_resistance.GRCh38.report.html").read_text()
    assert "<td>Cetuximab and panitumumab</td>" in html
