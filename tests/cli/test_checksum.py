"""The input checksum written in every output's provenance (issue #9 made it faster)."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from egfr_annot import pipeline
from egfr_annot.pipeline import sha256_of, start_sha256


@pytest.mark.parametrize("size", [0, 1, 1000, 10_000])
def test_sha256_of_regular_files_in_several_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(pipeline, "_HASH_CHUNK", 4096)  # several chunks, a short last one
    data = random.Random(size).randbytes(size)
    path = tmp_path / "x.vcf.gz"
    path.write_bytes(data)
    assert sha256_of(str(path)) == hashlib.sha256(data).hexdigest()
    assert start_sha256(str(path))() == hashlib.sha256(data).hexdigest()


def test_no_checksum_for_a_pipe_or_stdin() -> None:
    # Hashing a pipe would take its data away from the reader: like stdin, it has no checksum.
    read_end, write_end = os.pipe()
    os.write(write_end, b"##fileformat=VCFv4.2\n")
    os.close(write_end)
    try:
        assert sha256_of(f"/dev/fd/{read_end}") is None
        assert os.read(read_end, 100) == b"##fileformat=VCFv4.2\n"  # nothing was read
    finally:
        os.close(read_end)
    assert sha256_of("-") is None
