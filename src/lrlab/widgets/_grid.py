"""The static grid: which parameter values the static page carries curves for (see the
docstring of :mod:`lrlab.widgets`).
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import math

import numpy as np

from lrlab.widgets._controls import Control
from lrlab.widgets._layers import Layer

__all__ = [
    "MAX_POINTS",
    "DATA_BYTES",
    "MAX_VALUES",
    "MIN_FULL",
    "grid_values",
    "grid_plan",
    "grid_keys",
    "widen",
    "encode",
]

# Static grid budget (see the docstring of lrlab.widgets).
MAX_POINTS = 400
DATA_BYTES = 240_000  # base64 float32 curves per explorer; markup and script add about 12 KB
MAX_VALUES = 41
MIN_FULL = 7


def grid_values(control: Control, count: int) -> list:
    """``count`` values evenly spaced over the slider's range (on its step), and its current one."""
    if control.kind == "dropdown":
        return list(control.options)
    slots = round((control.hi - control.lo) / control.step)
    picks = np.unique(np.round(np.linspace(0, slots, min(count, slots + 1))).astype(int))
    values = [control.lo + int(k) * control.step for k in picks]
    values = [int(v) if control.integer else float(f"{v:.12g}") for v in values]
    return sorted(set(values) | {control.value})


def grid_plan(layer: Layer, values: dict, max_curves: int) -> tuple[list, bool]:
    """Return ``(axes, full)``: ``axes`` is a list of (control, grid values, index of current)."""
    movable = [
        dataclasses.replace(c, value=values[c.name])
        for c in layer.controls.values()
        if c.kind != "fixed"
    ]
    # A momentum curve changes with fewer parameters than the lr (deduplicated), a metric curve
    # only with the noise: count each grid point as one lr curve plus half a curve per extra kind.
    budget = int(max_curves / (1 + 0.5 * (len(layer.kinds) - 1)))
    drops = math.prod(len(c.options) for c in movable if c.kind == "dropdown")
    sliders = [c for c in movable if c.kind == "slider"]

    def size(values: list, full: bool) -> int:
        lengths = [len(v) for c, v in zip(movable, values) if c.kind == "slider"]
        return drops * (math.prod(lengths) if full else 1 + sum(k - 1 for k in lengths))

    # The most values per slider that fit: every combination if at least MIN_FULL fit, else
    # one slider at a time (at least 2 values each, whatever the budget).
    candidates = [(count, True) for count in range(MAX_VALUES, MIN_FULL - 1, -1)]
    candidates += [(count, False) for count in range(MAX_VALUES, 1, -1)]
    for count, full in candidates:
        values = [grid_values(c, count) for c in movable]
        if size(values, full) <= budget:
            break
    full = full or not sliders
    return [(c, v, v.index(c.value)) for c, v in zip(movable, values)], full


def grid_keys(plan: list, full: bool):
    """Index tuples of the grid points: all combinations, or one slider off its current value."""
    ranges = [range(len(v)) for _, v, _ in plan]
    if full:
        yield from itertools.product(*ranges)
        return
    drop_axes = [i for i, (c, _, _) in enumerate(plan) if c.kind == "dropdown"]
    for combo in itertools.product(*(ranges[i] for i in drop_axes)):
        center = [centre for _, _, centre in plan]
        for i, value in zip(drop_axes, combo):
            center[i] = value
        yield tuple(center)
        for i, (c, v, centre) in enumerate(plan):
            if c.kind == "slider":
                for k in range(len(v)):
                    if k != centre:
                        yield tuple(center[:i] + [k] + center[i + 1 :])


def widen(extents: dict, curves: dict) -> None:
    """Grow ``extents`` (kind -> (min, max)) to hold ``curves`` (kind -> values)."""
    for kind, curve in curves.items():
        lo, hi = extents.get(kind, (math.inf, -math.inf))
        extents[kind] = (min(lo, float(curve.min())), max(hi, float(curve.max())))


def encode(curve: np.ndarray) -> str:
    """``curve`` as base64 little-endian float32, as the static page reads it."""
    return base64.b64encode(curve.astype("<f4").tobytes()).decode("ascii")
