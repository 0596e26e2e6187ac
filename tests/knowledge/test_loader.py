"""Loading: once per process, fast, standard library only."""

from __future__ import annotations

import subprocess
import sys

from egfr_annot.knowledge import load_knowledge_base
from egfr_annot.resources import kb_version


def test_loaded_once(annotations):
    assert load_knowledge_base(annotations) is load_knowledge_base(str(annotations))
    # the default is the installed package's annotations/ (or the checkout's when editable)
    from egfr_annot.resources import annotations_dir

    assert load_knowledge_base() is load_knowledge_base(annotations_dir())


def test_version_matches_resources(kb, annotations):
    assert kb.version == kb_version(annotations)


def test_knowledge_import_is_light():
    code = (
        "import sys, time; t = time.perf_counter();"
        "from egfr_annot.knowledge import load_knowledge_base, Matcher; load_knowledge_base();"
        "heavy = [m for m in ('polars', 'pandas', 'numpy', 'cyvcf2', 'pysam', 'jinja2',"
        " 'matplotlib') if m in sys.modules];"
        "print(heavy, time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    heavy, seconds = out.rsplit(" ", 1)
    assert heavy == "[]"
    assert float(seconds) < 1.0
