"""Time several commands in interleaved rounds and write hyperfine-style JSON (issue #9).

    python benchmarks/interleave.py --runs 11 --warmup 1 --export-json OUT.json \\
        -n "egfr-annot run" "egfr-annot run big.vcf.gz -q" \\
        -n "bcftools view -T genes.bed" "bcftools view -T genes.bed big.vcf.gz -o /dev/null"

hyperfine times all runs of one command, then all runs of the next. On a shared 2-core
machine the speed drifts by several per cent within minutes, so a ratio of two commands
measured in separate blocks carries that drift: reruns of the 1M comparison gave 0.47, 0.54
and 0.48 with hyperfine, against 0.479-0.490 in three interleaved sets. Here each round runs
every command once, in an order rotated by one per round, so drift and bursts of other work
fall on all commands alike. Like ``hyperfine -N``, commands are split with shell quoting
rules and run without a shell; a non-zero exit fails the benchmark.

The JSON has hyperfine's fields (``command``, ``mean``, ``stddev``, ``median``, ``min``,
``max``, ``user``, ``system``, ``times``, ``exit_codes``), so ``summarise.py`` reads both.
``user`` and ``system`` are the mean CPU seconds of the process and the children it waited
for (the scanning subprocess), from ``wait4``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run_once(argv: list[str]) -> tuple[float, float, float]:
    """Wall, user and system seconds of one run of ``argv`` (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # (reaped by wait4: Popen must not)
    if proc.returncode != 0:
        raise SystemExit(f"interleave.py: {shlex.join(argv)} exited with {proc.returncode}")
    return wall, usage.ru_utime, usage.ru_stime


def rotated(names: list[str], round_no: int) -> list[str]:
    """The order of one round: the command list rotated by ``round_no``."""
    k = round_no % len(names)
    return names[k:] + names[:k]


def measure(commands: list[tuple[str, str]], runs: int, warmup: int
            ) -> dict[str, list[tuple[float, float, float]]]:
    names = [name for name, _ in commands]
    if len(set(names)) != len(names):
        raise SystemExit("interleave.py: command names must differ")
    argv = {name: shlex.split(cmd) for name, cmd in commands}
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for round_no in range(warmup + runs):
        for name in rotated(names, round_no):
            sample = run_once(argv[name])
            if round_no >= warmup:
                samples[name].append(sample)
    return samples


def to_json(commands: list[tuple[str, str]], samples: dict[str, list[tuple[float, float, float]]]
            ) -> dict[str, object]:
    results = []
    for name, _cmd in commands:
        times = [wall for wall, _, _ in samples[name]]
        results.append({
            "command": name,
            "mean": statistics.fmean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else None,
            "median": statistics.median(times),
            "user": statistics.fmean(u for _, u, _ in samples[name]),
            "system": statistics.fmean(s for _, _, s in samples[name]),
            "min": min(times),
            "max": max(times),
            "times": times,
            "exit_codes": [0] * len(times),
        })
    return {"results": results, "interleaved": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, required=True, help="measured rounds")
    parser.add_argument("--warmup", type=int, default=0, help="rounds run first, not measured")
    parser.add_argument("--export-json", type=Path, required=True)
    parser.add_argument("-n", "--command", nargs=2, action="append", required=True,
                        metavar=("NAME", "COMMAND"), help="a command to time (repeat)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    commands = [(name, cmd) for name, cmd in args.command]
    samples = measure(commands, args.runs, args.warmup)
    data = to_json(commands, samples)
    tmp = args.export_json.with_name(args.export_json.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(args.export_json)
    for result in data["results"]:  # type: ignore[attr-defined]
        print(f"{result['command']}: median {result['median']:.3f} s "
              f"(min {result['min']:.3f}, max {result['max']:.3f}, {args.runs} runs)",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
