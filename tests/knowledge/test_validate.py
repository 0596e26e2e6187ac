"""``validate_knowledge``: the shipped knowledge base is valid; each kind of defect is reported
as one ``FILE:LINE: problem`` line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from egfr_annot.errors import KnowledgeBaseError
from egfr_annot.knowledge import load_knowledge_base, validate_knowledge

KB_FILES = (
    "resistance_catalogue.tsv",
    "strategies.tsv",
    "references.tsv",
    "subtypes.tsv",
    "evidence_levels.tsv",
    "genomic_alleles.tsv",
    "rechallenge.json",
    "VERSION",
    "CHANGELOG.md",
)


def test_shipped_knowledge_base_is_valid(annotations):
    assert validate_knowledge(annotations) == []


@pytest.fixture
def kb_copy(tmp_path: Path, annotations: Path) -> Path:
    for name in KB_FILES:
        shutil.copy(annotations / name, tmp_path / name)
    shutil.copytree(annotations / "schema", tmp_path / "schema")
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems_of(directory: Path, models_by_build) -> list[str]:
    return validate_knowledge(directory, models=models_by_build)


def test_copy_is_valid(kb_copy, models_by_build):
    assert problems_of(kb_copy, models_by_build) == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "resistance_catalogue.tsv",
            "EGFR_G465E\tEGFR",
            "EGFR_G465R\tEGFR",
            "column rule_id: 'EGFR_G465R' repeats line",
        ),
        (
            "resistance_catalogue.tsv",
            "\tT2.02\t",
            "\tT2.99\t",
            "strategy T2.99 not in strategies.tsv",
        ),
        (
            "resistance_catalogue.tsv",
            "\t10,67,68\t",
            "\t10,67,68,154\t",
            "reference number(s) 154 not in references.tsv",
        ),
        ("resistance_catalogue.tsv", "\t10,67,68\t", "\t67,10\t", "is not in ascending order"),
        (
            "resistance_catalogue.tsv",
            "p.G465R\tprotein",
            "p.A465R\tprotein",
            "EGFR_G465R (GRCh37): residue 465 of NP_005219.2 is G, not A",
        ),
        (
            "resistance_catalogue.tsv",
            "p.S492R\tprotein",
            "p.S468R\tprotein",
            "residue 468 of NP_005219.2 is N, not S",
        ),
        (
            "resistance_catalogue.tsv",
            "p.V843I\tprotein",
            "p.V1843I\tprotein",
            "beyond the 1210-residue",
        ),
        ("resistance_catalogue.tsv", "exon:21\texon", "exon:22\texon", "exon 22 does not exist"),
        (
            "resistance_catalogue.tsv",
            "exon:2\texon\tKRAS exon 2",
            "exon:1\texon\tKRAS exon 2",
            "exon 1 of NM_004985.5 is not coding",
        ),
        (
            "resistance_catalogue.tsv",
            "H1047@21",
            "H1047@20",
            "anchor H1047@20: residue 1047 is in exon(s) 21",
        ),
        (
            "resistance_catalogue.tsv",
            "\tyes\tEGFR ligands",
            "\tmaybe\tEGFR ligands",
            "column resistance: 'maybe' is not one of yes, uncertain, no",
        ),
        (
            "resistance_catalogue.tsv",
            "p.G465R\tprotein",
            "p.G465R\tcodon",
            "match_level 'codon' but pattern 'p.G465R'",
        ),
        (
            "resistance_catalogue.tsv",
            "\tEGFR-ECD-mut\t",
            "\tEGFR-ECM-mut\t",
            "subtype 'EGFR-ECM-mut' not in subtypes.tsv",
        ),
        (
            "resistance_catalogue.tsv",
            "p.V600E;p.V600R",
            "p.V601E",
            "except_changes 'p.V601E' is not a change at V600",
        ),
        (
            "resistance_catalogue.tsv",
            "rs:rs1801274",
            "rs:rs999",
            "rs999 has no GRCh37 row in genomic_alleles.tsv",
        ),
        (
            "resistance_catalogue.tsv",
            "rule_id\tgene",
            "rule\tgene",
            "differs from the schema's columns",
        ),
        (
            "strategies.tsv",
            "T1.07\treview_table_1\t7",
            "T1.07\treview_table_1\t9",
            "T1.07: id does not match table row 9",
        ),
        (
            "strategies.tsv",
            "\tPhase III\tmCRC\tBRAF V600E mutation\tEncorafenib",
            "\tPhase IV\tmCRC\tBRAF V600E mutation\tEncorafenib",
            "setting 'Phase IV' not in evidence_levels.tsv",
        ),
        (
            "strategies.tsv",
            "Phase III\t0\tpositive\tEncorafenib",
            "Phase III\t2\tpositive\tEncorafenib",
            "is level 'Phase III' (rank 0), not 'Phase III' (rank 2)",
        ),
        (
            "strategies.tsv",
            "\tKRAS G12C\t\talteration",
            "\tKRAS G12D\t\talteration",
            "tag 'KRAS G12D' is not a tag of any rule",
        ),
        (
            "strategies.tsv",
            "BRAF inhibitor\tBRAF V600E",
            "BRAF inhibitors\tBRAF V600E",
            "Fig. 3 class 'BRAF inhibitors' not in subtypes.tsv",
        ),
        (
            "genomic_alleles.tsv",
            "161544752\tA\tC",
            "161544753\tA\tC",
            "rs396991 (GRCh38): hgvsc 'c.526T>G' differs from 'c.525",
        ),
        (
            "genomic_alleles.tsv",
            "c.526T>G\tp.Phe176Val\ttranscript_model\trefdata PROVENANCE.md 'Gaps' (third",
            "c.526T>G\tp.Phe176Leu\ttranscript_model\trefdata PROVENANCE.md 'Gaps' (third",
            "hgvsp 'p.Phe176Leu' but the model gives ('F', 176, 'V')",
        ),
        ("VERSION", "2026.11.2", "v1", "'v1' is not YEAR.MONTH.N"),
        (
            "rechallenge.json",
            '"estimate_percent": "17.70"',
            '"estimate_percent": "27.70"',
            "estimate 27.70 is not inside its 95% CI 8.58-26.82",
        ),
        (
            "rechallenge.json",
            '"estimate_percent": "17.70"',
            '"estimate_percent": 17.7',
            "is not a non-negative decimal string",
        ),
    ],
)
def test_defects_are_reported(kb_copy, models_by_build, file, old, new, expected):
    edit(kb_copy / file, old, new)
    problems = problems_of(kb_copy, models_by_build)
    assert any(expected in p for p in problems), problems
    assert all("\n" not in p for p in problems)


def test_problem_lines_name_file_and_line(kb_copy, models_by_build):
    edit(kb_copy / "resistance_catalogue.tsv", "\tT2.02\t", "\tT2.99\t")
    (problem,) = problems_of(kb_copy, models_by_build)
    lines = (kb_copy / "resistance_catalogue.tsv").read_text().splitlines()
    line_no = next(i for i, line in enumerate(lines, 1) if "T2.99" in line)
    assert problem.startswith(f"{kb_copy / 'resistance_catalogue.tsv'}:{line_no}: EGFR_G465E: ")


def test_changelog_must_describe_the_version(kb_copy, models_by_build):
    edit(kb_copy / "VERSION", "2026.11.2", "2026.12.0")
    assert any(
        "no section for version 2026.12.0" in p for p in problems_of(kb_copy, models_by_build)
    )


def test_missing_transcript_models_are_a_problem(kb_copy):
    problems = validate_knowledge(kb_copy)  # no transcripts/ in the copy
    assert any("cannot load GRCh37 transcript models" in p for p in problems)


def test_loader_refuses_an_inconsistent_knowledge_base(kb_copy):
    edit(kb_copy / "resistance_catalogue.tsv", "\tT2.02\t", "\tT2.99\t")
    with pytest.raises(
        KnowledgeBaseError, match="strategy T2.99 not in strategies.tsv.*kb validate"
    ):
        load_knowledge_base(kb_copy)


def test_loader_refuses_a_malformed_table(kb_copy):
    edit(kb_copy / "strategies.tsv", "\tpositive\t", "\tgreat\t")
    with pytest.raises(KnowledgeBaseError, match=r"strategies.tsv:\d+: column outcome: 'great'"):
        load_knowledge_base(kb_copy)
