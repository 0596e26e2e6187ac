"""Nucleotide and amino-acid helpers: reverse complement, genetic code, 1/3-letter codes."""

from __future__ import annotations

from typing import Final

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_BASES = "TCAG"
_CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE: Final[dict[str, str]] = {
    a + b + c: _CODE[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}

AA1_TO_AA3: Final[dict[str, str]] = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "X": "Xaa", "U": "Sec", "O": "Pyl",
}  # fmt: skip
AA3_TO_AA1: Final[dict[str, str]] = {v: k for k, v in AA1_TO_AA3.items()}


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str) -> str:
    """Translate whole codons (a trailing partial codon is ignored); codons with N give X."""
    table = CODON_TABLE
    return "".join(table.get(seq[i : i + 3], "X") for i in range(0, len(seq) - len(seq) % 3, 3))


def to_three_letter(peptide: str) -> str:
    return "".join(AA1_TO_AA3.get(aa, "Xaa") for aa in peptide)


def three_to_one(text: str) -> str:
    """Replace every 3-letter residue code in ``text`` by its 1-letter code (``Ter`` -> ``*``)."""
    out = []
    i = 0
    while i < len(text):
        code = text[i : i + 3]
        if code in AA3_TO_AA1 and code != "Xaa":
            out.append(AA3_TO_AA1[code])
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
