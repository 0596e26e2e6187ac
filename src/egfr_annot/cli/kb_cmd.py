"""``egfr-annot kb``: knowledge-base tools."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("kb")
def kb() -> None:
    """Knowledge-base tools."""


@kb.command("validate")
@click.option(
    "--annotations",
    "annotations",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="annotations/ directory to check (default: the bundled knowledge base).",
)
def validate(annotations: Path | None) -> None:
    """Check the knowledge base: schemas, cross-references, and every rule against the MANE
    transcript models of both builds. Exit 0 when valid, 1 with one line per problem."""
    from egfr_annot.errors import KnowledgeBaseError
    from egfr_annot.knowledge.validate import validate_knowledge
    from egfr_annot.resources import annotations_dir, kb_version

    directory = annotations if annotations is not None else annotations_dir()
    problems = validate_knowledge(directory)
    if problems:
        for problem in problems:
            click.echo(problem)
        # exit 1 through the error tree: "egfr-annot: error: N problem(s) in DIR" on stderr
        raise KnowledgeBaseError(f"{len(problems)} problem(s) in {directory}")
    click.echo(f"knowledge base {kb_version(directory)} in {directory}: valid")
