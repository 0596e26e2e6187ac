"""Fixtures for the knowledge-base tests: the repository's annotations/, the transcript models of
both builds, a matcher, and Consequence objects shaped like the annotation engine's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from egfr_annot.genome.models import TranscriptModel
from egfr_annot.genome.transcripts import load_transcript_models
from egfr_annot.knowledge import KnowledgeBase, Matcher, load_knowledge_base
from egfr_annot.knowledge.protein import AA1_TO_3, parse_protein_change
from egfr_annot.records import BUILDS, Build, Consequence

REPO = Path(__file__).resolve().parents[2]
ANNOTATIONS = REPO / "annotations"
SEEDS = REPO.parent / "shared" / "seeds"

SO_OF_KIND = {
    "missense": "missense_variant",
    "nonsense": "stop_gained",
    "synonymous": "synonymous_variant",
    "frameshift": "frameshift_variant",
    "deletion": "inframe_deletion",
    "insertion": "inframe_insertion",
    "duplication": "inframe_insertion",
    "delins": "protein_altering_variant",
    "start_lost": "start_lost",
    "stop_lost": "stop_lost",
}


@pytest.fixture(scope="session")
def annotations() -> Path:
    return ANNOTATIONS


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base(ANNOTATIONS)


@pytest.fixture(scope="session")
def models_by_build() -> Mapping[Build, Mapping[str, TranscriptModel]]:
    return {build: load_transcript_models(build, ANNOTATIONS) for build in BUILDS}


@pytest.fixture(scope="session")
def models(
    models_by_build: Mapping[Build, Mapping[str, TranscriptModel]],
) -> Mapping[str, TranscriptModel]:
    return models_by_build["GRCh38"]


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase, models: Mapping[str, TranscriptModel]) -> Matcher:
    return Matcher(kb, models)


def _three_letter(short: str) -> str:
    """p.G12D -> p.Gly12Asp (good enough for the simple changes used here)."""
    out = []
    for ch in short[2:]:
        out.append(AA1_TO_3.get(ch, ch) if ch.isalpha() and ch.isupper() else ch)
    return "p." + "".join(out).replace("*", "Ter")


@pytest.fixture(scope="session")
def consequence(models: Mapping[str, TranscriptModel]) -> Callable[..., Consequence]:
    """Consequence as the engine writes it: ``consequence("KRAS", "p.G12D")``.

    The exon ("2/5"), residues and SO term are taken from the MANE model; ``so_terms``,
    ``exon``, ``hgvsp_short`` etc. can be overridden for decoys.
    """

    def make(gene: str, hgvsp_short: str = "", **overrides: object) -> Consequence:
        model = models[gene]
        fields: dict[str, object] = {
            "gene": gene,
            "transcript": model.refseq,
            "transcript_ensembl": model.ensembl,
            "strand": model.strand,
            "so_terms": ("intron_variant",),
            "hgvsc": "",
            "hgvsp": "",
            "hgvsp_short": hgvsp_short,
        }
        change = parse_protein_change(hgvsp_short) if hgvsp_short else None
        if change is not None:
            exons = model.exons_of_codon(change.start)
            fields.update(
                so_terms=(SO_OF_KIND[change.kind],),
                hgvsp=_three_letter(hgvsp_short),
                exon=f"{exons[0]}/{model.n_exons}" if exons else "",
                protein_start=change.start,
                protein_end=change.end,
                ref_aa=model.protein[change.start - 1 : change.end],
                alt_aa=change.alt,
            )
        fields.update(overrides)
        return Consequence(**fields)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def review_text() -> str:
    path = SEEDS / "review_anti_egfr_resistance_mcrc.txt"
    if not path.is_file():
        pytest.skip(f"seed documents not available ({path})")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def meta_text() -> str:
    path = SEEDS / "meta_analysis_anti_egfr_rechallenge.txt"
    if not path.is_file():
        pytest.skip(f"seed documents not available ({path})")
    return path.read_text(encoding="utf-8")
