"""One small fixture per caller or producer in tests/data/vcf, written from the callers' own
header declarations and public test files (issue #5): the tumour sample's VAF, ALT reads and
depth, which sample is the tumour, and what is skipped. The file name says what is special."""

from __future__ import annotations

import pytest
from reader_helpers import VCF_DATA, call_at, fixture_calls, read_all

from egfr_annot.io.regions import RegionSet


def test_muse_tumour_column_first_and_tier_filters() -> None:
    calls, counts, src = read_all(VCF_DATA / "muse-tier-filters-tumour-column-first.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (("TUMOR",), ("NORMAL",))
    kras = call_at(calls, 25398284)
    assert (kras.vaf, kras.alt_reads, kras.depth) == (pytest.approx(12 / 142), 12, 142)
    assert call_at(calls, 140453136).filter == "Tier4"  # kept: filtering is the report's job
    assert counts.calls_in_panel == 2


def test_pindel_genotype_ref_with_alt_reads_and_a_varscan_formatted_record() -> None:
    calls = fixture_calls("pindel-gt-ref-with-alt-reads-and-varscan-record.vcf")
    exon19 = call_at(calls, 55242464)  # tumour GT 0/0 but AD 43,4
    assert (exon19.sample, exon19.alt_reads, exon19.depth, exon19.genotype) == (
        "TUMOR", 4, 47, "0/0")
    assert exon19.vaf == pytest.approx(4 / 47)
    assert call_at(calls, 37880981).alt == "GGCATACGTGATG"
    merged = call_at(calls, 25398280)  # GT:AD:DP:DP4:FREQ:RD with ALT-only AD
    assert (merged.vaf, merged.alt_reads, merged.vaf_source) == (
        pytest.approx(0.2385), 52, "FORMAT/FREQ")


def test_delly_breakend_end_is_the_mate_and_precise_insertion_uses_junction_reads() -> None:
    calls, counts, src = read_all(VCF_DATA / "delly-breakend-end-on-other-chromosome.vcf")
    (ins,) = calls
    assert (ins.pos, ins.vaf, ins.alt_reads, ins.depth, ins.vaf_source) == (
        55248990, 0.25, 30, 120, "FORMAT/RV/RR (junction reads)")
    by_pos = {s.pos: s for s in src.symbolic_records()}
    assert by_pos[25398000].end == 25398000  # END=55249000 is on chromosome 7 (CHR2)
    assert by_pos[55249100].end == 55249100  # END < POS: the mate, not a span
    assert by_pos[55242400].end == 55242500  # a <DEL> keeps its END
    assert not any("INFO/END" in w for w in counts.warnings)


def test_breakend_mate_position_does_not_pull_a_record_into_the_panel() -> None:
    kras = RegionSet([("12", 25398200, 25398400, "KRAS")])
    _, counts, src = read_all(VCF_DATA / "delly-breakend-end-on-other-chromosome.vcf",
                              regions=kras)
    assert [s.pos for s in src.symbolic_records()] == []
    assert counts.records_in_panel == 0 and counts.records_read == 4


def test_vardict_paired_match_suffix_is_the_normal() -> None:
    calls, counts, src = read_all(VCF_DATA / "vardict-paired-match-suffix-normal.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (
        ("P0042",), ("P0042-match",))
    assert [(c.pos, c.sample, c.vaf) for c in calls] == [
        (25398284, "P0042", 0.0095), (178936091, "P0042", 0.3048)]
    assert counts.skipped_dict() == {"normal_sample_only": 1}  # StrongLOH: only the normal


def test_vardict_paired_column_order_when_names_say_nothing() -> None:
    text = (VCF_DATA / "vardict-paired-match-suffix-normal.vcf").read_text()
    from egfr_annot.io.vcf_header import assign_sample_roles

    meta = [(line[2:].split("=", 1)[0], line[2:].split("=", 1)[1])
            for line in text.splitlines() if line.startswith("##")]
    tumours, normals, how = assign_sample_roles(["S1", "S2"], meta)
    assert (tumours, normals) == (("S1",), ("S2",)) and "VarDict" in how


def test_mutect2_liquid_biopsy_tumour_only_with_strand_artifact_fields() -> None:
    calls, _, src = read_all(VCF_DATA / "mutect2-liquid-biopsy-tumour-only-gga.vcf")
    assert src.header.tumour_samples == ("A04_denovo_bloodbiopsy_1pct_rep1",)
    assert src.header.normal_samples == ()
    one_read = call_at(calls, 25398284)  # AF is Mutect2's estimate (0.667), AD 0,1, DP 1
    assert (one_read.vaf, one_read.alt_reads, one_read.depth) == (0.667, 1, 1)
    assert [(c.alt, c.vaf, c.alt_reads, c.depth) for c in calls if c.pos == 140453136] == [
        ("T", 9.95e-03, 24, 2408), ("G", 1.7e-03, 4, 2408)]


def test_dragen_tumour_normal_roles_from_the_command_line() -> None:
    calls, _, src = read_all(VCF_DATA / "dragen-somatic-tumour-normal-rgsm-command-line.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (
        ("S2300871",), ("S2300870",))
    assert "command line" in src.header.roles_decided_by
    assert {c.sample for c in calls} == {"S2300871"}
    kras = call_at(calls, 25245350)
    assert (kras.vaf, kras.alt_reads, kras.depth, kras.vaf_source) == (0.044, 37, 838,
                                                                      "FORMAT/AF")
    assert src.header.build_hint[0] == "GRCh38"


def test_dragen_tumour_only_with_sq_and_mate_bias() -> None:
    calls, _, src = read_all(VCF_DATA / "dragen-somatic-tumour-only-sq-mb.vcf")
    assert src.header.tumour_samples == ("LB-2291",)
    assert [(c.pos, c.vaf, c.alt_reads, c.depth, c.filter, c.genotype) for c in calls] == [
        (25245350, 0.02, 61, 3011, "PASS", "0/1"),
        (140753336, 0.002, 5, 2800, "weak_evidence", "0|1")]


def test_pisces_vf_with_number_dot_allele_depths() -> None:
    calls = fixture_calls("pisces-vf-ad-number-dot.vcf")
    assert [(c.pos, c.alt, c.vaf, c.alt_reads, c.depth, c.vaf_source) for c in calls] == [
        (25398284, "T", 0.015, 36, 2412, "FORMAT/VF"),
        (140453136, "T", 0.0003, 1, 3310, "FORMAT/VF"),
        (178936091, "A", 0.044, 80, 1800, "FORMAT/VF"),
        (178936091, "T", 0.011, 20, 1800, "FORMAT/VF")]


def test_strelka2_germline_block_and_indel_depth_from_dpi() -> None:
    calls, counts, src = read_all(VCF_DATA / "strelka2-germline-gqx-adf-adr.vcf")
    snv = call_at(calls, 25245350)
    assert (snv.vaf, snv.alt_reads, snv.depth) == (pytest.approx(112 / 402), 112, 402)
    indel = call_at(calls, 140753330)  # no DP for indels: DPI
    assert (indel.vaf, indel.alt_reads, indel.depth) == (pytest.approx(12 / 212), 12, 250)
    (block,) = src.reference_blocks()  # ALT "." with END: a gVCF block, with its depth
    assert (block.pos, block.end, block.depth["NA12878"], block.min_depth["NA12878"]) == (
        25245000, 25245349, 412, 380)
    assert counts.skipped_dict() == {"gvcf_reference_block": 1}


def test_sentieon_tnscope_roles_from_command_line_and_afdp_depth() -> None:
    calls, _, src = read_all(VCF_DATA / "sentieon-tnscope-afdp-without-dp-command-line-roles.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (("SMP-0002",),
                                                                      ("SMP-0001",))
    assert [(c.pos, c.sample, c.vaf, c.alt_reads, c.depth) for c in calls] == [
        (25398284, "SMP-0002", 0.04, 20, 502), (140453136, "SMP-0002", 0.005, 3, 605)]


def test_octopus_af_number_r_and_normal_sample_option() -> None:
    calls, _, src = read_all(VCF_DATA / "octopus-cancer-af-number-r-normal-sample-option.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (("LB-01",), ("BC-01",))
    somatic = call_at(calls, 25398284)
    assert (somatic.vaf, somatic.alt_reads, somatic.depth, somatic.genotype) == (
        0.02, 19, 950, "0|0|1")
    assert "FORMAT/AF declared Number=R" not in " ".join(somatic.notes)  # REF first: as declared
    assert call_at(calls, 140453136).vaf == 0.497


def test_bcftools_call_ad_and_genotype_frequency_is_not_a_vaf() -> None:
    calls = fixture_calls("bcftools-call-ad-adf-adr-info-dp4.vcf")
    kras = call_at(calls, 25245350)
    assert (kras.vaf, kras.alt_reads, kras.depth, kras.vaf_source) == (
        pytest.approx(47 / 245), 47, 245, "FORMAT/AD")
    assert [(c.alt, c.alt_reads) for c in calls if c.pos == 140753336] == [("T", 180),
                                                                           ("G", 100)]


def test_bcftools_mpileup_unobserved_allele_and_no_genotype() -> None:
    calls, counts, src = read_all(VCF_DATA / "bcftools-mpileup-star-symbolic-no-gt.vcf")
    (call,) = calls
    assert (call.pos, call.alt, call.vaf, call.alt_reads, call.genotype) == (
        25398284, "T", 0.1, 40, None)
    assert counts.skipped_dict() == {"gvcf_non_ref_allele": 1, "gvcf_reference_block": 1}
    assert [(b.pos, b.depth["plasma"]) for b in src.reference_blocks()] == [(25398283, 398)]


def test_haplotypecaller_het_vaf_from_ad_not_info_af() -> None:
    calls = fixture_calls("haplotypecaller-germline-info-af-is-genotype.vcf")
    assert [(c.alt, c.vaf, c.vaf_source) for c in calls] == [
        ("T", pytest.approx(22 / 60), "FORMAT/AD"), ("T", pytest.approx(40 / 70), "FORMAT/AD"),
        ("G", pytest.approx(28 / 70), "FORMAT/AD")]


def test_platypus_per_alt_nr_nv() -> None:
    calls = fixture_calls("platypus-nr-nv-per-alt.vcf")
    assert [(c.alt, c.vaf, c.alt_reads, c.depth) for c in calls if c.pos == 25398284] == [
        ("T", 0.1, 60, 600), ("A", 0.02, 12, 600)]


def test_smcounter2_umi_vaf_and_molecule_counts() -> None:
    calls = fixture_calls("smcounter2-umi-info-vmf-format-vf.vcf")
    assert [(c.alt, c.vaf, c.alt_reads, c.depth) for c in calls] == [
        ("T", 0.01, 31, 3100), ("T", 0.004, 10, 2500), ("G", 0.002, 5, 2500)]


def test_smcounter_molecule_vaf_preferred_to_read_vaf_with_consistent_depth() -> None:
    (call,) = fixture_calls("smcounter-umi-format-vmf-vaf-read-and-molecule.vcf")
    # reads: VAF 0.02 of DP 20000; molecules: VMF 0.01 = VMT 30 / UMT 3000
    assert (call.vaf, call.alt_reads, call.depth, call.vaf_source) == (0.01, 30, 3000,
                                                                      "FORMAT/VMF")
    assert any("UMI families" in n for n in call.notes)


def test_smcounter2_info_only_umi_fields() -> None:
    path = VCF_DATA / "smcounter2-umi-info-vmf-format-vf.vcf"
    text = path.read_text().replace("GT:AD:VF", "GT").replace("\t0/1:3069,31:0.0100", "\t0/1")
    text = text.replace("\t1/2:2485,10,5:0.0040,0.0020", "\t1/2")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "info-only.vcf"
        copy.write_text(text)
        calls = read_all(copy)[0]
    assert [(c.alt, c.vaf, c.alt_reads, c.depth, c.vaf_source) for c in calls] == [
        ("T", 0.01, 31, 3100, "INFO/VMF"), ("T", 0.004, 10, 2500, "INFO/VMF"),
        ("G", 0.002, 5, 2500, "INFO/VMF")]


def test_varlociraptor_af_without_genotype() -> None:
    calls, counts, src = read_all(VCF_DATA / "varlociraptor-format-af-prob-phred-no-gt.vcf")
    assert src.header.normal_samples == ("normal",)
    (call,) = calls
    assert (call.sample, call.vaf, call.alt_reads, call.depth, call.genotype) == (
        "tumor", 0.031, None, 512, None)
    assert counts.skipped_dict() == {"no_alt_support_in_tumour": 1}  # AF 0 in the tumour


def test_manta_sequence_resolved_deletion_is_a_call_from_pr_and_sr() -> None:
    calls, counts, src = read_all(VCF_DATA / "manta-somatic-pr-sr-no-genotype.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (("HCC1187C",),
                                                                      ("HCC1187BL",))
    (deletion,) = calls  # no GT: PR 32,3 + SR 30,9
    assert (deletion.pos, len(deletion.ref), deletion.alt) == (55242410, 72, "A")
    assert (deletion.alt_reads, deletion.depth) == (12, 74)
    assert counts.skipped_dict() == {"breakend": 1, "symbolic_allele": 1}


def test_gridss_single_breakends_and_inserted_sequence_are_breakends() -> None:
    calls, counts, src = read_all(VCF_DATA / "gridss-single-breakends-and-inserted-sequence.vcf")
    assert calls == []
    assert counts.skipped_dict() == {"breakend": 4}
    assert [s.alt for s in src.symbolic_records()] == [
        "T[chr12:25200000[", "]chr7:55191000]CTAGA", "GTTAGC.", ".C"]


def test_cnvkit_export_segments_go_to_the_copy_number_reader() -> None:
    calls, counts, src = read_all(VCF_DATA / "cnvkit-export-vcf-fold-change-ref-n.vcf")
    assert calls == [] and counts.skipped_dict() == {"symbolic_allele": 2}
    met, pten = src.symbolic_records()
    assert (met.alt, met.end, met.ref, met.samples["CRC-plasma-09"]["CN"]) == (
        "<DUP>", 116438440, "N", "6")
    assert (pten.alt, pten.end, pten.info["FOLD_CHANGE_LOG"]) == ("<DEL>", 89728532, "-1.32")


def test_mutect2_multi_sample_af_without_alt_reads_is_no_support() -> None:
    calls, _, src = read_all(VCF_DATA / "mutect2-multi-sample-two-plasma-one-normal.vcf")
    assert src.header.tumour_samples == ("P17-C1D1", "P17-C3D1")
    assert src.header.normal_samples == ("P17-GL",)
    assert [(c.pos, c.sample, c.alt_reads) for c in calls] == [
        (25245350, "P17-C1D1", 50), (25245350, "P17-C3D1", 1), (140753336, "P17-C3D1", 20)]


def test_mutect2_undeclared_sample_next_to_a_declared_tumour_is_the_normal() -> None:
    calls, _, src = read_all(
        VCF_DATA / "mutect2-tumor-sample-header-only-undeclared-second-column.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (("LB0193",), ("BC0193",))
    assert {c.sample for c in calls} == {"LB0193"}


def test_varscan2_mpileup2snp_single_sample() -> None:
    calls = fixture_calls("varscan2-mpileup2snp-single-sample-sdp.vcf")
    assert [(c.vaf, c.alt_reads, c.depth, c.vaf_source) for c in calls] == [
        (pytest.approx(0.0296), 24, 812, "FORMAT/FREQ"), (0.01, 6, 600, "FORMAT/FREQ")]


def test_vep_annotations_written_under_ann_are_read_as_vep() -> None:
    (call,) = fixture_calls("vep-annotation-written-to-ann-field.vcf")
    assert [(a.source, a.transcript, a.hgvsc, a.hgvsp) for a in call.external_annotations] == [
        ("VEP", "ENST00000311936.8", "c.35G>A", "p.Gly12Asp"),
        ("VEP", "ENST00000256078.10", "c.35G>A", "p.Gly12Asp")]


def test_alt_contigs_decoys_hla_and_mt_are_outside_the_panel() -> None:
    regions = RegionSet([("12", 25205000, 25251000, "KRAS"), ("7", 140719000, 140925000, "BRAF"),
                         ("MT", 1, 16569, "MT")])
    calls, counts, _ = read_all(VCF_DATA / "contigs-chr-mt-decoys-hla-alt.vcf", regions=regions)
    assert [(c.chrom, c.pos) for c in calls] == [("chr12", 25245350), ("chrM", 3106),
                                                 ("chr7", 140753336)]
    assert counts.skipped_dict() == {"outside_panel": 4}


def test_vcf44_local_alleles_and_explicit_phasing_prefix() -> None:
    calls, counts, src = read_all(VCF_DATA / "vcf44-local-alleles-lad-laa-star-and-nonref.vcf")
    kras = call_at(calls, 25245350)  # LGT 0/1 with LAA 2: the second ALT (A)
    assert (kras.alt, kras.genotype, kras.alt_reads, kras.depth) == ("A", "0/2", 40, 945)
    assert kras.vaf == pytest.approx(40 / 940)
    insertion = call_at(calls, 25245347)
    assert (insertion.alt, insertion.genotype, insertion.vaf) == ("CT", "/0/1", 0.1)
    assert counts.skipped_dict() == {"gvcf_reference_block": 1, "no_alt_support_in_tumour": 2,
                                     "spanning_deletion": 1}
    assert src.header.file_format == "VCFv4.4"


def test_dragen_gvcf_non_ref_blocks_keep_depth() -> None:
    calls, counts, src = read_all(VCF_DATA / "dragen-gvcf-non-ref-min-dp.vcf")
    (call,) = calls
    assert (call.vaf, call.alt_reads, call.depth) == (0.044, 40, 910)
    assert [(b.pos, b.end, b.min_depth["cfDNA-33"]) for b in src.reference_blocks()] == [
        (25245000, 25245349, 870), (25245351, 25245351, 905)]
    assert counts.skipped_dict() == {"gvcf_non_ref_allele": 1, "gvcf_reference_block": 2}


def test_caveman_strand_base_counts_and_sample_descriptions() -> None:
    calls, _, src = read_all(VCF_DATA / "caveman-strand-base-counts-normal-tumour.vcf")
    assert (src.header.tumour_samples, src.header.normal_samples) == (("TUMOUR",), ("NORMAL",))
    (call,) = calls  # FTZ 6 + RTZ 5 of 53 bases (CaVEMan's PM 0.21)
    assert (call.vaf, call.alt_reads, call.depth) == (pytest.approx(11 / 53), 11, 53)


def test_cgppindel_unique_strand_calls_with_missing_genotype() -> None:
    (call,) = fixture_calls("cgppindel-strand-calls-gt-missing.vcf")
    assert (call.sample, call.genotype, call.alt_reads, call.depth) == ("TUMOUR", "./.", 19, 87)
    assert call.vaf == pytest.approx(19 / 87)
