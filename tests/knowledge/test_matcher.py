"""Each variant the review names gets the right rule, level, resistance call and references;
decoys never match."""

from __future__ import annotations

from dataclasses import replace

import pytest

from egfr_annot.errors import UsageError
from egfr_annot.knowledge import Matcher
from egfr_annot.records import Allele, Consequence, CopyNumberCall

# gene, hgvsp_short, expected first rule, level, resistance, references that must be reported
NAMED = [
    ("EGFR", "p.G465R", "EGFR_G465R", "protein", "yes", {10, 67, 68}),
    ("EGFR", "p.G465E", "EGFR_G465E", "protein", "yes", {10, 67, 68, 41}),
    ("EGFR", "p.S492R", "EGFR_S492R", "protein", "yes", {10, 67, 68, 21}),
    ("EGFR", "p.V843I", "EGFR_V843I", "protein", "yes", {69}),
    ("KRAS", "p.G12D", "KRAS_CODON12", "codon", "yes", {81, 82}),
    ("KRAS", "p.G12V", "KRAS_CODON12", "codon", "yes", {81, 82}),
    ("KRAS", "p.G12C", "KRAS_G12C", "protein", "yes", {81, 82, 86, 87}),
    ("KRAS", "p.G13D", "KRAS_G13D", "protein", "yes", {81, 82}),
    ("KRAS", "p.A59T", "KRAS_CODON59", "codon", "yes", {81, 82}),
    ("KRAS", "p.Q61H", "KRAS_CODON61", "codon", "yes", {81, 82}),
    ("KRAS", "p.K117N", "KRAS_CODON117", "codon", "yes", {81, 82}),
    ("KRAS", "p.A146T", "KRAS_CODON146", "codon", "yes", {81, 82}),
    ("KRAS", "p.L19F", "KRAS_EXON2", "exon", "yes", {81, 82}),
    ("KRAS", "p.T58I", "KRAS_EXON3", "exon", "yes", {81, 82}),
    ("KRAS", "p.L120V", "KRAS_EXON4", "exon", "yes", {81, 82}),
    ("KRAS", "p.T20M", "KRAS_CODON20", "codon", "uncertain", {83, 84, 85}),
    ("KRAS", "p.H27*", "KRAS_CODON27", "codon", "uncertain", {83, 84, 85}),
    ("KRAS", "p.D30N", "KRAS_CODON30", "codon", "uncertain", {83, 84, 85}),
    ("KRAS", "p.E31K", "KRAS_CODON31", "codon", "uncertain", {83, 84, 85}),
    ("NRAS", "p.G12D", "NRAS_CODON12", "codon", "yes", {81, 82}),
    ("NRAS", "p.G13R", "NRAS_CODON13", "codon", "yes", {81, 82}),
    ("NRAS", "p.Q61K", "NRAS_CODON61", "codon", "yes", {81, 82}),
    ("NRAS", "p.A146T", "NRAS_CODON146", "codon", "yes", {81, 82}),
    ("NRAS", "p.T50I", "NRAS_EXON3", "exon", "yes", {81, 82}),
    ("HRAS", "p.G12V", "HRAS_EXON2", "exon", "uncertain", {9, 79, 80}),
    ("BRAF", "p.V600E", "BRAF_V600E", "protein", "yes", {25, 26, 80, 91, 92, 93, 94, 95, 96}),
    ("BRAF", "p.D594G", "BRAF_D594G", "protein", "uncertain", {25, 96}),
    ("BRAF", "p.G469A", "BRAF_G469A", "protein", "uncertain", {25, 96}),
    ("BRAF", "p.L485F", "BRAF_L485F", "protein", "uncertain", {25, 96}),
    ("BRAF", "p.L525R", "BRAF_L525R", "protein", "uncertain", {25, 96}),
    ("BRAF", "p.V600R", "BRAF_V600R", "protein", "uncertain", {25, 96}),
    ("BRAF", "p.Q524L", "BRAF_Q524L", "protein", "no", {25, 96}),
    ("BRAF", "p.V600K", "BRAF_CODON600", "codon", "uncertain", {25, 96}),
    ("PIK3CA", "p.H1047R", "PIK3CA_EXON20", "exon", "yes", {11}),
    ("PIK3CA", "p.M1043I", "PIK3CA_EXON20", "exon", "yes", {11}),
    ("PIK3CA", "p.E545K", "PIK3CA_EXON9", "exon", "no", {11}),
    ("PIK3CA", "p.E542K", "PIK3CA_EXON9", "exon", "no", {11}),
    ("PIK3CA", "p.Q546K", "PIK3CA_EXON9", "exon", "no", {11}),
    ("PTEN", "p.R130*", "PTEN_TRUNCATING", "gene", "yes", {106, 107, 108, 109, 110}),
    ("PTEN", "p.K267Rfs*9", "PTEN_TRUNCATING", "gene", "yes", {106, 108, 109}),
    ("ERBB2", "p.S310F", "ERBB2_S310F", "protein", "yes", {13}),
    ("ERBB2", "p.L755S", "ERBB2_L755S", "protein", "yes", {13}),
    ("ERBB2", "p.V777L", "ERBB2_V777L", "protein", "yes", {13}),
    ("ERBB2", "p.V842I", "ERBB2_V842I", "protein", "yes", {13}),
    ("ERBB2", "p.L866M", "ERBB2_L866M", "protein", "yes", {13}),
    ("ERBB2", "p.L866F", "ERBB2_CODON866", "codon", "uncertain", {13}),
    ("FCGR3A", "p.F176V", "FCGR3A_F176V", "protein", "uncertain", {143}),
]


@pytest.mark.parametrize(("gene", "change", "rule_id", "level", "resistance", "refs"), NAMED)
def test_named_variant(
    matcher: Matcher, consequence, gene, change, rule_id, level, resistance, refs
):
    matches = matcher.match_variant(consequence(gene, change))
    assert matches, f"{gene} {change} matched nothing"
    first = matches[0]
    assert (first.rule_id, first.match_level, first.resistance) == (rule_id, level, resistance)
    assert refs <= set(first.review_refs)
    assert list(first.review_refs) == sorted(set(first.review_refs))


def test_named_variants_match_on_both_builds(kb, models_by_build, consequence):
    # Protein/exon numbering is build-independent: the GRCh37 models give the same answers.
    grch37 = Matcher(kb, models_by_build["GRCh37"])
    for gene, change, rule_id, *_ in NAMED:
        c = consequence(gene, change)
        assert grch37.match_variant(c)[0].rule_id == rule_id, (gene, change)
        # and without the exon string, from the model's exon of the residue
        no_exon = consequence(gene, change, exon="")
        assert grch37.match_variant(no_exon)[0].rule_id == rule_id, (gene, change)


def test_kras_g12d_codon_then_exon(matcher, consequence):
    c = consequence("KRAS", "p.G12D")
    assert c.exon == "2/5" and c.strand == "-"
    assert [m.rule_id for m in matcher.match_variant(c)] == ["KRAS_CODON12", "KRAS_EXON2"]


def test_kras_g12c_sotorasib_attached(matcher, consequence):
    first = matcher.match_variant(consequence("KRAS", "p.G12C"))[0]
    labels = {f.strategy_id: f for f in first.strategies}
    assert labels["TX.02"].label == "Sotorasib [Not stated; 86,87]"
    assert labels["TX.02"].fit == "exact_subpopulation"
    # sotorasib is specific to G12C: not attached to G12D
    g12d = matcher.match_variant(consequence("KRAS", "p.G12D"))[0]
    assert "TX.02" not in {f.strategy_id for f in g12d.strategies}


def test_negative_trials_are_marked(matcher, consequence):
    first = matcher.match_variant(consequence("KRAS", "p.G12D"))[0]
    outcomes = {f.strategy_id: f.outcome for f in first.strategies}
    assert outcomes["T1.04"] == "negative"  # dasatinib + FOLFOX + cetuximab [24]
    assert outcomes["T1.09"] == "negative"  # selumetinib + cetuximab [29, 30]
    assert outcomes["T1.12"] == "positive"  # tivantinib + cetuximab [33]


def test_g13d_caveat_in_evidence(matcher, consequence):
    first = matcher.match_variant(consequence("KRAS", "p.G13D"))[0]
    assert "do not predict non-response with complete accuracy" in first.evidence
    assert 82 in first.review_refs


def test_codon20_uncertain_reported_before_exon2_yes(matcher, consequence):
    matches = matcher.match_variant(consequence("KRAS", "p.T20M"))
    assert [(m.rule_id, m.resistance) for m in matches] == [
        ("KRAS_CODON20", "uncertain"),
        ("KRAS_EXON2", "yes"),
    ]


def test_braf_v600e_strategies_strongest_first(matcher, consequence):
    first = matcher.match_variant(consequence("BRAF", "p.V600E"))[0]
    assert first.strategies[0].label == "Encorafenib + binimetinib + cetuximab [Phase III; 27,28]"
    assert first.strategies[0].fit == "exact_subpopulation"
    assert first.strategies[0].outcome == "positive"
    # the full order (linked first, negative trials after the promising ones): test_strategy_order
    fits = {f.label: f.fit for f in first.strategies}
    assert (
        fits["Vemurafenib + cetuximab [Phase II; negative result; 26]"] == "subtype"
    )  # unselected, RAF-mut class
    # the encorafenib and binimetinib rows of Table 1 give one line (same regimen and setting)
    assert sum("Encorafenib" in label for label in fits) == 1
    # review_refs = mechanism refs + strategies' refs
    assert {27, 28, 98, 100, 54}.issubset(first.review_refs)


def test_v600e_and_v600r_do_not_hit_the_codon600_safety_net(matcher, consequence):
    for change in ("p.V600E", "p.V600R"):
        ids = [m.rule_id for m in matcher.match_variant(consequence("BRAF", change))]
        assert "BRAF_CODON600" not in ids


def test_q524l_no_resistance_no_strategies(matcher, consequence):
    (match,) = matcher.match_variant(consequence("BRAF", "p.Q524L"))
    assert match.resistance == "no" and match.strategies == ()


def test_egfr_s492r_necitumumab_exact_and_mature_name(matcher, consequence, kb):
    first = matcher.match_variant(consequence("EGFR", "p.S492R", exon="12/28"))[0]
    necitumumab = [f for f in first.strategies if f.strategy_id == "T1.01"]
    assert necitumumab and necitumumab[0].fit == "exact_subpopulation"
    assert necitumumab[0].label == "Necitumumab + mFOLFOX6 [Phase II; 21]"
    assert "S468R" in kb.rule("EGFR_S492R").alteration_name
    # G465R gets necitumumab only at the Fig. 3 subtype level (new anti-EGFR agents)
    g465r = matcher.match_variant(consequence("EGFR", "p.G465R"))[0]
    assert {f.strategy_id: f.fit for f in g465r.strategies}["T1.01"] == "subtype"


def test_egfr_g465e_mm151_exact(matcher, consequence):
    first = matcher.match_variant(consequence("EGFR", "p.G465E"))[0]
    assert {f.strategy_id: f.fit for f in first.strategies}["T2.02"] == "exact_subpopulation"


def test_pik3ca_literature_exons_on_mane_numbering(matcher, consequence):
    h1047r = consequence("PIK3CA", "p.H1047R")
    assert h1047r.exon == "21/21"
    assert matcher.match_variant(h1047r)[0].rule_id == "PIK3CA_EXON20"
    e545k = consequence("PIK3CA", "p.E545K")
    assert e545k.exon == "10/21"
    assert matcher.match_variant(e545k)[0].rule_id == "PIK3CA_EXON9"
    # a PIK3CA mutation outside literature exons 9/20 matches nothing
    assert matcher.match_variant(consequence("PIK3CA", "p.R88Q")) == ()


def test_pten_splice_and_start_lost_are_truncating(matcher, consequence):
    for terms in (
        ("splice_donor_variant",),
        ("splice_acceptor_variant", "intron_variant"),
        ("start_lost",),
    ):
        c = consequence("PTEN", so_terms=terms, intron="3/8")
        assert [m.rule_id for m in matcher.match_variant(c)] == ["PTEN_TRUNCATING"], terms


def test_pten_missense_is_not_loss(matcher, consequence):
    assert matcher.match_variant(consequence("PTEN", "p.R130Q")) == ()


def test_truncating_change_in_ras_exon_gets_a_note(matcher, consequence):
    matches = matcher.match_variant(consequence("KRAS", "p.Q43*"))
    assert matches[0].rule_id == "KRAS_EXON3"
    assert any("truncating change (p.Q43*)" in n for n in matches[0].notes)


DECOYS = [
    (
        "synonymous at KRAS codon 12",
        "KRAS",
        dict(
            hgvsp_short="p.G12=",
            so_terms=("synonymous_variant",),
            exon="2/5",
            protein_start=12,
            protein_end=12,
            ref_aa="G",
        ),
    ),
    (
        "synonymous at BRAF codon 600",
        "BRAF",
        dict(
            hgvsp_short="p.V600=",
            so_terms=("synonymous_variant",),
            exon="15/18",
            protein_start=600,
            protein_end=600,
            ref_aa="V",
        ),
    ),
    (
        "synonymous at EGFR codon 492",
        "EGFR",
        dict(
            hgvsp_short="p.S492=",
            so_terms=("synonymous_variant",),
            exon="12/28",
            protein_start=492,
            protein_end=492,
            ref_aa="S",
        ),
    ),
    ("intronic KRAS", "KRAS", dict(so_terms=("intron_variant",), intron="2/4")),
    ("intronic PTEN", "PTEN", dict(so_terms=("intron_variant",), intron="5/8")),
    (
        "splice region only",
        "KRAS",
        dict(so_terms=("splice_region_variant", "intron_variant"), intron="2/4"),
    ),
    (
        "splice region synonymous",
        "NRAS",
        dict(
            hgvsp_short="p.G13=",
            so_terms=("splice_region_variant", "synonymous_variant"),
            exon="2/7",
        ),
    ),
    (
        "splice donor in KRAS (not a truncation rule gene)",
        "KRAS",
        dict(so_terms=("splice_donor_variant",), intron="2/4"),
    ),
    ("5' UTR of PIK3CA", "PIK3CA", dict(so_terms=("5_prime_UTR_variant",), exon="1/21")),
    ("PIK3CA exon 21 3' UTR", "PIK3CA", dict(so_terms=("3_prime_UTR_variant",), exon="21/21")),
    (
        "REF mismatch, as the engine reports it",
        "KRAS",
        dict(so_terms=("missense_variant",), exon="2/5", ref_matches=False, notes=("REF differs",)),
    ),
    (
        "REF mismatch with a protein change left in",
        "BRAF",
        dict(
            hgvsp_short="p.V600E",
            hgvsp="p.Val600Glu",
            so_terms=("missense_variant",),
            exon="15/18",
            protein_start=600,
            protein_end=600,
            ref_aa="V",
            alt_aa="E",
            ref_matches=False,
        ),
    ),
    (
        "wrong reference residue (another numbering)",
        "KRAS",
        dict(
            hgvsp_short="p.A12D",
            so_terms=("missense_variant",),
            exon="2/5",
            protein_start=12,
            protein_end=12,
            ref_aa="A",
            alt_aa="D",
        ),
    ),
    (
        "EGFR mature numbering S468R is residue N468 in HGVS",
        "EGFR",
        dict(
            hgvsp_short="p.S468R",
            so_terms=("missense_variant",),
            exon="12/28",
            protein_start=468,
            protein_end=468,
            ref_aa="S",
            alt_aa="R",
        ),
    ),
    (
        "MET missense (no MET mutation rule)",
        "MET",
        dict(
            hgvsp_short="p.T1010I",
            so_terms=("missense_variant",),
            exon="14/21",
            protein_start=1010,
            protein_end=1010,
            ref_aa="T",
            alt_aa="I",
        ),
    ),
]


@pytest.mark.parametrize(("gene", "fields"), [d[1:] for d in DECOYS], ids=[d[0] for d in DECOYS])
def test_decoys_never_match(matcher, consequence, gene, fields):
    assert matcher.match_variant(consequence(gene, **fields)) == ()


def test_copy_number(matcher):
    def call(gene: str, state: str, cn: float) -> CopyNumberCall:
        return CopyNumberCall("S1", gene, "7", 1, 2, cn, None, state, 1.0, "test", "x.cns", 3)  # type: ignore[arg-type]

    assert [m.rule_id for m in matcher.match_copy_number(call("MET", "amplification", 12.0))] == [
        "MET_AMPLIFICATION"
    ]
    erbb2 = matcher.match_copy_number(call("ERBB2", "amplification", 9.0))
    assert [(m.rule_id, m.match_level, m.resistance) for m in erbb2] == [
        ("ERBB2_AMPLIFICATION", "copy_number", "yes")
    ]
    assert {13, 73, 113, 114}.issubset(erbb2[0].review_refs)
    assert [m.rule_id for m in matcher.match_copy_number(call("PTEN", "deep_deletion", 0.0))] == [
        "PTEN_DEEP_DELETION"
    ]
    assert matcher.match_copy_number(call("MET", "gain", 3.2)) == ()
    assert matcher.match_copy_number(call("PTEN", "loss", 1.0)) == ()
    assert matcher.match_copy_number(call("KRAS", "amplification", 10.0)) == ()


def test_met_amplification_strategies(matcher):
    (met,) = matcher.match_copy_number_state("MET", "amplification")
    assert met.review_refs[:1] == (12,)
    assert met.strategies[0].label == "Capmatinib + gefitinib [Phase II; 34]"
    assert met.strategies[0].fit == "exact_subpopulation"


def test_msi_sample_input(matcher):
    for status in ("MSI-H", "dMMR"):
        (m,) = matcher.match_sample(status)
        assert (m.rule_id, m.match_level, m.resistance) == ("MSI_H", "sample", "uncertain")
        assert m.review_refs == (127, 128, 129, 130)
    assert matcher.match_sample("MSS") == ()
    assert matcher.match_sample("pMMR") == ()
    assert matcher.match_sample(None) == ()
    with pytest.raises(UsageError, match="MSI status 'high'"):
        matcher.match_sample("high")


@pytest.mark.parametrize(("build", "pos"), [("GRCh37", 161479745), ("GRCh38", 161509955)])
def test_fcgr2a_genomic_allele(matcher, build, pos):
    (m,) = matcher.match_variant(None, Allele(build, "1", pos, "A", "G"), genotype="0/1")
    assert (m.rule_id, m.match_level, m.resistance) == ("FCGR2A_H167R", "genomic", "uncertain")
    assert m.review_refs == (143,)
    assert "genotype 0/1 (heterozygous)" in m.notes
    # the other allele, the other build's position, or another base never match
    assert matcher.match_variant(None, Allele(build, "1", pos, "A", "C")) == ()
    other = 161509955 if build == "GRCh37" else 161479745
    assert matcher.match_variant(None, Allele(build, "1", other, "A", "G")) == ()


def test_fcgr3a_v_allele_with_genotype(matcher, consequence):
    c = consequence("FCGR3A", "p.F176V")
    (m,) = matcher.match_variant(c, genotype="1/1")
    assert m.rule_id == "FCGR3A_F176V" and m.resistance == "uncertain"
    assert "genotype 1/1 (homozygous)" in m.notes
    assert any("(158F) is the reference" in n for n in m.notes)


def test_no_driver_strategies(matcher):
    fits = matcher.no_driver_strategies()
    assert all(f.fit == "subtype" for f in fits)
    ids = {f.strategy_id for f in fits}
    # Fig. 3: multitargeted, metabolic, immune, cytotoxic, antiangiogenic -- no driver-selected ones
    assert {"T1.17", "T1.18", "T1.16", "T2.19", "T1.11"}.issubset(ids)
    assert not ids & {"T1.04", "T1.05", "T1.07", "T1.13", "TX.02", "T2.08"}
    # order: test_strategy_order.py


def test_rechallenge_evidence(matcher):
    r = matcher.rechallenge_evidence()
    assert (r.n_studies, r.n_patients, r.male_percent, r.median_age_years) == (
        14,
        520,
        "50.3",
        "63",
    )
    orr, dcr = r.estimate("ORR"), r.estimate("DCR")
    assert (orr.estimate, orr.ci_low, orr.ci_high, orr.i2) == ("17.70", "8.58", "26.82", "84")
    assert (dcr.estimate, dcr.ci_low, dcr.ci_high, dcr.i2) == ("61.72", "53.32", "70.11", "80")
    assert r.estimate("ORR", "panitumumab").format() == "10.9% (95% CI 0.00-26.82%)"
    assert r.estimate("DCR", "cetuximab and panitumumab").ci == (31.92, 88.77)
    assert "DerSimonian-Laird" in r.model
    assert "ORR 17.70% (95% CI 8.58-26.82%)" in r.text
    assert "mPFS 2.4-4.9 months" in r.text and "mOS 5-17.8 months" in r.text
    assert dict(r.adverse_events)["neutropenia"] == "22.57"
    pairs = dict(r.as_pairs())
    assert pairs["pooled_orr"] == "17.70% (95% CI 8.58-26.82%), I2 84%"
    assert pairs["orr_cetuximab"] == "18.31% (95% CI 4.67-31.94%)"


def test_match_variant_needs_nothing_but_a_consequence(matcher, consequence):
    # a Consequence carrying only the 3-letter hgvsp (no hgvsp_short) still matches
    full = consequence("BRAF", "p.V600E")
    c = replace(full, hgvsp_short="")
    assert c.hgvsp == "p.Val600Glu"
    assert matcher.match_variant(c)[0].rule_id == "BRAF_V600E"
    # ... and one with only numeric fields too
    bare = replace(full, hgvsp_short="", hgvsp="")
    assert matcher.match_variant(bare)[0].rule_id == "BRAF_V600E"


def test_indels_spanning_hotspot_codons(matcher, consequence):
    ids = [m.rule_id for m in matcher.match_variant(consequence("KRAS", "p.G10_A11insG"))]
    assert ids == ["KRAS_EXON2"]
    ids = [m.rule_id for m in matcher.match_variant(consequence("KRAS", "p.G12_G13insG"))]
    assert ids == ["KRAS_CODON12", "KRAS_CODON13", "KRAS_EXON2"]
    # a deletion across an exon boundary reported as "3-4/5"
    c = consequence("KRAS", "p.I93_H95del", exon="3-4/5")
    assert [m.rule_id for m in matcher.match_variant(c)] == ["KRAS_EXON3", "KRAS_EXON4"]


def test_consequence_of_unknown_gene(matcher):
    c = Consequence(
        "TP53", "NM_000546.6", "ENST00000269305.9", "-", ("missense_variant",), "", "", "p.R175H"
    )
    assert matcher.match_variant(c) == ()


def test_exon_rule_without_residue_numbers(matcher, consequence):
    # the engine leaves hgvsp empty for a stop loss running into the 3' UTR: the exon decides
    c = consequence("PIK3CA", so_terms=("stop_lost", "3_prime_UTR_variant"), exon="21/21")
    assert [m.rule_id for m in matcher.match_variant(c)] == ["PIK3CA_EXON20"]
    # but a splice acceptor at the exon 4 boundary is not an exon-level mutation of NRAS
    c = consequence("NRAS", "p.X151_splice", so_terms=("splice_acceptor_variant",), intron="4/6")
    assert matcher.match_variant(c) == ()
