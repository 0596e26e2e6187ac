"""PREFIX.annotated.vcf.gz: input records unchanged plus EGFRA_* INFO tags, bgzipped + indexed,
readable by bcftools; byte-stable."""

from __future__ import annotations

import gzip
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from report_builders import (
    VCF_HEADER,
    VCF_RECORDS,
    XSS,
    context_for,
    empty_result,
    no_alteration_result,
    resistant_result,
    write_vcf,
)

from egfr_annot.errors import EgfrAnnotError, UsageError
from egfr_annot.report.vcf_out import INFO_TAGS, percent_encode
from egfr_annot.report.writers import write_outputs


def _annotate(tmp_path: Path, vcf: Path, results=None, prefix: str = "out") -> Path:
    results = results if results is not None else [resistant_result(str(vcf))]
    written = write_outputs(str(tmp_path / prefix), results, ["vcf"], context_for(str(vcf)))
    assert written == [
        tmp_path / f"{prefix}.annotated.vcf.gz",
        tmp_path / f"{prefix}.annotated.vcf.gz.tbi",
    ]
    return written[0]


def _lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return fh.readlines()


def _records(path: Path) -> list[str]:
    return [line for line in _lines(path) if not line.startswith("#")]


def test_records_without_findings_are_byte_identical(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")
    out = _annotate(tmp_path, vcf, [resistant_result(str(vcf)), no_alteration_result(str(vcf))])
    records = _records(out)
    assert len(records) == len(VCF_RECORDS)
    unchanged = {1, 3, 4}  # EGFR (no finding), KRAS insertion, TP53 evidence
    for index, (original, written) in enumerate(zip(VCF_RECORDS, records, strict=True)):
        if index in unchanged:
            assert written == original
        else:
            before, after = original.split("\t"), written.split("\t")
            assert before[:7] == after[:7] and before[8:] == after[8:]  # only INFO differs
            assert after[7].startswith(before[7] + ";EGFRA_GENE=")


def test_kras_g12d_tags_per_alt(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")
    out = _annotate(tmp_path, vcf)
    kras = next(r for r in _records(out) if r.startswith("12\t25245350\t"))
    info = dict(item.split("=", 1) for item in kras.split("\t")[7].split(";"))
    assert info["DP"] == "812" and info["NOTE"] == "x"  # the input's own tags stay first
    assert info["EGFRA_GENE"] == "KRAS,."  # Number=A: the second ALT (C>G) has no finding
    assert info["EGFRA_TRANSCRIPT"] == "NM_004985.5,."
    assert info["EGFRA_HGVSC"] == "c.35G>A,."
    assert info["EGFRA_HGVSP"] == "p.Gly12Asp,."
    assert info["EGFRA_HGVSP_SHORT"] == "p.G12D,."
    assert info["EGFRA_RES"] == "yes,."
    assert info["EGFRA_CLASS"] == "KRAS%20exon%202%20mutation,."
    assert info["EGFRA_LEVEL"] == "protein,."
    assert info["EGFRA_RULE"] == "KRAS_exon2_codon12,."
    assert info["EGFRA_REFS"] == "7&8,."
    assert info["EGFRA_STRATEGY"] == "S_panRAS&S_MEK,."
    assert "EGFRA_CN" not in info  # missing for every ALT: left out


def test_header_provenance_and_info_lines(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")
    results = [resistant_result(str(vcf)), replace(empty_result(str(vcf)), sample=XSS)]
    header = [line for line in _lines(_annotate(tmp_path, vcf, results)) if line.startswith("##")]
    original = [line for line in VCF_HEADER.splitlines(keepends=True) if line.startswith("##")]
    assert header[: len(original)] == original  # the input's header, unchanged, first
    added = header[len(original) :]
    assert added[:5] == [
        "##egfr_annot_version=0.1.0\n",
        "##egfr_annot_kb_version=2025.01.0-test\n",
        "##egfr_annot_build=GRCh38\n",
        f"##egfr_annot_input_sha256={'a' * 64}\n",
        f"##egfr_annot_command=egfr-annot run {vcf} --html --vcf --json --multiqc\n",
    ]
    assert added[5].startswith("##egfr_annot_status=<ID=TUMOUR,Status=resistance_detected,")
    assert added[6].startswith(
        "##egfr_annot_status=<ID=%3Cscript%3Ealert(1)%3C/script%3E,Status=non_informative,"
    )
    info = [line for line in added if line.startswith("##INFO")]
    assert [line.split(",")[0] for line in info] == [f"##INFO=<ID={t.id}" for t in INFO_TAGS]
    assert all(",Number=A,Type=String," in line for line in info)


def test_bcftools_reads_the_output_and_its_index(tmp_path: Path, bcftools: str) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")
    out = _annotate(tmp_path, vcf, [resistant_result(str(vcf)), no_alteration_result(str(vcf))])
    view = subprocess.run(
        [bcftools, "view", "--no-version", str(out)], capture_output=True, text=True, check=False
    )
    assert view.returncode == 0, view.stderr
    assert "EGFRA_GENE=KRAS,." in view.stdout
    query = subprocess.run(
        [
            bcftools,
            "query",
            "-r",
            "12:25245350",
            "-f",
            "%CHROM:%POS %REF>%ALT %INFO/EGFRA_GENE %INFO/EGFRA_HGVSP_SHORT %INFO/EGFRA_RES\n",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout == "12:25245350 C>T,G KRAS,. p.G12D,. yes,.\n"
    erbb2 = subprocess.run(
        [
            bcftools,
            "query",
            "-r",
            "17:39727784",
            "-f",
            "%INFO/EGFRA_CSQ %INFO/EGFRA_RES\n",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert erbb2.stdout == "missense_variant&splice_region_variant .\n"


def test_same_input_gives_byte_identical_vcf_and_index(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")
    first = _annotate(tmp_path, vcf, prefix="a")
    second = _annotate(tmp_path, vcf, prefix="b")
    assert first.read_bytes() == second.read_bytes()
    assert Path(f"{first}.tbi").read_bytes() == Path(f"{second}.tbi").read_bytes()


def test_reannotating_an_annotated_vcf_changes_nothing(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")
    once = _annotate(tmp_path, vcf, prefix="once")
    plain = tmp_path / "once.vcf"
    plain.write_bytes(gzip.decompress(once.read_bytes()))
    result = resistant_result(str(vcf))  # same provenance: the header must come out the same
    twice = _annotate(tmp_path, plain, [result], prefix="twice")
    assert _lines(twice) == _lines(once)


@pytest.mark.parametrize("compression", ["bgzip", "gzip"])
def test_compressed_input(tmp_path: Path, compression: str) -> None:
    plain = write_vcf(tmp_path / "plain.vcf")
    vcf = tmp_path / "sample.vcf.gz"
    if compression == "bgzip":
        import pysam

        pysam.tabix_compress(str(plain), str(vcf))
    else:
        vcf.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    out = _annotate(tmp_path, vcf, [resistant_result(str(vcf))])
    reference = _annotate(tmp_path, plain, [resistant_result(str(vcf))], prefix="ref")
    assert _records(out) == _records(reference)


def test_bcf_input_is_converted(tmp_path: Path, bcftools: str) -> None:
    plain = write_vcf(tmp_path / "plain.vcf")
    bcf = tmp_path / "sample.bcf"
    subprocess.run(
        [bcftools, "view", "--no-version", "-Ob", "-o", str(bcf), str(plain)],
        check=True,
        capture_output=True,
    )
    out = _annotate(tmp_path, bcf, [resistant_result(str(bcf))])
    kras = next(r for r in _records(out) if r.startswith("12\t25245350\t"))
    assert "EGFRA_HGVSP_SHORT=p.G12D,." in kras
    assert len(_records(out)) == len(VCF_RECORDS)


def test_unsorted_input_is_sorted_with_a_note(tmp_path: Path, bcftools: str) -> None:
    shuffled = (
        VCF_RECORDS[2],
        VCF_RECORDS[0],
        VCF_RECORDS[5],
        VCF_RECORDS[1],
        VCF_RECORDS[4],
        VCF_RECORDS[3],
    )
    vcf = write_vcf(tmp_path / "unsorted.vcf", shuffled)
    out = _annotate(tmp_path, vcf, [resistant_result(str(vcf)), no_alteration_result(str(vcf))])
    lines = _lines(out)
    assert any(line.startswith("##egfr_annot_note=records sorted") for line in lines)
    positions = [tuple(r.split("\t")[:2]) for r in _records(out)]
    assert positions == [
        ("3", "179218303"),
        ("7", "55019278"),
        ("12", "25245350"),
        ("12", "25245400"),
        ("17", "7675088"),
        ("17", "39727784"),
    ]
    query = subprocess.run(
        [bcftools, "view", "-H", "-r", "17", str(out)], capture_output=True, text=True, check=False
    )
    assert query.returncode == 0 and len(query.stdout.splitlines()) == 2


def test_header_only_vcf(tmp_path: Path, bcftools: str) -> None:
    vcf = write_vcf(tmp_path / "empty.vcf", ())
    out = _annotate(tmp_path, vcf, [empty_result(str(vcf))])
    assert _records(out) == []
    assert any("Status=non_informative" in line for line in _lines(out))
    view = subprocess.run(
        [bcftools, "view", "-H", str(out)], capture_output=True, text=True, check=False
    )
    assert view.returncode == 0 and view.stdout == ""


def test_stdin_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot annotate standard input"):
        write_outputs(str(tmp_path / "x"), [empty_result("-")], ["vcf"], context_for("-"))
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_several_inputs_are_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="one annotated VCF per input"):
        write_outputs(str(tmp_path / "x"), [], ["vcf"], context_for("a.vcf", "b.vcf"))


def test_a_finding_without_its_record_is_an_error_not_a_silent_gap(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf", VCF_RECORDS[:2])  # no KRAS record
    with pytest.raises(EgfrAnnotError, match=r"KRAS p\.G12D \(12:25245350 C>T\)"):
        _annotate(tmp_path, vcf)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.vcf"]


def test_percent_encoding_follows_vcf_43() -> None:
    assert percent_encode("KRAS exon 2; a=b, c") == "KRAS%20exon%202%3B%20a%3Db%2C%20c"
    assert percent_encode("50%") == "50%25"
    assert percent_encode("a&b|c") == "a%26b%7Cc"
    assert percent_encode("caf\u00e9\tx\n") == "caf%C3%A9%09x%0A"
    assert percent_encode("c.35G>A") == "c.35G>A"
    assert percent_encode("") == "."


def test_crlf_and_missing_final_newline(tmp_path: Path) -> None:
    body = VCF_HEADER + VCF_RECORDS[1].replace("\n", "\r\n") + VCF_RECORDS[2].rstrip("\n")
    vcf = tmp_path / "crlf.vcf"
    vcf.write_bytes(body.encode())
    result = resistant_result(str(vcf))
    kras_only = replace(
        result,
        findings=tuple(
            f for f in result.findings if f.consequence is not None and f.consequence.gene == "KRAS"
        ),
    )
    out = _annotate(tmp_path, vcf, [kras_only])
    records = _records(out)
    assert records[0] == VCF_RECORDS[1].replace("\n", "\r\n")  # byte-identical
    assert records[1].endswith("\tGT:AF\t0/1:0.08,0.0\n") and "EGFRA_GENE=KRAS,." in records[1]


def test_copy_number_finding_annotates_its_symbolic_record(tmp_path: Path, bcftools: str) -> None:
    dup = "7\t116672196\t.\tN\t<DUP>\t.\tPASS\tEND=116798377\tGT:AF\t0/1:.\n"
    records = (VCF_RECORDS[0], VCF_RECORDS[1], dup, *VCF_RECORDS[2:])
    vcf = write_vcf(tmp_path / "cnv.vcf", records)
    line = VCF_HEADER.count("\n") + 3  # 1-based line of the <DUP> record
    result = resistant_result(str(vcf))
    met = next(f for f in result.findings if f.copy_number is not None)
    met_here = replace(met, copy_number=replace(met.copy_number, input_path=str(vcf), line=line))
    result = replace(result, findings=tuple(met_here if f is met else f for f in result.findings))
    out = _annotate(tmp_path, vcf, [result])
    written = _records(out)[2]
    assert written.startswith("7\t116672196\t.\tN\t<DUP>\t.\tPASS\tEND=116798377;EGFRA_GENE=MET;")
    query = subprocess.run(
        [
            bcftools,
            "query",
            "-i",
            'INFO/EGFRA_GENE="MET"',
            "-f",
            "%INFO/EGFRA_CN %INFO/EGFRA_CSQ %INFO/EGFRA_RES %INFO/EGFRA_CLASS\n",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert query.stdout == "6.4 copy_number_amplification yes MET%20amplification\n"
