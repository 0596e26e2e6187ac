"""Geometry of the HTML report's VAF bar plot (inline SVG, no plotting library, no JavaScript).

This module only computes numbers and labels; the template draws them, so every label goes
through Jinja's autoescaping like the rest of the page.

The x axis is logarithmic: plasma VAFs span 0.01 % to 50 %, and on a linear axis the variants that
matter most at low tumour fraction would be invisible. Bars start at the axis minimum (0.01 %);
a VAF below it is drawn at the minimum and its label still says the true value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

AXIS_MIN = 1e-4  # 0.01 %
AXIS_MAX = 1.0
TICKS: tuple[tuple[float, str], ...] = (
    (1e-4, "0.01%"),
    (1e-3, "0.1%"),
    (1e-2, "1%"),
    (1e-1, "10%"),
    (1.0, "100%"),
)


@dataclass(frozen=True, slots=True)
class BarInput:
    label: str  # "KRAS p.G12D"
    vaf: float
    category: str  # css class suffix: "yes", "uncertain", "no", "none"
    passed: bool  # FILTER PASS/.: drawn solid, else faded


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value_text: str
    category: str
    passed: bool
    y: float
    width: float
    text_y: float


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class BarPlot:
    width: int
    height: int
    plot_left: int
    plot_width: int
    bar_height: int
    axis_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    threshold_x: float | None
    threshold_label: str


def vaf_bar_plot(
    items: Sequence[BarInput],
    *,
    threshold: float | None = None,
    threshold_label: str = "",
    width: int = 760,
    label_width: int = 230,
    bar_height: int = 18,
    gap: int = 8,
) -> BarPlot:
    """Horizontal bars, one per variant, in the given order, on a log10 VAF axis."""
    plot_left = label_width
    plot_width = width - label_width - 70  # room on the right for the value label
    top = 10
    bars = []
    for i, item in enumerate(items):
        y = top + i * (bar_height + gap)
        bars.append(
            Bar(
                label=item.label,
                value_text=format_percent(item.vaf),
                category=item.category,
                passed=item.passed,
                y=y,
                width=round(max(1.0, _scale(item.vaf) * plot_width), 2),
                text_y=y + bar_height * 0.75,
            )
        )
    axis_y = top + len(items) * (bar_height + gap)
    ticks = tuple(Tick(round(plot_left + _scale(v) * plot_width, 2), text) for v, text in TICKS)
    threshold_x = (
        round(plot_left + _scale(threshold) * plot_width, 2)
        if threshold is not None and threshold > 0
        else None
    )
    return BarPlot(
        width=width,
        height=int(axis_y + 40),
        plot_left=plot_left,
        plot_width=plot_width,
        bar_height=bar_height,
        axis_y=axis_y,
        bars=tuple(bars),
        ticks=ticks,
        threshold_x=threshold_x,
        threshold_label=threshold_label,
    )


def format_percent(fraction: float | None) -> str:
    """0.00176 -> "0.176%", 0.5 -> "50%", None -> "" (same rounding as report/rows.fmt_float)."""
    from egfr_annot.report.rows import fmt_float

    return "" if fraction is None else f"{fmt_float(100 * fraction, 4)}%"


def _scale(vaf: float) -> float:
    """Position of ``vaf`` on the log axis as a fraction of the plot width, clamped to [0, 1]."""
    clamped = min(AXIS_MAX, max(AXIS_MIN, vaf))
    return (math.log10(clamped) - math.log10(AXIS_MIN)) / (
        math.log10(AXIS_MAX) - math.log10(AXIS_MIN)
    )
