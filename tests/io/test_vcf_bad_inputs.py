"""The broken-input corpus (tests/data/bad, made by make_bad_corpus.py): fatal problems raise
InputError naming FILE:LINE and the problem; tolerable oddities give a warning, a counter and
the right result for the rest (issue #5). The CLI prints ``egfr-annot: error: <str(err)>``."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest
from reader_helpers import BAD_DATA, read_all

from egfr_annot.errors import InputError
from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import open_variants

KRAS = RegionSet([("12", 25398000, 25399000, "KRAS")])

# file -> (line or None, text the message must contain)
FATAL = {
    "empty.vcf": (None, "empty file (0 bytes): not a VCF"),
    "not-a-vcf.csv": (1, "not a VCF file"),
    "gff3-not-a-vcf.gff3": (1, "not a VCF file (first line is not '##fileformat=VCFv4.x')"),
    "binary-noise.vcf": (1, "not a VCF file"),
    "gzip-of-binary-noise.vcf.gz": (1, "not a VCF file"),
    "binary-noise-after-header.vcf": (6, "expected 11 tab-separated columns"),
    "missing-chrom-line.vcf": (5, "the #CHROM line is missing"),
    "fileformat-line-only.vcf": (1, "no #CHROM header line"),
    "chrom-line-with-spaces.vcf": (5, "columns must be separated by tabs"),
    "duplicate-sample-names.vcf": (5, "sample 'TUMOR' appears twice"),
    "wrong-column-count.vcf": (8, "expected 11 tab-separated columns as in the #CHROM header "
                                  "line, found 10"),
    "sample-count-mismatch.vcf": (6, "found 10"),
    "non-numeric-pos.vcf": (7, "POS '2k' is not a number"),
    "empty-chrom.vcf": (7, "empty CHROM column"),
    "invalid-ref.vcf": (6, "invalid REF 'Z'"),
    "concatenated-vcfs.vcf": (10, "header line among the records"),
    "truncated-bgzip.vcf.gz": (None, "corrupt or truncated compressed data"),
    "truncated-plain-gzip.vcf.gz": (None, "corrupt or truncated compressed data"),
    "corrupt-gzip-data.vcf.gz": (None, "corrupt or truncated compressed data"),
}


@pytest.mark.parametrize("regions", [None, KRAS], ids=["all", "panel"])
@pytest.mark.parametrize("name", sorted(FATAL))
def test_fatal_problem_names_file_line_and_problem(name: str, regions: RegionSet | None) -> None:
    path = BAD_DATA / name
    line, text = FATAL[name]
    with pytest.raises(InputError) as caught:
        read_all(path, regions=regions)
    err = caught.value
    assert err.line == line
    assert text in err.problem
    where = str(path) if line is None else f"{path}:{line}"
    assert str(err) == f"{where}: {err.problem}"
    assert "\n" not in str(err)


def test_errors_outside_the_panel_are_still_fatal_when_streamed() -> None:
    # wrong-column-count.vcf: the bad record is on chromosome 3, far from KRAS
    with pytest.raises(InputError, match="found 10"):
        read_all(BAD_DATA / "wrong-column-count.vcf", regions=KRAS)


def test_header_only_files_are_valid() -> None:
    for name in ("header-only.vcf", "header-only.vcf.gz"):
        calls, counts, _ = read_all(BAD_DATA / name)
        assert calls == [] and counts.records_read == 0


def test_malformed_alt_alleles_are_skipped_counted_and_named() -> None:
    calls, counts, _ = read_all(BAD_DATA / "invalid-alt-alleles.vcf")
    assert [(c.pos, c.alt) for c in calls] == [(25398284, "T")]
    assert counts.skipped_dict() == {"malformed_alt": 3}
    assert counts.warnings == (
        "malformed ALT 'A/T': record skipped [first at line 6]",
        "malformed ALT '5': record skipped [first at line 8]",
        "malformed ALT '<DUP': record skipped [first at line 9]",
    )


def test_undeclared_keys_are_warnings_with_counts() -> None:
    calls, counts, _ = read_all(BAD_DATA / "undeclared-info-format-keys.vcf")
    assert [(c.pos, c.vaf) for c in calls] == [(25398284, 0.1), (25398285, 0.1)]
    assert "INFO key 'XYZ' is not declared in the header [first at line 6; 2x]" \
        in counts.warnings
    assert "FORMAT key 'QQ' is not declared in the header [first at line 6]" in counts.warnings
    assert "INFO key 'FLAGX' is not declared in the header [first at line 6]" in counts.warnings


def test_non_utf8_bytes_are_replaced_with_a_warning() -> None:
    calls, counts, _ = read_all(BAD_DATA / "non-utf8-bytes.vcf")
    assert [c.pos for c in calls] == [25398284, 25398285]
    assert "non-UTF-8 bytes in a record (replaced) [first at line 6]" in counts.warnings


def test_blank_lines_and_missing_final_newline_are_tolerated() -> None:
    calls, counts, _ = read_all(BAD_DATA / "blank-lines.vcf")
    assert counts.records_read == 2 and len(calls) == 2
    assert counts.warnings == ("3 blank line(s) ignored [first at line 7]",)
    calls, counts, _ = read_all(BAD_DATA / "crlf-blank-line.vcf")
    assert counts.records_read == 1 and calls[0].vaf == 0.1
    calls, counts, _ = read_all(BAD_DATA / "last-line-without-newline.vcf")
    assert counts.records_read == 2 and calls[-1].pos == 25398284


def test_truncation_deep_in_a_large_file_reports_the_line_reached(tmp_path: Path) -> None:
    body = "".join(f"1\t{1000 + i}\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/0:9,0\t0/1:8,1\n"
                   for i in range(300_000))
    header = (BAD_DATA / "header-only.vcf").read_text()
    plain = tmp_path / "big.vcf"
    plain.write_text(header + body)
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    data = (tmp_path / "big.vcf.gz").read_bytes()
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(InputError) as caught:
        read_all(cut, regions=KRAS)
    assert "corrupt or truncated compressed data" in caught.value.problem
    assert caught.value.line is not None and caught.value.line > 1000


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_variants(tmp_path / "nope.vcf")
    with pytest.raises(InputError, match="is a directory"):
        open_variants(tmp_path)


def test_index_is_not_used_for_a_truncated_bgzip(tmp_path: Path) -> None:
    """A .tbi next to a truncated file must not hide the truncation (no BGZF EOF block)."""
    text = (BAD_DATA / "header-only.vcf").read_text() + "".join(
        f"12\t{25398000 + i}\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/0:9,0\t0/1:8,1\n"
        for i in range(20_000))
    plain = tmp_path / "x.vcf"
    plain.write_text(text)
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    subprocess.run(["tabix", "-p", "vcf", str(tmp_path / "x.vcf.gz")], check=True)
    gz = tmp_path / "x.vcf.gz"
    gz.write_bytes(gz.read_bytes()[:-28])  # drop the BGZF EOF block
    (tmp_path / "x.vcf.gz.tbi").touch()  # keep the index newer than the file
    calls, counts, src = read_all(gz, regions=KRAS)
    assert src.read_mode == "streamed"
    assert counts.records_read == 20_000 and len(calls) == 20_000 - sum(
        1 for i in range(20_000) if 25398000 + i > 25399000)
    assert gzip.decompress(gz.read_bytes())  # really a complete stream, only without EOF block


@pytest.mark.parametrize("name, expected", [
    ("wrong-column-count.vcf", "wrong-column-count.vcf:8: expected 11 tab-separated columns"),
    ("empty.vcf", "empty.vcf: empty file (0 bytes): not a VCF"),
    ("truncated-bgzip.vcf.gz", "truncated-bgzip.vcf.gz: corrupt or truncated compressed data"),
])
def test_cli_prints_one_line_and_exits_2(name: str, expected: str, tmp_path: Path) -> None:
    import importlib.util
    import sys

    if importlib.util.find_spec("egfr_annot.cli.run_cmd") is None:
        pytest.skip("the run command is not available")
    proc = subprocess.run(
        [sys.executable, "-m", "egfr_annot", "run", str(BAD_DATA / name),
         "-o", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("egfr-annot: error: ")
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir())  # no partial output
