"""Transcript models of the panel genes (MANE Select), one set per genome build.

These records are the stable interface between the transcript data in
``annotations/transcripts/`` and everything that uses it (consequence engine, knowledge-base
validator, copy-number gene overlap, region filters, example generators).

Coordinates: 1-based, inclusive, on the chromosome's + strand. ``exons`` are listed 5'->3' in
transcript orientation (so for a minus-strand gene the first exon has the highest coordinates).
Exon numbers count non-coding exons (PIK3CA exon 1 is non-coding: the literature's "exon 20" is
exon 21 here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from egfr_annot.records import Build

Strand = Literal["+", "-"]


@dataclass(frozen=True, slots=True)
class Exon:
    number: int
    start: int
    end: int
    # Coding part of the exon (genomic, + strand) and its HGVS c. range; None for non-coding exons.
    cds_start: int | None
    cds_end: int | None
    c_start: int | None
    c_end: int | None


@dataclass(frozen=True, slots=True)
class TranscriptModel:
    gene: str
    build: Build
    chrom: str  # canonical contig name without "chr": "7", "12", "X"
    strand: Strand
    refseq: str  # NM_ with version
    ensembl: str  # ENST with version
    refseq_protein: str  # NP_ with version ("" when unknown)
    ensembl_protein: str  # ENSP with version ("" when unknown)
    exons: tuple[Exon, ...]
    cds_seq: str  # coding strand, ATG ... stop codon included
    protein: str  # one-letter, without the terminal "*"
    tx_start: int  # lowest genomic coordinate of the transcript
    tx_end: int  # highest genomic coordinate of the transcript
    source: str = ""  # provenance of the model (refdata file and checksum)
    assembly_accession: str = ""  # RefSeq accession of the chromosome, e.g. NC_000007.14

    @property
    def cds_genomic_start(self) -> int:
        """Lowest genomic coordinate of the CDS."""
        return min(e.cds_start for e in self.exons if e.cds_start is not None)

    @property
    def cds_genomic_end(self) -> int:
        """Highest genomic coordinate of the CDS."""
        return max(e.cds_end for e in self.exons if e.cds_end is not None)

    @property
    def n_exons(self) -> int:
        return len(self.exons)

    def exons_of_codon(self, codon: int) -> tuple[int, ...]:
        """Exon numbers holding any base of protein residue ``codon`` (1-based)."""
        first, last = 3 * codon - 2, 3 * codon
        return tuple(
            e.number
            for e in self.exons
            if e.c_start is not None
            and e.c_end is not None
            and e.c_start <= last
            and e.c_end >= first
        )

    def codon_range_of_exon(self, exon: int) -> tuple[int, int] | None:
        """First and last residue with at least one base in exon ``exon`` (None if non-coding)."""
        for e in self.exons:
            if e.number == exon and e.c_start is not None and e.c_end is not None:
                return (e.c_start + 2) // 3, min((e.c_end + 2) // 3, len(self.protein) + 1)
        return None
