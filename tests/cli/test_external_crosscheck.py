"""An input that already carries VEP/SnpEff/bcftools annotations is cross-checked (issue #3):
where its annotation on our transcript disagrees with our HGVS, the row's notes say so. Before,
the annotations were read but the comparison was never made on a run."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import example_header, output_table
from click.testing import CliRunner

from egfr_annot.cli import cli

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "vcf" / "vep-csq-snpeff-ann-bcsq.vcf"
G12D = 25245350  # GRCh38 KRAS c.35G>A = chr12:25245350 C>T
CSQ_HEADER = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
              'Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|'
              'BIOTYPE|EXON|INTRON|HGVSc|HGVSp">')
FORMAT = "GT:AD:AF:DP\t0/1:2800,200:0.0667:3000\t0/0:1600,0:0:1600"


def _run(tmp_path: Path, vcf: Path) -> list[dict[str, str]]:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum"])
    assert result.exit_code == 0, result.output
    return output_table(Path(f"{out}.alterations.tsv"))


def _kras_g12d(tmp_path: Path, transcript: str, hgvsc: str, hgvsp: str) -> dict[str, str]:
    header = example_header()
    csq = (f"CSQ=T|missense_variant|MODERATE|KRAS|ENSG00000133703|Transcript|{transcript}|"
           f"protein_coding|2/6||{transcript}:{hgvsc}|ENSP00000308495.3:{hgvsp}")
    vcf = tmp_path / "annotated.vcf"
    vcf.write_text("\n".join([*header[:-1], CSQ_HEADER, header[-1],
                              f"chr12\t{G12D}\t.\tC\tT\t.\tPASS\t{csq}\t{FORMAT}"]) + "\n")
    (row,) = _run(tmp_path, vcf)
    assert row["hgvsp_short"] == "p.G12D"
    return row


def test_a_disagreeing_vep_annotation_is_flagged(tmp_path: Path) -> None:
    row = _kras_g12d(tmp_path, "ENST00000311936.8", "c.35G>T", "p.Gly12Val")
    assert ("VEP annotation on ENST00000311936.8 disagrees: c.35G>T vs ours c.35G>A; p.G12V vs "
            "ours p.G12D") in row["notes"]


def test_an_agreeing_vep_annotation_adds_nothing(tmp_path: Path) -> None:
    row = _kras_g12d(tmp_path, "ENST00000311936.8", "c.35G>A", "p.Gly12Asp")
    assert "disagrees" not in row["notes"]


def test_another_transcript_is_not_compared(tmp_path: Path) -> None:
    # KRAS4A (ENST00000256078) is not the MANE Select transcript: nothing to compare
    row = _kras_g12d(tmp_path, "ENST00000256078.10", "c.35G>T", "p.Gly12Val")
    assert "disagrees" not in row["notes"]


def test_the_annotated_fixture(tmp_path: Path) -> None:
    # GRCh37; the EGFR deletion's VEP CSQ (ENST00000275493, the MANE transcript's accession)
    # names the neighbouring deletion c.2236_2250del; its BCSQ writes the DNA change genomically
    # and the protein change in a form not compared (746ELREA>746): no note from those
    rows = {r["hgvsp_short"]: r["notes"] for r in _run(tmp_path, FIXTURE)}
    assert ("VEP annotation on ENST00000275493.2 disagrees: c.2236_2250del vs ours "
            "c.2235_2249del") in rows["p.E746_A750del"]
    assert "BCSQ" not in rows["p.E746_A750del"]
    # the KRAS and BRAF annotations are on other transcripts (KRAS4A, the old BRAF model)
    assert all("disagrees" not in rows[k] for k in ("p.G12D", "p.G12V", "p.V600E"))


def test_a_disagreement_on_a_call_given_no_row_is_in_the_warnings(tmp_path: Path) -> None:
    # KRAS c.36T>C is synonymous (no row); an input whose VEP CSQ calls it missense p.G12D on the
    # MANE transcript must not pass unseen
    header = example_header()
    csq = ("CSQ=G|missense_variant|MODERATE|KRAS|ENSG00000133703|Transcript|ENST00000311936.8|"
           "protein_coding|2/6||ENST00000311936.8:c.35G>A|ENSP00000308495.3:p.Gly12Asp")
    vcf = tmp_path / "annotated.vcf"
    vcf.write_text("\n".join([*header[:-1], CSQ_HEADER, header[-1],
                              f"chr12\t25245349\t.\tA\tG\t.\tPASS\t{csq}\t{FORMAT}"]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(vcf), "-o", str(out), "-q", "--no-checksum"])
    assert result.exit_code == 0, result.output
    assert output_table(Path(f"{out}.alterations.tsv")) == []
    (summary,) = output_table(Path(f"{out}.summary.tsv"))
    assert summary["warnings"] == (
        "KRAS p.G12= at chr12:25245349 (no row: synonymous_variant by egfr-annot): VEP annotation "
        "on ENST00000311936.8 disagrees: c.35G>A vs ours c.36T>C; p.G12D vs ours p.G12=; "
        "missense_variant vs ours synonymous_variant")
