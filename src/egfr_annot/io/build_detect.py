"""Genome build from a VCF header: contig lengths, reference/assembly names, RefSeq accessions.

Three kinds of evidence, each reported with what it saw:

- ``contig lengths``: ``##contig`` lengths of primary chromosomes compared with GRCh37 and
  GRCh38 (e.g. chr7 159138663 vs 159345973; hg19's chrM is 16571 bp, the rCRS 16569 bp).
- ``reference name``: ``##reference``, ``##assembly``, ``assembly=`` of contig lines, VEP/GATK/
  DRAGEN command lines, liftOver target (``hg19Tohg38`` -> GRCh38): hg19, b37, hs37d5,
  human_g1k_v37, GRCh37; hg38, hs38DH, Homo_sapiens_assembly38, GRCh38; GCA/GCF accessions.
- ``contig accessions``: versioned ``NC_0000NN.v`` contig names.

If the pieces disagree the result is ``(None, "conflicting header evidence: ...")``; the
lead's REF-base concordance check decides then. REF concordance is not done here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from egfr_annot.io.contigs import (
    CONTIG_LENGTHS,
    HG19_CHRM_LENGTH,
    build_from_accession,
    canonical_contig,
)
from egfr_annot.records import Build

if TYPE_CHECKING:
    from egfr_annot.io.vcf_header import VcfHeader


@dataclass(frozen=True, slots=True)
class BuildEvidence:
    build: Build
    kind: str  # "contig lengths" | "reference name" | "contig accessions"
    detail: str


_B = r"(?<![A-Za-z0-9])"  # left boundary
_E = r"(?![0-9])"  # right boundary (letters may follow: "hg19full", "GRCh38.p13")
_NAME_PATTERNS: tuple[tuple[Build, re.Pattern[str]], ...] = (
    ("GRCh37", re.compile(
        rf"{_B}(?:GRCh37|hg19|b37|hs37d5|hs37|human_g1k_v37|g1k_v37|NCBI37|hg37|GRCh37lite)"
        rf"{_E}|{_B}GCA_000001405\.(?:[1-9]|1[0-4]){_E}|{_B}GCF_000001405\.(?:1[3-9]|2[0-5]){_E}",
        re.IGNORECASE)),
    ("GRCh38", re.compile(
        rf"{_B}(?:GRCh38|hg38|b38|hs38|hs38DH|hs38d1|Homo_sapiens_assembly38|NCBI38|GRCh38_full)"
        rf"{_E}|{_B}GCA_000001405\.(?:1[5-9]|2[0-9]){_E}|{_B}GCF_000001405\.(?:2[6-9]|3[0-9]|40){_E}",
        re.IGNORECASE)),
)
_LIFTOVER = re.compile(r"(hg19|hg38|GRCh37|GRCh38|b37)To(hg19|hg38|GRCh37|GRCh38|b37)",
                       re.IGNORECASE)
# Meta keys whose value names the reference or assembly of the records.
_REFERENCE_KEYS = frozenset({"reference", "assembly", "genome", "genome_build", "build",
                             "ref", "referencename", "reference_genome", "vep"})


def _name_build(text: str) -> set[Build]:
    return {build for build, pattern in _NAME_PATTERNS if pattern.search(text)}


def build_evidence(
    contigs: Mapping[str, int | None],
    meta: Sequence[tuple[str, str]],
    contig_assemblies: Sequence[str] = (),
) -> tuple[BuildEvidence, ...]:
    out: list[BuildEvidence] = []
    # 1. contig lengths
    hits: dict[Build, list[str]] = {"GRCh37": [], "GRCh38": []}
    for name, length in contigs.items():
        if length is None:
            continue
        chrom = canonical_contig(name)
        if chrom is None:
            continue
        if chrom == "MT":
            if length == HG19_CHRM_LENGTH:
                hits["GRCh37"].append(f"{name}={length} (hg19 chrM)")
            continue
        for build, table in CONTIG_LENGTHS.items():
            if table.get(chrom) == length:
                hits[build].append(f"{name}={length}")
    for build, names in hits.items():
        if names:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            out.append(BuildEvidence(build, "contig lengths", shown))
    # 2. accessions used as contig names
    acc: dict[Build, list[str]] = {"GRCh37": [], "GRCh38": []}
    for name in contigs:
        b = build_from_accession(name)
        if b is not None:
            acc[b].append(name)
    for build, names in acc.items():
        if names:
            out.append(BuildEvidence(build, "contig accessions", ", ".join(names[:3])))
    # 3. names in header text
    seen: set[tuple[Build, str]] = set()
    texts = [(f"##contig assembly={a}", a) for a in contig_assemblies]
    for key, value in meta:
        low = key.lower()
        if "liftover" in low:
            m = _LIFTOVER.search(value)
            if m:
                target = _name_build(m.group(2))
                for b in target:
                    if (b, key) not in seen:
                        seen.add((b, key))
                        out.append(BuildEvidence(b, "reference name",
                                                 f"##{key} lifts over to {m.group(2)}"))
            continue
        if low in _REFERENCE_KEYS or low.endswith("commandline") or low.endswith("_command"):
            texts.append((f"##{key}", value))
    for where, text in texts:
        for b in sorted(_name_build(text)):
            if (b, where) in seen:
                continue
            seen.add((b, where))
            snippet = text if len(text) <= 80 else text[:77] + "..."
            out.append(BuildEvidence(b, "reference name", f"{where}: {snippet}"))
    return tuple(out)


def decide(evidence: Sequence[BuildEvidence]) -> tuple[Build | None, str]:
    if not evidence:
        return None, ("no build evidence in the header (no known contig lengths, reference name "
                      "or accession)")
    builds = {e.build for e in evidence}
    text = "; ".join(f"{e.kind} say {e.build} ({e.detail})" for e in evidence)
    if len(builds) > 1:
        return None, f"conflicting header evidence: {text}"
    return next(iter(builds)), text


def detect_build_from_parts(
    contigs: Mapping[str, int | None],
    meta: Sequence[tuple[str, str]],
    contig_assemblies: Sequence[str] = (),
) -> tuple[Build | None, str]:
    return decide(build_evidence(contigs, meta, contig_assemblies))


def detect_build(header: VcfHeader) -> tuple[Build | None, str]:
    """``(build or None, evidence text)`` from a parsed header (see the module docstring)."""
    assemblies = []
    from egfr_annot.io.vcf_header import parse_structured

    for key, value in header.meta:
        if key == "contig":
            fields = parse_structured(value) or {}
            if fields.get("assembly"):
                assemblies.append(fields["assembly"])
    return detect_build_from_parts(header.contigs, header.meta, assemblies)
