"""The streamed scanner's two paths (line by line for small inputs, coarse regex + exact check
for large ones) find exactly the records inside fine-grained regions (exons +/- a margin)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from egfr_annot.io.regions import Interval, RegionSet
from egfr_annot.io.vcf import open_variants

HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n"
)
# Exon-like regions 1-5 kb apart on two contigs, and one far away.
REGIONS = RegionSet(
    [Interval("7", 1_000_000 + 3_000 * i, 1_000_000 + 3_000 * i + 400, f"G{i}") for i in range(60)]
    + [
        Interval("12", 25_000_000 + 10_000 * i, 25_000_000 + 10_000 * i + 200, "K")
        for i in range(5)
    ]
    + [Interval("12", 90_000_000, 90_000_100, "FAR")]
)


def write_vcf(path: Path, n: int, seed: int) -> int:
    """n records near the regions; returns how many fall inside them."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        chrom = rng.choice(["7", "12", "chr7", "3"])
        base = 1_000_000 if chrom.endswith("7") else 25_000_000 if chrom == "12" else 5_000
        pos = base + rng.randrange(0, 200_000)
        records.append((chrom, pos))
    records.sort(key=lambda r: (r[0], r[1]))
    inside = sum(REGIONS.contains(c, p) for c, p in records)
    body = "".join(f"{c}\t{p}\t.\tA\tG\t.\tPASS\t.\tAD\t90,10\n" for c, p in records)
    path.write_text(HEADER + body)
    return inside


@pytest.mark.parametrize("n", [300, 40_000])  # below and above the small-block threshold
def test_both_scan_paths_find_exactly_the_region_records(tmp_path: Path, n: int) -> None:
    path = tmp_path / "x.vcf"
    inside = write_vcf(path, n, seed=n)
    assert 0 < inside < n
    with open_variants(str(path), regions=REGIONS) as source:
        calls = list(source.calls())
        counts = source.counts
    assert counts.records_read == n
    assert counts.records_in_panel == inside
    assert len(calls) == inside
    assert all(REGIONS.contains(c.chrom, c.pos) for c in calls)
    if n > 1000:
        assert path.stat().st_size > 1 << 19


def test_bad_pos_is_fatal_on_both_paths(tmp_path: Path) -> None:
    from egfr_annot.errors import InputError

    for n in (10, 20_000):
        path = tmp_path / f"bad{n}.vcf"
        body = "".join(f"3\t{1000 + i}\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n" for i in range(n))
        path.write_text(HEADER + body + "3\tx12\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n")
        with (
            pytest.raises(InputError, match=rf"{path.name}:{n + 4}:"),
            open_variants(str(path), regions=REGIONS) as source,
        ):
            list(source.calls())
