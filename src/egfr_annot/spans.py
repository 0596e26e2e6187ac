"""The union of 1-based inclusive spans, as the region lookup and the annotator both need it.
Standard library only: the scanning child process imports it (issue #9)."""

from __future__ import annotations

from collections.abc import Iterable


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Starts and ends (sorted, disjoint) of the union of ``spans``; spans that overlap or
    touch (end + 1 == next start) become one."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends
