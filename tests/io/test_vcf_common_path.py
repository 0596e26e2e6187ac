"""The record parser's common path (``RecordParser._parse_common``, issue #9) gives exactly what
its general path gives: the same calls, counts and warnings, on random records that mix the
common layout with every way out of it (multi-ALT, IUPAC or lower-case bases, ALT = REF,
undeclared keys, an empty FILTER, odd sample values, no ALT support, genotypes without the ALT).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest

from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import open_variants
from egfr_annot.io.vcf_records import RecordParser
from egfr_annot.records import Call, ReadCounts

HEADER = (
    "##fileformat=VCFv4.2\n"
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=F1R2,Number=R,Type=Integer,Description="F1R2 counts">\n'
    "##contig=<ID=chr1,length=248956422>\n"
    "##normal_sample=NORMAL\n"
)
REGIONS = RegionSet([("1", 1000, 2000, "g")])

# Each field: the value of the common record (4 times in 5), or one of the ways out of it.
CHOICES = {
    "ref": ["C", "a", "GTT", "N", "R", "AC"],
    "alt": ["T", "t", "G", "AT", "C", "T,G", "<DEL>", "*", ".", "A/T"],
    "filter": ["PASS", ".", "weak_evidence", ""],
    "info": ["DP=10", ".", "", "DP=10;XX=1", "DP"],
    # (YY: a key the fast layout does not know; GQ: one it knows, but undeclared here)
    "format": ["GT:AD:AF:DP", "GT:AD:AF:DP:F1R2", "AD:AF:DP", "GT:AD:DP", "GT:AD:AF:DP:YY",
               "GT:AD:AF:DP:GT", "GT:AD:AF:DP:GQ"],
    "GT": ["0/1", "0|1", "0/0", "./.", ".", "1/1", "1", "0/2", ""],
    "AD": ["3,4", "5,0", "0,0", "3", ".", "3,4,5", "4,x"],
    "AF": ["0.5", "0.0", "1e-3", "1.5", ".", "nan", "-0.1"],
    "DP": ["12", "0", ".", "1.5"],
}


def _pick(rng: random.Random, field: str) -> str:
    values = CHOICES[field]
    return rng.choices(values, weights=[4 * (len(values) - 1)] + [1] * (len(values) - 1))[0]


def _record(rng: random.Random, n_samples: int) -> str:
    fmt = _pick(rng, "format")
    samples = []
    for _ in range(n_samples):
        values = {"GT": _pick(rng, "GT"), "AD": _pick(rng, "AD"), "AF": _pick(rng, "AF"),
                  "DP": _pick(rng, "DP"), "F1R2": "2,2", "YY": "1", "GQ": "50"}
        column = ":".join(values[k] for k in fmt.split(":"))
        samples.append(rng.choice([column] * 12 + [".", column[:5]]))
    return "\t".join(["chr1", str(rng.randint(1000, 2000)), ".", _pick(rng, "ref"),
                      _pick(rng, "alt"), ".", _pick(rng, "filter"), _pick(rng, "info"), fmt,
                      *samples])


def _read(text: str, *, common_path: bool) -> tuple[list[Call], ReadCounts]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.vcf"
        path.write_text(text)
        with pytest.MonkeyPatch.context() as patch:
            if not common_path:
                patch.setattr(RecordParser, "_parse_common", lambda *_args: None)
            with open_variants(path, regions=REGIONS) as src:
                calls = list(src.calls())
                counts = src.counts
    return calls, counts


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("samples", [("TUMOUR", "NORMAL"), ("TUMOUR",), ("T1", "T2")])
def test_common_path_gives_what_the_general_path_gives(
    seed: int, samples: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    records = [_record(rng, len(samples)) for _ in range(1500)]
    header = HEADER + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
    text = header + "\t".join(samples) + "\n" + "\n".join(records) + "\n"
    taken = _count_common(monkeypatch)
    calls, counts = _read(text, common_path=True)
    assert len(taken) > 60  # the common path is really exercised
    assert (calls, counts) == _read(text, common_path=False)
    assert counts.records_in_panel == 1500 and len(calls) > 300


def _count_common(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Line numbers of the records the common path takes, from now on."""
    taken: list[int] = []
    real = RecordParser._parse_common

    def counting(self: RecordParser, fields: list[str], line_no: int) -> list[Call] | None:
        result = real(self, fields, line_no)
        if result is not None:
            taken.append(line_no)
        return result

    monkeypatch.setattr(RecordParser, "_parse_common", counting)
    return taken


def test_common_path_is_taken_for_the_common_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Mutect2-style SNV takes the common path (and a multi-ALT record does not)."""
    taken = _count_common(monkeypatch)
    header = HEADER + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOUR\tNORMAL\n"
    records = [
        "chr1\t1500\t.\tc\tt\t.\tPASS\tDP=30\tGT:AD:AF:DP\t0/1:20,10:0.333:30\t0/0:30,0:0.0:30",
        "chr1\t1600\t.\tC\tT,G\t.\tPASS\t.\tGT:AD:AF:DP\t0/1:20,10,1:0.3,0.1:31\t0/0:30,0,0:0,0:30",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.vcf"
        path.write_text(header + "\n".join(records) + "\n")
        with open_variants(path, regions=REGIONS) as src:
            calls = list(src.calls())
    line = HEADER.count("\n") + 2
    assert taken == [line]
    first = calls[0]
    assert (first.sample, first.pos, first.ref, first.alt, first.vaf, first.alt_reads,
            first.depth, first.genotype, first.line) == (
        "TUMOUR", 1500, "C", "T", 0.333, 10, 30, "0/1", line
    )
    assert [c.alt for c in calls] == ["T", "T", "G"]


def test_genotypes_looked_up_as_carrying_the_first_alt_do_carry_it() -> None:
    from egfr_annot.io.vcf_records import _CARRY_FIRST_ALT, _gt_has_allele

    assert all(_gt_has_allele(gt, 1) for gt in _CARRY_FIRST_ALT)
    assert not any(gt in _CARRY_FIRST_ALT for gt in ("0/0", "./.", ".", "0/2", "2|0"))
