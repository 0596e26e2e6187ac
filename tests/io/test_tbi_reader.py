"""The .tbi region reader (``vcf_index.tbi_region_lines``, issue #9) returns exactly what
htslib's tabix queries (pysam) return, on files built to hit its edge cases: several BGZF
blocks, records that start before a region and reach into it by REF or INFO/END, decoy keys
like ``AEND=``, regions beyond a contig's last record, contigs the file does not have."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from reader_helpers import tool

from egfr_annot.errors import InputError
from egfr_annot.io import vcf_index
from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import open_variants

HEADER = (
    "##fileformat=VCFv4.2\n"
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
    '##INFO=<ID=AEND,Number=1,Type=Integer,Description="Decoy">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Depths">\n'
    "##contig=<ID=chr1,length=5000000>\n##contig=<ID=chr2,length=5000000>\n"
    "##contig=<ID=chr3,length=5000000>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOUR\n"
)


def _records(rng: random.Random) -> list[str]:
    lines = []
    for chrom in ("chr1", "chr2"):  # chr3 is in the header only
        pos = 1
        for _ in range(6000):
            pos += rng.randint(1, 400)
            kind = rng.random()
            ref, alt, info = "A", "C", "."
            if kind < 0.05:  # a deletion reaching up to 60 bases to the right
                ref, alt = "A" + "C" * rng.randint(1, 60), "A"
            elif kind < 0.08:  # a span given by INFO/END, as in gVCF blocks or CNV segments
                info = f"END={pos + rng.randint(1, 40_000)}"
            elif kind < 0.10:  # a key that only ends in END: not a span
                info = f"AEND={pos + 50_000}"
            lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t{info}\tGT:AD\t0/1:20,5\n")
    return lines


RECORDS = _records(random.Random(7))


def _bgzip_and_index(directory: Path, name: str, text: str) -> Path:
    bgzip, tabix = tool("bgzip"), tool("tabix")
    plain = directory / name
    plain.write_bytes(text.encode())
    subprocess.run([bgzip, "-f", str(plain)], check=True)
    bgzf = directory / f"{name}.gz"
    subprocess.run([tabix, "-f", "-p", "vcf", str(bgzf)], check=True)
    return bgzf


@pytest.fixture(scope="module")
def indexed_vcf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bgzip_and_index(tmp_path_factory.mktemp("tbi"), "many.vcf", HEADER + "".join(RECORDS))


@pytest.fixture(scope="module")
def sites_only_crlf_vcf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same records without FORMAT and sample columns (INFO/END then ends a line: the
    check for spans must see the last bytes of each line), CRLF line ends, and no line end
    after the last line."""
    header = HEADER.replace("\tFORMAT\tTUMOUR", "")
    records = [r.rsplit("\t", 2)[0] for r in RECORDS]
    text = (header + "\n".join(records)).replace("\n", "\r\n")
    return _bgzip_and_index(tmp_path_factory.mktemp("tbi_sites"), "sites.vcf", text)


def _regions(rng: random.Random, n: int) -> RegionSet:
    out = []
    # regions that start inside a deletion's REF or an END span (after the record's POS)
    for line in rng.sample([r for r in RECORDS if "\tACC" in r or "\tEND=" in r], 12):
        chrom, pos = line.split("\t")[:2]
        out.append((chrom, int(pos) + 2, int(pos) + 2, "span"))
    for _ in range(n):
        chrom = rng.choice(["1", "chr2", "3", "7"])
        start = rng.randint(1, 1_300_000)
        out.append((chrom, start, start + rng.choice([0, 1, 50, 5000, 40_000]), "g"))
    out.append(("1", 4_900_000, 4_950_000, "beyond the last record"))
    return RegionSet(out)


def test_index_statistics_and_linear_index(indexed_vcf: Path) -> None:
    info = vcf_index.read_index(str(indexed_vcf) + ".tbi")
    assert info is not None
    assert info.records == 12_000
    assert info.names == ("chr1", "chr2")
    assert len(info.linear) == 2 and all(len(lin) > 50 for lin in info.linear)
    # the file spans several BGZF blocks: the reader must cross block boundaries
    assert len({v >> 16 for v in info.linear[0]}) >= 4


@pytest.mark.parametrize("layout", ["samples", "sites_only_crlf"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_region_lines_match_htslib(
    indexed_vcf: Path, sites_only_crlf_vcf: Path, seed: int, layout: str
) -> None:
    pytest.importorskip("pysam")
    vcf = indexed_vcf if layout == "samples" else sites_only_crlf_vcf
    path, index = str(vcf), str(vcf) + ".tbi"
    info = vcf_index.read_index(index)
    assert info is not None
    regions = _regions(random.Random(seed), 40)
    ours = list(vcf_index.tbi_region_lines(path, info, regions))
    htslib = [(n, s, e, line.rstrip(b"\r\n"))
              for n, s, e, line in vcf_index.tabix_lines(path, index, regions)]
    assert ours == htslib
    assert len(ours) > 100
    # records found only because their REF or END reaches into a region are among them
    spans = [raw for _n, start, _e, raw in ours if int(raw.split(b"\t")[1]) < start]
    assert any(b"END=" in raw for raw in spans)
    assert any(len(raw.split(b"\t")[3]) > 1 for raw in spans)


def test_reading_an_indexed_vcf_does_not_need_pysam(
    indexed_vcf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pysam")
    regions = _regions(random.Random(5), 20)
    real_tabix_lines = vcf_index.tabix_lines

    used_htslib: list[bool] = []

    def through_htslib(path: str, info: vcf_index.IndexInfo, regions: RegionSet):  # type: ignore[no-untyped-def]
        # htslib's lines as the reader's region batches: (contig, start, end, before, inside)
        used_htslib.append(True)
        batches: dict[tuple[str, int, int], tuple[list[bytes], list[bytes]]] = {}
        for name, start, end, raw in real_tabix_lines(path, path + ".tbi", regions):
            raw = raw.rstrip(b"\r\n")
            before, inside = batches.setdefault((name, start, end), ([], []))
            (before if int(raw.split(b"\t")[1]) < start else inside).append(raw)
        for (name, start, end), (before, inside) in batches.items():
            yield name, start, end, before, inside

    with monkeypatch.context() as patch:
        patch.setattr(vcf_index, "tbi_region_batches", through_htslib)
        with open_variants(indexed_vcf, regions=regions) as src:
            expected = list(src.calls())
    assert used_htslib  # (the expected calls really come from htslib's queries)

    def no_pysam(*_args: object) -> None:
        raise AssertionError("a .tbi is read without pysam")

    monkeypatch.setattr(vcf_index, "tabix_lines", no_pysam)
    with open_variants(indexed_vcf, regions=regions) as src:
        assert src.read_mode == "indexed"
        assert list(src.calls()) == expected
        assert src.counts.records_read == 12_000
    assert len(expected) > 100


def test_corrupt_block_is_an_error_naming_the_file(tmp_path: Path, indexed_vcf: Path) -> None:
    copy = tmp_path / "corrupt.vcf.gz"
    data = bytearray(indexed_vcf.read_bytes())
    info = vcf_index.read_index(str(indexed_vcf) + ".tbi")
    assert info is not None
    # damage the compressed data of the block where the queries of chr2 start
    address = info.linear[1][0] >> 16
    for i in range(address + 40, address + 60):
        data[i] ^= 0xFF
    copy.write_bytes(bytes(data))
    shutil.copy(str(indexed_vcf) + ".tbi", str(copy) + ".tbi")
    regions = RegionSet([("2", 1, 10_000, "g")])
    with pytest.raises(Exception, match="[Ii]nvalid|corrupt|incorrect"):
        list(vcf_index.tbi_region_lines(str(copy), info, regions))
    with pytest.raises(InputError) as err, open_variants(copy, regions=regions) as src:
        list(src.calls())
    message = str(err.value)
    assert message.startswith(f"{copy}:") and "corrupt" in message


def test_span_ending_its_line_far_before_the_region_is_found(tmp_path: Path) -> None:
    """A sites-only record whose INFO/END ends its line, long before the region and after
    ten short records: only its END says it reaches the region, and it is the last line before
    the region (the check for END must see the last bytes before the region)."""
    header = HEADER.replace("\tFORMAT\tTUMOUR", "")
    short = [f"chr1\t{100 + i}\t.\tA\tC\t.\tPASS\t." for i in range(10)]
    span = "chr1\t1000\t.\tA\t<DEL>\t.\tPASS\tEND=5000"
    inside = "chr1\t4000\t.\tG\tT\t.\tPASS\t."
    vcf = _bgzip_and_index(tmp_path, "span.vcf", header + "\n".join([*short, span, inside]) + "\n")
    info = vcf_index.read_index(str(vcf) + ".tbi")
    assert info is not None
    regions = RegionSet([("1", 4000, 4000, "g")])
    lines = [raw.decode() for *_, raw in vcf_index.tbi_region_lines(str(vcf), info, regions)]
    assert lines == [span, inside]


def test_run_of_one_chunk_bins_is_counted_exactly() -> None:
    """The .tbi parser skips runs of one-chunk bins (24 bytes each) in C; a bin with any other
    n_chunk - also one whose low byte is 1 (257, 65537, 2**24 + 1) - ends the run."""
    import struct

    def bins(*n_chunks: int) -> bytes:
        out = b""
        for i, n in enumerate(n_chunks):
            out += struct.pack("<Ii", 4681 + i, n) + b"\x01" * 16 * min(n, 2)
        return out

    assert vcf_index._one_chunk_bins(bins(1, 1, 1), 0, 3) == 3
    assert vcf_index._one_chunk_bins(bins(1, 1, 1), 0, 2) == 2  # never past the limit
    assert vcf_index._one_chunk_bins(bins(2, 1), 0, 2) == 0
    for odd in (257, 65537, 2**24 + 1, 0):
        assert vcf_index._one_chunk_bins(bins(1, 1, odd, 1), 0, 4) == 2
    prefix = b"\xff" * 7
    assert vcf_index._one_chunk_bins(prefix + bins(1, 3), len(prefix), 2) == 1


def test_index_read_started_early_is_used_and_not_read_again(
    indexed_vcf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipeline starts reading the index first (`prestart_index_read`); the source then
    uses that read instead of reading the index itself."""
    from egfr_annot.io.vcf import prestart_index_read

    early = prestart_index_read(indexed_vcf)
    assert early is not None and early.index == f"{indexed_vcf}.tbi"

    def no_second_read(_index: str) -> None:
        raise AssertionError("the index was read again")

    monkeypatch.setattr(vcf_index, "read_index", no_second_read)
    regions = _regions(random.Random(5), 5)
    with open_variants(indexed_vcf, regions=regions, index_read=early) as src:
        assert src.read_mode == "indexed"
        assert src.counts.records_read == 12_000
    assert prestart_index_read(indexed_vcf, use_index=False) is None
    assert prestart_index_read("-") is None


def test_an_unexpected_error_of_the_index_thread_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_index: str) -> bytes:
        raise MemoryError("no memory")

    monkeypatch.setattr(vcf_index, "_inflated_index", broken)
    early = vcf_index.IndexRead(str(tmp_path / "x.vcf.gz.tbi"))
    with pytest.raises(MemoryError, match="no memory"):
        early.result()


def test_header_of_an_indexed_file_is_read_without_a_read_ahead_thread(
    indexed_vcf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The threaded reader inflates a 2 MB block before the first line comes out (~15 ms on a
    large file); an indexed file needs only its header from the stream."""
    from isal import igzip_threaded

    from egfr_annot.io import vcf_stream

    opened: list[int] = []
    real_open = igzip_threaded.open

    def recording_open(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(int(kwargs.get("threads", 1)))  # type: ignore[call-overload]
        return real_open(*args, **kwargs)

    monkeypatch.setattr(igzip_threaded, "open", recording_open)
    with open_variants(indexed_vcf, regions=_regions(random.Random(2), 3)) as src:
        assert src.read_mode == "indexed"
    with open_variants(indexed_vcf, regions=_regions(random.Random(2), 3), use_index=False) as src:
        assert src.read_mode == "streamed"
    assert opened == [0, 1]
    stream = vcf_stream.open_stream(str(indexed_vcf), read_ahead=False)
    try:
        assert stream.compression == "bgzf" and stream.fh.readline().startswith(b"##fileformat")
    finally:
        stream.close()


def test_svlen_spans_are_returned_as_htslib_returns_them(tmp_path: Path) -> None:
    """htslib 1.22 and later (pysam 0.24) index a symbolic ``<DEL>`` without INFO/END over the
    span its SVLEN gives (VCF 4.4), so its query of a region 180 kb after the record's POS
    returns it; the .tbi reader, which looked at REF and INFO/END only, dropped it."""
    pysam = pytest.importorskip("pysam")
    header = HEADER.replace("\tFORMAT\tTUMOUR", "")
    spans = {
        70_000: "chr1\t70000\t.\tN\t<DEL>\t.\tPASS\tSVLEN=-200000",  # reaches the region
        90_000: "chr1\t90000\t.\tN\t<DUP>\t.\tPASS\tSVLEN=1000",  # ends long before it
    }
    lines = [f"chr1\t{pos}\t.\tA\tC\t.\tPASS\t." for pos in range(150, 400_000, 300)]
    lines += spans.values()
    lines.sort(key=lambda line: int(line.split("\t")[1]))
    plain = tmp_path / "svlen.vcf"
    plain.write_text(header + "\n".join(lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf")
    vcf = str(plain) + ".gz"
    regions = RegionSet([("1", 250_040, 250_060, "g")])
    htslib = [raw.decode() for *_, raw in vcf_index.tabix_lines(vcf, vcf + ".tbi", regions)]
    if spans[70_000] not in htslib:
        pytest.skip("this htslib indexes a record without INFO/END at its REF only")
    info = vcf_index.read_index(vcf + ".tbi")
    assert info is not None
    ours = [raw.decode() for *_, raw in vcf_index.tbi_region_lines(vcf, info, regions)]
    assert ours == htslib == [spans[70_000], "chr1\t250050\t.\tA\tC\t.\tPASS\t."]
