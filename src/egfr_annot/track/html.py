"""``PATIENT.report.html`` (``track --html``): one self-contained page per patient (issue #10).

In this order: the rechallenge-window statement (with the meta-analysis evidence when it applies
and the decision-support disclaimer), the trajectory plot (inline SVG), the kinetics table
(trend, half-life with its 95 % CI), the timepoints (status of each sample), the full
alteration x timepoint table, and the methods (decay phase, CI method, detection limit).

The same rules as the run report (``egfr_annot.report.html``): no script, no external resource
(a Content-Security-Policy forbids both), jinja2 autoescaping for every value. The one piece of
markup inserted as is, the plot, is matplotlib's own SVG output (its text is XML-escaped by
matplotlib); it is parsed and checked to contain no script, foreign object or external
reference before it is marked safe.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from egfr_annot.track.kinetics import format_vaf
from egfr_annot.track.model import DISCLAIMER, PatientTrack
from egfr_annot.track.plot import DETECTION_LIMIT_VAF
from egfr_annot.track.stats import Z_975
from egfr_annot.track.tables import kinetics_rows

TEMPLATE = "track.html.j2"
WINDOW_HEADLINES = {
    "resistance_cleared": "Resistance alterations cleared in a sample with tumour DNA",
    "no_resistance_detected": "No resistance alteration detected at any timepoint",
    "resistance_persists": "Resistance alteration(s) still detected",
    "clearance_unconfirmed": "Clearance of resistance alteration(s) not confirmed",
    "not_assessable": "Rechallenge window cannot be assessed",
}
WINDOW_CLASSES = {
    "resistance_cleared": "not_detected",
    "no_resistance_detected": "not_detected",
    "resistance_persists": "resistance_detected",
    "clearance_unconfirmed": "non_informative",
    "not_assessable": "non_informative",
}
_FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "object", "embed"}


def render_track_html(
    track: PatientTrack,
    svg: str,
    tool_version: str,
    kb_version: str,
    detection_limit: float = DETECTION_LIMIT_VAF,
) -> str:
    """``detection_limit``: the plot's limit line (``plot.effective_detection_limit``)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("egfr_annot.track", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["vaf"] = lambda v: "" if v is None else format_vaf(v)
    template = env.get_template(TEMPLATE)
    return template.render(
        track=track,
        window=track.window,
        headline=WINDOW_HEADLINES[track.window.window],
        window_class=WINDOW_CLASSES[track.window.window],
        disclaimer=DISCLAIMER,
        plot=Markup(checked_svg(svg)),  # noqa: S704 - checked: our own matplotlib output
        kinetics=_kinetics_view(track),
        trajectories=_trajectory_view(track),
        tool_version=tool_version,
        kb_version=kb_version,
        detection_limit=format_vaf(detection_limit),
        z=f"{Z_975:.2f}",
    )


def checked_svg(svg: str) -> str:
    """The ``<svg>`` element of a matplotlib SVG document, after checking that it holds no
    script, foreign object or reference to anything outside the page."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    body = svg[start:]
    root = ET.fromstring(body)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in _FORBIDDEN_TAGS:
            raise ValueError(f"unexpected <{tag}> in the plot")
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not value.startswith("#"):
                raise ValueError("external reference in the plot")
            if name.lower().startswith("on"):
                raise ValueError("event handler in the plot")
    return body


def _kinetics_view(track: PatientTrack) -> list[dict[str, Any]]:
    rows = []
    for a, k, row in zip(track.alterations, track.kinetics, kinetics_rows(track), strict=True):
        fit = k.fit
        if fit.half_life is not None and fit.status in ("ok", "ci_includes_zero"):
            high = "unbounded" if fit.half_life_high is None else f"{fit.half_life_high:.1f}"
            half_life = f"{fit.half_life:.1f} days (95% CI {fit.half_life_low:.1f}-{high})"
        elif fit.half_life is not None:
            half_life = f"{fit.half_life:.1f} days (no CI)"
        else:
            half_life = ""
        rows.append({
            "alteration": a,
            "kinetics": k,
            "latest": row[8],
            "detected": f"{row[7]} of {row[6]}",
            "half_life": half_life,
            "rate": "" if fit.rate is None else (
                f"{fit.rate:.4f}/day (95% CI {fit.rate_low:.4f} to {fit.rate_high:.4f})"
                if fit.rate_low is not None else f"{fit.rate:.4f}/day"
            ),
        })
    return rows


def _trajectory_view(track: PatientTrack) -> list[dict[str, Any]]:
    labels = {a.key: a.label for a in track.alterations}
    rows = []
    for obs in track.observations:
        tp = track.timepoints[obs.timepoint]
        if obs.alt_reads is not None:
            reads = f"{obs.alt_reads} / {'?' if obs.depth is None else obs.depth}"
        elif obs.depth is not None:
            reads = f"depth {obs.depth}"
        else:
            reads = ""
        rows.append({
            "label": labels[obs.key],
            "tp": tp,
            "obs": obs,
            "vaf": "" if obs.vaf is None else format_vaf(obs.vaf),
            "upper": "" if obs.vaf_upper95 is None else f"< {format_vaf(obs.vaf_upper95)}",
            "reads": reads,
            "copy_number": "" if obs.copy_number is None else f"{obs.copy_number:g}",
        })
    return rows
