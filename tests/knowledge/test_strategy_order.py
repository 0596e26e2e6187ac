"""The order of the strategies attached to an alteration (knowledge/fits.py, ORDER_RULE).

A tumour board reads the first lines: the drug named for the very alteration comes first, a trial
the review reports as negative never comes before a promising strategy of the same or weaker
evidence, and at one evidence level the exact subpopulation comes before the Fig. 3 subtype."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from egfr_annot.knowledge import KnowledgeBase, Matcher, validate_knowledge
from egfr_annot.knowledge.catalog import explain, render_explanation
from egfr_annot.knowledge.fits import ORDER_RULE, no_driver_strategies, strategy_fits
from egfr_annot.records import StrategyFit


def _labels(fits: tuple[StrategyFit, ...], n: int) -> list[str]:
    return [f.label for f in fits[:n]]


def test_kras_g12c_starts_with_sotorasib(matcher: Matcher, consequence) -> None:
    first = matcher.match_variant(consequence("KRAS", "p.G12C"))[0]
    assert first.rule_id == "KRAS_G12C"
    assert _labels(first.strategies, 2) == [
        "Sotorasib [Not stated; 86,87]",  # the only G12C-specific drug, linked by the rule
        "Tivantinib + cetuximab [Phase II; 33]",  # the strongest KRAS-mutant clinical result
    ]


def test_kras_g12d_negative_trials_follow_promising_clinical_ones(
    matcher: Matcher, consequence
) -> None:
    first = matcher.match_variant(consequence("KRAS", "p.G12D"))[0]
    assert _labels(first.strategies, 5) == [
        "Tivantinib + cetuximab [Phase II; 33]",
        "Avelumab + cetuximab + irinotecan [Ongoing trial; 132]",
        "Dapagliflozin + cetuximab [Case report; 37]",
        "Dasatinib + FOLFOX + cetuximab [Phase IB/II; negative result; 24]",
        "Selumetinib + cetuximab [Phase I; negative result; 29,30]",
    ]
    # preclinical evidence follows every clinical line, negative or not
    assert first.strategies[5].label == "GC1118 [PDXs; 40]"


def test_braf_v600e_order(matcher: Matcher, consequence) -> None:
    first = matcher.match_variant(consequence("BRAF", "p.V600E"))[0]
    assert _labels(first.strategies, 6) == [
        "Encorafenib + binimetinib + cetuximab [Phase III; 27,28]",
        "Vemurafenib + irinotecan + cetuximab [Phase IB; 25,100]",
        "Vemurafenib + panitumumab [Pilot trial; 98]",
        "Vemurafenib + cetuximab [Phase II; negative result; 26]",
        "Vemurafenib +/- cetuximab [Clinical study; negative result; 99]",
        "Cetuximab-based BiTE [Cell; 54]",
    ]


def test_no_driver_list_starts_with_promising_clinical_strategies(kb: KnowledgeBase) -> None:
    fits = no_driver_strategies(kb)
    assert _labels(fits, 2) == [
        "Avelumab + cetuximab [Phase II; 38]",
        "Regorafenib + cetuximab [Phase I; 39]",
    ]
    ids = [f.strategy_id for f in fits]
    negatives = [ids.index(sid) for sid in ("T1.10", "T1.11", "T1.14", "T1.15")]
    # neratinib, PX-866, dalotuzumab, IMC-A12: after every promising clinical strategy
    # (the last of which is the dapagliflozin case report), before the preclinical ones
    assert min(negatives) == ids.index("T1.16") + 1
    assert max(negatives) < ids.index("T2.11")  # CB-839 [Cell/mice], first preclinical line


def _order_problems(fits: tuple[StrategyFit, ...], linked: tuple[str, ...]) -> list[str]:
    """The audit's rules, checked pair by pair."""
    problems = []
    for i, a in enumerate(fits):
        for b in fits[i + 1 :]:
            if b.strategy_id in linked and a.strategy_id not in linked:
                problems.append(f"linked {b.label} after {a.label}")
            if a.strategy_id in linked or b.strategy_id in linked:
                continue
            if (
                a.outcome == "negative"
                and b.outcome != "negative"
                and b.evidence_rank <= a.evidence_rank
            ):
                problems.append(
                    f"negative {a.label} before promising {b.label} (same or stronger level)"
                )
            if (
                a.evidence_rank == b.evidence_rank
                and (a.outcome == "negative") == (b.outcome == "negative")
                and a.fit == "subtype"
                and b.fit == "exact_subpopulation"
            ):
                problems.append(f"subtype {a.label} before exact {b.label} at the same level")
    return problems


def test_every_rule_follows_the_order(kb: KnowledgeBase) -> None:
    for rule in kb.rules:
        fits = strategy_fits(kb, rule)
        assert _order_problems(fits, rule.strategy_ids) == [], rule.rule_id
        linked = [f for f in fits if f.strategy_id in rule.strategy_ids]
        assert fits[: len(linked)] == tuple(linked), rule.rule_id
    assert _order_problems(no_driver_strategies(kb), ()) == []


def test_catalog_show_states_the_order(kb: KnowledgeBase, models) -> None:
    text = render_explanation(kb, explain(kb, "KRAS:p.G12C", models), "text")
    assert f"strategies ({ORDER_RULE}):" in text
    assert text.index("Sotorasib [Not stated; 86,87]") < text.index("Tivantinib + cetuximab")


def test_validator_checks_stages_follow_ranks(
    tmp_path: Path, annotations: Path, models_by_build
) -> None:
    copy = tmp_path / "annotations"
    shutil.copytree(
        annotations, copy, ignore=shutil.ignore_patterns("panel_regions", "transcripts")
    )
    levels = copy / "evidence_levels.tsv"
    text = levels.read_text(encoding="utf-8")
    assert "6\tCell\tpreclinical" in text
    # a cell-line level marked clinical would list cell studies before case reports
    levels.write_text(text.replace("6\tCell\tpreclinical", "6\tCell\tclinical"), encoding="utf-8")
    problems = validate_knowledge(copy, models=models_by_build)
    assert any("stages are not in rank order" in p for p in problems), problems


@pytest.mark.parametrize("stage", ["clinical", "preclinical", "not_stated"])
def test_every_stage_is_used(kb: KnowledgeBase, stage: str) -> None:
    assert any(lv.stage == stage for lv in kb.evidence_levels)
