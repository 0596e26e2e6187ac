"""HGVS protein parsing/formatting (issue #3), with Hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egfr_annot.genome.hgvs import ProteinChange, normalise_hgvsp, parse_protein_change

AA20 = "ACDEFGHIKLMNPQRSTVWY"


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("p.G12D", "p.G12D", "p.Gly12Asp"),
        ("p.Gly12Asp", "p.G12D", "p.Gly12Asp"),
        ("G12D", "p.G12D", "p.Gly12Asp"),
        ("p.(Gly12Asp)", "p.G12D", "p.Gly12Asp"),
        ("ENSP00000256078.4:p.Gly12Asp", "p.G12D", "p.Gly12Asp"),
        ("p.G12", "p.G12", "p.Gly12"),
        ("p.V600E", "p.V600E", "p.Val600Glu"),
        ("p.E746_A750del", "p.E746_A750del", "p.Glu746_Ala750del"),
        ("p.Glu110del", "p.E110del", "p.Glu110del"),
        ("p.Tyr772_Ala775dup", "p.Y772_A775dup", "p.Tyr772_Ala775dup"),
        ("p.N771dup", "p.N771dup", "p.Asn771dup"),
        ("p.Asp770_Asn771insTyr", "p.D770_N771insY", "p.Asp770_Asn771insTyr"),
        ("p.E709_T710delinsD", "p.E709_T710delinsD", "p.Glu709_Thr710delinsAsp"),
        ("p.Asp770delinsGlyTyr", "p.D770delinsGY", "p.Asp770delinsGlyTyr"),
        ("p.Glu343GlyfsTer2", "p.E343Gfs*2", "p.Glu343GlyfsTer2"),
        ("p.E176Gfs*?", "p.E176Gfs*?", "p.Glu176GlyfsTer?"),
        ("p.P3fs", "p.P3fs", "p.Pro3fs"),
        ("p.Ter1069PhefsTer5", "p.*1069Ffs*5", "p.Ter1069PhefsTer5"),
        ("p.Leu210=", "p.L210=", "p.Leu210="),
        ("p.Leu210%3D", "p.L210=", "p.Leu210="),
        ("p.D1029D", "p.D1029=", "p.Asp1029="),
        ("p.Ter189=", "p.*189=", "p.Ter189="),
        ("p.Arg832Ter", "p.R832*", "p.Arg832Ter"),
        ("p.R832X", "p.R832*", "p.Arg832Ter"),
        ("p.Met1?", "p.M1?", "p.Met1?"),
        ("p.Ter1069TrpextTer4", "p.*1069Wext*4", "p.Ter1069TrpextTer4"),
        ("p.*189Qext*8", "p.*189Qext*8", "p.Ter189GlnextTer8"),
        ("p.X963_splice", "p.X963_splice", "p.X963_splice"),
    ],
)
def test_parse_known_spellings(text: str, short: str, long: str) -> None:
    pc = parse_protein_change(text)
    assert pc is not None
    assert (pc.short(), pc.long()) == (short, long)


def test_parse_fields() -> None:
    pc = parse_protein_change("p.G12D")
    assert pc == ProteinChange("substitution", "G", 12, 12, "G", "D")
    pc = parse_protein_change("p.E746_A750del")
    assert pc == ProteinChange("deletion", "E", 746, 750, "A")
    assert parse_protein_change("p.Gly12") == ProteinChange("codon", "G", 12, 12, "G")


@pytest.mark.parametrize(
    "text",
    ["", "p.", "garbage", "p.G0D", "p.G12DD", "p.G12Xaa", "p.A12_B13insX",
     "p.LN1067fs", "p.VR54fs", "p.2_3insR", "p.P3LS", "p.E746_A740del", "p.E746_E746del",
     "c.35G>A", "p.Gly12Asp)", "p.G" + "1" * 5000 + "D", None, 12, b"p.G12D"],
)  # fmt: skip
def test_parse_rejects(text: object) -> None:
    assert parse_protein_change(text) is None


def test_normalise_hgvsp() -> None:
    assert normalise_hgvsp("NP_004976.2:p.(Gly12Asp)") == "p.G12D"
    assert normalise_hgvsp("p.Leu210%3D") == "p.L210="
    assert normalise_hgvsp("something odd") == "something odd"


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------
res = st.sampled_from(AA20)
pos = st.integers(min_value=1, max_value=99999)
ter = st.one_of(st.just(""), st.just("?"), st.integers(1, 999).map(str))


@st.composite
def protein_changes(draw: st.DrawFn) -> ProteinChange:
    kind = draw(st.sampled_from([
        "substitution", "nonsense", "synonymous", "codon", "deletion", "duplication",
        "insertion", "delins", "frameshift", "extension", "start_lost", "splice",
    ]))  # fmt: skip
    start = draw(pos)
    ref = draw(res)
    if kind == "substitution":
        alt = draw(res.filter(lambda a: a != ref))
        return ProteinChange("substitution", ref, start, start, ref, alt)
    if kind == "nonsense":
        return ProteinChange("nonsense", ref, start, start, ref, "*")
    if kind == "synonymous":
        ref = draw(st.sampled_from(AA20 + "*"))
        return ProteinChange("synonymous", ref, start, start, ref)
    if kind == "codon":
        return ProteinChange("codon", ref, start, start, ref)
    if kind == "start_lost":
        return ProteinChange("start_lost", "M", 1, 1, "M")
    if kind == "splice":
        return ProteinChange("splice", "", start, start)
    if kind == "frameshift":
        ref = draw(st.sampled_from(AA20 + "*"))
        alt = draw(st.one_of(st.just(""), res))
        return ProteinChange("frameshift", ref, start, start, ref, alt, draw(ter))
    if kind == "extension":
        return ProteinChange("extension", "*", start, start, "*", draw(res), draw(ter))
    if kind == "insertion":
        return ProteinChange(
            "insertion",
            ref,
            start,
            start + 1,
            draw(res),
            draw(st.text(AA20, min_size=1, max_size=6)),
        )
    end = start + draw(st.integers(0, 30))
    ref_end = draw(res) if end > start else ref
    if kind == "delins":
        alt = draw(st.text(AA20 + "*", min_size=1, max_size=6))
        return ProteinChange("delins", ref, start, end, ref_end, alt)
    return ProteinChange(kind, ref, start, end, ref_end)  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(protein_changes())
def test_format_parse_round_trip(pc: ProteinChange) -> None:
    assert parse_protein_change(pc.short()) == pc
    assert parse_protein_change(pc.long()) == pc
    assert parse_protein_change(f"p.({pc.long()[2:]})") == pc


@settings(max_examples=600, deadline=None)
@given(st.one_of(
    st.text(),
    st.text(alphabet="pcG.0123456789_delinsfs*TerXAlaGlyArg?=()%3D:", max_size=40),
    st.from_regex(r"p\.[A-Z][a-z]{0,2}[0-9]{1,8}[A-Za-z*?=_]{0,12}", fullmatch=True),
))  # fmt: skip
def test_parse_never_raises(text: str) -> None:
    result = parse_protein_change(text)
    assert result is None or isinstance(result, ProteinChange)
