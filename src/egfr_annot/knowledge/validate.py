"""``egfr-annot kb validate``: check the whole knowledge base, listing every problem.

1. Every table matches its schema (columns, types, enums, patterns, unique ids).
2. The tables reference each other consistently (:mod:`egfr_annot.knowledge.consistency`): every
   strategy id, reference number, subtype, Fig. 3 class, tag and rsID used exists; evidence ranks
   agree with the settings.
3. Every variant rule resolves on the MANE transcript models of BOTH builds: the gene has a model,
   the named codon exists with the named reference residue (and the alternate residue differs),
   the exon exists and is coding, every anchor residue lies in its stated exon, and each rsID
   allele marked ``transcript_model`` maps to the stated c. position, bases and protein change.
4. ``VERSION`` is ``YEAR.MONTH.N`` and ``CHANGELOG.md`` has a section for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from egfr_annot.genome.models import TranscriptModel
from egfr_annot.knowledge.consistency import cross_reference_problems
from egfr_annot.knowledge.loader import read_knowledge_base
from egfr_annot.knowledge.model import GenomicAllele, KnowledgeBase
from egfr_annot.knowledge.protein import AA3_TO_1
from egfr_annot.records import BUILDS, Build

VERSION_PATTERN = re.compile(r"^[0-9]{4}\.[0-9]{1,2}\.[0-9]+$")
_BASES = "TCAG"
_CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: _CODE[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
_COMPLEMENT = str.maketrans("ACGT", "TGCA")

ModelsByBuild = Mapping[Build, Mapping[str, TranscriptModel]]


def validate_knowledge(
    annotations_dir: Path | str, models: ModelsByBuild | None = None
) -> list[str]:
    """All problems of the knowledge base in ``annotations_dir`` (empty list = valid).

    Parameters
    ----------
    annotations_dir
        The ``annotations/`` directory to check.
    models
        Transcript models per build; default: loaded from ``annotations_dir/transcripts``.
    """
    directory = Path(annotations_dir)
    kb, problems = read_knowledge_base(directory)
    if kb is not None:
        problems += cross_reference_problems(kb)
    problems += _version_problems(directory, kb)
    if kb is None:
        return problems
    if models is None:
        models, load_problems = _load_models(directory)
        problems += load_problems
    for build in BUILDS:
        if build in models:
            problems += numbering_problems(kb, build, models[build])
    return problems


def _load_models(directory: Path) -> tuple[dict[Build, Mapping[str, TranscriptModel]], list[str]]:
    from egfr_annot.genome.transcripts import load_transcript_models

    models: dict[Build, Mapping[str, TranscriptModel]] = {}
    problems: list[str] = []
    for build in BUILDS:
        try:
            models[build] = load_transcript_models(build, directory)
        except (OSError, ValueError, KeyError) as err:
            problems.append(
                f"{directory / 'transcripts'}: cannot load {build} transcript models to check the "
                f"rules' numbering: {err}"
            )
    return models, problems


def _version_problems(directory: Path, kb: KnowledgeBase | None) -> list[str]:
    version_file = directory / "VERSION"
    if kb is None or not kb.version:
        return []  # already reported by the loader
    problems = []
    if not VERSION_PATTERN.match(kb.version):
        problems.append(f"{version_file}:1: {kb.version!r} is not YEAR.MONTH.N (e.g. 2026.11.0)")
    changelog = directory / "CHANGELOG.md"
    try:
        text = changelog.read_text(encoding="utf-8")
    except OSError:
        return [*problems, f"{changelog}: missing"]
    if not re.search(rf"^#+ +{re.escape(kb.version)}\b", text, flags=re.MULTILINE):
        problems.append(f"{changelog}: no section for version {kb.version}")
    return problems


def numbering_problems(
    kb: KnowledgeBase, build: Build, models: Mapping[str, TranscriptModel]
) -> list[str]:
    """Check every rule's codon/exon/anchor numbering and rsID alleles on one build's models."""
    problems: list[str] = []
    cat = kb.directory / "resistance_catalogue.tsv"
    for rule in kb.rules:
        where = f"{cat}:{rule.line}: {rule.rule_id} ({build})"
        p = rule.alteration
        if p.kind in ("sample", "genomic"):
            continue
        model = models.get(rule.gene)
        if model is None:
            problems.append(f"{where}: no transcript model for {rule.gene}")
            continue
        protein = model.protein
        if p.kind in ("protein", "codon"):
            assert p.position is not None
            if p.position > len(protein):
                problems.append(
                    f"{where}: residue {p.position} beyond the {len(protein)}-residue "
                    f"{model.refseq_protein or model.refseq} protein"
                )
            elif protein[p.position - 1] != p.ref_aa:
                problems.append(
                    f"{where}: residue {p.position} of {model.refseq_protein or model.refseq} is "
                    f"{protein[p.position - 1]}, not {p.ref_aa}"
                )
            elif not model.exons_of_codon(p.position):
                problems.append(f"{where}: codon {p.position} is in no coding exon")
        elif p.kind == "exon":
            assert p.exon is not None
            if not 1 <= p.exon <= model.n_exons:
                problems.append(
                    f"{where}: exon {p.exon} does not exist ({model.refseq} has {model.n_exons})"
                )
            elif model.codon_range_of_exon(p.exon) is None:
                problems.append(f"{where}: exon {p.exon} of {model.refseq} is not coding")
        elif p.kind == "domain":
            assert p.end is not None
            if p.end > len(protein):
                problems.append(f"{where}: residue range ends beyond the protein ({len(protein)})")
        for anchor in rule.anchor_residues:
            if anchor.position > len(protein) or protein[anchor.position - 1] != anchor.residue:
                found = protein[anchor.position - 1] if anchor.position <= len(protein) else "-"
                problems.append(
                    f"{where}: anchor {anchor}: residue {anchor.position} is {found}, "
                    f"not {anchor.residue}"
                )
            elif anchor.exon not in model.exons_of_codon(anchor.position):
                problems.append(
                    f"{where}: anchor {anchor}: residue {anchor.position} is in exon(s) "
                    f"{','.join(map(str, model.exons_of_codon(anchor.position))) or 'none'} of "
                    f"{model.refseq}, not {anchor.exon}"
                )
        if p.kind == "exon" and any(a.exon != p.exon for a in rule.anchor_residues):
            problems.append(f"{where}: anchor residues name another exon than exon:{p.exon}")
        if p.kind in ("protein", "codon") and any(
            a.position == p.position and a.residue != p.ref_aa for a in rule.anchor_residues
        ):
            problems.append(f"{where}: anchor disagrees with the rule's reference residue")
    ga = kb.directory / "genomic_alleles.tsv"
    for allele in kb.genomic_alleles:
        if allele.build != build:
            continue
        where = f"{ga}: {allele.allele_id} ({build})"
        model = models.get(allele.gene)
        if allele.verified == "transcript_model":
            if model is None:
                problems.append(f"{where}: marked transcript_model but {allele.gene} has no model")
            else:
                problems += [f"{where}: {p}" for p in allele_problems(allele, model)]
        elif model is not None:
            problems.append(
                f"{where}: marked unverified although {allele.gene} has a transcript model"
            )
    return problems


def _c_position(model: TranscriptModel, pos: int) -> int | None:
    for exon in model.exons:
        if exon.cds_start is None or exon.cds_end is None or exon.c_start is None:
            continue
        if exon.cds_start <= pos <= exon.cds_end:
            if model.strand == "+":
                return exon.c_start + (pos - exon.cds_start)
            return exon.c_start + (exon.cds_end - pos)
    return None


def allele_problems(allele: GenomicAllele, model: TranscriptModel) -> list[str]:
    """Check an SNV allele against the model: c. position, bases, codon and protein change."""
    if len(allele.ref) != 1 or len(allele.alt) != 1:
        return ["only single-base alleles can be checked"]
    if model.chrom != allele.chrom:
        return [f"chromosome {allele.chrom} differs from the model's {model.chrom}"]
    c_pos = _c_position(model, allele.pos)
    if c_pos is None:
        return [f"position {allele.pos} is not in the coding sequence of {model.refseq}"]
    ref, alt = allele.ref, allele.alt
    if model.strand == "-":
        ref, alt = ref.translate(_COMPLEMENT), alt.translate(_COMPLEMENT)
    problems = []
    if model.cds_seq[c_pos - 1] != ref:
        problems.append(
            f"c.{c_pos} of {model.refseq} is {model.cds_seq[c_pos - 1]}, but the allele's REF "
            f"gives {ref}"
        )
    expected_c = f"c.{c_pos}{ref}>{alt}"
    if allele.hgvsc != expected_c:
        problems.append(f"hgvsc {allele.hgvsc!r} differs from {expected_c!r}")
    codon_no = (c_pos + 2) // 3
    codon = model.cds_seq[3 * codon_no - 3 : 3 * codon_no]
    offset = (c_pos - 1) % 3
    mutated = codon[:offset] + alt + codon[offset + 1 :]
    m = re.fullmatch(r"p\.([A-Z][a-z]{2})([0-9]+)([A-Z][a-z]{2})", allele.hgvsp)
    if m is None:
        return [*problems, f"hgvsp {allele.hgvsp!r} is not a three-letter substitution"]
    want = (AA3_TO_1.get(m.group(1)), int(m.group(2)), AA3_TO_1.get(m.group(3)))
    got = (CODON_TABLE.get(codon), codon_no, CODON_TABLE.get(mutated))
    if want != got:
        problems.append(f"hgvsp {allele.hgvsp!r} but the model gives {got}")
    if model.protein[codon_no - 1] != got[0]:
        problems.append(f"residue {codon_no} of the model protein is {model.protein[codon_no - 1]}")
    return problems
