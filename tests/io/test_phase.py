"""Where a caller put an ALT when it phased it (Call.phase): GT with '|' and FORMAT/PS, or the
PGT/PID pair older Mutect2 versions wrote next to an unphased GT. Only an explicit phase set
counts: a '|' alone says nothing the tool relies on."""

from __future__ import annotations

import pytest

from egfr_annot.io.vcf_records import phase_of


@pytest.mark.parametrize(
    ("gt", "sample", "allele", "n_alts", "expected"),
    [
        ("0|1", {"PS": "25245350"}, 1, 1, ("PS=25245350", 1)),
        ("1|0", {"PS": "25245350"}, 1, 1, ("PS=25245350", 0)),
        ("1|2", {"PS": "7"}, 2, 2, ("PS=7", 1)),  # the second ALT on the second haplotype
        ("0/1", {"PGT": "0|1", "PID": "25245350_C_A"}, 1, 1, ("PID=25245350_C_A", 1)),
        ("0/1", {"PGT": "1|0", "PID": "25245350_C_A"}, 1, 1, ("PID=25245350_C_A", 0)),
        # GATK 4.1+ writes all four: PS and the phased GT decide
        ("0|1", {"PGT": "0|1", "PID": "25245350_C_A", "PS": "25245350"}, 1, 1,
         ("PS=25245350", 1)),
    ],
)
def test_phased(gt: str, sample: dict[str, str], allele: int, n_alts: int,
                expected: tuple[str, int]) -> None:
    assert phase_of(gt, sample, allele, n_alts) == expected


@pytest.mark.parametrize(
    ("gt", "sample", "allele", "n_alts"),
    [
        ("0|1", {}, 1, 1),  # no phase set named
        ("0|1", {"PS": "."}, 1, 1),
        ("0/1", {"PS": "25245350"}, 1, 1),  # PS of an unphased genotype is ignored (VCF spec)
        ("1|1", {"PS": "25245350"}, 1, 1),  # on both haplotypes: no side to compare
        ("0|0", {"PS": "25245350"}, 1, 1),  # on neither
        ("0|1|1", {"PS": "25245350"}, 1, 1),  # not diploid
        ("0/1", {"PGT": "0|1", "PID": "25245350_C_A"}, 1, 2),  # PGT does not name the ALT
        ("0/1", {"PGT": "0|1", "PID": "."}, 1, 1),
        (None, {"PS": "25245350"}, 1, 1),
    ],
)
def test_not_phased(gt: str | None, sample: dict[str, str], allele: int, n_alts: int) -> None:
    assert phase_of(gt, sample, allele, n_alts) is None
