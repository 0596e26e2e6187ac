"""Read the knowledge-base TSV tables against their column schemas (``annotations/schema/``).

The schema format is our own ("egfr-annot table schema 1", described by
``schema/table.meta.schema.json``): an ordered list of columns with a type (``str``, ``int``,
``enum``, ``int_list`` comma-separated, ``str_list``/``enum_list`` semicolon-separated),
``required``, ``unique``, ``pattern`` (the whole value, or each list item), ``values`` (enums)
and ``min``.
Only the standard library is used (csv, json, re), so loading stays fast and dependency-free.

:func:`read_table` never raises on bad content: it returns the rows it could type and one
``FILE:LINE: problem`` string per problem, so the validator can report everything at once and
the loader can refuse a broken knowledge base with the first problem.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_FORMAT = "egfr-annot table schema 1"
SCHEMA_DIR = "schema"
LIST_SEPARATORS: Mapping[str, str] = {"int_list": ",", "str_list": ";", "enum_list": ";"}
COLUMN_TYPES = frozenset({"str", "int", "enum", "int_list", "str_list", "enum_list"})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    required: bool
    unique: bool
    pattern: re.Pattern[str] | None
    values: tuple[str, ...]
    minimum: int | None


@dataclass(frozen=True, slots=True)
class TableSchema:
    table: str
    columns: tuple[Column, ...]
    unique_together: tuple[tuple[str, ...], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True, slots=True)
class Row:
    """One typed row and its 1-based line number in the file."""

    line: int
    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def schema_path(annotations_dir: Path, table: str) -> Path:
    return annotations_dir / SCHEMA_DIR / (table.removesuffix(".tsv") + ".schema.json")


def load_schema(path: Path) -> TableSchema:
    """Parse one ``*.schema.json``; raises ``ValueError`` naming the file when it is malformed."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != SCHEMA_FORMAT:
            raise ValueError(f"format is not {SCHEMA_FORMAT!r}")
        columns = []
        for spec in doc["columns"]:
            if spec["type"] not in COLUMN_TYPES:
                raise ValueError(f"column {spec['name']}: unknown type {spec['type']!r}")
            pattern = spec.get("pattern")
            columns.append(
                Column(
                    name=spec["name"],
                    type=spec["type"],
                    required=bool(spec.get("required", False)),
                    unique=bool(spec.get("unique", False)),
                    pattern=re.compile(pattern) if pattern else None,
                    values=tuple(spec.get("values", ())),
                    minimum=spec.get("min"),
                )
            )
        together = tuple(tuple(u) for u in doc.get("unique_together", ()))
        return TableSchema(table=doc["table"], columns=tuple(columns), unique_together=together)
    except (OSError, KeyError, TypeError, ValueError, re.error) as err:
        raise ValueError(f"{path}: invalid table schema: {err}") from None


def _items(raw: str, sep: str) -> list[str]:
    return [item.strip() for item in raw.split(sep)] if raw.strip() else []


def _convert(column: Column, raw: str) -> tuple[Any, str | None]:
    """Typed value of one cell, or (None, problem)."""
    value = raw.strip()
    if value != raw:
        return None, f"column {column.name}: leading or trailing whitespace"
    if not value:
        if column.required:
            return None, f"column {column.name}: empty but required"
        if column.type == "int":
            return None, None
        return ((), None) if column.type.endswith("_list") else ("", None)
    if column.type == "int":
        if not re.fullmatch(r"-?[0-9]+", value):
            return None, f"column {column.name}: {value!r} is not an integer"
        number = int(value)
        if column.minimum is not None and number < column.minimum:
            return None, f"column {column.name}: {number} is below {column.minimum}"
        return number, None
    if column.type in ("str", "enum"):
        if column.type == "enum" and value not in column.values:
            return None, f"column {column.name}: {value!r} is not one of {', '.join(column.values)}"
        if column.pattern is not None and not column.pattern.fullmatch(value):
            return None, f"column {column.name}: {value!r} does not match {column.pattern.pattern}"
        return value, None
    items = _items(value, LIST_SEPARATORS[column.type])
    if any(not item for item in items):
        return None, f"column {column.name}: empty item in {value!r}"
    if len(set(items)) != len(items):
        return None, f"column {column.name}: repeated item in {value!r}"
    if column.type == "int_list":
        if not all(re.fullmatch(r"[0-9]+", i) for i in items):
            return (
                None,
                f"column {column.name}: {value!r} is not a comma-separated list of integers",
            )
        numbers = [int(i) for i in items]
        if numbers != sorted(numbers):
            return None, f"column {column.name}: {value!r} is not in ascending order"
        if column.minimum is not None and min(numbers) < column.minimum:
            return None, f"column {column.name}: {min(numbers)} is below {column.minimum}"
        return tuple(numbers), None
    for item in items:
        if column.type == "enum_list" and item not in column.values:
            return None, f"column {column.name}: {item!r} is not one of {', '.join(column.values)}"
        if column.pattern is not None and not column.pattern.fullmatch(item):
            return None, f"column {column.name}: {item!r} does not match {column.pattern.pattern}"
    return tuple(items), None


def read_table(
    annotations_dir: Path, table: str
) -> tuple[TableSchema | None, list[Row], list[str]]:
    """Read ``annotations_dir/table`` against its schema: (schema, typed rows, problems)."""
    path = annotations_dir / table
    problems: list[str] = []
    try:
        schema = load_schema(schema_path(annotations_dir, table))
    except ValueError as err:
        return None, [], [str(err)]
    if schema.table != table:
        problems.append(
            f"{schema_path(annotations_dir, table)}: describes {schema.table!r}, not {table!r}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return schema, [], [f"{path}: cannot read: {err}"]
    rows: list[Row] = []
    header: list[str] | None = None
    seen: dict[str, dict[Any, int]] = {c.name: {} for c in schema.columns if c.unique}
    seen_together: list[dict[tuple[Any, ...], int]] = [{} for _ in schema.unique_together]
    lines = text.splitlines()
    for lineno, fields in zip(
        (n for n, line in enumerate(lines, 1) if line and not line.startswith("#")),
        csv.reader(
            (line for line in lines if line and not line.startswith("#")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        ),
        strict=True,
    ):
        if header is None:
            header = fields
            if tuple(header) != schema.names:
                problems.append(
                    f"{path}:{lineno}: header {' '.join(header)!r} differs from the schema's "
                    f"columns {' '.join(schema.names)!r}"
                )
                return schema, [], problems
            continue
        if len(fields) != len(schema.columns):
            problems.append(
                f"{path}:{lineno}: {len(fields)} fields, expected {len(schema.columns)}"
            )
            continue
        values: dict[str, Any] = {}
        ok = True
        for column, raw in zip(schema.columns, fields, strict=True):
            value, problem = _convert(column, raw)
            if problem is not None:
                problems.append(f"{path}:{lineno}: {problem}")
                ok = False
                continue
            values[column.name] = value
            if column.unique and value not in ("", None, ()):
                first = seen[column.name].setdefault(value, lineno)
                if first != lineno:
                    problems.append(
                        f"{path}:{lineno}: column {column.name}: {value!r} repeats line {first}"
                    )
                    ok = False
        if not ok:
            continue
        for index, names in enumerate(schema.unique_together):
            key = tuple(values[n] for n in names)
            if any(k in ("", None) for k in key):
                continue  # e.g. text-only strategies have no table row
            first = seen_together[index].setdefault(key, lineno)
            if first != lineno:
                problems.append(
                    f"{path}:{lineno}: columns {'+'.join(names)}: {key!r} repeat line {first}"
                )
        rows.append(Row(lineno, values))
    if header is None:
        problems.append(f"{path}: no header line")
    return schema, rows, problems
