"""The short paths for base changes deep inside an intron or a UTR
(``consequence._deep_site`` / ``_deep_consequence``, issue #9) give exactly what the full steps
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
    terms = [site[0] if (site := consequence._deep_site(m, ix)) else None for m, ix in cases]
    in_intron = terms.count("intron_variant")
    monkeypatch.setattr(consequence, "_deep_site", lambda *_args: None)
    full = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    for (m, ix), a, b in zip(cases, short, full, strict=True):
        assert a == b, (ix.gene, m)
    assert len(cases) > 40_000 and in_intron > len(cases) // 4
    assert terms.count("3_prime_UTR_variant") > 1000 and terms.count("5_prime_UTR_variant") > 100
    # the short paths stop where other terms begin: such positions are among the cases
    assert any(c.so_terms[0] not in ("intron_variant", "3_prime_UTR_variant",
                                     "5_prime_UTR_variant") for c in full)


def _deep_term(m: MinimalAllele, ix: TranscriptIndex) -> str | None:
    site = consequence._deep_site(m, ix)
    return site[0] if site is not None else None


def test_short_paths_only_for_base_changes_well_inside() -> None:
    annotator = Annotator("GRCh38")
    ix = TranscriptIndex(annotator.models["KRAS"], annotator.reference)  # minus strand
    intron = ix.introns[0]
    inside = intron.g_start + consequence._DEEP
    assert _deep_term(MinimalAllele(ix.chrom, inside, inside, "A", "C"), ix) == "intron_variant"
    near = inside - 1
    assert not _deep_term(MinimalAllele(ix.chrom, near, near, "A", "C"), ix)
    assert not _deep_term(MinimalAllele(ix.chrom, inside, inside, "A", "N"), ix)
    assert not _deep_term(
        MinimalAllele(ix.chrom, inside, inside + 1, "AC", "GT"), ix
    )
    exon = ix.exons[1].g_start
    assert not _deep_term(MinimalAllele(ix.chrom, exon, exon, "A", "C"), ix)
    # KRAS is on the minus strand: its 3' UTR lies below the CDS
    utr = ix.cds_g_start - consequence._DEEP
    assert _deep_term(MinimalAllele(ix.chrom, utr, utr, "A", "C"), ix) == (
        "3_prime_UTR_variant"
    )
    assert _deep_term(
        MinimalAllele(ix.chrom, utr + 1, utr + 1, "A", "C"), ix) is None
