#!/usr/bin/env python3
"""Deterministic generator of realistic benchmark VCFs (issue #9). Not part of the package.

Two modes::

    # one large Mutect2-like tumour/normal call set, sorted, bgzipped (.gz) or plain
    python benchmarks/generate.py --records 5000000 --panel-fraction 0.04 --samples 2 \\
        --out benchmarks/data/wgs_5M.vcf.gz [--index [tbi|csi]] [--seed 1] [--reuse]

    # many small ctDNA panel VCFs (200 records each) for the batch benchmark
    python benchmarks/generate.py --panel-vcfs 1000 --records-per-file 200 \\
        --out-dir benchmarks/data/panel_vcfs [--seed 1] [--reuse]

What makes the files realistic:

- positions on every GRCh38 primary contig (chr1..chr22, chrX, chrY, chrM) in proportion to the
  real contig lengths, which are also declared in ``##contig`` lines; the file is sorted;
- exactly ``round(records * panel_fraction)`` records fall inside the panel genes, i.e. inside
  ``tx_start..tx_end`` of ``egfr_annot.genome.transcripts.load_transcript_models(build)``, spread
  over the genes in proportion to their span; every other record is drawn outside those spans;
- REF bases come from ``egfr_annot.genome.reference.ReferenceSequence`` wherever the bundled
  reference knows them (random bases elsewhere), so egfr-annot's REF check passes;
- Mutect2 dialect: ``##tumor_sample``/``##normal_sample``, FORMAT ``GT:AD:AF:DP``, INFO
  ``DP;TLOD``, FilterMutectCalls filters; ~90 % SNVs, 1-12 bp indels, ~1 % multi-allelic.

The output depends only on the arguments (same seed -> same bytes of VCF text). Records are
written as they are drawn (sorted positions are generated in order, O(1) memory per contig),
so 5M records need a few tens of MB. A sidecar ``FILE.json`` records what was generated;
``--reuse`` skips the work when it already describes the requested file.
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GENERATOR_VERSION = 1
BUILD = "GRCh38"
# GRCh38 primary assembly (Genome Reference Consortium; same values as egfr_annot.io.contigs).
GRCH38_CONTIGS: tuple[tuple[str, int], ...] = (
    ("1", 248956422), ("2", 242193529), ("3", 198295559), ("4", 190214555),
    ("5", 181538259), ("6", 170805979), ("7", 159345973), ("8", 145138636),
    ("9", 138394717), ("10", 133797422), ("11", 135086622), ("12", 133275309),
    ("13", 114364328), ("14", 107043718), ("15", 101991189), ("16", 90338345),
    ("17", 83257441), ("18", 80373285), ("19", 58617616), ("20", 64444167),
    ("21", 46709983), ("22", 50818468), ("X", 156040895), ("Y", 57227415), ("M", 16569),
)
BASES = "ACGT"
# FilterMutectCalls outcome mix (weights out of 100).
FILTER_WEIGHTS = (
    ("PASS", 62), ("weak_evidence", 18), ("germline", 7), ("normal_artifact", 5),
    ("strand_bias", 4), ("clustered_events", 2), ("weak_evidence;strand_bias", 2),
)
FILTER_TABLE: tuple[str, ...] = tuple(f for f, w in FILTER_WEIGHTS for _ in range(w))


# ----------------------------------------------------------------------------------------------
# regions and reference
# ----------------------------------------------------------------------------------------------
Span = tuple[int, int]  # 1-based inclusive


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def panel_gene_spans(build: str = BUILD) -> dict[str, list[tuple[str, int, int]]]:
    """Canonical contig -> [(gene, tx_start, tx_end)] of the transcript models."""
    from egfr_annot.genome.transcripts import load_transcript_models

    out: dict[str, list[tuple[str, int, int]]] = {}
    for gene, model in load_transcript_models(build).items():  # type: ignore[arg-type]
        out.setdefault(_canonical(model.chrom), []).append((gene, model.tx_start, model.tx_end))
    return out


def evidence_gene_spans(build: str = BUILD) -> dict[str, list[Span]]:
    """Canonical contig -> spans of annotations/panel_regions/panel_genes.tsv (no margin)."""
    from egfr_annot.resources import annotations_dir

    path = annotations_dir() / "panel_regions" / "panel_genes.tsv"
    col = "grch37" if build == "GRCh37" else "grch38"
    out: dict[str, list[Span]] = {}
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    head = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(head, line.split("\t"), strict=False))
        chrom = row.get(f"{col}_chrom", ".")
        if chrom in ("", "."):
            continue
        out.setdefault(_canonical(chrom), []).append(
            (int(row[f"{col}_start"]), int(row[f"{col}_end"]))
        )
    return out


def _canonical(chrom: str) -> str:
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return "M" if c in ("MT", "m") else c


class RefLookup:
    """REF bases from the bundled reference where known (None elsewhere), cheap to ask."""

    def __init__(self, build: str = BUILD) -> None:
        from egfr_annot.genome.reference import ReferenceSequence

        self.ref = ReferenceSequence(build)  # type: ignore[arg-type]
        self.starts: dict[str, list[int]] = {}
        self.ends: dict[str, list[int]] = {}
        for chrom, segs in self.ref._by_chrom.items():  # noqa: SLF001 - segment table only
            merged = merge_spans([(s.start, s.end) for s in segs])
            self.starts[_canonical(chrom)] = [s for s, _ in merged]
            self.ends[_canonical(chrom)] = [e for _, e in merged]

    def bases(self, chrom: str, pos: int, length: int) -> str | None:
        starts = self.starts.get(chrom)
        if not starts:
            return None
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0 or pos > self.ends[chrom][i]:
            return None
        seq = self.ref.fetch(chrom, pos, pos + length - 1)
        return seq.upper() if seq else None


# ----------------------------------------------------------------------------------------------
# positions
# ----------------------------------------------------------------------------------------------
def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` over ``weights`` (largest remainder): exact and deterministic."""
    wsum = sum(weights)
    if wsum == 0 or total == 0:
        return [0] * len(weights)
    raw = [total * w / wsum for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def sorted_offsets(rng: random.Random, n: int, size: int) -> Iterator[int]:
    """``n`` uniform integers in ``[0, size)`` in ascending order, O(1) memory
    (Bentley & Saxe: the max of i uniforms is U**(1/i), generated from the top down)."""
    cur = 1.0
    for i in range(n, 0, -1):
        cur *= rng.random() ** (1.0 / i)
        yield min(size - 1, int((1.0 - cur) * size))


def map_offsets(offsets: Iterator[int], spans: Sequence[Span]) -> Iterator[int]:
    """Ascending offsets into the concatenation of ``spans`` -> genomic positions."""
    k = 0
    base = 0  # offset of spans[k] in the concatenation
    for off in offsets:
        while off >= base + spans[k][1] - spans[k][0] + 1:
            base += spans[k][1] - spans[k][0] + 1
            k += 1
        yield spans[k][0] + off - base


def complement(spans: Sequence[Span], length: int) -> list[Span]:
    out: list[Span] = []
    prev = 1
    for start, end in merge_spans(spans):
        if start > prev:
            out.append((prev, min(start - 1, length)))
        prev = max(prev, end + 1)
    if prev <= length:
        out.append((prev, length))
    return out


def span_length(spans: Sequence[Span]) -> int:
    return sum(e - s + 1 for s, e in spans)


# ----------------------------------------------------------------------------------------------
# records
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DepthModel:
    """Read depth and VAF ranges: WGS-like (30-80x) or ctDNA panel (deep, low VAF)."""

    tumour_depth: tuple[int, int]
    normal_depth: tuple[int, int]
    log10_vaf: tuple[float, float]


WGS = DepthModel((25, 90), (20, 60), (-1.3, -0.3))
CTDNA = DepthModel((800, 8000), (300, 2000), (-3.0, -0.9))


class RecordWriter:
    """Formats Mutect2-like records; all randomness comes from ``rng``."""

    def __init__(self, rng: random.Random, ref: RefLookup, samples: int, model: DepthModel,
                 chr_prefix: str = "chr") -> None:
        self.rng = rng
        self.ref = ref
        self.samples = samples
        self.model = model
        self.prefix = chr_prefix

    def _ref_alt(self, chrom: str, pos: int) -> tuple[str, str]:
        r = self.rng.random
        kind = r()
        if kind < 0.90:
            length, ins = 1, 0
        elif kind < 0.95:
            length, ins = 2 + int(r() * 11), 0  # deletion of 1-12 bp
        else:
            length, ins = 1, 1 + int(r() * 12)  # insertion of 1-12 bp
        known = self.ref.bases(chrom, pos, length)
        ref = known or "".join(BASES[int(r() * 4)] for _ in range(length))
        if length > 1:
            return ref, ref[0]
        if ins:
            return ref, ref + "".join(BASES[int(r() * 4)] for _ in range(ins))
        alts = [b for b in BASES if b != ref[0]] if ref[0] in BASES else ["A", "C", "G"]
        alt = alts[int(r() * 3)]
        if r() < 0.01:  # multi-allelic site
            alt = alt + "," + alts[(alts.index(alt) + 1 + int(r() * 2)) % 3]
        return ref, alt

    def line(self, chrom: str, pos: int) -> str:
        r = self.rng.random
        m = self.model
        ref, alt = self._ref_alt(chrom, pos)
        n_alt = alt.count(",") + 1
        dp = m.tumour_depth[0] + int(r() * (m.tumour_depth[1] - m.tumour_depth[0]))
        vaf = 10 ** (m.log10_vaf[0] + r() * (m.log10_vaf[1] - m.log10_vaf[0]))
        alt_reads = [max(1, round(dp * vaf))]
        if n_alt == 2:
            alt_reads.append(max(1, round(alt_reads[0] * r())))
        ref_reads = max(0, dp - sum(alt_reads))
        afs = ",".join(f"{a / dp:.3e}" for a in alt_reads)
        gt = "0/1" if n_alt == 1 else "0/1/2"
        tumour = f"{gt}:{ref_reads},{','.join(map(str, alt_reads))}:{afs}:{dp}"
        filt = FILTER_TABLE[int(r() * len(FILTER_TABLE))]
        tlod = sum(alt_reads) * (3.0 + 2.0 * r())
        total_dp = dp
        cols = [f"{self.prefix}{chrom}", str(pos), ".", ref, alt, ".", filt]
        if self.samples == 2:
            ndp = m.normal_depth[0] + int(r() * (m.normal_depth[1] - m.normal_depth[0]))
            nalt = 1 if r() < 0.03 else 0
            zeros = ",".join("0" for _ in range(n_alt - 1))
            normal_ad = f"{ndp - nalt},{nalt}" + ("," + zeros if zeros else "")
            naf = ",".join(f"{(nalt if i == 0 else 0) / ndp + 1 / (ndp + 2):.3e}"
                           for i in range(n_alt))
            normal = f"0/0:{normal_ad}:{naf}:{ndp}"
            total_dp += ndp
            cols += [f"DP={total_dp};TLOD={tlod:.2f}", "GT:AD:AF:DP", tumour, normal]
        else:
            cols += [f"DP={total_dp};TLOD={tlod:.2f}", "GT:AD:AF:DP", tumour]
        return "\t".join(cols)


def header_lines(samples: Sequence[str], tumour: str, normal: str | None,
                 chr_prefix: str = "chr", command: str = "") -> list[str]:
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=clustered_events,Description="Clustered events observed in the tumor">',
        '##FILTER=<ID=germline,Description="Evidence indicates this site is germline, not '
        'somatic">',
        '##FILTER=<ID=normal_artifact,Description="artifact_in_normal">',
        '##FILTER=<ID=strand_bias,Description="Evidence for alt allele comes from one read '
        'direction only">',
        '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
        'alleles in the order listed">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles '
        'in the tumor">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with '
        'MQ=255 or with bad mates are filtered)">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --output somatic.vcf.gz '
        '--input tumor.bam --input normal.bam --reference Homo_sapiens_assembly38.fasta",'
        'Version="4.2.6.1">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads '
        'may have been filtered">',
        '##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of '
        'variant existing versus not existing">',
        "##MutectVersion=2.2",
    ]
    if normal is not None:
        lines.append(f"##normal_sample={normal}")
    lines += [
        "##reference=file:///references/Homo_sapiens_assembly38.fasta",
        "##source=FilterMutectCalls",
    ]
    if command:
        lines.append(f"##egfr_annot_benchmark_generator={command}")
    lines += [f"##contig=<ID={chr_prefix}{c},length={n}>" for c, n in GRCH38_CONTIGS]
    lines.append(f"##tumor_sample={tumour}")
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *samples]))
    return lines


# ----------------------------------------------------------------------------------------------
# output
# ----------------------------------------------------------------------------------------------
class Sink:
    """Text sink: a bgzip child process (threaded) for ``.gz``, pysam.BGZFile without bgzip,
    or a plain file. Lines are buffered and written in big chunks."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.path = path
        self.proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None
        self._fh: IO[bytes] | None = None
        self._buf: list[str] = []
        tmp = path.with_name(path.name + ".part")
        self.tmp = tmp
        if path.name.endswith((".gz", ".bgz")):
            bgzip = shutil.which("bgzip")
            if bgzip is not None:
                self._out = open(tmp, "wb")  # noqa: SIM115
                cmd = [bgzip, "-c"] + (["-@", str(threads)] if threads > 1 else [])
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self._out)
                self._fh = self.proc.stdin
            else:
                import pysam

                self._fh = pysam.BGZFile(str(tmp), "wb")
        else:
            self._fh = open(tmp, "wb")  # noqa: SIM115

    def write(self, line: str) -> None:
        self._buf.append(line)
        if len(self._buf) >= 20000:
            self.flush()

    def flush(self) -> None:
        if self._buf and self._fh is not None:
            self._fh.write(("\n".join(self._buf) + "\n").encode("ascii"))
            self._buf = []

    def close(self) -> None:
        self.flush()
        assert self._fh is not None
        self._fh.close()
        if self.proc is not None:
            if self.proc.wait() != 0:
                raise SystemExit(f"bgzip failed for {self.path}")
            assert self._out is not None
            self._out.close()
        os.replace(self.tmp, self.path)


def make_index(path: Path, kind: str) -> Path:
    suffix = ".csi" if kind == "csi" else ".tbi"
    index = Path(str(path) + suffix)
    index.unlink(missing_ok=True)
    tabix = shutil.which("tabix")
    if tabix is not None:
        subprocess.run([tabix, "-f", "-p", "vcf", *(["-C"] if kind == "csi" else []), str(path)],
                       check=True)
    else:
        import pysam

        pysam.tabix_index(str(path), preset="vcf", force=True, csi=kind == "csi")
    return index


# ----------------------------------------------------------------------------------------------
# the two modes
# ----------------------------------------------------------------------------------------------
def generate_callset(out: Path, records: int, panel_fraction: float, samples: int, seed: int,
                     index: str | None = None, threads: int = 2) -> dict[str, object]:
    """Write one sorted WGS-like call set; returns the sidecar description."""
    if not 0.0 <= panel_fraction <= 1.0:
        raise SystemExit("--panel-fraction must be between 0 and 1")
    if samples not in (1, 2):
        raise SystemExit("--samples must be 1 (tumour only) or 2 (tumour/normal)")
    rng = random.Random(seed)
    ref = RefLookup()
    genes = panel_gene_spans()
    panel_by_contig = {c: merge_spans([(s, e) for _, s, e in g]) for c, g in genes.items()}
    contigs = [c for c, _ in GRCH38_CONTIGS]
    lengths = dict(GRCH38_CONTIGS)
    n_panel = round(records * panel_fraction)
    panel_counts = apportion(n_panel, [span_length(panel_by_contig.get(c, [])) for c in contigs])
    allowed = {c: complement(panel_by_contig.get(c, []), lengths[c]) for c in contigs}
    bg_counts = apportion(records - n_panel, [span_length(allowed[c]) for c in contigs])

    names = ["TUMOUR", "NORMAL"][:samples]
    sink = Sink(out, threads=threads)
    for line in header_lines(names, "TUMOUR", "NORMAL" if samples == 2 else None,
                             command=f"--records {records} --panel-fraction {panel_fraction} "
                                     f"--samples {samples} --seed {seed}"):
        sink.write(line)
    writer = RecordWriter(rng, ref, samples, WGS)
    written = 0
    for chrom, n_bg, n_p in zip(contigs, bg_counts, panel_counts, strict=True):
        # Each stream has its own generator (seeded from the main one) so that the merged
        # order does not change which numbers each stream draws.
        bg_rng = random.Random(rng.getrandbits(64))
        p_rng = random.Random(rng.getrandbits(64))
        bg = map_offsets(sorted_offsets(bg_rng, n_bg, span_length(allowed[chrom])),
                         allowed[chrom])
        streams = [bg]
        if n_p:
            spans = panel_by_contig[chrom]
            streams.append(map_offsets(sorted_offsets(p_rng, n_p, span_length(spans)), spans))
        for pos in heapq.merge(*streams):
            sink.write(writer.line(chrom, pos))
            written += 1
    sink.close()
    assert written == records
    meta: dict[str, object] = {
        "generator_version": GENERATOR_VERSION,
        "mode": "callset",
        "build": BUILD,
        "records": records,
        "panel_records": n_panel,
        "panel_fraction": panel_fraction,
        "samples": samples,
        "seed": seed,
        "bytes": out.stat().st_size,
        "index": None,
    }
    if index:
        meta["index"] = make_index(out, index).name
    return meta


def generate_panel_vcfs(out_dir: Path, n_files: int, records_per_file: int, seed: int,
                        panel_fraction: float = 0.7) -> dict[str, object]:
    """``n_files`` bgzipped ctDNA panel VCFs: ``panel_fraction`` of the records in the panel
    genes' transcripts, the rest in the tumour-evidence / CH genes of panel_genes.tsv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ref = RefLookup()
    genes = panel_gene_spans()
    panel = [(c, s, e) for c, g in genes.items() for _, s, e in g]
    other = [(c, s, e) for c, spans in evidence_gene_spans().items() for s, e in spans]
    width = max(4, len(str(n_files - 1)))
    files = []
    for i in range(n_files):
        rng = random.Random(seed * 1_000_003 + i)
        n_panel = round(records_per_file * panel_fraction)
        sites: list[tuple[int, str, int]] = []
        for n, pool in ((n_panel, panel), (records_per_file - n_panel, other)):
            weights = [e - s + 1 for _, s, e in pool]
            for c, s, e in rng.choices(pool, weights=weights, k=n):
                sites.append((_rank(c), c, s + int(rng.random() * (e - s + 1))))
        sites.sort()
        sample_id = f"PT{i:0{width}d}"
        tumour, normal = f"{sample_id}_PLASMA", f"{sample_id}_NORMAL"
        path = out_dir / f"{sample_id}.vcf.gz"
        lines = header_lines([tumour, normal], tumour, normal)
        writer = RecordWriter(rng, ref, 2, CTDNA)
        lines += [writer.line(c, pos) for _, c, pos in sites]
        _write_bgzf_small(path, lines)
        files.append(path.name)
    return {
        "generator_version": GENERATOR_VERSION,
        "mode": "panel_vcfs",
        "build": BUILD,
        "files": n_files,
        "records_per_file": records_per_file,
        "panel_fraction": panel_fraction,
        "seed": seed,
    }


def _rank(chrom: str) -> int:
    return [c for c, _ in GRCH38_CONTIGS].index(chrom)


def _write_bgzf_small(path: Path, lines: list[str]) -> None:
    import pysam

    tmp = path.with_name(path.name + ".part")
    with pysam.BGZFile(str(tmp), "wb") as fh:
        fh.write(("\n".join(lines) + "\n").encode("ascii"))
    os.replace(tmp, path)


# ----------------------------------------------------------------------------------------------
def _matches(meta_path: Path, wanted: dict[str, object]) -> bool:
    try:
        have = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return False
    return all(have.get(k) == v for k, v in wanted.items())


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, help="records of the call set")
    p.add_argument("--panel-fraction", type=float, default=None,
                   help="fraction of records inside the panel genes (call set default 0.04; "
                        "panel VCFs default 0.7, the rest in tumour-evidence/CH genes)")
    p.add_argument("--samples", type=int, default=2, help="2 = tumour/normal, 1 = tumour only")
    p.add_argument("--out", type=Path, help="output .vcf.gz (bgzipped) or .vcf")
    p.add_argument("--index", nargs="?", const="tbi", choices=("tbi", "csi"), default=None,
                   help="also write a .tbi (default) or .csi index")
    p.add_argument("--panel-vcfs", type=int, help="number of small panel VCFs to write")
    p.add_argument("--records-per-file", type=int, default=200)
    p.add_argument("--out-dir", type=Path, help="directory for --panel-vcfs")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="bgzip threads")
    p.add_argument("--reuse", action="store_true",
                   help="do nothing when the output and its sidecar .json already match")
    args = p.parse_args(argv)

    if args.panel_vcfs is not None:
        if args.out_dir is None:
            p.error("--panel-vcfs needs --out-dir")
        fraction = 0.7 if args.panel_fraction is None else args.panel_fraction
        wanted = {"generator_version": GENERATOR_VERSION, "mode": "panel_vcfs",
                  "files": args.panel_vcfs, "records_per_file": args.records_per_file,
                  "panel_fraction": fraction, "seed": args.seed}
        meta_path = args.out_dir / "generated.json"
        if args.reuse and _matches(meta_path, wanted):
            print(f"reusing {args.out_dir}", file=sys.stderr)
            return 0
        if args.out_dir.exists():
            for old in args.out_dir.glob("*.vcf.gz"):
                old.unlink()
        meta = generate_panel_vcfs(args.out_dir, args.panel_vcfs, args.records_per_file,
                                   args.seed, fraction)
        meta_path.write_text(json.dumps(meta, indent=1) + "\n")
        print(f"wrote {args.panel_vcfs} panel VCFs to {args.out_dir}", file=sys.stderr)
        return 0

    if args.records is None or args.out is None:
        p.error("give --records N --out FILE (or --panel-vcfs N --out-dir DIR)")
    fraction = 0.04 if args.panel_fraction is None else args.panel_fraction
    wanted = {"generator_version": GENERATOR_VERSION, "mode": "callset", "records": args.records,
              "panel_fraction": fraction, "samples": args.samples, "seed": args.seed}
    meta_path = Path(str(args.out) + ".json")
    index_ok = args.index is None or Path(str(args.out) + "." + args.index).exists()
    if args.reuse and args.out.exists() and index_ok and _matches(meta_path, wanted):
        print(f"reusing {args.out}", file=sys.stderr)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = generate_callset(args.out, args.records, fraction, args.samples, args.seed,
                            index=args.index, threads=args.threads)
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {args.out}: {args.records} records, {meta['panel_records']} in the panel genes",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
