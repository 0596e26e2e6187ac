"""Serial liquid biopsies: resistance-clone trajectories and the rechallenge window (issue #10).

``egfr-annot track SHEET --out-dir OUT`` annotates every sample of a sample sheet
(``patient,sample,vcf[,cnv],date[,therapy][,tumor_fraction]``) with the run pipeline, follows
each patient's resistance alterations and tumour markers over time, fits their decay after
anti-EGFR therapy stops and states, for the latest sample, whether the resistance clones have
cleared - with the anti-EGFR rechallenge meta-analysis when they have. Decision support, never a
recommendation.

Modules, in data-flow order:

* :mod:`~egfr_annot.track.run` - sheet checks, the run, the outputs (one transaction);
* :mod:`~egfr_annot.track.observe` - per-sample VCF calls and gVCF depth (batch worker hook);
* :mod:`~egfr_annot.track.cn_levels` - each gene's measured copy number and its thresholds;
* :mod:`~egfr_annot.track.coverage` - per-position depth files (``chrom pos depth``, mosdepth);
* :mod:`~egfr_annot.track.timeline` - which alterations, one observation per timepoint;
* :mod:`~egfr_annot.track.kinetics` - decay phase, fit, trend (definitions there);
* :mod:`~egfr_annot.track.stats` - weighted log-linear fit, 95 % CI, Student's t;
* :mod:`~egfr_annot.track.window` - the rechallenge-window statement;
* :mod:`~egfr_annot.track.tables`, :mod:`~egfr_annot.track.plot`, :mod:`~egfr_annot.track.html`.

Outputs in OUT: ``samples/<sample>.*`` (as ``run``/``batch``), ``<patient>.trajectories.tsv``,
``<patient>.kinetics.tsv``, ``<patient>.trajectories.svg``, ``<patient>.report.html``
(``--html``), ``track.summary.tsv`` (one row per patient: latest status and the window
statement) and ``track.failures.tsv``.
"""

from __future__ import annotations

from egfr_annot.track.run import (
    TrackOptions,
    TrackResult,
    check_coverage,
    read_track_sheet,
    run_track,
)

__all__ = ["TrackOptions", "TrackResult", "check_coverage", "read_track_sheet", "run_track"]
