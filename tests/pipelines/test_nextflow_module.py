"""The nf-core style module EGFRANNOT_RUN, checked without Nextflow (it cannot be installed here).

Statically: the six nf-core files; inputs/outputs of main.nf against meta.yml, the CLI's flags and
the output-writer registry; version pins. For real: the ``script:`` and ``stub:`` command strings
are rendered the way Nextflow would (tests/pipelines/nf_script.py) and run with bash in a task
directory, and the files they write are matched against the output globs.
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from nf_script import GuardError, NfProcess, parse_process, render, task_variables
from pipeline_support import DATA, HOMEPAGE, MODULE_DIR, PIPELINES, REPO, read_tsv

from egfr_annot import __version__
from egfr_annot.report.columns import (
    ALTERATION_COLUMNS,
    EVIDENCE_LONG_COLUMNS,
    SUMMARY_COLUMNS,
)
from egfr_annot.report.multiqc import COLUMNS as MULTIQC_COLUMNS
from egfr_annot.report.writers import WRITERS

NF_CORE_FILES = {
    "main.nf",
    "meta.yml",
    "environment.yml",
    "tests/main.nf.test",
    "tests/main.nf.test.snap",
    "tests/nextflow.config",
}
# Every optional output, as ext.args would ask for it.
ALL_OUTPUT_FLAGS = "--evidence-long --html --json --vcf --multiqc"
EXPECTED_INPUTS = (
    (("val", "meta"), ("path", "vcf"), ("path", "tbi"), ("path", "cnv")),
    (("val", "build"),),
    (("path", "annotations"),),
)
VERSION_EVAL = "egfr-annot --version | sed -n 's/^egfr-annot //p'"


@pytest.fixture(scope="module")
def process() -> NfProcess:
    return parse_process((MODULE_DIR / "main.nf").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def meta_yml() -> dict:
    return yaml.safe_load((MODULE_DIR / "meta.yml").read_text(encoding="utf-8"))


def _test_config_args() -> str:
    text = (MODULE_DIR / "tests" / "nextflow.config").read_text(encoding="utf-8")
    assert "withName: 'EGFRANNOT_RUN'" in text
    match = re.search(r"ext\.args\s*=\s*'([^']*)'", text)
    assert match, "tests/nextflow.config sets no ext.args"
    return match.group(1)


def _path_globs(process: NfProcess) -> dict[str, str]:
    """emit -> its single file glob (the versions tuple has none)."""
    globs = {}
    for out in process.outputs:
        if out.globs:
            assert len(out.globs) == 1, f"{out.emit}: one file per emit"
            globs[out.emit] = out.globs[0]
    return globs


def _run_block(script: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # nf-core runs task scripts with bash -C -e -u -o pipefail.
    (workdir / ".command.sh").write_text(script, encoding="utf-8")
    return subprocess.run(
        ["bash", "-C", "-e", "-u", "-o", "pipefail", ".command.sh"],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
    )


def _outputs_in(workdir: Path, staged: set[str]) -> set[str]:
    """Files a task wrote (Nextflow never matches staged inputs or .command.* with output globs)."""
    return {
        p.name
        for p in workdir.iterdir()
        if p.name not in staged and not p.name.startswith(".command")
    }


def _claimed(names: set[str], process: NfProcess) -> dict[str, list[str]]:
    """emit -> the output files its glob captures."""
    return {
        emit: sorted(n for n in names if fnmatch.fnmatch(n, glob))
        for emit, glob in _path_globs(process).items()
    }


# --- files ---------------------------------------------------------------------------------------


def test_module_has_exactly_the_nf_core_files() -> None:
    files = {
        str(p.relative_to(MODULE_DIR))
        for p in MODULE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert files == NF_CORE_FILES


def test_process_name_inputs_and_directives(process: NfProcess) -> None:
    assert process.name == "EGFRANNOT_RUN"
    assert process.inputs == EXPECTED_INPUTS
    assert 'tag "${meta.id}"' in process.directives
    assert 'conda "${moduleDir}/environment.yml"' in process.directives


# --- outputs against the CLI ---------------------------------------------------------------------


def test_every_writer_has_an_output_glob(process: NfProcess) -> None:
    """Each file egfr-annot can write (report/writers.py registry) is an emit whose glob matches
    exactly that kind of file; optional only when the CLI needs a flag for it."""
    globs = _path_globs(process)
    expected = {name: "*" + suffix for name, (_, _, suffix) in WRITERS.items()}
    expected["tbi"] = "*" + WRITERS["vcf"][2] + ".tbi"
    assert globs == expected
    for out in process.outputs:
        if out.globs:
            assert out.optional == (out.emit not in ("alterations", "summary")), out.emit


def test_versions_topic_output(process: NfProcess) -> None:
    versions = process.output("versions_egfrannot")
    assert versions.topic == "versions"
    assert versions.eval_command == VERSION_EVAL
    assert versions.line.startswith("tuple val(\"${task.process}\"), val('egfr-annot'), eval(")


def test_version_command_prints_the_bare_package_version(tool_env: dict[str, str]) -> None:
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", VERSION_EVAL],
        capture_output=True,
        text=True,
        env=tool_env,
        check=True,
    )
    assert result.stdout == f"{__version__}\n"


def test_every_flag_the_module_uses_exists_in_the_cli(process: NfProcess, run_help: str) -> None:
    """Flags in script:, stub:, tests/nextflow.config and meta.yml vs `egfr-annot run --help`."""
    texts = [
        process.script.template,
        process.stub.template,
        _test_config_args(),
        # meta.yml up to the versions channel (whose eval uses the top-level --version)
        (MODULE_DIR / "meta.yml").read_text(encoding="utf-8").split("versions_egfrannot:")[0],
        " ".join(expr for _, expr in process.script.defs),
    ]
    used = {flag for text in texts for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)}
    known = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", run_help))
    assert {"--build", "--output-prefix", "--cnv"} <= used
    assert used - known == set(), f"flags the CLI does not have: {sorted(used - known)}"


def test_guard_stops_a_task_whose_input_would_be_overwritten(process: NfProcess) -> None:
    for block in (process.script, process.stub):
        assert block.guards, "nf-core modules guard against input == output names"
        with pytest.raises(GuardError, match="task.ext.prefix"):
            render(block, task_variables(meta_id="s1", vcf="s1.annotated.vcf.gz"))
        render(block, task_variables(meta_id="s1", vcf="s1.vcf.gz"))  # no clash: renders


def test_script_renders_the_expected_command(process: NfProcess) -> None:
    script = render(
        process.script,
        task_variables(
            meta_id="p1",
            vcf="p1.vcf.gz",
            tbi="p1.vcf.gz.tbi",
            cnv=["p1.cns", "p1.genes.tsv"],
            build="GRCh37",
            annotations="kb_snapshot",
            args="--html --min-vaf 0.005",
        ),
    )
    words = script.replace("\\\n", " ").split()
    assert words == [
        "EGFR_ANNOT_ANNOTATIONS=kb_snapshot", "EGFR_ANNOT_SCAN_PROCESS=0", "egfr-annot", "run",
        "--build", "GRCh37",
        "--output-prefix", "p1",
        "--cnv", "p1.cns", "--cnv", "p1.genes.tsv",
        "--html", "--min-vaf", "0.005",
        "p1.vcf.gz",
    ]  # fmt: skip
    # Empty optional inputs leave no stray flag; an empty build means auto-detection.
    # With more than one CPU the tool may scan a large VCF in a second process.
    bare = render(process.script, task_variables(meta_id="p1", vcf="p1.vcf", build="", cpus=2))
    assert bare.replace("\\\n", " ").split() == [
        "egfr-annot", "run", "--build", "auto", "--output-prefix", "p1", "p1.vcf",
    ]  # fmt: skip


# --- stub ----------------------------------------------------------------------------------------


def _run_stub(process: NfProcess, workdir: Path, args: str, meta_id: str = "test") -> set[str]:
    shutil.copy(DATA / "kras_g12d.grch38.vcf", workdir / "kras_g12d.grch38.vcf")
    script = render(
        process.stub, task_variables(meta_id=meta_id, vcf="kras_g12d.grch38.vcf", args=args)
    )
    result = _run_block(script, workdir, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return _outputs_in(workdir, {"kras_g12d.grch38.vcf"})


@pytest.mark.parametrize("args", ["", _test_config_args(), ALL_OUTPUT_FLAGS])
def test_stub_writes_what_the_output_globs_promise(
    process: NfProcess, tmp_path: Path, args: str
) -> None:
    written = _run_stub(process, tmp_path, args)
    expected = {"test.alterations.tsv", "test.summary.tsv"}
    flag_outputs = {
        "--evidence-long": {"test.evidence_long.tsv"},
        "--html": {"test.report.html"},
        "--json": {"test.json"},
        "--vcf": {"test.annotated.vcf.gz", "test.annotated.vcf.gz.tbi"},
        "--multiqc": {"test.egfr_annot_mqc.tsv"},
    }
    for flag, names in flag_outputs.items():
        if flag in args.split():
            expected |= names
    assert written == expected
    claimed = _claimed(written, process)
    assert sorted(n for files in claimed.values() for n in files) == sorted(written)
    assert all(len(files) <= 1 for files in claimed.values())


def test_stub_headers_are_the_output_contract(process: NfProcess, tmp_path: Path) -> None:
    _run_stub(process, tmp_path, ALL_OUTPUT_FLAGS)
    first_line = {
        name: (tmp_path / f"test.{name}.tsv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
        .split("\t")
        for name in ("alterations", "summary", "evidence_long")
    }
    assert first_line == {
        "alterations": list(ALTERATION_COLUMNS),
        "summary": list(SUMMARY_COLUMNS),
        "evidence_long": list(EVIDENCE_LONG_COLUMNS),
    }
    mqc_header = (tmp_path / "test.egfr_annot_mqc.tsv").read_text(encoding="utf-8").split("\n")[0]
    assert mqc_header.split("\t") == ["Sample", *(column for column, _ in MULTIQC_COLUMNS)]
    with gzip.open(tmp_path / "test.annotated.vcf.gz", "rt") as fh:
        assert fh.readline().startswith("##fileformat=VCFv4")
    json.loads((tmp_path / "test.json").read_text(encoding="utf-8"))


def test_snapshot_matches_the_stub(process: NfProcess, tmp_path: Path) -> None:
    """main.nf.test.snap holds what nf-test would record for the stub test: file names with md5s
    of the stub's files (under the tests' ext.args) and the package version."""
    snap = json.loads((MODULE_DIR / "tests" / "main.nf.test.snap").read_text(encoding="utf-8"))
    test_text = (MODULE_DIR / "tests" / "main.nf.test").read_text(encoding="utf-8")
    names = re.findall(r'test\("([^"]+)"\)', test_text)
    stub_name = next(n for n in names if n.endswith("- stub"))
    assert set(snap) == set(names)

    _run_stub(process, tmp_path, _test_config_args())

    def entry(emit: str) -> list[list[object]]:
        files = sorted(
            p.name
            for p in tmp_path.iterdir()
            if fnmatch.fnmatch(p.name, _path_globs(process)[emit])
        )
        return [
            [
                {"id": "test"},
                f"{name}:md5,{hashlib.md5((tmp_path / name).read_bytes()).hexdigest()}",
            ]
            for name in files
        ]

    versions = [["EGFRANNOT_RUN", "egfr-annot", __version__]]
    assert snap[stub_name]["content"] == [
        entry("alterations"),
        entry("summary"),
        entry("evidence_long"),
        versions,
    ]
    (real,) = [n for n in names if n != stub_name]
    assert snap[real]["content"] == [versions]


# --- meta.yml, environment.yml, nf-test files ----------------------------------------------------


def _meta_name(entry: dict) -> str:
    (name,) = entry.keys()
    return name


def test_meta_yml_inputs_match_main_nf(process: NfProcess, meta_yml: dict) -> None:
    meta_inputs = []
    for channel in meta_yml["input"]:
        items = channel if isinstance(channel, list) else [channel]
        meta_inputs.append(tuple(_meta_name(item) for item in items))
    assert meta_inputs == [tuple(name for _, name in ch) for ch in process.inputs]
    for channel, nf_channel in zip(meta_yml["input"], process.inputs, strict=True):
        items = channel if isinstance(channel, list) else [channel]
        for item, (kind, name) in zip(items, nf_channel, strict=True):
            spec = item[name]
            assert spec.get("description"), name
            if kind == "path":
                assert spec["type"] in ("file", "directory"), name
                assert spec.get("pattern"), name
                edam = [o["edam"] for o in spec["ontologies"]]
                assert edam and all(e.startswith("http://edamontology.org/format_") for e in edam)
            else:
                assert spec["type"] == ("map" if name == "meta" else "string"), name


def test_meta_yml_outputs_match_main_nf(process: NfProcess, meta_yml: dict) -> None:
    assert list(meta_yml["output"]) == [out.emit for out in process.outputs]
    for emit, glob in _path_globs(process).items():
        (channel,) = meta_yml["output"][emit]
        assert [_meta_name(i) for i in channel] == ["meta", glob]
        spec = channel[1][glob]
        assert spec["type"] == "file"
        assert spec["pattern"] == glob
        assert spec["description"].strip()
        assert [o["edam"] for o in spec["ontologies"]], emit
        assert ("Optional" in spec["description"] or "optional" in spec["description"]) == (
            emit not in ("alterations", "summary")
        ), emit
    versions = meta_yml["output"]["versions_egfrannot"]
    assert [[_meta_name(i) for i in ch] for ch in versions] == [
        ["${task.process}", "egfr-annot", VERSION_EVAL]
    ]
    assert meta_yml["topics"]["versions"] == versions


def test_meta_yml_tool_entry(meta_yml: dict) -> None:
    (tool_entry,) = meta_yml["tools"]
    info = tool_entry["egfr-annot"]
    assert info["licence"] == ["MIT"]
    assert info["homepage"] == HOMEPAGE
    assert meta_yml["name"] == "egfrannot_run"


def test_environment_pins_the_package_version() -> None:
    env = yaml.safe_load((MODULE_DIR / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge", "bioconda", "nodefaults"]
    assert env["dependencies"] == [f"bioconda::egfr-annot={__version__}"]


def test_container_tags_pin_the_package_version(process: NfProcess) -> None:
    text = (MODULE_DIR / "main.nf").read_text(encoding="utf-8")
    tags = re.findall(r"egfr-annot:([0-9][^'\"-]*)--", text)
    assert tags and set(tags) == {__version__}


def test_nf_test_inputs_fit_the_process(process: NfProcess) -> None:
    text = (MODULE_DIR / "tests" / "main.nf.test").read_text(encoding="utf-8")
    assert 'script "../main.nf"' in text and 'process "EGFRANNOT_RUN"' in text
    assert 'config "./nextflow.config"' in text
    assert 'options "-stub"' in text
    for block in re.findall(r'process \{\s*"""(.*?)"""', text, re.S):
        assert sorted(set(re.findall(r"input\[(\d)\]", block))) == [
            str(i) for i in range(len(process.inputs))
        ]
    data_files = re.findall(r'file\("\$\{moduleDir\}/([^"]+)"', text)
    assert data_files
    for rel in data_files:
        assert (MODULE_DIR / rel).resolve().is_file(), rel


# --- for real: the rendered script with the CLI --------------------------------------------------


def _task_dir(tmp_path: Path, name: str, compress: bool) -> tuple[Path, str, str | list[str]]:
    """A task work directory with the KRAS G12D VCF staged (optionally bgzip + tabix)."""
    workdir = tmp_path / name
    workdir.mkdir()
    source = DATA / "kras_g12d.grch38.vcf"
    if not compress:
        shutil.copy(source, workdir / source.name)
        return workdir, source.name, []
    import pysam

    target = workdir / (source.name + ".gz")
    pysam.tabix_compress(str(source), str(target))
    pysam.tabix_index(str(target), preset="vcf")
    return workdir, target.name, target.name + ".tbi"


@pytest.mark.usefixtures("cli_works")
def test_rendered_script_annotates_the_kras_vcf(
    process: NfProcess, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    """The module's command, as the nf-test runs it (tests/nextflow.config ext.args)."""
    workdir, vcf, tbi = _task_dir(tmp_path, "task", compress=False)
    script = render(
        process.script, task_variables(meta_id="test", vcf=vcf, tbi=tbi, args=_test_config_args())
    )
    result = _run_block(script, workdir, tool_env)
    assert result.returncode == 0, result.stderr
    written = _outputs_in(workdir, {vcf})
    assert written == {"test.alterations.tsv", "test.summary.tsv", "test.evidence_long.tsv"}
    claimed = _claimed(written, process)
    assert claimed["alterations"] == ["test.alterations.tsv"]
    assert claimed["summary"] == ["test.summary.tsv"]
    assert claimed["evidence_long"] == ["test.evidence_long.tsv"]

    (summary,) = read_tsv(workdir / "test.summary.tsv")
    assert summary["status"] == "resistance_detected"
    assert summary["build"] == "GRCh38"
    (g12d,) = [r for r in read_tsv(workdir / "test.alterations.tsv") if r["gene"] == "KRAS"]
    assert (g12d["hgvsp_short"], g12d["hgvsc"], g12d["resistance"]) == ("p.G12D", "c.35G>A", "yes")

    # The nf-test asserts these strings in the real test: they must hold for the real output.
    test_text = (MODULE_DIR / "tests" / "main.nf.test").read_text(encoding="utf-8")
    alterations_text = (workdir / "test.alterations.tsv").read_text(encoding="utf-8")
    for literal in re.findall(r"\.text\.contains\('([^']+)'\)", test_text):
        assert literal.replace("\\t", "\t") in alterations_text


@pytest.mark.usefixtures("cli_works")
def test_rendered_script_with_every_output_writes_what_the_stub_writes(
    process: NfProcess, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    """bgzip + tbi input, a custom prefix, every optional output: each glob captures exactly one
    file, nothing is left unclaimed, and the stub writes the same names."""
    workdir, vcf, tbi = _task_dir(tmp_path, "task", compress=True)
    variables = task_variables(
        meta_id="test", vcf=vcf, tbi=tbi, args=ALL_OUTPUT_FLAGS, prefix="P1.t0"
    )
    result = _run_block(render(process.script, variables), workdir, tool_env)
    assert result.returncode == 0, result.stderr
    written = _outputs_in(workdir, {vcf, str(tbi)})
    claimed = _claimed(written, process)
    assert all(len(files) == 1 for files in claimed.values()), claimed
    assert sorted(n for files in claimed.values() for n in files) == sorted(written)

    stub_dir = tmp_path / "stub"
    stub_dir.mkdir()
    shutil.copy(workdir / vcf, stub_dir / vcf)
    stub = render(process.stub, variables)
    assert _run_block(stub, stub_dir, {"PATH": "/usr/bin:/bin"}).returncode == 0
    assert _outputs_in(stub_dir, {vcf}) == written


@pytest.mark.usefixtures("cli_works")
def test_rendered_script_uses_the_pinned_knowledge_base(
    process: NfProcess, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    """The optional `annotations` input replaces the bundled knowledge base for that task."""
    workdir, vcf, tbi = _task_dir(tmp_path, "task", compress=False)
    shutil.copytree(REPO / "annotations", workdir / "kb_snapshot")
    version_file = workdir / "kb_snapshot" / "VERSION"
    lines = version_file.read_text(encoding="utf-8").splitlines()
    version_file.write_text("\n".join(["2099.01.0-pinned", *lines[1:]]) + "\n", encoding="utf-8")
    variables = task_variables(meta_id="test", vcf=vcf, annotations="kb_snapshot")
    result = _run_block(render(process.script, variables), workdir, tool_env)
    assert result.returncode == 0, result.stderr
    (summary,) = read_tsv(workdir / "test.summary.tsv")
    assert (summary["kb_version"], summary["status"]) == ("2099.01.0-pinned", "resistance_detected")


@pytest.mark.usefixtures("cli_works")
def test_rendered_script_fails_cleanly_on_a_bad_vcf(
    process: NfProcess, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    """A broken input fails the task (non-zero exit) and leaves no output for Nextflow."""
    workdir = tmp_path / "task"
    workdir.mkdir()
    (workdir / "broken.vcf").write_text("##fileformat=VCFv4.2\nnot a header\n", encoding="utf-8")
    script = render(process.script, task_variables(meta_id="test", vcf="broken.vcf"))
    result = _run_block(script, workdir, tool_env)
    assert result.returncode != 0
    assert "egfr-annot: error:" in result.stderr
    assert _outputs_in(workdir, {"broken.vcf"}) == set()


# --- the minimal pipeline ------------------------------------------------------------------------


def test_pipeline_main_nf_wires_the_module() -> None:
    text = (PIPELINES / "nextflow" / "main.nf").read_text(encoding="utf-8")
    (include,) = re.findall(r"include \{ EGFRANNOT_RUN \} from '([^']+)'", text)
    assert (PIPELINES / "nextflow" / (include + ".nf")).resolve() == (MODULE_DIR / "main.nf")
    assert "channel.fromPath(params.input, checkIfExists: true)" in text
    assert ".splitCsv(header: true, strip: true)" in text
    assert "is listed twice" in text  # duplicate sample ids would overwrite each other's files
    assert '"sample_id\\t${header}"' in text  # cohort rows keep the sheet's sample id
    (call,) = re.findall(r"EGFRANNOT_RUN\((.*)\)", text)
    assert len(call.split(",")) == len(EXPECTED_INPUTS)
    # The sheet row becomes the module's first input tuple, cnv inside it.
    assert "return [meta, vcf, tbi, cnv]" in text
    for column in ("row.sample", "row.vcf", "row.tbi", "row.cnv"):
        assert column in text
    config = (PIPELINES / "nextflow" / "nextflow.config").read_text(encoding="utf-8")
    for param in ("input", "outdir", "build", "annotations", "args"):
        assert re.search(rf"^\s+{param}\s+=", config, re.M), param
    assert f"version         = '{__version__}'" in config
    assert f"egfr-annot:{__version__}'" in config


def test_readme_documents_the_pipelines() -> None:
    text = (PIPELINES / "README.md").read_text(encoding="utf-8")
    for needle in (
        "sample,vcf",
        "EGFRANNOT_RUN",
        "wrapper",
        "example/Snakefile",
        "Dockerfile",
        "recipe/meta.yaml",
    ):
        assert needle in text, needle


def test_example_samplesheet_points_at_the_example_files() -> None:
    """What main.nf's samplesheet_row() checks, on the shipped example sheet (launched from the
    repository root): required columns, safe sample names, every file present."""
    import csv

    with (PIPELINES / "nextflow" / "samplesheet.example.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == ["sample", "vcf", "tbi", "cnv"]
    assert len({r["sample"] for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[A-Za-z0-9._-]+", row["sample"]), row
        for column in ("vcf", "tbi", "cnv"):
            if row[column] or column == "vcf":
                assert (REPO / row[column]).is_file(), row[column]
    listed = {Path(r["vcf"]).name for r in rows}
    on_disk = {
        p.name for p in (REPO / "example_vcfs").iterdir() if p.name.endswith((".vcf", ".vcf.gz"))
    }
    assert listed == on_disk
