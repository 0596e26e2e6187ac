"""Cross-reference checks between the knowledge-base tables (no transcript models needed).

Run by the loader (a knowledge base failing them is refused) and by ``egfr-annot kb validate``.
Each problem is one line ``FILE:LINE: problem``.
"""

from __future__ import annotations

from egfr_annot.knowledge.model import EVIDENCE_STAGES, KnowledgeBase
from egfr_annot.knowledge.protein import parse_protein_change
from egfr_annot.records import BUILDS

TABLE_OF_SOURCE = {"review_table_1": "T1", "review_table_2": "T2", "review_text": "TX"}


def cross_reference_problems(kb: KnowledgeBase) -> list[str]:
    problems: list[str] = []
    cat = kb.directory / "resistance_catalogue.tsv"
    strat = kb.directory / "strategies.tsv"
    strategy_ids = {s.strategy_id for s in kb.strategies}
    all_tags = {t for r in kb.rules for t in r.tags}
    fig3_classes = {c for st in kb.subtypes.values() for c in st.strategy_classes}
    levels = {lv.evidence_level: lv for lv in kb.evidence_levels}
    level_of_setting = {s: lv for lv in kb.evidence_levels for s in lv.settings}
    alleles = {(a.allele_id, a.build): a for a in kb.genomic_alleles}

    def refs(path: object, line: int, numbers: tuple[int, ...]) -> None:
        missing = [n for n in numbers if n not in kb.references]
        if missing:
            problems.append(
                f"{path}:{line}: reference number(s) {','.join(map(str, missing))} "
                "not in references.tsv"
            )

    for r in kb.rules:
        where = f"{cat}:{r.line}"
        if r.match_level != r.alteration.match_level:
            problems.append(
                f"{where}: {r.rule_id}: match_level {r.match_level!r} but pattern "
                f"{r.alteration.text!r} matches at level {r.alteration.match_level!r}"
            )
        if (r.alteration.kind == "sample") != (r.gene == ""):
            problems.append(
                f"{where}: {r.rule_id}: gene must be empty exactly for sample-level rules"
            )
        refs(cat, r.line, r.review_refs)
        for sid in r.strategy_ids:
            if sid not in strategy_ids:
                problems.append(f"{where}: {r.rule_id}: strategy {sid} not in strategies.tsv")
            elif set(r.tags) & set(kb.strategy(sid).excluded_tags):
                problems.append(
                    f"{where}: {r.rule_id}: strategy {sid} excludes this alteration's tags"
                )
        if r.subtype and r.subtype not in kb.subtypes:
            problems.append(f"{where}: {r.rule_id}: subtype {r.subtype!r} not in subtypes.tsv")
        if r.resistance == "no" and (r.strategy_ids or r.subtype):
            problems.append(
                f"{where}: {r.rule_id}: resistance 'no' but strategies/subtype are given "
                "(strategies to overcome resistance do not apply)"
            )
        if r.except_changes and r.alteration.kind != "codon":
            problems.append(f"{where}: {r.rule_id}: except_changes is only for codon rules")
        for text in r.except_changes:
            change = parse_protein_change(text)
            if (
                change is None
                or change.start != r.alteration.position
                or change.ref_start != r.alteration.ref_aa
            ):
                problems.append(
                    f"{where}: {r.rule_id}: except_changes {text!r} is not a change at "
                    f"{r.alteration.ref_aa}{r.alteration.position}"
                )
            elif not any(
                o.gene == r.gene and o.alteration.kind == "protein" and o.alteration.text == text
                for o in kb.rules
            ):
                problems.append(
                    f"{where}: {r.rule_id}: except_changes {text!r} has no protein rule of its own"
                )
        if r.alteration.kind == "genomic":
            for build in BUILDS:
                allele = alleles.get((r.alteration.allele_id, build))
                if allele is None:
                    problems.append(
                        f"{where}: {r.rule_id}: {r.alteration.allele_id} has no {build} row in "
                        "genomic_alleles.tsv"
                    )
                elif allele.gene != r.gene:
                    problems.append(
                        f"{where}: {r.rule_id}: {r.alteration.allele_id} is in {allele.gene}, "
                        f"not {r.gene}"
                    )

    for s in kb.strategies:
        where = f"{strat}:{s.line}"
        refs(strat, s.line, s.review_refs)
        prefix = TABLE_OF_SOURCE[s.source]
        if not s.strategy_id.startswith(prefix + "."):
            problems.append(
                f"{where}: {s.strategy_id}: id does not start with {prefix}. ({s.source})"
            )
        if prefix == "TX":
            if s.table_row is not None:
                problems.append(f"{where}: {s.strategy_id}: text-only strategy with a table row")
            if not s.quote:
                problems.append(f"{where}: {s.strategy_id}: text-only strategy without a quote")
        elif s.table_row is None or s.strategy_id != f"{prefix}.{s.table_row:02d}":
            problems.append(f"{where}: {s.strategy_id}: id does not match table row {s.table_row}")
        level = level_of_setting.get(s.setting)
        if level is None:
            problems.append(
                f"{where}: {s.strategy_id}: setting {s.setting!r} not in evidence_levels.tsv"
            )
        elif (s.evidence_level, s.evidence_rank) != (level.evidence_level, level.evidence_rank):
            problems.append(
                f"{where}: {s.strategy_id}: setting {s.setting!r} is level "
                f"{level.evidence_level!r} "
                f"(rank {level.evidence_rank}), not {s.evidence_level!r} (rank {s.evidence_rank})"
            )
        if s.evidence_level not in levels:
            problems.append(
                f"{where}: {s.strategy_id}: unknown evidence level {s.evidence_level!r}"
            )
        for c in s.fig3_classes:
            if c not in fig3_classes:
                problems.append(f"{where}: {s.strategy_id}: Fig. 3 class {c!r} not in subtypes.tsv")
        for t in s.exact_tags + s.excluded_tags:
            if t not in all_tags:
                problems.append(f"{where}: {s.strategy_id}: tag {t!r} is not a tag of any rule")
        if (
            s.subpopulation_scope == "alteration"
            and not s.exact_tags
            and not any(s.strategy_id in r.strategy_ids for r in kb.rules)
        ):
            problems.append(
                f"{where}: {s.strategy_id}: subpopulation requires an alteration but no tag "
                "or rule names it"
            )

    for source, prefix in (("review_table_1", "T1"), ("review_table_2", "T2")):
        rows = sorted(s.table_row for s in kb.strategies if s.source == source and s.table_row)
        if rows != list(range(1, len(rows) + 1)):
            problems.append(f"{strat}: {prefix} table rows are not numbered 1..{len(rows)}: {rows}")

    ranks = sorted(lv.evidence_rank for lv in kb.evidence_levels)
    if ranks != list(range(len(ranks))):
        problems.append(
            f"{kb.directory / 'evidence_levels.tsv'}: ranks are not 0..{len(ranks) - 1}"
        )
    # strategies are listed stage by stage (fits.py): the stages must not contradict the ranks
    stages = [lv.stage for lv in sorted(kb.evidence_levels, key=lambda lv: lv.evidence_rank)]
    if stages != sorted(stages, key=EVIDENCE_STAGES.index):
        problems.append(
            f"{kb.directory / 'evidence_levels.tsv'}: stages are not in rank order "
            f"({', '.join(EVIDENCE_STAGES)})"
        )
    if "no-driver" not in kb.subtypes:
        problems.append(f"{kb.directory / 'subtypes.tsv'}: no 'no-driver' subtype (Fig. 3)")
    return problems
