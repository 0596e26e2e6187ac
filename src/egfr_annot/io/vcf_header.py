"""VCF header: meta lines, INFO/FORMAT declarations, contigs, samples and their roles.

Only the header is parsed here (it is small); records are handled by ``vcf_records``.
Tumour/normal roles are decided once per file (:func:`assign_sample_roles`), in this order:

1. the caller's options: ``sample=`` (the one tumour sample to report) and ``normal=``;
   ``sample=`` naming the file's normal is refused unless ``normal=`` is given too;
2. header declarations (:func:`_declared_roles`): ``##tumor_sample=`` / ``##normal_sample=``
   (GATK Mutect2, Sentieon), ``##SAMPLE=<ID=...,Description|SampleType|Genomes|ALIAS=...>``
   (RADIA, TCGA/GDC, bcbio), ``##PEDIGREE=<Derived=T,Original=N>``, then the sample options
   of the caller's command line echoed in the header (GATK/Octopus ``--normal-sample``,
   Sentieon ``--normal_sample``, DRAGEN ``--RGSM-tumor`` + ``--RGSM``). When only tumours
   are declared, the other samples are normals;
3. a file with a single sample column: that sample is the tumour (a pooled
   ``TUMOUR_NORMAL`` column as in the PCGR/TCGA files holds the tumour's values);
4. sample names: ``NORMAL``/``TUMOR`` (Strelka, VarScan, MuTect, MuSE), ``*_NORMAL``,
   ``DNA_NORMAL``, ``*-N``/``*-T`` pairs, ``GERMLINE``, ``CONTROL``, ``WBC``/``buffy coat``/
   ``blood`` (the germline control of a plasma sample), VarDict's ``<tumour>-match``, and
   TCGA barcodes with a normal sample type (10-19);
5. the fixed column order of callers that name a pair by the user's sample names: Manta
   somatic (normal first), VarDict paired (tumour first);
6. everything not recognised as normal is a tumour sample and gets calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from egfr_annot.builds import Build
from egfr_annot.errors import InputError, UsageError

MANDATORY_COLUMNS: Final = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")


@dataclass(frozen=True, slots=True)
class FieldDecl:
    """One ``##INFO`` or ``##FORMAT`` declaration."""

    id: str
    number: str  # "1", "A", "R", "G", ".", "2", ...
    type: str  # Integer, Float, String, Flag, Character
    description: str


@dataclass(frozen=True, slots=True)
class VcfHeader:
    """Everything the reader learnt from a VCF header (immutable).

    ``tumour_samples`` get calls; ``normal_samples`` do not. ``roles_decided_by`` says how
    (e.g. ``"##tumor_sample/##normal_sample header lines"``). A sites-only VCF (no sample
    columns) has ``samples == ()`` and one pseudo tumour sample named after the file (or
    ``sample=``), flagged in ``roles_decided_by``.
    """

    path: str
    file_format: str | None  # "VCFv4.2"; None when the ##fileformat line is missing
    samples: tuple[str, ...]
    tumour_samples: tuple[str, ...]
    normal_samples: tuple[str, ...]
    roles_decided_by: str
    contigs: Mapping[str, int | None]  # name as written -> length (None when not given)
    build_hint: tuple[Build | None, str]  # detect_build() on this header
    info: Mapping[str, FieldDecl]
    format: Mapping[str, FieldDecl]
    filters: Mapping[str, str]
    meta: tuple[tuple[str, str], ...]  # every ##key=value line, in order
    source: str  # "##source" values joined ("" when absent)
    n_header_lines: int = 0
    columns: tuple[str, ...] = field(default=MANDATORY_COLUMNS)
    header_bytes: int = 0  # decompressed bytes before the first record (index check)

    def meta_values(self, key: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.meta if k == key)

    @property
    def csq_fields(self) -> tuple[str, ...]:
        """Field names of VEP's ``CSQ`` (from its Description ``Format: A|B|...``)."""
        return _pipe_format(self.info.get("CSQ"))

    @property
    def ann_fields(self) -> tuple[str, ...]:
        return _pipe_format(self.info.get("ANN"))

    @property
    def bcsq_fields(self) -> tuple[str, ...]:
        return _pipe_format(self.info.get("BCSQ"))


def _pipe_format(decl: FieldDecl | None) -> tuple[str, ...]:
    if decl is None:
        return ()
    m = re.search(r"Format:\s*'?([^'\"]+)", decl.description)
    if not m:
        # SnpEff writes "Functional annotations: 'Allele | Annotation | ...'"
        m = re.search(r"'([^']*\|[^']*)'", decl.description)
    if not m:
        return ()
    return tuple(part.strip() for part in m.group(1).split("|"))


# ------------------------------------------------------------------------------------------
# meta-line parsing
# ------------------------------------------------------------------------------------------
def parse_meta_line(line: str) -> tuple[str, str]:
    """``##key=value`` -> ``(key, value)``; a line without ``=`` gives ``(text, "")``."""
    body = line[2:]
    key, sep, value = body.partition("=")
    return (key.strip(), value.strip()) if sep else (body.strip(), "")


def parse_structured(value: str) -> dict[str, str] | None:
    """Parse ``<ID=AD,Number=R,Type=Integer,Description="a, b">`` into a dict (quotes removed,
    ``\\"`` unescaped); ``None`` if the value is not a ``<...>`` structure."""
    if not (value.startswith("<") and value.endswith(">")):
        return None
    body = value[1:-1]
    out: dict[str, str] = {}
    i, n = 0, len(body)
    while i < n:
        eq = body.find("=", i)
        if eq < 0:
            key = body[i:].strip()
            if key:
                out[key] = ""
            break
        key = body[i:eq].strip()
        j = eq + 1
        if j < n and body[j] == '"':
            j += 1
            chars = []
            while j < n and body[j] != '"':
                if body[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(body[j])
                j += 1
            val = "".join(chars)
            j = body.find(",", j)
            j = n if j < 0 else j
        else:
            comma = body.find(",", j)
            comma = n if comma < 0 else comma
            val = body[j:comma].strip()
            j = comma
        out[key] = val
        i = j + 1
    return out


@dataclass(slots=True)
class HeaderBuilder:
    """Accumulates header lines (as decoded text) and produces a :class:`VcfHeader`."""

    path: str
    meta: list[tuple[str, str]] = field(default_factory=list)
    info: dict[str, FieldDecl] = field(default_factory=dict)
    format: dict[str, FieldDecl] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    contigs: dict[str, int | None] = field(default_factory=dict)
    contig_assemblies: list[str] = field(default_factory=list)
    file_format: str | None = None
    n_lines: int = 0
    n_bytes: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, tolerable oddity)

    def add_meta(self, line: str, line_no: int) -> None:
        key, value = parse_meta_line(line)
        self.meta.append((key, value))
        if line_no == 1 and key == "fileformat":
            self.file_format = value
            return
        if key in ("INFO", "FORMAT", "FILTER", "contig"):
            fields = parse_structured(value)
            if fields is None or "ID" not in fields or not fields["ID"]:
                self.problems.append((line_no, f"malformed ##{key} line ignored"))
                return
            ident = fields["ID"]
            if key == "contig":
                length = fields.get("length", "")
                self.contigs[ident] = int(length) if length.isascii() and length.isdigit() else None
                if fields.get("assembly"):
                    self.contig_assemblies.append(fields["assembly"])
            elif key == "FILTER":
                self.filters[ident] = fields.get("Description", "")
            else:
                decl = FieldDecl(
                    ident,
                    fields.get("Number", "."),
                    fields.get("Type", "String"),
                    fields.get("Description", ""),
                )
                (self.info if key == "INFO" else self.format)[ident] = decl

    def finish(
        self,
        columns: Sequence[str],
        *,
        sample: str | None,
        normal: str | None,
        pseudo_sample: str,
    ) -> VcfHeader:
        from egfr_annot.io.build_detect import detect_build_from_parts

        samples = tuple(columns[9:]) if len(columns) > 9 else ()
        meta = tuple(self.meta)
        tumours, normals, how = assign_sample_roles(
            samples, meta, sample=sample, normal=normal, path=self.path,
            pseudo_sample=pseudo_sample,
        )
        build_hint = detect_build_from_parts(self.contigs, meta, self.contig_assemblies)
        return VcfHeader(
            path=self.path,
            file_format=self.file_format,
            samples=samples,
            tumour_samples=tumours,
            normal_samples=normals,
            roles_decided_by=how,
            contigs=MappingProxyType(dict(self.contigs)),
            build_hint=build_hint,
            info=MappingProxyType(dict(self.info)),
            format=MappingProxyType(dict(self.format)),
            filters=MappingProxyType(dict(self.filters)),
            meta=meta,
            source="; ".join(v for k, v in meta if k == "source"),
            n_header_lines=self.n_lines,
            columns=tuple(columns),
            header_bytes=self.n_bytes,
        )


# ------------------------------------------------------------------------------------------
# tumour / normal roles
# ------------------------------------------------------------------------------------------
# "wbc"/"pbmc"/"buffy(coat)"/"blood": the germline control of a plasma (cfDNA) sample;
# "match(ed)": VarDict's paired output names the normal "<tumour>-match".
_NORMAL_TOKENS: Final = frozenset(
    {"normal", "germline", "control", "norm", "wbc", "pbmc", "buffy", "buffycoat", "blood",
     "match", "matched"}
)
_TUMOUR_TOKENS: Final = frozenset({"tumor", "tumour", "tum", "cancer", "plasma", "cfdna", "ctdna"})
_TCGA_BARCODE = re.compile(r"TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}-([0-9]{2})[A-Z]?(?:-.*)?", re.IGNORECASE)
# Options naming the samples on a caller's command line as echoed in the header
# (##GATKCommandLine, ##SentieonCommandLine.*, ##DRAGENCommandLine, ##octopus, ...).
_VALUE = r"""[=\s]+\\?["']?([^\s"'\\,<>]+)"""
_CMD_TUMOUR = re.compile(
    r"(?:^|[\s\"])(?:--tumou?r[-_]sample(?:[-_]name)?|-tumor|--RGSM-tumor"
    r"|--tumor-fastq-list-sample-id)" + _VALUE)
_CMD_NORMAL = re.compile(
    r"(?:^|[\s\"])(?:--normal[-_]sample(?:[-_]name)?|-normal|-N)" + _VALUE)
# DRAGEN names the normal with the plain read-group/fastq-list options of a tumour-normal run
_CMD_DRAGEN_NORMAL = re.compile(r"(?:^|[\s\"])(?:--RGSM|--fastq-list-sample-id)" + _VALUE)


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^A-Za-z0-9]+", name.lower()) if t]


def _looks_normal(name: str) -> bool:
    tcga = _TCGA_BARCODE.fullmatch(name)
    if tcga:
        return 10 <= int(tcga.group(1)) <= 19
    toks = _tokens(name)
    return any(t in _NORMAL_TOKENS for t in toks) and not any(t in _TUMOUR_TOKENS for t in toks)


def _paired_suffix_normals(samples: Sequence[str]) -> set[str]:
    """``X-N``/``X_N`` is the normal of ``X-T``/``X_T`` when both are present."""
    out = set()
    for s in samples:
        m = re.fullmatch(r"(.+?)([-_.])[Nn]", s)
        stem = f"{m.group(1)}{m.group(2)}" if m else ""
        if m and (f"{stem}T" in samples or f"{stem}t" in samples):
            out.add(s)
    return out


@dataclass(frozen=True, slots=True)
class _Declared:
    """Roles the header states (not guessed from names), with where they were read."""

    tumours: tuple[str, ...]
    normals: tuple[str, ...]
    how: str


def _declared_roles(samples: Sequence[str], meta: Sequence[tuple[str, str]]) -> _Declared | None:
    """Roles stated by the header, strongest first:

    1. ``##tumor_sample=``/``##normal_sample=`` (GATK Mutect2, Sentieon TNhaplotyper2);
    2. ``##SAMPLE=<ID=..,...>`` whose Description/SampleType/Genomes/ALIAS says normal,
       germline or tumour (RADIA, TCGA/GDC, bcbio), and ``##PEDIGREE=<Derived=T,Original=N>``;
    3. the caller's command line echoed in the header: ``--tumor-sample``/``--normal-sample``
       (GATK, Octopus ``--normal-sample``), ``--tumor_sample``/``--normal_sample`` (Sentieon),
       ``--RGSM-tumor`` with ``--RGSM`` (DRAGEN tumour-normal).

    Only names that are sample columns of the file count. When only tumours are declared by
    ``##tumor_sample`` or a command line, every other sample is the normal (Mutect2 declares
    every tumour sample it wrote)."""
    present = set(samples)

    def result(tumours: list[str], normals: list[str], how: str,
               rest_are_normal: bool = True) -> _Declared | None:
        tumours = [t for t in dict.fromkeys(tumours) if t in present]
        normals = [n for n in dict.fromkeys(normals) if n in present and n not in tumours]
        if not normals and tumours and rest_are_normal:
            normals = [s for s in samples if s not in tumours]
            how += " (the other samples are not declared tumours)"
        if not normals:
            return None
        return _Declared(tuple(tumours), tuple(normals), how)

    # 1. ##tumor_sample / ##normal_sample
    tumours = [v for k, v in meta if k in ("tumor_sample", "tumour_sample") and v]
    normals = [v for k, v in meta if k == "normal_sample" and v]
    if any(s in present for s in tumours + normals):
        how = ("##tumor_sample/##normal_sample header lines" if normals and tumours
               else "##normal_sample header line" if normals else "##tumor_sample header line")
        found = result(tumours, normals, how)
        if found is not None:
            return found

    # 2. ##SAMPLE descriptions, ##PEDIGREE
    tumours, normals = [], []
    for key, value in meta:
        fields = parse_structured(value) if key in ("SAMPLE", "PEDIGREE") else None
        if not fields:
            continue
        if key == "PEDIGREE":
            tumours += [fields[k] for k in ("Derived", "Child") if fields.get(k)]
            normals += [fields[k] for k in ("Original", "Parent") if fields.get(k)]
            continue
        words = " ".join(fields.get(k, "") for k in ("Description", "SampleType", "Genomes",
                                                      "ALIAS", "Alias", "Type")).lower()
        ident = fields.get("ID", "")
        if ("normal" in words or "germline" in words) and "tumo" not in words:
            normals.append(ident)
        elif "tumo" in words or "cancer" in words:
            tumours.append(ident)
    # (a ##SAMPLE line may describe only some samples: undescribed ones are not normals)
    found = result(tumours, normals, "##SAMPLE/##PEDIGREE header lines", rest_are_normal=False)
    if found is not None:
        return found

    # 3. command lines
    tumours, normals = [], []
    for key, value in meta:
        if "command" not in key.lower() and "cmdline" not in key.lower() and \
                "Command" not in value and "CommandLine" not in value:
            continue
        cmd_tumours = [m.group(1) for m in _CMD_TUMOUR.finditer(value)]
        tumours += cmd_tumours
        normals += [m.group(1) for m in _CMD_NORMAL.finditer(value)]
        if cmd_tumours:  # DRAGEN: plain --RGSM is the normal only in a tumour-normal run
            normals += [m.group(1) for m in _CMD_DRAGEN_NORMAL.finditer(value)]
    return result(tumours, normals, "sample options on the caller's command line in the header")


def _column_order_normal(samples: Sequence[str], meta: Sequence[tuple[str, str]],
                         source: str) -> tuple[str, str] | None:
    """Callers that write a tumour-normal pair in a fixed column order under sample names of
    the user's choosing: (normal, how) or None."""
    if len(samples) != 2:
        return None
    source = source.lower()
    if "generatesvcandidates" in source or any(
            k == "cmdline" and "configManta" in v for k, v in meta):
        return samples[0], "Manta somatic column order (normal first)"
    if "vardict" in source and any(k == "INFO" and v.startswith("<ID=STATUS,") for k, v in meta):
        return samples[1], "VarDict paired column order (tumour first, normal second)"
    return None


def assign_sample_roles(
    samples: Sequence[str],
    meta: Sequence[tuple[str, str]],
    *,
    sample: str | None = None,
    normal: str | None = None,
    path: str = "",
    pseudo_sample: str = "sample",
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Decide ``(tumour_samples, normal_samples, how)``; see the module docstring for the order.

    Raises
    ------
    UsageError
        ``sample``/``normal`` names a sample the file does not have (the message lists the
        available samples), both name the same sample, or ``sample`` names the file's normal
        sample (unless ``normal`` names another one: the user then sets both roles).
    """
    available = ", ".join(samples) if samples else "(none: sites-only VCF)"
    for opt, value in (("--sample", sample), ("--normal", normal)):
        if value is not None and samples and value not in samples:
            raise UsageError(f"{opt} {value!r} is not a sample of {path}; available: {available}")
    if normal is not None and not samples:
        raise UsageError(f"--normal {normal!r}: {path} has no sample columns")
    if sample is not None and normal is not None and sample == normal:
        raise UsageError(f"--sample and --normal name the same sample {sample!r}")

    if not samples:
        name = sample or pseudo_sample
        return (name,), (), f"sites-only VCF: no sample columns; calls are named {name!r}"

    source = "; ".join(v for k, v in meta if k == "source")
    normals: list[str]
    how: str
    declared = _declared_roles(samples, meta)
    if normal is not None:
        normals, how = [normal], "--normal option"
    elif declared is not None:
        normals, how = list(declared.normals), declared.how
    elif len(samples) == 1:
        normals, how = [], "single sample column: treated as the tumour"
    else:
        normals = [s for s in samples if _looks_normal(s)] + sorted(
            _paired_suffix_normals(samples) - {s for s in samples if _looks_normal(s)}
        )
        how = "sample names"
        by_order = _column_order_normal(samples, meta, source)
        if not normals and by_order is not None:
            normals, how = [by_order[0]], by_order[1]
        elif not normals:
            how = "no normal sample recognised: every sample is a tumour"

    if sample is not None:
        if sample in normals and normal is None:
            raise UsageError(
                f"--sample {sample!r} is the normal sample of {path} (by {how}); name a tumour "
                f"sample ({', '.join(s for s in samples if s not in normals) or 'none'}), or "
                "give --normal as well to set both roles yourself")
        tumours = [sample]
        normals = [n for n in normals if n != sample]
        how = f"--sample option; normal by {how}"
    else:
        tumours = [s for s in samples if s not in normals]  # declared or not
    if not tumours:
        raise InputError(path, None, f"every sample is marked or named as normal ({available}, "
                         f"by {how}); name the tumour sample with --sample")
    return tuple(tumours), tuple(normals), how
