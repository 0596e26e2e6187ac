"""VCF header: meta lines, INFO/FORMAT declarations, contigs, samples and their roles.

Only the header is parsed here (it is small); records are handled by ``vcf_records``.
Tumour/normal roles are decided once per file (:func:`assign_sample_roles`), in this order:

1. the caller's options: ``sample=`` (the one tumour sample to report) and ``normal=``;
2. header declarations: ``##tumor_sample=`` / ``##normal_sample=`` (GATK Mutect2),
   ``##SAMPLE=<ID=...,Description="...Normal...">`` (RADIA, TCGA VCFs);
3. sample names: ``NORMAL``/``TUMOR`` (Strelka, VarScan, MuTect), ``*_NORMAL``, ``DNA_NORMAL``,
   ``*-N``/``*-T`` pairs, ``GERMLINE``, ``CONTROL``, and TCGA barcodes with a normal sample
   type (10-19);
4. a file with a single sample column: that sample is the tumour (a pooled
   ``TUMOUR_NORMAL`` column as in the PCGR/TCGA files holds the tumour's values);
5. everything not recognised as normal is a tumour sample and gets calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from egfr_annot.errors import InputError, UsageError
from egfr_annot.records import Build

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
        )


# ------------------------------------------------------------------------------------------
# tumour / normal roles
# ------------------------------------------------------------------------------------------
# "wbc"/"pbmc"/"buffy(coat)": the germline control of a plasma (cfDNA) sample.
_NORMAL_TOKENS: Final = frozenset(
    {"normal", "germline", "control", "norm", "wbc", "pbmc", "buffy", "buffycoat"}
)
_TUMOUR_TOKENS: Final = frozenset({"tumor", "tumour", "tum", "cancer", "plasma", "cfdna", "ctdna"})
_TCGA_BARCODE = re.compile(r"TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}-([0-9]{2})[A-Z]?(?:-.*)?", re.IGNORECASE)


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
        available samples), or both name the same sample.
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

    header_tumours = [v for k, v in meta if k in ("tumor_sample", "tumour_sample") and v]
    header_normals = [v for k, v in meta if k in ("normal_sample",) and v]
    described_normals = []
    for k, v in meta:
        if k == "SAMPLE":
            fields = parse_structured(v) or {}
            desc = (fields.get("Description", "") + " " + fields.get("SampleType", "")).lower()
            if fields.get("ID") in samples and "normal" in desc and "tumo" not in desc:
                described_normals.append(fields["ID"])

    normals: list[str]
    how: str
    if normal is not None:
        normals, how = [normal], "--normal option"
    elif any(n in samples for n in header_normals):
        normals = [n for n in header_normals if n in samples]
        how = "##normal_sample header line"
    elif described_normals:
        normals, how = described_normals, "##SAMPLE Description (Normal) header lines"
    elif len(samples) == 1:
        normals, how = [], "single sample column: treated as the tumour"
    else:
        normals = [s for s in samples if _looks_normal(s)] + sorted(
            _paired_suffix_normals(samples) - {s for s in samples if _looks_normal(s)}
        )
        how = "sample names" if normals else "no normal sample recognised: every sample is a tumour"

    if sample is not None:
        tumours = [sample]
        normals = [n for n in normals if n != sample]
        how = f"--sample option; normal by {how}"
    else:
        declared_tumours = [t for t in header_tumours if t in samples and t not in normals]
        tumours = [s for s in samples if s not in normals]
        if declared_tumours and normal is None and how == "##normal_sample header line":
            how = "##tumor_sample/##normal_sample header lines"
    if not tumours:
        raise InputError(path, None, f"every sample is marked or named as normal ({available}, "
                         f"by {how}); name the tumour sample with --sample")
    return tuple(tumours), tuple(normals), how
