"""Copy number from VCF records with symbolic alleles (issue #6).

Two entry points:

* :func:`segment_from_symbolic` turns one symbolic record of one sample into a segment. The
  variant reader calls it (through :func:`read_symbolic_records`) for the ``<DUP>``/``<DEL>``/...
  records it finds in the same VCF as the SNVs.
* :func:`read_cnv_vcf` reads a separate copy-number VCF (``--cnv calls.vcf[.gz]``) with a small
  text parser: CNV VCFs are small (one record per segment).

Copy-number records: ALT ``<DUP>``, ``<DEL>``, ``<AMP>``, ``<CNV>``, ``<DUP:TANDEM>``, ``<CNn>``
(a list of them is allowed), or ALT ``.`` with INFO/END (GATK gCNV writes copy-neutral segments so,
with REF ``N``). Where the copy number is taken from, first found wins:

1. FORMAT/CN of the sample (GATK gCNV, Delly, DRAGEN, CNVkit ``export vcf``);
2. INFO/CN, then INFO/CopyNumber;
3. the ALT itself when it is a single ``<CNn>`` allele;
4. INFO/FOLD_CHANGE_LOG as a log2 ratio (CNVkit ``export vcf``), copy number ``2 * 2**log2``.

A record with none of these (e.g. a Manta ``<DUP>``) has no copy number: it is counted, not
called. Coordinates: POS..END, 1-based inclusive (END: INFO/END, else POS + |SVLEN|; a padding
base before a ``<DEL>``, if the caller wrote one, is included: at most 1 bp, immaterial for gene
overlap).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from egfr_annot.errors import InputError
from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.io.cnv_common import (
    SKIP_CONTIG,
    SKIP_NO_COPY_NUMBER,
    SKIP_NOT_CN_RECORD,
    SKIP_OTHER_SAMPLE,
    CopyNumberInput,
    CopyNumberRecord,
    CopyNumberSegment,
    SkipCounter,
    build_from_contig_length,
    build_from_text,
    check_declared_build,
    check_interval,
    check_within_chromosome,
    parse_float,
    parse_int,
    primary_contig,
)
from egfr_annot.records import Build

_CN_ALLELE = re.compile(r"^<(?:DUP|DEL|AMP|CNV|DUP:TANDEM|CN(\d+))>$")
_HEADER_FIELD = re.compile(r'([A-Za-z_]+)=("[^"]*"|[^,>]*)')


class SymbolicRecord(Protocol):
    """What the variant reader hands over for each symbolic VCF record
    (``egfr_annot.io.vcf_records.SymbolicRecord`` has these attributes).

    ``samples`` maps each sample to its FORMAT key -> value strings; ``info`` holds INFO
    key -> value (flags as ``True``); ``line`` is the 1-based line in the input. A record with
    several ALTs may be handed over once per ALT: the same line is read once.
    """

    @property
    def chrom(self) -> str: ...
    @property
    def pos(self) -> int: ...
    @property
    def end(self) -> int | None: ...
    @property
    def alt(self) -> str: ...
    @property
    def info(self) -> Mapping[str, str | bool]: ...
    @property
    def samples(self) -> Mapping[str, Mapping[str, str]]: ...
    @property
    def filter(self) -> str: ...
    @property
    def line(self) -> int: ...


def is_copy_number_alt(alt: str, info: Mapping[str, str]) -> bool:
    """True for the ALT spellings of copy-number records (see the module docstring)."""
    text = alt.strip()
    if text == ".":
        return "END" in info
    return all(_CN_ALLELE.match(a.strip()) for a in text.split(","))


def _one_number(text: str | None, where: str, path: str, line: int) -> float | None:
    if text is None:
        return None
    if "," in text:
        raise InputError(path, line, f"{where} {text!r} has several values; expected one")
    value = parse_float(text, where, path, line)
    if value is not None and value < 0:
        raise InputError(path, line, f"{where} {text!r} is negative")
    return value


def _end_from_info(
    info: Mapping[str, str], chrom: str, pos: int, alt: str, path: str, line: int
) -> int:
    """INFO/END, else POS + |SVLEN| (VCF 4.4 lets a structural variant give its span by SVLEN
    alone; END is deprecated in VCF 4.5), as the variant reader takes a record's end."""
    end_text = info.get("END")
    if end_text not in (None, ""):
        return parse_int(end_text, "INFO/END", path, line)
    svlen_text = info.get("SVLEN")
    if svlen_text not in (None, "", "."):
        lengths = [abs(parse_int(v, "INFO/SVLEN", path, line)) for v in svlen_text.split(",")]
        return pos + max(lengths)
    raise InputError(path, line, f"copy-number record {alt} at {chrom}:{pos} has no END "
                     "(nor SVLEN)")


def _copy_number_value(
    alt: str, info: Mapping[str, str], sample_format: Mapping[str, str], path: str, line: int
) -> tuple[float | None, float | None, str]:
    """(copy number, log2, source) of one record in one sample, the first found in the order
    of the module docstring; both values None when the record carries none."""
    fmt_cn = sample_format.get("CN")
    if fmt_cn not in (None, ".", ""):
        value = _one_number(fmt_cn, "FORMAT/CN", path, line)
        if value is not None:
            return value, None, "VCF FORMAT/CN"
    for key in ("CN", "CopyNumber"):
        if info.get(key) not in (None, ".", ""):
            value = _one_number(info[key], f"INFO/{key}", path, line)
            if value is not None:
                return value, None, f"VCF INFO/{key}"
            break
    match = _CN_ALLELE.match(alt.strip())
    if match and match.group(1) is not None:
        return float(match.group(1)), None, "VCF ALT <CNn>"
    if info.get("FOLD_CHANGE_LOG") not in (None, ".", ""):
        log2 = parse_float(info["FOLD_CHANGE_LOG"], "INFO/FOLD_CHANGE_LOG", path, line)
        if log2 is not None:
            return None, log2, "VCF INFO/FOLD_CHANGE_LOG (log2, ploidy 2)"
    return None, None, ""


def segment_from_symbolic(
    chrom: str,
    pos: int,
    end: int | None,
    alt: str,
    info: Mapping[str, str],
    sample_format: Mapping[str, str],
    path: str,
    line: int,
    *,
    sample: str = "",
    filter: str = "PASS",
) -> CopyNumberSegment | None:
    """The copy-number segment of one symbolic VCF record in one sample, or None when the record
    carries no copy number (count it as ``SKIP_NO_COPY_NUMBER``).

    Parameters
    ----------
    chrom, pos, end
        Contig as written, VCF POS, and END (None: taken from INFO/END, else POS + |SVLEN|).
    alt, info, sample_format
        The ALT text, INFO key -> value, and this sample's FORMAT key -> value.
    path, line
        For error messages and traceability.
    sample, filter
        Sample name and the record's FILTER.

    Raises
    ------
    InputError
        No END nor SVLEN, END before POS, or a copy-number value that is not a single
        non-negative number.
    """
    if end is None:
        end = _end_from_info(info, chrom, pos, alt, path, line)
    check_interval(pos, end, path, line, "VCF POS..END, 1-based")
    copy_number, log2, source = _copy_number_value(alt, info, sample_format, path, line)
    if copy_number is None and log2 is None:
        return None
    n_points = sample_format.get("NP")
    return CopyNumberSegment(
        sample=sample,
        chrom=canonical_contig(chrom),
        start=pos,
        end=end,
        copy_number=copy_number,
        log2=log2,
        source=source,
        path=path,
        line=line,
        n_points=int(n_points) if n_points is not None and n_points.isdigit() else None,
        caller_call=alt.strip(),
        filter=filter,
        contig=chrom,
    )


def _given_end(
    rec: SymbolicRecord, info: Mapping[str, str], sample_format: Mapping[str, str], path: str
) -> int | None:
    """The END to give :func:`segment_from_symbolic` for a record of the main VCF: None (read
    INFO/END or SVLEN there, as ``--cnv`` does: a bad one is an ``InputError``) for a record
    that carries a copy number, unless the supplier gave a span without INFO/END or SVLEN. The
    variant reader replaces an unusable END by POS with at most a warning: a malformed
    copy-number segment would become a 1-bp one. Records without a copy number keep the
    reader's END: they are counted, not read."""
    value, log2, _ = _copy_number_value(rec.alt, info, sample_format, path, rec.line)
    if value is None and log2 is None:
        return rec.end if rec.end is not None else rec.pos
    declared = info.get("END") not in (None, "") or info.get("SVLEN") not in (None, "", ".")
    if declared or rec.end is None or rec.end <= rec.pos:
        return None
    return rec.end


def read_symbolic_records(
    records: Iterable[SymbolicRecord], path: str, *, build: Build | None = None
) -> CopyNumberInput:
    """Segments of the symbolic records the variant reader found, with skip counts.

    Records on contigs we do not use and sample columns without a copy number are counted in
    ``skipped``; records that are not copy-number records (``<INV>``, ``<INS>``, breakends) are
    not, as the variant reader has counted each of them once already.
    """
    skipped = SkipCounter()
    segments: list[CopyNumberRecord] = []
    samples: dict[str, None] = {}
    seen_lines: set[int] = set()
    n = 0
    for rec in records:
        if rec.line in seen_lines:  # the same record again, for another of its ALTs
            continue
        seen_lines.add(rec.line)
        n += 1
        info = {k: ("" if v is True else str(v)) for k, v in rec.info.items()}
        if not is_copy_number_alt(rec.alt, info):
            continue  # (the variant reader has counted it: symbolic_allele, breakend)
        formats = rec.samples or {"": {}}
        for sample, fmt in formats.items():
            samples.setdefault(sample)
            seg = segment_from_symbolic(
                rec.chrom,
                rec.pos,
                _given_end(rec, info, fmt, path),
                rec.alt,
                info,
                fmt,
                path,
                rec.line,
                sample=sample,
                filter=rec.filter,
            )
            if seg is None:
                skipped.add(SKIP_NO_COPY_NUMBER)
            elif primary_contig(rec.chrom) is None:
                skipped.add(SKIP_CONTIG)
            else:
                check_within_chromosome(seg.chrom, seg.end, build, path, rec.line)
                segments.append(seg)
    return CopyNumberInput(
        path=path,
        format="vcf",
        build=build,
        samples=tuple(s for s in samples if s),
        segments=tuple(segments),
        records_read=n,
        skipped=skipped.items(),
    )


def segments_from_symbolic_records(
    records: Iterable[SymbolicRecord], path: str, *, build: Build | None = None
) -> tuple[CopyNumberRecord, ...]:
    """The segments of :func:`read_symbolic_records` (without the skip counts: prefer that)."""
    return read_symbolic_records(records, path, build=build).segments


# --------------------------------------------------------------------------------------------
# a separate copy-number VCF
# --------------------------------------------------------------------------------------------
def _header_fields(text: str) -> dict[str, str]:
    inner = text[text.find("<") + 1 :]
    return {k: v.strip('"') for k, v in _HEADER_FIELD.findall(inner)}


def _check_header_line(text: str, build: Build | None, path: str, line: int) -> None:
    if text.startswith("##contig=<"):
        fields = _header_fields(text)
        if "assembly" in fields:
            check_declared_build(
                build_from_text(fields["assembly"]),
                f"##contig assembly={fields['assembly']}",
                build,
                path,
                line,
            )
        length = fields.get("length", "")
        if length.isdigit() and "ID" in fields:
            chrom = canonical_contig(fields["ID"])
            check_declared_build(
                build_from_contig_length(chrom, int(length)),
                f"the length of contig {fields['ID']} ({length})",
                build,
                path,
                line,
            )
    elif text.startswith("##reference="):
        value = text.split("=", 1)[1]
        name = value.rstrip("/").rsplit("/", 1)[-1]  # the file name, not its directories
        check_declared_build(build_from_text(name), f"##reference={value}", build, path, line)


def _info_dict(text: str) -> dict[str, str]:
    if text in (".", ""):
        return {}
    out: dict[str, str] = {}
    for item in text.split(";"):
        key, _, value = item.partition("=")
        out[key] = value
    return out


def read_cnv_vcf(
    lines: Iterator[tuple[int, str]],
    path: str,
    *,
    build: Build | None,
    sample: str | None,
) -> CopyNumberInput:
    """Read a copy-number VCF from its (line number, text) stream."""
    skipped = SkipCounter()
    segments: list[CopyNumberRecord] = []
    samples: list[str] = []
    chrom_line: int | None = None
    wanted: list[int] = []
    n = 0
    for number, text in lines:
        if text.startswith("##"):
            _check_header_line(text, build, path, number)
            continue
        if text.startswith("#CHROM"):
            columns = text.split("\t")
            samples = columns[9:]
            chrom_line = number
            if sample is not None and samples and sample not in samples:
                raise InputError(
                    path,
                    number,
                    f"sample {sample!r} is not in the VCF (samples: {', '.join(samples)})",
                )
            wanted = [i for i, s in enumerate(samples) if sample is None or s == sample]
            continue
        if not text.strip():
            continue
        if chrom_line is None:
            raise InputError(path, number, "VCF record before the #CHROM header line")
        n += 1
        cols = text.split("\t")
        if len(cols) < 8:
            raise InputError(path, number, f"{len(cols)} columns; a VCF record needs at least 8")
        contig, pos_text, _id, _ref, alt, _qual, flt, info_text = cols[:8]
        pos = parse_int(pos_text, "POS", path, number)
        info = _info_dict(info_text)
        if not is_copy_number_alt(alt, info):
            skipped.add(SKIP_NOT_CN_RECORD)
            continue
        chrom = primary_contig(contig)
        keys = cols[8].split(":") if len(cols) > 8 else []
        columns_of: list[tuple[str, dict[str, str]]] = []
        if samples:
            skipped.add(SKIP_OTHER_SAMPLE, len(samples) - len(wanted))
            for i in wanted:
                values = cols[9 + i].split(":") if 9 + i < len(cols) else []
                columns_of.append((samples[i], dict(zip(keys, values, strict=False))))
        else:
            columns_of.append((sample or "", {}))
        for name, fmt in columns_of:
            seg = segment_from_symbolic(
                contig, pos, None, alt, info, fmt, path, number, sample=name, filter=flt
            )
            if seg is None:
                skipped.add(SKIP_NO_COPY_NUMBER)
            elif chrom is None:
                skipped.add(SKIP_CONTIG)
            else:
                check_within_chromosome(seg.chrom, seg.end, build, path, number)
                segments.append(seg)
    if chrom_line is None:
        raise InputError(path, None, "VCF without a #CHROM header line")
    return CopyNumberInput(
        path=path,
        format="vcf",
        build=build,
        samples=tuple(samples),
        segments=tuple(segments),
        records_read=n,
        skipped=skipped.items(),
    )
