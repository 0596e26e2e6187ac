"""Match annotated alterations against the resistance catalogue.

Specification (issue #4):

1. A rule matches at exactly one level, its own: ``genomic`` (the normalised allele equals an rsID
   allele of the build), ``protein`` (the exact missense change), ``codon`` (any protein change
   covering the residue, minus the rule's ``except_changes``), ``exon`` (any protein-changing
   variant in a MANE exon or a residue range), ``gene`` (truncating: stop_gained,
   frameshift_variant, splice_donor_variant, splice_acceptor_variant, start_lost),
   ``copy_number`` (gene + copy-number state) and ``sample`` (MSI status).
2. Protein, codon and exon rules need a protein-changing SO term (missense, stop_gained, stop_lost,
   start_lost, frameshift, inframe indel, protein_altering). Synonymous, intronic, UTR and
   splice-region-only variants never match them; splice donor/acceptor variants only match gene
   (truncation) rules. A Consequence whose REF disagreed with the reference
   (``ref_matches=False``) matches no consequence-based rule.
3. Residues come from ``hgvsp_short`` (else ``hgvsp``, else ``protein_start``/``protein_end``);
   a residue named by the variant must equal the MANE protein's residue (and the rule's), so a
   change reported on another numbering never matches. Exons come from the Consequence's
   ``exon`` ("2/6",
   "2-3/6"), else from the residues on the transcript model.
4. Matches are returned most specific level first, catalogue order within a level. Each carries the
   strategies that fit it, in report order (see :mod:`egfr_annot.knowledge.fits`), and
   ``review_refs`` = the rule's references plus those of its strategies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

from egfr_annot.errors import UsageError
from egfr_annot.genome.models import TranscriptModel
from egfr_annot.knowledge.fits import no_driver_strategies, strategy_fits
from egfr_annot.knowledge.model import (
    MATCH_LEVEL_ORDER,
    MSI_VALUES,
    CatalogueRule,
    GenomicAllele,
    KnowledgeBase,
    RechallengeEvidence,
)
from egfr_annot.knowledge.protein import (
    PROTEIN_CHANGING_KINDS,
    ProteinChange,
    parse_protein_change,
)
from egfr_annot.records import Allele, Build, Consequence, CopyNumberCall, RuleMatch, StrategyFit

PROTEIN_CHANGING_TERMS: Final[frozenset[str]] = frozenset(
    {
        "missense_variant",
        "stop_gained",
        "stop_lost",
        "start_lost",
        "frameshift_variant",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
    }
)
TRUNCATING_TERMS: Final[frozenset[str]] = frozenset(
    {
        "stop_gained",
        "frameshift_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
        "start_lost",
    }
)
# Protein changes that destroy rather than alter the protein: worth a note when an exon rule
# written for mutations in that exon matches them.
_LOSS_KINDS: Final[frozenset[str]] = frozenset({"nonsense", "frameshift", "start_lost"})
_ZYGOSITY: Final[Mapping[str, str]] = {
    "0/1": "heterozygous", "0|1": "heterozygous", "1|0": "heterozygous",
    "1/1": "homozygous", "1|1": "homozygous",
}  # fmt: skip


def _exon_numbers(text: str) -> tuple[int, ...]:
    """``"2/6"`` -> (2,), ``"2-3/6"`` -> (2, 3), ``""`` -> ()."""
    if not text:
        return ()
    first = text.split("/")[0]
    try:
        if "-" in first:
            low, high = (int(x) for x in first.split("-", 1))
            return tuple(range(low, high + 1))
        return (int(first),)
    except ValueError:
        return ()


class Matcher:
    """Matches consequences, copy-number calls and sample inputs against the catalogue.

    Parameters
    ----------
    kb
        The knowledge base (:func:`egfr_annot.knowledge.load_knowledge_base`).
    models
        Transcript models of the build being annotated (gene -> model), used to place residues
        in exons when a Consequence carries no exon.
    """

    __slots__ = (
        "kb", "models", "_by_gene", "_genomic", "_genomic_positions", "_static", "_no_driver",
        "_rule_order",
    )

    def __init__(self, kb: KnowledgeBase, models: Mapping[str, TranscriptModel]) -> None:
        self.kb = kb
        self.models = models
        by_gene: dict[str, list[CatalogueRule]] = {}
        for rule in kb.rules:
            by_gene.setdefault(rule.gene, []).append(rule)
        self._by_gene = {g: tuple(rules) for g, rules in by_gene.items()}
        genomic: dict[tuple[str, str, int, str, str], list[CatalogueRule]] = {}
        alleles: dict[str, list[GenomicAllele]] = {}
        for a in kb.genomic_alleles:
            alleles.setdefault(a.allele_id, []).append(a)
        for rule in kb.rules:
            if rule.alteration.kind == "genomic":
                for a in alleles.get(rule.alteration.allele_id, ()):
                    genomic.setdefault((a.build, a.chrom, a.pos, a.ref, a.alt), []).append(rule)
        self._genomic = {k: tuple(v) for k, v in genomic.items()}
        positions: dict[tuple[str, str], list[int]] = {}
        for build, chrom, pos, _ref, _alt in self._genomic:
            positions.setdefault((build, chrom), []).append(pos)
        self._genomic_positions = {k: tuple(v) for k, v in positions.items()}
        # The static part of every match (strategies, refs) is computed once.
        self._static: dict[str, RuleMatch] = {}
        for rule in kb.rules:
            fits = strategy_fits(kb, rule)
            refs = set(rule.review_refs)
            for f in fits:
                refs.update(f.review_refs)
            self._static[rule.rule_id] = RuleMatch(
                rule_id=rule.rule_id,
                match_level=rule.match_level,
                resistance=rule.resistance,
                alteration_class=rule.alteration_class,
                mechanism=rule.mechanism,
                evidence=rule.evidence,
                review_refs=tuple(sorted(refs)),
                strategies=fits,
                notes=(rule.notes,) if rule.notes else (),
            )
        self._no_driver = no_driver_strategies(kb)
        self._rule_order = {rule.rule_id: i for i, rule in enumerate(kb.rules)}

    # ------------------------------------------------------------------ public API
    def match_variant(
        self,
        consequence: Consequence | None,
        allele: Allele | None = None,
        *,
        genotype: str | None = None,
    ) -> tuple[RuleMatch, ...]:
        """Rules matching one allele on its MANE transcript, most specific first.

        ``consequence`` may be ``None`` (gene without a transcript model, e.g. FCGR2A): then only
        genomic rules can match. ``genotype`` (e.g. ``"0/1"``) only adds a zygosity note to
        germline-polymorphism rules.
        """
        found: list[tuple[CatalogueRule, tuple[str, ...]]] = []
        if allele is not None:
            key = (allele.build, allele.chrom, allele.pos, allele.ref, allele.alt)
            for rule in self._genomic.get(key, ()):
                found.append((rule, ()))
        if consequence is not None and consequence.ref_matches:
            found += self._consequence_matches(consequence)
        if genotype is not None and genotype in _ZYGOSITY:
            found = [
                (rule, notes + (f"genotype {genotype} ({_ZYGOSITY[genotype]})",))
                if "FcgammaR" in rule.tags
                else (rule, notes)
                for rule, notes in found
            ]
        return self._ordered(found)

    def genomic_rule_near(self, build: Build, chrom: str, start: int, end: int) -> bool:
        """Does a rule name a genomic allele at ``chrom:start-end`` (a base of slack on each
        side, for trimming and anchoring)? Callers skip normalising other alleles."""
        positions = self._genomic_positions.get((build, chrom))
        return positions is not None and any(start - 1 <= p <= end + 1 for p in positions)

    def match_copy_number(self, call: CopyNumberCall) -> tuple[RuleMatch, ...]:
        """Copy-number rules for the call's gene and state (e.g. MET amplification)."""
        return self.match_copy_number_state(call.gene, call.state)

    def match_copy_number_state(self, gene: str, state: str) -> tuple[RuleMatch, ...]:
        found = [
            (rule, ())
            for rule in self._by_gene.get(gene, ())
            if rule.alteration.kind == "copy_number" and rule.alteration.cn_state == state
        ]
        return self._ordered(found)

    def match_sample(self, msi_status: str | None) -> tuple[RuleMatch, ...]:
        """Sample-level rules (MSI-H / dMMR). ``None`` = not given: no match."""
        if msi_status is None:
            return ()
        if msi_status not in MSI_VALUES:
            raise UsageError(f"MSI status {msi_status!r} is not one of {', '.join(MSI_VALUES)}")
        found = [
            (rule, ())
            for rule in self._by_gene.get("", ())
            if rule.alteration.kind == "sample" and msi_status in rule.alteration.sample_values
        ]
        return self._ordered(found)

    def rule_match(self, rule_id: str) -> RuleMatch:
        """The match record of one rule as it would be reported (strategies and references)."""
        return self._static[rule_id]

    def no_driver_strategies(self) -> tuple[StrategyFit, ...]:
        """Fig. 3 strategies for mCRC with no driver gene alteration, in report order
        (:data:`egfr_annot.knowledge.fits.ORDER_RULE`)."""
        return self._no_driver

    def rechallenge_evidence(self) -> RechallengeEvidence:
        """The anti-EGFR rechallenge meta-analysis (figures and text)."""
        return self.kb.rechallenge

    # ------------------------------------------------------------------ internals
    def _ordered(
        self, found: Sequence[tuple[CatalogueRule, tuple[str, ...]]]
    ) -> tuple[RuleMatch, ...]:
        if not found:
            return ()  # most calls: nothing to sort (issue #9)
        order = self._rule_order
        seen: set[str] = set()
        out: list[RuleMatch] = []
        for rule, notes in sorted(
            found,
            key=lambda item: (MATCH_LEVEL_ORDER.index(item[0].match_level), order[item[0].rule_id]),
        ):
            if rule.rule_id in seen:
                continue
            seen.add(rule.rule_id)
            static = self._static[rule.rule_id]
            out.append(replace(static, notes=static.notes + notes) if notes else static)
        return tuple(out)

    def _observed_change(self, c: Consequence) -> ProteinChange | None:
        for text in (c.hgvsp_short, c.hgvsp):
            if text:
                change = parse_protein_change(text)
                if change is not None:
                    return change
        return None

    def _residue_span(self, c: Consequence, change: ProteinChange | None) -> tuple[int, int] | None:
        if change is not None:
            return change.start, change.end
        if c.protein_start is not None:
            return c.protein_start, c.protein_end if c.protein_end is not None else c.protein_start
        return None

    def _exons(self, c: Consequence, span: tuple[int, int] | None) -> set[int]:
        exons = set(_exon_numbers(c.exon))
        if not exons and span is not None:
            model = self.models.get(c.gene)
            if model is not None:
                for residue in range(span[0], span[1] + 1):
                    exons.update(model.exons_of_codon(residue))
        return exons

    def _consequence_matches(self, c: Consequence) -> list[tuple[CatalogueRule, tuple[str, ...]]]:
        rules = self._by_gene.get(c.gene, ())
        if not rules:
            return []
        terms = set(c.so_terms)
        change = self._observed_change(c)
        protein_changing = bool(terms & PROTEIN_CHANGING_TERMS) and (
            change is None or change.kind in PROTEIN_CHANGING_KINDS
        )
        if protein_changing and not self._agrees_with_model(c.gene, change):
            protein_changing = False  # residue numbering of another transcript: never guess
        span = self._residue_span(c, change) if protein_changing else None
        loss_note: tuple[str, ...] = ()
        if change is not None and change.kind in _LOSS_KINDS:
            loss_note = (
                f"truncating change ({change.short}): the review's statement is about mutations "
                "here and does not discuss truncating changes",
            )
        found: list[tuple[CatalogueRule, tuple[str, ...]]] = []
        for rule in rules:
            p = rule.alteration
            if p.kind == "truncating":
                if terms & TRUNCATING_TERMS:
                    found.append((rule, ()))
            elif not protein_changing:
                continue
            elif p.kind == "exon":
                # the exon string suffices (e.g. a stop loss running into the 3' UTR has no
                # residue numbers), else the residues are placed on the model
                if p.exon in self._exons(c, span):
                    found.append((rule, loss_note))
            elif span is None:
                continue
            elif p.kind == "protein":
                if (
                    (
                        change is not None
                        and change.kind == "missense"
                        and change.start == p.position
                        and change.ref_start == p.ref_aa
                        and change.alt == p.alt_aa
                    )
                    or change is None
                    and self._fields_are_missense(c, p.position, p.ref_aa, p.alt_aa)
                ):
                    found.append((rule, ()))
            elif p.kind == "codon":
                assert p.position is not None
                if not span[0] <= p.position <= span[1]:
                    continue
                if change is not None and change.short in rule.except_changes:
                    continue
                if not self._residue_agrees(c, change, p.position, p.ref_aa):
                    continue
                found.append((rule, ()))
            elif p.kind == "domain":
                assert p.start is not None and p.end is not None
                if span[0] <= p.end and span[1] >= p.start:
                    found.append((rule, loss_note))
        return found

    def _agrees_with_model(self, gene: str, change: ProteinChange | None) -> bool:
        """False when the change names a reference residue the MANE protein does not have."""
        model = self.models.get(gene)
        if model is None or change is None:
            return True
        for pos, residue in ((change.start, change.ref_start), (change.end, change.ref_end)):
            if residue in ("", "*"):
                continue
            if pos > len(model.protein) or model.protein[pos - 1] != residue:
                return False
        return True

    @staticmethod
    def _fields_are_missense(c: Consequence, position: int | None, ref: str, alt: str) -> bool:
        return (
            "missense_variant" in c.so_terms
            and c.protein_start == position
            and (c.protein_end in (None, position))
            and c.ref_aa == ref
            and c.alt_aa == alt
        )

    @staticmethod
    def _residue_agrees(
        c: Consequence, change: ProteinChange | None, position: int, ref: str
    ) -> bool:
        """False when the variant names a different reference residue at ``position``."""
        if change is not None:
            if change.start == position and change.ref_start and change.ref_start != "*":
                return change.ref_start == ref
            if change.end == position and change.ref_end and change.ref_end != "*":
                return change.ref_end == ref
            return True
        if c.protein_start is not None and c.ref_aa:
            offset = position - c.protein_start
            if 0 <= offset < len(c.ref_aa):
                return c.ref_aa[offset] == ref
        return True
