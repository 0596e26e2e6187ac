"""Odd but real-world input shapes (issue #5): byte-order marks, trailing tabs, ``.`` columns,
genotype-only samples, many ALTs, empty or trailing-garbage compressed files, indexes that do
not belong to the file, and sample options that name the normal."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from reader_helpers import VCF_DATA, call_at, read_all, tool

from egfr_annot.errors import InputError, UsageError
from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf_header import assign_sample_roles

MUSE = VCF_DATA / "muse-tier-filters-tumour-column-first.vcf"
MULTI = VCF_DATA / "mutect2-multi-sample-two-plasma-one-normal.vcf"
KRAS_BRAF_37 = RegionSet([("12", 25378000, 25404000, "KRAS"), ("7", 140420000, 140630000, "BRAF")])
KRAS_BRAF_38 = RegionSet([("12", 25205000, 25251000, "KRAS"), ("7", 140719000, 140925000, "BRAF")])
HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\tNORMAL\n"
)


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _values(calls: list) -> list[tuple[object, ...]]:  # type: ignore[type-arg]
    return [(c.sample, c.chrom, c.pos, c.ref, c.alt, c.vaf, c.alt_reads, c.depth, c.line)
            for c in calls]


@pytest.mark.parametrize("regions", [None, KRAS_BRAF_37])
def test_byte_order_mark_and_windows_line_ends(tmp_path: Path, regions: RegionSet | None) -> None:
    expected = read_all(MUSE, regions=regions)[0]
    text = MUSE.read_text().replace("\n", "\r\n")
    calls, counts, _ = read_all(_write(tmp_path, "bom.vcf", b"\xef\xbb\xbf" + text.encode()),
                                regions=regions)
    assert _values(calls) == _values(expected)
    assert "UTF-8 byte-order mark at the start of the file ignored [first at line 1]" in \
        counts.warnings


def test_utf16_text_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = _write(tmp_path, "utf16.vcf", MUSE.read_text().encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16 text: save it as UTF-8"):
        read_all(path)


@pytest.mark.parametrize("regions", [None, KRAS_BRAF_37])
@pytest.mark.parametrize("crlf", [False, True])
def test_trailing_tab_on_every_line(tmp_path: Path, regions: RegionSet | None,
                                    crlf: bool) -> None:
    expected = read_all(MUSE, regions=regions)[0]
    end = "\t\r\n" if crlf else "\t\n"
    text = "".join(line + end for line in MUSE.read_text().splitlines())
    calls, counts, src = read_all(_write(tmp_path, "tabs.vcf", text), regions=regions)
    assert _values(calls) == _values(expected)
    assert src.header.samples == ("TUMOR", "NORMAL")
    assert any(w.startswith("trailing tab at the end of the #CHROM line") for w in counts.warnings)
    assert any(w.startswith("trailing tab at the end of a record ignored") for w in counts.warnings)


def test_a_missing_column_is_still_fatal_next_to_trailing_tabs(tmp_path: Path) -> None:
    records = ("12\t25398284\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/1:90,10\t0/0:100,0\t\n"
               "12\t25398285\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/1:90,10\n")
    with pytest.raises(InputError) as err:
        read_all(_write(tmp_path, "bad.vcf", HEADER + records), regions=KRAS_BRAF_37)
    assert err.value.line == 7 and "found 10" in str(err.value)


def test_dot_columns_genotype_only_samples_and_unknown_formats(tmp_path: Path) -> None:
    records = [
        "12\t25398284\t.\tC\tT\t.\t.\t.\t.\t.\t.",                       # FORMAT '.'
        "12\t25398285\t.\tC\tT\t.\t.\t.\tGT:AD:DP\t.\t0/0:10,0:10",        # tumour '.'
        "12\t25398286\t.\tC\tT\t.\t.\t.\tGT\t0/1\t0/0",                    # GT only, carries ALT
        "12\t25398287\t.\tC\tT\t.\t.\t.\tGT\t0/0\t0/0",                    # GT only, reference
        "12\t25398288\t.\tC\tT\t.\t.\t.\tGT:AD:DP\t./.:.:.\t0/0:10,0:10",  # all values missing
        "12\t25398289\t.\tC\tT\t.\t.\t.\tXQ:ZZ\t31:abc\t30:abd",           # fields unknown here
    ]
    calls, counts, _ = read_all(_write(tmp_path, "dots.vcf", HEADER + "\n".join(records) + "\n"))
    assert [(c.pos, c.vaf, c.alt_reads, c.depth, c.genotype) for c in calls] == [
        (25398284, None, None, None, None), (25398286, None, None, None, "0/1"),
        (25398289, None, None, None, None)]
    assert "no per-sample data (FORMAT or the sample column is '.')" in \
        call_at(calls, 25398284).notes[0]
    assert "genotype is the only evidence" in call_at(calls, 25398286).notes[0]
    assert "reported as a call because the caller wrote the record" in \
        call_at(calls, 25398289).notes[0]
    assert counts.skipped_dict() == {"no_alt_support_in_tumour": 1, "no_tumour_sample_data": 2}
    assert counts.records_read == counts.records_in_panel == 6


def test_the_only_sample_column_being_dot_leaves_the_record_a_call(tmp_path: Path) -> None:
    # '.' says nothing of the sample: the record is the call. An explicit no-call is not:
    # `bcftools view -s` writes './.:.:.' for the records of a multi-sample VCF's other
    # samples, and reading those as calls would report another patient's KRAS G12D
    header = HEADER.replace("\tTUMOR\tNORMAL", "\tPLASMA")
    records = ("12\t25398284\t.\tC\tT\t.\tPASS\tDP=812\tGT:AD:DP\t.\n"
               "12\t25398285\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t./.:.:.\n"
               "12\t25398286\t.\tC\tT\t.\tPASS\t.\tGT\t./.\n")
    calls, counts, _ = read_all(_write(tmp_path, "one.vcf", header + records))
    assert [(c.pos, c.sample, c.depth, c.vaf) for c in calls] == [
        (25398284, "PLASMA", 812, None)]
    assert counts.skipped_dict() == {"no_tumour_sample_data": 2}
    assert ("the only sample has no call on a record ('./.'): not taken as a call (a sample taken "
            "out of a multi-sample VCF?) [first at line 7; 2x]") in counts.warnings


def test_twenty_alts_and_a_two_megabyte_info_field(tmp_path: Path) -> None:
    alts = ["A", "G", "T"] + [f"C{'A' * i}" for i in range(1, 18)]
    ad = ",".join(["100"] + [str(i) for i in range(1, 21)])
    record = (f"12\t25398284\t.\tC\t{','.join(alts)}\t.\tPASS\tBIG={'X' * 2_000_000}\tGT:AD:DP\t"
              f"0/20:{ad}:310\t0/0:{','.join(['50'] + ['0'] * 20)}:50\n")
    calls, counts, _ = read_all(_write(tmp_path, "many.vcf", HEADER + record),
                                regions=KRAS_BRAF_37)
    assert [c.alt_reads for c in calls] == list(range(1, 21))
    assert call_at(calls, 25398284, alts[19]).genotype == "0/20"
    assert call_at(calls, 25398284, "G").vaf == pytest.approx(2 / 310)
    assert counts.calls_in_panel == 20
    assert any("'BIG' is not declared" in w for w in counts.warnings)


def test_bgzf_end_of_file_block_only_is_an_empty_file(tmp_path: Path) -> None:
    eof = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
    with pytest.raises(InputError, match="empty file \\(no data after decompression\\)"):
        read_all(_write(tmp_path, "eof.vcf.gz", eof))


def test_gzip_trailing_garbage_is_fatal_but_zero_padding_is_not(tmp_path: Path) -> None:
    data = gzip.compress(MUSE.read_bytes(), mtime=0)
    with pytest.raises(InputError, match="corrupt or truncated compressed data"):
        read_all(_write(tmp_path, "garbage.vcf.gz", data + b"trailing garbage"))
    calls = read_all(_write(tmp_path, "zeros.vcf.gz", data + bytes(512)))[0]
    assert _values(calls) == _values(read_all(MUSE)[0])


# -- indexes that do not belong to the file -------------------------------------------------------
def _bgzip_with_index(tmp_path: Path, text: str, name: str) -> Path:
    plain = _write(tmp_path, name, text)
    subprocess.run([tool("bgzip"), "-f", str(plain)], check=True)
    gz = Path(str(plain) + ".gz")
    subprocess.run([tool("tabix"), "-f", "-p", "vcf", str(gz)], check=True)
    return gz


def _bigger(text: str) -> str:
    """The same file with 8,572 more records before its own."""
    head, _, records = text.partition("chr12\t")
    rows = [f"chr12\t{p}\t.\tC\tT\t.\tPASS\tDP=10\tGT:AD:AF:DP\t0/1:9,1:0.1:10\t0/0:10,0:0.01:10\t"
            "0/0:10,0:0.01:10\n" for p in range(25_000_000, 25_060_000, 7)]
    return head + "".join(rows) + "chr12\t" + records


@pytest.mark.parametrize("which", ["smaller file's index", "bigger file's index",
                                   "index after adding a header line"])
def test_index_of_another_file_is_not_used(tmp_path: Path, which: str) -> None:
    text = MULTI.read_text()
    target = _bgzip_with_index(tmp_path, text, "target.vcf")
    if which == "smaller file's index":
        target = _bgzip_with_index(tmp_path, _bigger(text), "big.vcf")
        other = _bgzip_with_index(tmp_path, text, "small.vcf")
    elif which == "bigger file's index":
        other = _bgzip_with_index(tmp_path, _bigger(text), "big.vcf")
    else:
        other = target
        target = _bgzip_with_index(tmp_path, text.replace("##source", "##extra=1\n##source"),
                                   "edited.vcf")
    shutil.copy(str(other) + ".tbi", str(target) + ".tbi")  # newer than the file
    calls, counts, src = read_all(target, regions=KRAS_BRAF_38)
    assert src.read_mode == "streamed"
    assert any("does not belong to this file" in w for w in counts.warnings)
    assert [c.pos for c in calls if c.pos in (25245350, 140753336)] == [25245350, 25245350,
                                                                         140753336]


def test_own_index_is_used(tmp_path: Path) -> None:
    target = _bgzip_with_index(tmp_path, MULTI.read_text(), "own.vcf")
    calls, counts, src = read_all(target, regions=KRAS_BRAF_38)
    assert src.read_mode == "indexed" and counts.warnings == ()
    assert sorted(c.pos for c in calls) == [25245350, 25245350, 140753336]
    assert counts.records_read == 2


def test_bcf_csi_of_another_bcf_is_not_used(tmp_path: Path) -> None:
    bcftools = tool("bcftools")
    small, big = tmp_path / "small.bcf", tmp_path / "big.bcf"
    subprocess.run([bcftools, "view", "--no-version", "-Ob", "-o", str(small), str(MULTI)],
                   check=True)
    big_vcf = _write(tmp_path, "big.vcf", _bigger(MULTI.read_text()))
    subprocess.run([bcftools, "view", "--no-version", "-Ob", "-o", str(big), str(big_vcf)],
                   check=True)
    subprocess.run([bcftools, "index", "-f", str(big)], check=True)
    shutil.copy(str(big) + ".csi", str(small) + ".csi")
    calls, counts, src = read_all(small, regions=KRAS_BRAF_38)
    assert src.read_mode == "bcf"
    assert any("does not belong to this file" in w for w in counts.warnings)
    assert sorted(c.pos for c in calls) == [25245350, 25245350, 140753336]


# -- sample options and declared roles -------------------------------------------------------------
def test_sample_option_naming_the_normal_is_refused() -> None:
    with pytest.raises(UsageError, match="'NORMAL' is the normal sample .* name a tumour sample "
                                         "\\(TUMOR\\)"):
        read_all(MUSE, sample="NORMAL")
    with pytest.raises(UsageError, match="by ##tumor_sample/##normal_sample header lines"):
        read_all(MULTI, sample="P17-GL")
    calls, _, src = read_all(MUSE, sample="NORMAL", normal="TUMOR")  # both roles set by the user
    assert (src.header.tumour_samples, src.header.normal_samples) == (("NORMAL",), ("TUMOR",))
    assert [(c.sample, c.pos, c.alt_reads) for c in calls] == [("NORMAL", 140453136, 1)]


@pytest.mark.parametrize("samples, meta, tumours, normals", [
    (["S1", "S2"], [("SAMPLE", "<ID=S1,Genomes=Germline>"), ("SAMPLE", "<ID=S2,Genomes=Tumor>")],
     ["S2"], ["S1"]),
    (["NORMAL", "TUMOR"], [("SAMPLE", "<ID=NORMAL,NAME=TCGA-AA-3518-10A,ALIAS=NORMAL>")],
     ["TUMOR"], ["NORMAL"]),
    (["A1", "B1"], [("PEDIGREE", "<Derived=B1,Original=A1>")], ["B1"], ["A1"]),
    (["DNA_T", "RNA_T"], [("SAMPLE", '<ID=DNA_T,Description="Tumor DNA">')], ["DNA_T", "RNA_T"],
     []),
    (["X", "Y"], [("GATKCommandLine", '<ID=Mutect2,CommandLine="Mutect2 -tumor Y -normal X '
                   '--normal-lod 2.2">')], ["Y"], ["X"]),
    (["X", "Y"], [("tumor_sample", "Y")], ["Y"], ["X"]),
    (["P01_plasma", "P01_blood"], [], ["P01_plasma"], ["P01_blood"]),
    (["abc", "abc-match"], [], ["abc"], ["abc-match"]),
    (["C1", "C2"], [("cmdline", "/opt/manta/bin/configManta.py --normalBam n.bam "
                     "--tumorBam t.bam")], ["C2"], ["C1"]),
    (["X", "Y"], [("DRAGENCommandLine", '<ID=dragen,CommandLineOptions="--RGSM-tumor Y">')],
     ["Y"], ["X"]),
    (["X"], [("DRAGENCommandLine", '<ID=dragen,CommandLineOptions="--RGSM-tumor X">')],
     ["X"], []),
    (["X", "Y"], [("GATKCommandLine", '<ID=HaplotypeCaller,CommandLine="HaplotypeCaller '
                   '--sample-name X">')], ["X", "Y"], []),
])
def test_declared_roles(samples: list[str], meta: list[tuple[str, str]], tumours: list[str],
                        normals: list[str]) -> None:
    t, n, _ = assign_sample_roles(samples, meta)
    assert (list(t), list(n)) == (tumours, normals)


def test_threaded_inflater_reads_the_file_a_mebibyte_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (its first block then comes after 1 MiB of compressed data is read, not 16 MB); the
    # bytes come out whole and in order.
    import builtins
    import random

    from egfr_annot.io import vcf_stream

    data = random.Random(5).randbytes(3 << 20)  # incompressible: 3 MiB of gzip
    path = tmp_path / "x.vcf.gz"
    path.write_bytes(gzip.compress(b"##fileformat=VCFv4.2\n" + data, compresslevel=1))
    sizes: list[int] = []
    real_open = builtins.open

    class Recording:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __getattr__(self, name: str) -> object:
            return getattr(self.fh, name)

        def readinto(self, buffer: memoryview) -> int:
            sizes.append(len(buffer))
            return self.fh.readinto(buffer)  # type: ignore[attr-defined, no-any-return]

    def recording_open(file: object, *args: object, **kwargs: object) -> object:
        fh = real_open(file, *args, **kwargs)  # type: ignore[call-overload]
        return Recording(fh) if file == str(path) else fh

    monkeypatch.setattr(builtins, "open", recording_open)
    stream = vcf_stream.open_stream(str(path))
    try:
        assert stream.fh.read() == b"##fileformat=VCFv4.2\n" + data
    finally:
        stream.close()
    assert sizes and max(sizes) == 1 << 20
