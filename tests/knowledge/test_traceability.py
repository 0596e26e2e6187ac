"""Every clinical statement traces to the seed documents (skipped when ../shared is absent).

Text is compared after dropping everything but letters and digits, so the PDF's line breaks,
hyphenation ("cetuxi-\\nmab") and spacing do not matter.
"""

from __future__ import annotations

import re

from egfr_annot.knowledge import KnowledgeBase


def squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def cited_numbers(text: str) -> set[int]:
    numbers: set[int] = set()
    for group in re.findall(r"\[([0-9,\s–-]+)\]", text):
        for part in group.split(","):
            part = part.strip()
            if re.fullmatch(r"[0-9]+\s*[–-]\s*[0-9]+", part):
                low, high = (int(x) for x in re.split(r"\s*[–-]\s*", part))
                numbers.update(range(low, high + 1))
            elif part.isdigit():
                numbers.add(int(part))
    return numbers


def test_rule_quotes_are_verbatim(kb: KnowledgeBase, review_text: str):
    text = squash(review_text)
    missing = [r.rule_id for r in kb.rules if squash(r.quote) not in text]
    assert missing == []


def test_text_strategy_quotes_are_verbatim(kb: KnowledgeBase, review_text: str):
    text = squash(review_text)
    missing = [s.strategy_id for s in kb.strategies if s.quote and squash(s.quote) not in text]
    assert missing == []


def test_table_rows_are_the_printed_rows(kb: KnowledgeBase, review_text: str):
    """Setting/species, subpopulation, regimen, efficacy and [refs] appear contiguously in the
    seed's (broken) table layout: the row and its reference numbers are the printed ones."""
    text = squash(review_text)
    for s in kb.strategies:
        if s.source == "review_text":
            continue
        refs = "[" + ", ".join(map(str, s.review_refs)) + "]"
        row = s.setting + s.species + s.subpopulation + s.regimen + s.efficacy + refs
        assert squash(row) in text, s.strategy_id
        assert squash(s.agent) in text, s.strategy_id


def test_fig3_sentences_are_verbatim(kb: KnowledgeBase, review_text: str):
    text = squash(review_text)
    assert all(squash(st.fig3_text) in text for st in kb.subtypes.values())


def test_every_reference_number_is_cited_in_the_review(kb: KnowledgeBase, review_text: str):
    cited = cited_numbers(review_text)
    assert set(kb.references) == cited


def test_rule_refs_are_cited_next_to_their_quote(kb: KnowledgeBase, review_text: str):
    """At least one of a rule's reference numbers is cited within 400 characters after its quote."""
    keep = [i for i, ch in enumerate(review_text) if ch.isalnum()]
    text = "".join(review_text[i].lower() for i in keep)
    for rule in kb.rules:
        at = text.find(squash(rule.quote))
        assert at >= 0, rule.rule_id
        end = keep[at + len(squash(rule.quote)) - 1]
        window = cited_numbers(review_text[end : end + 400])
        assert window & set(rule.review_refs), rule.rule_id


def test_named_alterations_are_in_the_review(review_text: str):
    text = squash(review_text)
    for name in (
        "G465R",
        "G465E",
        "S468R",
        "S492R",
        "V843I",
        "G13D",
        "V600E",
        "D594G",
        "G469A",
        "L485F",
        "L525R",
        "Q524L",
        "V600R",
        "S310F",
        "L755S",
        "V777L",
        "V842I",
        "L866",
    ):
        assert squash(name) in text, name


def test_rechallenge_figures_are_the_abstracts(kb: KnowledgeBase, meta_text: str):
    r = kb.rechallenge
    for figure in [
        "Fourteen studies were included with 520 patients",
        "50.3% were male, and the median age was 63 years",
        f"objective response rate (ORR) of {r.estimate('ORR').estimate}% (95% CI, 8.58-26.82%)",
        f"disease control rate (DCR) of {r.estimate('DCR').estimate}% (95% CI, 53.32-70.11%)",
        "I2, 84% and 80%",
        "ranged between 2.4 and 4.9 months",
        "ranged from 5 to 17.8 months",
        "DerSimonian/Laird random effect model",
    ]:
        assert figure in meta_text, figure
    for e in r.by_drug:
        assert f"{e.estimate}% (95% CI, {e.ci_low}-{e.ci_high}%)" in meta_text, e
    for event, percent in r.adverse_events:
        assert f"{event} ({percent}%)" in meta_text, event
