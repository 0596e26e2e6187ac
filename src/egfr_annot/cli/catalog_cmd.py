"""``egfr-annot catalog``: list the resistance catalogue, or explain one alteration (``show``)."""

from __future__ import annotations

from typing import Literal, get_args

import click

from egfr_annot.records import BUILDS

CatalogFormat = Literal["tsv", "json"]
ShowFormat = Literal["text", "json"]


@click.group("catalog", invoke_without_command=True)
@click.option("--gene", metavar="GENE", help="Only the rules of this gene (e.g. KRAS).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(get_args(CatalogFormat)),
    default="tsv",
    show_default=True,
    help="Output format.",
)
@click.pass_context
def catalog(ctx: click.Context, gene: str | None, fmt: str) -> None:
    """List the resistance catalogue rules with the strategies attached to each.

    Use 'egfr-annot catalog show GENE:p.CHANGE' to see what an alteration would match and why.
    """
    if ctx.invoked_subcommand is not None:
        return
    from egfr_annot.knowledge.catalog import catalogue_rows, render_catalogue
    from egfr_annot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    click.echo(render_catalogue(catalogue_rows(kb, gene.upper() if gene else None), fmt), nl=False)


@catalog.command("show")
@click.argument("query")
@click.option(
    "--build",
    type=click.Choice(BUILDS),
    default="GRCh38",
    show_default=True,
    help="Genome build for rsID queries (protein numbering is the same on both).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(get_args(ShowFormat)),
    default="text",
    show_default=True,
    help="Output format.",
)
def show(query: str, build: str, fmt: str) -> None:
    """Explain what QUERY matches: rule, level, resistance, references, strategies.

    QUERY is GENE:p.CHANGE (KRAS:p.G12D, EGFR:p.Ser492Arg, KRAS:p.G12), GENE:SO_TERM
    (PTEN:splice_donor_variant), GENE:STATE (MET:amplification), MSI-H, or an rsID (rs1801274).
    """
    from egfr_annot.genome.transcripts import load_transcript_models
    from egfr_annot.knowledge.catalog import explain, render_explanation
    from egfr_annot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    models = load_transcript_models(build)  # type: ignore[arg-type]
    explanation = explain(kb, query, models, build)  # type: ignore[arg-type]
    click.echo(render_explanation(kb, explanation, fmt), nl=False)
