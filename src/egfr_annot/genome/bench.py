"""Micro-benchmark of the consequence engine (not a test): ``python -m egfr_annot.genome.bench``.

Reports the mean time per allele of ``normalise`` + ``annotate`` without the per-allele cache (a
fresh cache every round) and with it, on a fixed mix of SNVs and indels in the panel genes.
"""

from __future__ import annotations

import time

from egfr_annot.genome.consequence import Annotator
from egfr_annot.records import Build

# (chrom, pos, ref, alt) on GRCh38: KRAS G12D, BRAF V600E, EGFR E746_A750del, EGFR ex20 ins,
# PIK3CA H1047R, PTEN frameshift, MET exon-14 splice, NRAS Q61K, ERBB2 L755S, intronic EGFR
_ALLELES_GRCH38 = (
    ("12", 25245350, "C", "T"),
    ("7", 140753336, "A", "T"),
    ("7", 55174771, "AGGAATTAAGAGAAGC", "A"),
    ("7", 55181319, "G", "GACT"),
    ("3", 179234297, "A", "G"),
    ("10", 87957915, "A", "AA"),
    ("7", 116771989, "G", "T"),
    ("1", 114713909, "G", "T"),
    ("17", 39723967, "T", "C"),
    ("7", 55154200, "A", "G"),
)


def run(build: Build = "GRCh38", rounds: int = 200) -> dict[str, float]:
    """Mean microseconds per allele: ``uncached`` (engine work) and ``cached`` (lookup)."""
    annotator = Annotator(build)
    alleles = _ALLELES_GRCH38
    for a in alleles:  # warm up: load sequences, build transcript indexes
        annotator.annotate(annotator.normalise(*a))
    t0 = time.perf_counter()
    for _ in range(rounds):
        annotator._norm_cache.clear()
        annotator._csq_cache.clear()
        for a in alleles:
            annotator.annotate(annotator.normalise(*a))
    uncached = (time.perf_counter() - t0) / (rounds * len(alleles)) * 1e6
    t0 = time.perf_counter()
    for _ in range(rounds):
        for a in alleles:
            annotator.annotate(annotator.normalise(*a))
    cached = (time.perf_counter() - t0) / (rounds * len(alleles)) * 1e6
    return {"uncached_us": round(uncached, 1), "cached_us": round(cached, 2)}


if __name__ == "__main__":  # pragma: no cover
    print(run())
