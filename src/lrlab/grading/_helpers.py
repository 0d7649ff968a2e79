"""Helpers shared inside :mod:`lrlab.grading`: a value of the reader's shown in a message.

They never raise, whatever the value: a reader-defined ``__str__`` or ``__repr__`` may do
anything. Private to the package: the modules of :mod:`lrlab.grading` import them from here.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def _safe_str(obj: Any, limit: int = 200) -> str:
    try:
        text = str(obj)
    except BaseException:  # noqa: BLE001 - a reader-defined __str__ may do anything
        text = f"<{type(obj).__name__} that cannot be shown>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_repr(obj: Any, limit: int = 80) -> str:
    try:
        text = repr(obj)
    except BaseException:  # noqa: BLE001
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_number(x: Any) -> bool:
    """A real number (NumPy's too), not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _fmt(x: Any) -> str:
    """A number as Python would show it; a long list shortened."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (numbers.Integral, np.integer)):
        return str(int(x))
    if isinstance(x, (numbers.Real, np.floating)):
        return repr(float(x))
    if isinstance(x, (list, tuple, np.ndarray)):
        items = list(x)
        shown = ", ".join(_fmt(v) for v in items[:6])
        if len(items) > 6:
            return f"[{shown}, … ({len(items)} values)]"
        if not isinstance(x, tuple):
            return f"[{shown}]"
        return f"({shown}{',' if len(items) == 1 else ''})"
    return _safe_repr(x)
