"""Adding a schedule is three edits (CONTRIBUTING.md): these tests fail until all of them are there.

Every schedule in ``lrlab.schedules.registry.SCHEDULES`` must have its drop-in scheduler in
``lrlab`` (``DROP_INS``), an explorer (``lrlab.widgets.explore`` builds one from the registry's
metadata, with no argument given), and a parity test against PyTorch or transformers in
``tests/test_schedules.py``.
"""

from __future__ import annotations

import inspect

import pytest

import lrlab
from lrlab.schedules import registry

pytest.importorskip("torch")
pytest.importorskip("ipywidgets")

import test_schedules  # noqa: E402  (the parity cases, keyed "schedule-reference")

NAMES = sorted(registry.SCHEDULES)


def test_every_schedule_and_only_those_name_a_drop_in():
    assert set(registry.DROP_INS) == set(registry.SCHEDULES)


@pytest.mark.parametrize("name", NAMES)
def test_the_drop_in_exists_in_lrlab(name):
    drop_in = getattr(lrlab, registry.DROP_INS[name], None)
    assert drop_in is not None, f"lrlab has no {registry.DROP_INS[name]} for {name}"
    assert registry.DROP_INS[name] in lrlab.__all__
    assert callable(drop_in)


@pytest.mark.parametrize("name", NAMES)
def test_an_explorer_builds_from_the_registry_alone(name):
    explorer = lrlab.widgets.explore(registry.SCHEDULES[name])
    html = explorer._repr_html_() if hasattr(explorer, "_repr_html_") else str(explorer)
    assert name in repr(explorer) and html


def _parity_tests() -> set[str]:
    covered = {case.split("-", 1)[0] for case in test_schedules.PARITY}
    for test_name, _ in inspect.getmembers(test_schedules, inspect.isfunction):
        if test_name.startswith("test_") and (
            "_matches_torch" in test_name or "_matches_transformers" in test_name
        ):
            covered |= {name for name in NAMES if test_name.startswith(f"test_{name}_matches")}
    return covered


@pytest.mark.parametrize("name", NAMES)
def test_the_schedule_has_a_parity_test(name):
    assert name in _parity_tests(), f"tests/test_schedules.py has no parity test for {name}"
