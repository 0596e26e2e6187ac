"""All four formats of issue #7 together: the registry contract, the three statuses coming out
the same in every format, byte-stable reruns, and lazy imports."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from report_builders import (
    context_for,
    empty_result,
    no_alteration_result,
    resistant_result,
    write_vcf,
)

from egfr_annot.report.json_out import STATUS_HEADLINES
from egfr_annot.report.writers import WRITERS, get_writer, output_path, write_outputs

MINE = ("html", "vcf", "json", "multiqc")


@pytest.mark.parametrize("name", MINE)
def test_registry_entry_writes_its_suffix(name: str, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    writer = get_writer(name)  # module and function named in WRITERS exist
    assert callable(writer)
    written = write_outputs(
        str(tmp_path / "p"), [resistant_result(str(vcf))], [name], context_for(str(vcf))
    )
    assert written[0] == output_path(str(tmp_path / "p"), name)
    assert written[0].name == "p" + WRITERS[name][2]
    assert all(path.stat().st_size > 0 for path in written)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_three_statuses_agree_in_every_format(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    results = [resistant_result(str(vcf)), no_alteration_result(str(vcf)), empty_result(str(vcf))]
    expected = ["resistance_detected", "not_detected", "non_informative"]
    write_outputs(str(tmp_path / "run"), results, ["summary", *MINE], context_for(str(vcf)))

    summary = (tmp_path / "run.summary.tsv").read_text().splitlines()[2:]
    assert [line.split("\t")[1] for line in summary] == expected

    doc = json.loads((tmp_path / "run.json").read_text())
    assert [s["status"] for s in doc["samples"]] == expected

    mqc = [
        line
        for line in (tmp_path / "run.egfr_annot_mqc.tsv").read_text().splitlines()
        if not line.startswith("#")
    ][1:]
    assert [line.split("\t")[1] for line in mqc] == expected

    with gzip.open(tmp_path / "run.annotated.vcf.gz", "rt") as fh:
        status_lines = [line for line in fh if line.startswith("##egfr_annot_status=")]
    assert [line.split("Status=")[1].split(",")[0] for line in status_lines] == expected

    html = (tmp_path / "run.report.html").read_text()
    positions = [html.index(f'class="verdict status-{status}"') for status in expected]
    assert positions == sorted(positions)
    for status in expected:
        assert STATUS_HEADLINES[status] in html


def test_rerun_is_byte_identical_in_every_format(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    results = [resistant_result(str(vcf)), no_alteration_result(str(vcf))]
    first = write_outputs(str(tmp_path / "a"), results, list(MINE), context_for(str(vcf)))
    second = write_outputs(str(tmp_path / "b"), results, list(MINE), context_for(str(vcf)))
    assert len(first) == 5  # html, vcf.gz, .tbi, json, mqc
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_heavy_modules_are_imported_lazily() -> None:
    code = (
        "import sys\n"
        "import egfr_annot.report.html, egfr_annot.report.vcf_out, egfr_annot.report.json_out\n"
        "import egfr_annot.report.multiqc, egfr_annot.report.svg\n"
        "heavy = {'jinja2', 'pysam', 'cyvcf2', 'jsonschema', 'isal', 'numpy', 'polars'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
