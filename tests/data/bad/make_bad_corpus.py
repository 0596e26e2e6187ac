"""Regenerate the broken-input corpus in this directory (deterministic; needs ``bgzip``).

    python tests/data/bad/make_bad_corpus.py

Each file is named after what is wrong with it; ``EXPECTED`` in
``tests/io/test_bad_inputs.py`` says what the reader must do with it (fatal error with line
number and message, or a warning and a correct result for the rest).
"""

from __future__ import annotations

import gzip
import random
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = (
    "##fileformat=VCFv4.2\n"
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR\n"
)  # 5 lines: the first record is line 6


def rec(chrom: str, pos: int, ref: str = "C", alt: str = "T", info: str = "DP=100",
        normal: str = "0/0:100,0", tumour: str = "0/1:90,10") -> str:
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t{info}\tGT:AD\t{normal}\t{tumour}\n"


GOOD = rec("1", 1000) + rec("12", 25398284) + rec("17", 7577120) + rec("X", 5000)


def main() -> None:
    rng = random.Random(20240607)
    write = lambda name, data: (HERE / name).write_bytes(  # noqa: E731
        data if isinstance(data, bytes) else data.encode("utf-8"))

    write("empty.vcf", b"")
    write("header-only.vcf", HEADER)
    write("not-a-vcf.csv", "sample,gene,vaf\nP1,KRAS,0.12\n")
    write("gff3-not-a-vcf.gff3", "##gff-version 3\nchr1\tRefSeq\tgene\t1\t100\t.\t+\t.\tID=x\n")
    write("binary-noise.vcf", bytes(rng.randrange(256) for _ in range(4096)))
    write("binary-noise-after-header.vcf",
          HEADER.encode() + bytes(rng.randrange(256) for _ in range(4096)))
    write("missing-chrom-line.vcf", HEADER.replace(HEADER.splitlines(True)[-1], "") + GOOD)
    write("fileformat-line-only.vcf", "##fileformat=VCFv4.2\n")
    write("chrom-line-with-spaces.vcf",
          HEADER.replace("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR",
                         "#CHROM POS ID REF ALT QUAL FILTER INFO FORMAT NORMAL TUMOR") + GOOD)
    write("duplicate-sample-names.vcf", HEADER.replace("NORMAL\tTUMOR", "TUMOR\tTUMOR") + GOOD)
    # line 8: a record without its TUMOR column (outside any panel region)
    write("wrong-column-count.vcf",
          HEADER + rec("1", 1000) + rec("2", 2000)
          + "3\t3000\t.\tC\tT\t.\tPASS\tDP=1\tGT:AD\t0/0:1,0\n" + rec("12", 25398284))
    # every record has one sample column, the header two
    write("sample-count-mismatch.vcf",
          HEADER + "".join(line.rsplit("\t", 1)[0] + "\n" for line in GOOD.splitlines()))
    write("non-numeric-pos.vcf", HEADER + rec("1", 1000) + rec("1", 2000).replace("2000", "2k")
          + rec("12", 25398284))
    write("empty-chrom.vcf", HEADER + rec("1", 1000) + rec("", 2000))
    write("invalid-ref.vcf", HEADER + rec("12", 25398284, ref="Z"))
    write("invalid-alt-alleles.vcf", HEADER + rec("12", 25398283, alt="A/T")
          + rec("12", 25398284) + rec("12", 25398285, alt="5") + rec("12", 25398286, alt="<DUP"))
    write("undeclared-info-format-keys.vcf",
          HEADER + "12\t25398284\t.\tC\tT\t.\tPASS\tDP=100;XYZ=3;FLAGX\tGT:AD:QQ\t0/0:100,0:1\t"
          "0/1:90,10:2\n" + rec("12", 25398285, info="DP=50;XYZ=1"))
    write("non-utf8-bytes.vcf",
          HEADER.encode() + rec("12", 25398284, info="DP=100;NOTE=caf\xe9").encode("latin-1")
          + rec("12", 25398285).encode())
    write("concatenated-vcfs.vcf", HEADER + GOOD + HEADER + GOOD)
    write("blank-lines.vcf", HEADER + rec("1", 1000) + "\n" + rec("12", 25398284) + "\n\n")
    write("crlf-blank-line.vcf", (HEADER + rec("12", 25398284) + "\n").replace("\n", "\r\n"))
    write("last-line-without-newline.vcf", HEADER + rec("1", 1000) + rec("12", 25398284).rstrip())

    # compressed
    text = HEADER + GOOD * 2000
    raw = (HERE / "_tmp.vcf")
    raw.write_text(text)
    subprocess.run(["bgzip", "-f", "-c", str(raw)], check=True,
                   stdout=(HERE / "_tmp.vcf.gz").open("wb"))
    bgz = (HERE / "_tmp.vcf.gz").read_bytes()
    write("truncated-bgzip.vcf.gz", bgz[: len(bgz) // 2])
    write("header-only.vcf.gz", gzip.compress(HEADER.encode(), mtime=0))
    plain_gz = gzip.compress(text.encode(), mtime=0)
    write("truncated-plain-gzip.vcf.gz", plain_gz[: len(plain_gz) * 2 // 3])
    corrupt = bytearray(plain_gz)
    for i in range(len(corrupt) // 2, len(corrupt) // 2 + 64):
        corrupt[i] ^= 0x5A
    write("corrupt-gzip-data.vcf.gz", bytes(corrupt))
    write("gzip-of-binary-noise.vcf.gz",
          gzip.compress(bytes(rng.randrange(256) for _ in range(4096)), mtime=0))
    raw.unlink()
    (HERE / "_tmp.vcf.gz").unlink()


if __name__ == "__main__":
    main()
