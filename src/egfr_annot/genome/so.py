"""Sequence Ontology consequence terms: the one ordered severity table, and the effect class.

The order is Ensembl VEP's (``Bio::EnsEMBL::Variation::Utils::Constants`` ranks, ties in VEP's
output order): VEP prints the terms of one transcript sorted by this rank, most severe first, e.g.
``missense_variant,splice_region_variant`` and ``splice_region_variant,synonymous_variant``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

SO_TERMS_BY_SEVERITY: Final[tuple[str, ...]] = (
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "transcript_amplification",
    "feature_elongation",
    "feature_truncation",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_donor_5th_base_variant",
    "splice_region_variant",
    "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant",
    "start_retained_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "mature_miRNA_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "non_coding_transcript_exon_variant",
    "intron_variant",
    "NMD_transcript_variant",
    "non_coding_transcript_variant",
    "coding_transcript_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
)
SEVERITY_RANK: Final[dict[str, int]] = {t: i for i, t in enumerate(SO_TERMS_BY_SEVERITY)}

SPLICE_SITE_TERMS: Final[frozenset[str]] = frozenset(
    {"splice_acceptor_variant", "splice_donor_variant"}
)
# Intronic terms VEP 105 split off splice_region_variant: at donor +3..+6 VEP now prints
# splice_donor_region_variant / splice_donor_5th_base_variant *instead of* splice_region_variant.
# They mean what splice_region_variant meant there (vcf2maf PR #320 gives them its priority and
# the Splice_Region class), so the class and p.X<n>_splice below treat them alike -- the same
# variant then gets the same class and HGVSp_Short whichever VEP release annotated it.
DONOR_REGION_TERMS: Final[frozenset[str]] = frozenset(
    {"splice_donor_5th_base_variant", "splice_donor_region_variant"}
)
# A most severe term after which Genome Nexus/vcf2maf write ``p.X<n>_splice`` when VEP gives
# no HGVSp (Genome Nexus ProteinChangeResolver.SPLICE_SITE_VARIANTS, first consequence term).
SPLICE_TERMS: Final[frozenset[str]] = (
    frozenset({"splice_acceptor_variant", "splice_donor_variant", "splice_region_variant"})
    | DONOR_REGION_TERMS
)


def sort_terms(terms: Iterable[str]) -> tuple[str, ...]:
    """Most severe first, VEP order; unknown terms last (alphabetically)."""
    return tuple(sorted(set(terms), key=lambda t: (SEVERITY_RANK.get(t, 999), t)))


# effect class: the most severe term's class; "+splice_region" when splice_region_variant (or
# a DONOR_REGION_TERMS term) is also present (the truth set's ``effect_class`` column uses the
# same vocabulary).
_CLASS_OF_TERM: Final[tuple[tuple[str, str], ...]] = (
    ("splice_acceptor_variant", "splice_site"),
    ("splice_donor_variant", "splice_site"),
    ("frameshift_variant", "frameshift"),
    ("stop_gained", "nonsense"),
    ("stop_lost", "stop_lost"),
    ("start_lost", "start_lost"),
    ("inframe_insertion", "inframe_insertion"),
    ("inframe_deletion", "inframe_deletion"),
    ("missense_variant", "missense"),
    ("protein_altering_variant", "protein_altering"),
    ("stop_retained_variant", "stop_retained"),
    ("start_retained_variant", "start_retained"),
    ("synonymous_variant", "synonymous"),
    ("coding_sequence_variant", "coding_sequence"),
    ("5_prime_UTR_variant", "5_prime_UTR"),
    ("3_prime_UTR_variant", "3_prime_UTR"),
    ("intron_variant", "intron"),
)


def effect_class(terms: Iterable[str]) -> str:
    """``missense``, ``missense+splice_region``, ``frameshift``, ``splice_site``, ``intron`` ..."""
    present = set(terms)
    base = ""
    for term, cls in _CLASS_OF_TERM:
        if term in present:
            base = cls
            break
    region = "splice_region_variant" in present or not DONOR_REGION_TERMS.isdisjoint(present)
    if not base:
        return "splice_region" if region else "other"
    if base != "splice_site" and region:
        return base + "+splice_region"
    return base
