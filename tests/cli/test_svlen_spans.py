"""A PTEN deep deletion written as VCF 4.4 allows it, a ``<DEL>`` whose span only INFO/SVLEN
gives (no INFO/END; END is deprecated in VCF 4.5), starting 860 kb before the gene, is found
whatever way the file is read. With a .tbi next to the file it was missed: htslib before 1.22
(tabix/bcftools 1.16 of Debian 12) indexes such a record at its REF only, so no query of
PTEN's regions reaches it, and the .tbi reader ignored SVLEN when htslib 1.22+ (pysam 0.24)
had indexed it over its span. The same file streamed gave "PTEN loss"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from egfr_annot.cli import cli

HEADER = (
    "##fileformat=VCFv4.4\n"
    "##contig=<ID=chr10,length=133797422>\n"
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
    '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="Length of the SV">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
)
# GRCh38 PTEN is chr10:87,863,113-87,971,930: the deletion covers it, starting 863 kb before
RECORDS = (
    "chr10\t87000000\tdel1\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;SVLEN=-1000000\tGT:CN\t1/1:0\n"
    "chr10\t88500000\t.\tA\tG\t.\tPASS\t.\tGT:CN\t0/1:.\n"
    "chr10\t90000000\t.\tC\tT\t.\tPASS\t.\tGT:CN\t0/1:.\n"
)
NOT_USED = "not used: the header declares INFO/SVLEN"


def _summary(path: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / f"out_{path.parent.name}_{path.name}"
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(out), "-q", "--no-checksum"])
    assert result.exit_code == 0, result.output
    lines = Path(f"{out}.summary.tsv").read_text().splitlines()
    header, values = (line.split("\t") for line in lines if not line.startswith("#"))
    return dict(zip(header, values, strict=True))


def _copy(src: Path, directory: Path) -> Path:
    directory.mkdir()
    return Path(shutil.copy(src, directory / src.name))


@pytest.mark.skipif(shutil.which("bgzip") is None, reason="needs htslib's bgzip")
def test_a_pten_deletion_given_by_svlen_alone_is_found_streamed_and_indexed(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "sv.vcf"
    plain.write_text(HEADER + RECORDS)
    subprocess.run(["bgzip", "-k", str(plain)], check=True)
    bgzipped = tmp_path / "sv.vcf.gz"
    files = {"plain": plain, "bgzip, streamed": bgzipped}
    indexed = set()
    if shutil.which("tabix") is not None:
        files["bgzip + tabix's .tbi"] = _copy(bgzipped, tmp_path / "tabix")
        subprocess.run(["tabix", "-p", "vcf", str(files["bgzip + tabix's .tbi"])], check=True)
        indexed.add("bgzip + tabix's .tbi")
    try:
        import pysam
    except ImportError:
        pass
    else:
        files["bgzip + pysam's .tbi"] = _copy(bgzipped, tmp_path / "pysam")
        pysam.tabix_index(str(files["bgzip + pysam's .tbi"]), preset="vcf")
        indexed.add("bgzip + pysam's .tbi")
    if shutil.which("bcftools") is not None:
        bcf = tmp_path / "bcf" / "sv.bcf"
        bcf.parent.mkdir()
        subprocess.run(["bcftools", "view", "-Ob", "-o", str(bcf), str(bgzipped)], check=True)
        subprocess.run(["bcftools", "index", str(bcf)], check=True)
        files["bcf + .csi"] = bcf
        indexed.add("bcf + .csi")
    for how, path in files.items():
        row = _summary(path, tmp_path)
        assert (row["status"], row["resistance_alterations"]) == (
            "resistance_detected", "PTEN loss"), how
        assert (NOT_USED in row["warnings"]) == (how in indexed), how


@pytest.mark.skipif(shutil.which("bgzip") is None or shutil.which("tabix") is None,
                    reason="needs htslib's bgzip and tabix")
def test_an_index_is_still_used_when_the_header_declares_no_svlen(tmp_path: Path) -> None:
    # (the same file without SVLEN: the deletion has no span, and the index is used)
    plain = tmp_path / "snv.vcf"
    plain.write_text(HEADER.replace('##INFO=<ID=SVLEN', '##INFO=<ID=OTHER') + RECORDS.replace(
        ";SVLEN=-1000000", ""))
    subprocess.run(["bgzip", str(plain)], check=True)
    subprocess.run(["tabix", "-p", "vcf", str(tmp_path / "snv.vcf.gz")], check=True)
    row = _summary(tmp_path / "snv.vcf.gz", tmp_path)
    assert NOT_USED not in row["warnings"]
    assert row["resistance_alterations"] == ""
