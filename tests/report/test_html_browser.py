"""PREFIX.report.html in a real headless Chromium (Debian ``chromium``, driven by Playwright over
the DevTools protocol; Playwright never downloads a browser here: ``executable_path`` is given).

Checks: the page renders, no console message of level error/warning, no page error, no request
other than the page itself, no dialog (the ``<script>alert(1)</script>`` sample name must stay
text), and a full-page PNG screenshot is written to pytest's tmp_path and, when
``EGFR_ANNOT_ARTIFACTS`` is set, to that directory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from report_builders import XSS, context_for, empty_result, no_alteration_result, resistant_result

from egfr_annot.report.json_out import STATUS_HEADLINES
from egfr_annot.report.writers import write_outputs

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def browser(
    tmp_path_factory: pytest.TempPathFactory, chromium: str, playwright_sync_api: Any
) -> Iterator[Any]:
    """One persistent Chromium context (fresh profile dir) for the module: keeps the test fast."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": 1280, "height": 900},
            offline=True,
        )
        try:
            yield context
        finally:
            context.close()


def _save_artifact(png: Path) -> None:
    target = os.environ.get("EGFR_ANNOT_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, Path(target) / png.name)


def test_report_renders_in_chromium_without_errors(browser: Any, tmp_path: Path) -> None:
    results = [resistant_result(), no_alteration_result(), replace(empty_result(), sample=XSS)]
    page_path = write_outputs(
        str(tmp_path / "board"), results, ["html"], context_for("sample.vcf")
    )[0]
    url = page_path.resolve().as_uri()

    page = browser.new_page()
    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")

    png = tmp_path / "egfr_annot_report.png"
    page.screenshot(path=str(png), full_page=True)
    _save_artifact(png)

    assert [c for c in console if c.split(":")[0] in ("error", "warning")] == []
    assert errors == [] and dialogs == []
    assert requests == [url]  # nothing but the page itself: no CDN, no font, no image
    assert page.locator("script").count() == 0

    headlines = page.locator(".verdict .headline").all_inner_texts()
    assert headlines == [
        STATUS_HEADLINES["resistance_detected"],
        STATUS_HEADLINES["not_detected"],
        STATUS_HEADLINES["non_informative"],
    ]
    body = page.inner_text("body")
    assert f"Sample {XSS}" in body  # the name is shown as literal text
    assert "KRAS" in body and "p.G12D" in body
    # the verdict box is visible and above the alterations table
    verdict = page.locator(".verdict").first.bounding_box()
    table = page.locator("table.alterations").first.bounding_box()
    assert verdict is not None and table is not None and verdict["y"] < table["y"]
    # the SVG plot is drawn: the KRAS bar is wider than the 0.2 % PIK3CA bar
    bars = page.locator("svg.vaf").first.locator("rect")
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert len(widths) == 2 and widths[0] > widths[1] > 0

    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    page.close()
