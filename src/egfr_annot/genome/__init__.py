"""Transcript models, reference bases, normalisation, HGVS and consequences (issue #3).

Public API (import from the submodules; nothing is imported here, to keep start-up light):

* :func:`egfr_annot.genome.transcripts.load_transcript_models` - gene -> MANE Select model
* :class:`egfr_annot.genome.reference.ReferenceSequence` - known reference bases per build
* :class:`egfr_annot.genome.annotator.Annotator` - ``normalise``, ``annotate``, ``ref_matches``,
  ``genes_overlapping`` (specification: :mod:`egfr_annot.genome.consequence`)
* :func:`egfr_annot.genome.hgvs.parse_protein_change` - any spelling of a protein change
* :mod:`egfr_annot.genome.coords` - ``cds_to_genomic``, ``alleles_for_protein_change``
* :func:`egfr_annot.genome.crosscheck.compare` - input VEP/SnpEff/BCSQ annotation vs ours
"""
