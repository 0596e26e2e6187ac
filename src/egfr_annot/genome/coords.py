"""CDS <-> genome coordinates on a transcript model; the SNVs behind a protein change (issue #3).

Used to place named variants (``KRAS:p.G12D``) at their true coordinates in tests, example files
and the knowledge-base validator. Pure functions of
:class:`~egfr_annot.genome.models.TranscriptModel`
(no reference sequence needed: the codons come from the model's CDS).
"""

from __future__ import annotations

from egfr_annot.genome.hgvs import ProteinChange, parse_protein_change
from egfr_annot.genome.models import TranscriptModel
from egfr_annot.genome.sequence import CODON_TABLE, revcomp

GenomicAllele = tuple[str, int, str, str]  # (chrom, pos, ref, alt), + strand, VCF style


def cds_to_genomic(model: TranscriptModel, c_pos: int) -> int:
    """Genomic position (+ strand, 1-based) of CDS base ``c.<c_pos>`` (1 = A of the ATG).

    Raises
    ------
    ValueError
        If ``c_pos`` is outside ``1..len(CDS)``.
    """
    if not 1 <= c_pos <= len(model.cds_seq):
        raise ValueError(
            f"c.{c_pos} is outside the CDS of {model.refseq} (1..{len(model.cds_seq)})"
        )
    for e in model.exons:
        if e.c_start is None or e.c_end is None or e.cds_start is None or e.cds_end is None:
            continue
        if e.c_start <= c_pos <= e.c_end:
            offset = c_pos - e.c_start
            return e.cds_start + offset if model.strand == "+" else e.cds_end - offset
    raise ValueError(f"c.{c_pos} not found in the exons of {model.refseq}")  # pragma: no cover


def genomic_to_cds(model: TranscriptModel, pos: int) -> int | None:
    """CDS position ``c.N`` of genomic ``pos`` when it is a coding base, else None."""
    for e in model.exons:
        if e.c_start is None or e.cds_start is None or e.cds_end is None:
            continue
        if e.cds_start <= pos <= e.cds_end:
            offset = pos - e.cds_start if model.strand == "+" else e.cds_end - pos
            return e.c_start + offset
    return None


def alleles_for_protein_change(
    model: TranscriptModel, change: str | ProteinChange
) -> list[GenomicAllele]:
    """All single-nucleotide changes that produce ``change`` on ``model``.

    Substitutions, nonsense and synonymous changes give the SNVs that turn the codon into the
    named residue; a codon (``p.G12``) gives every SNV changing that residue; ``p.M1?`` every SNV
    abolishing the start codon. Other kinds (deletions, frameshifts, ...) are not single-nucleotide
    changes and give an empty list. Alleles are ``(chrom, pos, ref, alt)`` on the + strand,
    sorted by position and ALT.

    Raises
    ------
    ValueError
        If ``change`` does not parse, or the reference residue disagrees with the model's protein.
    """
    pc = parse_protein_change(change) if isinstance(change, str) else change
    if pc is None:
        raise ValueError(f"not a protein change: {change!r}")
    if pc.kind not in ("substitution", "nonsense", "synonymous", "codon", "start_lost"):
        return []
    codon_no = pc.start
    n_codons = len(model.cds_seq) // 3
    if not 1 <= codon_no <= n_codons:
        raise ValueError(f"{pc.short()}: residue {codon_no} is outside {model.refseq_protein}")
    ref_codon = model.cds_seq[3 * codon_no - 3 : 3 * codon_no]
    ref_aa = CODON_TABLE[ref_codon]
    if pc.ref != ref_aa:
        raise ValueError(
            f"{pc.short()}: residue {codon_no} of {model.gene} ({model.refseq_protein}) is {ref_aa}"
        )
    out: list[GenomicAllele] = []
    for i in range(3):
        c_pos = 3 * codon_no - 2 + i
        g = cds_to_genomic(model, c_pos)
        for base in "ACGT":
            if base == ref_codon[i]:
                continue
            new = ref_codon[:i] + base + ref_codon[i + 1 :]
            aa = CODON_TABLE[new]
            keep = {
                "substitution": aa == pc.alt,
                "nonsense": aa == "*",
                "synonymous": aa == ref_aa,
                "codon": aa != ref_aa,
                "start_lost": new != "ATG",
            }[pc.kind]
            if keep:
                ref_g, alt_g = (
                    (ref_codon[i], base)
                    if model.strand == "+"
                    else (revcomp(ref_codon[i]), revcomp(base))
                )
                out.append((model.chrom, g, ref_g, alt_g))
    return sorted(out, key=lambda a: (a[1], a[3]))
