"""Shared by the tests of the repository's scripts and the book's extension: load a Python file
that is not part of a package (``scripts/make_slides.py``, ``book/_ext/lrlab_html.py``, ...)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_file(relative: str) -> ModuleType:
    """The module at ``relative`` (a path from the repository's root), executed once more."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
