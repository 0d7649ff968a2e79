"""Helpers shared by the schedule exercises of :mod:`lrlab.grading`: the parameter changes that
turn a right schedule into a typical wrong one, and the diagnosis of misplaced restarts.

Private to the package: :mod:`lrlab.grading.decay_exercises` and :mod:`lrlab.grading.catalogue`
import them from here.
"""

from __future__ import annotations

import numpy as np


def _other(value, a, b):
    return b if value == a else a


def _plus(name, k, low=None):
    """Params with ``name`` changed by ``k`` (None where that makes no valid schedule)."""

    def change(p):
        v = p[name] + k
        return None if low is not None and v < low else {**p, name: v}

    return change


def _set(name, value, unless=None):
    """Params with ``name`` set to ``value`` (None where that changes nothing)."""

    def change(p):
        if p.get(name) == value or (unless is not None and unless(p)):
            return None
        return {**p, name: value}

    return change


def _restarts(expected, returned, steps, params):
    """Warm restarts: compare where the two curves jump back up."""

    def ups(y):
        scale = np.nanmax(np.abs(y))
        return [
            float(steps[i])
            for i in range(1, len(y))
            if np.isfinite(y[i]) and np.isfinite(y[i - 1]) and y[i] > y[i - 1] + 1e-9 * scale
        ]

    want, got = ups(expected), ups(returned)
    if want == got:
        return None
    show = lambda xs: ", ".join(f"{x:g}" for x in xs[:6]) + (", …" if len(xs) > 6 else "") or "none"  # noqa: E731
    return (
        f"your lr restarts at steps {show(got)}; it should restart at {show(want)}. The i-th "
        f"cycle lasts T_0 × T_mult**i steps, and the restart is at the step where the lr is "
        f"back at base_lr."
    )
