"""Sample sheets for ``batch`` and ``track``: CSV (or TSV) with a header row.

``batch``: ``sample,vcf[,cnv][,tumor_fraction][,timepoint][,patient]``
``track``: ``patient,sample,vcf[,cnv],date[,therapy][,tumor_fraction]``

Relative paths are resolved against the sheet's directory. Sample ids name the output files
(``OUT/samples/<id>.*``): each must be a plain file name, and no two may name the same files,
even on a file system that ignores case (macOS, Windows). Every problem is an ``InputError``
naming the sheet, the line and the problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from egfr_annot.errors import InputError, UsageError

VCF_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz", ".bcf")


@dataclass(frozen=True, slots=True)
class SheetEntry:
    sample: str
    vcf: str
    line: int
    cnv: str | None = None
    tumour_fraction: float | None = None
    timepoint: str | None = None
    patient: str | None = None
    date: dt.date | None = None
    therapy: str | None = None


def _sniff_delimiter(first_line: str) -> str:
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def read_sheet(
    path: str | os.PathLike[str],
    *,
    required: Sequence[str],
    optional: Sequence[str],
    check_files: bool = True,
) -> list[SheetEntry]:
    """Parse a sample sheet; ``required`` columns must exist, unknown columns are an error."""
    sheet = Path(path)
    try:
        text = sheet.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(sheet, None, f"not UTF-8 text ({err.reason})") from err
    except OSError as err:
        raise InputError(sheet, None, err.strerror or str(err)) from err
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError(sheet, 1, "empty sample sheet: expected a header row")
    reader = csv.reader(lines, delimiter=_sniff_delimiter(lines[0]))
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            sheet, 1, f"missing column(s) {', '.join(missing)} (have: {', '.join(header)})"
        )
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        raise InputError(
            sheet,
            1,
            f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join([*required, *optional])}",
        )
    if len(set(header)) != len(header):
        raise InputError(sheet, 1, "duplicate column names in the header")
    base = sheet.parent
    entries: list[SheetEntry] = []
    seen: dict[str, tuple[int, str]] = {}  # key -> (line, sample id) of its first row
    for lineno, row in enumerate(reader, start=2):
        if not row or all(not v.strip() for v in row) or row[0].startswith("#"):
            continue
        if len(row) != len(header):
            raise InputError(sheet, lineno, f"{len(row)} fields, header has {len(header)}")
        values = {k: v.strip() for k, v in zip(header, row, strict=True)}
        for column in required:
            if not values.get(column):
                raise InputError(sheet, lineno, f"empty {column}")
        sample = values["sample"]
        problem = file_name_problem(sample)
        if problem:
            raise InputError(sheet, lineno, f"sample id {sample!r} {problem}")
        patient = values.get("patient", "") if "patient" in required else ""
        key = f"{patient}\t{file_name_key(sample)}"
        if key in seen:
            raise InputError(sheet, lineno, _duplicate_problem(sample, *seen[key]))
        seen[key] = (lineno, sample)
        vcf = _resolve(base, values["vcf"])
        cnv = _resolve(base, values["cnv"]) if values.get("cnv") else None
        if check_files:
            for label, file in (("vcf", vcf), ("cnv", cnv)):
                if file is not None and not os.path.isfile(file):
                    raise InputError(sheet, lineno, f"{label} file not found: {file}")
        entries.append(
            SheetEntry(
                sample=sample,
                vcf=vcf,
                line=lineno,
                cnv=cnv,
                tumour_fraction=_fraction(sheet, lineno, values.get("tumor_fraction")),
                timepoint=values.get("timepoint") or None,
                patient=values.get("patient") or None,
                date=_date(sheet, lineno, values.get("date")),
                therapy=(values.get("therapy") or None),
            )
        )
    if not entries:
        raise InputError(sheet, None, "no samples in the sample sheet")
    return entries


def file_name_problem(value: str) -> str:
    """Why ``value`` cannot name output files (``OUT/samples/<value>.*``), or ``""``."""
    if value in (".", "..") or value.startswith("."):
        return "cannot start with '.' (it names output files)"
    if any(c in value for c in "/\\\0") or any(ord(c) < 32 for c in value):
        return "contains a path separator or control character (it names output files)"
    return ""


def file_name_key(value: str) -> str:
    """``value`` as a file system that ignores case and Unicode normalisation form sees it
    (Unicode canonical caseless matching): two ids with one key name the same files there."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", value).casefold())


def _duplicate_problem(sample: str, first_line: int, first: str) -> str:
    if sample == first:
        return f"duplicate sample id {sample!r} (first on line {first_line})"
    return (
        f"duplicate sample id {sample!r} (first on line {first_line} as {first!r}: ids that "
        "differ only in case or Unicode form name the same files on macOS and Windows)"
    )


def _resolve(base: Path, value: str) -> str:
    path = Path(os.path.expanduser(value))
    return str(path if path.is_absolute() else base / path)


def _fraction(sheet: Path, line: int, value: str | None) -> float | None:
    if not value:
        return None
    try:
        number = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    except ValueError:
        raise InputError(sheet, line, f"tumor_fraction {value!r} is not a number") from None
    if not 0 < number <= 1:
        raise InputError(sheet, line, f"tumor_fraction {value!r} is not in (0, 1]")
    return number


def _date(sheet: Path, line: int, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(sheet, line, f"date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def entries_from_paths(patterns: Sequence[str]) -> list[SheetEntry]:
    """Sample entries from directories and globs of VCFs; the sample id is the file name."""
    files: list[str] = []
    for pattern in patterns:
        if os.path.isdir(pattern):
            files.extend(
                str(p)
                for p in sorted(Path(pattern).iterdir())
                if p.is_file() and p.name.endswith(VCF_SUFFIXES)
            )
        else:
            matched = sorted(glob.glob(pattern))
            if not matched:
                raise UsageError(f"{pattern}: no such file, directory or matching glob")
            files.extend(m for m in matched if os.path.isfile(m))
    entries = []
    seen: dict[str, tuple[str, str]] = {}  # file_name_key -> (sample id, file)
    for file in files:
        name = os.path.basename(file)
        for suffix in VCF_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        first = seen.get(file_name_key(name))
        if first is not None and first[0] == name:
            raise UsageError(f"two inputs give the same sample id {name!r}: {first[1]}, {file}")
        if first is not None:
            raise UsageError(
                "two inputs give sample ids that differ only in case or Unicode form "
                f"({first[0]!r}, {name!r}; the same files on macOS and Windows): {first[1]}, {file}"
            )
        seen[file_name_key(name)] = (name, file)
        entries.append(SheetEntry(sample=name, vcf=file, line=0))
    if not entries:
        raise UsageError("no VCF files found in " + ", ".join(patterns))
    return entries
