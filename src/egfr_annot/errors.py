"""One error tree with exit codes. Library code raises; only ``egfr_annot.cli`` exits.

Exit codes: 0 ok, 1 internal error, 2 bad usage or bad input, 3 a batch where some samples failed.
"""

from __future__ import annotations

import os


class EgfrAnnotError(Exception):
    """Base class: an error the user should see as one line, without a traceback."""

    exit_code = 1


class UsageError(EgfrAnnotError):
    """Bad command-line usage or options."""

    exit_code = 2


class InputError(EgfrAnnotError):
    """A problem with a file the user gave: names the file, the line (when known) and the problem.

    ``str(err)`` is ``FILE:LINE: problem`` (or ``FILE: problem``), the form the CLI prints after
    ``egfr-annot: error: ``.
    """

    exit_code = 2

    def __init__(self, path: str | os.PathLike[str], line: int | None, problem: str) -> None:
        self.path = os.fspath(path)
        self.line = line
        # One line, always: a newline in a problem text would break the one-line contract.
        self.problem = " ".join(problem.split())
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.problem}"


class BuildMismatchError(InputError):
    """The declared genome build disagrees with the detected one, or REF bases disagree with
    the reference of the build in use (and ``--build`` did not override it)."""


class KnowledgeBaseError(EgfrAnnotError):
    """The knowledge base or transcript models in annotations/ are invalid."""

    exit_code = 1


class BatchFailures(EgfrAnnotError):
    """Some samples of a batch failed; the others are complete."""

    exit_code = 3
