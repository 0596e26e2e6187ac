"""End to end: `egfr-annot run` on the bundled example VCFs (real files, asserted rows)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egfr_annot import __version__
from egfr_annot.report.columns import ALTERATION_COLUMNS, SUMMARY_COLUMNS
from egfr_annot.resources import kb_version

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "example_vcfs"


def run_cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "egfr_annot", *args],
        capture_output=True,
        cwd=cwd,
        input=stdin,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def read_table(path: Path) -> tuple[str, list[str], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    comment, header = lines[0], lines[1].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[2:]]
    return comment, header, rows


def test_acquired_resistance_grch38(tmp_path: Path) -> None:
    proc = run_cli("run", str(EXAMPLES / "acquired_resistance.GRCh38.vcf.gz"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    comment, header, rows = read_table(tmp_path / "acquired_resistance.GRCh38.alterations.tsv")
    assert comment == f"# egfr-annot {__version__}; knowledge-base {kb_version()}; build GRCh38"
    assert tuple(header) == ALTERATION_COLUMNS
    got = [(r["gene"], r["hgvsp_short"], r["resistance"], r["match_level"]) for r in rows]
    assert got == [
        ("EGFR", "p.S492R", "yes", "protein"),
        ("KRAS", "p.G12D", "yes", "codon"),
        ("MET", "", "yes", "copy_number"),
    ]
    egfr, kras, met = rows
    assert (egfr["hgvsc"], egfr["transcript"], egfr["exon"]) == (
        "c.1476C>A",
        "NM_005228.5",
        "12/28",
    )
    assert (egfr["chrom"], egfr["pos"], egfr["ref"], egfr["alt"]) == ("chr7", "55160316", "C", "A")
    assert egfr["alteration_class"] == "EGFR extracellular domain mutation"
    assert "S468R" in egfr["notes"] + egfr["evidence"]  # the review's mature-protein name
    assert set(egfr["review_refs"].split(",")) >= {"10", "67", "68"}
    assert (kras["hgvsp"], kras["hgvsc"], kras["vaf"]) == ("p.Gly12Asp", "c.35G>A", "0.02014")
    assert kras["sample"] == "PLASMA_T2" and kras["filter"] == "PASS"
    assert met["alteration_class"] == "MET amplification" and met["copy_number"] == "3.1"
    assert "Capmatinib" in met["strategies"]
    # the decoys are not reported: synonymous at KRAS codon 13, EGFR intron, filtered PIK3CA
    assert not any(r["hgvsp_short"] in ("p.G13=", "p.E545K") for r in rows)

    _, sheader, summary = read_table(tmp_path / "acquired_resistance.GRCh38.summary.tsv")
    assert tuple(sheader) == SUMMARY_COLUMNS
    (s,) = summary
    assert s["status"] == "resistance_detected"
    assert s["n_resistance"] == "3"
    assert s["resistance_alterations"] == "EGFR p.S492R;KRAS p.G12D;MET amplification"
    assert s["build"] == "GRCh38" and s["kb_version"] == kb_version()
    assert s["records_read"] == "8"
    assert "filtered=1" in s["skipped"] and "not_protein_changing=2" in s["skipped"]
    assert s["rechallenge_evidence"].startswith("argues against anti-EGFR rechallenge")
    # (started by `run` before the pipeline's imports)
    sha = hashlib.sha256((EXAMPLES / "acquired_resistance.GRCh38.vcf.gz").read_bytes())
    assert s["input_sha256"] == sha.hexdigest()


def test_acquired_resistance_grch37_with_cnvkit_file(tmp_path: Path) -> None:
    proc = run_cli(
        "run",
        str(EXAMPLES / "acquired_resistance.GRCh37.vcf"),
        "--cnv",
        str(EXAMPLES / "acquired_resistance.GRCh37.call.cns"),
        "-o",
        str(tmp_path / "case"),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    comment, _, rows = read_table(tmp_path / "case.alterations.tsv")
    assert comment.endswith("build GRCh37")
    got = {(r["gene"], r["hgvsp_short"], r["pos"]) for r in rows}
    # GRCh37 coordinates of the same variants
    assert got == {
        ("EGFR", "p.S492R", "55228009"),
        ("KRAS", "p.G12D", "25398284"),
        ("MET", "", "116287459"),
    }


def test_braf_strelka_grch37(tmp_path: Path) -> None:
    proc = run_cli("run", str(EXAMPLES / "braf_v600e.GRCh37.vcf"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    _, _, rows = read_table(tmp_path / "braf_v600e.GRCh37.alterations.tsv")
    braf, pik3ca = rows
    assert (braf["gene"], braf["hgvsp_short"], braf["resistance"]) == ("BRAF", "p.V600E", "yes")
    assert braf["exon"] == "15/18" and braf["alteration_class"] == "BRAF V600E"
    # Strelka has no AF: VAF from tier-1 counts, 112 alt of 2578
    assert (braf["vaf"], braf["alt_reads"], braf["depth"]) == ("0.043445", "112", "2578")
    assert braf["strategies"].startswith("Encorafenib + binimetinib + cetuximab [Phase III; 27,28]")
    assert (pik3ca["hgvsp_short"], pik3ca["resistance"]) == ("p.E542K", "no")
    assert pik3ca["alteration_class"] == "PIK3CA exon 9 mutation" and pik3ca["exon"] == "10/21"


def test_no_resistance_and_low_tumour_fraction(tmp_path: Path) -> None:
    for name in ("no_resistance.GRCh38.vcf.gz", "low_tumour_fraction.GRCh38.vcf"):
        proc = run_cli("run", str(EXAMPLES / name), "--out-dir", "out", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    _, _, (s,) = read_table(tmp_path / "out/no_resistance.GRCh38.summary.tsv")
    assert s["status"] == "not_detected"
    # DNMT3A R882H (clonal haematopoiesis) is not tumour evidence; TP53 at ~12 % is
    assert "TP53" in s["tumour_fraction_method"] and "DNMT3A" not in s["tumour_fraction_method"]
    assert "ORR 17.70% (95% CI 8.58-26.82%)" in s["rechallenge_evidence"]
    _, _, rows = read_table(tmp_path / "out/no_resistance.GRCh38.alterations.tsv")
    assert [(r["gene"], r["hgvsp_short"], r["resistance"]) for r in rows] == [
        ("PIK3CA", "p.E545K", "no")
    ]
    _, _, (low,) = read_table(tmp_path / "out/low_tumour_fraction.GRCh38.summary.tsv")
    assert low["status"] == "non_informative"
    assert "cannot exclude resistance" in low["status_reason"]


def test_outputs_are_byte_identical_on_rerun(tmp_path: Path) -> None:
    vcf = str(EXAMPLES / "acquired_resistance.GRCh38.vcf.gz")
    for out in ("a", "b"):
        (tmp_path / out).mkdir()
        assert run_cli("run", vcf, "-o", "x", "--json", cwd=tmp_path / out).returncode == 0
    for name in ("x.alterations.tsv", "x.summary.tsv", "x.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_scanning_process_gives_byte_identical_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A run with the scanning child (prestarted before the knowledge base loads, issue #9)
    # writes exactly what the line-by-line reader writes. (A copy without the index: an
    # indexed file is read through its index, by neither of them.)
    vcf = str(tmp_path / "unindexed.vcf.gz")
    shutil.copy(EXAMPLES / "acquired_resistance.GRCh38.vcf.gz", vcf)
    for out, setting in (("child", "1"), ("inline", "0")):
        monkeypatch.setenv("EGFR_ANNOT_SCAN_PROCESS", setting)
        (tmp_path / out).mkdir()
        proc = run_cli("run", vcf, "-o", "x", "--json", cwd=tmp_path / out)
        assert proc.returncode == 0, proc.stderr
    for name in ("x.alterations.tsv", "x.summary.tsv", "x.json"):
        assert (tmp_path / "child" / name).read_bytes() == (tmp_path / "inline" / name).read_bytes()
    _, _, rows = read_table(tmp_path / "child" / "x.alterations.tsv")
    assert rows


def test_run_starts_the_scanning_child_before_the_pipeline_and_hands_it_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` starts a large input's scanning child before it imports the pipeline (issue #9);
    the pipeline uses that child and starts none of its own."""
    from click.testing import CliRunner

    from egfr_annot.cli import cli
    from egfr_annot.io import scan_child

    started: list[object] = []
    real = scan_child.prestart_scan_process

    def recording(path: str, *, use_index: bool = True) -> object:
        process = real(path, use_index=use_index)
        started.append(process)
        return process

    monkeypatch.setenv("EGFR_ANNOT_SCAN_PROCESS", "1")
    monkeypatch.setattr(scan_child, "prestart_scan_process", recording)
    vcf_path = str(tmp_path / "unindexed.vcf.gz")  # (an indexed file needs no child)
    shutil.copy(EXAMPLES / "acquired_resistance.GRCh38.vcf.gz", vcf_path)
    result = CliRunner().invoke(cli, ["run", vcf_path, "-o", str(tmp_path / "x"), "-q"])
    assert result.exit_code == 0, result.output
    (process,) = started  # (the pipeline would have asked for a second one)
    assert isinstance(process, scan_child.ScanProcess)
    assert process.job_sent and process.proc.returncode is not None  # it scanned, and ended
    _, _, rows = read_table(tmp_path / "x.alterations.tsv")
    assert rows

    # a run that fails before the pipeline takes the child over still ends it
    from egfr_annot import pipeline

    def failing(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no pipeline today")

    monkeypatch.setattr(pipeline, "annotate_input", failing)
    result = CliRunner().invoke(cli, ["run", vcf_path, "-o", str(tmp_path / "y"), "-q"])
    assert result.exit_code != 0
    unused = started[-1]
    assert isinstance(unused, scan_child.ScanProcess) and unused is not process
    assert not unused.job_sent and unused.proc.returncode is not None


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_a_pipe_given_as_a_path_is_read_whole(tmp_path: Path) -> None:
    # <(zcat x.vcf.gz): nothing (checksum, scanning child) may read the pipe before the reader
    vcf = EXAMPLES / "acquired_resistance.GRCh38.vcf.gz"
    assert run_cli("run", str(vcf), "-o", "file", cwd=tmp_path).returncode == 0
    for setting in ("0", "1"):
        proc = subprocess.run(
            ["bash", "-c", f'"{sys.executable}" -m egfr_annot run <(gzip -dc "{vcf}") -o pipe'],
            capture_output=True, text=True, cwd=tmp_path, check=False,
            env={**os.environ, "EGFR_ANNOT_SCAN_PROCESS": setting},
        )
        assert proc.returncode == 0, proc.stderr
        _, _, piped = read_table(tmp_path / "pipe.alterations.tsv")
        _, _, direct = read_table(tmp_path / "file.alterations.tsv")
        assert piped == direct and piped


def test_stdin_and_plain_copy_give_the_same_rows(tmp_path: Path) -> None:
    data = gzip.decompress((EXAMPLES / "no_resistance.GRCh38.vcf.gz").read_bytes())
    proc = run_cli("run", "-", "-o", "from_stdin", cwd=tmp_path, stdin=data)
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "plain.vcf").write_bytes(data)
    assert run_cli("run", "plain.vcf", cwd=tmp_path).returncode == 0
    _, _, a = read_table(tmp_path / "from_stdin.alterations.tsv")
    _, _, b = read_table(tmp_path / "plain.alterations.tsv")
    assert a == b and a


def test_bad_input_leaves_no_output(tmp_path: Path) -> None:
    good = tmp_path / "good.vcf"
    shutil.copy(EXAMPLES / "braf_v600e.GRCh37.vcf", good)
    bad = tmp_path / "bad.vcf"
    lines = good.read_text().splitlines()
    lines[-1] = lines[-1].replace("\t", " ", 3)  # wrong column count on the last line
    bad.write_text("\n".join(lines) + "\n")
    proc = run_cli("run", str(good), str(bad), "--out-dir", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"egfr-annot: error: {bad}:{len(lines)}: ")
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    # nothing written, not even for the good input (all inputs are read before writing)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_combined_prefix_for_several_inputs(tmp_path: Path) -> None:
    proc = run_cli(
        "run",
        str(EXAMPLES / "braf_v600e.GRCh37.vcf"),
        str(EXAMPLES / "no_resistance.GRCh38.vcf.gz"),
        "-o",
        "both",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    comment, _, rows = read_table(tmp_path / "both.summary.tsv")
    assert comment.endswith("build GRCh37,GRCh38")
    assert [r["status"] for r in rows] == ["resistance_detected", "not_detected"]


@pytest.mark.parametrize("flag", ["--min-vaf", "--min-alt-reads"])
def test_thresholds_skip_and_count(tmp_path: Path, flag: str) -> None:
    value = "0.01" if flag == "--min-vaf" else "50"
    vcf = str(EXAMPLES / "acquired_resistance.GRCh38.vcf.gz")
    assert run_cli("run", vcf, flag, value, "-o", "t", cwd=tmp_path).returncode == 0
    _, _, rows = read_table(tmp_path / "t.alterations.tsv")
    # EGFR S492R (0.8 %, 27 alt reads) falls below either threshold; KRAS G12D stays
    assert [r["hgvsp_short"] for r in rows if r["gene"] != "MET"] == ["p.G12D"]
    _, _, (s,) = read_table(tmp_path / "t.summary.tsv")
    assert "below_vaf_or_alt_read_threshold=1" in s["skipped"]
    assert f"{flag.lstrip('-').replace('-', '_')}={value}" in s["thresholds"]


def test_include_filtered_reports_but_does_not_count(tmp_path: Path) -> None:
    vcf = str(EXAMPLES / "acquired_resistance.GRCh38.vcf.gz")
    assert run_cli("run", vcf, "--include-filtered", "-o", "f", cwd=tmp_path).returncode == 0
    _, _, rows = read_table(tmp_path / "f.alterations.tsv")
    (pik3ca,) = [r for r in rows if r["gene"] == "PIK3CA"]
    assert pik3ca["filter"] == "weak_evidence" and pik3ca["hgvsp_short"] == "p.E545K"
    assert "not counted for the sample status" in pik3ca["notes"]


def test_python_api_matches_cli(tmp_path: Path) -> None:
    from egfr_annot import annotate_vcf, load_knowledge
    from egfr_annot.api import alterations_frame

    knowledge = load_knowledge()
    (result,) = annotate_vcf(EXAMPLES / "braf_v600e.GRCh37.vcf", knowledge=knowledge)
    assert result.status == "resistance_detected"
    frame = alterations_frame([result])
    assert frame["hgvsp_short"].to_list() == ["p.V600E", "p.E542K"]
    rows = list(csv.reader([",".join(frame.columns)]))
    assert tuple(rows[0]) == ALTERATION_COLUMNS
