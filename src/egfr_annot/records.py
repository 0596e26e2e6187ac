"""Typed records passed one way through the stages:
read -> normalise -> annotate -> match -> report.

Every record is a frozen, slotted dataclass built at the edge of its stage. Missing values are
``None``: never ``-1``, ``0`` or a sentinel string. Library objects (cyvcf2, pysam) never appear
here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# (re-exported: most modules take them from here)
from egfr_annot.builds import BUILDS as BUILDS
from egfr_annot.builds import Build as Build
from egfr_annot.choices import BUILD_CHOICES as BUILD_CHOICES
from egfr_annot.choices import MSI_CHOICES as MSI_CHOICES
from egfr_annot.choices import BuildChoice as BuildChoice
from egfr_annot.choices import MsiStatus as MsiStatus
from egfr_annot.dataclass_init import fast_frozen_init

Resistance = Literal["yes", "uncertain", "no"]
MatchLevel = Literal["genomic", "protein", "codon", "exon", "gene", "copy_number", "sample"]
Status = Literal["resistance_detected", "not_detected", "non_informative"]
CopyNumberState = Literal["amplification", "gain", "neutral", "loss", "deep_deletion"]


# --------------------------------------------------------------------------------------------
# read
# --------------------------------------------------------------------------------------------
@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Call:
    """One ALT allele of one VCF record in one (tumour) sample, as the input wrote it.

    ``chrom``/``pos``/``ref``/``alt`` are the input's own spelling (contig name as written,
    alleles upper-cased, VCF 1-based POS). ``vaf`` is a fraction in [0, 1]; ``vaf_source`` says
    where it came from (e.g. ``FORMAT/AF``, ``FORMAT/AD``, ``FORMAT/FREQ``,
    ``Strelka tier1 TIR/TAR``).
    ``line`` is the 1-based line number in the (decompressed) input, for traceability.
    ``phase`` is where the caller put the ALT when it phased it (see
    :func:`egfr_annot.io.vcf_records.phase_of`): ``("PS=29451790", 1)`` is the second haplotype
    of phase set 29451790; calls of one sample with the same set are on the same (in cis) or
    different (in trans) DNA molecules. None: not phased.
    """

    sample: str
    chrom: str
    pos: int
    ref: str
    alt: str
    filter: str
    vaf: float | None
    alt_reads: int | None
    depth: int | None
    vaf_source: str | None
    line: int
    genotype: str | None = None
    # Protein-level annotations already present in the input for this ALT (VEP CSQ, SnpEff ANN,
    # bcftools BCSQ), kept as (source, transcript, hgvsc, hgvsp) tuples for cross-checking.
    external_annotations: tuple[ExternalAnnotation, ...] = ()
    notes: tuple[str, ...] = ()
    phase: tuple[str, int] | None = None


@dataclass(frozen=True, slots=True)
class ExternalAnnotation:
    """An annotation the input already carried (VEP CSQ / SnpEff ANN / bcftools BCSQ)."""

    source: Literal["VEP", "SnpEff", "BCSQ"]
    gene: str | None
    transcript: str | None
    hgvsc: str | None
    hgvsp: str | None
    consequence: str | None


# --------------------------------------------------------------------------------------------
# normalise
# --------------------------------------------------------------------------------------------
@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Allele:
    """A normalised genomic allele: canonical contig (``"7"``, no ``chr``), VCF-style 1-based
    ``pos``, minimal representation (common prefix/suffix trimmed; for indels an anchor base is
    kept as in VCF), left-aligned where the reference sequence is known.
    """

    build: Build
    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def key(self) -> str:
        """Stable genomic key used to match the same allele across samples and timepoints."""
        return f"{self.build}:{self.chrom}:{self.pos}:{self.ref}>{self.alt}"


# --------------------------------------------------------------------------------------------
# annotate
# --------------------------------------------------------------------------------------------
@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Consequence:
    """The effect of one allele on one MANE Select transcript, as Ensembl VEP would write it.

    ``hgvsc``/``hgvsp`` carry no transcript prefix (``c.35G>A``, ``p.Gly12Asp``); ``hgvsp`` is
    empty for non-coding effects. ``so_terms`` are SO consequence terms, most severe first.
    ``exon``/``intron`` are VEP-style ``"2/6"`` strings (empty when not applicable).
    ``protein_start``/``protein_end`` are the affected residues (HGVS numbering) and
    ``ref_aa`` the reference residues there (one-letter), used by the matcher.
    """

    gene: str
    transcript: str  # RefSeq MANE Select accession with version, e.g. NM_004985.5
    transcript_ensembl: str  # e.g. ENST00000311936.8
    strand: Literal["+", "-"]
    so_terms: tuple[str, ...]
    hgvsc: str
    hgvsp: str
    hgvsp_short: str
    exon: str = ""
    intron: str = ""
    codons: str = ""
    amino_acids: str = ""
    cds_start: int | None = None
    cds_end: int | None = None
    protein_start: int | None = None
    protein_end: int | None = None
    ref_aa: str = ""
    alt_aa: str = ""
    # False when the input's REF disagrees with the reference sequence: then no protein change
    # is reported (hgvsp/hgvsp_short empty) and ``notes`` says why.
    ref_matches: bool = True
    notes: tuple[str, ...] = ()

    @property
    def consequence(self) -> str:
        return ",".join(self.so_terms)

    @property
    def exon_number(self) -> int | None:
        return (
            int(self.exon.split("/")[0])
            if self.exon and "-" not in self.exon.split("/")[0]
            else None
        )


# --------------------------------------------------------------------------------------------
# copy number
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CopyNumberCall:
    """A gene-level copy-number call derived from one or more input segments."""

    sample: str
    gene: str
    chrom: str
    start: int
    end: int
    copy_number: float  # observed (plasma) absolute copy number
    copy_number_adjusted: float | None  # purity-adjusted, when a tumour fraction is known
    state: CopyNumberState
    overlap_fraction: float  # fraction of the MANE transcript covered by the segment(s)
    source: str  # e.g. "VCF FORMAT/CN", "CNVkit .call.cns cn", "log2 (ploidy 2)"
    input_path: str
    line: int | None
    filter: str = "PASS"
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# match
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StrategyFit:
    """A strategy from the review attached to an alteration, with how it fits."""

    strategy_id: str
    label: str  # "Encorafenib + binimetinib + cetuximab [Phase III; 27,28]"
    fit: Literal["exact_subpopulation", "subtype"]
    evidence_rank: int  # lower is stronger (phase III = 0 ... cell = 6, not stated = 7)
    review_refs: tuple[int, ...]
    # What the review reports for it (annotations/strategies.tsv "outcome"): positive, negative,
    # comparable, feasible or not_stated. A negative trial is evidence too, not a recommendation.
    outcome: str = ""


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class RuleMatch:
    """A catalogue rule that matched an alteration, and at which level."""

    rule_id: str
    match_level: MatchLevel
    resistance: Resistance
    alteration_class: str
    mechanism: str
    evidence: str
    review_refs: tuple[int, ...]
    strategies: tuple[StrategyFit, ...] = ()
    notes: tuple[str, ...] = ()


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One reportable row: a call (or copy-number call) with its consequence and matches."""

    sample: str
    build: Build
    call: Call | None
    allele: Allele | None
    consequence: Consequence | None
    copy_number: CopyNumberCall | None
    match: RuleMatch | None  # the most specific matching rule, if any
    other_matches: tuple[RuleMatch, ...] = ()
    notes: tuple[str, ...] = ()
    # Gene label when neither a consequence nor a copy-number call gives one (a genomic rule on
    # a gene without a transcript model, e.g. FCGR2A; "" for sample-level findings such as MSI).
    gene: str = ""

    @property
    def passed(self) -> bool:
        flt = (
            self.call.filter
            if self.call is not None
            else (self.copy_number.filter if self.copy_number is not None else "PASS")
        )
        return flt in ("PASS", ".")

    @property
    def resistance(self) -> Resistance | None:
        return self.match.resistance if self.match is not None else None

    @property
    def variant_key(self) -> tuple[str, str] | None:
        """What makes two rows one variant: the normalised allele and its transcript (or
        gene); None without an allele (copy number, sample level)."""
        if self.allele is None:
            return None
        return self.allele.key, self.consequence.transcript if self.consequence else self.gene


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Provenance:
    tool_version: str
    kb_version: str
    build: Build
    build_source: str  # how the build was decided ("--build", "header contig lengths", ...)
    input_path: str
    input_sha256: str | None
    command_line: str


@dataclass(frozen=True, slots=True)
class ReadCounts:
    """Every record the reader saw is accounted for here."""

    records_read: int = 0
    records_in_panel: int = 0
    calls_in_panel: int = 0
    skipped: tuple[tuple[str, int], ...] = ()  # (reason, count), sorted by reason
    warnings: tuple[str, ...] = ()

    def skipped_dict(self) -> dict[str, int]:
        return dict(self.skipped)


@dataclass(frozen=True, slots=True)
class TumourFraction:
    value: float | None
    method: str  # "user (--tumor-fraction)", "2 x max somatic VAF (gene:p.X, VAF 0.04)", "none"


@dataclass(frozen=True, slots=True)
class SampleResult:
    sample: str
    findings: tuple[Finding, ...]
    status: Status
    status_reason: str
    tumour_fraction: TumourFraction
    counts: ReadCounts
    provenance: Provenance
    thresholds: tuple[tuple[str, str], ...] = ()
    rechallenge: tuple[tuple[str, str], ...] = ()  # key/value lines of the rechallenge block
    # "informative" / "non_informative: ..." / "not assessed" (issue #6)
    copy_number_status: str = "not assessed"
    notes: tuple[str, ...] = field(default_factory=tuple)
