"""Fast streaming of VCF data lines: find the panel's records in big decompressed blocks.

Speed (issue #9): a record outside the panel costs no Python work of its own. Each block of
~4 MiB (whole lines) is handled with a few C-level passes:

1. ``count(b"\\n")`` counts the records exactly;
2. ``count(b"\\t")`` checks the column count of the block's lines at once, by their total (a
   mismatch sends that block to a line-by-line check that names the bad line, and tolerates
   blank lines); the parser checks each panel line's own columns;
3. numpy (``vcf_scan_numpy``, imported at the first block of ``SMALL_BLOCK`` or more) reads
   every line's CHROM and POS and finds the lines in a panel region - only those lines are
   decoded and parsed. A block it does not decide (irregular, or numpy missing) goes to one
   regex (built by :meth:`RegionSet.coarse_line_pattern`) that finds the same lines and, in
   the same pass, any line with an empty CHROM or a non-numeric POS (fatal). Smaller blocks
   (small files) are read line by line;
4. a record that starts before a region can reach into it with its REF (a deletion from the
   intron into an exon): a line longer than the distance from its POS to the next region
   (a line is at least as long as its REF) has its REF measured, and is read when the REF
   reaches the region - as an index query reads it. The regex of step 3 also matches lines
   up to ``REACH_LOOKBACK`` bases before a region for this; the line-by-line and numpy paths
   have no such limit;
5. only when the header declares INFO/END or INFO/SVLEN: records on panel contigs that start
   before a region but reach into it by their END or SVLEN (gVCF blocks, CNV segments). numpy
   reads the values after each ``END=`` and ``SVLEN=`` of its blocks; in other blocks that
   contain them a second regex finds them. An undeclared END is not looked for outside the
   regions.

Records found by steps 4 and 5 are handed on with ``by_pos`` False: the parser decides from the
whole record whether it overlaps a region.

Every block starts with the newline that ended the previous block (a sentinel), so the
regexes can anchor on a literal ``\\n``, which the regex engine skips to quickly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from egfr_annot.errors import InputError
from egfr_annot.io.regions import RegionSet
from egfr_annot.io.scan_child import ScanProcess as ScanProcess  # (re-exported)
from egfr_annot.io.vcf_stream import READ_BLOCK, OpenedStream, display_name, read_into

if TYPE_CHECKING:

    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector, Selection

MAX_LINE: Final = 1 << 26  # 64 MiB without a newline: not a VCF
# The first block is smaller: its panel lines reach the parser sooner (the parent waits for them).
FIRST_BLOCK: Final = 1 << 20
# Blocks smaller than this (small and medium files) are filtered line by line; larger ones with
# numpy, whose import (~50 ms) a block of this size repays. A file of 10,000 records (1 MB) took
# 162 ms line by line, 189 ms with numpy; one of 100,000 records 359 ms line by line, 236 ms
# with numpy (issue #9).
SMALL_BLOCK: Final = 1 << 21
# How far before a region the regex path looks for records whose REF reaches into it (a REF of
# 100 kb is far beyond any caller's sequence-resolved deletion; longer ones are symbolic).
REACH_LOOKBACK: Final = 100_000
# A line whose CHROM is empty or whose POS is not a number (any CHROM).
_BAD_LINE_PATTERN: Final = r"\n(\t|[^\t\n]*\t(?![0-9]+\t))"
_BAD_LINE = re.compile(_BAD_LINE_PATTERN.encode("ascii"))


class LineScanner:
    """Yields ``(line_no, raw_line, by_pos)`` for the records to parse, counting all records.

    ``by_pos`` is False for records found only by their span (INFO/END, SVLEN); the parser
    then decides whether the span overlaps a region. ``raw_line`` has no line end (a trailing
    ``\\r`` is removed).
    """

    def __init__(
        self,
        stream: OpenedStream,
        *,
        first_line_no: int,
        ncols: int,
        regions: RegionSet | None,
        span_keys: bool = True,
        use_numpy: bool | None = None,
    ) -> None:
        self.stream = stream
        self.name = display_name(stream.path)
        self.base = first_line_no - 1  # lines before the first data line
        self.ncols = ncols
        self.tabs_per_line = ncols - 1
        self.regions = regions
        self.records_read = 0
        self.blank_lines = 0
        self.first_blank_line: int | None = None
        self.span_keys = span_keys
        # Blocks of SMALL_BLOCK or more are decided with numpy (vcf_scan_numpy): ~5x faster
        # than the regex path, whose pattern for a panel also takes ~45 ms to compile, against
        # ~50 ms for numpy's import (issue #9). ``use_numpy``: True imports it now (the scanning
        # child, before its job comes), None on the first large block, False never (the regex
        # path, which also decides any block numpy hands back).
        self._np: Any = None
        self._numpy_wanted = use_numpy is not False
        if use_numpy:
            self._np = _numpy()
        # Compiled on first use only: a small panel VCF is filtered line by line without them
        # (start-up, issue #9).
        self._panel: re.Pattern[bytes] | None = None
        self._span: re.Pattern[bytes] | None = None
        self._selector: PanelLineSelector | None = None

    def _panel_regex(self, regions: RegionSet) -> re.Pattern[bytes]:
        """Candidate panel lines (a superset: confirmed with regions.contains), or (group 1) a
        line with an empty CHROM / non-numeric POS."""
        if self._panel is None:
            panel = regions.coarse_line_pattern(lookback=REACH_LOOKBACK)
            self._panel = re.compile(
                ("\n(?:" + panel[1:] + "|" + _BAD_LINE_PATTERN[2:] + ")").encode("ascii")
            )
        return self._panel

    def _span_regex(self, regions: RegionSet) -> re.Pattern[bytes]:
        """Lines on the panel's contigs with an INFO/END or SVLEN: (POS, END, SVLEN)."""
        if self._span is None:
            self._span = re.compile(
                (r"\n(?:" + regions.alias_pattern() + r")\t([0-9]+)\t[^\n]*?(?:[\t;]END=([0-9]+)|"
                 r"[\t;]SVLEN=-?([0-9]+))").encode("ascii")
            )
        return self._span

    def _panel_offsets(self, regions: RegionSet, data: bytes | bytearray, end: int
                       ) -> tuple[list[int], list[int]]:
        """Offsets (of the preceding newline) of the lines in the regions, and of the lines
        before a region whose REF reaches into it; raises on a line with an empty CHROM or a
        non-numeric POS."""
        offsets = []
        reaching = []
        if end < SMALL_BLOCK:
            start = 0
            while start < end - 1:
                stop = data.index(b"\n", start + 1)
                tab1 = data.find(b"\t", start + 1, stop)
                tab2 = data.find(b"\t", tab1 + 1, stop) if tab1 > start + 1 else -1
                if stop > start + 1 and data[start + 1:stop] != b"\r":
                    pos_text = data[tab1 + 1:tab2] if tab2 > 0 else b""
                    if not pos_text.isdigit():
                        self._bad_line(data, start)
                    chrom = data[start + 1:tab1].decode("ascii", "replace")
                    pos = int(pos_text)
                    if regions.contains(chrom, pos):
                        offsets.append(start)
                    elif _reaches_next_region(data, start, stop, regions, chrom, pos):
                        reaching.append(start)
                start = stop
            return offsets, reaching
        for m in self._panel_regex(regions).finditer(data, 0, end):
            off = m.start()
            if m.start(1) >= 0:  # not a panel line: a line with a bad CHROM/POS
                self._bad_line(data, off)
            tab1 = data.index(b"\t", off + 1)
            tab2 = data.index(b"\t", tab1 + 1)
            chrom = data[off + 1:tab1].decode("ascii")
            pos = int(data[tab1 + 1:tab2])
            if regions.contains(chrom, pos):
                offsets.append(off)
            elif _reaches_next_region(data, off, data.index(b"\n", off + 1), regions, chrom, pos):
                reaching.append(off)
        return offsets, reaching

    # ------------------------------------------------------------------------------------------
    def lines(self) -> Iterator[tuple[int, bytes, bool]]:
        # One buffer for the whole file: [sentinel newline or the previous block's unfinished
        # line][the next READ_BLOCK bytes]. Blocks are handed to _block in place (no copy);
        # the lines it yields are copies, so the buffer can be refilled afterwards.
        buf = bytearray(READ_BLOCK + (1 << 16))
        buf[0] = 0x0A
        have = 1
        size = FIRST_BLOCK
        while True:
            if len(buf) - have < size:
                buf.extend(bytes(size))  # an unfinished line longer than the room left
            with memoryview(buf) as view:
                n = read_into(self.stream, view[have:have + size], line=self.base + 1)
            size = READ_BLOCK
            if not n:
                break
            filled = have + n
            cut = buf.rfind(b"\n", 0, filled)
            if cut <= 0:
                have = filled
                if have > MAX_LINE:
                    raise InputError(self.name, self.base + 1,
                                     "line longer than 64 MiB: not a VCF text file")
                continue
            yield from self._block(buf, cut + 1)
            buf[0:filled - cut] = buf[cut:filled]  # the unfinished line moves to the front
            have = filled - cut
        if have > 1:
            data = bytes(buf[:have]) + b"\n"
            yield from self._block(data, len(data))

    # ------------------------------------------------------------------------------------------
    def _block(self, data: bytes | bytearray, end: int) -> Iterator[tuple[int, bytes, bool]]:
        """Lines of ``data[0:end]``: it starts with a sentinel ``\\n`` and ends with ``\\n``."""
        fast: Selection | None = None
        if self._np is None and self._numpy_wanted and end >= SMALL_BLOCK:
            self._np = _numpy()
            self._numpy_wanted = False  # (imported, or not importable: not asked again)
        if self._np is not None:
            np = self._np
            arr = np.frombuffer(data, dtype=np.uint8, count=end)
            newlines = np.flatnonzero(arr == 10)
            n_lines = len(newlines) - 1
            n_tabs = int(np.count_nonzero(arr == 9))
            if self.regions is not None and n_tabs == n_lines * self.tabs_per_line:
                if self._selector is None:
                    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

                    self._selector = PanelLineSelector(np, self.regions, self.tabs_per_line)
                fast = self._selector.select(data, arr, newlines, ends=self.span_keys)
        else:
            n_lines = data.count(b"\n", 0, end) - 1
            n_tabs = data.count(b"\t", 0, end)
        records = n_lines
        if n_tabs != n_lines * self.tabs_per_line and n_tabs - data.count(
                b"\t\n", 0, end) - data.count(b"\t\r\n", 0, end) != n_lines * self.tabs_per_line:
            # blank lines, a wrong column count, a header line: find out line by line
            # (lines that all end with a tab, a spreadsheet habit, are fine: see above)
            records -= self._check_lines(data, end)

        if self.regions is None:
            bad = _BAD_LINE.search(data, 0, end)
            if bad is not None:
                self._bad_line(data, bad.start())
            line_no = self.base
            start = 1
            while start < end:
                stop = data.index(b"\n", start)
                line_no += 1
                line = bytes(data[start:stop])
                if line and line != b"\r":
                    yield line_no, _strip_cr(line), True
                start = stop + 1
        else:
            yield from self._selected_lines(data, end, fast)
        self.base += n_lines
        self.records_read += records

    def _selected_lines(self, data: bytes | bytearray, end: int, fast: Selection | None
                        ) -> Iterator[tuple[int, bytes, bool]]:
        """The lines of a block to parse, in file order: those in the regions (``by_pos``), and
        those that may reach into one from before it by their REF or their INFO/END or SVLEN
        (``by_pos`` False: the parser decides from the whole record)."""
        assert self.regions is not None
        # offset of the newline before a line -> (0-based number in the block or None, by_pos)
        chosen: dict[int, tuple[int | None, bool]]
        if fast is not None:
            chosen = dict(zip(fast.offsets, ((n, True) for n in fast.numbers), strict=True))
            for off, number, pos, start in fast.reaching:
                if _ref_reaches(data, off, data.index(b"\n", off + 1), pos, start):
                    chosen.setdefault(off, (number, False))
            for off, number in fast.end_spans:  # (INFO/END and SVLEN, read by the selection)
                chosen.setdefault(off, (number, False))
            spans_left = False
        else:
            offsets, reaching = self._panel_offsets(self.regions, data, end)
            chosen = dict.fromkeys(offsets, (None, True))
            for off in reaching:
                chosen.setdefault(off, (None, False))
            # INFO/END and SVLEN make spans (gVCF blocks, CNV segments) that may reach a region
            spans_left = self.span_keys and (data.find(b"END=", 0, end) >= 0
                                             or data.find(b"SVLEN=", 0, end) >= 0)
        if spans_left:
            for m in self._span_regex(self.regions).finditer(data, 0, end):
                off = m.start()
                if off in chosen:
                    continue
                chrom = data[off + 1: data.index(b"\t", off + 1)].decode("ascii", "replace")
                pos = int(m.group(1))
                stop = int(m.group(2)) if m.group(2) else pos + int(m.group(3))
                if stop >= pos and self.regions.overlaps(chrom, pos, stop):
                    chosen[off] = (None, False)
        base = self.base + 1
        line_no = self.base
        prev = 0
        for off in sorted(chosen):
            in_block, by_pos = chosen[off]
            if in_block is None:  # counted up to here (the regex paths do not number lines)
                line_no += data.count(b"\n", prev, off + 1)
            else:
                line_no = base + in_block
            prev = off + 1
            stop = data.index(b"\n", off + 1)
            yield line_no, _strip_cr(bytes(data[off + 1: stop])), by_pos

    def _check_lines(self, data: bytes | bytearray, end: int) -> int:
        """Line-by-line check of a block whose tab count is off: raise for the first line
        with the wrong number of columns; return the number of blank lines (tolerated)."""
        line_no = self.base
        blanks = 0
        for line in data[1:end - 1].split(b"\n"):
            line_no += 1
            if line in (b"", b"\r"):
                blanks += 1
                if self.first_blank_line is None:
                    self.first_blank_line = line_no
                continue
            if line.startswith(b"#"):
                raise InputError(self.name, line_no, "header line among the records "
                                 "(were two VCF files concatenated?)")
            tabs = line.count(b"\t")
            if line.endswith((b"\t", b"\t\r")) and tabs == self.tabs_per_line + 1:
                continue  # a trailing tab: the parser drops the empty field
            if tabs != self.tabs_per_line and not (self.ncols == 9 and tabs == 7):
                raise InputError(self.name, line_no,
                                 f"expected {self.ncols} tab-separated columns as in the #CHROM "
                                 f"header line, found {tabs + 1}")
        self.blank_lines += blanks
        return blanks

    def _bad_line(self, data: bytes | bytearray, off: int) -> None:
        """Raise for the line after ``data[off]`` (a newline): empty CHROM or non-numeric POS."""
        line_no = self.base + data.count(b"\n", 0, off + 1)
        stop = data.index(b"\n", off + 1)
        line = data[off + 1: stop]
        fields = line.split(b"\t")
        if not fields[0]:
            raise InputError(self.name, line_no, "empty CHROM column")
        pos = fields[1] if len(fields) > 1 else b""
        text = pos[:40].decode("utf-8", "replace")
        raise InputError(self.name, line_no, f"POS {text!r} is not a number")


def _reaches_next_region(data: bytes | bytearray, off: int, stop: int, regions: RegionSet,
                         chrom: str, pos: int) -> bool:
    """Does the REF of the line ``data[off + 1:stop]`` (CHROM, POS given; outside the
    regions) reach into the next region on its contig? Measured only for a line longer than
    the distance (a line is at least as long as its REF)."""
    start = regions.next_start(chrom, pos)
    return (start is not None and start - pos < stop - off
            and _ref_reaches(data, off, stop, pos, start))


def _ref_reaches(data: bytes | bytearray, off: int, stop: int, pos: int, start: int) -> bool:
    """Does the REF of the line ``data[off + 1:stop]`` (after a newline), at ``pos``, reach
    ``start``?"""
    ref_at = off
    for _ in range(3):  # past CHROM, POS and ID
        ref_at = data.find(b"\t", ref_at + 1, stop)
        if ref_at < 0:
            return False  # (too few columns: the column check names the line)
    ref_end = data.find(b"\t", ref_at + 1, stop)
    return ref_end > 0 and pos + (ref_end - ref_at - 1) - 1 >= start


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy comes with cyvcf2
        return None
    return numpy


def _strip_cr(line: bytes) -> bytes:
    return line[:-1] if line.endswith(b"\r") else line


class SubprocessScanner:
    """The same job as :class:`LineScanner`, done by a child process (:class:`ScanProcess`)
    so that decompressing and scanning a large file runs in parallel with parsing (and
    everything downstream) in this process. Same results, same errors; used by ``vcf.py`` only
    for large files given by path."""

    def __init__(
        self,
        path: str,
        *,
        header_lines: int,
        ncols: int,
        regions: RegionSet,
        span_keys: bool,
        process: ScanProcess | None = None,
    ) -> None:
        self.path = path
        self.name = display_name(path)
        self.job = {
            "path": path,
            "name": self.name,
            "header_lines": header_lines,
            "ncols": ncols,
            "regions": [[c, s, e, ""] for c, s, e in regions.merged()],
            "span_keys": span_keys,
        }
        self.records_read = 0
        self.blank_lines = 0
        self.first_blank_line: int | None = None
        self.process = process  # started early by the caller, or by start()

    def start(self) -> None:
        """Start the child's work now (its start-up then overlaps the caller's own loading);
        ``lines`` starts it otherwise. Call ``close`` if ``lines`` is never consumed."""
        if self.process is None:
            self.process = ScanProcess()
        if not self.process.job_sent:
            self.process.send(self.job)

    def close(self) -> None:
        """End the child if it is still running and release its files."""
        if self.process is not None:
            self.process.close()

    def lines(self) -> Iterator[tuple[int, bytes, bool]]:
        import os
        import pickle
        import struct

        self.start()
        assert self.process is not None
        proc, read_fd, errors = self.process.proc, self.process.read_fd, self.process.errors
        assert read_fd is not None and errors is not None
        finished = False
        try:
            buf = b""
            child_done = False
            while not finished:
                chunk = os.read(read_fd, 1 << 22)
                if not chunk:
                    if child_done:
                        break
                    child_done = proc.poll() is not None  # drain once more after exit
                    if not child_done:
                        self.process.wait_for_message(0.05)
                    continue
                buf = buf + chunk if buf else chunk
                off = 0
                while len(buf) - off >= 4:
                    (size,) = struct.unpack_from("<I", buf, off)
                    if len(buf) - off - 4 < size:
                        break
                    message = pickle.loads(buf[off + 4: off + 4 + size])
                    off += 4 + size
                    kind = message[0]
                    if kind == "lines":
                        yield from message[1]
                    elif kind == "done":
                        _, self.records_read, self.blank_lines, self.first_blank_line = message
                        finished = True
                        break
                    elif kind == "error":
                        raise InputError(self.name, message[1], message[2])
                buf = buf[off:]
            if not finished:
                proc.wait()
                errors.seek(0)
                detail = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise RuntimeError(
                    "the VCF scanning process ended unexpectedly "
                    f"(exit code {proc.returncode}): {detail[-1] if detail else 'no message'}"
                )
        finally:
            self.close()
