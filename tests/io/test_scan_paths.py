"""The streamed scanner's two paths (line by line for small inputs, coarse regex + exact check
for large ones) find exactly the records inside fine-grained regions (exons +/- a margin)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from egfr_annot.io.regions import Interval, RegionSet
from egfr_annot.io.vcf import open_variants

HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n"
)
# Exon-like regions 1-5 kb apart on two contigs, and one far away.
REGIONS = RegionSet(
    [Interval("7", 1_000_000 + 3_000 * i, 1_000_000 + 3_000 * i + 400, f"G{i}") for i in range(60)]
    + [
        Interval("12", 25_000_000 + 10_000 * i, 25_000_000 + 10_000 * i + 200, "K")
        for i in range(5)
    ]
    + [Interval("12", 90_000_000, 90_000_100, "FAR")]
)


@pytest.fixture(autouse=True)
def _half_mib_small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The paths for large blocks (numpy, and the coarse regex) are exercised on files of a
    few MB: blocks of 512 KiB or more count as large here (2 MiB in production, a tuning)."""
    import egfr_annot.io.vcf_scan as vcf_scan

    monkeypatch.setattr(vcf_scan, "SMALL_BLOCK", 1 << 19)


def write_vcf(path: Path, n: int, seed: int) -> int:
    """n records near the regions; returns how many fall inside them."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        chrom = rng.choice(["7", "12", "chr7", "3"])
        base = 1_000_000 if chrom.endswith("7") else 25_000_000 if chrom == "12" else 5_000
        pos = base + rng.randrange(0, 200_000)
        records.append((chrom, pos))
    records.sort(key=lambda r: (r[0], r[1]))
    inside = sum(REGIONS.contains(c, p) for c, p in records)
    body = "".join(f"{c}\t{p}\t.\tA\tG\t.\tPASS\t.\tAD\t90,10\n" for c, p in records)
    path.write_text(HEADER + body)
    return inside


@pytest.mark.parametrize("n", [300, 40_000])  # below and above the small-block threshold
def test_both_scan_paths_find_exactly_the_region_records(tmp_path: Path, n: int) -> None:
    path = tmp_path / "x.vcf"
    inside = write_vcf(path, n, seed=n)
    assert 0 < inside < n
    with open_variants(str(path), regions=REGIONS) as source:
        calls = list(source.calls())
        counts = source.counts
    assert counts.records_read == n
    assert counts.records_in_panel == inside
    assert len(calls) == inside
    assert all(REGIONS.contains(c.chrom, c.pos) for c in calls)
    if n > 1000:
        assert path.stat().st_size > 1 << 19


def test_bad_pos_is_fatal_on_both_paths(tmp_path: Path) -> None:
    from egfr_annot.errors import InputError

    for n in (10, 20_000):
        path = tmp_path / f"bad{n}.vcf"
        body = "".join(f"3\t{1000 + i}\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n" for i in range(n))
        path.write_text(HEADER + body + "3\tx12\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n")
        with (
            pytest.raises(InputError, match=rf"{path.name}:{n + 4}:"),
            open_variants(str(path), regions=REGIONS) as source,
        ):
            list(source.calls())


# -- the vectorised selection of the scanning subprocess (issue #9) ---------------------------
def _scan(path: Path, *, use_numpy: bool) -> tuple[list[tuple[int, bytes, bool]], int]:
    from egfr_annot.io.vcf_scan import LineScanner
    from egfr_annot.io.vcf_stream import open_stream, read_header

    stream = open_stream(str(path))
    try:
        header, _ = read_header(stream, sample=None, normal=None)
        scanner = LineScanner(stream, first_line_no=header.n_header_lines + 1,
                              ncols=len(header.columns), regions=REGIONS, use_numpy=use_numpy)
        return list(scanner.lines()), scanner.records_read
    finally:
        stream.close()


def _selector_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records whether each block was decided by numpy (True) or handed back (False)."""
    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

    decided: list[bool] = []
    original = PanelLineSelector.select

    def spy(self: PanelLineSelector, *args: object, **kwargs: object) -> object:
        out = original(self, *args, **kwargs)  # type: ignore[arg-type]
        decided.append(out is not None)
        return out

    monkeypatch.setattr(PanelLineSelector, "select", spy)
    return decided


def test_numpy_selection_equals_the_exact_path(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numpy")
    path = tmp_path / "x.vcf"
    inside = write_vcf(path, 60_000, seed=5)  # ~2.4 MB: one large block
    decided = _selector_calls(monkeypatch)
    fast, n_fast = _scan(path, use_numpy=True)
    assert decided and all(decided)
    exact, n_exact = _scan(path, use_numpy=False)
    assert fast == exact and n_fast == n_exact == 60_000
    assert len(fast) == inside > 0
    # line numbers are file lines: header (3 lines) + record index
    lines = path.read_text().splitlines()
    assert all(lines[no - 1].encode() == raw for no, raw, _ in fast)


def _move_a_tab(body: str) -> str:
    lines = body.split("\n")
    lines[5] = lines[5].replace("\tA\tG\t", "\tA\tG\textra\t")  # 11 columns
    lines[9] = lines[9].replace("\tPASS\t.\t", "\tPASS\t")  # 9 columns
    return "\n".join(lines)


def _long_pos(body: str) -> str:
    lines = body.split("\n")
    fields = lines[7].split("\t")
    lines[7] = "\t".join([fields[0], "12345678901", *fields[2:]])  # 11 digits
    return "\n".join(lines)


def _pos_digits(digits: int) -> object:
    def spoil(body: str) -> str:
        lines = body.split("\n")
        fields = lines[7].split("\t")
        lines[7] = "\t".join([fields[0], "1" * digits, *fields[2:]])
        return "\n".join(lines)

    return spoil


@pytest.mark.parametrize(
    ("spoil", "handed_back"),
    [
        # a CHROM beyond 16 bytes: neither numpy path reads it
        (lambda body: body.replace("chr7\t", "NC_000007.14_alt_scaffold_x\t", 3), True),
        # 8-16 bytes: every tab of the block is found instead of reading words
        (lambda body: body.replace("chr7\t", "NC_000007.14\t"), False),
        (_pos_digits(11), False),  # POS of up to 15 digits are read
        (_pos_digits(16), True),
        # the selection needs CHROM and POS only; the parser checks a panel line's columns
        (_move_a_tab, False),
    ],
)
def test_numpy_selection_hands_odd_blocks_to_the_exact_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: object, handed_back: bool
) -> None:
    pytest.importorskip("numpy")
    path = tmp_path / "x.vcf"
    write_vcf(path, 30_000, seed=9)
    head, body = path.read_text().split("#CHROM", 1)
    path.write_text(head + "#CHROM" + spoil(body))  # type: ignore[operator]
    import egfr_annot.io.vcf_scan as vcf_scan

    monkeypatch.setattr(vcf_scan, "FIRST_BLOCK", vcf_scan.READ_BLOCK)  # one block (~1.3 MB)
    decided = _selector_calls(monkeypatch)
    fast, n_fast = _scan(path, use_numpy=True)
    assert decided == [not handed_back]
    exact, n_exact = _scan(path, use_numpy=False)
    assert fast == exact and n_fast == n_exact == 30_000
    assert len(fast) > 100


def test_numpy_path_bad_pos_is_the_same_one_line_error(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    from egfr_annot.errors import InputError

    path = tmp_path / "bad.vcf"
    body = "".join(f"7\t{1_000_000 + i}\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n" for i in range(30_000))
    path.write_text(HEADER + body + "7\t12e5\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n")
    with pytest.raises(InputError, match=rf"{path.name}:30004: POS '12e5' is not a number"):
        _scan(path, use_numpy=True)


def test_numpy_selection_maps_contig_spellings_and_unsorted_runs(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

    selector = PanelLineSelector(np, REGIONS, 9)
    rows = [("chr7", 1_000_100), ("7", 1_000_100), ("NC_000007.14", 1_003_050),
            ("chr12", 90_000_100), ("12", 90_000_101), ("chrX", 1_000_100), ("7", 999_999)]
    data = b"\n" + b"".join(f"{c}\t{p}\t.\tA\tG\t.\tPASS\t.\tAD\t9,1\n".encode()
                            for c, p in rows)
    arr = np.frombuffer(data, dtype=np.uint8)
    selected = selector.select(data, arr, np.flatnonzero(arr == 10))
    assert selected is not None
    offsets, numbers, candidates = selected.offsets, selected.numbers, selected.reaching
    picked = [data[o + 1:data.index(b"\t", o + 1)].decode() for o in offsets]
    assert picked == ["chr7", "7", "NC_000007.14", "chr12"]
    assert numbers == [0, 1, 2, 3]
    # the last line starts a base before a region and is longer than that: its REF may reach
    # into the region (the caller measures it)
    assert candidates == [(data.index(b"\n7\t999999\t"), 6, 999_999, 1_000_000)]
    # without the 12-byte name every CHROM fits a word: the same answer from the word path
    short = data.replace(b"NC_000007.14\t", b"chr7\t")
    arr = np.frombuffer(short, dtype=np.uint8)
    found = selector._short_names(short, arr, np.flatnonzero(arr == 10))
    assert found is not None
    again = selector.select(short, arr, np.flatnonzero(arr == 10))
    assert again is not None and again.numbers == numbers


@pytest.mark.parametrize("bad", [None, "1x", "x1", "12e5", "-5", "99999999:9", "7 "])
def test_numpy_positions_are_the_digits_of_every_pos(bad: str | None) -> None:
    # POS of mixed lengths (1-10 digits); one non-digit byte anywhere in any POS -> None
    np = pytest.importorskip("numpy")
    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

    rng = random.Random(7)
    texts = [str(rng.randrange(1, 10 ** rng.randrange(1, 11))) for _ in range(500)]
    if bad is not None:
        texts[rng.randrange(len(texts))] = bad
    data = b"\n" + b"".join(f"chr7\t{t}\t.\n".encode() for t in texts)
    arr = np.frombuffer(data, dtype=np.uint8)
    tabs = np.flatnonzero(arr == 9)
    tab1, tab2 = tabs[0::2], tabs[1::2]
    selector = PanelLineSelector(np, REGIONS, 2)
    pos = selector._positions(arr, tab2, tab2 - tab1 - 1)
    if bad is None:
        assert pos is not None and pos.tolist() == [int(t) for t in texts]
    else:
        assert pos is None


BAD_POS = ["1x", "x1", "1\xb52", "12e5", "-5", "99999999:9", "7 ", "1/2", "123456789012\x80",
           "\xff9", "00000000000000/", "9" * 16]


@pytest.mark.parametrize("bad", [None, *BAD_POS])
@pytest.mark.parametrize("chrom", ["7", "chr7", "chrUn_x"])  # CHROM of 1, 4 and 7 bytes
def test_word_positions_are_the_digits_of_every_pos(bad: str | None, chrom: str) -> None:
    # POS of every length 1-15 (8 bytes at a time, in one word or two), the first line of the
    # block included (its digits can start less than 8 bytes into the block); one POS that is
    # not a plain number anywhere -> None (the exact path names the line)
    np = pytest.importorskip("numpy")
    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

    rng = random.Random(11)
    texts = ["5", "12", str(10 ** 14 + 7)]
    texts += [str(rng.randrange(10 ** (d - 1), 10 ** d)) for d in range(1, 16) for _ in range(40)]
    if bad is not None:
        texts.insert(rng.randrange(len(texts)), bad)
    data = b"\n" + b"".join(f"{chrom}\t{t}\t.\tA\tG\t.\tPASS\t.\n".encode("latin-1")
                            for t in texts)
    arr = np.frombuffer(data, dtype=np.uint8)
    selector = PanelLineSelector(np, REGIONS, 7)
    found = selector._short_names(data, arr, np.flatnonzero(arr == 10))
    if bad is None:
        assert found is not None
        contig, pos = found
        assert pos.tolist() == [int(t) for t in texts]
        assert set(contig.tolist()) == {0 if chrom == "chrUn_x" else 2}  # "7": second contig
    else:
        assert found is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("\t5\t.\tA\tG\t.\tPASS\t.\n", "empty CHROM"),
        ("chr7_random\t5\t.\tA\tG\t.\tPASS\t.\n", "CHROM of 11 bytes"),
        ("7\t\t.\tA\tG\t.\tPASS\t.\n", "empty POS"),
        ("7\n5\t6\tA\tG\t.\tPASS\t.\t\n", "a newline inside the first columns"),
        ("7\t5\t.\n", "a last line too short to read words from"),
    ],
)
def test_word_path_leaves_irregular_lines_to_others(text: str, why: str) -> None:
    np = pytest.importorskip("numpy")
    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

    good = "".join(f"7\t{1_000_000 + i}\t.\tA\tG\t.\tPASS\t.\n" for i in range(50))
    last = "last line" in why
    data = ("\n" + good + text + ("" if last else good)).encode()
    arr = np.frombuffer(data, dtype=np.uint8)
    selector = PanelLineSelector(np, REGIONS, 7)
    assert selector._short_names(data, arr, np.flatnonzero(arr == 10)) is None, why


def test_word_path_names_differ_by_length_too() -> None:
    # "7" and "7<NUL>" fill their words alike; the name's length keeps them apart
    np = pytest.importorskip("numpy")
    from egfr_annot.io.vcf_scan_numpy import PanelLineSelector

    rows = [("7", 1_000_100), ("7\x00", 1_000_101), ("7", 1_000_102)]
    data = b"\n" + b"".join(f"{c}\t{p}\t.\tA\tG\t.\tPASS\t.\n".encode() for c, p in rows)
    arr = np.frombuffer(data, dtype=np.uint8)
    selector = PanelLineSelector(np, REGIONS, 7)
    assert selector._short_names(data, arr, np.flatnonzero(arr == 10)) is not None
    selected = selector.select(data, arr, np.flatnonzero(arr == 10))
    assert selected is not None and selected.numbers == [0, 2]


@pytest.mark.parametrize("block", [7, 4096, 100_000])
def test_lines_longer_than_a_read_block_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    # The scanner refills one buffer (64 KiB more than a block); a line that does not fit the
    # room left makes it grow.
    import egfr_annot.io.vcf_scan as vcf_scan

    path = tmp_path / "long.vcf"
    n_inside = write_vcf(path, 300, seed=3)
    with path.open("a") as fh:  # a last line without a newline, with a long INFO
        fh.write("7\t1000100\t.\tA\tG\t.\tPASS\t" + "X" * 70_000 + "\tAD\t9,1")
    expected = _scan(path, use_numpy=False)
    assert len(expected[0]) == n_inside + 1 and expected[1] == 301
    monkeypatch.setattr(vcf_scan, "READ_BLOCK", block)
    monkeypatch.setattr(vcf_scan, "FIRST_BLOCK", block)
    assert _scan(path, use_numpy=False) == expected
    if block < 50_000:  # the limit is checked while a line fills whole blocks
        monkeypatch.setattr(vcf_scan, "MAX_LINE", 50_000)
        from egfr_annot.errors import InputError

        with pytest.raises(InputError, match="line longer than 64 MiB"):
            _scan(path, use_numpy=False)


@pytest.mark.parametrize(("first", "block"), [(1 << 20, 1 << 22), (600_001, 700_000),
                                              (37, 1 << 19), (1 << 22, 1 << 19)])
@pytest.mark.parametrize("use_numpy", [False, True])
def test_first_block_size_changes_nothing_but_timing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: int, block: int, use_numpy: bool
) -> None:
    # The first read is smaller (its panel lines reach the parser sooner); every line, line
    # number and the record count stay the same whatever the two sizes are.
    import egfr_annot.io.vcf_scan as vcf_scan

    path = tmp_path / "big.vcf"
    n_inside = write_vcf(path, 60_000, seed=11)  # ~2.6 MB: several blocks of each size
    expected = _scan(path, use_numpy=False)
    assert len(expected[0]) == n_inside and expected[1] == 60_000
    monkeypatch.setattr(vcf_scan, "FIRST_BLOCK", first)
    monkeypatch.setattr(vcf_scan, "READ_BLOCK", block)
    assert _scan(path, use_numpy=use_numpy) == expected


# -- records that start before a region and reach into it with their REF ------------------------
def _near_the_regions(rng: random.Random) -> tuple[str, int]:
    """A CHROM (in either spelling) and a POS from 5 kb before REGIONS to well past them."""
    chrom = rng.choice(["7", "chr7", "12", "3"])
    base = 1_000_000 if chrom.endswith("7") else 25_000_000 if chrom == "12" else 5_000
    return chrom, base - 5_000 + rng.randrange(0, 200_000)


def write_deletions_vcf(path: Path, n: int, seed: int) -> list[tuple[str, int]]:
    """n records near the regions, some of them deletions of up to 3 kb; returns the
    (CHROM, POS) of those whose REF overlaps a region, as an index query reads them."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        chrom, pos = _near_the_regions(rng)
        length = rng.choice([1, 1, 1, 2, 30, 150, 250, 600, 3_000])
        records.append((chrom, pos, "".join(rng.choice("ACGT") for _ in range(length))))
    records.sort(key=lambda r: (r[0], r[1]))
    body = "".join(f"{c}\t{p}\t.\t{ref}\t{_deleted_or_changed(ref)}\t.\tPASS\t.\tAD\t9,1\n"
                   for c, p, ref in records)
    path.write_text(HEADER + body)
    return [(c, p) for c, p, ref in records if REGIONS.overlaps(c, p, p + len(ref) - 1)]


def _deleted_or_changed(ref: str) -> str:
    return ref[0] if len(ref) > 1 else "T" if ref == "G" else "G"


@pytest.mark.parametrize("n", [300, 12_000])  # line by line, and the coarse regex
def test_records_reaching_into_a_region_are_read_on_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    # A deletion from the intron into an exon starts before the exon's region: streamed, it
    # must be read as an index query reads it (a KRAS splice-site deletion was missed).
    pytest.importorskip("numpy")
    path = tmp_path / "x.vcf"
    expected = write_deletions_vcf(path, n, seed=n)
    reaching = [(c, p) for c, p in expected if not REGIONS.contains(c, p)]
    assert reaching and len(expected) > len(reaching)
    assert (path.stat().st_size > 1 << 19) is (n > 1000)  # (the block size decides the path)
    with open_variants(str(path), regions=REGIONS) as source:
        found = [(c.chrom, c.pos) for c in source.calls()]
        counts = source.counts
    assert found == expected and counts.records_in_panel == len(expected)
    decided = _selector_calls(monkeypatch)
    fast, _ = _scan(path, use_numpy=True)
    exact, _ = _scan(path, use_numpy=False)
    assert decided and all(decided) and fast == exact
    # the scanner hands on what the parser then checks (by_pos False: only by their REF)
    by_ref = [(raw.split(b"\t")[0].decode(), int(raw.split(b"\t")[1])) for _, raw, by_pos in fast
              if not by_pos]
    assert by_ref == reaching


def test_a_long_line_before_a_region_is_not_read_unless_its_ref_reaches(tmp_path: Path) -> None:
    # Long INFO (VEP's CSQ, say) makes long lines; only the REF counts.
    path = tmp_path / "x.vcf"
    info = "XX=" + "A" * 5_000
    rows = [f"7\t999000\t.\tA\tG\t.\tPASS\t{info}\tAD\t9,1",  # long line, 1-base REF
            f"7\t999000\t.\t{'C' * 999}\tC\t.\tPASS\t.\tAD\t9,1",  # ends a base short
            f"7\t999001\t.\t{'C' * 1000}\tC\t.\tPASS\t.\tAD\t9,1"]  # reaches 1,000,000
    path.write_text(HEADER.replace("#CHROM", '##INFO=<ID=XX,Number=1,Type=String,Description="x">'
                                   "\n#CHROM") + "\n".join(rows) + "\n")
    with open_variants(str(path), regions=REGIONS) as source:
        found = [(c.pos, len(c.ref)) for c in source.calls()]
        counts = source.counts
    assert found == [(999_001, 1000)]
    assert counts.records_read == 3 and counts.records_in_panel == 1


def test_numpy_is_imported_only_for_a_large_block(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Streamed in this process, a small file is read line by line without numpy's import
    # (~50 ms); the first large block imports it, once, and numpy decides the large blocks.
    pytest.importorskip("numpy")
    import egfr_annot.io.vcf_scan as vcf_scan

    imports: list[bool] = []
    real = vcf_scan._numpy

    def counting() -> object:
        imports.append(True)
        return real()

    monkeypatch.setattr(vcf_scan, "_numpy", counting)
    decided = _selector_calls(monkeypatch)
    for n, numpy_used in ((300, False), (60_000, True)):
        imports.clear()
        decided.clear()
        path = tmp_path / f"x{n}.vcf"
        inside = write_vcf(path, n, seed=n)
        with open_variants(str(path), regions=REGIONS) as source:
            assert sum(1 for _ in source.calls()) == inside
        assert imports == ([True] if numpy_used else [])
        assert bool(decided) is numpy_used and all(decided)


def write_gvcf_like(path: Path, n: int, seed: int) -> list[tuple[str, int]]:
    """n records near the regions, most with an INFO/END (gVCF blocks of up to 5 kb) or an
    SVLEN, some with a look-alike key; returns (CHROM, POS) of those whose span overlaps a
    region."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        chrom, pos = _near_the_regions(rng)
        end = pos + rng.choice([0, 3, 90, 800, 2_500, 5_000])
        info = rng.choice([f"END={end}", f"DP=9;END={end}", f"XEND={end}", "DP=3",
                           f"END={end};X=1", f"SVLEN=-{end - pos}", f"DP=1;SVLEN={end - pos}",
                           f"XSVLEN={end - pos}"])
        span = "XEND" not in info and "XSVLEN" not in info and info != "DP=3"
        records.append((chrom, pos, info, end if span else pos))
    records.sort(key=lambda r: (r[0], r[1]))
    body = "".join(f"{c}\t{p}\t.\tA\t<NON_REF>\t.\tPASS\t{info}\tAD\t9,1\n"
                   for c, p, info, _ in records)
    header = HEADER.replace("#CHROM", '##INFO=<ID=END,Number=1,Type=Integer,Description="e">\n'
                            '##INFO=<ID=XEND,Number=1,Type=Integer,Description="x">\n'
                            '##INFO=<ID=DP,Number=1,Type=Integer,Description="d">\n'
                            '##INFO=<ID=X,Number=1,Type=Integer,Description="x">\n'
                            '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="s">\n'
                            '##INFO=<ID=XSVLEN,Number=1,Type=Integer,Description="x">\n#CHROM')
    path.write_text(header + body)
    return [(c, p) for c, p, _, end in records if REGIONS.overlaps(c, p, end)]


def test_gvcf_blocks_reaching_a_region_are_found_by_numpy_as_by_the_regex(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A gVCF has an END on every line: numpy reads them (the regex took ~1.5 us per line, a
    # 1M-record gVCF-like file 2.1 s instead of 0.6 s); the same lines either way.
    pytest.importorskip("numpy")
    from egfr_annot.io.vcf_stream import open_stream, read_header

    path = tmp_path / "g.vcf"
    expected = write_gvcf_like(path, 40_000, seed=8)
    assert path.stat().st_size > 1 << 19

    def scan(use_numpy: bool) -> list[tuple[int, bytes, bool]]:
        from egfr_annot.io.vcf_scan import LineScanner

        stream = open_stream(str(path))
        try:
            header, _ = read_header(stream, sample=None, normal=None)
            scanner = LineScanner(stream, first_line_no=header.n_header_lines + 1,
                                  ncols=len(header.columns), regions=REGIONS,
                                  span_keys=True, use_numpy=use_numpy)
            return list(scanner.lines())
        finally:
            stream.close()

    from egfr_annot.io.vcf_scan import LineScanner

    regex_used: list[bool] = []
    real_span_regex = LineScanner._span_regex

    def span_regex(self: LineScanner, regions: RegionSet) -> object:
        regex_used.append(True)
        return real_span_regex(self, regions)

    monkeypatch.setattr(LineScanner, "_span_regex", span_regex)
    decided = _selector_calls(monkeypatch)
    fast = scan(True)
    assert decided and all(decided) and regex_used == []  # (numpy read every END)
    assert fast == scan(False) and regex_used
    handed_on = [(raw.split(b"\t")[0].decode(), int(raw.split(b"\t")[1])) for _, raw, _ in fast]
    # every record whose span overlaps a region, and no record whose key only looks like END
    assert set(expected) <= set(handed_on)
    assert all(b"XEND" not in raw and b"XSVLEN" not in raw for _, raw, by_pos in fast
               if not by_pos)
    lines = path.read_text().splitlines()
    assert all(lines[no - 1].encode() == raw for no, raw, _ in fast)
    reached = [e for e in expected if not REGIONS.contains(*e)]
    assert reached and sum(1 for _, _, by_pos in fast if not by_pos) >= len(reached)
