"""Reference bases of the panel regions (issue #3).

Only what ``annotations/transcripts/`` holds is known: the LRG genomic regions (EGFR, BRAF, PIK3CA,
PTEN, MET, MAP2K1, NRAS, FCGR3A), HRAS exons 2-6 with introns plus most of exon 1, and the exonic
bases (incl. UTRs) of KRAS and ERBB2. Everything else is unknown and :meth:`fetch` answers ``None``
there -- callers must treat that as "cannot check", never as a mismatch.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.genome.transcripts import SequenceSegment, load_transcript_set
from egfr_annot.records import Build


class ReferenceSequence:
    """Per-build access to the known reference bases; each gene's file is read on first use."""

    __slots__ = ("build", "_set", "_by_chrom", "_starts", "_loaded")

    def __init__(self, build: Build, annotations_dir: Path | None = None) -> None:
        self.build = build
        self._set = load_transcript_set(build, annotations_dir)
        by_chrom: dict[str, list[SequenceSegment]] = {}
        for segs in self._set.segments.values():
            for seg in segs:
                by_chrom.setdefault(seg.chrom, []).append(seg)
        self._by_chrom = {c: tuple(sorted(s, key=lambda x: x.start)) for c, s in by_chrom.items()}
        for chrom, segs in self._by_chrom.items():
            for a, b in zip(segs, segs[1:], strict=False):
                if b.start <= a.end:
                    raise ValueError(f"{build} reference segments overlap on {chrom}: "
                                     f"{a.gene} {a.start}-{a.end} and {b.gene} {b.start}-{b.end}")
        # disjoint: the one segment starting last at or before a position is the only one that
        # can hold it (a binary search, not a scan of ERBB2's 27 exon segments per record)
        self._starts = {c: [seg.start for seg in segs] for c, segs in self._by_chrom.items()}
        self._loaded: dict[str, dict[int, str]] = {}  # gene -> segment start -> bases

    def segment_at(self, chrom: str, pos: int) -> SequenceSegment | None:
        """The known segment holding ``chrom:pos`` (None when the base is unknown)."""
        contig = canonical_contig(chrom)
        segs = self._by_chrom.get(contig)
        if segs is None:
            return None
        i = bisect_right(self._starts[contig], pos) - 1
        if i >= 0 and pos <= segs[i].end:
            return segs[i]
        return None

    def known_spans(self) -> Iterator[tuple[str, int, int]]:
        """``(contig, start, end)`` of every segment whose bases are known."""
        for chrom, segs in self._by_chrom.items():
            for seg in segs:
                yield chrom, seg.start, seg.end

    def fetch(self, chrom: str, start: int, end: int) -> str | None:
        """+ strand bases ``chrom:start-end`` (1-based, inclusive), or None if any base is unknown.

        ``end == start - 1`` gives the empty string when ``start - 1`` or ``start`` is known.
        """
        if end < start:
            if end == start - 1 and (
                self.segment_at(chrom, start) is not None or self.segment_at(chrom, end) is not None
            ):
                return ""
            return None
        seg = self.segment_at(chrom, start)
        if seg is None or end > seg.end:
            return None
        bases = self._bases(seg)
        return bases[start - seg.start : end - seg.start + 1]

    def iter_right(self, chrom: str, pos: int, chunk: int = 64) -> Iterator[str]:
        """Known bases from ``pos`` rightwards (+ strand), until the known stretch ends."""
        seg = self.segment_at(chrom, pos)
        if seg is None:
            return
        bases = self._bases(seg)
        i = pos - seg.start
        while i < len(bases):
            yield from bases[i : i + chunk]
            i += chunk

    def iter_left(self, chrom: str, pos: int, chunk: int = 64) -> Iterator[str]:
        """Known bases from ``pos`` leftwards (+ strand), until the known stretch ends."""
        seg = self.segment_at(chrom, pos)
        if seg is None:
            return
        bases = self._bases(seg)
        j = pos - seg.start + 1  # exclusive end
        while j > 0:
            yield from reversed(bases[max(0, j - chunk) : j])
            j -= chunk

    def known_span(self, chrom: str, pos: int) -> tuple[int, int] | None:
        """(start, end) of the known stretch around ``chrom:pos``, or None."""
        seg = self.segment_at(chrom, pos)
        return None if seg is None else (seg.start, seg.end)

    def _bases(self, seg: SequenceSegment) -> str:
        gene_bases = self._loaded.get(seg.gene)
        if gene_bases is None:
            gene_bases = self._read_gene(seg.gene)
            self._loaded[seg.gene] = gene_bases
        return gene_bases[seg.start]

    def _read_gene(self, gene: str) -> dict[int, str]:
        rel, sha = self._set.sequence_files[gene]
        path = self._set.directory / rel
        from isal import isal_zlib  # inflates ~2.5x faster than gzip.decompress (issue #9)

        text = isal_zlib.decompress(path.read_bytes(), wbits=31)
        if hashlib.sha256(text).hexdigest() != sha:
            raise ValueError(f"{path}: checksum differs from {self.build}.json (corrupt file?)")
        out: dict[int, str] = {}
        lines = text.decode("ascii").splitlines()
        for header, seq in zip(lines[::2], lines[1::2], strict=True):
            span = header.split(" ")[1].split(":")[1]
            start, end = (int(x) for x in span.split("-"))
            if len(seq) != end - start + 1:
                raise ValueError(f"{path}: {header}: length does not match its span")
            out[start] = seq
        return out
