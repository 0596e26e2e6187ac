"""Per-sample verdict: status, tumour fraction and its exclusions, notes (issue #7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from egfr_annot.pipeline import Resources, RunOptions, annotate_input
from egfr_annot.verdict import (
    EvidenceCall,
    TumourEvidenceThresholds,
    clonal_haematopoiesis_genes,
    estimate_tumour_fraction,
    exclusion_reason,
)

HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    "##contig=<ID=chr12,length=133275309>\n##contig=<ID=chr17,length=83257441>\n"
    "##contig=<ID=chr2,length=242193529>\n##contig=<ID=chr5,length=181538259>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPLASMA\n"
)
KRAS_G12D = "chr12\t25245350\t.\tC\tT"
TP53_R175H = "chr17\t7675088\t.\tC\tT"
APC_R1450X = "chr5\t112839942\t.\tC\tT"
DNMT3A_R882H = "chr2\t25234373\t.\tC\tT"


def vcf(tmp_path: Path, *records: tuple[str, int, int]) -> str:
    """records: (site, alt reads, depth)."""
    body = "".join(
        f"{site}\t.\tPASS\t.\tAD:DP\t{dp - alt},{alt}:{dp}\n" for site, alt, dp in records
    )
    path = tmp_path / "s.vcf"
    path.write_text(HEADER + body)
    return str(path)


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


def run(path: str, resources: Resources, **options: object):  # type: ignore[no-untyped-def]
    (result,) = annotate_input(path, RunOptions(checksum=False, **options), resources)  # type: ignore[arg-type]
    return result


def test_ch_genes_come_from_the_data() -> None:
    genes = clonal_haematopoiesis_genes()
    assert {"DNMT3A", "TET2", "ASXL1", "PPM1D"} <= genes
    assert "KRAS" not in genes and "TP53" not in genes


def test_exclusion_reasons() -> None:
    t = TumourEvidenceThresholds()
    assert exclusion_reason(EvidenceCall("DNMT3A", "x", 0.2), False, t) == (
        "clonal-haematopoiesis gene"
    )
    assert "possible clonal haematopoiesis" in str(
        exclusion_reason(EvidenceCall("TP53", "x", 0.01), False, t)
    )
    assert exclusion_reason(EvidenceCall("TP53", "x", 0.05), False, t) is None
    assert exclusion_reason(EvidenceCall("APC", "x", 0.48), False, t) == (
        "germline-range VAF in a tumour-only sample"
    )
    assert exclusion_reason(EvidenceCall("APC", "x", 0.48), True, t) is None


def test_tumour_fraction_is_twice_the_best_eligible_vaf() -> None:
    calls = [
        EvidenceCall("DNMT3A", "DNMT3A p.R882H", 0.30),
        EvidenceCall("APC", "APC p.R1450*", 0.06),
        EvidenceCall("TP53", "TP53 p.R175H", 0.015),
    ]
    tf, best = estimate_tumour_fraction(
        calls, user_value=None, paired_normal=False, thresholds=TumourEvidenceThresholds()
    )
    assert tf.value == 0.12 and best is not None and best.gene == "APC"
    assert tf.method == "2 x max somatic VAF (APC p.R1450*, VAF 6%)"


def test_not_detected_needs_tumour_dna(tmp_path: Path, resources: Resources) -> None:
    result = run(vcf(tmp_path, (TP53_R175H, 60, 1000), (APC_R1450X, 55, 1000)), resources)
    assert result.status == "not_detected"
    assert result.tumour_fraction.value == 0.12


def test_ch_only_sample_is_non_informative(tmp_path: Path, resources: Resources) -> None:
    result = run(vcf(tmp_path, (DNMT3A_R882H, 120, 1000)), resources)
    assert result.status == "non_informative"
    assert "DNMT3A" in result.status_reason and "clonal-haematopoiesis gene" in result.status_reason


def test_reason_names_the_five_highest_left_out_calls_and_counts_the_rest(
    tmp_path: Path, resources: Resources
) -> None:
    # eight DNMT3A calls (clonal haematopoiesis): VAF 1% ... 8%
    sites = [(f"chr2\t{25234373 + 7 * i}\t.\tC\tT", 10 * (i + 1), 1000) for i in range(8)]
    result = run(vcf(tmp_path, *sites), resources)
    assert result.status == "non_informative"
    not_used = result.status_reason.split("(not used: ", 1)[1].split("): a negative", 1)[0]
    shown = not_used.split("; ")
    assert [part.split(" (VAF ")[1].split(":")[0] for part in shown[:5]] == [
        "8%", "7%", "6%", "5%", "4%"
    ]
    assert shown[5] == "3 more" and len(shown) == 6


def test_user_tumour_fraction_decides_when_given(tmp_path: Path, resources: Resources) -> None:
    path = vcf(tmp_path, (DNMT3A_R882H, 120, 1000))
    assert run(path, resources, tumour_fraction=0.3).status == "not_detected"
    low = run(path, resources, tumour_fraction=0.01)
    assert low.status == "non_informative" and "(user) < 2%" in low.status_reason


def test_low_vaf_ras_without_other_evidence_gets_a_note(
    tmp_path: Path, resources: Resources
) -> None:
    result = run(vcf(tmp_path, (KRAS_G12D, 3, 1000)), resources)
    assert result.status == "resistance_detected"  # reported, but flagged for confirmation
    assert any("confirm before acting" in note for note in result.notes)
    with_tumour = run(vcf(tmp_path, (KRAS_G12D, 3, 1000), (TP53_R175H, 80, 1000)), resources)
    assert not any("confirm before acting" in note for note in with_tumour.notes)


def _filtered(site: str, filt: str, alt_reads: int = 60, depth: int = 1000) -> str:
    return f"{site}\t.\t{filt}\t.\tAD:DP\t{depth - alt_reads},{alt_reads}:{depth}\n"


def test_filtered_records_that_can_only_be_evidence_are_counted_not_parsed(
    tmp_path: Path, resources: Resources
) -> None:
    """A failed FILTER where only tumour-DNA evidence can come from (APC, far from the panel
    transcripts) leaves the record nothing to give: it is counted, not parsed (issue #9). The
    same record passing is evidence; a failed KRAS call is still parsed and counted as
    filtered; a symbolic record stays copy-number input."""
    path = tmp_path / "f.vcf"
    path.write_text(
        HEADER
        + _filtered(KRAS_G12D, "weak_evidence")
        + _filtered(APC_R1450X, "PASS")
        + _filtered("chr5\t112839950\t.\tC\tT", "strand_bias")
        + _filtered("chr5\t112839960\t.\tC\tCA,T", "strand_bias")  # multi-ALT, still plain
        + _filtered("chr5\t112839970\t.\tC\t<DEL>", "strand_bias")
        + _filtered("chr17\t7675088\t.\tC\tT", "strand_bias")
    )
    result = run(str(path), resources)
    skipped = result.counts.skipped_dict()
    assert skipped["filtered_tumour_evidence_record"] == 3  # APC x2, TP53
    assert skipped["filtered"] == 1  # KRAS G12D, parsed and annotated
    assert skipped["symbolic_allele"] == 1  # <DEL>, parsed
    assert result.counts.records_in_panel == 6
    assert result.counts.calls_in_panel == 2  # KRAS, APC (PASS)
    assert result.tumour_fraction.value == 0.12  # from the passing APC call only
    with_all = run(str(path), resources, include_filtered=True)
    assert with_all.counts.skipped_dict()["filtered_tumour_evidence_record"] == 3
    assert [f.consequence.hgvsp_short for f in with_all.findings] == ["p.G12D"]


def test_filtered_record_with_a_bad_ref_is_still_an_error(
    tmp_path: Path, resources: Resources
) -> None:
    from egfr_annot.errors import InputError

    path = tmp_path / "bad.vcf"
    path.write_text(HEADER + _filtered("chr5\t112839950\t.\tC?\tT", "strand_bias"))
    with pytest.raises(InputError, match=r"bad.vcf:9: invalid REF 'C\?'"):
        run(str(path), resources)
