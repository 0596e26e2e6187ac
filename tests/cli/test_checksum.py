"""The input checksum written in every output's provenance (issue #9 made it faster)."""

from __future__ import annotations

import hashlib
import mmap
import os
import random
import sys
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
    monkeypatch.setattr(checksum, "_ONE_MAPPING_MAX_BYTES", 0)
    size = int(chunks * chunk)
    data = random.Random(size).randbytes(size)
    path = tmp_path / "x.vcf.gz"
    path.write_bytes(data)
    assert sha256_of(str(path)) == hashlib.sha256(data).hexdigest()
    assert start_sha256(str(path))() == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("size", "mappings"), [(0, 0), (1, 1), (10 * 65536 + 5, 1)])
def test_a_file_below_the_limit_is_hashed_in_one_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, mappings: int
) -> None:
    # one mapping: the hashing thread takes the GIL back once, not once per chunk (issue #9)
    monkeypatch.setattr(checksum, "_HASH_CHUNK", mmap.ALLOCATIONGRANULARITY)
    monkeypatch.setattr(checksum, "_ONE_MAPPING_MAX_BYTES", size + 1)
    lengths: list[int] = []
    real_mmap = mmap.mmap

    def counting_mmap(fileno: int, length: int, **kwargs: object) -> mmap.mmap:
        lengths.append(length)
        return real_mmap(fileno, length, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mmap, "mmap", counting_mmap)
    data = random.Random(size).randbytes(size)
    path = tmp_path / "x.vcf.gz"
    path.write_bytes(data)
    assert sha256_of(str(path)) == hashlib.sha256(data).hexdigest()
    assert lengths == [size] * mappings
    # at the limit: chunks again
    monkeypatch.setattr(checksum, "_ONE_MAPPING_MAX_BYTES", size)
    lengths.clear()
    assert sha256_of(str(path)) == hashlib.sha256(data).hexdigest()
    assert len(lengths) == -(-size // mmap.ALLOCATIONGRANULARITY)


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

    intervals: list[float] = []

    def wait_for_child() -> None:
        started.append(True)
        intervals.append(sys.getswitchinterval())
        child_done.wait()

    before = sys.getswitchinterval()
    result = start_sha256(str(path), after=wait_for_child)
    # (the hash cannot be done before the child is: it has not been started yet)
    assert child_done.wait(0.05) is False and started == [True]
    child_done.set()
    assert result() == hashlib.sha256(b"some bytes").hexdigest()
    # The thread takes the GIL back at short notice once the child is done (the main thread
    # parses on meanwhile); the interval is the process's own again afterwards.
    assert intervals == [checksum.HASH_SWITCH_INTERVAL] < [before]
    assert sys.getswitchinterval() == before


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


# -- a streamed file is hashed as it is read (the file is read once; stdin and pipes too) ------
EXAMPLES = Path(__file__).resolve().parents[2] / "example_vcfs"
KRAS_38 = [("chr12", 25_205_000, 25_251_000, "KRAS")]


def _streamed_sha256(path: str, *, scan_process: str) -> tuple[str | None, int, str]:
    from egfr_annot.io.regions import RegionSet
    from egfr_annot.io.vcf import open_variants

    os.environ["EGFR_ANNOT_SCAN_PROCESS"] = scan_process
    try:
        with open_variants(path, regions=RegionSet(KRAS_38), use_index=False,
                           checksum=True) as source:
            n_calls = sum(1 for _ in source.calls())
            return source.input_sha256, n_calls, source.read_mode_detail
    finally:
        del os.environ["EGFR_ANNOT_SCAN_PROCESS"]


def _example_as(form: str, tmp_path: Path) -> Path:
    import gzip
    import subprocess

    text = (EXAMPLES / "acquired_resistance.GRCh38.vcf.gz").read_bytes()
    text = gzip.decompress(text)
    path = tmp_path / ("x.vcf" if form == "plain" else "x.vcf.gz")
    if form == "plain":
        path.write_bytes(text)
    elif form == "gzip":
        path.write_bytes(gzip.compress(text, mtime=0))
    else:
        path.with_suffix("").write_bytes(text)
        subprocess.run(["bgzip", "-f", str(path.with_suffix(""))], check=True)
        if form == "bgzip+padding":  # zeros after the last member (gzip tolerates them)
            path.write_bytes(path.read_bytes() + bytes(1000))
    return path


@pytest.mark.parametrize("form", ["plain", "bgzip", "gzip", "bgzip+padding"])
def test_streamed_input_is_hashed_as_read(tmp_path: Path, form: str) -> None:
    path = _example_as(form, tmp_path)
    digest, n_calls, detail = _streamed_sha256(str(path), scan_process="0")
    assert detail == ""  # (streamed in this process)
    # every byte, the trailing ones too: the value `sha256sum` gives
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert n_calls == 2  # (KRAS G12D and G12A: the file was read as usual)


def test_a_file_the_scanning_child_reads_is_hashed_once_it_is_done(tmp_path: Path) -> None:
    # (the child reads the file; the hash runs here when a core is free: `start_sha256(after=)`)
    from egfr_annot.pipeline import Resources, RunOptions, annotate_input

    path = _example_as("bgzip", tmp_path)
    digest, _, detail = _streamed_sha256(str(path), scan_process="1")
    assert detail == "streamed by a scanning subprocess" and digest is None
    os.environ["EGFR_ANNOT_SCAN_PROCESS"] = "1"
    try:
        (result,) = annotate_input(str(path), RunOptions(), Resources())
    finally:
        del os.environ["EGFR_ANNOT_SCAN_PROCESS"]
    assert result.provenance.input_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_streamed_file_is_not_hashed_without_checksum(tmp_path: Path) -> None:
    from egfr_annot.io.vcf import open_variants

    with open_variants(EXAMPLES / "braf_v600e.GRCh37.vcf") as source:
        list(source.calls())
    assert source.input_sha256 is None


def test_indexed_and_streamed_runs_give_the_same_checksum() -> None:
    # an indexed file is hashed by a thread (the reader reads only its regions, unhashed)
    from egfr_annot.io.regions import RegionSet
    from egfr_annot.io.vcf import open_variants
    from egfr_annot.pipeline import Resources, RunOptions, annotate_input

    example = EXAMPLES / "acquired_resistance.GRCh38.vcf.gz"
    with open_variants(example, regions=RegionSet(KRAS_38), checksum=True) as source:
        assert source.read_mode == "indexed" and len(list(source.calls())) == 2
    assert source.input_sha256 is None
    expected = hashlib.sha256(example.read_bytes()).hexdigest()
    for use_index in (True, False):
        (result,) = annotate_input(str(example), RunOptions(use_index=use_index), Resources())
        assert result.provenance.input_sha256 == expected
    (result,) = annotate_input(str(example), RunOptions(checksum=False), Resources())
    assert result.provenance.input_sha256 is None


def test_standard_input_gets_its_checksum(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = (EXAMPLES / "acquired_resistance.GRCh38.vcf.gz").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "egfr_annot", "run", "-", "-o", str(tmp_path / "s"), "-q"],
        input=data, capture_output=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "s.summary.tsv").read_text().splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    column = rows[0].index("input_sha256")
    assert rows[1][column] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("limit, hashed_after_loading", [(1 << 40, True), (0, False)])
def test_an_indexed_file_is_hashed_once_the_knowledge_base_is_loaded_unless_large(
    monkeypatch: pytest.MonkeyPatch, limit: int, hashed_after_loading: bool
) -> None:
    # Below the limit the hash would only slow the imports and loading beside it (issue #9):
    # it starts after the regions are loaded, and the value is the same.
    import egfr_annot.pipeline as pipeline
    from egfr_annot.pipeline import Resources, RunOptions, annotate_input

    example = EXAMPLES / "acquired_resistance.GRCh38.vcf.gz"
    monkeypatch.setattr(checksum, "HASH_AFTER_LOADING_MAX_BYTES", limit)
    events: list[str] = []
    real_start, real_regions = pipeline.start_sha256, Resources.regions

    def spy_start(path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        events.append("hash")
        return real_start(path, **kwargs)  # type: ignore[arg-type]

    def spy_regions(self: Resources, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        events.append("regions")
        return real_regions(self, *args, **kwargs)  # type: ignore[arg-type]

    # (started early through checksum.start_sha256_before_loading, later by the pipeline)
    monkeypatch.setattr(checksum, "start_sha256", spy_start)
    monkeypatch.setattr(pipeline, "start_sha256", spy_start)
    monkeypatch.setattr(Resources, "regions", spy_regions)
    (result,) = annotate_input(str(example), RunOptions(), Resources())
    assert result.provenance.input_sha256 == hashlib.sha256(example.read_bytes()).hexdigest()
    assert events.count("hash") == 1
    assert (events.index("hash") > events.index("regions")) is hashed_after_loading
    assert checksum.hash_after_loading(str(example)) is hashed_after_loading
    assert checksum.hash_after_loading(str(example) + ".missing") is False
