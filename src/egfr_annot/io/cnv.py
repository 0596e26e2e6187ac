"""Read copy-number calls (issue #6): one entry point, the format detected from the content.

``read_copy_number(path, build=..., sample=...)`` reads any supported file (plain or gzip) and
returns a :class:`CopyNumberInput`: the segments (1-based inclusive, canonical contigs), the
detected format, the samples the file names, and counts of skipped lines with reasons. Gene calls
are made from the segments by :func:`egfr_annot.copy_number.call_genes`.

Detection, in order (the extension only decides CNVkit segments vs bins when the columns cannot):

1. first line ``##fileformat=VCF`` -> copy-number VCF (:mod:`egfr_annot.io.cnv_vcf`);
2. SAM-style ``@HD``/``@SQ`` lines, or a ``CONTIG START END`` header -> GATK ``.seg``
   (``CALL`` column -> ``.called.seg``; ``LOG2_COPY_RATIO_POSTERIOR_50`` -> ``.modelFinal.seg``;
   otherwise ``.cr.seg``);
3. ``chromosome start end ... log2`` -> CNVkit (``cn`` column -> ``.call.cns``; ``probes`` column
   or a ``.cns`` name -> segments; otherwise ``.cnr`` bins);
4. ``Chromosome Start End nMajor nMinor`` -> PCGR allele-specific segments;
   ``Chromosome Start End ... Segment_Mean`` -> PCGR log2 segments;
5. a gene column and a copy-number column -> gene-level table (tab or comma separated).

Samples: a file that names samples (VCF columns, GATK ``@RG SM``, a gene table's sample column)
gives its records those names, and ``sample`` selects one (an error if absent). A file that names
none (CNVkit, PCGR allele-specific) gives its records ``sample`` or ``""`` (= any sample).

Bad input (missing columns, non-numeric coordinates or values, end before start, an unknown
format, a file of the other genome build) raises :class:`~egfr_annot.errors.InputError` naming
the file and line. Tolerable oddities (NaN values, contigs we do not use, CNVkit's empty
segments, other samples) are counted in ``skipped``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Collection, Iterator

from egfr_annot.errors import InputError
from egfr_annot.io.cnv_common import (
    SKIP_CONTIG,
    CnvFormat,
    CopyNumberInput,
    CopyNumberRecord,
    CopyNumberSegment,
    GeneCopyNumber,
    iter_lines,
    normalise_column,
    split_fields,
)
from egfr_annot.io.cnv_tables import (
    DISCRETE_COLUMNS,
    GENE_TABLE_CN,
    GENE_TABLE_GENE,
    TableHeader,
    read_table,
)
from egfr_annot.io.cnv_vcf import (
    SymbolicRecord,
    is_copy_number_alt,
    read_cnv_vcf,
    read_symbolic_records,
    segment_from_symbolic,
    segments_from_symbolic_records,
)
from egfr_annot.records import Build

__all__ = [
    "CnvFormat",
    "CopyNumberInput",
    "CopyNumberRecord",
    "CopyNumberSegment",
    "GeneCopyNumber",
    "SymbolicRecord",
    "detect_format",
    "is_copy_number_alt",
    "read_copy_number",
    "read_symbolic_records",
    "segment_from_symbolic",
    "segments_from_symbolic_records",
]

SUPPORTED = (
    "CNV VCF; CNVkit .cns/.call.cns/.cnr (chromosome start end gene log2 ...); GATK .seg "
    "(CONTIG START END NUM_POINTS_COPY_RATIO MEAN_LOG2_COPY_RATIO | "
    "LOG2_COPY_RATIO_POSTERIOR_50); PCGR (Chromosome Start End nMajor nMinor | Segment_Mean); "
    "gene table (sample gene copy_number)"
)


def detect_format(header: TableHeader, path: str) -> CnvFormat:
    """The table format of a header line (see the module docstring)."""
    cols = set(header.columns)
    name = os.path.basename(path).lower().removesuffix(".gz")
    sam = any(text.startswith("@") for _, text in header.meta)
    if sam or "contig" in cols:
        if "log2_copy_ratio_posterior_50" in cols:
            return "gatk_model_seg"
        return "gatk_called_seg" if "call" in cols else "gatk_cr_seg"
    if "chromosome" in cols and ("nmajor" in cols or "nminor" in cols):
        return "pcgr_allele_specific"
    if "chromosome" in cols and "segment_mean" in cols:
        return "pcgr_segment_mean"
    cnvkit_name = name.endswith((".cns", ".cnr"))
    bed_like = {"chromosome", "start", "end"} <= cols
    if (bed_like and ("log2" in cols or "gene" in cols)) or cnvkit_name:
        if "cn" in cols:
            return "cnvkit_call_cns"
        if "probes" in cols or name.endswith(".cns"):
            return "cnvkit_cns"
        return "cnvkit_cnr"
    gene = any(c in cols for c in GENE_TABLE_GENE)
    if gene and any(c in cols for c in GENE_TABLE_CN + DISCRETE_COLUMNS):
        return "gene_table"
    raise InputError(
        path,
        header.line,
        f"unknown copy-number format (header: {' '.join(header.raw)[:120]}); supported: "
        f"{SUPPORTED}",
    )


def _header(lines: Iterator[tuple[int, str]], path: str) -> TableHeader:
    meta: list[tuple[int, str]] = []
    for number, text in lines:
        if not text.strip():
            continue
        if text.startswith("@") or text.startswith("##"):
            meta.append((number, text))
            continue
        delimiter = "\t" if "\t" in text else ","
        raw = [f.strip() for f in split_fields(text, delimiter)]
        return TableHeader(
            line=number,
            columns=tuple(normalise_column(c) for c in raw),
            raw=tuple(raw),
            delimiter=delimiter,
            meta=tuple(meta),
        )
    raise InputError(path, None, "empty copy-number file (no header line)")


def read_copy_number(
    path: str | os.PathLike[str],
    *,
    build: Build | None,
    sample: str | None = None,
    contigs: Collection[str] | None = None,
) -> CopyNumberInput:
    """Read one copy-number file of any supported format.

    Parameters
    ----------
    path
        Plain or gzip/bgzip file.
    build
        The run's genome build: header assembly names or contig lengths of the other build, or a
        segment ending past a chromosome's end, raise ``BuildMismatchError``. None: no check.
    sample
        Select this sample in files that name samples; name the records of files that do not.
    contigs
        Keep only segments on these canonical contigs (e.g. the panel genes' chromosomes, to keep
        a genome-wide ``.cnr`` small); others are counted as ``cnv_contig_not_used``.

    Returns
    -------
    CopyNumberInput
        Segments or gene-level records, detected format, samples, skip counts.
    """
    display = os.fspath(path)
    lines = iter_lines(path)
    first = next(lines, None)
    while first is not None and not first[1].strip():
        first = next(lines, None)
    if first is None:
        raise InputError(display, None, "empty copy-number file")
    stream = itertools.chain([first], lines)
    if first[1].startswith("##fileformat=VCF"):
        result = read_cnv_vcf(stream, display, build=build, sample=sample)
    else:
        header = _header(stream, display)
        fmt = detect_format(header, display)
        result = read_table(header, stream, fmt, display, build=build, sample=sample)
    if contigs is None:
        return result
    wanted = set(contigs)
    kept = tuple(r for r in result.segments if isinstance(r, GeneCopyNumber) or r.chrom in wanted)
    dropped = len(result.segments) - len(kept)
    if not dropped:
        return result
    counts = dict(result.skipped)
    counts[SKIP_CONTIG] = counts.get(SKIP_CONTIG, 0) + dropped
    from dataclasses import replace

    return replace(result, segments=kept, skipped=tuple(sorted(counts.items())))
