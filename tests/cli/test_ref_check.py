"""The input's REF against the reference (issue #3): N and IUPAC codes stand for the bases they
allow, as in VEP (which reads no REF base); one odd REF among many that match is noted on its row
and in the summary instead of failing the whole sample; most REFs wrong is the wrong build (exit
2). Before, any mismatching REF (N included) stopped the run, and an IUPAC REF crashed it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import example_header, output_table
from click.testing import CliRunner, Result

from egfr_annot.cli import cli, main

FMT = "GT:AD:AF:DP\t0/1:2800,200:0.0667:3000\t0/0:1600,0:0:1600"
G12D = 25245350  # GRCh38 KRAS c.35G>A: chr12:25245350 C>T


def _record(chrom: str, pos: int, ref: str, alt: str) -> str:
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tDP=3000\t{FMT}"


def _run(tmp_path: Path, records: list[str]) -> tuple[Result, Path]:
    vcf = tmp_path / "records.vcf"
    vcf.write_text("\n".join([*example_header(), *records]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum"])
    return result, out


def _rows_and_summary(tmp_path: Path, records: list[str]
                      ) -> tuple[list[dict[str, str]], dict[str, str]]:
    result, out = _run(tmp_path, records)
    assert result.exit_code == 0, result.output
    (summary,) = output_table(Path(f"{out}.summary.tsv"))
    return output_table(Path(f"{out}.alterations.tsv")), summary


def test_n_and_iupac_refs_stand_for_the_reference_base(tmp_path: Path) -> None:
    for ref in ("N", "Y", "c"):  # Y: C or T; the genome has C
        rows, summary = _rows_and_summary(tmp_path, [_record("chr12", G12D, ref, "T")])
        assert [(r["hgvsc"], r["hgvsp_short"]) for r in rows] == [("c.35G>A", "p.G12D")], ref
        assert summary["status"] == "resistance_detected"
        assert "does not match" not in summary["warnings"]


def test_an_iupac_ref_that_stands_for_the_alt_is_no_change(tmp_path: Path) -> None:
    # Y (C or T) > C where the genome has C: no change from the reference; named, not annotated
    rows, summary = _rows_and_summary(tmp_path, [_record("chr12", G12D, "Y", "C"),
                                                 _record("chr12", G12D + 1, "C", "A")])
    assert [r["hgvsp_short"] for r in rows] == ["p.G12C"]
    assert summary["skipped"] == "no_change_from_reference=1"
    assert (f"REF Y > ALT C at chr12:{G12D} (line {len(example_header()) + 1}): the REF's "
            "ambiguity code stands for the GRCh38 base, which is the ALT: no change, not "
            "annotated") in summary["warnings"]


def test_one_odd_ref_among_many_is_noted_not_fatal(tmp_path: Path) -> None:
    records = [_record("chr12", G12D, "C", "T"), _record("chr12", G12D + 1, "C", "A"),
               _record("chr7", 140753336, "A", "T"),  # BRAF V600E
               _record("chr3", 179218303, "G", "A"),  # PIK3CA E545K
               _record("chr12", 25245347, "A", "T")]  # KRAS c.38: the genome has C
    rows, summary = _rows_and_summary(tmp_path, records)
    odd = next(r for r in rows if r["pos"] == "25245347")
    assert odd["hgvsp_short"] == "" and "REF A does not match the GRCh38 reference C at " \
        "12:25245347; wrong genome build? No protein change reported" in odd["notes"]
    assert summary["status"] == "resistance_detected"  # (G12D, G12C, V600E still reported)
    assert ("REF does not match the GRCh38 reference at 1 of 5 checked panel calls (first: REF A "
            f"at chr12:25245347 (line {len(example_header()) + 5})): their rows show no protein "
            "change; the others match, so the build stands") in summary["warnings"]


def test_most_refs_wrong_is_the_wrong_build(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    records = [_record("chr12", G12D, "G", "T"), _record("chr12", G12D + 1, "A", "C"),
               _record("chr7", 140753336, "A", "T")]
    vcf = tmp_path / "records.vcf"
    vcf.write_text("\n".join([*example_header(), *records]) + "\n")
    with pytest.raises(SystemExit) as stop:
        main(["run", str(vcf), "-o", str(tmp_path / "out"), "-q", "--no-checksum"])
    assert stop.value.code == 2
    assert f"REF G at chr12:{G12D} does not match the GRCh38 reference" in capsys.readouterr().err
    assert not list(tmp_path.glob("out.*"))


def test_a_vaf_not_written_by_the_caller_says_where_it_came_from(tmp_path: Path) -> None:
    # README: notes carry the VAF source; FORMAT/AF (the caller's own) goes unsaid
    ad_only = f"chr12\t{G12D}\t.\tC\tT\t.\tPASS\tDP=3000\tGT:AD:DP\t0/1:2800,200:3000\t" \
              "0/0:1600,0:1600"
    rows, _summary = _rows_and_summary(tmp_path, [ad_only])
    assert rows[0]["vaf"] == "0.066667" and rows[0]["notes"].startswith("VAF from FORMAT/AD")
    rows, _summary = _rows_and_summary(tmp_path, [_record("chr12", G12D, "C", "T")])
    assert "VAF from" not in rows[0]["notes"]


def test_a_default_build_is_said_in_the_warnings(tmp_path: Path) -> None:
    # no contig lengths, no reference name, no panel record to test: GRCh38 is assumed, and a
    # GRCh37 file read that way would miss its panel variants, so the summary says so
    vcf = tmp_path / "bare.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "1\t100\t.\tA\tG\t.\tPASS\t.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum"])
    assert result.exit_code == 0, result.output
    (summary,) = output_table(Path(f"{out}.summary.tsv"))
    assert summary["build"] == "GRCh38"
    assert ("no genome build evidence in the header or the panel records: GRCh38 assumed; give "
            "--build GRCh37 if the file is GRCh37") in summary["warnings"]


def test_a_change_of_the_donor_consensus_gets_a_row(tmp_path: Path) -> None:
    # MET c.3028+3A>G (exon 14 skipping) changes the splice site, as +1, +2 and +5 do; +7 is
    # only near it (splice_region_variant: counted, no row)
    rows, summary = _rows_and_summary(tmp_path, [_record("chr7", 116771992, "A", "G"),
                                                 _record("chr7", 116771996, "T", "G")])
    assert [(r["hgvsc"], r["consequence"]) for r in rows] == [
        ("c.3028+3A>G", "splice_donor_region_variant,intron_variant")]
    assert "not_protein_changing=1" in summary["skipped"]


def test_a_forced_build_that_looks_wrong_is_warned(tmp_path: Path) -> None:
    # GRCh37 BRAF V600E and KRAS G12D run with --build GRCh38: before, counted outside the
    # panel with no word; now the records at GRCh37 panel exons are read and named
    vcf = tmp_path / "g37.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"GT\">\n"
        "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"AD\">\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        "7\t140453136\t.\tA\tT\t.\tPASS\t.\tGT:AD\t0/1:90,30\n"
        "12\t25398284\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/1:90,30\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "--build", "GRCh38", "-o", str(out), "-q",
                                      "--no-checksum"])
    assert result.exit_code == 0, result.output
    (summary,) = output_table(Path(f"{out}.summary.tsv"))
    assert summary["skipped"] == "outside_panel_of_build=2"
    assert summary["warnings"] == (
        "REF A at 7:140453136 matches a GRCh37 panel exon (and 1 more): the file may be GRCh37, "
        "but --build GRCh38 was given; its GRCh37 panel variants are not reported")


def test_a_symbolic_record_is_counted_once(tmp_path: Path) -> None:
    # an <INV> in KRAS: the reader counts it (symbolic_allele); the copy-number reader, which
    # sees every symbolic record, used to count it again (cnv_vcf_record_not_copy_number)
    inv = f"chr12\t{G12D}\t.\tC\t<INV>\t.\tPASS\tSVTYPE=INV;END={G12D + 500}\t{FMT}"
    _rows, summary = _rows_and_summary(tmp_path, [inv])
    assert summary["skipped"] == "symbolic_allele=1"
