"""Pieces of ``track``: Student's t, the weighted decay fit and its intervals, coverage files,
therapy names, the decay phase."""

from __future__ import annotations

import datetime as dt
import gzip
import math
from pathlib import Path

import pytest

from egfr_annot.errors import InputError
from egfr_annot.records import Provenance, ReadCounts, SampleResult, TumourFraction
from egfr_annot.track.coverage import read_depths
from egfr_annot.track.kinetics import decay_phase, format_vaf
from egfr_annot.track.model import Timepoint
from egfr_annot.track.stats import FitPoint, fit_decay, t_quantile
from egfr_annot.track.therapy import therapy_kind


# -- Student's t ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("df", "expected"),
    [
        (1, 12.7062),
        (2, 4.3027),
        (3, 3.1824),
        (4, 2.7764),
        (5, 2.5706),
        (10, 2.2281),
        (30, 2.0423),
        (120, 1.9799),
    ],
)
def test_t_quantile_matches_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_t_quantile_other_levels() -> None:
    assert t_quantile(0.95, 7) == pytest.approx(1.8946, abs=1e-4)
    assert t_quantile(0.995, 3) == pytest.approx(5.8409, abs=1e-4)
    with pytest.raises(ValueError):
        t_quantile(0.3, 5)


# -- the decay fit -----------------------------------------------------------------------------
def test_two_points_get_a_binomial_interval() -> None:
    # 8% (320/4000) -> 2% (80/4000) in 42 days: half-life 21 days
    fit = fit_decay([FitPoint(0, 0.08, 320), FitPoint(42, 0.02, 80)])
    assert fit.status == "ok" and fit.half_life == pytest.approx(21.0)
    # delta method: Var(ln p) = (1-p)/alt; SE(slope) = sqrt(sum) / 42, normal quantile
    se = math.sqrt(0.92 / 320 + 0.98 / 80) / 42
    assert fit.slope_se == pytest.approx(se)
    assert fit.rate_low == pytest.approx(math.log(4) / 42 - 1.959964 * se, rel=1e-6)
    assert fit.half_life_low == pytest.approx(math.log(2) / fit.rate_high)
    assert fit.half_life_high == pytest.approx(math.log(2) / fit.rate_low)


def test_fewer_reads_give_a_wider_interval() -> None:
    deep = fit_decay([FitPoint(0, 0.08, 320), FitPoint(42, 0.02, 80)])
    shallow = fit_decay([FitPoint(0, 0.08, 32), FitPoint(42, 0.02, 8)])
    assert shallow.half_life == pytest.approx(deep.half_life)
    assert shallow.half_life_high - shallow.half_life_low > deep.half_life_high - deep.half_life_low


def test_overdispersed_points_use_residual_variance_and_t() -> None:
    # a zig-zag far beyond read sampling: the interval widens with t(1)
    fit = fit_decay([FitPoint(0, 0.08, 800), FitPoint(30, 0.01, 100), FitPoint(60, 0.02, 200)])
    assert "t(1)" in fit.method and fit.quantile == pytest.approx(12.7062, abs=1e-4)
    assert fit.status == "ci_includes_zero"
    assert fit.half_life is not None and fit.half_life_high is None


def test_consistent_points_keep_the_sampling_interval() -> None:
    fit = fit_decay([FitPoint(0, 0.04, 160), FitPoint(30, 0.02, 80), FitPoint(60, 0.01, 40)])
    assert fit.status == "ok" and fit.half_life == pytest.approx(30.0)
    assert fit.quantile == pytest.approx(1.959964, abs=1e-6)
    assert "phi 0.00 <= 1" in fit.method


def test_rising_vaf_has_no_half_life() -> None:
    fit = fit_decay([FitPoint(0, 0.01, 40), FitPoint(30, 0.04, 160)])
    assert fit.status == "rising" and fit.half_life is None
    assert "doubling time 15.0 days" in fit.note


def test_not_meaningful_fits_say_why() -> None:
    assert fit_decay([FitPoint(0, 0.05, 200)]).status == "too_few_points"
    assert fit_decay([FitPoint(5, 0.05, 200), FitPoint(5, 0.02, 80)]).status == "same_day"
    no_counts = fit_decay([FitPoint(0, 0.08, None), FitPoint(42, 0.02, None)])
    assert no_counts.status == "no_read_counts"
    assert no_counts.half_life == pytest.approx(21.0) and no_counts.half_life_low is None
    ols = fit_decay([FitPoint(0, 0.08, None), FitPoint(21, 0.035, None), FitPoint(42, 0.02, None)])
    assert "OLS" in ols.method and "t(1)" in ols.method


def test_format_vaf() -> None:
    assert [format_vaf(v) for v in (0.08, 0.0806, 0.005, 0.001, 0.00025)] == [
        "8%",
        "8.06%",
        "0.5%",
        "0.1%",
        "0.025%",
    ]


# -- coverage files ----------------------------------------------------------------------------
WANTED = {"12": {25245350}, "7": {55160316}}


def test_samtools_depth_style_file(tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    path.write_text(
        "#chrom\tpos\tdepth\nchr12\t25245349\t10\nchr12\t25245350\t3400\n"
        "chr7\t55160316\t2900\nchr1\t5\t7\n"
    )
    assert read_depths(str(path), WANTED) == {("12", 25245350): 3400, ("7", 55160316): 2900}


def test_mosdepth_per_base_bed_is_zero_based(tmp_path: Path) -> None:
    path = tmp_path / "x.per-base.bed.gz"
    with gzip.open(path, "wt") as fh:
        # [25245349, 25245350) is 1-based 25245350 only; the next run starts after it
        fh.write(
            "12\t25245300\t25245349\t11\n12\t25245349\t25245350\t3400\n"
            "12\t25245350\t25245400\t12\n7\t55160300\t55160400\t2900\n"
        )
    assert read_depths(str(path), WANTED) == {("12", 25245350): 3400, ("7", 55160316): 2900}


def test_indexed_mosdepth_file_is_queried(tmp_path: Path) -> None:
    pysam = pytest.importorskip("pysam")
    plain = tmp_path / "x.per-base.bed"
    plain.write_text("chr7\t55160300\t55160400\t2900\nchr12\t25245340\t25245360\t3400\n")
    pysam.tabix_index(str(plain), preset="bed", csi=True, force=True)
    path = str(plain) + ".gz"
    assert Path(path + ".csi").exists()
    assert read_depths(path, WANTED) == {("12", 25245350): 3400, ("7", 55160316): 2900}


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("12\t25245350\n", 1, "2 columns"),
        ("12\t25245350\t10\n12\t25245351\n", 2, "2 columns, expected 3"),
        ("12\t25245350\tmany\n", 1, "depth 'many' is not a number"),
        ("12\t25245350\t-4\n", 1, "depth '-4' is negative"),
        ("12\t25245360\t25245350\t5\n", 1, "end 25245350 before start 25245360"),
        ("12\tx\t5\n12\t25245350\t-1\n", 2, "depth '-1' is negative"),
    ],
)
def test_bad_coverage_lines(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_depths(str(path), WANTED)
    assert str(err.value) == f"{path}:{line}: " + str(err.value).split(": ", 1)[1]
    assert err.value.line == line and problem in err.value.problem


# -- therapy and the decay phase -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("cetuximab", "anti_egfr"),
        ("Panitumumab", "anti_egfr"),
        ("FOLFIRI+cetuximab", "anti_egfr"),
        ("encorafenib + cetuximab", "anti_egfr"),
        ("Vectibix", "anti_egfr"),
        ("off", "off"),
        ("none", "off"),
        ("no therapy", "off"),
        ("FOLFOX", "other"),
        ("regorafenib", "other"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_therapy_kind(text: str | None, kind: str) -> None:
    assert therapy_kind(text) == kind


def _timepoints(therapies: list[str]) -> list[Timepoint]:
    result = SampleResult(
        "s",
        (),
        "not_detected",
        "",
        TumourFraction(None, "none"),
        ReadCounts(),
        Provenance("0", "0", "GRCh38", "", "", None, ""),
    )
    start = dt.date(2024, 1, 1)
    return [
        Timepoint(
            i, f"S{i}", start + dt.timedelta(days=30 * i), 30 * i, t, therapy_kind(t), result, i + 2
        )
        for i, t in enumerate(therapies)
    ]


def test_decay_phase_starts_at_the_last_sample_on_anti_egfr_therapy() -> None:
    phase = decay_phase(_timepoints(["cetuximab", "cetuximab", "off", "FOLFIRI"]))
    assert phase.start == 1
    assert phase.definition.startswith("from the last sample on anti-EGFR therapy (S1")


def test_no_decay_phase_while_on_anti_egfr_therapy() -> None:
    phase = decay_phase(_timepoints(["cetuximab", "off", "panitumumab"]))
    assert phase.start is None and "drawn on anti-EGFR therapy (panitumumab)" in phase.definition


def test_decay_phase_without_anti_egfr_samples_is_the_whole_series() -> None:
    assert decay_phase(_timepoints(["off", "off"])).definition.startswith(
        "the whole series (no sample drawn on anti-EGFR therapy)"
    )
    assert "therapy not given" in decay_phase(_timepoints(["", ""])).definition
