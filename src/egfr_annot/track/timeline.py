"""Build one patient's track: timepoints in date order, the alterations to follow, one
observation per alteration x timepoint, kinetics and the rechallenge-window statement (#10).

Which alterations are followed:

* every alteration with resistance ``yes`` or ``uncertain`` that is a finding at any timepoint
  (variants matched across timepoints by ``Allele.key``, the normalised genomic allele; copy
  number by gene + state, ``CN:MET:amplification``). Germline FcgammaR genotypes and sample-level
  findings (MSI) are not clones and are not followed;
* tumour markers: passing somatic calls usable as tumour-DNA evidence by the verdict's rule
  (``verdict.eligible_for_tumour_fraction``: not a clonal-haematopoiesis gene, not TP53 below
  2 %, not a germline-range VAF without a matched normal) - panel findings without resistance
  (e.g. PIK3CA p.E545K) and calls in the tumour-evidence genes (TP53, APC, ...), which have no
  finding. Calls in a panel transcript without a finding (synonymous, intronic) are not markers.

Detection at a timepoint. Resistance alterations: a passing finding (FILTER PASS/. and the run's
thresholds), as the status logic counts it. Markers: a passing call. Otherwise the depth at the
allele's position is looked up - a VCF record at that position (another allele, or the same
allele failing FILTER / thresholds), a gVCF reference block (MIN_DP, else DP), the sample's
``--coverage`` file - and the absence is "not detected (depth N)" when N >= ``min_depth``,
"not covered (depth N < min_depth)" below, "depth unknown" without any. ``vaf_upper95 = 3 / N``
(rule of three: the 95 % upper bound of the VAF after zero ALT reads in N).

Copy number at a timepoint: a passing call of the followed state is detected; otherwise the
gene's measured copy number (whenever the sample's copy-number input has one) is reported with
the threshold it did not reach, "not detected (copy number informative: ...): copy number 2,
below the amplification threshold (2.42)". A value within 10 % of the threshold is
``below_threshold``, "below the amplification threshold (2.42): copy number 2.4, within 10% of
it, ...", and does not count as an absence (:mod:`~egfr_annot.track.cn_levels`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from egfr_annot.errors import EgfrAnnotError
from egfr_annot.knowledge.model import RechallengeEvidence
from egfr_annot.records import Finding, SampleResult
from egfr_annot.samplesheet import SheetEntry
from egfr_annot.track.cn_levels import CLEARANCE_MARGIN
from egfr_annot.track.coverage import read_depths
from egfr_annot.track.kinetics import alteration_kinetics, decay_phase, format_vaf
from egfr_annot.track.model import (
    Observation,
    PatientTrack,
    Role,
    Timepoint,
    TrackedAlteration,
)
from egfr_annot.track.observe import SampleObservations
from egfr_annot.track.therapy import therapy_kind
from egfr_annot.track.window import window_statement
from egfr_annot.verdict import (
    GERMLINE_POLYMORPHISM_GENES,
    EvidenceCall,
    TumourEvidenceThresholds,
    eligible_for_tumour_fraction,
    finding_label,
)

DEFAULT_MIN_DEPTH = 1000
_ROLE_ORDER = {("resistance", "yes"): 0, ("resistance", "uncertain"): 1}


class TrackError(EgfrAnnotError):
    """A patient's samples cannot be tracked together (e.g. different genome builds)."""

    exit_code = 3


@dataclass(frozen=True, slots=True)
class SampleInput:
    """One sheet row after annotation."""

    entry: SheetEntry
    result: SampleResult
    observed: SampleObservations
    coverage: str | None = None  # per-position depth file for this sample


def build_track(
    patient: str,
    samples: Sequence[SampleInput],
    *,
    model_genes: frozenset[str],
    evidence: RechallengeEvidence,
    thresholds: TumourEvidenceThresholds | None = None,
    min_depth: int = DEFAULT_MIN_DEPTH,
) -> PatientTrack:
    thresholds = thresholds or TumourEvidenceThresholds()
    ordered = sorted(samples, key=lambda s: (s.entry.date, s.entry.line))
    builds = {s.observed.build for s in ordered}
    if len(builds) > 1:
        per_build = "; ".join(
            f"{b}: {', '.join(s.entry.sample for s in ordered if s.observed.build == b)}"
            for b in sorted(builds)
        )
        raise TrackError(
            f"patient {patient}: samples on different genome builds ({per_build}); alleles "
            "cannot be matched across builds - rerun them with one --build or lift them over"
        )
    first_date = ordered[0].entry.date
    assert first_date is not None
    timepoints = tuple(
        Timepoint(
            index=i,
            sample=s.entry.sample,
            date=s.entry.date,  # type: ignore[arg-type]
            days=(s.entry.date - first_date).days,  # type: ignore[operator]
            therapy=s.entry.therapy or "",
            therapy_kind=therapy_kind(s.entry.therapy),
            result=s.result,
            sheet_line=s.entry.line,
        )
        for i, s in enumerate(ordered)
    )
    alterations = _collect_alterations(ordered, model_genes, thresholds)
    depths = _coverage_depths(ordered, alterations)
    observations = {
        (a.key, tp.index): _observe(a, tp, s, depths.get(tp.index, {}), min_depth)
        for a in alterations
        for tp, s in zip(timepoints, ordered, strict=True)
    }
    phase = decay_phase(timepoints)
    kinetics = {
        a.key: alteration_kinetics(
            a, [observations[(a.key, tp.index)] for tp in timepoints], timepoints, phase
        )
        for a in alterations
    }
    window = window_statement(timepoints, alterations, observations, kinetics, evidence)
    notes = []
    same_day = len({tp.date for tp in timepoints}) < len(timepoints)
    if same_day:
        notes.append("several samples share a date: they are ordered by sample-sheet line")
    return PatientTrack(
        patient=patient,
        timepoints=timepoints,
        alterations=tuple(alterations),
        observations=tuple(observations[(a.key, tp.index)] for a in alterations
                           for tp in timepoints),
        kinetics=tuple(kinetics[a.key] for a in alterations),
        phase=phase,
        window=window,
        min_depth=min_depth,
        notes=tuple(notes),
    )


# -- which alterations -----------------------------------------------------------------------
def _collect_alterations(
    samples: Sequence[SampleInput],
    model_genes: frozenset[str],
    thresholds: TumourEvidenceThresholds,
) -> list[TrackedAlteration]:
    found: dict[str, tuple[TrackedAlteration, int]] = {}

    def add(alteration: TrackedAlteration, index: int) -> None:
        current = found.get(alteration.key)
        if current is None or (current[0].role == "marker" and alteration.role == "resistance"):
            found[alteration.key] = (alteration, index if current is None else current[1])

    for index, s in enumerate(samples):
        paired = s.observed.paired
        finding_keys: set[str] = set()
        for f in s.result.findings:
            alteration = _from_finding(f, paired, thresholds)
            if f.allele is not None:
                finding_keys.add(f.allele.key)
            if alteration is not None:
                add(alteration, index)
        for call in s.observed.calls:
            if call.key in finding_keys or call.gene in model_genes or not call.gene:
                continue
            if not (call.passed_filter and call.passes_thresholds and call.vaf is not None):
                continue
            label = f"{call.gene} {_allele_text(call.key)}"
            if eligible_for_tumour_fraction(EvidenceCall(call.gene, label, call.vaf), paired,
                                            thresholds):
                add(TrackedAlteration(call.key, label, call.gene, "variant", "marker", "",
                                      "tumour marker (not a resistance alteration)",
                                      chrom=call.chrom, pos=call.pos), index)
    ordered = sorted(
        found.values(),
        key=lambda item: (_ROLE_ORDER.get((item[0].role, item[0].resistance), 2), item[1],
                          item[0].label, item[0].key),
    )
    return [a for a, _ in ordered]


def _from_finding(
    f: Finding, paired: bool, thresholds: TumourEvidenceThresholds
) -> TrackedAlteration | None:
    gene = (
        f.consequence.gene if f.consequence is not None
        else f.copy_number.gene if f.copy_number is not None
        else f.gene
    )
    if gene in GERMLINE_POLYMORPHISM_GENES:
        return None
    resistance = f.resistance or ""
    role: Role = "resistance" if resistance in ("yes", "uncertain") else "marker"
    cls = f.match.alteration_class if f.match is not None else ""
    if f.copy_number is not None:
        if role != "resistance":
            return None
        state = f.copy_number.state
        return TrackedAlteration(f"CN:{gene}:{state}", finding_label(f), gene, "copy_number",
                                 role, resistance, cls, cn_state=state)
    if f.allele is None or f.call is None:
        return None  # sample-level (MSI)
    label = finding_label(f)
    if role == "marker":
        if not f.passed or f.call.vaf is None or not eligible_for_tumour_fraction(
            EvidenceCall(gene, label, f.call.vaf), paired, thresholds
        ):
            return None
        cls = cls or "tumour marker (not a resistance alteration)"
    return TrackedAlteration(f.allele.key, label, gene, "variant", role, resistance, cls,
                             chrom=f.allele.chrom, pos=f.allele.pos)


def _allele_text(key: str) -> str:
    """``GRCh38:17:7675088:C>T`` -> ``17:7675088 C>T``."""
    _build, chrom, pos, change = key.split(":", 3)
    return f"{chrom}:{pos} {change}"


# -- depth from coverage files ---------------------------------------------------------------
def _coverage_depths(
    samples: Sequence[SampleInput], alterations: Sequence[TrackedAlteration]
) -> dict[int, dict[tuple[str, int], int]]:
    positions: dict[str, set[int]] = {}
    for a in alterations:
        if a.chrom is not None and a.pos is not None:
            positions.setdefault(a.chrom, set()).add(a.pos)
    out: dict[int, dict[tuple[str, int], int]] = {}
    for index, s in enumerate(samples):
        if s.coverage and positions:
            out[index] = read_depths(s.coverage, positions)
    return out


# -- one alteration at one timepoint ---------------------------------------------------------
def _observe(
    a: TrackedAlteration,
    tp: Timepoint,
    s: SampleInput,
    coverage: Mapping[tuple[str, int], int],
    min_depth: int,
) -> Observation:
    if a.kind == "copy_number":
        return _observe_copy_number(a, tp, s)
    for f in s.result.findings:
        if f.allele is not None and f.allele.key == a.key and f.call is not None and f.passed:
            c = f.call
            return Observation(a.key, tp.index, "detected", "detected", c.vaf, c.alt_reads,
                               c.depth, "VCF call" if c.depth is not None else "")
    same = [c for c in s.observed.calls if c.key == a.key]
    for call in same:
        if call.passed_filter and call.passes_thresholds and call.vaf is not None and (
            a.role == "marker"
        ):
            return Observation(a.key, tp.index, "detected", "detected", call.vaf,
                               call.alt_reads, call.depth,
                               "VCF call" if call.depth is not None else "")
    for call in same:
        vaf = f", VAF {format_vaf(call.vaf)}" if call.vaf is not None else ""
        if not call.passed_filter:
            return Observation(a.key, tp.index, "filtered",
                               f"call failed FILTER {call.filter}{vaf}: not counted",
                               depth=call.depth, depth_source="VCF call")
        if not call.passes_thresholds:
            return Observation(a.key, tp.index, "below_threshold",
                               f"call below the --min-vaf/--min-alt-reads thresholds{vaf}: "
                               "not counted", depth=call.depth, depth_source="VCF call")
        return Observation(a.key, tp.index, "filtered",
                           f"call present{vaf} but not a counted finding", depth=call.depth,
                           depth_source="VCF call")
    depth, source = _depth_at(a, s.observed, coverage)
    if depth is None:
        return Observation(a.key, tp.index, "depth_unknown",
                           "not detected, depth unknown (no gVCF block or coverage file)")
    upper = min(1.0, 3.0 / depth) if depth > 0 else None
    if depth >= min_depth:
        return Observation(a.key, tp.index, "not_detected", f"not detected (depth {depth})",
                           depth=depth, depth_source=source, vaf_upper95=upper)
    return Observation(a.key, tp.index, "not_covered",
                       f"not covered (depth {depth} < {min_depth})", depth=depth,
                       depth_source=source, vaf_upper95=upper)


def _depth_at(
    a: TrackedAlteration, observed: SampleObservations, coverage: Mapping[tuple[str, int], int]
) -> tuple[int | None, str]:
    chrom, pos = a.chrom, a.pos
    assert chrom is not None and pos is not None
    for call in observed.calls:
        if call.chrom == chrom and call.vcf_pos == pos and call.depth is not None:
            return call.depth, "VCF record at this position"
    for block in observed.blocks:
        if block.chrom == chrom and block.start <= pos <= block.end and block.depth is not None:
            return block.depth, block.source
    if (chrom, pos) in coverage:
        return coverage[(chrom, pos)], "coverage file"
    return None, ""


def _observe_copy_number(a: TrackedAlteration, tp: Timepoint, s: SampleInput) -> Observation:
    """A copy-number state at one timepoint. The measured value is reported whether or not it
    reached the threshold (``SampleObservations.copy_numbers``: the result keeps only the
    reportable calls); a value within ``CLEARANCE_MARGIN`` of the threshold is
    ``below_threshold``, never an informative absence (see :mod:`~egfr_annot.track.cn_levels`).
    """
    result = s.result
    gene_calls = [f for f in result.findings if f.copy_number is not None
                  and f.copy_number.gene == a.gene]
    for f in gene_calls:
        cn = f.copy_number
        assert cn is not None
        if cn.state == a.cn_state:
            if f.passed:
                return Observation(a.key, tp.index, "detected", "detected",
                                   copy_number=cn.copy_number)
            return Observation(a.key, tp.index, "filtered",
                               f"copy-number call failed filter {cn.filter}: not counted",
                               copy_number=cn.copy_number)
    level = s.observed.copy_number_of(a.gene)
    measured = level.copy_number if level is not None else (
        gene_calls[0].copy_number.copy_number if gene_calls else None  # type: ignore[union-attr]
    )
    from egfr_annot.copy_number import gene_copy_number_status

    # (the sample's status may name other genes as not assessed: read this gene's part)
    status = gene_copy_number_status(result.copy_number_status, a.gene)
    if status.startswith("not assessed"):
        return Observation(a.key, tp.index, "cn_not_assessed", f"copy number {status}")
    state = a.cn_state or ""
    value = "" if level is None else f"copy number {level.copy_number:g}, "
    if status.startswith("non_informative"):
        where = f"; {value}{level.threshold_text(state)}" if level is not None else ""
        return Observation(a.key, tp.index, "cn_non_informative",
                           f"copy number {status}{where}", copy_number=measured)
    if level is not None and level.near_threshold(state):
        return Observation(
            a.key, tp.index, "below_threshold",
            f"{level.threshold_text(state)}: {value}within {CLEARANCE_MARGIN:.0%} of it, too "
            f"close to call it absent (copy number {status})",
            copy_number=measured,
        )
    where = f": {value}{level.threshold_text(state)}" if level is not None else ""
    return Observation(a.key, tp.index, "not_detected",
                       f"not detected (copy number {status}){where}", copy_number=measured)
