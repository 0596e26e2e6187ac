"""Indexed reading of bgzipped VCFs (``.tbi``/``.csi``): query only the panel's regions.

``records_read`` must still count every record of the file. The index holds those counts (the
"pseudo-bin" of each reference that htslib writes with n_mapped/n_unmapped, as used by
``bcftools index --nrecords``); :func:`index_record_count` reads them. Without them, or when the
index is older than the file, or the BGZF end-of-file block is missing (truncated file), the
reader streams the whole file instead (see ``vcf.py``).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator

from egfr_annot.io.regions import RegionSet

_TBI_PSEUDO_BIN = 37450


def find_index(path: str) -> str | None:
    for suffix in (".tbi", ".csi"):
        candidate = path + suffix
        if os.path.isfile(candidate):
            return candidate
    return None


def index_is_stale(path: str, index: str) -> bool:
    try:
        return os.path.getmtime(index) < os.path.getmtime(path)
    except OSError:
        return True


def index_record_count(index: str) -> int | None:
    """Total number of records from a .tbi/.csi index, or None when it does not say."""
    from isal import igzip

    try:
        with open(index, "rb") as fh:
            data = igzip.decompress(fh.read())  # type: ignore[no-untyped-call]
    except Exception:  # noqa: BLE001 - unreadable index: stream instead
        return None
    try:
        if data[:4] == b"TBI\x01":
            return _tbi_count(data)
        if data[:4] == b"CSI\x01":
            return _csi_count(data)
    except (struct.error, IndexError, ValueError):
        return None
    return None


def _tbi_count(data: bytes) -> int | None:
    (n_ref,) = struct.unpack_from("<i", data, 4)
    (l_nm,) = struct.unpack_from("<i", data, 32)
    off = 36 + l_nm
    total = 0
    for _ in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", data, off)
        off += 4
        found = False
        for _ in range(n_bin):
            bin_id, n_chunk = struct.unpack_from("<Ii", data, off)
            off += 8
            if bin_id == _TBI_PSEUDO_BIN and n_chunk == 2:
                mapped, unmapped = struct.unpack_from("<QQ", data, off + 16)
                total += mapped + unmapped
                found = True
            off += 16 * n_chunk
        (n_intv,) = struct.unpack_from("<i", data, off)
        off += 4 + 8 * n_intv
        if not found:
            return None
    if off + 8 <= len(data):
        (no_coor,) = struct.unpack_from("<Q", data, off)
        total += no_coor
    return total


def _csi_count(data: bytes) -> int | None:
    _min_shift, depth, l_aux = struct.unpack_from("<iii", data, 4)
    off = 16 + l_aux
    (n_ref,) = struct.unpack_from("<i", data, off)
    off += 4
    pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    total = 0
    for _ in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", data, off)
        off += 4
        found = False
        for _ in range(n_bin):
            bin_id, _loff, n_chunk = struct.unpack_from("<IQi", data, off)
            off += 16
            if bin_id == pseudo and n_chunk == 2:
                mapped, unmapped = struct.unpack_from("<QQ", data, off + 16)
                total += mapped + unmapped
                found = True
            off += 16 * n_chunk
        if not found and n_bin:
            return None
    if off + 8 <= len(data):
        (no_coor,) = struct.unpack_from("<Q", data, off)
        total += no_coor
    return total


def tabix_lines(
    path: str, index: str, regions: RegionSet
) -> Iterator[tuple[str, int, int, bytes]]:
    """``(contig, region_start, region_end, raw_line)`` for every record the index returns for
    the merged regions (records overlapping a region, as htslib defines overlap)."""
    import pysam

    tbx = pysam.TabixFile(path, index=index, encoding="latin-1")
    try:
        by_canonical: dict[str, list[str]] = {}
        for name in tbx.contigs:
            chrom = regions.canonical(name)
            if chrom is not None:
                by_canonical.setdefault(chrom, []).append(name)
        for chrom, start, end in regions.merged():
            for name in by_canonical.get(chrom, ()):
                for line in tbx.fetch(name, start - 1, end):
                    yield name, start, end, line.encode("latin-1")
    finally:
        tbx.close()
