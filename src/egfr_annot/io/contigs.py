"""Contig names and genome-build facts of the human primary assembly (GRCh37 and GRCh38).

Canonical contig names carry no ``chr`` prefix: ``"1"`` ... ``"22"``, ``"X"``, ``"Y"``, ``"MT"``
(as the transcript models use them). Files spell the same molecule as ``chr7``, ``7``,
``NC_000007.14`` (GRCh38) or ``NC_000007.13`` (GRCh37); :func:`canonical_contig` maps them all.

Sources of the numbers (checked against public files; see the reader's report):
- GRCh37 lengths: the ``##contig`` lines of GATK's GRCh37 test VCFs in ``../shared/real_vcfs``
  (``assembly=GRCh37``) and NCBI's GRCh37.p13 assembly report (GCF_000001405.25).
- GRCh38 lengths: ``##contig`` lines of GRCh38 (hg38) VCF headers written by GATK/bcftools
  (identical in several public repositories) = NCBI GRCh38 assembly report (GCF_000001405.26+).
- RefSeq accessions (``NC_0000NN.v``): NCBI assembly reports of GRCh37.p13 and GRCh38.
"""

from __future__ import annotations

import re
from typing import Final

from egfr_annot.builds import BUILDS, Build

CANONICAL_CONTIGS: Final[tuple[str, ...]] = tuple(str(n) for n in range(1, 23)) + ("X", "Y", "MT")

# Primary-assembly chromosome lengths; "MT" is the rCRS (16569 bp) in both builds. hg19's chrM is
# the older NC_001807 (16571 bp): that length is listed separately as a GRCh37 (hg19) hint.
CONTIG_LENGTHS: Final[dict[Build, dict[str, int]]] = {
    "GRCh37": {
        "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260,
        "6": 171115067, "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747,
        "11": 135006516, "12": 133851895, "13": 115169878, "14": 107349540, "15": 102531392,
        "16": 90354753, "17": 81195210, "18": 78077248, "19": 59128983, "20": 63025520,
        "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566,
    },
    "GRCh38": {
        "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259,
        "6": 170805979, "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422,
        "11": 135086622, "12": 133275309, "13": 114364328, "14": 107043718, "15": 101991189,
        "16": 90338345, "17": 83257441, "18": 80373285, "19": 58617616, "20": 64444167,
        "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
    },
}
HG19_CHRM_LENGTH: Final = 16571

# RefSeq accession versions of the chromosomes: NC_0000NN.<version> per build.
_ACCESSION_VERSIONS: Final[dict[Build, tuple[int, ...]]] = {
    # chromosomes 1..24 (23 = X, 24 = Y)
    "GRCh37": (10, 11, 11, 11, 9, 11, 13, 10, 11, 10, 9, 11, 10, 8, 9, 9, 10, 9, 9, 10, 8, 10, 10,
               9),
    "GRCh38": (11, 12, 12, 12, 10, 12, 14, 11, 12, 11, 10, 12, 11, 9, 10, 10, 11, 10, 10, 11, 9, 11,
               11, 10),
}
MT_ACCESSION: Final = "NC_012920.1"

_ACCESSION = re.compile(r"NC_0000([0-9]{2})(?:\.([0-9]+))?")
_CHR_PREFIX = re.compile(r"^(?:chr|CHR|Chr)")


def _number_to_contig(number: int) -> str | None:
    if 1 <= number <= 22:
        return str(number)
    return {23: "X", 24: "Y"}.get(number)


def canonical_contig(name: str) -> str | None:
    """The canonical name (``"7"``, ``"X"``, ``"MT"``) of a contig as a file spells it, or
    ``None`` for anything that is not a primary-assembly chromosome (``GL000192.1``,
    ``chrUn_...``, ``NC_007605`` (EBV), a toy contig such as ``q``).

    >>> canonical_contig("chr7"), canonical_contig("NC_000007.13"), canonical_contig("chrM")
    ('7', '7', 'MT')
    """
    if name.startswith("NC_"):
        if name.split(".")[0] == MT_ACCESSION.split(".")[0]:
            return "MT"
        match = _ACCESSION.fullmatch(name)
        return _number_to_contig(int(match.group(1))) if match else None
    bare = _CHR_PREFIX.sub("", name)
    if bare in ("M", "MT", "m", "mt"):
        return "MT"
    if bare in ("x", "y"):
        return bare.upper()
    if bare in ("X", "Y"):
        return bare
    if bare.isascii() and bare.isdigit() and not bare.startswith("0"):
        # only 1-22: "23"/"24" for X/Y is a PLINK habit, not a VCF contig name
        return bare if 1 <= int(bare) <= 22 else None
    return None


def accession(contig: str, build: Build) -> str | None:
    """The RefSeq accession of a canonical contig on a build (``"7"``, GRCh38 -> NC_000007.14)."""
    if contig == "MT":
        return MT_ACCESSION
    if contig in ("X", "Y"):
        number = 23 if contig == "X" else 24
    else:
        number = int(contig) if contig.isascii() and contig.isdigit() else 0
    if not 1 <= number <= 24:
        return None
    return f"NC_{number:06d}.{_ACCESSION_VERSIONS[build][number - 1]}"


def build_from_accession(name: str) -> Build | None:
    """The build a versioned chromosome accession belongs to (``NC_000007.13`` -> GRCh37), or
    ``None`` (unversioned, unknown version, not a chromosome accession, or the mitochondrion,
    which is the same sequence in both builds)."""
    match = _ACCESSION.fullmatch(name)
    if not match or match.group(2) is None:
        return None
    number, version = int(match.group(1)), int(match.group(2))
    if not 1 <= number <= 24:
        return None
    for build, versions in _ACCESSION_VERSIONS.items():
        if versions[number - 1] == version:
            return build
    return None


def contig_aliases(contig: str) -> tuple[str, ...]:
    """Every spelling of a canonical contig the reader recognises in a file (both builds'
    accessions: the build check is done separately, so a region filter never hides a record)."""
    if contig == "MT":
        return ("MT", "M", "chrM", "chrMT", "CHRM", "ChrM", MT_ACCESSION)
    names = [contig, f"chr{contig}", f"CHR{contig}", f"Chr{contig}"]
    for build in BUILDS:
        acc = accession(contig, build)
        if acc is not None:
            names.append(acc)
    if contig in ("X", "Y"):
        low = contig.lower()
        names += [low, f"chr{low}"]
    return tuple(names)
