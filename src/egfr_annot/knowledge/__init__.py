"""Knowledge base (annotations/) and matching: resistance catalogue, strategies, rechallenge.

Public API::

    kb = load_knowledge_base()                 # once per process
    matcher = Matcher(kb, load_transcript_models(build))
    matcher.match_variant(consequence, allele) # -> tuple[RuleMatch, ...], most specific first
    matcher.match_copy_number(call)
    matcher.match_sample("MSI-H")
    matcher.no_driver_strategies(); matcher.rechallenge_evidence()
    validate_knowledge(annotations_dir)        # -> list of problems (empty = valid)

Only the standard library is imported here (csv, json, re).
"""

from __future__ import annotations

from egfr_annot.knowledge.loader import load_knowledge_base
from egfr_annot.knowledge.matcher import Matcher
from egfr_annot.knowledge.model import (
    CatalogueRule,
    KnowledgeBase,
    RechallengeEstimate,
    RechallengeEvidence,
    Strategy,
)
from egfr_annot.knowledge.validate import validate_knowledge

__all__ = [
    "CatalogueRule",
    "KnowledgeBase",
    "Matcher",
    "RechallengeEstimate",
    "RechallengeEvidence",
    "Strategy",
    "load_knowledge_base",
    "validate_knowledge",
]
