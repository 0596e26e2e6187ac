"""Normalisation outside the bundled reference keeps the VCF anchor base the input gave."""

from egfr_annot.genome.annotator import Annotator
from egfr_annot.records import Allele


def test_deletion_outside_reference_keeps_input_anchor() -> None:
    annotator = Annotator("GRCh38")
    # TP53 is not a panel gene: no bundled sequence there
    assert annotator.ref_matches("chr17", 7675088, "C") is None
    assert annotator.normalise("chr17", 7675088, "CA", "C") == Allele(
        "GRCh38", "17", 7675088, "CA", "C"
    )
    assert annotator.normalise("17", 7675088, "CAG", "CG") == Allele(
        "GRCh38", "17", 7675088, "CA", "C"
    )
    assert annotator.normalise("chr17", 7675088, "C", "CAT") == Allele(
        "GRCh38", "17", 7675088, "C", "CAT"
    )
