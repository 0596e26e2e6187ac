"""``egfr-annot kb validate`` and ``egfr-annot catalog`` (thin commands over knowledge/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from egfr_annot.cli import main


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_kb_validate_ok(capsys, annotations):
    code, out, _ = run(["kb", "validate", "--annotations", str(annotations)], capsys)
    assert code == 0
    assert "knowledge base 2026.11.2" in out and out.strip().endswith("valid")


def test_kb_validate_reports_problems(capsys, annotations, tmp_path: Path):
    shutil.copytree(annotations, tmp_path / "a", ignore=shutil.ignore_patterns("panel_regions"))
    catalogue = tmp_path / "a" / "resistance_catalogue.tsv"
    catalogue.write_text(
        catalogue.read_text()
        .replace("\tT2.02\t", "\tT2.99\t")
        .replace("p.V843I\tprotein", "p.A843I\tprotein")
    )
    code, out, err = run(["kb", "validate", "--annotations", str(tmp_path / "a")], capsys)
    assert code == 1
    lines = out.splitlines()
    assert any("strategy T2.99 not in strategies.tsv" in line for line in lines)
    assert any(
        "EGFR_V843I (GRCh37): residue 843 of NP_005219.2 is V, not A" in line for line in lines
    )
    assert any("EGFR_V843I (GRCh38)" in line for line in lines)
    assert all(line.startswith(str(tmp_path / "a")) for line in lines)
    assert f"{len(lines)} problem(s)" in err


def test_catalog_tsv(capsys):
    code, out, _ = run(["catalog", "--gene", "BRAF"], capsys)
    assert code == 0
    lines = out.splitlines()
    header = lines[0].split("\t")
    assert header[:3] == ["rule_id", "gene", "alteration"]
    rows = {
        line.split("\t")[0]: dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]
    }
    assert set(rows) == {
        "BRAF_V600E",
        "BRAF_D594G",
        "BRAF_G469A",
        "BRAF_L485F",
        "BRAF_L525R",
        "BRAF_V600R",
        "BRAF_Q524L",
        "BRAF_CODON600",
    }
    assert rows["BRAF_V600E"]["strategies"].startswith(
        "Encorafenib + binimetinib + cetuximab [Phase III; 27,28] (exact_subpopulation, positive)"
    )
    assert rows["BRAF_Q524L"]["resistance"] == "no" and rows["BRAF_Q524L"]["strategies"] == ""


def test_catalog_json_all_rules(capsys, kb):
    code, out, _ = run(["catalog", "--format", "json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [r["rule_id"] for r in rows] == [r.rule_id for r in kb.rules]
    met = next(r for r in rows if r["rule_id"] == "MET_AMPLIFICATION")
    assert met["strategies"][0]["label"] == "Capmatinib + gefitinib [Phase II; 34]"


def test_catalog_show_g12d(capsys):
    code, out, _ = run(["catalog", "show", "KRAS:p.G12D"], capsys)
    assert code == 0
    assert out.startswith(
        "KRAS:p.G12D: KRAS p.G12D on NM_004985.5 (NP_004976.2), missense_variant, MANE exon 2/5"
    )
    assert "1. KRAS_CODON12  level=codon  resistance=yes" in out
    assert "2. KRAS_EXON2  level=exon  resistance=yes" in out
    dasatinib = "Dasatinib + FOLFOX + cetuximab [Phase IB/II; negative result; 24]"
    assert f"{dasatinib} (exact_subpopulation; outcome: negative)" in out


def test_catalog_show_three_letter_and_json(capsys):
    code, out, _ = run(["catalog", "show", "EGFR:p.Ser492Arg", "--format", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["matches"][0]["rule_id"] == "EGFR_S492R"
    assert doc["matches"][0]["match_level"] == "protein"


@pytest.mark.parametrize(
    ("query", "first_rule"),
    [
        ("MET:amplification", "MET_AMPLIFICATION"),
        ("PTEN:deep_deletion", "PTEN_DEEP_DELETION"),
        ("PTEN:splice_acceptor_variant", "PTEN_TRUNCATING"),
        ("PTEN:p.R130*", "PTEN_TRUNCATING"),
        ("MSI-H", "MSI_H"),
        ("dMMR", "MSI_H"),
        ("rs1801274", "FCGR2A_H167R"),
        ("KRAS:p.G12", "KRAS_CODON12"),
        ("PIK3CA:p.H1047R", "PIK3CA_EXON20"),
    ],
)
def test_catalog_show_queries(capsys, query, first_rule):
    code, out, _ = run(["catalog", "show", query], capsys)
    assert code == 0
    assert f"1. {first_rule} " in out


def test_catalog_show_no_match(capsys):
    code, out, _ = run(["catalog", "show", "KRAS:p.G12="], capsys)
    assert code == 0
    assert "no catalogue rule matches" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["catalog", "show", "FOO:p.G12D"], "unknown gene 'FOO'"),
        (["catalog", "show", "KRAS:p.Gx"], "cannot read the protein change 'p.Gx'"),
        (["catalog", "show", "KRAS:p.A12D"], "residue 12 of NP_004976.2 is Gly (G), not Ala (A)"),
        (["catalog", "show", "KRAS"], "expected GENE:p.CHANGE"),
        (["catalog", "show", "rs123"], "unknown rsID 'rs123'"),
        (["catalog", "show", "FCGR2A:p.H167R"], "FCGR2A has no transcript model"),
        (["catalog", "--gene", "TP53"], "unknown gene 'TP53'"),
    ],
)
def test_catalog_usage_errors(capsys, argv, message):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("egfr-annot: error: ") and message in err
    assert err.count("\n") == 1
