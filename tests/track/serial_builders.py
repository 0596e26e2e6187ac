"""Generated serial liquid biopsies for the ``track`` tests (issue #10).

Variants sit at their true GRCh38 coordinates: KRAS p.G12D and EGFR p.S492R are placed with the
project's own transcript models (``alleles_for_protein_change``; for S492R the c.1476C>A allele)
and checked with the consequence engine; TP53 p.R175H (rs28934578, 17:7675088 C>T, as in
``scripts/make_examples.py``) is a tumour marker without a transcript model.

Read counts are deterministic: ``alt = round(VAF x depth)``, so the VAFs the tool sees are the
generated ones (to rounding) and the expected half-lives can be computed from them exactly.
Absences are reported with a gVCF reference block starting at the variant position
(``GT:DP:MIN_DP``) or through a coverage file, or not at all (depth unknown).
"""

from __future__ import annotations

import datetime as dt
import gzip
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from egfr_annot.genome.annotator import Annotator
from egfr_annot.genome.coords import alleles_for_protein_change, cds_to_genomic
from egfr_annot.genome.transcripts import load_transcript_models

CONTIGS = {
    "GRCh38": [("chr7", 159345973), ("chr12", 133275309), ("chr17", 83257441)],
    "GRCh37": [("7", 159138663), ("12", 133851895), ("17", 81195210)],
}
TP53_R175H = {"GRCh38": ("17", 7675088, "C", "T"), "GRCh37": ("17", 7578406, "C", "T")}


@dataclass(frozen=True)
class Site:
    name: str
    gene: str
    chrom: str  # canonical
    pos: int
    ref: str
    alt: str
    build: str = "GRCh38"

    @property
    def key(self) -> str:
        return f"{self.build}:{self.chrom}:{self.pos}:{self.ref}>{self.alt}"


@cache
def sites(build: str = "GRCh38") -> dict[str, Site]:
    models = load_transcript_models(build)
    annotator = Annotator(build)
    (kras,) = alleles_for_protein_change(models["KRAS"], "p.G12D")
    egfr_model = models["EGFR"]
    c1476 = cds_to_genomic(egfr_model, 1476)
    (egfr,) = [
        a
        for a in alleles_for_protein_change(egfr_model, "p.S492R")
        if a[1] == c1476 and a[3] == "A"
    ]
    tp53 = TP53_R175H[build]
    out = {
        "KRAS": Site("KRAS p.G12D", "KRAS", *kras, build=build),
        "EGFR": Site("EGFR p.S492R", "EGFR", *egfr, build=build),
        "TP53": Site(f"TP53 {tp53[0]}:{tp53[1]} C>T", "TP53", *tp53, build=build),
    }
    for name, hgvsc, hgvsp in (("KRAS", "c.35G>A", "p.G12D"), ("EGFR", "c.1476C>A", "p.S492R")):
        s = out[name]
        (cons,) = annotator.annotate(annotator.normalise(s.chrom, s.pos, s.ref, s.alt))
        assert (cons.gene, cons.hgvsc, cons.hgvsp_short) == (name, hgvsc, hgvsp), cons
    return out


@dataclass(frozen=True)
class Draw:
    """One blood draw: VAF per site (None = absent), depth per site."""

    sample: str
    date: dt.date
    therapy: str
    vafs: Mapping[str, float | None]
    depths: Mapping[str, int] = field(default_factory=dict)
    # How absences show their depth: "gvcf" (reference block), "none" (depth unknown)
    absence: str = "gvcf"

    def depth(self, site: str) -> int:
        return self.depths.get(site, 4000)


def alt_reads(vaf: float, depth: int) -> int:
    return round(vaf * depth)


def vcf_text(draw: Draw, build: str = "GRCh38") -> str:
    reference = "Homo_sapiens_assembly38.fasta" if build == "GRCh38" else "human_g1k_v37.fasta"
    prefix = "chr" if build == "GRCh38" else ""
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP in the block">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End of the reference block">',
        '##ALT=<ID=NON_REF,Description="Any other allele">',
        "##source=Mutect2 (GVCF mode, generated for the egfr-annot track tests)",
        f"##tumor_sample={draw.sample}",
        f"##reference=file:///references/{reference}",
        *(f"##contig=<ID={c},length={n}>" for c, n in CONTIGS[build]),
        f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{draw.sample}",
    ]
    records = []
    for name, site in sites(build).items():
        vaf, depth = draw.vafs.get(name), draw.depth(name)
        chrom = f"{prefix}{site.chrom}"
        if vaf is not None:
            alt = alt_reads(vaf, depth)
            records.append(
                (
                    site.chrom,
                    site.pos,
                    (
                        f"{chrom}\t{site.pos}\t.\t{site.ref}\t{site.alt}\t.\tPASS\t.\tGT:AD:AF:DP\t"
                        f"0/1:{depth - alt},{alt}:{alt / depth:.4g}:{depth}"
                    ),
                )
            )
        elif draw.absence == "gvcf":
            records.append(
                (
                    site.chrom,
                    site.pos,
                    (
                        f"{chrom}\t{site.pos}\t.\t{site.ref}\t<NON_REF>\t.\t.\t"
                        f"END={site.pos + 40}\t"
                        f"GT:DP:MIN_DP\t0/0:{depth + 150}:{depth}"
                    ),
                )
            )
    order = {c.removeprefix("chr"): i for i, (c, _) in enumerate(CONTIGS[build])}
    records.sort(key=lambda r: (order[r[0]], r[1]))
    return "\n".join(lines + [r[2] for r in records]) + "\n"


def write_patient(
    directory: Path, patient: str, draws: Sequence[Draw], builds: Mapping[str, str] | None = None
) -> list[list[str]]:
    """Write one VCF per draw (GRCh38 unless ``builds`` names another build for a sample);
    returns sample-sheet rows (patient, sample, vcf, date, therapy)."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for draw in draws:
        path = directory / f"{draw.sample}.vcf"
        path.write_text(vcf_text(draw, (builds or {}).get(draw.sample, "GRCh38")))
        rows.append([patient, draw.sample, path.name, draw.date.isoformat(), draw.therapy])
    return rows


def write_sheet(
    path: Path, rows: Sequence[Sequence[str]], header: str = "patient,sample,vcf,date,therapy"
) -> Path:
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows))
    return path


def write_mosdepth(path: Path, depths: Mapping[str, int]) -> Path:
    """mosdepth per-base BED (0-based half-open), gzip: runs around each site at its depth."""
    lines = []
    for name, site in sites().items():
        if name in depths:
            lines.append((site.chrom, site.pos - 1 - 20, site.pos - 1, 35))
            lines.append((site.chrom, site.pos - 1, site.pos + 5, depths[name]))
    lines.sort(key=lambda r: (int(r[0]), r[1]))
    text = "".join(f"chr{c}\t{s}\t{e}\t{d}\n" for c, s, e, d in lines)
    with gzip.open(path, "wt") as fh:
        fh.write(text)
    return path


def write_depth_tsv(path: Path, depths: Mapping[str, int]) -> Path:
    """``samtools depth`` style: chrom pos depth (1-based)."""
    s = sites()
    rows = sorted((int(s[n].chrom), s[n].pos, d) for n, d in depths.items())
    path.write_text("#chrom\tpos\tdepth\n" + "".join(f"{c}\t{p}\t{d}\n" for c, p, d in rows))
    return path


def expected_half_life(points: Sequence[tuple[dt.date, float]]) -> float:
    """Half-life (days) of an exponential fitted by unweighted least squares to ln VAF of the
    *generated* values - independent of the tool's weighting and read counts."""
    t0 = points[0][0]
    xs = [(d - t0).days for d, _ in points]
    ys = [math.log(v) for _, v in points]
    xm, ym = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - xm) * (y - ym) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sum((x - xm) ** 2 for x in xs)
    return math.log(2) / -slope


# The bar's patients -----------------------------------------------------------------------------
D0, D1, D2 = dt.date(2024, 1, 8), dt.date(2024, 2, 19), dt.date(2024, 4, 1)

# P001: KRAS G12D 8% -> 2% -> not detected (gVCF block, depth 3400); EGFR S492R 3% -> 0.5% ->
# 0.1%; TP53 persists. First draw on cetuximab, then off.
PERSISTING = [
    Draw(
        "P001-T0",
        D0,
        "cetuximab",
        {"KRAS": 0.08, "EGFR": 0.03, "TP53": 0.05},
        {"KRAS": 4000, "EGFR": 4200, "TP53": 3800},
    ),
    Draw(
        "P001-T1",
        D1,
        "off",
        {"KRAS": 0.02, "EGFR": 0.005, "TP53": 0.045},
        {"KRAS": 4100, "EGFR": 4000, "TP53": 3900},
    ),
    Draw(
        "P001-T2",
        D2,
        "off",
        {"KRAS": None, "EGFR": 0.001, "TP53": 0.05},
        {"KRAS": 3400, "EGFR": 4000, "TP53": 4000},
    ),
]

# P002: everything clears; the last draw's absences get their depth from a coverage file.
E0, E1, E2 = dt.date(2023, 5, 2), dt.date(2023, 6, 13), dt.date(2023, 7, 25)
CLEARING = [
    Draw(
        "P002-T0",
        E0,
        "panitumumab",
        {"KRAS": 0.06, "EGFR": 0.02, "TP53": 0.08},
        {"KRAS": 4500, "EGFR": 4000, "TP53": 4000},
    ),
    Draw(
        "P002-T1",
        E1,
        "off",
        {"KRAS": 0.01, "EGFR": 0.003, "TP53": 0.07},
        {"KRAS": 4200, "EGFR": 4100, "TP53": 4000},
    ),
    Draw(
        "P002-T2",
        E2,
        "FOLFIRI",
        {"KRAS": None, "EGFR": None, "TP53": 0.06},
        {"TP53": 4100},
        absence="none",
    ),
]
CLEARING_COVERAGE = {"KRAS": 3600, "EGFR": 3900}

# P003: the latest absences have no depth anywhere: clearance cannot be confirmed.
UNCONFIRMED = [
    Draw("P003-T0", E0, "cetuximab", {"KRAS": 0.05, "TP53": 0.06}),
    Draw("P003-T1", E2, "off", {"KRAS": None, "TP53": 0.05}, absence="none"),
]

# P004: the latest draw has no tumour DNA (TP53 gone too): the window cannot be assessed.
NON_INFORMATIVE = [
    Draw("P004-T0", E0, "cetuximab", {"KRAS": 0.04, "TP53": 0.05}),
    Draw("P004-T1", E2, "off", {"KRAS": None, "TP53": None}),
]

# P005: MET amplification (copy number from a gene table) that goes away after cetuximab.
AMPLIFIED = [
    Draw("P005-T0", E0, "cetuximab", {"TP53": 0.08}),
    Draw("P005-T1", E2, "off", {"TP53": 0.07}),
]
AMPLIFIED_MET = {"P005-T0": 3.1, "P005-T1": 2.0}


def renamed(draws: Sequence[Draw], old: str, new: str) -> list[Draw]:
    """The same draws for another patient id (sample ids must be unique in a sheet)."""
    from dataclasses import replace

    return [replace(d, sample=d.sample.replace(old, new)) for d in draws]


def write_gene_table(path: Path, copy_number: float) -> Path:
    path.write_text(f"gene\tcopy_number\nMET\t{copy_number}\n")
    return path
