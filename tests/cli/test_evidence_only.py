"""Records only tumour-DNA evidence can come from (``pipeline._EvidenceOnly``, issue #9): the
shortcut that decides a whole merged region at once gives, for every record, what the record
by record rule gives (in this build's regions, and nothing annotatable or a genomic rule within
a base of its REF)."""

from __future__ import annotations

import random

import pytest

from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.pipeline import Resources, _EvidenceOnly
from egfr_annot.records import Build


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_region_shortcut_equals_the_record_by_record_rule(
    resources: Resources, build: Build
) -> None:
    regions = resources.regions(build)
    annotator = resources.annotator(build)
    matcher = resources.matcher(build)
    lookup = _EvidenceOnly(build, regions, annotator, matcher)

    def by_record(chrom: str, pos: int, ref_len: int) -> str | None:
        label = regions.label_at(chrom, pos)
        if label is None or annotator.may_annotate(chrom, pos, ref_len):
            return None
        near_rule = matcher.genomic_rule_near(
            build, canonical_contig(chrom), pos, pos + ref_len - 1
        )
        return None if near_rule else label

    rng = random.Random(11)
    probes: list[tuple[str, int]] = []
    for chrom, start, end in regions.merged():
        probes += [(chrom, start), (chrom, end), (chrom, start - 1), (chrom, end + 1)]
        probes += [(chrom, rng.randint(start - 30, end + 30)) for _ in range(15)]
    # next to every transcript end and every genomic rule position
    for model in resources.models(build).values():
        for edge in (model.tx_start, model.tx_end):
            probes += [(model.chrom, edge + d) for d in range(-3, 4)]
    for allele in resources.knowledge.genomic_alleles:
        if allele.build == build:
            probes += [(allele.chrom, allele.pos + d) for d in range(-3, 4)]
    checked = 0
    for chrom, pos in probes:
        for spelling in (chrom, f"chr{chrom}"):
            for ref_len in (1, 2, 11, 300, 40_000):
                assert lookup.gene(spelling, pos, ref_len) == by_record(spelling, pos, ref_len), (
                    spelling, pos, ref_len
                )
                checked += 1
    assert checked > 10_000
    # the shortcut was taken (whole regions far from everything) and also refused
    assert True in lookup._whole_region.values() and False in lookup._whole_region.values()


class _Spans:
    """Stand-in annotator and matcher with chosen spans and rule positions (the same rules:
    anything within one base of a record's REF)."""

    def __init__(self, spans: list[tuple[int, int]], rules: list[int]) -> None:
        self.spans, self.rules = spans, rules

    def may_annotate(self, chrom: str, pos: int, ref_len: int) -> bool:
        return any(s <= pos + max(ref_len, 1) and e >= pos - 1 for s, e in self.spans)

    def genomic_rule_near(self, build: str, chrom: str | None, start: int, end: int) -> bool:
        return chrom == "1" and any(start - 1 <= p <= end + 1 for p in self.rules)


def test_shortcut_at_region_edges_with_chosen_neighbours() -> None:
    """Transcripts and a rule placed right next to and just beyond the regions: a record's
    REF reaching out of its region, or a transcript ending on the base before a region, must
    not be taken for evidence only."""
    from egfr_annot.io.regions import RegionSet

    regions = RegionSet([
        ("1", 1000, 2000, "A"),                          # a transcript ends at 999
        ("1", 2500, 3000, "B"), ("1", 2800, 3100, "B"),  # one label, two intervals
        ("1", 4000, 4500, "C"), ("1", 4400, 4600, "D"),  # two labels
        ("1", 5000, 5200, "E"),                          # a rule at 5250
    ])
    spans = _Spans(spans=[(900, 999), (2050, 2100), (3150, 3160)], rules=[5250])
    lookup = _EvidenceOnly("GRCh38", regions, spans, spans)  # type: ignore[arg-type]

    def by_record(pos: int, ref_len: int) -> str | None:
        label = regions.label_at("1", pos)
        if label is None or spans.may_annotate("1", pos, ref_len):
            return None
        return None if spans.genomic_rule_near("", "1", pos, pos + ref_len - 1) else label

    for pos in range(850, 5400):
        for ref_len in (1, 2, 5, 50, 120, 600):
            assert lookup.gene("1", pos, ref_len) == by_record(pos, ref_len), (pos, ref_len)
    assert lookup._whole_region == {("1", 1000): False, ("1", 2500): True, ("1", 5000): True}
