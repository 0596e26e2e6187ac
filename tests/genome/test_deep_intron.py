"""The short paths for base changes deep inside an intron or a UTR
(``consequence._deep_in_intron`` / ``_deep_in_utr``, issue #9) give exactly what the full steps
give. Checked for every base change at every position 12-45 bases inside each intron end, 0-45
bases inside each UTR exon end and around each CDS end, and at a sample of positions further in,
on every panel transcript of both builds."""

from __future__ import annotations

import random

import pytest

from egfr_annot.genome import consequence
from egfr_annot.genome.annotator import Annotator
from egfr_annot.genome.consequence import MinimalAllele, annotate_on_transcript
from egfr_annot.genome.txindex import TranscriptIndex
from egfr_annot.records import Build


def _positions(ix: TranscriptIndex, rng: random.Random) -> list[int]:
    out: list[int] = []
    for intron in ix.introns:
        out += [*range(intron.g_start + 12, intron.g_start + 46),
                *range(intron.g_end - 45, intron.g_end - 11)]
        out += rng.sample(range(intron.g_start, intron.g_end + 1),
                          min(20, intron.g_end - intron.g_start + 1))
    for exon in ix.exons:
        if exon.g_start >= ix.cds_g_start and exon.g_end <= ix.cds_g_end:
            continue  # all coding: the full steps always run there
        out += [*range(exon.g_start, exon.g_start + 46), *range(exon.g_end - 45, exon.g_end + 1)]
        out += rng.sample(range(exon.g_start, exon.g_end + 1),
                          min(150, exon.g_end - exon.g_start + 1))
    for cds_end in (ix.cds_g_start, ix.cds_g_end):
        out += list(range(cds_end - 45, cds_end + 46))
    return out


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_short_paths_equal_the_full_steps(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    annotator = Annotator(build)
    reference = annotator.reference
    rng = random.Random(8)
    cases: list[tuple[MinimalAllele, TranscriptIndex]] = []
    for model in annotator.models.values():
        ix = TranscriptIndex(model, reference)
        for pos in sorted(set(_positions(ix, rng))):
            base = reference.fetch(model.chrom, pos, pos)
            if base is None or base not in "ACGT":
                continue
            for alt in "ACGT".replace(base, ""):
                cases.append((MinimalAllele(model.chrom, pos, pos, base, alt), ix))
    short = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    in_intron = sum(consequence._deep_in_intron(m, ix) for m, ix in cases)
    in_utr = [consequence._deep_in_utr(m, ix) for m, ix in cases]
    monkeypatch.setattr(consequence, "_deep_in_intron", lambda *_args: False)
    monkeypatch.setattr(consequence, "_deep_in_utr", lambda *_args: None)
    full = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    for (m, ix), a, b in zip(cases, short, full, strict=True):
        assert a == b, (ix.gene, m)
    assert len(cases) > 40_000 and in_intron > len(cases) // 4
    assert in_utr.count("3_prime_UTR_variant") > 1000 and in_utr.count("5_prime_UTR_variant") > 100
    # the short paths stop where other terms begin: such positions are among the cases
    assert any(c.so_terms[0] not in ("intron_variant", "3_prime_UTR_variant",
                                     "5_prime_UTR_variant") for c in full)


def test_short_paths_only_for_base_changes_well_inside() -> None:
    annotator = Annotator("GRCh38")
    ix = TranscriptIndex(annotator.models["KRAS"], annotator.reference)  # minus strand
    intron = ix.introns[0]
    inside = intron.g_start + consequence._DEEP
    assert consequence._deep_in_intron(MinimalAllele(ix.chrom, inside, inside, "A", "C"), ix)
    near = inside - 1
    assert not consequence._deep_in_intron(MinimalAllele(ix.chrom, near, near, "A", "C"), ix)
    assert not consequence._deep_in_intron(MinimalAllele(ix.chrom, inside, inside, "A", "N"), ix)
    assert not consequence._deep_in_intron(
        MinimalAllele(ix.chrom, inside, inside + 1, "AC", "GT"), ix
    )
    exon = ix.exons[1].g_start
    assert not consequence._deep_in_intron(MinimalAllele(ix.chrom, exon, exon, "A", "C"), ix)
    # KRAS is on the minus strand: its 3' UTR lies below the CDS
    utr = ix.cds_g_start - consequence._DEEP
    assert consequence._deep_in_utr(MinimalAllele(ix.chrom, utr, utr, "A", "C"), ix) == (
        "3_prime_UTR_variant"
    )
    assert consequence._deep_in_utr(
        MinimalAllele(ix.chrom, utr + 1, utr + 1, "A", "C"), ix) is None
