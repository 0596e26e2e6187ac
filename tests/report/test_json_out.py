"""PREFIX.json: validates against the shipped schema, carries every table field, byte-stable."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from report_builders import context_for, empty_result, no_alteration_result, resistant_result

from egfr_annot.report.columns import ALTERATION_COLUMNS, SUMMARY_COLUMNS
from egfr_annot.report.json_out import (
    SCHEMA_ID,
    dumps,
    load_schema,
    run_document,
    schema_path,
)
from egfr_annot.report.rows import alteration_row, finding_sort_key, summary_row
from egfr_annot.report.writers import write_outputs


def _validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_is_shipped_inside_the_package() -> None:
    from importlib.resources import files

    path = schema_path()
    assert path.parts[-4:] == ("egfr_annot", "report", "schemas", "egfr_annot.result.schema.json")
    assert (files("egfr_annot.report") / "schemas" / "egfr_annot.result.schema.json").is_file()
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID


def test_schema_requires_every_table_column() -> None:
    """Contract: a column added to the TSV must be added to the schema (and to the JSON)."""
    defs = load_schema()["$defs"]
    assert set(ALTERATION_COLUMNS) <= set(defs["alteration"]["required"])
    assert set(SUMMARY_COLUMNS) <= set(defs["sample"]["required"])
    for name in ("alteration", "sample"):
        assert set(defs[name]["required"]) == set(defs[name]["properties"])


def test_three_statuses_validate_and_come_out_right(all_statuses, tmp_path: Path) -> None:
    written = write_outputs(str(tmp_path / "run"), all_statuses, ["json"], context_for("in.vcf"))
    assert written == [tmp_path / "run.json"]
    doc = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    errors = sorted(_validator().iter_errors(doc), key=str)
    assert errors == []
    assert [s["status"] for s in doc["samples"]] == [
        "resistance_detected",
        "not_detected",
        "non_informative",
    ]
    resistant, negative, empty = doc["samples"]
    assert resistant["n_resistance"] == 2
    assert resistant["resistance_alterations"] == ["KRAS p.G12D", "MET amplification"]
    assert negative["status_headline"] == (
        "No resistance alteration detected in a sample with tumour DNA"
    )
    assert "cannot exclude resistance" in empty["status_headline"]
    assert empty["alterations"] == [] and empty["tumour_fraction"] is None
    assert empty["input_sha256"] is None and empty["warnings"] == ["header-only VCF: no records"]


def test_alterations_carry_every_tsv_field_typed() -> None:
    result = resistant_result()
    doc = run_document([result], context_for("sample.vcf"))["samples"][0]
    findings = sorted(result.findings, key=finding_sort_key)
    assert [a["label"] for a in doc["alterations"]] == [
        "KRAS p.G12D",
        "MET amplification",
        "PIK3CA p.E545K",
    ]
    for finding, alteration in zip(findings, doc["alterations"], strict=True):
        row = alteration_row(finding)
        assert list(alteration)[: len(ALTERATION_COLUMNS)] == list(ALTERATION_COLUMNS)
        for column in ALTERATION_COLUMNS:
            value = alteration[column]
            if column == "review_refs":
                assert ",".join(map(str, value)) == row[column]
            elif column == "strategies":
                assert ";".join(s["label"] for s in value) == row[column]
            elif value is None:
                assert row[column] == ""
            elif isinstance(value, (int, float)):
                assert value == float(row[column])
            else:
                assert value == row[column], column
    kras = doc["alterations"][0]
    assert kras["pos"] == 25245350 and kras["vaf"] == 0.08 and kras["alt_reads"] == 64
    assert kras["hgvsp"] == "p.Gly12Asp" and kras["hgvsc"] == "c.35G>A"
    assert kras["review_refs"] == [7, 8]
    assert kras["strategies"][1] == {
        "strategy_id": "S_MEK",
        "label": "MEK inhibitor + anti-EGFR [Phase II; 39,40]",
        "fit": "exact_subpopulation",
        "evidence_rank": 2,
        "review_refs": [39, 40],
        "outcome": "",
        # S_MEK is not in the knowledge base: no details (real ids: test_strategy_details.py)
        "evidence_level": None,
        "stage": None,
        "setting": None,
        "subpopulation": None,
        "regimen": None,
        "efficacy": None,
        "source": None,
        "notes": [],
    }
    assert kras["counted_for_status"] is True
    pik3ca = doc["alterations"][2]
    assert pik3ca["filter"] == "LowQual" and pik3ca["counted_for_status"] is False
    met = doc["alterations"][1]
    assert met["copy_number"] == 6.4 and met["copy_number_adjusted"] == 29.5
    assert met["copy_number_state"] == "amplification"


def test_summary_fields_match_the_summary_tsv() -> None:
    result = resistant_result()
    row = summary_row(result)
    doc = run_document([result], context_for("sample.vcf"))["samples"][0]
    for column in SUMMARY_COLUMNS:
        value = doc[column]
        if column == "resistance_alterations":
            assert ";".join(value) == row[column]
        elif column == "skipped" or column == "thresholds":
            assert ";".join(f"{k}={v}" for k, v in value.items()) == row[column]
        elif column == "warnings":
            assert "; ".join(value) == row[column]
        elif value is None:
            assert row[column] == ""
        elif isinstance(value, (int, float)):
            assert value == float(row[column]), column
        else:
            assert value == row[column], column
    assert doc["rechallenge"][0] == {
        "key": "summary",
        "value": "argues against anti-EGFR rechallenge: KRAS p.G12D, MET amplification",
    }
    assert doc["tumour_fraction"] == 0.16
    assert doc["tumour_fraction_method"].startswith("2 x max somatic VAF")


def test_same_input_gives_byte_identical_json(all_statuses, tmp_path: Path) -> None:
    first = write_outputs(str(tmp_path / "a"), all_statuses, ["json"], context_for("x.vcf"))[0]
    second = write_outputs(str(tmp_path / "b"), all_statuses, ["json"], context_for("x.vcf"))[0]
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().endswith(b"}\n")


def test_untrusted_text_round_trips() -> None:
    from dataclasses import replace

    weird = 'S"1\\<script>\u00e9\t'
    doc = run_document([replace(no_alteration_result(), sample=weird)], context_for("x"))
    assert json.loads(dumps(doc))["samples"][0]["sample"] == weird


def test_non_finite_numbers_are_written_as_null() -> None:
    from dataclasses import replace

    result = empty_result()
    result = replace(result, tumour_fraction=replace(result.tumour_fraction, value=float("nan")))
    text = dumps(run_document([result], context_for("x")))
    assert "NaN" not in text
    assert json.loads(text)["samples"][0]["tumour_fraction"] is None


@pytest.mark.parametrize("broken", [{"status": "negative"}, {"n_resistance": -1}])
def test_schema_rejects_wrong_documents(broken: dict[str, object]) -> None:
    doc = run_document([resistant_result()], context_for("x"))
    doc["samples"][0].update(broken)
    assert list(_validator().iter_errors(doc)) != []
