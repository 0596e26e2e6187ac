"""Compare an annotation the input already carried (VEP CSQ, SnpEff ANN, bcftools BCSQ) with ours.

Only annotations on the same transcript are compared (accession without version, Ensembl ENST or
RefSeq NM), and only what reads as HGVS (BCSQ's genomic DNA change and its amino-acid notation
other than a substitution are left out). The pipeline writes each disagreement into the row's
notes (issue #3). HGVS c. strings are compared after removing the transcript prefix and the
spelled-out bases of ``del``/``dup`` (``c.2235_2249delGGAATTAAGAGAAGC`` = ``c.2235_2249del``);
HGVS p. strings after conversion to the 1-letter form (so ``p.(Gly12Asp)``,
``ENSP...:p.Gly12Asp``, ``p.G12D`` and BCSQ's ``12G>12D`` agree; ``%3D`` is ``=``; SnpEff's
``p.Gly12fs`` agrees with ``p.G12Vfs*22``).
"""

from __future__ import annotations

import re
from typing import Final

from egfr_annot.genome.hgvs import ProteinChange, normalise_hgvsp
from egfr_annot.records import Consequence, ExternalAnnotation

_BCSQ_AA = re.compile(r"^(\d+)([A-Z*])>(\d+)([A-Z*])$")
_SPELLED_DEL = re.compile(r"(del|dup)[ACGTN]+$")
_OLD_DELINS = re.compile(r"del[ACGTN]+ins")


def _accession(text: str) -> str:
    text = text.strip()
    if ":" in text:
        text = text.split(":", 1)[1]
    return text.split(".", 1)[0]


def normalise_hgvsc(text: str) -> str:
    s = text.strip()
    if ":" in s:
        s = s.rsplit(":", 1)[1]
    s = _OLD_DELINS.sub("delins", s)
    return _SPELLED_DEL.sub(r"\1", s)


def _protein(text: str) -> str:
    m = _BCSQ_AA.match(text.strip())
    if m and m.group(1) == m.group(3):
        ref, alt = m.group(2), m.group(4)
        pos = int(m.group(1))
        kind = "synonymous" if ref == alt else ("nonsense" if alt == "*" else "substitution")
        pc = ProteinChange(kind, ref, pos, pos, ref, "" if kind == "synonymous" else alt)  # type: ignore[arg-type]
        return pc.short()
    return normalise_hgvsp(text)


_SHORT_FS = re.compile(r"^p\.([A-Z*])(\d+)fs$")


def _same_frameshift(theirs: str, mine: str) -> bool:
    """SnpEff writes a frameshift without its new residue and stop (``p.Gly12fs``): the same
    first residue and position as ours (``p.G12Vfs*22``) agree."""
    m = _SHORT_FS.match(theirs)
    return m is not None and re.match(
        rf"^p\.{re.escape(m.group(1))}{m.group(2)}[A-Z*]?fs", mine) is not None


def same_transcript(external: ExternalAnnotation, ours: Consequence) -> bool:
    if not external.transcript:
        return False
    acc = _accession(external.transcript)
    return acc in (_accession(ours.transcript), _accession(ours.transcript_ensembl))


def compare(external: ExternalAnnotation, ours: Consequence) -> str | None:
    """A short note when ``external`` (same transcript) disagrees with ``ours`` on HGVS c./p.,
    or on whether the change alters the protein or a splice site (its consequence terms).

    Returns None when they agree, or when the external annotation is for another transcript or
    carries none of these.
    """
    if not same_transcript(external, ours):
        return None
    problems = []
    if external.hgvsc:
        theirs = normalise_hgvsc(external.hgvsc)
        mine = normalise_hgvsc(ours.hgvsc)
        # (BCSQ's DNA field is genomic, 55242464AGGAATTAAGAGAAGC>A: nothing to compare)
        if theirs.startswith(("c.", "n.")) and theirs != mine:
            problems.append(f"{theirs} vs ours {mine or '-'}")
    if external.hgvsp:
        theirs = _protein(external.hgvsp)
        mine = _protein(ours.hgvsp) if ours.hgvsp else ""
        # (BCSQ writes only substitutions in a form read here: 746ELREA>746 is not compared)
        if theirs.startswith("p.") and theirs != mine and not _same_frameshift(theirs, mine):
            problems.append(f"{theirs} vs ours {mine or '-'}")
    if external.consequence and (
            _changes_protein(external.consequence) != _changes_protein("&".join(ours.so_terms))):
        # (no HGVS p. given, or a term-only annotation: whether the protein or a splice site
        # changes is what decides whether a row is shown at all)
        problems.append(f"{external.consequence} vs ours {'&'.join(ours.so_terms) or '-'}")
    if not problems:
        return None
    return f"{external.source} annotation on {external.transcript} disagrees: " + "; ".join(
        problems
    )


# Terms (SO, as VEP and SnpEff write them, and bcftools csq's own) that change the protein or a
# splice site. SnpEff's (conservative|disruptive)_inframe_* and BCSQ's short names included.
_CHANGING: Final = frozenset({
    "missense_variant", "stop_gained", "stop_lost", "start_lost", "frameshift_variant",
    "inframe_insertion", "inframe_deletion", "protein_altering_variant",
    "splice_donor_variant", "splice_acceptor_variant", "conservative_inframe_insertion",
    "conservative_inframe_deletion", "disruptive_inframe_insertion",
    "disruptive_inframe_deletion", "exon_loss_variant", "initiator_codon_variant",
    "missense", "frameshift", "splice_donor", "splice_acceptor", "inframe_altering",
})


def _changes_protein(terms: str) -> bool:
    """Does an '&'-joined list of consequence terms change the protein or a splice site?"""
    return any(term.lstrip("*@") in _CHANGING for term in re.split(r"[&,]", terms))
