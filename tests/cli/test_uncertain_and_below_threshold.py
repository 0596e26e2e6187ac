"""What a sample's verdict says of resistance alterations that do not count for its status.

- One the knowledge base calls uncertain (weaker or conflicting evidence, e.g. a BRAF codon 600
  change other than V600E) is named in the status reason, and the rechallenge block does not
  attach the strategies meant for tumours without a resistance driver. Before, the sample read
  "no resistance alteration detected" with those strategies.
- One that ``--min-vaf`` / ``--min-alt-reads`` leaves out is named too, as a filtered one is.
  Before, the summary said only ``skipped: below_vaf_or_alt_read_threshold=1``.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run_records

FMT = "GT:AD:AF:DP\t0/1:{ref},{alt}:{af}:3000\t0/0:1600,0:0:1600"
BRAF_V600G = ("chr7", 140753336, "A", "C")  # c.1799T>G: BRAF codon 600, resistance: uncertain
G12D = ("chr12", 25245350, "C", "T")  # KRAS c.35G>A, resistance: yes


def _record(site: tuple[str, int, str, str], alt_reads: int) -> str:
    chrom, pos, ref, alt = site
    fmt = FMT.format(ref=3000 - alt_reads, alt=alt_reads, af=round(alt_reads / 3000, 5))
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tDP=3000\t{fmt}"


def test_an_uncertain_alteration_is_named_and_no_driver_strategies_are_not_attached(
        tmp_path: Path) -> None:
    rows, summary = run_records(tmp_path, [_record(BRAF_V600G, 300)], "--tumor-fraction", "0.3",
                                "--json")
    assert [(r["hgvsp_short"], r["resistance"]) for r in rows] == [("p.V600G", "uncertain")]
    assert summary["status"] == "not_detected"
    assert summary["status_reason"] == (
        "no resistance alteration detected; tumour fraction 30% (user) >= 2%; of uncertain "
        "resistance significance (weaker or conflicting evidence; not counted for the status, "
        "see the rows): BRAF p.V600G")
    assert summary["rechallenge_evidence"].startswith(
        "no established resistance alteration detected, but BRAF p.V600G is of uncertain "
        "resistance significance: weigh it before relying on this evidence: ")
    block = dict((item["key"], item["value"]) for item in json.loads(
        (tmp_path / "out.json").read_text())["samples"][0]["rechallenge"])
    assert block["no_driver_strategies"] == (
        "not attached: an alteration of uncertain resistance significance is present "
        "(BRAF p.V600G)")


def test_without_it_the_no_driver_strategies_are_attached(tmp_path: Path) -> None:
    _rows, summary = run_records(tmp_path, [], "--tumor-fraction", "0.3", "--json")
    assert summary["status_reason"] == "no resistance alteration detected; tumour fraction 30% " \
                                       "(user) >= 2%"
    block = dict((item["key"], item["value"]) for item in json.loads(
        (tmp_path / "out.json").read_text())["samples"][0]["rechallenge"])
    assert block["no_driver_strategies"].count(";") >= 3  # (the review's list)


def test_a_resistance_call_below_min_vaf_is_named(tmp_path: Path) -> None:
    rows, summary = run_records(tmp_path, [_record(G12D, 10)], "--min-vaf", "0.005",
                                "--tumor-fraction", "0.3")
    assert rows == []
    assert summary["status"] == "not_detected"
    assert summary["status_reason"].endswith(
        "; below the VAF / ALT-read thresholds, not counted: KRAS p.G12D (see warnings)")
    assert summary["warnings"] == (
        "below the VAF / ALT-read thresholds (--min-vaf 0.005, --min-alt-reads 0), not counted "
        "for the status: KRAS p.G12D (VAF 0.333%, 10 ALT reads; resistance: yes)")
    assert summary["skipped"] == "below_vaf_or_alt_read_threshold=1"


def test_below_min_alt_reads_too(tmp_path: Path) -> None:
    _rows, summary = run_records(tmp_path, [_record(G12D, 10)], "--min-alt-reads", "20",
                                 "--tumor-fraction", "0.3")
    assert "KRAS p.G12D (VAF 0.333%, 10 ALT reads; resistance: yes)" in summary["warnings"]
