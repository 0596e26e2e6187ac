"""Substitutions of one sample in the same codon: each row names the other change and what the
two make in cis (KRAS c.34G>T + c.35G>T is p.G12F, not p.G12C and p.G12V), the summary warns;
other ALTs of one site, other samples and neighbouring codons are left alone."""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from egfr_annot.cli import cli
from egfr_annot.genome.annotator import Annotator
from egfr_annot.genome.same_codon import SameCodonCalls, row_key
from egfr_annot.records import Call

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"
# GRCh38, KRAS (minus strand) codon 12 = c.34-36 at chr12:25245351-25245349; codon 13 starts at
# 25245348. EGFR (plus strand) codon 492 = c.1474-1476 (AGC) at chr7:55160173-55160175 on GRCh37.
C34, C35, C36, C37 = 25245351, 25245350, 25245349, 25245348


@pytest.fixture(scope="module")
def a38() -> Annotator:
    return Annotator("GRCh38")


def _call(chrom: str, pos: int, ref: str, alt: str, sample: str = "T", vaf: float = 0.05,
          flt: str = "PASS") -> Call:
    return Call(sample, chrom, pos, ref, alt, flt, vaf, 20, 400, "FORMAT/AF", 0)


def _collect(annotator: Annotator, calls: list[Call]) -> SameCodonCalls:
    collected = SameCodonCalls()
    for call in calls:
        allele = annotator.normalise(call.chrom, call.pos, call.ref, call.alt)
        collected.add(call, allele, annotator.annotate(allele))
    return collected


def test_kras_g12f_written_as_two_snvs(a38: Annotator) -> None:
    g12v, g12c = _call("chr12", C35, "C", "A", vaf=0.0667), _call("chr12", C34, "C", "A")
    report = _collect(a38, [g12v, g12c]).report(a38)
    kras = "NM_004985.5"
    assert report.row_notes[row_key(g12v, kras)] == (
        "same codon as c.34G>T (p.G12C) at chr12:25245351, VAF 0.05 in this sample: if both are "
        "on one DNA molecule (in cis), together they make c.34_35delinsTT (p.G12F), not either "
        "change alone; the VCF does not phase them (check the reads)",)
    (note,) = report.row_notes[row_key(g12c, kras)]
    assert note.startswith("same codon as c.35G>T (p.G12V) at chr12:25245350, VAF 0.0667 in")
    assert report.sample_notes == {"T": (
        "KRAS c.35G>T and c.34G>T share codon 12 of NM_004985.5; in cis they make "
        "c.34_35delinsTT (p.G12F) (not phased in the VCF: see the rows' notes)",)}


def test_a_synonymous_change_in_the_codon_counts(a38: Annotator) -> None:
    # c.36T>G alone is synonymous (GGT -> GGG); with c.34G>T the codon is TGG: p.G12W
    g12c, silent = _call("chr12", C34, "C", "A"), _call("chr12", C36, "A", "C", flt="germline")
    report = _collect(a38, [g12c, silent]).report(a38)
    (note,) = report.row_notes[row_key(g12c, "NM_004985.5")]
    assert note.startswith("same codon as c.36T>G (p.G12=) at chr12:25245349, VAF 0.05, "
                           "FILTER germline in this sample")
    assert "together they make c.34_36delinsTGG (p.G12W)" in note


def test_plus_strand_codon() -> None:
    a37 = Annotator("GRCh37")
    first, second = _call("7", 55228007, "A", "C"), _call("7", 55228009, "C", "A")
    report = _collect(a37, [first, second]).report(a37)
    (note,) = report.row_notes[row_key(first, a37.models["EGFR"].refseq)]
    assert note.startswith("same codon as c.1476C>A (p.S492R) at 7:55228009")
    assert "together they make c.1474_1476delinsCGA (p.S492R)" in note


def test_a_codon_split_by_an_intron_is_named_not_joined(a38: Annotator) -> None:
    # KRAS codon 97: c.289-290 end exon 3 (chr12:25227235-25227234), c.291 starts exon 4
    # (chr12:25225773); an allele spanning the 1.5 kb intron would read as a splice change
    last_of_exon_3, first_of_exon_4 = _call("chr12", 25227234, "C", "A"), _call(
        "chr12", 25225773, "T", "G")
    report = _collect(a38, [last_of_exon_3, first_of_exon_4]).report(a38)
    (note,) = report.row_notes[row_key(last_of_exon_3, "NM_004985.5")]
    assert note.startswith("same codon as c.291A>C (p.R97S) at chr12:25225773")
    assert "the codon is split by an intron: their joint change is not computed here" in note
    assert report.sample_notes["T"] == (
        "KRAS c.290G>T and c.291A>C share codon 97 of NM_004985.5; the codon is split by an "
        "intron: their joint change is not computed here (not phased in the VCF: see the rows' "
        "notes)",)


@pytest.mark.parametrize(
    "calls",
    [
        # two ALTs of one site (G12V and G12D): alternatives, not two changes
        [_call("chr12", C35, "C", "A"), _call("chr12", C35, "C", "T")],
        # the same codon in two samples
        [_call("chr12", C35, "C", "A", sample="A"), _call("chr12", C34, "C", "A", sample="B")],
        # neighbouring codons 12 and 13
        [_call("chr12", C36, "A", "C"), _call("chr12", C37, "C", "T")],
        # an indel next to an SNV: no single codon to share
        [_call("chr12", C35, "C", "A"), _call("chr12", C36 - 1, "CA", "C")],
    ],
    ids=["one site", "two samples", "neighbouring codons", "indel"],
)
def test_left_alone(a38: Annotator, calls: list[Call]) -> None:
    report = _collect(a38, calls).report(a38)
    assert report.row_notes == {} and report.sample_notes == {}


def test_end_to_end_rows_and_summary(tmp_path: Path) -> None:
    text = gzip.decompress(EXAMPLE.read_bytes()).decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    samples = header[-1].split("\t")[9:]
    assert len(samples) == 2  # tumour, then normal
    fmt = "GT:AD:AF:DP\t0/1:2800,200:0.0667:3000\t0/0:1600,0:0:1600"
    records = [f"chr12\t{C35}\t.\tC\tA\t.\tPASS\tDP=3000\t{fmt}",
               f"chr12\t{C34}\t.\tC\tA\t.\tPASS\tDP=3000\t{fmt}"]
    vcf = tmp_path / "g12f.vcf"
    vcf.write_text("\n".join([*header, *records]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in Path(f"{out}.alterations.tsv").read_text().splitlines()
            if not line.startswith("#")]
    columns = rows[0]
    by_change = {r[columns.index("hgvsp_short")]: r[columns.index("notes")] for r in rows[1:]}
    assert set(by_change) == {"p.G12V", "p.G12C"}
    assert all("together they make c.34_35delinsTT (p.G12F)" in n for n in by_change.values())
    summary = [line.split("\t") for line in Path(f"{out}.summary.tsv").read_text().splitlines()
               if not line.startswith("#")]
    warnings = dict(zip(summary[0], summary[1], strict=True))["warnings"]
    assert "KRAS c.35G>T and c.34G>T share codon 12 of NM_004985.5; in cis they make " \
           "c.34_35delinsTT (p.G12F)" in warnings


def _phased(pos: int, alt: str, phase: tuple[str, int] | None) -> Call:
    return Call("T", "chr12", pos, "C", alt, "PASS", 0.05, 20, 400, "FORMAT/AF", 0, "0|1",
                phase=phase)


@pytest.mark.parametrize(
    ("second_phase", "note_end", "warning_end"),
    [
        (("PS=25245350", 0),
         "on the other DNA molecule as phased by the caller (in trans, PS=25245350): each "
         "change stands as called",
         ", in trans as phased by the caller (PS=25245350): two separate changes"),
        # another phase set says nothing about these two
        (("PS=25240000", 1),
         ": if both are on one DNA molecule (in cis), together they make c.34_35delinsTT "
         "(p.G12F), not either change alone; the VCF does not phase them (check the reads)",
         "; in cis they make c.34_35delinsTT (p.G12F) (not phased in the VCF: see the rows' "
         "notes)"),
    ],
)
def test_phase_from_the_caller(a38: Annotator, second_phase: tuple[str, int], note_end: str,
                               warning_end: str) -> None:
    g12v = _phased(C35, "A", ("PS=25245350", 1))
    g12c = _phased(C34, "A", second_phase)
    report = _collect(a38, [g12v, g12c]).report(a38)
    (note,) = report.row_notes[row_key(g12v, "NM_004985.5")]
    assert note == ("same codon as c.34G>T (p.G12C) at chr12:25245351, VAF 0.05 in this sample"
                    + ("" if note_end.startswith(":") else ", ") + note_end)
    assert report.sample_notes == {"T": (
        "KRAS c.35G>T and c.34G>T share codon 12 of NM_004985.5" + warning_end,)}
    assert not report.joined


def test_phased_in_cis_rows_carry_the_joint_change(a38: Annotator) -> None:
    # as bcftools csq does with phased genotypes: both rows are the p.G12F they make together
    g12v = _phased(C35, "A", ("PS=25245350", 1))
    g12c = _phased(C34, "A", ("PS=25245350", 1))
    report = _collect(a38, [g12v, g12c]).report(a38)
    assert not report.row_notes
    joint_v = report.joined[row_key(g12v, "NM_004985.5")]
    joint_c = report.joined[row_key(g12c, "NM_004985.5")]
    assert joint_v.allele == joint_c.allele
    assert (joint_v.allele.pos, joint_v.allele.ref, joint_v.allele.alt) == (C35, "CC", "AA")
    assert (joint_c.consequence.hgvsc, joint_c.consequence.hgvsp_short) == (
        "c.34_35delinsTT", "p.G12F")
    assert joint_v.note == (
        "joined with c.34G>T (p.G12C) at chr12:25245351, VAF 0.05: the caller phased the two on "
        "one DNA molecule (in cis, PS=25245350), so this row shows their joint change, as "
        "bcftools csq does; this record alone reads c.35G>T (p.G12V)")
    assert report.sample_notes == {"T": (
        "KRAS c.35G>T and c.34G>T share codon 12 of NM_004985.5, in cis as phased by the caller "
        "(PS=25245350): together they make c.34_35delinsTT (p.G12F); reported as one "
        "alteration, c.34_35delinsTT (p.G12F)",)}


def test_phased_in_cis_but_filtered_is_not_joined(a38: Annotator) -> None:
    g12v = _phased(C35, "A", ("PS=25245350", 1))
    g12c = replace(_phased(C34, "A", ("PS=25245350", 1)), filter="weak_evidence")
    report = _collect(a38, [g12v, g12c]).report(a38)
    assert not report.joined
    (note,) = report.row_notes[row_key(g12v, "NM_004985.5")]
    assert "FILTER weak_evidence in this sample, on the same DNA molecule as phased by the " \
           "caller (in cis, PS=25245350): together they make c.34_35delinsTT (p.G12F)" in note


@pytest.mark.parametrize(
    ("fmt", "tumour_a", "tumour_b", "expected"),
    [
        # GATK 4.1+ Mutect2: phased GT and PS
        ("GT:AD:AF:DP:PGT:PID:PS", f"0|1:2800,200:0.0667:3000:0|1:{C35}_C_A:{C35}",
         f"0|1:2800,200:0.0667:3000:0|1:{C35}_C_A:{C35}", f"in cis as phased by the caller "
         f"(PS={C35}): together they make c.34_35delinsTT (p.G12F); reported as one "
         "alteration, c.34_35delinsTT (p.G12F)"),
        # older Mutect2: unphased GT, PGT and PID
        ("GT:AD:AF:DP:PGT:PID", f"0/1:2800,200:0.0667:3000:0|1:{C35}_C_A",
         f"0/1:2800,200:0.0667:3000:1|0:{C35}_C_A",
         f"in trans as phased by the caller (PID={C35}_C_A): two separate changes"),
    ],
)
def test_end_to_end_phased_by_mutect2(tmp_path: Path, fmt: str, tumour_a: str, tumour_b: str,
                                      expected: str) -> None:
    text = gzip.decompress(EXAMPLE.read_bytes()).decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    declare = ['##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype">',
               '##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID">',
               '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phasing set">']
    header = [*header[:-1], *(d for d in declare if d.split(",")[0] not in text), header[-1]]
    normal = "0/0:1600,0:0:1600" + ":." * (fmt.count(":") - 3)
    records = [f"chr12\t{C35}\t.\tC\tA\t.\tPASS\tDP=3000\t{fmt}\t{tumour_a}\t{normal}",
               f"chr12\t{C34}\t.\tC\tA\t.\tPASS\tDP=3000\t{fmt}\t{tumour_b}\t{normal}"]
    vcf = tmp_path / "phased.vcf"
    vcf.write_text("\n".join([*header, *records]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum"])
    assert result.exit_code == 0, result.output
    summary = [line.split("\t") for line in Path(f"{out}.summary.tsv").read_text().splitlines()
               if not line.startswith("#")]
    fields = dict(zip(summary[0], summary[1], strict=True))
    assert f"KRAS c.35G>T and c.34G>T share codon 12 of NM_004985.5, {expected}" in \
        fields["warnings"]
    lines = [line.split("\t") for line in Path(f"{out}.alterations.tsv").read_text().splitlines()
             if not line.startswith("#")]
    rows = [dict(zip(lines[0], values, strict=True)) for values in lines[1:]]
    if "in cis" in expected:
        # both rows show the joint change, which the summary counts once
        assert [(r["pos"], r["alt"], r["hgvsc"], r["hgvsp_short"]) for r in rows] == [
            (str(C35), "A", "c.34_35delinsTT", "p.G12F"),
            (str(C34), "A", "c.34_35delinsTT", "p.G12F")]
        assert (fields["n_resistance"], fields["resistance_alterations"]) == ("1", "KRAS p.G12F")
    else:
        assert sorted(r["hgvsp_short"] for r in rows) == ["p.G12C", "p.G12V"]
        assert fields["n_resistance"] == "2"
