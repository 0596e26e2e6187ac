"""``egfr-annot run``: annotate VCF(s) and write the tumour-board tables."""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING

import click

from egfr_annot.cli.options import common_run_options, run_options_from_kwargs
from egfr_annot.errors import UsageError

if TYPE_CHECKING:
    from egfr_annot.io.scan_child import ScanProcess
    from egfr_annot.records import SampleResult


@click.command("run")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o",
    "--output-prefix",
    "prefix",
    default=None,
    help="Output prefix (PREFIX.alterations.tsv ...). With several inputs: one combined table.",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory for the outputs, one prefix per input named after it.",
)
@click.option(
    "--sample-id",
    default=None,
    help="Name the results ID (the VCF's tumour column if it has that name, else its only "
    "tumour sample; several become ID:COLUMN), as `batch` does with sample-sheet ids.",
)
@common_run_options
@click.option("--evidence-long", is_flag=True, help="Also write PREFIX.evidence_long.tsv.")
@click.option("--html", is_flag=True, help="Also write a self-contained PREFIX.report.html.")
@click.option("--vcf", "vcf_out", is_flag=True, help="Also write PREFIX.annotated.vcf.gz (+ .tbi).")
@click.option("--json", "json_out", is_flag=True, help="Also write PREFIX.json.")
@click.option("--multiqc", is_flag=True, help="Also write PREFIX.egfr_annot_mqc.tsv for MultiQC.")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the per-sample verdicts.")
def run(
    inputs: tuple[str, ...],
    prefix: str | None,
    out_dir: str | None,
    sample_id: str | None,
    evidence_long: bool,
    html: bool,
    vcf_out: bool,
    json_out: bool,
    multiqc: bool,
    quiet: bool,
    **kwargs: object,
) -> None:
    """Annotate INPUT (.vcf, .vcf.gz, .bcf, or - for stdin) and write PREFIX.alterations.tsv and
    PREFIX.summary.tsv (default PREFIX: the input's name without .vcf(.gz), here)."""
    if prefix is not None and out_dir is not None:
        raise UsageError("give either -o/--output-prefix or --out-dir, not both")
    if inputs.count("-") > 1:
        raise UsageError("stdin (-) can be read only once")
    if vcf_out and "-" in inputs:
        raise UsageError(
            "--vcf cannot annotate standard input (-): the records are re-read from the input "
            "file; give the VCF as a file path"
        )
    for path in inputs:
        if path != "-" and not os.path.exists(path):
            raise UsageError(f"{path}: no such file")
        if path != "-" and os.path.isdir(path):
            raise UsageError(f"{path}: is a directory, not a VCF (use `egfr-annot batch DIR`)")

    # A large input's scanning child starts before the pipeline is imported: its own start-up
    # (Python, numpy: ~0.1 s) then overlaps ours (issue #9). The pipeline adopts it.
    from egfr_annot.io.scan_child import find_index, prestart_scan_process

    early = _adopt_early_scan_process(inputs)
    if early is None and len(inputs) == 1:
        early = prestart_scan_process(inputs[0], use_index=not kwargs.get("no_index"))
    if early is not None:  # ended with the command, whatever happens (a no-op once used)
        click.get_current_context().call_on_close(early.close)
    # So does the checksum of a file read by the child (once it is done) or of a large file read
    # through its index (its hash outlasts the run); a smaller indexed file is hashed once the
    # knowledge base is loaded (annotate_input), a file streamed here as it is read.
    early_sha256 = None
    if len(inputs) == 1 and not kwargs.get("no_checksum"):
        from egfr_annot.checksum import start_sha256_before_loading

        if early is not None or (not kwargs.get("no_index") and find_index(inputs[0]) is not None):
            early_sha256 = start_sha256_before_loading(
                inputs[0], after=early.wait if early is not None else None
            )

    from egfr_annot import __version__
    from egfr_annot.pipeline import Resources, annotate_input, default_prefix
    from egfr_annot.report.writers import (
        DEFAULT_FORMATS,
        ReportContext,
        import_writers,
        write_outputs,
    )

    command_line = " ".join(shlex.quote(a) for a in ["egfr-annot", *sys.argv[1:]])
    options = run_options_from_kwargs(kwargs, command_line=command_line)
    if sample_id is not None:
        from dataclasses import replace

        options = replace(options, sample_id=sample_id)
    formats = list(DEFAULT_FORMATS)
    for flag, name in (
        (evidence_long, "evidence_long"),
        (html, "html"),
        (vcf_out, "vcf"),
        (json_out, "json"),
        (multiqc, "multiqc"),
    ):
        if flag:
            formats.append(name)

    if sample_id is not None and len(inputs) > 1:
        raise UsageError("--sample-id names the results of one input; use `batch` for several")
    resources = Resources()

    def annotate(path: str) -> list[SampleResult]:
        results = annotate_input(path, options, resources, scan_process=early,
                                 input_sha256=early_sha256,
                                 before_records=lambda: import_writers(formats))
        if sample_id is None:
            return results
        from egfr_annot.batch import name_results  # batch's imports cost ~25 ms of start-up

        return name_results(results, sample_id)

    context = ReportContext(__version__, resources.kb_version, inputs, resources.annotations_dir)

    # All inputs are annotated before anything is written: a bad input fails the run cleanly.
    if prefix is not None and len(inputs) > 1:
        if vcf_out:
            raise UsageError("--vcf needs one output prefix per input: use --out-dir")
        groups = [(prefix, [r for path in inputs for r in annotate(path)])]
    else:
        from pathlib import Path

        targets = []
        for path in inputs:
            name = default_prefix(path)
            target = prefix if prefix is not None else str(Path(out_dir or ".") / name)
            targets.append((target, path))
        seen = [t for t, _ in targets]
        duplicates = sorted({t for t in seen if seen.count(t) > 1})
        if duplicates:
            raise UsageError(
                f"several inputs would write the same outputs {duplicates[0]}.*: "
                "rename them or use -o with a combined table"
            )
        groups = [(target, annotate(path)) for target, path in targets]

    for target, results in groups:
        group_context = context
        if len(groups) > 1:
            group_context = ReportContext(
                context.tool_version,
                context.kb_version,
                tuple({r.provenance.input_path for r in results}),
                context.annotations_dir,
            )
        written = write_outputs(target, results, formats, group_context)
        if not quiet:
            for result in results:
                click.echo(f"{result.sample}: {result.status} ({result.status_reason})", err=True)
            click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


def _adopt_early_scan_process(inputs: tuple[str, ...]) -> ScanProcess | None:
    """The scanning child that the entry point started before click was imported
    (``cli.early_scan_process``, handed over as the context's ``obj``), if it was started for
    this command's one input; one started for another file is ended now."""
    early = click.get_current_context().find_root().obj
    from egfr_annot.io.scan_child import ScanProcess

    if not isinstance(early, ScanProcess):
        return None
    if len(inputs) == 1 and early.path == inputs[0]:
        return early
    early.close()
    return None
