"""Indexed reading of bgzipped VCFs (``.tbi``/``.csi``): query only the panel's regions.

``records_read`` must still count every record of the file. The index holds those counts (the
"pseudo-bin" of each reference that htslib writes with n_mapped/n_unmapped, as used by
``bcftools index --nrecords``); :func:`read_index` reads them. Without them, or when the
index is older than the file, or the BGZF end-of-file block is missing (truncated file), the
reader streams the whole file instead (see ``vcf.py``).

An index that belongs to another file (copied next to the wrong VCF, or the VCF rewritten
after indexing with an older timestamp) would make the reader skip records silently, so
:func:`index_mismatch` checks it against the file before it is used - cheaply, reading only
a few BGZF block headers: the pseudo-bins also hold the virtual offsets of the first and last
record of each reference, and those must fall exactly at the end of the header and at the end
of the data; a ``.tbi`` record found at its first offset must be on the contig the index
names. A mismatch makes the reader stream the file, with a warning.
"""

from __future__ import annotations

import bisect
import os
import struct
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from egfr_annot.io.regions import RegionSet
from egfr_annot.io.scan_child import find_index as find_index  # (re-exported)

_TBI_PSEUDO_BIN = 37450
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"
_MAX_TAIL_BLOCKS = 64  # blocks between the last indexed record and the end-of-file block


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What the reader uses from a .tbi/.csi index."""

    records: int  # records the index says the file has
    names: tuple[str, ...]  # reference names (.tbi only; a .csi takes them from the header)
    first_record: tuple[int, int] | None  # (virtual offset, reference number) of the earliest
    last_end: int | None  # largest virtual offset at which a reference's last record ends
    # .tbi only, per reference: the smallest virtual offset of the records overlapping each
    # 16 kb window (the "linear index"), where a region query starts reading
    linear: tuple[array[int], ...] = ()


def index_is_stale(path: str, index: str) -> bool:
    try:
        return os.path.getmtime(index) < os.path.getmtime(path)
    except OSError:
        return True


def index_record_count(index: str) -> int | None:
    """Total number of records from a .tbi/.csi index, or None when it does not say."""
    info = read_index(index)
    return None if info is None else info.records


class IndexRead:
    """:func:`read_index` with the file read and inflated in a thread, started before the
    caller needs the result: inflating (~10 ms for a 5M-record file's .tbi) releases the GIL,
    so it overlaps the caller's own loading (issue #9). The parsing (Python and regex code,
    which would hold the GIL against the caller) is left to :meth:`result`."""

    def __init__(self, index: str) -> None:
        import threading

        self.index = index
        self._data: bytes | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="egfr-annot-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._data = _inflated_index(self.index)
        except BaseException as err:  # noqa: BLE001 - handed to the caller by result()
            self._error = err

    def result(self) -> IndexInfo | None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return _parse_index(self._data)


def prestart_index_read(path: str | os.PathLike[str], *, use_index: bool = True
                        ) -> IndexRead | None:
    """Start reading the index next to ``path`` in a thread now, so that it overlaps the
    caller's own loading; pass it to ``vcf.open_variants``. None when there is no index to
    read (or ``use_index`` is off); the source then decides as usual."""
    path = os.fspath(path)
    if not use_index or path == "-":
        return None
    index = find_index(path)
    return IndexRead(index) if index is not None else None


def read_index(index: str) -> IndexInfo | None:
    """Parse a .tbi/.csi index (None when unreadable or without record counts)."""
    return _parse_index(_inflated_index(index))


def _inflated_index(index: str) -> bytes | None:
    from isal import igzip

    try:
        with open(index, "rb") as fh:
            return igzip.decompress(fh.read())  # type: ignore[no-any-return, no-untyped-call]
    except Exception:  # noqa: BLE001 - unreadable index: stream instead
        return None


def _parse_index(data: bytes | None) -> IndexInfo | None:
    if data is None:
        return None
    try:
        if data[:4] == b"TBI\x01":
            return _parse_tbi(data)
        if data[:4] == b"CSI\x01":
            return _parse_csi(data)
    except (struct.error, IndexError, ValueError):
        return None
    return None


class _Pseudo:
    """Accumulates the pseudo-bins of the references."""

    def __init__(self) -> None:
        self.total = 0
        self.first: tuple[int, int] | None = None
        self.last_end: int | None = None

    def add(self, data: bytes, off: int, ref: int) -> None:
        beg, end, mapped, unmapped = struct.unpack_from("<QQQQ", data, off)
        self.total += mapped + unmapped
        if mapped + unmapped:
            if self.first is None or beg < self.first[0]:
                self.first = (beg, ref)
            self.last_end = end if self.last_end is None else max(self.last_end, end)


def _one_chunk_bins(data: bytes, off: int, limit: int) -> int:
    """How many of the (at most ``limit``) bins from ``off`` on have one chunk each (24 bytes
    apiece: bin, n_chunk = 1, one chunk). Found in C: the n_chunk bytes of consecutive 24-byte
    records are taken with one strided slice per byte (2.5x faster than a regex, issue #9)."""
    run = limit
    for byte, value in ((4, b"\x01"), (5, b"\x00"), (6, b"\x00"), (7, b"\x00")):
        if not run:
            break
        column = data[off + byte: off + 24 * run: 24]
        run = min(run, len(column) - len(column.lstrip(value)))
    return run

_U32 = struct.Struct("<I").unpack_from
_BIN_HEAD = struct.Struct("<Ii").unpack_from


def _parse_tbi(data: bytes) -> IndexInfo | None:
    (n_ref,) = struct.unpack_from("<i", data, 4)
    (l_nm,) = struct.unpack_from("<i", data, 32)
    names = tuple(n.decode("latin-1") for n in data[36: 36 + l_nm].split(b"\0")[:n_ref])
    off = 36 + l_nm
    pseudo = _Pseudo()
    linear: list[array[int]] = []
    for ref in range(n_ref):
        (remaining,) = _U32(data, off)
        off += 4
        if remaining > len(data):
            return None
        found = False
        while remaining:
            # Most bins hold one chunk: skip a run of them at C speed (the run cannot pass the
            # reference's last bin: it is limited to the `remaining` bins).
            run = _one_chunk_bins(data, off, remaining)
            remaining -= run
            off += 24 * run
            if not remaining:
                break
            bin_id, n_chunk = _BIN_HEAD(data, off)
            off += 8
            if bin_id == _TBI_PSEUDO_BIN and n_chunk == 2:
                pseudo.add(data, off, ref)
                found = True
            off += 16 * n_chunk
            remaining -= 1
        (n_intv,) = struct.unpack_from("<i", data, off)
        off += 4
        offsets = array("Q", data[off: off + 8 * n_intv])
        if len(offsets) != n_intv:
            return None
        if sys.byteorder != "little":
            offsets.byteswap()
        linear.append(offsets)
        off += 8 * n_intv
        if not found:
            return None
    total = pseudo.total
    if off + 8 <= len(data):
        (no_coor,) = struct.unpack_from("<Q", data, off)
        total += no_coor
    return IndexInfo(total, names, pseudo.first, pseudo.last_end, tuple(linear))


def _parse_csi(data: bytes) -> IndexInfo | None:
    _min_shift, depth, l_aux = struct.unpack_from("<iii", data, 4)
    off = 16 + l_aux
    (n_ref,) = struct.unpack_from("<i", data, off)
    off += 4
    pseudo_bin = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    pseudo = _Pseudo()
    for ref in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", data, off)
        off += 4
        found = False
        for _ in range(n_bin):
            bin_id, _loff, n_chunk = struct.unpack_from("<IQi", data, off)
            off += 16
            if bin_id == pseudo_bin and n_chunk == 2:
                pseudo.add(data, off, ref)
                found = True
            off += 16 * n_chunk
        if not found and n_bin:
            return None
    total = pseudo.total
    if off + 8 <= len(data):
        (no_coor,) = struct.unpack_from("<Q", data, off)
        total += no_coor
    return IndexInfo(total, (), pseudo.first, pseudo.last_end)


# -- does the index belong to this file? -----------------------------------------------------------
_MAX_BLOCK = 1 << 16  # a BGZF block is at most 64 KB (SAM/BAM specification)


def _compressed_block(fh: BinaryIO, address: int) -> bytes | None:
    """The whole BGZF block at ``address`` (one read: no seeking back and forth, issue #9),
    or None when no complete block starts there."""
    if hasattr(os, "pread"):
        data = os.pread(fh.fileno(), _MAX_BLOCK, address)
    else:  # pragma: no cover - Windows
        fh.seek(address)
        data = fh.read(_MAX_BLOCK)
    if len(data) < 18 or data[:4] != _BGZF_MAGIC:
        return None
    (xlen,) = struct.unpack_from("<H", data, 10)
    extra = data[12: 12 + xlen]
    i = 0
    while i + 4 <= len(extra):
        slen = struct.unpack_from("<H", extra, i + 2)[0]
        if extra[i: i + 2] == b"BC" and slen == 2:
            length = struct.unpack_from("<H", extra, i + 4)[0] + 1
            return data[:length] if len(data) >= length else None
        i += 4 + slen
    return None


def _block_at(fh: BinaryIO, address: int) -> tuple[int, int] | None:
    """(compressed length, decompressed length) of the BGZF block at ``address``, or None."""
    block = _compressed_block(fh, address)
    if block is None:
        return None
    return len(block), struct.unpack("<I", block[-4:])[0]


def index_mismatch(path: str, info: IndexInfo, header_bytes: int | None) -> str | None:
    """Why the index cannot describe ``path`` (None when it fits). ``header_bytes`` is the
    decompressed size of the VCF header (None for BCF: its first record is not checked)."""
    if info.first_record is None or info.last_end is None:
        return None if info.records == 0 else "the index lists no record offsets"
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            # the last record must end where the data ends (only empty blocks may follow)
            address, within = info.last_end >> 16, info.last_end & 0xFFFF
            if address >= size:
                return "it points beyond the end of the file"
            remaining = -within
            for _ in range(_MAX_TAIL_BLOCKS):
                if address >= size:
                    break
                block = _block_at(fh, address)
                if block is None:
                    return "its last record offset is not at a BGZF block of the file"
                remaining += block[1]
                address += block[0]
            if address < size or remaining != 0:
                return "the file has data after the last record the index knows"
            if header_bytes is not None:
                problem = _first_record_problem(fh, info, header_bytes)
                if problem:
                    return problem
    except OSError as err:
        return f"cannot check it ({err.strerror or err})"
    return None


def _first_record_problem(fh: BinaryIO, info: IndexInfo, header_bytes: int) -> str | None:
    """The earliest record must start right after the header, on the contig the index names."""
    assert info.first_record is not None
    voffset, ref = info.first_record
    target, within = voffset >> 16, voffset & 0xFFFF
    address = decompressed = 0
    while address < target:
        block = _block_at(fh, address)
        if block is None:
            return "its first record offset is not at a BGZF block of the file"
        address += block[0]
        decompressed += block[1]
        if decompressed > header_bytes + (1 << 17):
            break
    if address != target or decompressed + within != header_bytes:
        return "its first record does not start where the file's header ends"
    if ref < len(info.names):
        try:
            text, _length = _inflate_block(fh, target)
        except ValueError:
            return "its first record offset is not at a BGZF block of the file"
        if not text[within:].startswith(info.names[ref].encode("latin-1") + b"\t"):
            return f"the record at its first offset is not on {info.names[ref]!r}"
    return None


def contigs_by_chrom(
    names: Iterable[str], regions: RegionSet
) -> dict[str, list[tuple[int, str]]]:
    """The file's contig names (with their number in the file) that hold a region, grouped
    by the region's contig: ``chr7`` and ``7`` both serve region contig ``7``."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for number, name in enumerate(names):
        chrom = regions.canonical(name)
        if chrom is not None:
            grouped.setdefault(chrom, []).append((number, name))
    return grouped


def tabix_lines(
    path: str, index: str, regions: RegionSet
) -> Iterator[tuple[str, int, int, bytes]]:
    """``(contig, region_start, region_end, raw_line)`` for every record the index returns for
    the merged regions (records overlapping a region, as htslib defines overlap)."""
    import pysam

    tbx = pysam.TabixFile(path, index=index, encoding="latin-1")
    try:
        by_canonical = contigs_by_chrom(tbx.contigs, regions)
        for chrom, start, end in regions.merged():
            for _tid, name in by_canonical.get(chrom, ()):
                for line in tbx.fetch(name, start - 1, end):
                    yield name, start, end, line.encode("latin-1")
    finally:
        tbx.close()


# -- region queries through a .tbi's linear index (no pysam) -----------------------------------
_LINEAR_SHIFT = 14  # .tbi linear-index windows are 16 kb


def tbi_region_lines(
    path: str, info: IndexInfo, regions: RegionSet
) -> Iterator[tuple[str, int, int, bytes]]:
    """What :func:`tabix_lines` returns, read with the .tbi already parsed (``info.linear``)
    instead of pysam (whose import and index load cost more than the queries, issue #9).
    See :func:`tbi_region_batches`."""
    for name, start, end, before, inside in tbi_region_batches(path, info, regions):
        for raw in before:
            yield name, start, end, raw
        for raw in inside:
            yield name, start, end, raw


RegionBatch = tuple[str, int, int, list[bytes], list[bytes]]


def tbi_region_batches(path: str, info: IndexInfo, regions: RegionSet) -> Iterator[RegionBatch]:
    """Per merged region, ``(contig as in the file, start, end, before, inside)``: the lines
    that start before the region and reach into it, and the lines that start in it.

    A query starts at the linear index's offset for the window of the region's start (the
    earliest record overlapping that window, as htslib's own queries do) and reads blocks on
    until a record starts after the region or the contig changes. A record that starts before
    the region is returned when it may reach into it: by its REF, its INFO/END, or its
    INFO/SVLEN (htslib 1.22 and later index a VCF 4.4 structural variant without END over the
    span its SVLEN gives, so the query reaches such a record; the parser then decides from the
    whole record, as for a streamed file). The lines are cut in C and the region's bounds found
    by bisection, so no Python code runs per line that is returned."""
    tids = contigs_by_chrom(info.names, regions)
    with open(path, "rb") as fh:
        blocks = _BgzfBlocks(fh, os.fstat(fh.fileno()).st_size)
        for chrom, start, end in regions.merged():
            for tid, name in tids.get(chrom, ()):
                linear = info.linear[tid] if tid < len(info.linear) else None
                if not linear:
                    continue  # no record on this contig
                window = (start - 1) >> _LINEAR_SHIFT
                voffset = linear[min(window, len(linear) - 1)]
                before, inside = _region_lines(blocks, voffset, name, start, end)
                if before or inside:
                    yield name, start, end, before, inside


class _BgzfBlocks:
    """Decompressed BGZF blocks by file address; each block is read and inflated once."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.size = size
        self._cache: dict[int, tuple[bytes, int]] = {}

    def at(self, address: int) -> tuple[bytes, int]:
        """(text, address of the next block); ``(b"", size)`` at the end of the file."""
        if address >= self.size:
            return b"", self.size
        hit = self._cache.get(address)
        if hit is None:
            text, length = _inflate_block(self.fh, address)
            hit = (text, address + length)
            self._cache[address] = hit
        return hit


def _inflate_block(fh: BinaryIO, address: int) -> tuple[bytes, int]:
    """(text, compressed length) of the BGZF block at ``address``. ValueError when no block
    starts there or its data is corrupt (its gzip CRC and size are checked)."""
    from isal import isal_zlib

    block = _compressed_block(fh, address)
    if block is None:
        raise ValueError(f"no BGZF block at byte {address}")
    try:
        text = isal_zlib.decompress(block, wbits=31)
    except Exception as err:  # noqa: BLE001 - isal raises its own error type
        raise ValueError(f"corrupt BGZF block at byte {address}: {err}") from err
    if len(text) != struct.unpack("<I", block[-4:])[0]:
        raise ValueError(f"corrupt BGZF block at byte {address}: wrong inflated size")
    return text, len(block)


def _region_lines(
    blocks: _BgzfBlocks, voffset: int, name: str, start: int, end: int
) -> tuple[list[bytes], list[bytes]]:
    """Lines from ``voffset`` on that are on ``name`` and overlap ``start..end`` (1-based):
    ``(starting before start, starting in start..end)``."""
    prefix = name.encode("latin-1") + b"\t"
    text, following = blocks.at(voffset >> 16)
    buf = text[voffset & 0xFFFF:]
    # Read on until the last complete line is past the region (or the end of the file).
    while following < blocks.size and not _past_region(buf, prefix, end):
        text, following = blocks.at(following)
        buf += text
    if following >= blocks.size and buf and not buf.endswith(b"\n"):
        buf += b"\n"  # the file's last line has no line end
    lines = buf[: _lines_up_to(buf, prefix, end)].split(b"\n")
    lines.pop()  # the empty string after the last line end
    if b"\r" in buf:
        lines = [line.rstrip(b"\r") for line in lines]

    skip = len(prefix)

    def position(line: bytes) -> int:
        return _pos_after(line, skip)

    first_inside = bisect.bisect_left(lines, start, key=position)
    # Of the lines before the region, only those whose REF is long enough (no line is shorter
    # than its REF) or that have an INFO/END or SVLEN can reach into it: few lines to check one
    # by one.
    candidates = 0
    if first_inside:
        earlier = lines[:first_inside]
        # their text: the lines plus a line end each (CR LF at most)
        text_before = buf[: sum(map(len, earlier)) + 2 * first_inside]
        if b"END=" not in text_before and b"SVLEN=" not in text_before:
            longest = max(map(len, earlier))
            candidates = bisect.bisect_left(lines, start - longest, hi=first_inside, key=position)
    before = []
    for line in lines[candidates:first_inside]:
        tab = line.index(b"\t", skip)
        if _reaches(line, tab, int(line[skip:tab]), start):
            before.append(line)
    return before, lines[first_inside:]


def _starts_by(line: bytes, prefix: bytes, end: int) -> bool:
    """Is ``line`` a record of this contig (``prefix`` = CHROM + TAB) starting at or before
    ``end``? (Records are sorted: those of the next contig come after all of this one's.)"""
    return line.startswith(prefix) and _pos_after(line, len(prefix)) <= end


def _pos_after(line: bytes, skip: int) -> int:
    """POS of a record line whose CHROM and its tab take the first ``skip`` bytes."""
    return int(line[skip: line.index(b"\t", skip)])


def _past_region(buf: bytes, prefix: bytes, end: int) -> bool:
    """Does the last complete line of ``buf`` start after ``end`` or on another contig?"""
    last_end = buf.rfind(b"\n")
    if last_end < 0:
        return False
    line = buf[buf.rfind(b"\n", 0, last_end) + 1: last_end]
    return not _starts_by(line, prefix, end)


def _lines_up_to(buf: bytes, prefix: bytes, end: int) -> int:
    """Length of the start of ``buf`` (which begins at a line start) that holds the complete
    lines starting at or before ``end`` on this contig: a bisection over the bytes, probing the
    line around each midpoint, so the lines after the region are never cut apart. A line with
    no line end (unfinished: the next block holds the rest) counts as after the region."""
    lo, hi = 0, len(buf)  # lines starting before lo are in; the first line out starts <= hi
    while lo < hi:
        mid = (lo + hi) // 2
        line_start = buf.rfind(b"\n", lo, mid) + 1 or lo
        line_end = buf.find(b"\n", line_start)
        if line_end >= 0 and _starts_by(buf[line_start:line_end], prefix, end):
            lo = line_end + 1
        else:
            hi = line_start
    return lo


def _reaches(line: bytes, tab: int, pos: int, start: int) -> bool:
    """May a record starting at ``pos`` < ``start`` extend to ``start``: by its REF, its
    INFO/END, or its INFO/SVLEN (any of its values)? A superset of what htslib indexes over:
    the parser decides from the whole record."""
    fields = line[tab + 1:].split(b"\t", 6)  # ID, REF, ALT, QUAL, FILTER, INFO, ...
    if len(fields) > 1 and pos + len(fields[1]) - 1 >= start:
        return True
    if len(fields) < 6 or (b"END=" not in fields[5] and b"SVLEN=" not in fields[5]):
        return False
    for item in fields[5].split(b";"):
        key, _, value = item.partition(b"=")
        if key == b"END":
            if value.isdigit() and int(value) >= start:
                return True
        elif key == b"SVLEN":
            lengths = (v.lstrip(b"-") for v in value.split(b","))
            if any(v.isdigit() and pos + int(v) >= start for v in lengths):
                return True
    return False
