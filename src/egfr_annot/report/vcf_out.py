"""``PREFIX.annotated.vcf.gz`` (+ ``.tbi``): the input VCF with egfr-annot INFO tags (issue #7).

Contract (pipelines snapshot variant MD5s, nf-core ``variantsMD5``):

* Every input record is written. A record none of whose ALTs has a finding is written
  **byte-identical** to the input line. An annotated record differs only in its INFO column:
  the ``EGFRA_*`` tags are appended (``INFO=.`` is replaced). ``EGFRA_*`` tags already present
  (a re-annotated file) are removed first, as are their old header lines.
* Header: the input's lines, unchanged, then, just before ``#CHROM``, the provenance lines
  (``##egfr_annot_version``, ``_kb_version``, ``_build``, ``_input_sha256``, ``_command``), one
  ``##egfr_annot_status=<ID=sample,...>`` line per sample (the verdict travels with the VCF) and
  one ``##INFO`` line per tag of ``INFO_TAGS``. No date: the same input gives the same bytes.
* Tags are ``Number=A``: one value per ALT, ``.`` for an ALT without a finding; a tag that is
  missing for every ALT of a record is left out. Lists inside one value (SO terms, reference
  numbers, strategy ids) are separated by ``&`` (as VEP does); the rare ALT with several
  annotations (e.g. a copy-number segment covering two genes) has them separated by ``|``.
  Values are percent-encoded as VCF 4.3 specifies (``%3B`` for ``;``, ``%20`` for a space, ...;
  also ``&``, ``|`` and non-ASCII), so no value contains a space, ``;``, ``,`` or ``=``.
* Findings are matched to records by the input's own ``(CHROM, POS, REF, ALT)`` of
  ``finding.call``. Copy-number findings from symbolic records of this VCF are matched by
  coordinates, never by line number (an indexed read gives them none): the first copy-number
  record (``<DUP>``, ``<DEL>``, ``<CNV>``, ... or ``.`` with END) on the same chromosome (``chr``
  or not) whose POS is the call's start and whose END (INFO/END, else POS + |SVLEN|) is not past
  the call's end; they annotate its symbolic ALT(s). A call spanning several segments annotates
  the first. Any finding, call or copy number, that matches no record is an internal error
  (never a silently missing annotation). Copy-number findings from ``--cnv`` files and
  sample-level findings (MSI) have no record: the ``##egfr_annot_status`` header line names
  those that decide the status (all are in the TSV and JSON).
* Output is BGZF-compressed and tabix-indexed. Tabix needs records grouped by contig and sorted
  by position. The input is streamed and checked while it is written; if it turns out unsorted,
  it is read again and the records are sorted in memory (contig order of the ``##contig`` lines,
  then first appearance; then POS; ties keep input order) and a ``##egfr_annot_note`` header
  line says so. Memory is bounded only for sorted input (the normal case).
* Inputs: plain, gzip or bgzip VCF, or BCF (converted to text records by cyvcf2). Standard input
  cannot be re-read: ``--vcf`` with ``-`` is a usage error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final, Protocol

from egfr_annot.errors import EgfrAnnotError, InputError, UsageError
from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.io.cnv_vcf import is_copy_number_alt
from egfr_annot.io.vaf import to_count
from egfr_annot.records import Finding, SampleResult
from egfr_annot.report.rows import alteration_row, finding_sort_key, fmt_float
from egfr_annot.report.writers import ReportContext, output_path

TAG_PREFIX: Final = "EGFRA_"
HEADER_PREFIX: Final = "egfr_annot_"


@dataclass(frozen=True, slots=True)
class InfoTag:
    id: str
    description: str
    # (finding, its alteration_row) -> the value's parts (one part for a scalar, several for a
    # list such as reference numbers; joined with '&' after encoding)
    parts: Callable[[Finding, dict[str, str]], Sequence[str]]


def _one(column: str) -> Callable[[Finding, dict[str, str]], Sequence[str]]:
    return lambda finding, row: (row[column],)


def _comma_list(column: str) -> Callable[[Finding, dict[str, str]], Sequence[str]]:
    """A comma-separated TSV list (commas would split the ALTs in a VCF)."""
    return lambda finding, row: row[column].split(",")


def _rule_id(finding: Finding, row: dict[str, str]) -> Sequence[str]:
    return (finding.match.rule_id,) if finding.match is not None else ()


def _strategy_ids(finding: Finding, row: dict[str, str]) -> Sequence[str]:
    return [s.strategy_id for s in finding.match.strategies] if finding.match is not None else ()


# The tags, in header and record order. Values come from report/rows.alteration_row (the single
# place where values are formatted) so the VCF says what the TSV says.
INFO_TAGS: Final[tuple[InfoTag, ...]] = (
    InfoTag("EGFRA_GENE", "Gene symbol (HGNC) of the MANE Select transcript", _one("gene")),
    InfoTag(
        "EGFRA_TRANSCRIPT", "MANE Select transcript (RefSeq accession.version)", _one("transcript")
    ),
    InfoTag("EGFRA_HGVSC", "HGVS coding DNA change on EGFRA_TRANSCRIPT (c.)", _one("hgvsc")),
    InfoTag("EGFRA_HGVSP", "HGVS protein change with three-letter amino acids (p.)", _one("hgvsp")),
    InfoTag(
        "EGFRA_HGVSP_SHORT",
        "HGVS protein change with one-letter amino acids (p.)",
        _one("hgvsp_short"),
    ),
    InfoTag("EGFRA_EXON", "Exon (or intron) number/total on EGFRA_TRANSCRIPT", _one("exon")),
    InfoTag(
        "EGFRA_CSQ",
        "Sequence Ontology consequence terms, most severe first, &-separated",
        _comma_list("consequence"),
    ),
    InfoTag(
        "EGFRA_CN",
        "Gene copy number observed in the sample (copy-number records)",
        _one("copy_number"),
    ),
    InfoTag(
        "EGFRA_RES",
        "Anti-EGFR resistance: yes, uncertain or no (missing: no catalogue rule matched)",
        _one("resistance"),
    ),
    InfoTag(
        "EGFRA_CLASS", "Alteration class of the matching catalogue rule", _one("alteration_class")
    ),
    InfoTag(
        "EGFRA_LEVEL",
        "Level at which the catalogue rule matched (genomic, protein, codon, "
        "exon, gene, copy_number)",
        _one("match_level"),
    ),
    InfoTag("EGFRA_RULE", "Identifier of the matching catalogue rule", _rule_id),
    InfoTag(
        "EGFRA_REFS",
        "Reference numbers of the review supporting the rule, &-separated",
        _comma_list("review_refs"),
    ),
    InfoTag(
        "EGFRA_STRATEGY",
        "Identifiers of strategies to overcome the resistance, &-separated",
        _strategy_ids,
    ),
)

# VCF 4.3 section 1.2: characters with a special meaning are percent-encoded. ',' separates the
# values of the ALTs, ';' and '=' structure INFO; '&' and '|' are our list separators.
_RESERVED: Final = frozenset("%;=,&| \t\r\n")


# In a structured header line (``##key=<ID=...>``) '<', '>', '"' and '\\' are structure too.
_RESERVED_IN_HEADER: Final = _RESERVED | frozenset('<>"\\')


def percent_encode(value: str, reserved: frozenset[str] = _RESERVED) -> str:
    """``"KRAS exon 2; G12D"`` -> ``"KRAS%20exon%202%3B%20G12D"``; empty -> ``"."``."""
    if not value:
        return "."
    out: list[str] = []
    for ch in value:
        if ch in reserved or not 32 < ord(ch) < 127:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def info_header_lines() -> list[str]:
    return [
        f'##INFO=<ID={tag.id},Number=A,Type=String,Description="egfr-annot: '
        f'{_quote(tag.description)}">'
        for tag in INFO_TAGS
    ]


def allele_values(finding: Finding) -> tuple[str, ...]:
    """The encoded value of every tag of ``INFO_TAGS`` for one finding (``"."`` when missing)."""
    row = alteration_row(finding)
    values = []
    for tag in INFO_TAGS:
        parts = [part for part in tag.parts(finding, row) if part]
        values.append("&".join(percent_encode(part) for part in parts) if parts else ".")
    return tuple(values)


# ----------------------------------------------------------------------------------------------
# findings -> per-record annotations
# ----------------------------------------------------------------------------------------------
CallKey = tuple[str, int, str, str]
# (canonical CHROM, POS) of the record a copy-number finding belongs to
SiteKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class _CopyNumberAnnotation:
    """A copy-number finding from a symbolic record of this VCF, placed by coordinates: the
    reader's line number is not one (0 when the input was read through its index)."""

    site: SiteKey
    end: int  # the call's end: its record's END, or the last END of the segments it spans
    values: tuple[str, ...]
    label: str

    def fits(self, record_end: int) -> bool:
        """A record at this site is the call's (first) segment when it ends within the call."""
        return record_end <= self.end

    def describe(self) -> str:
        return f"{self.label} ({self.site[0]}:{self.site[1]}-{self.end} copy-number record)"


@dataclass
class _Annotations:
    by_call: dict[CallKey, list[tuple[str, ...]]] = field(default_factory=dict)
    # copy-number findings from symbolic records of this VCF, in report order
    copy_number: list[_CopyNumberAnnotation] = field(default_factory=list)
    labels: dict[CallKey, str] = field(default_factory=dict)

    def add_call(self, key: CallKey, values: tuple[str, ...], label: str) -> None:
        bucket = self.by_call.setdefault(key, [])
        if values not in bucket:  # the same allele in several samples is annotated once
            bucket.append(values)
        self.labels.setdefault(key, label)

    def copy_number_at(self, site: SiteKey) -> list[int]:
        """Indices in ``copy_number`` of the findings whose record starts at ``site``."""
        return [i for i, cn in enumerate(self.copy_number) if cn.site == site]


def collect_annotations(results: Sequence[SampleResult], input_path: str) -> _Annotations:
    from egfr_annot.verdict import finding_label

    annotations = _Annotations()
    findings = sorted((f for result in results for f in result.findings), key=finding_sort_key)
    for finding in findings:
        call, cn = finding.call, finding.copy_number
        if call is not None:
            key = (call.chrom, call.pos, call.ref.upper(), call.alt.upper())
            annotations.add_call(key, allele_values(finding), finding_label(finding))
        elif cn is not None and cn.input_path == input_path:
            site = (canonical_contig(cn.chrom), cn.start)
            annotations.copy_number.append(
                _CopyNumberAnnotation(site, cn.end, allele_values(finding), finding_label(finding))
            )
        # else: sample-level (MSI) or from a --cnv file: named in the header status lines
    return annotations


# ----------------------------------------------------------------------------------------------
# reading the input again
# ----------------------------------------------------------------------------------------------
@contextmanager
def open_vcf_lines(path: str) -> Iterator[Iterator[bytes]]:
    """The input's lines as bytes with their line terminators (BCF: converted to VCF text)."""
    with open(path, "rb") as raw:
        magic = raw.read(2)
    if magic == b"\x1f\x8b":
        with _gzip_open(path) as probe:
            is_bcf = probe.read(3) == b"BCF"
        if not is_bcf:
            with _gzip_open(path) as fh:
                yield iter(fh)
            return
    else:
        with open(path, "rb") as fh:
            if fh.read(3) != b"BCF":
                fh.seek(0)
                yield iter(fh)
                return
    yield _bcf_lines(path)


def _gzip_open(path: str) -> IO[bytes]:
    """gzip or bgzip (multi-member gzip) for reading; isal is several times faster than zlib."""
    from isal import igzip

    handle: IO[bytes] = igzip.open(path, "rb")  # type: ignore[no-untyped-call]
    return handle


def _bcf_lines(path: str) -> Iterator[bytes]:
    from cyvcf2 import VCF

    vcf = VCF(path, lazy=True)
    try:
        for line in vcf.raw_header.splitlines(keepends=True):
            yield line.encode("utf-8")
        for variant in vcf:
            text = str(variant)
            yield (text if text.endswith("\n") else text + "\n").encode("utf-8")
    finally:
        vcf.close()


# ----------------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------------
class _ByteSink(Protocol):
    def write(self, data: bytes) -> int: ...


class _Unsorted(Exception):
    """The input is not grouped by contig and sorted by position: tabix cannot index it."""


@dataclass(frozen=True, slots=True)
class _Record:
    chrom: bytes
    pos: int
    line: bytes


class _Rewriter:
    """Turns input lines into output lines; remembers which findings found their record."""

    def __init__(
        self,
        path: str,
        annotations: _Annotations,
        extra_header: Sequence[str],
    ) -> None:
        self.path = path
        self.annotations = annotations
        self.extra_header = [line.encode("utf-8") + b"\n" for line in extra_header]
        self.seen_calls: set[CallKey] = set()
        self.placed_copy_number: set[int] = set()  # indices in annotations.copy_number
        self.contig_order: list[bytes] = []

    def header_and_records(self, lines: Iterable[bytes]) -> tuple[list[bytes], Iterator[_Record]]:
        iterator = iter(lines)
        header: list[bytes] = []
        line_no = 0
        for line in iterator:
            line_no += 1
            if line.startswith(b"##"):
                if _is_own_header_line(line):
                    continue
                if line.startswith(b"##contig=<"):
                    contig = _contig_id(line)
                    if contig is not None:
                        self.contig_order.append(contig)
                header.append(line)
                continue
            if line.startswith(b"#CHROM"):
                header.extend(self.extra_header)
                header.append(line)
                return header, self._records(iterator, line_no)
            raise InputError(self.path, line_no, "VCF header has no #CHROM line before the records")
        raise InputError(self.path, None, "VCF header has no #CHROM line")

    def _records(self, lines: Iterator[bytes], line_no: int) -> Iterator[_Record]:
        # Fast path: most records of a large VCF have no finding; they are only split far enough
        # to check the sort order, and written as they are.
        sites = {(chrom.encode("utf-8"), pos) for chrom, pos, _, _ in self.annotations.by_call}
        # copy-number sites by POS only: the contig is compared as canonical, on the few hits
        cn_positions = {cn.site[1] for cn in self.annotations.copy_number}
        own_tag = TAG_PREFIX.encode()
        for line in lines:
            line_no += 1
            head = line.split(b"\t", 2)
            if len(head) < 3:
                if not line.strip(b"\r\n"):
                    continue  # a blank line is not a record (and would break tabix)
                raise InputError(
                    self.path,
                    line_no,
                    f"a VCF record needs at least 8 tab-separated columns, found {len(head)}",
                )
            try:
                pos = int(head[1])
            except ValueError:
                problem = f"POS is not an integer: {head[1].decode('utf-8', 'replace')!r}"
                raise InputError(self.path, line_no, problem) from None
            if (head[0], pos) in sites or pos in cn_positions or own_tag in line:
                line = self._annotated_line(line, line_no)
            elif not line.endswith(b"\n"):
                line = line + b"\n"  # last line without a terminator
            yield _Record(head[0], pos, line)

    def _annotated_line(self, line: bytes, line_no: int) -> bytes:
        body = line.rstrip(b"\r\n")
        ending = line[len(body) :] or b"\n"
        fields = body.split(b"\t")
        if len(fields) < 8:
            raise InputError(
                self.path,
                line_no,
                f"a VCF record needs at least 8 tab-separated columns, found {len(fields)}",
            )
        new_info = self._info(fields)
        if new_info is None:
            return line if line.endswith(b"\n") else line + b"\n"
        fields[7] = new_info
        return b"\t".join(fields) + ending

    def _info(self, fields: list[bytes]) -> bytes | None:
        """The new INFO column, or None when the record is written unchanged."""
        chrom = fields[0].decode("utf-8", "replace")
        pos = int(fields[1])
        ref = fields[3].decode("utf-8", "replace").upper()
        alts = fields[4].decode("utf-8", "replace").upper().split(",")
        per_alt: list[list[tuple[str, ...]]] = []
        for alt in alts:
            key = (chrom, pos, ref, alt)
            found = self.annotations.by_call.get(key, [])
            if found:
                self.seen_calls.add(key)
            per_alt.append(found)
        segment = self._copy_number_values(fields, chrom, pos)
        if segment:
            # A copy-number segment: its annotation goes to the symbolic ALT(s) (<DUP>, <CNV>...).
            targets = [i for i, alt in enumerate(alts) if alt.startswith("<")] or [0]
            for i in targets:
                per_alt[i] = per_alt[i] + [v for v in segment if v not in per_alt[i]]

        old_items = [] if fields[7] in (b".", b"") else fields[7].split(b";")
        kept = [item for item in old_items if not item.startswith(TAG_PREFIX.encode())]
        if not any(per_alt) and len(kept) == len(old_items):
            return None
        items = kept
        for index, tag in enumerate(INFO_TAGS):
            values = ["|".join(v[index] for v in annots) if annots else "." for annots in per_alt]
            values = ["." if all(p == "." for p in v.split("|")) else v for v in values]
            if any(v != "." for v in values):
                items.append(f"{tag.id}={','.join(values)}".encode())
        return b";".join(items) if items else b"."

    def _copy_number_values(
        self, fields: list[bytes], chrom: str, pos: int
    ) -> list[tuple[str, ...]]:
        """Values of the copy-number findings this record is the segment of (each finding is
        placed once, on the first record in file order that fits it)."""
        pending = [
            i
            for i in self.annotations.copy_number_at((canonical_contig(chrom), pos))
            if i not in self.placed_copy_number
        ]
        if not pending:
            return []
        alt = fields[4].decode("utf-8", "replace")
        info = _info_items(fields[7])
        if not is_copy_number_alt(alt, info):
            return []
        end = _record_end(chrom, pos, fields[3].decode("utf-8", "replace"), info)
        values: list[tuple[str, ...]] = []
        for i in pending:
            cn = self.annotations.copy_number[i]
            if cn.fits(end):
                self.placed_copy_number.add(i)
                if cn.values not in values:  # the same segment in several samples: once
                    values.append(cn.values)
        return values

    def unmatched(self) -> list[str]:
        """Findings (calls and copy-number segments of this VCF) whose record was not found."""
        calls = [
            f"{self.annotations.labels[key]} ({key[0]}:{key[1]} {key[2]}>{key[3]})"
            for key in self.annotations.by_call
            if key not in self.seen_calls
        ]
        segments = [
            cn.describe()
            for i, cn in enumerate(self.annotations.copy_number)
            if i not in self.placed_copy_number
        ]
        return calls + segments


def write_annotated_vcf(
    input_path: str,
    output: Path,
    results: Sequence[SampleResult],
    context: ReportContext,
) -> bool:
    """Write the BGZF-compressed annotated VCF to ``output``; True when records were re-sorted."""
    import pysam

    annotations = collect_annotations(results, input_path)
    header_lines = provenance_header_lines(results, context) + info_header_lines()

    rewriter = _Rewriter(input_path, annotations, header_lines)
    try:
        with open_vcf_lines(input_path) as lines, pysam.BGZFile(str(output), "wb", None) as out:
            header, records = rewriter.header_and_records(lines)
            _write(out, header)
            _write_sorted_stream(out, records)
        resorted = False
    except _Unsorted:
        note = (
            "##egfr_annot_note=records sorted by CHROM (##contig order) and POS for tabix "
            "indexing: the input was not sorted"
        )
        rewriter = _Rewriter(input_path, annotations, [*header_lines, note])
        with open_vcf_lines(input_path) as lines, pysam.BGZFile(str(output), "wb", None) as out:
            header, records = rewriter.header_and_records(lines)
            _write(out, header)
            rank = {contig: i for i, contig in enumerate(rewriter.contig_order)}
            everything = list(records)
            for record in everything:
                rank.setdefault(record.chrom, len(rank))
            everything.sort(key=lambda r: (rank[r.chrom], r.pos))  # stable: ties keep order
            _write(out, (r.line for r in everything))
        resorted = True

    missing = rewriter.unmatched()
    if missing:
        raise EgfrAnnotError(
            f"internal error: {len(missing)} finding(s) matched no record of {input_path} "
            f"when writing the annotated VCF (first: {missing[0]}); please report this"
        )
    return resorted


def _write_sorted_stream(out: _ByteSink, records: Iterator[_Record]) -> None:
    done: set[bytes] = set()
    current: bytes | None = None
    last_pos = 0
    buffer: list[bytes] = []
    size = 0
    for record in records:
        if record.chrom != current:
            if record.chrom in done:
                raise _Unsorted
            if current is not None:
                done.add(current)
            current, last_pos = record.chrom, 0
        if record.pos < last_pos:
            raise _Unsorted
        last_pos = record.pos
        buffer.append(record.line)
        size += len(record.line)
        if size >= 1 << 20:
            out.write(b"".join(buffer))
            buffer, size = [], 0
    out.write(b"".join(buffer))


def _write(out: _ByteSink, lines: Iterable[bytes]) -> None:
    buffer: list[bytes] = []
    size = 0
    for line in lines:
        buffer.append(line)
        size += len(line)
        if size >= 1 << 20:
            out.write(b"".join(buffer))
            buffer, size = [], 0
    out.write(b"".join(buffer))


def provenance_header_lines(results: Sequence[SampleResult], context: ReportContext) -> list[str]:
    prov = results[0].provenance if results else None
    build = prov.build if prov is not None else "unknown"
    command = " ".join((prov.command_line if prov is not None else "").split()) or "n/a"
    lines = [
        f"##{HEADER_PREFIX}version={context.tool_version}",
        f"##{HEADER_PREFIX}kb_version={context.kb_version}",
        f"##{HEADER_PREFIX}build={build}",
        f"##{HEADER_PREFIX}input_sha256={(prov.input_sha256 if prov else None) or 'n/a'}",
        f"##{HEADER_PREFIX}command={command}",
    ]
    from egfr_annot.report.rows import summary_row

    for result in results:
        row = summary_row(result)
        lines.append(
            f"##{HEADER_PREFIX}status=<ID={percent_encode(result.sample, _RESERVED_IN_HEADER)},"
            f"Status={result.status},"
            f'Alterations="{_quote(row["resistance_alterations"])}",'
            f"TumourFraction={fmt_float(result.tumour_fraction.value) or '.'},"
            f'Reason="{_quote(result.status_reason)}">'
        )
    return lines


def _quote(text: str) -> str:
    """Text for a quoted header value: one line, backslash and double quote escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def _is_own_header_line(line: bytes) -> bool:
    return line.startswith(f"##{HEADER_PREFIX}".encode()) or line.startswith(
        f"##INFO=<ID={TAG_PREFIX}".encode()
    )


def _info_items(info: bytes) -> dict[str, str]:
    """INFO key -> value (a flag: ``""``), as ``is_copy_number_alt`` takes it."""
    if info in (b".", b""):
        return {}
    items = (item.decode("utf-8", "replace").partition("=") for item in info.split(b";"))
    return {key: value for key, _, value in items if key}


def _record_end(chrom: str, pos: int, ref: str, info: Mapping[str, str]) -> int:
    """A record's END as the variant reader takes it (io/vcf_records), so a copy-number call's
    coordinates find their record again: INFO/END, else POS + |SVLEN|, else the REF span."""
    if info.get("SVTYPE") in ("BND", "TRA") or info.get("CHR2", chrom) != chrom:
        return pos + max(len(ref) - 1, 0)  # a breakend's END is its mate's position
    end = to_count(info.get("END"))
    if end is not None and end >= pos:
        return end
    digits = [v.lstrip("-") for v in info.get("SVLEN", "").split(",")]
    lengths = [int(v) for v in digits if v.isascii() and v.isdigit()]
    return pos + max(lengths) if lengths else pos + max(len(ref) - 1, 0)


def _contig_id(line: bytes) -> bytes | None:
    inner = line[len(b"##contig=<") :].rstrip(b"\r\n").rstrip(b">")
    for item in inner.split(b","):
        if item.startswith(b"ID="):
            return item[3:]
    return None


# ----------------------------------------------------------------------------------------------
# registry entry point (report/writers.py)
# ----------------------------------------------------------------------------------------------
def write_vcf_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    if len(context.input_paths) != 1:
        raise UsageError(
            "--vcf writes one annotated VCF per input: give one input per output prefix "
            "(use --out-dir instead of -o with several inputs)"
        )
    input_path = context.input_paths[0]
    if input_path == "-":
        raise UsageError(
            "--vcf cannot annotate standard input (-): the records are re-read from the input "
            "file; give the VCF as a file path"
        )
    import pysam

    path = output_path(prefix, "vcf")
    index = Path(f"{path}.tbi")
    tmp = out.temp_path(path)
    tmp_index = out.temp_path(index)
    write_annotated_vcf(input_path, tmp, results, context)
    pysam.tabix_index(str(tmp), preset="vcf", index=str(tmp_index), force=True)
    return [path, index]
