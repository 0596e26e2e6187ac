"""Command-line interface: thin click commands that build options and call the plain API.

:func:`main` is the console entry point; the click group is :data:`egfr_annot.cli.app.cli`
(also reachable as ``egfr_annot.cli.cli``). ``sys.exit`` is called only here. This module
imports nothing heavy: for ``egfr-annot run`` on one large VCF, :func:`main` starts the file's
scanning child before click and the commands are imported (issue #9).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from egfr_annot.io.scan_child import ScanProcess


def main(argv: list[str] | None = None) -> None:
    early = early_scan_process(sys.argv[1:] if argv is None else argv)
    try:
        code = _run_click(argv, early)
    finally:
        if early is not None:
            early.close()  # (run_cmd has used it, or ended it if its input is another file)
    if argv is None and code == 0:
        _exit_without_teardown()
    sys.exit(code)


def early_scan_process(args: list[str]) -> ScanProcess | None:
    """For ``run`` with one large VCF (the only argument that is an existing file), its
    scanning child, started now: its start-up (Python, numpy: ~0.1 s) then overlaps the import
    of click and the commands too, ~30 ms more than when ``run`` starts it. ``run`` adopts it
    only if its one input is that file (:attr:`ScanProcess.path`); else it is ended. Any other
    command line: None (a few ``stat`` calls)."""
    if not args or args[0] != "run":
        return None
    files = [a for a in args[1:] if not a.startswith("-") and os.path.isfile(a)]
    if len(files) != 1:
        return None
    from egfr_annot.io.scan_child import prestart_scan_process

    return prestart_scan_process(files[0])


def _run_click(argv: list[str] | None, early: ScanProcess | None) -> int:
    """Run the click group; the exit code (errors: one line on stderr)."""
    import click

    from egfr_annot.cli.app import cli
    from egfr_annot.errors import EgfrAnnotError

    try:
        rc = cli.main(args=argv, prog_name="egfr-annot", standalone_mode=False, obj=early)
    except EgfrAnnotError as err:
        click.echo(f"egfr-annot: error: {err}", err=True)
        return err.exit_code
    except click.exceptions.Abort:
        click.echo("egfr-annot: aborted", err=True)
        return 130
    except click.ClickException as err:
        err.show()
        return 2 if err.exit_code in (1, 2) else err.exit_code
    except click.exceptions.Exit as ex:
        return ex.exit_code
    except BrokenPipeError:
        # Output piped into `head`: not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if os.environ.get("EGFR_ANNOT_DEBUG"):
            raise
        click.echo(
            f"egfr-annot: internal error: {type(err).__name__}: {err} "
            "(set EGFR_ANNOT_DEBUG=1 for a traceback; please report it)",
            err=True,
        )
        return 1
    # Without standalone mode click returns ctx.exit()'s code instead of exiting.
    return rc if isinstance(rc, int) else 0


def _exit_without_teardown() -> None:
    """End a successful command-line process at once. Every output is written, closed and
    renamed by now, child processes and pools are ended and the checksum thread is joined:
    the interpreter's teardown would only free the run's objects one by one (~10-15 ms of a
    large file's or a panel file's run, issue #9). Standard output and error are flushed
    first; a closed pipe leaves the normal exit to deal with it. (Only for the console entry
    point: ``main(argv)`` called from Python exits normally.)"""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        return
    os._exit(0)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported on first use (tests, documentation tools)
        from egfr_annot.cli.app import cli

        return cli
    raise AttributeError(f"module 'egfr_annot.cli' has no attribute {name!r}")
