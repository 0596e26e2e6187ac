"""Tabular copy-number formats: CNVkit, GATK ModelSegments, PCGR, gene-level report tables.

Conventions (each format's own, converted to 1-based inclusive):

========================  ====================================  =============================
format                    columns used                          coordinates in the file
========================  ====================================  =============================
CNVkit ``.cns``           chromosome start end log2 [probes]    0-based, half-open (BED-like)
CNVkit ``.call.cns``      ... ``cn`` (integer absolute CN)      0-based, half-open
CNVkit ``.cnr`` (bins)    chromosome start end log2 [weight]    0-based, half-open
GATK ``.called.seg``      CONTIG START END                      1-based, inclusive (GATK
                          NUM_POINTS_COPY_RATIO                 intervals); SAM-style ``@HD``/
                          MEAN_LOG2_COPY_RATIO CALL (+/-/0)     ``@SQ``/``@RG`` header lines
GATK ``.cr.seg``          ... MEAN_LOG2_COPY_RATIO              1-based, inclusive
GATK ``.modelFinal.seg``  ... LOG2_COPY_RATIO_POSTERIOR_50      1-based, inclusive
PCGR allele-specific      Chromosome Start End nMajor nMinor    taken as 1-based, inclusive
PCGR segment mean         Chromosome Start End [Sample]         taken as 1-based, inclusive
                          Segment_Mean (log2)
gene table                sample gene copy_number [call]        none (gene-level)
========================  ====================================  =============================

PCGR documents no coordinate base for its segment files and passes ``Start`` straight to BED
tools; we read them as 1-based (the usual segmenter output): the difference is at most 1 bp.

CNVkit writes segments with ``probes == 0`` and ``end < start`` (seen in its own test data,
``amplicon.cns``): those are counted as empty segments; any other ``end <= start`` is an error.
CNVkit's ``cn`` is purity-rescaled only if ``cnvkit call --purity`` was used: the file does not
say, so egfr-annot reads it as observed (see :mod:`egfr_annot.copy_number`).

Gene tables (what commercial ctDNA reports give): tab- or comma-separated, header names matched
case-insensitively (``sample``/``sample_id``/``Tumor_Sample_Barcode``; ``gene``/
``Hugo_Symbol``; ``copy_number``/``CN``/``copies``/``plasma_copy_number``), an optional call
column (``call``/``alteration``/``status``). The copy number must be a number; a cell may add the
report's word (``Amplification (4.2)``, ``4.2 copies``). A word alone (``Amplification``) is
refused: without a level the state cannot be checked against the thresholds. Discrete GISTIC-style
codes (``-2..2``, e.g. OncoKB's ``Copy_Number_Alteration``) are refused too: ``2`` there means
"amplified", as an absolute copy number it means "normal".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from egfr_annot.errors import InputError
from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.io.cnv_common import (
    SKIP_CONTIG,
    SKIP_EMPTY_SEGMENT,
    SKIP_MISSING_VALUE,
    SKIP_OTHER_SAMPLE,
    CnvFormat,
    CopyNumberInput,
    CopyNumberRecord,
    CopyNumberSegment,
    GeneCopyNumber,
    SkipCounter,
    build_from_contig_length,
    build_from_text,
    check_declared_build,
    check_interval,
    check_within_chromosome,
    parse_float,
    parse_int,
    primary_contig,
    split_fields,
)
from egfr_annot.records import Build

# Column-name aliases of the gene table (after normalise_column).
GENE_TABLE_SAMPLE = ("sample", "sample_id", "sampleid", "sample_name", "tumor_sample_barcode")
GENE_TABLE_GENE = ("gene", "gene_symbol", "hugo_symbol", "symbol", "gene_name")
GENE_TABLE_CN = (
    "copy_number",
    "copynumber",
    "cn",
    "copies",
    "copy_number_value",
    "plasma_copy_number",
    "absolute_copy_number",
    "total_copy_number",
    "total_cn",
)
GENE_TABLE_CALL = ("call", "alteration", "status", "cnv_call", "cnv_type", "copy_number_call")
DISCRETE_COLUMNS = ("copy_number_alteration", "cna", "gistic", "discrete_copy_number")

# Report words accepted next to a number in a gene-table cell (kept as ``reported_call``).
CALL_WORDS = frozenset(
    {
        "amplification",
        "amplified",
        "amp",
        "gain",
        "loss",
        "deletion",
        "deep deletion",
        "homozygous deletion",
        "neutral",
        "normal",
    }
)
# Gene symbols as reports write them -> HGNC symbols of the panel.
GENE_ALIASES = {"HER2": "ERBB2", "HER-2": "ERBB2", "NEU": "ERBB2", "C-MET": "MET", "CMET": "MET"}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class TableHeader:
    line: int
    columns: tuple[str, ...]  # normalised names
    raw: tuple[str, ...]
    delimiter: str
    meta: tuple[tuple[int, str], ...]  # SAM-style @ lines and ## comment lines before the header

    def has(self, *names: str) -> bool:
        return all(n in self.columns for n in names)

    def first(self, aliases: tuple[str, ...]) -> str | None:
        return next((a for a in aliases if a in self.columns), None)


@dataclass
class _Reader:
    """State shared by the row loops: counts, records, sample selection."""

    path: str
    build: Build | None
    sample: str | None
    skipped: SkipCounter
    records: list[CopyNumberRecord]
    declared_samples: dict[str, None]
    rows: int = 0

    def keep(self, sample: str) -> bool:
        """Whether a record of ``sample`` (as the file names it) is wanted."""
        if sample:
            self.declared_samples.setdefault(sample)
        if self.sample is None or not sample or sample == self.sample:
            return True
        self.skipped.add(SKIP_OTHER_SAMPLE)
        return False


def _rows(
    header: TableHeader, lines: Iterator[tuple[int, str]], path: str
) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(header.columns)
    for number, text in lines:
        if not text.strip() or text.startswith("#"):
            continue
        fields = split_fields(text, header.delimiter)
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]  # trailing empty cells from spreadsheets
        if len(fields) != width:
            raise InputError(
                path,
                number,
                f"{len(fields)} columns where the header (line {header.line}) has {width}",
            )
        yield number, dict(zip(header.columns, fields, strict=True))


def _require(header: TableHeader, what: str, path: str, *columns: str, upper: bool = False) -> None:
    missing = [c.upper() if upper else c for c in columns if c not in header.columns]
    if missing:
        raise InputError(
            path,
            header.line,
            f"{what}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (header: {' '.join(header.raw)})",
        )


def _contig(reader: _Reader, contig: str) -> str | None:
    chrom = primary_contig(contig)
    if chrom is None:
        reader.skipped.add(SKIP_CONTIG)
    return chrom


# --------------------------------------------------------------------------------------------
# CNVkit
# --------------------------------------------------------------------------------------------
def _read_cnvkit(
    header: TableHeader, lines: Iterator[tuple[int, str]], reader: _Reader, fmt: CnvFormat
) -> None:
    path = reader.path
    _require(header, "CNVkit file", path, "chromosome", "start", "end", "log2")
    if fmt == "cnvkit_call_cns":
        _require(header, "CNVkit .call.cns", path, "cn")
    is_bins = fmt == "cnvkit_cnr"
    label = {"cnvkit_cns": ".cns", "cnvkit_call_cns": ".call.cns", "cnvkit_cnr": ".cnr"}[fmt]
    sample = reader.sample or ""
    for number, row in _rows(header, lines, path):
        reader.rows += 1
        start0 = parse_int(row["start"], "start", path, number)
        end = parse_int(row["end"], "end", path, number)
        probes_text = row.get("probes")
        probes = (
            parse_int(probes_text, "probes", path, number)
            if probes_text not in (None, "", "NA", "nan")
            else None
        )
        if end <= start0:
            if probes == 0:
                reader.skipped.add(SKIP_EMPTY_SEGMENT)
                continue
            raise InputError(
                path,
                number,
                f"end {end} is not after start {start0} (CNVkit 0-based, half-open coordinates)",
            )
        if start0 < 0:
            raise InputError(path, number, f"start {start0} is negative")
        log2 = parse_float(row["log2"], "log2", path, number)
        cn = parse_float(row["cn"], "cn", path, number) if "cn" in row else None
        if cn is not None and cn < 0:
            raise InputError(path, number, f"cn {row['cn']!r} is negative")
        chrom = _contig(reader, row["chromosome"])
        if chrom is None:
            continue
        if log2 is None and cn is None:
            reader.skipped.add(SKIP_MISSING_VALUE)
            continue
        check_within_chromosome(chrom, end, reader.build, path, number)
        weight = parse_float(row["weight"], "weight", path, number) if "weight" in row else None
        if cn is not None:
            source = f"CNVkit {label} cn"
        elif is_bins:
            source = "CNVkit .cnr bins: weighted median log2 (ploidy 2)"
        else:
            source = f"CNVkit {label} log2 (ploidy 2)"
        reader.records.append(
            CopyNumberSegment(
                sample=sample,
                chrom=chrom,
                start=start0 + 1,
                end=end,
                copy_number=cn,
                log2=log2,
                source=source,
                path=path,
                line=number,
                kind="bin" if is_bins else "segment",
                weight=weight,
                n_points=probes,
                caller_call=None,
                contig=row["chromosome"],
            )
        )


# --------------------------------------------------------------------------------------------
# GATK ModelSegments / CallCopyRatioSegments
# --------------------------------------------------------------------------------------------
def _gatk_meta(header: TableHeader, reader: _Reader) -> str:
    """Check the SAM-style header against the build; return the @RG sample (or "")."""
    sample = ""
    for number, text in header.meta:
        if not text.startswith("@"):
            continue
        tags = dict(f.split(":", 1) for f in text.split("\t")[1:] if ":" in f)
        if text.startswith("@SQ"):
            if "AS" in tags:
                check_declared_build(
                    build_from_text(tags["AS"]),
                    f"@SQ AS:{tags['AS']}",
                    reader.build,
                    reader.path,
                    number,
                )
            if "UR" in tags:
                check_declared_build(
                    build_from_text(tags["UR"].rsplit("/", 1)[-1]),
                    f"@SQ UR:{tags['UR']}",
                    reader.build,
                    reader.path,
                    number,
                )
            if "SN" in tags and tags.get("LN", "").isdigit():
                chrom = canonical_contig(tags["SN"])
                check_declared_build(
                    build_from_contig_length(chrom, int(tags["LN"])),
                    f"@SQ length of {tags['SN']} ({tags['LN']})",
                    reader.build,
                    reader.path,
                    number,
                )
        elif text.startswith("@RG") and tags.get("SM"):
            sample = tags["SM"]
    return sample


def _read_gatk(
    header: TableHeader, lines: Iterator[tuple[int, str]], reader: _Reader, fmt: CnvFormat
) -> None:
    path = reader.path
    value_column = (
        "log2_copy_ratio_posterior_50" if fmt == "gatk_model_seg" else "mean_log2_copy_ratio"
    )
    _require(
        header,
        "GATK copy-ratio segments",
        path,
        "contig",
        "start",
        "end",
        value_column,
        upper=True,
    )
    label = {
        "gatk_called_seg": ".called.seg",
        "gatk_cr_seg": ".cr.seg",
        "gatk_model_seg": ".modelFinal.seg",
    }[fmt]
    file_sample = _gatk_meta(header, reader)
    if reader.sample is not None and file_sample and file_sample != reader.sample:
        raise InputError(
            path,
            None,
            f"sample {reader.sample!r} is not in the file (its @RG SM is {file_sample!r})",
        )
    sample = file_sample or reader.sample or ""
    if file_sample:
        reader.declared_samples.setdefault(file_sample)
    for number, row in _rows(header, lines, path):
        reader.rows += 1
        start = parse_int(row["start"], "START", path, number)
        end = parse_int(row["end"], "END", path, number)
        check_interval(start, end, path, number, "GATK 1-based, inclusive")
        log2 = parse_float(row[value_column], value_column.upper(), path, number)
        chrom = _contig(reader, row["contig"])
        if chrom is None:
            continue
        if log2 is None:
            reader.skipped.add(SKIP_MISSING_VALUE)
            continue
        check_within_chromosome(chrom, end, reader.build, path, number)
        points = row.get("num_points_copy_ratio")
        reader.records.append(
            CopyNumberSegment(
                sample=sample,
                chrom=chrom,
                start=start,
                end=end,
                copy_number=None,
                log2=log2,
                source=f"GATK {label} {value_column.upper()} (ploidy 2)",
                path=path,
                line=number,
                n_points=int(points) if points is not None and points.isdigit() else None,
                caller_call=row.get("call") or None,
                contig=row["contig"],
            )
        )


# --------------------------------------------------------------------------------------------
# PCGR
# --------------------------------------------------------------------------------------------
def _read_pcgr(
    header: TableHeader, lines: Iterator[tuple[int, str]], reader: _Reader, fmt: CnvFormat
) -> None:
    path = reader.path
    allele_specific = fmt == "pcgr_allele_specific"
    if allele_specific:
        _require(
            header,
            "PCGR allele-specific segments",
            path,
            "chromosome",
            "start",
            "end",
            "nmajor",
            "nminor",
        )
    else:
        _require(header, "PCGR segments", path, "chromosome", "start", "end", "segment_mean")
    for number, row in _rows(header, lines, path):
        reader.rows += 1
        start = parse_int(row["start"], "Start", path, number)
        end = parse_int(row["end"], "End", path, number)
        check_interval(start, end, path, number, "1-based, inclusive")
        row_sample = row.get("sample", "").strip()
        if not reader.keep(row_sample):
            continue
        cn: float | None = None
        log2: float | None = None
        if allele_specific:
            major = parse_float(row["nmajor"], "nMajor", path, number)
            minor = parse_float(row["nminor"], "nMinor", path, number)
            for name, value in (("nMajor", major), ("nMinor", minor)):
                if value is not None and value < 0:
                    raise InputError(path, number, f"{name} {value:g} is negative")
            if major is not None and minor is not None:
                cn = major + minor
        else:
            log2 = parse_float(row["segment_mean"], "Segment_Mean", path, number)
        chrom = _contig(reader, row["chromosome"])
        if chrom is None:
            continue
        if cn is None and log2 is None:
            reader.skipped.add(SKIP_MISSING_VALUE)
            continue
        check_within_chromosome(chrom, end, reader.build, path, number)
        reader.records.append(
            CopyNumberSegment(
                sample=row_sample or reader.sample or "",
                chrom=chrom,
                start=start,
                end=end,
                copy_number=cn,
                log2=log2,
                source=(
                    "PCGR allele-specific nMajor+nMinor (tumour-level)"
                    if allele_specific
                    else "PCGR Segment_Mean log2 (ploidy 2)"
                ),
                path=path,
                line=number,
                tumour_level=allele_specific,
                contig=row["chromosome"],
            )
        )


# --------------------------------------------------------------------------------------------
# gene-level report tables
# --------------------------------------------------------------------------------------------
def parse_gene_value(text: str, path: str, line: int) -> tuple[float | None, str | None]:
    """(copy number, report word) of a gene-table cell: ``3.1``, ``Amplification (3.1)``,
    ``3.1 copies``; (None, None) for an empty/NA cell. A word without a number is an error."""
    cell = text.strip()
    if cell.lower() in ("", ".", "na", "nan", "n/a", "null", "none", "-"):
        return None, None
    try:
        return float(cell), None
    except ValueError:
        pass
    numbers = _NUMBER.findall(cell)
    rest = _NUMBER.sub(" ", cell).lower()
    rest = re.sub(r"\b(?:cn|copies|copy number|copy|x)\b|[()\[\]:=,;]", " ", rest)
    word = " ".join(rest.split())
    if not numbers:
        raise InputError(
            path,
            line,
            f"copy number {cell!r} has no number: a call without a copy number cannot be "
            "checked against the thresholds (give the report's copy number)",
        )
    if len(numbers) > 1:
        raise InputError(path, line, f"copy number {cell!r} holds several numbers")
    if word and word not in CALL_WORDS:
        raise InputError(path, line, f"copy number {cell!r}: unrecognised text {word!r}")
    return float(numbers[0]), (word or None)


def _read_gene_table(
    header: TableHeader, lines: Iterator[tuple[int, str]], reader: _Reader, fmt: CnvFormat
) -> None:
    path = reader.path
    gene_col = header.first(GENE_TABLE_GENE)
    cn_col = header.first(GENE_TABLE_CN)
    if gene_col is None:
        _require(header, "gene table", path, "gene")
    if cn_col is None:
        discrete = header.first(DISCRETE_COLUMNS)
        if discrete is not None:
            raise InputError(
                path,
                header.line,
                f"column {header.raw[header.columns.index(discrete)]!r} holds discrete "
                "copy-number codes (-2..2), not copy "
                "numbers; egfr-annot needs the absolute (plasma) copy number per gene",
            )
        _require(header, "gene table", path, "copy_number")
    assert gene_col is not None and cn_col is not None
    sample_col = header.first(GENE_TABLE_SAMPLE)
    call_col = header.first(GENE_TABLE_CALL)
    seen: dict[tuple[str, str], int] = {}
    for number, row in _rows(header, lines, path):
        reader.rows += 1
        row_sample = row[sample_col].strip() if sample_col else ""
        symbol = row[gene_col].strip().upper()
        if not symbol:
            raise InputError(path, number, "empty gene name")
        gene = GENE_ALIASES.get(symbol, symbol)
        value, word = parse_gene_value(row[cn_col], path, number)
        call_word = row[call_col].strip() if call_col and row[call_col].strip() else None
        if value is not None and value < 0:
            raise InputError(
                path,
                number,
                f"copy number {value:g} for {gene} is negative (discrete -2..2 codes are not "
                "copy numbers)",
            )
        key = (row_sample, gene)
        if key in seen:
            who = f" for sample {row_sample!r}" if row_sample else ""
            raise InputError(
                path, number, f"{gene} is listed twice{who} (lines {seen[key]} and {number})"
            )
        seen[key] = number
        if not reader.keep(row_sample):
            continue
        if value is None:
            if call_word is not None:
                raise InputError(
                    path,
                    number,
                    f"{gene}: the report says {call_word!r} but gives no copy number; a call "
                    "without a copy number cannot be checked against the thresholds",
                )
            reader.skipped.add(SKIP_MISSING_VALUE)
            continue
        reader.records.append(
            GeneCopyNumber(
                sample=row_sample or reader.sample or "",
                gene=gene,
                copy_number=value,
                source="gene table copy number",
                path=path,
                line=number,
                reported_call=call_word or word,
            )
        )


TABLE_READERS: dict[
    CnvFormat, Callable[[TableHeader, Iterator[tuple[int, str]], _Reader, CnvFormat], None]
] = {
    "cnvkit_cns": _read_cnvkit,
    "cnvkit_call_cns": _read_cnvkit,
    "cnvkit_cnr": _read_cnvkit,
    "gatk_called_seg": _read_gatk,
    "gatk_cr_seg": _read_gatk,
    "gatk_model_seg": _read_gatk,
    "pcgr_allele_specific": _read_pcgr,
    "pcgr_segment_mean": _read_pcgr,
    "gene_table": _read_gene_table,
}


def read_table(
    header: TableHeader,
    lines: Iterator[tuple[int, str]],
    fmt: CnvFormat,
    path: str,
    *,
    build: Build | None,
    sample: str | None,
) -> CopyNumberInput:
    reader = _Reader(path, build, sample, SkipCounter(), [], {})
    TABLE_READERS[fmt](header, lines, reader, fmt)
    declared = tuple(reader.declared_samples)
    if sample is not None and declared and sample not in declared:
        raise InputError(
            path,
            header.line,
            f"sample {sample!r} is not in the file (samples: {', '.join(declared)})",
        )
    notes: tuple[str, ...] = ()
    if reader.rows == 0:
        notes = ("the copy-number file has a header but no data rows",)
    return CopyNumberInput(
        path=path,
        format=fmt,
        build=build,
        samples=declared,
        segments=tuple(reader.records),
        records_read=reader.rows,
        skipped=reader.skipped.items(),
        notes=notes,
    )
