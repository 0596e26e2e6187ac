"""The Snakemake wrapper (pipelines/snakemake/bio/egfr-annot/run) and the example workflow.

Statically: the wrapper's command building (imported from wrapper.py) against the CLI's flags and
file names. For real: `snakemake` runs the wrapper's test/Snakefile and the example workflow
without --use-conda, with egfr-annot on PATH, and the status values in the summaries are checked.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from pipeline_support import DATA, EXAMPLE_DIR, HOMEPAGE, REPO, WRAPPER_DIR, read_tsv, tool

from egfr_annot import __version__
from egfr_annot.report.writers import WRITERS

# Statuses the example's test VCFs must get (tests/pipelines/data).
EXPECTED_STATUS = {
    "braf_v600e.grch37": "resistance_detected",
    "header_only.grch38": "non_informative",
    "kras_g12d.grch38": "resistance_detected",
    "pik3ca_e545k.grch38": "not_detected",  # PIK3CA exon 9: tumour DNA, resistance "no"
}


@pytest.fixture(scope="module")
def wrapper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("egfr_annot_wrapper", WRAPPER_DIR / "wrapper.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # no `snakemake` object: only the helpers are defined
    return module


def _outputs(prefix: str, *names: str) -> dict[str, str]:
    suffixes = {name: suffix for name, (_, _, suffix) in WRITERS.items()}
    suffixes["tbi"] = suffixes["vcf"] + ".tbi"
    return {name: prefix + suffixes[name] for name in ("alterations", "summary", *names)}


# --- the wrapper's command, statically -----------------------------------------------------------


def test_wrapper_outputs_are_the_writer_registry(wrapper: ModuleType) -> None:
    expected = {name: suffix for name, (_, _, suffix) in WRITERS.items()}
    expected["tbi"] = expected["vcf"] + ".tbi"
    assert {name: suffix for name, (suffix, _) in wrapper.OUTPUTS.items()} == expected


def test_wrapper_flags_exist_in_the_cli(wrapper: ModuleType, run_help: str) -> None:
    known = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", run_help))
    flags = {flag for _, flag in wrapper.OUTPUTS.values() if flag}
    flags |= {f for f in wrapper.RESERVED_FLAGS if f.startswith("--")}
    test_snakefile = (WRAPPER_DIR / "test" / "Snakefile").read_text(encoding="utf-8")
    texts = [(WRAPPER_DIR / "meta.yaml").read_text(encoding="utf-8")]
    texts += re.findall(r'extra="([^"]*)"', test_snakefile)
    for text in texts:
        flags |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))
    assert "--min-alt-reads" in flags
    assert flags - known == set()
    assert "-o" in run_help.split() or "-o," in run_help  # short form of --output-prefix


def test_wrapper_command(wrapper: ModuleType) -> None:
    args = wrapper.command_args(
        {"vcf": "calls/P1.vcf.gz", "cnv": ["cnv/P1.cns", "cnv/P1.genes.tsv"]},
        ["calls/P1.vcf.gz"],
        _outputs("out/P1", "html", "vcf", "tbi", "multiqc"),
        {"build": "GRCh37", "extra": "--min-vaf 0.005"},
    )
    assert args == [
        "--build", "GRCh37",
        "--output-prefix", "out/P1",
        "--cnv", "cnv/P1.cns", "--cnv", "cnv/P1.genes.tsv",
        "--html", "--multiqc", "--vcf",
        "--min-vaf", "0.005",
        "calls/P1.vcf.gz",
    ]  # fmt: skip
    # Defaults: auto build, positional VCF, no optional output flags.
    assert wrapper.command_args({}, ["a.vcf"], _outputs("o/a"), {}) == [
        "--build", "auto", "--output-prefix", "o/a", "a.vcf",
    ]  # fmt: skip


def test_wrapper_shell_command_pins_the_knowledge_base(wrapper: ModuleType) -> None:
    inputs = {"vcf": "calls/P 1.vcf", "annotations": "kb/2099-01"}
    command = wrapper.shell_command(inputs, list(inputs.values()), _outputs("out/P1"), {},
                                    threads=2)
    assert command == (
        "EGFR_ANNOT_ANNOTATIONS=kb/2099-01 egfr-annot run --build auto --output-prefix out/P1 "
        "'calls/P 1.vcf'"
    )
    plain = wrapper.shell_command({"vcf": "a.vcf"}, ["a.vcf"], _outputs("o/a"), {}, threads=4)
    assert plain == "egfr-annot run --build auto --output-prefix o/a a.vcf"
    # One thread (Snakemake's default): no second process for a large VCF.
    single = wrapper.shell_command({"vcf": "a.vcf"}, ["a.vcf"], _outputs("o/a"), {})
    assert single == ("EGFR_ANNOT_SCAN_PROCESS=0 egfr-annot run --build auto --output-prefix o/a "
                      "a.vcf")


@pytest.mark.parametrize(
    ("outputs", "params", "message"),
    [
        ({"alterations": "o/a.alterations.tsv", "summary": "o/b.summary.tsv"}, {}, "one prefix"),
        ({"alterations": "o/a.alterations.tsv"}, {}, "'summary' is required"),
        ({**_outputs("o/a"), "report": "o/a.report.html"}, {}, "unknown output"),
        ({**_outputs("o/a"), "html": "o/a.html"}, {}, "must end with '.report.html'"),
        (_outputs("o/a", "vcf"), {}, "'vcf' and 'tbi' together"),
        (_outputs("o/a"), {"extra": "--html"}, "not 'extra'"),
        (_outputs("o/a"), {"extra": "--out-dir x"}, "not 'extra'"),
        (_outputs("o/a"), {"extra": "--build=GRCh37"}, "not 'extra'"),
        (_outputs("o/a"), {"build": "hg19"}, "params.build"),
    ],
)
def test_wrapper_refuses_inconsistent_rules(
    wrapper: ModuleType, outputs: dict[str, str], params: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        wrapper.command_args({"vcf": "a.vcf"}, ["a.vcf"], outputs, params)


def test_wrapper_metadata(wrapper: ModuleType) -> None:
    env = yaml.safe_load((WRAPPER_DIR / "environment.yaml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge", "bioconda", "nodefaults"]
    assert env["dependencies"] == [f"egfr-annot ={__version__}"]
    meta = yaml.safe_load((WRAPPER_DIR / "meta.yaml").read_text(encoding="utf-8"))
    assert meta["url"] == HOMEPAGE
    assert [next(iter(item)) for item in meta["output"]] == list(wrapper.OUTPUTS)
    assert [next(iter(item)) for item in meta["input"]] == ["vcf", "tbi", "cnv", "annotations"]
    assert [next(iter(item)) for item in meta["params"]] == ["build", "extra"]


# --- for real ------------------------------------------------------------------------------------


def _snakemake(snakefile: Path, workdir: Path, env: dict[str, str], *extra: str) -> str:
    result = subprocess.run(
        [
            tool("snakemake"),
            "-s",
            str(snakefile),
            "--directory",
            str(workdir),
            "--cores",
            "2",
            "--quiet",
            "all",
            "--nolock",
            *extra,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.mark.usefixtures("cli_works")
def test_wrapper_test_snakefile_runs(tmp_path: Path, tool_env: dict[str, str]) -> None:
    # The wrapper's test data is the pipeline tests' KRAS G12D VCF.
    test_vcf = (WRAPPER_DIR / "test" / "kras_g12d.grch38.vcf").read_bytes()
    assert test_vcf == (DATA / "kras_g12d.grch38.vcf").read_bytes()
    workdir = tmp_path / "test"
    shutil.copytree(WRAPPER_DIR / "test", workdir)
    # The test Snakefile finds the wrapper one directory above itself.
    snakefile = WRAPPER_DIR / "test" / "Snakefile"
    _snakemake(snakefile, workdir, tool_env)
    (summary,) = read_tsv(workdir / "results" / "kras_g12d.summary.tsv")
    assert summary["status"] == "resistance_detected"
    assert "--min-alt-reads 3" in summary["command_line"]
    (g12d,) = [
        r
        for r in read_tsv(workdir / "results" / "kras_g12d.alterations.tsv")
        if r["gene"] == "KRAS"
    ]
    assert g12d["hgvsp_short"] == "p.G12D"
    assert (workdir / "results" / "kras_g12d.evidence_long.tsv").is_file()
    assert (workdir / "logs" / "egfr_annot" / "kras_g12d.log").is_file()
    assert sorted(p.name for p in (workdir / "results").iterdir()) == [
        "kras_g12d.alterations.tsv", "kras_g12d.evidence_long.tsv", "kras_g12d.summary.tsv",
    ]  # fmt: skip


# Statuses of the repository's example VCFs (example_vcfs/README.md).
EXAMPLE_STATUS = {
    "acquired_resistance.GRCh37": "resistance_detected",
    "acquired_resistance.GRCh38": "resistance_detected",
    "braf_v600e.GRCh37": "resistance_detected",
    "low_tumour_fraction.GRCh38": "non_informative",
    "no_resistance.GRCh38": "not_detected",
}


def _example_vcfs() -> list[Path]:
    found = [*(REPO / "example_vcfs").glob("*.vcf.gz"), *(REPO / "example_vcfs").glob("*.vcf")]
    if not found:
        pytest.skip("example_vcfs/ has no VCFs")
    return found


@pytest.mark.usefixtures("cli_works")
def test_example_workflow_on_the_example_vcfs(tmp_path: Path, tool_env: dict[str, str]) -> None:
    """The default config: every example VCF, the GRCh37 case with its CNVkit file."""
    names = sorted(p.name.removesuffix(".gz").removesuffix(".vcf") for p in _example_vcfs())
    assert names == sorted(EXAMPLE_STATUS), "example_vcfs changed: update EXAMPLE_STATUS"
    _snakemake(EXAMPLE_DIR / "Snakefile", tmp_path, tool_env)
    cohort = read_tsv(tmp_path / "cohort.summary.tsv")
    assert [(r["sample_id"], r["status"]) for r in cohort] == sorted(EXAMPLE_STATUS.items())
    for row in cohort:
        (own,) = read_tsv(tmp_path / "samples" / f"{row.pop('sample_id')}.summary.tsv")
        assert own == row
    # Two callers name their column TUMOR: only sample_id tells those patients apart.
    assert [r["sample"] for r in cohort].count("TUMOR") == 2
    # The CNV file reached its sample: MET amplification on GRCh37 as on GRCh38 (CNV record).
    by_input = {Path(r["input"]).name: r for r in cohort}
    for vcf in ("acquired_resistance.GRCh37.vcf", "acquired_resistance.GRCh38.vcf.gz"):
        found = by_input[vcf]["resistance_alterations"].split(";")
        assert found == ["EGFR p.S492R", "KRAS p.G12D", "MET amplification"], vcf
    assert "--cnv" in by_input["acquired_resistance.GRCh37.vcf"]["command_line"]
    lines = (tmp_path / "cohort.summary.tsv").read_text(encoding="utf-8").splitlines()
    assert sum(1 for ln in lines if ln.startswith("sample_id\tsample\t")) == 1  # one header


@pytest.mark.usefixtures("cli_works")
def test_example_workflow_on_other_vcfs(tmp_path: Path, tool_env: dict[str, str]) -> None:
    """vcfs from the command line (both builds, all three statuses), no CNV mapping."""
    pattern = str(DATA / "*.vcf")
    _snakemake(
        EXAMPLE_DIR / "Snakefile", tmp_path, tool_env, "--config", f"vcfs=['{pattern}']", "cnv="
    )
    for sample, status in EXPECTED_STATUS.items():
        (row,) = read_tsv(tmp_path / "samples" / f"{sample}.summary.tsv")
        assert row["status"] == status, sample
    cohort = read_tsv(tmp_path / "cohort.summary.tsv")
    assert [(r["sample_id"], r["status"]) for r in cohort] == sorted(EXPECTED_STATUS.items())
    assert [Path(r["input"]).name for r in cohort] == [f"{s}.vcf" for s in sorted(EXPECTED_STATUS)]
    assert [r["build"] for r in cohort] == ["GRCh37", "GRCh38", "GRCh38", "GRCh38"]
    alterations = read_tsv(tmp_path / "cohort.alterations.tsv")
    found = [
        (r["sample_id"], r["gene"], r["hgvsp_short"], r["build"], r["resistance"])
        for r in alterations
    ]
    assert found == [
        ("braf_v600e.grch37", "BRAF", "p.V600E", "GRCh37", "yes"),
        ("kras_g12d.grch38", "KRAS", "p.G12D", "GRCh38", "yes"),
        ("pik3ca_e545k.grch38", "PIK3CA", "p.E545K", "GRCh38", "no"),
    ]


def _dry_run(tmp_path: Path, env: dict[str, str], *config: str) -> subprocess.CompletedProcess[str]:
    command = [
        tool("snakemake"),
        "-s",
        str(EXAMPLE_DIR / "Snakefile"),
        "--directory",
        str(tmp_path),
    ]
    command += ["--cores", "1", "-n", "--nolock"]
    if config:
        command += ["--config", *config]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_example_workflow_plans_one_job_per_example_vcf(
    tmp_path: Path, tool_env: dict[str, str]
) -> None:
    result = _dry_run(tmp_path, tool_env)
    assert result.returncode == 0, result.stderr[-3000:]
    planned = re.search(r"egfr_annot_run\s+(\d+)", result.stdout + result.stderr)
    assert planned is not None, result.stdout + result.stderr
    assert int(planned.group(1)) == len(_example_vcfs())


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (("vcfs=['{tmp}/none/*.vcf.gz']",), "no VCF matches"),
        (("cnv={{'no_such_sample': 'x.cns'}}",), "'no_such_sample', which is not a sample"),
        (("cnv={{'braf_v600e.GRCh37': '{tmp}/missing.cns'}}",), "no such file"),
    ],
)
def test_example_workflow_refuses_a_bad_config(
    tmp_path: Path, tool_env: dict[str, str], config: tuple[str, ...], message: str
) -> None:
    result = _dry_run(tmp_path, tool_env, *(c.format(tmp=tmp_path) for c in config))
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
