"""Transcript models in annotations/transcripts (issue #3)."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from egfr_annot.genome.reference import ReferenceSequence
from egfr_annot.genome.transcripts import load_transcript_ids, load_transcript_models
from egfr_annot.records import BUILDS

REPO = Path(__file__).resolve().parents[2]

PANEL = (
    "EGFR",
    "KRAS",
    "NRAS",
    "HRAS",
    "BRAF",
    "PIK3CA",
    "ERBB2",
    "MET",
    "MAP2K1",
    "PTEN",
    "FCGR3A",
)
MINUS = {"KRAS", "NRAS", "HRAS", "BRAF", "FCGR3A"}
_COMP = str.maketrans("ACGT", "TGCA")
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON = {
    a + b + c: _AA[16 * i + 4 * j + k]
    for i, a in enumerate("TCAG")
    for j, b in enumerate("TCAG")
    for k, c in enumerate("TCAG")
}


def translate(seq: str) -> str:
    return "".join(CODON[seq[i : i + 3]] for i in range(0, len(seq), 3))


@pytest.mark.parametrize("build", BUILDS)
def test_panel_genes_and_mane_ids(build):
    models = load_transcript_models(build)
    assert tuple(models) == PANEL
    assert models["EGFR"].refseq == "NM_005228.5" and models["EGFR"].ensembl == "ENST00000275493.7"
    assert models["KRAS"].refseq == "NM_004985.5" and models["KRAS"].ensembl == "ENST00000311936.8"
    assert models["BRAF"].refseq == "NM_004333.6" and models["BRAF"].ensembl == "ENST00000646891.2"
    assert models["PIK3CA"].refseq_protein == "NP_006209.2"
    for gene, m in models.items():
        assert m.build == build
        assert m.strand == ("-" if gene in MINUS else "+"), gene
        assert "." in m.refseq and "." in m.ensembl
    ids = load_transcript_ids(build)
    assert ids["FCGR2A"].refseq == "NM_001136219.3" and not ids["FCGR2A"].has_model
    assert "FCGR2A" not in models


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("gene", PANEL)
def test_cds_translates_to_protein_and_exons_are_consistent(build, gene):
    m = load_transcript_models(build)[gene]
    assert translate(m.cds_seq) == m.protein + "*"
    assert m.cds_seq.startswith("ATG")
    # exons 5'->3', c. ranges contiguous, lengths match
    c = 0
    order = [e.start for e in m.exons]
    assert order == sorted(order, reverse=(m.strand == "-"))
    for e in m.exons:
        if e.cds_start is None:
            continue
        assert e.c_start == c + 1
        assert e.c_end - e.c_start == e.cds_end - e.cds_start
        c = e.c_end
    assert c == len(m.cds_seq)
    assert m.tx_start == min(e.start for e in m.exons) and m.tx_end == max(e.end for e in m.exons)


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("gene", PANEL)
def test_cds_bases_equal_reference_sequence(build, gene):
    m = load_transcript_models(build)[gene]
    ref = ReferenceSequence(build)
    parts = []
    for e in m.exons:
        if e.cds_start is None:
            continue
        bases = ref.fetch(m.chrom, e.cds_start, e.cds_end)
        assert bases is not None
        parts.append(bases.translate(_COMP)[::-1] if m.strand == "-" else bases)
    assert "".join(parts) == m.cds_seq


@pytest.mark.parametrize("build", BUILDS)
def test_hotspot_residues(build):
    models = load_transcript_models(build)
    assert models["KRAS"].protein[11] == "G" and models["KRAS"].exons_of_codon(12) == (2,)
    assert models["NRAS"].protein[60] == "Q" and models["NRAS"].exons_of_codon(61) == (3,)
    assert models["BRAF"].protein[599] == "V" and models["BRAF"].exons_of_codon(600) == (15,)
    egfr = models["EGFR"].protein
    assert egfr[491] == "S" and egfr[467] == "N" and egfr[464] == "G"  # S492, N468, G465
    assert egfr[857] == "L" and egfr[789] == "T"  # L858, T790
    pik = models["PIK3CA"]
    assert pik.protein[1046] == "H" and pik.exons_of_codon(1047) == (21,)
    assert pik.protein[544] == "E" and pik.exons_of_codon(545) == (10,)
    assert models["KRAS"].codon_range_of_exon(2) == (1, 37)
    assert models["KRAS"].codon_range_of_exon(3) == (38, 97)
    assert models["KRAS"].codon_range_of_exon(4) == (97, 150)
    assert models["ERBB2"].protein[309] == "S" and models["ERBB2"].protein[754] == "L"
    assert models["FCGR3A"].protein[175] == "F"  # "158F" = precursor codon 176, reference Phe


def test_reference_fetch_known_and_unknown():
    r37, r38 = ReferenceSequence("GRCh37"), ReferenceSequence("GRCh38")
    # KRAS c.34_36 (codon 12, GGT), minus strand: + strand ACC at 12:25398283-25398285 (GRCh37)
    assert r37.fetch("chr12", 25398283, 25398285) == "ACC"
    assert r38.fetch("NC_000012.12", 25245349, 25245351) == "ACC"
    # BRAF c.1799 (V600E T>A): + strand A at 7:140453136 (GRCh37) / 140753336 (GRCh38)
    assert r37.fetch("7", 140453136, 140453136) == "A"
    assert r38.fetch("7", 140753336, 140753336) == "A"
    # KRAS intron: unknown
    assert r37.fetch("12", 25398200, 25398400) is None
    assert r37.fetch("12", 25380000, 25380000) is None
    assert r37.fetch("2", 1000, 1001) is None


@pytest.mark.parametrize("build", BUILDS)
def test_reference_segment_edges(build):
    """segment_at finds a segment by binary search: every first and last base of every known
    segment is found, the bases just outside them are not (unless another segment is there)."""
    ref = ReferenceSequence(build)
    spans = sorted(ref.known_spans())
    known = {(c, s) for c, s, _ in spans} | {(c, e) for c, _, e in spans}
    assert len(spans) > 40
    for chrom, start, end in spans:
        for pos in (start, end):
            seg = ref.segment_at(chrom, pos)
            assert seg is not None and (seg.start, seg.end) == (start, end)
        assert len(ref.fetch(chrom, start, end) or "") == end - start + 1
        for pos in (start - 1, end + 1):
            if (chrom, pos) not in known and not any(
                    c == chrom and s <= pos <= e for c, s, e in spans):
                assert ref.segment_at(chrom, pos) is None


def test_overlapping_reference_segments_are_refused(tmp_path: Path):
    import json
    import shutil

    shutil.copytree(REPO / "annotations" / "transcripts", tmp_path / "transcripts")
    manifest = tmp_path / "transcripts" / "GRCh38.json"
    data = json.loads(manifest.read_text())
    segments = data["genes"]["ERBB2"]["sequence"]["segments"]
    segments[1][0] = segments[0][1]  # the second exon segment starts on the first one's end
    manifest.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="reference segments overlap on 17: ERBB2"):
        ReferenceSequence("GRCh38", tmp_path)


def test_committed_files_are_what_the_script_produces(shared_dir, tmp_path):
    derived = shared_dir / "refdata" / "derived"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_transcripts.py"),
            str(derived),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    committed = REPO / "annotations" / "transcripts"
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert fresh == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    for rel in fresh:
        a, b = (tmp_path / rel).read_bytes(), (committed / rel).read_bytes()
        if rel.suffix == ".gz":  # compare content: zlib builds may differ in compressed bytes
            a, b = gzip.decompress(a), gzip.decompress(b)
        assert a == b, rel


def test_loader_is_cached_and_read_only():
    a = load_transcript_models("GRCh38")
    assert load_transcript_models("GRCh38") is a
    with pytest.raises(TypeError):
        a["EGFR"] = a["KRAS"]  # type: ignore[index]
    with pytest.raises(ValueError):
        load_transcript_models("hg19")  # type: ignore[arg-type]


def test_loader_reads_an_explicit_directory(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="build_transcripts"):
        load_transcript_models("GRCh37", tmp_path)
