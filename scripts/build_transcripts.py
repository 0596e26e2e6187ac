#!/usr/bin/env python3
"""Build ``annotations/transcripts/`` (MANE Select models + reference bases) from refdata.

Usage::

    python scripts/build_transcripts.py [REFDATA_DERIVED_DIR] [--out annotations/transcripts]

``REFDATA_DERIVED_DIR`` defaults to ``../shared/refdata/derived`` relative to the repository root;
the raw ``sources/`` directory next to it supplies the SeqRepo transcript sequences used for genes
without genomic sequence (KRAS, ERBB2) and the LRG_506 transcript for HRAS exon 1.

Output (deterministic: rerunning gives byte-identical files):

* ``GRCh37.json``, ``GRCh38.json``: one compact JSON per build with a header (sources and their
  sha256) and, per gene, the transcript model (ids, exons with CDS parts and c. ranges, CDS,
  protein)
  and the list of reference-sequence segments known for that gene.
* ``sequences/<build>/<GENE>.fa.gz``: the + strand reference bases of those segments (one FASTA
  record per segment, unwrapped). The sha256 recorded in the JSON is that of the *uncompressed*
  text,
  so the check does not depend on the zlib version.

Standard library only. Issue #3.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DERIVED = REPO.parent / "shared" / "refdata" / "derived"
DEFAULT_OUT = REPO / "annotations" / "transcripts"

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
BUILDS = ("GRCh37", "GRCh38")
FORMAT = "egfr-annot transcript models 1"

_COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_BASES = "TCAG"
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON = {
    a + b + c: _AA[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}


def revcomp(seq: str) -> str:
    return seq.translate(_COMP)[::-1]


def translate(seq: str) -> str:
    return "".join(CODON.get(seq[i : i + 3], "X") for i in range(0, len(seq) - len(seq) % 3, 3))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_fasta(path: Path) -> list[tuple[str, str]]:
    records: list[tuple[str, str]] = []
    header: str | None = None
    chunks: list[str] = []
    for line in path.read_text(encoding="ascii").splitlines():
        if line.startswith(">"):
            if header is not None:
                records.append((header, "".join(chunks)))
            header, chunks = line[1:], []
        elif line.strip():
            chunks.append(line.strip().upper())
    if header is not None:
        records.append((header, "".join(chunks)))
    return records


def parse_region_header(header: str) -> tuple[str, str, int, int, str]:
    """``EGFR_GRCh37 7:55081725-55326313 plus_strand source=...`` -> gene, chrom, start, end,
    rest."""
    name, loc, *rest = header.split(" ")
    gene = name.rsplit("_", 1)[0]
    chrom, span = loc.split(":")
    start, end = (int(x) for x in span.split("-"))
    return gene, chrom, start, end, " ".join(rest)


def hgvs_cache(sources: Path) -> dict[tuple[object, ...], Any]:
    path = sources / "hgvs_test_cache" / "cache-py3.panel_extract.json"
    return {tuple(o["key"]): o["value"] for o in json.loads(path.read_text(encoding="utf-8"))}


def exonic_segments(
    exons: list[dict[str, int]], strand: str, tx_seq: str, lengths: list[int]
) -> list[tuple[int, int, str]]:
    """Split a transcript sequence over the model's exons; (start, end, + strand bases) per exon."""
    if [e["end"] - e["start"] + 1 for e in exons] != lengths:
        raise SystemExit(f"exon lengths {lengths} disagree with the model")
    out: list[tuple[int, int, str]] = []
    offset = 0
    for exon, length in zip(exons, lengths, strict=True):
        piece = tx_seq[offset : offset + length]
        offset += length
        out.append((exon["start"], exon["end"], revcomp(piece) if strand == "-" else piece))
    return out


def hras_exon1(sources: Path, exon1: dict[str, int]) -> tuple[int, int, str, str]:
    """Bases of HRAS exon 1 known from the LRG_506 fixed t1 cDNA (its exon 1 = LRG 5001-5135).

    NM_005343.4 exon 1 is LRG 4975-5135; the first 26 nt (LRG 4975-5000) are not in any source.
    LRG_506 maps LRG 1-10309 to 11:530242-540550 on the minus strand (same on both builds).
    """
    text = (sources / "lrg_transcribed" / "LRG_506.HRAS.transcribed_extract.txt").read_text(
        encoding="ascii"
    )
    seqs: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            seqs[name] = ""
        elif name and line and not line.startswith("#"):
            seqs[name] += line.strip()
    cdna = seqs["fixed_t1_cdna"]
    t1_exon1 = cdna[:135]  # fixed_t1 exon 1 = cDNA 1-135 = LRG 5001-5135

    def g(lrg: int) -> int:
        return 540550 - (lrg - 1)

    start, end = g(5135), g(5001)
    if end != exon1["end"] - 26 or start != exon1["start"]:
        raise SystemExit("HRAS exon 1 coordinates do not match LRG_506")
    return start, end, revcomp(t1_exon1), "LRG_506 fixed t1 cDNA 1-135 (hand-transcribed)"


def build(derived: Path, out: Path) -> list[Path]:
    sources_dir = derived.parent / "sources"
    panel_json = derived / "panel_transcripts.json"
    panel = json.loads(panel_json.read_text(encoding="utf-8"))
    cache = hgvs_cache(sources_dir)
    proteins = {h.split("|")[0]: s for h, s in read_fasta(derived / "panel_protein.fa")}

    used: dict[str, Path] = {
        "derived/panel_transcripts.json": panel_json,
        "derived/panel_protein.fa": derived / "panel_protein.fa",
        "sources/hgvs_test_cache/cache-py3.panel_extract.json": sources_dir
        / "hgvs_test_cache"
        / "cache-py3.panel_extract.json",
        "sources/lrg_transcribed/LRG_506.HRAS.transcribed_extract.txt": sources_dir
        / "lrg_transcribed"
        / "LRG_506.HRAS.transcribed_extract.txt",
    }
    for b in BUILDS:
        used[f"derived/panel_regions.{b}.fa"] = derived / f"panel_regions.{b}.fa"
    source_list = [
        {"file": name, "sha256": sha256_bytes(path.read_bytes())}
        for name, path in sorted(used.items())
    ]

    written: list[Path] = []
    for b in BUILDS:
        regions: dict[str, list[tuple[int, int, str, str]]] = {}
        for header, seq in read_fasta(derived / f"panel_regions.{b}.fa"):
            gene, chrom, start, end, desc = parse_region_header(header)
            if len(seq) != end - start + 1:
                raise SystemExit(f"{header}: length {len(seq)} != span")
            regions.setdefault(gene, []).append(
                (start, end, seq, f"refdata {header.split(' ', 1)[1]}")
            )

        genes: dict[str, object] = {}
        for gene in PANEL:
            entry = panel[gene]
            mane = entry["mane_v1_0"]
            bdata = entry["builds"][b]
            exons = bdata["exons"]
            strand = bdata["strand"]
            chrom = bdata["chrom"]
            cds = bdata["cds_seq_from_this_assembly"]
            protein = proteins.get(gene) or entry.get("protein_seq") or ""
            protein_source = entry["protein_seq_source"]
            if not protein:
                protein = translate(cds)[:-1]
                protein_source = f"translation of the CDS ({protein_source})"
            if translate(cds) != protein + "*":
                raise SystemExit(f"{gene} {b}: CDS does not translate to the protein")

            segments: list[tuple[int, int, str, str]] = list(regions.get(gene, []))
            if gene == "KRAS":
                nm = "NM_004985.5"
                info = cache[(nm, "__func__", "get_tx_identity_info")]
                tx = cache[(nm, "__func__", "get_seq")]
                for s, e, seq in exonic_segments(exons, strand, tx, info["lengths"]):
                    segments.append((s, e, seq, f"SeqRepo {nm} exon (biocommons/hgvs test cache)"))
            elif gene == "ERBB2":
                nm = "NM_004448.4"
                info = cache[(nm, "__func__", "get_tx_identity_info")]
                tx = cache[(nm, "__func__", "get_seq")]
                for s, e, seq in exonic_segments(exons, strand, tx, info["lengths"]):
                    segments.append((s, e, seq, f"SeqRepo {nm} exon (biocommons/hgvs test cache)"))
            elif gene == "HRAS":
                segments.append(hras_exon1(sources_dir, exons[0]))
            segments.sort()
            for (_, e1, _, _), (s2, _, _, _) in zip(segments, segments[1:], strict=False):
                if s2 <= e1:
                    raise SystemExit(f"{gene} {b}: overlapping sequence segments")

            # CDS re-extracted from the segments must equal the model's CDS (where known).
            def base_at(
                pos: int, segments: list[tuple[int, int, str, str]] = segments
            ) -> str | None:
                for s, e, seq, _ in segments:
                    if s <= pos <= e:
                        return seq[pos - s]
                return None

            cds_parts = []
            for ex in exons:
                if ex.get("cds_start") is None:
                    continue
                bases = [base_at(p) for p in range(ex["cds_start"], ex["cds_end"] + 1)]
                if None in bases:
                    raise SystemExit(f"{gene} {b}: CDS bases unknown in exon {ex['exon']}")
                part = "".join(bases)  # type: ignore[arg-type]
                cds_parts.append(revcomp(part) if strand == "-" else part)
            if "".join(cds_parts) != cds:
                raise SystemExit(f"{gene} {b}: CDS from sequence segments != model CDS")

            fasta = "".join(
                f">{gene} {chrom}:{s}-{e} + {desc}\n{seq}\n" for s, e, seq, desc in segments
            ).encode("ascii")
            rel = f"sequences/{b}/{gene}.fa.gz"
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(gzip.compress(fasta, compresslevel=9, mtime=0))
            written.append(target)

            genes[gene] = {
                "gene": gene,
                "chrom": chrom,
                "strand": strand,
                "assembly_accession": bdata["assembly_accession"],
                "refseq": mane["refseq_nuc"],
                "ensembl": mane["ensembl_nuc"],
                "refseq_protein": mane["refseq_prot"],
                "ensembl_protein": mane["ensembl_prot"],
                "ensembl_gene": entry.get("ensembl_gene", ""),
                "hgnc_id": entry.get("hgnc_id", ""),
                "lrg": entry.get("lrg", ""),
                "exon_model_from": entry["exon_model_from"],
                "protein_source": protein_source,
                "tx_start": min(e["start"] for e in exons),
                "tx_end": max(e["end"] for e in exons),
                "exons": [
                    [e["exon"], e["start"], e["end"]]
                    + [e.get(k) for k in ("cds_start", "cds_end", "c_start", "c_end")]
                    for e in exons
                ],
                "cds_seq": cds,
                "protein": protein,
                "sequence": {
                    "file": rel,
                    "sha256_uncompressed": sha256_bytes(fasta),
                    "segments": [[s, e, desc] for s, e, _, desc in segments],
                },
            }

        ids_only = {
            g: {
                "refseq": v["mane_v1_0"].get("RefSeq_nuc", ""),
                "ensembl": v["mane_v1_0"].get("Ensembl_nuc", ""),
                "refseq_protein": v["mane_v1_0"].get("RefSeq_prot", ""),
                "ensembl_protein": v["mane_v1_0"].get("Ensembl_prot", ""),
                "note": v.get("note", ""),
            }
            for g, v in sorted(panel.items())
            if g not in PANEL
        }
        doc = {
            "format": FORMAT,
            "build": b,
            "generated_by": "scripts/build_transcripts.py",
            "coordinates": "1-based inclusive, chromosome + strand; exons listed 5'->3' of the"
            " transcript;"
            " exon row = [number, start, end, cds_start, cds_end, c_start, c_end]",
            "sources": source_list,
            "genes": genes,
            "identifiers_only": ids_only,
        }
        path = out / f"{b}.json"
        path.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("derived", nargs="?", type=Path, default=DEFAULT_DERIVED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.derived / "panel_transcripts.json").is_file():
        print(
            f"build_transcripts: {args.derived}: panel_transcripts.json not found", file=sys.stderr
        )
        return 2
    for path in build(args.derived, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
