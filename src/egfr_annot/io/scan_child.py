"""The scanning child process of large streamed files, and whether and when to start it (issue
#9). Only standard-library imports: ``egfr-annot run`` starts the child before it imports the
pipeline, so that the child's own start-up (Python, numpy: ~0.1 s) overlaps as much of this
process's as it can."""

from __future__ import annotations

import os
import sys
from typing import IO

# Files at least this large are scanned by a child process, when a second core is free for it.
# Its start-up (~90 ms of CPU: Python, numpy) overlaps this process's own, so that it already
# pays off for medium files: streamed in this process / by the child, 25,000 records (0.56 MB
# bgzipped) 186 / 138 ms, 100,000 records (2.2 MB) 236 / 184 ms (issue #9).
SUBPROCESS_MIN_COMPRESSED = 1 << 20
SUBPROCESS_MIN_PLAIN = 8 << 20
SCAN_PROCESS_ENV = "EGFR_ANNOT_SCAN_PROCESS"


def scan_process_wanted(path: str, *, compressed: bool) -> bool:
    """Scan in a child process for large files (decompression + scanning then overlap with
    parsing here), except inside a multiprocessing worker (batch mode).
    ``EGFR_ANNOT_SCAN_PROCESS=0``/``1`` forces it off/on."""
    setting = _setting()
    if setting == "off" or path == "-":
        return False
    if os.name != "posix" or not sys.executable:
        return False  # the child inherits its output file descriptor (POSIX only)
    import stat

    try:
        info = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False  # a pipe (<(zcat ...)): the child could not reopen it
    if setting == "on":
        return True
    if info.st_size < (SUBPROCESS_MIN_COMPRESSED if compressed else SUBPROCESS_MIN_PLAIN):
        return False
    if _usable_cpus() < 2:
        return False  # one core: the child's start-up would only add to this process's work
    # Not in a batch worker (the pool already uses the cores). A process that multiprocessing
    # started has it imported; looking it up instead of importing it saves ~6 ms before the
    # child starts.
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is None or multiprocessing.parent_process() is None


def _usable_cpus() -> int:
    """CPUs this process may use: its affinity mask (`taskset`, a cpuset), capped by a cgroup
    CPU quota (`docker --cpus`, a Kubernetes or batch-system limit) rounded down."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return cpus if quota is None else max(1, min(cpus, int(quota)))


def _cgroup_cpu_quota(root: str = "/sys/fs/cgroup") -> float | None:
    """The cgroup's CPU quota in CPUs (quota / period), or None when there is none or it
    cannot be read. cgroup v2 (``cpu.max``: "max 100000" or "150000 100000"), then v1."""
    try:
        with open(os.path.join(root, "cpu.max")) as fh:
            quota, period = fh.read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(root, "cpu", "cpu.cfs_quota_us")) as fh:
            quota_us = int(fh.read())
        with open(os.path.join(root, "cpu", "cpu.cfs_period_us")) as fh:
            period_us = int(fh.read())
    except (OSError, ValueError):
        return None
    return None if quota_us <= 0 or period_us <= 0 else quota_us / period_us


def _setting() -> str:
    """``EGFR_ANNOT_SCAN_PROCESS``: "on", "off" or "auto"."""
    setting = os.environ.get(SCAN_PROCESS_ENV, "auto").strip().lower()
    if setting in ("0", "no", "off", "false"):
        return "off"
    return "on" if setting in ("1", "yes", "on", "true") else "auto"


def prestart_scan_process(path: str | os.PathLike[str], *, use_index: bool = True
                          ) -> ScanProcess | None:
    """Start the scanning child for ``path`` now, when the file will be streamed by one (large,
    VCF text, no index to query), so that its start-up (~0.1 s: Python, numpy) overlaps the
    caller's own loading. Pass it to ``vcf.open_variants``, which ends it if it is not needed.
    Any doubt (unreadable file, BCF, an index next to it): None, and the source starts its
    child itself when it needs one."""
    import stat
    import zlib

    path = os.fspath(path)
    if path == "-":
        return None
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None  # a pipe (<(zcat ...)): reading its start here would take it away
        if info.st_size < SUBPROCESS_MIN_COMPRESSED and _setting() != "on":
            return None  # too small for a child in any case (`run` and the pipeline both ask)
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return None
    compressed = head[:2] == b"\x1f\x8b"
    if compressed:
        try:
            text = zlib.decompressobj(31).decompress(head, 4)
        except zlib.error:
            return None
        if use_index and find_index(path) is not None:
            return None
    else:
        text = head
    if not text.startswith(b"##") or not scan_process_wanted(path, compressed=compressed):
        return None  # BCF, or not a VCF at all: the source reports it
    return ScanProcess(path)


class ScanProcess:
    """A child Python process (``egfr_annot.io._scan_worker``) that scans a file for a
    ``vcf_scan.SubprocessScanner``. It can be started before its job is known (see
    :func:`prestart_scan_process`): the child imports what it needs (numpy, isal) and then waits
    for the job on its standard input, so its ~0.1 s start-up overlaps this process's own.
    ``path``: the file it was started for, if known (the job names the file it reads)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        import subprocess
        import tempfile

        import egfr_annot

        package_root = os.path.dirname(os.path.dirname(os.path.abspath(egfr_annot.__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        # numpy's OpenBLAS starts a thread pool on import that spins for ~50 ms of CPU, taken
        # from this process's own start-up; the child does no linear algebra.
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
        # The child writes its messages to an unlinked temporary file that this process reads
        # behind it: neither side ever waits for the other (panel lines come in bursts in a
        # sorted file, and a pipe would make the child wait while the parser catches up).
        fd, tmp = tempfile.mkstemp(prefix="egfr-annot-scan-")
        self.read_fd: int | None = os.open(tmp, os.O_RDONLY)
        os.unlink(tmp)
        self.out_fd = fd
        # After each message the child also writes a byte to this pipe (without ever waiting
        # on it): a reader that has caught up waits on it, and wakes at the next message or
        # when the child exits (its end closes), not after a polling interval.
        self.wake_fd: int | None
        self.wake_fd, child_wake_fd = os.pipe()
        self.child_wake_fd = child_wake_fd
        self.errors: IO[bytes] | None = tempfile.TemporaryFile()  # noqa: SIM115 - see close()
        self.job_sent = False
        try:
            self.proc: subprocess.Popen[bytes] = subprocess.Popen(
                [sys.executable, "-m", "egfr_annot.io._scan_worker"],
                stdin=subprocess.PIPE,
                stderr=self.errors,
                env=env,
                pass_fds=(fd, child_wake_fd),
            )
        except BaseException:
            self.close()
            raise
        finally:
            os.close(fd)
            os.close(child_wake_fd)

    def send(self, job: dict[str, object]) -> None:
        """Give the child its job (once); it starts reading the file at once."""
        import json

        if self.job_sent:
            raise RuntimeError("a scanning process takes one job")
        self.job_sent = True
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(
            dict(job, out_fd=self.out_fd, wake_fd=self.child_wake_fd)).encode("utf-8"))
        self.proc.stdin.close()

    def wait_for_message(self, timeout: float) -> None:
        """Return once the child has written another message (or exited), or after
        ``timeout`` seconds."""
        import select

        assert self.wake_fd is not None
        ready, _, _ = select.select([self.wake_fd], [], [], timeout)
        if ready:
            os.read(self.wake_fd, 1 << 16)  # (empty once the child has exited)

    def wait(self) -> None:
        """Return once the child has exited (its job done, or ended by :meth:`close`)."""
        self.proc.wait()

    def close(self) -> None:
        """End the child if it is still running (one that never got a job sees its standard
        input close and exits) and release its files."""
        if self.read_fd is not None:
            os.close(self.read_fd)
            self.read_fd = None
        if self.wake_fd is not None:
            os.close(self.wake_fd)
            self.wake_fd = None
        proc = getattr(self, "proc", None)
        if proc is not None:
            if proc.stdin is not None and not proc.stdin.closed:
                proc.stdin.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if self.errors is not None:
            self.errors.close()
            self.errors = None


def find_index(path: str) -> str | None:
    """The ``.tbi`` or ``.csi`` next to ``path``, if there is one."""
    for suffix in (".tbi", ".csi"):
        candidate = path + suffix
        if os.path.isfile(candidate):
            return candidate
    return None
