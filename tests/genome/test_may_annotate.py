"""``Annotator.may_annotate`` lets the pipeline skip normalising and annotating records far
from every panel transcript (issue #9). It must never skip an allele that has a consequence:
checked here for every kind of allele at every position within 40 bases of each transcript
end and each known reference segment end, on both builds."""

from __future__ import annotations

import pytest

from egfr_annot.genome.annotator import Annotator
from egfr_annot.knowledge.loader import load_knowledge_base
from egfr_annot.knowledge.matcher import Matcher
from egfr_annot.records import Build

ALLELES = [("A", "C"), ("AC", "A"), ("A", "AT"), ("ACGTACGTAC", "A"), ("T", "TTTT"),
           ("A", "G" * 30), ("ACGT", "TGCA")]


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_skipped_alleles_have_no_consequence(build: Build) -> None:
    annotator = Annotator(build)
    edges = [(m.chrom, x) for m in annotator.models.values() for x in (m.tx_start, m.tx_end)]
    edges += [(c, x) for c, s, e in annotator.reference.known_spans() for x in (s, e)]
    skipped = 0
    for chrom, edge in edges:
        for pos in range(edge - 40, edge + 41):
            for ref, alt in ALLELES:
                if annotator.may_annotate(chrom, pos, len(ref)):
                    continue
                skipped += 1
                assert annotator.annotate(annotator.normalise(chrom, pos, ref, alt)) == (), (
                    chrom, pos, ref, alt)
    assert skipped > 1000  # the check does skip alleles next to the panel


def test_answers_far_from_and_inside_the_panel() -> None:
    annotator = Annotator("GRCh38")
    assert annotator.may_annotate("chr12", 25245350, 1)  # KRAS c.35 (G12)
    assert annotator.may_annotate("12", 25245350, 1)
    assert not annotator.may_annotate("chr12", 1_000_000, 1)
    assert not annotator.may_annotate("chr5", 112_839_000, 1)  # APC: no transcript model
    assert not annotator.may_annotate("chrUn_KI270302v1", 10, 1)
    kras = annotator.models["KRAS"]
    # a deletion starting before the transcript and reaching into it, and a base just after
    # its end (an insertion there touches it)
    assert annotator.may_annotate("chr12", kras.tx_start - 30, 40)
    assert annotator.may_annotate("chr12", kras.tx_end + 1, 1)


def test_genomic_rule_positions() -> None:
    kb = load_knowledge_base()
    matcher = Matcher(kb, Annotator("GRCh38").models)
    # rs1801274 (FCGR2A H167R), GRCh38 1:161509955 (annotations/genomic_alleles.tsv)
    assert matcher.genomic_rule_near("GRCh38", "1", 161509955, 161509955)
    assert matcher.genomic_rule_near("GRCh38", "1", 161509950, 161509954)  # a REF reaching it
    assert not matcher.genomic_rule_near("GRCh38", "1", 161509957, 161509960)
    assert not matcher.genomic_rule_near("GRCh37", "1", 161509955, 161509955)
    assert matcher.genomic_rule_near("GRCh37", "1", 161479745, 161479745)


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_introns_near_a_span_are_found_by_bisection_as_by_a_scan(build: Build) -> None:
    """The splice-site terms look only at the introns within 4 bases of an allele
    (``TranscriptIndex.introns_near``): the same introns a scan of all of them finds."""
    import random

    from egfr_annot.genome.txindex import TranscriptIndex

    annotator = Annotator(build)
    rng = random.Random(4)
    for model in annotator.models.values():
        ix = TranscriptIndex(model, annotator.reference)
        edges = [x for i in ix.introns for x in (i.g_start, i.g_end)]
        for _ in range(300):
            start = rng.choice(edges) + rng.randint(-8, 8)
            end = start + rng.choice([-1, 0, 0, 1, 5, 40, 3000])  # -1: an insertion
            for slack in (0, 4):
                want = sorted((i for i in ix.introns
                               if i.g_start - slack <= end and i.g_end + slack >= start),
                              key=lambda i: i.g_start)
                assert ix.introns_near(start, end, slack) == want, (model.gene, start, end)
