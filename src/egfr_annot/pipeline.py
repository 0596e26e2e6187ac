"""The run pipeline: read -> normalise -> annotate -> match -> verdict, for one input file.

``Resources`` holds what is loaded once per process and shared read-only (knowledge base,
transcript models, annotators, region sets). ``annotate_input`` returns one ``SampleResult`` per
tumour sample and writes nothing: writing is the report stage's job.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from egfr_annot import __version__
from egfr_annot.checksum import sha256_of, start_sha256, start_sha256_before_loading
from egfr_annot.duplicate_records import note_duplicate_records
from egfr_annot.errors import BuildMismatchError, UsageError
from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.records import (
    BUILDS,
    Allele,
    Build,
    BuildChoice,
    Call,
    Consequence,
    CopyNumberCall,
    Finding,
    Provenance,
    ReadCounts,
    RuleMatch,
    SampleResult,
)
from egfr_annot.resources import annotations_dir, kb_version
from egfr_annot.verdict import (
    EvidenceCall,
    TumourEvidenceThresholds,
    consequence_label,
    decide_status,
    distinct_uncertain,
    estimate_tumour_fraction,
    excluded_evidence,
    finding_label,
)

if TYPE_CHECKING:
    from egfr_annot.copy_number import CopyNumberThresholds
    from egfr_annot.genome.annotator import Annotator
    from egfr_annot.genome.models import TranscriptModel
    from egfr_annot.genome.same_codon import SameCodonReport
    from egfr_annot.io.cnv import CopyNumberInput
    from egfr_annot.io.regions import Interval, RegionSet
    from egfr_annot.io.scan_child import ScanProcess
    from egfr_annot.io.vcf_records import SymbolicRecord
    from egfr_annot.knowledge import KnowledgeBase, Matcher

# Bases around each exon whose records are read (splice regions, and indels that start in the
# intron and reach into the exon). Deeper intronic records are read only with --all-variants.
EXON_MARGIN = 200

# SO terms that make a variant reportable by default: it changes the protein or a splice site.
REPORTABLE_TERMS: frozenset[str] = frozenset(
    {
        "transcript_ablation",
        "splice_acceptor_variant",
        "splice_donor_variant",
        "splice_donor_5th_base_variant",
        # +3..+6 of the donor site: the consensus that MET exon 14 skipping variants (c.3028+3)
        # break; a change of the splice site the rows are for, as the 5th base is
        "splice_donor_region_variant",
        "stop_gained",
        "frameshift_variant",
        "stop_lost",
        "start_lost",
        "inframe_insertion",
        "inframe_deletion",
        "missense_variant",
        "protein_altering_variant",
    }
)


@dataclass(frozen=True)
class RunOptions:
    """Options of one run; validated before the first record is read."""

    build: BuildChoice = "auto"
    sample: str | None = None
    normal: str | None = None
    min_vaf: float = 0.0
    min_alt_reads: int = 0
    include_filtered: bool = False
    all_variants: bool = False
    tumour_fraction: float | None = None
    cnv_paths: tuple[str, ...] = ()
    # the id the results are named after (--sample-id, a batch sheet's sample): a copy-number
    # file may name the sample that way rather than by its VCF column
    sample_id: str | None = None
    msi_status: str | None = None
    use_index: bool = True
    checksum: bool = True
    evidence: TumourEvidenceThresholds = field(default_factory=TumourEvidenceThresholds)
    copy_number: CopyNumberThresholds | None = None
    command_line: str = ""

    def __post_init__(self) -> None:
        if self.build not in ("GRCh37", "GRCh38", "auto"):
            raise UsageError(f"--build must be GRCh37, GRCh38 or auto, not {self.build!r}")
        if not 0.0 <= self.min_vaf <= 1.0:
            raise UsageError(f"--min-vaf must be a fraction between 0 and 1, got {self.min_vaf}")
        if self.min_alt_reads < 0:
            raise UsageError(f"--min-alt-reads must be >= 0, got {self.min_alt_reads}")
        if self.tumour_fraction is not None and not 0.0 < self.tumour_fraction <= 1.0:
            raise UsageError(f"--tumor-fraction must be in (0, 1], got {self.tumour_fraction}")

    def passes_thresholds(self, call: Call) -> bool:
        """The --min-vaf / --min-alt-reads rule (a call without the value fails a set bound)."""
        if self.min_vaf > 0 and (call.vaf is None or call.vaf < self.min_vaf):
            return False
        return not (
            self.min_alt_reads > 0
            and (call.alt_reads is None or call.alt_reads < self.min_alt_reads)
        )

    def threshold_items(self) -> tuple[tuple[str, str], ...]:
        ev = self.evidence
        from egfr_annot.copy_number import CopyNumberThresholds

        copy_number = (self.copy_number or CopyNumberThresholds()).items()
        return (
            ("min_vaf", f"{self.min_vaf:g}"),
            ("min_alt_reads", str(self.min_alt_reads)),
            ("include_filtered", "yes" if self.include_filtered else "no"),
            ("tumour_evidence_min_vaf", f"{ev.min_vaf:g}"),
            ("min_tumour_fraction", f"{ev.min_tumour_fraction:g}"),
            *copy_number,
        )


class Resources:
    """Knowledge base, transcript models and annotators, loaded lazily, once per process."""

    def __init__(self, annotations: Path | None = None) -> None:
        self.annotations_dir = annotations or annotations_dir()
        self._models: dict[Build, Mapping[str, TranscriptModel]] = {}
        self._annotators: dict[Build, Annotator] = {}
        self._matchers: dict[Build, Matcher] = {}
        self._regions: dict[tuple[Build | None, bool], RegionSet] = {}
        self._scan_regions: dict[tuple[Build, bool, str], RegionSet] = {}

    @cached_property
    def kb_version(self) -> str:
        return kb_version(self.annotations_dir)

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from egfr_annot.knowledge import load_knowledge_base

        return load_knowledge_base(self.annotations_dir)

    def models(self, build: Build) -> Mapping[str, TranscriptModel]:
        if build not in self._models:
            from egfr_annot.genome.transcripts import load_transcript_models

            self._models[build] = load_transcript_models(build, self.annotations_dir)
        return self._models[build]

    def annotator(self, build: Build) -> Annotator:
        if build not in self._annotators:
            from egfr_annot.genome.annotator import Annotator

            self._annotators[build] = Annotator(build, self.annotations_dir)
        return self._annotators[build]

    def matcher(self, build: Build) -> Matcher:
        if build not in self._matchers:
            from egfr_annot.knowledge import Matcher

            self._matchers[build] = Matcher(self.knowledge, self.models(build))
        return self._matchers[build]

    def regions(self, build: Build | None, *, whole_transcripts: bool = False) -> RegionSet:
        """The regions whose records are parsed: the panel transcripts' exons (+ ``EXON_MARGIN``
        for splice sites and indels reaching into them; the whole transcripts with
        ``whole_transcripts``, for ``--all-variants``), the tumour-evidence genes, and the
        germline alleles the knowledge base names. Both builds when the build is unknown."""
        key = (build, whole_transcripts)
        if key not in self._regions:
            from egfr_annot.io.regions import (
                Interval,
                RegionSet,
                load_panel_regions,
                regions_from_transcripts,
            )

            builds: Sequence[Build] = BUILDS if build is None else (build,)
            intervals: list[Interval] = []
            for b in builds:
                models = self.models(b).values()
                if whole_transcripts:
                    intervals.extend(regions_from_transcripts(models))
                else:
                    intervals.extend(_exon_intervals(models))
                intervals.extend(
                    load_panel_regions(b, directory=self.annotations_dir / "panel_regions")
                )
                # FcgammaR genotypes (FCGR2A has no transcript model) must reach the matcher.
                intervals.extend(
                    Interval(a.chrom, a.pos, a.pos + len(a.ref) - 1, a.gene)
                    for a in self.knowledge.genomic_alleles
                    if a.build == b
                )
            self._regions[key] = RegionSet(intervals)
        return self._regions[key]

    def scan_regions(self, build: Build, *, whole_transcripts: bool = False) -> RegionSet:
        """What to read once the header names ``build`` (not forced by ``--build``): that
        build's regions plus the other build's panel exons, enough to notice a file whose
        header names the wrong build (its panel variants sit on the other build's exons)."""
        key = (build, whole_transcripts, "scan")
        if key not in self._scan_regions:
            from egfr_annot.io.regions import RegionSet

            self._scan_regions[key] = RegionSet((
                *self.regions(build, whole_transcripts=whole_transcripts).intervals,
                *_exon_intervals(self.models(_other(build)).values()),
            ))
        return self._scan_regions[key]

    def preload(self) -> None:
        """Load everything eagerly (batch workers call this once at start-up)."""
        _ = self.knowledge
        for build in BUILDS:
            self.annotator(build)
            self.matcher(build)
            self.regions(build)
            self.scan_regions(build)
        self.regions(None)


def _exon_intervals(models: Iterable[TranscriptModel]) -> list[Interval]:
    """The panel transcripts' exons with ``EXON_MARGIN`` on both sides."""
    from egfr_annot.io.regions import Interval

    return [
        Interval(m.chrom, max(1, e.start - EXON_MARGIN), e.end + EXON_MARGIN, m.gene)
        for m in models
        for e in m.exons
    ]


# ----------------------------------------------------------------------------------------------
# build decision
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildDecision:
    build: Build | None
    source: str
    forced: bool  # the user named it with --build


def decide_build_from_header(
    choice: BuildChoice, header_build: Build | None, header_evidence: str, path: str
) -> BuildDecision:
    if choice != "auto":
        if header_build is not None and header_build != choice:
            return BuildDecision(
                choice,
                f"--build {choice} (overrides header evidence for {header_build}: "
                f"{header_evidence})",
                True,
            )
        return BuildDecision(choice, f"--build {choice}", True)
    if header_evidence.startswith("conflict"):
        raise BuildMismatchError(
            path,
            None,
            f"genome build evidence in the header disagrees ({header_evidence}); "
            "use --build GRCh37 or --build GRCh38 to say which applies",
        )
    if header_build is not None:
        return BuildDecision(header_build, f"header: {header_evidence}", False)
    return BuildDecision(None, "", False)


# ----------------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------------
def annotate_input(
    path: str,
    options: RunOptions,
    resources: Resources,
    *,
    scan_process: ScanProcess | None = None,
    input_sha256: Callable[[], str | None] | None = None,
    before_records: Callable[[], object] | None = None,
) -> list[SampleResult]:
    """Annotate one VCF (or BCF, or ``-``) and return one result per tumour sample.
    ``scan_process``: the file's scanning child, if the caller started it already
    (``scan_child.prestart_scan_process`` for ``path``); this function then owns it.
    ``input_sha256``: the file's checksum, if the caller started it already
    (``checksum.start_sha256``); else, unless ``options.checksum`` is off, a file streamed here
    (standard input and pipes too) is hashed as it is read, a large file's (read by the
    scanning child) by a thread once the child is done, an indexed file's by a thread (from the
    start, or once the knowledge base is loaded for one below
    ``checksum.HASH_AFTER_LOADING_MAX_BYTES``), and a BCF (read by cyvcf2) at the end.
    ``before_records``: called before the first record when a scanning child reads the file:
    the caller's own imports for later (its report writers) then overlap the child's first
    blocks, while this process would wait for their records (issue #9)."""
    from egfr_annot.io.scan_child import prestart_scan_process
    from egfr_annot.io.vcf_index import prestart_index_read

    display_path = "-" if path == "-" else path
    # A large file's scanning process, an indexed file's index read and its checksum thread
    # start first, before the reader's own imports (~45 ms): they overlap all loading below.
    # (The checksum of a 100 MB indexed file takes ~80 ms: started after those imports, it
    # was the last thing an indexed run waited for, issue #9.)
    if scan_process is None:
        scan_process = prestart_scan_process(path, use_index=options.use_index)
    index_read = (
        prestart_index_read(path, use_index=options.use_index) if scan_process is None else None
    )
    checksum = input_sha256
    hash_later = False
    if checksum is None and options.checksum and (
        scan_process is not None or index_read is not None
    ):
        checksum = start_sha256_before_loading(
            path, after=scan_process.wait if scan_process is not None else None
        )
        hash_later = checksum is None  # below, once the knowledge base is loaded
    from egfr_annot.io.vcf import detect_build, open_variants
    forced_build: Build | None = options.build if options.build != "auto" else None

    try:
        # (with --build, the other build's panel exons too: a file of the other build is
        # then noticed, with a warning, instead of losing its panel variants unsaid)
        opening_regions = (
            resources.scan_regions(forced_build, whole_transcripts=options.all_variants)
            if forced_build is not None
            else resources.regions(None, whole_transcripts=options.all_variants)
        )
    except BaseException:
        if scan_process is not None:
            scan_process.close()
        raise
    if hash_later:
        checksum = start_sha256(path)
    with open_variants(
        path,
        regions=opening_regions,
        sample=options.sample,
        normal=options.normal,
        use_index=options.use_index,
        scan_process=scan_process,
        index_read=index_read,
        checksum=options.checksum and checksum is None,
    ) as source:
        header = source.header
        header_build, header_evidence = detect_build(header)
        decision = decide_build_from_header(
            options.build, header_build, header_evidence, display_path
        )
        if decision.build is not None and not decision.forced:
            # The header names the build: skip the other build's tumour-evidence genes.
            source.restrict_regions(
                resources.scan_regions(decision.build, whole_transcripts=options.all_variants)
            )
        source.start_reading()  # a large file's scanning process starts while we load below
        calls: Iterable[Call] = source.calls()
        records_read_for_build = decision.build is None
        if records_read_for_build:
            # Only when the header names no build: decide from the REF bases first.
            buffered = list(calls)
            decision = _decide_build_from_records(buffered, resources, display_path)
            calls = buffered
        build = decision.build or "GRCh38"
        annotator = resources.annotator(build)
        matcher = resources.matcher(build)
        regions = resources.regions(build, whole_transcripts=options.all_variants)

        evidence_only = _EvidenceOnly(build, regions, annotator, matcher)
        if not records_read_for_build:
            # a failed FILTER leaves such a record nothing to give: counted, not parsed
            source.count_filtered_evidence_only(evidence_only.applies)

        from egfr_annot.genome.same_codon import SameCodonCalls  # (once the child has started)

        paired = bool(header.normal_samples)
        per_sample: dict[str, list[Finding]] = {s: [] for s in header.tumour_samples}
        evidence: dict[str, list[EvidenceCall]] = {s: [] for s in header.tumour_samples}
        skipped: Counter[str] = Counter()
        ref_mismatches: list[Call] = []
        no_change: list[Call] = []
        at_other_build_exons: list[Call] = []
        ref_confirmed = 0
        same_codon = SameCodonCalls()
        # per sample: catalogued resistance alterations hidden by the caller's FILTER, and by
        # the VAF / ALT-read thresholds
        filtered_alterations: dict[str, list[tuple[str, str]]] = {}
        below_threshold_alterations: dict[str, list[tuple[str, str]]] = {}
        # per sample: the input's own annotations that disagree with ours on calls given no row
        unshown_disagreements: dict[str, list[str]] = {}

        if source.read_by_child:
            # What the results below need, imported while the child's first blocks are on
            # their way (this process would wait for them), not after the loop.
            import egfr_annot.copy_number  # noqa: F401

            if before_records is not None:
                before_records()
        for call in calls:
            only_evidence_of = evidence_only.gene(call.chrom, call.pos, len(call.ref))
            if only_evidence_of is not None:
                # Most records of WGS input (tumour-evidence genes): tumour-DNA evidence at most.
                tumour_evidence = _evidence_call(call, (), only_evidence_of, options)
                if tumour_evidence is not None:
                    evidence.setdefault(call.sample, []).append(tumour_evidence)
                continue
            allele: Allele | None = None
            consequences: tuple[Consequence, ...] = ()
            if evidence_only.near(call.chrom, call.pos, len(call.ref)):
                # The annotator caches both steps: a record shared by several samples costs once.
                try:
                    allele = annotator.normalise(call.chrom, call.pos, call.ref, call.alt)
                except ValueError:
                    # an IUPAC REF that stands for the ALT's own base (M>A where the genome
                    # has A): no change from the reference; counted and named, not annotated
                    # (any other REF the parser passes is annotated)
                    skipped["no_change_from_reference"] += 1
                    no_change.append(call)
                    continue
                consequences = annotator.annotate(allele)
            if consequences:
                input_ref_ok = annotator.ref_matches(call.chrom, call.pos, call.ref)
                if input_ref_ok is False:
                    # The input's own REF (anchor base included) disagrees with the reference,
                    # even if the normalised allele re-anchored on the reference looks fine.
                    consequences = tuple(_ref_mismatch(c, call, build) for c in consequences)
                if all(c.ref_matches for c in consequences):
                    ref_confirmed += input_ref_ok is True
                else:
                    ref_mismatches.append(call)
                gene = consequences[0].gene
            else:
                # One region lookup gives both the gene and whether the record is in this
                # build's regions at all.
                label = regions.label_at(call.chrom, call.pos)
                if label is None:
                    # a deletion that starts before a region and reaches into it: its label
                    reached = regions.next_start(call.chrom, call.pos)
                    if reached is not None and reached <= call.pos + len(call.ref) - 1:
                        label = regions.label_at(call.chrom, reached)
                if label is None:
                    # Read only because the other build's panel is there (checked below; with
                    # --build, which forces the build, the check only warns).
                    skipped["outside_panel_of_build"] += 1
                    at_other_build_exons.append(call)
                    continue
                gene = label or ""
            tumour_evidence = _evidence_call(call, consequences, gene, options)
            if tumour_evidence is not None:
                evidence.setdefault(call.sample, []).append(tumour_evidence)
            if allele is None:
                continue  # not annotated: no row (a genomic rule also needs the allele)
            if consequences:
                same_codon.add(call, allele, consequences)
            per_sample.setdefault(call.sample, []).extend(
                _call_findings(
                    call,
                    allele,
                    consequences,
                    gene,
                    build,
                    decision.forced,
                    options,
                    matcher,
                    skipped,
                    filtered_alterations.setdefault(call.sample, []),
                    below_threshold_alterations.setdefault(call.sample, []),
                    unshown_disagreements.setdefault(call.sample, []),
                )
            )

        symbolic = list(source.symbolic_records())
        counts = source.counts
        streamed_sha256 = source.input_sha256
    skipped.update(dict(counts.skipped))

    # Most REFs wrong: the wrong build (about three in four SNVs of another build mismatch).
    # A few among many that match: odd records (a liftover artefact), not a reason to lose the
    # sample; their rows carry the mismatch note and no protein change, and the summary warns.
    wrong_build = 2 * len(ref_mismatches) >= len(ref_mismatches) + ref_confirmed
    if ref_mismatches and not decision.forced and wrong_build:
        first = ref_mismatches[0]
        other = _other(build)
        hint = ""
        other_annotator = resources.annotator(other)
        if other_annotator.ref_matches(first.chrom, first.pos, first.ref):
            hint = f"; it matches {other}: the file looks like {other}"
        raise BuildMismatchError(
            display_path,
            first.line or None,  # 0: indexed reads have no line numbers
            f"REF {first.ref} at {first.chrom}:{first.pos} does not match the {build} reference "
            f"({decision.source or 'build detection'}){hint}; use --build to override",
        )

    build_notes: list[str] = []
    if not decision.source:
        # (a GRCh37 file read as GRCh38 misses its panel variants: say it where it is read)
        build_notes.append(
            f"no genome build evidence in the header or the panel records: {build} assumed; "
            "give --build GRCh37 if the file is GRCh37"
        )
    if ref_mismatches and not decision.forced:
        first = ref_mismatches[0]
        where = f" (line {first.line})" if first.line else ""
        build_notes.append(
            f"REF does not match the {build} reference at {len(ref_mismatches)} of "
            f"{len(ref_mismatches) + ref_confirmed} checked panel calls (first: REF {first.ref} at "
            f"{first.chrom}:{first.pos}{where}): their rows show no protein change; the others "
            "match, so the build stands"
        )
    if no_change:
        first = no_change[0]
        more = f" (and {len(no_change) - 1} more)" if len(no_change) > 1 else ""
        build_notes.append(
            f"REF {first.ref} > ALT {first.alt} at {first.chrom}:{first.pos}"
            f"{f' (line {first.line})' if first.line else ''}{more}: the REF's ambiguity code "
            f"stands for the {build} base, which is the ALT: no change, not annotated"
        )
    other_build_hits = _other_build_panel_variants(
        at_other_build_exons, build, resources, only_a_majority=ref_confirmed > 0
    )
    if other_build_hits:
        first = other_build_hits[0]
        other = _other(build)
        text = (
            f"REF {first.ref} at {first.chrom}:{first.pos} matches a {other} panel exon"
            f"{'' if len(other_build_hits) == 1 else f' (and {len(other_build_hits) - 1} more)'}"
        )
        if decision.forced:
            if 2 * len(other_build_hits) >= len(at_other_build_exons):
                build_notes.append(
                    f"{text}: the file may be {other}, but --build {build} was given; its "
                    f"{other} panel variants are not reported"
                )
        elif ref_confirmed == 0:
            raise BuildMismatchError(
                display_path,
                first.line or None,
                f"{text}, and no panel record matches the {build} reference "
                f"({decision.source}): the file looks like {other}; use --build to override",
            )
        # A file of this build has background variants at the other build's exons too, whose
        # REF matches the other build's base by chance (about one SNV in four): only when most
        # of those records match does the build look doubtful (else every WGS file got this).
        elif 2 * len(other_build_hits) >= len(at_other_build_exons):
            build_notes.append(
                f"{text}: check the genome build ({build} from {decision.source})"
            )

    # what the summary says of one sample only (its warnings column)
    sample_notes: dict[str, list[str]] = {}
    for sample, filtered in filtered_alterations.items():
        if filtered:
            sample_notes.setdefault(sample, []).append(_filtered_note(filtered))
    for sample, below in below_threshold_alterations.items():
        if below:
            sample_notes.setdefault(sample, []).append(_below_threshold_note(below, options))
    for sample, disagreements in unshown_disagreements.items():
        sample_notes.setdefault(sample, []).extend(dict.fromkeys(disagreements))
    for sample, findings in per_sample.items():
        per_sample[sample], duplicate_notes = note_duplicate_records(findings)
        sample_notes.setdefault(sample, []).extend(duplicate_notes)
    same_codon_report = same_codon.report(annotator)
    if same_codon_report.row_notes or same_codon_report.joined:
        for sample, findings in per_sample.items():
            per_sample[sample] = [_same_codon_row(f, same_codon_report, matcher)
                                  for f in findings]
        for sample, notes in same_codon_report.sample_notes.items():
            sample_notes.setdefault(sample, []).extend(notes)

    cn_inputs, cn_skipped = copy_number_inputs(path, symbolic, options, resources, build)
    skipped.update(cn_skipped)

    results = []
    provenance = Provenance(
        tool_version=__version__,
        kb_version=resources.kb_version,
        build=build,
        build_source=decision.source or "default GRCh38 (no build evidence in header or records)",
        input_path=display_path,
        input_sha256=_input_sha256(path, options, checksum, streamed_sha256),
        command_line=options.command_line,
    )
    final_counts = replace(
        counts,
        skipped=tuple(sorted(skipped.items())),
        warnings=(*counts.warnings, *build_notes),
    )
    for sample in header.tumour_samples:
        results.append(
            _sample_result(
                sample,
                per_sample.get(sample, []),
                evidence.get(sample, []),
                cn_inputs,
                paired,
                options,
                resources,
                matcher,
                final_counts,
                provenance,
                sample_notes.get(sample, ()),
                [name for name, _detail in filtered_alterations.get(sample, ())],
                [name for name, _detail in below_threshold_alterations.get(sample, ())],
            )
        )
    return results


# Terms that describe a protein change: dropped when the input REF cannot be trusted.
_PROTEIN_TERMS = frozenset(
    {
        "missense_variant",
        "synonymous_variant",
        "stop_gained",
        "frameshift_variant",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
        "start_lost",
        "stop_lost",
        "stop_retained_variant",
        "start_retained_variant",
    }
)


class _EvidenceOnly:
    """Which records only tumour-DNA evidence can come from, and their gene: in this build's
    regions and more than a base away from every panel transcript, known reference segment and
    genomic rule, so that the loop of :func:`annotate_input` would neither annotate them nor
    match a rule. Decided once for a whole merged region where it holds throughout (most of a
    WGS file's records in the tumour-evidence genes, issue #9), else per record."""

    def __init__(
        self, build: Build, regions: RegionSet, annotator: Annotator, matcher: Matcher
    ) -> None:
        self._build = build
        self._regions = regions
        self._annotator = annotator
        self._matcher = matcher
        self._whole_region: dict[tuple[str, int], bool] = {}
        # the last whole region met: (contig as written, start, end, label); records come sorted
        self._last: tuple[str, int, int, str] = ("", 0, -1, "")
        # the last record _far decided: ((contig as written, start, end), far)
        self._last_far: tuple[tuple[str, int, int], bool] = (("", 0, -1), False)

    def gene(self, chrom: str, pos: int, ref_len: int) -> str | None:
        """The gene of a record only evidence can come from, else None."""
        last_chrom, last_start, last_end, last_label = self._last
        if chrom == last_chrom and last_start <= pos and pos + ref_len - 1 <= last_end:
            return last_label
        region = self._regions.merged_region_at(chrom, pos)
        if region is None:
            return None
        canonical, start, end, label = region
        if label is not None and pos + ref_len - 1 <= end:
            whole = self._whole_region.get((canonical, start))
            if whole is None:
                # nothing within a base of the region: then nothing within a base of a record
                # in it either
                whole = self._far(canonical, start, end)
                self._whole_region[(canonical, start)] = whole
            if whole:
                self._last = (chrom, start, end, label)
                return label
        # near a transcript (the records the loop annotates): decided without the label lookup
        if not self._far(chrom, pos, pos + ref_len - 1):
            return None
        return self._regions.label_at(chrom, pos)

    def applies(self, chrom: str, pos: int, ref_len: int) -> bool:
        return self.gene(chrom, pos, ref_len) is not None

    def near(self, chrom: str, pos: int, ref_len: int) -> bool:
        """Is a panel transcript, known reference segment or genomic rule within a base of
        the record (then the loop annotates it)? :meth:`gene` has mostly just decided it for
        the same record."""
        end = pos + ref_len - 1
        if self._last_far[0] == (chrom, pos, end):
            return not self._last_far[1]
        return not self._far(chrom, pos, end)

    def _far(self, chrom: str, start: int, end: int) -> bool:
        far = not self._annotator.may_annotate(chrom, start, end - start + 1) and not (
            self._matcher.genomic_rule_near(self._build, canonical_contig(chrom), start, end)
        )
        self._last_far = ((chrom, start, end), far)
        return far


def _input_sha256(
    path: str,
    options: RunOptions,
    started: Callable[[], str | None] | None,
    streamed: str | None,
) -> str | None:
    """The input's sha256: of the bytes streamed (the file as read), else the one started
    before reading (by the caller, or the thread of an indexed file); a file that was neither
    (BCF, read by cyvcf2) is hashed here."""
    if streamed is not None:
        return streamed
    if started is not None:
        return started()
    return sha256_of(path) if options.checksum else None


def _ref_mismatch(cons: Consequence, call: Call, build: Build) -> Consequence:
    """``cons`` without any protein change, for a call whose REF disagrees with the reference."""
    if not cons.ref_matches:
        return cons
    terms = [t for t in cons.so_terms if t not in _PROTEIN_TERMS]
    if len(terms) < len(cons.so_terms) and "coding_sequence_variant" not in terms:
        terms.insert(0, "coding_sequence_variant")
    note = (
        f"REF {call.ref} does not match the {build} reference at {call.chrom}:{call.pos}; "
        "wrong genome build? No protein change reported"
    )
    return replace(
        cons,
        so_terms=tuple(terms),
        hgvsp="",
        hgvsp_short="",
        codons="",
        amino_acids="",
        ref_aa="",
        alt_aa="",
        protein_start=None,
        protein_end=None,
        ref_matches=False,
        notes=(*cons.notes, note),
    )


def _evidence_call(
    call: Call, consequences: Sequence[Consequence], gene: str, options: RunOptions
) -> EvidenceCall | None:
    """A passing call with a VAF in a labelled gene: possible tumour-DNA evidence."""
    if not gene or call.vaf is None or call.filter not in ("PASS", "."):
        return None
    if not options.passes_thresholds(call):
        return None
    if consequences:
        label = f"{gene} {consequences[0].hgvsp_short or consequences[0].hgvsc}"
    else:
        label = f"{gene} {call.chrom}:{call.pos} {call.ref}>{call.alt}"
    return EvidenceCall(gene, label, call.vaf)


def _call_findings(
    call: Call,
    allele: Allele,
    consequences: Sequence[Consequence],
    gene: str,
    build: Build,
    build_forced: bool,
    options: RunOptions,
    matcher: Matcher,
    skipped: Counter[str],
    filtered_alterations: list[tuple[str, str]],
    below_threshold_alterations: list[tuple[str, str]],
    unshown_disagreements: list[str],
) -> list[Finding]:
    """The rows one call gives (one per transcript it changes), counting what it does not;
    a catalogued alteration the caller's FILTER hides is added to ``filtered_alterations``,
    one the VAF / ALT-read thresholds hide to ``below_threshold_alterations``; where the input's
    own annotation of a call given no row disagrees with ours, ``unshown_disagreements`` says so
    (VEP calling missense what we call synonymous must not pass unseen)."""
    passes_filter = call.filter in ("PASS", ".")
    passes_thresholds = options.passes_thresholds(call)
    if not consequences:
        # Tumour-evidence gene, or a gene without a transcript model: only genomic rules
        # (e.g. the FCGR2A genotype) can match.
        genomic = matcher.match_variant(None, allele, genotype=call.genotype)
        if not genomic or not passes_thresholds or not (passes_filter or options.include_filtered):
            return []
        return [
            Finding(
                call.sample,
                build,
                call,
                allele,
                None,
                None,
                genomic[0],
                tuple(genomic[1:]),
                gene=gene,
            )
        ]
    findings = []
    for cons in consequences:
        # A coding call whose REF disagrees with the reference is shown (with its note), not
        # hidden: it may be a protein change we must not compute from a mismatching REF.
        unannotatable = not cons.ref_matches and "coding_sequence_variant" in cons.so_terms
        reportable = not REPORTABLE_TERMS.isdisjoint(cons.so_terms) or unannotatable
        if not options.all_variants and not reportable:
            skipped["not_protein_changing"] += 1
            if call.external_annotations:
                unshown_disagreements.extend(
                    f"{consequence_label(cons)} at {call.chrom}:{call.pos} (no row: "
                    f"{'&'.join(cons.so_terms)} by egfr-annot): {note}"
                    for note in _external_disagreements(call, cons))
            continue
        if not passes_filter and not options.include_filtered:
            skipped["filtered"] += 1
            if passes_thresholds and cons.ref_matches:
                matches = matcher.match_variant(cons, allele)
                if matches and matches[0].resistance in ("yes", "uncertain"):
                    filtered_alterations.append(
                        _filtered_alteration(call, cons, matches[0].resistance))
            continue
        if not passes_thresholds:
            skipped["below_vaf_or_alt_read_threshold"] += 1
            if cons.ref_matches:
                matches = matcher.match_variant(cons, allele)
                if matches and matches[0].resistance in ("yes", "uncertain"):
                    below_threshold_alterations.append(
                        _below_threshold_alteration(call, cons, matches[0].resistance))
            continue
        matches = matcher.match_variant(cons, allele) if cons.ref_matches else ()
        notes: list[str] = []
        if not passes_filter:
            notes.append(f"FILTER={call.filter}: not counted for the sample status")
        elif call.filter == ".":
            notes.append("FILTER not applied by the caller (.)")
        if build_forced and not cons.ref_matches:
            notes.append(f"REF does not match {build}: genome build forced with --build")
        if call.external_annotations:
            notes.extend(_external_disagreements(call, cons))
        findings.append(
            Finding(
                sample=call.sample,
                build=build,
                call=call,
                allele=allele,
                consequence=cons,
                copy_number=None,
                match=matches[0] if matches else None,
                other_matches=tuple(matches[1:]),
                notes=tuple(notes),
            )
        )
    return findings


def _same_codon_row(finding: Finding, report: SameCodonReport, matcher: Matcher) -> Finding:
    """``finding`` with the notes of the other substitutions of its codon; or, where the
    caller phased the two in cis, carrying their joint change, matched anew."""
    joint = report.joint(finding)
    if joint is None:
        return report.noted(finding)
    cons = joint.consequence
    matches = matcher.match_variant(cons, joint.allele) if cons.ref_matches else ()
    return replace(finding, allele=joint.allele, consequence=cons,
                   match=matches[0] if matches else None, other_matches=tuple(matches[1:]),
                   notes=(*finding.notes, joint.note))


def _external_disagreements(call: Call, cons: Consequence) -> list[str]:
    """A note for each annotation the input carried (VEP CSQ, SnpEff ANN, bcftools BCSQ) on
    this row's transcript whose HGVS disagrees with ours (issue #3); the same note once."""
    from egfr_annot.genome.crosscheck import compare

    notes: list[str] = []
    for external in call.external_annotations:
        note = compare(external, cons)
        if note is not None and note not in notes:
            notes.append(note)
    return notes


# the filtered alterations named in a sample's warning; the rest are counted
FILTERED_LISTED = 10


def _filtered_alteration(call: Call, cons: Consequence, resistance: str) -> tuple[str, str]:
    """(name, name with the call's FILTER, VAF and the catalogue's resistance)."""
    name = consequence_label(cons)
    vaf = f", VAF {100 * call.vaf:.3g}%" if call.vaf is not None else ""
    return name, f"{name} (FILTER {call.filter}{vaf}; resistance: {resistance})"


def _below_threshold_alteration(call: Call, cons: Consequence, resistance: str
                                ) -> tuple[str, str]:
    """(name, name with the call's VAF, ALT reads and the catalogue's resistance)."""
    name = consequence_label(cons)
    values = [f"VAF {100 * call.vaf:.3g}%" if call.vaf is not None else "VAF unknown"]
    if call.alt_reads is not None:
        values.append(f"{call.alt_reads} ALT reads")
    return name, f"{name} ({', '.join(values)}; resistance: {resistance})"


def _below_threshold_note(below: Sequence[tuple[str, str]], options: RunOptions) -> str:
    """One line naming the catalogued resistance alterations below the thresholds."""
    listed = "; ".join(detail for _name, detail in below[:FILTERED_LISTED])
    left = len(below) - FILTERED_LISTED
    more = f"; and {left} more" if left > 0 else ""
    return (f"below the VAF / ALT-read thresholds (--min-vaf {options.min_vaf:g}, "
            f"--min-alt-reads {options.min_alt_reads}), not counted for the status: "
            f"{listed}{more}")


def _filtered_note(filtered: Sequence[tuple[str, str]]) -> str:
    """One line naming the catalogued resistance alterations the caller filtered out."""
    listed = "; ".join(detail for _name, detail in filtered[:FILTERED_LISTED])
    left = len(filtered) - FILTERED_LISTED
    more = f"; and {left} more" if left > 0 else ""
    return (f"filtered by the caller, not counted for the status: {listed}{more} "
            "(--include-filtered lists them as rows)")


def _other(build: Build) -> Build:
    return "GRCh37" if build == "GRCh38" else "GRCh38"


def _other_build_panel_variants(
    calls: Sequence[Call], build: Build, resources: Resources, *, only_a_majority: bool
) -> list[Call]:
    """The calls read at the other build's panel exons that look like that build's panel
    variants: their REF matches that build's reference and they lie in one of its panel exons.
    ``only_a_majority``: none unless they can be most of ``calls`` (all that matters when
    some panel record confirms this build), so that the exons are not looked up for the chance
    matches of a WGS file's background variants."""
    if not calls:
        return []
    other = resources.annotator(_other(build))
    ref_matching = [c for c in calls if other.ref_matches(c.chrom, c.pos, c.ref) is True]
    if only_a_majority and 2 * len(ref_matching) < len(calls):
        return []
    return [
        c
        for c in ref_matching
        if any(cons.exon for cons in other.annotate(other.normalise(c.chrom, c.pos, c.ref, c.alt)))
    ]


def _decide_build_from_records(
    calls: Sequence[Call], resources: Resources, path: str
) -> BuildDecision:
    """REF-base concordance with each build's reference over the panel calls."""
    agree: dict[Build, int] = {}
    checked: dict[Build, int] = {}
    for build in BUILDS:
        annotator = resources.annotator(build)
        for call in calls:
            verdict = annotator.ref_matches(call.chrom, call.pos, call.ref)
            if verdict is None:
                continue
            checked[build] = checked.get(build, 0) + 1
            agree[build] = agree.get(build, 0) + int(verdict)
    scores = {b: agree.get(b, 0) for b in BUILDS if checked.get(b)}
    if not scores:
        return BuildDecision(None, "", False)
    best = max(scores, key=lambda b: (scores[b], b))
    other = [b for b in scores if b != best]
    if other and scores[other[0]] == scores[best]:
        return BuildDecision(None, "", False)
    return BuildDecision(
        best,
        f"REF bases of {checked[best]} panel record(s) match {best} ({scores[best]} agree)",
        False,
    )


def copy_number_inputs(
    path: str,
    symbolic: Sequence[SymbolicRecord],
    options: RunOptions,
    resources: Resources,
    build: Build,
) -> tuple[list[CopyNumberInput], Counter[str]]:
    """Copy-number records from the VCF's symbolic records and the ``--cnv`` files."""
    skipped: Counter[str] = Counter()
    if not symbolic and not options.cnv_paths:
        return [], skipped
    from egfr_annot.io.cnv import read_copy_number, read_symbolic_records

    inputs = []
    if symbolic:
        inputs.append(read_symbolic_records(symbolic, path, build=build))
    contigs = {m.chrom for m in resources.models(build).values()}
    for cnv_path in options.cnv_paths:
        inputs.append(read_copy_number(cnv_path, build=build, contigs=contigs))
    for cnv_input in inputs:
        skipped.update(dict(cnv_input.skipped))
    return inputs, skipped


def _sample_result(
    sample: str,
    findings: list[Finding],
    evidence: Iterable[EvidenceCall],
    cn_inputs: Sequence[CopyNumberInput],
    paired: bool,
    options: RunOptions,
    resources: Resources,
    matcher: Matcher,
    counts: ReadCounts,
    provenance: Provenance,
    sample_notes: Sequence[str] = (),
    filtered_resistance: Sequence[str] = (),
    below_threshold_resistance: Sequence[str] = (),
) -> SampleResult:
    """``sample_notes``: what the summary's warnings say of this sample only;
    ``filtered_resistance`` / ``below_threshold_resistance``: catalogued resistance
    alterations the caller's FILTER / the VAF and ALT-read thresholds hid (named in the status
    reason when nothing else is detected)."""
    evidence = list(evidence)
    tumour_fraction, evidence_call = estimate_tumour_fraction(
        evidence,
        user_value=options.tumour_fraction,
        paired_normal=paired,
        thresholds=options.evidence,
    )
    sample_findings = list(findings)
    notes: list[str] = list(sample_notes)
    cn_calls = _sample_copy_number(
        sample, cn_inputs, tumour_fraction.value, options, resources, provenance.build, notes
    )
    for cn in cn_calls:
        matches = matcher.match_copy_number(cn)
        sample_findings.append(
            Finding(
                sample=sample,
                build=provenance.build,
                call=None,
                allele=None,
                consequence=None,
                copy_number=cn,
                match=matches[0] if matches else None,
                other_matches=tuple(matches[1:]),
            )
        )
    if options.msi_status:
        for match in matcher.match_sample(options.msi_status):
            sample_findings.append(_sample_level_finding(sample, provenance.build, match))

    status, reason = decide_status(
        sample_findings,
        tumour_fraction,
        user_tumour_fraction=options.tumour_fraction,
        thresholds=options.evidence,
        evidence_call=evidence_call,
        # named in the reason only when no call gave a tumour fraction
        excluded=(
            excluded_evidence(evidence, paired, options.evidence)
            if tumour_fraction.value is None
            else ()
        ),
    )
    if status != "resistance_detected":
        uncertain = [finding_label(f) for f in distinct_uncertain(sample_findings)]
        if uncertain:
            reason += ("; of uncertain resistance significance (weaker or conflicting "
                       f"evidence; not counted for the status, see the rows): "
                       f"{', '.join(uncertain)}")
        if filtered_resistance:
            names = ", ".join(dict.fromkeys(filtered_resistance))
            reason += f"; filtered out by the caller, not counted: {names} (see warnings)"
        if below_threshold_resistance:
            names = ", ".join(dict.fromkeys(below_threshold_resistance))
            reason += (f"; below the VAF / ALT-read thresholds, not counted: {names} "
                       "(see warnings)")
    ras_low = [
        f
        for f in sample_findings
        if f.consequence is not None
        and f.consequence.gene in ("KRAS", "NRAS")
        and f.call is not None
        and f.call.vaf is not None
        and f.call.vaf < options.evidence.low_ras_vaf
    ]
    if ras_low and (evidence_call is None or evidence_call.vaf < options.evidence.min_vaf):
        notes.append(
            "KRAS/NRAS call(s) at very low VAF with no other tumour-DNA evidence: "
            "confirm before acting on them"
        )
    cn_status = _copy_number_status(cn_inputs, cn_calls, tumour_fraction.value, options)
    if "non_informative" in cn_status:
        # issue #6: said in the warnings too, where a reader of the sample looks first
        notes.append("copy number: the tumour fraction is too low for a negative copy-number "
                     f"result to mean anything ({cn_status})")
    rechallenge = _rechallenge_block(status, sample_findings, matcher)
    return SampleResult(
        sample=sample,
        findings=tuple(sample_findings),
        status=status,
        status_reason=reason,
        tumour_fraction=tumour_fraction,
        counts=counts,
        provenance=provenance,
        thresholds=options.threshold_items(),
        rechallenge=rechallenge,
        copy_number_status=cn_status,
        notes=tuple(notes),
    )


def _sample_copy_number(
    sample: str,
    cn_inputs: Sequence[CopyNumberInput],
    tumour_fraction: float | None,
    options: RunOptions,
    resources: Resources,
    build: Build,
    notes: list[str],
) -> Iterable[CopyNumberCall]:
    """Gene-level calls of one sample, decided after the tumour fraction is known (the state
    depends on the purity-adjusted copy number). Only amplifications and deep deletions (and
    every call with ``--all-variants``) become rows. The result
    (``copy_number.SampleCopyNumber``) also says which genes with a copy-number rule the
    inputs covered, for ``_copy_number_status``. A copy-number file of several samples none
    of which is this one is an ``InputError``: dropping it would lose data silently."""
    if not cn_inputs:
        return ()
    from egfr_annot.copy_number import assess_sample

    models = resources.models(build)
    rule_genes = {
        r.gene for r in resources.knowledge.rules if r.alteration.kind == "copy_number"
    }
    # panel order; a rule gene without a transcript model cannot be covered, so it is named
    assessed = [g for g in models if g in rule_genes] + sorted(rule_genes - set(models))
    result = assess_sample(
        sample,
        cn_inputs,
        models,
        assessed=assessed,
        tumour_fraction=tumour_fraction,
        thresholds=options.copy_number,
        aliases=(options.sample_id,) if options.sample_id else (),
        all_calls=options.all_variants,
    )
    notes.extend(result.notes)
    return result


def _copy_number_status(
    cn_inputs: Sequence[CopyNumberInput],
    cn_calls: Iterable[CopyNumberCall],
    tumour_fraction: float | None,
    options: RunOptions,
) -> str:
    if not cn_inputs:
        return "not assessed (no copy-number input)"
    from egfr_annot.copy_number import SampleCopyNumber, copy_number_status

    assert isinstance(cn_calls, SampleCopyNumber)  # what _sample_copy_number returns
    return copy_number_status(cn_calls, tumour_fraction, options.copy_number)


def _sample_level_finding(sample: str, build: Build, match: RuleMatch) -> Finding:
    return Finding(
        sample=sample,
        build=build,
        call=None,
        allele=None,
        consequence=None,
        copy_number=None,
        match=match,
    )


def _rechallenge_block(
    status: str, findings: Sequence[Finding], matcher: Matcher
) -> tuple[tuple[str, str], ...]:
    from egfr_annot.verdict import distinct_resistance

    evidence = matcher.rechallenge_evidence()
    if status == "resistance_detected":
        against = [finding_label(f) for f in distinct_resistance(findings)]
        return (
            ("summary", "argues against anti-EGFR rechallenge: " + ", ".join(against)),
            ("evidence", evidence.text),
        )
    if status == "not_detected":
        uncertain = [finding_label(f) for f in distinct_uncertain(findings)]
        if uncertain:
            # an alteration that may drive resistance: the no-driver evidence may not apply
            names = ", ".join(uncertain)
            return (
                ("summary", f"no established resistance alteration detected, but {names} is of "
                 "uncertain resistance significance: weigh it before relying on this evidence: "
                 + evidence.summary),
                ("evidence", evidence.text),
                ("no_driver_strategies", "not attached: an alteration of uncertain resistance "
                 f"significance is present ({names})"),
            )
        strategies = "; ".join(s.label for s in matcher.no_driver_strategies())
        return (
            ("summary", "no resistance alteration detected: " + evidence.summary),
            ("evidence", evidence.text),
            ("no_driver_strategies", strategies),
        )
    return (
        ("summary", "not assessable: no evidence of tumour DNA in the sample"),
        ("evidence", evidence.text),
    )


def default_prefix(path: str) -> str:
    """The input's name without ``.vcf(.gz)``/``.bcf``, in the current directory."""
    name = "stdin" if path == "-" else os.path.basename(path)
    for suffix in (".vcf.gz", ".vcf.bgz", ".vcf", ".bcf", ".gz"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
