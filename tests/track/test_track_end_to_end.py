"""``egfr-annot track`` on generated serial liquid biopsies (issue #10): trends, half-lives within
their intervals, the rechallenge-window statement, the plot, the HTML, determinism."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from serial_builders import CLEARING, PERSISTING, expected_half_life, sites
from track_helpers import TrackRun, make_inputs, run_cli

from egfr_annot.track.model import DISCLAIMER


def _float(text: str) -> float:
    return math.inf if text == "inf" else float(text)


# -- the bar's patient: KRAS cleared, EGFR S492R falling and persisting, TP53 stable ------------
def test_alterations_are_matched_by_genomic_allele_across_timepoints(track_run: TrackRun) -> None:
    s = sites()
    rows = [r for r in track_run.table("P001.trajectories.tsv")]
    assert {r["key"] for r in rows} == {s["KRAS"].key, s["EGFR"].key, s["TP53"].key}
    assert s["EGFR"].key == "GRCh38:7:55160316:C>A"  # c.1476C>A, from the transcript model
    assert s["KRAS"].key == "GRCh38:12:25245350:C>T"
    assert len(rows) == 9  # 3 alterations x 3 timepoints
    kras = [r for r in rows if r["key"] == s["KRAS"].key]
    assert [r["alteration"] for r in kras] == ["KRAS p.G12D"] * 3
    assert [r["detected"] for r in kras] == ["yes", "yes", "no"]
    assert [r["vaf"] for r in kras] == ["0.08", "0.02", ""]
    assert [r["days"] for r in kras] == ["0", "42", "84"]
    assert [r["therapy"] for r in kras] == ["cetuximab", "off", "off"]
    absent = kras[2]
    # the gVCF reference block's MIN_DP tells an absence from a lack of coverage
    assert absent["detection"] == "not detected (depth 3400)"
    assert absent["depth"] == "3400" and absent["depth_source"] == "gVCF reference block (MIN_DP)"
    assert _float(absent["vaf_upper95"]) == round(3 / 3400, 6)
    assert absent["resistance"] == "yes" and absent["alteration_class"] == "KRAS exon 2-4 mutation"
    tp53 = [r for r in rows if r["key"] == s["TP53"].key]
    assert tp53[0]["role"] == "marker" and tp53[0]["resistance"] == ""
    assert [r["sample_status"] for r in tp53] == ["resistance_detected"] * 3


def test_trends_of_the_three_timepoint_patient(track_run: TrackRun) -> None:
    kinetics = {r["alteration"]: r for r in track_run.table("P001.kinetics.tsv")}
    assert kinetics["KRAS p.G12D"]["trend"] == "cleared"
    assert kinetics["EGFR p.S492R"]["trend"] == "falling"
    assert kinetics["TP53 17:7675088 C>T"]["trend"] == "stable"
    assert "last detected 2024-02-19 (VAF 2%)" in kinetics["KRAS p.G12D"]["trend_note"]


def _check_half_life(row: dict[str, str], expected: float) -> None:
    low, high = _float(row["half_life_ci95_low"]), _float(row["half_life_ci95_high"])
    assert row["fit_status"] == "ok"
    assert low < expected < high, (low, expected, high)
    assert low < float(row["half_life_days"]) < high


def test_half_lives_contain_the_generated_decay(track_run: TrackRun) -> None:
    kinetics = {r["alteration"]: r for r in track_run.table("P001.kinetics.tsv")}
    vafs = {
        name: [(d.date, d.vafs[name]) for d in PERSISTING if d.vafs[name]]
        for name in ("KRAS", "EGFR")
    }
    # KRAS: two detected points (8% -> 2% in 42 days): the interval comes from read sampling
    kras = kinetics["KRAS p.G12D"]
    assert math.isclose(expected_half_life(vafs["KRAS"]), 21.0)
    _check_half_life(kras, 21.0)
    assert kras["fit_samples"] == "P001-T0;P001-T1"
    assert "binomial variance" in kras["fit_method"] and "normal" in kras["fit_method"]
    # EGFR: three points 3% -> 0.5% -> 0.1%
    egfr = kinetics["EGFR p.S492R"]
    _check_half_life(egfr, expected_half_life(vafs["EGFR"]))
    assert egfr["fit_samples"] == "P001-T0;P001-T1;P001-T2"
    # decay rate and half-life agree: k = ln 2 / t_half
    assert math.isclose(
        float(egfr["decay_rate_per_day"]) * float(egfr["half_life_days"]), math.log(2), rel_tol=1e-3
    )
    assert egfr["decay_phase"].startswith("from the last sample on anti-EGFR therapy (P001-T0")


def test_window_of_the_persisting_patient(track_run: TrackRun) -> None:
    row = track_run.row("track.summary.tsv", patient="P001")
    assert row["latest_sample"] == "P001-T2" and row["status"] == "resistance_detected"
    assert row["window"] == "resistance_persists"
    assert row["persisting_alterations"] == "EGFR p.S492R at 0.1%"
    assert row["cleared_alterations"] == "KRAS p.G12D"
    assert "EGFR p.S492R at 0.1%" in row["window_statement"]
    assert row["rechallenge_evidence"] == ""  # not cleared: no evidence block
    assert "17.70" not in row["window_statement"]


# -- the second patient: everything clears ------------------------------------------------------
def test_everything_cleared_gives_the_rechallenge_evidence(track_run: TrackRun) -> None:
    row = track_run.row("track.summary.tsv", patient="P002")
    assert row["status"] == "not_detected"
    assert row["window"] == "resistance_cleared"
    assert row["cleared_alterations"] == "EGFR p.S492R;KRAS p.G12D"
    assert row["persisting_alterations"] == ""
    assert "ORR 17.70% (95% CI 8.58-26.82%)" in row["window_statement"]
    assert "pooled ORR 17.70% (95% CI 8.58-26.82%)" in row["rechallenge_evidence"]
    assert "DCR 61.72% (95% CI 53.32-70.11%)" in row["rechallenge_evidence"]
    # the absences' depth came from the mosdepth file
    absent = track_run.row("P002.trajectories.tsv", alteration="KRAS p.G12D", sample="P002-T2")
    assert absent["detection"] == "not detected (depth 3600)"
    assert absent["depth_source"] == "coverage file"
    kinetics = {r["alteration"]: r for r in track_run.table("P002.kinetics.tsv")}
    assert {k["trend"] for k in kinetics.values() if k["role"] == "resistance"} == {"cleared"}
    vafs = [(d.date, d.vafs["KRAS"]) for d in CLEARING if d.vafs["KRAS"]]
    _check_half_life(kinetics["KRAS p.G12D"], expected_half_life(vafs))


def test_absence_without_depth_cannot_confirm_clearance(track_run: TrackRun) -> None:
    row = track_run.row("track.summary.tsv", patient="P003")
    assert row["window"] == "clearance_unconfirmed"
    assert row["cleared_alterations"] == ""
    assert "KRAS p.G12D (not detected, depth unknown" in row["clearance_unconfirmed"]
    assert row["rechallenge_evidence"] == ""
    k = track_run.row("P003.kinetics.tsv", alteration="KRAS p.G12D")
    assert k["trend"] == "not_assessable"
    assert k["fit_status"] == "too_few_points"


def test_non_informative_latest_sample_cannot_assess_the_window(track_run: TrackRun) -> None:
    row = track_run.row("track.summary.tsv", patient="P004")
    assert row["status"] == "non_informative"
    assert row["window"] == "not_assessable"
    assert row["window_statement"].startswith("The rechallenge window cannot be assessed")
    assert row["rechallenge_evidence"] == ""
    k = track_run.row("P004.kinetics.tsv", alteration="KRAS p.G12D")
    assert k["trend"] == "not_assessable"  # depth 4000, but no tumour DNA in the sample


def test_copy_number_alteration_is_followed_by_gene_and_state(track_run: TrackRun) -> None:
    rows = [
        r for r in track_run.table("P005.trajectories.tsv") if r["key"] == "CN:MET:amplification"
    ]
    assert [r["alteration"] for r in rows] == ["MET amplification"] * 2
    assert [r["detected"] for r in rows] == ["yes", "no"]
    assert rows[0]["copy_number"] == "3.1"
    assert rows[1]["detection"].startswith("not detected (copy number informative")
    summary = track_run.row("track.summary.tsv", patient="P005")
    assert summary["window"] == "resistance_cleared"
    assert summary["cleared_alterations"] == "MET amplification"


def test_tables_carry_the_decision_support_disclaimer(track_run: TrackRun) -> None:
    for name in ("P001.trajectories.tsv", "P001.kinetics.tsv", "track.summary.tsv"):
        first = (track_run.out / name).read_text().splitlines()[0]
        assert DISCLAIMER in first and "not a treatment recommendation" in first
    assert track_run.table("track.failures.tsv") == []


def test_per_sample_outputs_are_written_as_run_writes_them(track_run: TrackRun) -> None:
    samples = track_run.out / "samples"
    for sample in ("P001-T0", "P001-T2", "P005-T1"):
        for suffix in (".alterations.tsv", ".summary.tsv", ".report.html"):
            assert (samples / f"{sample}{suffix}").is_file()
    summary = (samples / "P001-T2.summary.tsv").read_text().splitlines()
    assert summary[2].split("\t")[:2] == ["P001-T2", "resistance_detected"]


# -- the plot -----------------------------------------------------------------------------------
def test_trajectory_plot_is_an_svg_with_a_log_vaf_axis(track_run: TrackRun) -> None:
    path = track_run.out / "P001.trajectories.svg"
    assert path.stat().st_size > 8_000
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "VAF (log scale)" in texts
    assert "Date (days since first sample)" in texts
    for label in (
        "KRAS p.G12D (resistance)",
        "EGFR p.S492R (resistance)",
        "TP53 17:7675088 C>T (tumour marker)",
        "detection limit 0.1%",
    ):
        assert label in texts
    assert any("cetuximab" in t for t in texts)  # therapy shading in the legend
    # log scale: the decade ticks 0.1%, 1%, 10% are equally spaced
    ys = {}
    for t in root.iter("{http://www.w3.org/2000/svg}text"):
        if "".join(t.itertext()) in ("0.1%", "1%", "10%"):
            ys["".join(t.itertext())] = float(t.attrib["y"])
    assert set(ys) == {"0.1%", "1%", "10%"}
    assert math.isclose(ys["0.1%"] - ys["1%"], ys["1%"] - ys["10%"], rel_tol=1e-3)
    assert "n.d." in texts  # the not-detected row


def test_outputs_are_byte_identical_on_rerun_whatever_the_workers(
    track_run: TrackRun, tmp_path
) -> None:
    sheet, extra = make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    proc = run_cli("track", str(sheet), "--out-dir", str(out), "--html", "--workers", "1", *extra)
    assert proc.returncode == 0, proc.stderr
    for name in (
        "P001.trajectories.svg",
        "P001.trajectories.tsv",
        "P001.kinetics.tsv",
        "P002.report.html",
    ):
        first = (track_run.out / name).read_text().replace(str(track_run.inputs), "IN")
        second = (out / name).read_text().replace(str(tmp_path / "in"), "IN")
        assert first == second, name


# -- the HTML report ----------------------------------------------------------------------------
def test_patient_html_is_self_contained_with_inline_plot(track_run: TrackRun) -> None:
    html = (track_run.out / "P002.report.html").read_text()
    assert html.count("<svg") == 1 and "<?xml" not in html
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "default-src 'none'" in html
    assert "Resistance alterations cleared in a sample with tumour DNA" in html
    assert "17.70% (95% CI 8.58-26.82%)" in html
    assert DISCLAIMER in html
    assert "not detected (depth 3600)" in html
    persisting = (track_run.out / "P001.report.html").read_text()
    assert "Resistance alteration(s) still detected" in persisting
    assert "17.70" not in persisting


def test_untrusted_ids_are_escaped_in_html_and_plot(tmp_path) -> None:
    from serial_builders import UNCONFIRMED, renamed, write_patient, write_sheet

    patient = "P<script>$1$&"
    draws = renamed(UNCONFIRMED, "P003", "Q<i>")
    rows = write_patient(tmp_path, patient, draws)
    sheet = write_sheet(tmp_path / "sheet.csv", rows)
    out = tmp_path / "out"
    proc = run_cli("track", str(sheet), "--out-dir", str(out), "--html", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    html = (out / f"{patient}.report.html").read_text()
    assert "<script" not in html and "<i>" not in html
    assert "P&lt;script&gt;$1$&amp;" in html and "Q&lt;i&gt;-T0" in html
    svg = (out / f"{patient}.trajectories.svg").read_text()
    title = [
        t
        for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
        if "resistance-clone trajectories" in "".join(t.itertext())
    ]
    assert "".join(title[0].itertext()) == f"Patient {patient}: resistance-clone trajectories"
