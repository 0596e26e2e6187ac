"""Copy-number findings in PREFIX.annotated.vcf.gz: placed on their symbolic record by
coordinates however the input was read (the indexed reader gives the record no line number), and
a finding that cannot be placed is an error, never a silently untagged record."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from report_builders import VCF_RECORDS, context_for, resistant_result, write_vcf

from egfr_annot.errors import EgfrAnnotError
from egfr_annot.records import SampleResult
from egfr_annot.report.writers import write_outputs

# The README's indexed example: its <DUP> record (chr7:116647405-116838386) drives "MET
# amplification".
EXAMPLE = Path(__file__).resolve().parents[2] / "example_vcfs" / "acquired_resistance.GRCh38.vcf.gz"
MET_DUP = ("chr7", "116647405", "<DUP>")

# MET as resistant_result() has it: 7:116672196-116798377
MET_START, MET_END = 116672196, 116798377


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egfr_annot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _records(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return [line for line in fh if not line.startswith("#")]


def _egfra_tags(record: str) -> dict[str, str]:
    info = record.split("\t")[7]
    items = (item.partition("=") for item in info.split(";"))
    return {key: value for key, _, value in items if key.startswith("EGFRA_")}


def _met_dup(path: Path) -> str:
    (record,) = [r for r in _records(path) if tuple(r.split("\t")[i] for i in (0, 1, 4)) == MET_DUP]
    return record


# ----------------------------------------------------------------------------------------------
# the README's example through the CLI, with and without its index
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``PREFIX.annotated.vcf.gz`` of the example read through its .tbi and of a copy without."""
    assert Path(f"{EXAMPLE}.tbi").is_file(), "the example must be indexed for this test"
    tmp = tmp_path_factory.mktemp("example")
    plain = tmp / "no_index" / EXAMPLE.name
    plain.parent.mkdir()
    shutil.copyfile(EXAMPLE, plain)
    outputs = {}
    for name, vcf in (("indexed", EXAMPLE), ("streamed", plain)):
        done = _cli("run", str(vcf), "-o", str(tmp / name), "--vcf", cwd=tmp)
        assert done.returncode == 0, done.stderr
        outputs[name] = tmp / f"{name}.annotated.vcf.gz"
    return outputs


@pytest.mark.slow
def test_met_dup_is_tagged_with_and_without_the_index(example_outputs: dict[str, Path]) -> None:
    indexed = _egfra_tags(_met_dup(example_outputs["indexed"]))
    streamed = _egfra_tags(_met_dup(example_outputs["streamed"]))
    assert indexed == streamed
    assert {key: indexed.get(key) for key in ("EGFRA_GENE", "EGFRA_CN", "EGFRA_CLASS")} == {
        "EGFRA_GENE": "MET",
        "EGFRA_CN": "3.1",
        "EGFRA_CLASS": "MET%20amplification",
    }
    assert indexed["EGFRA_RES"] == "yes" and indexed["EGFRA_LEVEL"] == "copy_number"
    assert indexed["EGFRA_RULE"] == "MET_AMPLIFICATION"


@pytest.mark.slow
def test_indexed_and_streamed_reads_give_the_same_records(
    example_outputs: dict[str, Path],
) -> None:
    assert _records(example_outputs["indexed"]) == _records(example_outputs["streamed"])


# ----------------------------------------------------------------------------------------------
# placement rules, on built results (no pipeline)
# ----------------------------------------------------------------------------------------------
def _dup(chrom: str, pos: int, end: int) -> str:
    return f"{chrom}\t{pos}\t.\tN\t<DUP>\t.\tPASS\tEND={end}\tGT:CN\t0/1:6.4\n"


def _with_met_from(vcf: Path, line: int | None) -> SampleResult:
    """resistant_result() whose MET amplification comes from a symbolic record of ``vcf``,
    with ``line`` as the reader gave it (0 through an index)."""
    result = resistant_result(str(vcf))
    met = next(f for f in result.findings if f.copy_number is not None)
    assert met.copy_number is not None
    here = replace(met, copy_number=replace(met.copy_number, input_path=str(vcf), line=line))
    return replace(result, findings=tuple(here if f is met else f for f in result.findings))


def _annotate(tmp_path: Path, records: tuple[str, ...], line: int | None = 0) -> list[str]:
    vcf = write_vcf(tmp_path / "cnv.vcf", records)
    written = write_outputs(
        str(tmp_path / "out"), [_with_met_from(vcf, line)], ["vcf"], context_for(str(vcf))
    )
    return _records(written[0])


def _met_tagged(records: list[str]) -> list[str]:
    return [r.split("\t")[1] for r in records if _egfra_tags(r).get("EGFRA_GENE") == "MET"]


@pytest.mark.parametrize("line", [0, None, 999])
@pytest.mark.parametrize("chrom", ["7", "chr7"])
def test_placed_by_coordinates_whatever_the_line_number(
    tmp_path: Path, chrom: str, line: int | None
) -> None:
    records = (*VCF_RECORDS[:2], _dup(chrom, MET_START, MET_END), *VCF_RECORDS[2:])
    written = _annotate(tmp_path, records, line)
    assert _met_tagged(written) == [str(MET_START)]
    assert written[2].startswith(f"{chrom}\t{MET_START}\t.\tN\t<DUP>\t.\tPASS\tEND={MET_END};")
    assert _egfra_tags(written[2])["EGFRA_CN"] == "6.4"


def test_a_record_at_the_same_pos_ending_past_the_call_is_not_its(tmp_path: Path) -> None:
    other = _dup("7", MET_START, MET_END + 5000)  # another caller's, longer segment
    records = (*VCF_RECORDS[:2], other, _dup("7", MET_START, MET_END), *VCF_RECORDS[2:])
    written = _annotate(tmp_path, records)
    assert written[2] == other  # byte-identical
    assert _egfra_tags(written[3])["EGFRA_GENE"] == "MET"


def test_a_call_over_several_segments_tags_the_first_once(tmp_path: Path) -> None:
    first, second = _dup("7", MET_START, 116700000), _dup("7", 116700001, MET_END)
    records = (*VCF_RECORDS[:2], first, second, *VCF_RECORDS[2:])
    written = _annotate(tmp_path, records)
    assert _met_tagged(written) == [str(MET_START)]
    assert written[3] == second


def test_unsorted_input_is_re_read_and_the_segment_still_placed(tmp_path: Path) -> None:
    # chr12 before chr7: the writer re-reads and sorts; placement starts afresh
    records = (VCF_RECORDS[0], *VCF_RECORDS[2:4], _dup("7", MET_START, MET_END), VCF_RECORDS[1])
    written = _annotate(tmp_path, records)
    assert _met_tagged(written) == [str(MET_START)]


def test_a_copy_number_finding_without_its_record_is_an_error(tmp_path: Path) -> None:
    # an SNV at the segment's POS is not a copy-number record
    snv = f"7\t{MET_START}\t.\tA\tG\t.\tPASS\t.\tGT:CN\t0/1:.\n"
    records = (*VCF_RECORDS[:2], snv, *VCF_RECORDS[2:])
    with pytest.raises(
        EgfrAnnotError,
        match=rf"MET amplification \(7:{MET_START}-{MET_END} copy-number record\)",
    ):
        _annotate(tmp_path, records)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cnv.vcf"]  # nothing left behind


def test_a_finding_from_a_cnv_file_needs_no_record(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "sample.vcf")  # resistant_result's MET comes from sample.cns
    written = write_outputs(
        str(tmp_path / "out"), [resistant_result(str(vcf))], ["vcf"], context_for(str(vcf))
    )
    assert _met_tagged(_records(written[0])) == []
