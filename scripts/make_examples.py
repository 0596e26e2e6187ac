#!/usr/bin/env python3
"""Generate the bundled example ctDNA VCFs in ``example_vcfs/`` (issue #2).

Every panel variant is placed at its true coordinates from the project's own MANE Select
transcript models (``annotations/transcripts``), its REF base taken from the bundled reference,
and its annotation checked with the consequence engine before it is written. The non-panel
markers (TP53, APC, DNMT3A) use published coordinates recorded below with their sources.
Read counts are drawn from a seeded generator: the output is the same on every run.

    python scripts/make_examples.py            # rewrite example_vcfs/
    python scripts/make_examples.py --check    # fail if the committed files differ
"""

from __future__ import annotations

import argparse
import gzip
import io
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from egfr_annot.genome.annotator import Annotator  # noqa: E402
from egfr_annot.genome.coords import cds_to_genomic  # noqa: E402
from egfr_annot.genome.reference import ReferenceSequence  # noqa: E402
from egfr_annot.genome.sequence import revcomp  # noqa: E402
from egfr_annot.genome.transcripts import load_transcript_models  # noqa: E402

OUT = REPO / "example_vcfs"

# Non-panel markers: (gene, label) -> {build: (chrom, pos, ref, alt)}. Sources: dbSNP/ClinVar
# coordinates of TP53 p.R175H (rs28934578, NM_000546 c.524G>A), APC p.R1450* (rs121913332,
# NM_000038 c.4348C>T) and DNMT3A p.R882H (rs147001633, NM_022552 c.2645G>A), as quoted in TCGA
# MAFs and VEP REST outputs in public repositories (checked on both builds when writing this).
MARKERS = {
    ("TP53", "p.R175H"): {"GRCh37": ("17", 7578406, "C", "T"), "GRCh38": ("17", 7675088, "C", "T")},
    ("APC", "p.R1450*"): {
        "GRCh37": ("5", 112175639, "C", "T"),
        "GRCh38": ("5", 112839942, "C", "T"),
    },
    ("DNMT3A", "p.R882H"): {
        "GRCh37": ("2", 25457242, "C", "T"),
        "GRCh38": ("2", 25234373, "C", "T"),
    },
}

CONTIGS = {
    "GRCh37": [
        ("1", 249250621),
        ("2", 243199373),
        ("3", 198022430),
        ("5", 180915260),
        ("7", 159138663),
        ("10", 135534747),
        ("12", 133851895),
        ("17", 81195210),
    ],
    "GRCh38": [
        ("chr1", 248956422),
        ("chr2", 242193529),
        ("chr3", 198295559),
        ("chr5", 181538259),
        ("chr7", 159345973),
        ("chr10", 133797422),
        ("chr12", 133275309),
        ("chr17", 83257441),
    ],
}


@dataclass(frozen=True)
class Variant:
    chrom: str  # canonical, no "chr"
    pos: int
    ref: str
    alt: str
    vaf: float
    depth: int
    label: str  # what the engine must say (hgvsp_short or hgvsc), "" for markers
    gene: str
    filter: str = "PASS"


class Placer:
    """Places variants given as HGVS c. on the transcript models of one build."""

    def __init__(self, build: str) -> None:
        self.build = build
        self.models = load_transcript_models(build)
        self.reference = ReferenceSequence(build)
        self.annotator = Annotator(build)

    def coding_snv(
        self, gene: str, hgvsc: str, expect: str, vaf: float, depth: int, filter: str = "PASS"
    ) -> Variant:
        m = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", hgvsc)
        assert m, hgvsc
        model = self.models[gene]
        c_pos, ref_c, alt_c = int(m.group(1)), m.group(2), m.group(3)
        assert model.cds_seq[c_pos - 1] == ref_c, (gene, hgvsc, model.cds_seq[c_pos - 1])
        pos = cds_to_genomic(model, c_pos)
        ref, alt = (ref_c, alt_c) if model.strand == "+" else (revcomp(ref_c), revcomp(alt_c))
        return self._checked(Variant(model.chrom, pos, ref, alt, vaf, depth, expect, gene, filter))

    def genomic(
        self,
        gene: str,
        pos: int,
        ref_len: int,
        alt: str,
        expect: str,
        vaf: float,
        depth: int,
        filter: str = "PASS",
    ) -> Variant:
        """A variant at ``pos`` whose REF (``ref_len`` bases) is read from the reference."""
        chrom = self.models[gene].chrom
        ref = self.reference.fetch(chrom, pos, pos + ref_len - 1)
        assert ref, (gene, pos)
        if alt.startswith("+"):  # insertion after the anchor base
            alt = ref[0] + alt[1:]
        elif alt == "del":
            alt = ref[0]
        return self._checked(Variant(chrom, pos, ref, alt, vaf, depth, expect, gene, filter))

    def marker(self, gene: str, name: str, vaf: float, depth: int) -> Variant:
        chrom, pos, ref, alt = MARKERS[(gene, name)][self.build]
        return Variant(chrom, pos, ref, alt, vaf, depth, "", gene)

    def _checked(self, v: Variant) -> Variant:
        allele = self.annotator.normalise(v.chrom, v.pos, v.ref, v.alt)
        cons = [c for c in self.annotator.annotate(allele) if c.gene == v.gene]
        assert cons, (v, "no consequence")
        said = {cons[0].hgvsp_short, cons[0].hgvsc, cons[0].consequence}
        assert v.label in said, (v, said)
        return v


def contig_name(build: str, chrom: str) -> str:
    return f"chr{chrom}" if build == "GRCh38" else chrom


def reads(rng: random.Random, vaf: float, depth: int) -> tuple[int, int, int]:
    """(ref reads, alt reads, depth) close to the wanted VAF, with sampling noise."""
    dp = max(50, int(rng.gauss(depth, depth * 0.08)))
    alt = max(1, round(dp * vaf * rng.uniform(0.9, 1.1)))
    return dp - alt, alt, dp


def sort_key(build: str, v: Variant) -> tuple[int, int]:
    order = [c for c, _ in CONTIGS[build]]
    return order.index(contig_name(build, v.chrom)), v.pos


# ---------------------------------------------------------------------------------------------
# dialects
# ---------------------------------------------------------------------------------------------
def mutect2_vcf(
    build: str,
    variants: list[Variant],
    cnv: list[tuple[str, int, int, float]],
    tumour: str,
    normal: str,
    seed: int,
) -> str:
    rng = random.Random(seed)
    ref_fasta = "Homo_sapiens_assembly38.fasta" if build == "GRCh38" else "human_g1k_v37.fasta"
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
        '##FILTER=<ID=strand_bias,Description="Evidence for alt allele comes from one read '
        'direction only">',
        '##ALT=<ID=DUP,Description="Duplication (copy-number gain), from the CNV caller">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
        'alleles in the order listed">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles '
        'in the tumor">',
        '##FORMAT=<ID=CN,Number=1,Type=Float,Description="Copy number (CNV records)">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of variant '
        'existing versus not existing">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">',
        "##MutectVersion=2.2",
        f"##normal_sample={normal}",
        "##source=Mutect2 (SNV/indel) + CNV caller merged by the example pipeline",
        f"##tumor_sample={tumour}",
        f"##reference=file:///references/{ref_fasta}",
    ]
    lines += [f"##contig=<ID={c},length={n}>" for c, n in CONTIGS[build]]
    lines.append(f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{tumour}\t{normal}")
    records: list[tuple[tuple[int, int], str]] = []
    for v in variants:
        r, a, dp = reads(rng, v.vaf, v.depth)
        nr = max(30, int(rng.gauss(v.depth * 0.6, v.depth * 0.05)))
        tlod = round(a * 2.9 + rng.uniform(0, 3), 2)
        af = f"{a / dp:.3e}"
        body = (
            f"{contig_name(build, v.chrom)}\t{v.pos}\t.\t{v.ref}\t{v.alt}\t.\t{v.filter}\t"
            f"DP={dp + nr};TLOD={tlod}\tGT:AD:AF:DP\t0/1:{r},{a}:{af}:{dp}\t"
            f"0/0:{nr},0:{1 / (nr + 2):.3e}:{nr}"
        )
        records.append((sort_key(build, v), body))
    for chrom, start, end, cn in cnv:
        v = Variant(chrom, start, "N", "<DUP>", 0, 0, "", "")
        body = (
            f"{contig_name(build, chrom)}\t{start}\t.\tN\t<DUP>\t.\tPASS\t"
            f"SVTYPE=DUP;END={end}\tGT:CN\t0/1:{cn}\t0/0:2"
        )
        records.append((sort_key(build, v), body))
    lines += [b for _, b in sorted(records)]
    return "\n".join(lines) + "\n"


def strelka_vcf(build: str, variants: list[Variant], seed: int) -> str:
    rng = random.Random(seed)
    lines = [
        "##fileformat=VCFv4.1",
        "##source=strelka",
        "##source_version=2.9.10",
        "##reference=file:///references/hs37d5.fa",
        '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic mutation">',
        '##INFO=<ID=QSS,Number=1,Type=Integer,Description="Quality score for any somatic snv">',
        '##INFO=<ID=QSI,Number=1,Type=Integer,Description="Quality score for any somatic variant">',
        '##INFO=<ID=SGT,Number=1,Type=String,Description="Most likely somatic genotype">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Combined depth across samples">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth for tier1">',
        '##FORMAT=<ID=FDP,Number=1,Type=Integer,Description="Number of basecalls filtered">',
        '##FORMAT=<ID=AU,Number=2,Type=Integer,Description="Number of A alleles used in tiers '
        '1,2">',
        '##FORMAT=<ID=CU,Number=2,Type=Integer,Description="Number of C alleles used in tiers '
        '1,2">',
        '##FORMAT=<ID=GU,Number=2,Type=Integer,Description="Number of G alleles used in tiers '
        '1,2">',
        '##FORMAT=<ID=TU,Number=2,Type=Integer,Description="Number of T alleles used in tiers '
        '1,2">',
        '##FORMAT=<ID=TAR,Number=2,Type=Integer,Description="Reads strongly supporting alternate '
        'allele for tiers 1,2">',
        '##FORMAT=<ID=TIR,Number=2,Type=Integer,Description="Reads strongly supporting indel '
        'allele for tiers 1,2">',
        '##FORMAT=<ID=TOR,Number=2,Type=Integer,Description="Other reads for tiers 1,2">',
        '##FILTER=<ID=LowEVS,Description="Somatic Empirical Variant Score below threshold">',
    ]
    lines += [f"##contig=<ID={c},length={n}>" for c, n in CONTIGS[build]]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR")
    records = []
    for v in variants:
        r, a, dp = reads(rng, v.vaf, v.depth)
        nr = max(30, int(rng.gauss(v.depth * 0.6, v.depth * 0.05)))
        if len(v.ref) == 1 and len(v.alt) == 1:

            def counts(ref_n: int, alt_n: int, v: Variant = v) -> str:
                c = dict.fromkeys("ACGT", 0)
                c[v.ref], c[v.alt] = ref_n, alt_n
                return ":".join(f"{c[b]},{c[b] + rng.randint(0, 3)}" for b in "ACGT")

            fmt = "DP:FDP:AU:CU:GU:TU"
            normal = f"{nr}:0:{counts(nr, 0)}"
            tumour = f"{dp}:{rng.randint(0, 4)}:{counts(r, a)}"
            info = f"SOMATIC;QSS={min(200, a * 4)};SGT={v.ref * 2}->{v.ref}{v.alt};DP={dp + nr}"
        else:
            fmt = "DP:TAR:TIR:TOR"
            normal = f"{nr}:{nr},{nr + 2}:0,0:1,1"
            tumour = f"{dp}:{r},{r + 3}:{a},{a + 1}:2,2"
            info = f"SOMATIC;QSI={min(200, a * 4)};SGT=ref->het;DP={dp + nr}"
        records.append(
            (
                sort_key(build, v),
                f"{v.chrom}\t{v.pos}\t.\t{v.ref}\t{v.alt}\t.\t{v.filter}\t{info}\t{fmt}\t"
                f"{normal}\t{tumour}",
            )
        )
    lines += [b for _, b in sorted(records)]
    return "\n".join(lines) + "\n"


def varscan_vcf(build: str, variants: list[Variant], seed: int) -> str:
    rng = random.Random(seed)
    lines = [
        "##fileformat=VCFv4.1",
        "##source=VarScan2",
        "##reference=file:///references/GRCh38_full_analysis_set_plus_decoy_hla.fa",
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth of quality bases">',
        '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Indicates if record is a somatic '
        'mutation">',
        '##INFO=<ID=SS,Number=1,Type=String,Description="Somatic status of variant '
        '(0=Reference,1=Germline,2=Somatic,3=LOH, or 5=Unknown)">',
        "##INFO=<ID=SPV,Number=1,Type=Float,Description=\"Fisher's Exact Test P-value of tumor+"
        'normal versus no variant for Somatic/LOH calls">',
        '##FILTER=<ID=str10,Description="Less than 10% or more than 90% of variant supporting '
        'reads on one strand">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read Depth">',
        '##FORMAT=<ID=RD,Number=1,Type=Integer,Description="Depth of reference-supporting '
        'bases (reads1)">',
        '##FORMAT=<ID=AD,Number=1,Type=Integer,Description="Depth of variant-supporting bases '
        '(reads2)">',
        '##FORMAT=<ID=FREQ,Number=1,Type=String,Description="Variant allele frequency">',
        '##FORMAT=<ID=DP4,Number=1,Type=String,Description="Strand read counts: ref/fwd, '
        'ref/rev, var/fwd, var/rev">',
    ]
    lines += [f"##contig=<ID={c},length={n}>" for c, n in CONTIGS[build]]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR")
    records = []
    for v in variants:
        r, a, dp = reads(rng, v.vaf, v.depth)
        nr = max(30, int(rng.gauss(v.depth * 0.6, v.depth * 0.05)))
        freq = f"{100 * a / dp:.2f}%"
        rf = r // 2
        af = a // 2
        info = f"DP={dp + nr};SOMATIC;SS=2;SPV={10 ** -min(300, a):.4g}"
        records.append(
            (
                sort_key(build, v),
                f"{contig_name(build, v.chrom)}\t{v.pos}\t.\t{v.ref}\t{v.alt}\t.\t{v.filter}"
                f"\t{info}\tGT:GQ:DP:RD:AD:FREQ:DP4\t0/0:.:{nr}:{nr}:0:0%:"
                f"{nr // 2},{nr - nr // 2},0,0\t0/1:.:{dp}:{r}:{a}:{freq}:"
                f"{rf},{r - rf},{af},{a - af}",
            )
        )
    lines += [b for _, b in sorted(records)]
    return "\n".join(lines) + "\n"


def lofreq_vcf(build: str, variants: list[Variant], seed: int) -> str:
    """LoFreq-style: no sample columns; AF and DP in INFO, DP4 strand counts."""
    rng = random.Random(seed)
    lines = [
        "##fileformat=VCFv4.0",
        "##source=lofreq call",
        "##reference=GRCh38.fa",
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Raw Depth">',
        '##INFO=<ID=AF,Number=1,Type=Float,Description="Allele Frequency">',
        '##INFO=<ID=SB,Number=1,Type=Integer,Description="Phred-scaled strand bias at this '
        'position">',
        '##INFO=<ID=DP4,Number=4,Type=Integer,Description="Counts for ref-forward bases, '
        'ref-reverse, alt-forward and alt-reverse bases">',
        '##FILTER=<ID=min_snvqual_36,Description="Minimum SNV Quality (Phred) 36">',
    ]
    lines += [f"##contig=<ID={c},length={n}>" for c, n in CONTIGS[build]]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    records = []
    for v in variants:
        r, a, dp = reads(rng, v.vaf, v.depth)
        rf, af = r // 2, a // 2
        records.append(
            (
                sort_key(build, v),
                f"{contig_name(build, v.chrom)}\t{v.pos}\t.\t{v.ref}\t{v.alt}\t"
                f"{min(3000, a * 9)}\t{v.filter}\tDP={dp};AF={a / dp:.6f};SB=0;"
                f"DP4={rf},{r - rf},{af},{a - af}",
            )
        )
    lines += [b for _, b in sorted(records)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------------------------
def acquired_resistance(build: str) -> tuple[list[Variant], list[tuple[str, int, int, float]]]:
    """Patient progressing on cetuximab: KRAS G12D + EGFR S492R subclones, MET amplification."""
    p = Placer(build)
    met = p.models["MET"]
    variants = [
        p.marker("TP53", "p.R175H", 0.081, 3200),
        p.marker("APC", "p.R1450*", 0.074, 3000),
        p.coding_snv("KRAS", "c.35G>A", "p.G12D", 0.021, 3500),
        p.coding_snv("EGFR", "c.1476C>A", "p.S492R", 0.008, 4200),
        # decoys: synonymous at KRAS codon 13, intronic EGFR, a filtered PIK3CA E545K
        p.coding_snv("KRAS", "c.39C>T", "p.G13=", 0.004, 3400),
        p.genomic(
            "EGFR", p.models["EGFR"].exons[12].end + 40, 1, "T", "intron_variant", 0.012, 2500
        ),
        p.coding_snv("PIK3CA", "c.1633G>A", "p.E545K", 0.003, 2800, filter="weak_evidence"),
    ]
    # Plasma copy number 3.1 over MET (about 11 tumour copies at a tumour fraction near 16 %).
    cnv = [(met.chrom, met.tx_start - 25_000, met.tx_end + 40_000, 3.1)]
    return variants, cnv


def braf_case(build: str) -> list[Variant]:
    """Primary resistance: BRAF V600E, with a PIK3CA exon 9 mutation (no effect per [11])."""
    p = Placer(build)
    pten = p.models["PTEN"]
    return [
        p.marker("TP53", "p.R175H", 0.052, 2600),
        p.marker("APC", "p.R1450*", 0.047, 2400),
        p.coding_snv("BRAF", "c.1799T>A", "p.V600E", 0.043, 2900),
        p.coding_snv("PIK3CA", "c.1624G>A", "p.E542K", 0.019, 2700),
        p.coding_snv("BRAF", "c.1797A>G", "p.T599=", 0.005, 2900),
        # a 2-bp deletion deep in a PTEN intron (Strelka indel FORMAT): not reported
        p.genomic("PTEN", pten.exons[4].end + 200, 3, "del", "intron_variant", 0.009, 2200),
    ]


def no_resistance(build: str) -> list[Variant]:
    """RAS/BRAF wild type with tumour DNA: rechallenge evidence applies."""
    p = Placer(build)
    return [
        p.marker("TP53", "p.R175H", 0.118, 2100),
        p.marker("APC", "p.R1450*", 0.109, 2000),
        p.marker("DNMT3A", "p.R882H", 0.021, 1900),  # clonal haematopoiesis: not tumour DNA
        p.coding_snv("KRAS", "c.36T>C", "p.G12=", 0.006, 2500),
        p.coding_snv("PIK3CA", "c.1633G>A", "p.E545K", 0.031, 2300),
    ]


def low_tumour_fraction(build: str) -> list[Variant]:
    """Very little tumour DNA: a negative result is not informative."""
    p = Placer(build)
    return [
        p.marker("TP53", "p.R175H", 0.0021, 4100),
        p.marker("DNMT3A", "p.R882H", 0.012, 3900),
    ]


def write_bgzip(path: Path, text: str, index: bool) -> None:
    import pysam

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "x.vcf"
        plain.write_text(text)
        pysam.tabix_compress(str(plain), str(path), force=True)
    if index:
        pysam.tabix_index(str(path), preset="vcf", force=True)


def write_gzip(path: Path, text: str) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode())
    path.write_bytes(buf.getvalue())


def cnvkit_cns(build: str, segments: list[tuple[str, int, int, float]]) -> str:
    """CNVkit .call.cns: 0-based starts, log2 and integer cn columns."""
    import math

    lines = ["chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"]
    for chrom, start, end, cn in segments:
        lines.append(
            f"{chrom}\t{start - 1}\t{end}\t-\t{math.log2(cn / 2):.4f}\t{round(cn)}"
            f"\t1250.5\t48\t41.2"
        )
    return "\n".join(lines) + "\n"


def generate(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []

    variants, cnv = acquired_resistance("GRCh38")
    path = out / "acquired_resistance.GRCh38.vcf.gz"
    write_bgzip(path, mutect2_vcf("GRCh38", variants, cnv, "PLASMA_T2", "PBMC_NORMAL", 38), True)
    written += [path, Path(str(path) + ".tbi")]

    variants, cnv = acquired_resistance("GRCh37")
    path = out / "acquired_resistance.GRCh37.vcf"
    path.write_text(mutect2_vcf("GRCh37", variants, [], "PLASMA_T2", "PBMC_NORMAL", 37))
    written.append(path)
    cns = out / "acquired_resistance.GRCh37.call.cns"
    cns.write_text(cnvkit_cns("GRCh37", cnv))
    written.append(cns)

    path = out / "braf_v600e.GRCh37.vcf"
    path.write_text(strelka_vcf("GRCh37", braf_case("GRCh37"), 600))
    written.append(path)

    path = out / "no_resistance.GRCh38.vcf.gz"
    write_gzip(path, varscan_vcf("GRCh38", no_resistance("GRCh38"), 20))
    written.append(path)

    path = out / "low_tumour_fraction.GRCh38.vcf"
    path.write_text(lofreq_vcf("GRCh38", low_tumour_fraction("GRCh38"), 7))
    written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with example_vcfs/")
    args = parser.parse_args()
    if not args.check:
        for path in generate(OUT):
            print(f"wrote {path.relative_to(REPO)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(Path(tmp))
        differ = [
            p.name
            for p in fresh
            if p.suffix != ".tbi" and p.read_bytes() != (OUT / p.name).read_bytes()
        ]
    if differ:
        print("differ from the generator: " + ", ".join(differ))
        return 1
    print("example_vcfs/ is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
