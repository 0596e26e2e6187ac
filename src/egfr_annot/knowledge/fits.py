"""Which strategies of the review fit an alteration, and how (data in strategies.tsv/subtypes.tsv).

* ``exact_subpopulation``: the strategy's subpopulation or target names the alteration (one of the
  rule's ``tags`` is in the strategy's ``exact_tags``), or the rule links the strategy explicitly
  (``strategy_ids``).
* ``subtype``: the rule belongs to a Fig. 3 subtype whose strategy classes include one of the
  strategy's ``fig3_classes``, and the strategy was not tested in a population selected for a
  *different* alteration (``subpopulation_scope`` is not ``alteration``).

A strategy whose subpopulation excludes the alteration (``excluded_tags``, e.g. "KRAS WT") is never
attached, and rules with resistance ``no`` get no strategies (there is no resistance to overcome).

Order (:data:`ORDER_RULE`; the key is :func:`_order_key`), so that a tumour board reads the most
relevant options first:

1. the strategies the rule links to this very alteration (``strategy_ids``: sotorasib for KRAS
   G12C, the BEACON triplet for BRAF V600E), whatever their evidence level: the review names them
   for it, while the others were tested in broader or other populations;
2. then stage by stage (``evidence_levels.tsv``): clinical, preclinical, setting not stated;
3. within a stage, a strategy whose result is not negative before one whose trial the review
   reports as negative (a failed trial is evidence against an option, not an option);
4. then the evidence level (phase III > II > I > ...), exact subpopulation before the Fig. 3
   subtype level, table order.

Rows giving the same regimen in the same setting (Table 1 lists the BEACON triplet under encorafenib
and under binimetinib) are shown once, with their reference numbers merged;
:func:`strategy_details` gives the rows behind one attached strategy (regimen, efficacy, notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from egfr_annot.knowledge.model import (
    EVIDENCE_STAGES,
    CatalogueRule,
    EvidenceStage,
    KnowledgeBase,
    Strategy,
    StrategyFitKind,
    format_label,
)
from egfr_annot.records import StrategyFit

NO_DRIVER_SUBTYPE = "no-driver"
# The order in one line, for the reports that list strategies (catalog, HTML, README).
ORDER_RULE: Final = (
    "drugs the review names for this exact alteration first; then clinical before preclinical "
    "evidence; within each, promising results before negative trials, then the stronger evidence "
    "level and the exact subpopulation before the Fig. 3 subtype level"
)


def _fit(strategy: Strategy, kind: StrategyFitKind, refs: tuple[int, ...]) -> StrategyFit:
    return StrategyFit(
        strategy_id=strategy.strategy_id,
        label=format_label(strategy.arm, strategy.setting, refs, strategy.outcome),
        fit=kind,
        evidence_rank=strategy.evidence_rank,
        review_refs=refs,
        outcome=strategy.outcome,
    )


def _merge_key(strategy: Strategy) -> tuple[str, str]:
    """Rows with the same regimen in the same setting are one strategy in reports."""
    return strategy.arm.lower(), strategy.setting


def _order_key(
    strategy: Strategy,
    kind: StrategyFitKind,
    linked: bool,
    stage_index: Mapping[int, int],
    table_order: int,
) -> tuple[int, ...]:
    """The report order of the module docstring, as a sort key (lowest first)."""
    return (
        0 if linked else 1,
        stage_index[strategy.evidence_rank],
        1 if strategy.outcome == "negative" else 0,
        strategy.evidence_rank,
        0 if kind == "exact_subpopulation" else 1,
        table_order,
    )


def _ordered(
    kb: KnowledgeBase, chosen: dict[str, StrategyFitKind], linked: tuple[str, ...] = ()
) -> tuple[StrategyFit, ...]:
    order = {s.strategy_id: i for i, s in enumerate(kb.strategies)}
    stage_index = {lv.evidence_rank: EVIDENCE_STAGES.index(lv.stage) for lv in kb.evidence_levels}
    picked = sorted(
        (kb.strategy(sid) for sid in chosen),
        key=lambda s: _order_key(
            s, chosen[s.strategy_id], s.strategy_id in linked, stage_index, order[s.strategy_id]
        ),
    )
    merged: dict[tuple[str, str], tuple[Strategy, StrategyFitKind, set[int]]] = {}
    for s in picked:
        key = _merge_key(s)
        if key in merged:
            merged[key][2].update(s.review_refs)
        else:
            merged[key] = (s, chosen[s.strategy_id], set(s.review_refs))
    return tuple(_fit(s, kind, tuple(sorted(refs))) for s, kind, refs in merged.values())


def strategy_fits(kb: KnowledgeBase, rule: CatalogueRule) -> tuple[StrategyFit, ...]:
    """Strategies attached to ``rule``, in report order (module docstring)."""
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
    return _ordered(kb, chosen, rule.strategy_ids)


def no_driver_strategies(kb: KnowledgeBase) -> tuple[StrategyFit, ...]:
    """Fig. 3 'no driver gene alteration' strategies (fit ``subtype``), in report order."""
    classes = set(kb.subtypes[NO_DRIVER_SUBTYPE].strategy_classes)
    chosen: dict[str, StrategyFitKind] = {
        s.strategy_id: "subtype"
        for s in kb.strategies
        if classes & set(s.fig3_classes) and s.subpopulation_scope != "alteration"
    }
    return _ordered(kb, chosen)


@dataclass(frozen=True, slots=True)
class StrategyDetails:
    """What strategies.tsv says about one attached strategy, for the reports: the rows behind it
    (one, or several merged rows such as the BEACON triplet of Table 1 rows 7 and 8)."""

    outcome: str
    evidence_level: str
    stage: EvidenceStage
    setting: str
    subpopulation: str
    regimen: str
    efficacy: str
    source: str  # "review Table 1, rows 7, 8", "review text"
    notes: tuple[str, ...]  # table-versus-text discrepancies and caveats, one per row


def strategy_details(kb: KnowledgeBase, fit: StrategyFit) -> StrategyDetails | None:
    """The strategies.tsv rows behind ``fit`` (``None`` if its id is not in ``kb``)."""
    try:
        first = kb.strategy(fit.strategy_id)
    except KeyError:
        return None
    refs = set(fit.review_refs)
    rows = [first] + [
        s
        for s in kb.strategies
        if s is not first and _merge_key(s) == _merge_key(first) and set(s.review_refs) <= refs
    ]
    stage = {lv.evidence_rank: lv.stage for lv in kb.evidence_levels}[first.evidence_rank]
    return StrategyDetails(
        outcome=first.outcome,
        evidence_level=first.evidence_level,
        stage=stage,
        setting=first.setting,
        subpopulation=_distinct(s.subpopulation for s in rows),
        regimen=_distinct(s.regimen for s in rows),
        efficacy=_distinct(s.efficacy for s in rows),
        source=_sources(rows),
        notes=tuple(dict.fromkeys(s.notes for s in rows if s.notes)),
    )


def _distinct(values: Iterable[str]) -> str:
    """Non-empty values once each (ignoring case: 'Irinotecan' = 'irinotecan'), ' / '-joined."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return " / ".join(seen.values())


_SOURCE_NAMES: Final[Mapping[str, str]] = {
    "review_table_1": "review Table 1",
    "review_table_2": "review Table 2",
    "review_text": "review text",
}


def _sources(rows: Iterable[Strategy]) -> str:
    """``review Table 1, rows 7, 8``; ``review Table 1, row 5; review text``."""
    table_rows: dict[str, list[int]] = {}
    for s in rows:
        table_rows.setdefault(s.source, [])
        if s.table_row is not None:
            table_rows[s.source].append(s.table_row)
    parts = []
    for source, numbers in table_rows.items():
        name = _SOURCE_NAMES[source]
        if numbers:
            word = "row" if len(numbers) == 1 else "rows"
            name += f", {word} {', '.join(str(n) for n in sorted(numbers))}"
        parts.append(name)
    return "; ".join(parts)
