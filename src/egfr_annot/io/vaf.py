"""Variant allele fraction (VAF), ALT reads and depth of one ALT allele in one sample, for the
VCF dialects of common somatic and germline callers (issue #5).

Every value says where it came from (``vaf_source``); missing values are ``None``, never 0 or -1.
Per-ALT fields are indexed by the declared ``Number`` (``A``: one per ALT, ``R``: REF first);
for ``Number=.`` or undeclared fields the count of values decides (ALT count -> per ALT,
ALT count + 1 -> REF first, as RADIA's ``FORMAT/AF``), otherwise the value is not used.

VAF, first source that gives a value for this sample (``alt`` = this ALT allele):

==== =========================== ==========================================================
 1   FORMAT/AF                   Mutect2, VarDict, DRAGEN, Sentieon, Varlociraptor, Ion
                                 Torrent; REF listed first when it has one value more than
                                 ALTs (RADIA ``Number=.``, Octopus ``Number=R``)
 2   FORMAT/FREQ                 VarScan2: a percent string ``48.7%``
 3   FORMAT/FA                   MuTect 1.x
 4   FORMAT/VMF                  smCounter: UMI-family (molecule) VAF, before read VAFs
 5   FORMAT/VF, FORMAT/VAF       Illumina Pisces, smCounter2 (UMI) and others
 6   INFO/TVAF                   PCGR-style tumour VAF (single tumour sample only)
 7   FORMAT/AD                   AD[alt] / sum(AD) (REF first); ALT-only AD + RD (VarScan2);
                                 VCF 4.4 local LAD through LAA (an ALT not in LAA has 0)
 8   FORMAT/AO, RO               FreeBayes: AO[alt] / (RO + sum(AO))
 9   FORMAT/VMT, UMT             smCounter UMI families (depth is then UMT, with a note)
10   FORMAT/{A,C,G,T}U           Strelka SNVs: tier-1 ALT base / (REF base + ALT base)
11   FORMAT/TIR, TAR             Strelka indels: tier-1 TIR / (TAR + TIR)
12   FORMAT/ADT                  PCGR-style tumour allele depths (REF first)
13   FORMAT/FAO, FDP             Ion Torrent flow counts
14   FORMAT/NV, NR               Platypus
15   FORMAT/DP4                  SomaticSniper (single ALT): (alt-fwd + alt-rev) / sum
16   FORMAT/BCOUNT               SomaticSniper SNVs: count of the ALT base / sum(A,C,G,T)
17   FORMAT/VD, DP               VarDict (single ALT)
18   FORMAT/F?Z, R?Z             CaVEMan SNVs: forward + reverse count of the ALT base / all
19   FORMAT/PU+NU, PR+NR |       cgpPindel unique calls of mapped reads; Delly junction reads
     RV, RR | DV, DR | DV, DP |  (PRECISE) or read pairs; samtools DV/DP; Manta spanning pairs
     PR + SR                     + split reads (single ALT)
20+  INFO/VMF, INFO/AF,          only with a single tumour sample (site-level values):
     INFO/AO+RO, INFO/AD,        smCounter2 UMI VAF, INFO/AF unless it is a genotype
     INFO/DP4, INFO/FAO+FDP,     frequency, LoFreq/samtools DP4, Ion flow counts, VarDict
     INFO/VD+DP, INFO/VMT+UMT    INFO-only files, UMI families
==== =========================== ==========================================================

ALT reads come from the first count source of 7-19 (then the INFO ones); a count total of 0
gives VAF ``None`` (no coverage), never 0.

``INFO/AF`` is a genotype-based allele frequency - not a VAF - when the record also carries
``INFO/AC`` and ``INFO/AN`` (GATK HaplotypeCaller, FreeBayes, bcftools call: 0.5 for any
heterozygous call) or the file is FreeBayes output; it is never reported as a VAF then.

Depth: FORMAT/DP, then DPT (PCGR), AFDP (Sentieon TNscope writes no DP), DPI (Strelka2
germline indels); FDP when the ALT reads are Ion flow counts and UMT when they are UMI
families (so that reads / depth match the VAF); else the total of the counts used, then
(single tumour sample only) INFO/TDP and INFO/DP.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final, NamedTuple

from egfr_annot.io.vcf_header import FieldDecl

MISSING: Final = frozenset({"", ".", "NA", "NaN", "nan", "na", "N/A"})
# Per-sample depth, first present: DP; PCGR's DPT; Sentieon TNscope's AFDP (it writes no DP);
# Strelka2's DPI (germline indels carry no DP).
_DEPTH_KEYS: Final = ("DP", "DPT", "AFDP", "DPI")
_UMI_SOURCE: Final = "FORMAT/VMT/UMT (UMI families)"
_BASE_INDEX: Final = {"A": 0, "C": 1, "G": 2, "T": 3}


class AlleleEvidence(NamedTuple):
    vaf: float | None = None
    alt_reads: int | None = None
    depth: int | None = None
    vaf_source: str | None = None
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # oddities for the warning counters (not per call)


class RecordContext(NamedTuple):
    """What the extractor needs to know about the record (shared by all samples/alleles)."""

    ref: str
    alts: tuple[str, ...]
    info: Mapping[str, str | bool]
    info_decl: Mapping[str, FieldDecl]
    format_decl: Mapping[str, FieldDecl]
    info_level_allowed: bool  # a single tumour sample (or sites-only): site values are its own
    freebayes: bool  # ##source=freeBayes


# ------------------------------------------------------------------------------------------
# value helpers
# ------------------------------------------------------------------------------------------
def split_values(raw: str | bool | None) -> list[str | None] | None:
    """Comma-separated values with missing entries as None; None if the field is absent."""
    if raw is None or raw is True or raw is False:
        return None
    if raw in MISSING:
        return None
    return [None if v.strip() in MISSING else v.strip() for v in raw.split(",")]


def to_float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def to_count(value: str | None) -> int | None:
    """A non-negative read count (``12`` or ``12.0``); None for missing/invalid/negative."""
    if value is None:
        return None
    if value.isdigit() and value.isascii():
        return int(value)
    x = to_float(value)
    if x is None or x < 0 or x != int(x):
        return None
    return int(x)


def percent_or_fraction(value: str | None) -> tuple[float | None, bool]:
    """VarScan's FREQ: ``"48.7%"`` -> 0.487. Without ``%``, a value > 1 is read as a percent.
    Returns (fraction, was_percent)."""
    if value is None:
        return None, False
    text = value.strip()
    if text.endswith("%"):
        x = to_float(text[:-1])
        return (None if x is None else x / 100.0), True
    x = to_float(text)
    if x is not None and x > 1.0:
        return x / 100.0, True
    return x, False


def _index_for(
    n_values: int, number: str | None, allele: int, n_alts: int
) -> tuple[int | None, str | None]:
    """Which value belongs to ALT ``allele`` (1-based)? (index or None, note or None)."""
    if number == "A":
        if n_values == n_alts:
            return allele - 1, None
        if n_values == n_alts + 1:
            return allele, "declared Number=A but lists REF first"
        return None, None
    if number == "R":
        if n_values == n_alts + 1:
            return allele, None
        if n_values == n_alts:
            return allele - 1, "declared Number=R but has one value per ALT"
        return None, None
    # ".", "1", a fixed number, or undeclared: decide by the count of values
    if n_values == n_alts:
        return allele - 1, None
    if n_values == n_alts + 1:
        return allele, "lists REF first"
    return None, None


# ------------------------------------------------------------------------------------------
# extraction
# ------------------------------------------------------------------------------------------
_NO_LIST: Final[list[str]] = []  # shared empty sentinel, never appended to


class _Acc:
    """Collects the first value of each kind, with its source."""

    __slots__ = ("vaf", "vaf_source", "alt", "depth_from_counts", "depth", "notes", "problems",
                 "count_source", "allele", "n_alts")

    def __init__(self, allele: int, n_alts: int) -> None:
        self.vaf: float | None = None
        self.vaf_source: str | None = None
        self.alt: int | None = None
        self.count_source: str | None = None
        self.depth_from_counts: int | None = None
        self.depth: int | None = None
        self.notes: list[str] = _NO_LIST  # replaced by a real list on the first append
        self.problems: list[str] = _NO_LIST
        self.allele = allele
        self.n_alts = n_alts

    def note(self, text: str) -> None:
        if self.notes is _NO_LIST:
            self.notes = []
        self.notes.append(text)

    def problem(self, text: str) -> None:
        if self.problems is _NO_LIST:
            self.problems = []
        self.problems.append(text)

    def offer_vaf(self, vaf: float | None, source: str, note: str | None = None) -> None:
        if self.vaf is not None or vaf is None:
            return
        if not 0.0 <= vaf <= 1.0:
            self.problem(f"{source} value {vaf:g} is outside [0, 1]: not used as VAF")
            return
        self.vaf, self.vaf_source = vaf, source
        if note:
            self.note(note)

    def offer_counts(
        self, alt: int | None, total: int | None, source: str, note: str | None = None
    ) -> None:
        """ALT reads and the total they are a fraction of (REF + ALT, or all alleles).
        A total of 0 (no coverage) leaves the VAF unknown, not 0."""
        if alt is None:
            return
        if total is not None and total < alt:
            self.problem(f"{source}: ALT reads {alt} exceed the total {total}")
            return
        if self.alt is None:
            self.alt, self.count_source = alt, source
            self.depth_from_counts = total
            if self.vaf is None and total:
                self.offer_vaf(alt / total, source, note)

    def pick(self, raw: str | bool | None, number: str | None, key: str) -> str | None:
        """The value of this ALT from a comma-separated per-allele field (see module doc)."""
        if self.n_alts == 1 and number != "R" and isinstance(raw, str) and "," not in raw:
            return None if raw in MISSING else raw  # the common single-value case
        values = split_values(raw)
        if values is None:
            return None
        idx, note = _index_for(len(values), number, self.allele, self.n_alts)
        if idx is None:
            self.problem(
                f"{key} has {len(values)} values for {self.n_alts} ALT allele(s): not used")
            return None
        if note:
            self.note(f"{key} {note}")
        return values[idx]


def _number(decls: Mapping[str, FieldDecl], key: str, default: str | None = None) -> str | None:
    decl = decls.get(key)
    return decl.number if decl is not None else default


def _counts(raw: str | None) -> list[int | None] | None:
    values = split_values(raw)
    return None if values is None else [to_count(v) for v in values]


def _all(values: list[int | None]) -> list[int] | None:
    return None if None in values else values  # type: ignore[return-value]


def extract_evidence(
    ctx: RecordContext, sample: Mapping[str, str] | None, allele: int
) -> AlleleEvidence:
    """Evidence for ALT ``allele`` (1-based index into ``ctx.alts``) in one sample column
    (``sample`` = FORMAT key -> raw value; None for a sites-only VCF)."""
    n_alts = len(ctx.alts)
    acc = _Acc(allele, n_alts)
    fdecl = ctx.format_decl
    if sample:
        # 1-4: explicit per-sample fractions
        if "AF" in sample:
            acc.offer_vaf(to_float(acc.pick(sample["AF"], _number(fdecl, "AF"), "FORMAT/AF")),
                          "FORMAT/AF")
        if acc.vaf is None and "FREQ" in sample:
            _freq(acc, sample["FREQ"])
        for key in ("FA", "VMF", "VF", "VAF"):
            if acc.vaf is None and key in sample:
                acc.offer_vaf(to_float(acc.pick(sample[key], _number(fdecl, key),
                                                f"FORMAT/{key}")), f"FORMAT/{key}")
    if acc.vaf is None and ctx.info_level_allowed and "TVAF" in ctx.info:
        # PCGR-style INFO/TVAF is explicitly the tumour's VAF: before computed fractions
        acc.offer_vaf(to_float(acc.pick(ctx.info["TVAF"], _number(ctx.info_decl, "TVAF"),
                                        "INFO/TVAF")), "INFO/TVAF")
    if sample:
        _format_counts(acc, ctx, sample, allele)
        dp = None
        for key in _DEPTH_KEYS:
            if key in sample:
                dp = to_count(sample[key])
                if dp is not None:
                    break
        # the depth of the counts that gave the ALT reads, when it is a different unit
        if acc.count_source == "FORMAT/FAO/FDP":
            fdp = to_count(sample.get("FDP"))
            dp = fdp if fdp is not None else dp
        elif acc.count_source == _UMI_SOURCE:
            dp = acc.depth_from_counts
        acc.depth = dp if dp is not None else acc.depth_from_counts
    # 15+: site-level values, only when they can only describe this sample
    if ctx.info_level_allowed and (acc.vaf is None or acc.alt is None or acc.depth is None):
        _info_level(acc, ctx, allele)
    return AlleleEvidence(acc.vaf, acc.alt, acc.depth, acc.vaf_source,
                          tuple(acc.notes) if acc.notes else (),
                          tuple(acc.problems) if acc.problems else ())


def _freq(acc: _Acc, raw: str) -> None:
    value = acc.pick(raw, "A", "FORMAT/FREQ")
    frac, was_percent = percent_or_fraction(value)
    note = "FORMAT/FREQ without '%' read as a percent" if (
        was_percent and value is not None and not value.endswith("%")) else None
    acc.offer_vaf(frac, "FORMAT/FREQ", note)


def _format_counts(acc: _Acc, ctx: RecordContext, sample: Mapping[str, str], allele: int) -> None:
    n_alts = len(ctx.alts)
    fdecl = ctx.format_decl
    alt_seq = ctx.alts[allele - 1]

    # 5. AD (REF first), or ALT-only AD with RD (VarScan2)
    if "AD" in sample:
        raw_ad = sample["AD"]
        if n_alts == 1 and raw_ad.count(",") == 1:  # the common REF,ALT case
            ref_text, alt_text = raw_ad.split(",")
            ad: list[int | None] | None = [to_count(ref_text), to_count(alt_text)]
        else:
            ad = _counts(raw_ad)
        if ad is None:
            pass
        elif len(ad) == n_alts + 1 and _number(fdecl, "AD") != "A":
            total = _all(ad)
            acc.offer_counts(ad[allele], sum(total) if total else None, "FORMAT/AD")
        elif len(ad) == n_alts:
            rd = to_count(sample.get("RD"))
            alts = _all(ad)
            if rd is not None and alts is not None:
                acc.offer_counts(ad[allele - 1], rd + sum(alts), "FORMAT/AD+RD",
                                 "VAF = AD/(RD+AD): AD holds only ALT reads")
            else:
                acc.offer_counts(ad[allele - 1], None, "FORMAT/AD (ALT reads only)")
        else:
            acc.problem(f"FORMAT/AD has {len(ad)} values for {n_alts} ALT allele(s): "
                                "not used")
    elif "LAD" in sample:
        _local_allele_depths(acc, sample, allele)

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 6. AO/RO (FreeBayes)
    if "AO" in sample:
        aos = _counts(sample["AO"])
        ro = to_count(sample.get("RO"))
        alt = to_count(acc.pick(sample["AO"], _number(fdecl, "AO", "A"), "FORMAT/AO"))
        total = _all(aos) if aos is not None else None
        acc.offer_counts(alt, ro + sum(total) if ro is not None and total else None,
                         "FORMAT/AO,RO")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 6b. UMI families (smCounter/smCounter2): VMT per ALT, UMT total
    if "VMT" in sample and "UMT" in sample:
        vmt = to_count(acc.pick(sample["VMT"], _number(fdecl, "VMT", "A"), "FORMAT/VMT"))
        acc.offer_counts(vmt, to_count(sample["UMT"]), _UMI_SOURCE)
        if acc.count_source == _UMI_SOURCE:
            acc.note("ALT reads and depth are UMI families (molecules), not reads")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 7. Strelka SNV tier-1 base counts
    ref = ctx.ref
    if ("AU" in sample or "TU" in sample) and len(ref) == 1 and len(alt_seq) == 1 and (
        ref in _BASE_INDEX and alt_seq in _BASE_INDEX
    ):
        ref_key, alt_key = f"{ref}U", f"{alt_seq}U"
        if ref_key in sample and alt_key in sample:
            r = _first_count(sample[ref_key])
            a = _first_count(sample[alt_key])
            if a is not None and r is not None:
                acc.offer_counts(a, a + r, f"Strelka tier1 {alt_key}/({ref_key}+{alt_key})")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 8. Strelka indel tier-1 TIR/TAR
    if "TIR" in sample and "TAR" in sample and n_alts == 1:
        tir = _first_count(sample["TIR"])
        tar = _first_count(sample["TAR"])
        if tir is not None and tar is not None:
            acc.offer_counts(tir, tir + tar, "Strelka tier1 TIR/(TAR+TIR)")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 9. ADT (PCGR-style tumour allele depths, REF first)
    if "ADT" in sample:
        adt = _counts(sample["ADT"])
        if adt is not None and len(adt) == n_alts + 1:
            total = _all(adt)
            acc.offer_counts(adt[allele], sum(total) if total else None, "FORMAT/ADT")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 10. Ion Torrent FAO/FDP
    if "FAO" in sample:
        fao = to_count(acc.pick(sample["FAO"], _number(fdecl, "FAO", "A"), "FORMAT/FAO"))
        acc.offer_counts(fao, to_count(sample.get("FDP")), "FORMAT/FAO/FDP")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 11. Platypus NV/NR
    if "NV" in sample and "NR" in sample:
        nv = to_count(acc.pick(sample["NV"], _number(fdecl, "NV", "A"), "FORMAT/NV"))
        nr = to_count(acc.pick(sample["NR"], _number(fdecl, "NR", "A"), "FORMAT/NR"))
        acc.offer_counts(nv, nr, "FORMAT/NV/NR")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 12. DP4 (ref-fwd, ref-rev, alt-fwd, alt-rev): all ALTs together, so single-ALT only
    if "DP4" in sample and n_alts == 1:
        dp4 = _counts(sample["DP4"])
        if dp4 is not None and len(dp4) == 4 and _all(dp4):
            acc.offer_counts(dp4[2] + dp4[3], sum(dp4), "FORMAT/DP4")  # type: ignore[operator,arg-type]

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 13. BCOUNT (A,C,G,T) for single-base alleles
    if "BCOUNT" in sample and alt_seq in _BASE_INDEX and len(ref) == 1:
        bcount = _counts(sample["BCOUNT"])
        if bcount is not None and len(bcount) == 4 and _all(bcount):
            acc.offer_counts(bcount[_BASE_INDEX[alt_seq]], sum(bcount),  # type: ignore[arg-type]
                             "FORMAT/BCOUNT")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 14. VarDict VD/DP
    if "VD" in sample and n_alts == 1:
        acc.offer_counts(_first_count(sample["VD"]), to_count(sample.get("DP")), "FORMAT/VD/DP")

    if acc.alt is not None:
        return  # only the first source of ALT reads is used
    # 15. CaVEMan: forward/reverse base counts F?Z/R?Z (SNVs)
    if "FAZ" in sample and alt_seq in _BASE_INDEX and len(ref) == 1:
        counts = [to_count(sample.get(f"{strand}{base}Z")) for strand in "FR" for base in "ACGT"]
        known = _all(counts)
        if known is not None:
            i = _BASE_INDEX[alt_seq]
            acc.offer_counts(known[i] + known[4 + i], sum(known),
                             "FORMAT/F?Z+R?Z (CaVEMan base counts)")

    if acc.alt is not None or n_alts != 1:
        return  # the counts below are for all ALTs together: single-ALT records only
    _sv_read_counts(acc, ctx, sample)


def _sv_read_counts(acc: _Acc, ctx: RecordContext, sample: Mapping[str, str]) -> None:
    """Read counts of indel and structural-variant callers, for their sequence-resolved
    alleles (insertions/deletions in a panel gene are calls like any other):

    - cgpPindel: unique calls PU+NU of the mapped reads PR+NR (both strands);
    - Delly: junction reads RV/RR for PRECISE records, else read pairs DV/DR;
    - samtools/old bcftools: DV (non-reference reads) of DP;
    - Manta: PR (spanning pairs) and SR (split reads), each REF,ALT: ALT = PR[1] + SR[1]."""
    if all(k in sample for k in ("PU", "NU", "PR", "NR")):
        strands = _all([to_count(sample[k]) for k in ("PU", "NU", "PR", "NR")])
        if strands is not None:
            acc.offer_counts(strands[0] + strands[1], strands[2] + strands[3],
                             "FORMAT/PU+NU of PR+NR (cgpPindel)")
    elif "RV" in sample and "RR" in sample and ("PRECISE" in ctx.info or "DV" not in sample):
        rv, rr = to_count(sample["RV"]), to_count(sample["RR"])
        acc.offer_counts(rv, rr + rv if rv is not None and rr is not None else None,
                         "FORMAT/RV/RR (junction reads)")
    elif "DV" in sample and "DR" in sample:
        dv, dr = to_count(sample["DV"]), to_count(sample["DR"])
        acc.offer_counts(dv, dr + dv if dv is not None and dr is not None else None,
                         "FORMAT/DV/DR (read pairs)")
    elif "DV" in sample and "DP" in sample:
        acc.offer_counts(to_count(sample["DV"]), to_count(sample["DP"]), "FORMAT/DV/DP")
    elif "PR" in sample or "SR" in sample:
        alt = total = 0
        for key in ("PR", "SR"):
            raw = _counts(sample.get(key))
            if raw is None:
                continue
            pair = _all(raw)
            if pair is None or len(pair) != 2:
                acc.problem(f"FORMAT/{key} is not a REF,ALT pair of counts: not used")
                return
            alt += pair[1]
            total += pair[0] + pair[1]
        acc.offer_counts(alt, total, "FORMAT/PR+SR (Manta pairs + split reads)")


def _local_allele_depths(acc: _Acc, sample: Mapping[str, str], allele: int) -> None:
    """VCF 4.4 local alleles: LAD holds REF then the ALTs listed (1-based) in LAA. An ALT
    not in LAA has no reads in this sample."""
    lad = _counts(sample["LAD"])
    laa_raw = sample.get("LAA", "")
    local = [] if laa_raw in MISSING else [to_count(v) for v in laa_raw.split(",")]
    if lad is None or None in local or len(lad) != len(local) + 1:
        acc.problem("FORMAT/LAD does not match FORMAT/LAA: not used")
        return
    total = _all(lad)
    alt: int | None = lad[local.index(allele) + 1] if allele in local else 0
    acc.offer_counts(alt, sum(total) if total else None, "FORMAT/LAD (local alleles)")


def _first_count(raw: str | None) -> int | None:
    if raw is None:
        return None
    return to_count(raw.split(",", 1)[0])


def _info_level(acc: _Acc, ctx: RecordContext, allele: int) -> None:
    info = ctx.info
    n_alts = len(ctx.alts)
    idecl = ctx.info_decl
    notes_before = len(acc.notes)

    def raw(key: str) -> str | None:
        value = info.get(key)
        return value if isinstance(value, str) else None

    # INFO/VMF: UMI-family VAF of smCounter2 (before AF, which such files do not write)
    if "VMF" in info and acc.vaf is None:
        acc.offer_vaf(to_float(acc.pick(raw("VMF"), _number(idecl, "VMF"), "INFO/VMF")),
                      "INFO/VMF")
    # INFO/AF: a VAF (LoFreq, VarDict, VarScan INFO-only files) unless genotype-based
    if "AF" in info and acc.vaf is None:
        genotype_based = ctx.freebayes or ("AC" in info and "AN" in info)
        if genotype_based:
            acc.note("INFO/AF not used: it is a genotype frequency (AC/AN)")
        else:
            acc.offer_vaf(to_float(acc.pick(raw("AF"), _number(idecl, "AF"), "INFO/AF")),
                          "INFO/AF")
    # counts
    if "AO" in info:
        aos = _counts(raw("AO"))
        ro = to_count(raw("RO"))
        alt = to_count(acc.pick(raw("AO"), _number(idecl, "AO", "A"), "INFO/AO"))
        total = _all(aos) if aos is not None else None
        acc.offer_counts(alt, ro + sum(total) if ro is not None and total else None,
                         "INFO/AO,RO")
    if "AD" in info:
        ad = _counts(raw("AD"))
        if ad is not None and len(ad) == n_alts + 1:
            total = _all(ad)
            acc.offer_counts(ad[allele], sum(total) if total else None, "INFO/AD")
    if "DP4" in info and n_alts == 1:
        dp4 = _counts(raw("DP4"))
        if dp4 is not None and len(dp4) == 4 and _all(dp4):
            acc.offer_counts(dp4[2] + dp4[3], sum(dp4), "INFO/DP4")  # type: ignore[operator,arg-type]
    if "FAO" in info:
        fao = to_count(acc.pick(raw("FAO"), _number(idecl, "FAO", "A"), "INFO/FAO"))
        acc.offer_counts(fao, to_count(raw("FDP")), "INFO/FAO/FDP")
    if "VD" in info and n_alts == 1:
        acc.offer_counts(_first_count(raw("VD")), to_count(raw("DP")), "INFO/VD/DP")
    if "VMT" in info and "UMT" in info:
        acc.offer_counts(to_count(acc.pick(raw("VMT"), _number(idecl, "VMT", "A"), "INFO/VMT")),
                         to_count(raw("UMT")), "INFO/VMT/UMT (UMI families)")
        if acc.count_source == "INFO/VMT/UMT (UMI families)":
            acc.note("ALT reads and depth are UMI families (molecules), not reads")
            if acc.depth is None:
                acc.depth = acc.depth_from_counts
    if acc.depth is None:
        for key in ("TDP", "DP"):
            d = _first_count(raw(key))
            if d is not None:
                acc.depth = d
                break
        if acc.depth is None:
            acc.depth = acc.depth_from_counts
    if acc.vaf_source and acc.vaf_source.startswith("INFO/") and len(acc.notes) == notes_before:
        acc.note(f"VAF from the site-level {acc.vaf_source} (single tumour sample)")
