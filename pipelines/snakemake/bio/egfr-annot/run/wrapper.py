"""Snakemake wrapper for ``egfr-annot run``: one sample's VCF -> the tumour-board tables.

The named outputs decide what is written: ``alterations`` and ``summary`` always, and each
optional output (``evidence_long``, ``html``, ``json``, ``vcf``/``tbi``, ``multiqc``) turns on its
``egfr-annot run`` flag. All outputs must share one prefix (``PREFIX.alterations.tsv``, ...),
because that is how egfr-annot names its files.
"""

# ruff: noqa: F821 - `snakemake` is injected by Snakemake when it runs the wrapper

__author__ = "egfr-annot developers"
__copyright__ = "Copyright 2025, egfr-annot developers"
__license__ = "MIT"

import os
import shlex

from snakemake.shell import shell

# output name -> (file suffix egfr-annot writes after PREFIX, flag that asks for it)
OUTPUTS = {
    "alterations": (".alterations.tsv", None),
    "summary": (".summary.tsv", None),
    "evidence_long": (".evidence_long.tsv", "--evidence-long"),
    "html": (".report.html", "--html"),
    "json": (".json", "--json"),
    "vcf": (".annotated.vcf.gz", "--vcf"),
    "tbi": (".annotated.vcf.gz.tbi", "--vcf"),
    "multiqc": (".egfr_annot_mqc.tsv", "--multiqc"),
}
BUILDS = ("auto", "GRCh37", "GRCh38")
# Flags the wrapper sets itself from input/output/params: giving them in `extra` would make
# egfr-annot write files Snakemake does not know about, or contradict the rule.
RESERVED_FLAGS = {
    "-o",
    "--output-prefix",
    "--out-dir",
    "--build",
    "--cnv",
    *(flag for _, flag in OUTPUTS.values() if flag),
}


def output_prefix(named_outputs):
    """The common PREFIX of the named outputs; raises ValueError on anything else."""
    unknown = sorted(set(named_outputs) - set(OUTPUTS))
    if unknown:
        raise ValueError(f"egfr-annot wrapper: unknown output(s) {unknown}; use {sorted(OUTPUTS)}")
    for required in ("alterations", "summary"):
        if required not in named_outputs:
            raise ValueError(f"egfr-annot wrapper: output '{required}' is required")
    prefixes = {}
    for name, path in named_outputs.items():
        suffix = OUTPUTS[name][0]
        if not str(path).endswith(suffix):
            raise ValueError(
                f"egfr-annot wrapper: output '{name}' must end with '{suffix}' (got '{path}')"
            )
        prefixes[name] = str(path)[: -len(suffix)]
    if len(set(prefixes.values())) != 1:
        raise ValueError(
            "egfr-annot wrapper: all outputs must share one prefix "
            f"(PREFIX.alterations.tsv, PREFIX.summary.tsv, ...); got {prefixes}"
        )
    if ("vcf" in named_outputs) != ("tbi" in named_outputs):
        raise ValueError("egfr-annot wrapper: declare outputs 'vcf' and 'tbi' together")
    return prefixes["alterations"]


def command_args(named_inputs, positional_inputs, named_outputs, params):
    """The ``egfr-annot run`` argument list for this job."""
    vcf = named_inputs.get("vcf") or (positional_inputs[0] if positional_inputs else None)
    if not vcf:
        raise ValueError("egfr-annot wrapper: input 'vcf' is required")
    build = params.get("build", "auto") or "auto"
    if build not in BUILDS:
        raise ValueError(
            f"egfr-annot wrapper: params.build must be one of {BUILDS} (got '{build}')"
        )
    extra = shlex.split(params.get("extra", "") or "")
    clashes = sorted(RESERVED_FLAGS.intersection(a.split("=", 1)[0] for a in extra))
    if clashes:
        raise ValueError(
            f"egfr-annot wrapper: set {clashes} through the rule's input/output/params, not 'extra'"
        )
    args = ["--build", build, "--output-prefix", output_prefix(named_outputs)]
    cnv = named_inputs.get("cnv") or []
    for path in [cnv] if isinstance(cnv, str) else cnv:
        args += ["--cnv", str(path)]
    flags = {OUTPUTS[name][1] for name in named_outputs if OUTPUTS[name][1]}
    args += sorted(flags)
    args += extra
    args.append(str(vcf))
    return args


def shell_command(named_inputs, positional_inputs, named_outputs, params, threads=1):
    """The shell command line, with the pinned knowledge base (input ``annotations``) if any.
    With one thread (Snakemake's default), egfr-annot keeps to one process: with two or more,
    it may decompress and scan a large VCF in a second one."""
    args = command_args(named_inputs, positional_inputs, named_outputs, params)
    command = "egfr-annot run " + " ".join(shlex.quote(a) for a in args)
    if threads < 2:
        command = f"EGFR_ANNOT_SCAN_PROCESS=0 {command}"
    annotations = named_inputs.get("annotations")
    if annotations:
        # Pin a knowledge-base snapshot instead of the one bundled with the package.
        command = f"EGFR_ANNOT_ANNOTATIONS={shlex.quote(os.fspath(annotations))} {command}"
    return command


if "snakemake" in globals():
    cmd = shell_command(
        dict(snakemake.input.items()),
        list(snakemake.input),
        dict(snakemake.output.items()),
        snakemake.params,
        snakemake.threads,
    )
    log = snakemake.log_fmt_shell(stdout=True, stderr=True)
    shell("{cmd} {log}")
