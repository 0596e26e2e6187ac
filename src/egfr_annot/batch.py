"""Batch processing: many samples in one process pool, per-sample outputs plus cohort tables.

Design (issue #8):
- The knowledge base and transcript models are loaded once in the parent and inherited by the
  workers (fork), or loaded once per worker at start-up (spawn): never once per sample.
- Each worker annotates a sample and writes its outputs atomically to ``OUT/samples/<id>.*``,
  plus a ``<id>.done.json`` record (input checksums, knowledge-base version, options) that makes
  ``--resume`` safe. One bad sample never stops the batch: its error is returned, not raised,
  and a worker process that dies (the out-of-memory killer) costs only the sample that kills it
  (:func:`_map_tasks`). A failed sample keeps no file of an earlier run, a completed one none of
  a format not asked for again (:func:`remove_stale_outputs`): each sample's files are of one run.
- The parent builds the cohort tables from the per-sample files, in sample-sheet order, so the
  cohort files are byte-identical whatever the number of workers, and complete after a resume.
  They carry the sheet's patient and timepoint (the per-sample files do not: a resumed sample's
  files stay current when only those change), and prevalence counts patients when the sheet
  names them: two timepoints of one patient are one carrier, not two.
"""

from __future__ import annotations

import errno
import json
import math
import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeAlias, TypeVar

from egfr_annot import __version__
from egfr_annot.checksum import sha256_of
from egfr_annot.errors import EgfrAnnotError
from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.pipeline import Resources, RunOptions, annotate_input
from egfr_annot.records import SampleResult
from egfr_annot.report.columns import ALTERATION_COLUMNS, SUMMARY_COLUMNS
from egfr_annot.report.rows import tsv_line
from egfr_annot.report.writers import WRITERS, ReportContext, output_path, write_outputs
from egfr_annot.samplesheet import SheetEntry

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, SpawnContext

    WorkerContext: TypeAlias = ForkContext | SpawnContext

TaskT = TypeVar("TaskT")
ResultT = TypeVar("ResultT")
WorkerInit: TypeAlias = tuple[Resources | None, str | None]  # _init_worker's arguments

SAMPLES_SUBDIR = "samples"
FAILURE_COLUMNS = ("sample", "vcf", "sheet_line", "error")
PREVALENCE_COLUMNS = (
    "alteration_class",
    "resistance",
    "n_samples_with",
    "n_samples",
    "percent",
    "ci95_low",
    "ci95_high",
    "unit",  # what n_samples_with and n_samples count: "samples", or "patients"
)
# Sheet columns the cohort alterations and summary tables carry, right after their sample column
# (the first column of both per-sample tables).
SHEET_COLUMNS = ("patient", "timepoint")
COHORT_ALTERATION_COLUMNS = (ALTERATION_COLUMNS[0], *SHEET_COLUMNS, *ALTERATION_COLUMNS[1:])
COHORT_SUMMARY_COLUMNS = (SUMMARY_COLUMNS[0], *SHEET_COLUMNS, *SUMMARY_COLUMNS[1:])
# A patient's status is the first of these that any of its samples has.
STATUSES = ("resistance_detected", "not_detected", "non_informative")


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    run: RunOptions
    formats: tuple[str, ...] = ("alterations", "summary")
    workers: int = 1
    resume: bool = False


@dataclass(frozen=True)
class SampleOutcome:
    index: int
    sample: str
    error: str | None
    resumed: bool = False


@dataclass(frozen=True)
class BatchResult:
    outcomes: tuple[SampleOutcome, ...]
    cohort_files: tuple[Path, ...]

    @property
    def failures(self) -> tuple[SampleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.error is not None)


# Worker state: set once per worker process by the pool initializer (or inherited on fork).
_WORKER: dict[str, object] = {}


def _init_worker(resources: Resources | None, annotations_dir: str | None) -> None:
    # numpy (pulled in by cyvcf2/pysam users) would start an OpenBLAS thread pool per worker.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if resources is None:
        resources = Resources(Path(annotations_dir) if annotations_dir else None)
        resources.preload()
    _WORKER["resources"] = resources


def run_batch(
    entries: Sequence[SheetEntry],
    options: BatchOptions,
    resources: Resources,
    progress: Callable[[int, int, int], None] | None = None,
) -> BatchResult:
    """Annotate every entry; write per-sample outputs and the cohort tables."""
    samples_dir = options.out_dir / SAMPLES_SUBDIR
    samples_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(i, entry, options) for i, entry in enumerate(entries)]
    outcomes: list[SampleOutcome] = []
    failed = 0
    for outcome in _map(tasks, options.workers, resources):
        outcomes.append(outcome)
        failed += outcome.error is not None
        if progress is not None:
            progress(len(outcomes), len(entries), failed)
    outcomes.sort(key=lambda o: o.index)
    cohort_files = write_cohort_tables(entries, outcomes, options, resources.kb_version)
    for outcome in outcomes:
        remove_stale_outputs(
            str(samples_dir / outcome.sample), options.formats, failed=outcome.error is not None
        )
    return BatchResult(tuple(outcomes), tuple(cohort_files))


def _map(
    tasks: Sequence[tuple[int, SheetEntry, BatchOptions]], workers: int, resources: Resources
) -> Iterator[SampleOutcome]:
    return _map_tasks(_process, tasks, workers, resources, _process_died)


def _process_died(task: tuple[int, SheetEntry, BatchOptions], error: str) -> SampleOutcome:
    return SampleOutcome(task[0], task[1].sample, error)


def _process(task: tuple[int, SheetEntry, BatchOptions]) -> SampleOutcome:
    index, entry, options = task
    resources = _WORKER["resources"]
    assert isinstance(resources, Resources)
    prefix = str(options.out_dir / SAMPLES_SUBDIR / entry.sample)
    try:
        fingerprint = _fingerprint(entry, options, resources.kb_version)
        if options.resume and _is_complete(prefix, options.formats, fingerprint):
            return SampleOutcome(index, entry.sample, None, resumed=True)
        _annotate_and_write(entry, options, resources, prefix)
        _write_done(prefix, fingerprint)
        return SampleOutcome(index, entry.sample, None)
    except EgfrAnnotError as err:
        return SampleOutcome(index, entry.sample, str(err))
    except Exception as err:  # noqa: BLE001 - one bad sample never stops the batch
        return SampleOutcome(index, entry.sample, f"internal error: {type(err).__name__}: {err}")


def _annotate_and_write(
    entry: SheetEntry, options: BatchOptions, resources: Resources, prefix: str
) -> tuple[list[SampleResult], list[SampleResult], RunOptions]:
    """Annotate one sheet entry with its own tumour fraction and CNV file and write its outputs;
    returns the raw results (VCF column names), the named results and the options used."""
    run_options = replace(
        options.run,
        tumour_fraction=entry.tumour_fraction
        if entry.tumour_fraction is not None
        else options.run.tumour_fraction,
        cnv_paths=(entry.cnv,) if entry.cnv else options.run.cnv_paths,
        sample_id=entry.sample,
    )
    raw = annotate_input(entry.vcf, run_options, resources)
    results = name_results(raw, entry.sample)
    context = ReportContext(
        __version__, resources.kb_version, (entry.vcf,), resources.annotations_dir
    )
    write_outputs(prefix, results, options.formats, context)
    return raw, results, run_options


def name_results(results: Sequence[SampleResult], sample_id: str) -> list[SampleResult]:
    """Name results after the sheet's sample id: the matching VCF column if there is one, the
    only tumour sample otherwise; several tumour samples become ``ID:COLUMN``."""
    matching = [r for r in results if r.sample == sample_id]
    if matching:
        return matching
    if len(results) == 1:
        return [_rename(results[0], sample_id)]
    return [_rename(r, f"{sample_id}:{r.sample}") for r in results]


def _rename(result: SampleResult, name: str) -> SampleResult:
    findings = tuple(replace(f, sample=name) for f in result.findings)
    return replace(result, sample=name, findings=findings)


def _fingerprint(entry: SheetEntry, options: BatchOptions, kb_version: str) -> dict[str, object]:
    return {
        "sample": entry.sample,
        "vcf_sha256": sha256_of(entry.vcf),
        "cnv_sha256": sha256_of(entry.cnv) if entry.cnv else None,
        "tumour_fraction": entry.tumour_fraction,
        "kb_version": kb_version,
        "tool_version": __version__,
        "options": options.run.command_line,
        "formats": list(options.formats),
    }


def _done_path(prefix: str) -> Path:
    return Path(prefix + ".done.json")


def _is_complete(prefix: str, formats: Sequence[str], fingerprint: dict[str, object]) -> bool:
    try:
        recorded = json.loads(_done_path(prefix).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == fingerprint and all(output_path(prefix, name).exists() for name in formats)


def _write_done(prefix: str, fingerprint: dict[str, object]) -> None:
    with OutputTransaction() as out, out.open_text(_done_path(prefix)) as fh:
        fh.write(json.dumps(fingerprint, indent=1, sort_keys=True) + "\n")


def remove_stale_outputs(prefix: str, formats: Sequence[str], *, failed: bool) -> None:
    """Remove the per-sample files at ``prefix`` of an earlier run that this run did not write:
    every format not in ``formats``, or, for a failed sample, every format and its ``--resume``
    record. They would read as this run's results (``samples/*.summary.tsv``)."""
    kept = () if failed else formats
    stale = [path for name in WRITERS if name not in kept for path in _format_files(prefix, name)]
    if failed:
        stale.append(_done_path(prefix))
    for path in stale:
        try:
            path.unlink()
        except OSError as err:
            # (an id too long for a file name has no file: its sample failed on that)
            if err.errno not in (errno.ENOENT, errno.ENAMETOOLONG):
                raise


def _format_files(prefix: str, name: str) -> list[Path]:
    """The files one format writes for one sample (the annotated VCF has its index beside it)."""
    path = output_path(prefix, name)
    return [path, Path(f"{path}.tbi")] if name == "vcf" else [path]


# ----------------------------------------------------------------------------------------------
# cohort tables
# ----------------------------------------------------------------------------------------------
def _table_rows(path: Path) -> list[list[str]]:
    """Data rows of one of our TSVs (skips the ``#`` line and the header)."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if line.startswith("#") or i == 1:
                continue
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def write_cohort_tables(
    entries: Sequence[SheetEntry],
    outcomes: Sequence[SampleOutcome],
    options: BatchOptions,
    kb_version: str,
) -> list[Path]:
    out_dir = options.out_dir
    comment = f"# egfr-annot {__version__}; knowledge-base {kb_version}; cohort of {len(entries)}\n"
    completed: list[_SampleTables] = []
    failures: list[list[str]] = []
    for entry, outcome in zip(entries, outcomes, strict=True):
        if outcome.error is not None:
            failures.append([entry.sample, entry.vcf, str(entry.line), outcome.error])
            continue
        prefix = str(out_dir / SAMPLES_SUBDIR / entry.sample)
        completed.append(
            _SampleTables(
                entry,
                _table_rows(output_path(prefix, "alterations")),
                _table_rows(output_path(prefix, "summary")),
            )
        )
    alteration_rows = [row for t in completed for row in t.alterations]
    summary_rows = [row for t in completed for row in t.summary]
    # Per patient as soon as the sheet names one (the unit does not change with which samples
    # failed).
    patient_of = _patient_of(completed) if any(e.patient for e in entries) else None
    paths = {
        "alterations": out_dir / "cohort.alterations.tsv",
        "summary": out_dir / "cohort.summary.tsv",
        "prevalence": out_dir / "cohort.prevalence.tsv",
        "failures": out_dir / "cohort.failures.tsv",
    }
    with OutputTransaction() as out:
        with out.open_text(paths["alterations"]) as fh:
            fh.write(comment + tsv_line(COHORT_ALTERATION_COLUMNS))
            fh.writelines(tsv_line(r) for t in completed for r in t.with_sheet(t.alterations))
        with out.open_text(paths["summary"]) as fh:
            fh.write(comment + tsv_line(COHORT_SUMMARY_COLUMNS))
            fh.writelines(tsv_line(r) for t in completed for r in t.with_sheet(t.summary))
        with out.open_text(paths["prevalence"]) as fh:
            fh.write(comment + tsv_line(PREVALENCE_COLUMNS))
            prevalence = prevalence_rows(alteration_rows, summary_rows, patient_of)
            fh.writelines(tsv_line(r) for r in prevalence)
        with out.open_text(paths["failures"]) as fh:
            fh.write(comment + tsv_line(FAILURE_COLUMNS))
            fh.writelines(tsv_line(r) for r in failures)
    return list(paths.values())


def _with_sheet_columns(row: Sequence[str], values: Sequence[str]) -> list[str]:
    """A row of a per-sample table (sample first) with ``values`` right after its sample."""
    return [row[0], *values, *row[1:]]


@dataclass(frozen=True)
class _SampleTables:
    """The rows of one completed sheet entry's alterations and summary files."""

    entry: SheetEntry
    alterations: list[list[str]]
    summary: list[list[str]]

    def with_sheet(self, rows: Sequence[Sequence[str]]) -> Iterator[list[str]]:
        # From the sheet entry, not the row's sample: a VCF of several tumour samples gives
        # rows named ``ID:COLUMN``, all of this entry.
        values = (self.entry.patient or "", self.entry.timepoint or "")
        return (_with_sheet_columns(row, values) for row in rows)


def _patient_of(completed: Sequence[_SampleTables]) -> dict[str, str]:
    """Summary-row sample name -> the patient of its sheet entry (entries that name one)."""
    sample_col = SUMMARY_COLUMNS.index("sample")
    patient_of: dict[str, str] = {}
    for tables in completed:
        if tables.entry.patient:
            for row in tables.summary:
                patient_of.setdefault(row[sample_col], tables.entry.patient)
    return patient_of


def prevalence_rows(
    alteration_rows: Sequence[Sequence[str]],
    summary_rows: Sequence[Sequence[str]],
    patient_of: Mapping[str, str] | None = None,
) -> list[list[str]]:
    """Per alteration class: the units carrying a passing alteration of that class, with a 95 %
    Wilson interval; the denominator is every unit with a completed sample. The unit is the
    sample, or with ``patient_of`` (summary sample name -> patient) the patient: one carries a
    class if any of its samples does, and its status is the first of ``STATUSES`` any of its
    samples has (a sample without a patient is a patient of its own). Two timepoints of one
    patient are one patient, not two. Samples are the distinct ones of the summary rows (one
    status each), so that no count exceeds the denominator even if a sample's rows were read
    twice. Rows are in the per-sample tables' column order."""
    col = {c: i for i, c in enumerate(ALTERATION_COLUMNS)}
    sample_col, status_col = SUMMARY_COLUMNS.index("sample"), SUMMARY_COLUMNS.index("status")
    unit_of: dict[str, tuple[str, str]] = {}
    statuses_of: dict[tuple[str, str], set[str]] = {}
    for row in summary_rows:
        sample = row[sample_col]
        if sample not in unit_of:  # a sample read twice has the status of its first rows
            unit_of[sample] = _unit(sample, patient_of)
            statuses_of.setdefault(unit_of[sample], set()).add(row[status_col])
    n_units = len(statuses_of)
    carriers: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in alteration_rows:
        cls, sample = row[col["alteration_class"]], row[col["sample"]]
        if not cls or row[col["filter"]] not in ("PASS", ".") or sample not in unit_of:
            continue
        carriers.setdefault((cls, row[col["resistance"]]), set()).add(unit_of[sample])
    statuses = Counter(_unit_status(s) for s in statuses_of.values())
    unit = "samples" if patient_of is None else "patients"
    rows = []
    for (cls, resistance), units in sorted(carriers.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rows.append(_prevalence_row(cls, resistance, len(units), n_units, unit))
    for status in STATUSES:
        rows.append(
            _prevalence_row(f"status: {status}", "", statuses.get(status, 0), n_units, unit)
        )
    return rows


def _unit(sample: str, patient_of: Mapping[str, str] | None) -> tuple[str, str]:
    # Tagged, so that a patient id equal to another row's sample id is not merged with it.
    patient = patient_of.get(sample) if patient_of is not None else None
    return ("patient", patient) if patient else ("sample", sample)


def _unit_status(statuses: set[str]) -> str | None:
    return next((s for s in STATUSES if s in statuses), None)


def _prevalence_row(label: str, resistance: str, k: int, n: int, unit: str) -> list[str]:
    low, high = wilson_interval(k, n)
    percent = f"{100 * k / n:.1f}" if n else ""
    return [label, resistance, str(k), str(n), percent, _pct(low), _pct(high), unit]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def wilson_interval(
    k: int, n: int, z: float = 1.959963984540054
) -> tuple[float | None, float | None]:
    """95 % Wilson score interval for a proportion k/n."""
    if n == 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def progress_printer(stream: TextIO | None = None) -> Callable[[int, int, int], None]:
    """A progress bar on a terminal, plain log lines otherwise."""
    out: TextIO = stream or sys.stderr
    tty = hasattr(out, "isatty") and out.isatty()

    def report(done: int, total: int, failed: int) -> None:
        if tty:
            width = 30
            filled = width * done // max(total, 1)
            out.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({failed} failed)"
            )
            if done == total:
                out.write("\n")
            out.flush()
        elif done == total or done % max(1, total // 20) == 0:
            out.write(f"egfr-annot batch: {done}/{total} samples done ({failed} failed)\n")
            out.flush()

    return report


# ----------------------------------------------------------------------------------------------
# annotate and keep the results (issue #10: ``track`` needs the SampleResults, not only files)
# ----------------------------------------------------------------------------------------------
# A module-level callable (picklable by reference) run in the worker after a sample is annotated,
# with the entry, its results *before* renaming (VCF column names) and the worker's resources.
SampleInspector = Callable[[SheetEntry, Sequence[SampleResult], Resources, RunOptions], object]


@dataclass(frozen=True)
class AnnotatedSample:
    """One sheet entry after annotation: its results named after the sheet (``name_results``),
    what the inspector returned, or the error that stopped it."""

    index: int
    entry: SheetEntry
    results: tuple[SampleResult, ...]
    extra: object | None
    error: str | None


def annotate_samples(
    entries: Sequence[SheetEntry],
    options: BatchOptions,
    resources: Resources,
    *,
    inspect: SampleInspector | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> list[AnnotatedSample]:
    """Annotate every entry in the process pool, write its per-sample outputs to
    ``OUT/samples/<id>.*`` (as ``run_batch`` does, without ``--resume`` records) and return the
    results in entry order. Like ``run_batch``, one bad sample never stops the others: its error
    is returned, and its files of an earlier run are removed. ``options.resume`` is ignored (the
    results are needed, not only the files)."""
    samples_dir = options.out_dir / SAMPLES_SUBDIR
    samples_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(i, entry, options, inspect) for i, entry in enumerate(entries)]
    done: list[AnnotatedSample] = []
    failed = 0
    for item in _map_tasks(_annotate_task, tasks, options.workers, resources, _annotate_died):
        done.append(item)
        failed += item.error is not None
        if progress is not None:
            progress(len(done), len(entries), failed)
    done.sort(key=lambda a: a.index)
    for item in done:
        remove_stale_outputs(
            str(samples_dir / item.entry.sample), options.formats, failed=item.error is not None
        )
    return done


def _map_tasks(
    func: Callable[[TaskT], ResultT],
    tasks: Sequence[TaskT],
    workers: int,
    resources: Resources,
    died: Callable[[TaskT, str], ResultT],
) -> Iterator[ResultT]:
    """``func`` over ``tasks``, results in completion order: in this process for one worker,
    else in a process pool (resources inherited on fork, loaded once per worker on spawn; never
    once per sample). A worker that dies (a signal: the out-of-memory killer) breaks the pool:
    the tasks not started go on in a new pool, and each task that was in flight is re-run alone,
    so that only a task that kills its process every time is lost, as ``died(task, why)``."""
    if workers <= 1 or len(tasks) <= 1:
        _init_worker(resources, None)
        for task in tasks:
            yield func(task)
        return
    context, initargs = _worker_context(resources)
    todo = deque(tasks)
    while todo:
        suspects = yield from _run_pool(func, todo, workers, context, initargs)
        for task in suspects:
            yield _run_alone(func, task, context, initargs, died)


def _worker_context(resources: Resources) -> tuple[WorkerContext, WorkerInit]:
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        resources.preload()
        return multiprocessing.get_context("fork"), (resources, None)
    spawn = multiprocessing.get_context("spawn")  # pragma: no cover - platforms without fork
    return spawn, (None, str(resources.annotations_dir))  # pragma: no cover


def _run_pool(
    func: Callable[[TaskT], ResultT],
    todo: deque[TaskT],
    workers: int,
    context: WorkerContext,
    initargs: WorkerInit,
) -> Generator[ResultT, None, list[TaskT]]:
    """Run tasks from the front of ``todo`` in one pool until none is left or a worker dies;
    returns the tasks that were in flight when it died (none if it did not). Tasks are handed
    over in small chunks, two per worker in flight (one running, one queued): one task per
    submission cost ~1 ms each (1,000 panel files: 4.9 against 3.7 s), and a worker's death
    leaves only the tasks of the chunks in flight to re-run alone."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(MAX_CHUNK, len(todo) // (4 * workers)))
    in_flight: dict[Future[list[ResultT]], list[TaskT]] = {}
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=initargs
    ) as pool:
        try:
            while todo or in_flight:
                while todo and len(in_flight) < 2 * workers:
                    chunk = [todo.popleft() for _ in range(min(size, len(todo)))]
                    in_flight[pool.submit(_run_chunk, func, chunk)] = chunk
                for future in wait(in_flight, return_when=FIRST_COMPLETED).done:
                    results = future.result()
                    del in_flight[future]
                    yield from results
            return []
        except BrokenProcessPool:
            pass
    # Every future of a broken pool is done: with its results, or broken.
    suspects = []
    for future, chunk in in_flight.items():
        if isinstance(future.exception(), BrokenProcessPool):
            suspects.extend(chunk)
        else:
            yield from future.result()
    return suspects


# Tasks per submission to the pool (see _run_pool).
MAX_CHUNK = 16


def _run_chunk(func: Callable[[TaskT], ResultT], chunk: list[TaskT]) -> list[ResultT]:
    return [func(task) for task in chunk]


def _run_alone(
    func: Callable[[TaskT], ResultT],
    task: TaskT,
    context: WorkerContext,
    initargs: WorkerInit,
    died: Callable[[TaskT, str], ResultT],
) -> ResultT:
    """``func(task)`` in a fresh process of its own (no other sample shares its memory): the
    result, or ``died(task, why)`` if that process dies too."""
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_alone_main, args=(sender, func, task, initargs))
    process.start()
    sender.close()  # (else ``recv`` would wait for ever on a dead child: no end of file)
    with receiver:
        try:
            received: list[ResultT] = [receiver.recv()]
        except EOFError:  # it died before it could send its result
            received = []
    process.join()
    return received[0] if received else died(task, _death_message(process.exitcode))


def _alone_main(
    sender: Connection, func: Callable[[TaskT], ResultT], task: TaskT, initargs: WorkerInit
) -> None:
    _init_worker(*initargs)
    sender.send(func(task))
    sender.close()


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        name = (signal.strsignal(number) or "").lower()
        # SIGKILL is what the out-of-memory killer sends
        how = f"signal {number}: {name}" + (", out of memory?" if number == 9 else "")
    else:
        how = f"exit code {exitcode}"
    return f"the worker process annotating this sample died ({how})"


def _annotate_task(
    task: tuple[int, SheetEntry, BatchOptions, SampleInspector | None],
) -> AnnotatedSample:
    index, entry, options, inspect = task
    resources = _WORKER["resources"]
    assert isinstance(resources, Resources)
    prefix = str(options.out_dir / SAMPLES_SUBDIR / entry.sample)
    try:
        raw, results, run_options = _annotate_and_write(entry, options, resources, prefix)
        extra = inspect(entry, raw, resources, run_options) if inspect is not None else None
        return AnnotatedSample(index, entry, tuple(results), extra, None)
    except EgfrAnnotError as err:
        return AnnotatedSample(index, entry, (), None, str(err))
    except Exception as err:  # noqa: BLE001 - one bad sample never stops the others
        return AnnotatedSample(
            index, entry, (), None, f"internal error: {type(err).__name__}: {err}"
        )


def _annotate_died(
    task: tuple[int, SheetEntry, BatchOptions, SampleInspector | None], error: str
) -> AnnotatedSample:
    return AnnotatedSample(task[0], task[1], (), None, error)
