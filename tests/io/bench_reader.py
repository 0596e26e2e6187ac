"""Local speed measurement of the VCF reader against ``bcftools view -T`` (issue #9, reader half).

Not a test (pytest does not collect it). Run::

    /work/venv/bin/python tests/io/bench_reader.py --records 5000000 [--workdir /tmp/egfr_bench]

It writes a synthetic Mutect2-like VCF (2 samples, sorted, GRCh38 contig names without "chr",
~4% of records inside the panel genes), bgzips it, writes the panel BED, then times
``bcftools view -T genes.bed`` (to /dev/null) and egfr-annot's reader (calls() fully consumed),
and prints both wall times, their ratio and the reader's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

HEADER = """##fileformat=VCFv4.2
##source=Mutect2
##tumor_sample=TUMOR
##normal_sample=NORMAL
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=F1R2,Number=R,Type=Integer,Description="F1R2">
##FORMAT=<ID=F2R1,Number=R,Type=Integer,Description="F2R1">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=SB,Number=4,Type=Integer,Description="Strand bias">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##INFO=<ID=ECNT,Number=1,Type=Integer,Description="Events">
##INFO=<ID=MBQ,Number=R,Type=Integer,Description="median base quality">
##INFO=<ID=MFRL,Number=R,Type=Integer,Description="median fragment length">
##INFO=<ID=MMQ,Number=R,Type=Integer,Description="median mapping quality">
##INFO=<ID=MPOS,Number=A,Type=Integer,Description="median distance from end of read">
##INFO=<ID=NALOD,Number=A,Type=Float,Description="NALOD">
##INFO=<ID=NLOD,Number=A,Type=Float,Description="NLOD">
##INFO=<ID=POPAF,Number=A,Type=Float,Description="POPAF">
##INFO=<ID=TLOD,Number=A,Type=Float,Description="TLOD">
"""


def _regions(build: str):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from egfr_annot.io.regions import RegionSet, load_panel_regions

    extra = [  # the anti-EGFR panel genes (approximate GRCh38 spans; only for this benchmark)
        ("7", 55019017, 55211628, "EGFR"), ("12", 25205246, 25250929, "KRAS"),
        ("1", 114704469, 114716894, "NRAS"), ("7", 140719327, 140924929, "BRAF"),
        ("3", 179148114, 179240093, "PIK3CA"), ("17", 39687914, 39730426, "ERBB2"),
        ("7", 116672196, 116798377, "MET"), ("15", 66386837, 66490272, "MAP2K1"),
        ("10", 87863113, 87971930, "PTEN"), ("11", 532242, 537287, "HRAS"),
    ]
    return RegionSet(list(load_panel_regions(build)) + extra)


def write_vcf(path: Path, n_records: int, panel_fraction: float, seed: int = 7) -> None:
    from egfr_annot.io.contigs import CONTIG_LENGTHS

    rng = random.Random(seed)
    regions = _regions("GRCh38").merged()
    lengths = CONTIG_LENGTHS["GRCh38"]
    contigs = [c for c in lengths if c not in ("Y",)]
    total = sum(lengths[c] for c in contigs)
    by_contig: dict[str, list[int]] = {c: [] for c in contigs}
    n_panel = int(n_records * panel_fraction)
    for _ in range(n_panel):
        chrom, start, end = rng.choice(regions)
        by_contig[chrom].append(rng.randint(start, end))
    for _ in range(n_records - n_panel):
        x = rng.randrange(total)
        for c in contigs:
            if x < lengths[c]:
                by_contig[c].append(x + 1)
                break
            x -= lengths[c]
    bases = "ACGT"
    with open(path, "w") as out:
        out.write(HEADER)
        for c in contigs:
            out.write(f"##contig=<ID={c},length={lengths[c]}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\tNORMAL\n")
        for c in contigs:
            lines = []
            for pos in sorted(by_contig[c]):
                ref = bases[pos % 4]
                alt = bases[(pos + 1) % 4]
                alt_t = pos % 37
                dp = 1500 + pos % 800
                lines.append(
                    f"{c}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tDP={2 * dp};ECNT=1;MBQ=49,48;"
                    f"MFRL=150,148;MMQ=60,60;MPOS=55;NALOD=-3.126e+00;NLOD=247.77;POPAF=3.00;"
                    f"TLOD=2.89\tGT:AD:AF:DP:F1R2:F2R1:SB\t0/1:{dp - alt_t},{alt_t}:"
                    f"{alt_t / dp:.3e}:{dp}:{dp - alt_t},{alt_t}:0,0:893,673,1,1\t"
                    f"0/0:1189,2:2.309e-03:1191:1189,2:0,0:643,546,1,1\n"
                )
            out.write("".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--panel-fraction", type=float, default=0.04)
    ap.add_argument("--workdir", default="/tmp/egfr_bench")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--indexed", action="store_true", help="also time a tabix-indexed query")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    vcf = work / f"synthetic_{args.records}.vcf"
    gz = Path(str(vcf) + ".gz")
    if not gz.exists():
        t = time.time()
        write_vcf(vcf, args.records, args.panel_fraction)
        subprocess.run(["bgzip", "-f", "-@2", str(vcf)], check=True)
        print(f"wrote {gz} in {time.time() - t:.1f}s", file=sys.stderr)
    bed = work / "genes.GRCh38.bed"
    with open(bed, "w") as fh:
        for chrom, start, end in _regions("GRCh38").merged():
            fh.write(f"{chrom}\t{start - 1}\t{end}\n")

    def bcftools() -> float:
        t = time.perf_counter()
        subprocess.run(["bcftools", "view", "-T", str(bed), "-Ov", "-o", "/dev/null", str(gz)],
                       check=True)
        return time.perf_counter() - t

    def reader() -> float:
        code = (
            "import sys,time,resource;t=time.perf_counter()\n"
            "from egfr_annot.io.vcf import open_variants\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
            "from bench_reader import _regions\n"
            f"with open_variants({str(gz)!r}, regions=_regions('GRCh38'),\n"
            "                   use_index=False) as src:\n"
            "    n = sum(1 for _ in src.calls())\n"
            "    c = src.counts\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(f'reader {time.perf_counter()-t:.2f}s calls={n} records_read={c.records_read} '"
            " f'in_panel={c.records_in_panel} mode={src.read_mode} {src.read_mode_detail!r} '"
            " f'peak_rss_main={int(hwm)//1024}MB '"
            " f'peak_rss_scan_child='"
            " f'{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss//1024}MB',"
            " file=sys.stderr)\n"
        )
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t

    b = min(bcftools() for _ in range(args.runs))
    r = min(reader() for _ in range(args.runs))
    print(f"records={args.records} bcftools_view_T={b:.2f}s reader={r:.2f}s ratio={r / b:.2f}")
    if args.indexed:
        index = Path(str(gz) + ".tbi")
        if not index.exists():
            subprocess.run(["tabix", "-p", "vcf", str(gz)], check=True)
        t = time.perf_counter()
        subprocess.run(["bcftools", "view", "-R", str(bed), "-Ov", "-o", "/dev/null", str(gz)],
                       check=True)
        b_idx = time.perf_counter() - t
        code_idx = (
            "import sys,time;t=time.perf_counter()\n"
            "from egfr_annot.io.vcf import open_variants\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
            "from bench_reader import _regions\n"
            f"with open_variants({str(gz)!r}, regions=_regions('GRCh38')) as src:\n"
            "    n = sum(1 for _ in src.calls()); mode = src.read_mode\n"
            "print(f'indexed reader {time.perf_counter()-t:.2f}s calls={n} mode={mode}',"
            " file=sys.stderr)\n"
        )
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code_idx], check=True)
        print(f"indexed: bcftools_view_R={b_idx:.2f}s reader={time.perf_counter() - t:.2f}s")


if __name__ == "__main__":
    main()
