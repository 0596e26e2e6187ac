"""Decay phase, decay fit and trend of each tracked alteration (issue #10).

Decay phase (the timepoints after anti-EGFR therapy stops, when resistant clones shrink):

1. Some sample was drawn on anti-EGFR therapy (``therapy`` names cetuximab or panitumumab):
   the phase runs from the **last sample on anti-EGFR therapy** to the latest sample. That last
   on-therapy sample is the clone's level when therapy stopped (the stop date itself is not in the
   sheet; it lies between that draw and the next). If the latest sample is itself on anti-EGFR
   therapy there is no decay phase yet (the clones are under selection, not decaying).
2. No sample on anti-EGFR therapy: the whole series is the phase (therapy stopped before the
   first draw, or was never given; the therapy column, when present, says which), with a note.

Fit: the detected timepoints of the phase (>= 2 needed; absences are not fitted - ln 0 is
undefined - they decide "cleared" instead), with :func:`egfr_annot.track.stats.fit_decay`.

Trend, over the decay phase (the whole series when there is none):

* ``cleared`` - detected at an earlier timepoint, and at the latest timepoint not detected with
  adequate depth at the position (>= ``min_depth``; copy number: an informative copy-number
  result whose measured value, when the input has one, is more than 10 % under the
  amplification threshold) in a sample that shows tumour DNA (status not ``non_informative``);
* ``falling`` / ``rising`` / ``stable`` - detected at the latest timepoint: the latest VAF against
  the first detected VAF of the phase; at most half = falling, at least double = rising,
  otherwise stable (a 2-fold change: smaller changes are within the sampling and assay
  variability of ctDNA VAFs at these levels). Newly detected after an adequate absence = rising.
  Copy number: the same rule on the copy-number excess over 2.
* ``below_threshold`` - detected at an earlier timepoint, and at the latest timepoint measured
  under the calling threshold without counting as absent: a call below ``--min-vaf`` /
  ``--min-alt-reads``, or a copy number within 10 % under the amplification threshold (over the
  deep-deletion threshold; :mod:`egfr_annot.track.cn_levels`). Never "cleared": the clone was
  measured, only under (or too close to) the line;
* ``not_assessable`` - anything else (absent at the latest sample without adequate depth, or in
  a non-informative sample; a single timepoint), with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from egfr_annot.track.model import (
    DecayPhase,
    Kinetics,
    Observation,
    Timepoint,
    TrackedAlteration,
    Trend,
)
from egfr_annot.track.stats import DecayFit, FitPoint, fit_decay

FOLD_CHANGE = 2.0


def decay_phase(timepoints: Sequence[Timepoint]) -> DecayPhase:
    on = [tp.index for tp in timepoints if tp.therapy_kind == "anti_egfr"]
    latest = timepoints[-1]
    if on:
        last_on = timepoints[on[-1]]
        if last_on.index == latest.index:
            return DecayPhase(
                None,
                f"no decay phase: the latest sample ({latest.sample}, {latest.date}) was drawn on "
                f"anti-EGFR therapy ({latest.therapy})",
            )
        return DecayPhase(
            last_on.index,
            f"from the last sample on anti-EGFR therapy ({last_on.sample}, {last_on.date}, "
            f"{last_on.therapy}) to the latest sample ({latest.sample}, {latest.date})",
        )
    if all(tp.therapy_kind == "unknown" for tp in timepoints):
        why = "therapy not given in the sample sheet"
    else:
        why = "no sample drawn on anti-EGFR therapy"
    return DecayPhase(0, f"the whole series ({why}): {timepoints[0].date} to {latest.date}")


def alteration_kinetics(
    alteration: TrackedAlteration,
    observations: Sequence[Observation],
    timepoints: Sequence[Timepoint],
    phase: DecayPhase,
) -> Kinetics:
    """``observations``: this alteration's, one per timepoint, in timepoint order."""
    trend, note = _trend(alteration, observations, timepoints, phase)
    if alteration.kind == "copy_number":
        fit = DecayFit("not_applicable", 0, "", note="copy number: no VAF to fit")
        return Kinetics(alteration.key, trend, note, fit, ())
    if phase.start is None:
        fit = DecayFit("no_decay_phase", 0, "", note=phase.definition)
        return Kinetics(alteration.key, trend, note, fit, ())
    used = [
        o for o in observations[phase.start:]
        if o.detected and o.vaf is not None and o.vaf > 0
    ]
    points = [
        FitPoint(
            days=float(timepoints[o.timepoint].days),
            vaf=o.vaf,  # type: ignore[arg-type]
            alt_reads=_alt_reads(o),
        )
        for o in used
    ]
    fit = fit_decay(points)
    if fit.status == "too_few_points":
        fit = DecayFit("too_few_points", fit.n_points, "",
                       note=f"{fit.n_points} detected timepoint(s) in the decay phase: need 2")
    return Kinetics(alteration.key, trend, note, fit, tuple(o.timepoint for o in used))


def _alt_reads(obs: Observation) -> float | None:
    if obs.alt_reads is not None:
        return float(obs.alt_reads)
    if obs.vaf is not None and obs.depth:
        return obs.vaf * obs.depth
    return None


def _level(alteration: TrackedAlteration, obs: Observation) -> float | None:
    if alteration.kind == "copy_number":
        return None if obs.copy_number is None else max(obs.copy_number - 2.0, 0.0)
    return obs.vaf


def _fmt_level(alteration: TrackedAlteration, obs: Observation) -> str:
    if alteration.kind == "copy_number":
        return "copy number " + ("?" if obs.copy_number is None else f"{obs.copy_number:g}")
    return "VAF " + ("?" if obs.vaf is None else format_vaf(obs.vaf))


def _trend(
    alteration: TrackedAlteration,
    observations: Sequence[Observation],
    timepoints: Sequence[Timepoint],
    phase: DecayPhase,
) -> tuple[Trend, str]:
    latest_obs = observations[-1]
    latest = timepoints[-1]
    start = phase.start if phase.start is not None else 0
    window = observations[start:]
    if not latest_obs.detected:
        earlier = [o for o in observations[:-1] if o.detected]
        if not earlier:
            return "not_assessable", "never detected as a passing call"
        last = earlier[-1]
        last_tp = timepoints[last.timepoint]
        seen = f"last detected {last_tp.date} ({_fmt_level(alteration, last)})"
        if not latest.informative:
            return "not_assessable", (
                f"{seen}; the latest sample is non-informative (no evidence of tumour DNA): "
                "absence means nothing"
            )
        if latest_obs.state == "not_detected":
            return "cleared", f"{seen}; {latest_obs.text} at {latest.date}"
        if latest_obs.state == "below_threshold":
            # measured, but under the calling threshold (or just under it): not an absence
            return "below_threshold", (
                f"{seen}; at {latest.date}: {latest_obs.text}; not called cleared"
            )
        return "not_assessable", f"{seen}; at {latest.date}: {latest_obs.text}"
    if len(timepoints) == 1:
        return "not_assessable", "a single timepoint"
    detected = [o for o in window if o.detected]
    first = detected[0]
    if first.timepoint == latest_obs.timepoint:
        before = [o for o in window[:-1] if o.state == "not_detected"]
        if before:
            return "rising", (
                f"newly detected at {latest.date} ({_fmt_level(alteration, latest_obs)}); "
                f"not detected at {timepoints[before[-1].timepoint].date} with adequate depth"
            )
        return "not_assessable", (
            f"detected at {latest.date} only; the earlier absences are not informative"
        )
    first_level, last_level = _level(alteration, first), _level(alteration, latest_obs)
    change = (
        f"{_fmt_level(alteration, first)} at {timepoints[first.timepoint].date} -> "
        f"{_fmt_level(alteration, latest_obs)} at {latest.date}"
    )
    if first_level is None or last_level is None:
        return "not_assessable", f"{change}: level missing"
    if first_level <= 0:
        return ("rising", change) if last_level > 0 else ("stable", change)
    ratio = last_level / first_level
    text = f"{change} (x{ratio:.2g})"
    if ratio <= 1 / FOLD_CHANGE:
        return "falling", text
    if ratio >= FOLD_CHANGE:
        return "rising", text
    return "stable", text


def format_vaf(vaf: float) -> str:
    """0.001 -> "0.1%", 0.0806 -> "8.06%", 0.00025 -> "0.025%"."""
    pct = 100 * vaf
    text = f"{pct:.3g}" if pct < 1 else f"{pct:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
