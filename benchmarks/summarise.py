#!/usr/bin/env python3
"""Turn the benchmark results of ``benchmarks/run.sh`` into ``RESULTS.md`` (issue #9).

Two subcommands::

    python benchmarks/summarise.py meta --out DIR/meta.json --mode full --egfr-annot egfr-annot
    python benchmarks/summarise.py report --results DIR --out benchmarks/RESULTS.md

``meta`` records the machine (nproc, CPU model from /proc/cpuinfo, RAM) and the tool versions
at the start of a run. ``report`` reads ``DIR/meta.json``, the timing exports
``DIR/hf_*.json`` (hyperfine's, or ``interleave.py``'s in the same layout), the peak-memory
files ``DIR/rss_*.json``, ``DIR/importtime.txt`` and the generator's sidecar files, and writes
the figures (median, min, max of each command) and a table of every target with its measured
value, ratio and PASS/FAIL. Decisions use the median. For commands timed in interleaved rounds,
a ratio row also gives the range of the single rounds' ratios and how many were over the limit.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Targets of issue #9.
LARGE_RATIO_MAX = 0.5  # egfr-annot / bcftools view -T
INDEXED_RATIO_MAX = 1.5  # indexed 5M / 200-record panel file
RSS_MAX_MB = 300.0
STARTUP_RUN_MAX_S = 0.3
STARTUP_HELP_MAX_S = 0.15
STARTUP_PYTHON_FACTOR = 25.0  # informational: "about 25x a bare python -c pass"
BATCH_MAX_S = 10.0
BATCH_SPEEDUP_MIN = 20.0


# ----------------------------------------------------------------------------------------------
# meta
# ----------------------------------------------------------------------------------------------
def _first_line(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "not available"


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "unknown"
    return {
        "loadavg_at_start": load,
        "nproc": affinity or os.cpu_count(),
        "cpu_model": cpu,
        "ram_gb": ram_gb,
        "kernel": platform.release(),
        "os": platform.platform(terse=True),
    }


def tool_versions(egfr: str, bcftools: str, hyperfine: str) -> dict[str, str]:
    bcf = _first_line([bcftools, "--version"])
    htslib = "not available"
    try:
        out = subprocess.run([bcftools, "--version"], capture_output=True, text=True, check=False)
        m = re.search(r"Using htslib (\S+)", out.stdout)
        htslib = m.group(1) if m else htslib
    except OSError:
        pass
    versions = {
        "egfr-annot": _first_line([egfr, "--version"]),
        "python": sys.version.split()[0] + f" ({sys.executable})",
        "bcftools": bcf,
        "htslib": htslib,
        "hyperfine": _first_line([hyperfine, "--version"]),
        "bgzip": _first_line(["bgzip", "--version"]),
    }
    for module in ("isal", "pysam", "cyvcf2", "numpy"):
        try:
            mod = __import__(module)
            versions[module] = str(getattr(mod, "__version__", "?"))
        except ImportError:
            versions[module] = "not installed"
    return versions


def source_digest(repo: Path) -> str:
    """sha256 (12 hex) of src/egfr_annot/**/*.py: names the exact code measured, committed or
    not."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((repo / "src" / "egfr_annot").rglob("*.py")):
        digest.update(str(path.relative_to(repo)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git_state(repo: Path) -> str:
    tree = f"src tree sha256 {source_digest(repo)}"
    if shutil.which("git") is None:
        return tree
    head = _first_line(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return f"commit {head}" + (" + uncommitted changes in src/" if dirty else "") + f"; {tree}"


def cmd_digest(args: argparse.Namespace) -> int:
    print(source_digest(Path(__file__).resolve().parent.parent))
    return 0


def cmd_meta(args: argparse.Namespace) -> int:
    meta = {
        "mode": args.mode,
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": tool_versions(args.egfr_annot, args.bcftools, args.hyperfine),
        "git": git_state(Path(__file__).resolve().parent.parent),
        "data_dir": str(args.data),
        "bytecode": args.bytecode,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(meta, indent=1) + "\n")
    return 0


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Timing:
    name: str
    command: str
    median: float
    mean: float
    stddev: float | None
    min: float
    max: float
    user: float
    system: float
    runs: int
    times: tuple[float, ...] = ()
    interleaved: bool = False  # times[i] of every command of the file come from round i


def load_hyperfine(path: Path) -> dict[str, Timing]:
    data = json.loads(path.read_text())
    interleaved = bool(data.get("interleaved"))
    out: dict[str, Timing] = {}
    for r in data["results"]:
        times = r.get("times") or [r["mean"]]
        name = r.get("command", "")
        out[name] = Timing(
            name=name,
            command=r.get("command", ""),
            median=float(r.get("median", sorted(times)[len(times) // 2])),
            mean=float(r["mean"]),
            stddev=r.get("stddev"),
            min=float(r.get("min", min(times))),
            max=float(r.get("max", max(times))),
            user=float(r.get("user", 0.0)),
            system=float(r.get("system", 0.0)),
            runs=len(times),
            times=tuple(float(t) for t in times),
            interleaved=interleaved,
        )
    return out


def round_ratios(a: Timing, b: Timing) -> list[float]:
    """``a / b`` round by round, for commands timed in the same interleaved rounds (else
    empty: hyperfine's blocks are minutes apart, their runs are not pairs)."""
    if not (a.interleaved and b.interleaved) or len(a.times) != len(b.times):
        return []
    return [x / y for x, y in zip(a.times, b.times, strict=True) if y > 0]


def _spread(ratios: list[float], limit: float) -> str:
    """How the ratio of single rounds varied: its range and how many rounds were over the
    limit (one run of the benchmark decides by the medians; this shows how near the edge it
    is)."""
    if len(ratios) < 2:
        return ""
    over = sum(r > limit for r in ratios)
    return (f"; single rounds {min(ratios):.2f}-{max(ratios):.2f}, "
            f"{over} of {len(ratios)} over {limit}")


@dataclass(frozen=True)
class Check:
    target: str
    measured: str
    limit: str
    ok: bool | None  # None: informational / not measured

    @property
    def verdict(self) -> str:
        return "—" if self.ok is None else ("PASS" if self.ok else "FAIL")


def _s(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.2f} s"


def _find(timings: dict[str, Timing], prefix: str) -> Timing | None:
    for name, t in timings.items():
        if name == prefix:
            return t
    return None


def parse_importtime(path: Path, top: int = 15) -> tuple[list[tuple[int, int, str]], int]:
    """Rows ``(self_us, cumulative_us, module)`` of ``python -X importtime``; the top-level
    imports sorted by cumulative time, and the total (sum of top-level cumulative times)."""
    rows = []
    for line in path.read_text(errors="replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)), m.group(4)))
    top_level = [(s, c, name) for s, c, indent, name in rows if indent <= 1]
    total = sum(c for _, c, _ in top_level)
    heavy = sorted(((s, c, name.strip()) for s, c, _, name in rows), key=lambda r: -r[1])
    return heavy[:top], total


def _sidecar(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(str(path) + ".json").read_text())
    except (OSError, ValueError):
        return {}


def cmd_report(args: argparse.Namespace) -> int:
    res: Path = args.results
    meta = json.loads((res / "meta.json").read_text())
    quick = meta.get("mode") == "quick"
    hf = {p.stem[3:]: load_hyperfine(p) for p in sorted(res.glob("hf_*.json"))}
    rss = {p.stem[4:]: json.loads(p.read_text()) for p in sorted(res.glob("rss_*.json"))}
    sizes = _read_json(res / "sizes.json")
    idx_label = _human(int(sizes.get("indexed", 0))) if sizes.get("indexed") else "large"
    checks: list[Check] = []
    sections: list[str] = []

    # 1. large unindexed
    for key in sorted((k for k in hf if k.startswith("large_")), key=_size_key):
        t = hf[key]
        size = key.split("_", 1)[1]
        bcf = _find(t, "bcftools view -T genes.bed")
        for variant in ("egfr-annot run --no-checksum", "egfr-annot run"):
            e = _find(t, variant)
            if e is None or bcf is None:
                continue
            ratio = e.median / bcf.median
            checks.append(Check(
                f"unindexed {size}: `{variant}` / `bcftools view -T genes.bed`",
                f"{_s(e.median)} / {_s(bcf.median)} = **{ratio:.2f}**"
                + ("" if ratio <= LARGE_RATIO_MAX else f" ({ratio / LARGE_RATIO_MAX:.1f}x over)")
                + _spread(round_ratios(e, bcf), LARGE_RATIO_MAX),
                f"<= {LARGE_RATIO_MAX}", ratio <= LARGE_RATIO_MAX))

    # 2. indexed
    if "indexed" in hf:
        t = hf["indexed"]
        for flag in ("", " --no-checksum"):
            big = _find(t, f"egfr-annot run{flag} (indexed)")
            small = _find(t, f"egfr-annot run{flag} (200-record panel)")
            if big and small:
                ratio = big.median / small.median
                checks.append(Check(
                    f"indexed: `egfr-annot run{flag}` {idx_label}-record .tbi file / "
                    "200-record panel file",
                    f"{_s(big.median)} / {_s(small.median)} = **{ratio:.2f}**"
                    + _spread(round_ratios(big, small), INDEXED_RATIO_MAX),
                    f"<= {INDEXED_RATIO_MAX}", ratio <= INDEXED_RATIO_MAX))
        big = _find(t, "egfr-annot run (indexed)")
        bcf = _find(t, "bcftools view -R genes.bed (indexed)")
        if big and bcf:
            checks.append(Check(
                "indexed: `egfr-annot run` / `bcftools view -R genes.bed` (reported, no target)",
                f"{_s(big.median)} / {_s(bcf.median)} = {big.median / bcf.median:.2f}",
                "—", None))

    # 3. memory
    for key in sorted(rss, key=_size_key):
        r = rss[key]
        peak = float(r["peak_tree_rss_mb"])
        largest = max((k for k in rss if k.startswith("large_")), key=_size_key, default="")
        target = key == largest
        checks.append(Check(
            f"peak RSS: {r.get('label', key)}",
            f"{peak:.0f} MB (all processes), {float(r['max_process_rss_mb']):.0f} MB "
            "(largest process)",
            f"< {RSS_MAX_MB:.0f} MB" if target else "—",
            (peak < RSS_MAX_MB) if target else None))

    # 4. start-up
    if "startup" in hf:
        t = hf["startup"]
        py = _find(t, "python -c pass")
        helpt = _find(t, "egfr-annot --help")
        run = _find(t, "egfr-annot run (200-record panel)")
        if run:
            checks.append(Check("start-up: `egfr-annot run` on a 200-record panel VCF",
                                f"**{_s(run.median)}**", f"< {STARTUP_RUN_MAX_S} s",
                                run.median < STARTUP_RUN_MAX_S))
        if helpt:
            checks.append(Check("start-up: `egfr-annot --help`", f"**{_s(helpt.median)}**",
                                f"< {STARTUP_HELP_MAX_S} s", helpt.median < STARTUP_HELP_MAX_S))
        if run and py:
            factor = run.median / py.median
            checks.append(Check("start-up: `egfr-annot run` / bare `python -c pass` "
                                "(reported; target is about 25x)",
                                f"{_s(run.median)} / {_s(py.median)} = {factor:.0f}x",
                                f"~{STARTUP_PYTHON_FACTOR:.0f}x", None))

    # 5. batch
    if "batch" in hf and "per_process" in hf:
        batch_meta = _read_json(res / "batch_meta.json")
        files = int(batch_meta.get("files", 0))
        subset = int(batch_meta.get("subset", 1))
        b = next(iter(hf["batch"].values()))
        p = next(iter(hf["per_process"].values()))
        extrapolated = p.median / subset * files
        speedup = extrapolated / b.median
        checks.append(Check(f"batch: {files} panel VCFs (200 records), 2 workers, all outputs",
                            f"**{_s(b.median)}**", f"< {BATCH_MAX_S:.0f} s",
                            b.median < BATCH_MAX_S))
        checks.append(Check(
            f"batch: speed-up over one `egfr-annot run` per file (measured on {subset} files, "
            f"extrapolated x{files / subset:.4g})",
            f"{_s(p.median)} x {files / subset:.4g} = {_s(extrapolated)}; "
            f"/ {_s(b.median)} = **{speedup:.0f}x**",
            f">= {BATCH_SPEEDUP_MIN:.0f}x", speedup >= BATCH_SPEEDUP_MIN))

    # figures
    for key in _ordered(hf):
        sections.append(_timing_table(key, hf[key], meta))
    imp = res / "importtime.txt"
    import_block = ""
    if imp.exists():
        heavy, total = parse_importtime(imp)
        lines = [f"`python -X importtime -m egfr_annot run PANEL.vcf.gz`: {total / 1000:.0f} ms "
                 "of imports in total (sum of the top-level imports). Largest cumulative:",
                 "", "| module | cumulative | self |", "|---|---:|---:|"]
        lines += [f"| `{name}` | {c / 1000:.1f} ms | {s / 1000:.1f} ms |" for s, c, name in heavy]
        import_block = "\n".join(lines)

    text = render(meta, checks, sections, import_block, rss, quick, res, sizes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    fails = sum(c.ok is False for c in checks)
    print(f"{len([c for c in checks if c.ok is not None])} targets, {fails} FAIL", file=sys.stderr)
    return 0


def _read_text(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _human(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _size_key(key: str) -> tuple[int, str]:
    m = re.search(r"(\d+)([kM]?)$", key)
    if not m:
        return (0, key)
    mult = {"": 1, "k": 1000, "M": 1_000_000}[m.group(2)]
    return (int(m.group(1)) * mult, key)


def _ordered(hf: dict[str, Any]) -> list[str]:
    order = ["large", "indexed", "startup", "batch", "per_process"]
    return sorted(hf, key=lambda k: (next((i for i, o in enumerate(order) if k.startswith(o)),
                                          len(order)), _size_key(k)))


TITLES = {
    "indexed": "Indexed input (.tbi) versus a 200-record panel file",
    "startup": "Start-up",
    "batch": "Batch (egfr-annot batch)",
    "per_process": "One egfr-annot process per file (subset, for the batch speed-up)",
}


def _timing_table(key: str, timings: dict[str, Timing], meta: dict[str, Any]) -> str:
    title = TITLES.get(key) or f"Unindexed bgzipped VCF, {key.split('_', 1)[1]} records"
    lines = [f"### {title}", "", "| command | median | min | max | user+sys | runs |",
             "|---|---:|---:|---:|---:|---:|"]
    for t in timings.values():
        lines.append(f"| `{t.name}` | {_s(t.median)} | {_s(t.min)} | {_s(t.max)} | "
                     f"{_s(t.user + t.system)} | {t.runs} |")
    return "\n".join(lines)


def render(meta: dict[str, Any], checks: list[Check], sections: list[str], import_block: str,
           rss: dict[str, Any], quick: bool, res: Path, sizes: dict[str, Any]) -> str:
    m = meta["machine"]
    v = meta["versions"]
    out = ["# egfr-annot benchmark results", ""]
    if quick:
        out += ["> **Quick smoke run** (`benchmarks/run.sh --quick`): small files and few runs. "
                "The sizes are not those of the targets, so PASS/FAIL below says nothing about "
                "issue #9; run `benchmarks/run.sh` for the real figures.", ""]
    out += [
        f"Generated by `benchmarks/run.sh{' --quick' if quick else ''}` on {meta['date']} "
        f"(code: {meta.get('git', 'unknown')}). Rerun it to refresh this file; the raw "
        f"timing JSON is in `{_rel(res)}`.",
        "",
        "## Machine and tools",
        "",
        f"- CPU: {m['cpu_model']}, nproc = {m['nproc']}; RAM {m['ram_gb']} GB; "
        f"{m['os']}",
    ]
    codes = {p.stem[5:]: _read_text(p) for p in sorted(res.glob("code_*.txt"))}
    if codes:
        if len(set(codes.values())) == 1:
            out.append(f"- code measured (all sections): src tree sha256 "
                       f"{next(iter(codes.values()))}")
        else:
            out.append("- code measured, per section (**the code changed between sections**): "
                       + ", ".join(f"{k} {v}" for k, v in codes.items()))
    end_load = _read_text(res / "loadavg_end.txt")
    out.append(f"- load average (1/5/15 min) at the start: {m.get('loadavg_at_start', '?')}"
               + (f"; at the end: {' '.join(end_load.split()[:3])}" if end_load else "")
               + " (other work on the machine makes the timings noisier; the 2 cores are "
               "shared)")
    out.append(f"- Python bytecode: {meta.get('bytecode', 'not recorded')}")
    out += [f"- {k}: {val}" for k, val in v.items()]
    out += ["", "## Targets (issue #9)", "",
            "Decisions use the median wall-clock time of the runs. The ratio rows (large and "
            "indexed files) come from interleaved rounds (`interleave.py`: every command once per "
            "round, in rotated order), so the machine's drift falls on both sides of a ratio; "
            "start-up and batch use hyperfine. For those rows, \"single rounds\" gives the "
            "range of the ratio of one round's two runs and how many rounds were over the limit: "
            "how near the edge the median is. egfr-annot may use "
            "both cores (a scanning subprocess and a decompression thread for large files); "
            "the CPU time it spends is the user+sys column of the figures.", "",
            "| target | measured | limit | result |", "|---|---|---|---|"]
    out += [f"| {c.target} | {c.measured} | {c.limit} | {c.verdict} |" for c in checks]
    n_fail = sum(c.ok is False for c in checks)
    n_pass = sum(c.ok is True for c in checks)
    out += ["", f"**{n_pass} PASS, {n_fail} FAIL.**", "",
            "One run of the benchmark decides each row. Interleaved, the ratios repeat within "
            "about 2 % on the machine of `PROFILING.md` (hyperfine's blocks varied by ~10 %: "
            "the 2 cores are shared and the timings drift); `benchmarks/PROFILING.md` keeps "
            "the repeated runs, and only a margin larger than that noise counts as holding.",
            "",
            "## Figures", ""]
    for section in sections:
        out += [section, ""]
    if rss:
        out += ["### Peak memory", "", "| run | all processes | largest process | wall |",
                "|---|---:|---:|---:|"]
        for key in sorted(rss, key=_size_key):
            r = rss[key]
            out.append(f"| {r.get('label', key)} | {r['peak_tree_rss_mb']} MB | "
                       f"{r['max_process_rss_mb']} MB | {r['wall_s']} s |")
        out.append("")
    if import_block:
        out += ["### Imports on the run path", "", import_block, ""]
    out += ["## How the data were made", "",
            "`benchmarks/generate.py` (deterministic, seed 1): sorted Mutect2-like tumour/normal "
            "call sets on all GRCh38 contigs with real lengths and `##contig` lines, "
            "FORMAT GT:AD:AF:DP, REF bases from the bundled reference where it knows them; "
            "4 % of the records inside the panel genes' transcripts for the unindexed files, "
            f"{100 * float(sizes.get('indexed_fraction', 0.0005)):g} % for the indexed one; "
            "200-record ctDNA panel VCFs (70 % in the panel genes, 30 % in the tumour-evidence "
            "and CH genes) for start-up and batch. "
            "`benchmarks/genes_bed.py` writes the pipeline's own region set once the build is "
            "known (`Resources().regions('GRCh38')`: the panel transcripts' exons with the "
            "pipeline's margin, the panel_genes.tsv genes, the knowledge base's germline "
            "alleles) as a 0-based BED for bcftools" + _bed_note(meta) + ".", ""]
    files = sorted(Path(meta.get("data_dir", ".")).glob("wgs_*.vcf.gz"))
    if files:
        out += ["| file | records | in panel genes | size |", "|---|---:|---:|---:|"]
        for f in files:
            sc = _sidecar(f)
            if sc:
                out.append(f"| `{f.name}`{' (+ .tbi)' if sc.get('index') else ''} | "
                           f"{sc['records']:,} | {sc['panel_records']:,} "
                           f"({100 * sc['panel_fraction']:g} %) | {sc['bytes'] / 2**20:.0f} MiB |")
        out.append("")
    out += ["See `benchmarks/PROFILING.md` for where the time goes.", ""]
    return "\n".join(out)


def _bed_note(meta: dict[str, Any]) -> str:
    bed = Path(meta.get("data_dir", ".")) / "genes.GRCh38.bed"
    try:
        rows = [line.split("\t") for line in bed.read_text().splitlines() if line.strip()]
    except OSError:
        return ""
    size = sum(int(r[2]) - int(r[1]) for r in rows)
    return f" ({len(rows)} regions, {size / 1e6:.2f} Mb)"


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(__file__).resolve().parent.parent))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("meta")
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--mode", default="full")
    m.add_argument("--egfr-annot", default="egfr-annot")
    m.add_argument("--bcftools", default="bcftools")
    m.add_argument("--hyperfine", default="hyperfine")
    m.add_argument("--data", type=Path, default=Path("."))
    m.add_argument("--bytecode", default="not recorded")
    sub.add_parser("digest", help="print the sha256 (12 hex) of src/egfr_annot/**/*.py")
    r = sub.add_parser("report")
    r.add_argument("--results", type=Path, required=True)
    r.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    if args.cmd == "digest":
        return cmd_digest(args)
    return cmd_meta(args) if args.cmd == "meta" else cmd_report(args)


if __name__ == "__main__":
    sys.exit(main())
