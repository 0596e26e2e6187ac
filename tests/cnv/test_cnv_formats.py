"""Every supported copy-number format gives exactly the expected gene calls (issue #6).

Each fixture in tests/data/cnv has a MET and an ERBB2 amplification, a gain below the
amplification threshold (EGFR/KRAS) and a PTEN deep deletion at tumour fraction 0.4, on the true
MANE transcript coordinates of its build. Expected values were worked out by hand from the
fixture rows (e.g. CNVkit log2 0.2 -> 2 * 2**0.2 = 2.297; purity-adjusted 2 + (2.297 - 2) / 0.4).
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from egfr_annot.copy_number import call_genes
from egfr_annot.errors import InputError, UsageError
from egfr_annot.io.cnv import read_copy_number

TF = 0.4
AMP, GAIN, DEEP = "amplification", "gain", "deep_deletion"


@dataclass(frozen=True)
class Expect:
    gene: str
    state_tf: str  # at tumour fraction 0.4
    state_unknown_tf: str  # tumour fraction unknown (plasma thresholds)
    observed: float
    adjusted: float
    overlap: float
    chrom: str
    start: int
    end: int
    filter: str = "PASS"


@dataclass(frozen=True)
class Case:
    file: str
    build: str
    fmt: str
    sample: str | None
    samples: tuple[str, ...]
    records_read: int
    skipped: dict[str, int]
    calls: tuple[Expect, ...]
    other_genes_neutral: tuple[str, ...] = ()


CASES = [
    Case(
        "cnvkit_grch37_chr.call.cns",
        "GRCh37",
        "cnvkit_call_cns",
        None,
        (),
        19,
        {"cnv_contig_not_used": 1, "cnv_empty_cnvkit_segment": 1},
        (
            # cn column used (integer absolute CN); 0-based starts + 1
            Expect("MET", AMP, AMP, 6.0, 12.0, 1.0, "7", 116200001, 116500000),
            Expect("ERBB2", AMP, AMP, 8.0, 17.0, 1.0, "17", 37800001, 37900000),
            # CN 3 in plasma: amplification on the plasma scale, a gain once adjusted (4.5 < 5)
            Expect("EGFR", GAIN, AMP, 3.0, 4.5, 1.0, "7", 54990001, 55300000),
            Expect("PTEN", DEEP, DEEP, 0.0, 0.0, 1.0, "10", 89500001, 89800000),
        ),
        ("KRAS", "NRAS", "HRAS", "BRAF", "PIK3CA", "MAP2K1", "FCGR3A"),
    ),
    Case(
        "cnvkit_grch38_nochr.cns",
        "GRCh38",
        "cnvkit_cns",
        None,
        (),
        17,
        {},
        (
            Expect("MET", AMP, AMP, 3.5, 5.75, 1.0, "7", 116600001, 116850000),
            Expect("ERBB2", AMP, AMP, 4.0, 7.0, 1.0, "17", 39650001, 39750000),
            Expect("EGFR", GAIN, GAIN, 2.297, 2.7425, 1.0, "7", 55000001, 55250000),
            # 2 * 2**-0.7 = 1.231: a loss in plasma, a deep deletion at TF 0.4 (adjusted 0.0775)
            Expect("PTEN", DEEP, "loss", 1.231, 0.0775, 1.0, "10", 87800001, 88000000),
        ),
        ("KRAS", "NRAS", "HRAS", "BRAF", "PIK3CA", "MAP2K1", "FCGR3A"),
    ),
    Case(
        "cnvkit_grch37_chr.cnr",
        "GRCh37",
        "cnvkit_cnr",
        None,
        (),
        22,
        {"cnv_contig_not_used": 1, "cnv_missing_copy_number_value": 1},
        (
            # weighted median log2 1.58 (NaN bin skipped, outlier 3.9 with weight 0.05 ignored)
            Expect("MET", AMP, AMP, 5.979, 11.9475, 16877 / 125982, "7", 116312440, 116395200),
            # 4 equal weights: mean of the middle two, (1.20 + 1.22) / 2 = 1.21
            Expect("ERBB2", AMP, AMP, 4.627, 8.5675, 886 / 28595, "17", 37856298, 37865725),
            Expect("EGFR", GAIN, GAIN, 2.25, 2.625, 783 / 192612, "7", 55086691, 55211201),
            Expect("PTEN", DEEP, DEEP, 0.134, 0.0, 1235 / 108306, "10", 89623363, 89690866),
            Expect(
                "KRAS", "neutral", "neutral", 2.014, 2.035, 379 / 45684, "12", 25380149, 25398349
            ),
        ),
    ),
    Case(
        "gatk_grch38_nochr.called.seg",
        "GRCh38",
        "gatk_called_seg",
        None,
        ("PLASMA-07",),
        20,
        {"cnv_contig_not_used": 1, "cnv_missing_copy_number_value": 1},
        (
            Expect("MET", AMP, AMP, 4.287, 7.7175, 1.0, "7", 116650001, 116820000),
            # two segments: (2**2.3 * 14937 + 2**2.5 * 13658) / 28595 = 5.274
            Expect("ERBB2", AMP, AMP, 5.274, 10.185, 1.0, "17", 39690001, 39740000),
            Expect("EGFR", GAIN, GAIN, 2.235, 2.5875, 1.0, "7", 55010001, 55220000),
            Expect("PTEN", DEEP, DEEP, 0.177, 0.0, 1.0, "10", 87850001, 87990000),
            # a segment covering 74929 of BRAF's 194265 bases, nothing over the rest
            Expect(
                "BRAF",
                AMP,
                AMP,
                3.732,
                6.33,
                74929 / 194265,
                "7",
                140850001,
                141000000,
                "partial_overlap",
            ),
        ),
        ("NRAS", "PIK3CA", "FCGR3A"),
    ),
    Case(
        "gatk_grch37_chr.modelFinal.seg",
        "GRCh37",
        "gatk_model_seg",
        None,
        ("PLASMA-05",),
        7,
        {"cnv_missing_copy_number_value": 1},
        (
            Expect("MET", AMP, AMP, 4.0, 7.0, 1.0, "7", 116300001, 116450000),
            Expect("ERBB2", AMP, AMP, 6.964, 14.41, 1.0, "17", 37850001, 37890000),
            Expect("EGFR", GAIN, GAIN, 2.297, 2.7425, 1.0, "7", 55080001, 55290000),
            Expect("PTEN", DEEP, DEEP, 0.354, 0.0, 1.0, "10", 89600001, 89750000),
        ),
    ),
    Case(
        "gatk_grch37.cr.seg",
        "GRCh37",
        "gatk_cr_seg",
        None,
        ("S1",),
        4,
        {},
        (
            Expect("MET", AMP, AMP, 4.925, 9.3125, 1.0, "7", 116300001, 116450000),
            Expect("ERBB2", AMP, AMP, 6.063, 12.1575, 1.0, "17", 37850001, 37890000),
            Expect("EGFR", GAIN, GAIN, 2.25, 2.625, 1.0, "7", 55080001, 55290000),
            Expect("PTEN", DEEP, DEEP, 0.435, 0.0, 1.0, "10", 89600001, 89750000),
        ),
    ),
    Case(
        "pcgr_grch37_nochr.cna.tsv",
        "GRCh37",
        "pcgr_allele_specific",
        None,
        (),
        17,
        {"cnv_missing_copy_number_value": 1},
        (
            # nMajor + nMinor is tumour-level: not adjusted again
            Expect("MET", AMP, AMP, 6.0, 6.0, 1.0, "7", 116200001, 116500000),
            Expect("ERBB2", AMP, AMP, 9.0, 9.0, 1.0, "17", 37800001, 37900000),
            Expect("EGFR", GAIN, GAIN, 3.0, 3.0, 1.0, "7", 54990001, 55300000),
            Expect("PTEN", DEEP, DEEP, 0.0, 0.0, 1.0, "10", 89500001, 89800000),
        ),
        ("KRAS", "NRAS", "BRAF", "PIK3CA", "MAP2K1", "FCGR3A"),
    ),
    Case(
        "pcgr_grch38_chr.segment_mean.tsv",
        "GRCh38",
        "pcgr_segment_mean",
        None,
        ("S10",),
        5,
        {},
        (
            Expect("MET", AMP, AMP, 4.595, 8.4875, 1.0, "7", 116600001, 116850000),
            Expect("ERBB2", AMP, AMP, 6.063, 12.1575, 1.0, "17", 39650001, 39750000),
            Expect("EGFR", GAIN, GAIN, 2.266, 2.665, 1.0, "7", 55000001, 55250000),
            Expect("PTEN", DEEP, DEEP, 0.25, 0.0, 1.0, "10", 87800001, 88000000),
        ),
        ("KRAS",),
    ),
    Case(
        "gene_table_plasma.tsv",
        "GRCh38",
        "gene_table",
        "PT-01",
        ("PT-01", "PT-02"),
        7,
        {"cnv_other_sample": 2},
        (
            Expect("MET", AMP, AMP, 3.4, 5.5, 1.0, "7", 116672405, 116798386),
            # written "HER2" and "Amplification (4.2)"
            Expect("ERBB2", AMP, AMP, 4.2, 7.5, 1.0, "17", 39700064, 39728658),
            Expect("KRAS", GAIN, GAIN, 2.3, 2.75, 1.0, "12", 25205246, 25250929),
            Expect("PTEN", DEEP, DEEP, 0.2, 0.0, 1.0, "10", 87863625, 87971930),
        ),
    ),
    Case(
        "gene_table_plasma.csv",
        "GRCh37",
        "gene_table",
        None,
        ("PT-03",),
        4,
        {},
        (
            Expect("MET", AMP, AMP, 5.5, 10.75, 1.0, "7", 116312459, 116438440),
            Expect("ERBB2", AMP, AMP, 3.3, 5.25, 1.0, "17", 37856317, 37884911),
            Expect("EGFR", GAIN, GAIN, 2.21, 2.525, 1.0, "7", 55086710, 55279321),
            Expect("PTEN", DEEP, DEEP, 0.4, 0.0, 1.0, "10", 89623382, 89731687),
        ),
    ),
    Case(
        "cnv_grch38_chr.vcf",
        "GRCh38",
        "vcf",
        "PLASMA_01",
        ("PLASMA_01", "NORMAL_01"),
        9,
        {
            "cnv_contig_not_used": 1,
            "cnv_other_sample": 7,
            "cnv_vcf_record_not_copy_number": 2,  # <INV> and an SNV
            "cnv_vcf_record_without_copy_number": 1,  # <DUP> without CN (MAP2K1)
        },
        (
            Expect("MET", AMP, AMP, 6.2, 12.5, 1.0, "7", 116650000, 116820000),
            Expect("ERBB2", AMP, AMP, 9.0, 19.5, 1.0, "17", 39690000, 39740000),
            Expect("EGFR", GAIN, GAIN, 2.35, 2.875, 1.0, "7", 55000000, 55250000),
            Expect("PTEN", DEEP, DEEP, 0.0, 0.0, 1.0, "10", 87850000, 87990000),
            Expect("PIK3CA", GAIN, AMP, 3.0, 4.5, 1.0, "3", 179100000, 179300000, "LowQual"),
        ),
    ),
]


def _calls(case: Case, models, path: Path, tumour_fraction: float | None):
    result = read_copy_number(path, build=case.build, sample=case.sample)
    calls = call_genes(
        result.segments, models(case.build), tumour_fraction=tumour_fraction, sample="S"
    )
    return result, {c.gene: c for c in calls}


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_format_gives_expected_calls(case: Case, cnv_data: Path, models) -> None:
    result, calls = _calls(case, models, cnv_data / case.file, TF)
    assert result.format == case.fmt
    assert result.samples == case.samples
    assert result.records_read == case.records_read
    assert result.skipped_dict() == case.skipped
    assert set(calls) == {e.gene for e in case.calls} | set(case.other_genes_neutral)
    for e in case.calls:
        call = calls[e.gene]
        assert call.state == e.state_tf, e.gene
        assert call.copy_number == pytest.approx(e.observed, abs=1e-3), e.gene
        assert call.copy_number_adjusted == pytest.approx(e.adjusted, abs=1.5e-3), e.gene
        assert call.overlap_fraction == pytest.approx(e.overlap, abs=1e-4), e.gene
        assert (call.chrom, call.start, call.end) == (e.chrom, e.start, e.end), e.gene
        assert call.filter == e.filter, e.gene
        assert call.sample == "S"
        assert call.input_path == str(cnv_data / case.file)
    for gene in case.other_genes_neutral:
        assert calls[gene].state == "neutral", gene


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_format_without_tumour_fraction(case: Case, cnv_data: Path, models) -> None:
    _, calls = _calls(case, models, cnv_data / case.file, None)
    for e in case.calls:
        call = calls[e.gene]
        assert call.state == e.state_unknown_tf, e.gene
        assert call.copy_number == pytest.approx(e.observed, abs=1e-3), e.gene
        tumour_level = case.fmt == "pcgr_allele_specific"
        assert call.copy_number_adjusted == (e.observed if tumour_level else None), e.gene


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_gzip_input_reads_the_same(case: Case, cnv_data: Path, tmp_path: Path, models) -> None:
    packed = tmp_path / (case.file + ".gz")
    with open(cnv_data / case.file, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    plain = read_copy_number(cnv_data / case.file, build=case.build, sample=case.sample)
    zipped = read_copy_number(packed, build=case.build, sample=case.sample)
    assert zipped.format == plain.format
    assert zipped.skipped == plain.skipped
    strip = [
        (type(s).__name__, s.sample, getattr(s, "chrom", None), s.copy_number, s.line)
        for s in plain.segments
    ]
    assert [
        (type(s).__name__, s.sample, getattr(s, "chrom", None), s.copy_number, s.line)
        for s in zipped.segments
    ] == strip


def test_detection_is_by_content_not_extension(cnv_data: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "segments.txt"
    shutil.copy(cnv_data / "gatk_grch38_nochr.called.seg", renamed)
    assert read_copy_number(renamed, build="GRCh38").format == "gatk_called_seg"
    vcf_as_txt = tmp_path / "calls.txt"
    shutil.copy(cnv_data / "cnv_grch38_chr.vcf", vcf_as_txt)
    assert read_copy_number(vcf_as_txt, build="GRCh38").format == "vcf"
    # a .cns with a cn column is a .call.cns whatever its name
    call_cns = tmp_path / "sample.cns"
    shutil.copy(cnv_data / "cnvkit_grch37_chr.call.cns", call_cns)
    assert read_copy_number(call_cns, build="GRCh37").format == "cnvkit_call_cns"


def test_cnvkit_coordinates_are_converted_to_one_based(cnv_data: Path) -> None:
    result = read_copy_number(cnv_data / "cnvkit_grch38_nochr.cns", build="GRCh38")
    met = next(s for s in result.segments if s.line == 7)
    # file: "7 116600000 116850000" (0-based, half-open) = 116600001..116850000
    assert (met.chrom, met.start, met.end, met.contig) == ("7", 116600001, 116850000, "7")
    assert met.log2 == pytest.approx(0.807355) and met.copy_number is None
    assert met.value == pytest.approx(3.5, abs=1e-5)


def test_gatk_coordinates_and_sample_are_kept(cnv_data: Path) -> None:
    result = read_copy_number(cnv_data / "gatk_grch37_chr.modelFinal.seg", build="GRCh37")
    met = next(s for s in result.segments if s.line == 11)
    assert (met.chrom, met.start, met.end, met.contig) == ("7", 116300001, 116450000, "chr7")
    assert met.sample == "PLASMA-05"
    assert met.n_points == 120
    assert met.source == "GATK .modelFinal.seg LOG2_COPY_RATIO_POSTERIOR_50 (ploidy 2)"


def test_vcf_sample_selection_and_per_sample_records(cnv_data: Path) -> None:
    both = read_copy_number(cnv_data / "cnv_grch38_chr.vcf", build="GRCh38")
    assert {s.sample for s in both.segments} == {"PLASMA_01", "NORMAL_01"}
    normal = both.for_sample("NORMAL_01")
    met = next(s for s in normal if s.chrom == "7" and s.start == 116650000)
    assert met.copy_number == 2.0 and met.source == "VCF FORMAT/CN"
    plasma_met = next(
        s for s in both.for_sample("PLASMA_01") if s.chrom == "7" and s.start == 116650000
    )
    # FORMAT/CN is "." for the plasma sample: INFO/CN is used
    assert plasma_met.copy_number == 6.2 and plasma_met.source == "VCF INFO/CN"
    with pytest.raises(UsageError, match=r"several samples \(NORMAL_01, PLASMA_01\) for sample"):
        call_genes(both.segments, {}, tumour_fraction=None, sample="PLASMA_01")


def test_vcf_segment_given_by_svlen_alone(cnv_data: Path, tmp_path: Path) -> None:
    # VCF 4.4 lets a structural variant give its span by SVLEN alone (END is deprecated in
    # VCF 4.5): END = POS + |SVLEN|, as the variant reader takes it; several values: the longest
    text = (cnv_data / "cnv_grch38_chr.vcf").read_text()
    text = text.replace("SVTYPE=DEL;END=87990000", "SVTYPE=DEL;SVLEN=-140000").replace(
        "SVTYPE=DUP;END=179300000", "SVTYPE=DUP;SVLEN=150000,200000")
    text = text.replace("##INFO=<ID=SVTYPE", '##INFO=<ID=SVLEN,Number=A,Type=Integer,'
                        'Description="Length">\n##INFO=<ID=SVTYPE')
    path = tmp_path / "svlen.vcf"
    path.write_text(text)
    segments = read_copy_number(path, build="GRCh38").for_sample("PLASMA_01")
    pten = next(s for s in segments if s.chrom == "10")
    assert (pten.start, pten.end, pten.copy_number) == (87850000, 87990000, 0.0)
    pik3ca = next(s for s in segments if s.chrom == "3")
    assert (pik3ca.start, pik3ca.end) == (179100000, 179300000)
    bad = tmp_path / "bad_svlen.vcf"
    bad.write_text(text.replace("SVLEN=-140000", "SVLEN=long"))
    with pytest.raises(InputError, match=r"bad_svlen.vcf:\d+: INFO/SVLEN 'long' is not an "):
        read_copy_number(bad, build="GRCh38")


def test_contigs_restriction_counts_what_it_drops(cnv_data: Path) -> None:
    result = read_copy_number(
        cnv_data / "cnvkit_grch38_nochr.cns", build="GRCh38", contigs={"7", "10", "17"}
    )
    assert {s.chrom for s in result.segments} == {"7", "10", "17"}
    assert result.skipped_dict() == {"cnv_contig_not_used": 6}  # chromosomes 1, 3, 11, 12, 15, X


def test_symbolic_records_from_the_variant_reader(cnv_data: Path, models) -> None:
    from egfr_annot.io.cnv import read_symbolic_records

    @dataclass(frozen=True)
    class Rec:
        chrom: str
        pos: int
        end: int | None
        alt: str
        info: dict[str, str]
        samples: dict[str, dict[str, str]]
        filter: str
        line: int

    records = [
        Rec(
            "chr7",
            116650000,
            None,
            "<DUP>",
            {"END": "116820000", "SVTYPE": "DUP"},
            {"TUMOR": {"GT": "./.", "CN": "7"}},
            "PASS",
            41,
        ),
        Rec(
            "chr17",
            39690000,
            39740000,
            "<AMP>",
            {"CN": "9.5"},
            {"TUMOR": {"GT": "./."}},
            "PASS",
            42,
        ),
        Rec("chr2", 1000, 2000, "<INV>", {"END": "2000"}, {"TUMOR": {}}, "PASS", 43),
        Rec("chr15", 66400000, 66500000, "<DUP>", {}, {"TUMOR": {"GT": "0/1"}}, "PASS", 44),
        Rec("GL000220.1", 1, 100, "<DEL>", {"END": "100"}, {"TUMOR": {"CN": "0"}}, "PASS", 45),
    ]
    result = read_symbolic_records(records, "in.vcf", build="GRCh38")
    assert result.records_read == 5
    # (the <INV> is not counted again: the variant reader counted it as symbolic_allele)
    assert result.skipped_dict() == {
        "cnv_contig_not_used": 1,
        "cnv_vcf_record_without_copy_number": 1,
    }
    calls = {
        c.gene: c
        for c in call_genes(result.segments, models("GRCh38"), tumour_fraction=None, sample="TUMOR")
    }
    assert set(calls) == {"MET", "ERBB2"}
    assert (calls["MET"].copy_number, calls["MET"].line, calls["MET"].source) == (
        7.0,
        41,
        "VCF FORMAT/CN",
    )
    assert calls["ERBB2"].copy_number == 9.5 and calls["ERBB2"].state == "amplification"


def test_symbolic_records_of_the_variant_reader_class(models) -> None:
    """Contract with egfr_annot.io.vcf_records.SymbolicRecord (one object per symbolic ALT)."""
    vcf_records = pytest.importorskip("egfr_annot.io.vcf_records")
    from egfr_annot.io.cnv import read_symbolic_records

    def record(alt: str, line: int, cn: str) -> object:
        return vcf_records.SymbolicRecord(
            chrom="7",
            pos=116650000,
            end=116820000,
            ref="N",
            alt=alt,
            id=".",
            qual=".",
            filter="PASS",
            info={"END": "116820000", "IMPRECISE": True},
            samples={"TUMOR": {"GT": "./.", "CN": cn}, "NORMAL": {"GT": "0/0", "CN": "2"}},
            line=line,
        )

    # a multi-ALT record "<DEL>,<DUP>" comes as two objects with the same line: read once
    records = [record("<DEL>", 30, "8"), record("<DUP>", 30, "8")]
    result = read_symbolic_records(records, "in.vcf", build="GRCh38")  # type: ignore[arg-type]
    assert result.records_read == 1
    assert result.samples == ("TUMOR", "NORMAL")
    tumour = [s for s in result.segments if s.sample == "TUMOR"]
    assert [(s.start, s.end, s.copy_number, s.line) for s in tumour] == [
        (116650000, 116820000, 8.0, 30)
    ]
    [met] = call_genes(tumour, models("GRCh38"), tumour_fraction=None, sample="TUMOR")
    assert (met.gene, met.state, met.copy_number) == ("MET", "amplification", 8.0)
