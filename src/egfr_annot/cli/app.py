"""The click group of the command line (:func:`egfr_annot.cli.main` runs it).

Sub-commands live in their own modules and are imported only when invoked, so that
``egfr-annot --help`` stays fast.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from egfr_annot import __version__

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
