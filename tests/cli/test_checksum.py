"""The input checksum written in every output's provenance (issue #9 made it faster)."""

from __future__ import annotations

import hashlib
import mmap
import os
import random
from pathlib import Path

import pytest

from egfr_annot import checksum
from egfr_annot.checksum import sha256_of, start_sha256


@pytest.mark.parametrize("chunks", [0, 0.001, 0.3, 1, 2.5])
def test_sha256_of_regular_files_in_several_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks: float
) -> None:
    # chunks are mapped one by one: their offsets must be multiples of the mapping granularity
    chunk = mmap.ALLOCATIONGRANULARITY
    monkeypatch.setattr(checksum, "_HASH_CHUNK", chunk)  # several chunks, a short last one
    size = int(chunks * chunk)
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


def test_hashing_can_wait_for_the_scanning_child(tmp_path: Path) -> None:
    # With a scanning child the hash starts once the child has exited (a core is idle then).
    import threading

    path = tmp_path / "x.vcf.gz"
    path.write_bytes(b"some bytes")
    child_done = threading.Event()
    started: list[bool] = []

    def wait_for_child() -> None:
        started.append(True)
        child_done.wait()

    result = start_sha256(str(path), after=wait_for_child)
    # (the hash cannot be done before the child is: it has not been started yet)
    assert child_done.wait(0.05) is False and started == [True]
    child_done.set()
    assert result() == hashlib.sha256(b"some bytes").hexdigest()


def test_annotate_input_takes_the_callers_checksum() -> None:
    # `run` starts the checksum before the pipeline's imports and hands it over: the pipeline
    # waits for that one and hashes nothing itself
    from egfr_annot.pipeline import Resources, RunOptions, annotate_input

    examples = Path(__file__).resolve().parents[2] / "example_vcfs"
    example = examples / "acquired_resistance.GRCh38.vcf.gz"
    asked: list[bool] = []

    def given() -> str:
        asked.append(True)
        return "f" * 64

    (result,) = annotate_input(str(example), RunOptions(), Resources(), input_sha256=given)
    assert asked == [True] and result.provenance.input_sha256 == "f" * 64
    (result,) = annotate_input(str(example), RunOptions(), Resources())
    assert result.provenance.input_sha256 == hashlib.sha256(example.read_bytes()).hexdigest()
