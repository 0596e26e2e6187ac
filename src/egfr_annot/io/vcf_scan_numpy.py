"""Vectorised panel-line selection for large VCF blocks (issue #9).

The scanning subprocess spends most of its time deciding, for millions of lines, whether CHROM
and POS fall in a panel region. With numpy that decision is a few array operations per 4 MiB
block. The caller finds the newlines and checks that the block holds as many tabs as its lines
need (as the line-by-line path does). Then, when every CHROM has 1-7 bytes (``chr1``..``chrX``,
``1``..``X``), three 8-byte words per line are read: at its start (CHROM, up to its first tab)
and after that tab (POS, up to 15 digits, turned into numbers eight digits at a time). No other
pass over the block's bytes is needed. Otherwise (RefSeq accessions, alt contigs) every tab of
the block is found and CHROM (up to 16 bytes) and POS (up to 10 digits) are read from between
them. Files are sorted, so a block holds a handful of contigs: each run's name is decoded once.
One ``searchsorted`` against the merged regions decides. A line that starts before a region
but is longer than the distance to it (its REF might reach into the region: a deletion from
the intron into an exon) is handed back as a candidate, for the caller's exact check of its REF.

:meth:`PanelLineSelector.select` returns ``None`` whenever the block is not plainly regular
(an empty CHROM, a POS that is not a plain number, very long contig names, an unsorted file
with many contig changes): the caller then takes the exact line-by-line and regex path, which
also raises the one-line error for bad input. So this module only ever speeds up what the
slower path would have decided the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from egfr_annot.io.regions import RegionSet

# Beyond these, the block goes to the exact path.
MAX_CHROM_BYTES: Final = 16  # packed into two 8-byte words, compared with the length
MAX_POS_DIGITS: Final = 10
MAX_CONTIG_RUNS: Final = 256  # per block; sorted files have a few
_POS_CAP: Final = (1 << 32) - 1  # positions share an int64 key with the contig id
_END_KEY: Final = int.from_bytes(b"END=", "little")
_SVLE_KEY: Final = int.from_bytes(b"SVLE", "little")  # (then "N=")
_SPAN_DIGITS: Final = 11  # an END or SVLEN of more digits is handed on whatever it says


@dataclass(frozen=True, slots=True)
class Selection:
    """What :meth:`PanelLineSelector.select` found in a block. Offsets are those of the newline
    before a line; numbers are 0-based line numbers in the block."""

    offsets: list[int]  # lines with CHROM and POS in a region
    numbers: list[int]
    # lines that start before a region on their contig and are longer than the distance to it:
    # (offset, number, POS, the region's start); their REF may reach into it (the caller checks)
    reaching: list[tuple[int, int, int, int]]
    # (offset, number) of the lines outside the regions whose INFO/END or SVLEN reaches the
    # next region on their contig, or cannot be read here (asked with ``ends``)
    end_spans: list[tuple[int, int]]


class PanelLineSelector:
    """Selects the lines of a block whose CHROM and POS are in ``regions`` (merged intervals,
    the same answer as :meth:`RegionSet.contains`)."""

    def __init__(self, np: Any, regions: RegionSet, tabs_per_line: int) -> None:
        self.np = np
        self.regions = regions
        self.tabs_per_line = tabs_per_line
        merged = regions.merged()
        contigs = sorted({c for c, _, _ in merged})
        self._contig_id = {c: i + 1 for i, c in enumerate(contigs)}  # 0: not a panel contig
        keys = [((self._contig_id[c] << 32) | s, (self._contig_id[c] << 32) | e)
                for c, s, e in merged]
        keys.sort()
        self._starts = np.array([s for s, _ in keys], dtype=np.int64)
        self._ends = np.array([e for _, e in keys], dtype=np.int64)
        # the start of the region after the one at or before a key (a key before the first
        # region: index 0); past the last region, a start no line reaches
        self._next_starts = np.append(self._starts, np.int64(np.iinfo(np.int64).max))
        self._ids_by_name: dict[bytes, int] = {}
        # masks[j]: the low j bytes of a little-endian word (the first j characters)
        self._masks = np.array([(1 << (8 * j)) - 1 for j in range(9)], dtype=np.uint64)

    def select(self, data: bytes | bytearray, arr: Any, newlines: Any, *, ends: bool = False
               ) -> Selection | None:
        """The panel lines of ``data``, which starts with a sentinel newline, and the lines
        that may reach into a region from before it (:class:`Selection`; with ``ends``, also
        by their INFO/END or SVLEN: gVCF blocks, structural variants). ``arr`` is the bytes as
        uint8, ``newlines`` their positions; the caller has checked that the block holds as
        many tabs as its lines need. ``None``: not decided here (use the exact path)."""
        if len(newlines) < 2 or self.tabs_per_line < 2:
            return None
        found = self._short_names(data, arr, newlines)
        if found is None:
            # a CHROM of 8 or more bytes (RefSeq accessions, alt contigs): every tab is found
            found = self._by_tabs(data, arr, newlines, self.np.flatnonzero(arr == 9))
        if found is None:
            return None
        contig, pos = found
        np = self.np
        key = (contig << 32) | np.minimum(pos, _POS_CAP)
        i = np.searchsorted(self._starts, key, side="right") - 1
        inside = (contig > 0) & (i >= 0) & (key <= self._ends[np.maximum(i, 0)])
        hit = np.flatnonzero(inside)
        # a line is at least as long as its REF (np.diff: its length and its newline)
        next_start = self._next_starts[i + 1]
        long_enough = np.flatnonzero(next_start - key < np.diff(newlines))
        # (a region on the line's own contig; a line inside a region is a panel line)
        line_contig = contig[long_enough]
        line = long_enough[(line_contig > 0) & ((next_start[long_enough] >> 32) == line_contig)
                           & ~inside[long_enough]]
        reaching = list(zip(newlines[line].tolist(), line.tolist(), pos[line].tolist(),
                            (next_start[line] & _POS_CAP).tolist(), strict=True))
        end_spans = self._end_spans(arr, newlines, contig, key, inside, next_start) if ends else []
        return Selection(newlines[hit].tolist(), hit.tolist(), reaching, end_spans)

    def _end_spans(self, arr: Any, newlines: Any, contig: Any, key: Any, inside: Any,
                   next_start: Any) -> list[tuple[int, int]]:
        """Lines outside the regions, on a panel contig, whose ``END=`` (the span's end) or
        ``SVLEN=`` (its length), after a tab or ';', reaches the next region on their contig -
        or whose value has more digits than are read here. A superset: the parser decides each
        line from the whole record, as for the regex path. Only the block's ``=`` bytes are
        looked at, not every byte (a gVCF has an END on each line: the regex took ~1.5 us per
        line; two ``bytes.find`` passes per block cost ~5 ms when the header declares them)."""
        np = self.np
        size = len(arr)
        equals = np.flatnonzero(arr == 61)  # "="
        equals = equals[equals >= 6]
        words = np.ndarray((size - 3,), dtype="<u4", buffer=arr, strides=(1,))
        at_end = equals - 3  # where "END=" would start
        is_end = (words[at_end] == _END_KEY) & _after_separator(np, arr[at_end - 1])
        at_svlen = equals - 5  # where "SVLEN=" would start
        is_svlen = ((words[at_svlen] == _SVLE_KEY) & (arr[equals - 1] == 78)  # "N"
                    & _after_separator(np, arr[at_svlen - 1]))
        kind_end = is_end[is_end | is_svlen]
        equals = equals[is_end | is_svlen]
        if not len(equals):
            return []
        line = np.searchsorted(newlines, equals, side="right") - 1
        keep = (contig[line] > 0) & ~inside[line] & ((next_start[line] >> 32) == contig[line])
        equals, line, kind_end = equals[keep], line[keep], kind_end[keep]
        if not len(equals):
            return []
        # the digits after "=" (an SVLEN may start with "-"), up to the first other byte
        first = equals + 1 + (~kind_end & (arr[np.minimum(equals + 1, size - 1)] == 45))
        value = np.zeros(len(equals), dtype=np.int64)
        length = np.zeros(len(equals), dtype=np.int64)
        going = np.ones(len(equals), dtype=bool)
        for k in range(_SPAN_DIGITS):
            digit = arr[np.minimum(first + k, size - 1)].astype(np.int64) - 48
            going &= (digit >= 0) & (digit <= 9)
            value = np.where(going, value * 10 + digit, value)
            length += going
        start = next_start[line] & _POS_CAP
        reach_to = np.where(kind_end, value, (key[line] & _POS_CAP) + value)
        reach = going | ((length > 0) & (reach_to >= start))  # (going: more digits than read)
        lines = np.unique(line[reach])
        return list(zip(newlines[lines].tolist(), lines.tolist(), strict=True))

    def _short_names(self, data: bytes | bytearray, arr: Any, newlines: Any
                     ) -> tuple[Any, Any] | None:
        """Contig ids and POS of every line when every CHROM has 1-7 bytes, from 8-byte words
        read at each line's start and after its first tab (no pass over the block's bytes
        beyond the caller's newline search); ``None`` otherwise."""
        np = self.np
        end = len(arr)
        starts = newlines[:-1] + 1
        # POS is read from the two words after the first tab (at most start + 8 + 16)
        if int(starts[-1]) + 24 > end:
            return None  # a last line shorter than 24 bytes: the exact path decides
        words = np.ndarray((end - 7,), dtype="<u8", buffer=arr, strides=(1,))
        first = words[starts]
        has_tab, chrom_len = _first_byte(np, first, 9)
        if not bool(has_tab.all()):
            return None
        chrom_len = chrom_len.astype(np.int64)
        if int(chrom_len.min()) < 1:
            return None  # an empty CHROM: the exact path names the line
        pos_at = starts + chrom_len + 1
        head, tail = words[pos_at], words[pos_at + 8]
        in_head, head_len = _first_byte(np, head, 9)
        in_tail, tail_len = _first_byte(np, tail, 9)
        if not bool((in_head | in_tail).all()):
            return None  # POS of 16 or more bytes
        pos_len = np.where(in_head, head_len, tail_len + np.uint64(8)).astype(np.int64)
        tab2 = pos_at + pos_len
        # CHROM and POS end before the line does (a newline in them would come first)
        if int(pos_len.min()) < 1 or not bool((tab2 < newlines[1:]).all()):
            return None
        masks = self._masks
        head_digits = np.minimum(pos_len, 8)
        tail_digits = np.maximum(pos_len - 8, 0)
        if _any_non_digit(np, head, masks[head_digits]) or _any_non_digit(
                np, tail, masks[tail_digits]):
            return None  # a POS that is not a plain number: the exact path names the line
        # the last (up to) 8 digits, read as the word that ends at the tab after POS ...
        last_at = tab2 - 8
        last = words[np.maximum(last_at, 0)]
        if int(last_at.min()) < 0:  # only the block's first line can start so near
            last = last << (np.maximum(-last_at, 0) * 8).astype(np.uint64)
        zeros = np.uint64(_ZEROS_INT)
        keep = ~masks[8 - head_digits]
        low = _eight_digits(np, (last & keep) - (zeros & keep))
        # ... and the digits before them, at most 7 (POS of 9-15 digits)
        high_mask = masks[tail_digits]
        high_digits = (head & high_mask) - (zeros & high_mask)
        shift = (np.minimum(8 - tail_digits, 7) * 8).astype(np.uint64)
        high = _eight_digits(np, high_digits << shift)
        pos = (high * np.uint64(100_000_000) + low).astype(np.int64)
        names = (first & masks[chrom_len]) | (chrom_len.astype(np.uint64) << np.uint64(56))
        contig = self._run_ids(data, starts, chrom_len,
                               np.flatnonzero(names[1:] != names[:-1]) + 1)
        if contig is None:
            return None
        return contig, pos

    def _by_tabs(self, data: bytes | bytearray, arr: Any, newlines: Any, tabs: Any
                 ) -> tuple[Any, Any] | None:
        """Contig ids and POS of every line from the positions of all tabs (CHROM up to 16
        bytes, POS up to 10 digits); ``None`` for anything irregular."""
        np = self.np
        n_lines = len(newlines) - 1
        step = self.tabs_per_line
        if len(tabs) != n_lines * step:
            return None
        line_starts = newlines[:-1] + 1
        tab1 = tabs[0::step]
        tab2 = tabs[1::step]
        # every line holds exactly `step` tabs: its first tab after its start and its last tab
        # before its end (with the total right, no line can borrow another's tabs)
        if not (bool(np.all(tab1 > newlines[:-1])) and bool(np.all(tabs[step - 1::step] <
                                                                    newlines[1:]))):
            return None
        chrom_len = tab1 - line_starts
        pos_len = tab2 - tab1 - 1
        if (int(chrom_len.min()) < 1 or int(chrom_len.max()) > MAX_CHROM_BYTES
                or int(pos_len.min()) < 1 or int(pos_len.max()) > MAX_POS_DIGITS):
            return None
        contig = self._contig_ids(data, arr, line_starts, chrom_len)
        if contig is None:
            return None
        pos = self._positions(arr, tab2, pos_len)
        if pos is None:
            return None
        return contig, pos

    def _contig_ids(self, data: bytes | bytearray, arr: Any, line_starts: Any,
                    chrom_len: Any) -> Any:
        """Per line: the panel contig id of its CHROM (0: not a panel contig)."""
        np = self.np
        n = len(line_starts)
        # two big-endian words of the name's first 16 bytes (zero-padded) and its length: equal
        # triples are equal names
        words = []
        for first in (0, 8):
            word = np.zeros(n, dtype=np.uint64)
            for k in range(first, min(first + 8, int(chrom_len.max()))):
                byte = arr[np.minimum(line_starts + k, len(arr) - 1)].astype(np.uint64)
                word = (word << np.uint64(8)) | np.where(chrom_len > k, byte, np.uint64(0))
            words.append(word)
        change = np.flatnonzero(
            (words[0][1:] != words[0][:-1]) | (words[1][1:] != words[1][:-1])
            | (chrom_len[1:] != chrom_len[:-1])
        ) + 1
        return self._run_ids(data, line_starts, chrom_len, change)

    def _run_ids(self, data: bytes | bytearray, line_starts: Any, chrom_len: Any,
                 change: Any) -> Any:
        """Per line: the panel contig id, given the lines where CHROM changes (``change``);
        each run's name is decoded once. ``None`` for too many runs (an unsorted file)."""
        np = self.np
        if len(change) >= MAX_CONTIG_RUNS:
            return None  # unsorted: the exact path
        run_starts = np.concatenate(([0], change))
        ids = np.empty(len(run_starts), dtype=np.int64)
        for r, line in enumerate(run_starts.tolist()):
            start = int(line_starts[line])
            ids[r] = self._id_of(bytes(data[start:start + int(chrom_len[line])]))
        return np.repeat(ids, np.diff(np.concatenate((run_starts, [len(line_starts)]))))

    def _id_of(self, name: bytes) -> int:
        found = self._ids_by_name.get(name)
        if found is None:
            chrom = self.regions.canonical(name.decode("ascii", "replace"))
            found = self._contig_id.get(chrom, 0) if chrom is not None else 0
            self._ids_by_name[name] = found
        return found

    def _positions(self, arr: Any, tab2: Any, pos_len: Any) -> Any:
        """POS of every line from its digits, right to left; ``None`` if a POS byte is not a
        digit (the exact path names the line)."""
        np = self.np
        pos = np.zeros(len(tab2), dtype=np.int64)
        bad = np.zeros(len(tab2), dtype=bool)
        at = np.maximum(tab2 - 1, 0)
        shortest = int(pos_len.min())
        scale = 1
        for k in range(int(pos_len.max())):
            digit = arr[at] - np.uint8(48)  # uint8: a byte below '0' wraps to > 9
            if k >= shortest:  # some POS are shorter: their byte here is not a digit
                present = pos_len > k
                digit *= present
                bad |= present & (digit > 9)
            else:
                bad |= digit > 9
            pos += digit.astype(np.int64) * scale
            scale *= 10
            at = np.maximum(at - 1, 0)
        if bool(bad.any()):
            return None
        return pos


# -- eight bytes at a time (SWAR): byte 0 of a little-endian word is the first character -------
_ONES: Final = 0x0101010101010101
_HIGH: Final = 0x8080808080808080
_ZEROS_INT: Final = 0x3030303030303030  # "00000000"


def _first_byte(np: Any, words: Any, byte: int) -> tuple[Any, Any]:
    """Per word: does it hold ``byte``, and the index (0-7) of the first one. The classic
    zero-byte test can flag bytes above a real match, never below it: the lowest flag is
    exact. Its bit is then turned into an index by one multiplication."""
    x = words ^ np.uint64(byte * _ONES)
    flags = (x - np.uint64(_ONES)) & ~x & np.uint64(_HIGH)
    lowest = flags & (~flags + np.uint64(1))
    index = ((lowest >> np.uint64(7)) * np.uint64(0x0001020304050607)) >> np.uint64(56)
    return flags != 0, index


def _any_non_digit(np: Any, words: Any, masks: Any) -> bool:
    """Is any byte that ``masks`` keeps (per word) not an ASCII digit?"""
    high = np.uint64(_HIGH)
    low7 = words & ~high
    at_least_0 = (low7 | high) - np.uint64(_ZEROS_INT)  # bit 7: low 7 bits >= "0"
    above_9 = low7 + np.uint64(0x4646464646464646)  # bit 7: low 7 bits > "9"
    bad = ((words | ~at_least_0 | above_9) & high) & masks
    return bool(bad.any())


def _eight_digits(np: Any, digits: Any) -> Any:
    """The numbers written by 8 digit values per word, most significant in byte 0 (leading
    zeros where fewer): two multiply-and-add steps pair them up (SWAR number parsing)."""
    pairs = digits * np.uint64(10) + (digits >> np.uint64(8))
    return (((pairs & np.uint64(0x000000FF000000FF)) * np.uint64(100 + (1_000_000 << 32)))
            + (((pairs >> np.uint64(16)) & np.uint64(0x000000FF000000FF))
               * np.uint64(1 + (10_000 << 32)))) >> np.uint64(32)


def _after_separator(np: Any, byte: Any) -> Any:
    """Is the byte before an INFO key a tab or ';' (so that ``XEND=`` is not ``END=``)?"""
    return (byte == 9) | (byte == 59)
