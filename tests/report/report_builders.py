"""Result records for the report tests: one sample per status, built directly (no pipeline).

* ``resistant``: KRAS p.G12D (GRCh38 12:25245350 C>T, VAF 8 %) matched at protein level with two
  strategies, plus a FILTER-failing PIK3CA call and a MET amplification from a --cnv file.
* ``no_alteration``: tumour DNA evident (TP53, VAF 6 %), one ERBB2 variant no rule covers.
* ``empty``: a header-only VCF: non_informative.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from egfr_annot.records import (
    Allele,
    Call,
    Consequence,
    CopyNumberCall,
    Finding,
    Provenance,
    ReadCounts,
    RuleMatch,
    SampleResult,
    StrategyFit,
    TumourFraction,
)
from egfr_annot.report.writers import ReportContext
from egfr_annot.resources import annotations_dir

XSS = "<script>alert(1)</script>"
TOOL_VERSION = "0.1.0"
KB_VERSION = "2025.01.0-test"

# A small GRCh38 VCF whose records the findings below point at. Spacing and INFO content of the
# records without findings are deliberately odd: they must come out byte-identical.
VCF_HEADER = (
    "##fileformat=VCFv4.2\n"
    "##reference=GRCh38\n"
    "##contig=<ID=3,length=198295559>\n"
    "##contig=<ID=7,length=159345973>\n"
    "##contig=<ID=12,length=133275309>\n"
    "##contig=<ID=17,length=83257441>\n"
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##INFO=<ID=NOTE,Number=1,Type=String,Description="Free text">\n'
    '##FILTER=<ID=LowQual,Description="Low quality">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOUR\n"
)
VCF_RECORDS = (
    "3\t179218303\t.\tG\tA\t50\tLowQual\tDP=400\tGT:AF\t0/1:0.002\n",  # PIK3CA E545K (filtered)
    "7\t55019278\trs1\tA\tG\t.\tPASS\tNOTE=a%3Bb\tGT:AF\t0/1:0.4\n",  # no finding: unchanged
    "12\t25245350\t.\tC\tT,G\t99.5\tPASS\tDP=812;NOTE=x\tGT:AF\t0/1:0.08,0.0\n",  # KRAS G12D
    "12\t25245400\t.\tA\tAT\t.\tPASS\t.\tGT:AF\t0/1:0.01\n",  # no finding: unchanged
    "17\t7675088\t.\tC\tT\t60\tPASS\tDP=500\tGT:AF\t0/1:0.06\n",  # TP53 evidence, no finding
    "17\t39727784\t.\tG\tT\t70\t.\tDP=300\tGT:AF\t0/1:0.05\n",  # ERBB2, no rule
)


def write_vcf(path: Path, records: tuple[str, ...] = VCF_RECORDS, header: str = VCF_HEADER) -> Path:
    path.write_text(header + "".join(records), encoding="utf-8")
    return path


def provenance(input_path: str = "sample.vcf") -> Provenance:
    return Provenance(
        tool_version=TOOL_VERSION,
        kb_version=KB_VERSION,
        build="GRCh38",
        build_source="header: ##reference=GRCh38",
        input_path=input_path,
        input_sha256="a" * 64,
        command_line=f"egfr-annot run {input_path} --html --vcf --json --multiqc",
    )


def _call(
    chrom: str,
    pos: int,
    ref: str,
    alt: str,
    vaf: float,
    filt: str = "PASS",
    sample: str = "TUMOUR",
    line: int = 14,
) -> Call:
    return Call(
        sample=sample,
        chrom=chrom,
        pos=pos,
        ref=ref,
        alt=alt,
        filter=filt,
        vaf=vaf,
        alt_reads=round(vaf * 800),
        depth=800,
        vaf_source="FORMAT/AF",
        line=line,
    )


KRAS_G12D = Consequence(
    gene="KRAS",
    transcript="NM_004985.5",
    transcript_ensembl="ENST00000311936.8",
    strand="-",
    so_terms=("missense_variant",),
    hgvsc="c.35G>A",
    hgvsp="p.Gly12Asp",
    hgvsp_short="p.G12D",
    exon="2/5",
    protein_start=12,
    protein_end=12,
    ref_aa="G",
    alt_aa="D",
)
PIK3CA_E545K = Consequence(
    gene="PIK3CA",
    transcript="NM_006218.4",
    transcript_ensembl="ENST00000263967.4",
    strand="+",
    so_terms=("missense_variant",),
    hgvsc="c.1633G>A",
    hgvsp="p.Glu545Lys",
    hgvsp_short="p.E545K",
    exon="10/21",
)
ERBB2_VUS = Consequence(
    gene="ERBB2",
    transcript="NM_004448.4",
    transcript_ensembl="ENST00000269571.10",
    strand="+",
    so_terms=("missense_variant", "splice_region_variant"),
    hgvsc="c.2329G>T",
    hgvsp="p.Val777Leu",
    hgvsp_short="p.V777L",
    exon="19/27",
)

RAS_RULE = RuleMatch(
    rule_id="KRAS_exon2_codon12",
    match_level="protein",
    resistance="yes",
    alteration_class="KRAS exon 2 mutation",
    mechanism="Constitutive RAS signalling downstream of EGFR; a, b; c=d",
    evidence="Primary and acquired resistance to cetuximab & panitumumab [7,8]",
    review_refs=(8, 7),
    strategies=(
        StrategyFit("S_panRAS", "Pan-RAS inhibitor + cetuximab [Phase I; 41]", "subtype", 4, (41,)),
        StrategyFit(
            "S_MEK",
            "MEK inhibitor + anti-EGFR [Phase II; 39,40]",
            "exact_subpopulation",
            2,
            (39, 40),
        ),
    ),
)
PIK3CA_RULE = RuleMatch(
    rule_id="PIK3CA_exon10",
    match_level="exon",
    resistance="uncertain",
    alteration_class="PIK3CA exon 9 (MANE exon 10) mutation",
    mechanism="PI3K activation",
    evidence="Conflicting evidence [12]",
    review_refs=(12,),
)
MET_RULE = RuleMatch(
    rule_id="MET_amp",
    match_level="copy_number",
    resistance="yes",
    alteration_class="MET amplification",
    mechanism="Bypass signalling through MET",
    evidence="Acquired resistance [30]",
    review_refs=(30,),
    strategies=(
        StrategyFit("S_METi", "Crizotinib + cetuximab [Phase I]", "exact_subpopulation", 4, (31,)),
    ),
)


def _finding(call: Call, cons: Consequence, match: RuleMatch | None, notes=()) -> Finding:
    return Finding(
        sample=call.sample,
        build="GRCh38",
        call=call,
        allele=Allele("GRCh38", call.chrom, call.pos, call.ref, call.alt),
        consequence=cons,
        copy_number=None,
        match=match,
        notes=tuple(notes),
    )


def resistant_result(input_path: str = "sample.vcf", sample: str = "TUMOUR") -> SampleResult:
    kras = _finding(
        _call("12", 25245350, "C", "T", 0.08, sample=sample, line=14), KRAS_G12D, RAS_RULE
    )
    pik3ca = _finding(
        _call("3", 179218303, "G", "A", 0.002, "LowQual", sample=sample, line=12),
        PIK3CA_E545K,
        PIK3CA_RULE,
        ["FILTER=LowQual: not counted for the sample status"],
    )
    met = Finding(
        sample=sample,
        build="GRCh38",
        call=None,
        allele=None,
        consequence=None,
        copy_number=CopyNumberCall(
            sample=sample,
            gene="MET",
            chrom="7",
            start=116672196,
            end=116798377,
            copy_number=6.4,
            copy_number_adjusted=29.5,
            state="amplification",
            overlap_fraction=1.0,
            source="CNVkit .call.cns cn",
            input_path="sample.cns",
            line=5,
        ),
        match=MET_RULE,
    )
    return SampleResult(
        sample=sample,
        findings=(pik3ca, kras, met),  # not in report order (PIK3CA first)
        status="resistance_detected",
        status_reason="resistance alteration(s) detected: KRAS p.G12D, MET amplification",
        tumour_fraction=TumourFraction(0.16, "2 x max somatic VAF (KRAS p.G12D, VAF 8%)"),
        counts=ReadCounts(
            records_read=5,
            records_in_panel=4,
            calls_in_panel=4,
            skipped=(("not_protein_changing", 1),),
            warnings=(),
        ),
        provenance=provenance(input_path),
        thresholds=(
            ("min_vaf", "0"),
            ("min_alt_reads", "0"),
            ("include_filtered", "yes"),
            ("tumour_evidence_min_vaf", "0.01"),
            ("min_tumour_fraction", "0.02"),
        ),
        rechallenge=(
            ("summary", "argues against anti-EGFR rechallenge: KRAS p.G12D, MET amplification"),
            ("evidence", "Pooled ORR 17.70% (95% CI 8.58-26.82%), DCR 61.72% (14 studies, n=520)"),
        ),
        copy_number_status="informative",
        notes=(),
    )


def no_alteration_result(input_path: str = "sample.vcf") -> SampleResult:
    erbb2 = _finding(_call("17", 39727784, "G", "T", 0.05), ERBB2_VUS, None)
    return SampleResult(
        sample="TUMOUR",
        findings=(erbb2,),
        status="not_detected",
        status_reason="no resistance alteration detected; tumour DNA evident (TP53 p.R175H, "
        "VAF 6% >= 1%)",
        tumour_fraction=TumourFraction(0.12, "2 x max somatic VAF (TP53 p.R175H, VAF 6%)"),
        counts=ReadCounts(records_read=3, records_in_panel=2, calls_in_panel=2),
        provenance=provenance(input_path),
        thresholds=(("tumour_evidence_min_vaf", "0.01"),),
        rechallenge=(
            ("summary", "no resistance alteration detected: rechallenge may be considered"),
            ("evidence", "Pooled ORR 17.70%"),
            ("no_driver_strategies", "Anti-EGFR rechallenge [Meta-analysis]"),
        ),
        copy_number_status="not assessed (no copy-number input)",
    )


def empty_result(input_path: str = "empty.vcf") -> SampleResult:
    return SampleResult(
        sample="TUMOUR",
        findings=(),
        status="non_informative",
        status_reason="no resistance alteration detected, but no somatic variant usable as "
        "tumour-DNA evidence: a negative plasma result cannot exclude resistance "
        "(consider tissue testing or a repeat sample)",
        tumour_fraction=TumourFraction(None, "none: no eligible somatic variant"),
        counts=ReadCounts(),
        provenance=replace(provenance(input_path), input_sha256=None),
        rechallenge=(("summary", "not assessable: no evidence of tumour DNA in the sample"),),
        copy_number_status="not assessed (no copy-number input)",
        notes=("header-only VCF: no records",),
    )


def context_for(*inputs: str) -> ReportContext:
    # the real knowledge base: the reports look strategy details and rechallenge figures up in it
    return ReportContext(TOOL_VERSION, KB_VERSION, tuple(inputs), annotations_dir())
