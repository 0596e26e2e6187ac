"""Per-sample verdict: status, tumour-fraction estimate and the rechallenge block.

A plasma negative is never a plain "negative" (ESMO Precision Medicine Working Group
recommendations on ctDNA assays, Pascual et al., Ann Oncol 2022: a negative liquid biopsy is
only informative when the sample shows tumour DNA). Three states:

``resistance_detected``
    at least one reportable alteration with resistance ``yes`` that passed the caller's filters
    (FILTER ``PASS`` or ``.``) and the VAF / alt-read thresholds.
``not_detected``
    none of those, AND the sample shows tumour DNA: a passing somatic variant with
    VAF >= ``TumourEvidenceThresholds.min_vaf`` (default 1 %) outside clonal-haematopoiesis (CH)
    genes, or a user-given tumour fraction >= ``min_tumour_fraction`` (default 2 %).
``non_informative``
    no evidence of tumour DNA (empty or header-only VCF, only very low-VAF or CH calls).

Why 1 % VAF: a tumour fraction of about 2 % puts a clonal heterozygous resistance mutation near 1 %
VAF, roughly 5-10x the limit of detection typical of ctDNA panels (0.1-0.2 %), so its absence means
something. Below that, absence is not evidence of absence.

Tumour fraction: the user's value, else 2 x the highest eligible somatic VAF (heterozygous,
copy-neutral assumption), capped at 1. Not eligible: CH genes (DNMT3A, TET2, ASXL1, PPM1D, ...;
TP53 below ``ch_tp53_max_vaf``; the CH genes are data:
``annotations/panel_regions/panel_genes.tsv``), germline-range VAFs in tumour-only files
(>= ``germline_min_vaf``), FCGR germline polymorphisms, and calls that failed filters or thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from egfr_annot.dataclass_init import fast_frozen_init
from egfr_annot.records import Consequence, Finding, Status, TumourFraction


@dataclass(frozen=True, slots=True)
class TumourEvidenceThresholds:
    min_vaf: float = 0.01
    min_tumour_fraction: float = 0.02
    ch_tp53_max_vaf: float = 0.02
    germline_min_vaf: float = 0.35
    # A KRAS/NRAS call below this VAF with no other tumour evidence gets a note (possible
    # artefact or CH-like low-level clone; confirm before acting on it).
    low_ras_vaf: float = 0.005


@lru_cache(maxsize=4)
def clonal_haematopoiesis_genes(annotations: Path | None = None) -> frozenset[str]:
    """Genes whose variants are taken as clonal haematopoiesis, not tumour DNA: the
    ``clonal_haematopoiesis`` rows of ``annotations/panel_regions/panel_genes.tsv`` (data, with
    their sources, not code)."""
    from egfr_annot.io.regions import load_panel_regions

    directory = None if annotations is None else annotations / "panel_regions"
    return frozenset(
        iv.label
        for iv in load_panel_regions(
            "GRCh38", directory=directory, roles=("clonal_haematopoiesis",)
        )
    )


GERMLINE_POLYMORPHISM_GENES: frozenset[str] = frozenset({"FCGR2A", "FCGR3A"})


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class EvidenceCall:
    """A passing call usable as tumour-DNA evidence: gene label and VAF."""

    gene: str
    label: str  # "TP53 17:7577120 C>T" or "KRAS p.G12D"
    vaf: float


def estimate_tumour_fraction(
    evidence: Iterable[EvidenceCall],
    *,
    user_value: float | None,
    paired_normal: bool,
    thresholds: TumourEvidenceThresholds,
) -> tuple[TumourFraction, EvidenceCall | None]:
    """The tumour fraction and the call it was derived from (None when user-given or none)."""
    if user_value is not None:
        return TumourFraction(user_value, "user (--tumor-fraction)"), None
    best: EvidenceCall | None = None
    for call in evidence:
        # (the highest VAF first: most calls of a WGS file are below it and need no check)
        if best is not None and (call.vaf, call.label) <= (best.vaf, best.label):
            continue
        if eligible_for_tumour_fraction(call, paired_normal, thresholds):
            best = call
    if best is None:
        return TumourFraction(None, "none: no eligible somatic variant"), None
    value = min(1.0, 2.0 * best.vaf)
    return (
        TumourFraction(
            round(value, 6), f"2 x max somatic VAF ({best.label}, VAF {_pct(best.vaf)})"
        ),
        best,
    )


def eligible_for_tumour_fraction(
    call: EvidenceCall, paired_normal: bool, thresholds: TumourEvidenceThresholds
) -> bool:
    return exclusion_reason(call, paired_normal, thresholds) is None


def exclusion_reason(
    call: EvidenceCall, paired_normal: bool, thresholds: TumourEvidenceThresholds
) -> str | None:
    """Why a passing call is not used as tumour-DNA evidence (None when it is used)."""
    if call.gene in clonal_haematopoiesis_genes():
        return "clonal-haematopoiesis gene"
    if call.gene in GERMLINE_POLYMORPHISM_GENES:
        return "germline polymorphism"
    if call.gene == "TP53" and call.vaf < thresholds.ch_tp53_max_vaf:
        return f"TP53 below {_pct(thresholds.ch_tp53_max_vaf)}: possible clonal haematopoiesis"
    if not paired_normal and call.vaf >= thresholds.germline_min_vaf:
        return "germline-range VAF in a tumour-only sample"
    return None


# The status reason names this many of the calls left out, highest VAF first (a WGS file has
# thousands in the clonal-haematopoiesis genes alone); the rest are counted.
EXCLUDED_SHOWN = 5


def excluded_evidence(
    evidence: Iterable[EvidenceCall],
    paired_normal: bool,
    thresholds: TumourEvidenceThresholds,
    *,
    limit: int = EXCLUDED_SHOWN,
) -> list[str]:
    """``label (VAF x%: reason)`` for the calls left out of the tumour-fraction estimate,
    highest VAF first: ``limit`` of them, then ``N more`` for the rest."""
    left_out = [
        (call, reason)
        for call in evidence
        if (reason := exclusion_reason(call, paired_normal, thresholds)) is not None
    ]
    left_out.sort(key=lambda item: (-item[0].vaf, item[0].label))
    out = [f"{call.label} (VAF {_pct(call.vaf)}: {reason})" for call, reason in left_out[:limit]]
    if len(left_out) > limit:
        out.append(f"{len(left_out) - limit} more")
    return out


def decide_status(
    findings: Sequence[Finding],
    tumour_fraction: TumourFraction,
    *,
    user_tumour_fraction: float | None,
    thresholds: TumourEvidenceThresholds,
    evidence_call: EvidenceCall | None,
    excluded: Sequence[str] = (),
) -> tuple[Status, str]:
    """Status and a one-line reason a clinician can read."""
    resistant = distinct_resistance(findings)
    if resistant:
        names = ", ".join(finding_label(f) for f in resistant)
        return "resistance_detected", f"resistance alteration(s) detected: {names}"
    if user_tumour_fraction is not None:
        if user_tumour_fraction >= thresholds.min_tumour_fraction:
            return (
                "not_detected",
                f"no resistance alteration detected; tumour fraction {_pct(user_tumour_fraction)} "
                f"(user) >= {_pct(thresholds.min_tumour_fraction)}",
            )
        return (
            "non_informative",
            f"no resistance alteration detected, but tumour fraction {_pct(user_tumour_fraction)} "
            f"(user) < {_pct(thresholds.min_tumour_fraction)}: "
            "a negative result is not informative",
        )
    if evidence_call is not None and evidence_call.vaf >= thresholds.min_vaf:
        return (
            "not_detected",
            f"no resistance alteration detected; tumour DNA evident ({evidence_call.label}, "
            f"VAF {_pct(evidence_call.vaf)} >= {_pct(thresholds.min_vaf)})",
        )
    if tumour_fraction.value is None:
        reason = "no somatic variant usable as tumour-DNA evidence"
        if excluded:
            reason += " (not used: " + "; ".join(excluded) + ")"
    else:
        reason = (
            f"highest eligible somatic VAF {_pct(tumour_fraction.value / 2)} "
            f"< {_pct(thresholds.min_vaf)}"
        )
    return (
        "non_informative",
        f"no resistance alteration detected, but {reason}: a negative plasma result cannot "
        "exclude resistance (consider tissue testing or a repeat sample)",
    )


def distinct_resistance(findings: Iterable[Finding]) -> list[Finding]:
    """The passing findings that make a sample resistant, each alteration once: one variant
    in two records (two callers' files merged, or one indel spelled two ways) is one
    alteration, however many rows show it."""
    return _distinct(findings, "yes")


def distinct_uncertain(findings: Iterable[Finding]) -> list[Finding]:
    """The passing findings whose resistance the knowledge base calls uncertain (weaker or
    conflicting evidence), each alteration once: not counted for the status, but named."""
    return _distinct(findings, "uncertain")


def _distinct(findings: Iterable[Finding], resistance: str) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        if not finding.passed or finding.resistance != resistance:
            continue
        key = finding.variant_key
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append(finding)
    return out


def finding_label(finding: Finding) -> str:
    """Short human label: ``KRAS p.G12D`` / ``MET amplification`` / ``KRAS c.111+1G>A``."""
    if finding.copy_number is not None:
        cls = finding.match.alteration_class if finding.match else finding.copy_number.state
        return f"{finding.copy_number.gene} {cls}" if finding.copy_number.gene not in cls else cls
    if finding.consequence is not None:
        return consequence_label(finding.consequence)
    if finding.match is not None:
        return finding.match.alteration_class
    return "alteration"


def consequence_label(consequence: Consequence) -> str:
    """``KRAS p.G12D``, or the c. where there is no protein change (``KRAS c.111+1G>A``)."""
    return f"{consequence.gene} {consequence.hgvsp_short or consequence.hgvsc}"


def _pct(value: float) -> str:
    text = f"{100 * value:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
