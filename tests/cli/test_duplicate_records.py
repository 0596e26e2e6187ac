"""One variant in two records of one sample (two callers' files concatenated; the same change
spelled with a padding base): both rows stay, each names the other record, and the summary counts
the alteration once and warns. Before, the summary said "KRAS p.G12D;KRAS p.G12D" and
n_resistance 2, as if the tumour carried two resistance mutations."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import example_header, run_records

G12D = 25245350  # GRCh38 KRAS c.35G>A = chr12:25245350 C>T (minus strand)
TUMOUR = "GT:AD:AF:DP\t0/1:{ref},{alt}:{af}:{dp}\t0/0:1600,0:0:1600"


def _record(pos: int, ref: str, alt: str, alt_reads: int) -> str:
    af = round(alt_reads / 3000, 4)
    fmt = TUMOUR.format(ref=3000 - alt_reads, alt=alt_reads, af=af, dp=3000)
    return f"chr12\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tDP=3000\t{fmt}"


def test_the_same_snv_twice_is_one_alteration(tmp_path: Path) -> None:
    n_header = len(example_header())
    records = [_record(G12D, "C", "T", 200), _record(G12D, "C", "T", 180)]
    rows, summary = run_records(tmp_path, records)
    assert [(r["hgvsp_short"], r["alt_reads"]) for r in rows] == [("p.G12D", "200"),
                                                                   ("p.G12D", "180")]
    first, second = n_header + 1, n_header + 2
    assert rows[0]["notes"].startswith(
        f"the same variant as the record at line {second} (chr12:{G12D} C>T): one variant in 2 "
        "records (two callers' files merged, or one indel spelled two ways), counted once in the "
        "summary")
    assert rows[1]["notes"].startswith(f"the same variant as the record at line {first} ")
    assert (summary["n_resistance"], summary["resistance_alterations"]) == ("1", "KRAS p.G12D")
    assert summary["status_reason"] == "resistance alteration(s) detected: KRAS p.G12D"
    assert summary["rechallenge_evidence"] == "argues against anti-EGFR rechallenge: KRAS p.G12D"
    assert f"KRAS c.35G>A is in 2 records (line {first} (chr12:{G12D} C>T), line {second} " \
           f"(chr12:{G12D} C>T)): counted once" in summary["warnings"]
    assert summary["n_alterations"] == "2"  # (rows: nothing dropped)


def test_two_spellings_of_one_change_are_one_alteration(tmp_path: Path) -> None:
    # AC>AT one base before: the same C>T once the shared first base is trimmed
    rows, summary = run_records(tmp_path, [_record(G12D - 1, "AC", "AT", 150),
                                    _record(G12D, "C", "T", 200)])
    assert [r["hgvsc"] for r in rows] == ["c.35G>A", "c.35G>A"]
    assert f"(chr12:{G12D - 1} AC>AT)" in rows[1]["notes"]
    assert summary["n_resistance"] == "1"


def test_two_changes_at_one_site_are_two_alterations(tmp_path: Path) -> None:
    records = [_record(G12D, "C", "T", 200), _record(G12D, "C", "A", 90)]
    rows, summary = run_records(tmp_path, records)
    assert all("the same variant" not in r["notes"] for r in rows)
    assert summary["resistance_alterations"] == "KRAS p.G12V;KRAS p.G12D"
    assert summary["n_resistance"] == "2"
    assert "counted once" not in summary["warnings"]


def test_json_counts_a_duplicated_variant_once(tmp_path: Path) -> None:
    # counted_for_status is what a JSON consumer sums for the status: it must agree with
    # n_resistance, not count the second record of the same variant again
    records = [_record(G12D, "C", "T", 200), _record(G12D, "C", "T", 180),
               _record(G12D, "C", "A", 90)]
    run_records(tmp_path, records, "--json")
    (sample,) = json.loads((tmp_path / "out.json").read_text())["samples"]
    rows = [(a["hgvsp_short"], a["alt_reads"], a["counted_for_status"])
            for a in sample["alterations"]]
    assert sorted(rows) == [("p.G12D", 180, False), ("p.G12D", 200, True),
                            ("p.G12V", 90, True)]
    assert sample["n_resistance"] == 2
