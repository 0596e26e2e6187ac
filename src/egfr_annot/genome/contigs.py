"""Canonical contig names: ``chr7``, ``7``, ``NC_000007.14``, ``NC_000007.13`` -> ``7``."""

from __future__ import annotations

import re
from functools import lru_cache

_REFSEQ_CHROM = re.compile(r"^NC_0000(\d\d)\.\d+$")
_SPECIAL = {"23": "X", "24": "Y"}
_MITO = {"M", "MT", "NC_012920.1", "NC_001807.4"}


@lru_cache(maxsize=4096)  # a file spells a few dozen contigs; called for every allele (#9)
def canonical_contig(name: str) -> str:
    """The contig name without ``chr`` (``"7"``, ``"X"``, ``"MT"``); RefSeq NC_ accessions of the
    GRCh37/GRCh38 chromosomes are mapped to their chromosome. Unknown names are returned stripped
    of a ``chr`` prefix only."""
    text = name.strip()
    match = _REFSEQ_CHROM.match(text)
    if match:
        number = str(int(match.group(1)))
        return _SPECIAL.get(number, number)
    if text[:3].lower() == "chr":
        text = text[3:]
    upper = text.upper()
    if upper in _MITO:
        return "MT"
    if upper in ("X", "Y"):
        return upper
    return text
