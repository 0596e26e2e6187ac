"""Read any common caller's VCF: calls with VAF, ALT reads and depth, nothing lost (issue #5).

Usage::

    from egfr_annot.io.vcf import open_variants
    from egfr_annot.io.regions import panel_region_set

    with open_variants("tumour.vcf.gz", regions=panel_region_set("GRCh38", models)) as src:
        print(src.header.tumour_samples, src.header.build_hint)
        for call in src.calls():          # records.Call, one per tumour sample x ALT allele
            ...
        counts = src.counts               # records.ReadCounts: every record accounted for
        segments = src.symbolic_records() # <DUP>/<DEL>/<CNV>/<AMP>... for the copy-number reader
        blocks = src.reference_blocks()   # gVCF reference blocks with their depth

Input: ``.vcf``, ``.vcf.gz`` (BGZF or plain gzip), ``.bcf`` or ``-`` (stdin); the format is
decided by magic bytes. How records are reached:

- *indexed* - a BGZF file with a current ``.tbi``/``.csi``, a RegionSet and ``use_index``: only
  the regions are queried (a ``.tbi`` through its linear index by ``vcf_index``, a ``.csi`` by
  pysam); ``records_read`` comes from the index's record counts.
  ``Call.line`` is 0 (line numbers are unknown without reading the whole file). An index is
  used only when it fits the file (``vcf_index.index_mismatch``): one older than the file, or
  whose record offsets do not match the file's header end and data end (an index of another
  file), is not used - the file is streamed instead, with a warning. Streaming is always
  correct, only slower; refusing the file would stop a run that can be done right.
- *streamed* - everything else: decompressed in big blocks in a background thread; records
  outside the regions are counted in C and never parsed (see ``vcf_scan``). Unsorted files work.
  A large file is decompressed and scanned by a child process while this one parses; the
  pipeline starts that child first (:func:`prestart_scan_process`) and hands it over through
  ``open_variants(..., scan_process=...)``.
- *BCF* - cyvcf2 (imported only then); each record is turned into its VCF text line and parsed
  by the same code. ``Call.line`` is the line the record would have in ``bcftools view``.

Accounting: ``records_read == records_in_panel + skipped["outside_panel"]``. Within the panel,
record-level reasons (``gvcf_reference_block``, ``no_alt``, ``malformed_alt``,
``copy_number_segment``, ``filtered_tumour_evidence_record``: failed the caller's filters where
only tumour-DNA evidence can come from, see ``count_filtered_evidence_only``) count records;
allele-level reasons (``symbolic_allele``, ``breakend``, ``spanning_deletion``,
``gvcf_non_ref_allele``, ``alt_equals_ref``, ``normal_sample_only``,
``no_alt_support_in_tumour``, ``no_tumour_sample_data``) count ALT
alleles that gave no call (``vcf_records`` says when a sample gets a call).

Fatal (``InputError`` ``FILE:LINE: problem``) versus tolerable (a deduplicated warning with a
count in ``ReadCounts.warnings``; the rest of the file is read):

===================================================== ========= =================================
problem                                               decision  checked on
===================================================== ========= =================================
missing file, directory, 0-byte file, a compressed    fatal     open
file with no data (a BGZF end-of-file block only)
truncated or corrupt gzip/BGZF data, bytes after the  fatal     whole file (streamed)
last gzip member (a corrupt block looks the same:
reading on would drop the rest of the file)
not a VCF (first line not ``##fileformat=VCF``/#CHROM) fatal     header
UTF-16 text                                           fatal     header
missing ``#CHROM`` line, malformed ``#CHROM`` line,   fatal     header
duplicate or empty sample names
header line among the records (concatenated files)    fatal     every line (streamed)
wrong number of columns (e.g. missing sample column)  fatal     every line (streamed)
non-numeric POS, empty CHROM                          fatal     every line (streamed)
CHROM with spaces, empty/invalid REF, empty ALT       fatal     panel records
malformed ALT allele (``A/T``)                        skip+warn panel records (``malformed_alt``)
undeclared INFO/FORMAT key                            warning   panel records
non-UTF-8 bytes                                       warning   header, panel records (replaced)
IUPAC code in REF                                     warning   panel records
wrong value count for a Number=A/R field, VAF > 1     warning   panel records (value not used)
blank lines, missing ``##fileformat``, UTF-8          warning
byte-order mark, a trailing tab (#CHROM or records)
CRLF line ends                                        valid
index older than the file or not of this file         warning   open (the file is streamed)
``--sample`` naming the normal (without ``--normal``) fatal     header (``UsageError``)
header-only VCF                                       valid     zero calls
===================================================== ========= =================================

In indexed mode only the queried records are checked (lines elsewhere are never read); a
BGZF file without its end-of-file block is streamed instead, so truncation is always detected.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from egfr_annot.errors import InputError
from egfr_annot.io.build_detect import detect_build
from egfr_annot.io.regions import RegionSet

# (the scanning child's start is decided there; its setting and prestart are re-exported)
from egfr_annot.io.scan_child import SCAN_PROCESS_ENV as SCAN_PROCESS_ENV
from egfr_annot.io.scan_child import ScanProcess, scan_process_wanted
from egfr_annot.io.scan_child import prestart_scan_process as prestart_scan_process
from egfr_annot.io.vcf_header import VcfHeader
from egfr_annot.io.vcf_index import prestart_index_read as prestart_index_read
from egfr_annot.io.vcf_records import (
    EvidenceOnly,
    ReadTally,
    RecordParser,
    ReferenceBlock,
    SymbolicRecord,
)
from egfr_annot.io.vcf_stream import (
    OpenedStream,
    display_name,
    has_bgzf_eof,
    open_stream,
    read_header,
)
from egfr_annot.records import Call, ReadCounts

if TYPE_CHECKING:
    from egfr_annot.io.vcf_index import IndexInfo, IndexRead
    from egfr_annot.io.vcf_scan import SubprocessScanner

__all__ = [
    "VariantSource",
    "VcfHeader",
    "SymbolicRecord",
    "ReferenceBlock",
    "open_variants",
    "detect_build",
]

ReadMode = Literal["streamed", "indexed", "bcf", "bcf-indexed"]
def open_variants(
    path: str | os.PathLike[str],
    *,
    regions: RegionSet | None = None,
    sample: str | None = None,
    normal: str | None = None,
    use_index: bool = True,
    scan_process: ScanProcess | None = None,
    index_read: IndexRead | None = None,
    checksum: bool = False,
) -> VariantSource:
    """Open a VCF/BCF and read its header (errors in the header are raised here).

    Parameters
    ----------
    path:
        ``.vcf``, ``.vcf.gz``, ``.bcf`` or ``"-"`` for standard input.
    regions:
        Only records in these regions are parsed (all records are still counted); ``None``
        parses every record.
    sample, normal:
        Override the tumour sample (the only one that then gets calls) and the normal sample.
        An unknown name raises :class:`~egfr_annot.errors.UsageError` listing the samples.
    use_index:
        Query a ``.tbi``/``.csi`` next to a BGZF file instead of streaming it.
    scan_process:
        From :func:`prestart_scan_process`: the source uses it if it streams the file with a
        child process, and ends it otherwise (also on errors).
    index_read:
        From :func:`prestart_index_read`: the index already being read in a thread.
    checksum:
        Hash the file as it is streamed: ``VariantSource.input_sha256`` once the records are
        read (None for a file read through its index, by a scanning child or by cyvcf2: hash
        it apart, as ``pipeline.annotate_input`` does).
    """
    try:
        return VariantSource(os.fspath(path), regions=regions, sample=sample, normal=normal,
                             use_index=use_index, scan_process=scan_process,
                             index_read=index_read, checksum=checksum)
    except BaseException:
        if scan_process is not None:
            scan_process.close()
        raise


class VariantSource:
    """An open VCF: ``header``, one pass of ``calls()``, then final ``counts``,
    ``symbolic_records()`` and ``reference_blocks()``. Use as a context manager."""

    def __init__(
        self,
        path: str,
        *,
        regions: RegionSet | None,
        sample: str | None,
        normal: str | None,
        use_index: bool,
        scan_process: ScanProcess | None = None,
        index_read: IndexRead | None = None,
        checksum: bool = False,
    ) -> None:
        self.path = path
        self._scan_process = scan_process  # prestarted: adopted by a SubprocessScanner
        self._index_read = index_read  # started early: its result is used if it is this index
        self.name = display_name(path)
        self.regions = regions
        self._tally = ReadTally()
        self._state: Literal["new", "iterating", "done"] = "new"
        self._buffer: list[Call] | None = None
        self._index: str | None = None
        self._index_info: IndexInfo | None = None
        self.read_mode_detail = ""
        self._scanner: SubprocessScanner | None = None
        # sha256 of the file, when it was streamed here with ``checksum`` (once it is read)
        self.input_sha256: str | None = None
        # No read-ahead thread where only the header is read here: the file is read through
        # its index, or by the prestarted scanning child (the thread would inflate blocks
        # nobody reads, on the cores the child needs).
        self._stream: OpenedStream | None = open_stream(
            path,
            read_ahead=scan_process is None
            and not (use_index and regions is not None and _has_index(path)),
            checksum=checksum,
        )
        try:
            if self._stream.is_bcf:
                self.read_mode: ReadMode = "bcf"
                self.header = self._bcf_header(sample, normal)
                if use_index and regions is not None:
                    self._choose_bcf_index()
            else:
                self.header, problems = read_header(self._stream, sample=sample, normal=normal)
                for line, problem in problems:
                    self._tally.warn(problem, line)
                self.read_mode = "streamed"
                if use_index and regions is not None:
                    self._choose_index()
        except BaseException:
            self.close()
            raise
        self._parser = RecordParser(self.header, regions, self._tally)

    # -- context manager ---------------------------------------------------------------------
    def __enter__(self) -> VariantSource:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._drop_scan_process()
        if self._scanner is not None:
            self._scanner.close()
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def restrict_regions(self, regions: RegionSet) -> None:
        """Read only ``regions`` (a subset of the opening regions), decided after the header:
        e.g. one build's panel once the header names the build. Only before ``calls()``."""
        if self._state != "new" or self._scanner is not None:
            raise RuntimeError("regions can change only before reading starts")
        if self.regions is None:
            raise RuntimeError("a source opened without regions reads every record")
        self.regions = regions
        self._parser.regions = regions

    def count_filtered_evidence_only(self, evidence_only: EvidenceOnly) -> None:
        """Count without parsing the records that failed the caller's filters where
        ``evidence_only(chrom, pos, ref_len)`` says only tumour-DNA evidence can come from
        (counted as ``filtered_tumour_evidence_record``; see
        ``RecordParser._filtered_evidence_only``). Before ``calls()`` is iterated."""
        if self._state == "done":
            raise RuntimeError("the records are already read")
        self._parser.evidence_only = evidence_only

    # -- results -------------------------------------------------------------------------------
    def calls(self) -> Iterator[Call]:
        """One :class:`~egfr_annot.records.Call` per tumour sample x ALT allele of every record
        in the regions, in file order (index order when indexed). Iterable once."""
        if self._state == "new":
            self._state = "iterating"
            return self._generate()
        if self._buffer is not None:
            buffered, self._buffer = self._buffer, None
            return iter(buffered)
        raise RuntimeError("VariantSource.calls() can be iterated only once")

    @property
    def counts(self) -> ReadCounts:
        """Final counts (reads the rest of the file first if ``calls()`` was not consumed)."""
        self._complete()
        return self._tally.to_counts()

    def symbolic_records(self) -> tuple[SymbolicRecord, ...]:
        """Records with symbolic ALTs/breakends and copy-number segments in the regions."""
        self._complete()
        return tuple(self._parser.symbolic)

    def reference_blocks(self) -> tuple[ReferenceBlock, ...]:
        """gVCF reference blocks in the regions, with their per-sample depth."""
        self._complete()
        return tuple(self._parser.reference_blocks)

    @property
    def read_by_child(self) -> bool:
        """Are the records read by a scanning child process (started by ``start_reading`` or
        ``calls``)? Then this process waits for its first blocks."""
        return self._scanner is not None

    @property
    def how_read(self) -> str:
        if self.read_mode == "indexed":
            return f"indexed ({os.path.basename(self._index or '')}): only the regions were read"
        if self.read_mode == "bcf-indexed":
            return "BCF with .csi index (cyvcf2): only the regions were read"
        if self.read_mode == "bcf":
            return "BCF (cyvcf2), streamed"
        return self.read_mode_detail or "streamed"

    # -- internals -----------------------------------------------------------------------------
    def _drop_scan_process(self) -> None:
        """End a prestarted scanning process that this source does not use."""
        if self._scan_process is not None:
            self._scan_process.close()
            self._scan_process = None

    def _complete(self) -> None:
        if self._state == "new":
            self._buffer = list(self._generate())
        elif self._state == "iterating":
            raise RuntimeError("counts are final only after calls() has been consumed")

    def _generate(self) -> Iterator[Call]:
        self._state = "iterating"
        try:
            if self.read_mode != "streamed":
                self._drop_scan_process()
            if self.read_mode == "indexed":
                lines = self._indexed_lines()
            elif self.read_mode in ("bcf", "bcf-indexed"):
                lines = self._bcf_lines()
            else:
                lines = self._streamed_lines()
            parse = self._parser.parse
            warn = self._tally.warn
            for line_no, raw, by_pos in lines:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    warn("non-UTF-8 bytes in a record (replaced)", line_no)
                    text = raw.decode("utf-8", "replace")
                calls = parse(text, line_no, by_pos=by_pos)
                if calls:
                    yield from calls
        finally:
            self.close()
        self._state = "done"

    def _streamed_lines(self) -> Iterator[tuple[int, bytes, bool]]:
        from egfr_annot.io.vcf_scan import LineScanner

        span_keys = "END" in self.header.info or "SVLEN" in self.header.info
        scanner: LineScanner | SubprocessScanner
        if self._scanner is None and self._stream is not None and self._use_subprocess():
            self._scanner = self._subprocess_scanner()
        self._drop_scan_process()  # adopted above, or not needed
        if self._scanner is not None:
            scanner = self._scanner
        else:
            assert self._stream is not None
            scanner = LineScanner(
                self._stream,
                first_line_no=self.header.n_header_lines + 1,
                ncols=len(self.header.columns),
                regions=self.regions,
                span_keys=span_keys,
            )
        yield from scanner.lines()
        if self._scanner is None and self._stream is not None:
            self.input_sha256 = self._stream.finish_checksum()
        self._tally.records_read = scanner.records_read
        if scanner.blank_lines:
            self._tally.warn(f"{scanner.blank_lines} blank line(s) ignored",
                             scanner.first_blank_line)

    def _subprocess_scanner(self) -> SubprocessScanner:
        from egfr_annot.io.vcf_scan import SubprocessScanner

        assert self._stream is not None and self.regions is not None
        self._stream.close()
        self._stream = None
        self.read_mode_detail = "streamed by a scanning subprocess"
        return SubprocessScanner(
            self.path,
            header_lines=self.header.n_header_lines,
            ncols=len(self.header.columns),
            regions=self.regions,
            span_keys="END" in self.header.info or "SVLEN" in self.header.info,
            process=self._adopt_scan_process(),
        )

    def _adopt_scan_process(self) -> ScanProcess | None:
        process, self._scan_process = self._scan_process, None
        return process

    def start_reading(self) -> None:
        """Start reading ahead now, if this source reads in a child process (large streamed
        files): its start-up then overlaps the caller's loading. Regions are final from here."""
        if (self._state == "new" and self._scanner is None and self.read_mode == "streamed"
                and self._stream is not None and self._use_subprocess()):
            self._scanner = self._subprocess_scanner()
            self._scanner.start()

    def _use_subprocess(self) -> bool:
        assert self._stream is not None
        return self.regions is not None and scan_process_wanted(
            self.path, compressed=self._stream.compression != "plain"
        )

    # indexed ---------------------------------------------------------------------------------
    def _choose_index(self) -> None:
        from egfr_annot.io.vcf_index import find_index

        assert self._stream is not None
        if self.path == "-" or self._stream.compression != "bgzf":
            return
        index = find_index(self.path)
        if index is None or not has_bgzf_eof(self.path):
            return  # no index, or streamed so that the truncation is reported
        info = self._usable_index(index, self.header.header_bytes)
        if info is None:
            return
        self._index, self._index_info, self.read_mode = index, info, "indexed"
        self._stream.close()
        self._stream = None

    def _usable_index(self, index: str, header_bytes: int | None) -> IndexInfo | None:
        """The parsed index when it can be trusted for this file, else None (with a warning
        when it exists but does not fit: the file is then streamed)."""
        from egfr_annot.io.vcf_index import index_is_stale, index_mismatch, read_index

        name = os.path.basename(index)
        if index_is_stale(self.path, index):
            self._tally.warn(f"index {name} is older than the file: not used (file streamed)",
                             None)
            return None
        if "SVLEN" in self.header.info:
            # htslib before 1.22 (bcftools/tabix 1.16 of Debian 12 among them) indexes a record
            # without INFO/END at its REF only: a deletion given by SVLEN alone (VCF 4.4, END
            # deprecated in 4.5) that starts before a gene would never be queried (PTEN loss).
            self._tally.warn(f"index {name} not used: the header declares INFO/SVLEN, and an "
                             "index made with htslib before 1.22 does not cover a structural "
                             "variant whose span only its SVLEN gives (file streamed)", None)
            return None
        early, self._index_read = self._index_read, None
        info = early.result() if early is not None and early.index == index else read_index(index)
        if info is None:
            return None  # no record counts (or unreadable): streaming is as good
        problem = index_mismatch(self.path, info, header_bytes)
        if problem:
            self._tally.warn(f"index {name} does not belong to this file ({problem}): not used "
                             "(file streamed)", None)
            return None
        return info

    def _indexed_lines(self) -> Iterator[tuple[int, bytes, bool]]:
        from egfr_annot.io.vcf_index import tabix_lines, tbi_region_batches

        assert self._index is not None and self._index_info is not None and self.regions
        self._tally.records_read = self._index_info.records
        regions = self.regions
        seen_spans: set[bytes] = set()

        def span_candidates(name: str, lines: Iterable[bytes]) -> Iterator[bytes]:
            """Lines that start before a region and reach into it: each once, and none that
            starts in another region (that region's query returns it)."""
            for raw in lines:
                pos = _pos_of(raw)
                if (pos is None or not regions.contains(name, pos)) and raw not in seen_spans:
                    seen_spans.add(raw)
                    yield raw

        try:
            if self._index_info.linear:
                for name, _start, _end, before, inside in tbi_region_batches(
                    self.path, self._index_info, regions
                ):
                    for raw in span_candidates(name, before):
                        yield 0, raw, False
                    for raw in inside:
                        yield 0, raw, True
                return
            for name, start, end, raw in tabix_lines(self.path, self._index, regions):  # .csi
                raw = raw.rstrip(b"\r\n")
                pos = _pos_of(raw)
                if pos is not None and start <= pos <= end:
                    yield 0, raw, True
                else:
                    for span in span_candidates(name, (raw,)):
                        yield 0, span, False
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001 - htslib/pysam errors: one line for the user
            raise InputError(self.name, None, f"cannot read through the index: {err}") from err

    # BCF -------------------------------------------------------------------------------------
    def _bcf_path(self) -> str:
        assert self._stream is not None
        return self._stream.spooled_path or self.path

    def _bcf_header(self, sample: str | None, normal: str | None) -> VcfHeader:
        assert self._stream is not None
        if self._stream.compression == "bgzf" and not has_bgzf_eof(self._bcf_path()):
            # htslib may stop silently at a truncation: refuse a BCF without its EOF block
            raise InputError(self.name, None, "truncated BCF: the BGZF end-of-file block is "
                             "missing")
        try:
            from cyvcf2 import VCF

            vcf = VCF(self._bcf_path(), lazy=True)
            raw_header = vcf.raw_header
            vcf.close()
        except Exception as err:  # noqa: BLE001
            raise InputError(self.name, None, f"cannot read BCF: {err}") from err
        text_stream = OpenedStream(io.BytesIO(raw_header.encode("utf-8")), "plain", False,
                                   self.path)
        header, problems = read_header(text_stream, sample=sample, normal=normal)
        for line, problem in problems:
            self._tally.warn(problem, line)
        return header

    def _choose_bcf_index(self) -> None:
        index = self.path + ".csi"
        if self.path == "-" or not os.path.isfile(index):
            return
        info = self._usable_index(index, None)
        if info is not None:
            self._index, self._index_info, self.read_mode = index, info, "bcf-indexed"

    def _bcf_indexed_lines(self) -> Iterator[tuple[int, bytes, bool]]:
        """Query a .csi-indexed BCF region by region (``Call.line`` is 0, as for tabix)."""
        from cyvcf2 import VCF

        from egfr_annot.io.vcf_index import contigs_by_chrom

        assert self.regions is not None and self._index_info is not None
        self._tally.records_read = self._index_info.records
        regions = self.regions
        seen_spans: set[str] = set()
        try:
            vcf = VCF(self._bcf_path(), lazy=True)
            try:
                names = contigs_by_chrom(vcf.seqnames, regions)
                for chrom, start, end in regions.merged():
                    for _number, name in names.get(chrom, ()):
                        for variant in vcf(f"{name}:{start}-{end}"):
                            text = str(variant).rstrip("\n")
                            pos = variant.POS
                            if start <= pos <= end:
                                yield 0, text.encode("utf-8"), True
                            elif not regions.contains(name, pos) and text not in seen_spans:
                                seen_spans.add(text)
                                yield 0, text.encode("utf-8"), False
            finally:
                vcf.close()
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001
            raise InputError(self.name, None, f"cannot read BCF through its index: {err}") from err

    def _bcf_lines(self) -> Iterator[tuple[int, bytes, bool]]:
        from cyvcf2 import VCF

        if self.read_mode == "bcf-indexed":
            yield from self._bcf_indexed_lines()
            return

        regions = self.regions
        line_no = self.header.n_header_lines
        # a BCF written by htslib before 1.22 has the REF's length as the extent of a record
        # without INFO/END, even where its SVLEN gives a span (a VCF 4.4 <DEL>)
        svlen_declared = "SVLEN" in self.header.info
        try:
            vcf = VCF(self._bcf_path(), lazy=True)
            try:
                for variant in vcf:
                    line_no += 1
                    chrom, pos = variant.CHROM, variant.POS
                    # htslib's end: the REF's, or INFO/END's: a record that starts before a
                    # region and reaches into it (a deletion into an exon, a gVCF block) is
                    # read too, as an index query reads it (by_pos False: the parser decides)
                    end = max(pos, variant.end)
                    if (regions is not None and svlen_declared
                            and not regions.overlaps(chrom, pos, end)):
                        end = max(end, _svlen_end(variant.INFO.get("SVLEN"), pos))
                    if regions is None or regions.overlaps(chrom, pos, end):
                        by_pos = regions is None or regions.contains(chrom, pos)
                        yield line_no, str(variant).rstrip("\n").encode("utf-8"), by_pos
            finally:
                vcf.close()
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001
            raise InputError(self.name, line_no or None, f"cannot read BCF: {err}") from err
        self._tally.records_read = line_no - self.header.n_header_lines


def _svlen_end(svlen: object, pos: int) -> int:
    """The farthest end an INFO/SVLEN value (cyvcf2's int, tuple or None) gives a record at
    ``pos``, as the parser reads it (``pos`` itself without one)."""
    values = svlen if isinstance(svlen, tuple) else (svlen,)
    return pos + max((abs(v) for v in values if isinstance(v, int)), default=0)


def _has_index(path: str) -> bool:
    from egfr_annot.io.vcf_index import find_index

    return path != "-" and find_index(path) is not None


def _pos_of(raw: bytes) -> int | None:
    first = raw.find(b"\t")
    second = raw.find(b"\t", first + 1)
    field = raw[first + 1: second] if first >= 0 and second > first else b""
    return int(field) if field.isdigit() else None
