"""Per-transcript precomputation: genomic <-> transcript (cDNA) <-> c. coordinate maps.

Built once per transcript model (issue #3). Coordinates: genomic positions are 1-based on the
chromosome + strand; ``t`` is the 1-based position in the spliced transcript (cDNA, 5'->3');
``c`` numbers are HGVS c. numbers (``c.1`` = A of ATG; may be <= 0 or beyond the CDS end for UTRs,
see :meth:`TranscriptIndex.c_label`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from egfr_annot.genome.models import TranscriptModel
from egfr_annot.genome.reference import ReferenceSequence
from egfr_annot.genome.sequence import revcomp


@dataclass(frozen=True, slots=True)
class TxExon:
    number: int
    g_start: int
    g_end: int
    t_start: int  # cDNA position of the exon's 5' end (transcript orientation)
    t_end: int


@dataclass(frozen=True, slots=True)
class TxIntron:
    number: int  # intron n lies between exon n and exon n+1
    g_start: int  # genomic + strand coordinates of the whole intron
    g_end: int


class TranscriptIndex:
    """Coordinate maps and sequences of one transcript model."""

    __slots__ = (
        "model", "gene", "chrom", "plus", "exons", "introns", "n_exons", "t_len",
        "cds_t_start", "cds_t_end", "cds_len", "cds", "protein", "tx_seq", "utr3", "utr5",
        "g_start", "g_end", "cds_g_start", "cds_g_end", "_exon_starts", "_by_g",
        "_intron_starts", "_introns_by_g",
    )  # fmt: skip

    def __init__(self, model: TranscriptModel, reference: ReferenceSequence) -> None:
        self.model = model
        self.gene = model.gene
        self.chrom = model.chrom
        self.plus = model.strand == "+"
        exons: list[TxExon] = []
        t = 1
        cds_t_start = cds_t_end = 0
        for e in model.exons:
            length = e.end - e.start + 1
            exons.append(TxExon(e.number, e.start, e.end, t, t + length - 1))
            if e.cds_start is not None and e.cds_end is not None:
                # cDNA position of the CDS part's transcript-5' and 3' ends
                five = e.cds_start if self.plus else e.cds_end
                three = e.cds_end if self.plus else e.cds_start
                t5 = t + (five - e.start if self.plus else e.end - five)
                t3 = t + (three - e.start if self.plus else e.end - three)
                if e.c_start == 1:
                    cds_t_start = t5
                if e.c_end == len(model.cds_seq):
                    cds_t_end = t3
            t += length
        self.exons = tuple(exons)
        self.n_exons = len(exons)
        self.t_len = t - 1
        self.cds_t_start = cds_t_start
        self.cds_t_end = cds_t_end
        self.cds = model.cds_seq
        self.cds_len = len(model.cds_seq)
        self.protein = model.protein
        if cds_t_end - cds_t_start + 1 != self.cds_len:
            raise ValueError(f"{model.gene}: exon CDS parts do not add up to the CDS")
        introns = []
        for a, b in zip(exons, exons[1:], strict=False):
            lo, hi = (a.g_end + 1, b.g_start - 1) if self.plus else (b.g_end + 1, a.g_start - 1)
            introns.append(TxIntron(a.number, lo, hi))
        self.introns = tuple(introns)
        self.g_start = model.tx_start
        self.g_end = model.tx_end
        self.cds_g_start = model.cds_genomic_start
        self.cds_g_end = model.cds_genomic_end
        by_g = sorted(self.exons, key=lambda x: x.g_start)
        self._by_g = tuple(by_g)
        self._exon_starts = tuple(x.g_start for x in by_g)
        self._introns_by_g = tuple(sorted(self.introns, key=lambda i: i.g_start))
        self._intron_starts = tuple(i.g_start for i in self._introns_by_g)
        # spliced transcript sequence; N where the reference base is not known
        parts = []
        for x in self.exons:
            bases = reference.fetch(self.chrom, x.g_start, x.g_end)
            if bases is None:
                bases = "".join(
                    reference.fetch(self.chrom, g, g) or "N" for g in range(x.g_start, x.g_end + 1)
                )
            parts.append(bases if self.plus else revcomp(bases))
        self.tx_seq = "".join(parts)
        if self.tx_seq[cds_t_start - 1 : cds_t_end] != self.cds:
            raise ValueError(f"{model.gene}: reference bases disagree with the model CDS")
        utr3 = self.tx_seq[cds_t_end:]
        self.utr3 = utr3.split("N", 1)[0]  # stop at the first unknown base
        self.utr5 = self.tx_seq[: cds_t_start - 1]

    # ------------------------------------------------------------------ genomic -> transcript
    def exon_at(self, g: int) -> TxExon | None:
        i = bisect_right(self._exon_starts, g) - 1
        if i >= 0:
            x = self._by_g[i]
            if g <= x.g_end:
                return x
        return None

    def g2t(self, g: int) -> int | None:
        """cDNA position of genomic ``g`` (None when intronic or outside the transcript)."""
        x = self.exon_at(g)
        if x is None:
            return None
        return self.t_in_exon(x, g)

    def t_in_exon(self, exon: TxExon, g: int) -> int:
        """cDNA position of genomic ``g`` in ``exon`` (found by the caller)."""
        return exon.t_start + (g - exon.g_start if self.plus else exon.g_end - g)

    def t2g(self, t: int) -> int:
        for x in self.exons:
            if x.t_start <= t <= x.t_end:
                return x.g_start + (t - x.t_start) if self.plus else x.g_end - (t - x.t_start)
        raise ValueError(f"cDNA position {t} outside {self.model.refseq}")

    def intron_at(self, g: int) -> TxIntron | None:
        k = bisect_right(self._intron_starts, g) - 1
        if k >= 0 and g <= self._introns_by_g[k].g_end:
            return self._introns_by_g[k]
        return None

    def introns_near(self, start: int, end: int, slack: int) -> list[TxIntron]:
        """The introns that come within ``slack`` bases of genomic ``start..end`` (an
        insertion's ``start`` may be ``end + 1``), by binary search, in genomic order."""
        near = []
        k = bisect_right(self._intron_starts, end + slack) - 1
        while k >= 0 and self._introns_by_g[k].g_end + slack >= start:
            near.append(self._introns_by_g[k])
            k -= 1
        near.reverse()
        return near

    def overlapping_numbers(self, start: int, end: int) -> tuple[list[int], list[int]]:
        """Numbers of the exons and of the introns that genomic ``start..end`` overlaps
        (binary search: exons and introns do not overlap one another)."""
        exons = []
        k = bisect_right(self._exon_starts, end) - 1
        while k >= 0 and self._by_g[k].g_end >= start:
            exons.append(self._by_g[k].number)
            k -= 1
        introns = []
        k = bisect_right(self._intron_starts, end) - 1
        while k >= 0 and self._introns_by_g[k].g_end >= start:
            introns.append(self._introns_by_g[k].number)
            k -= 1
        return exons, introns

    # ------------------------------------------------------------------ c. numbering
    def c_of_t(self, t: int) -> str:
        """HGVS c. label of cDNA position ``t`` (``-14``, ``35``, ``*8``); t may lie outside."""
        if t < self.cds_t_start:
            return f"-{self.cds_t_start - t}"
        if t <= self.cds_t_end:
            return str(t - self.cds_t_start + 1)
        return f"*{t - self.cds_t_end}"

    def c_label(self, g: int) -> str:
        """HGVS c. position of genomic ``g``: exonic ``35``/``-14``/``*8``, intronic ``889+1``,
        ``3163-28`` (nearest exon; on a tie the ``+`` form), outside the transcript continued
        numbering (``-320``, ``*5001``)."""
        t = self.g2t(g)
        if t is not None:
            return self.c_of_t(t)
        intron = self.intron_at(g)
        if intron is None:  # outside the transcript: continue the numbering
            if (g < self.g_start) == self.plus:
                return self.c_of_t(1 - (self.g_start - g if self.plus else g - self.g_end))
            return self.c_of_t(self.t_len + (g - self.g_end if self.plus else self.g_start - g))
        return self.intron_c_label(intron, g)

    def exon_c_label(self, exon: TxExon, g: int) -> str:
        """:meth:`c_label` of genomic ``g`` in ``exon`` (found by the caller)."""
        return self.c_of_t(self.t_in_exon(exon, g))

    def intron_c_label(self, intron: TxIntron, g: int) -> str:
        """:meth:`c_label` of genomic ``g`` in ``intron`` (found by the caller)."""
        up_exon = self.exons[intron.number - 1]  # transcript-5' neighbour
        down_exon = self.exons[intron.number]
        if self.plus:
            d_up, d_down = g - intron.g_start + 1, intron.g_end - g + 1
        else:
            d_up, d_down = intron.g_end - g + 1, g - intron.g_start + 1
        if d_up <= d_down:
            return f"{self.c_of_t(up_exon.t_end)}+{d_up}"
        return f"{self.c_of_t(down_exon.t_start)}-{d_down}"

    def c_number(self, t: int) -> int:
        """Signed CDS position of cDNA ``t`` (c.1 = 1; 5' UTR <= 0; 3' UTR > CDS length)."""
        return t - self.cds_t_start + 1
