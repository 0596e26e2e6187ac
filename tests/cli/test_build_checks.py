"""REF and genome-build checks: an error in auto mode; with --build every affected row says so
and no protein change is computed from a mismatching REF (issues #3, #5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from egfr_annot.errors import BuildMismatchError
from egfr_annot.pipeline import Resources, RunOptions, annotate_input

HEAD = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    "{contig}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
)


def vcf(tmp_path: Path, line: str, contig: str = "##contig=<ID=chr12,length=133275309>\n") -> str:
    path = tmp_path / "x.vcf"
    path.write_text(HEAD.format(contig=contig) + line + "\tAD\t900,100\n")
    return str(path)


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


def test_wrong_anchor_base_is_caught(tmp_path: Path, resources: Resources) -> None:
    # KRAS c.35 is G on the minus strand = C on +; the VCF's anchor G is wrong.
    path = vcf(tmp_path, "chr12\t25245350\t.\tG\tGA\t.\tPASS\t.")
    with pytest.raises(BuildMismatchError, match=r"x.vcf:5: REF G at chr12:25245350"):
        annotate_input(path, RunOptions(checksum=False), resources)
    (result,) = annotate_input(path, RunOptions(checksum=False, build="GRCh38"), resources)
    (finding,) = result.findings
    assert finding.consequence.hgvsp == "" and finding.match is None
    assert "genome build forced with --build" in " ".join(finding.notes)
    assert not finding.consequence.ref_matches


def test_grch37_coordinates_declared_grch38_fail_with_a_hint(
    tmp_path: Path, resources: Resources
) -> None:
    # KRAS G12D at its GRCh37 position in a file whose contigs say GRCh38
    path = vcf(tmp_path, "chr12\t25398284\t.\tC\tT\t.\tPASS\t.")
    with pytest.raises(BuildMismatchError) as err:
        annotate_input(path, RunOptions(checksum=False), resources)
    assert "matches a GRCh37 panel exon" in str(err.value)
    assert "the file looks like GRCh37; use --build to override" in str(err.value)
    (result,) = annotate_input(path, RunOptions(checksum=False, build="GRCh37"), resources)
    assert [f.consequence.hgvsp_short for f in result.findings] == ["p.G12D"]
    assert result.provenance.build_source.startswith("--build GRCh37 (overrides header")


def test_build_from_ref_bases_when_the_header_is_silent(
    tmp_path: Path, resources: Resources
) -> None:
    path = vcf(tmp_path, "12\t25398284\t.\tC\tT\t.\tPASS\t.", contig="")
    (result,) = annotate_input(path, RunOptions(checksum=False), resources)
    assert result.provenance.build == "GRCh37"
    assert result.provenance.build_source.startswith("REF bases of 1 panel record(s) match GRCh37")
    assert [f.consequence.hgvsp_short for f in result.findings] == ["p.G12D"]


def test_one_stray_other_build_position_is_a_warning(tmp_path: Path, resources: Resources) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_text(
        HEAD.format(contig="##contig=<ID=chr12,length=133275309>\n")
        + "chr12\t25245350\t.\tC\tT\t.\tPASS\t.\tAD\t900,100\n"  # GRCh38 KRAS G12D
        + "chr12\t25398284\t.\tC\tT\t.\tPASS\t.\tAD\t900,100\n"  # GRCh37 KRAS G12D spot
    )
    (result,) = annotate_input(str(path), RunOptions(checksum=False), resources)
    assert [f.consequence.hgvsp_short for f in result.findings] == ["p.G12D"]
    assert any("matches a GRCh37 panel exon" in w for w in result.counts.warnings)
    assert result.counts.skipped_dict()["outside_panel_of_build"] == 1


def test_chance_matches_at_other_build_exons_are_no_warning(
    tmp_path: Path, resources: Resources
) -> None:
    """A GRCh38 file has background variants at GRCh37 exon positions too (WGS), and about one
    SNV in four matches the GRCh37 base by chance: one match among four such records is no
    reason to doubt the build; a majority is."""
    grch37 = resources.annotator("GRCh37").reference
    strays = []
    for pos in (25398290, 25398293, 25398296):  # KRAS exon 2 on GRCh37, REF not GRCh37's
        base = grch37.fetch("12", pos, pos)
        assert base is not None
        wrong, alt = [b for b in "ACGT" if b != base][:2]
        strays.append(f"chr12\t{pos}\t.\t{wrong}\t{alt}\t.\tPASS\t.\tAD\t900,100\n")
    head = HEAD.format(contig="##contig=<ID=chr12,length=133275309>\n")
    kras = "chr12\t25245350\t.\tC\tT\t.\tPASS\t.\tAD\t900,100\n"  # GRCh38 KRAS G12D
    match = "chr12\t25398284\t.\tC\tT\t.\tPASS\t.\tAD\t900,100\n"  # GRCh37 G12D spot
    one_of_four = tmp_path / "wgs.vcf"
    one_of_four.write_text(head + kras + "".join(sorted([match, *strays])))
    (result,) = annotate_input(str(one_of_four), RunOptions(checksum=False), resources)
    assert result.counts.skipped_dict()["outside_panel_of_build"] == 4
    assert not any("panel exon" in w for w in result.counts.warnings)
    one_of_two = tmp_path / "doubtful.vcf"
    one_of_two.write_text(head + kras + match + strays[0])
    (result,) = annotate_input(str(one_of_two), RunOptions(checksum=False), resources)
    assert any("matches a GRCh37 panel exon" in w for w in result.counts.warnings)


def test_header_build_limits_reading_to_that_builds_genes(
    tmp_path: Path, resources: Resources
) -> None:
    # TP53 R175H at its GRCh37 position: inside the GRCh37 tumour-evidence regions only. With a
    # GRCh38 header it is not even parsed (issue #9); with a silent header both builds are read.
    line = "17\t7578406\t.\tC\tT\t.\tPASS\t."
    grch38 = vcf(tmp_path, line, contig="##contig=<ID=17,length=83257441>\n")
    (result,) = annotate_input(grch38, RunOptions(checksum=False), resources)
    assert result.counts.records_read == 1
    assert "outside_panel_of_build" not in result.counts.skipped_dict()
    assert result.provenance.build == "GRCh38"
    silent = tmp_path / "silent.vcf"
    silent.write_text(Path(grch38).read_text().replace("##contig=<ID=17,length=83257441>\n", ""))
    (result,) = annotate_input(str(silent), RunOptions(checksum=False), resources)
    assert result.counts.records_read == 1
    assert result.counts.skipped_dict()["outside_panel_of_build"] == 1  # parsed, then set aside


def test_scan_regions_are_one_build_plus_the_other_builds_panel_exons(
    resources: Resources,
) -> None:
    scan = resources.scan_regions("GRCh38")
    assert scan.contains("chr12", 25245350)  # GRCh38 KRAS c.35
    assert scan.contains("chr12", 25398284)  # GRCh37 KRAS c.35: mislabelled files are caught
    assert scan.contains("chr17", 7675088)  # GRCh38 TP53 R175H (tumour evidence)
    assert not scan.contains("chr17", 7578406)  # GRCh37 TP53: not needed once the build is known
    assert resources.regions(None).contains("chr17", 7578406)
