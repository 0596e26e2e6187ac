"""Load the knowledge base from ``annotations/`` once per process.

Standard library only (csv, json): importing and loading take a few milliseconds. A knowledge base
that does not read cleanly, or whose tables do not reference each other consistently, is refused
with :class:`~egfr_annot.errors.KnowledgeBaseError` naming the first problem; ``egfr-annot kb
validate`` lists them all and also checks every rule against the transcript models.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from egfr_annot.errors import KnowledgeBaseError
from egfr_annot.knowledge.model import (
    Anchor,
    CatalogueRule,
    EvidenceLevel,
    GenomicAllele,
    KnowledgeBase,
    RechallengeEstimate,
    RechallengeEvidence,
    Reference,
    Strategy,
    Subtype,
    parse_alteration,
)
from egfr_annot.knowledge.tables import Row, read_table

CATALOGUE = "resistance_catalogue.tsv"
STRATEGIES = "strategies.tsv"
REFERENCES = "references.tsv"
SUBTYPES = "subtypes.tsv"
EVIDENCE_LEVELS = "evidence_levels.tsv"
GENOMIC_ALLELES = "genomic_alleles.tsv"
RECHALLENGE = "rechallenge.json"
VERSION_FILE = "VERSION"
TABLES: tuple[str, ...] = (
    CATALOGUE, STRATEGIES, REFERENCES, SUBTYPES, EVIDENCE_LEVELS, GENOMIC_ALLELES
)  # fmt: skip
RECHALLENGE_FORMAT = "egfr-annot rechallenge evidence 1"


def _rule(row: Row, path: Path, problems: list[str]) -> CatalogueRule | None:
    v = row.values
    try:
        pattern = parse_alteration(v["alteration"])
        anchors = tuple(Anchor.parse(a) for a in v["anchor_residues"])
    except ValueError as err:
        problems.append(f"{path}:{row.line}: {err}")
        return None
    return CatalogueRule(
        rule_id=v["rule_id"],
        gene=v["gene"],
        alteration=pattern,
        match_level=v["match_level"],
        alteration_name=v["alteration_name"],
        alteration_class=v["alteration_class"],
        resistance=v["resistance"],
        mechanism=v["mechanism"],
        evidence=v["evidence"],
        review_refs=v["review_refs"],
        strategy_ids=v["strategy_ids"],
        subtype=v["subtype"],
        tags=v["tags"],
        except_changes=v["except_changes"],
        literature_name=v["literature_name"],
        anchor_residues=anchors,
        numbering_source=v["numbering_source"],
        quote=v["quote"],
        notes=v["notes"],
        line=row.line,
    )


def _strategy(row: Row) -> Strategy:
    return Strategy(**dict(row.values), line=row.line)


def read_rechallenge(path: Path) -> tuple[RechallengeEvidence | None, list[str]]:
    """Parse ``rechallenge.json``: (evidence, problems)."""
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return None, [f"{path}: cannot read: {err}"]
    problems: list[str] = []

    def number(where: str, value: Any) -> str:
        try:
            if not isinstance(value, str):
                raise ValueError
            if float(value) < 0:
                raise ValueError
        except ValueError:
            problems.append(f"{path}: {where}: {value!r} is not a non-negative decimal string")
            return "0"
        return value

    def estimates(key: str) -> tuple[RechallengeEstimate, ...]:
        out = []
        for i, e in enumerate(doc.get(key, [])):
            where = f"{key}[{i}]"
            try:
                low, high = e["ci95_percent"]
                est = RechallengeEstimate(
                    endpoint=e["endpoint"],
                    group=e["group"],
                    estimate=number(f"{where}.estimate_percent", e["estimate_percent"]),
                    ci_low=number(f"{where}.ci95_percent", low),
                    ci_high=number(f"{where}.ci95_percent", high),
                    i2=number(f"{where}.i2_percent", e["i2_percent"]) if "i2_percent" in e else "",
                )
            except (KeyError, TypeError, ValueError) as err:
                problems.append(f"{path}: {where}: malformed estimate ({err})")
                continue
            if not (float(est.ci_low) <= est.value <= float(est.ci_high) <= 100):
                problems.append(
                    f"{path}: {where}: {est.endpoint} {est.group}: estimate {est.estimate} is not "
                    f"inside its 95% CI {est.ci_low}-{est.ci_high} (or above 100%)"
                )
            out.append(est)
        return tuple(out)

    if doc.get("format") != RECHALLENGE_FORMAT:
        problems.append(f"{path}: format is not {RECHALLENGE_FORMAT!r}")
    try:
        population, methods = doc["population"], doc["methods"]
        evidence = RechallengeEvidence(
            n_studies=int(population["n_studies"]),
            n_patients=int(population["n_patients"]),
            male_percent=number("population.male_percent", population["male_percent"]),
            median_age_years=number("population.median_age_years", population["median_age_years"]),
            model=methods["model"],
            heterogeneity=methods["heterogeneity"],
            software=methods["software"],
            pooled=estimates("pooled"),
            by_drug=estimates("by_drug"),
            survival_ranges=tuple(
                (
                    r["endpoint"],
                    r["unit"],
                    number(f"survival_ranges.{r['endpoint']}.low", r["low"]),
                    number(f"survival_ranges.{r['endpoint']}.high", r["high"]),
                )
                for r in doc["survival_ranges"]
            ),
            adverse_events=tuple(
                (a["event"], number(f"adverse_events_percent.{a['event']}", a["percent"]))
                for a in doc["adverse_events_percent"]
            ),
            conclusion=doc["conclusion"],
            source=doc["source"]["file"],
            notes=tuple(doc.get("notes", ())),
        )
    except (KeyError, TypeError, ValueError) as err:
        return None, [*problems, f"{path}: missing or malformed field: {err}"]
    for endpoint in ("ORR", "DCR"):
        if not any(e.endpoint == endpoint and e.group == "all" for e in evidence.pooled):
            problems.append(f"{path}: pooled: no {endpoint} estimate for group 'all'")
    for _, _, low, high in evidence.survival_ranges:
        if float(low) > float(high):
            problems.append(f"{path}: survival_ranges: low {low} above high {high}")
    return evidence, problems


def read_knowledge_base(annotations_dir: Path) -> tuple[KnowledgeBase | None, list[str]]:
    """Read every table and build the knowledge base: (kb or None, problems). Never raises."""
    problems: list[str] = []
    rows: dict[str, list[Row]] = {}
    for table in TABLES:
        _, table_rows, table_problems = read_table(annotations_dir, table)
        rows[table] = table_rows
        problems += table_problems
    rules = []
    for row in rows[CATALOGUE]:
        rule = _rule(row, annotations_dir / CATALOGUE, problems)
        if rule is not None:
            rules.append(rule)
    rechallenge, rechallenge_problems = read_rechallenge(annotations_dir / RECHALLENGE)
    problems += rechallenge_problems
    try:
        version = (
            (annotations_dir / VERSION_FILE).read_text(encoding="utf-8").splitlines()[0].strip()
        )
    except (OSError, IndexError):
        problems.append(f"{annotations_dir / VERSION_FILE}: missing or empty")
        version = ""
    if rechallenge is None:
        return None, problems
    kb = KnowledgeBase(
        version=version,
        directory=annotations_dir,
        rules=tuple(rules),
        strategies=tuple(_strategy(r) for r in rows[STRATEGIES]),
        references=MappingProxyType(
            {r["ref"]: Reference(**dict(r.values)) for r in rows[REFERENCES]}
        ),
        subtypes=MappingProxyType(
            {r["subtype_id"]: Subtype(**dict(r.values)) for r in rows[SUBTYPES]}
        ),
        evidence_levels=tuple(EvidenceLevel(**dict(r.values)) for r in rows[EVIDENCE_LEVELS]),
        genomic_alleles=tuple(GenomicAllele(**dict(r.values)) for r in rows[GENOMIC_ALLELES]),
        rechallenge=rechallenge,
    )
    return kb, problems


@lru_cache(maxsize=4)
def _load(directory: str) -> KnowledgeBase:
    from egfr_annot.knowledge.consistency import cross_reference_problems

    kb, problems = read_knowledge_base(Path(directory))
    if kb is not None:
        problems += cross_reference_problems(kb)
    if problems or kb is None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        first = problems[0] if problems else f"{directory}: cannot load the knowledge base"
        raise KnowledgeBaseError(
            f"invalid knowledge base: {first}{more}; run 'egfr-annot kb validate' for the full list"
        )
    return kb


def load_knowledge_base(annotations_dir: Path | str | None = None) -> KnowledgeBase:
    """Load (once per process and directory) the knowledge base in ``annotations_dir``.

    Parameters
    ----------
    annotations_dir
        The ``annotations/`` directory; default :func:`egfr_annot.resources.annotations_dir`.

    Returns
    -------
    KnowledgeBase
        Frozen and shared: the same object is returned for the same directory.

    Raises
    ------
    KnowledgeBaseError
        When a table does not match its schema or the tables do not reference each other
        consistently (first problem in the message).
    """
    if annotations_dir is None:
        from egfr_annot.resources import annotations_dir as default_dir

        annotations_dir = default_dir()
    return _load(str(Path(annotations_dir).resolve()))
