"""PREFIX.report.html, read as text: verdict first, every section present, untrusted text
escaped, nothing external, byte-stable. (The rendering itself: test_html_browser.py.)"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from report_builders import (
    RAS_RULE,
    XSS,
    context_for,
    empty_result,
    no_alteration_result,
    resistant_result,
)

from egfr_annot.report.html import LIMITATIONS, render_html
from egfr_annot.report.json_out import STATUS_HEADLINES
from egfr_annot.report.writers import write_outputs


def _html(results) -> str:
    return render_html(results, context_for("sample.vcf"))


def test_verdict_comes_first_and_says_what_each_status_means() -> None:
    html = _html([resistant_result()])
    verdict = html.index('class="verdict status-resistance_detected"')
    assert verdict < html.index("<h3>Alterations</h3>")
    assert "Anti-EGFR resistance alteration detected" in html

    negative = _html([no_alteration_result()])
    assert "No resistance alteration detected in a sample with tumour DNA" in negative
    assert "This is not proof that resistance is absent" in negative

    empty = _html([empty_result()])
    assert STATUS_HEADLINES["non_informative"] in empty
    assert "a negative plasma result cannot exclude resistance" in empty
    # A plasma negative is never shown as a plain "negative".
    for page in (negative, empty):
        assert not re.search(r">\s*negative\s*<", page, re.IGNORECASE)


def test_page_has_every_section_with_the_values() -> None:
    html = _html([resistant_result()])
    for heading in (
        "Alterations",
        "Evidence and strategies",
        "Anti-EGFR rechallenge",
        "VAF of panel variants",
        "QC counts and thresholds",
        "Versions and provenance",
    ):
        assert f"<h3>{heading}</h3>" in html
    assert '<section class="limitations"' in html
    for item in LIMITATIONS:
        assert item in html
    # alterations: gene, HGVS, VAF, resistance, class, refs
    assert "<strong>p.G12D</strong>" in html and "NM_004985.5:c.35G&gt;A" in html
    assert '<td class="num">8%</td>' in html and '<td class="num">0.2%</td>' in html
    assert "KRAS exon 2 mutation" in html and "[7, 8]" in html
    assert "copy number 6.4 (purity-adjusted 29.5)" in html
    # strategies in the matcher's order (the page does not re-sort them), with reference numbers
    mek = html.index("MEK inhibitor + anti-EGFR [Phase II; 39,40]")
    pan_ras = html.index("Pan-RAS inhibitor + cetuximab [Phase I; 41]")
    assert pan_ras < mek
    assert "[39, 40]" not in html  # the label already names its references: not twice
    assert 'Crizotinib + cetuximab [Phase I] <span class="small">[31]</span>' in html
    # rechallenge, tumour fraction, counts, versions
    assert "argues against anti-EGFR rechallenge: KRAS p.G12D, MET amplification" in html
    assert "16% &mdash; 2 x max somatic VAF (KRAS p.G12D, VAF 8%)" in html
    assert "Skipped: not protein changing" in html
    assert "2025.01.0-test" in html and "a" * 64 in html
    # VAF plot: one bar per call with a VAF (not the copy-number finding)
    assert html.count('<rect class="bar-') == 2
    assert '<rect class="bar-uncertain filtered"' in html


def test_untrusted_text_is_escaped_everywhere() -> None:
    result = resistant_result(sample=XSS)
    kras = next(f for f in result.findings if f.match is RAS_RULE)
    evil_rule = replace(RAS_RULE, mechanism=XSS, evidence='"><img src=x onerror=alert(2)>')
    evil = replace(kras, match=evil_rule, notes=(XSS,))
    result = replace(
        result, findings=(evil,), notes=(XSS,), rechallenge=(("summary", XSS), (XSS, "x"))
    )
    html = _html([result, replace(empty_result(), sample=XSS)])
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    # the sample name never becomes an id or a link target
    assert re.findall(r'id="([^"]*)"', html) == ["sample-1", "sample-2", "limitations-title"]


def test_no_external_resource_and_no_script() -> None:
    html = _html([resistant_result(), no_alteration_result(), empty_result()])
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert re.findall(r'\b(?:src|href)="([^"]*)"', html) == ["#sample-1", "#sample-2", "#sample-3"]
    # the only URL is the SVG namespace, which is a name, not a request
    assert re.findall(r"https?://[^\s\"'<]+", html) == (
        ["http://www.w3.org/2000/svg"] * html.count("<svg")
    )
    assert "default-src 'none'" in html  # the CSP forbids any request even if a bug slips in


def test_same_input_gives_byte_identical_page(tmp_path: Path) -> None:
    results = [resistant_result(), no_alteration_result(), empty_result()]
    first = write_outputs(str(tmp_path / "a"), results, ["html"], context_for("x.vcf"))[0]
    second = write_outputs(str(tmp_path / "b"), results, ["html"], context_for("x.vcf"))[0]
    assert first.name == "a.report.html"
    assert first.read_bytes() == second.read_bytes()


def test_no_tumour_sample_still_renders() -> None:
    html = _html([])
    assert "The input has no tumour sample: nothing was assessed." in html
    assert '<section class="limitations"' in html
