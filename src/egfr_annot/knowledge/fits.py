"""Which strategies of the review fit an alteration, and how (data in strategies.tsv/subtypes.tsv).

* ``exact_subpopulation``: the strategy's subpopulation or target names the alteration (one of the
  rule's ``tags`` is in the strategy's ``exact_tags``), or the rule links the strategy explicitly
  (``strategy_ids``).
* ``subtype``: the rule belongs to a Fig. 3 subtype whose strategy classes include one of the
  strategy's ``fig3_classes``, and the strategy was not tested in a population selected for a
  *different* alteration (``subpopulation_scope`` is not ``alteration``).

A strategy whose subpopulation excludes the alteration (``excluded_tags``, e.g. "KRAS WT") is never
attached, and rules with resistance ``no`` get no strategies (there is no resistance to overcome).
Strongest evidence first: evidence rank, then exact before subtype, then table order. Rows giving
the same regimen in the same setting (Table 1 lists the BEACON triplet under encorafenib and under
binimetinib) are shown once, with their reference numbers merged.
"""

from __future__ import annotations

from egfr_annot.knowledge.model import (
    CatalogueRule,
    KnowledgeBase,
    Strategy,
    StrategyFitKind,
    format_label,
)
from egfr_annot.records import StrategyFit

NO_DRIVER_SUBTYPE = "no-driver"


def _fit(strategy: Strategy, kind: StrategyFitKind, refs: tuple[int, ...]) -> StrategyFit:
    return StrategyFit(
        strategy_id=strategy.strategy_id,
        label=format_label(strategy.arm, strategy.setting, refs, strategy.outcome),
        fit=kind,
        evidence_rank=strategy.evidence_rank,
        review_refs=refs,
        outcome=strategy.outcome,
    )


def _ordered(kb: KnowledgeBase, chosen: dict[str, StrategyFitKind]) -> tuple[StrategyFit, ...]:
    order = {s.strategy_id: i for i, s in enumerate(kb.strategies)}
    picked = sorted(
        (kb.strategy(sid) for sid in chosen),
        key=lambda s: (
            s.evidence_rank,
            chosen[s.strategy_id] != "exact_subpopulation",
            order[s.strategy_id],
        ),
    )
    merged: dict[tuple[str, str], tuple[Strategy, StrategyFitKind, set[int]]] = {}
    for s in picked:
        key = (s.arm.lower(), s.setting)
        if key in merged:
            merged[key][2].update(s.review_refs)
        else:
            merged[key] = (s, chosen[s.strategy_id], set(s.review_refs))
    return tuple(_fit(s, kind, tuple(sorted(refs))) for s, kind, refs in merged.values())


def strategy_fits(kb: KnowledgeBase, rule: CatalogueRule) -> tuple[StrategyFit, ...]:
    """Strategies attached to ``rule``, strongest evidence first."""
    if rule.resistance == "no":
        return ()
    tags = set(rule.tags)
    classes = set(kb.subtypes[rule.subtype].strategy_classes) if rule.subtype else set()
    chosen: dict[str, StrategyFitKind] = {}
    for s in kb.strategies:
        if tags & set(s.excluded_tags):
            continue
        if s.strategy_id in rule.strategy_ids or tags & set(s.exact_tags):
            chosen[s.strategy_id] = "exact_subpopulation"
        elif classes & set(s.fig3_classes) and s.subpopulation_scope != "alteration":
            chosen[s.strategy_id] = "subtype"
    return _ordered(kb, chosen)


def no_driver_strategies(kb: KnowledgeBase) -> tuple[StrategyFit, ...]:
    """Fig. 3 'no driver gene alteration' strategies (fit ``subtype``), strongest evidence first."""
    classes = set(kb.subtypes[NO_DRIVER_SUBTYPE].strategy_classes)
    chosen: dict[str, StrategyFitKind] = {
        s.strategy_id: "subtype"
        for s in kb.strategies
        if classes & set(s.fig3_classes) and s.subpopulation_scope != "alteration"
    }
    return _ordered(kb, chosen)
