"""Argument validators shared by the schedules and the schedulers.

Each check raises ``ValueError`` whose message names the argument and shows the value it got,
so a mistake is reported where the schedule or scheduler is built, not deep inside a training
loop. Only the standard library is used here: the schedules must import with NumPy alone.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(name: str, value: Any, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int``; raise if it is not an integer ``>= minimum``."""
    if not _is_int(value):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a ``float``; raise unless it is a finite number in the interval.

    ``low`` / ``high`` bound the interval; ``low_open`` / ``high_open`` exclude the bound.
    """
    if not _is_real(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        bounded_low = low is not None and math.isfinite(low)
        bounded_high = high is not None and math.isfinite(high)
        if bounded_low and bounded_high:
            left = "(" if low_open else "["
            right = ")" if high_open else "]"
            where = f"in {left}{low!r}, {high!r}{right}"
        elif bounded_low:
            where = f"{'>' if low_open else '>='} {low!r}"
        else:
            where = f"{'<' if high_open else '<='} {high!r}"
        raise ValueError(f"{name} must be {where}, got {value!r}")
    return value


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Raise unless ``value`` is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_int_list(name: str, values: Any, minimum: int = 0) -> list[int]:
    """Return ``values`` as a list of integers ``>= minimum``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a sequence of integers, got {values!r}")
    out = list(values)
    for v in out:
        if not _is_int(v) or v < minimum:
            raise ValueError(
                f"{name} must contain integers >= {minimum}, got {values!r} (bad entry {v!r})"
            )
    return [int(v) for v in out]


def check_lr(name: str, value: Any) -> float:
    """A learning rate: a finite number ``>= 0``."""
    return check_real(name, value, low=0.0)


def check_momentum_pair(base_momentum: Any, max_momentum: Any) -> tuple[float, float]:
    """Two momenta: finite numbers, in any order and outside [0, 1] too (as PyTorch's cyclic
    schedulers take them, and its own tests use them)."""
    return check_real("base_momentum", base_momentum), check_real("max_momentum", max_momentum)
