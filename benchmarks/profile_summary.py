#!/usr/bin/env python3
"""Summarise a py-spy ``--format raw`` profile (collapsed stacks) as Markdown tables.

Usage::

    py-spy record -f raw -r 250 --subprocesses -o prof.txt -- egfr-annot run big.vcf.gz ...
    python benchmarks/profile_summary.py prof.txt [--top 25] [--stage-map]

For every sampled process: samples, share of samples, the functions with the most *inclusive*
samples (the function is anywhere on the stack) and the most *self* samples (innermost frame),
and -- with ``--stage-map`` -- the share of each pipeline stage (read/parse, annotate, match,
report, start-up imports), decided by the first egfr_annot frame that names a stage.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

_LINE = re.compile(r"^(.*) (\d+)$")
_FRAME_LINE = re.compile(r" \(([^()]*?):\d+\)$")

# (stage, substring of a frame "function (file:line)"): the first match from the leaf wins.
STAGES: tuple[tuple[str, str], ...] = (
    ("start-up: imports", "_find_and_load"),
    ("read: decompress+scan (C)", "egfr_annot/io/vcf_scan.py"),
    ("read: decompress+scan (C)", "egfr_annot/io/vcf_stream.py"),
    ("read: subprocess scanner I/O", "SubprocessScanner.lines"),
    ("read: parse records", "egfr_annot/io/vcf_records.py"),
    ("read: parse records", "egfr_annot/io/vaf.py"),
    ("read: parse records", "egfr_annot/io/external_annotations.py"),
    ("read: index queries", "egfr_annot/io/vcf_index.py"),
    ("read: other", "egfr_annot/io/vcf.py"),
    ("annotate: normalise+consequence+HGVS", "egfr_annot/genome/"),
    ("match: knowledge base", "egfr_annot/knowledge/"),
    ("report: write outputs", "egfr_annot/report/"),
    ("checksum (sha256)", "sha256_of"),
    ("pipeline (own code)", "egfr_annot/pipeline.py"),
    ("verdict", "egfr_annot/verdict.py"),
)


def _strip_file_prefix(frame: str) -> str:
    # py-spy writes "func (path/to/file.py:LINE)"; drop the line so one function is one row.
    return re.sub(r":\d+\)$", ")", frame)


def summarise(path: Path, top: int, stage_map: bool) -> str:
    per_process: dict[str, Counter[str]] = {}
    self_time: dict[str, Counter[str]] = {}
    stages: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _LINE.match(raw)
        if not m:
            continue
        stack, count = m.group(1), int(m.group(2))
        frames = stack.split(";")
        # With --subprocesses a child's stack starts with its parent's "process" frame too.
        procs = [f for f in frames if f.startswith("process ")]
        proc = _process_label(procs[-1]) if procs else "process"
        frames = [f for f in frames if not f.startswith("process ")]
        totals[proc] += count
        funcs = [_strip_file_prefix(f) for f in frames]
        inc = per_process.setdefault(proc, Counter())
        for f in set(funcs):
            inc[f] += count
        if funcs:
            self_time.setdefault(proc, Counter())[funcs[-1]] += count
        if stage_map:
            stage = "other (interpreter, click, idle)"
            for f in reversed(frames):
                hit = next((s for s, key in STAGES if key in f), None)
                if hit is not None:
                    stage = hit
                    break
            stages.setdefault(proc, Counter())[stage] += count
    all_samples = sum(totals.values()) or 1
    out: list[str] = []
    for proc, n in totals.most_common():
        out.append(f"### {proc}\n")
        out.append(f"{n} samples ({100 * n / all_samples:.0f} % of all samples)\n")
        if stage_map:
            out.append("| stage | share |\n|---|---:|")
            for stage, c in stages[proc].most_common():
                out.append(f"| {stage} | {100 * c / n:.1f} % |")
            out.append("")
        out.append("| inclusive | function |\n|---:|---|")
        for func, c in per_process[proc].most_common(top):
            out.append(f"| {100 * c / n:.1f} % | `{func}` |")
        out.append("")
        out.append("| self | function |\n|---:|---|")
        for func, c in self_time.get(proc, Counter()).most_common(top):
            out.append(f"| {100 * c / n:.1f} % | `{func}` |")
        out.append("")
    return "\n".join(out)


def _process_label(frame: str) -> str:
    # 'process 123:"python egfr-annot run ..."' -> the command without the pid
    label = frame.split(":", 1)[1].strip('"') if ":" in frame else frame
    if "_scan_worker" in label:
        return "scanning subprocess (egfr_annot.io._scan_worker)"
    return "main process (" + " ".join(label.split()[1:4]) + " ...)"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("profile", type=Path)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--stage-map", action="store_true")
    args = p.parse_args(argv)
    print(summarise(args.profile, args.top, args.stage_map))
    return 0


if __name__ == "__main__":
    sys.exit(main())
