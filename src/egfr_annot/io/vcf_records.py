"""One VCF data line -> :class:`~egfr_annot.records.Call` objects (one per tumour sample x ALT),
plus the records that are not calls (symbolic alleles, gVCF reference blocks).

Problems are either fatal (:class:`~egfr_annot.errors.InputError` naming the line) or tolerable
(a deduplicated warning plus a counter, and the rest of the file is read). See ``vcf.py`` for the
full table; per record:

- fatal: wrong number of columns, empty/space-containing CHROM, non-numeric POS, empty or
  invalid REF (characters other than A,C,G,T,N and IUPAC codes), empty ALT column;
- skipped with a reason and a warning: malformed ALT allele (``A/T``), ALT equal to REF;
- skipped with a reason: symbolic ALT (``<DUP>``...) and breakends, ``*`` spanning deletions,
  gVCF ``<NON_REF>``/``<*>``, no ALT (``.``);
- tolerated with a warning: undeclared INFO/FORMAT keys, non-UTF-8 bytes, IUPAC codes in REF,
  more sample values than FORMAT keys, a per-ALT field with the wrong number of values (the
  field is not used), a VAF outside [0, 1] (not used), an unparseable INFO/END, a trailing tab.

Which samples get a call (per tumour sample and ALT allele):

- the genotype (GT, or VCF 4.4's local LGT through LAA) contains the allele; or
- the sample has ALT support whatever its genotype (ctDNA callers often genotype low-VAF calls
  ``0/0`` or ``./.``): ALT reads > 0 when the reads are known - a VAF > 0 with 0 ALT reads is
  not support (Mutect2 writes a small AF for every sample) - else a VAF > 0; or
- the sample has data but neither a genotype nor any read count or VAF the reader knows
  (a caller whose FORMAT holds only its own fields): the record is the caller's call, reported
  with a note rather than dropped.

A genotype-only sample (``GT`` and nothing else) that carries the ALT is a call with VAF, reads
and depth ``None`` and a note. A tumour column with no data (``.``, ``./.:.:.``) gives no call;
when no tumour sample has data the ALT is counted as ``no_tumour_sample_data`` - except when
FORMAT itself is ``.`` in a single-tumour file, or the file's only sample column is ``.``:
the record is then the call (as in a sites-only VCF), with a note. Otherwise an ALT without
a call is counted as ``normal_sample_only`` (a normal sample has it) or
``no_alt_support_in_tumour``. In a sites-only VCF every ALT is a call.

ALT ``.`` records are reference calls: kept as :class:`ReferenceBlock` (their depth says the
position was covered) and counted as ``gvcf_reference_block`` when they carry INFO/END
(Strelka2 gVCF blocks), else ``no_alt``. A breakend's INFO/END (Delly writes the mate's
position, with CHR2) is not a span.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from egfr_annot.errors import InputError
from egfr_annot.io.external_annotations import parse_ann, parse_bcsq, parse_csq
from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vaf import AlleleEvidence, RecordContext, extract_evidence, to_count
from egfr_annot.io.vcf_header import VcfHeader
from egfr_annot.records import Call, ExternalAnnotation, ReadCounts

_REF_OK = re.compile(r"[ACGTNacgtn]+")
_REF_IUPAC = re.compile(r"[ACGTNRYKMSWBDHVUacgtnrykmswbdhvu]+")
_ALT_BASES = re.compile(r"[ACGTNacgtn]+")
_ONE_BASE: Final = frozenset("ACGTNacgtn")  # (a set lookup before the regexes above)
_BREAKEND = re.compile(  # t[p[, t]p], ]p]t, [p[t, and single breakends .t / t.
    r"(?:[ACGTNacgtn]*[\[\]][^\[\]]+[\[\]][ACGTNacgtn]*)|(?:\.[ACGTNacgtn]+)|(?:[ACGTNacgtn]+\.)"
)
_PLAIN_ALTS = re.compile(r"[ACGTNacgtn]+(?:,[ACGTNacgtn]+)*")
_PASSING: Final = frozenset({"PASS", ".", ""})  # FILTER values of a passing record ("" warns)
GVCF_NON_REF: Final = frozenset({"<NON_REF>", "<*>", "<X>"})
# (chrom as written, POS, REF length) -> can a record there only be tumour-DNA evidence?
EvidenceOnly = Callable[[str, int, int], bool]
_MISSING_VALUES: Final = frozenset({"", ".", "NA", "NaN", "nan"})
_MAX_WARNING_KINDS: Final = 200


@dataclass(frozen=True, slots=True)
class SymbolicRecord:
    """A record with a symbolic ALT (``<DUP>``, ``<DEL>``, ``<CNV>``, ``<AMP>``, ``<INV>``...),
    a breakend, or a copy-number segment with ALT ``.`` and FORMAT/CN. Not a call: handed to the
    copy-number reader. ``end`` is INFO/END, else POS + |SVLEN|, else the REF span."""

    chrom: str
    pos: int
    end: int
    ref: str
    alt: str
    id: str
    qual: str
    filter: str
    info: Mapping[str, str | bool]
    samples: Mapping[str, Mapping[str, str]]  # sample -> FORMAT key -> raw value
    line: int


@dataclass(frozen=True, slots=True)
class ReferenceBlock:
    """A gVCF reference block (only ALT ``<NON_REF>``/``<*>``): no variant, but depth."""

    chrom: str
    pos: int
    end: int
    filter: str
    depth: Mapping[str, int | None]  # sample -> FORMAT/DP (None when absent)
    min_depth: Mapping[str, int | None]  # sample -> FORMAT/MIN_DP (None when absent)
    line: int


class ReadTally:
    """Mutable counters behind :class:`~egfr_annot.records.ReadCounts`."""

    __slots__ = ("records_read", "records_in_panel", "calls_in_panel", "skipped", "_warnings")

    def __init__(self) -> None:
        self.records_read = 0
        self.records_in_panel = 0
        self.calls_in_panel = 0
        self.skipped: Counter[str] = Counter()
        self._warnings: dict[str, list[int]] = {}  # message -> [count, first line]

    def warn(self, message: str, line: int | None) -> None:
        entry = self._warnings.get(message)
        if entry is not None:
            entry[0] += 1
        elif len(self._warnings) < _MAX_WARNING_KINDS:
            self._warnings[message] = [1, line or 0]
        else:
            other = self._warnings.setdefault("further kinds of warnings not listed", [0, 0])
            other[0] += 1

    def warnings(self) -> tuple[str, ...]:
        out = []
        for message, (count, first) in self._warnings.items():
            where = f"first at line {first}" if first else "line unknown"
            out.append(f"{message} [{where}; {count}x]" if count > 1 else f"{message} [{where}]")
        return tuple(out)

    def to_counts(self) -> ReadCounts:
        skipped = Counter(self.skipped)
        skipped["outside_panel"] = self.records_read - self.records_in_panel
        return ReadCounts(
            records_read=self.records_read,
            records_in_panel=self.records_in_panel,
            calls_in_panel=self.calls_in_panel,
            skipped=tuple(sorted((k, v) for k, v in skipped.items() if v)),
            warnings=self.warnings(),
        )


class RecordParser:
    """Parses data lines of one file (header fixed), appending side records to its lists."""

    def __init__(self, header: VcfHeader, regions: RegionSet | None, tally: ReadTally) -> None:
        self.header = header
        self.path = header.path
        self.regions = regions
        self.tally = tally
        self.ncols = len(header.columns)
        self.samples = header.samples
        self.tumour_idx = [header.samples.index(s) for s in header.tumour_samples
                           if s in header.samples]
        self.normal_idx = [header.samples.index(s) for s in header.normal_samples]
        self.sites_only = not header.samples
        self.info_level_allowed = len(header.tumour_samples) == 1
        self.freebayes = "freebayes" in header.source.lower()
        self._annotated = any(k in header.info for k in ("CSQ", "ANN", "BCSQ"))
        self.csq_fields = header.csq_fields
        self.ann_fields = header.ann_fields
        # VEP can write its CSQ-format annotations under the name ANN (--vcf_info_field ANN)
        ann = header.info.get("ANN")
        self.ann_is_vep = ann is not None and "Ensembl VEP" in ann.description
        self._info_keys = frozenset(header.info)
        self._format_keys = frozenset(header.format)
        # matches an INFO column that uses only declared keys (checked in C, ~0.5 us)
        declared = "|".join(re.escape(k) for k in sorted(header.info, key=len, reverse=True))
        item = f"(?:{declared})(?:=[^;]*)?" if declared else "(?!)"
        self._info_declared_only = re.compile(f"{item}(?:;{item})*")
        self._format_cache: dict[str, list[str]] = {}  # FORMAT column -> its keys
        self._fast_plans: dict[str, _FastPlan | None] = {}
        # FORMAT column -> plan, for records the common path may take (all keys declared)
        self._common_plans: dict[str, _FastPlan | None] = {}
        self._common_path = bool(self.tumour_idx) and not self.sites_only and not self._annotated
        # set by the caller once it knows which records can only be tumour-DNA evidence
        self.evidence_only: EvidenceOnly | None = None
        self.symbolic: list[SymbolicRecord] = []
        self.reference_blocks: list[ReferenceBlock] = []

    # -- helpers ---------------------------------------------------------------------------------
    def _fatal(self, line_no: int | None, problem: str) -> InputError:
        return InputError(self.path, line_no or None, problem)

    def _warn(self, message: str, line_no: int) -> None:
        self.tally.warn(message, line_no)

    def _parse_info(self, text: str, line_no: int) -> dict[str, str | bool]:
        if text in ("", "."):
            return {}
        info: dict[str, str | bool] = {}
        for item in text.split(";"):
            key, sep, value = item.partition("=")
            info[key] = value if sep else True
        undeclared = info.keys() - self._info_keys
        if undeclared:
            for key in sorted(undeclared):
                if key:
                    self._warn(f"INFO key {key!r} is not declared in the header", line_no)
                elif info[""] is not True:  # "=value" (";;" or a trailing ";" is harmless)
                    self._warn("malformed INFO item without a key ignored", line_no)
            info.pop("", None)
        return info

    # -- main entry ----------------------------------------------------------------------------
    def parse(self, text: str, line_no: int, *, by_pos: bool = True) -> list[Call] | None:
        """Calls of one data line (``text`` without its line end). Returns ``None`` when the
        record lies outside the regions (possible for span candidates, ``by_pos=False``)."""
        fields = text.split("\t")
        if by_pos and len(fields) == self.ncols:
            if (self.evidence_only is not None and fields[6] not in _PASSING
                    and self._filtered_evidence_only(fields)):
                self.tally.records_in_panel += 1
                self.tally.skipped["filtered_tumour_evidence_record"] += 1
                return []
            if self._common_path:
                common = self._parse_common(fields, line_no)
                if common is not None:
                    return common
        if len(fields) == self.ncols + 1 and not fields[-1]:
            fields.pop()  # a trailing tab (spreadsheet export): the empty last field is dropped
            self._warn("trailing tab at the end of a record ignored", line_no)
        if len(fields) != self.ncols and not (self.ncols == 9 and len(fields) == 8):
            raise self._fatal(line_no, f"expected {self.ncols} tab-separated columns as in the "
                              f"#CHROM header line, found {len(fields)}")
        chrom, pos_text, _id, ref, alt_field, _qual, filt, info_text = fields[:8]
        if not chrom or " " in chrom:
            raise self._fatal(line_no, f"invalid CHROM {chrom!r}")
        if not (pos_text.isdigit() and pos_text.isascii()):
            raise self._fatal(line_no, f"POS {pos_text[:40]!r} is not a number")
        pos = int(pos_text)
        if not _REF_OK.fullmatch(ref):
            if not ref:
                raise self._fatal(line_no, "empty REF")
            if _REF_IUPAC.fullmatch(ref):
                self._warn("REF contains IUPAC ambiguity codes", line_no)
            else:
                raise self._fatal(line_no, f"invalid REF {ref[:40]!r} (allowed: A, C, G, T, N)")
        if not alt_field:
            raise self._fatal(line_no, "empty ALT column (use '.' for no ALT)")
        info: Mapping[str, str | bool]
        if info_text in ("", ".") or self._info_declared_only.fullmatch(info_text):
            info = _LazyInfo(info_text)  # all keys declared: parse only if a value is needed
        else:
            info = self._parse_info(info_text, line_no)
        if not filt:
            self._warn("empty FILTER column read as '.'", line_no)
            filt = "."

        if self.regions is not None and not by_pos:
            end = self._record_end(chrom, pos, ref, info, line_no)
            if not self.regions.overlaps(chrom, pos, end):
                return None
        tally = self.tally
        tally.records_in_panel += 1
        ref_u = ref.upper()

        if alt_field == ".":
            samples = _Samples(self, fields, line_no)
            if "CN" in self.header.format and "END" in info:
                self._add_symbolic(fields, pos, ref_u, ".", info, samples, line_no)
                tally.skipped["copy_number_segment"] += 1
            else:
                # a reference call (Strelka2/bcftools gVCF blocks have ALT "." and END): its
                # depth says the position was covered without a variant
                self._add_reference_block(chrom, pos, ref_u, filt, info, samples, line_no)
                tally.skipped["gvcf_reference_block" if "END" in info else "no_alt"] += 1
            return []
        alts = alt_field.split(",")
        kinds = [_allele_kind(a) for a in alts] if len(alts) > 1 else [_allele_kind(alt_field)]
        if _MALFORMED in kinds:
            self._warn(f"malformed ALT {alt_field[:40]!r}: record skipped", line_no)
            tally.skipped["malformed_alt"] += 1
            return []
        samples = _Samples(self, fields, line_no)
        if kinds[0] == _NON_REF and all(k == _NON_REF for k in kinds):
            self._add_reference_block(chrom, pos, ref_u, filt, info, samples, line_no)
            tally.skipped["gvcf_reference_block"] += 1
            return []

        if len(alts) == 1:
            alts_u: tuple[str, ...] = (alt_field.upper() if kinds[0] == _SEQ else alt_field,)
        else:
            alts_u = tuple(a.upper() if k == _SEQ else a for a, k in zip(alts, kinds, strict=True))
        ctx = RecordContext(ref_u, alts_u, info, self.header.info, self.header.format,
                            self.info_level_allowed, self.freebayes)
        calls: list[Call] = []
        skipped = tally.skipped
        for allele, (alt, kind) in enumerate(zip(alts_u, kinds, strict=True), start=1):
            if kind != _SEQ:
                if kind == _STAR:
                    skipped["spanning_deletion"] += 1
                elif kind == _NON_REF:
                    skipped["gvcf_non_ref_allele"] += 1
                else:
                    skipped["breakend" if kind == _BND else "symbolic_allele"] += 1
                    self._add_symbolic(fields, pos, ref_u, alt, info, samples, line_no)
                continue
            if alt == ref_u:
                self._warn("ALT equals REF: allele skipped", line_no)
                skipped["alt_equals_ref"] += 1
                continue
            external = (self._external(info, pos, ref_u, alts_u, allele)
                        if self._annotated else ())
            if not samples.present:
                # sites-only VCF: the record itself is the call
                ev = extract_evidence(ctx, None, allele)
                if ev.problems:
                    self._report_problems(ev, line_no)
                calls.append(Call(self.header.tumour_samples[0], chrom, pos, ref_u, alt, filt,
                                  ev.vaf, ev.alt_reads, ev.depth, ev.vaf_source, line_no, None,
                                  external, ev.notes))
                continue
            n_before = len(calls)
            plan = samples.fast_plan() if len(alts_u) == 1 else None
            no_data = 0
            for idx in self.tumour_idx:
                fast = _fast_af_ad_dp(plan, fields, idx) if plan is not None else None
                phase = None
                if fast is not None:
                    gt, ev = fast
                else:
                    sample = samples.get(idx)
                    if not _has_data(sample):
                        if len(self.tumour_idx) == 1 and (not samples.keys or (
                                len(self.samples) == 1 and not sample)):
                            # FORMAT '.', or the only sample is '.': nothing says the sample
                            # lacks the ALT, so the record is the call (as in a sites-only
                            # VCF), with any site-level values. An explicit no-call ('./.',
                            # './.:.:.') is not: `bcftools view -s` writes it for the records
                            # of a multi-sample VCF's other samples.
                            ev = extract_evidence(ctx, None, allele)
                            calls.append(Call(self.samples[idx], chrom, pos, ref_u, alt, filt,
                                              ev.vaf, ev.alt_reads, ev.depth, ev.vaf_source,
                                              line_no, None, external,
                                              (*ev.notes, _NO_SAMPLE_DATA_NOTE)))
                        else:
                            no_data += 1
                            if len(self.samples) == 1:
                                self._warn("the only sample has no call on a record ('./.'): not "
                                           "taken as a call (a sample taken out of a "
                                           "multi-sample VCF?)", line_no)
                        continue
                    gt = _genotype(sample, allele)
                    ev = extract_evidence(ctx, sample, allele)
                    phase = phase_of(gt, sample, allele, len(alts_u))
                if ev.problems:
                    self._report_problems(ev, line_no)
                carried = gt is not None and _gt_has_allele(gt, allele)
                # ALT reads decide when they are known (Mutect2 writes a small AF > 0 for
                # samples without a single ALT read); the VAF decides only without them
                supported = (ev.alt_reads > 0 if ev.alt_reads is not None
                             else (ev.vaf or 0.0) > 0.0)
                unknown = ev.alt_reads is None and ev.vaf is None
                if not carried and not supported and not (unknown and gt is None):
                    continue
                notes = ev.notes
                if gt is not None and not carried and _gt_called(gt):
                    notes = (*notes, _outside_genotype_note(gt))
                if unknown:
                    notes = (*notes, _NO_GT_NOTE if gt is None else _GT_ONLY_NOTE)
                calls.append(Call(self.samples[idx], chrom, pos, ref_u, alt, filt, ev.vaf,
                                  ev.alt_reads, ev.depth, ev.vaf_source, line_no, gt, external,
                                  notes, phase))
            if len(calls) == n_before:
                if no_data == len(self.tumour_idx):
                    skipped["no_tumour_sample_data"] += 1
                else:
                    skipped["normal_sample_only" if self._in_normal(ctx, samples, allele)
                            else "no_alt_support_in_tumour"] += 1
        tally.calls_in_panel += len(calls)
        return calls

    def fast_plan_for(self, fmt: str, keys: list[str]) -> _FastPlan | None:
        """The GT/AD/AF/DP plan of a FORMAT column (``keys``: its keys), cached per column."""
        cache = self._fast_plans
        if fmt in cache:
            return cache[fmt]
        plan = _make_fast_plan(keys, self.header.format)
        if len(cache) < 4096:
            cache[fmt] = plan
        return plan

    def _filtered_evidence_only(self, fields: list[str]) -> bool:
        """For a record that failed the caller's filters (:meth:`parse` checks FILTER first, on
        its hot path): does only tumour-DNA evidence come from where it lies (``evidence_only``:
        far from every panel transcript and genomic rule), with plain A/C/G/T/N alleles? Then it
        can be neither evidence (that needs a passing call) nor a finding, so it is counted and
        not parsed (~40 % of a WGS file's records in the tumour-evidence genes, issue #9).
        Symbolic records (copy-number input) and malformed ones are parsed as usual."""
        if not _PLAIN_ALTS.fullmatch(fields[4]):
            return False
        chrom, pos_text, ref = fields[0], fields[1], fields[3]
        if not (chrom and " " not in chrom and pos_text.isdigit() and pos_text.isascii()
                and _REF_IUPAC.fullmatch(ref)):
            return False  # (the general path names the problem)
        assert self.evidence_only is not None
        return self.evidence_only(chrom, int(pos_text), len(ref))

    def _parse_common(self, fields: list[str], line_no: int) -> list[Call] | None:
        """The calls of the common record in one pass: one A/C/G/T/N ALT, only declared INFO
        and FORMAT keys, and every tumour sample in the GT/AD/AF/DP layout of
        :func:`_fast_af_ad_dp` with ALT support. Anything else - or a record that gives no
        call, whose reason the general path counts - returns None before any count or warning
        is made, and :meth:`parse` goes on with the general path, which gives the same calls
        for the records taken here (tests/io/test_vcf_common_path.py). Most WGS records in the
        tumour-evidence genes are taken here, at half the cost (issue #9)."""
        chrom, pos_text, _id, ref, alt, _qual, filt, info_text, fmt = fields[:9]
        if (not chrom or " " in chrom or not filt or not pos_text.isdigit()
                or not pos_text.isascii()
                or not (ref in _ONE_BASE or _REF_OK.fullmatch(ref))
                or not (alt in _ONE_BASE or _ALT_BASES.fullmatch(alt))):
            return None
        ref_u = ref.upper()
        alt_u = alt.upper()
        if alt_u == ref_u or (info_text not in ("", ".")
                              and not self._info_declared_only.fullmatch(info_text)):
            return None
        try:
            plan = self._common_plans[fmt]
        except KeyError:
            keys = fmt.split(":")
            plan = self.fast_plan_for(fmt, keys) if self._format_keys.issuperset(keys) else None
            if len(self._common_plans) < 4096:
                self._common_plans[fmt] = plan
        if plan is None:
            return None
        pos = int(pos_text)
        calls: list[Call] = []
        for idx in self.tumour_idx:
            values = _fast_values(plan, fields, idx)
            if values is None:
                return None
            gt, vaf, alt_reads, depth = values
            carried = gt is not None and (gt in _CARRY_FIRST_ALT or _gt_has_allele(gt, 1))
            if not carried and not alt_reads:
                continue  # (the general path decides what the record then counts as)
            notes: tuple[str, ...] = ()
            if gt is not None and not carried and _gt_called(gt):
                notes = (_outside_genotype_note(gt),)
            calls.append(Call(self.samples[idx], chrom, pos, ref_u, alt_u, filt, vaf,
                              alt_reads, depth, _FORMAT_AF, line_no, gt, (), notes))
        if not calls:
            return None
        tally = self.tally
        tally.records_in_panel += 1
        tally.calls_in_panel += len(calls)
        return calls

    def _in_normal(self, ctx: RecordContext, samples: _Samples, allele: int) -> bool:
        for idx in self.normal_idx:
            sample = samples.get(idx)
            if not sample:
                continue
            gt = _genotype(sample, allele)
            if gt and _gt_has_allele(gt, allele):
                return True
            if (extract_evidence(ctx, sample, allele).alt_reads or 0) > 0:
                return True
        return False

    def _record_end(self, chrom: str, pos: int, ref: str, info: Mapping[str, str | bool],
                    line_no: int) -> int:
        if info.get("SVTYPE") in ("BND", "TRA") or info.get("CHR2", chrom) != chrom:
            # a breakend's END (Delly, with CHR2) is the mate's position, maybe on another
            # chromosome: the record spans only its own position
            return pos + max(len(ref) - 1, 0)
        end_raw = info.get("END")
        if isinstance(end_raw, str):
            end = to_count(end_raw)
            if end is not None and end >= pos:
                return end
            self._warn(f"INFO/END {end_raw[:20]!r} is not a position at or after POS: ignored",
                       line_no)
        svlen = info.get("SVLEN")
        if isinstance(svlen, str):
            digits = [v.lstrip("-") for v in svlen.split(",")]
            lengths = [int(v) for v in digits if v.isascii() and v.isdigit()]
            if lengths:
                return pos + max(lengths)
        return pos + max(len(ref) - 1, 0)

    def _report_problems(self, ev: AlleleEvidence, line_no: int) -> None:
        for problem in ev.problems:
            self._warn(problem, line_no)

    def _external(self, info: Mapping[str, str | bool], pos: int, ref: str,
                  alts: tuple[str, ...], allele: int) -> tuple[ExternalAnnotation, ...]:
        out: tuple[ExternalAnnotation, ...] = ()
        if "CSQ" in info:
            out += parse_csq(info["CSQ"], self.csq_fields, ref, alts, allele)
        if "ANN" in info:
            out += (parse_csq(info["ANN"], self.ann_fields, ref, alts, allele) if self.ann_is_vep
                    else parse_ann(info["ANN"], self.ann_fields, alts, allele))
        if "BCSQ" in info:
            out += parse_bcsq(info["BCSQ"], pos, ref, alts, allele)
        return out

    def _add_symbolic(self, fields: list[str], pos: int, ref: str, alt: str,
                      info: Mapping[str, str | bool], samples: _Samples,
                      line_no: int) -> None:
        end = self._record_end(fields[0], pos, ref, info, line_no)
        per_sample = {
            name: MappingProxyType(dict(samples.get(i)))
            for i, name in enumerate(self.samples)
        }
        self.symbolic.append(SymbolicRecord(
            chrom=fields[0], pos=pos, end=end, ref=ref, alt=alt, id=fields[2], qual=fields[5],
            filter=fields[6] or ".", info=MappingProxyType(dict(info)),
            samples=MappingProxyType(per_sample), line=line_no,
        ))

    def _add_reference_block(self, chrom: str, pos: int, ref: str, filt: str,
                             info: Mapping[str, str | bool],
                             samples: _Samples, line_no: int) -> None:
        end = self._record_end(chrom, pos, ref, info, line_no)
        depth: dict[str, int | None] = {}
        min_depth: dict[str, int | None] = {}
        for i, name in enumerate(self.samples):
            sample = samples.get(i)
            depth[name] = to_count(sample.get("DP"))
            min_depth[name] = to_count(sample.get("MIN_DP"))
        self.reference_blocks.append(ReferenceBlock(
            chrom=chrom, pos=pos, end=end, filter=filt, depth=MappingProxyType(depth),
            min_depth=MappingProxyType(min_depth), line=line_no,
        ))


_SEQ, _STAR, _NON_REF, _SYM, _BND, _MALFORMED = range(6)
_NO_SAMPLE_DATA_NOTE: Final = ("no per-sample data (FORMAT or the sample column is '.'): the "
                               "record itself is the call")
_NO_GT_NOTE: Final = ("no genotype and no read counts or VAF the reader knows for this sample: "
                      "reported as a call because the caller wrote the record")
_GT_ONLY_NOTE: Final = "no read counts or VAF for this sample (the genotype is the only evidence)"


def _has_data(sample: Mapping[str, str]) -> bool:
    """Does a sample column hold anything (``.`` and ``./.:.:.`` do not)?"""
    for key, value in sample.items():
        if key in ("GT", "LGT"):
            if _gt_called(value):
                return True
        elif value not in _MISSING_VALUES and value.strip(".,") != "":
            return True
    return False


def _genotype(sample: Mapping[str, str], allele: int) -> str | None:
    """GT as written, or VCF 4.4's local LGT translated through LAA; None when missing."""
    gt = sample.get("GT")
    if gt is None and "LGT" in sample:
        gt = _global_genotype(sample["LGT"], sample.get("LAA", "."))
    if gt == "" or gt == ".":
        return None
    return gt


def phase_of(gt: str | None, sample: Mapping[str, str], allele: int, n_alts: int
             ) -> tuple[str, int] | None:
    """(phase set, haplotype 0 or 1) of ALT ``allele`` in a sample the caller phased: a
    diploid GT with ``|`` and a FORMAT/PS, or, as older Mutect2 wrote it, an unphased GT with
    PGT (``0|1``) and PID (single-ALT records only: PGT does not name the ALT). A phased GT
    without PS belongs to one set per chromosome by the VCF specification, but callers write
    ``|`` loosely: only an explicit set is read. None when the ALT is on both haplotypes or
    on neither."""
    ps = sample.get("PS")
    if gt is not None and "|" in gt and ps not in (None, "", "."):
        haplotype = _haplotype(gt, allele)
        return None if haplotype is None else (f"PS={ps}", haplotype)
    pgt, pid = sample.get("PGT"), sample.get("PID")
    if n_alts == 1 and pgt is not None and "|" in pgt and pid not in (None, "", "."):
        haplotype = _haplotype(pgt, allele)
        return None if haplotype is None else (f"PID={pid}", haplotype)
    return None


def _haplotype(gt: str, allele: int) -> int | None:
    parts = gt.split("|")
    if len(parts) != 2 or "/" in gt:
        return None
    on = [i for i, part in enumerate(parts) if part == str(allele)]
    return on[0] if len(on) == 1 else None


def _global_genotype(lgt: str, laa: str) -> str | None:
    """``LGT=0/1`` with ``LAA=2`` -> ``0/2`` (VCF 4.4 local alleles)."""
    local = [] if laa in ("", ".") else laa.split(",")
    out = []
    for part in re.split(r"([/|])", lgt):
        if part.isdigit() and part != "0":
            k = int(part)
            if k > len(local) or not local[k - 1].isdigit():
                return None
            part = local[k - 1]
        out.append(part)
    return "".join(out)


def _allele_kind(alt: str) -> int:
    if _ALT_BASES.fullmatch(alt):
        return _SEQ
    if alt == "*":
        return _STAR
    if alt in GVCF_NON_REF:
        return _NON_REF
    if len(alt) > 2 and alt[0] == "<" and alt[-1] == ">":
        return _SYM
    if _BREAKEND.fullmatch(alt):
        return _BND
    return _MALFORMED


# FORMAT keys that never change which value is the VAF, reads or depth of a record that has
# AF (Number=A), AD (Number=R) and DP: with only these keys the fast path below gives exactly
# what extract_evidence gives (tests/io/test_vcf_fuzz.py checks that on random records).
_FAST_SAFE_KEYS: Final = frozenset({
    "GT", "AD", "AF", "DP", "GQ", "PL", "GL", "PGT", "PID", "PS", "F1R2", "F2R1", "SB", "FT",
    "MBQ", "MFRL", "MMQ", "MPOS", "OBAM", "OBAMRC", "OBF", "OBP", "OBQ", "OBQRC", "SQ", "FAD",
    "MB", "NCount", "SA_MAP_AF", "SA_POST_PROB", "GP",  # DRAGEN mate bias, GATK liquid biopsy
})
_FastPlan = tuple[int, int, int, int | None, int]  # AF, AD, DP, GT index, number of keys


def _make_fast_plan(keys: list[str], decls: Mapping[str, object]) -> _FastPlan | None:
    if not set(keys) <= _FAST_SAFE_KEYS or not {"AF", "AD", "DP"} <= set(keys):
        return None
    if "PS" in keys or "PID" in keys:
        return None  # a phased record (a few per cent of Mutect2's): the general path reads it
    if len(set(keys)) != len(keys):
        return None  # a repeated key: the general path keeps the last value
    af, ad = decls.get("AF"), decls.get("AD")
    if getattr(af, "number", None) != "A" or getattr(ad, "number", None) != "R":
        return None
    return (keys.index("AF"), keys.index("AD"), keys.index("DP"),
            keys.index("GT") if "GT" in keys else None, len(keys))


def _fast_af_ad_dp(
    plan: _FastPlan, fields: list[str], idx: int
) -> tuple[str | None, AlleleEvidence] | None:
    """(genotype, evidence) of a single-ALT record whose sample column holds a valid AF, REF,ALT
    AD and DP (Mutect2, DRAGEN, VarDict-like); ``None`` sends the sample to the general path."""
    values = _fast_values(plan, fields, idx)
    if values is None:
        return None
    gt, vaf, alt_reads, depth = values
    return gt, AlleleEvidence(vaf, alt_reads, depth, _FORMAT_AF)


def _fast_values(
    plan: _FastPlan, fields: list[str], idx: int
) -> tuple[str | None, float, int, int] | None:
    """(genotype, VAF, ALT reads, depth) for :func:`_fast_af_ad_dp`, or ``None``."""
    col_i = 9 + idx
    if col_i >= len(fields):
        return None
    values = fields[col_i].split(":")
    af_i, ad_i, dp_i, gt_i, n_keys = plan
    if len(values) != n_keys:
        return None
    try:
        vaf = float(values[af_i])
    except ValueError:
        return None
    ref_text, sep, alt_text = values[ad_i].partition(",")
    dp_text = values[dp_i]
    if not (0.0 <= vaf <= 1.0 and sep and ref_text.isdigit() and alt_text.isdigit()
            and ref_text.isascii() and alt_text.isascii() and dp_text.isdigit()
            and dp_text.isascii()):
        return None  # missing, inf/nan, several ALTs, odd counts: general path
    gt: str | None = values[gt_i] if gt_i is not None else None
    if gt == "" or gt == ".":
        gt = None
    return gt, vaf, int(alt_text), int(dp_text)


_FORMAT_AF: Final = "FORMAT/AF"


class _LazyInfo(Mapping[str, "str | bool"]):
    """An INFO column whose keys are all declared: split into a dict on first real use
    (most records only need FORMAT values)."""

    __slots__ = ("text", "_items")

    def __init__(self, text: str) -> None:
        self.text = text
        self._items: dict[str, str | bool] | None = None

    def _parsed(self) -> dict[str, str | bool]:
        if self._items is None:
            items: dict[str, str | bool] = {}
            if self.text not in ("", "."):
                for item in self.text.split(";"):
                    key, sep, value = item.partition("=")
                    items[key] = value if sep else True
            self._items = items
        return self._items

    def __contains__(self, key: object) -> bool:
        if self._items is None and isinstance(key, str) and key not in self.text:
            return False  # cheap: the key's name does not even occur in the text
        return key in self._parsed()

    def __getitem__(self, key: str) -> str | bool:
        return self._parsed()[key]

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        return self._parsed().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def __len__(self) -> int:
        return len(self._parsed())


class _Samples:
    """Sample columns of one record, split into FORMAT dicts only when asked for."""

    __slots__ = ("parser", "fields", "line_no", "keys", "cache", "present")

    def __init__(self, parser: RecordParser, fields: list[str], line_no: int) -> None:
        self.parser = parser
        self.fields = fields
        self.line_no = line_no
        self.present = len(fields) > 9 and not parser.sites_only
        self.cache: dict[int, dict[str, str]] = {}
        self.keys: list[str] = []
        if self.present:
            fmt = fields[8]
            keys = parser._format_cache.get(fmt)
            if keys is None:
                keys = fmt.split(":") if fmt not in ("", ".") else []
                if len(parser._format_cache) < 4096:
                    parser._format_cache[fmt] = keys
            self.keys = keys
            if not parser._format_keys.issuperset(keys):
                for key in keys:
                    if key not in parser._format_keys:
                        parser._warn(f"FORMAT key {key!r} is not declared in the header", line_no)

    def fast_plan(self) -> _FastPlan | None:
        """Column indexes for the common GT/AD/AF/DP layout (see :func:`_fast_af_ad_dp`)."""
        if not self.present:
            return None
        return self.parser.fast_plan_for(self.fields[8], self.keys)

    def get(self, idx: int) -> dict[str, str]:
        """FORMAT key -> raw value for sample ``idx`` ({} when the column is empty or '.')."""
        cached = self.cache.get(idx)
        if cached is not None:
            return cached
        col_i = 9 + idx
        out: dict[str, str] = {}
        if self.present and col_i < len(self.fields):
            col = self.fields[col_i]
            if col not in ("", "."):
                values = col.split(":")
                if len(values) > len(self.keys):
                    self.parser._warn("a sample column has more values than FORMAT keys "
                                      "(extra values ignored)", self.line_no)
                out = dict(zip(self.keys, values, strict=False))
        self.cache[idx] = out
        return out


# Common genotypes that carry ALT 1 (a set lookup; others go through _gt_has_allele).
_CARRY_FIRST_ALT: Final = frozenset({"0/1", "0|1", "1|0", "1/1", "1|1", "1", "./1", "1/."})


def _outside_genotype_note(gt: str) -> str:
    return f"genotype {gt} does not include this ALT, but the sample has ALT support"


def _gt_has_allele(gt: str, allele: int) -> bool:
    return str(allele) in gt.replace("|", "/").split("/")


def _gt_called(gt: str) -> bool:
    return any(a not in (".", "") for a in gt.replace("|", "/").split("/"))
