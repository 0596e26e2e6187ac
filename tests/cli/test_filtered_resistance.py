"""A catalogued resistance alteration that the caller's FILTER hides (Mutect2 ``weak_evidence``
on a KRAS G12D at 0.27 %, as in early resistance) is not counted for the status, but the summary
names it: in the status reason when nothing else is detected, and with its FILTER and VAF in the
sample's warnings. Before, the summary said only ``skipped: filtered=1``."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run_records

from egfr_annot.pipeline import FILTERED_LISTED, Resources

FMT = "GT:AD:AF:DP\t0/1:{ref},{alt}:{af}:3000\t0/0:1600,0:0:1600"
G12D = ("chr12", 25245350, "C", "T")  # KRAS c.35G>A, resistance: yes
E545K = ("chr3", 179218303, "G", "A")  # PIK3CA c.1633G>A, in the catalogue as resistance: no
BRAF_V600E = ("chr7", 140753336, "A", "T")


def _record(site: tuple[str, int, str, str], filt: str, alt_reads: int = 8) -> str:
    chrom, pos, ref, alt = site
    fmt = FMT.format(ref=3000 - alt_reads, alt=alt_reads, af=round(alt_reads / 3000, 5))
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t{filt}\tDP=3000\t{fmt}"


def test_a_filtered_kras_g12d_is_named(tmp_path: Path) -> None:
    rows, summary = run_records(tmp_path, [_record(G12D, "weak_evidence"),
                                    _record(E545K, "weak_evidence")])
    assert rows == []
    assert summary["status"] == "non_informative"
    assert summary["status_reason"].endswith(
        "; filtered out by the caller, not counted: KRAS p.G12D (see warnings)")
    assert summary["warnings"] == (
        "filtered by the caller, not counted for the status: KRAS p.G12D (FILTER weak_evidence, "
        "VAF 0.267%; resistance: yes) (--include-filtered lists them as rows)")
    assert summary["skipped"] == "filtered=2"  # (PIK3CA E545K too, not resistance: not named)


def test_named_in_warnings_only_when_resistance_is_detected(tmp_path: Path) -> None:
    rows, summary = run_records(tmp_path, [_record(BRAF_V600E, "PASS", 300),
                                    _record(G12D, "weak_evidence")])
    assert [r["hgvsp_short"] for r in rows] == ["p.V600E"]
    assert summary["status_reason"] == "resistance alteration(s) detected: BRAF p.V600E"
    assert "KRAS p.G12D (FILTER weak_evidence" in summary["warnings"]


def test_include_filtered_lists_it_as_a_row_instead(tmp_path: Path) -> None:
    rows, summary = run_records(tmp_path, [_record(G12D, "weak_evidence")], "--include-filtered")
    assert [(r["hgvsp_short"], r["filter"]) for r in rows] == [("p.G12D", "weak_evidence")]
    assert "filtered by the caller" not in summary["warnings"]
    assert "filtered out" not in summary["status_reason"]


def test_a_long_list_is_cut(tmp_path: Path) -> None:
    # every base of KRAS codons 12-19 (exon 2) changed: 24 filtered SNVs, most of them missense
    reference = Resources().annotator("GRCh38").reference
    records = []
    for pos in range(25245330, 25245354):
        ref = reference.fetch("chr12", pos, pos)
        assert ref is not None
        alt = {"A": "C", "C": "A", "G": "T", "T": "G"}[ref]
        records.append(_record(("chr12", pos, ref, alt), "weak_evidence"))
    listed_rows, _ = run_records(tmp_path, records, "--include-filtered")
    resistant = [r for r in listed_rows if r["resistance"] == "yes"]
    assert len(resistant) > FILTERED_LISTED
    _, summary = run_records(tmp_path, records)
    assert summary["warnings"].count("(FILTER weak_evidence") == FILTERED_LISTED
    assert f"; and {len(resistant) - FILTERED_LISTED} more (--include-filtered" in \
        summary["warnings"]
