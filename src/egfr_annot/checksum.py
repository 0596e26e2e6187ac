"""The input's sha256 for the outputs' provenance, computed in a background thread (issue #9).
Standard-library imports only: ``egfr-annot run`` starts it before the pipeline's imports."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable

# An indexed run of a file below this size hashes it once its knowledge base is loaded, not
# from the start: sha256 runs at ~1.4 GB/s here, so a 100 MB file takes ~75 ms, which still
# ends with the ~0.1 s of reading and annotating that follow the loading, and the hash slowed
# the imports and loading beside it by ~10 ms (issue #9: the 5M-record file, 110 MB, in two
# sets of 21 alternating runs: 210 -> 202 and 223 -> 208 ms). A larger file's hash would
# outlast the run: it starts at once.
HASH_AFTER_LOADING_MAX_BYTES = 128 << 20
# The GIL switch interval while a hash that waits for the scanning child runs (seconds). That
# thread takes the GIL back a few times once the child has exited, while the main thread parses
# the last records: each take waited up to the default 5 ms (1M file, alternating runs:
# 377.2 -> 369.7 and 369.6 -> 366.3 ms with 0.5 ms, issue #9). It matters only while two threads
# want the GIL; the previous value comes back when the hash is done.
HASH_SWITCH_INTERVAL = 0.0005


def hash_after_loading(path: str) -> bool:
    """Should the checksum thread of the indexed file ``path`` start only once the run has
    loaded its knowledge base (a file small enough to be hashed by the end of the run)?"""
    try:
        return os.stat(path).st_size < HASH_AFTER_LOADING_MAX_BYTES
    except OSError:
        return False  # (the reader reports the file)


def start_sha256_before_loading(path: str, *, after: Callable[[], object] | None = None
                                ) -> Callable[[], str | None] | None:
    """The checksum of a file this process does not stream, started before the knowledge base
    is loaded: one read by the scanning child (``after``: wait for the child, then hash), or an
    indexed file too large to be hashed by the end of the run. None for a smaller indexed file
    (:func:`hash_after_loading`): the caller starts :func:`start_sha256` once it has loaded.
    (``egfr-annot run`` asks before its imports, ``pipeline.annotate_input`` when it was not
    asked.)"""
    if after is None and hash_after_loading(path):
        return None
    return start_sha256(path, after=after)


def start_sha256(path: str, *, after: Callable[[], object] | None = None
                 ) -> Callable[[], str | None]:
    """Hash ``path`` in a background thread (hashlib releases the GIL on large blocks), so an
    indexed run that reads a few kilobases of a 100 MB file does not wait for its checksum.
    ``after``: wait for it first (a large file's scanning child: both its threads and ours
    have the cores until it is done; after it, one core is idle, issue #9). A file streamed in
    this process is hashed as it is read instead (``vcf_stream.open_stream(checksum=)``).
    Returns a function that waits for the digest."""
    if path == "-":
        return lambda: None
    import threading

    outcome: list[str | None | BaseException] = []

    def work() -> None:
        previous = sys.getswitchinterval()
        try:
            if after is not None:
                sys.setswitchinterval(min(previous, HASH_SWITCH_INTERVAL))
                after()
            outcome.append(sha256_of(path))
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller's thread
            outcome.append(err)
        finally:
            sys.setswitchinterval(previous)

    thread = threading.Thread(target=work, name="egfr-annot-sha256", daemon=True)
    thread.start()

    def result() -> str | None:
        thread.join()
        value = outcome[0]
        if isinstance(value, BaseException):
            raise value
        return value

    return result


_HASH_CHUNK = 32 << 20  # a multiple of mmap.ALLOCATIONGRANULARITY (chunks are mapped apart)
# A file below this size is mapped and hashed in one piece: the thread then takes the GIL back
# once, not once per chunk (each take can wait out the main thread's 5 ms switch interval; the
# indexed 5M-record file, 110 MB: 203 -> 198 ms in 21 alternating runs, issue #9). Its pages
# (clean page cache, shared) count in RSS while mapped: at most this much.
_ONE_MAPPING_MAX_BYTES = 128 << 20


def sha256_of(path: str) -> str | None:
    """sha256 of a regular file; None for standard input and pipes (read once, by the
    reader)."""
    if path == "-":
        return None
    import mmap
    import stat

    if not stat.S_ISREG(os.stat(path).st_mode):
        return None  # a pipe (<(zcat ...)) is read once, by the reader: like stdin
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        # Each 32 MB chunk (or the whole file, below _ONE_MAPPING_MAX_BYTES) is mapped, hashed
        # inside hashlib's C loop (which runs without the GIL) and unmapped (close() too runs
        # without it; madvise(DONTNEED) held the GIL ~2 ms per chunk against the main thread):
        # this thread takes the GIL back a few times only, each take can wait the 5 ms switch
        # interval, and RSS grows by one chunk at most (issue #9). (A file truncated while it
        # is hashed would end the process with SIGBUS; the reader would find it broken too.)
        step = size if size < _ONE_MAPPING_MAX_BYTES else _HASH_CHUNK
        for start in range(0, size, max(step, 1)):
            chunk = mmap.mmap(fh.fileno(), min(step, size - start),
                              access=mmap.ACCESS_READ, offset=start)
            try:
                with memoryview(chunk) as view:
                    digest.update(view)
            finally:
                chunk.close()
    return digest.hexdigest()
