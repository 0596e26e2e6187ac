"""Typed records of the knowledge base (``annotations/``): rules, strategies, references, Fig. 3
subtypes, evidence levels, genomic alleles and the rechallenge meta-analysis.

All records are frozen; :class:`KnowledgeBase` holds them read-only and is shared by every stage
(and every batch worker) of a process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from egfr_annot.records import Build, CopyNumberState, MatchLevel, Resistance

PatternKind = Literal[
    "protein", "codon", "exon", "domain", "truncating", "copy_number", "sample", "genomic"
]
StrategyFitKind = Literal["exact_subpopulation", "subtype"]

# Most specific first: the order in which matches are reported.
MATCH_LEVEL_ORDER: Final[tuple[MatchLevel, ...]] = (
    "genomic", "protein", "codon", "exon", "gene", "copy_number", "sample"
)  # fmt: skip
LEVEL_OF_KIND: Final[Mapping[PatternKind, MatchLevel]] = {
    "protein": "protein",
    "codon": "codon",
    "exon": "exon",
    "domain": "exon",
    "truncating": "gene",
    "copy_number": "copy_number",
    "sample": "sample",
    "genomic": "genomic",
}
COPY_NUMBER_STATES: Final[tuple[CopyNumberState, ...]] = (
    "amplification", "gain", "neutral", "loss", "deep_deletion"
)  # fmt: skip
MSI_VALUES: Final[tuple[str, ...]] = ("MSI-H", "MSS", "dMMR", "pMMR")

_AA1 = "ACDEFGHIKLMNPQRSTVWY"
_PROTEIN = re.compile(rf"^p\.([{_AA1}])([1-9][0-9]*)([{_AA1}*])?$")
_ANCHOR = re.compile(rf"^([{_AA1}])([1-9][0-9]*)@([1-9][0-9]*)$")


@dataclass(frozen=True, slots=True)
class AlterationPattern:
    """A parsed ``alteration`` cell of the catalogue (grammar in the catalogue schema)."""

    kind: PatternKind
    text: str
    position: int | None = None  # residue (protein, codon)
    ref_aa: str = ""
    alt_aa: str = ""  # protein rules only
    exon: int | None = None  # MANE exon number (exon rules)
    start: int | None = None  # residue range (domain rules)
    end: int | None = None
    cn_state: str = ""
    sample_values: tuple[str, ...] = ()
    allele_id: str = ""

    @property
    def match_level(self) -> MatchLevel:
        return LEVEL_OF_KIND[self.kind]


def parse_alteration(text: str) -> AlterationPattern:
    """Parse a rule pattern; raises ``ValueError`` with the reason."""
    m = _PROTEIN.match(text)
    if m:
        ref, pos, alt = m.group(1), int(m.group(2)), m.group(3) or ""
        if alt == ref:
            raise ValueError(f"{text!r}: a synonymous change cannot be a rule")
        kind: PatternKind = "protein" if alt else "codon"
        return AlterationPattern(kind, text, position=pos, ref_aa=ref, alt_aa=alt)
    if text.startswith("exon:") and text[5:].isdigit() and int(text[5:]) > 0:
        return AlterationPattern("exon", text, exon=int(text[5:]))
    m = re.fullmatch(r"codons:([1-9][0-9]*)-([1-9][0-9]*)", text)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if end < start:
            raise ValueError(f"{text!r}: range end before start")
        return AlterationPattern("domain", text, start=start, end=end)
    if text == "truncating":
        return AlterationPattern("truncating", text)
    if text.startswith("cn:") and text[3:] in COPY_NUMBER_STATES:
        return AlterationPattern("copy_number", text, cn_state=text[3:])
    if text.startswith("msi:"):
        values = tuple(text[4:].split(","))
        if values and all(v in MSI_VALUES for v in values):
            return AlterationPattern("sample", text, sample_values=values)
    if re.fullmatch(r"rs:rs[0-9]+", text):
        return AlterationPattern("genomic", text, allele_id=text[3:])
    raise ValueError(f"{text!r} is not a rule pattern")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A residue that must sit in a given MANE exon with the given reference amino acid."""

    residue: str
    position: int
    exon: int

    @classmethod
    def parse(cls, text: str) -> Anchor:
        m = _ANCHOR.match(text)
        if m is None:
            raise ValueError(f"{text!r} is not <Ref><pos>@<exon>")
        return cls(m.group(1), int(m.group(2)), int(m.group(3)))

    def __str__(self) -> str:
        return f"{self.residue}{self.position}@{self.exon}"


@dataclass(frozen=True, slots=True)
class CatalogueRule:
    rule_id: str
    gene: str  # "" for sample-level rules
    alteration: AlterationPattern
    match_level: MatchLevel
    alteration_name: str
    alteration_class: str
    resistance: Resistance
    mechanism: str
    evidence: str
    review_refs: tuple[int, ...]
    strategy_ids: tuple[str, ...]
    subtype: str
    tags: tuple[str, ...]
    except_changes: tuple[str, ...]
    literature_name: str
    anchor_residues: tuple[Anchor, ...]
    numbering_source: str
    quote: str
    notes: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Strategy:
    strategy_id: str
    source: Literal["review_table_1", "review_table_2", "review_text"]
    table_row: int | None
    therapy_class: str
    target: str
    agent: str
    setting: str
    species: str
    subpopulation: str
    regimen: str
    efficacy: str
    review_refs: tuple[int, ...]
    evidence_level: str
    evidence_rank: int
    outcome: str
    arm: str
    fig3_classes: tuple[str, ...]
    exact_tags: tuple[str, ...]
    excluded_tags: tuple[str, ...]
    subpopulation_scope: Literal["alteration", "wild_type", "marker", "unselected"]
    quote: str
    notes: str
    line: int = 0

    @property
    def label(self) -> str:
        """``Agent + regimen [setting; refs]``, e.g. ``Encorafenib + binimetinib + cetuximab
        [Phase III; 27,28]``."""
        return format_label(self.arm, self.setting, self.review_refs, self.outcome)


def format_label(arm: str, setting: str, refs: tuple[int, ...], outcome: str = "") -> str:
    """``Agent + regimen [setting; refs]``; a trial the review reports as negative says so
    inside the brackets, so that it is not read as a recommendation."""
    flag = "negative result; " if outcome == "negative" else ""
    return f"{arm} [{setting}; {flag}{','.join(str(r) for r in refs)}]"


@dataclass(frozen=True, slots=True)
class Reference:
    ref: int
    cited_for: str
    name: str
    sections: str
    notes: str


@dataclass(frozen=True, slots=True)
class Subtype:
    subtype_id: str
    label: str
    strategy_classes: tuple[str, ...]
    fig3_text: str
    notes: str


EvidenceStage = Literal["clinical", "preclinical", "not_stated"]
# Stages in the order reports list strategies (and in which evidence_levels.tsv ranks them).
EVIDENCE_STAGES: Final[tuple[EvidenceStage, ...]] = ("clinical", "preclinical", "not_stated")


@dataclass(frozen=True, slots=True)
class EvidenceLevel:
    evidence_rank: int
    evidence_level: str
    stage: EvidenceStage  # clinical (in patients), preclinical (animal, cell), not_stated
    settings: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class GenomicAllele:
    allele_id: str
    gene: str
    build: Build
    chrom: str
    pos: int
    ref: str
    alt: str
    hgvsc: str
    hgvsp: str
    verified: str
    source: str


@dataclass(frozen=True, slots=True)
class RechallengeEstimate:
    """One pooled or subgroup proportion as the meta-analysis writes it (percent strings kept)."""

    endpoint: str  # "ORR" / "DCR"
    group: str  # "all", "cetuximab", "panitumumab", "cetuximab and panitumumab"
    estimate: str  # "17.70"
    ci_low: str
    ci_high: str
    i2: str = ""  # "84" (pooled only)

    @property
    def value(self) -> float:
        return float(self.estimate)

    @property
    def ci(self) -> tuple[float, float]:
        return float(self.ci_low), float(self.ci_high)

    def format(self) -> str:
        """``17.70% (95% CI 8.58-26.82%)``."""
        return f"{self.estimate}% (95% CI {self.ci_low}-{self.ci_high}%)"


@dataclass(frozen=True, slots=True)
class RechallengeEvidence:
    """The anti-EGFR rechallenge meta-analysis: structured figures and a short text block."""

    n_studies: int
    n_patients: int
    male_percent: str
    median_age_years: str
    model: str
    heterogeneity: str
    software: str
    pooled: tuple[RechallengeEstimate, ...]
    by_drug: tuple[RechallengeEstimate, ...]
    survival_ranges: tuple[tuple[str, str, str, str], ...]  # (endpoint, unit, low, high)
    adverse_events: tuple[tuple[str, str], ...]  # (event, percent)
    conclusion: str
    source: str
    notes: tuple[str, ...]

    def estimate(self, endpoint: str, group: str = "all") -> RechallengeEstimate:
        for e in self.pooled + self.by_drug:
            if e.endpoint == endpoint and e.group == group:
                return e
        raise KeyError(f"no {endpoint} estimate for {group!r}")

    @property
    def summary(self) -> str:
        """One line for the summary table."""
        orr, dcr = self.estimate("ORR"), self.estimate("DCR")
        return (
            f"anti-EGFR rechallenge (meta-analysis, {self.n_studies} studies, {self.n_patients} "
            f"patients): ORR {orr.format()}, DCR {dcr.format()}"
        )

    @property
    def text(self) -> str:
        """A short paragraph with the numbers (report text)."""
        orr, dcr = self.estimate("ORR"), self.estimate("DCR")
        drugs = "; ".join(
            f"{e.endpoint} {e.group} {e.estimate}% ({e.ci_low}-{e.ci_high}%)" for e in self.by_drug
        )
        ranges = ", ".join(f"{ep} {lo}-{hi} {unit}" for ep, unit, lo, hi in self.survival_ranges)
        events = ", ".join(f"{ev} {pct}%" for ev, pct in self.adverse_events)
        return (
            f"Anti-EGFR rechallenge meta-analysis ({self.n_studies} studies, {self.n_patients} "
            f"patients, {self.male_percent}% male, median age {self.median_age_years} years; "
            f"{self.model} model): pooled ORR {orr.format()}, I2 {orr.i2}%; pooled DCR "
            f"{dcr.format()}, I2 {dcr.i2}%. By drug: {drugs}. {ranges}. Adverse events: {events}. "
            f"{self.conclusion}"
        )

    def as_pairs(self) -> tuple[tuple[str, str], ...]:
        """Key/value lines (``SampleResult.rechallenge``)."""
        pairs: list[tuple[str, str]] = [
            ("source", f"{self.source}: {self.n_studies} studies, {self.n_patients} patients"),
            ("model", f"{self.model}; heterogeneity {self.heterogeneity}"),
        ]
        for e in self.pooled:
            pairs.append((f"pooled_{e.endpoint.lower()}", f"{e.format()}, I2 {e.i2}%"))
        for e in self.by_drug:
            key = f"{e.endpoint.lower()}_{e.group.replace(' ', '_')}"
            pairs.append((key, e.format()))
        for endpoint, unit, low, high in self.survival_ranges:
            pairs.append((f"{endpoint}_range", f"{low}-{high} {unit}"))
        pairs.append(
            ("adverse_events", ", ".join(f"{ev} {pct}%" for ev, pct in self.adverse_events))
        )
        pairs.append(
            ("population", f"{self.male_percent}% male, median age {self.median_age_years} years")
        )
        pairs.append(("conclusion", self.conclusion))
        return tuple(pairs)


@dataclass(frozen=True, slots=True, eq=False)
class KnowledgeBase:
    """The whole knowledge base, loaded once per process (see :func:`load_knowledge_base`)."""

    version: str
    directory: Path
    rules: tuple[CatalogueRule, ...]
    strategies: tuple[Strategy, ...]
    references: Mapping[int, Reference]
    subtypes: Mapping[str, Subtype]
    evidence_levels: tuple[EvidenceLevel, ...]
    genomic_alleles: tuple[GenomicAllele, ...]
    rechallenge: RechallengeEvidence

    def rule(self, rule_id: str) -> CatalogueRule:
        for r in self.rules:
            if r.rule_id == rule_id:
                return r
        raise KeyError(rule_id)

    def strategy(self, strategy_id: str) -> Strategy:
        for s in self.strategies:
            if s.strategy_id == strategy_id:
                return s
        raise KeyError(strategy_id)

    def rules_for_gene(self, gene: str) -> tuple[CatalogueRule, ...]:
        return tuple(r for r in self.rules if r.gene == gene)

    @property
    def genes(self) -> tuple[str, ...]:
        """Genes with at least one rule, in catalogue order."""
        return tuple(dict.fromkeys(r.gene for r in self.rules if r.gene))
