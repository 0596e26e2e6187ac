"""``run_track``: the serial-sample run behind ``egfr-annot track`` (issue #10).

1. The sample sheet is read and checked completely before anything is written
   (:func:`read_track_sheet`); a bad sheet raises ``InputError(SHEET, LINE, problem)``.
2. Every sample is annotated in the batch process pool
   (:func:`egfr_annot.batch.annotate_samples`), which writes its per-sample outputs to
   ``OUT/samples/<sample>.*`` exactly as ``batch`` does; :func:`observe_sample` collects each
   VCF's calls and gVCF blocks in the same worker.
3. Per patient, in sample-sheet order: the track (:func:`build_track`). A patient with a failed
   sample (bad VCF, unreadable coverage file, mixed genome builds) is not tracked at all - a
   trajectory with a missing timepoint could show a clone as cleared that was never measured -
   and is listed in ``track.failures.tsv``; the other patients are complete (exit code 3, as
   ``batch``).
4. All patient files and the cohort tables are written in one ``OutputTransaction``; a failed
   patient's files from an earlier run in the same directory are removed (they would read as
   current), and so is a tracked patient's ``PATIENT.report.html`` when ``--html`` is not given
   again (the per-sample files of formats not asked for again are removed by
   ``annotate_samples``, with the same :func:`egfr_annot.batch.remove_stale_outputs`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from egfr_annot import __version__
from egfr_annot.errors import EgfrAnnotError, InputError
from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.pipeline import Resources, RunOptions
from egfr_annot.records import SampleResult
from egfr_annot.report.writers import WRITERS
from egfr_annot.samplesheet import SheetEntry, file_name_problem, read_sheet
from egfr_annot.track.model import PatientTrack
from egfr_annot.track.observe import SampleObservations
from egfr_annot.track.timeline import DEFAULT_MIN_DEPTH, SampleInput, build_track

SHEET_REQUIRED = ("patient", "sample", "vcf", "date")
SHEET_OPTIONAL = ("cnv", "therapy", "tumor_fraction")
SUMMARY_FILE = "track.summary.tsv"
FAILURES_FILE = "track.failures.tsv"
PATIENT_SUFFIXES = {
    "trajectories": ".trajectories.tsv",
    "kinetics": ".kinetics.tsv",
    "plot": ".trajectories.svg",
    "html": WRITERS["html"][2],  # .report.html, as a sample's: batch's stale-file rule fits it
}


@dataclass(frozen=True)
class TrackOptions:
    out_dir: Path
    run: RunOptions
    formats: tuple[str, ...] = ("alterations", "summary")  # per-sample outputs
    html: bool = False
    workers: int = 1
    min_depth: int = DEFAULT_MIN_DEPTH
    coverage: Mapping[str, str] = field(default_factory=dict)  # sample id -> coverage file


@dataclass(frozen=True)
class PatientFailure:
    patient: str
    sample: str
    vcf: str
    line: int
    error: str


@dataclass(frozen=True)
class TrackResult:
    patients: tuple[PatientTrack, ...]
    failures: tuple[PatientFailure, ...]
    files: tuple[Path, ...]

    @property
    def failed_patients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.patient for f in self.failures))


def read_track_sheet(path: str | os.PathLike[str]) -> list[SheetEntry]:
    """Read a ``track`` sample sheet: ``patient,sample,vcf[,cnv],date[,therapy]
    [,tumor_fraction]``. Beyond :func:`read_sheet`'s checks (columns, ISO dates, duplicate
    patient+sample, missing VCF/CNV files), sample ids are unique across patients (they name
    ``OUT/samples/<id>.*``) and ids are usable as file names."""
    entries = read_sheet(path, required=SHEET_REQUIRED, optional=SHEET_OPTIONAL, check_files=True)
    seen: dict[str, SheetEntry] = {}
    for entry in entries:
        for what, value in (("patient", entry.patient or ""), ("sample", entry.sample)):
            problem = file_name_problem(value)
            if problem:
                raise InputError(path, entry.line, f"{what} id {value!r} {problem}")
        first = seen.get(entry.sample)
        if first is not None:
            raise InputError(
                path, entry.line,
                f"duplicate sample id {entry.sample!r} (first on line {first.line}, patient "
                f"{first.patient}): sample ids name the output files and must be unique",
            )
        seen[entry.sample] = entry
    return entries


def check_coverage(entries: Sequence[SheetEntry], coverage: Mapping[str, str]) -> None:
    """Every ``--coverage SAMPLE=FILE`` names a sheet sample and an existing file."""
    from egfr_annot.errors import UsageError

    samples = {e.sample for e in entries}
    for sample, path in coverage.items():
        if sample not in samples:
            raise UsageError(f"--coverage {sample}={path}: no sample {sample!r} in the sheet")
        if not os.path.isfile(path):
            raise InputError(path, None, "coverage file not found")


def run_track(
    entries: Sequence[SheetEntry],
    options: TrackOptions,
    resources: Resources,
    progress: Callable[[int, int, int], None] | None = None,
) -> TrackResult:
    from egfr_annot.batch import BatchOptions, annotate_samples
    from egfr_annot.track.observe import observe_sample, pick_result

    batch_options = BatchOptions(
        out_dir=options.out_dir, run=options.run, formats=options.formats,
        workers=options.workers,
    )
    annotated = annotate_samples(
        entries, batch_options, resources, inspect=observe_sample, progress=progress
    )
    by_patient: dict[str, list[tuple[SheetEntry, SampleResult | None, object, str | None]]] = {}
    for item in annotated:
        result: SampleResult | None = None
        error = item.error
        if error is None:
            try:
                result = pick_result(item.entry, item.results)
            except EgfrAnnotError as err:
                error = str(err)
        by_patient.setdefault(item.entry.patient or "", []).append(
            (item.entry, result, item.extra, error)
        )

    tracks: list[PatientTrack] = []
    failures: list[PatientFailure] = []
    for patient, samples in by_patient.items():
        failed = [(e, problem) for e, _r, _x, problem in samples if problem is not None]
        if failed:
            for entry, problem in failed:
                failures.append(PatientFailure(patient, entry.sample, entry.vcf, entry.line,
                                               problem or ""))
            continue
        inputs = []
        for entry, result, extra, _ in samples:
            assert result is not None and isinstance(extra, SampleObservations)
            inputs.append(SampleInput(entry, result, extra, options.coverage.get(entry.sample)))
        try:
            build = inputs[0].observed.build
            track = build_track(
                patient,
                inputs,
                model_genes=frozenset(resources.models(build)),
                evidence=resources.matcher(build).rechallenge_evidence(),
                thresholds=options.run.evidence,
                min_depth=options.min_depth,
            )
        except EgfrAnnotError as err:
            first = samples[0][0]
            failures.append(PatientFailure(patient, "", first.vcf, first.line, str(err)))
            continue
        tracks.append(track)
    files = write_track_outputs(tracks, failures, options, resources.kb_version)
    return TrackResult(tuple(tracks), tuple(failures), tuple(files))


def write_track_outputs(
    tracks: Sequence[PatientTrack],
    failures: Sequence[PatientFailure],
    options: TrackOptions,
    kb_version: str,
) -> list[Path]:
    from egfr_annot.track.html import render_track_html
    from egfr_annot.track.plot import effective_detection_limit, trajectory_svg
    from egfr_annot.track.tables import (
        FAILURE_COLUMNS,
        KINETICS_COLUMNS,
        SUMMARY_COLUMNS,
        TRAJECTORY_COLUMNS,
        comment_line,
        kinetics_rows,
        summary_row,
        trajectory_rows,
        tsv_line,
    )

    out_dir = options.out_dir
    limit = effective_detection_limit(options.run.min_vaf)
    written: list[Path] = []
    with OutputTransaction() as out:
        for track in tracks:
            prefix = str(out_dir / track.patient)
            comment = comment_line(__version__, kb_version, f"patient {track.patient}")
            paths = {name: Path(prefix + suffix) for name, suffix in PATIENT_SUFFIXES.items()}
            with out.open_text(paths["trajectories"]) as fh:
                fh.write(comment + tsv_line(TRAJECTORY_COLUMNS))
                fh.writelines(tsv_line(r) for r in trajectory_rows(track))
            with out.open_text(paths["kinetics"]) as fh:
                fh.write(comment + tsv_line(KINETICS_COLUMNS))
                fh.writelines(tsv_line(r) for r in kinetics_rows(track))
            svg = trajectory_svg(track, limit)
            with out.open_text(paths["plot"]) as fh:
                fh.write(svg)
            names = ["trajectories", "kinetics", "plot"]
            if options.html:
                with out.open_text(paths["html"]) as fh:
                    fh.write(render_track_html(track, svg, __version__, kb_version, limit))
                names.append("html")
            written.extend(paths[n] for n in names)
        comment = comment_line(__version__, kb_version, f"{len(tracks)} patient(s) tracked")
        summary, failure_file = out_dir / SUMMARY_FILE, out_dir / FAILURES_FILE
        with out.open_text(summary) as fh:
            fh.write(comment + tsv_line(SUMMARY_COLUMNS))
            fh.writelines(tsv_line(summary_row(t)) for t in tracks)
        with out.open_text(failure_file) as fh:
            fh.write(comment + tsv_line(FAILURE_COLUMNS))
            fh.writelines(
                tsv_line([f.patient, f.sample, f.vcf, str(f.line), f.error]) for f in failures
            )
        written += [summary, failure_file]
    _remove_stale_reports(tracks, options)
    # A failed patient must not keep the trajectories of an earlier run in this directory:
    # they would read as current.
    tracked = {t.patient for t in tracks}
    for patient in dict.fromkeys(f.patient for f in failures):
        if patient in tracked:
            continue
        for suffix in PATIENT_SUFFIXES.values():
            stale = out_dir / f"{patient}{suffix}"
            if stale.is_file():
                stale.unlink()
    return written


def _remove_stale_reports(tracks: Sequence[PatientTrack], options: TrackOptions) -> None:
    """A tracked patient's ``PATIENT.report.html`` of an earlier ``--html`` run, when this run
    has no ``--html``: it would contradict the new tables. The other patient files are always
    written. Batch's rule at the patient prefix, keeping every format but the HTML, removes
    exactly that one name (``PATIENT_SUFFIXES["html"]`` is the writers' HTML suffix)."""
    from egfr_annot.batch import remove_stale_outputs

    if options.html:
        return
    keep = tuple(name for name in WRITERS if name != "html")
    for track in tracks:
        remove_stale_outputs(str(options.out_dir / track.patient), keep, failed=False)
