"""Genomic regions that decide which VCF records the reader parses (issue #5, #9).

A :class:`RegionSet` holds 1-based inclusive intervals on canonical contigs (``"7"``, ``"X"``),
merged per contig. It answers "is this record in the panel?" for a contig *as the file spells
it* (``chr7``, ``7``, ``NC_000007.14``...), and compiles a byte regex that finds panel records
in big decompressed chunks without splitting lines (see :meth:`RegionSet.line_regex`).

Membership of a record is decided by its POS, except for records with a span (symbolic
alleles, gVCF blocks, anything with INFO/END or SVLEN) which are in the panel when
``[POS, END]`` overlaps a region.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from egfr_annot.builds import Build
from egfr_annot.errors import KnowledgeBaseError
from egfr_annot.io.contigs import CANONICAL_CONTIGS, canonical_contig, contig_aliases
from egfr_annot.spans import merge_spans

if TYPE_CHECKING:
    from egfr_annot.genome.models import TranscriptModel

# Margin added on both sides of every gene/transcript span. Regions only decide which lines are
# parsed, so a generous margin costs little and keeps promoter/UTR/splice records.
DEFAULT_MARGIN: Final = 10_000
PANEL_GENES_FILE: Final = "panel_genes.tsv"


# Regions closer than this are scanned as one by the coarse regex (coarse_line_pattern).
COARSE_GAP: Final = 100_000


@dataclass(frozen=True, slots=True)
class Interval:
    """One labelled region: canonical contig, 1-based inclusive ``start``..``end``."""

    chrom: str
    start: int
    end: int
    label: str = ""


class _HasTranscriptSpan(Protocol):
    gene: str
    chrom: str
    tx_start: int
    tx_end: int


class RegionSet:
    """Merged intervals per canonical contig with fast membership tests.

    Parameters
    ----------
    intervals:
        ``Interval`` objects or ``(chrom, start, end, label)`` tuples; ``chrom`` in any spelling
        :func:`~egfr_annot.io.contigs.canonical_contig` understands.
    """

    __slots__ = ("_intervals", "_starts", "_ends", "_alias_cache", "_labels", "_label_starts",
                 "_longest", "_merged_labels")

    def __init__(self, intervals: Iterable[Interval | tuple[str, int, int, str]]) -> None:
        by_contig: dict[str, list[tuple[int, int]]] = {}
        kept: list[Interval] = []
        for item in intervals:
            iv = item if isinstance(item, Interval) else Interval(*item)
            chrom = canonical_contig(iv.chrom)
            if chrom is None:
                raise ValueError(f"region on an unknown contig: {iv.chrom!r}")
            if iv.start < 1 or iv.end < iv.start:
                raise ValueError(f"bad region {iv.chrom}:{iv.start}-{iv.end} ({iv.label})")
            kept.append(Interval(chrom, iv.start, iv.end, iv.label))
            by_contig.setdefault(chrom, []).append((iv.start, iv.end))
        self._intervals: tuple[Interval, ...] = tuple(
            sorted(kept, key=lambda i: (_contig_rank(i.chrom), i.start, i.end, i.label))
        )
        self._starts: dict[str, list[int]] = {}
        self._ends: dict[str, list[int]] = {}
        for chrom, spans in by_contig.items():
            self._starts[chrom], self._ends[chrom] = merge_spans(spans)
        self._alias_cache: dict[str, str | None] = {}
        self._labels: dict[str, list[Interval]] = {}
        for iv in self._intervals:
            self._labels.setdefault(iv.chrom, []).append(iv)
        # For label lookups by bisection: the (unmerged) intervals' starts, in their order, and
        # the longest interval per contig (no interval holding pos starts before pos - longest).
        self._label_starts = {c: [iv.start for iv in ivs] for c, ivs in self._labels.items()}
        self._longest = {c: max(iv.end - iv.start + 1 for iv in ivs)
                         for c, ivs in self._labels.items()}
        # Per merged region: the one label of all the intervals it is made of, else None.
        self._merged_labels: dict[str, list[str | None]] = {}
        for chrom, ivs in self._labels.items():
            starts = self._starts[chrom]
            labels: list[set[str]] = [set() for _ in starts]
            for iv in ivs:
                labels[bisect.bisect_right(starts, iv.start) - 1].add(iv.label)
            self._merged_labels[chrom] = [next(iter(ls)) if len(ls) == 1 else None
                                          for ls in labels]

    # -- queries -------------------------------------------------------------------------------
    @property
    def intervals(self) -> tuple[Interval, ...]:
        """The intervals as given (canonical contigs, sorted), before merging."""
        return self._intervals

    def merged(self) -> list[tuple[str, int, int]]:
        """Merged, non-overlapping ``(canonical_chrom, start, end)`` in genome order."""
        out: list[tuple[str, int, int]] = []
        for chrom in sorted(self._starts, key=_contig_rank):
            out.extend((chrom, s, e) for s, e in zip(self._starts[chrom], self._ends[chrom],
                                                      strict=True))
        return out

    @property
    def contigs(self) -> tuple[str, ...]:
        return tuple(sorted(self._starts, key=_contig_rank))

    def canonical(self, contig: str) -> str | None:
        """Canonical name of a file's contig spelling (cached per spelling)."""
        try:
            return self._alias_cache[contig]
        except KeyError:
            name = canonical_contig(contig)
            self._alias_cache[contig] = name
            return name

    def contains(self, contig: str, pos: int) -> bool:
        """Is 1-based ``pos`` on ``contig`` (as written in the file) inside a region?"""
        return self._merged_at(contig, pos) is not None

    def merged_region_at(self, contig: str, pos: int) -> tuple[str, int, int, str | None] | None:
        """The merged region holding ``pos``: ``(canonical chrom, start, end, label)``, with
        the label all its intervals share (so :meth:`label_at` gives it anywhere in the region),
        or None when they differ; None when ``pos`` is in no region."""
        hit = self._merged_at(contig, pos)
        if hit is None:
            return None
        chrom, i = hit
        return chrom, self._starts[chrom][i], self._ends[chrom][i], self._merged_labels[chrom][i]

    def _merged_at(self, contig: str, pos: int) -> tuple[str, int] | None:
        """(canonical chrom, index) of the merged region holding ``pos``."""
        chrom = self.canonical(contig)
        if chrom is None:
            return None
        starts = self._starts.get(chrom)
        if not starts:
            return None
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0 or pos > self._ends[chrom][i]:
            return None
        return chrom, i

    def next_start(self, contig: str, pos: int) -> int | None:
        """Start of the first merged region on ``contig`` that begins after ``pos`` (None when
        there is none): a record at ``pos`` reaches into a region only if it reaches that far."""
        chrom = self.canonical(contig)
        starts = self._starts.get(chrom) if chrom is not None else None
        if not starts:
            return None
        i = bisect.bisect_right(starts, pos)
        return starts[i] if i < len(starts) else None

    def overlaps(self, contig: str, start: int, end: int) -> bool:
        """Does ``[start, end]`` (1-based inclusive) overlap a region?"""
        chrom = self.canonical(contig)
        if chrom is None or end < start:
            return False
        starts = self._starts.get(chrom)
        if not starts:
            return False
        i = bisect.bisect_right(starts, end) - 1
        return i >= 0 and self._ends[chrom][i] >= start

    def labels_at(self, contig: str, pos: int) -> tuple[str, ...]:
        """Labels of the (unmerged) intervals holding ``pos`` (e.g. gene names), in the order
        of :attr:`intervals`."""
        return tuple(iv.label for iv in self._holding(contig, pos))

    def label_at(self, contig: str, pos: int) -> str | None:
        """The first of :meth:`labels_at`, or None when ``pos`` is in no region (one lookup for
        both :meth:`contains` and the gene name)."""
        return next((iv.label for iv in self._holding(contig, pos)), None)

    def _holding(self, contig: str, pos: int) -> Iterator[Interval]:
        chrom = self.canonical(contig)
        if chrom is None or chrom not in self._labels:
            return
        starts = self._label_starts[chrom]
        intervals = self._labels[chrom]
        lo = bisect.bisect_left(starts, pos - self._longest[chrom] + 1)
        for i in range(lo, bisect.bisect_right(starts, pos)):
            if intervals[i].end >= pos:
                yield intervals[i]

    def __len__(self) -> int:
        return sum(len(v) for v in self._starts.values())

    def __repr__(self) -> str:
        return f"RegionSet({len(self)} merged regions on {len(self._starts)} contigs)"

    # -- compiled scanning ------------------------------------------------------------------------
    def line_regex(self) -> re.Pattern[bytes]:
        """A byte regex matching ``\\n`` + CHROM + TAB + POS + TAB exactly for the panel's
        records, with CHROM in any recognised spelling and POS inside a merged region.

        The pattern starts with a literal ``\\n`` (so the regex engine skips quickly between
        line starts) and is built as a character trie, so each alternative begins with a
        distinct literal and the engine rejects a non-panel line after a few bytes.
        """
        return re.compile(self._line_pattern(0).encode("ascii"))

    def coarse_line_pattern(self, max_gap: int = COARSE_GAP, lookback: int = 0) -> str:
        """The text of a regex like :meth:`line_regex` over the regions merged across gaps
        shorter than ``max_gap``, each also ``lookback`` bases longer on its left (records
        that start before a region may reach into it): a superset of the panel lines, for a
        caller that combines it with other alternatives and compiles it once (~45 ms for a
        panel); callers confirm each hit with :meth:`contains`."""
        return self._line_pattern(max_gap, lookback)

    def _line_pattern(self, max_gap: int, lookback: int = 0) -> str:
        table: dict[str, str] = {}
        for chrom in self._starts:
            coarse: list[tuple[int, int]] = []
            for start, e in zip(self._starts[chrom], self._ends[chrom], strict=True):
                s = max(1, start - lookback)
                if coarse and s - coarse[-1][1] <= max_gap:
                    coarse[-1] = (coarse[-1][0], max(coarse[-1][1], e))
                else:
                    coarse.append((s, e))
            ranges = "|".join(_int_range_regex(s, e) for s, e in coarse)
            for alias in contig_aliases(chrom):
                table[alias + "\t"] = f"0*(?:{ranges})\t"
        if not table:
            return "\n(?!)"  # matches nothing
        return "\n" + _trie_regex(table)

    def alias_pattern(self) -> str:
        """Non-capturing regex (text) matching every spelling of the panel's contigs."""
        table = {alias: "" for chrom in self._starts for alias in contig_aliases(chrom)}
        return _trie_regex(table) if table else "(?!)"


def _contig_rank(chrom: str) -> tuple[int, str]:
    try:
        return (CANONICAL_CONTIGS.index(chrom), "")
    except ValueError:
        return (len(CANONICAL_CONTIGS), chrom)


# -- regex builders ------------------------------------------------------------------------------
def _int_range_regex(lo: int, hi: int) -> str:
    """Regex (no anchors) matching exactly the decimal integers in ``[lo, hi]`` (lo >= 0)."""
    parts: list[str] = []
    for digits in range(len(str(lo)), len(str(hi)) + 1):
        a = max(lo, 10 ** (digits - 1) if digits > 1 else 0)
        b = min(hi, 10**digits - 1)
        if a <= b:
            parts.extend(_same_length_range(str(a), str(b)))
    return "|".join(parts)


def _same_length_range(a: str, b: str) -> list[str]:
    if a == b:
        return [a]
    i = 0
    while a[i] == b[i]:
        i += 1
    prefix, a, b = a[:i], a[i:], b[i:]
    n = len(a)
    if n == 1:
        return [f"{prefix}[{a}-{b}]"]
    rest = n - 1
    a_low = a[1:] == "0" * rest
    b_high = b[1:] == "9" * rest
    tail = r"\d" if rest == 1 else rf"\d{{{rest}}}"
    out: list[str] = []
    first, last = int(a[0]), int(b[0])
    if not a_low:
        out.extend(prefix + a[0] + p for p in _same_length_range(a[1:], "9" * rest))
        first += 1
    if not b_high:
        last -= 1
    if first <= last:
        digit = str(first) if first == last else f"[{first}-{last}]"
        out.append(prefix + digit + tail)
    if not b_high:
        out.extend(prefix + b[0] + p for p in _same_length_range("0" * rest, b[1:]))
    return out


def _trie_regex(table: dict[str, str]) -> str:
    """Regex for ``key + table[key]`` over all keys, factored as a character trie."""
    trie: dict[str, Any] = {}
    for key, suffix in table.items():
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = suffix
    return _emit(trie)


def _emit(node: dict[str, Any]) -> str:
    branches = []
    for ch in sorted(node):
        child = node[ch]
        if ch == "":
            branches.append(str(child))
        else:
            branches.append(re.escape(ch) + _emit(child))
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


# -- panel regions (annotations/panel_regions) ---------------------------------------------------
def load_panel_regions(
    build: Build,
    *,
    margin: int = DEFAULT_MARGIN,
    directory: str | Path | None = None,
    roles: Sequence[str] | None = None,
) -> tuple[Interval, ...]:
    """Gene spans (plus ``margin``) from ``annotations/panel_regions/panel_genes.tsv`` for the
    genes used only as tumour-DNA evidence or for clonal-haematopoiesis exclusion.

    ``roles`` filters the ``role`` column (e.g. ``("crc_driver",)``); ``None`` keeps all.
    """
    if directory is None:
        from egfr_annot.resources import annotations_dir

        directory = annotations_dir() / "panel_regions"
    path = Path(directory) / PANEL_GENES_FILE
    col = "grch37" if build == "GRCh37" else "grch38"
    out: list[Interval] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.DictReader((line for line in fh if not line.startswith("#")),
                                  delimiter="\t")
            for row in rows:
                if roles is not None and row["role"] not in roles:
                    continue
                chrom = row[f"{col}_chrom"]
                if chrom in ("", "."):
                    continue  # the gene is not in this build (U2AF1L5 on GRCh37)
                start = int(row[f"{col}_start"])
                end = int(row[f"{col}_end"])
                out.append(Interval(chrom, max(1, start - margin), end + margin, row["gene"]))
    except (OSError, KeyError, ValueError) as err:
        raise KnowledgeBaseError(f"{path}: cannot read panel regions: {err}") from err
    return tuple(out)


def regions_from_transcripts(
    models: Iterable[TranscriptModel | _HasTranscriptSpan], *, margin: int = DEFAULT_MARGIN
) -> tuple[Interval, ...]:
    """One interval per transcript model: ``tx_start - margin`` .. ``tx_end + margin``."""
    return tuple(
        Interval(m.chrom, max(1, m.tx_start - margin), m.tx_end + margin, m.gene) for m in models
    )


def panel_region_set(
    build: Build,
    transcript_models: Iterable[TranscriptModel | _HasTranscriptSpan] = (),
    *,
    margin: int = DEFAULT_MARGIN,
    directory: str | Path | None = None,
) -> RegionSet:
    """The reader's default RegionSet: transcript models + ``panel_regions`` genes."""
    return RegionSet(
        regions_from_transcripts(transcript_models, margin=margin)
        + load_panel_regions(build, margin=margin, directory=directory)
    )
