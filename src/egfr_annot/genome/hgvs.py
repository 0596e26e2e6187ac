"""HGVS protein changes: parse any common spelling, format in 1- or 3-letter code (issue #3).

Accepted spellings (``p.`` prefix and ``p.(...)`` parentheses optional, 1- or 3-letter codes,
``Ter``/``*`` for stop, ``X`` as stop in a substitution (``p.R832X``), ``%3D`` for ``=``)::

    p.G12D  p.Gly12Asp  G12D  p.(Gly12Asp)  p.G12  p.L210=  p.R832*  p.Arg832Ter
    p.E746_A750del  p.E110del  p.A767_V769dup  p.D770_N771insY  p.E709_T710delinsD
    p.E343Gfs*2  p.Glu343GlyfsTer2  p.P3fs  p.E343Gfs*?  p.*1069Wext*4  p.Ter1069TrpextTer4
    p.M1?  p.Met1?  p.X963_splice (vcf2maf)

:func:`parse_protein_change` never raises: anything else gives ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from egfr_annot.dataclass_init import fast_frozen_init
from egfr_annot.genome.sequence import AA1_TO_AA3, AA3_TO_AA1

ProteinChangeKind = Literal[
    "substitution",
    "nonsense",
    "synonymous",
    "codon",
    "deletion",
    "duplication",
    "insertion",
    "delins",
    "frameshift",
    "extension",
    "start_lost",
    "splice",
]

_AA1: Final = "ACDEFGHIKLMNPQRSTVWY"
_AA3_ALT: Final = "|".join(sorted((c for c in AA3_TO_AA1 if c != "Xaa"), key=len, reverse=True))
_AA: Final = rf"(?:{_AA3_ALT}|[{_AA1}*X])"
_POS: Final = r"([1-9]\d{0,5})"
_ONE: Final = rf"({_AA})"
_MANY: Final = rf"((?:{_AA})+)"
_STOP: Final = r"(?:\*|Ter|X)"

_PATTERNS: Final = (
    ("start_lost", re.compile(r"(Met|M)1\?")),
    ("splice", re.compile(rf"X{_POS}_splice")),
    ("synonymous", re.compile(rf"{_ONE}{_POS}=")),
    ("frameshift", re.compile(rf"{_ONE}{_POS}{_ONE}?fs(?:{_STOP}([1-9]\d{{0,5}}|\?))?")),
    ("extension", re.compile(rf"(?:\*|Ter){_POS}{_ONE}ext(?:{_STOP}([1-9]\d{{0,5}}|\?))?")),
    ("deletion", re.compile(rf"{_ONE}{_POS}(?:_{_ONE}{_POS})?del")),
    ("duplication", re.compile(rf"{_ONE}{_POS}(?:_{_ONE}{_POS})?dup")),
    ("insertion", re.compile(rf"{_ONE}{_POS}_{_ONE}{_POS}ins{_MANY}")),
    ("delins", re.compile(rf"{_ONE}{_POS}(?:_{_ONE}{_POS})?delins{_MANY}")),
    ("substitution", re.compile(rf"{_ONE}{_POS}{_ONE}")),
    ("codon", re.compile(rf"{_ONE}{_POS}")),
)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ProteinChange:
    """A protein change in one-letter residues (``*`` = stop).

    ``start``/``ref`` name the first residue, ``end``/``ref_end`` the last one of a range (equal
    to start/ref for a single residue). ``alt`` holds the new residue(s): substitution target,
    inserted/replacing residues, the first new residue of a frameshift, the residue replacing the
    stop in an extension. ``ter`` is the frameshift/extension stop distance as written (``"2"``,
    ``"?"``, or ``""`` when not given).
    """

    kind: ProteinChangeKind
    ref: str
    start: int
    end: int
    ref_end: str = ""
    alt: str = ""
    ter: str = ""

    # ------------------------------------------------------------------ formatting
    def short(self) -> str:
        """1-letter form as vcf2maf writes it: ``p.G12D``, ``p.E746_A750del``, ``p.E343Gfs*2``."""
        return self._format(lambda s: s, "*")

    def long(self) -> str:
        """3-letter HGVS form as VEP writes it: ``p.Gly12Asp``, ``p.Glu343GlyfsTer2``."""
        return self._format(lambda s: "".join(AA1_TO_AA3[a] for a in s), "Ter")

    def _format(self, c: Callable[[str], str], stop: str) -> str:
        k = self.kind
        first = f"{c(self.ref)}{self.start}"
        rng = first if self.end == self.start else f"{first}_{c(self.ref_end)}{self.end}"
        if k in ("substitution", "nonsense"):
            return f"p.{first}{c(self.alt)}"
        if k == "synonymous":
            return f"p.{first}="
        if k == "codon":
            return f"p.{first}"
        if k == "start_lost":
            return f"p.{first}?"
        if k == "splice":
            return f"p.X{self.start}_splice"
        if k == "deletion":
            return f"p.{rng}del"
        if k == "duplication":
            return f"p.{rng}dup"
        if k == "insertion":
            return f"p.{rng}ins{c(self.alt)}"
        if k == "delins":
            return f"p.{rng}delins{c(self.alt)}"
        if k == "frameshift":
            tail = f"{stop}{self.ter}" if self.ter else ""
            return f"p.{first}{c(self.alt)}fs{tail}"
        # extension
        tail = f"{stop}{self.ter}" if self.ter else ""
        return f"p.{first}{c(self.alt)}ext{tail}"


def _residues(text: str) -> str | None:
    """One-letter residues of a run written all in 3-letter or all in 1-letter code."""
    if not text:
        return ""
    if len(text) % 3 == 0:
        codes = [text[i : i + 3] for i in range(0, len(text), 3)]
        if all(code in AA3_TO_AA1 and code != "Xaa" for code in codes):
            return "".join(AA3_TO_AA1[code] for code in codes)
    if all(ch in _AA1 or ch == "*" for ch in text):
        return text
    return None


def _one(text: str | None, *, x_is_stop: bool = False) -> str | None:
    if text is None:
        return None
    if text == "X":
        return "*" if x_is_stop else None
    return _residues(text)


def parse_protein_change(text: object) -> ProteinChange | None:
    """Parse a protein change; ``None`` when ``text`` is not one (never raises)."""
    if not isinstance(text, str):
        return None
    s = text.strip().replace("%3D", "=").replace("%3d", "=")
    if ":" in s:
        s = s.rsplit(":", 1)[1]
    if s.startswith("p."):
        s = s[2:]
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    if not s or len(s) > 400:
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        result = _build(kind, m.groups())
        if result is not None:
            return result
    return None


def _build(kind: str, g: tuple[str | None, ...]) -> ProteinChange | None:
    if kind == "start_lost":
        return ProteinChange("start_lost", "M", 1, 1, "M")
    if kind == "splice":
        pos = int(g[0] or 0)
        return ProteinChange("splice", "", pos, pos)
    if kind == "extension":
        # groups: position, new residue, distance; the reference residue is the stop
        alt = _one(g[1])
        if alt is None or len(alt) != 1 or not g[0]:
            return None
        pos = int(g[0])
        return ProteinChange("extension", "*", pos, pos, "*", alt, g[2] or "")
    ref = _one(g[0])
    if ref is None or len(ref) != 1 or not g[1]:
        return None
    start = int(g[1])
    if kind == "synonymous":
        return ProteinChange("synonymous", ref, start, start, ref)
    if kind == "codon":
        return ProteinChange("codon", ref, start, start, ref) if ref != "*" else None
    if kind == "substitution":
        alt = _one(g[2], x_is_stop=True)
        if alt is None or len(alt) != 1:
            return None
        if alt == ref:
            return ProteinChange("synonymous", ref, start, start, ref)
        return ProteinChange(
            "nonsense" if alt == "*" else "substitution", ref, start, start, ref, alt
        )
    if kind == "frameshift":
        alt = _one(g[2], x_is_stop=True) if g[2] else ""
        if alt is None or len(alt) > 1:
            return None
        return ProteinChange("frameshift", ref, start, start, ref, alt, g[3] or "")
    # ranges: groups ref, start, ref_end?, end?, [alt]
    ref_end = _one(g[2]) if g[2] else ref
    end = int(g[3]) if g[3] else start
    if ref_end is None or len(ref_end) != 1 or end < start or (g[2] and end == start):
        return None
    if kind in ("deletion", "duplication"):
        return ProteinChange(kind, ref, start, end, ref_end)  # type: ignore[arg-type]
    alt = _residues(g[4] or "")
    if not alt:
        return None
    if kind == "insertion" and end != start + 1:
        return None
    return ProteinChange(kind, ref, start, end, ref_end, alt)  # type: ignore[arg-type]


def normalise_hgvsp(text: str) -> str:
    """Comparable 1-letter form of an HGVS p. string (prefix, parentheses, 3-letter removed)."""
    parsed = parse_protein_change(text)
    if parsed is not None:
        return parsed.short()
    s = text.strip().replace("%3D", "=")
    return s.rsplit(":", 1)[-1]
