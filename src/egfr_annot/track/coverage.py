"""Per-position read depth from a coverage file, for telling "not detected" from "not covered"
(issue #10). Two formats, told apart by the number of columns of the first data line:

* ``chrom pos depth`` - 1-based positions, as ``samtools depth`` writes them (tab or space
  separated; ``#`` lines and a first header line such as ``chrom pos depth`` are skipped);
* ``chrom start end depth`` - BED intervals, 0-based half-open, as mosdepth writes
  ``PREFIX.per-base.bed.gz`` (also ``regions.bed.gz``: the mean depth of each region).

Plain or gzip/BGZF. A BGZF file with a ``.csi``/``.tbi`` index (mosdepth writes one) is queried
through the index; anything else is streamed once, keeping only the positions asked for.
Contig names are matched in any spelling (``chr7``, ``7``, ``NC_000007.14``). Bad lines raise
``InputError(FILE, LINE, problem)``.
"""

from __future__ import annotations

import bisect
import gzip
import os
from collections.abc import Iterator, Mapping
from typing import IO

from egfr_annot.errors import InputError
from egfr_annot.io.contigs import canonical_contig

Position = tuple[str, int]  # (canonical contig, 1-based position)


def read_depths(
    path: str, positions: Mapping[str, set[int]]
) -> dict[Position, int]:
    """Depth at each wanted position (canonical contig -> 1-based positions) that the file
    covers; positions the file does not mention are absent from the result."""
    wanted = {chrom: sorted(ps) for chrom, ps in positions.items() if ps}
    if not wanted:
        return {}
    indexed = _read_indexed(path, wanted)
    if indexed is not None:
        return indexed
    return _read_streamed(path, wanted)


# -- streamed --------------------------------------------------------------------------------
def _open(path: str) -> IO[str]:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if magic == b"\x1f\x8b":
            return gzip.open(path, "rt", encoding="utf-8", errors="replace")
        return open(path, encoding="utf-8", errors="replace")
    except OSError as err:
        raise InputError(path, None, err.strerror or str(err)) from err


def _lines(path: str) -> Iterator[tuple[int, list[str]]]:
    with _open(path) as fh:
        try:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                yield lineno, line.split()
        except (OSError, EOFError) as err:  # truncated / corrupt gzip
            raise InputError(path, None, f"cannot read the coverage file: {err}") from err


def _read_streamed(path: str, wanted: dict[str, list[int]]) -> dict[Position, int]:
    found: dict[Position, int] = {}
    ncols: int | None = None
    canonical: dict[str, str | None] = {}
    for lineno, fields in _lines(path):
        if ncols is None:
            if len(fields) not in (3, 4):
                raise InputError(
                    path, lineno, f"{len(fields)} columns: a coverage file has 'chrom pos depth' "
                    "(3 columns) or 'chrom start end depth' (4 columns, BED/mosdepth)"
                )
            if not fields[1].isdigit():  # a header line ("chrom pos depth")
                ncols = len(fields)
                continue
            ncols = len(fields)
        if len(fields) != ncols:
            raise InputError(path, lineno, f"{len(fields)} columns, expected {ncols}")
        name = fields[0]
        if name not in canonical:
            canonical[name] = canonical_contig(name)
        chrom = canonical[name]
        targets = wanted.get(chrom) if chrom is not None else None
        if targets is None:
            continue
        depth = _depth(path, lineno, fields[-1])
        if ncols == 3:
            pos = _int(path, lineno, fields[1], "pos")
            i = bisect.bisect_left(targets, pos)
            if i < len(targets) and targets[i] == pos:
                found[(chrom, pos)] = depth  # type: ignore[index]
        else:
            start = _int(path, lineno, fields[1], "start")
            end = _int(path, lineno, fields[2], "end")
            if end < start:
                raise InputError(path, lineno, f"end {end} before start {start}")
            # BED [start, end) 0-based = 1-based positions start+1 .. end
            i = bisect.bisect_right(targets, start)
            while i < len(targets) and targets[i] <= end:
                found[(chrom, targets[i])] = depth  # type: ignore[index]
                i += 1
    if ncols is None:
        raise InputError(path, None, "empty coverage file")
    return found


def _int(path: str, lineno: int, text: str, what: str) -> int:
    if not text.isdigit():
        raise InputError(path, lineno, f"{what} {text[:30]!r} is not a non-negative integer")
    return int(text)


def _depth(path: str, lineno: int | None, text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise InputError(path, lineno, f"depth {text[:30]!r} is not a number") from None
    if not value >= 0:  # also rejects NaN
        raise InputError(path, lineno, f"depth {text[:30]!r} is negative")
    return int(value)


# -- indexed (BGZF + .csi/.tbi, as mosdepth writes) -----------------------------------------
def _read_indexed(path: str, wanted: dict[str, list[int]]) -> dict[Position, int] | None:
    index = next((path + s for s in (".csi", ".tbi") if os.path.isfile(path + s)), None)
    if index is None or os.path.getmtime(index) < os.path.getmtime(path):
        return None
    try:
        import pysam

        tabix = pysam.TabixFile(path, index=index)
    except Exception:  # noqa: BLE001 - not a usable tabix file: stream it instead
        return None
    found: dict[Position, int] = {}
    try:
        names = {canonical_contig(c): c for c in tabix.contigs}
        for chrom, targets in wanted.items():
            name = names.get(chrom)
            if name is None:
                continue
            for pos in targets:
                for row in tabix.fetch(name, pos - 1, pos):
                    fields = row.split("\t")
                    if len(fields) == 4:
                        start, end = int(fields[1]), int(fields[2])
                        if start < pos <= end:
                            found[(chrom, pos)] = _depth(path, None, fields[3])
                    elif len(fields) == 3 and int(fields[1]) == pos:
                        found[(chrom, pos)] = _depth(path, None, fields[2])
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - htslib errors: one line for the user
        raise InputError(path, None, f"cannot read the coverage file through its index: {err}") \
            from err
    finally:
        tabix.close()
    return found
