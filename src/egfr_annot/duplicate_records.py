"""One variant of one sample in several records: the files of two callers concatenated, or one
indel spelled two ways (left-aligned and not). Every record keeps its row (its own VAF, FILTER
and caller), each row says which other records hold the same variant, and the summary counts
the alteration once (``verdict.distinct_resistance``) and warns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from egfr_annot.records import Call, Finding


def note_duplicate_records(findings: Sequence[Finding]) -> tuple[list[Finding], list[str]]:
    """One sample's ``findings`` with a note on each row whose variant (normalised allele,
    transcript) other records of the sample hold too, and one line per such variant for the
    sample's summary."""
    groups: dict[tuple[str, str], list[tuple[int, Call]]] = {}
    for i, finding in enumerate(findings):
        key = finding.variant_key
        if key is not None and finding.call is not None:
            groups.setdefault(key, []).append((i, finding.call))
    notes: dict[int, str] = {}
    warnings: list[str] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        for i, call in members:
            others = ", ".join(_where(c) for _j, c in members if c is not call)
            notes[i] = (f"the same variant as the record at {others}: one variant in "
                        f"{len(members)} records (two callers' files merged, or one indel spelled "
                        "two ways), counted once in the summary")
        first = findings[members[0][0]]
        label = (f"{first.consequence.gene} {first.consequence.hgvsc}"
                 if first.consequence is not None else first.gene)
        warnings.append(f"{label} is in {len(members)} records ("
                        + ", ".join(_where(c) for _i, c in members) + "): counted once")
    if not notes:
        return list(findings), []
    out = [replace(f, notes=(*f.notes, notes[i])) if i in notes else f
           for i, f in enumerate(findings)]
    return out, warnings


def _where(call: Call) -> str:
    site = f"{call.chrom}:{call.pos} {call.ref}>{call.alt}"
    return f"line {call.line} ({site})" if call.line else site
