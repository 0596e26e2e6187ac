"""Records of the ``track`` stage (issue #10): timepoints, tracked alterations, one observation
per alteration x timepoint, the kinetics of each alteration, and the patient's result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from egfr_annot.records import SampleResult
from egfr_annot.track.stats import DecayFit
from egfr_annot.track.therapy import TherapyKind

Role = Literal["resistance", "marker"]
AlterationKind = Literal["variant", "copy_number"]

# Machine-readable state of one alteration at one timepoint.
Detection = Literal[
    "detected",  # passing call (or copy-number call) counted by the status logic
    # absent, with depth >= min_depth at the position (copy number: informative, and the
    # measured value, when the input has one, clear of the threshold)
    "not_detected",
    "not_covered",  # absent, depth known but below min_depth
    "depth_unknown",  # absent, and neither the VCF nor a coverage file gives the depth
    "filtered",  # a call is there but failed the caller's FILTER
    # a call is there but below --min-vaf / --min-alt-reads; copy number: measured just under
    # the calling threshold (within cn_levels.CLEARANCE_MARGIN), too close to count as absent
    "below_threshold",
    "cn_not_assessed",  # copy number: no copy-number input for this sample
    "cn_non_informative",  # copy number: tumour fraction too low for a negative call
]

Trend = Literal["rising", "falling", "stable", "cleared", "below_threshold", "not_assessable"]
Window = Literal[
    "resistance_cleared",
    "resistance_persists",
    "clearance_unconfirmed",
    "no_resistance_detected",
    "not_assessable",
]

DISCLAIMER: Final = (
    "Decision support with its evidence, not a treatment recommendation: the molecular tumour "
    "board decides on anti-EGFR rechallenge with the clinical history."
)


@dataclass(frozen=True, slots=True)
class Timepoint:
    index: int  # 0 = first sample of the patient (by date)
    sample: str
    date: dt.date
    days: int  # since the patient's first sample
    therapy: str  # as written ("" when not given)
    therapy_kind: TherapyKind
    result: SampleResult
    sheet_line: int

    @property
    def informative(self) -> bool:
        return self.result.status != "non_informative"


@dataclass(frozen=True, slots=True)
class TrackedAlteration:
    """One alteration followed over time: a genomic allele (``Allele.key``) or a copy-number
    state of a gene (``CN:MET:amplification``)."""

    key: str
    label: str  # "KRAS p.G12D", "MET amplification", "TP53 17:7675088 C>T"
    gene: str
    kind: AlterationKind
    role: Role
    resistance: str  # yes / uncertain / no / "" (no rule)
    alteration_class: str
    chrom: str | None = None  # canonical contig, variants only
    pos: int | None = None
    cn_state: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """An alteration at one timepoint."""

    key: str
    timepoint: int  # Timepoint.index
    state: Detection
    text: str  # "detected", "not detected (depth 3400)", "not covered (depth 12 < 1000)", ...
    vaf: float | None = None
    alt_reads: int | None = None
    depth: int | None = None
    depth_source: str = ""
    copy_number: float | None = None  # measured, whether or not it reached the threshold
    vaf_upper95: float | None = None  # absences with known depth: 3 / depth (rule of three)

    @property
    def detected(self) -> bool:
        return self.state == "detected"


@dataclass(frozen=True, slots=True)
class DecayPhase:
    """The timepoints used for the decay fit: ``start`` (a Timepoint index) to the latest, or
    ``None`` when there is none (on anti-EGFR therapy at the latest sample)."""

    start: int | None
    definition: str


@dataclass(frozen=True, slots=True)
class Kinetics:
    key: str
    trend: Trend
    trend_note: str
    fit: DecayFit
    fit_points: tuple[int, ...]  # Timepoint indices used


@dataclass(frozen=True, slots=True)
class WindowStatement:
    window: Window
    statement: str
    persisting: tuple[str, ...]  # "EGFR p.S492R 0.1%" (resistance yes, detected at the latest)
    persisting_uncertain: tuple[str, ...]
    unconfirmed: tuple[str, ...]  # "KRAS p.G12D (depth unknown)"
    cleared: tuple[str, ...]
    evidence: str  # the rechallenge meta-analysis block, when it applies
    evidence_summary: str


@dataclass(frozen=True, slots=True)
class PatientTrack:
    patient: str
    timepoints: tuple[Timepoint, ...]
    alterations: tuple[TrackedAlteration, ...]
    observations: tuple[Observation, ...]  # alteration order x timepoint order
    kinetics: tuple[Kinetics, ...]  # alteration order
    phase: DecayPhase
    window: WindowStatement
    min_depth: int
    notes: tuple[str, ...] = ()

    @property
    def latest(self) -> Timepoint:
        return self.timepoints[-1]

    def observation(self, key: str, index: int) -> Observation:
        for obs in self.observations:
            if obs.key == key and obs.timepoint == index:
                return obs
        raise KeyError((key, index))
