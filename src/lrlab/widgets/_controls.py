"""The explorers' controls: what each parameter is (fixed, slider, dropdown) and its value.

The rules that pick a control for a parameter the reader did not give are in the docstring of
:mod:`lrlab.widgets`; the parameter lists and ranges they read are the schedules' metadata,
:mod:`lrlab.schedules.registry`.
"""

from __future__ import annotations

import dataclasses
import decimal
import inspect
import math
import numbers
from collections.abc import Sequence
from typing import Any

from lrlab.schedules import registry

__all__ = [
    "REQUIRED",
    "Control",
    "fmt",
    "nice_step",
    "is_number",
    "is_integer_param",
    "slider",
    "dropdown",
    "initial_value",
    "given_control",
    "default_control",
]

REQUIRED = inspect.Parameter.empty  # a parameter without a default


@dataclasses.dataclass(frozen=True)
class Control:
    """One parameter of an explored schedule."""

    name: str
    kind: str  # "fixed", "slider" or "dropdown"
    value: Any
    lo: float = 0.0
    hi: float = 0.0
    step: float = 0.0
    integer: bool = False
    options: tuple = ()

    def label(self, value: Any) -> str:
        """How ``value`` reads next to this control."""
        if self.kind == "slider" and not self.integer:
            return f"{value:.{self.decimals}f}"
        if isinstance(value, tuple):  # a list of milestones
            return str(list(value))
        return fmt(value) if isinstance(value, float) else str(value)

    @property
    def decimals(self) -> int:
        """Decimals that a float slider's values need: those of its step and of its first value
        (0.0005: 4, 0.25: 2; from 0.0025 by 0.002: 4, so that 0.0045 does not read 0.005), at
        most 6."""

        def places(x: float) -> int:
            return max(0, -decimal.Decimal(repr(float(x))).normalize().as_tuple().exponent)

        return min(6, max(places(self.step), places(self.lo)))


def fmt(value: float) -> str:
    """Four significant digits, as the static page's script writes them (``1e-5``, ``0.0125``)."""
    if value == 0:
        return "0"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def nice_step(span: float, target: int) -> float:
    """The step 1, 2 or 5 times a power of ten nearest above ``span / target``."""
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if mult * power >= raw * (1 - 1e-9):
            return float(f"{mult * power:.12g}")
    raise AssertionError("unreachable")


def is_number(value: Any) -> bool:
    """A real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_integer_param(name: str, default: Any) -> bool:
    """Whether ``name`` takes whole numbers: a step or epoch count, or an integer default."""
    return (
        name in registry.STEP_COUNTS
        or name in registry.EPOCH_COUNTS
        or (is_number(default) and isinstance(default, numbers.Integral))
    )


def slider(name: str, lo: float, hi: float, value: Any, integer: bool, step: Any = None) -> Control:
    """A validated slider starting at ``value`` (else the midpoint), rounded to the step."""
    where = f"explore: the range of {name}"
    if integer:
        bounds = (lo, hi) if step is None else (lo, hi, step)
        if any(not float(b).is_integer() for b in bounds):
            raise ValueError(
                f"{where} must have whole-number bounds ({name} counts steps), got {bounds}"
            )
        lo, hi = int(lo), int(hi)
        step = 1 if step is None else int(step)
    else:
        lo, hi = float(lo), float(hi)
    if not lo < hi:
        raise ValueError(f"{where} needs lo < hi, got lo={lo}, hi={hi}")
    if step is None:
        step = nice_step(hi - lo, 100)
    if not 0 < step <= hi - lo:
        raise ValueError(f"{where} needs 0 < step <= hi - lo = {hi - lo}, got step={step}")
    if not (is_number(value) and lo <= value <= hi):
        value = lo + (hi - lo) / 2
    value = min(lo + round((value - lo) / step) * step, hi)  # on the slider's steps
    if integer:
        value = int(value)
    else:
        value = float(f"{value:.12g}")
    return Control(name, "slider", value, lo, hi, step, integer)


def dropdown(name: str, options: Sequence, value: Any) -> Control:
    """A dropdown of ``options`` (lists become tuples) at ``value``, else at the first option."""
    options = tuple(tuple(o) if isinstance(o, list) else o for o in options)
    if not options:
        raise ValueError(f"explore: the list of options for {name} is empty")
    value = tuple(value) if isinstance(value, list) else value
    return Control(name, "dropdown", value if value in options else options[0], options=options)


def initial_value(name: str, default: Any, n: int, names: Sequence[str]) -> Any:
    """Where a slider the reader gave starts: the default, else the default rule's value."""
    if default is not REQUIRED:
        return default
    try:
        return default_control(name, default, n, names, False).value
    except ValueError:  # no rule: the slider starts in the middle
        return None


def given_control(name: str, spec: Any, default: Any, initial: Any) -> Control:
    """The control for a keyword the reader gave; a slider starts at ``initial`` when in range."""
    integer = is_integer_param(name, default)
    if name in registry.SEQUENCE_PARAMS and isinstance(spec, (list, tuple)):
        if spec and all(isinstance(s, (list, tuple)) for s in spec):
            return dropdown(name, [list(s) for s in spec], initial)
        return Control(name, "fixed", list(spec))
    if isinstance(spec, tuple):
        lo, hi, step, start = (*spec, None, None)[:4]
        if len(spec) not in (2, 3, 4) or not all(
            is_number(s) and math.isfinite(s) for s in (lo, hi, start, step) if s is not None
        ):
            raise ValueError(
                f"explore: {name}={spec!r}: a range is a tuple (lo, hi), (lo, hi, step) or"
                " (lo, hi, step, start) of finite numbers (step may be None)"
            )
        if start is not None:
            if not lo <= start <= hi:
                raise ValueError(
                    f"explore: {name}={spec!r}: the start {start!r} is outside [{lo!r}, {hi!r}]"
                )
            initial = start
        return slider(name, lo, hi, initial, integer, step)
    if isinstance(spec, list):
        return dropdown(name, spec, initial)
    return Control(name, "fixed", spec)


def default_control(
    name: str, default: Any, n: int, names: Sequence[str], partner_only: bool
) -> Control:
    """The control for a parameter the reader did not give (rules in the module docstring)."""
    if partner_only or name in registry.FIXED:
        if name == "total_steps" and default is REQUIRED:
            return Control(name, "fixed", n)
        if default is REQUIRED:
            raise ValueError(f"explore: give a value for {name} (it has no default)")
        return Control(name, "fixed", default)
    if name in registry.STEP_COUNTS:
        initial, lo = registry.STEP_COUNTS[name]
        start = default if is_number(default) and lo <= default <= n else initial(n)
        return slider(name, lo, max(n, lo + 1), start, True)
    if name in registry.EPOCH_COUNTS:
        return slider(name, 0, max(n // 4, 1), default, True)
    if name in ("base_lr", "max_lr"):
        if "base_lr" in names and "max_lr" in names:
            return slider(
                name,
                0.0,
                0.1 if name == "base_lr" else 0.2,
                0.01 if name == "base_lr" else 0.1,
                False,
            )
        return Control(name, "fixed", 0.1 if default is REQUIRED else default)
    if name in registry.LR_FLOORS:
        return slider(name, *registry.LR_FLOOR_RANGE, default, False)
    if name in registry.MOMENTA:
        return slider(name, *registry.MOMENTUM_RANGE, default, False)
    if name == "gamma":
        if default is REQUIRED:
            return slider(name, 0.9, 1.0, 0.98, False)
        return slider(name, *((0.98, 1.0) if default == 1 else (0.0, 1.0)), default, False)
    if name == "num_cycles":
        integer = isinstance(default, numbers.Integral)
        return slider(name, *((1, 5) if integer else (0.0, 2.0)), default, integer)
    if name in registry.RANGES and is_number(default):
        return slider(name, *registry.RANGES[name], default, is_integer_param(name, default))
    if name in registry.DROPDOWNS and is_number(default):
        return dropdown(name, registry.DROPDOWNS[name], default)
    if name in registry.FUNCTION_CHOICES and default is REQUIRED:
        return dropdown(name, registry.FUNCTION_CHOICES[name], None)
    if name in registry.SEQUENCE_PARAMS and default is REQUIRED:
        return dropdown(
            name, [[n // 2], [n // 3, 2 * n // 3], [n // 2, 3 * n // 4]], [n // 2, 3 * n // 4]
        )
    if isinstance(default, bool):
        return dropdown(name, [False, True], default)
    if isinstance(default, str):
        for options in registry.CHOICES.get(name, ()):
            if default in options:
                return dropdown(name, options, default)
        return Control(name, "fixed", default)
    if is_number(default):
        integer = isinstance(default, numbers.Integral)
        hi = 2 * default if default > 0 else (10 if integer else 1.0)
        return slider(name, 0, hi, default, integer)
    if default is REQUIRED:
        raise ValueError(f"explore: give a value or a range for {name} (no default rule for it)")
    return Control(name, "fixed", default)
