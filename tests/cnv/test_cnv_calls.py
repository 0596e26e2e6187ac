"""Copy-number states, purity adjustment, segment aggregation and informativeness (issue #6)."""

from __future__ import annotations

import pytest

from egfr_annot.copy_number import (
    CopyNumberThresholds,
    call_genes,
    classify,
    copy_number_informative,
    is_reportable,
    weighted_median,
)
from egfr_annot.errors import UsageError
from egfr_annot.io.cnv import CopyNumberSegment, GeneCopyNumber
from egfr_annot.records import CopyNumberCall

# GRCh38 MANE spans (tests/data/cnv/panel_spans.tsv)
MET = ("7", 116672405, 116798386)
PTEN = ("10", 87863625, 87971930)


def seg(
    chrom: str,
    start: int,
    end: int,
    *,
    cn: float | None = None,
    log2: float | None = None,
    line: int = 1,
    sample: str = "",
    flt: str = "PASS",
    kind: str = "segment",
    weight: float | None = None,
    tumour_level: bool = False,
) -> CopyNumberSegment:
    return CopyNumberSegment(
        sample=sample,
        chrom=chrom,
        start=start,
        end=end,
        copy_number=cn,
        log2=log2,
        source="test",
        path="t.seg",
        line=line,
        kind=kind,
        weight=weight,  # type: ignore[arg-type]
        filter=flt,
        tumour_level=tumour_level,
        contig=chrom,
    )


def one(calls: tuple[CopyNumberCall, ...], gene: str) -> CopyNumberCall:
    [call] = [c for c in calls if c.gene == gene]
    return call


# --------------------------------------------------------------------------------------------
# states
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("observed", "state"),
    [
        (2.5, "amplification"),  # plasma threshold is inclusive
        (2.499, "gain"),
        (2.2, "gain"),
        (2.199, "neutral"),
        (1.801, "neutral"),
        (1.8, "loss"),
        (0.5, "loss"),
        (0.499, "deep_deletion"),
        (0.0, "deep_deletion"),
    ],
)
def test_plasma_states_when_tumour_fraction_unknown(observed: float, state: str) -> None:
    result = classify(observed, tumour_fraction=None)
    assert result.state == state
    assert result.adjusted is None
    assert result.reason.startswith(f"state {state}: observed plasma copy number")


@pytest.mark.parametrize(
    ("observed", "tf", "adjusted", "state"),
    [
        (3.2, 0.4, 5.0, "amplification"),  # 2 + 1.2 / 0.4 = 5.0, inclusive
        (3.19, 0.4, 4.975, "gain"),
        (2.2, 0.4, 2.5, "gain"),  # exactly at the noise floor and at the gain threshold
        (2.15, 0.05, 5.0, "neutral"),  # 0.15 from 2: noise, whatever the adjustment says
        (1.85, 0.05, 0.0, "neutral"),
        (1.8, 0.4, 1.5, "neutral"),  # loss is < 1.5
        (1.6, 0.4, 1.0, "loss"),
        (1.4, 0.4, 0.5, "loss"),  # deep deletion is < 0.5
        (1.2, 0.4, 0.0, "deep_deletion"),  # 2 + (1.2 - 2) / 0.4 = 0.0
        (0.5, 0.4, 0.0, "deep_deletion"),  # -1.75 clipped to 0
        (12.0, 1.0, 12.0, "amplification"),
    ],
)
def test_purity_adjusted_states(observed: float, tf: float, adjusted: float, state: str) -> None:
    result = classify(observed, tumour_fraction=tf)
    assert result.adjusted == pytest.approx(adjusted, abs=1e-9)
    assert result.state == state


def test_clipped_adjustment_is_explained() -> None:
    result = classify(0.5, tumour_fraction=0.4)
    assert "= -1.75, below 0: reported as 0" in result.reason


def test_tumour_level_copy_number_is_not_adjusted() -> None:
    result = classify(3.0, tumour_fraction=0.1, tumour_level=True)
    assert (result.state, result.adjusted) == ("gain", 3.0)
    assert "not adjusted for purity" in result.reason


def test_thresholds_are_configurable() -> None:
    strict = CopyNumberThresholds(amplification=8.0, plasma_amplification=3.0)
    assert classify(2.8, tumour_fraction=None, thresholds=strict).state == "gain"
    assert classify(3.0, tumour_fraction=None, thresholds=strict).state == "amplification"
    assert classify(4.0, tumour_fraction=0.4, thresholds=strict).state == "gain"  # 7.0 < 8
    assert dict(strict.items())["cn_amplification"] == "8"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amplification": 2.0}, "0 <= deep_deletion < loss < 2 < gain <= amplification"),
        ({"gain": 6.0}, "gain=6, amplification=5"),
        ({"loss": 0.4}, "deep_deletion=0.5, loss=0.4"),
        ({"plasma_amplification": 1.9}, "--plasma-amp-threshold must be above 2 copies"),
        ({"min_tumour_fraction": 0.0}, "min_tumour_fraction must be in (0, 1]"),
        ({"min_overlap_fraction": 1.5}, "min_overlap_fraction must be in [0, 1]"),
    ],
)
def test_bad_thresholds_are_usage_errors(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(UsageError) as err:
        CopyNumberThresholds(**kwargs)
    assert message in str(err.value)


@pytest.mark.parametrize("tf", [0.0, -0.1, 1.2])
def test_tumour_fraction_outside_unit_interval_is_refused(tf: float) -> None:
    with pytest.raises(UsageError, match=r"tumour fraction must be in \(0, 1\]"):
        call_genes([], {}, tumour_fraction=tf, sample="S")


def test_is_reportable_only_for_amplification_and_deep_deletion() -> None:
    base = CopyNumberCall("S", "MET", "7", 1, 2, 6.0, None, "amplification", 1.0, "t", "p", 1)
    from dataclasses import replace

    assert is_reportable(base)
    assert is_reportable(replace(base, gene="PTEN", state="deep_deletion"))
    for state in ("gain", "neutral", "loss"):
        assert not is_reportable(replace(base, state=state))


# --------------------------------------------------------------------------------------------
# informativeness of a negative result
# --------------------------------------------------------------------------------------------
def test_negative_result_not_informative_without_tumour_fraction() -> None:
    ok, text = copy_number_informative(None)
    assert not ok
    assert text.startswith("tumour fraction unknown")


def test_negative_result_not_informative_at_low_tumour_fraction() -> None:
    ok, text = copy_number_informative(0.05)
    assert not ok
    # 2 + (5 - 2) * 0.05 = 2.15 copies in plasma
    assert text == (
        "tumour fraction 0.05 < 0.1: a tumour amplification to 5 copies would read as 2.15 "
        "copies in plasma, too close to 2 to exclude an amplification"
    )


def test_negative_result_informative_at_sufficient_tumour_fraction() -> None:
    ok, text = copy_number_informative(0.1)
    assert ok
    assert "would read as 2.30 copies" in text
    assert copy_number_informative(0.08, CopyNumberThresholds(min_tumour_fraction=0.05))[0]


# --------------------------------------------------------------------------------------------
# aggregation over a gene
# --------------------------------------------------------------------------------------------
def test_weighted_median() -> None:
    assert weighted_median([(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]) == 2.0
    assert weighted_median([(1.0, 1.0), (2.0, 1.0), (3.0, 1.0), (4.0, 1.0)]) == 2.5
    assert weighted_median([(1.0, 0.1), (5.0, 0.1), (2.0, 1.0)]) == 2.0
    assert weighted_median([(9.0, 0.0), (1.0, 1.0)]) == 1.0  # zero weight ignored
    assert weighted_median([(1.0, 0.0), (3.0, 0.0)]) == 2.0  # all zero: equal weights


def test_several_segments_are_length_weighted(models) -> None:
    chrom, lo, hi = MET
    mid = lo + 100_000  # 100000 bases at CN 8, the rest (25982) at CN 2
    segments = [
        seg(chrom, lo - 5000, mid - 1, cn=8.0, line=3),
        seg(chrom, mid, hi + 5000, cn=2.0, line=4),
    ]
    call = one(call_genes(segments, models("GRCh38"), tumour_fraction=None, sample="S"), "MET")
    expected = (8.0 * 100_000 + 2.0 * 25_982) / 125_982
    assert call.copy_number == pytest.approx(round(expected, 3))
    assert call.state == "amplification"
    assert (call.start, call.end, call.line) == (lo - 5000, hi + 5000, 3)
    assert call.overlap_fraction == 1.0
    assert any(
        n.startswith("2 segments over MET: 7:116667405-116772404 CN 8.00 over 79%")
        for n in call.notes
    )


def test_intragenic_deep_deletion_is_flagged_for_review(models) -> None:
    chrom, lo, hi = PTEN
    cut = lo + 40_000
    segments = [seg(chrom, lo, cut - 1, cn=0.0), seg(chrom, cut, hi, cn=2.0)]
    call = one(call_genes(segments, models("GRCh38"), tumour_fraction=None, sample="S"), "PTEN")
    # 40000 / 108306 of the gene at 0 copies: the gene-level value is a loss
    assert call.state == "loss"
    assert call.copy_number == pytest.approx(2.0 * 68_306 / 108_306, abs=1e-3)
    assert any("alone would be deep deletion: review the segments" in n for n in call.notes)


def test_partial_deep_deletion_is_not_filtered(models) -> None:
    chrom, lo, hi = PTEN
    segments = [seg(chrom, lo + 30_000, lo + 60_000, cn=0.0)]
    call = one(call_genes(segments, models("GRCh38"), tumour_fraction=None, sample="S"), "PTEN")
    assert call.state == "deep_deletion"
    assert call.filter == "PASS"
    assert call.overlap_fraction == pytest.approx(30_001 / 108_306, abs=1e-4)
    assert any("an intragenic deletion still disrupts the gene" in n for n in call.notes)


def test_partial_amplification_is_filtered(models) -> None:
    chrom, lo, hi = MET
    segments = [seg(chrom, hi - 40_000, hi + 90_000, cn=9.0, flt="LowQual")]
    call = one(call_genes(segments, models("GRCh38"), tumour_fraction=0.5, sample="S"), "MET")
    assert call.state == "amplification"
    assert call.filter == "LowQual;partial_overlap"
    assert call.overlap_fraction == pytest.approx(40_001 / 125_982, abs=1e-4)
    loose = CopyNumberThresholds(min_overlap_fraction=0.3)
    call = one(
        call_genes(segments, models("GRCh38"), tumour_fraction=0.5, thresholds=loose, sample="S"),
        "MET",
    )
    assert call.filter == "LowQual"


def test_segments_win_over_a_gene_table_value(models) -> None:
    chrom, lo, hi = MET
    records = [
        GeneCopyNumber("S", "MET", 2.1, "gene table copy number", "report.tsv", 5),
        seg(chrom, lo, hi, cn=7.0, sample="S"),
    ]
    call = one(call_genes(records, models("GRCh38"), tumour_fraction=None, sample="S"), "MET")
    assert call.copy_number == 7.0
    assert "also given for MET, not used: gene-level copy number 2.1 (report.tsv:5)" in call.notes


def test_segment_from_log2_uses_ploidy_two(models) -> None:
    chrom, lo, hi = MET
    call = one(
        call_genes(
            [seg(chrom, lo, hi, log2=1.0)], models("GRCh38"), tumour_fraction=None, sample="S"
        ),
        "MET",
    )
    assert call.copy_number == 4.0


def test_genes_without_records_get_no_call_and_genes_filter(models) -> None:
    chrom, lo, hi = MET
    records = [seg(chrom, lo, hi, cn=7.0), seg(PTEN[0], PTEN[1], PTEN[2], cn=0.0)]
    calls = call_genes(records, models("GRCh38"), tumour_fraction=None, sample="S")
    assert [c.gene for c in calls] == ["MET", "PTEN"]  # panel (model) order
    calls = call_genes(records, models("GRCh38"), tumour_fraction=None, sample="S", genes={"PTEN"})
    assert [c.gene for c in calls] == ["PTEN"]
