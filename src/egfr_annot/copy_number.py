"""Gene-level copy-number calls from segments: MET/ERBB2 amplification, PTEN deep deletion (#6).

Specification (the functions below follow it step by step).

1. **Observed copy number of a gene.** The segments overlapping the gene's MANE Select transcript
   (``tx_start..tx_end``, 1-based inclusive) are taken in the input's order of preference:
   segments, else CNVkit ``.cnr`` bins, else a gene-level table value (lower-priority sources are
   named in a note). A segment's copy number is its absolute copy number when the input gives
   one, else ``2 * 2**log2`` (ploidy 2; all panel genes are autosomal).

   * one segment: its copy number;
   * several segments: the mean weighted by the number of transcript bases each covers, with a
     note listing them, and a further note when one of them alone would be amplified or deeply
     deleted (an intragenic event the gene-level value dilutes);
   * bins: the weighted median of the bins' log2 ratios (CNVkit ``weight`` column, else equal
     weights), robust to single outlier bins, converted to a copy number;
   * gene table: the reported number.

   ``overlap_fraction`` is the fraction of the transcript's bases covered by the segments (or
   bins); the copy number is that of the covered part only, never filled in with 2.

2. **Purity adjustment.** Plasma copy number is diluted by normal cell-free DNA: with tumour
   fraction ``TF``, ``CN_obs = 2 + (CN_tumour - 2) * TF``, hence the reported estimate
   ``CN_tumour = 2 + (CN_obs - 2) / TF`` (negative values are reported as 0, with a note: the
   tumour fraction is then probably underestimated). Inputs that are already tumour-level
   (PCGR allele-specific nMajor + nMinor) are not adjusted.

3. **State** (rounded values, 3 decimals, so that what is printed is what was compared):

   * tumour-level value (purity-adjusted, or tumour-level input), ``CopyNumberThresholds``
     ``amplification``/``gain``/``loss``/``deep_deletion``: ``>= 5`` amplification,
     ``>= 2.5`` gain, ``< 0.5`` deep deletion, ``< 1.5`` loss, else neutral. When the observed
     value is within ``plasma_min_change`` of 2 the state is neutral whatever the adjustment
     (dividing noise by a small TF does not make it signal).
   * observed value with the tumour fraction unknown: ``>= plasma_amplification`` (2.5)
     amplification, ``>= 2 + plasma_min_change`` (2.2) gain, ``< deep_deletion`` (0.5) deep
     deletion, ``<= 2 - plasma_min_change`` (1.8) loss, else neutral.

4. **Filter.** Input filters are carried over. An amplification or gain from segments covering
   less than ``min_overlap_fraction`` (0.5) of the transcript gets ``partial_overlap``: a
   breakpoint inside the gene does not amplify the whole gene, so it is shown for review but not
   counted. Partial deep deletions stay unfiltered (an intragenic homozygous deletion inactivates
   a tumour suppressor such as PTEN), with a note.

Threshold rationale (the review gives no copy-number cut-off; these are defaults a lab should
replace with its assay's validated values, via ``--amp-threshold``/``--plasma-amp-threshold``):

* ``amplification = 5.0`` copies, tumour-level: PCGR's default for calling an amplification
  from absolute copy number (``n_copy_amplifications = 5`` in ``pcgr/cna.py``), i.e. 2.5 times
  the diploid baseline, high-level rather than a broad gain.
* ``gain = 2.5``, ``loss = 1.5``, ``deep_deletion = 0.5``: the midpoints between integer copy
  states (3+ copies, 1 copy, 0 copies) for continuous estimates.
* ``plasma_amplification = 2.5`` observed copies when the tumour fraction is unknown: a 25%
  increase in plasma, the order of the plasma copy-number cut-offs that ctDNA assays report; at a
  tumour fraction of 1/6 it corresponds to 5 tumour copies, at lower fractions to more.
* ``plasma_min_change = 0.2`` copies (log2 ~ +0.14/-0.15): the smallest plasma change taken as
  signal. CNVkit's default calling thresholds allow random noise of about +/-0.1 log2 around
  their single-copy levels; coverage noise in targeted ctDNA panels is of this order.
* ``min_tumour_fraction = 0.10``: below it a negative copy-number result is not informative. A
  tumour amplification to ``amplification`` copies reads in plasma as ``2 + 3 * TF`` copies: at
  TF 0.067 that is 2.2, the noise floor; 0.10 (2.3 copies) leaves a margin.
* ``min_overlap_fraction = 0.5``: as PCGR's default gene/segment overlap fraction.

Which states matter clinically is knowledge, not code: ``is_reportable`` only says a state is an
alteration in its own right (amplification, deep deletion); the knowledge base decides that MET
and ERBB2 amplification and PTEN deep deletion are resistance alterations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from egfr_annot.errors import UsageError
from egfr_annot.io.cnv_common import (
    CopyNumberInput,
    CopyNumberRecord,
    CopyNumberSegment,
    GeneCopyNumber,
)
from egfr_annot.records import CopyNumberCall, CopyNumberState

if TYPE_CHECKING:
    from egfr_annot.genome.models import TranscriptModel

REPORTABLE_STATES: frozenset[CopyNumberState] = frozenset({"amplification", "deep_deletion"})
PARTIAL_OVERLAP_FILTER = "partial_overlap"
DIGITS = 3


@dataclass(frozen=True, slots=True)
class CopyNumberThresholds:
    """Copy-number thresholds; defaults and their rationale in the module docstring.

    Tumour-level (purity-adjusted or tumour-level input): ``amplification`` (>=), ``gain`` (>=),
    ``loss`` (<), ``deep_deletion`` (<). Observed plasma values with an unknown tumour fraction:
    ``plasma_amplification`` (>=), ``2 +/- plasma_min_change`` for gain/loss,
    ``deep_deletion`` (<). ``min_tumour_fraction``: below it a negative result is not
    informative. ``min_overlap_fraction``: an amplification/gain covering less of the transcript
    is filtered ``partial_overlap``.
    """

    amplification: float = 5.0
    gain: float = 2.5
    loss: float = 1.5
    deep_deletion: float = 0.5
    plasma_amplification: float = 2.5
    plasma_min_change: float = 0.2
    min_tumour_fraction: float = 0.10
    min_overlap_fraction: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.deep_deletion < self.loss < 2 < self.gain <= self.amplification:
            raise UsageError(
                "copy-number thresholds must satisfy 0 <= deep_deletion < loss < 2 < gain <= "
                f"amplification (got deep_deletion={self.deep_deletion:g}, loss={self.loss:g}, "
                f"gain={self.gain:g}, amplification={self.amplification:g})"
            )
        if not self.plasma_amplification > 2:
            raise UsageError(
                f"--plasma-amp-threshold must be above 2 copies, got {self.plasma_amplification:g}"
            )
        if not 0 <= self.plasma_min_change < 2 - self.deep_deletion:
            raise UsageError(f"plasma_min_change {self.plasma_min_change:g} is out of range")
        if not 0 < self.min_tumour_fraction <= 1:
            raise UsageError(
                f"min_tumour_fraction must be in (0, 1], got {self.min_tumour_fraction:g}"
            )
        if not 0 <= self.min_overlap_fraction <= 1:
            raise UsageError(
                f"min_overlap_fraction must be in [0, 1], got {self.min_overlap_fraction:g}"
            )

    def items(self) -> tuple[tuple[str, str], ...]:
        """(name, value) pairs for the run's recorded thresholds."""
        return (
            ("cn_amplification", f"{self.amplification:g}"),
            ("cn_gain", f"{self.gain:g}"),
            ("cn_loss", f"{self.loss:g}"),
            ("cn_deep_deletion", f"{self.deep_deletion:g}"),
            ("cn_plasma_amplification", f"{self.plasma_amplification:g}"),
            ("cn_plasma_min_change", f"{self.plasma_min_change:g}"),
            ("cn_min_tumour_fraction", f"{self.min_tumour_fraction:g}"),
            ("cn_min_overlap_fraction", f"{self.min_overlap_fraction:g}"),
        )


@dataclass(frozen=True, slots=True)
class Classification:
    """The state of one copy-number value, the purity-adjusted value, and why."""

    state: CopyNumberState
    adjusted: float | None
    reason: str


def _check_tumour_fraction(tumour_fraction: float | None) -> None:
    if tumour_fraction is not None and not 0 < tumour_fraction <= 1:
        raise UsageError(f"tumour fraction must be in (0, 1], got {tumour_fraction:g}")


def _tumour_state(value: float, t: CopyNumberThresholds) -> CopyNumberState:
    if value >= t.amplification:
        return "amplification"
    if value >= t.gain:
        return "gain"
    if value < t.deep_deletion:
        return "deep_deletion"
    if value < t.loss:
        return "loss"
    return "neutral"


def _plasma_state(value: float, t: CopyNumberThresholds) -> CopyNumberState:
    if value >= t.plasma_amplification:
        return "amplification"
    if value >= 2 + t.plasma_min_change:
        return "gain"
    if value < t.deep_deletion:
        return "deep_deletion"
    if value <= 2 - t.plasma_min_change:
        return "loss"
    return "neutral"


def classify(
    copy_number: float,
    *,
    tumour_fraction: float | None,
    tumour_level: bool = False,
    thresholds: CopyNumberThresholds | None = None,
) -> Classification:
    """State of an observed (or tumour-level) copy number; see the module docstring, step 3."""
    t = thresholds or CopyNumberThresholds()
    _check_tumour_fraction(tumour_fraction)
    value = round(copy_number, DIGITS)
    tumour_scale = (
        f"tumour thresholds: amplification >= {t.amplification:g}, gain >= {t.gain:g}, "
        f"loss < {t.loss:g}, deep deletion < {t.deep_deletion:g}"
    )
    if tumour_level:
        state = _tumour_state(value, t)
        return Classification(
            state,
            value,
            f"state {state}: tumour-level copy number {value:g} (allele-specific caller, not "
            f"adjusted for purity); {tumour_scale}",
        )
    if tumour_fraction is None:
        state = _plasma_state(value, t)
        return Classification(
            state,
            None,
            f"state {state}: observed plasma copy number {value:g}, tumour fraction unknown; "
            f"plasma thresholds: amplification >= {t.plasma_amplification:g}, gain >= "
            f"{2 + t.plasma_min_change:g}, loss <= {2 - t.plasma_min_change:g}, deep deletion < "
            f"{t.deep_deletion:g}",
        )
    raw = 2 + (value - 2) / tumour_fraction
    adjusted = round(max(0.0, raw), DIGITS)
    formula = f"2 + ({value:g} - 2) / {tumour_fraction:g}"
    if 2 - t.plasma_min_change < value < 2 + t.plasma_min_change:
        return Classification(
            "neutral",
            adjusted,
            f"state neutral: observed copy number {value:g} is within {t.plasma_min_change:g} "
            f"of 2 (plasma noise), so the purity-adjusted {adjusted:g} ({formula}) is not used",
        )
    state = _tumour_state(adjusted, t)
    clipped = (
        f" = {raw:.2f}, below 0: reported as 0 (the tumour fraction may be underestimated)"
        if raw < 0
        else ""
    )
    reason = (
        f"state {state}: purity-adjusted copy number {adjusted:g} from {formula}{clipped} "
        f"(observed {value:g}, tumour fraction {tumour_fraction:g}); {tumour_scale}"
    )
    return Classification(state, adjusted, reason)


def weighted_median(pairs: Sequence[tuple[float, float]]) -> float:
    """Weighted median of (value, weight) pairs; at an exact half, the mean of the two middle
    values. Zero weights count only if all weights are zero."""
    items = sorted(p for p in pairs if p[1] > 0) or sorted((v, 1.0) for v, _ in pairs)
    if not items:
        raise ValueError("weighted median of nothing")
    half = sum(w for _, w in items) / 2
    cumulative = 0.0
    for i, (value, weight) in enumerate(items):
        cumulative += weight
        if math.isclose(cumulative, half, rel_tol=1e-12):
            return (value + items[i + 1][0]) / 2 if i + 1 < len(items) else value
        if cumulative > half:
            return value
    return items[-1][0]


def _covered_length(intervals: Iterable[tuple[int, int]]) -> int:
    total, reach = 0, 0
    for start, end in sorted(intervals):
        start = max(start, reach + 1)
        if end >= start:
            total += end - start + 1
            reach = end
    return total


def _filters(records: Iterable[CopyNumberSegment | GeneCopyNumber]) -> list[str]:
    found: list[str] = []
    for r in records:
        for f in r.filter.split(";"):
            if f not in ("PASS", ".", "") and f not in found:
                found.append(f)
    return found


def _unique(values: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True, slots=True)
class _Measurement:
    """The observed copy number of one gene and where it came from."""

    observed: float
    tumour_level: bool
    overlap_fraction: float
    start: int
    end: int
    source: str
    input_path: str
    line: int | None
    filters: tuple[str, ...]
    partial_filterable: bool  # segment-derived: partial amplification/gain is filtered
    notes: tuple[str, ...]
    parts: tuple[tuple[float, float], ...] = ()  # (copy number, transcript fraction) per segment


def _measure_segments(model: TranscriptModel, segs: list[CopyNumberSegment]) -> _Measurement:
    lo, hi = model.tx_start, model.tx_end
    tx_len = hi - lo + 1
    parts = sorted(
        ((s, min(s.end, hi) - max(s.start, lo) + 1) for s in segs), key=lambda p: p[0].start
    )
    total = sum(bp for _, bp in parts)
    observed = sum(s.value * bp for s, bp in parts) / total
    covered = _covered_length((max(s.start, lo), min(s.end, hi)) for s, _ in parts)
    notes: list[str] = []
    if len(parts) > 1:
        listing = "; ".join(
            f"{s.contig or s.chrom}:{s.start}-{s.end} CN {s.value:.2f} over {bp / tx_len:.0%}"
            f" (line {s.line})"
            for s, bp in parts
        )
        notes.append(
            f"{len(parts)} segments over {model.gene}: {listing}; length-weighted copy number "
            f"{observed:.2f}"
        )
    if total > covered:
        notes.append("overlapping segments: bases covered twice are counted twice in the mean")
    if covered < tx_len:
        notes.append(
            f"the segments cover {covered / tx_len:.0%} of {model.gene} {model.refseq} "
            f"({model.chrom}:{lo}-{hi}); the copy number is that of the covered part"
        )
    calls = [s.caller_call for s, _ in parts if s.caller_call]
    if calls:
        notes.append(f"caller's call: {', '.join(dict.fromkeys(calls))}")
    if any(s.source.startswith("CNVkit") and s.copy_number is not None for s, _ in parts):
        notes.append(
            "CNVkit cn is already purity-rescaled if `cnvkit call --purity` was used: then do "
            "not also give a tumour fraction"
        )
    levels = {s.tumour_level for s, _ in parts}
    if len(levels) > 1:
        notes.append("segments mix tumour-level and observed copy numbers: read as observed")
    first = parts[0][0]
    return _Measurement(
        observed=observed,
        tumour_level=levels == {True},
        overlap_fraction=covered / tx_len,
        start=min(s.start for s, _ in parts),
        end=max(s.end for s, _ in parts),
        source=_unique(s.source for s, _ in parts),
        input_path=_unique(s.path for s, _ in parts),
        line=first.line,
        filters=tuple(_filters(s for s, _ in parts)),
        partial_filterable=True,
        notes=tuple(notes),
        parts=tuple((s.value, bp / tx_len) for s, bp in parts) if len(parts) > 1 else (),
    )


def _bin_log2(s: CopyNumberSegment) -> float:
    if s.copy_number is None:
        assert s.log2 is not None
        return s.log2
    return math.log2(s.copy_number / 2) if s.copy_number > 0 else -math.inf


def _measure_bins(model: TranscriptModel, bins: list[CopyNumberSegment]) -> _Measurement:
    lo, hi = model.tx_start, model.tx_end
    tx_len = hi - lo + 1
    pairs = [(_bin_log2(b), b.weight if b.weight is not None else 1.0) for b in bins]
    median = weighted_median(pairs)
    observed = 2.0 * 2.0**median
    covered = _covered_length((max(b.start, lo), min(b.end, hi)) for b in bins)
    notes = [
        f"{len(bins)} bins over {model.gene} ({covered} bp, {covered / tx_len:.1%} of the "
        f"transcript): weighted median log2 {median:.3f}"
    ]
    if all(w <= 0 for _, w in pairs):
        notes.append("all bins have weight 0: equal weights used")
    ordered = sorted(bins, key=lambda b: b.start)
    return _Measurement(
        observed=observed,
        tumour_level=False,
        overlap_fraction=covered / tx_len,
        start=ordered[0].start,
        end=max(b.end for b in bins),
        source=_unique(b.source for b in ordered),
        input_path=_unique(b.path for b in ordered),
        line=ordered[0].line,
        filters=tuple(_filters(ordered)),
        partial_filterable=False,
        notes=tuple(notes),
    )


def _measure_gene_level(model: TranscriptModel, rows: list[GeneCopyNumber]) -> _Measurement:
    row = rows[0]
    notes = ["gene-level copy number from a report table (no segment coordinates)"]
    if row.reported_call:
        notes.append(f"the report's own call: {row.reported_call}")
    for other in rows[1:]:
        notes.append(
            f"also given: copy number {other.copy_number:g} ({other.path}:{other.line}); the "
            f"first value ({row.path}:{row.line}) is used"
        )
    return _Measurement(
        observed=row.copy_number,
        tumour_level=row.tumour_level,
        overlap_fraction=1.0,
        start=model.tx_start,
        end=model.tx_end,
        source=row.source,
        input_path=row.path,
        line=row.line,
        filters=tuple(_filters([row])),
        partial_filterable=False,
        notes=tuple(notes),
    )


def _describe(records: Sequence[CopyNumberRecord]) -> str:
    first = records[0]
    if isinstance(first, GeneCopyNumber):
        return f"gene-level copy number {first.copy_number:g} ({first.path}:{first.line})"
    return f"{len(records)} {first.kind}(s) from {first.path}"


def call_genes(
    segments: Iterable[CopyNumberRecord],
    models: Mapping[str, TranscriptModel],
    *,
    tumour_fraction: float | None,
    thresholds: CopyNumberThresholds | None = None,
    sample: str,
    genes: Collection[str] | None = None,
) -> tuple[CopyNumberCall, ...]:
    """One copy-number call per panel gene that the input covers, in panel (model) order.

    Parameters
    ----------
    segments
        Records of ONE sample (plus records of files that name no sample): segments, bins or
        gene-level values, e.g. ``CopyNumberInput.for_sample(sample)``.
    models
        Gene -> MANE Select transcript model of the run's build
        (``egfr_annot.genome.transcripts.load_transcript_models(build)``).
    tumour_fraction
        Known or estimated tumour fraction in (0, 1], or None: the purity-adjusted copy number
        and the tumour-level thresholds are used only when it is given.
    thresholds
        Default ``CopyNumberThresholds()``.
    sample
        The sample name written into the calls.
    genes
        Restrict to these genes (default: every gene in ``models``).

    Returns
    -------
    tuple[CopyNumberCall, ...]
        Genes without any overlapping record get no call.

    Raises
    ------
    UsageError
        Records of more than one named sample were given, or a tumour fraction outside (0, 1].
    """
    t = thresholds or CopyNumberThresholds()
    _check_tumour_fraction(tumour_fraction)
    records = list(segments)
    named = sorted({r.sample for r in records if r.sample})
    if len(named) > 1:
        raise UsageError(
            f"copy-number records of several samples ({', '.join(named)}) for sample "
            f"{sample!r}: the copy-number input must hold that sample or a single sample"
        )
    by_chrom: dict[str, list[CopyNumberSegment]] = {}
    by_gene: dict[str, list[GeneCopyNumber]] = {}
    for r in records:
        if isinstance(r, GeneCopyNumber):
            by_gene.setdefault(r.gene, []).append(r)
        else:
            by_chrom.setdefault(r.chrom, []).append(r)
    calls: list[CopyNumberCall] = []
    for gene, model in models.items():
        if genes is not None and gene not in genes:
            continue
        near = [
            s
            for s in by_chrom.get(model.chrom, ())
            if s.start <= model.tx_end and s.end >= model.tx_start
        ]
        segs = [s for s in near if s.kind == "segment"]
        bins = [s for s in near if s.kind == "bin"]
        rows = by_gene.get(gene, [])
        sources: list[Sequence[CopyNumberRecord]] = [x for x in (segs, bins, rows) if x]
        if not sources:
            continue
        if segs:
            measured = _measure_segments(model, segs)
        elif bins:
            measured = _measure_bins(model, bins)
        else:
            measured = _measure_gene_level(model, rows)
        calls.append(_make_call(sample, model, measured, sources[1:], tumour_fraction, t))
    return tuple(calls)


def _make_call(
    sample: str,
    model: TranscriptModel,
    m: _Measurement,
    others: Sequence[Sequence[CopyNumberRecord]],
    tumour_fraction: float | None,
    t: CopyNumberThresholds,
) -> CopyNumberCall:
    verdict = classify(
        m.observed, tumour_fraction=tumour_fraction, tumour_level=m.tumour_level, thresholds=t
    )
    notes = [verdict.reason, *m.notes]
    for value, fraction in m.parts:
        part = classify(
            value, tumour_fraction=tumour_fraction, tumour_level=m.tumour_level, thresholds=t
        )
        if part.state in REPORTABLE_STATES and part.state != verdict.state:
            notes.append(
                f"part of {model.gene} ({fraction:.0%} of the transcript, copy number "
                f"{value:.2f}) alone would be {part.state.replace('_', ' ')}: review the segments"
            )
    for other in others:
        notes.append(f"also given for {model.gene}, not used: {_describe(other)}")
    filters = list(m.filters)
    overlap = round(m.overlap_fraction, 4)
    if m.partial_filterable and m.overlap_fraction < 1 and verdict.state == "deep_deletion":
        notes.append(
            f"the deletion covers {m.overlap_fraction:.0%} of {model.gene}: an intragenic "
            "deletion still disrupts the gene"
        )
    if (
        m.partial_filterable
        and verdict.state in ("amplification", "gain")
        and m.overlap_fraction < t.min_overlap_fraction
    ):
        filters.append(PARTIAL_OVERLAP_FILTER)
        notes.append(
            f"filtered {PARTIAL_OVERLAP_FILTER}: the {verdict.state} covers "
            f"{m.overlap_fraction:.0%} of {model.gene} (< {t.min_overlap_fraction:.0%}); a "
            "breakpoint inside the gene: review before acting"
        )
    return CopyNumberCall(
        sample=sample,
        gene=model.gene,
        chrom=model.chrom,
        start=m.start,
        end=m.end,
        copy_number=round(m.observed, DIGITS),
        copy_number_adjusted=verdict.adjusted,
        state=verdict.state,
        overlap_fraction=overlap,
        source=m.source,
        input_path=m.input_path,
        line=m.line,
        filter=";".join(filters) if filters else "PASS",
        notes=tuple(notes),
    )


def is_reportable(call: CopyNumberCall) -> bool:
    """True when the state is an alteration in its own right (amplification, deep deletion).

    Whether it matters for anti-EGFR resistance (MET/ERBB2 amplification, PTEN deep deletion) is
    decided by the knowledge base's rules, not here. The FILTER is not considered (a filtered
    call is still shown, as for variants).
    """
    return call.state in REPORTABLE_STATES


def copy_number_informative(
    tumour_fraction: float | None, thresholds: CopyNumberThresholds | None = None
) -> tuple[bool, str]:
    """Whether a copy-number result WITHOUT amplification means anything at this tumour fraction.

    Returns (informative, text); the text says why, in one line, for the summary.
    """
    t = thresholds or CopyNumberThresholds()
    _check_tumour_fraction(tumour_fraction)
    if tumour_fraction is None:
        return (
            False,
            "tumour fraction unknown: plasma copy number is diluted by an unknown amount, so "
            "the absence of an amplification does not exclude one",
        )
    seen_as = 2 + (t.amplification - 2) * tumour_fraction
    if tumour_fraction < t.min_tumour_fraction:
        return (
            False,
            f"tumour fraction {tumour_fraction:g} < {t.min_tumour_fraction:g}: a tumour "
            f"amplification to {t.amplification:g} copies would read as {seen_as:.2f} copies in "
            "plasma, too close to 2 to exclude an amplification",
        )
    return (
        True,
        f"tumour fraction {tumour_fraction:g} >= {t.min_tumour_fraction:g}: a tumour "
        f"amplification to {t.amplification:g} copies would read as {seen_as:.2f} copies in "
        "plasma",
    )


@dataclass(frozen=True, slots=True)
class SampleCopyNumber:
    """One sample's copy-number result: the calls that become rows (iterating gives them), the
    genes with a copy-number rule (``assessed``, panel order) and those of them the inputs had
    data for (``covered``): a negative result means something only for covered genes."""

    calls: tuple[CopyNumberCall, ...] = ()
    assessed: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the inputs' paths, named in the status
    notes: tuple[str, ...] = ()  # for the sample's warnings

    def __iter__(self) -> Iterator[CopyNumberCall]:
        return iter(self.calls)

    @property
    def not_covered(self) -> tuple[str, ...]:
        return tuple(g for g in self.assessed if g not in self.covered)


def assess_sample(
    sample: str,
    inputs: Sequence[CopyNumberInput],
    models: Mapping[str, TranscriptModel],
    *,
    assessed: Sequence[str],
    tumour_fraction: float | None,
    thresholds: CopyNumberThresholds | None = None,
    aliases: Sequence[str] = (),
    all_calls: bool = False,
) -> SampleCopyNumber:
    """The copy-number calls of one sample of the run from every input.

    ``sample`` is the VCF's tumour sample and ``aliases`` its other names (the output id): see
    :meth:`CopyNumberInput.attributed_to`, which raises ``InputError`` for a file of several
    other samples. ``assessed``: the genes with copy-number rules (from the knowledge base).
    Rows are the reportable calls (every call with ``all_calls``); coverage counts every call,
    neutral ones too.
    """
    calls: list[CopyNumberCall] = []
    notes: list[str] = []
    for cn_input in inputs:
        records, note = cn_input.attributed_to(sample, aliases)
        if note:
            notes.append(note)
        calls.extend(
            call_genes(
                (replace(r, sample="") for r in records),  # attributed to this sample now
                models,
                tumour_fraction=tumour_fraction,
                thresholds=thresholds,
                sample=sample,
            )
        )
        notes.extend(cn_input.notes)
    have = {c.gene for c in calls}
    return SampleCopyNumber(
        calls=tuple(c for c in calls if all_calls or is_reportable(c)),
        assessed=tuple(assessed),
        covered=tuple(g for g in assessed if g in have),
        sources=tuple(dict.fromkeys(i.path for i in inputs)),
        notes=tuple(notes),
    )


def _them(genes: Sequence[str]) -> str:
    return "it" if len(genes) == 1 else "them"


def copy_number_status(
    result: SampleCopyNumber,
    tumour_fraction: float | None,
    thresholds: CopyNumberThresholds | None = None,
) -> str:
    """The summary's ``copy_number_status`` of one sample with copy-number input.

    Genes with a copy-number rule that no input covered are named as not assessed, first: a
    reader of the start of the text (``track``) then never takes their absence for a negative.
    For covered genes: ``informative (amplification detected)``, else ``informative: ...`` or
    ``non_informative: ...`` as :func:`copy_number_informative` decides.
    """
    missing = result.not_covered
    where = ", ".join(result.sources)
    if missing and not result.covered:
        return (
            f"not assessed for {', '.join(missing)}: no copy-number data for {_them(missing)} "
            f"in {where}"
        )
    if any(c.state == "amplification" and c.filter == "PASS" for c in result.calls):
        covered = "informative (amplification detected)"
    else:
        informative, text = copy_number_informative(tumour_fraction, thresholds)
        covered = f"{'informative' if informative else 'non_informative'}: {text}"
    if not missing:
        return covered
    return (
        f"not assessed for {', '.join(missing)} (no copy-number data for {_them(missing)} in "
        f"{where}); {', '.join(result.covered)} {covered}"
    )


_NOT_ASSESSED_FOR = "not assessed for "
_COVERED_PART = re.compile(r"((?:[A-Za-z0-9_.-]+, )*[A-Za-z0-9_.-]+) ((?:non_)?informative.*)")


def gene_copy_number_status(status: str, gene: str) -> str:
    """What a sample's ``copy_number_status`` (:func:`copy_number_status`) says of one gene:
    ``not assessed for GENE (...)`` when the gene is named as not assessed, the covered genes'
    status when it is one of them, else the text unchanged (statuses without a gene list).

    A reader of one alteration (``track``) must use this, not the start of the whole text: a
    sample whose input covers MET only starts with ``not assessed for ERBB2, PTEN``.
    """
    if not status.startswith(_NOT_ASSESSED_FOR):
        return status
    listed, sep, _ = status[len(_NOT_ASSESSED_FOR) :].partition(" (")
    if not sep:  # nothing covered: "not assessed for A, B: no copy-number data ..."
        return status
    head, _, covered_part = status.rpartition("); ")  # covered texts hold no "); "
    if gene in listed.split(", "):
        where = head[len(_NOT_ASSESSED_FOR) + len(listed) + 2 :]
        return f"{_NOT_ASSESSED_FOR}{gene} ({where.replace('for them', 'for it', 1)})"
    match = _COVERED_PART.fullmatch(covered_part)
    if match and gene in match.group(1).split(", "):
        return match.group(2)
    return status
