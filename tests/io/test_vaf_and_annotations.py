"""Unit rules behind the dialects: value parsing, per-ALT indexing, external annotations."""

from __future__ import annotations

import pytest

from egfr_annot.io.external_annotations import parse_bcsq, parse_csq, vep_allele_strings
from egfr_annot.io.vaf import (
    RecordContext,
    extract_evidence,
    percent_or_fraction,
    split_values,
    to_count,
    to_float,
)
from egfr_annot.io.vcf_header import FieldDecl


def test_missing_values_are_none_never_zero() -> None:
    assert split_values(".") is None and split_values(None) is None
    assert split_values(".,21") == [None, "21"]
    assert to_count(".") is None and to_count("-1") is None and to_count("1.5") is None
    assert to_count("12") == 12 and to_count("12.0") == 12 and to_count("\u00b2") is None
    assert to_float("1.760e-03") == pytest.approx(0.00176)
    assert to_float("nan") is None and to_float("inf") is None


def test_percent_strings() -> None:
    assert percent_or_fraction("48.7%") == (pytest.approx(0.487), True)
    assert percent_or_fraction("100%") == (1.0, True)
    assert percent_or_fraction("0.3") == (0.3, False)
    assert percent_or_fraction("30") == (0.3, True)  # no "%" but > 1: a percent


def _ctx(alts: tuple[str, ...], fmt: dict[str, str], info: dict[str, str | bool] | None = None,
         single: bool = True) -> RecordContext:
    decls = {k: FieldDecl(k, n, "Float", "") for k, n in fmt.items()}
    return RecordContext("C", alts, info or {}, {}, decls, single, False)


def test_out_of_range_vaf_is_not_used_and_reported() -> None:
    ev = extract_evidence(_ctx(("T",), {"AF": "A"}), {"AF": "1.7", "AD": "50,50"}, 1)
    assert ev.vaf == 0.5 and ev.vaf_source == "FORMAT/AD"
    assert any("outside [0, 1]" in p for p in ev.problems)


def test_wrong_number_of_per_alt_values_is_not_guessed() -> None:
    ev = extract_evidence(_ctx(("T", "G"), {"AF": "A"}), {"AF": "0.1"}, 2)
    assert ev.vaf is None
    assert ev.problems == ("FORMAT/AF has 1 values for 2 ALT allele(s): not used",)


def test_zero_coverage_gives_unknown_vaf() -> None:
    ev = extract_evidence(_ctx(("T",), {}), {"AD": "0,0"}, 1)
    assert (ev.vaf, ev.alt_reads, ev.depth) == (None, 0, 0)


def test_site_level_values_only_for_a_single_tumour_sample() -> None:
    info: dict[str, str | bool] = {"AF": "0.2", "DP": "100"}
    assert extract_evidence(_ctx(("T",), {}, info, single=True), {"GT": "0/1"}, 1).vaf == 0.2
    assert extract_evidence(_ctx(("T",), {}, info, single=False), {"GT": "0/1"}, 1).vaf is None
    genotype_af: dict[str, str | bool] = {"AF": "0.5", "AC": "1", "AN": "2"}
    ev = extract_evidence(_ctx(("T",), {}, genotype_af), {"GT": "0/1"}, 1)
    assert ev.vaf is None and "genotype frequency" in ev.notes[0]


def test_vep_allele_strings() -> None:
    assert vep_allele_strings("C", ["T", "A"]) == ["T", "A"]
    assert vep_allele_strings("CA", ["C"]) == ["-"]
    assert vep_allele_strings("C", ["CA", "CAA"]) == ["A", "AA"]
    assert vep_allele_strings("CA", ["C", "T"]) == ["C", "T"]  # first bases differ: no trim


def test_csq_without_allele_num_matches_vep_allele() -> None:
    fields = ("Allele", "Consequence", "SYMBOL", "Feature", "HGVSc", "HGVSp")
    raw = "-|inframe_deletion|EGFR|ENST1|ENST1:c.2236_2250del|ENSP1:p.Glu746_Ala750del"
    (ann,) = parse_csq(raw, fields, "AGGAATTAAGAGAAGC", ["A"], 1)
    assert (ann.gene, ann.hgvsc, ann.hgvsp) == ("EGFR", "c.2236_2250del", "p.Glu746_Ala750del")
    assert parse_csq(raw, fields, "C", ["T"], 1) == ()


def test_bcsq_matching_by_dna_change() -> None:
    raw = "missense|KRAS|ENST1|protein_coding|-|12G>D|25398284C>T,@25398290"
    (ann,) = parse_bcsq(raw, 25398284, "C", ["T"], 1)
    assert ann.hgvsp == "12G>D"
    assert parse_bcsq(raw, 25398284, "C", ["A"], 1) == ()
