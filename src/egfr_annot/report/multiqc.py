"""``PREFIX.egfr_annot_mqc.tsv``: a MultiQC custom-content table (issue #7).

MultiQC picks up any ``*_mqc.tsv`` file; the ``#`` comment lines on top are YAML (section id and
name, ``plot_type: 'table'``, ``pconfig`` and per-column ``headers``), then comes a tab-separated
table with one row per sample. So a pipeline's MultiQC report shows the egfr-annot verdict for every
sample without a MultiQC plugin.

Values are those of ``PREFIX.summary.tsv`` (``report/rows.summary_row``): fractions stay fractions
(0-1), missing values are empty cells. The header is static text, so the file is byte-stable.
Limitation: MultiQC reads every line that starts with ``#`` as header, so a sample whose name
starts with ``#`` cannot be shown (its row would break the header).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from egfr_annot.io.atomic import OutputTransaction
from egfr_annot.records import SampleResult
from egfr_annot.report.rows import summary_row, tsv_line
from egfr_annot.report.writers import ReportContext, output_path

SECTION_ID: Final = "egfr_annot"
SECTION_NAME: Final = "egfr-annot: anti-EGFR resistance"
DESCRIPTION: Final = (
    "Anti-EGFR (cetuximab, panitumumab) resistance alterations found by egfr-annot in each "
    "liquid-biopsy sample. not_detected means no resistance alteration was found in a sample that "
    "shows tumour DNA; non_informative means the sample shows no tumour DNA, so a negative result "
    "cannot exclude resistance."
)

STATUS_COLOURS: Final[dict[str, str]] = {
    "resistance_detected": "#f4a6a6",
    "not_detected": "#b9d4ee",
    "non_informative": "#ffd58a",
}

# (summary column, MultiQC header config), in table order.
COLUMNS: Final[tuple[tuple[str, dict[str, Any]], ...]] = (
    (
        "status",
        {
            "title": "Status",
            "description": "resistance_detected / not_detected (tumour DNA present) / "
            "non_informative (no tumour DNA: a negative cannot exclude resistance)",
            "scale": False,
            "cond_formatting_rules": {s: [{"s_eq": s}] for s in STATUS_COLOURS},
            "cond_formatting_colours": [{s: c} for s, c in STATUS_COLOURS.items()],
        },
    ),
    (
        "n_resistance",
        {
            "title": "Resistance alterations",
            "description": "Number of resistance alterations that passed the caller's filters",
            "format": "{:,.0f}",
            "min": 0,
            "scale": "Reds",
        },
    ),
    (
        "resistance_alterations",
        {
            "title": "Alterations",
            "description": "Resistance alterations (gene and protein change)",
            "scale": False,
        },
    ),
    (
        "max_vaf",
        {
            "title": "Max VAF",
            "description": "Highest variant allele fraction among the reported alterations (0-1)",
            "format": "{:,.4f}",
            "min": 0,
            "max": 1,
            "scale": "Purples",
        },
    ),
    (
        "tumour_fraction",
        {
            "title": "Tumour fraction",
            "description": "Tumour fraction (0-1): given by the user, or about twice the highest "
            "somatic VAF; empty when unknown",
            "format": "{:,.4f}",
            "min": 0,
            "max": 1,
            "scale": "Greens",
        },
    ),
    (
        "kb_version",
        {
            "title": "KB version",
            "description": "egfr-annot knowledge-base version",
            "scale": False,
        },
    ),
)


def header_lines() -> list[str]:
    """The YAML configuration as ``#`` comment lines."""
    config: dict[str, Any] = {
        "id": SECTION_ID,
        "section_name": SECTION_NAME,
        "description": DESCRIPTION,
        "plot_type": "table",
        "pconfig": {
            "id": f"{SECTION_ID}_table",
            "namespace": "egfr-annot",
            "col1_header": "Sample",
        },
        "headers": {column: conf for column, conf in COLUMNS},
    }
    return [f"# {line}" for line in _yaml_lines(config, 0)]


def write_multiqc(fh: Any, results: Sequence[SampleResult]) -> None:
    for line in header_lines():
        fh.write(line + "\n")
    fh.write(tsv_line(["Sample", *(column for column, _ in COLUMNS)]))
    for result in results:
        row = summary_row(result)
        fh.write(tsv_line([row["sample"], *(row[column] for column, _ in COLUMNS)]))


def _yaml_lines(value: dict[str, Any], indent: int) -> list[str]:
    """Block-style YAML for nested dicts of scalars and lists of one-key dicts."""
    pad = "    " * indent
    lines: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{pad}{_key(key)}:")
            lines.extend(_yaml_lines(item, indent + 1))
        elif isinstance(item, list):
            lines.append(f"{pad}{_key(key)}:")
            for element in item:
                lines.append(f"{pad}    - {_flow(element)}")
        else:
            lines.append(f"{pad}{_key(key)}: {_scalar(item)}")
    return lines


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_scalar(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _key(key: str) -> str:
    return key if key.isidentifier() else _scalar(key)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = " ".join(str(value).split())  # one line
    return "'" + text.replace("'", "''") + "'"  # a single-quoted YAML string, as MultiQC's docs


# ----------------------------------------------------------------------------------------------
# registry entry point (report/writers.py)
# ----------------------------------------------------------------------------------------------
def write_multiqc_file(
    out: OutputTransaction, prefix: str, results: Sequence[SampleResult], context: ReportContext
) -> list[Path]:
    path = output_path(prefix, "multiqc")
    with out.open_text(path) as fh:
        write_multiqc(fh, results)
    return [path]
