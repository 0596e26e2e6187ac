"""Fixtures of the report tests (records are built in report_builders.py).

External tools come through the shared ``require_tool`` of ``tests/conftest.py`` (skip locally when
missing, fail in CI). That module is loaded by path: several directories have a ``conftest.py``,
so ``from conftest import ...`` would depend on collection order.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from report_builders import empty_result, no_alteration_result, resistant_result

from egfr_annot.records import SampleResult


def _shared_conftest() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("_egfr_annot_tests_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SHARED = _shared_conftest()
require_tool: Callable[[str], str] = _SHARED.require_tool


@pytest.fixture(scope="session")
def bcftools() -> str:
    return require_tool("bcftools")


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_tool("chromium")


@pytest.fixture(scope="session")
def playwright_sync_api() -> Any:
    """``playwright.sync_api`` (test extra): skip locally when missing, fail in CI."""
    try:
        from playwright import sync_api
    except ImportError:
        if _SHARED.IN_CI:
            pytest.fail("playwright (test extra) is required in CI for the browser test")
        pytest.skip("playwright not installed (pip install 'egfr-annot[test]')")
    return sync_api


@pytest.fixture
def all_statuses() -> list[SampleResult]:
    """One result per status: resistance_detected, not_detected, non_informative."""
    return [resistant_result(), no_alteration_result(), empty_result()]
