"""The schedules' shared helpers: step arrays in, float or array out; one half cosine.

Private to :mod:`lrlab.schedules`: every schedule validates its steps with :func:`as_steps` and
returns through :func:`as_output`; every cosine schedule draws :func:`half_cosine`; every warmup
of the transformers family is :func:`warmup_factor`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from lrlab._checks import check_int

__all__ = [
    "Steps",
    "as_steps",
    "as_output",
    "call_vectorised",
    "power",
    "half_cosine",
    "warmup_factor",
    "check_warmup_training",
]

Steps = Any  # a Python number or a NumPy array of numbers


def as_steps(step: Steps, name: str = "step") -> tuple[np.ndarray, bool]:
    """Return ``(array of steps, was_scalar)``; raise on negative, non-finite or non-numbers."""
    arr = np.asarray(step)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(f"{name} must be a number or an array of numbers, got {step!r}")
    # Compute in int64 / float64 whatever the caller's dtype: float32 steps would round every
    # lr to float32, and unsigned steps would wrap around in ``total - t``.
    arr = arr.astype(np.int64 if np.issubdtype(arr.dtype, np.integer) else np.float64, copy=False)
    if arr.size and np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr < 0)
        if bad.any():
            raise ValueError(f"{name} must be finite and >= 0, got {arr[bad].flat[0]!r}")
    elif arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be >= 0, got {arr.min()!r}")
    return arr, arr.ndim == 0


def as_output(values: Any, scalar: bool) -> float | np.ndarray:
    """``values`` as a Python ``float`` for a scalar step, else as a float64 array."""
    values = np.asarray(values, dtype=np.float64)
    return float(values) if scalar else values


def _call_elementwise(fn: Callable, t: np.ndarray) -> np.ndarray:
    """Call ``fn`` once per step (with a Python ``int`` where the step is whole)."""
    steps = t.reshape(-1).tolist()  # Python ints from an integer array, floats from a float one
    if t.dtype.kind == "f":
        steps = [int(v) if v.is_integer() else v for v in steps]
    values = np.fromiter((float(fn(v)) for v in steps), dtype=np.float64, count=len(steps))
    return values.reshape(t.shape)


def call_vectorised(fn: Callable, t: np.ndarray) -> np.ndarray:
    """``fn(t)`` on the whole array when ``fn`` accepts arrays, else one step at a time.

    Functions written for a single ``int`` (``if step < warmup: ...``) fail or return a scalar
    on an array; those are evaluated step by step, exactly as
    :class:`torch.optim.lr_scheduler.LambdaLR` would call them.
    """
    if t.ndim == 0:
        return np.asarray(_call_elementwise(fn, t.reshape(1))[0])
    try:
        with np.errstate(all="ignore"):
            values = np.asarray(fn(t), dtype=np.float64)
    except Exception:  # the function only takes a single step: fall back below
        values = None
    if values is not None and values.shape == t.shape:
        return values
    return _call_elementwise(fn, t)


def power(base: float, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent`` for ``base >= 0``, as ``exp(exponent * ln(base))``.

    Several times faster than ``np.power`` on large arrays; the relative error stays below
    ``|ln(result)| * 2**-52``, under 1e-13 for any result a float64 can hold. ``0 ** 0`` is 1,
    ``0 ** e`` is 0 for ``e > 0``, as in Python.
    """
    if base == 0:
        return np.where(np.asarray(exponent) == 0, 1.0, 0.0)
    return np.exp(exponent * math.log(base))


def half_cosine(angle: Any, rising: bool = False) -> np.ndarray:
    r"""Half a cosine: :math:`\tfrac12 (1 + \cos\theta)`, from 1 at angle 0 down to 0 at π.

    With ``rising=True`` it is :math:`\tfrac12 (1 - \cos\theta)`, from 0 up to 1. Past π the
    cosine goes on. Every cosine schedule is this curve, scaled between its two ends: cosine
    annealing and its warm restarts (``eta_min + (base_lr - eta_min) * half_cosine(angle)``),
    transformers' cosine factors, the cosine warmup and decay of warmup-stable-decay, and the
    phases of the one-cycle policy. The caller writes the angle as its reference implementation
    does (``pi * t / T_max``, ``pi * num_cycles * 2 * progress``, ...), so that each schedule
    equals its reference to the last bit.
    """
    return (1.0 - np.cos(angle)) / 2 if rising else (1.0 + np.cos(angle)) / 2


def warmup_factor(t: np.ndarray, num_warmup_steps: int) -> np.ndarray:
    """``t / max(1, W)``: transformers' linear warmup from 0 (exactly 0 at step 0)."""
    return t / max(1, num_warmup_steps)


def check_warmup_training(num_warmup_steps: Any, num_training_steps: Any) -> tuple[int, int]:
    """Validate and return ``(W, T)``: ``0 <= W <= T`` and ``T >= 1``."""
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    total = check_int("num_training_steps", num_training_steps, 1)
    if warmup > total:
        raise ValueError(
            "num_warmup_steps must be <= num_training_steps (warmup longer than training), got "
            f"num_warmup_steps={warmup!r}, num_training_steps={total!r}"
        )
    return warmup, total
