"""A deletion that starts in an intron, before an exon's region (exon +/- 200 bases), and
reaches into the exon is reported whatever way the file is read. Streamed reads selected
records by POS alone and missed it, while an index query (which uses each record's extent)
found it: the same KRAS splice-site deletion was in or out depending on whether a .tbi lay
next to the file."""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from egfr_annot.cli import cli
from egfr_annot.io.scan_child import SCAN_PROCESS_ENV
from egfr_annot.pipeline import EXON_MARGIN, Resources

EXAMPLE = Path(__file__).resolve().parents[2] / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"
KRAS_EXON_2 = (25_245_274, 25_245_395)  # GRCh38, NM_004985.5 exon 2 (minus strand)


def _vcf_with_deletion(tmp_path: Path, intronic: int, into_exon: int, gap: int = 0) -> Path:
    """The example's header and one KRAS deletion: ``intronic`` bases ending ``gap`` bases
    before exon 2 (random intronic bases: the models know only the exons' sequence), and the
    exon's first ``into_exon`` bases."""
    start, _ = KRAS_EXON_2
    exon = Resources().annotator("GRCh38").reference.fetch("chr12", start, start + into_exon - 1)
    assert exon is not None or into_exon == 0
    rng = random.Random(7)
    ref = "".join(rng.choice("ACGT") for _ in range(intronic)) + (exon or "")
    text = gzip.decompress(EXAMPLE.read_bytes()).decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    record = next(line for line in text.splitlines() if not line.startswith("#")).split("\t")
    record[0:2] = ["chr12", str(start - gap - intronic)]
    record[3:5] = [ref, ref[0]]
    record[6] = "PASS"
    path = tmp_path / "deletion.vcf"
    path.write_text("\n".join([*header, "\t".join(record)]) + "\n")
    return path


def _rows(path: Path, tmp_path: Path, env: dict[str, str] | None = None) -> list[list[str]]:
    out = tmp_path / f"out_{path.name}"
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(out), "-q", "--no-checksum"],
                                env=env)
    assert result.exit_code == 0, result.output
    lines = Path(f"{out}.alterations.tsv").read_text().splitlines()
    return [line.split("\t") for line in lines if not line.startswith("#")][1:]


@pytest.mark.skipif(shutil.which("bgzip") is None or shutil.which("tabix") is None,
                    reason="needs htslib's bgzip and tabix")
def test_an_intronic_deletion_into_kras_exon_2_is_found_streamed_and_indexed(
    tmp_path: Path,
) -> None:
    plain = _vcf_with_deletion(tmp_path, intronic=EXON_MARGIN + 50, into_exon=50)
    bgzipped = tmp_path / "deletion.vcf.gz"
    subprocess.run(["bgzip", "-k", str(plain)], check=True)
    indexed_dir = tmp_path / "indexed"
    indexed_dir.mkdir()
    indexed = indexed_dir / "deletion.vcf.gz"
    shutil.copy(bgzipped, indexed)
    subprocess.run(["tabix", "-p", "vcf", str(indexed)], check=True)

    results = {
        "plain": _rows(plain, tmp_path),
        "bgzip, streamed": _rows(bgzipped, tmp_path),
        "bgzip, scanning child": _rows(bgzipped, tmp_path, {SCAN_PROCESS_ENV: "1"}),
        "bgzip, index query": _rows(indexed, tmp_path),
    }
    if shutil.which("bcftools") is not None:  # BCF is read by cyvcf2: both ways too
        bcf = tmp_path / "deletion.bcf"
        subprocess.run(["bcftools", "view", "-Ob", "-o", str(bcf), str(bgzipped)], check=True)
        results["bcf, streamed"] = _rows(bcf, tmp_path)
        indexed_bcf = indexed_dir / "deletion.bcf"
        shutil.copy(bcf, indexed_bcf)
        subprocess.run(["bcftools", "index", str(indexed_bcf)], check=True)
        results["bcf, index query"] = _rows(indexed_bcf, tmp_path)
    for how, rows in results.items():
        assert [(r[1], r[4], r[7].split(",")[0]) for r in rows] == [
            ("KRAS", "c.62_111+249del", "splice_donor_variant")
        ], how


def _summary(tmp_path: Path) -> dict[str, str]:
    lines = (tmp_path / "out_deletion.vcf.summary.tsv").read_text().splitlines()
    header, values = (line.split("\t") for line in lines if not line.startswith("#"))
    return dict(zip(header, values, strict=True))


def test_a_deletion_ending_before_the_region_is_not_read(tmp_path: Path) -> None:
    # Ending a base before the region (exon 2 - EXON_MARGIN): outside the panel, counted.
    plain = _vcf_with_deletion(tmp_path, intronic=300, into_exon=0, gap=EXON_MARGIN)
    assert _rows(plain, tmp_path) == []
    row = _summary(tmp_path)
    assert (row["records_in_panel"], row["skipped"]) == ("0", "outside_panel=1")
    # a base later, it reaches the region's first base: read, and found to change no protein
    plain = _vcf_with_deletion(tmp_path, intronic=300, into_exon=0, gap=EXON_MARGIN - 1)
    assert _rows(plain, tmp_path) == []
    row = _summary(tmp_path)
    assert (row["records_in_panel"], row["skipped"]) == ("1", "not_protein_changing=1")


def test_a_deletion_reaching_into_a_tumour_evidence_gene_counts_for_that_gene(
    tmp_path: Path,
) -> None:
    # TP53 (a tumour-evidence gene) is read with a 10 kb margin; a deletion that starts before
    # the margin and reaches into it is TP53's, not "outside the panel of the build".
    margin_start = 7_661_779 - 10_000  # GRCh38 TP53 start (panel_genes.tsv) - the margin
    rng = random.Random(3)
    ref = "".join(rng.choice("ACGT") for _ in range(400))
    text = gzip.decompress(EXAMPLE.read_bytes()).decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    record = next(line for line in text.splitlines() if not line.startswith("#")).split("\t")
    record[0:2] = ["chr17", str(margin_start - 300)]
    record[3:5] = [ref, ref[0]]
    record[6] = "PASS"
    path = tmp_path / "deletion.vcf"
    path.write_text("\n".join([*header, "\t".join(record)]) + "\n")
    assert _rows(path, tmp_path) == []
    row = _summary(tmp_path)
    assert row["records_in_panel"] == "1"
    assert "outside_panel" not in row["skipped"]
