"""The ``track`` tables (issue #10). Every table starts with one ``#`` line (versions, patient and
the decision-support disclaimer), then a header row. Values are formatted here only.

* ``PATIENT.trajectories.tsv`` - one row per alteration x timepoint (``TRAJECTORY_COLUMNS``).
* ``PATIENT.kinetics.tsv`` - one row per alteration: trend, decay fit, half-life with its 95 % CI.
* ``track.summary.tsv`` - one row per patient: latest sample and status, the rechallenge-window
  statement, persisting and cleared alterations, the meta-analysis evidence when it applies.
* ``track.failures.tsv`` - samples (and so patients) that could not be tracked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from egfr_annot.report.rows import fmt_float, fmt_int
from egfr_annot.track.model import DISCLAIMER, PatientTrack

TRAJECTORY_COLUMNS: Final = (
    "patient", "alteration", "key", "resistance", "alteration_class", "role", "sample", "date",
    "days", "therapy", "detected", "detection", "vaf", "alt_reads", "depth", "depth_source",
    "vaf_upper95", "copy_number", "sample_status",
)
KINETICS_COLUMNS: Final = (
    "patient", "alteration", "key", "resistance", "alteration_class", "role", "n_timepoints",
    "n_detected", "latest_detection", "latest_vaf", "trend", "trend_note", "fit_status",
    "fit_samples", "decay_rate_per_day", "rate_ci95_low", "rate_ci95_high", "half_life_days",
    "half_life_ci95_low", "half_life_ci95_high", "fit_method", "fit_note", "decay_phase",
)
SUMMARY_COLUMNS: Final = (
    "patient", "n_samples", "first_date", "latest_sample", "latest_date", "latest_therapy",
    "status", "status_reason", "window", "window_statement", "persisting_alterations",
    "persisting_uncertain", "clearance_unconfirmed", "cleared_alterations", "decay_phase",
    "rechallenge_evidence", "min_depth",
)
FAILURE_COLUMNS: Final = ("patient", "sample", "vcf", "sheet_line", "error")


def comment_line(tool_version: str, kb_version: str, what: str) -> str:
    return f"# egfr-annot {tool_version}; knowledge-base {kb_version}; {what}; {DISCLAIMER}\n"


def tsv_line(values: Sequence[str]) -> str:
    return "\t".join(" ".join(v.split()) for v in values) + "\n"


def trajectory_rows(track: PatientTrack) -> list[list[str]]:
    rows = []
    by_key = {a.key: a for a in track.alterations}
    for obs in track.observations:
        a = by_key[obs.key]
        tp = track.timepoints[obs.timepoint]
        rows.append([
            track.patient, a.label, a.key, a.resistance, a.alteration_class, a.role, tp.sample,
            tp.date.isoformat(), str(tp.days), tp.therapy, "yes" if obs.detected else "no",
            obs.text, fmt_float(obs.vaf), fmt_int(obs.alt_reads), fmt_int(obs.depth),
            obs.depth_source, fmt_float(obs.vaf_upper95),
            "" if obs.copy_number is None else f"{obs.copy_number:g}", tp.result.status,
        ])
    return rows


def kinetics_rows(track: PatientTrack) -> list[list[str]]:
    rows = []
    last = track.latest.index
    for a, k in zip(track.alterations, track.kinetics, strict=True):
        observations = [o for o in track.observations if o.key == a.key]
        latest = observations[last]
        fit = k.fit
        rows.append([
            track.patient, a.label, a.key, a.resistance, a.alteration_class, a.role,
            str(len(observations)), str(sum(o.detected for o in observations)), latest.text,
            fmt_float(latest.vaf), k.trend, k.trend_note, fit.status,
            ";".join(track.timepoints[i].sample for i in k.fit_points),
            fmt_float(fit.rate), fmt_float(fit.rate_low), fmt_float(fit.rate_high),
            fmt_float(fit.half_life, 2), fmt_float(fit.half_life_low, 2),
            "inf" if fit.half_life_low is not None and fit.half_life_high is None
            else fmt_float(fit.half_life_high, 2),
            fit.method, fit.note, track.phase.definition,
        ])
    return rows


def summary_row(track: PatientTrack) -> list[str]:
    latest = track.latest
    w = track.window
    return [
        track.patient, str(len(track.timepoints)), track.timepoints[0].date.isoformat(),
        latest.sample, latest.date.isoformat(), latest.therapy, latest.result.status,
        latest.result.status_reason, w.window, w.statement, ";".join(w.persisting),
        ";".join(w.persisting_uncertain), ";".join(w.unconfirmed), ";".join(w.cleared),
        track.phase.definition, w.evidence, str(track.min_depth),
    ]
