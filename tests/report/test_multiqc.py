"""PREFIX.egfr_annot_mqc.tsv: a MultiQC custom-content table, parsed the way MultiQC parses it
(``#`` lines are YAML, then a tab-separated table whose first column is the sample)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from report_builders import context_for, resistant_result

from egfr_annot.report.multiqc import COLUMNS
from egfr_annot.report.rows import summary_row
from egfr_annot.report.writers import write_outputs

yaml = pytest.importorskip("yaml")  # PyYAML: what MultiQC itself uses to read the header


def _parse(path: Path) -> tuple[dict, list[list[str]]]:
    text = path.read_text(encoding="utf-8")
    header = [line[1:] for line in text.splitlines() if line.startswith("#")]
    table = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    return yaml.safe_load("\n".join(header)), table


def test_custom_content_header_and_one_row_per_sample(all_statuses, tmp_path: Path) -> None:
    path = write_outputs(str(tmp_path / "run"), all_statuses, ["multiqc"], context_for("x.vcf"))[0]
    assert path.name == "run.egfr_annot_mqc.tsv"  # MultiQC finds *_mqc.tsv on its own
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["# id: 'egfr_annot'", "# section_name: 'egfr-annot: anti-EGFR resistance'"]
    assert "# plot_type: 'table'" in lines and "# pconfig:" in lines

    config, table = _parse(path)
    assert config["id"] == "egfr_annot" and config["plot_type"] == "table"
    assert "cannot exclude resistance" in config["description"]
    assert config["pconfig"]["id"] == "egfr_annot_table"
    assert list(config["headers"]) == [column for column, _ in COLUMNS]
    assert config["headers"]["status"]["cond_formatting_rules"]["non_informative"] == [
        {"s_eq": "non_informative"}
    ]

    assert table[0] == [
        "Sample",
        "status",
        "n_resistance",
        "resistance_alterations",
        "max_vaf",
        "tumour_fraction",
        "kb_version",
    ]
    assert table[1:] == [
        [
            "TUMOUR",
            "resistance_detected",
            "2",
            "KRAS p.G12D;MET amplification",
            "0.08",
            "0.16",
            "2025.01.0-test",
        ],
        ["TUMOUR", "not_detected", "0", "", "0.05", "0.12", "2025.01.0-test"],
        ["TUMOUR", "non_informative", "0", "", "", "", "2025.01.0-test"],
    ]
    for result, row in zip(all_statuses, table[1:], strict=True):
        summary = summary_row(result)
        assert row[1:] == [summary[column] for column, _ in COLUMNS]


def test_tabs_and_newlines_in_a_sample_name_cannot_break_the_table(tmp_path: Path) -> None:
    result = replace(resistant_result(), sample="a\tb\nc")
    path = write_outputs(str(tmp_path / "r"), [result], ["multiqc"], context_for("x"))[0]
    _, table = _parse(path)
    assert len(table) == 2 and table[1][0] == "a b c" and len(table[1]) == len(table[0])


def test_same_input_gives_byte_identical_table(all_statuses, tmp_path: Path) -> None:
    first = write_outputs(str(tmp_path / "a"), all_statuses, ["multiqc"], context_for("x"))[0]
    second = write_outputs(str(tmp_path / "b"), all_statuses, ["multiqc"], context_for("x"))[0]
    assert first.read_bytes() == second.read_bytes()
