"""Every way of reading a file gives the same calls, copy-number records and counts: plain text,
BGZF streamed in this process, BGZF scanned by the child process (its numpy selection), a .tbi
index query, BCF streamed by cyvcf2 and BCF with a .csi. The files hold thousands of random
records on and around the panel's GRCh38 regions: SNVs, insertions, deletions whose REF reaches
into a region from up to 400 bases before it, and ``<DEL>``/``<DUP>`` records whose INFO/END
(or, VCF 4.4, INFO/SVLEN alone) reaches into one from up to 20 kb before it (issues #5, #9)."""

from __future__ import annotations

import dataclasses
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from reader_helpers import read_all, tool

from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import SCAN_PROCESS_ENV
from egfr_annot.pipeline import Resources

CONTIGS = {"1": 248956422, "7": 159345973, "10": 133797422, "12": 133275309}
FORMAT = "GT:AD:AF:DP:CN\t0/1:30,5:0.14:35:1"


def _header(svlen: bool) -> str:
    lines = ["##fileformat=VCFv4.2"]
    lines += [f"##contig=<ID=chr{c},length={n}>" for c, n in CONTIGS.items()]
    lines.append('##INFO=<ID=END,Number=1,Type=Integer,Description="End">')
    if svlen:
        lines.append('##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="Length">')
    lines.append('##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">')
    for key, number, kind in (("GT", "1", "String"), ("AD", "R", "Integer"),
                              ("AF", "A", "Float"), ("DP", "1", "Integer"),
                              ("CN", "1", "Float")):
        lines.append(f'##FORMAT=<ID={key},Number={number},Type={kind},Description="{key}">')
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR")
    return "\n".join(lines) + "\n"


def _records(rng: random.Random, regions: RegionSet, n: int, svlen: bool) -> list[str]:
    merged = [m for m in regions.merged() if m[0] in CONTIGS]
    order = list(CONTIGS)
    records = []
    for _ in range(n):
        chrom, start, end = rng.choice(merged)
        pos = rng.randint(max(1, start - 3000), end + 3000)
        kind = rng.random()
        info = "."
        if kind < 0.7:
            ref = rng.choice("ACGT")
            alt = rng.choice([b for b in "ACGT" if b != ref])
        elif kind < 0.85:
            ref = "".join(rng.choice("ACGT") for _ in range(rng.randint(2, 400)))
            alt = ref[0]
        elif kind < 0.9:
            ref = rng.choice("ACGT")
            alt = ref + "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 30)))
        else:
            ref, alt = "N", rng.choice(["<DEL>", "<DUP>"])
            length = rng.randint(1, 20_000)
            info = f"SVTYPE={alt[1:-1]};" + (
                f"SVLEN={-length if alt == '<DEL>' else length}" if svlen and kind < 0.95
                else f"END={pos + length}")
        records.append((order.index(chrom), pos,
                        f"chr{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t{info}\t{FORMAT}"))
    records.sort()
    return [text for *_, text in records]


def _read(path: Path, regions: RegionSet, monkeypatch: pytest.MonkeyPatch, child: bool
          ) -> tuple[list[object], list[tuple[object, ...]], int, str]:
    monkeypatch.setenv(SCAN_PROCESS_ENV, "1" if child else "0")
    calls, counts, src = read_all(path, regions=regions)
    symbolic = sorted((s.chrom, s.pos, s.alt, s.end) for s in src.symbolic_records())  # type: ignore[attr-defined]
    return ([dataclasses.replace(c, line=0) for c in calls], symbolic, counts.records_in_panel,
            src.how_read)  # type: ignore[attr-defined]


@pytest.mark.parametrize("svlen", [False, True], ids=["END spans", "SVLEN spans"])
def test_all_read_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              svlen: bool) -> None:
    bgzip, tabix, bcftools = tool("bgzip"), tool("tabix"), tool("bcftools")
    regions = Resources().regions("GRCh38")
    plain = tmp_path / "x.vcf"
    records = _records(random.Random(11 + svlen), regions, 20_000, svlen)
    plain.write_text(_header(svlen) + "\n".join(records) + "\n")
    subprocess.run([bgzip, "-k", str(plain)], check=True)
    bgzipped = tmp_path / "x.vcf.gz"
    (tmp_path / "tbi").mkdir()
    indexed = Path(shutil.copy(bgzipped, tmp_path / "tbi" / "x.vcf.gz"))
    subprocess.run([tabix, "-p", "vcf", str(indexed)], check=True)
    bcf = tmp_path / "x.bcf"
    subprocess.run([bcftools, "view", "-Ob", "-o", str(bcf), str(plain)], check=True)
    (tmp_path / "csi").mkdir()
    indexed_bcf = Path(shutil.copy(bcf, tmp_path / "csi" / "x.bcf"))
    subprocess.run([bcftools, "index", str(indexed_bcf)], check=True)

    expected = _read(plain, regions, monkeypatch, child=False)
    calls, symbolic, in_panel, _ = expected
    # what the comparison stands on: calls and spans of every kind, in and reaching the regions
    assert len(calls) > 4000 and len(symbolic) > 1000 and in_panel > 6000
    assert any(s[3] - s[1] > 1000 for s in symbolic)
    ways = {
        "BGZF streamed": (bgzipped, False),
        "BGZF, scanning child": (bgzipped, True),
        ".tbi query": (indexed, False),
        "BCF streamed": (bcf, False),
        "BCF, .csi query": (indexed_bcf, False),
    }
    for how, (path, child) in ways.items():
        got = _read(path, regions, monkeypatch, child)
        assert got[:3] == expected[:3], how
        if how == "BGZF, scanning child":
            assert "scanning subprocess" in got[3]
        elif how.endswith("query"):
            # an index is used unless SVLEN may give a span it does not cover
            assert ("only the regions were read" in got[3]) == (not svlen), how
