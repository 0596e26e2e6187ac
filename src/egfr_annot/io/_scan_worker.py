"""Child process that decompresses and scans a large VCF while the parent parses (issue #9).

Run as ``python -m egfr_annot.io._scan_worker``: imports what it needs, then reads a JSON job
from stdin (path, header line count, column count, merged regions, whether to look for spans,
and the file descriptor to write to: an unlinked temporary file the parent reads behind it; an
empty stdin means no job: exit) and writes length-prefixed pickled messages:

- ``("lines", [(line_no, raw_line, by_pos), ...])`` batches of panel lines, in file order;
- ``("done", records_read, blank_lines, first_blank_line)`` at the end;
- ``("error", line_or_None, problem)`` for a bad input (the parent raises InputError).

After each message it writes a byte to the job's ``wake_fd`` (a pipe), so that a parent that
has read everything can wait for the next message instead of polling.

Only this package's own messages travel over the pipe (pickle is safe here: both ends are
egfr-annot). The parent owns the process and ends it if it stops reading early.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import struct
import sys
import time
from typing import IO, Any

BATCH_LINES = 512
# A batch also goes out when lines waited this long (seconds): the parent parses the first
# lines while this process scans on, instead of waiting for 512 of them (~9 % of a WGS file).
BATCH_WAIT = 0.005


def _send(out: IO[bytes], message: tuple[Any, ...]) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(struct.pack("<I", len(payload)))
    out.write(payload)


def _publish(out: IO[bytes], wake_fd: int | None) -> None:
    """Flush the messages written so far, then tell a parent waiting for one that they are
    there (in that order: it reads as soon as it wakes)."""
    out.flush()
    if wake_fd is not None:
        with contextlib.suppress(BlockingIOError):  # full: the parent has bytes to read
            os.write(wake_fd, b"m")


def run(job: dict[str, Any], out: IO[bytes], wake_fd: int | None = None) -> int:
    from egfr_annot.errors import InputError
    from egfr_annot.io.regions import RegionSet
    from egfr_annot.io.vcf_scan import LineScanner
    from egfr_annot.io.vcf_stream import open_stream

    try:
        stream = open_stream(job["path"])
        try:
            for _ in range(job["header_lines"]):
                if not stream.fh.readline():
                    raise InputError(job["name"], None, "file changed while reading its header")
            scanner = LineScanner(
                stream,
                first_line_no=job["header_lines"] + 1,
                ncols=job["ncols"],
                regions=RegionSet(tuple(r) for r in job["regions"]),
                span_keys=job["span_keys"],
                use_numpy=True,
            )
            batch: list[tuple[int, bytes, bool]] = []
            sent = time.monotonic()
            for item in scanner.lines():
                batch.append(item)
                now = time.monotonic()
                if len(batch) >= BATCH_LINES or now - sent >= BATCH_WAIT:
                    _send(out, ("lines", batch))
                    _publish(out, wake_fd)
                    batch = []
                    sent = now
            if batch:
                _send(out, ("lines", batch))
            _send(out, ("done", scanner.records_read, scanner.blank_lines,
                        scanner.first_blank_line))
        finally:
            stream.close()
    except InputError as err:
        _send(out, ("error", err.line, err.problem))
    _publish(out, wake_fd)
    return 0


def main() -> int:
    # Import first, then wait for the job: a process started before its job is known
    # (scan_child.prestart_scan_process) has its imports done by the time the job arrives.
    import isal.igzip_threaded  # noqa: F401

    import egfr_annot.io.vcf_scan  # noqa: F401
    import egfr_annot.io.vcf_scan_numpy  # noqa: F401

    with contextlib.suppress(ImportError):  # numpy comes with cyvcf2; LineScanner copes
        import numpy  # noqa: F401

    text = sys.stdin.buffer.read()
    if not text:
        return 0  # the parent did not need this process after all
    job = json.loads(text.decode("utf-8"))
    wake_fd = job.get("wake_fd")
    if wake_fd is not None:
        os.set_blocking(wake_fd, False)  # never wait for the parent to read it
    with os.fdopen(job["out_fd"], "wb", buffering=1 << 20) as out:
        return run(job, out, wake_fd)


if __name__ == "__main__":
    code = main()
    # Everything is written (the message file is closed, the wake byte sent): skip the
    # interpreter's teardown (freeing numpy and the scan's buffers, ~10 ms of CPU that the
    # parent, still parsing the last lines, would share a core with).
    sys.stderr.flush()
    os._exit(code)
