"""The VAF bar plot geometry: log10 axis from 0.01 % to 100 %, true values in the labels."""

from __future__ import annotations

import pytest

from egfr_annot.report.svg import BarInput, format_percent, vaf_bar_plot


def test_bars_are_placed_on_a_log_axis() -> None:
    plot = vaf_bar_plot(
        [
            BarInput("KRAS p.G12D", 0.1, "yes", True),
            BarInput("NRAS p.Q61K", 0.001, "yes", True),
            BarInput("BRAF p.V600E", 0.00001, "yes", False),
        ],
        threshold=0.01,
        threshold_label="tumour-DNA evidence 1%",
    )
    ticks = {t.label: t.x for t in plot.ticks}
    left, right = ticks["0.01%"], ticks["100%"]
    assert left == plot.plot_left and right == plot.plot_left + plot.plot_width
    # 10 % is three quarters of the way along 0.01 % .. 100 % (4 decades)
    assert plot.bars[0].width == pytest.approx(0.75 * plot.plot_width)
    assert plot.bars[1].width == pytest.approx(0.25 * plot.plot_width)
    assert plot.bars[2].width == 1.0  # below the axis: drawn at the minimum ...
    assert plot.bars[2].value_text == "0.001%"  # ... labelled with the true value
    assert plot.threshold_x == pytest.approx(ticks["1%"])
    assert [b.y for b in plot.bars] == sorted(b.y for b in plot.bars)
    assert plot.height > plot.axis_y


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(0.08, "8%"), (0.00176, "0.176%"), (0.5, "50%"), (1.0, "100%"), (None, "")],
)
def test_format_percent(fraction: float | None, text: str) -> None:
    assert format_percent(fraction) == text
