"""Options shared by ``run``, ``batch`` and ``track`` (one definition, so the flags agree)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from egfr_annot.choices import BUILD_CHOICES, MSI_CHOICES

F = TypeVar("F", bound=Callable[..., Any])

_RUN_OPTIONS: list[Callable[[F], F]] = [
    click.option(
        "--build",
        type=click.Choice(BUILD_CHOICES),
        default="auto",
        show_default=True,
        help="Genome build; auto = header (contig lengths, ##reference) then REF bases.",
    ),
    click.option("--sample", default=None, help="Annotate only this sample column."),
    click.option("--normal", default=None, help="Name of the normal sample (no results for it)."),
    click.option(
        "--min-vaf",
        type=float,
        default=0.0,
        show_default=True,
        help="Report only calls with VAF >= F (skipped calls are counted).",
    ),
    click.option(
        "--min-alt-reads",
        type=int,
        default=0,
        show_default=True,
        help="Report only calls with >= N alt reads (skipped calls are counted).",
    ),
    click.option(
        "--include-filtered",
        is_flag=True,
        help="Also report calls that failed the caller's FILTER (never counted for status).",
    ),
    click.option(
        "--all-variants",
        is_flag=True,
        help="Report every variant in a panel transcript (synonymous, intronic, UTR too).",
    ),
    click.option(
        "--tumor-fraction",
        "tumour_fraction",
        type=float,
        default=None,
        help="Known tumour fraction (0-1] of the sample; else estimated from VAFs.",
    ),
    click.option(
        "--cnv",
        "cnv_paths",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="Copy-number file (CNVkit .cns/.cnr, GATK .seg, CNV VCF, gene table). Repeatable.",
    ),
    click.option(
        "--msi-status",
        type=click.Choice(MSI_CHOICES, case_sensitive=False),
        default=None,
        help="Sample-level MSI/MMR status, if known from another assay.",
    ),
    click.option(
        "--amp-threshold",
        type=float,
        default=None,
        help="Copy number (purity-adjusted when a tumour fraction is known) for amplification.",
    ),
    click.option(
        "--plasma-amp-threshold",
        type=float,
        default=None,
        help="Observed plasma copy number for amplification when the tumour fraction is unknown.",
    ),
    click.option("--no-index", is_flag=True, help="Stream the whole file even if indexed."),
    click.option("--no-checksum", is_flag=True, help="Do not compute the input's sha256."),
]


def common_run_options(func: F) -> F:
    for option in reversed(_RUN_OPTIONS):
        func = option(func)
    return func


RUN_OPTION_NAMES = (
    "build",
    "sample",
    "normal",
    "min_vaf",
    "min_alt_reads",
    "include_filtered",
    "all_variants",
    "tumour_fraction",
    "cnv_paths",
    "msi_status",
    "amp_threshold",
    "plasma_amp_threshold",
    "no_index",
    "no_checksum",
)


# Run options that change results, as flags; --no-index and --no-checksum do not.
_RESULT_FLAGS = {name: "--" + name.replace("_", "-") for name in RUN_OPTION_NAMES
                 if name not in ("no_index", "no_checksum")}
_RESULT_FLAGS.update(tumour_fraction="--tumor-fraction", cnv_paths="--cnv")


def result_option_args(kwargs: Mapping[str, Any]) -> list[str]:
    """The result-changing run options that are set, as command-line arguments in a fixed
    order: recorded as each sample's command line by batch and track, so that the outputs are
    byte-identical whatever --workers or --out-dir are."""
    args: list[str] = []
    for name, flag in _RESULT_FLAGS.items():
        value = kwargs.get(name)
        if value in (None, False, (), 0, 0.0, "auto"):
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, tuple):
            for item in value:
                args += [flag, str(item)]
        else:
            args += [flag, str(value)]
    return args


def run_options_from_kwargs(kwargs: Mapping[str, Any], *, command_line: str) -> Any:
    """Build ``RunOptions`` from the click keyword arguments of ``common_run_options``."""
    from egfr_annot.pipeline import RunOptions

    copy_number = None
    if kwargs.get("amp_threshold") is not None or kwargs.get("plasma_amp_threshold") is not None:
        from dataclasses import replace

        from egfr_annot.copy_number import CopyNumberThresholds

        copy_number = CopyNumberThresholds()
        if kwargs.get("amp_threshold") is not None:
            copy_number = replace(copy_number, amplification=kwargs["amp_threshold"])
        if kwargs.get("plasma_amp_threshold") is not None:
            copy_number = replace(copy_number, plasma_amplification=kwargs["plasma_amp_threshold"])
    return RunOptions(
        build=kwargs.get("build", "auto"),
        sample=kwargs.get("sample"),
        normal=kwargs.get("normal"),
        min_vaf=kwargs.get("min_vaf", 0.0),
        min_alt_reads=kwargs.get("min_alt_reads", 0),
        include_filtered=bool(kwargs.get("include_filtered")),
        all_variants=bool(kwargs.get("all_variants")),
        tumour_fraction=kwargs.get("tumour_fraction"),
        cnv_paths=tuple(kwargs.get("cnv_paths") or ()),
        msi_status=kwargs.get("msi_status"),
        use_index=not kwargs.get("no_index"),
        checksum=not kwargs.get("no_checksum"),
        copy_number=copy_number,
        command_line=command_line,
    )
