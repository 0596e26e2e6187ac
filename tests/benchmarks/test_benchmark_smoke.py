"""Smoke tests of the benchmark kit (issue #9): the generator, genes.bed, the summariser and
``benchmarks/run.sh --quick`` end to end. No timing is asserted: timings are not tests."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from egfr_annot.genome.reference import ReferenceSequence
from egfr_annot.genome.transcripts import load_transcript_models

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "benchmarks"
GRCH38_PRIMARY = 25  # chr1-22, X, Y, M


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_SHARED = _load(REPO / "tests" / "conftest.py", "_egfr_annot_tests_conftest_bench")
require_tool = _SHARED.require_tool
summarise = _load(BENCH / "summarise.py", "_egfr_annot_bench_summarise")
profile_summary = _load(BENCH / "profile_summary.py", "_egfr_annot_bench_profile_summary")


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / "generate.py"), *args],
                          capture_output=True, text=True, check=True)


def records(path: Path) -> list[list[str]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt") as fh:  # type: ignore[operator]
        return [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]


def header(path: Path) -> list[str]:
    with gzip.open(path, "rt") as fh:
        return [line.rstrip("\n") for line in fh if line.startswith("#")]


@pytest.fixture(scope="module")
def callset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "calls.vcf.gz"
    generate("--records", "5000", "--panel-fraction", "0.04", "--samples", "2", "--out", str(out),
             "--index", "--seed", "7")
    return out


# ----------------------------------------------------------------------------------------------
# generator
# ----------------------------------------------------------------------------------------------
def test_callset_is_a_valid_sorted_indexed_vcf_that_bcftools_reads(callset: Path) -> None:
    bcftools = require_tool("bcftools")
    assert Path(str(callset) + ".tbi").is_file()  # tabix refuses unsorted input
    out = subprocess.run([bcftools, "view", "-H", str(callset)], capture_output=True, text=True,
                         check=True)
    assert len(out.stdout.splitlines()) == 5000
    stats = subprocess.run([bcftools, "index", "--nrecords", str(callset)],
                           capture_output=True, text=True, check=True)
    assert stats.stdout.strip() == "5000"


def test_callset_has_the_grch38_contigs_and_mutect2_dialect(callset: Path) -> None:
    head = header(callset)
    contigs = [h for h in head if h.startswith("##contig=")]
    assert len(contigs) == GRCH38_PRIMARY
    assert "##contig=<ID=chr7,length=159345973>" in contigs
    assert "##tumor_sample=TUMOUR" in head and "##normal_sample=NORMAL" in head
    assert head[-1].split("\t")[9:] == ["TUMOUR", "NORMAL"]
    rows = records(callset)
    assert {r[8] for r in rows} == {"GT:AD:AF:DP"}
    # spread over (nearly) every chromosome, sorted within each
    by_chrom: dict[str, list[int]] = {}
    for r in rows:
        by_chrom.setdefault(r[0], []).append(int(r[1]))
    assert len(by_chrom) >= 23
    assert all(p == sorted(p) for p in by_chrom.values())


def test_callset_panel_fraction_and_reference_bases(callset: Path) -> None:
    models = load_transcript_models("GRCh38")
    spans = [("chr" + m.chrom, m.tx_start, m.tx_end) for m in models.values()]
    rows = records(callset)
    in_panel = [r for r in rows
                if any(c == r[0] and s <= int(r[1]) <= e for c, s, e in spans)]
    assert abs(len(in_panel) / len(rows) - 0.04) < 0.004
    assert json.loads(Path(str(callset) + ".json").read_text())["panel_records"] == 200
    # where the bundled reference knows the bases, REF is the reference
    ref = ReferenceSequence("GRCh38")
    checked = 0
    for r in in_panel:
        known = ref.fetch(r[0][3:], int(r[1]), int(r[1]) + len(r[3]) - 1)
        if known is not None:
            assert r[3] == known.upper(), r[:5]
            checked += 1
    assert checked >= 50


def test_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.vcf", tmp_path / "b.vcf", tmp_path / "c.vcf"
    for out, seed in ((a, "3"), (b, "3"), (c, "4")):
        generate("--records", "2000", "--panel-fraction", "0.1", "--out", str(out),
                 "--seed", seed)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert len(records(a)) == 2000


def test_panel_vcfs_mode_writes_small_tumour_normal_files(tmp_path: Path) -> None:
    bcftools = require_tool("bcftools")
    out = tmp_path / "panel"
    generate("--panel-vcfs", "3", "--records-per-file", "200", "--out-dir", str(out))
    files = sorted(out.glob("*.vcf.gz"))
    assert [f.name for f in files] == ["PT0000.vcf.gz", "PT0001.vcf.gz", "PT0002.vcf.gz"]
    for f in files:
        text = subprocess.run([bcftools, "view", "-H", str(f)], capture_output=True, text=True,
                              check=True).stdout
        assert len(text.splitlines()) == 200
        assert header(f)[-1].split("\t")[9:] == [f"{f.name[:6]}_PLASMA", f"{f.name[:6]}_NORMAL"]


# ----------------------------------------------------------------------------------------------
# genes.bed
# ----------------------------------------------------------------------------------------------
def _panel_tsv_genes(build: str) -> list[tuple[str, str, int, int]]:
    path = REPO / "annotations" / "panel_regions" / "panel_genes.tsv"
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    head = lines[0].split("\t")
    col = build.lower()
    out = []
    for line in lines[1:]:
        row = dict(zip(head, line.split("\t"), strict=False))
        if row[f"{col}_chrom"] not in ("", "."):
            out.append((row["gene"], row[f"{col}_chrom"], int(row[f"{col}_start"]),
                        int(row[f"{col}_end"])))
    return out


def _bed(tmp_path: Path, build: str, *extra: str) -> list[tuple[str, int, int]]:
    bed = tmp_path / f"genes.{build}{''.join(extra)}.bed"
    subprocess.run([sys.executable, str(BENCH / "genes_bed.py"), "--build", build, "--out",
                    str(bed), *extra], check=True, capture_output=True)
    rows = [(c, int(s), int(e)) for c, s, e in
            (line.split("\t") for line in bed.read_text().splitlines())]
    assert rows and all(s < e for _, s, e in rows)
    return rows


def _covered(rows: list[tuple[str, int, int]], chrom: str, start: int, end: int) -> bool:
    """Is 1-based inclusive ``chrom:start-end`` inside one 0-based half-open BED row?"""
    return any(c == "chr" + chrom and s <= start - 1 and end <= e for c, s, e in rows)


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_genes_bed_covers_every_panel_gene(tmp_path: Path, build: str) -> None:
    rows = _bed(tmp_path, build)
    models = load_transcript_models(build)  # type: ignore[arg-type]
    assert {"EGFR", "KRAS", "NRAS", "BRAF", "PIK3CA", "ERBB2", "MET", "PTEN"} <= set(models)
    for model in models.values():
        for exon in model.exons:
            assert _covered(rows, model.chrom, exon.start, exon.end), (model.gene, exon)
    tsv = _panel_tsv_genes(build)
    assert {"TP53", "APC", "DNMT3A"} <= {g for g, *_ in tsv}
    for gene, chrom, start, end in tsv:
        assert _covered(rows, chrom, start, end), gene
    # 0-based: the KRAS c.35 base (p.G12) is at 1-based 12:25245350 on GRCh38
    if build == "GRCh38":
        assert _covered(rows, "12", 25245350, 25245350)
        assert not _covered(rows, "12", 1, 1)


def test_genes_bed_whole_transcripts_covers_every_transcript(tmp_path: Path) -> None:
    rows = _bed(tmp_path, "GRCh38", "--whole-transcripts")
    for model in load_transcript_models("GRCh38").values():
        assert _covered(rows, model.chrom, model.tx_start, model.tx_end), model.gene


def test_genes_bed_is_the_pipeline_region_set(tmp_path: Path) -> None:
    from egfr_annot.pipeline import Resources

    rows = _bed(tmp_path, "GRCh38")
    merged = Resources().regions("GRCh38").merged()
    assert rows == [("chrM" if c == "M" else "chr" + c, s - 1, e) for c, s, e in merged]


# ----------------------------------------------------------------------------------------------
# summariser, profile summary, peak memory
# ----------------------------------------------------------------------------------------------
def _hyperfine_json(path: Path, medians: dict[str, float]) -> None:
    results = [{"command": name, "mean": m, "stddev": 0.0, "median": m, "user": m, "system": 0.0,
                "min": m, "max": m, "times": [m, m, m]} for name, m in medians.items()]
    path.write_text(json.dumps({"results": results}))


def _results_dir(tmp_path: Path) -> Path:
    """A results directory with the meta.json of a full run on a test machine."""
    res = tmp_path / "res"
    res.mkdir()
    (res / "meta.json").write_text(json.dumps({
        "mode": "full", "date": "2026-01-01T00:00:00+00:00", "git": "abc",
        "machine": {"nproc": 2, "cpu_model": "Test CPU", "ram_gb": 24.0, "os": "Linux"},
        "versions": {"bcftools": "bcftools 1.16"}, "data_dir": str(tmp_path)}))
    return res


def test_summariser_decides_pass_and_fail_from_the_medians(tmp_path: Path) -> None:
    res = _results_dir(tmp_path)
    (res / "sizes.json").write_text(json.dumps({"indexed": 5000000, "indexed_fraction": 0.0005}))
    _hyperfine_json(res / "hf_large_5M.json", {"egfr-annot run --no-checksum": 2.0,
                                               "egfr-annot run": 3.0,
                                               "bcftools view -T genes.bed": 5.0})
    _hyperfine_json(res / "hf_startup.json", {"python -c pass": 0.012, "egfr-annot --help": 0.2,
                                              "egfr-annot run (200-record panel)": 0.25})
    _hyperfine_json(res / "hf_batch.json", {"egfr-annot batch --workers 2 (1000 files)": 8.0})
    _hyperfine_json(res / "hf_per_process.json", {"one egfr-annot run per file (50 files)": 15.0})
    (res / "batch_meta.json").write_text(json.dumps({"files": 1000, "subset": 50}))
    (res / "rss_large_5M.json").write_text(json.dumps({
        "label": "egfr-annot run, unindexed 5M", "peak_tree_rss_mb": 320.0,
        "max_process_rss_mb": 200.0, "wall_s": 2.0}))
    out = tmp_path / "RESULTS.md"
    assert summarise.main(["report", "--results", str(res), "--out", str(out)]) == 0
    text = out.read_text()
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines()
            if line.startswith("| ")}

    def verdict(prefix: str) -> str:
        line = next(v for k, v in rows.items() if k.startswith(prefix))
        return line.rstrip(" |").rsplit("| ", 1)[1]

    assert verdict("unindexed 5M: `egfr-annot run --no-checksum`") == "PASS"  # 0.40
    assert verdict("unindexed 5M: `egfr-annot run` /") == "FAIL"  # 0.60
    assert "3.0 s / 5.00 s" not in text and "0.60" in text
    assert verdict("start-up: `egfr-annot run`") == "PASS"
    assert verdict("start-up: `egfr-annot --help`") == "FAIL"
    assert verdict("batch: 1000 panel VCFs") == "PASS"
    assert verdict("batch: speed-up") == "PASS"  # 15/50*1000 = 300 s / 8 s = 38x
    assert "38x" in text
    assert verdict("peak RSS: egfr-annot run, unindexed 5M") == "FAIL"
    assert "Test CPU, nproc = 2" in text
    assert "**4 PASS, 3 FAIL.**" in text


def test_summariser_gives_the_spread_of_single_round_ratios(tmp_path: Path) -> None:
    # interleave.py's rounds pair the runs: round i of each command. Medians 0.40 / 1.0 pass,
    # but one round of three was over 0.5: the row says so.
    res = _results_dir(tmp_path)
    times = {"egfr-annot run": [0.40, 0.55, 0.38], "egfr-annot run --no-checksum": [0.3] * 3,
             "bcftools view -T genes.bed": [1.0, 1.0, 0.95]}
    results = [{"command": name, "mean": sum(t) / 3, "stddev": 0.0, "median": sorted(t)[1],
                "user": 0.0, "system": 0.0, "min": min(t), "max": max(t), "times": t}
               for name, t in times.items()]
    (res / "hf_large_1M.json").write_text(json.dumps({"results": results, "interleaved": True}))
    out = tmp_path / "RESULTS.md"
    assert summarise.main(["report", "--results", str(res), "--out", str(out)]) == 0
    row = next(line for line in out.read_text().splitlines()
               if line.startswith("| unindexed 1M: `egfr-annot run` /"))
    assert "= **0.40**; single rounds 0.40-0.55, 1 of 3 over 0.5 |" in row
    assert row.endswith("| PASS |")
    # hyperfine's blocks (no "interleaved"): runs are not paired, no spread is claimed
    (res / "hf_large_1M.json").write_text(json.dumps({"results": results}))
    assert summarise.main(["report", "--results", str(res), "--out", str(out)]) == 0
    assert "single rounds" not in out.read_text().split("## Figures")[0].split("| target |")[1]


def test_profile_summary_attributes_samples_to_processes_and_stages(tmp_path: Path) -> None:
    raw = tmp_path / "prof.txt"
    main = 'process 1:"python egfr-annot run x.vcf.gz"'
    child = 'process 2:"python -m egfr_annot.io._scan_worker"'
    raw.write_text(
        f"{main};run (egfr_annot/cli/run_cmd.py:1);annotate (egfr_annot/genome/consequence.py:9)"
        " 30\n"
        f"{main};run (egfr_annot/cli/run_cmd.py:1);parse (egfr_annot/io/vcf_records.py:5) 10\n"
        f"{main};{child};_block (egfr_annot/io/vcf_scan.py:3) 20\n")
    text = profile_summary.summarise(raw, top=5, stage_map=True)
    assert "40 samples (67 % of all samples)" in text
    assert "| annotate: normalise+consequence+HGVS | 75.0 % |" in text
    assert "| read: parse records | 25.0 % |" in text
    assert "scanning subprocess" in text and "| read: decompress+scan (C) | 100.0 % |" in text


def test_peak_rss_sees_a_child_that_holds_memory(tmp_path: Path) -> None:
    out = tmp_path / "rss.json"
    code = "import time; b = bytearray(120 * 2**20); b[::4096] = b'x' * len(b[::4096]); " \
           "time.sleep(0.3)"
    subprocess.run([sys.executable, str(BENCH / "peak_rss.py"), "--out", str(out), "--",
                    sys.executable, "-c", code], check=True, capture_output=True)
    result = json.loads(out.read_text())
    assert result["exit_code"] == 0
    assert 120 <= result["max_process_rss_mb"] < 400
    assert 120 <= result["peak_tree_rss_mb"] < 400


# ----------------------------------------------------------------------------------------------
# run.sh --quick end to end
# ----------------------------------------------------------------------------------------------
def _egfr_annot() -> str:
    found = shutil.which("egfr-annot") or shutil.which("egfr-annot",
                                                       path=str(Path(sys.executable).parent))
    if found is None:
        if _SHARED.IN_CI:
            pytest.fail("egfr-annot is not installed")
        pytest.skip("egfr-annot console script not installed")
    return found


@pytest.mark.slow
def test_run_sh_quick_end_to_end(tmp_path: Path) -> None:
    for tool in ("hyperfine", "bcftools", "bgzip", "tabix"):
        require_tool(tool)
    env = dict(os.environ, EGFR_ANNOT=_egfr_annot(), PYTHON=sys.executable)
    out, data = tmp_path / "results", tmp_path / "data"
    proc = subprocess.run(["bash", str(BENCH / "run.sh"), "--quick", "--out", str(out),
                           "--data", str(data)], capture_output=True, text=True, env=env,
                          check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = (out / "RESULTS.md").read_text()
    for heading in ("# egfr-annot benchmark results", "Quick smoke run", "## Machine and tools",
                    "## Targets (issue #9)", "## Figures", "### Peak memory",
                    "### Imports on the run path"):
        assert heading in text, heading
    targets = text.split("## Targets (issue #9)")[1].split("## Figures")[0]
    for row in ("unindexed 20k: `egfr-annot run --no-checksum` / `bcftools view -T genes.bed`",
                "unindexed 20k: `egfr-annot run` / `bcftools view -T genes.bed`",
                "indexed: `egfr-annot run` 20k-record .tbi file / 200-record panel file",
                "peak RSS: egfr-annot run, unindexed 20k",
                "start-up: `egfr-annot run` on a 200-record panel VCF",
                "start-up: `egfr-annot --help`",
                "batch: 10 panel VCFs (200 records), 2 workers, all outputs",
                "batch: speed-up over one `egfr-annot run` per file"):
        line = next((ln for ln in targets.splitlines() if row in ln), None)
        assert line is not None, row
        assert line.rstrip(" |").endswith(("PASS", "FAIL")), line
    for name in ("large_20k", "indexed", "startup", "batch", "per_process"):
        data_json = json.loads((out / f"hf_{name}.json").read_text())
        assert all(len(r["times"]) >= 2 for r in data_json["results"]), name
    assert len(list((out / "scratch" / "batch" / "samples").glob("*.summary.tsv"))) == 10
    # the committed RESULTS.md is not touched by a quick run
    assert "Quick smoke run" not in (BENCH / "RESULTS.md").read_text() \
        if (BENCH / "RESULTS.md").exists() else True


# ----------------------------------------------------------------------------------------------
# interleave.py: the ratio sections' timer
# ----------------------------------------------------------------------------------------------
interleave = _load(BENCH / "interleave.py", "_egfr_annot_bench_interleave")


def test_interleave_rotates_the_order_of_each_round() -> None:
    names = ["a", "b", "c"]
    assert [interleave.rotated(names, r) for r in range(4)] == [
        ["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]


def test_interleave_runs_every_command_each_round_and_writes_hyperfine_json(
        tmp_path: Path) -> None:
    log = tmp_path / "order.log"
    py = sys.executable

    def appender(tag: str) -> str:
        code = f"open({str(log)!r}, 'a').write({tag!r})"
        return f"{py} -c \"{code}\""

    out = tmp_path / "t.json"
    assert interleave.main(["--runs", "3", "--warmup", "1", "--export-json", str(out),
                            "-n", "first", appender("A"), "-n", "second", appender("B")]) == 0
    # warm-up round AB, then BA, AB, BA: each round runs both, in rotated order
    assert log.read_text() == "ABBAABBA"
    data = json.loads(out.read_text())
    assert [r["command"] for r in data["results"]] == ["first", "second"]
    for r in data["results"]:
        assert len(r["times"]) == 3 and r["exit_codes"] == [0, 0, 0]
        assert r["min"] <= r["median"] <= r["max"] and r["user"] >= 0 and r["system"] >= 0
    # summarise.py reads it like hyperfine's export
    timings = summarise.load_hyperfine(out)
    assert set(timings) == {"first", "second"}


def test_interleave_fails_on_a_failing_command(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    with pytest.raises(SystemExit, match="exited with 3"):
        interleave.main(["--runs", "1", "--export-json", str(out),
                         "-n", "fails", f"{sys.executable} -c \"raise SystemExit(3)\""])
    assert not out.exists()
