"""What a timepoint's VCF says beyond its findings: every call in the panel regions (tumour
markers such as TP53 have no finding; filtered and below-threshold calls still tell that the
position was sequenced), the gVCF reference blocks with their depth, and the measured copy
number of every gene the sample's copy-number inputs cover (:mod:`~egfr_annot.track.cn_levels`:
the result keeps only amplifications and deep deletions) (issue #10).

``observe_sample`` runs in the batch worker right after the sample was annotated
(``egfr_annot.batch.annotate_samples(..., inspect=observe_sample)``): it reads the VCF a second
time, restricted to the panel regions (indexed files: only those regions are read). The pipeline
does not keep these records, and the reader is the only place that understands every dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from egfr_annot.errors import InputError
from egfr_annot.records import Build, SampleResult
from egfr_annot.track.cn_levels import GeneLevel, measured_levels

if TYPE_CHECKING:
    from egfr_annot.pipeline import Resources, RunOptions
    from egfr_annot.samplesheet import SheetEntry


@dataclass(frozen=True, slots=True)
class ObservedCall:
    """One ALT allele the VCF has for the tracked sample, normalised (``key`` = ``Allele.key``)."""

    key: str
    gene: str  # panel-region label at the position ("" when none)
    chrom: str  # canonical contig
    pos: int  # normalised position
    vcf_pos: int  # the record's own POS (its depth is the depth there)
    filter: str
    vaf: float | None
    alt_reads: int | None
    depth: int | None
    passes_thresholds: bool  # --min-vaf / --min-alt-reads

    @property
    def passed_filter(self) -> bool:
        return self.filter in ("PASS", ".")


@dataclass(frozen=True, slots=True)
class DepthBlock:
    """A gVCF reference block: no variant over ``start..end`` (1-based inclusive), with depth."""

    chrom: str
    start: int
    end: int
    depth: int | None
    source: str  # "gVCF reference block (MIN_DP)" / "gVCF reference block (DP)"


@dataclass(frozen=True, slots=True)
class SampleObservations:
    vcf_sample: str  # the VCF column the sheet row refers to
    paired: bool  # the VCF has a normal sample
    build: Build
    calls: tuple[ObservedCall, ...]
    blocks: tuple[DepthBlock, ...]
    copy_numbers: tuple[GeneLevel, ...] = ()  # every gene with copy-number data

    def copy_number_of(self, gene: str) -> GeneLevel | None:
        return next((c for c in self.copy_numbers if c.gene == gene), None)


def pick_result(entry: SheetEntry, results: Sequence[SampleResult]) -> SampleResult:
    """The one tumour sample a sheet row means: the VCF column named like the row's sample, else
    the only tumour sample. Several unnamed tumour samples are ambiguous for a time series."""
    for result in results:
        if result.sample == entry.sample:
            return result
    if len(results) == 1:
        return results[0]
    if not results:
        raise InputError(entry.vcf, None, "no tumour sample in the VCF: nothing to track")
    names = ", ".join(r.sample for r in results)
    raise InputError(
        entry.vcf,
        None,
        f"{len(results)} tumour samples ({names}) and none is named {entry.sample!r}: name the "
        "VCF column in the sample sheet's sample column",
    )


def observe_sample(
    entry: SheetEntry,
    results: Sequence[SampleResult],
    resources: Resources,
    options: RunOptions,
) -> SampleObservations:
    """Calls, reference blocks and gene copy numbers of the sheet row's VCF column (a batch
    ``SampleInspector``)."""
    from egfr_annot.io.contigs import canonical_contig
    from egfr_annot.io.vcf import open_variants

    result = pick_result(entry, results)
    build = result.provenance.build
    annotator = resources.annotator(build)
    regions = resources.regions(build)
    calls: list[ObservedCall] = []
    with open_variants(
        entry.vcf,
        regions=regions,
        normal=options.normal,
        use_index=options.use_index,
    ) as source:
        paired = bool(source.header.normal_samples)
        for call in source.calls():
            if call.sample != result.sample:
                continue
            allele = annotator.normalise(call.chrom, call.pos, call.ref, call.alt)
            labels = regions.labels_at(call.chrom, call.pos)
            calls.append(
                ObservedCall(
                    key=allele.key,
                    gene=labels[0] if labels else "",
                    chrom=allele.chrom,
                    pos=allele.pos,
                    vcf_pos=call.pos,
                    filter=call.filter,
                    vaf=call.vaf,
                    alt_reads=call.alt_reads,
                    depth=call.depth,
                    passes_thresholds=options.passes_thresholds(call),
                )
            )
        blocks: list[DepthBlock] = []
        for block in source.reference_blocks():
            chrom = canonical_contig(block.chrom)
            if chrom is None:
                continue
            min_dp = block.min_depth.get(result.sample)
            dp = block.depth.get(result.sample)
            # MIN_DP is the lowest depth anywhere in the block: the safe value for one position.
            if min_dp is not None:
                blocks.append(DepthBlock(chrom, block.pos, block.end, min_dp,
                                         "gVCF reference block (MIN_DP)"))
            else:
                blocks.append(DepthBlock(chrom, block.pos, block.end, dp,
                                         "gVCF reference block (DP)"))
        symbolic = source.symbolic_records()
    levels = measured_levels(entry.vcf, symbolic, result, resources, options)
    return SampleObservations(result.sample, paired, build, tuple(calls), tuple(blocks), levels)


