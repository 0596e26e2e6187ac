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
    groups: dict[tuple[str, str], list[int]] = {}
    for i, finding in enumerate(findings):
        if finding.call is not None and finding.allele is not None:
            where = finding.consequence.transcript if finding.consequence else finding.gene
            groups.setdefault((finding.allele.key, where), []).append(i)
    notes: dict[int, str] = {}
    warnings: list[str] = []
    for members in groups.values():
        calls = [findings[i].call for i in members]
        if len(members) < 2:
            continue
        for i, call in zip(members, calls, strict=True):
            others = ", ".join(_where(c) for c in calls if c is not call and c is not None)
            notes[i] = (f"the same variant as the record at {others}: one variant in "
                        f"{len(members)} records (two callers' files merged, or one indel spelled "
                        "two ways), counted once in the summary")
        first = findings[members[0]]
        label = (f"{first.consequence.gene} {first.consequence.hgvsc}"
                 if first.consequence is not None else first.gene)
        warnings.append(f"{label} is in {len(members)} records ("
                        + ", ".join(_where(c) for c in calls if c is not None)
                        + "): counted once")
    if not notes:
        return list(findings), []
    out = [replace(f, notes=(*f.notes, notes[i])) if i in notes else f
           for i, f in enumerate(findings)]
    return out, warnings


def _where(call: Call) -> str:
    site = f"{call.chrom}:{call.pos} {call.ref}>{call.alt}"
    return f"line {call.line} ({site})" if call.line else site
