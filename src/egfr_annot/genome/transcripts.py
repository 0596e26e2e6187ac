"""Load the MANE Select transcript models shipped in ``annotations/transcripts/`` (issue #3).

The files are written by ``scripts/build_transcripts.py`` (one JSON per build plus gzip'ed
per-gene reference sequences). Loading a build parses one ~60 kB JSON (a few ms) and is cached
per (build, directory), so every stage of a process shares the same read-only models.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from egfr_annot.genome.models import Exon, TranscriptModel
from egfr_annot.records import BUILDS, Build

TRANSCRIPTS_SUBDIR = "transcripts"
FORMAT = "egfr-annot transcript models 1"


@dataclass(frozen=True, slots=True)
class SequenceSegment:
    """A stretch of known + strand reference bases (1-based inclusive) for one gene."""

    gene: str
    chrom: str
    start: int
    end: int
    description: str


@dataclass(frozen=True, slots=True)
class TranscriptIds:
    """MANE Select identifiers of a panel gene (also for genes without a model, e.g. FCGR2A)."""

    gene: str
    refseq: str
    ensembl: str
    refseq_protein: str
    ensembl_protein: str
    has_model: bool


@dataclass(frozen=True, slots=True)
class TranscriptSet:
    """Everything in one ``<build>.json``: models, sequence index and identifiers."""

    build: Build
    directory: Path
    models: Mapping[str, TranscriptModel]
    segments: Mapping[str, tuple[SequenceSegment, ...]]  # gene -> segments, sorted by start
    sequence_files: Mapping[str, tuple[str, str]]  # gene -> (relative path, sha256 of text)
    ids: Mapping[str, TranscriptIds]
    sources: tuple[tuple[str, str], ...]  # (file, sha256)


def transcripts_dir(annotations_dir: Path | None = None) -> Path:
    if annotations_dir is None:
        from egfr_annot.resources import annotations_dir as default_dir

        annotations_dir = default_dir()
    return Path(annotations_dir) / TRANSCRIPTS_SUBDIR


def _model(build: Build, g: Mapping[str, Any], source: str) -> TranscriptModel:
    exons = tuple(Exon(*row) for row in g["exons"])
    return TranscriptModel(
        gene=g["gene"],
        build=build,
        chrom=g["chrom"],
        strand=g["strand"],
        refseq=g["refseq"],
        ensembl=g["ensembl"],
        refseq_protein=g["refseq_protein"],
        ensembl_protein=g["ensembl_protein"],
        exons=exons,
        cds_seq=g["cds_seq"],
        protein=g["protein"],
        tx_start=g["tx_start"],
        tx_end=g["tx_end"],
        source=f"{g['exon_model_from']}; protein: {g['protein_source']}; {source}",
        assembly_accession=g["assembly_accession"],
    )


@lru_cache(maxsize=8)
def _load(build: Build, directory: str) -> TranscriptSet:
    if build not in BUILDS:
        raise ValueError(f"unknown genome build {build!r}; expected one of {', '.join(BUILDS)}")
    path = Path(directory) / f"{build}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: transcript models not found (run scripts/build_transcripts.py)"
        ) from None
    if doc.get("format") != FORMAT or doc.get("build") != build:
        raise ValueError(f"{path}: not an {FORMAT!r} file for {build}")
    sources = tuple((s["file"], s["sha256"]) for s in doc["sources"])
    provenance = f"{path.name} from " + ", ".join(f"{f} sha256:{h[:12]}" for f, h in sources)
    models: dict[str, TranscriptModel] = {}
    segments: dict[str, tuple[SequenceSegment, ...]] = {}
    files: dict[str, tuple[str, str]] = {}
    ids: dict[str, TranscriptIds] = {}
    for gene, g in doc["genes"].items():
        models[gene] = _model(build, g, provenance)
        seq = g["sequence"]
        segments[gene] = tuple(
            SequenceSegment(gene, g["chrom"], s, e, d) for s, e, d in seq["segments"]
        )
        files[gene] = (seq["file"], seq["sha256_uncompressed"])
        ids[gene] = TranscriptIds(
            gene, g["refseq"], g["ensembl"], g["refseq_protein"], g["ensembl_protein"], True
        )
    for gene, g in doc.get("identifiers_only", {}).items():
        ids[gene] = TranscriptIds(
            gene, g["refseq"], g["ensembl"], g["refseq_protein"], g["ensembl_protein"], False
        )
    return TranscriptSet(
        build=build,
        directory=Path(directory),
        models=MappingProxyType(models),
        segments=MappingProxyType(segments),
        sequence_files=MappingProxyType(files),
        ids=MappingProxyType(ids),
        sources=sources,
    )


def load_transcript_set(build: Build, annotations_dir: Path | None = None) -> TranscriptSet:
    """The whole transcript data of one build (models, sequence index, ids)."""
    return _load(build, str(transcripts_dir(annotations_dir).resolve()))


def load_transcript_models(
    build: Build, annotations_dir: Path | None = None
) -> Mapping[str, TranscriptModel]:
    """MANE Select transcript models of the panel genes for ``build``: gene symbol -> model.

    Parameters
    ----------
    build
        ``"GRCh37"`` or ``"GRCh38"``.
    annotations_dir
        The ``annotations/`` directory; default :func:`egfr_annot.resources.annotations_dir`.

    Returns
    -------
    Mapping[str, TranscriptModel]
        Read-only mapping in panel order (EGFR, KRAS, NRAS, HRAS, BRAF, PIK3CA, ERBB2, MET, MAP2K1,
        PTEN, FCGR3A). FCGR2A has identifiers only (see :func:`load_transcript_ids`).
    """
    return load_transcript_set(build, annotations_dir).models


def load_transcript_ids(
    build: Build, annotations_dir: Path | None = None
) -> Mapping[str, TranscriptIds]:
    """MANE Select identifiers of every panel gene, including genes without a model (FCGR2A)."""
    return load_transcript_set(build, annotations_dir).ids
