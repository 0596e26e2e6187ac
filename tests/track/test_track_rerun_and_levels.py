"""Gaps of ``track`` found by an audit (issue #10):

1. the copy number at every timepoint, also below the amplification threshold, and no
   "cleared" from a value just under it;
2. a re-run without ``--html`` leaves no HTML report of the earlier run;
3. the plot's detection-limit line follows ``--min-vaf``.
"""

from __future__ import annotations

import csv
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from serial_builders import (
    AMPLIFIED,
    E0,
    E1,
    E2,
    PERSISTING,
    Draw,
    renamed,
    write_gene_table,
    write_patient,
    write_sheet,
)
from track_helpers import TrackRun

from egfr_annot.cli import main
from egfr_annot.copy_number import CopyNumberThresholds, classify
from egfr_annot.records import CopyNumberCall

SVG = "{http://www.w3.org/2000/svg}"


def _track_run(*args: str) -> None:
    """``egfr-annot track ARGS`` in this process (one worker: no pool)."""
    with pytest.raises(SystemExit) as exc:
        main(["track", *args, "--workers", "1"])
    assert exc.value.code == 0


def _table(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# egfr-annot ")
    return list(csv.DictReader(lines[1:], delimiter="\t"))


def _kinetics(out: Path, patient: str, alteration: str) -> dict[str, str]:
    (row,) = [r for r in _table(out / f"{patient}.kinetics.tsv") if r["alteration"] == alteration]
    return row


def _met_patient(
    directory: Path, patient: str, draws: list[Draw], met: list[float]
) -> list[list[str]]:
    rows = []
    for row, copy_number in zip(write_patient(directory, patient, draws), met, strict=True):
        table = write_gene_table(directory / f"{row[1]}.genes.tsv", copy_number)
        rows.append([*row, table.name])
    return rows


# -- 1. copy number at each timepoint -------------------------------------------------------------
@pytest.fixture(scope="module")
def met_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """P006: MET 3.1 -> 2.4 (just under 2.42, the amplification threshold at tumour fraction 0.14
    from TP53 at 7%); P007: MET 3.1 -> 2.3 -> 2.0."""
    directory = tmp_path_factory.mktemp("met")
    rows = _met_patient(directory, "P006", renamed(AMPLIFIED, "P005", "P006"), [3.1, 2.4])
    three = [
        Draw("P007-T0", E0, "cetuximab", {"TP53": 0.08}),
        Draw("P007-T1", E1, "off", {"TP53": 0.07}),
        Draw("P007-T2", E2, "off", {"TP53": 0.07}),
    ]
    rows += _met_patient(directory, "P007", three, [3.1, 2.3, 2.0])
    sheet = write_sheet(directory / "sheet.csv", rows, header="patient,sample,vcf,date,therapy,cnv")
    out = directory / "out"
    _track_run(str(sheet), "--out-dir", str(out), "--html")
    return out


def _met_rows(out: Path, patient: str) -> list[dict[str, str]]:
    return [
        r for r in _table(out / f"{patient}.trajectories.tsv") if r["key"] == "CN:MET:amplification"
    ]


def test_copy_number_just_under_the_threshold_is_reported_and_not_cleared(met_run: Path) -> None:
    rows = _met_rows(met_run, "P006")
    assert [r["copy_number"] for r in rows] == ["3.1", "2.4"]
    assert [r["detected"] for r in rows] == ["yes", "no"]
    assert rows[1]["detection"].startswith(
        "below the amplification threshold (2.42): copy number 2.4, within 10% of it"
    )
    kinetics = _kinetics(met_run, "P006", "MET amplification")
    assert kinetics["trend"] == "below_threshold"
    assert kinetics["trend_note"].endswith("not called cleared")
    summary = {r["patient"]: r for r in _table(met_run / "track.summary.tsv")}["P006"]
    assert summary["window"] == "clearance_unconfirmed"
    assert summary["cleared_alterations"] == ""
    assert "MET amplification (below the amplification threshold (2.42)" in (
        summary["clearance_unconfirmed"]
    )
    assert summary["rechallenge_evidence"] == ""  # no evidence block on a value at the line
    html = (met_run / "P006.report.html").read_text()
    assert "Clearance of resistance alteration(s) not confirmed" in html
    assert "ORR 17.70%" not in html
    assert re.search(r'<td class="num">2\.4</td>', html)


def test_copy_number_at_every_timepoint_with_its_threshold(met_run: Path) -> None:
    rows = _met_rows(met_run, "P007")
    assert [r["copy_number"] for r in rows] == ["3.1", "2.3", "2"]
    assert [r["detected"] for r in rows] == ["yes", "no", "no"]
    # 2.3 is within 10% of 2.42: not an informative absence at the middle timepoint
    assert rows[1]["detection"].startswith("below the amplification threshold (2.42)")
    # 2.0 is clear of it: not detected, with the value and the threshold
    assert rows[2]["detection"].startswith("not detected (copy number informative")
    assert rows[2]["detection"].endswith(
        ": copy number 2, below the amplification threshold (2.42)"
    )
    kinetics = _kinetics(met_run, "P007", "MET amplification")
    assert kinetics["trend"] == "cleared"
    summary = {r["patient"]: r for r in _table(met_run / "track.summary.tsv")}["P007"]
    assert summary["window"] == "resistance_cleared"


def test_the_shared_patient_shows_its_later_copy_number(track_run: TrackRun) -> None:
    rows = [
        r for r in track_run.table("P005.trajectories.tsv") if r["key"] == "CN:MET:amplification"
    ]
    assert [r["copy_number"] for r in rows] == ["3.1", "2"]
    assert "below the amplification threshold (2.42)" in rows[1]["detection"]


def _call(
    value: float, tumour_fraction: float | None, tumour_level: bool = False
) -> CopyNumberCall:
    verdict = classify(value, tumour_fraction=tumour_fraction, tumour_level=tumour_level)
    return CopyNumberCall(
        sample="S", gene="MET", chrom="7", start=1, end=2, copy_number=value,
        copy_number_adjusted=verdict.adjusted, state=verdict.state, overlap_fraction=1.0,
        source="gene table", input_path="x.tsv", line=2, notes=(verdict.reason,),
    )


@pytest.mark.parametrize(
    ("value", "tumour_fraction", "tumour_level", "amplification", "deletion"),
    [
        (2.4, 0.14, False, 2.42, 1.79),  # 2 + 3 x 0.14; 2 - 1.5 x 0.14
        (2.4, None, False, 2.5, 0.5),  # plasma thresholds
        (4.0, 0.14, True, 5.0, 0.5),  # tumour-level input: the tumour thresholds
        (2.0, 0.14, True, 5.0, 0.5),  # CN 2 adjusts to itself: still tumour-level
        (2.1, 0.05, False, 2.2, 1.8),  # never nearer 2 than the plasma noise
    ],
)
def test_thresholds_are_on_the_scale_of_the_measured_value(
    value: float, tumour_fraction: float | None, tumour_level: bool, amplification: float,
    deletion: float,
) -> None:
    from egfr_annot.track.cn_levels import gene_level

    level = gene_level(_call(value, tumour_fraction, tumour_level), tumour_fraction,
                       CopyNumberThresholds())
    assert level.amplification_at == pytest.approx(amplification)
    assert level.deep_deletion_below == pytest.approx(deletion)
    # the threshold is where the run's own classification turns to amplification
    below = classify(amplification - 0.001, tumour_fraction=tumour_fraction,
                     tumour_level=tumour_level)
    at = classify(amplification + 0.001, tumour_fraction=tumour_fraction,
                  tumour_level=tumour_level)
    assert below.state != "amplification" and at.state == "amplification"


def test_clearance_margin_is_ten_percent_under_the_threshold() -> None:
    from egfr_annot.track.cn_levels import CLEARANCE_MARGIN, gene_level

    assert CLEARANCE_MARGIN == 0.10
    t = CopyNumberThresholds()
    near = [gene_level(_call(v, 0.14), 0.14, t).near_threshold("amplification")
            for v in (2.17, 2.18, 2.4)]
    assert near == [False, True, True]
    assert gene_level(_call(1.95, 0.14), 0.14, t).near_threshold("deep_deletion")  # <= 1.969
    assert not gene_level(_call(1.98, 0.14), 0.14, t).near_threshold("deep_deletion")


# -- 2. and 3. re-runs: stale HTML, the detection-limit line --------------------------------------
@dataclass(frozen=True)
class Reruns:
    """P001 tracked with ``--html``, then again without it and with ``--min-vaf 0.002``."""

    out: Path
    first_svg: str
    first_files: frozenset[str]
    mine: tuple[Path, ...]  # files in OUT that are not track's output names for P001


def _files(out: Path) -> frozenset[str]:
    return frozenset(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def reruns(tmp_path_factory: pytest.TempPathFactory) -> Reruns:
    directory = tmp_path_factory.mktemp("rerun")
    sheet = write_sheet(directory / "sheet.csv", write_patient(directory, "P001", PERSISTING))
    out = directory / "out"
    _track_run(str(sheet), "--out-dir", str(out), "--html")
    first_svg = (out / "P001.trajectories.svg").read_text()
    first_files = _files(out)
    mine = (out / "P001.alterations.tsv", out / "P001.notes.html", out / "P0011.report.html")
    for path in mine:
        path.write_text("mine\n")
    _track_run(str(sheet), "--out-dir", str(out), "--min-vaf", "0.002")
    return Reruns(out, first_svg, first_files, mine)


def test_rerun_without_html_removes_the_earlier_reports(reruns: Reruns) -> None:
    out = reruns.out
    reports = {"P001.report.html", *(f"samples/{d.sample}.report.html" for d in PERSISTING)}
    assert reports <= reruns.first_files
    assert not reports & _files(out)
    # the files this run writes are there; other names, even alike, are left alone
    for suffix in (".trajectories.tsv", ".kinetics.tsv", ".trajectories.svg"):
        assert (out / f"P001{suffix}").is_file()
    assert all(path.read_text() == "mine\n" for path in reruns.mine)
    assert _files(out) == (reruns.first_files - reports) | {
        str(p.relative_to(out)) for p in reruns.mine
    }


def test_rerun_tables_follow_the_new_min_vaf(reruns: Reruns) -> None:
    rows = _table(reruns.out / "P001.trajectories.tsv")
    egfr = [r for r in rows if r["alteration"] == "EGFR p.S492R"]
    # EGFR at 0.1% is under --min-vaf 0.2% at the latest sample: measured, not counted
    assert egfr[2]["detected"] == "no"
    assert egfr[2]["detection"].startswith("call below the --min-vaf/--min-alt-reads thresholds")
    assert _kinetics(reruns.out, "P001", "EGFR p.S492R")["trend"] == "below_threshold"
    summary = _table(reruns.out / "track.summary.tsv")[0]
    assert summary["window"] == "clearance_unconfirmed" and summary["rechallenge_evidence"] == ""


def _svg_texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def _limit_line_y(svg: str) -> tuple[float, dict[str, float]]:
    """The y of the dashed detection-limit line and of the y-axis ticks (SVG units)."""
    root = ET.fromstring(svg)
    ticks: dict[str, float] = {}
    for group in root.iter(f"{SVG}g"):
        if not group.attrib.get("id", "").startswith("ytick_"):
            continue
        label = "".join(t for text in group.iter(f"{SVG}text") for t in text.itertext())
        (use,) = group.iter(f"{SVG}use")
        ticks[label] = float(use.attrib["y"])
    lines = []
    for path in root.iter(f"{SVG}path"):
        style = path.attrib.get("style", "")
        if "stroke-dasharray" not in style or "#56606b" not in style:
            continue
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.attrib["d"])]
        if len(numbers) == 4 and math.isclose(numbers[1], numbers[3]):
            lines.append((abs(numbers[2] - numbers[0]), numbers[1]))
    return max(lines)[1], ticks  # the longest: the axis line, not the legend's sample


def test_limit_line_is_drawn_at_the_effective_min_vaf(reruns: Reruns) -> None:
    # the default run: 0.1%, on its own tick
    y, ticks = _limit_line_y(reruns.first_svg)
    assert y == pytest.approx(ticks["0.1%"], abs=0.05)
    assert "detection limit 0.1%" in _svg_texts(reruns.first_svg)
    # --min-vaf 0.002: the line moves to 0.2% and says where the limit comes from
    svg = (reruns.out / "P001.trajectories.svg").read_text()
    texts = _svg_texts(svg)
    assert "detection limit 0.2% (--min-vaf)" in texts
    assert "detection limit 0.1%" not in texts
    y, ticks = _limit_line_y(svg)
    decade = ticks["1%"] - ticks["10%"]  # log scale: one decade (y grows downwards)
    assert y == pytest.approx(ticks["1%"] + math.log10(0.01 / 0.002) * decade, abs=0.05)


def test_a_min_vaf_under_the_default_keeps_the_default_limit(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheet.csv", write_patient(tmp_path, "P001", PERSISTING))
    out = tmp_path / "out"
    _track_run(str(sheet), "--out-dir", str(out), "--min-vaf", "0.0005", "--html")
    svg = (out / "P001.trajectories.svg").read_text()
    y, ticks = _limit_line_y(svg)
    assert y == pytest.approx(ticks["0.1%"], abs=0.05)
    assert "detection limit 0.1%" in _svg_texts(svg)


def test_html_methods_name_the_effective_limit(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheet.csv", write_patient(tmp_path, "P001", PERSISTING))
    out = tmp_path / "out"
    _track_run(str(sheet), "--out-dir", str(out), "--min-vaf", "0.002", "--html")
    html = (out / "P001.report.html").read_text()
    assert "detection limit (0.2%: 0.1%, or --min-vaf when that is higher)" in html
    assert "detection limit 0.2% (--min-vaf)" in html  # the inline plot's legend
