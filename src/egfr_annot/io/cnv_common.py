"""Records and helpers shared by the copy-number readers (issue #6).

Coordinates in every record are 1-based and inclusive on the + strand, whatever the input's own
convention (CNVkit and other BED-like files have 0-based, half-open starts: start + 1 here).
Contig names are canonical (``"7"``, no ``chr``). Missing values are ``None``.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from egfr_annot.errors import BuildMismatchError, InputError
from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.records import Build

CnvFormat = Literal[
    "vcf",
    "cnvkit_cns",
    "cnvkit_call_cns",
    "cnvkit_cnr",
    "gatk_called_seg",
    "gatk_cr_seg",
    "gatk_model_seg",
    "pcgr_allele_specific",
    "pcgr_segment_mean",
    "gene_table",
]
RecordKind = Literal["segment", "bin"]

# Chromosomes a copy-number record can usefully sit on. Anything else (unplaced/alt contigs,
# decoys, EBV, MT) is counted as skipped, never an error.
PRIMARY_CHROMOSOMES: frozenset[str] = frozenset([str(n) for n in range(1, 23)] + ["X", "Y"])

# Lengths of the chromosomes that hold panel genes, to catch a copy-number file of the other build
# (header contig lengths, or a segment ending past the chromosome end). Values: UCSC/GRC chrom
# sizes of GRCh37 (hg19) and GRCh38 (hg38); small reference facts kept next to the code.
CHROMOSOME_LENGTHS: dict[Build, dict[str, int]] = {
    "GRCh37": {
        "1": 249250621,
        "3": 198022430,
        "7": 159138663,
        "10": 135534747,
        "11": 135006516,
        "12": 133851895,
        "15": 102531392,
        "17": 81195210,
    },
    "GRCh38": {
        "1": 248956422,
        "3": 198295559,
        "7": 159345973,
        "10": 133797422,
        "11": 135086622,
        "12": 133275309,
        "15": 101991189,
        "17": 83257441,
    },
}

# Tokens that mean "no value" in the tables we read (CNVkit/GATK write NaN; R writes NA).
MISSING_TOKENS: frozenset[str] = frozenset({"", ".", "na", "nan", "n/a", "null", "none"})

# Skip reasons (snake_case, like the pipeline's own counters), prefixed so that they stay
# recognisable once merged with the variant reader's counts.
SKIP_CONTIG = "cnv_contig_not_used"
SKIP_MISSING_VALUE = "cnv_missing_copy_number_value"
SKIP_EMPTY_SEGMENT = "cnv_empty_cnvkit_segment"
SKIP_NOT_CN_RECORD = "cnv_vcf_record_not_copy_number"
SKIP_NO_COPY_NUMBER = "cnv_vcf_record_without_copy_number"
SKIP_OTHER_SAMPLE = "cnv_other_sample"


@dataclass(frozen=True, slots=True)
class CopyNumberSegment:
    """One segment (or, for CNVkit ``.cnr``, one bin) of one sample, as the input gave it.

    ``copy_number`` is the absolute copy number when the input gives one (VCF CN, CNVkit ``cn``,
    PCGR nMajor+nMinor); otherwise ``log2`` carries the log2 copy ratio and the copy number is
    ``2 * 2**log2`` (ploidy 2). ``tumour_level`` is True when the input's copy number is already
    corrected for tumour purity (allele-specific callers), so no dilution adjustment applies.
    ``sample`` is ``""`` when the file names no sample (CNVkit, PCGR allele-specific).
    """

    sample: str
    chrom: str
    start: int
    end: int
    copy_number: float | None
    log2: float | None
    source: str
    path: str
    line: int
    kind: RecordKind = "segment"
    weight: float | None = None
    n_points: int | None = None
    caller_call: str | None = None
    filter: str = "PASS"
    tumour_level: bool = False
    contig: str = ""

    @property
    def value(self) -> float:
        """The segment's absolute copy number (observed scale unless ``tumour_level``)."""
        if self.copy_number is not None:
            return self.copy_number
        assert self.log2 is not None  # readers never build a segment with neither
        return 2.0 * math.pow(2.0, self.log2)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True, slots=True)
class GeneCopyNumber:
    """A gene-level copy number from a report table (``sample gene copy_number``): no coordinates.

    ``reported_call`` is the report's own word for it ("Amplification"), kept for the reviewer;
    the state is always decided from the number.
    """

    sample: str
    gene: str
    copy_number: float
    source: str
    path: str
    line: int
    reported_call: str | None = None
    filter: str = "PASS"
    tumour_level: bool = False


CopyNumberRecord = CopyNumberSegment | GeneCopyNumber


@dataclass(frozen=True, slots=True)
class CopyNumberInput:
    """Everything read from one copy-number file (or from a VCF's symbolic records).

    ``skipped`` accounts for every data line that did not become a record: (reason, count),
    sorted by reason. ``samples`` are the sample names the file declares (empty when it declares
    none).
    """

    path: str
    format: CnvFormat
    build: Build | None
    samples: tuple[str, ...]
    segments: tuple[CopyNumberRecord, ...]
    records_read: int
    skipped: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()

    def skipped_dict(self) -> dict[str, int]:
        return dict(self.skipped)

    def for_sample(self, sample: str) -> tuple[CopyNumberRecord, ...]:
        """Records of ``sample``, plus records of files that name no sample."""
        return tuple(r for r in self.segments if r.sample in (sample, ""))

    def attributed_to(
        self, sample: str, aliases: Sequence[str] = ()
    ) -> tuple[tuple[CopyNumberRecord, ...], str]:
        """The records of one sample of the run, and a note when they were attributed to it
        without its name ("" otherwise).

        ``sample`` is the VCF's tumour sample; ``aliases`` other names of it (the output id).
        A file that names one of these gives that sample's records (maybe none: all NA); a file
        that names no sample gives all its records; a file of one other sample is taken as this
        sample's (the user paired them), with a note.

        Raises
        ------
        InputError
            The file names several samples and none of these: nothing in it can be attributed
            to the sample, and dropping an input the user gave would lose data silently.
        """
        names = tuple(dict.fromkeys((sample, *aliases)))
        found = [n for n in names if n in self.samples]
        if found or not self.samples:
            wanted = {*found, ""}
            return tuple(r for r in self.segments if r.sample in wanted), ""
        if len(self.samples) == 1:
            note = (
                f"copy number from {self.path} (sample {self.samples[0]}) used for sample {sample}"
            )
            return self.segments, note
        looked = " or ".join([f"{sample!r} (the VCF's tumour sample)", *map(repr, names[1:])])
        raise InputError(
            self.path,
            None,
            f"copy-number file of samples {', '.join(self.samples)} has none named {looked}: "
            "nothing in it can be attributed to the sample; give the file of this sample (a "
            "file of one sample is used whatever its name)",
        )


# --------------------------------------------------------------------------------------------
# reading text
# --------------------------------------------------------------------------------------------
def iter_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, text without line end) of a plain or gzip/bgzip file.

    Decoding errors and corrupt compression become one-line ``InputError``s.
    """
    display = os.fspath(path)
    try:
        with open(path, "rb") as probe:
            magic = probe.read(2)
    except OSError as exc:
        raise InputError(display, None, f"cannot open copy-number file: {exc.strerror}") from None
    opener = gzip.open if magic == b"\x1f\x8b" else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise InputError(
                        display,
                        number,
                        "not UTF-8 text (a binary file? BCF is not supported "
                        "as --cnv: convert it with bcftools view)",
                    ) from None
                if number == 1:
                    text = text.lstrip("\ufeff")  # spreadsheet byte-order mark
                yield number, text.rstrip("\r\n")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(display, number + 1, f"cannot read compressed data: {exc}") from None


def split_fields(text: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return text.split("\t")
    import csv

    return next(csv.reader([text], delimiter=delimiter))


def normalise_column(name: str) -> str:
    """``"Copy Number"`` -> ``"copy_number"``; ``"#chromosome"`` -> ``"chromosome"``."""
    return re.sub(r"[\s.\-]+", "_", name.strip().lstrip("#").strip().lower())


# --------------------------------------------------------------------------------------------
# numbers and coordinates
# --------------------------------------------------------------------------------------------
def parse_int(text: str, column: str, path: str, line: int) -> int:
    value = text.strip()
    if not re.fullmatch(r"[+-]?\d+", value):
        raise InputError(path, line, f"{column} {text!r} is not an integer")
    return int(value)


def parse_float(text: str, column: str, path: str, line: int) -> float | None:
    """A finite float, ``-inf`` (a log2 of zero copies), or None for NaN/NA/empty.

    Anything else that is not a number is a bad-input error.
    """
    value = text.strip()
    if value.lower() in MISSING_TOKENS:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(path, line, f"{column} {text!r} is not a number") from None
    if math.isnan(number):
        return None
    if number == math.inf:
        raise InputError(path, line, f"{column} {text!r} is infinite")
    return number


def check_interval(start: int, end: int, path: str, line: int, convention: str) -> None:
    if start < 1:
        raise InputError(path, line, f"start {start} is before the chromosome start ({convention})")
    if end < start:
        raise InputError(
            path, line, f"end {end} is before start {start} ({convention} coordinates)"
        )


def check_within_chromosome(
    chrom: str, end: int, build: Build | None, path: str, line: int
) -> None:
    """A segment ending past the end of a panel chromosome means the file is of the other build."""
    if build is None:
        return
    length = CHROMOSOME_LENGTHS[build].get(chrom)
    if length is not None and end > length:
        raise BuildMismatchError(
            path,
            line,
            f"segment end {chrom}:{end} is past the end of chromosome {chrom} in {build} "
            f"({length}): is the file of another genome build?",
        )


def build_from_text(text: str) -> Build | None:
    """The build named in a header value (``assembly=GRCh37``, ``AS:hg38``, a reference URL)."""
    low = text.lower()
    if re.search(r"grch38|hg38|hs38|assembly38|b38\b", low):
        return "GRCh38"
    if re.search(r"grch37|hg19|hs37|b37\b|assembly19|human_g1k_v37", low):
        return "GRCh37"
    return None


def build_from_contig_length(chrom: str, length: int) -> Build | None:
    for build, lengths in CHROMOSOME_LENGTHS.items():
        if lengths.get(chrom) == length:
            return build
    return None


def check_declared_build(
    declared: Build | None, what: str, build: Build | None, path: str, line: int
) -> None:
    if declared is not None and build is not None and declared != build:
        raise BuildMismatchError(
            path,
            line,
            f"{what} says {declared} but the run uses {build}; give a copy-number file of the "
            "same build as the variants",
        )


class SkipCounter:
    """Counts skipped data lines by reason; every reader returns these counts."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, reason: str, n: int = 1) -> None:
        if n:
            self.counts[reason] += n

    def items(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.counts.items()))


def primary_contig(contig: str) -> str | None:
    """The canonical chromosome name, or None for contigs we do not use."""
    chrom = canonical_contig(contig)
    return chrom if chrom in PRIMARY_CHROMOSOMES else None
