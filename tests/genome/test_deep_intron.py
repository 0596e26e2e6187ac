"""The short path for deep intronic base changes (``consequence._deep_intron_consequence``,
issue #9) gives exactly what the full steps give: checked for every base change at every
position from 12 to 45 bases inside each end of every intron of every panel transcript, and at
a sample of positions further in, on both builds."""

from __future__ import annotations

import random

import pytest

from egfr_annot.genome import consequence
from egfr_annot.genome.annotator import Annotator
from egfr_annot.genome.consequence import MinimalAllele, annotate_on_transcript
from egfr_annot.genome.txindex import TranscriptIndex
from egfr_annot.records import Build


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_short_path_equals_the_full_steps(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    annotator = Annotator(build)
    reference = annotator.reference
    rng = random.Random(8)
    cases: list[tuple[MinimalAllele, TranscriptIndex]] = []
    for model in annotator.models.values():
        ix = TranscriptIndex(model, reference)
        for intron in ix.introns:
            positions = [*range(intron.g_start + 12, intron.g_start + 46),
                         *range(intron.g_end - 45, intron.g_end - 11)]
            positions += rng.sample(range(intron.g_start, intron.g_end + 1),
                                    min(20, intron.g_end - intron.g_start + 1))
            for pos in positions:
                base = reference.fetch(model.chrom, pos, pos)
                if base is None or base not in "ACGT":
                    continue
                for alt in "ACGT".replace(base, ""):
                    cases.append((MinimalAllele(model.chrom, pos, pos, base, alt), ix))
    short = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    taken = sum(consequence._deep_in_intron(m, ix) for m, ix in cases)
    monkeypatch.setattr(consequence, "_deep_in_intron", lambda *_args: False)
    full = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    for (m, ix), a, b in zip(cases, short, full, strict=True):
        assert a == b, (ix.gene, m)
    assert len(cases) > 20_000 and taken > len(cases) // 2
    # the short path stops where a splice window begins: these are not intron_variant alone
    assert any(c.so_terms != ("intron_variant",) for c in full)


def test_short_path_only_for_base_changes_well_inside_an_intron() -> None:
    annotator = Annotator("GRCh38")
    ix = TranscriptIndex(annotator.models["KRAS"], annotator.reference)
    intron = ix.introns[0]
    inside = intron.g_start + consequence._DEEP_INTRON
    assert consequence._deep_in_intron(MinimalAllele(ix.chrom, inside, inside, "A", "C"), ix)
    near = inside - 1
    assert not consequence._deep_in_intron(MinimalAllele(ix.chrom, near, near, "A", "C"), ix)
    assert not consequence._deep_in_intron(MinimalAllele(ix.chrom, inside, inside, "A", "N"), ix)
    assert not consequence._deep_in_intron(
        MinimalAllele(ix.chrom, inside, inside + 1, "AC", "GT"), ix
    )
    exon = ix.exons[1].g_start
    assert not consequence._deep_in_intron(MinimalAllele(ix.chrom, exon, exon, "A", "C"), ix)
