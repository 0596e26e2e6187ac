"""``egfr-annot batch``: many samples in one process pool, with cohort tables."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import click

from egfr_annot.cli.options import (
    common_run_options,
    result_option_args,
    run_options_from_kwargs,
)
from egfr_annot.errors import BatchFailures, UsageError


def canonical_command(sources: tuple[str, ...], kwargs: dict[str, object]) -> str:
    parts = ["egfr-annot", "batch", *sources, *result_option_args(kwargs)]
    return " ".join(shlex.quote(p) for p in parts)


@click.command("batch")
@click.argument("sources", nargs=-1, required=True, metavar="SAMPLESHEET.csv|DIR|GLOB...")
@click.option(
    "--out-dir", required=True, type=click.Path(file_okay=False), help="Output directory."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option("--resume", is_flag=True, help="Skip samples whose outputs are complete and current.")
@common_run_options
@click.option("--evidence-long", is_flag=True, help="Also write per-sample evidence_long tables.")
@click.option("--html", is_flag=True, help="Also write a per-sample HTML report.")
@click.option("--json", "json_out", is_flag=True, help="Also write per-sample JSON.")
@click.option("--multiqc", is_flag=True, help="Also write per-sample MultiQC tables.")
def batch(
    sources: tuple[str, ...],
    out_dir: str,
    workers: int | None,
    resume: bool,
    evidence_long: bool,
    html: bool,
    json_out: bool,
    multiqc: bool,
    **kwargs: object,
) -> None:
    """Annotate every sample of a sample sheet (columns sample,vcf[,cnv][,tumor_fraction]
    [,timepoint][,patient]), or every VCF in directories/globs. Writes OUT/samples/<id>.* and
    OUT/cohort.{alterations,summary,prevalence,failures}.tsv; with a patient column, prevalence
    counts patients (any of their samples), not samples. Exit code 3 when some samples failed
    (the others are complete)."""
    from egfr_annot.batch import BatchOptions, progress_printer, run_batch
    from egfr_annot.pipeline import Resources
    from egfr_annot.samplesheet import entries_from_paths, read_sheet

    if len(sources) == 1 and sources[0].endswith((".csv", ".tsv")) and os.path.isfile(sources[0]):
        entries = read_sheet(
            sources[0],
            required=("sample", "vcf"),
            optional=("cnv", "tumor_fraction", "timepoint", "patient"),
            check_files=False,  # a missing file is one failed sample, not a failed batch
        )
    else:
        entries = entries_from_paths(sources)
    if kwargs.get("sample"):
        raise UsageError("--sample does not apply to a batch: name samples in the sample sheet")
    options = run_options_from_kwargs(kwargs, command_line=canonical_command(sources, kwargs))
    formats = ["alterations", "summary"]
    formats += [
        n
        for f, n in (
            (evidence_long, "evidence_long"),
            (html, "html"),
            (json_out, "json"),
            (multiqc, "multiqc"),
        )
        if f
    ]
    batch_options = BatchOptions(
        out_dir=Path(out_dir),
        run=options,
        formats=tuple(formats),
        workers=workers or os.cpu_count() or 1,
        resume=resume,
    )
    result = run_batch(entries, batch_options, Resources(), progress=progress_printer())
    click.echo(
        f"egfr-annot batch: {len(result.outcomes) - len(result.failures)} of "
        f"{len(result.outcomes)} samples complete"
        + (f" ({sum(o.resumed for o in result.outcomes)} resumed)" if resume else "")
        + f"; cohort tables in {out_dir}",
        err=True,
    )
    if result.failures:
        raise BatchFailures(
            f"{len(result.failures)} of {len(result.outcomes)} samples failed; "
            f"see {Path(out_dir) / 'cohort.failures.tsv'}"
        )
