"""The short path for base changes well inside a coding exon (``consequence._mid_cds_site``,
issue #9) gives exactly what the full steps give: checked for every base change at every CDS
position it takes, on every panel transcript of both builds."""

from __future__ import annotations

from collections import Counter

import pytest

from egfr_annot.genome import consequence
from egfr_annot.genome.annotator import Annotator
from egfr_annot.genome.consequence import MinimalAllele, annotate_on_transcript
from egfr_annot.genome.txindex import TranscriptIndex
from egfr_annot.records import Build


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_mid_cds_path_equals_the_full_steps(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    annotator = Annotator(build)
    reference = annotator.reference
    cases: list[tuple[MinimalAllele, TranscriptIndex]] = []
    declined = 0
    for model in annotator.models.values():
        ix = TranscriptIndex(model, reference)
        for exon in ix.exons:
            for pos in range(max(exon.g_start, ix.cds_g_start), min(exon.g_end, ix.cds_g_end) + 1):
                base = reference.fetch(model.chrom, pos, pos)
                if base is None or base not in "ACGT":
                    continue
                m = MinimalAllele(model.chrom, pos, pos, base, "ACGT".replace(base, "")[0])
                if consequence._mid_cds_site(m, ix) is None:
                    declined += 1
                    continue
                for alt in "ACGT".replace(base, ""):
                    cases.append((MinimalAllele(model.chrom, pos, pos, base, alt), ix))
    short = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    monkeypatch.setattr(consequence, "_mid_cds_site", lambda *_args: None)
    full = [annotate_on_transcript(m, ix, reference) for m, ix in cases]
    for (m, ix), a, b in zip(cases, short, full, strict=True):
        assert a == b, (ix.gene, m)
    terms = Counter(c.so_terms for c in short)
    assert set(terms) == {("missense_variant",), ("synonymous_variant",), ("stop_gained",)}
    assert terms[("stop_gained",)] > 500 and terms[("synonymous_variant",)] > 10_000
    # most coding positions take the short path; those near exon ends and the first and last
    # codon do not
    assert len(cases) > 3 * 15_000 and 1_000 < declined < len(cases) // 6


def test_mid_cds_path_only_well_inside_the_exon_and_codons() -> None:
    annotator = Annotator("GRCh38")
    ix = TranscriptIndex(annotator.models["KRAS"], annotator.reference)  # minus strand

    def taken(pos: int, alt: str = "") -> bool:
        base = annotator.reference.fetch(ix.chrom, pos, pos)
        assert base is not None
        alt = alt or "ACGT".replace(base, "")[0]
        allele = MinimalAllele(ix.chrom, pos, pos, base, alt)
        return consequence._mid_cds_site(allele, ix) is not None

    # c.1-3 (start codon) and c.4 on the minus strand: genomic positions count down from c.1
    c1 = ix.cds_g_end
    assert not taken(c1) and not taken(c1 - 2)
    assert taken(c1 - 3)  # c.4 (KRAS exon 2 reaches well beyond it)
    # c.35 (G12): taken; an N is not a base change
    c35 = c1 - 34
    assert taken(c35)
    assert not taken(c35, "N")
    # the bases next to an exon end (splice region) are not
    exon = ix.exon_at(c35)
    assert exon is not None
    edge = exon.g_start + consequence._MID_EXON
    assert taken(edge) and not taken(edge - 1)
    # the stop codon: the full steps
    assert not taken(ix.cds_g_start) and not taken(ix.cds_g_start + 2)
