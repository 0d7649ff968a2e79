"""Shared pytest options.

The real-browser tests (marker ``browser``) run only with ``--run-browser``: ``make test`` runs
them once, serially, after the unit tests, which run in parallel without them.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-browser",
        action="store_true",
        default=False,
        help="run the tests marked 'browser' (headless Chromium)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-browser"):
        return
    skip = pytest.mark.skip(reason="browser test: run with --run-browser (make test does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
