"""The rechallenge-window statement of a patient at the latest timepoint (issue #10).

Which resistance alterations count: those with resistance ``yes`` that were detected (as passing
calls) at some timepoint - the same alterations that decide a sample's status. Alterations of
uncertain significance are listed, never decisive.

==========================  ====================================================================
window                      when
==========================  ====================================================================
``not_assessable``          the latest sample is non-informative (no evidence of tumour DNA)
``resistance_persists``     a resistance alteration is detected at the latest sample
``clearance_unconfirmed``   none detected at the latest sample, but for some the absence is not
                            informative (depth unknown or low, a filtered call, a call below
                            the thresholds, copy number not assessed or within 10 % under its
                            threshold)
``resistance_cleared``      every resistance alteration detected earlier is cleared (see
                            :mod:`egfr_annot.track.kinetics`) -> the rechallenge evidence block
``no_resistance_detected``  no resistance alteration at any timepoint, latest sample informative
                            -> the rechallenge evidence block
==========================  ====================================================================

The statement reports what the samples show and the meta-analysis' figures. It is decision
support, never a recommendation (``model.DISCLAIMER`` is printed with it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from egfr_annot.knowledge.model import RechallengeEvidence
from egfr_annot.track.kinetics import format_vaf
from egfr_annot.track.model import (
    Kinetics,
    Observation,
    Timepoint,
    TrackedAlteration,
    WindowStatement,
)


def window_statement(
    timepoints: Sequence[Timepoint],
    alterations: Sequence[TrackedAlteration],
    observations: Mapping[tuple[str, int], Observation],
    kinetics: Mapping[str, Kinetics],
    evidence: RechallengeEvidence,
) -> WindowStatement:
    latest = timepoints[-1]
    where = f"the latest sample ({latest.sample}, {latest.date})"
    last = latest.index

    def level(a: TrackedAlteration) -> str:
        obs = observations[(a.key, last)]
        if a.kind == "copy_number":
            cn = "" if obs.copy_number is None else f" (copy number {obs.copy_number:g})"
            return f"{a.label}{cn}"
        return f"{a.label} at {format_vaf(obs.vaf)}" if obs.vaf is not None else a.label

    def ever_detected(a: TrackedAlteration) -> bool:
        return any(observations[(a.key, tp.index)].detected for tp in timepoints)

    resistance = [a for a in alterations if a.resistance == "yes" and ever_detected(a)]
    uncertain = [a for a in alterations if a.resistance == "uncertain" and ever_detected(a)]
    persisting = tuple(level(a) for a in resistance if observations[(a.key, last)].detected)
    persisting_uncertain = tuple(
        level(a) for a in uncertain if observations[(a.key, last)].detected
    )
    cleared = tuple(a.label for a in resistance if kinetics[a.key].trend == "cleared")
    unconfirmed = tuple(
        f"{a.label} (the latest sample is non-informative)" if not latest.informative
        else f"{a.label} ({observations[(a.key, last)].text})"
        for a in resistance
        if not observations[(a.key, last)].detected and kinetics[a.key].trend != "cleared"
    )
    uncertain_text = (
        f" Also detected at the latest sample, of uncertain significance: "
        f"{', '.join(persisting_uncertain)}." if persisting_uncertain else ""
    )

    def result(window: str, statement: str, with_evidence: bool) -> WindowStatement:
        return WindowStatement(
            window=window,  # type: ignore[arg-type]
            statement=statement,
            persisting=persisting,
            persisting_uncertain=persisting_uncertain,
            unconfirmed=unconfirmed,
            cleared=cleared,
            evidence=evidence.text if with_evidence else "",
            evidence_summary=evidence.summary if with_evidence else "",
        )

    if not latest.informative:
        return result(
            "not_assessable",
            f"The rechallenge window cannot be assessed: {where} is non-informative "
            f"({latest.result.status_reason}). Absent resistance alterations there mean nothing; "
            "a further sample with tumour DNA is needed.",
            False,
        )
    if persisting:
        trends = "; ".join(
            f"{a.label}: {_kinetics_text(kinetics[a.key])}"
            for a in resistance
            if observations[(a.key, last)].detected
        )
        cleared_text = f" Cleared: {', '.join(cleared)}." if cleared else ""
        unconfirmed_text = (
            f" Clearance not confirmed: {', '.join(unconfirmed)}." if unconfirmed else ""
        )
        return result(
            "resistance_persists",
            f"Resistance alteration(s) still detected at {where}: {', '.join(persisting)} "
            f"({trends}).{cleared_text}{unconfirmed_text}{uncertain_text} Not all resistance "
            "clones have cleared.",
            False,
        )
    if unconfirmed:
        cleared_text = f" Cleared: {', '.join(cleared)}." if cleared else ""
        return result(
            "clearance_unconfirmed",
            f"No resistance alteration detected at {where}, but clearance cannot be confirmed "
            f"for: {', '.join(unconfirmed)}.{cleared_text}{uncertain_text}",
            False,
        )
    if cleared:
        return result(
            "resistance_cleared",
            f"All resistance alterations detected earlier ({', '.join(cleared)}) are not "
            f"detected at {where}, which shows tumour DNA ({latest.result.status}) with adequate "
            f"depth at each position.{uncertain_text} Evidence on anti-EGFR rechallenge: "
            f"{evidence.summary}.",
            True,
        )
    return result(
        "no_resistance_detected",
        f"No resistance alteration detected at any timepoint; {where} shows tumour DNA "
        f"({latest.result.status}).{uncertain_text} Evidence on anti-EGFR rechallenge: "
        f"{evidence.summary}.",
        True,
    )


def _kinetics_text(k: Kinetics) -> str:
    fit = k.fit
    text: str = k.trend
    if fit.half_life is not None and fit.status in ("ok", "ci_includes_zero"):
        high = "unbounded" if fit.half_life_high is None else f"{fit.half_life_high:.1f}"
        text += (
            f", half-life {fit.half_life:.1f} days (95% CI {fit.half_life_low:.1f}-{high})"
        )
    return text
