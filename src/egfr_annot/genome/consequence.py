"""Consequence engine: effect of a genomic allele on the MANE Select transcripts, as VEP writes it.

This docstring is the specification (issue #3; modelled on the header of bcftools ``csq.c``).
Users need no VEP cache: the aim is the HGVS c./p. and SO terms that Ensembl VEP (release >= 105,
``--hgvs --shift_hgvs 1``, default ``--shift_3prime 0``) gives on the MANE Select transcript, and
the ``HGVSp_Short`` that vcf2maf derives from it.

Coordinate conventions
----------------------
* Genomic positions are 1-based on the chromosome + strand, contigs without ``chr`` (``"7"``).
* An allele is handled internally in minimal form ``(start, end, ref, alt)`` with both alleles
  trimmed of common bases; an insertion has ``end == start - 1`` (it lies between ``end`` and
  ``start``). :class:`~egfr_annot.records.Allele` is the VCF form of the same thing (one anchor base
  before an indel).
* ``t`` = position in the spliced transcript (cDNA), ``c`` = HGVS c. number; intronic positions are
  named from the nearest exon (``c.889+1``, ``c.3163-28``; the ``+`` form on a tie); 5' UTR
  ``c.-14``, 3' UTR ``c.*8``; UTR introns ``c.-14+5``, ``c.*8-3``.

Normalisation
-------------
``Annotator.normalise``: canonical contig (``chr7``/``7``/``NC_000007.14``/``NC_000007.13`` ->
``7``), upper-case, trim the common suffix then the common prefix, left-align indels against the
reference where the reference is known (VCF convention, as ``bcftools norm``), re-add one anchor
base. Where the reference is unknown (KRAS/ERBB2 introns) the allele is only trimmed.

Two positions per allele (VEP convention)
-----------------------------------------
1. SO terms, exon/intron number, codons, amino acids and CDS/protein positions are computed on the
   *input* (left-aligned, i.e. unshifted) allele.
2. HGVS c. and p. are computed on the allele shifted 3' in *transcript* orientation over the
   genomic sequence (right on the + strand, left on the - strand; across exon/intron boundaries;
   only insertions and deletions shift, never delins/MNVs). The shift stops where the reference is
   unknown (then a note says so).

Search order for one transcript (VEP predicates, ``VariationEffect.pm``)
-----------------------------------------------------------------------
1. Overlap: the allele must overlap the transcript span (an insertion must lie strictly inside);
   upstream/downstream alleles get no consequence.
2. Splice/intron flags per intron, on the differing bases only (an MNV's unchanged bases do not
   count): donor = intron bases +1/+2, acceptor = -1/-2, ``splice_donor_5th_base_variant`` = +5,
   ``splice_donor_region_variant`` = +3..+6 (not with the 5th base),
   ``splice_polypyrimidine_tract_variant`` = -3..-17 (tested on (min, max), so an insertion
   touching -3 counts; never when the allele touches an exon base, VEP 109+),
   ``splice_region_variant`` = exon bases 1-3 next to the intron or intron bases 3-8 (plus
   insertions at those edges), ``intron_variant`` = intron bases +3..-3. A donor/acceptor hit
   drops only ``splice_region_variant``; the 5th base and the donor region drop it too (VEP 105+
   prints ``c.N+3G>T`` as ``splice_donor_region_variant,intron_variant``), the tract term does
   not (``splice_region_variant,splice_polypyrimidine_tract_variant`` at -3..-8).
3. Exonic part: cDNA positions of the changed bases (an insertion next to an exon edge belongs to
   the exon, as Ensembl's mapper ``map_insert``). The codon change is defined only when every
   changed base is in the CDS, contiguously (an insertion: both flanks in the CDS).
4. Coding terms from the reference/alternate codons and peptides (partial codon -> ``X``):
   ``stop_retained_variant``, ``stop_gained`` (a stop among the alternate codons, so a frameshift
   whose first new codon is a stop is ``stop_gained,frameshift_variant``), ``stop_lost``,
   ``start_lost``, ``synonymous_variant`` and ``missense_variant`` (length-neutral alleles only),
   ``inframe_insertion``, ``inframe_deletion``, ``protein_altering_variant`` (an in-frame change
   that is neither), ``frameshift_variant``, ``start_retained_variant``; with no defined codon but
   CDS bases touched: stop/start lost/retained from re-splicing the sequence, else
   ``coding_sequence_variant``.
5. ``5_prime_UTR_variant``/``3_prime_UTR_variant``: any exonic base, and the allele lies 5'/3' of
   the CDS (an insertion right before the ATG / right after the stop counts as UTR).
6. Terms are sorted by :data:`~egfr_annot.genome.so.SO_TERMS_BY_SEVERITY` (VEP rank).

HGVS p. (``TranscriptVariationAllele::hgvs_protein``)
------------------------------------------------------
Written only when the input allele overlaps the genomic CDS span (introns included) and the
*shifted* allele lies wholly in the CDS (so an intronic input that shifts into an exon gets a p.,
and a deletion that shifts out of the exon gets none). Frameshifts:
translate the edited CDS followed by the 3' UTR, first differing residue ``p.Xaa<n>Yaa fsTer<k>``
(``fsTer?`` when no stop is reached; ``p.Xaa<n>Ter`` when the first changed residue is a stop).
In-frame: reference/alternate peptides of the affected codons, common residues clipped, then
``=`` (synonymous, also ``p.Ter<n>=``), substitution, ``del`` (3'-shifted along the protein),
``ins`` (3'-shifted; ``dup`` when equal to the residues before), ``delins``; stop loss
``p.Ter<n>Xaaext Ter<k>``; start loss ``p.Met1?``. 3-letter codes, ``Ter`` for stops.
``hgvsp_short`` = 1-letter form (``Ter`` -> ``*``); without a p. and with a splice acceptor/donor/
region (or donor 5th base/donor region) term as the *most severe* term it is vcf2maf/Genome Nexus'
``p.X<n>_splice`` with ``n = round((c + c % 3) / 3)`` from the first number of the c. position.
A start_lost allele's p. is ``p.Met1?`` even for a frameshift; ``start_lost``/``stop_lost`` in
the p. rules are the *input* allele's (VEP's predicate cache). An ALT with N gets no c./p.

REF check
---------
When the input REF disagrees with a known reference base the consequence has ``ref_matches=False``,
a note naming the reference base (usually the wrong genome build), location terms only and never a
protein change (empty ``hgvsp``/``hgvsp_short``/codons).

Performance: the transcript index is built once per transcript; results are cached per allele.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from egfr_annot.dataclass_init import fast_frozen_init
from egfr_annot.genome.contigs import canonical_contig
from egfr_annot.genome.models import TranscriptModel
from egfr_annot.genome.reference import ReferenceSequence
from egfr_annot.genome.sequence import (
    AA1_TO_AA3,
    CODON_TABLE,
    revcomp,
    three_to_one,
    to_three_letter,
    translate,
)
from egfr_annot.genome.so import SPLICE_TERMS, sort_terms
from egfr_annot.genome.transcripts import load_transcript_models
from egfr_annot.genome.txindex import TranscriptIndex, TxExon, TxIntron
from egfr_annot.records import Allele, Build, Consequence
from egfr_annot.spans import merge_spans

_EMPTY = ("", "-")
_CACHE_LIMIT = 100_000  # alleles per cache before it is emptied
_BASES = re.compile(r"[ACGTN]*")
# IUPAC ambiguity codes a REF may carry (U: RNA's T) and the bases each allows
_IUPAC = {"R": "AG", "Y": "CT", "K": "GT", "M": "AC", "S": "CG", "W": "AT", "B": "CGT",
          "D": "AGT", "H": "ACT", "V": "ACG", "U": "T"}
_AMBIGUOUS = re.compile(r"[ACGTNRYKMSWBDHVU]+")
_PLAIN_BASE = frozenset("ACGTacgt")


class _Bases(Protocol):
    def fetch(self, chrom: str, start: int, end: int) -> str | None: ...


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class MinimalAllele:
    """Trimmed allele: ``ref`` occupies start..end (+ strand); insertion: ``end == start - 1``."""

    chrom: str
    start: int
    end: int
    ref: str
    alt: str

    @property
    def is_insertion(self) -> bool:
        return not self.ref and bool(self.alt)

    @property
    def is_deletion(self) -> bool:
        return bool(self.ref) and not self.alt


# ---------------------------------------------------------------------------- small helpers
def _overlap(a1: int, a2: int, b1: int, b2: int) -> bool:
    return a2 >= b1 and a1 <= b2


def _peptide(codon: str) -> str:
    """VEP ``peptide()``: translate whole codons, add X for a partial codon (unless just a stop)."""
    if codon == "-":
        return "-"
    whole = len(codon) // 3 * 3
    pep = translate(codon[:whole])
    if len(codon) > whole and pep != "*":
        pep += "X"
    return pep or "-"


def _short_p(hgvsp: str) -> str:
    return three_to_one(hgvsp) if hgvsp else ""


def _splice_short(hgvsc: str) -> str:
    match = re.match(r"c\.(\d+)", hgvsc)
    if not match:
        return ""
    c_pos = max(int(match.group(1)), 1)
    return f"p.X{round((c_pos + c_pos % 3) / 3)}_splice"


class Annotator:
    """Annotate alleles on the MANE Select transcripts of one genome build.

    Parameters
    ----------
    build
        ``"GRCh37"`` or ``"GRCh38"``.
    annotations_dir
        ``annotations/`` directory (default: the bundled one).
    """

    def __init__(self, build: Build, annotations_dir: Path | None = None) -> None:
        self.build: Build = build
        self.models: Mapping[str, TranscriptModel] = load_transcript_models(build, annotations_dir)
        self.reference = ReferenceSequence(build, annotations_dir)
        self._index: dict[str, TranscriptIndex] = {}
        self._by_chrom: dict[str, list[TranscriptModel]] = {}
        for m in self.models.values():
            self._by_chrom.setdefault(m.chrom, []).append(m)
        self._norm_cache: dict[tuple[str, int, str, str], Allele] = {}
        self._csq_cache: dict[tuple[str, int, str, str], tuple[Consequence, ...]] = {}
        self._known_spans: dict[str, tuple[list[int], list[int]]] | None = None
        # the aligned minimal allele of the last allele normalise() returned unchanged
        self._last_aligned: tuple[tuple[str, int, str, str], MinimalAllele | None] = (
            ("", 0, "", ""), None)

    # ------------------------------------------------------------------ public API
    def genes_overlapping(self, chrom: str, start: int, end: int) -> tuple[str, ...]:
        """Panel genes whose transcript span overlaps ``chrom:start-end`` (1-based, inclusive)."""
        c = canonical_contig(chrom)
        return tuple(
            m.gene for m in self._by_chrom.get(c, ()) if _overlap(start, end, m.tx_start, m.tx_end)
        )

    def may_annotate(self, chrom: str, pos: int, ref_len: int) -> bool:
        """False when neither a panel transcript nor a known reference base lies within one
        base of the record ``chrom:pos`` with a REF of ``ref_len`` bases: its allele then cannot
        be shifted by normalisation and has no consequence, so callers may skip both (most
        records of WGS input in the tumour-evidence genes, issue #9)."""
        if self._known_spans is None:
            self._known_spans = self._spans_with_transcripts_or_bases()
        spans = self._known_spans.get(canonical_contig(chrom))
        if spans is None:
            return False
        starts, ends = spans
        i = bisect_right(starts, pos + max(ref_len, 1)) - 1
        return i >= 0 and ends[i] >= pos - 1

    def _spans_with_transcripts_or_bases(self) -> dict[str, tuple[list[int], list[int]]]:
        """Per contig, the merged spans of the transcripts and the known reference segments."""
        raw: dict[str, list[tuple[int, int]]] = {}
        for m in self.models.values():
            raw.setdefault(m.chrom, []).append((m.tx_start, m.tx_end))
        for chrom, start, end in self.reference.known_spans():
            raw.setdefault(chrom, []).append((start, end))
        return {chrom: merge_spans(spans) for chrom, spans in raw.items()}

    def ref_matches(self, chrom: str, pos: int, ref: str) -> bool | None:
        """Does ``ref`` equal the reference at ``chrom:pos``? None where it is unknown."""
        ref = ref.upper()
        if ref in _EMPTY:
            return True
        known = self.reference.fetch(chrom, pos, pos + len(ref) - 1)
        if known is None:
            return None
        if known == ref:
            return True
        # N and the IUPAC codes match the bases they allow (M: A or C); the b37 FASTA itself
        # has a few, and VEP reads no REF base
        return _AMBIGUOUS.fullmatch(ref) is not None and all(
            written == base or base in _IUPAC.get(written, "ACGT" if written == "N" else "")
            for written, base in zip(ref, known, strict=True))

    def normalise(self, chrom: str, pos: int, ref: str, alt: str) -> Allele:
        """Canonical, trimmed, left-aligned VCF-style allele.

        ``ref``/``alt`` may be empty or ``-`` (MAF style): an empty REF is an insertion *after*
        ``pos``; an empty ALT is a deletion of REF starting at ``pos``. Where the anchor base is not
        known the returned allele keeps an empty REF/ALT.

        Raises
        ------
        ValueError
            If REF/ALT are not A/C/G/T/N sequences (symbolic, ``*``, ``.``) or REF equals ALT.
        """
        key = (chrom, pos, ref, alt)
        cached = self._norm_cache.get(key)
        if cached is not None:
            return cached
        if len(ref) == 1 and len(alt) == 1 and ref in _PLAIN_BASE and alt in _PLAIN_BASE:
            # A base change (most records): already minimal, nothing to align (issue #9)
            ref, alt = ref.upper(), alt.upper()
            if ref != alt:
                m = MinimalAllele(canonical_contig(chrom), pos, pos, ref, alt)
                allele = Allele(self.build, m.chrom, pos, ref, alt)
                self._remember(key, allele, m, as_written=True)
                return allele
        m = self._minimal(chrom, pos, ref, alt)
        m = self._left_align(m)
        allele = self._to_vcf(m, pos, "" if ref in _EMPTY else ref.upper())
        as_written = allele.pos == pos and allele.ref == ref.upper() and allele.alt == alt.upper()
        self._remember(key, allele, m, as_written=as_written)
        return allele

    def _remember(self, key: tuple[str, int, str, str], allele: Allele, m: MinimalAllele, *,
                  as_written: bool) -> None:
        """Cache ``allele`` as the normal form of ``key``; keep its aligned minimal allele
        ``m`` for :meth:`annotate` when the record was written as it came (most are: annotate()
        would trim and align it to the same minimal allele again)."""
        if len(self._norm_cache) >= _CACHE_LIMIT:  # bounded: a WGS VCF must not fill memory
            self._norm_cache.clear()
        self._norm_cache[key] = allele
        if as_written:
            self._last_aligned = ((allele.chrom, allele.pos, allele.ref, allele.alt), m)

    def annotate(self, allele: Allele) -> tuple[Consequence, ...]:
        """One :class:`~egfr_annot.records.Consequence` per panel transcript the allele overlaps.

        The allele is (re-)normalised first, so a raw VCF-style allele gives the same answer as
        its normalised form. Empty when no panel transcript is overlapped (intergenic, upstream).

        Raises
        ------
        ValueError
            If the allele is of another build, or not a sequence change (see :meth:`normalise`).
        """
        if allele.build != self.build:
            raise ValueError(f"allele is {allele.build}, annotator is {self.build}")
        key = (allele.chrom, allele.pos, allele.ref, allele.alt)
        cached = self._csq_cache.get(key)
        if cached is not None:
            return cached
        chrom = canonical_contig(allele.chrom)
        last_key, m = self._last_aligned
        if last_key != key or m is None:
            m = self._left_align(self._minimal(chrom, allele.pos, allele.ref, allele.alt))
        out = []
        for model in self._by_chrom.get(chrom, ()):
            if not self._overlaps_transcript(m, model):
                continue
            out.append(self._annotate_one(m, self._tx(model), allele))
        result = tuple(out)
        if result:  # only panel alleles are worth keeping
            if len(self._csq_cache) >= _CACHE_LIMIT:
                self._csq_cache.clear()
            self._csq_cache[key] = result
        return result

    def annotate_vcf(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[Consequence, ...]:
        """Convenience: :meth:`normalise` then :meth:`annotate`."""
        return self.annotate(self.normalise(chrom, pos, ref, alt))

    # ------------------------------------------------------------------ normalisation
    def _minimal(self, chrom: str, pos: int, ref: str, alt: str) -> MinimalAllele:
        chrom = canonical_contig(chrom)
        ref = "" if ref in _EMPTY else ref.upper()
        alt = "" if alt in _EMPTY else alt.upper()
        if not _BASES.fullmatch(ref) and _AMBIGUOUS.fullmatch(ref):
            ref = self._resolve_ambiguous_ref(chrom, pos, ref)
            if ref != alt:  # (codes the reference base does not fit: read as N, see below)
                ref = re.sub(r"[^ACGTN]", "N", ref)
        if not _BASES.fullmatch(ref) or not _BASES.fullmatch(alt) or ref == alt:
            raise ValueError(f"{chrom}:{pos}:{ref or '-'}>{alt or '-'} is not a sequence change")
        if "N" in ref:
            ref = self._resolve_ref_n(chrom, pos, ref, alt)
        if not ref:  # MAF-style insertion after pos
            return MinimalAllele(chrom, pos + 1, pos, "", alt)
        start = pos
        # trim common suffix, then common prefix (left-most representation within the alleles)
        while ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        while ref and alt and ref[0] == alt[0]:
            ref, alt = ref[1:], alt[1:]
            start += 1
        return MinimalAllele(chrom, start, start + len(ref) - 1, ref, alt)

    def _resolve_ambiguous_ref(self, chrom: str, pos: int, ref: str) -> str:
        """IUPAC ambiguity codes in REF (the b37 FASTA has a few, e.g. M, R): each stands for
        the reference base there when that base is one it allows (M = A or C), as N does (see
        :meth:`_resolve_ref_n`). Left as written otherwise."""
        known = self.reference.fetch(chrom, pos, pos + len(ref) - 1)
        if known is None:
            return ref
        resolved = []
        for written, base in zip(ref, known, strict=True):
            allowed = _IUPAC.get(written)
            resolved.append(base if allowed is not None and base in allowed else written)
        return "".join(resolved)

    def _resolve_ref_n(self, chrom: str, pos: int, ref: str, alt: str) -> str:
        """An N in REF stands for the reference base there: VEP never reads REF bases (codons
        and HGVS come from the genome), so ``N>T`` at KRAS c.35 is still G12D. Kept as N when
        the reference is unknown, or when resolving would leave no change (then the REF check
        reports it)."""
        known = self.reference.fetch(chrom, pos, pos + len(ref) - 1)
        if known is None:
            return ref
        resolved = "".join(k if r == "N" else r for r, k in zip(ref, known, strict=True))
        return ref if resolved == alt else resolved

    def _left_align(self, m: MinimalAllele) -> MinimalAllele:
        if m.ref and m.alt:
            return m
        seq = m.ref or m.alt
        if not seq:
            return m
        start, end = m.start, m.end
        for base in self.reference.iter_left(m.chrom, start - 1):
            if base != seq[-1]:
                break
            seq = seq[-1] + seq[:-1]
            start -= 1
            end -= 1
        if m.ref:
            return MinimalAllele(m.chrom, start, end, seq, "")
        return MinimalAllele(m.chrom, start, end, "", seq)

    def _to_vcf(self, m: MinimalAllele, input_pos: int = 0, input_ref: str = "") -> Allele:
        if m.ref and m.alt:
            return Allele(self.build, m.chrom, m.start, m.ref, m.alt)
        anchor = self.reference.fetch(m.chrom, m.start - 1, m.start - 1)
        if anchor is None and 0 <= m.start - 1 - input_pos < len(input_ref):
            # Outside the bundled reference the input's own REF still holds the anchor base.
            anchor = input_ref[m.start - 1 - input_pos]
        if anchor is None:  # anchor unknown: keep the empty allele (documented)
            if m.ref:
                return Allele(self.build, m.chrom, m.start, m.ref, "")
            return Allele(self.build, m.chrom, m.end, "", m.alt)
        return Allele(self.build, m.chrom, m.start - 1, anchor + m.ref, anchor + m.alt)

    # ------------------------------------------------------------------ per transcript
    def _tx(self, model: TranscriptModel) -> TranscriptIndex:
        ix = self._index.get(model.gene)
        if ix is None:
            ix = TranscriptIndex(model, self.reference)
            self._index[model.gene] = ix
        return ix

    @staticmethod
    def _overlaps_transcript(m: MinimalAllele, model: TranscriptModel) -> bool:
        return _overlap(m.start, m.end, model.tx_start, model.tx_end) or (
            m.is_insertion and model.tx_start < m.start <= model.tx_end
        )

    def _annotate_one(self, m: MinimalAllele, ix: TranscriptIndex, allele: Allele) -> Consequence:
        return annotate_on_transcript(m, ix, self.reference)


# ============================================================================================
# Step 2: splice and intron flags (BaseTranscriptVariationAllele::_intron_effects)
# ============================================================================================
def _differing_regions(m: MinimalAllele) -> list[tuple[int, int]]:
    """Genomic (start, end) of the bases that change; an MNV's unchanged bases are left out."""
    if m.ref and m.alt and len(m.ref) == len(m.alt) and len(m.ref) > 1:
        regions: list[tuple[int, int]] = []
        run_start = None
        for i, (r, a) in enumerate(zip(m.ref, m.alt, strict=True)):
            if r != a and run_start is None:
                run_start = i
            if r == a and run_start is not None:
                regions.append((m.start + run_start, m.start + i - 1))
                run_start = None
        if run_start is not None:
            regions.append((m.start + run_start, m.end))
        return regions
    return [(m.start, m.end)]


def _splice_terms(m: MinimalAllele, ix: TranscriptIndex) -> set[str]:
    flags: set[str] = set()
    for r_s, r_e in _differing_regions(m):
        ins = r_s == r_e + 1
        for intron in ix.introns_near(r_s, r_e, 4):  # (the others are nowhere near)
            i_s, i_e = intron.g_start, intron.g_end
            if _overlap(r_s, r_e, i_s + 2, i_e - 2) or (ins and (r_s == i_s + 2 or r_e == i_e - 2)):
                flags.add("intronic")
            if _overlap(r_s, r_e, i_s, i_s + 1):
                flags.add("start_site")
            if _overlap(r_s, r_e, i_e - 1, i_e):
                flags.add("end_site")
            if _overlap(r_s, r_e, i_s + 4, i_s + 4):
                flags.add("fifth_plus")
            if _overlap(r_s, r_e, i_s + 2, i_s + 5):
                flags.add("donor_region_plus")
            # the tract test takes (min, max): an insertion touching its edge base counts
            # (as the SpliceRegion plugin it came from; fastvep's port of _intron_effects)
            lo, hi = min(r_s, r_e), max(r_s, r_e)
            if _overlap(lo, hi, i_e - 16, i_e - 2):
                flags.add("ppt_plus")
            if _overlap(r_s, r_e, i_e - 4, i_e - 4):
                flags.add("fifth_minus")
            if _overlap(r_s, r_e, i_e - 5, i_e - 2):
                flags.add("donor_region_minus")
            if _overlap(lo, hi, i_s + 2, i_s + 16):
                flags.add("ppt_minus")
            near = (
                _overlap(r_s, r_e, i_s + 2, i_s + 7)
                or _overlap(r_s, r_e, i_e - 7, i_e - 2)
                or _overlap(r_s, r_e, i_s - 3, i_s - 1)
                or _overlap(r_s, r_e, i_e + 1, i_e + 3)
                or (ins and (r_s == i_s or r_e == i_e or r_s == i_s + 2 or r_e == i_e - 2))
            )
            if near:
                flags.add("region")
    terms: set[str] = set()
    donor, acceptor = ("start_site", "end_site") if ix.plus else ("end_site", "start_site")
    strand = "plus" if ix.plus else "minus"
    essential = donor in flags or acceptor in flags
    if donor in flags:
        terms.add("splice_donor_variant")
    if acceptor in flags:
        terms.add("splice_acceptor_variant")
    # VEP >= 105 (ensembl-variation PR #737, the SpliceRegion plugin's order): the 5th base
    # wins over the donor region; neither is dropped by a donor/acceptor hit (TV02003).
    fifth = f"fifth_{strand}" in flags
    donor_region = f"donor_region_{strand}" in flags and not fifth
    if fifth:
        terms.add("splice_donor_5th_base_variant")
    if donor_region:
        terms.add("splice_donor_region_variant")
    # polypyrimidine tract: not with an acceptor hit dropped, but never when the allele
    # touches an exon (ensembl-variation PR #919, release 109)
    if f"ppt_{strand}" in flags and not _touches_exon(m, ix):
        terms.add("splice_polypyrimidine_tract_variant")
    # splice_region_variant gives way to the donor/acceptor, 5th base and donor region terms
    # (VEP 105+ prints c.N+3G>T as splice_donor_region_variant,intron_variant; ensembl-vep
    # issue #1345); it stays beside the polypyrimidine tract term (-3..-8)
    if "region" in flags and not (essential or fifth or donor_region):
        terms.add("splice_region_variant")
    if "intronic" in flags:
        terms.add("intron_variant")
    return terms


def _touches_exon(m: MinimalAllele, ix: TranscriptIndex) -> bool:
    """VEP's ``exon`` pre-predicate: the allele's span overlaps an exon base (an insertion
    counts only strictly inside an exon)."""
    return any(_overlap(m.start, m.end, x.g_start, x.g_end) for x in ix.exons)


# ============================================================================================
# Step 3: exonic part
# ============================================================================================
@fast_frozen_init
@dataclass(frozen=True, slots=True)
class _Location:
    exonic_t: tuple[int, ...]  # cDNA positions of the changed bases that are exonic
    ins_after_t: int | None  # insertion: cDNA position it follows (map_insert semantics)
    cdna_start: int | None  # VEP cdna_start/cdna_end (None when that end is not exonic)
    cdna_end: int | None
    cds_start: int | None  # VEP cds_start/cds_end (None when that end is not in the CDS)
    cds_end: int | None
    within_cds: bool

    @property
    def exonic(self) -> bool:
        return bool(self.exonic_t) or self.ins_after_t is not None


def _locate(m: MinimalAllele, ix: TranscriptIndex) -> _Location:
    L = ix.cds_len
    if m.is_insertion:
        t_left, t_right = ix.g2t(m.end), ix.g2t(m.start)
        t5, t3 = (t_left, t_right) if ix.plus else (t_right, t_left)
        after = t5 if t5 is not None else (t3 - 1 if t3 is not None else None)
        if after is None:
            return _Location((), None, None, None, None, None, False)
        a = ix.c_number(after)
        in_cds = a >= 1 and a + 1 <= L
        return _Location(
            (), after, after + 1, after, a + 1 if in_cds else None, a if in_cds else None, in_cds
        )
    ts = [ix.g2t(g) for g in range(m.start, m.end + 1)]
    if not ix.plus:
        ts.reverse()
    exonic = tuple(t for t in ts if t is not None)
    first, last = ts[0], ts[-1]
    cds_first = cds_last = None
    if first is not None and ix.cds_t_start <= first <= ix.cds_t_end:
        cds_first = ix.c_number(first)
    if last is not None and ix.cds_t_start <= last <= ix.cds_t_end:
        cds_last = ix.c_number(last)
    within = any(ix.cds_t_start <= t <= ix.cds_t_end for t in exonic)
    return _Location(exonic, None, first, last, cds_first, cds_last, within)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class _Codons:
    """Codon-level view of an allele wholly inside the CDS (VEP TranscriptVariation)."""

    cds_start: int  # insertion: cds_start == cds_end + 1
    cds_end: int
    ref: str  # alleles in transcript orientation
    alt: str
    ts: int  # translation start/end; an insertion at a codon boundary has ts == te + 1
    te: int
    ref_codon: str  # '-' when empty
    alt_codon: str
    ref_pep: str
    alt_pep: str

    @property
    def length_change(self) -> int:
        return len(self.alt) - (self.cds_end - self.cds_start + 1)


def _codons(m: MinimalAllele, ix: TranscriptIndex, loc: _Location) -> _Codons | None:
    if loc.cds_start is None or loc.cds_end is None:
        return None
    if not m.is_insertion:
        n = len(loc.exonic_t)
        if n != m.end - m.start + 1 or max(loc.exonic_t) - min(loc.exonic_t) + 1 != n:
            return None
    cds_start, cds_end = loc.cds_start, loc.cds_end
    ref = m.ref if ix.plus else revcomp(m.ref)
    alt = m.alt if ix.plus else revcomp(m.alt)
    ts, te = (cds_start + 2) // 3, (cds_end + 2) // 3
    c0 = 3 * ts - 3  # 0-based start of the first affected codon
    c1 = 3 * te  # 0-based end (exclusive) of the last affected codon
    cds = ix.cds
    ref_codon = cds[c0:c1] if c1 > c0 else ""
    alt_len = max(c1 - c0, 0) + len(alt) - (cds_end - cds_start + 1)
    head = cds[c0 : cds_start - 1] + alt
    need = alt_len - len(head)
    tail = (cds[cds_end : cds_end + need] + ix.utr3)[: max(need, 0)] if need > 0 else ""
    alt_codon = (head + tail)[:alt_len] if alt_len > 0 else ""
    ref_codon = ref_codon or "-"
    alt_codon = alt_codon or "-"
    return _Codons(
        cds_start, cds_end, ref, alt, ts, te, ref_codon, alt_codon,
        _peptide(ref_codon), _peptide(alt_codon),
    )  # fmt: skip


# ============================================================================================
# Step 4: coding terms (VariationEffect.pm predicates)
# ============================================================================================
class _Predicates:
    """The coding predicates for one allele on one transcript, cached like VEP's."""

    def __init__(self, m: MinimalAllele, ix: TranscriptIndex, loc: _Location, cd: _Codons | None):
        self.m, self.ix, self.loc, self.cd = m, ix, loc, cd
        self.alt_t = m.alt if ix.plus else revcomp(m.alt)
        self.length_changes = len(m.ref) != len(m.alt)
        # VEP seq_is_unambiguous_dna: an N in ALT gives codons but no peptides, and the
        # start/stop re-splicing checks are skipped
        self.ambiguous = "N" in m.alt
        self.rp = self.ap = ""
        if cd is not None and not self.ambiguous:
            self.rp = "" if cd.ref_pep == "-" else cd.ref_pep
            self.ap = "" if cd.alt_pep == "-" else cd.alt_pep
        # frameshift is a coordinate fact (VEP frameshift(): allele vs CDS span length)
        self.frameshift = cd is not None and cd.length_change % 3 != 0
        self._start_lost_running = False

    # --- start codon
    def overlaps_start(self) -> bool:
        s, e = self.loc.cdna_start, self.loc.cdna_end  # insertion: (t + 1, t)
        if s is None or e is None:
            return False
        return _overlap(s, e, self.ix.cds_t_start, self.ix.cds_t_start + 2)

    def ins_del_start_altered(self) -> bool:
        if self.ambiguous or not self.overlaps_start() or not self.length_changes:
            return False
        s, e = self.loc.cdna_start, self.loc.cdna_end
        assert s is not None and e is not None
        seq = self.ix.utr5 + self.ix.cds
        new = seq[: s - 1] + self.alt_t + seq[s - 1 + (e - s + 1) :]
        if len(new) < len(self.ix.cds):
            return True
        return self.ix.cds != new[len(new) - len(self.ix.cds) :]

    def inv_start_altered(self) -> bool:
        if self.ambiguous or not self.overlaps_start() or not self.ix.utr5:
            return False
        s, e = self.loc.cdna_start, self.loc.cdna_end
        assert s is not None and e is not None
        seq = self.ix.utr5 + self.ix.cds
        new = seq[: s - 1] + self.alt_t + seq[s - 1 + (e - s + 1) :]
        u = len(self.ix.utr5)
        return new[u : u + 3] != "ATG"

    def start_retained(self) -> bool:
        return self.length_changes and self.overlaps_start() and not self.ins_del_start_altered()

    def start_lost(self) -> bool:
        if self._start_lost_running or not self.overlaps_start():
            return False
        self._start_lost_running = True  # VEP caches 0 while evaluating (inframe_* call back)
        try:
            if self.ins_del_start_altered() and not (
                self.inframe_insertion() or self.inframe_deletion()
            ):
                return True
            if self.inv_start_altered():
                return True
            if self.cd is None or not self.rp:
                return False
            return (
                self.cd.ts == 1
                and not self.ap.endswith(self.rp)
                and not self.ap.startswith(self.rp)
            )
        finally:
            self._start_lost_running = False

    # --- stop codon
    def overlaps_stop(self) -> bool:
        s, e = self.loc.cdna_start, self.loc.cdna_end
        if s is None or e is None:
            return False
        return _overlap(s, e, self.ix.cds_t_end - 2, self.ix.cds_t_end)

    def ins_del_stop_altered(self) -> bool:
        if self.ambiguous or not self.overlaps_stop() or not self.length_changes:
            return False
        s, e, cs = self.loc.cdna_start, self.loc.cdna_end, self.loc.cds_start
        if s is None or e is None or cs is None:
            return False
        cds = self.ix.cds
        seq = cds + self.ix.tx_seq[self.ix.cds_t_end :]
        new = seq[: cs - 1] + self.alt_t + seq[cs - 1 + (e - s + 1) :]
        if len(new) < len(cds):
            return True
        return translate(new[len(cds) - 3 : len(cds)]) != "*"

    def stop_retained(self) -> bool:
        if self.cd is not None and self.ap:
            if not self.ap.startswith("*"):
                return False
            if self.cd.ts > len(self.ix.protein):
                return True
            return bool(self.rp) and self.rp.startswith("*")
        return self.length_changes and self.overlaps_stop() and not self.ins_del_stop_altered()

    def stop_gained(self) -> bool:
        if self.cd is None or self.stop_retained():
            return False
        return "*" in self.ap and "*" not in self.rp

    def stop_lost(self) -> bool:
        if self.cd is not None:
            return "*" not in self.ap and "*" in self.rp
        return self.ins_del_stop_altered()

    # --- codon-level classes
    def _codon_alleles(self) -> tuple[str, str] | None:
        if self.cd is None or self.frameshift:
            return None
        r = "" if self.cd.ref_codon == "-" else self.cd.ref_codon
        a = "" if self.cd.alt_codon == "-" else self.cd.alt_codon
        return r, a

    def inframe_insertion(self) -> bool:
        codons = self._codon_alleles()
        if codons is None or self.ambiguous or self.start_lost():
            return False
        if len(codons[1]) <= len(codons[0]):
            return False
        if self.start_retained() and self.ap.endswith(self.rp):
            return False
        ap = re.sub(r"\*.+", "*", self.ap, count=1)
        return ap.startswith(self.rp) or ap.endswith(self.rp)

    def inframe_deletion(self) -> bool:
        codons = self._codon_alleles()
        if codons is None:
            return False
        r, a = codons
        if len(a) >= len(r):
            return False
        if r.startswith(a) or r.endswith(a):
            return True
        while r and a and r[0] == a[0]:
            r, a = r[1:], a[1:]
        while r and a and r[-1] == a[-1]:
            r, a = r[:-1], a[:-1]
        return not a and len(r) % 3 == 0

    def synonymous(self) -> bool:
        # VEP's OverlapConsequence "include" rule: only length-neutral alleles
        if self.cd is None or not self.rp or self.length_changes:
            return False
        return (
            self.ap == self.rp
            and not self.stop_retained()
            and "X" not in self.ap
            and "X" not in self.rp
        )

    def missense(self) -> bool:
        if self.cd is None or self.length_changes:  # as synonymous: length-neutral only
            return False
        if self.start_lost() or self.stop_lost() or self.stop_gained():
            return False
        return self.rp != self.ap and len(self.rp) == len(self.ap)

    def protein_altering(self) -> bool:
        if self.cd is None or len(self.ap) == len(self.rp):
            return False
        if self.rp.startswith("*") or self.ap.startswith("*"):
            return False
        if self.ap.startswith(self.rp) or self.ap.endswith(self.rp):
            return False
        return not (self.inframe_deletion() or self.start_lost() or self.frameshift)

    def coding_unknown(self) -> bool:
        if not self.loc.within_cds:
            return False
        unknown = self.cd is None or self.ambiguous or "X" in self.ap or "X" in self.rp
        if not unknown:
            return False
        return not (
            self.frameshift
            or self.inframe_deletion()
            or self.protein_altering()
            or self.start_retained()
            or self.start_lost()
            or self.stop_retained()
            or self.stop_lost()
        )

    def terms(self) -> set[str]:
        out: set[str] = set()
        if not self.loc.within_cds and not self.overlaps_stop() and not self.overlaps_start():
            return out
        checks = (
            ("stop_retained_variant", self.stop_retained),
            ("stop_gained", self.stop_gained),
            ("stop_lost", self.stop_lost),
            ("start_lost", self.start_lost),
            ("start_retained_variant", self.start_retained),
            ("synonymous_variant", self.synonymous),
            ("missense_variant", self.missense),
            ("inframe_insertion", self.inframe_insertion),
            ("inframe_deletion", self.inframe_deletion),
            ("protein_altering_variant", self.protein_altering),
            ("coding_sequence_variant", self.coding_unknown),
        )
        for term, check in checks:
            if check():
                out.add(term)
        if self.frameshift:
            out.add("frameshift_variant")
        return out


# ============================================================================================
# Step 5: UTRs
# ============================================================================================
def _utr_terms(m: MinimalAllele, ix: TranscriptIndex, loc: _Location) -> set[str]:
    if not loc.exonic:
        return set()
    s, e = m.start, m.end
    ins = m.is_insertion
    before = (ins and s == ix.cds_g_start) or _overlap(s, e, ix.g_start, ix.cds_g_start - 1)
    after = (ins and e == ix.cds_g_end) or _overlap(s, e, ix.cds_g_end + 1, ix.g_end)
    five, three = (before, after) if ix.plus else (after, before)
    out = set()
    if five:
        out.add("5_prime_UTR_variant")
    if three:
        out.add("3_prime_UTR_variant")
    return out


def _exon_intron_numbers(m: MinimalAllele, ix: TranscriptIndex) -> tuple[str, str]:
    if m.start == m.end:  # one base (most records): in one exon, one intron, or neither
        exon = ix.exon_at(m.start)
        if exon is not None:
            return _exon_number(ix, exon), ""
        intron = ix.intron_at(m.start)
        return "", _intron_number(ix, intron) if intron is not None else ""

    def fmt(numbers: list[int], total: int) -> str:
        if not numbers:
            return ""
        lo, hi = min(numbers), max(numbers)
        return f"{lo}/{total}" if lo == hi else f"{lo}-{hi}/{total}"

    exons, introns = ix.overlapping_numbers(m.start, m.end)
    return fmt(exons, ix.n_exons), fmt(introns, ix.n_exons - 1)


def _exon_number(ix: TranscriptIndex, exon: TxExon) -> str:
    """VEP's EXON field for one exon: ``2/6``."""
    return f"{exon.number}/{ix.n_exons}"


def _intron_number(ix: TranscriptIndex, intron: TxIntron) -> str:
    """VEP's INTRON field for one intron: ``1/5``."""
    return f"{intron.number}/{ix.n_exons - 1}"


# ============================================================================================
# HGVS: 3' shift, c. and p.
# ============================================================================================
def shift_3prime(
    m: MinimalAllele, plus: bool, reference: ReferenceSequence
) -> tuple[MinimalAllele, bool]:
    """Shift an insertion/deletion 3' in transcript orientation; (allele, stopped_at_unknown)."""
    if m.ref and m.alt or not (m.ref or m.alt):
        return m, False
    seq = m.ref or m.alt
    s, e = m.start, m.end
    limited = True  # until a differing known base stops the shift
    if plus:
        for base in reference.iter_right(m.chrom, e + 1):
            if base != seq[0]:
                limited = False
                break
            seq = seq[1:] + seq[0]
            s, e = s + 1, e + 1
    else:
        for base in reference.iter_left(m.chrom, s - 1):
            if base != seq[-1]:
                limited = False
                break
            seq = seq[-1] + seq[:-1]
            s, e = s - 1, e - 1
    if m.ref:
        return MinimalAllele(m.chrom, s, e, seq, ""), limited
    return MinimalAllele(m.chrom, s, e, "", seq), limited


def hgvs_c(m: MinimalAllele, ix: TranscriptIndex, reference: _Bases) -> str:
    """HGVS c. of an (already 3'-shifted) allele on ``ix``."""
    lab = ix.c_label
    if m.is_insertion:
        ins = m.alt if ix.plus else revcomp(m.alt)
        n = len(ins)
        if ix.plus:
            before = reference.fetch(m.chrom, m.start - n, m.start - 1)
            span = (m.start - n, m.start - 1)
        else:
            raw = reference.fetch(m.chrom, m.start, m.start + n - 1)
            before = revcomp(raw) if raw is not None else None
            span = (m.start + n - 1, m.start)
        if before == ins:
            a, b = lab(span[0]), lab(span[1])
            return f"c.{a}dup" if n == 1 else f"c.{a}_{b}dup"
        l5, l3 = (lab(m.end), lab(m.start)) if ix.plus else (lab(m.start), lab(m.end))
        return f"c.{l5}_{l3}ins{ins}"
    g5, g3 = (m.start, m.end) if ix.plus else (m.end, m.start)
    a = lab(g5)
    rng = a if g5 == g3 else f"{a}_{lab(g3)}"
    if m.is_deletion:
        return f"c.{rng}del"
    ref = m.ref if ix.plus else revcomp(m.ref)
    alt = m.alt if ix.plus else revcomp(m.alt)
    if len(ref) == 1 and len(alt) == 1:
        return f"c.{a}{ref}>{alt}"
    if len(ref) == len(alt) and alt == revcomp(ref):
        return f"c.{rng}inv"
    return f"c.{rng}delins{alt}"


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ProteinHgvs:
    text: str  # 3-letter, e.g. p.Gly12Asp
    start: int
    end: int
    ref: str  # one-letter reference residues start..end
    alt: str  # one-letter alternate residues ('' for a deletion)


def _translate_to_stop(seq: str) -> str:
    """Translate whole codons up to and including the first stop codon."""
    out = []
    table = CODON_TABLE
    for i in range(0, len(seq) - 2, 3):
        aa = table.get(seq[i : i + 3], "X")
        out.append(aa)
        if aa == "*":
            break
    return "".join(out)


def _extra_aa(alt_trans: str, ref_len: int) -> int | None:
    """Residues of the extension until the new stop (VEP _stop_loss_extra_AA, non-fs)."""
    idx = alt_trans.find("*")
    if idx < 0:
        return None
    extra = idx - ref_len
    return extra if extra > 0 else None


def _perl_substr(text: str, offset: int, length: int) -> str:
    """Perl ``substr`` (a negative offset counts from the end), as VEP's flank lookup uses it."""
    if offset < 0:
        offset += len(text)
        if offset < 0:
            return ""
    return text[offset : offset + length]


def hgvs_p(
    m: MinimalAllele, ix: TranscriptIndex, input_predicates: _Predicates | None = None
) -> ProteinHgvs | None:
    """HGVS p. of an (already 3'-shifted) allele lying wholly in the CDS, else None.

    ``input_predicates`` are those of the unshifted input allele: VEP's ``start_lost``/
    ``stop_lost`` inside ``hgvs_protein`` read the predicate cache filled when the SO terms were
    computed on the input allele (default: the shifted allele's own). When that allele is ``m``
    itself (nothing to shift: substitutions), its location and codons are taken from them.
    """
    unshifted = (
        input_predicates if input_predicates is not None and input_predicates.m is m else None
    )
    loc = unshifted.loc if unshifted is not None else _locate(m, ix)
    cd = unshifted.cd if unshifted is not None else _codons(m, ix, loc)
    if cd is None:
        return None
    pr = unshifted if unshifted is not None else _Predicates(m, ix, loc, cd)
    decided = input_predicates or pr
    start_lost = decided.start_lost()
    stop_lost = decided.stop_lost()
    protein = ix.protein
    cds = ix.cds
    ref_trans = protein + "*"
    # the edited CDS + 3' UTR, translated from the first affected codon to the first stop
    # (residues before it are the reference protein's)
    first = cd.ts - 1
    alt_tail = cds[3 * first : cd.cds_start - 1] + cd.alt + cds[cd.cds_end :] + ix.utr3

    if pr.frameshift:
        alt_trans = protein[:first] + _translate_to_stop(alt_tail)
        start = cd.ts
        if start > len(alt_trans):
            return None
        r = a = ""
        while start <= len(alt_trans):
            r = ref_trans[start - 1] if start - 1 < len(ref_trans) else ""
            a = alt_trans[start - 1]
            if r == "*" and a == "*":
                return ProteinHgvs(f"p.Ter{start}=", start, start, "*", "*")
            if r != a:
                break
            start += 1
        r3 = AA1_TO_AA3.get(r, "Xaa") if r else ""
        if start_lost:  # _get_hgvs_peptides: a lost start makes any change "?", even a frameshift
            r3 = r3.replace("Xaa", "Ter")
            if start != cd.te:
                return ProteinHgvs(f"p.{r3}{start}_?{cd.te}", start, cd.te, r, "")
            return ProteinHgvs(f"p.{r3}{start}?", start, start, r, "")
        if a == "*":
            return ProteinHgvs(f"p.{r3}{start}Ter", start, start, r, "*")
        idx = alt_trans.find("*")
        n = idx + 1 - (start - 1) if idx >= 0 else 0
        ter = str(n) if n > 0 else "?"
        a3 = AA1_TO_AA3.get(a, "Xaa")
        return ProteinHgvs(f"p.{r3}{start}{a3}fsTer{ter}", start, start, r, a)

    ref, alt = cd.ref_pep, cd.alt_pep
    start, end = cd.ts, cd.te
    original_ref = ref
    preseq = ""
    if alt != ref:  # _clip_alleles with protein numbering
        cr, ca, cs, ce = ref, alt, start, end
        early = False
        for _ in range(len(ref)):
            nr, na = cr[:1], ca[:1]
            if nr == "*" and na == "*":
                early = True
                break
            if nr == na:
                cs += 1
                cr, ca = cr[1:], ca[1:]
                preseq += nr
            else:
                break
        if not early:
            for _ in range(len(cr)):
                if cr[-1:] == ca[-1:]:
                    cr, ca = cr[:-1], ca[:-1]
                    ce -= 1
                else:
                    break
            ref, alt, start, end = cr, ca, cs, ce
    # _get_hgvs_protein_type
    ref = ref.replace("*", "X", 1)
    alt = alt.replace("*", "X", 1)
    if ref in ("-", ""):
        kind = "ins"
    elif alt in ("", "-"):
        kind = "del"
    elif len(ref) == 1 and len(alt) == 1:
        kind = ">"
    elif (len(alt) != len(ref)) or (len(alt) > 1 and len(ref) > 1):
        kind = "delins"
    else:
        kind = ">"
    ref1, alt1 = ref.replace("X", "*"), alt.replace("X", "*")
    # _get_hgvs_peptides
    post_extra = original_ref if original_ref.startswith("*") else ""
    if kind == "ins":
        post = (protein + post_extra)[end:]
        for n in range(len(post) - len(alt) + 1):
            if alt[:1] == post[n : n + 1]:
                start, end = start + 1, end + 1
                alt = alt[1:] + alt[:1]
            else:
                break
        alt1 = alt.replace("X", "*")
        if "*" not in alt:
            test = start - len(alt) - 1
            upstream = protein[: start - 1] + preseq
            if (
                test >= 0
                and len(upstream) >= test + len(alt)
                and upstream[test : test + len(alt)] == alt
            ):
                d_end = start - 1
                d_start = start - len(alt)
                a3 = to_three_letter(alt)
                text = (
                    f"p.{a3[:3]}{d_start}_{a3[-3:]}{d_end}dup"
                    if d_start < d_end
                    else f"p.{a3}{d_start}dup"
                )
                return ProteinHgvs(text, d_start, d_end, alt, alt)
        lo = min(start, end)
        flank_src = protein + post_extra
        if len(flank_src) <= lo:
            return None
        # lo == 0 (an insertion before codon 1): Perl's substr(-1, 2) gives the last residue
        ref = _perl_substr(flank_src, lo - 1, 2)
        ref1 = ref
    elif kind == "del":
        post = (protein + post_extra)[end:]
        for n in range(len(post) - len(ref) + 1):
            if ref[:1] == post[n : n + 1]:
                start, end = start + 1, end + 1
                ref = ref[1:] + ref[:1]
            else:
                break
        ref1 = ref.replace("X", "*")
    ref3 = to_three_letter(ref) if ref != "-" else ref
    alt3 = "del" if alt == "-" else to_three_letter(alt)
    if start_lost:
        alt3, kind = "?", ""
    elif kind == "del" and re.search(r"\w", ref3):
        alt3 = "del"
    ref3 = ref3.replace("Xaa", "Ter")
    alt3 = alt3.replace("Xaa", "Ter")

    # _get_hgvs_protein_format
    if ref3 == alt3 and kind not in ("fs", "ins"):
        return ProteinHgvs(f"p.{ref3}{start}=", start, end, ref1, ref1)
    if stop_lost and kind in ("del", ">"):
        extra = _extra_aa(protein[:first] + _translate_to_stop(alt_tail), len(protein))
        ext = str(extra) if extra is not None else "?"
        return ProteinHgvs(f"p.{ref3}{start}{alt3[:3]}extTer{ext}", start, end, ref1, alt1[:1])
    if kind == ">":
        return ProteinHgvs(f"p.{ref3}{start}{alt3}", start, end, ref1, alt1)
    if kind in ("delins", "ins"):
        alt3 = re.sub(r"Ter\w+", "Ter", alt3, count=1)
        alt1 = alt1.split("*", 1)[0] + ("*" if "*" in alt1 else "")
        ref_first, ref_last = ref3[:3], ref3[-3:]
        if start == end and kind == "delins":
            return ProteinHgvs(f"p.{ref_first}{start}delins{alt3}", start, end, ref1, alt1)
        if start > end:
            start, end = end, start
        text = f"p.{ref_first}{start}_{ref_last}{end}{kind}{alt3}"
        return ProteinHgvs(text, start, end, ref1, alt1)
    if kind == "del":
        if len(ref3) > 3:
            return ProteinHgvs(f"p.{ref3[:3]}{start}_{ref3[-3:]}{end}del", start, end, ref1, "")
        return ProteinHgvs(f"p.{ref3}{start}del", start, end, ref1, "")
    if start != end:
        return ProteinHgvs(f"p.{ref3}{start}_{alt3}{end}", start, end, ref1, alt1)
    return ProteinHgvs(f"p.{ref3}{start}{alt3}", start, end, ref1, alt1)


def hgvsp_short(hgvsp: str, so_terms: tuple[str, ...], hgvsc: str) -> str:
    """vcf2maf-style 1-letter form; ``p.X<n>_splice`` when there is no p. and the most severe
    term is a splice term (Genome Nexus keys on the first term, vcf2maf on One_Consequence:
    ``frameshift_variant,splice_region_variant`` without a p. gets none)."""
    if hgvsp:
        return _short_p(hgvsp)
    if so_terms and so_terms[0] in SPLICE_TERMS:
        return _splice_short(hgvsc)
    return ""


# ============================================================================================
# One transcript, all steps
# ============================================================================================
def _display_codon(codon: str, position: int, feature: str) -> str:
    if codon == "-":
        return "-"
    out = codon.lower()
    if feature:
        i = position - 1
        out = out[:i] + out[i : i + len(feature)].upper() + out[i + len(feature) :]
    return out


def annotate_on_transcript(
    m: MinimalAllele, ix: TranscriptIndex, reference: ReferenceSequence
) -> Consequence:
    """Steps 1-6 and HGVS for one (left-aligned, minimal) allele on one transcript."""
    model = ix.model
    notes: list[str] = []
    if m.ref:
        known = reference.fetch(m.chrom, m.start, m.end)
        if known is None:
            notes.append(f"reference not known at {m.chrom}:{m.start}; REF not checked")
        elif known != m.ref:
            return _mismatch(m, ix, known)
    # Most records of WGS input next to the panel exons: a base change deep in an intron or a
    # UTR gets its one term and its c. at a fraction of the cost of the steps below, with the
    # same result (issue #9; tests/genome/test_deep_intron.py compares the two).
    site = _deep_site(m, ix)
    if site is not None:
        return _deep_consequence(m, ix, site, tuple(notes))
    mid = _mid_cds_site(m, ix)
    if mid is not None:
        # A base change well inside a coding exon, away from the start and stop codons: one
        # codon term, no splice or UTR term, nothing to shift (tests/genome/test_mid_cds.py
        # compares it with the full steps below at every such position).
        part, loc = mid
        cd = _codons(m, ix, loc)
        assert cd is not None
        pr = _Predicates(m, ix, loc, cd)
        so_terms: tuple[str, ...] = (_mid_cds_term(pr.rp, pr.ap),)
        exon, intron = _exon_number(ix, part), ""
        shifted, limited = m, False
    else:
        loc = _locate(m, ix)
        terms = _splice_terms(m, ix)
        cd = _codons(m, ix, loc)
        pr = _Predicates(m, ix, loc, cd)
        terms |= pr.terms()
        terms |= _utr_terms(m, ix, loc)
        so_terms = sort_terms(terms)
        exon, intron = _exon_intron_numbers(m, ix)
        shifted, limited = shift_3prime(m, ix.plus, reference)
    if limited and (m.ref or m.alt) and not (m.ref and m.alt):
        notes.append("3' shift stopped where the reference sequence is unknown")
    # VEP hgvs_transcript/hgvs_protein give nothing for an ALT with N
    hgvsc = "" if pr.ambiguous else hgvs_c(shifted, ix, reference)
    # VEP's pre-check "coding": the input allele overlaps the genomic span of the CDS (introns
    # included, so an intronic deletion that shifts into the exon still gets a p.)
    coding_span = _overlap(m.start, m.end, ix.cds_g_start, ix.cds_g_end)
    php = hgvs_p(shifted, ix, pr) if coding_span and not pr.ambiguous else None
    hgvsp = php.text if php else ""

    codons = amino = ""
    cds_start = cds_end = prot_start = prot_end = None
    ref_aa = alt_aa = ""
    if cd is not None:
        pos = (cd.cds_start - 1) % 3 + 1
        ref_display = _display_codon(cd.ref_codon, pos, cd.ref)
        codons = f"{ref_display}/{_display_codon(cd.alt_codon, pos, cd.alt)}"
        amino = cd.alt_pep if cd.ref_pep == cd.alt_pep else f"{cd.ref_pep}/{cd.alt_pep}"
        if pr.ambiguous:
            amino = ""
        cds_start, cds_end = min(cd.cds_start, cd.cds_end), max(cd.cds_start, cd.cds_end)
        prot_start, prot_end = min(cd.ts, cd.te), max(cd.ts, cd.te)
    elif loc.cds_start is not None or loc.cds_end is not None:
        known_c = [c for c in (loc.cds_start, loc.cds_end) if c is not None]
        cds_start, cds_end = min(known_c), max(known_c)
    if php is not None:
        prot_start, prot_end = php.start, php.end
        ref_aa, alt_aa = php.ref, php.alt
    elif cd is not None and not pr.ambiguous:
        ref_aa = ix.protein[prot_start - 1 : prot_end] if prot_start else ""
        alt_aa = "" if cd.alt_pep == "-" else cd.alt_pep
    return Consequence(
        gene=model.gene,
        transcript=model.refseq,
        transcript_ensembl=model.ensembl,
        strand=model.strand,
        so_terms=so_terms,
        hgvsc=hgvsc,
        hgvsp=hgvsp,
        hgvsp_short=hgvsp_short(hgvsp, so_terms, hgvsc),
        exon=exon,
        intron=intron,
        codons=codons,
        amino_acids=amino,
        cds_start=cds_start,
        cds_end=cds_end,
        protein_start=prot_start,
        protein_end=prot_end,
        ref_aa=ref_aa,
        alt_aa=alt_aa,
        ref_matches=True,
        notes=tuple(notes),
    )


# A base this far inside an intron is beyond every splice-site, splice-region, donor-region
# and polypyrimidine-tract window of _splice_terms (the widest reaches 17 bases); this far
# inside a UTR exon, from its ends and the CDS, beyond every splice-region, start and stop term.
_DEEP = 20


def _base_change(m: MinimalAllele) -> bool:
    """A single-base change, A/C/G/T to A/C/G/T (the only kind the short paths take)."""
    return len(m.ref) == 1 and len(m.alt) == 1 and m.ref in "ACGT" and m.alt in "ACGT"


def _deep_site(m: MinimalAllele, ix: TranscriptIndex) -> tuple[str, TxExon | TxIntron] | None:
    """For a single-base change (A/C/G/T) at least ``_DEEP`` bases inside an intron, or inside
    a UTR exon at least ``_DEEP`` bases from its ends and from the CDS: its one term
    (``intron_variant``, ``5_prime_UTR_variant``, ``3_prime_UTR_variant``) and the intron or
    exon. No splice-region, start or stop term can reach such a base; the full steps give it
    that term and its c. only (tests/genome/test_deep_intron.py). Else None."""
    if not _base_change(m):
        return None
    pos = m.start
    intron = ix.intron_at(pos)
    if intron is not None:
        if intron.g_start + _DEEP <= pos <= intron.g_end - _DEEP:
            return "intron_variant", intron
        return None
    exon = ix.exon_at(pos)
    if exon is None or not (exon.g_start + _DEEP <= pos <= exon.g_end - _DEEP):
        return None
    if pos <= ix.cds_g_start - _DEEP:
        return ("5_prime_UTR_variant" if ix.plus else "3_prime_UTR_variant"), exon
    if pos >= ix.cds_g_end + _DEEP:
        return ("3_prime_UTR_variant" if ix.plus else "5_prime_UTR_variant"), exon
    return None


# A base this far inside a coding exon is beyond the splice-region window of _splice_terms
# (three exonic bases from an exon end).
_MID_EXON = 8


def _mid_cds_site(m: MinimalAllele, ix: TranscriptIndex) -> tuple[TxExon, _Location] | None:
    """For a single-base change (A/C/G/T) in the CDS, at least ``_MID_EXON`` bases inside its
    exon and outside the first and the last codon: the exon and the allele's location (one
    exonic base, in the CDS). Its only term is then missense, synonymous or stop gained
    (:func:`_mid_cds_term`). Else None."""
    if not _base_change(m):
        return None
    pos = m.start
    if not ix.cds_g_start <= pos <= ix.cds_g_end:
        return None
    exon = ix.exon_at(pos)
    if exon is None or not (exon.g_start + _MID_EXON <= pos <= exon.g_end - _MID_EXON):
        return None
    t = ix.t_in_exon(exon, pos)
    c = ix.c_number(t)
    if not 4 <= c <= ix.cds_len - 3:
        return None
    return exon, _Location((t,), None, t, t, c, c, True)


def _mid_cds_term(ref_peptide: str, alt_peptide: str) -> str:
    """The term of a :func:`_mid_cds_site` change from its reference and altered residue."""
    if alt_peptide == "*":
        return "stop_gained"
    return "synonymous_variant" if alt_peptide == ref_peptide else "missense_variant"


def _deep_consequence(
    m: MinimalAllele, ix: TranscriptIndex, site: tuple[str, TxExon | TxIntron],
    notes: tuple[str, ...],
) -> Consequence:
    """The consequence of a base change at a :func:`_deep_site`: its term, its exon or intron
    number and its c. (one base: no shift, no flanking bases), from the exon or intron the
    site check found."""
    term, part = site
    pos = m.start
    if isinstance(part, TxIntron):
        label = ix.intron_c_label(part, pos)
        exon, intron = "", _intron_number(ix, part)
    else:
        label = ix.exon_c_label(part, pos)
        exon, intron = _exon_number(ix, part), ""
    ref, alt = (m.ref, m.alt) if ix.plus else (_BASE_COMPLEMENT[m.ref], _BASE_COMPLEMENT[m.alt])
    return _protein_less(ix.model, (term,), f"c.{label}{ref}>{alt}", exon, intron,
                         ref_matches=True, notes=notes)


_BASE_COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}


def _mismatch(m: MinimalAllele, ix: TranscriptIndex, known: str) -> Consequence:
    """REF differs from the reference: location terms only, never a protein change."""
    model = ix.model
    loc = _locate(m, ix)
    terms = _splice_terms(m, ix) | _utr_terms(m, ix, loc)
    if loc.within_cds:
        terms.add("coding_sequence_variant")
    note = (
        f"REF {m.ref} does not match the {model.build} reference {known} at "
        f"{m.chrom}:{m.start}; wrong genome build? No protein change reported"
    )
    exon, intron = _exon_intron_numbers(m, ix)
    # the c. read without flanking bases: a mismatching REF gets no dup detection
    return _protein_less(model, sort_terms(terms), hgvs_c(m, ix, _NoReference()), exon, intron,
                         ref_matches=False, notes=(note,))


def _protein_less(
    model: TranscriptModel, so_terms: tuple[str, ...], hgvsc: str, exon: str, intron: str, *,
    ref_matches: bool, notes: tuple[str, ...],
) -> Consequence:
    """A consequence without a protein change on ``model``."""
    return Consequence(
        gene=model.gene,
        transcript=model.refseq,
        transcript_ensembl=model.ensembl,
        strand=model.strand,
        so_terms=so_terms,
        hgvsc=hgvsc,
        hgvsp="",
        hgvsp_short="",
        exon=exon,
        intron=intron,
        ref_matches=ref_matches,
        notes=notes,
    )


class _NoReference:
    """Stand-in reference that knows nothing (no dup detection on a mismatching REF)."""

    def fetch(self, chrom: str, start: int, end: int) -> str | None:
        return None
