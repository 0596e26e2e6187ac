#!/usr/bin/env python3
"""PROTOTYPE, not product code: pick the panel lines of a VCF block with numpy instead of a regex.

Evidence for benchmarks/PROFILING.md (issue #9). On the 5M-record benchmark file the scanning
subprocess spends most of its time in the panel regex (``LineScanner._panel_offsets``): about
0.4 us per line. Vectorising the CHROM/POS extraction and the region test does the same
selection at ~0.17 us per line. This script runs both on a file and checks they select exactly
the same lines::

    python benchmarks/prototypes/numpy_scan.py benchmarks/data/wgs_5M.vcf.gz

What a production version would still need (the reader engineer's call): the line-by-line
fallback when a block's tab count is off (as ``LineScanner`` does today), the bad-POS error
(a non-digit byte in the POS field), contig names longer than 7 bytes (hash or fall back), the
INFO/END / SVLEN span pass, and the ``\\r`` handling.
"""

from __future__ import annotations

import sys
import time

import numpy as np


def region_keys(regions) -> tuple[dict[str, int], np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    merged = regions.merged()
    ids = {c: i + 1 for i, c in enumerate(sorted({c for c, _, _ in merged}))}
    starts = np.array([(ids[c] << 32) | s for c, s, _ in merged], dtype=np.int64)
    ends = np.array([(ids[c] << 32) | e for c, _, e in merged], dtype=np.int64)
    order = np.argsort(starts)
    return ids, starts[order], ends[order]


class NumpySelector:
    """Offsets (of the preceding newline) of the panel lines of a block ``\\n...\\n``."""

    def __init__(self, regions, ncols: int) -> None:  # type: ignore[no-untyped-def]
        self.regions = regions
        self.ncols = ncols
        self.ids, self.starts, self.ends = region_keys(regions)
        self.chrom_ids: dict[int, int] = {}

    def select(self, data: bytes, end: int) -> np.ndarray:
        arr = np.frombuffer(data, dtype=np.uint8, count=end)
        nl = np.flatnonzero(arr == 10)
        tabs = np.flatnonzero(arr == 9)
        lines = len(nl) - 1
        if len(tabs) != lines * (self.ncols - 1):
            raise ValueError("irregular block: use the line-by-line path")
        line_starts = nl[:-1] + 1
        tab1 = tabs[0:: self.ncols - 1]
        tab2 = tabs[1:: self.ncols - 1]
        # CHROM -> contig id: pack up to 7 bytes into an int64, map the distinct values once
        clen = tab1 - line_starts
        packed = np.zeros(lines, dtype=np.int64)
        for k in range(int(min(clen.max(), 7))):
            packed = np.where(clen > k, packed * 256 + arr[line_starts + k].astype(np.int64),
                              packed)
        uniq, inverse = np.unique(packed, return_inverse=True)
        cid = np.array([self._chrom_id(int(u)) for u in uniq], dtype=np.int64)[inverse]
        cid = np.where(clen > 7, 0, cid)  # longer names: not handled by the prototype
        # POS: digits right to left
        plen = tab2 - tab1 - 1
        pos = np.zeros(lines, dtype=np.int64)
        scale = np.ones(lines, dtype=np.int64)
        for k in range(int(plen.max())):
            digit = arr[tab2 - 1 - k].astype(np.int64) - 48
            pos += np.where(plen > k, digit * scale, 0)
            scale *= 10
        key = (cid << 32) | pos
        i = np.searchsorted(self.starts, key, side="right") - 1
        hit = (cid > 0) & (i >= 0) & (key <= self.ends[np.maximum(i, 0)])
        return nl[:-1][hit]

    def _chrom_id(self, packed: int) -> int:
        found = self.chrom_ids.get(packed)
        if found is None:
            name = packed.to_bytes(8, "big").lstrip(b"\0").decode("ascii", "replace")
            found = self.ids.get(self.regions.canonical(name) or "", 0)
            self.chrom_ids[packed] = found
        return found


def main(path: str) -> int:
    from egfr_annot.io.vcf_scan import LineScanner
    from egfr_annot.io.vcf_stream import READ_BLOCK, open_stream, read_header
    from egfr_annot.pipeline import Resources

    regions = Resources().regions(None)  # what `egfr-annot run` scans with --build auto

    stream = open_stream(path)
    header, _ = read_header(stream, sample=None, normal=None)
    selector = NumpySelector(regions, len(header.columns))
    picked: list[bytes] = []
    spent = 0.0
    carry = b"\n"
    while True:
        data = stream.fh.read(READ_BLOCK)
        if not data:
            break
        data = carry + data
        cut = data.rfind(b"\n")
        t0 = time.perf_counter()
        offsets = selector.select(data, cut + 1)
        spent += time.perf_counter() - t0
        picked += [data[o + 1: data.index(b"\n", o + 1)] for o in offsets.tolist()]
        carry = data[cut:]
    stream.close()

    stream = open_stream(path)
    header, _ = read_header(stream, sample=None, normal=None)
    t0 = time.perf_counter()
    scanner = LineScanner(stream, first_line_no=header.n_header_lines + 1,
                          ncols=len(header.columns), regions=regions, span_keys=False,
                          use_numpy=True)
    reference = [raw for _, raw, _ in scanner.lines()]
    regex_total = time.perf_counter() - t0
    stream.close()
    lines = scanner.records_read
    print(f"{lines} lines; numpy selection {spent:.2f} s ({1e9 * spent / lines:.0f} ns/line); "
          f"LineScanner (decompression included) {regex_total:.2f} s; "
          f"same {len(reference)} lines selected: {picked == reference}")
    return 0 if picked == reference else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
