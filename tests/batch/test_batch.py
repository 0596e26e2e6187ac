"""`egfr-annot batch`: pool, per-sample outputs, cohort tables, failures, resume, determinism."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egfr_annot.batch import wilson_interval

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "example_vcfs"
COHORT = (
    "cohort.alterations.tsv",
    "cohort.summary.tsv",
    "cohort.prevalence.tsv",
    "cohort.failures.tsv",
)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egfr_annot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text().splitlines()
    header = lines[1].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[2:]]


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name in (
        "acquired_resistance.GRCh38.vcf.gz",
        "braf_v600e.GRCh37.vcf",
        "no_resistance.GRCh38.vcf.gz",
        "low_tumour_fraction.GRCh38.vcf",
        "acquired_resistance.GRCh37.vcf",
        "acquired_resistance.GRCh37.call.cns",
    ):
        shutil.copy(EXAMPLES / name, data / name)
    (data / "truncated.vcf.gz").write_bytes(
        (EXAMPLES / "no_resistance.GRCh38.vcf.gz").read_bytes()[:300]
    )
    text = (
        "sample,vcf,cnv,tumor_fraction\n"
        "P1,data/acquired_resistance.GRCh38.vcf.gz,,\n"
        "P2,data/braf_v600e.GRCh37.vcf,,\n"
        "P3,data/truncated.vcf.gz,,\n"
        "P4,data/no_resistance.GRCh38.vcf.gz,,0.3\n"
        "P5,data/missing.vcf,,\n"
        "P6,data/low_tumour_fraction.GRCh38.vcf,,\n"
        "P7,data/acquired_resistance.GRCh37.vcf,data/acquired_resistance.GRCh37.call.cns,\n"
    )
    path = tmp_path / "sheet.csv"
    path.write_text(text)
    return path


def test_batch_failures_exit_3_and_cohort_tables(sheet: Path) -> None:
    proc = run_cli("batch", str(sheet), "--out-dir", "out", "--workers", "2", cwd=sheet.parent)
    assert proc.returncode == 3, proc.stderr
    assert "2 of 7 samples failed" in proc.stderr
    out = sheet.parent / "out"
    failures = rows(out / "cohort.failures.tsv")
    assert [f["sample"] for f in failures] == ["P3", "P5"]
    assert "truncated" in failures[0]["error"] or "gzip" in failures[0]["error"]
    assert "missing.vcf" in failures[1]["error"]
    summary = rows(out / "cohort.summary.tsv")
    assert [(s["sample"], s["status"]) for s in summary] == [
        ("P1", "resistance_detected"),
        ("P2", "resistance_detected"),
        ("P4", "not_detected"),
        ("P6", "non_informative"),
        ("P7", "resistance_detected"),
    ]
    p4 = next(s for s in summary if s["sample"] == "P4")
    assert p4["tumour_fraction"] == "0.3" and p4["tumour_fraction_method"].startswith("user")
    alterations = rows(out / "cohort.alterations.tsv")
    p7 = {(a["gene"], a["hgvsp_short"]) for a in alterations if a["sample"] == "P7"}
    assert ("MET", "") in p7  # the sample sheet's cnv column reached the run
    # per-sample outputs exist for the good samples only
    assert (out / "samples/P1.alterations.tsv").exists()
    assert not (out / "samples/P3.alterations.tsv").exists()
    prevalence = {r["alteration_class"]: r for r in rows(out / "cohort.prevalence.tsv")}
    met = prevalence["MET amplification"]
    assert (met["n_samples_with"], met["n_samples"], met["percent"]) == ("2", "5", "40.0")
    assert (met["ci95_low"], met["ci95_high"]) == ("11.8", "76.9")
    assert prevalence["status: not_detected"]["n_samples_with"] == "1"


def test_batch_is_deterministic_across_workers_and_resumable(sheet: Path) -> None:
    for workers, out in (("1", "w1"), ("2", "w2")):
        assert (
            run_cli(
                "batch", str(sheet), "--out-dir", out, "--workers", workers, cwd=sheet.parent
            ).returncode
            == 3
        )
    for name in COHORT:
        assert (sheet.parent / "w1" / name).read_bytes() == (
            sheet.parent / "w2" / name
        ).read_bytes()
    # resume: nothing changed -> every good sample is skipped, cohort files identical
    before = {n: (sheet.parent / "w1" / n).read_bytes() for n in COHORT}
    p1 = sheet.parent / "w1/samples/P1.alterations.tsv"
    mtime = p1.stat().st_mtime_ns
    proc = run_cli("batch", str(sheet), "--out-dir", "w1", "--resume", cwd=sheet.parent)
    assert proc.returncode == 3 and "(5 resumed)" in proc.stderr
    assert p1.stat().st_mtime_ns == mtime
    assert {n: (sheet.parent / "w1" / n).read_bytes() for n in COHORT} == before
    # a changed input is re-run
    src = sheet.parent / "data/braf_v600e.GRCh37.vcf"
    src.write_text(src.read_text().replace("\t0.0\t", "\t0.0\t"))  # unchanged content
    (sheet.parent / "data/low_tumour_fraction.GRCh38.vcf").write_text(
        (EXAMPLES / "low_tumour_fraction.GRCh38.vcf").read_text() + "\n"
    )
    proc = run_cli("batch", str(sheet), "--out-dir", "w1", "--resume", cwd=sheet.parent)
    assert "(4 resumed)" in proc.stderr


def test_batch_from_directory(tmp_path: Path) -> None:
    d = tmp_path / "vcfs"
    d.mkdir()
    shutil.copy(EXAMPLES / "braf_v600e.GRCh37.vcf", d / "s1.vcf")
    shutil.copy(EXAMPLES / "no_resistance.GRCh38.vcf.gz", d / "s2.vcf.gz")
    (d / "notes.txt").write_text("not a vcf")
    proc = run_cli("batch", str(d), "--out-dir", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [r["sample"] for r in rows(tmp_path / "out/cohort.summary.tsv")] == ["s1", "s2"]
    assert rows(tmp_path / "out/cohort.failures.tsv") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sample,path\nA,x.vcf\n", "sheet.csv:1: missing column(s) vcf"),
        (
            "sample,vcf\nA,x.vcf\nA,y.vcf\n",
            "sheet.csv:3: duplicate sample id 'A' (first on line 2)",
        ),
        (
            "sample,vcf,tumor_fraction\nA,x.vcf,abc\n",
            "sheet.csv:2: tumor_fraction 'abc' is not a number",
        ),
        ("sample,vcf,colour\nA,x.vcf,red\n", "sheet.csv:1: unknown column(s) colour"),
        ("sample,vcf\nA,x.vcf,extra\n", "sheet.csv:2: 3 fields, header has 2"),
        ("", "sheet.csv:1: empty sample sheet"),
    ],
)
def test_bad_sample_sheets(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "sheet.csv").write_text(text)
    proc = run_cli("batch", "sheet.csv", "--out-dir", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("egfr-annot: error: ")
    assert message in proc.stderr
    assert not (tmp_path / "out").exists()


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(2, 5)
    assert (round(low, 4), round(high, 4)) == (0.1176, 0.7693)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 0) == (None, None)


@pytest.mark.slow
def test_thousand_samples_three_broken(tmp_path: Path) -> None:
    """The issue's bar: 1,000 panel VCFs, 3 broken -> exit 3, 997 complete, identical cohort
    files for --workers 1 and 2."""
    data = tmp_path / "vcfs"
    data.mkdir()
    templates = [
        (EXAMPLES / "braf_v600e.GRCh37.vcf").read_text(),
        gzip.decompress((EXAMPLES / "no_resistance.GRCh38.vcf.gz").read_bytes()).decode(),
        gzip.decompress((EXAMPLES / "acquired_resistance.GRCh38.vcf.gz").read_bytes()).decode(),
    ]
    lines = ["sample,vcf"]
    for i in range(1000):
        path = data / f"s{i:04d}.vcf"
        if i in (17, 500, 998):
            path.write_bytes(b"\x00\x01garbage" if i != 500 else b"##fileformat=VCFv4.2\n")
        else:
            path.write_text(templates[i % 3])
        lines.append(f"S{i:04d},{path}")
    (tmp_path / "sheet.csv").write_text("\n".join(lines) + "\n")
    for workers in ("1", "2"):
        proc = run_cli(
            "batch",
            "sheet.csv",
            "--out-dir",
            f"w{workers}",
            "--workers",
            workers,
            "--no-checksum",
            cwd=tmp_path,
        )
        assert proc.returncode == 3, proc.stderr
        assert "997 of 1000 samples complete" in proc.stderr
    failures = rows(tmp_path / "w2/cohort.failures.tsv")
    assert [f["sample"] for f in failures] == ["S0017", "S0500", "S0998"]
    assert len(rows(tmp_path / "w2/cohort.summary.tsv")) == 997
    for name in COHORT:
        assert (tmp_path / "w1" / name).read_bytes() == (tmp_path / "w2" / name).read_bytes()
