#!/usr/bin/env python3
"""Write the panel regions egfr-annot reads as a 0-based BED, for ``bcftools view -T/-R``.

The regions are exactly those ``egfr-annot run`` parses once the build is known
(``egfr_annot.pipeline.Resources().regions(build)``), built from the transcript models and the
genes of ``annotations/panel_regions/panel_genes.tsv`` (plus the knowledge base's germline
alleles), merged and sorted in genome order. Whatever margins the pipeline applies are applied
here too, because the set is the pipeline's own. ``--whole-transcripts`` gives the regions of
``egfr-annot run --all-variants`` (whole transcripts instead of exons), where the pipeline
distinguishes the two. Contigs are written with a ``chr`` prefix by default
(GRCh38 files from GATK/Mutect2 use ``chr1``); ``--no-chr`` for ``1``.

Usage::

    python benchmarks/genes_bed.py --build GRCh38 --out benchmarks/data/genes.GRCh38.bed
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def panel_bed_rows(build: str, *, chr_prefix: bool = True,
                   whole_transcripts: bool = False) -> list[tuple[str, int, int]]:
    """Merged ``(contig, start0, end)`` rows (BED: 0-based start, exclusive end)."""
    import inspect

    from egfr_annot.pipeline import Resources

    resources = Resources()
    if "whole_transcripts" in inspect.signature(resources.regions).parameters:
        regions = resources.regions(build, whole_transcripts=whole_transcripts)  # type: ignore
    else:  # the pipeline reads whole transcripts in every mode
        regions = resources.regions(build)  # type: ignore[arg-type]
    rows = []
    for chrom, start, end in regions.merged():
        name = chrom if not chr_prefix else ("chrM" if chrom in ("M", "MT") else "chr" + chrom)
        rows.append((name, start - 1, end))
    return rows


def write_bed(path: Path, rows: Sequence[tuple[str, int, int]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e in rows), encoding="ascii")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="GRCh38", choices=("GRCh37", "GRCh38"))
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-chr", action="store_true", help="contigs without the chr prefix")
    p.add_argument("--whole-transcripts", action="store_true",
                   help="the regions of `egfr-annot run --all-variants`")
    args = p.parse_args(argv)
    rows = panel_bed_rows(args.build, chr_prefix=not args.no_chr,
                          whole_transcripts=args.whole_transcripts)
    write_bed(args.out, rows)
    total = sum(e - s for _, s, e in rows)
    print(f"wrote {args.out}: {len(rows)} regions, {total / 1e6:.2f} Mb", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
