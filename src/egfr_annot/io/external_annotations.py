"""Annotations the input already carries, per ALT allele: VEP ``CSQ``, SnpEff ``ANN``, bcftools
``BCSQ``. Kept for cross-checking only; egfr-annot computes its own consequences.

- VEP ``CSQ``: fields from the header's ``Format:`` list. The entry's ``Allele`` is VEP's allele
  string (for indels the shared first base is removed, ``-`` for a deletion); ``ALLELE_NUM``,
  when present, is used instead. ``HGVSc``/``HGVSp`` lose their ``TRANSCRIPT:`` prefix and
  ``%3D`` is unescaped to ``=``.
- SnpEff ``ANN``: ``Allele`` is the ALT as written (cancer mode ``ALT-REF`` entries are kept for
  the ALT before the dash).
- bcftools ``BCSQ``: ``Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change``;
  matched to the ALT by ``dna_change`` (``25398284C>T``); ``@POS`` back-references are skipped.
  ``hgvsc``/``hgvsp`` hold bcftools' own notation (``12G>D``, ``25398284C>T``), not HGVS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from egfr_annot.records import ExternalAnnotation

_BCSQ_DNA = re.compile(r"([0-9]+)([ACGTNacgtn]*)>([ACGTNacgtn]*)")


def vep_allele_strings(ref: str, alts: Sequence[str]) -> list[str]:
    """The ``Allele`` strings VEP writes in CSQ for each ALT: when REF and every sequence ALT
    start with the same base, VEP drops that base (``-`` when nothing is left)."""
    seq_alts = [a for a in alts if not a.startswith("<") and a != "*"]
    strip = bool(seq_alts) and len({a[:1] for a in [*seq_alts, ref]}) == 1
    return [
        (a[1:] or "-") if strip and not a.startswith("<") and a != "*" else a for a in alts
    ]


def _unprefix(value: str) -> str | None:
    if not value:
        return None
    value = value.replace("%3D", "=").replace("%3d", "=")
    # "ENST00000311936.8:c.35G>A" -> "c.35G>A"; keep values without a prefix as they are
    head, sep, tail = value.partition(":")
    return tail if sep and (head.startswith(("ENS", "NM_", "XM_", "NR_", "NP_", "XP_", "LRG"))
                            or "." in head) else value


def _entries(raw: str | bool | None) -> list[str]:
    if not isinstance(raw, str) or raw in ("", "."):
        return []
    return [e for e in raw.split(",") if e]


def parse_csq(
    raw: str | bool | None, fields: Sequence[str], ref: str, alts: Sequence[str], allele: int
) -> tuple[ExternalAnnotation, ...]:
    if not fields:
        return ()
    index = {name: i for i, name in enumerate(fields)}
    vep_alleles = vep_allele_strings(ref, alts)
    target = vep_alleles[allele - 1]
    out = []
    for entry in _entries(raw):
        parts = entry.split("|")

        def get(name: str, parts: list[str] = parts) -> str:
            i = index.get(name)
            return parts[i] if i is not None and i < len(parts) else ""

        num = get("ALLELE_NUM")
        if num.isascii() and num.isdigit():
            if int(num) != allele:
                continue
        elif get("Allele") != target and not (
            get("Allele") == alts[allele - 1] and alts[allele - 1] not in vep_alleles
        ):
            continue
        out.append(ExternalAnnotation(
            source="VEP",
            gene=get("SYMBOL") or get("Gene") or None,
            transcript=get("Feature") or None,
            hgvsc=_unprefix(get("HGVSc")),
            hgvsp=_unprefix(get("HGVSp")),
            consequence=get("Consequence") or None,
        ))
    return tuple(out)


def parse_ann(
    raw: str | bool | None, fields: Sequence[str], alts: Sequence[str], allele: int
) -> tuple[ExternalAnnotation, ...]:
    names = list(fields) or ["Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID",
                             "Feature_Type", "Feature_ID", "Transcript_BioType", "Rank",
                             "HGVS.c", "HGVS.p"]
    index = {name.strip(): i for i, name in enumerate(names)}
    target = alts[allele - 1]
    out = []
    for entry in _entries(raw):
        parts = entry.split("|")

        def get(name: str, parts: list[str] = parts) -> str:
            i = index.get(name)
            return parts[i].strip() if i is not None and i < len(parts) else ""

        allele_str = get("Allele")
        if allele_str != target and allele_str.split("-")[0] != target:
            continue
        out.append(ExternalAnnotation(
            source="SnpEff",
            gene=get("Gene_Name") or None,
            transcript=get("Feature_ID") or None,
            hgvsc=_unprefix(get("HGVS.c")),
            hgvsp=_unprefix(get("HGVS.p")),
            consequence=get("Annotation") or None,
        ))
    return tuple(out)


def parse_bcsq(
    raw: str | bool | None, pos: int, ref: str, alts: Sequence[str], allele: int
) -> tuple[ExternalAnnotation, ...]:
    target = alts[allele - 1].upper()
    out = []
    for entry in _entries(raw):
        if entry.startswith("@"):
            continue
        parts = entry.split("|")
        if len(parts) < 2:
            continue
        dna = parts[6] if len(parts) > 6 else ""
        m = _BCSQ_DNA.search(dna)
        if m and not _bcsq_matches(m, pos, ref.upper(), target):
            continue
        out.append(ExternalAnnotation(
            source="BCSQ",
            gene=parts[1] or None,
            transcript=(parts[2] or None) if len(parts) > 2 else None,
            hgvsc=dna or None,
            hgvsp=(parts[5] or None) if len(parts) > 5 else None,
            consequence=parts[0] or None,
        ))
    return tuple(out)


def _bcsq_matches(m: re.Match[str], pos: int, ref: str, alt: str) -> bool:
    """bcftools writes the change trimmed to its minimal form, e.g. ``25398284C>T`` or
    ``55242465GGAATTAAGAGAAGC>G``; compare after trimming the record's alleles the same way."""
    b_pos, b_ref, b_alt = int(m.group(1)), m.group(2).upper(), m.group(3).upper()
    r, a, p = ref, alt, pos
    while len(r) > 1 and len(a) > 1 and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    while len(r) > 1 and len(a) > 1 and r[0] == a[0]:
        r, a, p = r[1:], a[1:], p + 1
    return (b_pos, b_ref, b_alt) == (p, r, a) or (b_ref == ref and b_alt == alt)
