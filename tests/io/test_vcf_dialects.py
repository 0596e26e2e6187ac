"""Small fixtures in tests/data/vcf, one per caller dialect or quirk (issue #5).

Each test names the file it reads; the file name says what is special about it."""

from __future__ import annotations

import pytest
from reader_helpers import HOTSPOTS_37, HOTSPOTS_38, VCF_DATA, call_at, fixture_calls, read_all

from egfr_annot.errors import UsageError
from egfr_annot.io.regions import RegionSet


def test_mutect2_per_alt_af_in_scientific_notation_and_header_roles() -> None:
    calls, _, src = read_all(VCF_DATA / "mutect2-multiallelic-scientific-af.vcf")
    assert src.header.tumour_samples == ("PLASMA",)
    assert src.header.normal_samples == ("BUFFYCOAT",)
    kras = call_at(calls, 25245350)
    assert (kras.vaf, kras.alt_reads, kras.depth) == (7.317e-03, 15, 2050)
    multi = [c for c in calls if c.pos == 25245351]
    assert [(c.alt, c.vaf, c.alt_reads) for c in multi] == [("A", 0.006, 9), ("G", 0.014, 21)]
    assert call_at(calls, 140753336).genotype == "0|1"


def test_varscan2_percent_string_and_alt_only_ad() -> None:
    calls, counts, _ = read_all(VCF_DATA / "varscan2-freq-percent-ad-alt-only.vcf")
    assert len(calls) == 1
    kras = calls[0]
    assert (kras.vaf, kras.alt_reads, kras.depth, kras.vaf_source) == (
        pytest.approx(0.3846), 35, 91, "FORMAT/FREQ")
    skipped = counts.skipped_dict()
    assert skipped["malformed_alt"] == 1  # ALT "A/T"
    assert skipped["normal_sample_only"] == 1  # only the NORMAL column has the last ALT


def test_strelka_tier1_counts_and_zero_depth_tumour_gives_no_call() -> None:
    calls, counts, _ = read_all(VCF_DATA / "strelka-snv-indel-tier1-no-gt.vcf")
    snv = call_at(calls, 140453136)
    assert snv.vaf == pytest.approx(191 / 259) and snv.vaf_source == "Strelka tier1 TU/(AU+TU)"
    indel = call_at(calls, 140453140)
    assert indel.vaf == pytest.approx(57 / 76) and indel.alt_reads == 57 and indel.depth == 89
    assert not [c for c in calls if c.pos == 140453150]
    assert counts.skipped_dict()["no_alt_support_in_tumour"] == 1


def test_mutect1_fa_with_haploid_looking_genotype() -> None:
    calls = fixture_calls("mutect1-fa-haploid-genotype.vcf")
    first = call_at(calls, 178936091)
    assert (first.vaf, first.alt_reads, first.depth, first.genotype) == (0.146, 30, 206, "0")
    assert any("does not include this ALT" in n for n in first.notes)


def test_radia_af_with_ref_first_and_empty_sample_column() -> None:
    calls, counts, _ = read_all(VCF_DATA / "radia-af-lists-ref-first.vcf")
    assert call_at(calls, 25398284, sample="DNA_TUMOR").vaf == 0.1
    assert call_at(calls, 25398284, sample="RNA_TUMOR").vaf == 0.15
    second = call_at(calls, 25398290, "A")
    assert (second.sample, second.vaf, second.alt_reads) == ("DNA_TUMOR", 0.13, 4)
    # the T allele has AF 0.0 and 0 reads in DNA_TUMOR, and RNA_TUMOR is "."
    assert counts.skipped_dict()["no_alt_support_in_tumour"] == 1


def test_somaticsniper_dp4_single_alt_and_bcount_for_multiallelic() -> None:
    calls = fixture_calls("somaticsniper-dp4-bcount.vcf")
    single = call_at(calls, 140453136)
    assert single.vaf == pytest.approx(7 / 21) and single.vaf_source == "FORMAT/DP4"
    g = call_at(calls, 140453137, "G")  # BCOUNT A,C,G,T = 0,20,6,4
    t = call_at(calls, 140453137, "T")
    assert (g.vaf, g.alt_reads, g.vaf_source) == (pytest.approx(0.2), 6, "FORMAT/BCOUNT")
    assert (t.vaf, t.alt_reads) == (pytest.approx(4 / 30), 4)


def test_vardict_format_af_and_inversion_handed_over() -> None:
    calls, _, src = read_all(VCF_DATA / "vardict-af-vd-single-sample.vcf")
    assert call_at(calls, 55249071).vaf == 0.0049
    deletion = call_at(calls, 55242464)
    assert (deletion.ref, deletion.alt, deletion.vaf) == ("AGGAATTAAGAGAAGC", "A", 0.3136)
    (inv,) = src.symbolic_records()
    assert (inv.alt, inv.end, inv.samples["plasma01"]["AF"]) == ("<INV>", 55249268, "0.008")


def test_lofreq_sites_only_info_af_and_dp4() -> None:
    calls, _, src = read_all(VCF_DATA / "lofreq-sites-only-info-af-dp4.vcf")
    assert src.header.samples == ()
    assert src.header.tumour_samples == ("lofreq-sites-only-info-af-dp4",)
    snv = call_at(calls, 25398284)
    assert (snv.vaf, snv.alt_reads, snv.depth, snv.vaf_source) == (0.012088, 22, 1820, "INFO/AF")
    assert snv.genotype is None


def test_sites_only_call_name_follows_sample_option() -> None:
    calls = fixture_calls("lofreq-sites-only-info-af-dp4.vcf", sample="P01")
    assert {c.sample for c in calls} == {"P01"}


def test_ion_torrent_flow_counts_per_alt() -> None:
    calls = fixture_calls("iontorrent-fao-fdp.vcf")
    a = call_at(calls, 178936091, "A")
    t = call_at(calls, 178936091, "T")
    assert (a.vaf, a.alt_reads, a.depth, a.vaf_source) == (0.12, 120, 1000, "FORMAT/FAO/FDP")
    assert (t.vaf, t.alt_reads) == (0.005, 5)


def test_pcgr_tvaf_first_then_adt() -> None:
    calls = fixture_calls("pcgr-info-tvaf-format-adt-dpt.vcf")
    braf = call_at(calls, 140753336)
    assert (braf.vaf, braf.vaf_source, braf.alt_reads, braf.depth) == (
        0.314814814815, "INFO/TVAF", 17, 54)
    kras = call_at(calls, 25245350)
    assert (kras.vaf, kras.vaf_source) == (0.25, "FORMAT/ADT")


def test_info_only_af_dp_per_alt() -> None:
    calls = fixture_calls("info-only-af-dp.vcf")
    braf = call_at(calls, 140453136)
    assert (braf.vaf, braf.alt_reads, braf.depth) == (0.021, 50, 2400)
    assert [c.vaf for c in calls if c.pos == 140453137] == [0.01, 0.002]


def test_freebayes_uses_ao_ro_not_genotype_frequency() -> None:
    calls = fixture_calls("freebayes-info-af-is-genotype-frequency.vcf")
    het = call_at(calls, 25398284)
    assert het.vaf == pytest.approx(16 / 41) and het.vaf_source == "FORMAT/AO,RO"
    a = call_at(calls, 25398290, "A")
    c = call_at(calls, 25398290, "C")
    assert (a.vaf, c.vaf) == (pytest.approx(20 / 60), pytest.approx(10 / 60))
    assert 0.5 not in {x.vaf for x in calls}


def test_gvcf_reference_blocks_counted_and_kept_with_depth() -> None:
    calls, counts, src = read_all(VCF_DATA / "gvcf-reference-blocks-non-ref.vcf")
    (variant,) = calls
    assert (variant.pos, variant.alt, variant.alt_reads) == (25398284, "T", 60)
    skipped = counts.skipped_dict()
    assert skipped["gvcf_reference_block"] == 2 and skipped["gvcf_non_ref_allele"] == 1
    blocks = src.reference_blocks()
    assert [(b.pos, b.end, b.depth["cfDNA_01"], b.min_depth["cfDNA_01"]) for b in blocks] == [
        (25390000, 25398283, 812, 640), (25398285, 25398400, 790, 701)]


def test_gvcf_block_starting_before_the_region_is_kept_by_its_span() -> None:
    regions = RegionSet([("12", 25398200, 25398300, "KRAS")])
    _, counts, src = read_all(VCF_DATA / "gvcf-reference-blocks-non-ref.vcf", regions=regions)
    assert [b.pos for b in src.reference_blocks()] == [25390000, 25398285]
    assert counts.records_in_panel == 3


def test_symbolic_alleles_are_not_calls_but_segments() -> None:
    calls, counts, src = read_all(VCF_DATA / "symbolic-cnv-and-breakends.vcf")
    assert [(c.pos, c.alt) for c in calls] == [(55210000, "C")]
    assert counts.skipped_dict() == {"breakend": 1, "symbolic_allele": 6}
    by_id = {s.id: s for s in src.symbolic_records()}
    assert (by_id["seg1"].alt, by_id["seg1"].end, by_id["seg1"].samples["TUMOR"]["CN"]) == (
        "<AMP>", 118000000, "9")
    assert by_id["seg3"].end == 37800000 + 150000  # from SVLEN
    assert by_id["bnd1"].alt == "G]12:25398000]"


def test_segments_overlapping_a_region_are_kept_whatever_their_pos() -> None:
    met = RegionSet([("7", 116312444, 116438440, "MET")])  # GRCh37 MET
    calls, counts, src = read_all(VCF_DATA / "symbolic-cnv-and-breakends.vcf", regions=met)
    assert calls == []
    assert [s.id for s in src.symbolic_records()] == ["seg1"]  # the <AMP> from 115 Mb to 118 Mb
    assert counts.records_in_panel == 1 and counts.skipped_dict()["outside_panel"] == 7


def test_spanning_deletion_alleles_are_skipped() -> None:
    calls, counts, _ = read_all(VCF_DATA / "spanning-deletion-star-allele.vcf")
    assert [(c.pos, c.alt, c.vaf) for c in calls] == [(25398284, "T", 0.3)]
    assert counts.skipped_dict()["spanning_deletion"] == 2


def test_refseq_accession_contigs_match_regions_and_give_the_build() -> None:
    calls, _, src = read_all(VCF_DATA / "contig-refseq-accessions.vcf", regions=HOTSPOTS_38)
    assert [(c.chrom, c.pos) for c in calls] == [("NC_000007.14", 140753336),
                                                  ("NC_000012.12", 25245350)]
    assert src.header.build_hint[0] == "GRCh38"


def test_crlf_line_ends_lowercase_bases_and_chr_prefix() -> None:
    calls, _, _ = read_all(VCF_DATA / "crlf-lowercase-chr-prefix.vcf", regions=HOTSPOTS_38)
    assert [(c.chrom, c.pos, c.ref, c.alt, c.vaf) for c in calls] == [
        ("chr12", 25245350, "C", "T", 0.2), ("chr7", 140753336, "A", "T", 0.1)]


def test_unsorted_input_streams_in_file_order() -> None:
    calls, counts, _ = read_all(VCF_DATA / "unsorted-records.vcf", regions=HOTSPOTS_37)
    assert [c.pos for c in calls] == [140453136, 25398284, 178952085, 140453137]
    assert counts.skipped_dict()["outside_panel"] == 2


def test_vcf44_filter_values_and_missing_values_are_none() -> None:
    calls, counts, _ = read_all(VCF_DATA / "vcf44-filter-dot-pass-missing-values.vcf")
    first = call_at(calls, 25398284)  # AD .,21 AF . DP .
    assert (first.filter, first.vaf, first.alt_reads, first.depth) == (".", None, 21, None)
    second = call_at(calls, 25398285)
    assert (second.filter, second.vaf, second.alt_reads, second.depth) == ("PASS", None, None,
                                                                           None)
    assert not [c for c in calls if c.pos == 25398286]  # ./. with 0 ALT reads
    assert call_at(calls, 25398287).filter == "."
    assert any("empty FILTER" in w for w in counts.warnings)


def test_external_annotations_per_alt() -> None:
    calls = fixture_calls("vep-csq-snpeff-ann-bcsq.vcf")
    g12d = call_at(calls, 25398284, "T")
    assert [(a.source, a.transcript, a.hgvsc, a.hgvsp) for a in g12d.external_annotations] == [
        ("VEP", "ENST00000256078.4", "c.35G>A", "p.Gly12Asp"),
        ("SnpEff", "ENST00000256078.4", "c.35G>A", "p.Gly12Asp"),
        ("BCSQ", "ENST00000256078", "25398284C>T", "12G>D"),
    ]
    g12v = call_at(calls, 25398284, "A")
    assert [a.hgvsp for a in g12v.external_annotations] == ["p.Gly12Val", "p.Gly12Val", "12G>V"]
    deletion = call_at(calls, 55242464)  # VEP writes "-" for the deleted allele
    assert [a.source for a in deletion.external_annotations] == ["VEP", "BCSQ"]
    assert deletion.external_annotations[0].hgvsp == "p.Glu746_Ala750del"
    assert call_at(calls, 140453136).external_annotations[0].hgvsp == "p.Val600="


def test_sample_roles_from_names_and_calls_per_tumour_sample() -> None:
    calls, counts, src = read_all(VCF_DATA / "tumour-normal-sample-names.vcf")
    assert src.header.normal_samples == ("P01_WBC",)
    assert src.header.tumour_samples == ("P01_plasma_T1", "P01_plasma_T2")
    assert [(c.sample, c.pos, c.genotype) for c in calls] == [
        ("P01_plasma_T1", 25398284, "0/1"), ("P01_plasma_T2", 25398286, "./.")]
    assert counts.skipped_dict()["normal_sample_only"] == 1


def test_sample_and_normal_options() -> None:
    calls = fixture_calls("tumour-normal-sample-names.vcf", sample="P01_plasma_T2")
    assert {c.sample for c in calls} == {"P01_plasma_T2"}
    _, _, src = read_all(VCF_DATA / "tumour-normal-sample-names.vcf", normal="P01_plasma_T1")
    assert src.header.normal_samples == ("P01_plasma_T1",)
    assert src.header.roles_decided_by == "--normal option"


def test_unknown_sample_names_the_available_samples() -> None:
    with pytest.raises(UsageError) as err:
        read_all(VCF_DATA / "tumour-normal-sample-names.vcf", sample="P02")
    assert "available: P01_plasma_T1, P01_WBC, P01_plasma_T2" in str(err.value)


def test_mnv_written_as_one_record_and_alt_equal_to_ref() -> None:
    calls, counts, _ = read_all(VCF_DATA / "mnv-and-complex-one-record.vcf")
    assert [(c.ref, c.alt, c.vaf) for c in calls] == [("CC", "TT", 0.05), ("CAG", "TC", 0.03)]
    assert counts.skipped_dict() == {"alt_equals_ref": 1}


def test_header_only_vcf_is_valid_with_zero_calls() -> None:
    calls, counts, _ = read_all(VCF_DATA / "header-only.vcf")
    assert calls == [] and counts.records_read == 0 and counts.warnings == ()
