"""Substitutions in the same codon of one sample.

Callers that do not merge neighbouring SNVs into one record (Strelka2, VarScan2, LoFreq, ...)
write KRAS c.34_35delinsTT (p.G12F) as c.34G>T and c.35G>T: each record alone reads p.G12C and
p.G12V, and p.G12C is the one KRAS change a targeted strategy exists for (sotorasib). Annotated
record by record, as VEP does, the rows would show a change the tumour does not carry if the two
are on one DNA molecule (in cis). bcftools csq joins such records when the genotypes are
phased. egfr-annot says on each row which other change of the sample shares the codon and what
the two make together; where the caller phased both (GT with ``|`` and PS, or Mutect2's PGT and
PID: :attr:`Call.phase`) it says whether they are in cis or in trans, else the reads decide.
Rows stay as called (one per record, as VEP writes them), except for two passing substitutions
that are the only ones in their codon and that the caller phased in cis: then, as bcftools csq
does, both rows carry the joint change (:attr:`SameCodonReport.joined`), which is matched
against the catalogue and counted once.

Synonymous changes count too (they give no row, but ``c.36T>G`` with ``c.34G>T`` makes p.G12W).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from egfr_annot.genome.consequence import Annotator
    from egfr_annot.records import Allele, Call, Consequence, Finding

# (sample, transcript, contig as written, POS, REF, ALT): a call's row on one transcript
RowKey = tuple[str, str, str, int, str, str]


def row_key(call: Call, transcript: str) -> RowKey:
    return (call.sample, transcript, call.chrom, call.pos, call.ref, call.alt)


@dataclass(frozen=True, slots=True)
class _CodingSubstitution:
    call: Call
    allele: Allele  # normalised: REF and ALT of equal length
    consequence: Consequence

    @property
    def end(self) -> int:
        return self.allele.pos + len(self.allele.ref) - 1


class SameCodonCalls:
    """Collects each sample's substitutions in coding sequence (as the calls are annotated),
    then gives the notes of the rows whose codon another of them shares."""

    def __init__(self) -> None:
        self._by_codon: dict[tuple[str, str, int], list[_CodingSubstitution]] = {}

    def add(self, call: Call, allele: Allele, consequences: Iterable[Consequence]) -> None:
        if len(allele.ref) != len(allele.alt):
            return  # (an indel changes the frame or the length: no single codon to share)
        for cons in consequences:
            if cons.protein_start is None or cons.protein_end is None or not cons.ref_matches:
                continue
            item = _CodingSubstitution(call, allele, cons)
            for codon in range(cons.protein_start, cons.protein_end + 1):
                self._by_codon.setdefault((call.sample, cons.transcript, codon), []).append(item)

    def report(self, annotator: Annotator) -> SameCodonReport:
        """Per row (see :func:`row_key`), one note for each other substitution of the same
        sample in the same codon: that change, and the change the two make in cis; and one
        warning per pair for the summary."""
        notes: dict[RowKey, dict[RowKey, str]] = {}
        warnings: dict[str, dict[tuple[RowKey, RowKey], str]] = {}
        joined: dict[RowKey, Joint] = {}
        for (sample, transcript, codon), items in self._by_codon.items():
            if len(items) < 2:
                continue
            for i, first in enumerate(items):
                for second in items[i + 1:]:
                    if first.allele.chrom != second.allele.chrom or not (
                        first.end < second.allele.pos or second.end < first.allele.pos
                    ):
                        continue  # the same bases: other ALTs of one site, not two changes
                    both = _combined(first, second, annotator)
                    combined = both if isinstance(both, str) else both[1]
                    phase = _phase(first.call, second.call)
                    pair = (row_key(first.call, transcript), row_key(second.call, transcript))
                    if (not isinstance(both, str) and phase is not None and phase[0] == "in cis"
                            and _joinable(items, codon)):
                        for this, other in ((first, second), (second, first)):
                            joined[row_key(this.call, transcript)] = Joint(
                                both[0], both[1], _joined_note(this, other, phase[1]))
                        warnings.setdefault(sample, {}).setdefault(
                            pair, _warning(codon, first, second, combined, phase)
                            + f"; reported as one alteration, {_change(both[1])}")
                        continue
                    for this, other in ((first, second), (second, first)):
                        key = row_key(this.call, transcript)
                        notes.setdefault(key, {})[row_key(other.call, transcript)] = _note(
                            other, combined, phase)
                    warnings.setdefault(sample, {}).setdefault(
                        pair, _warning(codon, first, second, combined, phase))
        return SameCodonReport(
            {key: tuple(by_other.values()) for key, by_other in notes.items()},
            {sample: tuple(by_pair.values()) for sample, by_pair in warnings.items()},
            joined,
        )


@dataclass(frozen=True, slots=True)
class Joint:
    """The change two records phased in cis make together, for each of their rows."""

    allele: Allele  # normalised, spanning both
    consequence: Consequence
    note: str  # which record it was joined with, and what this record alone reads


@dataclass(frozen=True, slots=True)
class SameCodonReport:
    row_notes: Mapping[RowKey, tuple[str, ...]]
    sample_notes: Mapping[str, tuple[str, ...]]  # per sample, one per pair, for the summary
    # rows whose record the caller phased in cis with the other substitution of its codon
    joined: Mapping[RowKey, Joint] = field(default_factory=dict)

    def joint(self, finding: Finding) -> Joint | None:
        """The joint change ``finding``'s row carries instead of its record's own, if any."""
        if finding.call is None or finding.consequence is None:
            return None
        return self.joined.get(row_key(finding.call, finding.consequence.transcript))

    def noted(self, finding: Finding) -> Finding:
        """``finding`` with the notes of the other substitutions of its codon (if any)."""
        if finding.call is None or finding.consequence is None:
            return finding
        extra = self.row_notes.get(row_key(finding.call, finding.consequence.transcript))
        return replace(finding, notes=(*finding.notes, *extra)) if extra else finding


def _combined(first: _CodingSubstitution, second: _CodingSubstitution,
              annotator: Annotator) -> tuple[Allele, Consequence] | str:
    """The allele and the consequence on the same transcript of both substitutions on one
    molecule, or why they are not computed here."""
    if not first.consequence.exon or first.consequence.exon != second.consequence.exon:
        # (an allele spanning the intron would read as a splice change, not as the codon's)
        return "the codon is split by an intron: their joint change is not computed here"
    left, right = sorted((first, second), key=lambda s: s.allele.pos)
    chrom, start = left.allele.chrom, left.allele.pos
    reference = annotator.reference.fetch(chrom, start, right.end)
    unknown = "the reference bases between them are not known: their joint change is not computed"
    if reference is None:
        return unknown
    bases = list(reference)
    for part in (left, right):
        offset = part.allele.pos - start
        if reference[offset:offset + len(part.allele.ref)] != part.allele.ref:
            return unknown
        bases[offset:offset + len(part.allele.alt)] = part.allele.alt
    try:
        allele = annotator.normalise(chrom, start, reference, "".join(bases))
        consequences = annotator.annotate(allele)
    except ValueError:
        return unknown
    transcript = first.consequence.transcript
    found = next((c for c in consequences if c.transcript == transcript), None)
    return (allele, found) if found is not None else unknown


def _joinable(items: list[_CodingSubstitution], codon: int) -> bool:
    """Join only the plain case: the codon's only two substitutions, each within the codon,
    both passing the caller's filters (a filtered partner may not be real)."""
    return len(items) == 2 and all(
        item.consequence.protein_start == item.consequence.protein_end == codon
        and item.call.filter in ("PASS", ".") for item in items)


def _phase(first: Call, second: Call) -> tuple[str, str] | None:
    """("in cis" or "in trans", the phase set) when the caller phased both calls in one set;
    None when it did not (or put them in different sets, which says nothing)."""
    if first.phase is None or second.phase is None or first.phase[0] != second.phase[0]:
        return None
    return ("in cis" if first.phase[1] == second.phase[1] else "in trans"), first.phase[0]


def _change(cons: Consequence) -> str:
    return f"{cons.hgvsc} ({cons.hgvsp_short or cons.hgvsp or 'no protein change'})"


def _note(other: _CodingSubstitution, combined: Consequence | str,
          phase: tuple[str, str] | None) -> str:
    vaf = f", VAF {other.call.vaf:.3g}" if other.call.vaf is not None else ""
    if other.call.filter not in ("PASS", "."):
        vaf += f", FILTER {other.call.filter}"
    same = f"same codon as {_change(other.consequence)} at {other.call.chrom}:{other.call.pos}{vaf}"
    together = (combined if isinstance(combined, str)
                else f"together they make {_change(combined)}, not either change alone")
    if phase is None:
        return (f"{same} in this sample: if both are on one DNA molecule (in cis), {together}; "
                "the VCF does not phase them (check the reads)")
    relation, phase_set = phase
    if relation == "in cis":
        return (f"{same} in this sample, on the same DNA molecule as phased by the caller "
                f"(in cis, {phase_set}): {together}")
    return (f"{same} in this sample, on the other DNA molecule as phased by the caller "
            f"(in trans, {phase_set}): each change stands as called")


def _joined_note(this: _CodingSubstitution, other: _CodingSubstitution, phase_set: str) -> str:
    vaf = f", VAF {other.call.vaf:.3g}" if other.call.vaf is not None else ""
    return (f"joined with {_change(other.consequence)} at {other.call.chrom}:{other.call.pos}"
            f"{vaf}: the caller phased the two on one DNA molecule (in cis, {phase_set}), so "
            f"this row shows their joint change, as bcftools csq does; this record alone reads "
            f"{_change(this.consequence)}")


def _warning(codon: int, first: _CodingSubstitution, second: _CodingSubstitution,
             combined: Consequence | str, phase: tuple[str, str] | None) -> str:
    cons = first.consequence
    shared = (f"{cons.gene} {cons.hgvsc} and {second.consequence.hgvsc} share codon {codon} of "
              f"{cons.transcript}")
    joint = combined if isinstance(combined, str) else f"in cis they make {_change(combined)}"
    if phase is None:
        return f"{shared}; {joint} (not phased in the VCF: see the rows' notes)"
    relation, phase_set = phase
    if relation == "in cis":
        made = combined if isinstance(combined, str) else f"together they make {_change(combined)}"
        return f"{shared}, in cis as phased by the caller ({phase_set}): {made}"
    return f"{shared}, in trans as phased by the caller ({phase_set}): two separate changes"
