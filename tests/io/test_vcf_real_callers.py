"""Every real caller VCF in ../shared/real_vcfs: VAF, reads and depth of named records, sample
roles, build hints and accounting (issue #5). Values are checked against the raw fields of the
files (see ../shared/real_vcfs/SOURCES.md)."""

from __future__ import annotations

import pytest
from reader_helpers import HOTSPOTS_37, HOTSPOTS_38, call_at, read_all, real_vcf

from egfr_annot.io.regions import RegionSet


def test_strelka_braf_v600e_vaf_from_tier1_counts() -> None:
    calls, counts, src = read_all(real_vcf("vcf2maf_test_strelka.vcf"))
    assert src.header.tumour_samples == ("TUMOR",)
    assert src.header.normal_samples == ("NORMAL",)
    braf = call_at(calls, 140453136)
    # TU tier1 = 191, AU tier1 = 68 (TUMOR column: DP 260, AU 68,69, TU 191,192)
    assert (braf.ref, braf.alt, braf.sample) == ("A", "T", "TUMOR")
    assert braf.vaf == pytest.approx(191 / (191 + 68))
    assert braf.alt_reads == 191 and braf.depth == 260
    assert braf.vaf_source == "Strelka tier1 TU/(AU+TU)"
    assert braf.genotype is None  # Strelka writes no GT
    indel = call_at(calls, 102626146)  # CG>C: TAR 19,19 TIR 57,58
    assert indel.vaf == pytest.approx(57 / (57 + 19))
    assert indel.vaf_source == "Strelka tier1 TIR/(TAR+TIR)"
    assert counts.records_read == 240 == counts.records_in_panel
    # the indel FORMAT/INFO keys of Strelka are not declared in its SNV header: tolerated
    assert any("'TIR' is not declared" in w for w in counts.warnings)


def test_mutect2_cfdna_pik3ca_and_multiallelic_per_alt_af() -> None:
    calls, counts, src = read_all(real_vcf("gatk_mutect2_cfdna_unfiltered.vcf"))
    assert src.header.tumour_samples == ("TUMOR",)
    assert src.header.roles_decided_by == "##tumor_sample/##normal_sample header lines"
    assert src.header.build_hint[0] == "GRCh37"
    pik3ca = call_at(calls, 178916838)
    assert (pik3ca.vaf, pik3ca.alt_reads, pik3ca.depth) == (2.029e-03, 2, 1442)
    assert pik3ca.vaf_source == "FORMAT/AF" and pik3ca.filter == "."
    # GTT>G,GT,GTTT with AF 0.015,0.098,0.095 and AD 203,2,21,21
    multi = [c for c in calls if c.pos == 25962238]
    assert [(c.alt, c.vaf, c.alt_reads) for c in multi] == [
        ("G", 0.015, 2), ("GT", 0.098, 21), ("GTTT", 0.095, 21)]
    assert {c.genotype for c in multi} == {"0/1/2/3"}
    assert all(c.sample == "TUMOR" for c in calls)  # the NORMAL column never gives calls
    assert counts.records_read == 111


def test_mutect2_phased_genotype_kept_as_written() -> None:
    calls, _, _ = read_all(real_vcf("gatk_mutect2_cfdna_unfiltered.vcf"))
    assert any(c.genotype is not None and "|" in c.genotype for c in calls)


def test_mutect2_phase_set_read() -> None:
    # Mutect2 phased three nearby ALK calls on one haplotype (GT 0|1, PS 29451790); the other
    # records carry no PS and are not phased
    calls, _, _ = read_all(real_vcf("gatk_mutect2_cfdna_unfiltered.vcf"))
    phased = {(c.pos, c.ref, c.alt): c.phase for c in calls if c.phase is not None}
    assert phased == {(29451790, "T", "C"): ("PS=29451790", 1),
                      (29451793, "A", "C"): ("PS=29451790", 1),
                      (29451798, "CTCCGAAA", "C"): ("PS=29451790", 1)}


def test_varscan_freq_percent_and_malformed_alt_skipped_with_warning() -> None:
    calls, counts, _ = read_all(real_vcf("vcf2maf_test_varscan.vcf"))
    first = call_at(calls, 1991014)  # TUMOR: RD 56, AD 35, FREQ 38.46%
    assert first.vaf == pytest.approx(0.3846)
    assert (first.alt_reads, first.depth, first.vaf_source) == (35, 91, "FORMAT/FREQ")
    assert not [c for c in calls if c.pos == 106715342]
    assert counts.skipped_dict()["malformed_alt"] == 1
    assert "malformed ALT 'A/T': record skipped [first at line 110]" in counts.warnings


def test_mutect1_fa_and_haploid_genotype() -> None:
    calls, counts, src = read_all(real_vcf("vcf2maf_test_mutect.vcf"))
    assert src.header.tumour_samples == ("TUMOR",)
    first = call_at(calls, 2453125)  # TUMOR 0:175,30:.:206:0.146
    assert (first.vaf, first.alt_reads, first.depth) == (0.146, 30, 206)
    assert first.vaf_source == "FORMAT/FA" and first.filter == "REJECT"
    assert first.genotype == "0"
    assert counts.records_read == 500


def test_radia_af_lists_reference_first_and_rna_tumour_sample() -> None:
    calls, _, src = read_all(real_vcf("vcf2maf_test_radia.vcf"))
    assert src.header.normal_samples == ("DNA_NORMAL",)
    assert src.header.tumour_samples == ("DNA_TUMOR", "RNA_TUMOR")
    dna = call_at(calls, 29651735, sample="DNA_TUMOR")  # AD 95,11 AF 0.9,0.1 DP 106
    assert (dna.vaf, dna.alt_reads, dna.depth) == (0.1, 11, 106)
    assert "FORMAT/AF lists REF first" in dna.notes
    rna = call_at(calls, 29651735, sample="RNA_TUMOR")
    assert rna.vaf == 0.15


def test_somaticsniper_vaf_from_dp4() -> None:
    calls, _, _ = read_all(real_vcf("vcf2maf_test_sniper.vcf"))
    first = call_at(calls, 1233886)  # TUMOR DP4 0,3,0,4 (ref 3, alt 4), DP 7
    assert first.vaf == pytest.approx(4 / 7)
    assert (first.alt_reads, first.depth, first.vaf_source) == (4, 7, "FORMAT/DP4")
    second = call_at(calls, 1648002)
    assert second.filter == "MMQSD50;MMQS100"


def test_vardict_af_and_symbolic_inversion_not_a_call() -> None:
    calls, counts, src = read_all(real_vcf("vardictjava_expected_vardict.simple.vcf"))
    first = call_at(calls, 69302)  # 0/0 with AF 0.0049, AD 607,3, DP 611
    assert (first.vaf, first.alt_reads, first.depth) == (0.0049, 3, 611)
    assert counts.skipped_dict()["symbolic_allele"] == 2
    inversions = src.symbolic_records()
    assert [(s.pos, s.end, s.alt) for s in inversions] == [
        (11155817, 11156005, "<INV>"), (40034356, 40034523, "<INV>")]
    assert not [c for c in calls if c.alt.startswith("<")]


def test_pcgr_tcga_coad_braf_v600e_tvaf() -> None:
    calls, counts, src = read_all(real_vcf("pcgr_T001-COAD.grch38.vcf.gz"))
    assert src.header.build_hint[0] == "GRCh38"  # from the hg19Tohg38 liftOver header line
    assert len(src.header.tumour_samples) == 1
    braf = call_at(calls, 140753336)
    assert braf.vaf == pytest.approx(0.314814814815)
    assert braf.vaf_source == "INFO/TVAF"
    assert (braf.alt_reads, braf.depth) == (17, 54)  # ADT 37,17 and DPT 54
    assert counts.records_read == 3313


def test_freebayes_info_af_is_never_the_vaf() -> None:
    calls, _, _ = read_all(real_vcf("freebayes_regression_tiny_chr22.vcf"))
    first = call_at(calls, 186)  # INFO AF=0.5 (genotype), AD 25,16, AO 16, RO 25
    assert first.vaf == pytest.approx(16 / 41)
    assert first.vaf != 0.5
    assert all(c.vaf_source is not None and not c.vaf_source.startswith("INFO/") for c in calls)


def test_gcnv_segments_are_handed_to_copy_number_not_calls() -> None:
    calls, counts, src = read_all(real_vcf("gatk_gcnv_segments_output_SAMPLE_001.vcf"))
    assert calls == []
    segments = src.symbolic_records()
    assert len(segments) == 15
    first = segments[0]
    assert (first.chrom, first.pos, first.end, first.alt) == ("1", 68993, 986037, ".")
    assert first.samples["SAMPLE_001"]["CN"] == "2"
    dels = [s for s in segments if s.alt == "<DEL>"]
    assert dels and dels[0].samples["SAMPLE_001"]["CN"] == "0"
    assert counts.skipped_dict() == {"copy_number_segment": 9, "symbolic_allele": 6}


@pytest.mark.parametrize("name, regions", [
    ("vcf2maf_test_strelka.vcf", HOTSPOTS_37),
    ("gatk_mutect2_cfdna_unfiltered.vcf", HOTSPOTS_37),
    ("pcgr_T001-COAD.grch38.vcf.gz", HOTSPOTS_38),
    ("vcf2maf_test_varscan.vcf", RegionSet([("1", 1, 3_000_000, "x"), ("2", 106_000_000,
                                                                      107_000_000, "y")])),
])
def test_region_filter_accounts_for_every_record(name: str, regions: RegionSet) -> None:
    all_calls, all_counts, _ = read_all(real_vcf(name))
    calls, counts, _ = read_all(real_vcf(name), regions=regions)
    skipped = counts.skipped_dict()
    assert counts.records_read == all_counts.records_read
    assert counts.records_read == counts.records_in_panel + skipped.get("outside_panel", 0)
    expected = [c for c in all_calls if regions.contains(c.chrom, c.pos)]
    assert calls == expected
    assert calls, "each of these files has a call in a hotspot window"


ALL_REAL = [
    "freebayes_regression_tiny_chr22.vcf", "gatk_gcnv_segments_output_SAMPLE_001.vcf",
    "gatk_mutect2_cfdna_unfiltered.vcf", "pcgr_T001-COAD.grch38.vcf.gz",
    "vardictjava_expected_vardict.simple.vcf", "vcf2maf_test_mutect.vcf",
    "vcf2maf_test_radia.vcf", "vcf2maf_test_sniper.vcf", "vcf2maf_test_strelka.vcf",
    "vcf2maf_test_varscan.vcf",
]


@pytest.mark.parametrize("name", ALL_REAL)
def test_every_real_file_reads_deterministically_with_valid_values(name: str) -> None:
    first, counts1, _ = read_all(real_vcf(name))
    second, counts2, _ = read_all(real_vcf(name))
    assert first == second and counts1 == counts2
    for call in first:
        assert call.vaf is None or 0.0 <= call.vaf <= 1.0
        assert call.alt_reads is None or call.alt_reads >= 0
        assert call.depth is None or call.depth >= 0
        assert call.ref == call.ref.upper() and call.alt == call.alt.upper()
        assert call.line > 0
