"""Fixtures of the copy-number tests (issue #6).

Transcript models are built from ``tests/data/cnv/panel_spans.tsv`` (the MANE Select transcript
extents of ``refdata/derived/panel_exons.tsv``) so that the expected overlap fractions do not move
when the shipped models are rebuilt; ``test_cnv_models.py`` checks that the shipped models agree.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from egfr_annot.genome.models import TranscriptModel

CNV_DATA = Path(__file__).resolve().parents[1] / "data" / "cnv"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def span_models(build: str) -> dict[str, TranscriptModel]:
    models: dict[str, TranscriptModel] = {}
    with open(CNV_DATA / "panel_spans.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["build"] != build:
                continue
            models[row["gene"]] = TranscriptModel(
                gene=row["gene"],
                build=build,  # type: ignore[arg-type]
                chrom=row["chrom"],
                strand=row["strand"],  # type: ignore[arg-type]
                refseq=row["refseq"],
                ensembl="",
                refseq_protein="",
                ensembl_protein="",
                exons=(),
                cds_seq="",
                protein="",
                tx_start=int(row["tx_start"]),
                tx_end=int(row["tx_end"]),
            )
    return models


@pytest.fixture(scope="session")
def cnv_data() -> Path:
    return CNV_DATA


@pytest.fixture(scope="session")
def models() -> Callable[[str], Mapping[str, TranscriptModel]]:
    cache = {b: span_models(b) for b in ("GRCh37", "GRCh38")}
    return cache.__getitem__


@pytest.fixture(scope="session")
def real_vcfs() -> Path:
    path = SHARED / "real_vcfs"
    if not path.is_dir():
        pytest.skip(f"{path} not available (../shared is not part of the repository)")
    return path
