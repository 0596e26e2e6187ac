"""The minimal HGVS protein-change reader used by the matcher and ``catalog show``."""

from __future__ import annotations

import pytest

from egfr_annot.knowledge.protein import ProteinChange, parse_protein_change


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p.G12D", ProteinChange("missense", 12, 12, "G", "G", "D")),
        ("p.Gly12Asp", ProteinChange("missense", 12, 12, "G", "G", "D")),
        ("p.(Gly12Asp)", ProteinChange("missense", 12, 12, "G", "G", "D")),
        ("NP_004976.2:p.Gly12Asp", ProteinChange("missense", 12, 12, "G", "G", "D")),
        ("p.G12", ProteinChange("codon", 12, 12, "G", "G")),
        ("p.Gly12", ProteinChange("codon", 12, 12, "G", "G")),
        ("p.G12=", ProteinChange("synonymous", 12, 12, "G", "G")),
        ("p.Gly12Gly", ProteinChange("synonymous", 12, 12, "G", "G")),
        ("p.R130*", ProteinChange("nonsense", 130, 130, "R", "R", "*")),
        ("p.Arg130Ter", ProteinChange("nonsense", 130, 130, "R", "R", "*")),
        ("p.R130fs", ProteinChange("frameshift", 130, 130, "R", "R")),
        ("p.K267Rfs*9", ProteinChange("frameshift", 267, 267, "K", "K", "R")),
        ("p.Lys267ArgfsTer9", ProteinChange("frameshift", 267, 267, "K", "K", "R")),
        ("p.R832X", ProteinChange("nonsense", 832, 832, "R", "R", "*")),
        ("p.E746_A750del", ProteinChange("deletion", 746, 750, "E", "A")),
        ("p.Glu746_Ala750del", ProteinChange("deletion", 746, 750, "E", "A")),
        ("p.E110del", ProteinChange("deletion", 110, 110, "E", "E")),
        ("p.A767_V769dup", ProteinChange("duplication", 767, 769, "A", "V")),
        ("p.H773_V774insNPG", ProteinChange("insertion", 773, 774, "H", "V", "NPG")),
        ("p.E746_T751delinsA", ProteinChange("delins", 746, 751, "E", "T", "A")),
        ("p.V600_K601delinsE", ProteinChange("delins", 600, 601, "V", "K", "E")),
        ("p.M1?", ProteinChange("start_lost", 1, 1, "M", "M")),
        ("p.Met1?", ProteinChange("start_lost", 1, 1, "M", "M")),
        ("p.*189Qext*?", ProteinChange("stop_lost", 189, 189, "*", "*", "Q")),
        ("p.Ter189GlnextTer5", ProteinChange("stop_lost", 189, 189, "*", "*", "Q")),
    ],
)
def test_parse(text, expected):
    assert parse_protein_change(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "p.",
        "p.X963_splice",
        "c.35G>A",
        "p.G0D",
        "p.Gx",
        "G12D?",
        "p.A750_E746del",
        "p.Foo12Bar",
    ],
)
def test_unreadable(text):
    assert parse_protein_change(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "p.G12D",
        "p.R130*",
        "p.G12=",
        "p.E746_A750del",
        "p.H773_V774insNPG",
        "p.M1?",
        "p.G12",
        "p.R130fs",
    ],
)
def test_short_form_round_trip(text):
    change = parse_protein_change(text)
    assert change is not None and change.short == text
