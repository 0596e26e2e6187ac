"""``PATIENT.trajectories.svg``: VAF of each followed variant over time (issue #10).

* y: VAF on a logarithmic axis, ticks labelled in percent; x: days since the first sample, each
  sample's date under its tick.
* One line per variant (resistance ``yes``: solid, warm colours; ``uncertain``: dashed;
  tumour markers: grey-blue, dotted). Filled markers: detected.
* The detection limit: a dashed line at the run's effective limit
  (:func:`effective_detection_limit`): ``DETECTION_LIMIT_VAF`` (0.1 %, the limit of detection
  typical of ctDNA panels, 0.1-0.2 %), or ``--min-vaf`` when that is higher (calls under it are
  not counted), labelled with its value and, for ``--min-vaf``, its source.
* Not detected: an open marker in a row labelled "n.d." below the limit line and below every
  detected VAF (so it never hides a detected point at the limit), joined by a dotted line; faded
  when the absence is not informative (depth unknown or below ``--min-depth``, a filtered
  call). The table gives each absence's depth and its rule-of-three upper bound 3/depth.
* Shaded: samples drawn on anti-EGFR therapy (from the first to the last such draw); lighter:
  the interval up to the next draw, in which the therapy stopped. Other therapies: blue.
* Copy-number alterations have no VAF: they are in the tables, not on this plot.

Deterministic: matplotlib's object-oriented API without pyplot (no global figure state), the
SVG backend, ``svg.hashsalt`` fixed, text kept as text (``svg.fonttype = none``) and no date in
the metadata, so the same input gives a byte-identical file.
"""

from __future__ import annotations

import io
from typing import Any, Final

from egfr_annot.track.kinetics import format_vaf
from egfr_annot.track.model import PatientTrack

DETECTION_LIMIT_VAF: Final = 0.001
_RESISTANCE_COLOURS: Final = ("#a4161a", "#d9480f", "#7b2cbf", "#c2255c", "#e67700", "#862e9c")
_UNCERTAIN_COLOURS: Final = ("#8a5a00", "#b08900")
_MARKER_COLOURS: Final = ("#1f4e79", "#5b6b7a", "#2b8a3e", "#495057")
_RC: Final[dict[str, Any]] = {
    "svg.hashsalt": "egfr-annot-track",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 11.0,
}
_INFORMATIVE_ABSENCE: Final = frozenset({"not_detected"})


def effective_detection_limit(min_vaf: float) -> float:
    """The limit line of a run: a call under ``--min-vaf`` is not counted, so a higher
    ``--min-vaf`` is the run's real limit."""
    return max(DETECTION_LIMIT_VAF, min_vaf)


def _limit_label(limit: float) -> str:
    source = " (--min-vaf)" if limit > DETECTION_LIMIT_VAF else ""
    return f"detection limit {format_vaf(limit)}{source}"


def _text(value: str) -> str:
    # A "$" would switch matplotlib to mathtext; sample and patient ids are untrusted text.
    return value.replace("$", r"\$")


def trajectory_svg(track: PatientTrack, detection_limit: float = DETECTION_LIMIT_VAF) -> str:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    with matplotlib.rc_context():
        for name, value in _RC.items():
            matplotlib.rcParams[name] = value  # type: ignore[index]
        fig = Figure(figsize=(8.5, 5.0))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        ax.set_yscale("log")
        days = [tp.days for tp in track.timepoints]
        span = max(days) - min(days)
        pad = max(3.0, 0.04 * span)
        x_lo, x_hi = min(days) - pad, max(days) + pad

        handles: list[object] = []
        handles += _shade_therapy(ax, track, x_hi, Patch)

        variants = [a for a in track.alterations if a.kind == "variant"]
        vafs = [o.vaf for o in track.observations
                if o.detected and o.vaf is not None and o.vaf > 0
                and any(a.key == o.key for a in variants)]
        # Absences get their own row below the detection limit and every detected VAF.
        y_nd = min([detection_limit, *vafs]) / 2.5
        counters = {"yes": 0, "uncertain": 0, "marker": 0}
        for a in variants:
            group = a.resistance if a.role == "resistance" else "marker"
            palette = {"yes": _RESISTANCE_COLOURS, "uncertain": _UNCERTAIN_COLOURS,
                       "marker": _MARKER_COLOURS}[group]
            colour = palette[counters[group] % len(palette)]
            counters[group] += 1
            style: Any = {"yes": "-", "uncertain": "--", "marker": ":"}[group]
            marker = {"yes": "o", "uncertain": "s", "marker": "^"}[group]
            points = []  # (x, y, detected, informative absence)
            for obs in (o for o in track.observations if o.key == a.key):
                x = track.timepoints[obs.timepoint].days
                if obs.detected and obs.vaf is not None and obs.vaf > 0:
                    points.append((x, obs.vaf, True, True))
                else:
                    points.append((x, y_nd, False, obs.state in _INFORMATIVE_ABSENCE))
            for (x0, y0, d0, _), (x1, y1, d1, _) in zip(points, points[1:], strict=False):
                ax.plot([x0, x1], [y0, y1], color=colour, linewidth=1.6, zorder=3,
                        linestyle=style if d0 and d1 else (0, (1, 2)))
            ax.plot([p[0] for p in points if p[2]], [p[1] for p in points if p[2]],
                    linestyle="none", marker=marker, markersize=6.5, color=colour, zorder=4)
            for x, y, detected, informative in points:
                if not detected:
                    ax.plot([x], [y], linestyle="none", marker=marker, markersize=7.5,
                            markerfacecolor="white", markeredgecolor=colour,
                            markeredgewidth=1.6, alpha=1.0 if informative else 0.45, zorder=5)
            kind = {"yes": "resistance", "uncertain": "uncertain", "marker": "tumour marker"}[group]
            handles.append(Line2D([], [], color=colour, linestyle=style, marker=marker,
                                  label=_text(f"{a.label} ({kind})")))

        ax.axhline(detection_limit, color="#56606b", linestyle=(0, (4, 3)), linewidth=1.0,
                   zorder=2)
        handles.append(Line2D([], [], color="#56606b", linestyle=(0, (4, 3)),
                              label=_limit_label(detection_limit)))
        handles.append(Line2D([], [], color="#56606b", linestyle="none", marker="o",
                              markerfacecolor="white",
                              label="open, row n.d.: not detected; faded: absence not "
                                    "informative (depth unknown or low)"))

        y_lo = y_nd / 1.8
        y_hi = min(1.0, max([0.02, *(v * 2.5 for v in vafs)]))
        ax.set_ylim(y_lo, y_hi)
        decades = [10.0 ** e for e in range(-6, 1) if y_nd * 1.5 <= 10.0 ** e <= y_hi]
        ax.yaxis.set_major_locator(FixedLocator([y_nd, *decades]))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: "n.d." if v == y_nd else format_vaf(v))
        )
        ax.yaxis.set_minor_locator(NullLocator())
        ax.grid(axis="y", color="#d5dbe1", linewidth=0.6, zorder=0)
        ax.set_xlim(x_lo, x_hi)
        ax.set_xticks(days)
        ax.set_xticklabels([f"day {tp.days}\n{tp.date.isoformat()}" for tp in track.timepoints])
        ax.set_xlabel("Date (days since first sample)")
        ax.set_ylabel("VAF (log scale)")
        ax.set_title(_text(f"Patient {track.patient}: resistance-clone trajectories"))
        if not variants:
            ax.text(0.5, 0.5, "no variant to follow", transform=ax.transAxes, ha="center")
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                  frameon=False, fontsize=8)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _shade_therapy(ax: object, track: PatientTrack, x_hi: float, patch: type) -> list[object]:
    """Shade runs of consecutive samples with the same therapy; returns legend handles."""
    handles: list[object] = []
    labelled: set[str] = set()
    tps = track.timepoints
    i = 0
    while i < len(tps):
        tp = tps[i]
        j = i
        while j + 1 < len(tps) and tps[j + 1].therapy.lower() == tp.therapy.lower():
            j += 1
        if tp.therapy_kind in ("anti_egfr", "other"):
            colour = "#f4a6a6" if tp.therapy_kind == "anti_egfr" else "#a8c8ec"
            start, end = tp.days, tps[j].days
            width = max(end - start, 1.0)
            ax.axvspan(start - 0.5, start - 0.5 + width, color=colour, alpha=0.55,  # type: ignore[attr-defined]
                       linewidth=0, zorder=1)
            stop = tps[j + 1].days if j + 1 < len(tps) else x_hi
            ax.axvspan(start - 0.5 + width, stop, color=colour, alpha=0.2,  # type: ignore[attr-defined]
                       linewidth=0, zorder=1)
            label = _text(f"{tp.therapy} (shaded: samples on it; light: until the next draw)")
            if label not in labelled:
                labelled.add(label)
                handles.append(patch(facecolor=colour, alpha=0.55, label=label))
        i = j + 1
    return handles
