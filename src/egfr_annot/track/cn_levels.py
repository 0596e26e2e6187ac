"""The measured copy number of every gene at every timepoint, with its calling thresholds
(issue #10: "copy number at each timepoint").

A sample's result keeps only the reportable copy-number calls (amplification, deep deletion):
a MET value of 2.4 under an amplification threshold of 2.42 leaves no finding, and the
trajectory would read "not detected" with no value. So, as :mod:`~egfr_annot.track.observe`
re-reads the VCF for its calls, the sample's copy-number inputs (the VCF's symbolic records and
the sheet's ``cnv`` file) are read again here in the batch worker, with the run's own reader
(``pipeline.copy_number_inputs``) and classifier (``copy_number.assess_sample``, every call).

Thresholds are given on the scale of the measured value (observed plasma copies, or the input's
tumour-level copies), so that the value and its limit are compared as printed:

* tumour-level input (allele-specific callers): ``amplification`` (5) / ``deep_deletion`` (0.5);
* tumour fraction unknown: ``plasma_amplification`` (2.5) / ``deep_deletion``;
* tumour fraction TF known: the observed value whose purity-adjusted value
  ``2 + (CN - 2) / TF`` reaches the tumour threshold, ``2 + (amplification - 2) * TF`` (2.42 at
  TF 0.14), and never nearer 2 than ``plasma_min_change`` (plasma noise is never a call);
  deep deletion ``2 - (2 - deep_deletion) * TF``, at most ``2 - plasma_min_change``.

Clearance margin (``CLEARANCE_MARGIN``, 10 %): a value under the amplification threshold by
less than 10 % of it (2.18-2.42 for a threshold of 2.42), or over the deep-deletion threshold
by less than 10 %, is reported as "below the amplification threshold" (``above the deep-deletion
threshold``) and does not count as an informative absence: a clone is never called cleared
from a value that copy-number noise (about +/-0.1 log2, some 7 %) could move across the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from egfr_annot.copy_number import CopyNumberThresholds, classify
from egfr_annot.records import Build, CopyNumberCall, CopyNumberState, SampleResult

if TYPE_CHECKING:
    from egfr_annot.io.vcf_records import SymbolicRecord
    from egfr_annot.pipeline import Resources, RunOptions

CLEARANCE_MARGIN: Final = 0.10


@dataclass(frozen=True, slots=True)
class GeneLevel:
    """One gene's measured copy number in one sample and the thresholds on its scale."""

    gene: str
    copy_number: float  # as measured: observed plasma copies, or tumour-level input
    state: CopyNumberState
    amplification_at: float  # amplification from this value up
    deep_deletion_below: float  # deep deletion below this value

    def threshold_text(self, state: str) -> str:
        """The limit for the state followed, e.g. "below the amplification threshold (2.42)"."""
        if state == "deep_deletion":
            return f"above the deep-deletion threshold ({self.deep_deletion_below:.2f})"
        return f"below the amplification threshold ({self.amplification_at:.2f})"

    def near_threshold(self, state: str) -> bool:
        """Within ``CLEARANCE_MARGIN`` of the threshold of ``state`` (on the absent side)."""
        if state == "deep_deletion":
            return self.copy_number <= self.deep_deletion_below * (1 + CLEARANCE_MARGIN)
        return self.copy_number >= self.amplification_at * (1 - CLEARANCE_MARGIN)


def gene_level(
    call: CopyNumberCall, tumour_fraction: float | None, thresholds: CopyNumberThresholds
) -> GeneLevel:
    t = thresholds
    # The call's first note is its classification reason: the tumour-level reading reproduces
    # it exactly only for tumour-level input (its adjusted value alone is ambiguous at CN 2).
    tumour_level = classify(
        call.copy_number, tumour_fraction=tumour_fraction, tumour_level=True, thresholds=t
    ).reason in call.notes[:1]
    if tumour_level:
        amp, deletion = t.amplification, t.deep_deletion
    elif tumour_fraction is None:
        amp, deletion = t.plasma_amplification, t.deep_deletion
    else:
        amp = max(2 + (t.amplification - 2) * tumour_fraction, 2 + t.plasma_min_change)
        deletion = min(2 - (2 - t.deep_deletion) * tumour_fraction, 2 - t.plasma_min_change)
    return GeneLevel(call.gene, call.copy_number, call.state, amp, deletion)


def measured_levels(
    path: str,
    symbolic: Sequence[SymbolicRecord],
    result: SampleResult,
    resources: Resources,
    options: RunOptions,
) -> tuple[GeneLevel, ...]:
    """Every gene the sample's copy-number inputs cover, neutral and gained ones too, classified
    as the run classified them (same inputs, tumour fraction, thresholds and sample names)."""
    from egfr_annot.copy_number import assess_sample

    # The run's own reading of the inputs (one definition of which inputs a sample has).
    from egfr_annot.pipeline import copy_number_inputs

    build: Build = result.provenance.build
    inputs, _skipped = copy_number_inputs(path, symbolic, options, resources, build)
    if not inputs:
        return ()
    tumour_fraction = result.tumour_fraction.value
    thresholds = options.copy_number or CopyNumberThresholds()
    assessed = assess_sample(
        result.sample,
        inputs,
        resources.models(build),
        assessed=(),
        tumour_fraction=tumour_fraction,
        thresholds=thresholds,
        aliases=(options.sample_id,) if options.sample_id else (),
        all_calls=True,
    )
    return tuple(gene_level(c, tumour_fraction, thresholds) for c in assessed.calls)
