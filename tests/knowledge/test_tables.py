"""The knowledge-base tables: every row of the review's Tables 1 and 2, the text-only strategies,
references, Fig. 3 subtypes, rechallenge figures, schemas and version."""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest

from egfr_annot.knowledge import KnowledgeBase


def test_all_table_rows_present(kb: KnowledgeBase):
    counts = Counter(s.source for s in kb.strategies)
    assert counts["review_table_1"] == 18
    assert counts["review_table_2"] == 20
    for source, n in (("review_table_1", 18), ("review_table_2", 20)):
        rows = sorted(s.table_row for s in kb.strategies if s.source == source)
        assert rows == list(range(1, n + 1))


# strategy id: agent, setting, subpopulation, refs, evidence rank
TABLE_ROWS = {
    "T1.01": ("Necitumumab", "Phase II", "Unselected", (21,), 1),
    "T1.02": ("Sym004", "Phase I", "KRAS WT", (22,), 2),
    "T1.04": ("Dasatinib", "Phase IB/II", "KRAS mutation", (24,), 2),
    "T1.05": ("Vemurafenib", "Phase IB", "BRAF V600E mutation", (25,), 2),
    "T1.06": ("Vemurafenib", "Phase II", "Unselected", (26,), 1),
    "T1.07": ("Encorafenib", "Phase III", "BRAF V600E mutation", (27, 28), 0),
    "T1.08": ("Binimetinib", "Phase III", "BRAF V600E mutation", (28,), 0),
    "T1.09": ("Selumetinib", "Phase I", "KRAS mutation", (29, 30), 2),
    "T1.10": ("Neratinib", "Phase II", "KRAS, NRAS, BRAF, PIK3CA WT", (31,), 1),
    "T1.12": ("Tivantinib", "Phase II", "KRAS mutation", (33,), 1),
    "T1.13": ("Capmatinib", "Phase II", "MET amplification", (34,), 1),
    "T1.14": ("Dalotuzumab", "Phase II/III", "KRAS WT", (35,), 1),
    "T1.16": ("Dapagliflozin", "Case report", "SGLT2+", (37,), 4),
    "T1.17": ("Avelumab", "Phase II", "RAS WT", (38,), 1),
    "T1.18": ("Regorafenib", "Phase I", "At least 4-line treatment", (39,), 2),
    "T2.01": ("GC1118", "PDXs", "KRAS mutation", (40,), 5),
    "T2.02": ("MM-151", "PDXs", "EGFR G465E", (41,), 5),
    "T2.03": ("Pimasertib", "Cell", "/", (42,), 6),
    "T2.06": ("BKM120", "Cell/nude mice", "KRAS mutation", (45,), 5),
    "T2.11": ("CB-839", "Cell/mice", "KRAS WT", (50,), 5),
    "T2.13": ("anti-CD137 mAb", "Mice", "KRAS WT/mutaion", (52,), 5),
    "T2.16": ("IMO", "Cell", "KRAS mutation", (55, 56), 6),
    "T2.17": ("Regorafenib", "Cell/nude mice", "Unselected", (57,), 5),
    "T2.18": ("BLU9931", "Cell", "Unselected", (58,), 6),
    "T2.19": ("TAS-102", "PDXs", "/", (59,), 5),
    "T2.20": ("β-elemene", "Cell/mice", "KRAS mutation", (60,), 5),
}


@pytest.mark.parametrize("strategy_id", sorted(TABLE_ROWS))
def test_table_row_values(kb: KnowledgeBase, strategy_id: str):
    s = kb.strategy(strategy_id)
    agent, setting, subpopulation, refs, rank = TABLE_ROWS[strategy_id]
    assert (s.agent, s.setting, s.subpopulation, s.review_refs, s.evidence_rank) == (
        agent,
        setting,
        subpopulation,
        refs,
        rank,
    )


def test_encorafenib_row_efficacy_and_label(kb: KnowledgeBase):
    s = kb.strategy("T1.07")
    assert s.efficacy == "ORR: 26% VS 2%, mOS: 9.0m VS 5.4m"
    assert s.label == "Encorafenib + binimetinib + cetuximab [Phase III; 27,28]"
    assert s.species == "mCRC" and s.therapy_class == "RAF inhibitors"


def test_recorded_discrepancies(kb: KnowledgeBase):
    # DESIGN.md: regorafenib/BLU9931 refs 57/58 (table kept, text swaps them) ...
    assert "other way round" in kb.strategy("T2.17").notes
    assert "[57]" in kb.strategy("T2.18").notes or "T2.17" in kb.strategy("T2.18").notes
    assert "other way round" in kb.references[57].notes
    # ... and tivantinib's subpopulation (table wording kept, text noted)
    tivantinib = kb.strategy("T1.12")
    assert tivantinib.subpopulation == "KRAS mutation"
    assert "progression on cetuximab or panitumumab" in tivantinib.notes
    assert "phase 2" in kb.strategy("T1.02").notes  # Sym004: table Phase I vs text phase 2


@pytest.mark.parametrize(
    ("agent_part", "refs"),
    [
        ("Sotorasib", (86, 87)),
        ("Pazopanib", (153,)),
        ("Chloroquine, 3-methyladenine", (138, 139)),
        ("XL147", (111,)),
        ("XL147", (112,)),
        ("Vitamin D", (136,)),
        ("Tivantinib (ARQ 197)", (124,)),
        ("Trastuzumab, pertuzumab, lapatinib", (115, 116)),
        ("Dasatinib", (88,)),
        ("KY7749", (89,)),
        ("Avelumab", (132,)),
        ("Vemurafenib", (98,)),
        ("Vemurafenib", (99,)),
        ("Vemurafenib", (100,)),
    ],
)
def test_text_only_strategies(kb: KnowledgeBase, agent_part: str, refs: tuple[int, ...]):
    found = [
        s
        for s in kb.strategies
        if s.source == "review_text" and s.agent == agent_part and s.review_refs == refs
    ]
    assert len(found) == 1, (agent_part, refs)


def test_capmatinib_cetuximab_text_strategy(kb: KnowledgeBase):
    (s,) = [s for s in kb.strategies if s.review_refs == (125,)]
    assert s.regimen == "Capmatinib + cetuximab" and s.source == "review_text"


def test_fig3_subtypes(kb: KnowledgeBase):
    assert set(kb.subtypes) == {
        "RAS-mut",
        "RAF-mut",
        "ERBB2-amp",
        "MET-amp",
        "EGFR-ECD-mut",
        "no-driver",
    }
    assert kb.subtypes["RAF-mut"].strategy_classes == ("BRAF inhibitor",)
    assert "antiangiogenic agents" in kb.subtypes["no-driver"].strategy_classes
    assert "natural bioactive monomers" in kb.subtypes["RAS-mut"].strategy_classes
    for rule_id, subtype in [
        ("KRAS_CODON12", "RAS-mut"),
        ("BRAF_V600E", "RAF-mut"),
        ("ERBB2_AMPLIFICATION", "ERBB2-amp"),
        ("MET_AMPLIFICATION", "MET-amp"),
        ("EGFR_G465R", "EGFR-ECD-mut"),
    ]:
        assert kb.rule(rule_id).subtype == subtype


def test_references_cover_the_review(kb: KnowledgeBase):
    assert sorted(kb.references) == list(range(1, 154))
    names = {n: kb.references[n].name for n in (5, 12, 27, 34, 38, 88, 113, 127)}
    assert names == {
        5: "CRYSTAL",
        12: "Bardelli et al.",
        27: "BEACON",
        34: "GEOMETRY mono-1",
        38: "CAVE",
        88: "Wheeler 2011",
        113: "Bertotti et al.",
        127: "CALGB/SWOG 80405",
    }
    used = {n for r in kb.rules for n in r.review_refs} | {
        n for s in kb.strategies for n in s.review_refs
    }
    assert used <= set(kb.references)


def test_catalogue_numbering_facts(kb: KnowledgeBase):
    assert kb.rule("PIK3CA_EXON20").alteration.exon == 21
    assert kb.rule("PIK3CA_EXON9").alteration.exon == 10
    assert kb.rule("PIK3CA_EXON20").literature_name == "exon 20"
    assert [str(a) for a in kb.rule("PIK3CA_EXON9").anchor_residues] == [
        "E542@10",
        "E545@10",
        "Q546@10",
    ]
    assert kb.rule("KRAS_EXON2").alteration.exon == 2
    assert str(kb.rule("BRAF_V600E").anchor_residues[0]) == "V600@15"
    assert kb.rule("EGFR_S492R").alteration.text == "p.S492R"


def test_resistance_calls(kb: KnowledgeBase):
    calls = {r.rule_id: r.resistance for r in kb.rules}
    assert calls["BRAF_Q524L"] == "no"
    assert calls["PIK3CA_EXON9"] == "no"
    assert calls["PIK3CA_EXON20"] == "yes"
    assert calls["MSI_H"] == "uncertain"
    assert all(calls[f"KRAS_CODON{c}"] == "uncertain" for c in (20, 27, 30, 31))
    assert all(calls[f"{g}_EXON{e}"] == "yes" for g in ("KRAS", "NRAS") for e in (2, 3, 4))
    # every rule has evidence and references
    assert all(r.evidence and r.review_refs and r.quote for r in kb.rules)


def test_version(kb: KnowledgeBase, annotations):
    assert kb.version == "2026.11.2"
    assert (annotations / "VERSION").read_text().splitlines()[0] == kb.version
    assert f"## {kb.version}" in (annotations / "CHANGELOG.md").read_text()


def test_schemas_follow_the_meta_schema(annotations):
    meta = json.loads((annotations / "schema" / "table.meta.schema.json").read_text())
    tables = sorted(p.name for p in annotations.glob("*.tsv"))
    assert tables == [
        "evidence_levels.tsv",
        "genomic_alleles.tsv",
        "references.tsv",
        "resistance_catalogue.tsv",
        "strategies.tsv",
        "subtypes.tsv",
    ]
    for table in tables:
        schema = json.loads(
            (annotations / "schema" / table.replace(".tsv", ".schema.json")).read_text()
        )
        jsonschema.validate(schema, meta)
        assert schema["table"] == table
        header = next(
            line
            for line in (annotations / table).read_text().splitlines()
            if not line.startswith("#")
        )
        assert header.split("\t") == [c["name"] for c in schema["columns"]]
        # the table names its schema in a header comment
        assert (annotations / table).read_text().startswith("# ")


def test_rechallenge_json_schema(annotations):
    schema = json.loads((annotations / "schema" / "rechallenge.schema.json").read_text())
    doc = json.loads((annotations / "rechallenge.json").read_text())
    jsonschema.validate(doc, schema)
    broken = dict(
        doc,
        pooled=[
            {
                "endpoint": "ORR",
                "group": "all",
                "estimate_percent": 17.7,
                "ci95_percent": ["8.58", "26.82"],
            }
        ],
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
