#!/usr/bin/env python3
"""Run a command and report its peak memory as JSON (issue #9, "memory flat in input size").

Two numbers, because egfr-annot may start helper processes (the scanning subprocess for large
files, batch workers):

- ``peak_tree_rss_mb``: the largest *sum* of the resident set sizes of the command and all its
  descendants, sampled from ``/proc`` every ``--interval`` seconds (what the machine must hold);
- ``max_process_rss_mb``: the largest peak RSS of any single process of the tree, from the
  kernel's exact accounting (``getrusage(RUSAGE_CHILDREN).ru_maxrss``, as ``/usr/bin/time -v``
  reports it).

Usage::

    python benchmarks/peak_rss.py --out rss.json -- egfr-annot run big.vcf.gz -q --out-dir o
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            continue
    return out


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_bytes(pid)
        stack.extend(_children(pid))
    return total


def measure(command: Sequence[str], interval: float = 0.01) -> dict[str, object]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(interval)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "command": " ".join(command),
        "exit_code": proc.returncode,
        "wall_s": round(wall, 3),
        "peak_tree_rss_mb": round(peak / 2**20, 1),
        "max_process_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
        "sample_interval_s": interval,
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--label", default="")
    p.add_argument("--interval", type=float, default=0.01)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("give the command after --")
    result = measure(command, args.interval)
    result["label"] = args.label
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{args.label or command[0]}: peak tree RSS {result['peak_tree_rss_mb']} MB, "
          f"max process RSS {result['max_process_rss_mb']} MB, {result['wall_s']} s",
          file=sys.stderr)
    return 0 if result["exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
