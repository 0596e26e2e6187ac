"""``egfr-annot track``: serial liquid biopsies per patient - clone trajectories, decay
half-lives and the anti-EGFR rechallenge window (issue #10)."""

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


def canonical_command(sheet: str, kwargs: dict[str, object], min_depth: int) -> str:
    parts = ["egfr-annot", "track", sheet, *result_option_args(kwargs)]
    parts += ["--min-depth", str(min_depth)]
    return " ".join(shlex.quote(p) for p in parts)


def _coverage_map(values: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        sample, sep, path = value.partition("=")
        if not sep or not sample or not path:
            raise UsageError(f"--coverage {value!r}: expected SAMPLE=FILE")
        if sample in mapping:
            raise UsageError(f"--coverage given twice for sample {sample!r}")
        mapping[sample] = path
    return mapping


@click.command("track")
@click.argument("samplesheet", metavar="SAMPLESHEET.csv")
@click.option(
    "--out-dir", required=True, type=click.Path(file_okay=False), help="Output directory."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option(
    "--coverage",
    "coverage",
    multiple=True,
    metavar="SAMPLE=FILE",
    help="Per-position depth of a sample ('chrom pos depth' TSV as samtools depth writes, or "
    "mosdepth PREFIX.per-base.bed(.gz)), to tell 'not detected' from 'not covered'. Repeatable.",
)
@click.option(
    "--min-depth",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Reads at a position for an absence to count as 'not detected' (and a clone as cleared).",
)
@common_run_options
@click.option("--evidence-long", is_flag=True, help="Also write per-sample evidence_long tables.")
@click.option("--html", is_flag=True, help="Also write per-patient and per-sample HTML reports.")
@click.option("--json", "json_out", is_flag=True, help="Also write per-sample JSON.")
@click.option("--multiqc", is_flag=True, help="Also write per-sample MultiQC tables.")
def track(
    samplesheet: str,
    out_dir: str,
    workers: int | None,
    coverage: tuple[str, ...],
    min_depth: int,
    evidence_long: bool,
    html: bool,
    json_out: bool,
    multiqc: bool,
    **kwargs: object,
) -> None:
    """Follow resistance clones over serial liquid biopsies. SAMPLESHEET.csv has the columns
    patient,sample,vcf[,cnv],date[,therapy][,tumor_fraction] (ISO dates; therapy e.g.
    cetuximab, panitumumab, off). Writes OUT/samples/<sample>.* as `run` does, and per patient
    OUT/<patient>.trajectories.tsv, .kinetics.tsv, .trajectories.svg (.report.html with --html),
    plus OUT/track.summary.tsv with the rechallenge-window statement of each patient's latest
    sample. Decision support, not a treatment recommendation. Exit code 3 when a patient could
    not be tracked (the others are complete)."""
    from egfr_annot.pipeline import Resources
    from egfr_annot.track import TrackOptions, check_coverage, read_track_sheet, run_track

    if kwargs.get("sample"):
        raise UsageError("--sample does not apply to track: name samples in the sample sheet")
    coverage_map = _coverage_map(coverage)
    entries = read_track_sheet(samplesheet)  # every check before anything is written
    check_coverage(entries, coverage_map)
    options = run_options_from_kwargs(
        kwargs, command_line=canonical_command(samplesheet, kwargs, min_depth)
    )
    formats = ["alterations", "summary"]
    formats += [n for f, n in ((evidence_long, "evidence_long"), (html, "html"),
                               (json_out, "json"), (multiqc, "multiqc")) if f]
    track_options = TrackOptions(
        out_dir=Path(out_dir),
        run=options,
        formats=tuple(formats),
        html=html,
        workers=workers or os.cpu_count() or 1,
        min_depth=min_depth,
        coverage=coverage_map,
    )
    result = run_track(entries, track_options, Resources())
    for patient in result.patients:
        click.echo(f"{patient.patient}: {patient.window.window} ({patient.window.statement})",
                   err=True)
    click.echo(
        f"egfr-annot track: {len(result.patients)} patient(s) tracked; outputs in {out_dir}",
        err=True,
    )
    if result.failures:
        failed = result.failed_patients
        raise BatchFailures(
            f"{len(failed)} patient(s) not tracked ({', '.join(failed)}): a sample failed; see "
            f"{Path(out_dir) / 'track.failures.tsv'}"
        )
