"""Same answers whatever the container: plain, gzip, BGZF, stdin, BCF, tabix/CSI index queries,
the scanning subprocess for large files (issues #5, #9). Compression is detected by magic bytes,
not by the file name."""

from __future__ import annotations

import dataclasses
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reader_helpers import HOTSPOTS_37, REPO, VCF_DATA, read_all, real_vcf, tool

from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import SCAN_PROCESS_ENV
from egfr_annot.records import Call

MUTECT2 = "gatk_mutect2_cfdna_unfiltered.vcf"
REGIONS = RegionSet([("3", 178900000, 178950000, "PIK3CA"), ("2", 25900000, 25970000, "DNMT3A"),
                     ("17", 1, 90_000_000, "chr17")])


def _no_line(calls: list[Call]) -> list[Call]:
    return [dataclasses.replace(c, line=0) for c in calls]


@pytest.fixture
def copies(tmp_path: Path) -> dict[str, Path]:
    src = real_vcf(MUTECT2)
    out: dict[str, Path] = {"plain": tmp_path / "m2.vcf"}
    shutil.copy(src, out["plain"])
    out["gzip"] = tmp_path / "m2.plain-gzip.vcf.gz"
    out["gzip"].write_bytes(gzip.compress(src.read_bytes(), mtime=0))
    out["bgzf"] = tmp_path / "m2.vcf.gz"
    with out["bgzf"].open("wb") as fh:
        subprocess.run([tool("bgzip"), "-c", str(src)], check=True, stdout=fh)
    out["misnamed"] = tmp_path / "m2.looks-plain.vcf"  # gzip content with a plain name
    shutil.copy(out["bgzf"], out["misnamed"])
    return out


def test_plain_gzip_bgzf_and_misnamed_give_identical_results(copies: dict[str, Path]) -> None:
    results = {k: read_all(p, regions=REGIONS, use_index=False) for k, p in copies.items()}
    reference_calls, reference_counts, _ = results["plain"]
    assert reference_calls
    for calls, counts, _ in results.values():
        assert calls == reference_calls and counts == reference_counts


def test_stdin_plain_and_gzip(copies: dict[str, Path]) -> None:
    expected, expected_counts, _ = read_all(copies["plain"], regions=REGIONS)
    code = (
        "import sys, pickle\n"
        "from egfr_annot.io.vcf import open_variants\n"
        "from egfr_annot.io.regions import RegionSet\n"
        f"r = RegionSet({[(c, s, e, '') for c, s, e in REGIONS.merged()]!r})\n"
        "with open_variants('-', regions=r) as src:\n"
        "    calls = list(src.calls()); counts = src.counts\n"
        "sys.stdout.buffer.write(pickle.dumps((calls, counts, src.header.tumour_samples)))\n"
    )
    import pickle

    for key in ("plain", "gzip"):
        proc = subprocess.run([sys.executable, "-c", code], stdin=copies[key].open("rb"),
                              capture_output=True, check=True)
        calls, counts, tumours = pickle.loads(proc.stdout)
        assert calls == expected and counts == expected_counts and tumours == ("TUMOR",)


@pytest.mark.parametrize("index_kind", ["tbi", "csi"])
def test_index_queries_match_streaming(copies: dict[str, Path], index_kind: str) -> None:
    bgzf = copies["bgzf"]
    if index_kind == "tbi":
        subprocess.run([tool("tabix"), "-f", "-p", "vcf", str(bgzf)], check=True)
    else:
        subprocess.run([tool("bcftools"), "index", "-f", "-c", str(bgzf)], check=True)
    streamed, streamed_counts, s_src = read_all(bgzf, regions=REGIONS, use_index=False)
    indexed, indexed_counts, i_src = read_all(bgzf, regions=REGIONS)
    assert (s_src.read_mode, i_src.read_mode) == ("streamed", "indexed")
    assert _no_line(streamed) == indexed  # line numbers are unknown (0) when indexed
    assert {c.line for c in indexed} == {0}
    assert indexed_counts == streamed_counts  # records_read comes from the index statistics


def test_overlapping_regions_give_each_record_once(copies: dict[str, Path]) -> None:
    bgzf = copies["bgzf"]
    subprocess.run([tool("tabix"), "-f", "-p", "vcf", str(bgzf)], check=True)
    overlapping = RegionSet([("3", 178910000, 178920000, "a"), ("3", 178915000, 178930000, "b"),
                             ("3", 178916838, 178916838, "c")])
    indexed, counts, src = read_all(bgzf, regions=overlapping)
    streamed, _, _ = read_all(bgzf, regions=overlapping, use_index=False)
    assert src.read_mode == "indexed"
    assert [c.pos for c in indexed] == [c.pos for c in streamed] == [178916838]
    assert counts.records_in_panel == 1


def test_stale_index_is_not_used(copies: dict[str, Path]) -> None:
    bgzf = copies["bgzf"]
    subprocess.run([tool("tabix"), "-f", "-p", "vcf", str(bgzf)], check=True)
    index = Path(str(bgzf) + ".tbi")
    os.utime(index, (1_000_000, 1_000_000))
    _, counts, src = read_all(bgzf, regions=REGIONS)
    assert src.read_mode == "streamed"
    assert any("older than the file" in w for w in counts.warnings)


def test_bcf_reads_like_the_vcf(tmp_path: Path) -> None:
    src = real_vcf(MUTECT2)
    bcf = tmp_path / "m2.bcf"
    subprocess.run([tool("bcftools"), "view", "--no-version", "-Ob", "-o", str(bcf), str(src)],
                   check=True)
    expected, expected_counts, _ = read_all(src, regions=REGIONS)
    calls, counts, reader = read_all(bcf, regions=REGIONS)
    assert reader.read_mode == "bcf"
    assert _no_line(calls) == _no_line(expected)
    assert counts.records_read == expected_counts.records_read
    assert counts.records_in_panel == expected_counts.records_in_panel
    subprocess.run([tool("bcftools"), "index", "-c", str(bcf)], check=True)
    indexed, indexed_counts, reader = read_all(bcf, regions=REGIONS)
    assert reader.read_mode == "bcf-indexed"
    assert indexed == _no_line(expected)
    assert indexed_counts == expected_counts


def test_truncated_bcf_is_refused(tmp_path: Path) -> None:
    from egfr_annot.errors import InputError

    bcf = tmp_path / "m2.bcf"
    subprocess.run([tool("bcftools"), "view", "--no-version", "-Ob", "-o", str(bcf),
                    str(real_vcf(MUTECT2))], check=True)
    bcf.write_bytes(bcf.read_bytes()[:-28])  # a complete stream without its EOF block
    with pytest.raises(InputError, match="truncated BCF"):
        read_all(bcf)


@pytest.mark.parametrize("name", ["vcf2maf_test_strelka.vcf", MUTECT2,
                                  "vardictjava_expected_vardict.simple.vcf"])
def test_scanning_subprocess_gives_identical_results(name: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    regions = RegionSet(list(HOTSPOTS_37.intervals) + [("1", 1, 2_000_000, "chr1 start")])
    monkeypatch.setenv(SCAN_PROCESS_ENV, "0")
    expected = read_all(real_vcf(name), regions=regions)[:2]
    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    calls, counts, src = read_all(real_vcf(name), regions=regions)
    assert src.read_mode_detail == "streamed by a scanning subprocess"
    assert (calls, counts) == expected


def test_scanning_subprocess_reports_input_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from egfr_annot.errors import InputError

    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    with pytest.raises(InputError) as caught:
        read_all(REPO / "tests" / "data" / "bad" / "wrong-column-count.vcf", regions=HOTSPOTS_37)
    assert caught.value.line == 8


def test_stopping_early_leaves_no_scanning_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from egfr_annot.io.vcf import open_variants

    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    regions = RegionSet([("1", 1, 249_000_000, "chr1")])
    with open_variants(real_vcf("vardictjava_expected_vardict.simple.vcf"),
                       regions=regions) as src:
        iterator = src.calls()
        next(iterator)
        iterator.close()  # the child is killed and reaped in the generator's finally block


def _child_forced_on_chr1(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, RegionSet, tuple[list[Call], object]]:
    """A real VCF read with the scanning child forced on, its chr1 regions and the calls and
    counts of reading it without the child."""
    regions = RegionSet([("1", 1, 249_000_000, "chr1")])
    path = real_vcf("vardictjava_expected_vardict.simple.vcf")
    monkeypatch.setenv(SCAN_PROCESS_ENV, "0")
    calls, counts, _ = read_all(path, regions=regions)
    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    return path, regions, (calls, counts)


def test_reading_started_early_gives_the_same_calls_and_closes_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from egfr_annot.io.vcf import open_variants

    path, regions, expected = _child_forced_on_chr1(monkeypatch)
    with open_variants(path, regions=regions) as src:
        src.start_reading()  # the child runs before calls() is asked for
        scanner = src._scanner
        assert scanner is not None and scanner.process is not None
        with pytest.raises(RuntimeError, match="before reading starts"):
            src.restrict_regions(regions)
        calls = list(src.calls())
        assert (calls, src.counts) == expected
    assert scanner.process.proc.returncode == 0
    # started, never read: closing the source ends the child
    with open_variants(path, regions=regions) as src:
        src.start_reading()
        assert src._scanner is not None and src._scanner.process is not None
        proc = src._scanner.process.proc
    assert proc.returncode is not None


def test_prestarted_scanning_process_is_used_for_streaming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from egfr_annot.io.vcf import open_variants, prestart_scan_process

    path, regions, expected = _child_forced_on_chr1(monkeypatch)
    process = prestart_scan_process(path)
    assert process is not None and not process.job_sent
    with open_variants(path, regions=regions, scan_process=process) as src:
        assert (list(src.calls()), src.counts) == expected
        assert src._scanner is not None and src._scanner.process is process
    assert process.job_sent and process.proc.returncode == 0


def test_prestarted_scanning_process_not_needed_is_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from egfr_annot.errors import UsageError
    from egfr_annot.io.vcf import open_variants, prestart_scan_process

    monkeypatch.setenv(SCAN_PROCESS_ENV, "1")
    path = real_vcf("vardictjava_expected_vardict.simple.vcf")
    # no regions: the file is read here, line by line; the unused child exits
    process = prestart_scan_process(path)
    assert process is not None
    with open_variants(path, scan_process=process) as src:
        calls = list(src.calls())
    assert calls and not process.job_sent and process.proc.returncode is not None
    # the source fails in its header: the child is ended too
    process = prestart_scan_process(path)
    assert process is not None
    with pytest.raises(UsageError):
        open_variants(path, sample="no-such-sample", scan_process=process)
    assert process.proc.returncode is not None
    # standard input, BCF, an indexed file, or scanning turned off: nothing is started
    assert prestart_scan_process("-") is None
    bcf = tmp_path / "x.bcf"
    subprocess.run([tool("bcftools"), "view", "--no-version", "-Ob", "-o", str(bcf),
                    str(real_vcf(MUTECT2))], check=True)
    assert prestart_scan_process(bcf) is None
    gz = tmp_path / "x.vcf.gz"
    with gz.open("wb") as fh:
        subprocess.run([tool("bgzip"), "-c", str(real_vcf(MUTECT2))], check=True, stdout=fh)
    subprocess.run([tool("tabix"), "-p", "vcf", str(gz)], check=True)
    assert prestart_scan_process(gz) is None
    unindexed = prestart_scan_process(gz, use_index=False)
    assert unindexed is not None
    unindexed.close()
    assert unindexed.proc.returncode is not None
    monkeypatch.setenv(SCAN_PROCESS_ENV, "0")
    assert prestart_scan_process(path) is None


def test_import_does_not_load_heavy_modules() -> None:
    code = ("import sys, egfr_annot.io.vcf, egfr_annot.io.regions\n"
            "heavy = {'cyvcf2', 'pysam', 'numpy', 'polars', 'pandas'} & set(sys.modules)\n"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_fixture_directory_files_all_read() -> None:
    for path in sorted(VCF_DATA.glob("*.vcf")):
        read_all(path)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)")
def test_scanning_child_starts_no_blas_thread_pool() -> None:
    """numpy's OpenBLAS thread pool spins for ~50 ms of CPU at import: the scanning child,
    which does no linear algebra, is started with one BLAS thread."""
    import time

    from egfr_annot.io.vcf_scan import ScanProcess

    child = ScanProcess()
    try:
        environ: list[bytes] = []
        for _ in range(200):  # (empty while the child is still being exec'd)
            environ = Path(f"/proc/{child.proc.pid}/environ").read_bytes().split(b"\0")
            if any(item.startswith(b"PYTHONPATH=") for item in environ):
                break
            time.sleep(0.01)
        assert b"OPENBLAS_NUM_THREADS=1" in environ and b"OMP_NUM_THREADS=1" in environ
    finally:
        child.close()


def _wanted(path: str) -> bool:
    from egfr_annot.io.scan_child import scan_process_wanted

    return scan_process_wanted(path, compressed=True)


def test_no_scanning_process_inside_a_batch_worker(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A large file gets a scanning child, except in a process that multiprocessing started
    # (a batch worker: the pool already uses the cores); asked without importing
    # multiprocessing where it is not imported yet.
    import multiprocessing

    from egfr_annot.io.scan_child import SUBPROCESS_MIN_COMPRESSED

    monkeypatch.delenv(SCAN_PROCESS_ENV, raising=False)
    big = tmp_path / "big.vcf.gz"
    with big.open("wb") as fh:
        fh.truncate(SUBPROCESS_MIN_COMPRESSED)  # (sparse: only its size is looked at)
    assert _wanted(str(big)) is True
    assert _wanted(str(tmp_path)) is False  # not a regular file
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_wanted, (str(big),)) is False
    code = ("import sys; from egfr_annot.io.scan_child import scan_process_wanted; "
            f"print(scan_process_wanted({str(big)!r}, compressed=True), "
            "'multiprocessing' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != SCAN_PROCESS_ENV}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=env).stdout.split()
    assert out == ["True", "False"]


def test_no_scanning_process_on_one_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With one usable core (a container's or taskset's mask) the child's start-up would only
    # add to this process's work: the file is streamed here.
    import egfr_annot.io.scan_child as scan_child

    monkeypatch.delenv(SCAN_PROCESS_ENV, raising=False)
    big = tmp_path / "big.vcf.gz"
    with big.open("wb") as fh:
        fh.truncate(scan_child.SUBPROCESS_MIN_COMPRESSED)
    small = tmp_path / "small.vcf.gz"
    with small.open("wb") as fh:
        fh.truncate(scan_child.SUBPROCESS_MIN_COMPRESSED - 1)
    monkeypatch.setattr(scan_child, "_usable_cpus", lambda: 2)
    assert (_wanted(str(big)), _wanted(str(small))) == (True, False)
    monkeypatch.setattr(scan_child, "_usable_cpus", lambda: 1)
    assert _wanted(str(big)) is False


def test_scanning_child_wakes_the_reader_for_each_message(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader that has read all there is waits on the wake pipe: the child writes a byte to
    # it after each message (an exit alone would only close it, read as b"").
    from egfr_annot.io.scan_child import ScanProcess
    from egfr_annot.io.vcf_scan import SubprocessScanner

    path = str(real_vcf(MUTECT2))
    regions = RegionSet(list(HOTSPOTS_37.intervals) + [("1", 1, 2_000_000, "chr1 start")])
    process = ScanProcess()
    try:
        scanner = SubprocessScanner(path, header_lines=read_all(path, regions=regions)[2]
                                    .header.n_header_lines, ncols=10, regions=regions,
                                    span_keys=False, process=process)
        scanner.start()
        assert process.wake_fd is not None
        assert os.read(process.wake_fd, 1) == b"m"  # (blocks until the child writes or exits)
        process.wait()
        process.wait_for_message(5.0)  # after the exit: returns at once, reads the rest
    finally:
        process.close()
    assert process.proc.returncode == 0


@pytest.mark.parametrize(("files", "expected"), [
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu.max": "150000 100000\n"}, 1.5),
    ({"cpu.max": "200000 100000\n"}, 2.0),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1.0),
    ({}, None),
    ({"cpu.max": "garbage\n"}, None),
])
def test_cgroup_cpu_quota_is_read_from_v2_then_v1(tmp_path: Path, files: dict[str, str],
                                                  expected: float | None) -> None:
    # A container limited to one CPU by quota (docker --cpus 1, Kubernetes) still sees every
    # core in its affinity mask: the quota decides whether a scanning child is worth it.
    from egfr_annot.io.scan_child import _cgroup_cpu_quota

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _cgroup_cpu_quota(str(tmp_path)) == expected


def test_a_one_cpu_quota_means_no_scanning_child(monkeypatch: pytest.MonkeyPatch) -> None:
    import egfr_annot.io.scan_child as scan_child

    monkeypatch.setattr(scan_child, "_cgroup_cpu_quota", lambda: 1.0)
    assert scan_child._usable_cpus() == 1
    monkeypatch.setattr(scan_child, "_cgroup_cpu_quota", lambda: 2.5)
    assert scan_child._usable_cpus() == min(2, len(os.sched_getaffinity(0)))
    monkeypatch.setattr(scan_child, "_cgroup_cpu_quota", lambda: None)
    assert scan_child._usable_cpus() == len(os.sched_getaffinity(0))
