"""The union of spans shared by the region lookup and the annotator."""

from __future__ import annotations

from egfr_annot.spans import merge_spans


def test_overlapping_and_touching_spans_merge_and_gaps_stay() -> None:
    spans = [(30, 40), (1, 10), (11, 12), (5, 8), (14, 20), (35, 50)]
    assert merge_spans(spans) == ([1, 14, 30], [12, 20, 50])


def test_no_spans() -> None:
    assert merge_spans([]) == ([], [])
