"""Issue #4 bar, end to end: every named variant, placed at its true coordinates on both builds
(from the transcript models), read from a VCF, annotated and matched, gets the right resistance
call, class and review references; decoys (synonymous at the same codon, intronic, filtered)
never get a resistance call."""

from __future__ import annotations

from pathlib import Path

import pytest

from egfr_annot.genome.coords import alleles_for_protein_change, cds_to_genomic
from egfr_annot.genome.models import TranscriptModel
from egfr_annot.genome.reference import ReferenceSequence
from egfr_annot.genome.sequence import CODON_TABLE, revcomp
from egfr_annot.genome.transcripts import load_transcript_models
from egfr_annot.pipeline import Resources, RunOptions, annotate_input
from egfr_annot.records import Build

# (gene, protein change, resistance, alteration class, references the row must carry)
NAMED = [
    ("EGFR", "p.G465R", "yes", "EGFR extracellular domain mutation", {10, 67, 68}),
    ("EGFR", "p.G465E", "yes", "EGFR extracellular domain mutation", {10, 67, 68}),
    ("EGFR", "p.S492R", "yes", "EGFR extracellular domain mutation", {10, 67, 68}),
    ("EGFR", "p.V843I", "yes", "EGFR kinase domain mutation", {69}),
    ("KRAS", "p.G12D", "yes", "KRAS exon 2-4 mutation", {81, 82}),
    ("KRAS", "p.G12C", "yes", "KRAS exon 2-4 mutation", {86, 87}),
    ("KRAS", "p.G13D", "yes", "KRAS exon 2-4 mutation", {82}),
    ("KRAS", "p.A59T", "yes", "KRAS exon 2-4 mutation", {81, 82}),
    ("KRAS", "p.Q61H", "yes", "KRAS exon 2-4 mutation", {81, 82}),
    ("KRAS", "p.K117N", "yes", "KRAS exon 2-4 mutation", {81, 82}),
    ("KRAS", "p.A146T", "yes", "KRAS exon 2-4 mutation", {81, 82}),
    ("KRAS", "p.T20M", "uncertain", None, {83, 84, 85}),
    ("KRAS", "p.D30E", "uncertain", None, {83, 84, 85}),
    ("NRAS", "p.G12D", "yes", "NRAS exon 2-4 mutation", {81, 82}),
    ("NRAS", "p.Q61K", "yes", "NRAS exon 2-4 mutation", {81, 82}),
    ("NRAS", "p.A146T", "yes", "NRAS exon 2-4 mutation", {81, 82}),
    ("HRAS", "p.G12V", "uncertain", "HRAS mutation", set()),
    ("BRAF", "p.V600E", "yes", "BRAF V600E", {25, 26, 80}),
    ("BRAF", "p.V600R", "uncertain", "BRAF non-V600E", {25, 96}),
    ("BRAF", "p.D594G", "uncertain", "BRAF non-V600E", {25, 96}),
    ("BRAF", "p.G469A", "uncertain", "BRAF non-V600E", {25, 96}),
    ("BRAF", "p.L485F", "uncertain", "BRAF non-V600E", {25, 96}),
    ("BRAF", "p.L525R", "uncertain", "BRAF non-V600E", {25, 96}),
    ("BRAF", "p.Q524L", "no", "BRAF non-V600E", {25, 96}),
    ("PIK3CA", "p.H1047R", "yes", "PIK3CA exon 20 mutation", {11}),
    ("PIK3CA", "p.E545K", "no", "PIK3CA exon 9 mutation", {11}),
    ("ERBB2", "p.S310F", "yes", "ERBB2 activating mutation", {13}),
    ("ERBB2", "p.L755S", "yes", "ERBB2 activating mutation", {13}),
    ("ERBB2", "p.V777L", "yes", "ERBB2 activating mutation", {13}),
    ("ERBB2", "p.V842I", "yes", "ERBB2 activating mutation", {13}),
    ("ERBB2", "p.L866M", "yes", "ERBB2 activating mutation", {13}),
    ("PTEN", "p.R130*", "yes", "PTEN loss", {106, 107, 108, 109, 110}),
]

HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=LowQual,Description="Low quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##reference=file:///ref/{ref}
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPLASMA
"""
REFERENCE_NAME = {"GRCh37": "human_g1k_v37.fasta", "GRCh38": "Homo_sapiens_assembly38.fasta"}


def allele_for(model: TranscriptModel, change: str) -> tuple[str, int, str, str]:
    """An SNV for the change, or (when no single base can make it, e.g. BRAF V600R GTG>AGG)
    the MNV replacing the whole codon with the first codon of the new residue."""
    snvs = alleles_for_protein_change(model, change)
    if snvs:
        return snvs[0]
    residue, new_aa = int(change[3:-1]), change[-1]
    codon = next(c for c, aa in CODON_TABLE.items() if aa == new_aa)
    first, last = cds_to_genomic(model, 3 * residue - 2), cds_to_genomic(model, 3 * residue)
    old = model.cds_seq[3 * residue - 3 : 3 * residue]
    if model.strand == "-":
        return model.chrom, last, revcomp(old), revcomp(codon)
    return model.chrom, first, old, codon


def vcf_line(chrom: str, pos: int, ref: str, alt: str, flt: str = "PASS") -> str:
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t{flt}\t.\tGT:AD:AF:DP\t0/1:950,50:0.05:1000\n"


def write_vcf(path: Path, build: str, lines: list[str]) -> Path:
    lines = sorted(lines, key=lambda line: (line.split("\t")[0], int(line.split("\t")[1])))
    path.write_text(HEADER.format(ref=REFERENCE_NAME[build]) + "".join(lines))
    return path


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_named_variants_get_their_call_and_refs(
    tmp_path: Path, resources: Resources, build: Build
) -> None:
    models = load_transcript_models(build)
    lines = []
    for gene, change, *_ in NAMED:
        lines.append(vcf_line(*allele_for(models[gene], change)))
    vcf = write_vcf(tmp_path / "named.vcf", build, lines)
    (result,) = annotate_input(str(vcf), RunOptions(checksum=False), resources)
    assert result.provenance.build == build
    by_change = {(f.consequence.gene, f.consequence.hgvsp_short): f for f in result.findings}
    for gene, change, resistance, cls, refs in NAMED:
        finding = by_change.get((gene, change))
        assert finding is not None, (build, gene, change, sorted(by_change))
        assert finding.match is not None, (gene, change)
        assert finding.match.resistance == resistance, (gene, change, finding.match.rule_id)
        if cls is not None:
            assert finding.match.alteration_class == cls, (gene, change)
        assert refs <= set(finding.match.review_refs), (gene, change, finding.match.review_refs)
    assert result.status == "resistance_detected"


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_decoys_never_get_a_resistance_call(
    tmp_path: Path, resources: Resources, build: Build
) -> None:
    models = load_transcript_models(build)
    reference = ReferenceSequence(build)
    lines = []
    # synonymous changes at resistance codons
    for gene, change in (
        ("KRAS", "p.G12="),
        ("BRAF", "p.V600="),
        ("EGFR", "p.S492="),
        ("PIK3CA", "p.H1047="),
        ("NRAS", "p.Q61="),
    ):
        chrom, pos, ref, alt = alleles_for_protein_change(models[gene], change)[0]
        lines.append(vcf_line(chrom, pos, ref, alt))
    # intronic variants 40 bp into the intron after EGFR exon 12 and BRAF exon 15
    for gene, c_last in (("EGFR", 1498), ("BRAF", 1860)):
        model = models[gene]
        edge = cds_to_genomic(model, c_last)
        pos = edge + 40 if model.strand == "+" else edge - 40
        ref = reference.fetch(model.chrom, pos, pos)
        assert ref is not None
        alt = "A" if ref != "A" else "C"
        lines.append(vcf_line(model.chrom, pos, ref, alt))
    # a named resistance variant that failed the caller's filters
    chrom, pos, ref, alt = alleles_for_protein_change(models["KRAS"], "p.G12D")[0]
    lines.append(vcf_line(chrom, pos, ref, alt, flt="LowQual"))
    vcf = write_vcf(tmp_path / "decoys.vcf", build, lines)

    (result,) = annotate_input(str(vcf), RunOptions(checksum=False), resources)
    assert [f for f in result.findings if f.resistance is not None] == []
    assert result.status != "resistance_detected"
    skipped = result.counts.skipped_dict()
    assert skipped["filtered"] == 1
    assert skipped["not_protein_changing"] == 7

    # even when everything is reported, the decoys carry no resistance call that counts
    (everything,) = annotate_input(
        str(vcf), RunOptions(checksum=False, all_variants=True, include_filtered=True), resources
    )
    resistant = [f for f in everything.findings if f.resistance == "yes"]
    assert [f.consequence.hgvsp_short for f in resistant] == ["p.G12D"]
    assert not resistant[0].passed
    assert everything.status != "resistance_detected"
    assert all(
        f.resistance is None for f in everything.findings if f.consequence.hgvsp_short != "p.G12D"
    )
