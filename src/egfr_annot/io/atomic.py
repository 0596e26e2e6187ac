"""Atomic output: every output file is written to a temporary file beside its target and renamed
into place only when the whole run succeeded, so a failure never leaves a partial or corrupt file.

Usage::

    with OutputTransaction() as out:
        with out.open_text(prefix_path("alterations.tsv")) as fh:
            fh.write(...)
        out.add_file(tmp_written_by_a_library, final_path)  # e.g. a bgzipped VCF
    # all files renamed here; on an exception every temporary file is removed
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO


class OutputTransaction:
    """Collects temporary files and renames them to their targets on successful exit."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final)

    def __enter__(self) -> OutputTransaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def temp_path(self, final: str | os.PathLike[str]) -> Path:
        """A fresh temporary path in the target's directory (same file system, so rename is
        atomic); registered for rename to ``final`` on commit."""
        final_path = Path(final)
        final_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{final_path.name}.", suffix=".tmp", dir=final_path.parent
        )
        os.close(fd)
        # mkstemp creates 0600 files; give outputs the permissions a plain open() would.
        os.chmod(tmp, 0o666 & ~_current_umask())
        self._pending.append((Path(tmp), final_path))
        return Path(tmp)

    @contextlib.contextmanager
    def open_text(self, final: str | os.PathLike[str]) -> Iterator[IO[str]]:
        tmp = self.temp_path(final)
        # newline="" keeps "\n" line ends on every platform: outputs are byte-identical.
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            yield fh

    def commit(self) -> None:
        for tmp, final in self._pending:
            os.replace(tmp, final)
        self._pending.clear()

    def abort(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self._pending.clear()


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    with OutputTransaction() as out, out.open_text(path) as fh:
        fh.write(text)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
