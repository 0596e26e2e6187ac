"""End to end through the real pipeline and CLI: three small GRCh38 VCFs (acquired KRAS G12D, a
TP53-only sample with tumour DNA, a header-only file) give the three statuses in every format."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from egfr_annot.report.json_out import load_schema

HEADER = (
    "##fileformat=VCFv4.2\n"
    "##reference=GRCh38\n"
    "##contig=<ID=12,length=133275309>\n"
    "##contig=<ID=17,length=83257441>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPLASMA1\n"
)
KRAS_G12D = "12\t25245350\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/1:920,80:0.08:1000\n"
TP53_R175H = "17\t7675088\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/1:940,60:0.06:1000\n"

CASES = {
    "acquired": (HEADER + KRAS_G12D, "resistance_detected"),
    "tumour_dna_only": (HEADER + TP53_R175H, "not_detected"),
    "empty": (HEADER, "non_informative"),
}


def _cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egfr_annot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each case run once through the CLI with every optional format."""
    out: dict[str, Path] = {}
    for name, (text, _) in CASES.items():
        work = tmp_path_factory.mktemp(name)
        (work / f"{name}.vcf").write_text(text, encoding="utf-8")
        proc = _cli("run", f"{name}.vcf", "--html", "--vcf", "--json", "--multiqc", cwd=work)
        assert proc.returncode == 0, proc.stderr
        out[name] = work
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_status_is_the_same_in_every_format(runs: dict[str, Path], name: str) -> None:
    work, status = runs[name], CASES[name][1]
    doc = json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema()).validate(doc)
    assert [s["status"] for s in doc["samples"]] == [status]
    summary = (work / f"{name}.summary.tsv").read_text().splitlines()
    assert summary[2].split("\t")[1] == status
    mqc = (work / f"{name}.egfr_annot_mqc.tsv").read_text().splitlines()
    assert mqc[-1].split("\t")[:2] == ["PLASMA1", status]
    html = (work / f"{name}.report.html").read_text()
    assert f'class="verdict status-{status}"' in html and "<script" not in html
    with gzip.open(work / f"{name}.annotated.vcf.gz", "rt") as fh:
        vcf_text = fh.read()
    assert f"##egfr_annot_status=<ID=PLASMA1,Status={status}," in vcf_text


def test_kras_g12d_is_annotated_in_the_vcf(runs: dict[str, Path], bcftools: str) -> None:
    out = runs["acquired"] / "acquired.annotated.vcf.gz"
    query = subprocess.run(
        [
            bcftools,
            "query",
            "-r",
            "12:25245350",
            "-f",
            "%INFO/EGFRA_GENE %INFO/EGFRA_HGVSC %INFO/EGFRA_HGVSP %INFO/EGFRA_RES\n",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout == "KRAS c.35G>A p.Gly12Asp yes\n"
    with gzip.open(out, "rt") as fh:
        record = [line for line in fh if not line.startswith("#")][0]
    assert record.split("\t")[8:] == KRAS_G12D.split("\t")[8:]  # sample columns untouched


def test_tp53_record_is_byte_identical(runs: dict[str, Path]) -> None:
    with gzip.open(
        runs["tumour_dna_only"] / "tumour_dna_only.annotated.vcf.gz", "rt", newline=""
    ) as fh:
        records = [line for line in fh if not line.startswith("#")]
    assert records == [TP53_R175H]


def test_rerun_gives_byte_identical_outputs(runs: dict[str, Path], tmp_path: Path) -> None:
    text, _ = CASES["acquired"]
    (tmp_path / "acquired.vcf").write_text(text, encoding="utf-8")
    proc = _cli("run", "acquired.vcf", "--html", "--vcf", "--json", "--multiqc", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for suffix in (
        ".report.html",
        ".annotated.vcf.gz",
        ".annotated.vcf.gz.tbi",
        ".json",
        ".egfr_annot_mqc.tsv",
        ".alterations.tsv",
        ".summary.tsv",
    ):
        first = (runs["acquired"] / f"acquired{suffix}").read_bytes()
        assert (tmp_path / f"acquired{suffix}").read_bytes() == first, suffix


def test_vcf_output_from_stdin_is_a_one_line_usage_error(tmp_path: Path) -> None:
    proc = _cli("run", "-", "-o", "out", "--vcf", cwd=tmp_path, stdin=CASES["acquired"][0])
    assert proc.returncode == 2
    assert proc.stderr.startswith("egfr-annot: error: --vcf cannot annotate standard input")
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
