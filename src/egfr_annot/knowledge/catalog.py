"""``egfr-annot catalog``: list the catalogue with its strategies, or explain what a query matches.

Queries for :func:`explain`:

* ``GENE:p.CHANGE`` -- a protein change on the gene's MANE transcript (``KRAS:p.G12D``,
  ``EGFR:p.Ser492Arg``, ``PTEN:p.R130*``, ``KRAS:p.G12`` = any change at codon 12);
* ``GENE:SO_TERM`` -- a consequence without a protein change (``PTEN:splice_donor_variant``);
* ``GENE:STATE`` -- a copy-number state (``MET:amplification``, ``PTEN:deep_deletion``);
* ``MSI-H``, ``dMMR``, ``MSS``, ``pMMR`` -- the sample-level input;
* ``rsID`` -- a genomic allele of ``genomic_alleles.tsv`` (``rs1801274``) on ``build``.

Bad queries raise :class:`~egfr_annot.errors.UsageError` (one line, exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from egfr_annot.errors import UsageError
from egfr_annot.genome.models import TranscriptModel
from egfr_annot.knowledge.fits import ORDER_RULE, strategy_fits
from egfr_annot.knowledge.matcher import Matcher
from egfr_annot.knowledge.model import COPY_NUMBER_STATES, MSI_VALUES, KnowledgeBase
from egfr_annot.knowledge.protein import AA1_TO_3, ProteinChange, parse_protein_change
from egfr_annot.records import Allele, Build, Consequence, RuleMatch

CATALOGUE_COLUMNS: Final[tuple[str, ...]] = (
    "rule_id",
    "gene",
    "alteration",
    "match_level",
    "alteration_name",
    "alteration_class",
    "resistance",
    "mechanism",
    "review_refs",
    "subtype",
    "strategies",
    "notes",
)
# SO terms a query may name directly (consequences without a protein change).
QUERY_SO_TERMS: Final[tuple[str, ...]] = (
    "splice_donor_variant",
    "splice_acceptor_variant",
    "splice_region_variant",
    "synonymous_variant",
    "intron_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "start_lost",
    "stop_gained",
    "frameshift_variant",
)
_SO_OF_KIND: Final[Mapping[str, str]] = {
    "missense": "missense_variant",
    "nonsense": "stop_gained",
    "synonymous": "synonymous_variant",
    "frameshift": "frameshift_variant",
    "deletion": "inframe_deletion",
    "insertion": "inframe_insertion",
    "duplication": "inframe_insertion",
    "delins": "protein_altering_variant",
    "start_lost": "start_lost",
    "stop_lost": "stop_lost",
    "codon": "protein_altering_variant",
}


def _refs(numbers: tuple[int, ...]) -> str:
    return ",".join(str(n) for n in numbers)


def catalogue_rows(kb: KnowledgeBase, gene: str | None = None) -> list[dict[str, Any]]:
    """One dict per rule (optionally of one gene) with its strategies, in catalogue order."""
    if gene is not None and gene not in kb.genes:
        raise UsageError(f"unknown gene {gene!r}; the catalogue has {', '.join(kb.genes)}")
    rows = []
    for rule in kb.rules:
        if gene is not None and rule.gene != gene:
            continue
        rows.append(
            {
                "rule_id": rule.rule_id,
                "gene": rule.gene,
                "alteration": rule.alteration.text,
                "match_level": rule.match_level,
                "alteration_name": rule.alteration_name,
                "alteration_class": rule.alteration_class,
                "resistance": rule.resistance,
                "mechanism": rule.mechanism,
                "review_refs": list(rule.review_refs),
                "subtype": rule.subtype,
                "strategies": [asdict(f) for f in strategy_fits(kb, rule)],
                "notes": rule.notes,
            }
        )
    return rows


def render_catalogue(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    lines = ["\t".join(CATALOGUE_COLUMNS)]
    for row in rows:
        cells = dict(row)
        cells["review_refs"] = _refs(tuple(row["review_refs"]))
        cells["strategies"] = "; ".join(
            f"{s['label']} ({s['fit']}, {s['outcome']})" for s in row["strategies"]
        )
        lines.append("\t".join(" ".join(str(cells[c]).split()) for c in CATALOGUE_COLUMNS))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Explanation:
    """What a query is and which rules it matches (most specific first)."""

    query: str
    description: str
    matches: tuple[RuleMatch, ...]
    notes: tuple[str, ...] = ()


def _consequence(model: TranscriptModel, change: ProteinChange) -> Consequence:
    exons = model.exons_of_codon(change.start) if change.start <= len(model.protein) else ()
    return Consequence(
        gene=model.gene,
        transcript=model.refseq,
        transcript_ensembl=model.ensembl,
        strand=model.strand,
        so_terms=(_SO_OF_KIND[change.kind],),
        hgvsc="",
        hgvsp="",
        hgvsp_short=change.short,
        exon=f"{exons[0]}/{model.n_exons}" if exons else "",
        protein_start=change.start,
        protein_end=change.end,
        ref_aa=change.ref_start,
        alt_aa=change.alt,
    )


def _check_residues(query: str, model: TranscriptModel, change: ProteinChange) -> None:
    for pos, residue in ((change.start, change.ref_start), (change.end, change.ref_end)):
        if change.kind == "stop_lost":
            if pos != len(model.protein) + 1:
                raise UsageError(
                    f"{query}: the stop codon of {model.refseq} is {len(model.protein) + 1}"
                )
            continue
        if pos > len(model.protein):
            raise UsageError(
                f"{query}: residue {pos} is beyond the {len(model.protein)}-residue protein "
                f"{model.refseq_protein or model.refseq}"
            )
        actual = model.protein[pos - 1]
        if residue and residue != actual:
            raise UsageError(
                f"{query}: residue {pos} of {model.refseq_protein or model.refseq} is "
                f"{AA1_TO_3.get(actual, actual)} ({actual}), not {AA1_TO_3.get(residue, residue)} "
                f"({residue})"
            )


def explain(
    kb: KnowledgeBase,
    query: str,
    models: Mapping[str, TranscriptModel],
    build: Build = "GRCh38",
) -> Explanation:
    """Which rules would match ``query``, at which level, and why."""
    matcher = Matcher(kb, models)
    text = query.strip()
    if text in MSI_VALUES or text.upper() in ("MSI-H", "MSS"):
        status = text if text in MSI_VALUES else text.upper()
        return Explanation(
            query, f"sample-level input: MSI status {status}", matcher.match_sample(status)
        )
    if text.lower().startswith("rs") and text[2:].isdigit():
        rows = [a for a in kb.genomic_alleles if a.allele_id == text.lower() and a.build == build]
        if not rows:
            known = sorted({a.allele_id for a in kb.genomic_alleles})
            raise UsageError(f"unknown rsID {text!r}; the knowledge base has {', '.join(known)}")
        a = rows[0]
        allele = Allele(build, a.chrom, a.pos, a.ref, a.alt)
        return Explanation(
            query,
            f"{a.gene} {a.hgvsp} = {build} {a.chrom}:{a.pos} {a.ref}>{a.alt} ({a.verified})",
            matcher.match_variant(None, allele),
        )
    gene, sep, change_text = text.partition(":")
    if not sep or not gene or not change_text:
        raise UsageError(
            f"cannot read {query!r}: expected GENE:p.CHANGE (e.g. KRAS:p.G12D), GENE:STATE "
            "(e.g. MET:amplification), MSI-H or an rsID"
        )
    gene = gene.upper()
    if gene not in models and gene in kb.genes:
        rsids = sorted({a.allele_id for a in kb.genomic_alleles if a.gene == gene})
        raise UsageError(
            f"{gene} has no transcript model; query its genomic allele instead ({', '.join(rsids)})"
        )
    if gene not in models:
        raise UsageError(f"unknown gene {gene!r}; transcript models exist for {', '.join(models)}")
    model = models[gene]
    if change_text in COPY_NUMBER_STATES:
        return Explanation(
            query,
            f"{gene} copy-number state {change_text}",
            matcher.match_copy_number_state(gene, change_text),
        )
    if change_text in QUERY_SO_TERMS:
        consequence = Consequence(
            gene=gene,
            transcript=model.refseq,
            transcript_ensembl=model.ensembl,
            strand=model.strand,
            so_terms=(change_text,),
            hgvsc="",
            hgvsp="",
            hgvsp_short="",
        )
        return Explanation(
            query, f"{gene} {change_text} on {model.refseq}", matcher.match_variant(consequence)
        )
    change = parse_protein_change(change_text)
    if change is None:
        raise UsageError(
            f"cannot read the protein change {change_text!r} in {query!r} "
            "(expected e.g. p.G12D, p.Gly12Asp, p.G12, p.R130*, p.E746_A750del)"
        )
    _check_residues(query, model, change)
    consequence = _consequence(model, change)
    notes: list[str] = []
    if change.kind == "codon":
        specific = [
            r.rule_id
            for r in kb.rules_for_gene(gene)
            if r.alteration.kind == "protein" and r.alteration.position == change.start
        ]
        notes.append(
            f"any change at residue {change.start}; rules for specific changes here: "
            f"{', '.join(specific) or 'none'}"
        )
    description = (
        f"{gene} {change.short} on {model.refseq} ({model.refseq_protein}), "
        f"{consequence.so_terms[0]}"
        + (f", MANE exon {consequence.exon}" if consequence.exon else "")
    )
    return Explanation(query, description, matcher.match_variant(consequence), tuple(notes))


def render_explanation(kb: KnowledgeBase, explanation: Explanation, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(asdict(explanation), indent=2, ensure_ascii=False) + "\n"
    lines = [f"{explanation.query}: {explanation.description}"]
    lines += [f"note: {n}" for n in explanation.notes]
    if not explanation.matches:
        lines.append("no catalogue rule matches")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(explanation.matches)} matching rule(s), most specific first:")
    for i, m in enumerate(explanation.matches, 1):
        rule = kb.rule(m.rule_id)
        lines += [
            f"{i}. {m.rule_id}  level={m.match_level}  resistance={m.resistance}  "
            f"class={m.alteration_class}",
            f"   rule: {rule.alteration_name} (pattern {rule.alteration.text})",
            f"   mechanism: {m.mechanism}",
            f"   evidence: {m.evidence} [{_refs(rule.review_refs)}]",
            f"   review refs (rule + strategies): {_refs(m.review_refs)}",
        ]
        if m.strategies:
            lines.append(f"   strategies ({ORDER_RULE}):")
            lines += [f"     - {s.label} ({s.fit}; outcome: {s.outcome})" for s in m.strategies]
        else:
            lines.append("   strategies: none")
        lines += [f"   note: {n}" for n in m.notes]
    return "\n".join(lines) + "\n"
