"""Opening a VCF byte stream and reading its header.

The compression is decided by magic bytes, never by the file name: gzip/BGZF (``1f 8b``) is
decompressed with python-isal in a background thread (big blocks, the GIL is released while
inflating), plain text is read as is, and BCF (``BCF\\2`` after optional BGZF) is detected so the
caller can hand it to cyvcf2. ``-`` reads standard input.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from dataclasses import dataclass
from typing import IO, Any, Final, Literal

from egfr_annot.errors import InputError
from egfr_annot.io.vcf_header import MANDATORY_COLUMNS, HeaderBuilder, VcfHeader

Compression = Literal["plain", "gzip", "bgzf"]
GZIP_MAGIC: Final = b"\x1f\x8b"
BCF_MAGIC: Final = b"BCF\x02"
READ_BLOCK: Final = 1 << 22  # 4 MiB decompressed per read
MAX_HEADER_LINE: Final = 1 << 24  # a longer "header line" means binary garbage
BGZF_EOF: Final = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@dataclass(slots=True)
class OpenedStream:
    """A decompressed binary stream positioned at the first byte, plus what it is."""

    fh: IO[bytes]
    compression: Compression
    is_bcf: bool
    path: str  # as given ("-" for stdin)
    spooled_path: str | None = None  # stdin BCF copied to a temporary file
    # the file as read (fh decompresses it), and the sha256 of the bytes read from it so far
    raw: IO[bytes] | None = None
    digest: Any = None

    def close(self) -> None:
        try:
            self.fh.close()
        finally:
            if self.raw is not None and self.path != "-":
                self.raw.close()  # (the gzip reader leaves a file object it is given open)
            if self.spooled_path:
                with contextlib.suppress(OSError):
                    os.unlink(self.spooled_path)

    def finish_checksum(self) -> str | None:
        """The sha256 of the whole input, once ``fh`` has been read to its end: what follows
        the last gzip member is read and hashed too, so the value is the file's ``sha256sum``.
        Closes the stream. None when the stream was opened without ``checksum``."""
        if self.digest is None or self.raw is None:
            self.close()
            return None
        if self.fh is not self.raw:
            self.fh.close()  # (joins the inflating thread: nothing else reads ``raw`` after it)
        while self.raw.read(1 << 20):
            pass
        self.close()
        return str(self.digest.hexdigest())


class _HashingRaw(io.RawIOBase):
    """A raw file whose bytes go into ``digest`` as they are read, in order: the checksum of
    the bytes the reader really read, without reading the file a second time (issues #7, #9).
    It works for standard input and pipes too, which cannot be read twice."""

    def __init__(self, raw: Any, digest: Any, *, close_raw: bool) -> None:
        super().__init__()
        self._raw = raw
        self._digest = digest
        self._close_raw = close_raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        n = self._raw.readinto(buffer)
        if n:
            with memoryview(buffer) as view:
                self._digest.update(view[:n])
        return n  # type: ignore[no-any-return]

    def close(self) -> None:
        if not self.closed and self._close_raw:
            self._raw.close()
        super().close()


def _open_raw(path: str, digest: Any) -> tuple[Any, Any]:
    """The buffered input (``path`` or standard input), hashed into ``digest`` as it is read
    when a digest is given; and the digest it feeds (None when it is not hashed)."""
    if path == "-":
        stdin: Any = sys.stdin.buffer
        if digest is not None and hasattr(stdin, "readinto"):
            # read through the hash from where standard input stands (its own buffer first)
            return io.BufferedReader(_HashingRaw(stdin, digest, close_raw=False),
                                     buffer_size=1 << 20), digest
        return (stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)), None
    if digest is None:
        return open(path, "rb", buffering=1 << 20), None  # noqa: SIM115 - see OpenedStream
    return io.BufferedReader(_HashingRaw(open(path, "rb", buffering=0), digest,  # noqa: SIM115
                                         close_raw=True), buffer_size=1 << 20), digest


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _is_bgzf(head: bytes) -> bool:
    # gzip header with FEXTRA and a "BC" subfield (SAM/BAM spec, BGZF)
    return len(head) >= 14 and head[3] & 4 != 0 and head[12:14] == b"BC"


def open_stream(path: str, *, read_ahead: bool = True, checksum: bool = False) -> OpenedStream:
    """Open ``path`` (or ``-``) and return a decompressed binary stream.

    ``read_ahead``: gzip is inflated by a thread in 2 MB blocks, for reading on. Without it
    (a file read through its index: only the header comes from here) the first lines arrive at
    once instead of after the first block (~15 ms for a large file).
    ``checksum``: hash the input as it is read (:meth:`OpenedStream.finish_checksum`).

    Raises
    ------
    InputError
        The file cannot be opened, is empty, or its compressed data is corrupt at the start.
    """
    name = display_name(path)
    digest = None
    if checksum:
        import hashlib

        digest = hashlib.sha256()
    try:
        raw, digest = _open_raw(path, digest)
        head = raw.peek(18)[:18]
    except FileNotFoundError as err:
        raise InputError(name, None, "no such file") from err
    except IsADirectoryError as err:
        raise InputError(name, None, "is a directory, not a VCF file") from err
    except OSError as err:
        raise InputError(name, None, f"cannot open: {err.strerror or err}") from err
    if not head:
        if path != "-":
            raw.close()
        raise InputError(name, None, "empty file (0 bytes): not a VCF")
    if head[:2] == GZIP_MAGIC:
        from isal import igzip_threaded

        compression: Compression = "bgzf" if _is_bgzf(head) else "gzip"
        fh: Any = igzip_threaded.open(  # type: ignore[no-untyped-call]
            _ShortReads(raw) if read_ahead else raw, "rb", threads=1 if read_ahead else 0,
            block_size=1 << 21,
        )
    else:
        compression = "plain"
        fh = raw
    try:
        first = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
    except Exception as err:  # noqa: BLE001 - any decompression error: not readable gzip
        fh.close()
        if path != "-":
            raw.close()
        raise _corrupt_data_error(name, None, err) from err
    stream = OpenedStream(fh, compression, first == BCF_MAGIC, path, raw=raw, digest=digest)
    if stream.is_bcf and path == "-":
        stream = _spool_stdin_bcf(stream)
    return stream


class _ShortReads(io.RawIOBase):
    """``raw`` read at most 1 MiB at a time. The threaded inflater asks for 8 of its 2 MB
    blocks of compressed data at once (16 MB): its first block came only after the whole
    read, ~10 ms for a large file (the scanning child's first lines wait for it). Closing it
    leaves ``raw`` open, as the inflater does with a file object it is given."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with memoryview(buffer) as view:
            return self._raw.readinto(view[:_SHORT_READ])  # type: ignore[no-any-return]


_SHORT_READ: Final = 1 << 20


def _spool_stdin_bcf(stream: OpenedStream) -> OpenedStream:
    """cyvcf2 needs a file name: copy a BCF arriving on stdin to a temporary file."""
    fd, tmp = tempfile.mkstemp(suffix=".bcf")
    with os.fdopen(fd, "wb") as out:
        while True:
            block = read_block(stream, READ_BLOCK, line=None)
            if not block:
                break
            out.write(block)
    stream.fh.close()
    return OpenedStream(open(tmp, "rb"), "plain", True, "-", spooled_path=tmp)  # noqa: SIM115


def _corrupt_data_error(name: str, line: int | None, err: BaseException) -> InputError:
    """The one-line error for a decompression failure (isal/zlib raise several unrelated
    types; a truncated file raises EOFError)."""
    text = str(err) or type(err).__name__
    if isinstance(err, EOFError):
        text = f"the file ends too early ({text})"
    return InputError(name, line, f"corrupt or truncated compressed data: {text}")


def read_block(stream: OpenedStream, size: int, *, line: int | None) -> bytes:
    """Read up to ``size`` decompressed bytes; decompression errors become InputError."""
    try:
        return stream.fh.read(size)
    except Exception as err:  # noqa: BLE001 - isal/zlib raise several unrelated types
        raise _corrupt_data_error(display_name(stream.path), line, err) from err


def read_into(stream: OpenedStream, buffer: memoryview, *, line: int | None) -> int:
    """Fill ``buffer`` with decompressed bytes (fewer at the end); returns how many. Reusing one
    buffer spares a large allocation and its page faults per block (issue #9)."""
    try:
        return stream.fh.readinto(buffer)  # type: ignore[attr-defined, no-any-return]
    except Exception as err:  # noqa: BLE001 - isal/zlib raise several unrelated types
        raise _corrupt_data_error(display_name(stream.path), line, err) from err


def _readline(stream: OpenedStream, line_no: int) -> bytes:
    try:
        return stream.fh.readline(MAX_HEADER_LINE)
    except Exception as err:  # noqa: BLE001
        raise _corrupt_data_error(display_name(stream.path), line_no, err) from err


def _decode_header_line(raw: bytes, builder: HeaderBuilder, line_no: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        builder.problems.append((line_no, "non-UTF-8 bytes in a header line (replaced)"))
    return text.rstrip("\r\n")


def read_header(
    stream: OpenedStream,
    *,
    sample: str | None,
    normal: str | None,
) -> tuple[VcfHeader, list[tuple[int, str]]]:
    """Read header lines up to and including ``#CHROM``; the stream is left at the first
    record. Returns the header and the tolerable problems met (line, text)."""
    name = display_name(stream.path)
    builder = HeaderBuilder(name)
    line_no = 0
    while True:
        raw = _readline(stream, line_no + 1)
        if not raw:
            if line_no == 0:
                raise InputError(name, None, "empty file (no data after decompression): "
                                 "not a VCF")
            raise InputError(name, line_no, "no #CHROM header line before the end of the file")
        line_no += 1
        builder.n_bytes += len(raw)
        if line_no == 1:
            raw = _strip_bom(raw, builder, name)
        if line_no == 1 and not raw.startswith(b"#"):
            raise InputError(name, 1, "not a VCF file (it does not start with '##fileformat=VCF')")
        if not raw.endswith(b"\n") and len(raw) >= MAX_HEADER_LINE:
            raise InputError(name, line_no, "header line too long: not a VCF file")
        if raw.startswith(b"##"):
            text = _decode_header_line(raw, builder, line_no)
            if line_no == 1 and not text.startswith("##fileformat=VCF"):
                raise InputError(name, 1,
                                 "not a VCF file (first line is not '##fileformat=VCFv4.x')")
            builder.add_meta(text, line_no)
            continue
        if raw.startswith(b"#"):
            text = _decode_header_line(raw, builder, line_no)
            if line_no == 1:
                builder.problems.append((1, "no ##fileformat line (read as VCF anyway)"))
            columns = _check_columns(text, name, line_no, builder.problems)
            builder.n_lines = line_no
            pseudo = _pseudo_sample(stream.path)
            header = builder.finish(columns, sample=sample, normal=normal, pseudo_sample=pseudo)
            if header.file_format is not None and not header.file_format.startswith("VCFv4"):
                builder.problems.append((1, f"unexpected VCF version {header.file_format!r}"))
            return header, builder.problems
        raise InputError(name, line_no,
                         "record before the #CHROM header line (the #CHROM line is missing)")


def _strip_bom(raw: bytes, builder: HeaderBuilder, name: str) -> bytes:
    """A UTF-8 byte-order mark (Windows editors) is dropped with a warning; UTF-16 is refused
    with a clear message instead of 'not a VCF'."""
    if raw.startswith(b"\xef\xbb\xbf"):
        builder.problems.append((1, "UTF-8 byte-order mark at the start of the file ignored"))
        return raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, 1, "the file is UTF-16 text: save it as UTF-8 (or ASCII) VCF")
    return raw


def _check_columns(text: str, name: str, line_no: int,
                   problems: list[tuple[int, str]] | None = None) -> list[str]:
    columns = text.split("\t")
    if len(columns) > 9 and columns[-1] == "":
        columns.pop()  # a trailing tab: not an empty sample name
        if problems is not None:
            problems.append((line_no, "trailing tab at the end of the #CHROM line ignored"))
    if len(columns) < 8:
        hint = " (columns must be separated by tabs)" if " " in text.strip() else ""
        raise InputError(name, line_no, f"the #CHROM header line has {len(columns)} column(s), "
                         f"VCF needs at least 8{hint}")
    for expected, got in zip(MANDATORY_COLUMNS, columns, strict=False):
        if got.upper() != expected:
            raise InputError(name, line_no,
                             f"the #CHROM header line has {got!r} where {expected!r} belongs")
    if len(columns) > 8 and columns[8].upper() != "FORMAT":
        raise InputError(name, line_no, f"column 9 of the #CHROM line is {columns[8]!r}, "
                         "expected 'FORMAT'")
    samples = columns[9:]
    seen: set[str] = set()
    for s in samples:
        if not s.strip():
            raise InputError(name, line_no, "empty sample name in the #CHROM header line")
        if s in seen:
            raise InputError(name, line_no, f"sample {s!r} appears twice in the #CHROM line")
        seen.add(s)
    return columns


def _pseudo_sample(path: str) -> str:
    if path == "-":
        return "stdin"
    base = os.path.basename(path)
    for suffix in (".gz", ".bgz", ".vcf", ".bcf"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    return base or "sample"


def has_bgzf_eof(path: str) -> bool:
    """Does a BGZF file end with the standard 28-byte EOF block (i.e. is not truncated)?"""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell() < len(BGZF_EOF):
                return False
            fh.seek(-len(BGZF_EOF), os.SEEK_END)
            return fh.read() == BGZF_EOF
    except OSError:
        return False
