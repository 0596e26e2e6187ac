"""Command-line interface: thin click commands that build options and call the plain API.

Sub-commands live in their own modules and are imported only when invoked, so that
``egfr-annot --help`` stays fast. ``sys.exit`` is called only here.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from egfr_annot import __version__
from egfr_annot.errors import EgfrAnnotError

# name -> (module, attribute, one-line help). The help text is duplicated here so that listing the
# commands does not import them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "run": (
        "egfr_annot.cli.run_cmd",
        "run",
        "Annotate VCF(s): resistance alterations and evidence.",
    ),
    "batch": ("egfr_annot.cli.batch_cmd", "batch", "Annotate many samples in one process pool."),
    "track": ("egfr_annot.cli.track_cmd", "track", "Serial liquid biopsies: clone trajectories."),
    "catalog": (
        "egfr_annot.cli.catalog_cmd",
        "catalog",
        "List or explain the resistance catalogue.",
    ),
    "kb": ("egfr_annot.cli.kb_cmd", "kb", "Knowledge-base tools (validate)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module, attr, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    module = COMMANDS[name][0]
    return importlib.util.find_spec(module) is not None


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from egfr_annot.resources import kb_version

    click.echo(f"egfr-annot {__version__}")
    click.echo(f"knowledge-base {kb_version()}")
    ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Print the tool and knowledge-base versions and exit.",
)
def cli() -> None:
    """egfr-annot: find anti-EGFR resistance alterations in liquid-biopsy VCFs (mCRC) and attach
    the review's evidence on strategies to overcome them. Decision support for the molecular
    tumour board, not a treatment recommendation."""


def main(argv: list[str] | None = None) -> None:
    try:
        rc = cli.main(args=argv, prog_name="egfr-annot", standalone_mode=False)
    except EgfrAnnotError as err:
        click.echo(f"egfr-annot: error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("egfr-annot: aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if err.exit_code in (1, 2) else err.exit_code)
    except click.exceptions.Exit as ex:
        sys.exit(ex.exit_code)
    except BrokenPipeError:
        # Output piped into `head`: not an error of ours.
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if os.environ.get("EGFR_ANNOT_DEBUG"):
            raise
        click.echo(
            f"egfr-annot: internal error: {type(err).__name__}: {err} "
            "(set EGFR_ANNOT_DEBUG=1 for a traceback; please report it)",
            err=True,
        )
        sys.exit(1)
    # Without standalone mode click returns ctx.exit()'s code instead of exiting.
    code = rc if isinstance(rc, int) else 0
    if argv is None and code == 0:
        _exit_without_teardown()
    sys.exit(code)


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
