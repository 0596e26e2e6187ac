"""The command line recorded for each sample by batch and track: only result-changing options,
in a fixed order, so outputs do not depend on --workers, --out-dir, --no-index or --no-checksum."""

from __future__ import annotations

from egfr_annot.cli import batch_cmd, track_cmd

KWARGS: dict[str, object] = {
    "build": "GRCh38",
    "min_vaf": 0.005,
    "min_alt_reads": 0,
    "include_filtered": True,
    "all_variants": False,
    "tumour_fraction": 0.2,
    "cnv_paths": ("a.cns", "b file.cns"),
    "no_index": True,
    "no_checksum": True,
    "sample": None,
}


def test_batch_records_only_result_options() -> None:
    assert batch_cmd.canonical_command(("sheet.csv",), KWARGS) == (
        "egfr-annot batch sheet.csv --build GRCh38 --min-vaf 0.005 --include-filtered "
        "--tumor-fraction 0.2 --cnv a.cns --cnv 'b file.cns'"
    )


def test_track_records_the_same_options_and_its_min_depth() -> None:
    assert track_cmd.canonical_command("series.csv", {**KWARGS, "build": "auto"}, 500) == (
        "egfr-annot track series.csv --min-vaf 0.005 --include-filtered --tumor-fraction 0.2 "
        "--cnv a.cns --cnv 'b file.cns' --min-depth 500"
    )
