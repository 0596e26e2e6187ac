"""Protein changes as the matcher and the catalogue see them.

Parsing is done by :func:`egfr_annot.genome.hgvs.parse_protein_change` (one parser for the
whole tool: ``p.G12D``, ``p.Gly12Asp``, ``p.(Gly12Asp)``, ``p.G12``, ``p.G12=``, ``p.R130*``,
``p.R130X``, ``p.Arg130Ter``, ``p.R130fs``, ``p.E746_A750del``, ``p.A767_V769dup``,
``p.H773_V774insNPG``, ``p.E746_T751delinsA``, ``p.M1?``, ``p.*189Qext*?``). This module maps
its result onto the small vocabulary the matching rules are written in (``missense``,
``stop_lost``, ...) and drops what is not a protein change (vcf2maf's ``p.X963_splice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from egfr_annot.dataclass_init import fast_frozen_init
from egfr_annot.genome.hgvs import parse_protein_change as parse_hgvsp
from egfr_annot.genome.sequence import AA1_TO_AA3, AA3_TO_AA1

ChangeKind = Literal[
    "missense",
    "nonsense",
    "synonymous",
    "frameshift",
    "deletion",
    "insertion",
    "duplication",
    "delins",
    "start_lost",
    "stop_lost",
    "codon",
]

# Kinds that change the protein (a "codon" query stands for "any change at this residue").
PROTEIN_CHANGING_KINDS: Final[frozenset[str]] = frozenset(
    {
        "missense",
        "nonsense",
        "frameshift",
        "deletion",
        "insertion",
        "duplication",
        "delins",
        "start_lost",
        "stop_lost",
        "codon",
    }
)
AA3_TO_1: Final = AA3_TO_AA1
AA1_TO_3: Final = AA1_TO_AA3
_KIND_OF: Final[dict[str, ChangeKind]] = {
    "substitution": "missense",
    "extension": "stop_lost",
    "nonsense": "nonsense",
    "synonymous": "synonymous",
    "frameshift": "frameshift",
    "deletion": "deletion",
    "insertion": "insertion",
    "duplication": "duplication",
    "delins": "delins",
    "start_lost": "start_lost",
    "codon": "codon",
}


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ProteinChange:
    """A parsed protein change. Residues are one-letter; ``alt`` is the new residue(s) (for a
    frameshift the first new residue, for a stop loss the residue replacing the stop)."""

    kind: ChangeKind
    start: int
    end: int
    ref_start: str  # reference residue at ``start`` ("*" for a stop loss)
    ref_end: str  # reference residue at ``end``
    alt: str = ""

    @property
    def short(self) -> str:
        """One-letter form without frameshift/extension distances: ``p.G12D``, ``p.R130fs``."""
        span = f"{self.ref_start}{self.start}"
        if self.end != self.start:
            span += f"_{self.ref_end}{self.end}"
        if self.kind == "missense":
            return f"p.{span}{self.alt}"
        suffix = {
            "nonsense": "*",
            "synonymous": "=",
            "frameshift": "fs",
            "deletion": "del",
            "insertion": f"ins{self.alt}",
            "duplication": "dup",
            "delins": f"delins{self.alt}",
            "start_lost": "?",
            "stop_lost": f"{self.alt}ext*?",
            "codon": "",
        }[self.kind]
        return f"p.{span}{suffix}"

    def covers(self, residue: int) -> bool:
        return self.start <= residue <= self.end


def parse_protein_change(text: str) -> ProteinChange | None:
    """Parse an HGVS protein change; ``None`` when it is not one (never raises)."""
    parsed = parse_hgvsp(text)
    if parsed is None or parsed.kind not in _KIND_OF:
        return None
    return ProteinChange(
        kind=_KIND_OF[parsed.kind],
        start=parsed.start,
        end=parsed.end,
        ref_start=parsed.ref,
        ref_end=parsed.ref_end or parsed.ref,
        alt=parsed.alt,
    )
