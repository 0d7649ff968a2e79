"""Slider explorers: move a schedule's knobs and watch its curve, in a kernel and on a static page.

``explore(schedule, **params)`` returns an :class:`Explorer`. Displaying it (the last expression
of a cell) shows

* in a running kernel (JupyterLab, Notebook, VS Code): real ipywidgets sliders and an SVG plot
  redrawn in place, computed by the schedule for every move;
* everywhere else (the built book, ``nbconvert --to slides``, a notebook opened without a
  kernel): a self-contained HTML explorer. At display time the schedule is evaluated on a grid of
  parameter values; the curves ship in the page as base64 float32 and a small inline script
  (no CDN, no require.js) redraws the SVG when an ``<input type=range>`` moves. Until the script
  runs (a notebook Jupyter does not trust strips scripts), the page shows the curve for the
  current values and says how to get working sliders.

Example::

    import lrlab
    from lrlab.widgets import explore
    explore(lrlab.cosine_annealing_lr, base_lr=0.1, T_max=(10, 200), eta_min=(0, 0.05), steps=300)

**Parameters.** Each keyword names a parameter of the schedule:

=====================================  ==============================================
keyword value                          control
=====================================  ==============================================
number, bool, string, None, callable   fixed at that value
``(lo, hi)`` or ``(lo, hi, step)``     slider (whole numbers for integer parameters)
``(lo, hi, step, start)``              slider starting at ``start`` (``step`` may be None)
list                                   dropdown of those values
=====================================  ==============================================

``milestones`` takes a list of steps, so a flat list fixes it and a list of lists is a dropdown.
Ranges must have ``lo < hi`` and ``0 < step <= hi - lo``; integer parameters need whole bounds.

**Defaults.** A parameter not given gets its control from its name and its default in the
signature (``n`` is ``steps``):

* step counts (``T_max``, ``T_0``, ``step_size``, ``step_size_up``, ``num_*_steps``): an integer
  slider up to ``n``, starting at a fraction of ``n`` (``T_max`` and ``num_training_steps``: ``n``;
  ``T_0``, ``step_size``: ``n // 4``; ``step_size_up``: ``n // 8``; ``num_warmup_steps``:
  ``n // 10``; ``num_stable_steps``: ``n // 2``; ``num_decay_steps``: ``2n // 5``);
  ``total_steps`` is fixed at ``n`` (OneCycleLR's lr ends there); ``patience`` and
  ``cooldown`` slide over ``[0, n // 4]``;
* lrs: ``base_lr`` and ``max_lr`` are fixed at 0.1 (they only scale the curve), except in a
  schedule that has both (``cyclic_lr``: ``base_lr`` slides over ``[0, 0.1]`` from 0.01,
  ``max_lr`` over ``[0, 0.2]``); floors ``eta_min``, ``min_lr``, ``lr_end`` slide over
  ``[0, 0.05]``;
* factors: ``gamma`` over ``[0, 1]`` (default 0.1, step decay), ``[0.98, 1]`` (default 1.0,
  cyclic ``exp_range``) or ``[0.9, 1]`` from 0.98 (no default: exponential decay); ``factor``,
  ``pct_start`` over ``[0.05, 0.95]``; ``min_lr_ratio``, ``min_lr_rate`` over ``[0, 1]``;
  ``div_factor`` over ``[1, 100]``; ``power`` over ``[0.5, 3]``; ``num_cycles`` over ``[0, 2]``
  (``[1, 5]`` when an integer); ``T_mult`` over ``[1, 4]``; momenta over ``[0.5, 1]``;
* choices: ``mode``, ``anneal_strategy``, ``threshold_mode``, ``decay_type``, ``warmup_type``,
  booleans, ``final_div_factor`` (1e2..1e5), ``threshold`` (0..0.1) and ``milestones`` are
  dropdowns; ``eps``, ``timescale`` and other ``None`` defaults are fixed;
* any other number: a slider over ``[0, 2 * default]`` (``[0, 1]`` when the default is 0);
  any other value is fixed; a required parameter without such a rule must be given.

A float slider without a step moves in about 100 "nice" steps (1, 2 or 5 times a power of 10).

**Momentum.** ``cyclic_lr`` and ``one_cycle_lr`` also draw the momentum that their torch
schedulers cycle (``cyclic_momentum``, ``one_cycle_momentum``), in a second panel, from the same
parameters; ``base_momentum`` and ``max_momentum`` are fixed at their defaults unless given.

**Metrics.** ``reduce_lr_on_plateau`` takes a sequence of metrics, not steps. Its explorer feeds
it ``metrics`` (keyword; by default a validation loss ``0.3 + 0.7 exp(-t / (n / 5))``) plus
``noise`` times a fixed standard normal sequence (seed 0; keyword ``noise``, a slider over
``[0, 0.05]`` from 0.01 by default), and draws that metric in a second panel. Given ``metrics``,
the run has ``len(metrics)`` epochs.

**Comparing.** ``compare`` is a list of schedules drawn on the same axes: callables of the step
(e.g. ``functools.partial(lrlab.step_lr, base_lr=0.1, step_size=30)``), drawn fixed, and/or other
explorers (with the same ``steps``), whose sliders join this one's.

**The static grid.** Each explorer's page carries curves of at most ``_MAX_POINTS`` points
(evenly spaced steps), as base64 float32, about ``_DATA_BYTES`` (240 KB) of them shared among the
explored schedules: 200 steps allow about 220 curves, 400 or more about 110. Dropdowns always offer all
their options. If every combination of the slider values fits with at least ``_MIN_FULL``
values per slider, the grid is the full product (up to ``_MAX_VALUES`` values per slider, evenly
spaced between the slider's bounds, plus the current value). Otherwise each slider gets as many
values as fit (up to ``_MAX_VALUES``) with the other sliders at their current values: on the
static page, moving one slider then puts the others back to where the explorer was displayed.
A page stays under 300 KB per explorer for the default explorer of every schedule.

**Errors.** Bad arguments to ``explore`` raise ``ValueError`` naming them. A combination that the
schedule rejects, reached by moving sliders (warmup longer than training), is not an error of the
explorer: the readout shows the schedule's message instead of that curve.
"""

from __future__ import annotations

import base64
import dataclasses
import decimal
import functools
import hashlib
import html
import inspect
import itertools
import json
import math
import numbers
import sys
from importlib import resources
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["Explorer", "explore"]

# Static grid budget (see the module docstring).
_MAX_POINTS = 400
_DATA_BYTES = 240_000  # base64 float32 curves per explorer; markup and script add about 12 KB
_MAX_VALUES = 41
_MIN_FULL = 7

# Schedules whose torch scheduler also cycles the momentum: lr schedule -> momentum schedule,
# looked up in the lr schedule's own module.
_MOMENTUM_PARTNERS = {"cyclic_lr": "cyclic_momentum", "one_cycle_lr": "one_cycle_momentum"}

_CHOICES = {
    "mode": (("triangular", "triangular2", "exp_range"), ("min", "max")),
    "anneal_strategy": (("cos", "linear"),),
    "threshold_mode": (("rel", "abs"),),
    "decay_type": (("linear", "cosine", "1-sqrt"),),
    "warmup_type": (("linear", "cosine", "1-sqrt"),),
}
# Step counts: name -> (initial value as a function of n = steps, slider's low bound).
_STEP_COUNTS: dict[str, tuple[Callable[[int], int], int]] = {
    "T_max": (lambda n: n, 1),
    "T_0": (lambda n: n // 4, 1),
    "step_size": (lambda n: n // 4, 1),
    "step_size_up": (lambda n: n // 8, 1),
    "num_warmup_steps": (lambda n: n // 10, 0),
    "num_training_steps": (lambda n: n, 1),
    "num_stable_steps": (lambda n: n // 2, 0),
    "num_decay_steps": (lambda n: 2 * n // 5, 0),
}
_EPOCH_COUNTS = ("patience", "cooldown")
_LR_FLOORS = ("eta_min", "min_lr", "lr_end")
_MOMENTA = ("base_momentum", "max_momentum")
_RANGES = {  # name -> (lo, hi) for numbers with a default
    "factor": (0.05, 0.95),
    "pct_start": (0.05, 0.95),
    "min_lr_ratio": (0.0, 1.0),
    "min_lr_rate": (0.0, 1.0),
    "div_factor": (1.0, 100.0),
    "power": (0.5, 3.0),
    "T_mult": (1, 4),
}
_DROPDOWNS = {  # name -> options, for numbers with a default
    "final_div_factor": (1e2, 1e3, 1e4, 1e5),
    "threshold": (0.0, 1e-4, 1e-3, 1e-2, 1e-1),
}
_FIXED = ("eps", "timescale", "total_steps")
_SEQUENCE_PARAMS = ("milestones",)
_METRIC_INPUT = "metrics"  # first parameter of a schedule fed metrics instead of steps

_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
_FALLBACK = "Run this cell, or trust the notebook, to move the sliders."
_REQUIRED = inspect.Parameter.empty


# --------------------------------------------------------------------------------------------
# Controls: what each parameter is (fixed, slider, dropdown) and its current value.


@dataclasses.dataclass(frozen=True)
class _Control:
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
        return _fmt(value) if isinstance(value, float) else str(value)

    @property
    def decimals(self) -> int:
        """Decimals that a float slider's step needs (0.0005: 4, 0.25: 2)."""
        return max(0, -decimal.Decimal(repr(float(self.step))).normalize().as_tuple().exponent)


def _fmt(value: float) -> str:
    """Four significant digits, as the static page's script writes them (``1e-5``, ``0.0125``)."""
    if value == 0:
        return "0"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def _nice_step(span: float, target: int) -> float:
    """The step 1, 2 or 5 times a power of ten nearest above ``span / target``."""
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if mult * power >= raw * (1 - 1e-9):
            return float(f"{mult * power:.12g}")
    raise AssertionError("unreachable")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_integer_param(name: str, default: Any) -> bool:
    return (
        name in _STEP_COUNTS
        or name in _EPOCH_COUNTS
        or (_is_number(default) and isinstance(default, numbers.Integral))
    )


def _slider(
    name: str, lo: float, hi: float, value: Any, integer: bool, step: Any = None
) -> _Control:
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
        step = _nice_step(hi - lo, 100)
    if not 0 < step <= hi - lo:
        raise ValueError(f"{where} needs 0 < step <= hi - lo = {hi - lo}, got step={step}")
    if not (_is_number(value) and lo <= value <= hi):
        value = lo + (hi - lo) / 2
    value = min(lo + round((value - lo) / step) * step, hi)  # on the slider's steps
    if integer:
        value = int(value)
    else:
        value = float(f"{value:.12g}")
    return _Control(name, "slider", value, lo, hi, step, integer)


def _dropdown(name: str, options: Sequence, value: Any) -> _Control:
    options = tuple(tuple(o) if isinstance(o, list) else o for o in options)
    if not options:
        raise ValueError(f"explore: the list of options for {name} is empty")
    value = tuple(value) if isinstance(value, list) else value
    return _Control(name, "dropdown", value if value in options else options[0], options=options)


def _initial(name: str, default: Any, n: int, names: Sequence[str]) -> Any:
    """Where a slider the reader gave starts: the default, else the default rule's value."""
    if default is not _REQUIRED:
        return default
    try:
        return _default_control(name, default, n, names, False).value
    except ValueError:  # no rule: the slider starts in the middle
        return None


def _given_control(name: str, spec: Any, default: Any, initial: Any) -> _Control:
    """The control for a keyword the reader gave; a slider starts at ``initial`` when in range."""
    integer = _is_integer_param(name, default)
    if name in _SEQUENCE_PARAMS and isinstance(spec, (list, tuple)):
        if spec and all(isinstance(s, (list, tuple)) for s in spec):
            return _dropdown(name, [list(s) for s in spec], initial)
        return _Control(name, "fixed", list(spec))
    if isinstance(spec, tuple):
        lo, hi, step, start = (*spec, None, None)[:4]
        if len(spec) not in (2, 3, 4) or not all(
            _is_number(s) and math.isfinite(s) for s in (lo, hi, start, step) if s is not None
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
        return _slider(name, lo, hi, initial, integer, step)
    if isinstance(spec, list):
        return _dropdown(name, spec, initial)
    return _Control(name, "fixed", spec)


def _default_control(
    name: str, default: Any, n: int, names: Sequence[str], partner_only: bool
) -> _Control:
    """The control for a parameter the reader did not give (rules in the module docstring)."""
    if partner_only or name in _FIXED:
        if name == "total_steps" and default is _REQUIRED:
            return _Control(name, "fixed", n)
        if default is _REQUIRED:
            raise ValueError(f"explore: give a value for {name} (it has no default)")
        return _Control(name, "fixed", default)
    if name in _STEP_COUNTS:
        initial, lo = _STEP_COUNTS[name]
        start = default if _is_number(default) and lo <= default <= n else initial(n)
        return _slider(name, lo, max(n, lo + 1), start, True)
    if name in _EPOCH_COUNTS:
        return _slider(name, 0, max(n // 4, 1), default, True)
    if name in ("base_lr", "max_lr"):
        if "base_lr" in names and "max_lr" in names:
            return _slider(
                name,
                0.0,
                0.1 if name == "base_lr" else 0.2,
                0.01 if name == "base_lr" else 0.1,
                False,
            )
        return _Control(name, "fixed", 0.1 if default is _REQUIRED else default)
    if name in _LR_FLOORS:
        return _slider(name, 0.0, 0.05, default, False)
    if name in _MOMENTA:
        return _slider(name, 0.5, 1.0, default, False)
    if name == "gamma":
        if default is _REQUIRED:
            return _slider(name, 0.9, 1.0, 0.98, False)
        return _slider(name, *((0.98, 1.0) if default == 1 else (0.0, 1.0)), default, False)
    if name == "num_cycles":
        integer = isinstance(default, numbers.Integral)
        return _slider(name, *((1, 5) if integer else (0.0, 2.0)), default, integer)
    if name in _RANGES and _is_number(default):
        return _slider(name, *_RANGES[name], default, _is_integer_param(name, default))
    if name in _DROPDOWNS and _is_number(default):
        return _dropdown(name, _DROPDOWNS[name], default)
    if name in _SEQUENCE_PARAMS and default is _REQUIRED:
        return _dropdown(
            name, [[n // 2], [n // 3, 2 * n // 3], [n // 2, 3 * n // 4]], [n // 2, 3 * n // 4]
        )
    if isinstance(default, bool):
        return _dropdown(name, [False, True], default)
    if isinstance(default, str):
        for options in _CHOICES.get(name, ()):
            if default in options:
                return _dropdown(name, options, default)
        return _Control(name, "fixed", default)
    if _is_number(default):
        integer = isinstance(default, numbers.Integral)
        hi = 2 * default if default > 0 else (10 if integer else 1.0)
        return _slider(name, 0, hi, default, integer)
    if default is _REQUIRED:
        raise ValueError(f"explore: give a value or a range for {name} (no default rule for it)")
    return _Control(name, "fixed", default)


# --------------------------------------------------------------------------------------------
# Layers: one explored schedule (with its momentum or metric curve) and its controls.


def _label(fn: Callable) -> str:
    if isinstance(fn, functools.partial):
        args = ", ".join(f"{k}={v!r}" for k, v in fn.keywords.items())
        return f"{_label(fn.func)}({args})"
    return getattr(fn, "__name__", type(fn).__name__)


def _parameters(fn: Callable, what: str) -> list[inspect.Parameter]:
    """The keyword parameters of ``fn`` after its first (the step, or the metrics)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError) as err:
        raise ValueError(f"explore: cannot read the signature of {what} {fn!r}: {err}") from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not params or params[0].kind not in positional:
        raise ValueError(f"explore: {what} {_label(fn)} must take the step as its first argument")
    keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p for p in params[1:] if p.kind in keyword]


def _momentum_partner(fn: Callable) -> Callable | None:
    while isinstance(fn, functools.partial):  # partial(cyclic_lr, ...) still cycles momentum
        fn = fn.func
    partner = _MOMENTUM_PARTNERS.get(getattr(fn, "__name__", ""))
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    return getattr(module, partner, None) if partner else None


@dataclasses.dataclass(frozen=True)
class _Layer:
    """An explored schedule: its controls and how to evaluate its curves."""

    label: str
    fn: Callable
    controls: dict  # name -> _Control, in signature order (then the momentum's own parameters)
    fn_names: tuple  # parameters passed to fn
    momentum: Callable | None = None
    momentum_names: tuple = ()
    metrics: np.ndarray | None = None  # base metric curve, for schedules fed metrics
    noise: np.ndarray | None = None  # unit noise added to the metrics, times the "noise" value

    @property
    def kinds(self) -> tuple:
        """Which curves this layer draws: "lr", then "momentum" or "metric" where it has one."""
        return (
            ("lr",)
            + (("momentum",) if self.momentum else ())
            + (("metric",) if self.metrics is not None else ())
        )

    def evaluate(self, x: np.ndarray, values: dict) -> dict:
        """``{kind: values at the steps x}``; raises the schedule's ValueError/TypeError."""
        if self.metrics is not None:
            metric = self.metrics + values["noise"] * self.noise
            out = {
                "lr": self.fn(metric, **{k: values[k] for k in self.fn_names})[x],
                "metric": metric[x],
            }
        else:
            out = {"lr": self.fn(x, **{k: values[k] for k in self.fn_names})}
        if self.momentum is not None:
            out["momentum"] = self.momentum(x, **{k: values[k] for k in self.momentum_names})
        for kind, curve in out.items():
            curve = np.broadcast_to(np.asarray(curve, dtype=float), x.shape)
            bad = np.flatnonzero(~np.isfinite(curve))
            if bad.size:
                raise ValueError(f"the {kind} is not finite at step {x[bad[0]]}")
            out[kind] = curve
        return out


def _make_layer(schedule: Callable, n: int, params: dict, metrics: Any, noise: Any) -> _Layer:
    if not callable(schedule):
        raise ValueError(f"explore: schedule must be a callable of the step, got {schedule!r}")
    fn_params = _parameters(schedule, "schedule")
    first = next(iter(inspect.signature(schedule).parameters))
    fed_metrics = first == _METRIC_INPUT
    momentum = _momentum_partner(schedule)
    partner_params = _parameters(momentum, "momentum schedule") if momentum else []
    fn_names = tuple(p.name for p in fn_params)
    all_params = {p.name: p for p in fn_params}
    for p in partner_params:
        all_params.setdefault(p.name, p)
    label = _label(schedule)
    allowed = list(all_params) + ([_METRIC_INPUT, "noise"] if fed_metrics else [])
    for name in params:
        if name not in all_params:
            raise ValueError(
                f"explore: {label} has no parameter {name!r} (its parameters: {', '.join(allowed)})"
            )
    if not fed_metrics and (metrics is not None or noise is not None):
        raise ValueError(
            f"explore: {label} has no parameter {'metrics' if metrics is not None else 'noise'!r}"
            f" (its parameters: {', '.join(allowed)})"
        )
    controls = {}
    for name, p in all_params.items():
        partner_only = name not in fn_names
        if name in params:
            controls[name] = _given_control(
                name, params[name], p.default, _initial(name, p.default, n, allowed)
            )
        else:
            controls[name] = _default_control(name, p.default, n, allowed, partner_only)
    base = unit = None
    if fed_metrics:
        if metrics is None:
            t = np.arange(n, dtype=float)
            base = 0.3 + 0.7 * np.exp(-t / (n / 5))
        else:
            base = np.asarray(metrics, dtype=float)
            if base.ndim != 1 or base.size < 2 or not np.all(np.isfinite(base)):
                raise ValueError(
                    "explore: metrics must be a 1-d sequence of at least 2 finite numbers,"
                    f" got {metrics!r}"
                )
        unit = np.random.default_rng(0).standard_normal(base.size)
        controls["noise"] = (
            _slider("noise", 0.0, 0.05, 0.01, False)
            if noise is None
            else _given_control("noise", noise, 0.0, 0.0)
        )
        if controls["noise"].kind == "dropdown" or not _is_number(controls["noise"].value):
            raise ValueError(f"explore: noise must be a number or a range, got {noise!r}")
    return _Layer(
        label=label,
        fn=schedule,
        controls=controls,
        fn_names=fn_names,
        momentum=momentum,
        momentum_names=tuple(p.name for p in partner_params),
        metrics=base,
        noise=unit,
    )


def _fixed_layer(fn: Callable, index: int) -> _Layer:
    """A schedule from ``compare``: a callable of the step, drawn as it is."""
    label = _label(fn)
    if label == "<lambda>":
        label = f"compare[{index}]"
    return _Layer(label=label, fn=fn, controls={}, fn_names=())


# --------------------------------------------------------------------------------------------
# The static grid.


def _grid_values(control: _Control, count: int) -> list:
    """``count`` values evenly spaced over the slider's range (on its step), plus its current value."""
    if control.kind == "dropdown":
        return list(control.options)
    slots = round((control.hi - control.lo) / control.step)
    picks = np.unique(np.round(np.linspace(0, slots, min(count, slots + 1))).astype(int))
    values = [control.lo + int(k) * control.step for k in picks]
    values = [int(v) if control.integer else float(f"{v:.12g}") for v in values]
    return sorted(set(values) | {control.value})


def _grid_plan(layer: _Layer, values: dict, max_curves: int) -> tuple[list, bool]:
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

    # The most values per slider that fit: every combination if at least _MIN_FULL fit, else
    # one slider at a time (at least 2 values each, whatever the budget).
    candidates = [(count, True) for count in range(_MAX_VALUES, _MIN_FULL - 1, -1)]
    candidates += [(count, False) for count in range(_MAX_VALUES, 1, -1)]
    for count, full in candidates:
        values = [_grid_values(c, count) for c in movable]
        if size(values, full) <= budget:
            break
    full = full or not sliders
    return [(c, v, v.index(c.value)) for c, v in zip(movable, values)], full


def _grid_keys(plan: list, full: bool):
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


def _widen(extents: dict, curves: dict) -> None:
    """Grow ``extents`` (kind -> (min, max)) to hold ``curves`` (kind -> values)."""
    for kind, curve in curves.items():
        lo, hi = extents.get(kind, (math.inf, -math.inf))
        extents[kind] = (min(lo, float(curve.min())), max(hi, float(curve.max())))


def _encode(curve: np.ndarray) -> str:
    return base64.b64encode(curve.astype("<f4").tobytes()).decode("ascii")


# --------------------------------------------------------------------------------------------
# Drawing: axes and curves as SVG; the static page's script draws paths the same way.

_WIDTH, _LEFT, _RIGHT, _TOP = 640, 58, 14, 18
_PANEL_HEIGHT = {"lr": 210, "momentum": 90, "metric": 90}
_GAP, _BOTTOM = 30, 30


@dataclasses.dataclass(frozen=True)
class _Frame:
    """Data ranges and their pixel boxes: x over ``x0..x1``; each panel ``(y0, y1, bottom, top)``."""

    x0: float
    x1: float
    yticks: dict  # panel -> tick values
    panels: dict  # panel -> (y0, y1, pixel bottom, pixel top)

    @property
    def height(self) -> int:
        return int(max(p[2] for p in self.panels.values())) + _BOTTOM

    def px(self, x: np.ndarray) -> np.ndarray:
        return _LEFT + (np.asarray(x, float) - self.x0) / (self.x1 - self.x0) * (
            _WIDTH - _LEFT - _RIGHT
        )

    def py(self, panel: str, y: np.ndarray) -> np.ndarray:
        y0, y1, bottom, top = self.panels[panel]
        return bottom + (np.clip(y, y0, y1) - y0) / (y1 - y0) * (top - bottom)

    def to_json(self) -> dict:
        return {
            "x": [self.x0, self.x1, _LEFT, _WIDTH - _RIGHT],
            "panels": {k: list(v) for k, v in self.panels.items()},
        }


def _axis_range(lo: float, hi: float, from_zero: bool) -> tuple[float, float, list]:
    """Nice ``(lo, hi, ticks)`` covering ``[lo, hi]``."""
    if from_zero:
        lo = min(lo, 0.0)
    if hi - lo <= 1e-12 * max(abs(hi), 1e-300):
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = (lo if from_zero else lo - pad), hi + pad
    step = _nice_step(hi - lo, 5)
    lo, hi = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    ticks = [float(f"{lo + k * step:.12g}") for k in range(round((hi - lo) / step) + 1)]
    return ticks[0], ticks[-1], ticks


def _make_frame(x: np.ndarray, extents: dict) -> _Frame:
    """A frame for the panels in ``extents`` (panel -> (min, max) of its curves)."""
    panels, yticks, top = {}, {}, _TOP
    for panel in ("lr", "momentum", "metric"):
        if panel not in extents:
            continue
        lo, hi, ticks = _axis_range(*extents[panel], from_zero=panel == "lr")
        bottom = top + _PANEL_HEIGHT[panel]
        panels[panel] = (lo, hi, bottom, top)
        yticks[panel] = ticks
        top = bottom + _GAP
    return _Frame(float(x[0]), float(max(x[-1], x[0] + 1)), yticks, panels)


def _path(frame: _Frame, panel: str, x: np.ndarray, y: np.ndarray) -> str:
    px, py = frame.px(x), frame.py(panel, y)
    return "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(px.tolist(), py.tolist()))


def _svg(frame: _Frame, x: np.ndarray, layers: list, curves: list, cursor: int) -> str:
    """The whole plot. ``curves[i]`` is layer i's ``{kind: values}`` (None after an error).

    The ``<svg>`` carries its frame as ``data-frame`` (JSON): pixel = ``left + (x - x0) / (x1 - x0)
    * (right - left)`` with ``"x": [x0, x1, left, right]``, and likewise for y in each of
    ``"panels"`` (``[y0, y1, bottom, top]``); each curve is a ``<path data-layer data-kind>``.
    """
    right = _WIDTH - _RIGHT
    xt = _axis_range(frame.x0, frame.x1, from_zero=False)[2]
    xt = [t for t in xt if frame.x0 <= t <= frame.x1]
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="lrlab-plot" '
        f'viewBox="0 0 {_WIDTH} {frame.height}" '
        f'width="{_WIDTH}" height="{frame.height}" font-family="sans-serif" font-size="11" '
        f'role="img" aria-label="{html.escape(" vs ".join(layer.label for layer in layers))}" '
        f"data-frame='{json.dumps(frame.to_json(), separators=(',', ':'))}'>",
        f'<rect width="{_WIDTH}" height="{frame.height}" fill="#fff"/>',
    ]
    for panel, (y0, y1, bottom, top) in frame.panels.items():
        out.append(f'<g class="lrlab-axes" data-panel="{panel}" stroke="#ddd">')
        for t in frame.yticks[panel]:
            y = frame.py(panel, np.array(t))
            out.append(f'<line x1="{_LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>')
            out.append(
                f'<text x="{_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" stroke="none" '
                f'fill="#444">{_fmt(t)}</text>'
            )
        for t in xt:
            px = frame.px(np.array(t))
            out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{bottom}"/>')
        out.append(
            f'<rect x="{_LEFT}" y="{top}" width="{right - _LEFT}" height="{bottom - top}" '
            'fill="none" stroke="#888"/>'
        )
        out.append(f'<text x="{_LEFT}" y="{top - 5}" stroke="none" fill="#444">{panel}</text></g>')
    last_bottom = max(p[2] for p in frame.panels.values())
    for t in xt:
        px = frame.px(np.array(t))
        out.append(
            f'<text x="{px:.1f}" y="{last_bottom + 14}" text-anchor="middle" fill="#444">{_fmt(t)}</text>'
        )
    out.append(
        f'<text x="{right}" y="{last_bottom + 27}" text-anchor="end" fill="#444">'
        f'{"epoch" if any(layer.metrics is not None for layer in layers) else "step"}</text>'
    )
    for i, layer in enumerate(layers):
        color = _PALETTE[i % len(_PALETTE)]
        for kind in layer.kinds:
            panel = kind
            d = _path(frame, panel, x, curves[i][kind]) if curves[i] is not None else ""
            dash = ' stroke-dasharray="5,3"' if i and not layer.controls else ""
            out.append(
                f'<path class="lrlab-curve" data-layer="{i}" data-kind="{kind}" d="{d}" fill="none" '
                f'stroke="{color}" stroke-width="2"{dash}/>'
            )
    cx = frame.px(np.array(x[cursor]))
    top = min(p[3] for p in frame.panels.values())
    out.append(
        f'<line class="lrlab-cursor" x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" y2="{last_bottom}" '
        f'stroke="#555" stroke-dasharray="2,3"/>'
    )
    out.append("</svg>")
    return "".join(out)


def _readout(x: np.ndarray, layers: list, curves: list, errors: list, cursor: int) -> str:
    """One line per layer: its colour, label, and the values at the cursor (or its error)."""
    lines = []
    for i, layer in enumerate(layers):
        color = _PALETTE[i % len(_PALETTE)]
        if curves[i] is None:
            text = f'<span class="lrlab-error" style="color:#b00">{html.escape(errors[i])}</span>'
        else:
            text = ", ".join(
                f"{kind} {_fmt(float(curves[i][kind][cursor]))}" for kind in layer.kinds
            )
        lines.append(
            f'<div data-layer="{i}"><span style="color:{color}">&#9632;</span> {html.escape(layer.label)}: '
            f'<span class="lrlab-value">{text}</span></div>'
        )
    where = "epoch" if any(layer.metrics is not None for layer in layers) else "step"
    at = f'<div>at {where} <b class="lrlab-at">{int(x[cursor])}</b></div>'
    return f'<div class="lrlab-readout">{at}{"".join(lines)}</div>'


def _control_row(name: str, field: str, label: str | None) -> str:
    """One control on its own line (a ``<div>``, so rows stack even without the stylesheet)."""
    output = "" if label is None else f" <output>{html.escape(label)}</output>"
    name = f'<span class="lrlab-name">{html.escape(name)}</span>'
    return f'<div class="lrlab-control">{name} {field}{output}</div>'


# --------------------------------------------------------------------------------------------
# The explorer.

_UIDS = itertools.count()


@functools.lru_cache(maxsize=None)
def _static_asset(name: str) -> str:
    return resources.files("lrlab").joinpath("static", name).read_text(encoding="utf-8")


class Explorer:
    """Sliders over a schedule's parameters and the curves they give; see :func:`explore`.

    ``values`` holds the current parameter values of the explored schedule (updated by the
    sliders); ``widget`` is the live ipywidgets view; ``to_html()`` the static page.
    """

    def __init__(self, layers: list, values: list, steps: int, title: str | None):
        self._layers = layers
        self.steps = steps
        self.title = title if title is not None else " vs ".join(layer.label for layer in layers)
        self._values = [dict(v) for v in values]
        self._x = self._sample_steps(layers, steps)
        self._curves: list = [None] * len(layers)
        self._errors: list = [""] * len(layers)
        self._cursor = len(self._x) - 1
        self._widget = None
        self._sliders: list = [{} for _ in layers]
        self._frame: _Frame | None = None
        for i in range(len(layers)):
            self._update(i)
            if self._curves[i] is None:
                raise ValueError(
                    f"explore: {layers[i].label} fails at its initial values: {self._errors[i]}"
                )

    @staticmethod
    def _sample_steps(layers: list, steps: int) -> np.ndarray:
        n = next((layer.metrics.size for layer in layers if layer.metrics is not None), steps)
        if n <= _MAX_POINTS:
            return np.arange(n)
        return np.unique(np.round(np.linspace(0, n - 1, _MAX_POINTS)).astype(int))

    # -- state ---------------------------------------------------------------------------------

    @property
    def values(self) -> dict:
        """The current parameter values of the explored schedule (the first one)."""
        return dict(self._values[0])

    def curve(self, kind: str = "lr", layer: int = 0) -> np.ndarray | None:
        """The drawn ``kind`` curve of a layer at the current values (None after an error)."""
        return None if self._curves[layer] is None else self._curves[layer][kind].copy()

    @property
    def x(self) -> np.ndarray:
        """The steps (or epochs) at which the curves are drawn."""
        return self._x.copy()

    def _update(self, i: int) -> None:
        try:
            self._curves[i], self._errors[i] = (
                self._layers[i].evaluate(self._x, self._values[i]),
                "",
            )
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
            self._curves[i], self._errors[i] = None, f"{type(err).__name__}: {err}"

    # -- the static page -----------------------------------------------------------------------

    def _grid(self) -> dict:
        """Curves for a grid of parameter values around the current ones (see module docstring)."""
        table: dict[str, int] = {}
        messages: dict[str, int] = {}
        layers, extents = [], {}
        explored = sum(1 for layer in self._layers if layer.controls)
        curve_bytes = 4 * math.ceil(4 * len(self._x) / 3) + 8  # base64 of float32, quotes, comma
        max_curves = max(1, _DATA_BYTES // curve_bytes - len(self._layers)) // max(1, explored)
        for i, layer in enumerate(self._layers):
            plan, full = _grid_plan(layer, self._values[i], max_curves)
            entries = {}
            for key in _grid_keys(plan, full):
                values = dict(self._values[i])
                values.update((c.name, v[k]) for (c, v, _), k in zip(plan, key))
                try:
                    curves = layer.evaluate(self._x, values)
                except (ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
                    message = f"{type(err).__name__}: {err}"
                    entries[",".join(map(str, key))] = {
                        "error": messages.setdefault(message, len(messages))
                    }
                    continue
                _widen(extents, curves)
                entries[",".join(map(str, key))] = [
                    table.setdefault(_encode(curves[k]), len(table)) for k in layer.kinds
                ]
            layers.append(
                {
                    "label": layer.label,
                    "color": _PALETTE[i % len(_PALETTE)],
                    "kinds": list(layer.kinds),
                    "full": full,
                    "controls": [
                        {
                            "name": c.name,
                            "kind": c.kind,
                            "values": [list(v) if isinstance(v, tuple) else v for v in v_],
                            "labels": [c.label(v) for v in v_],
                            "center": centre,
                        }
                        for c, v_, centre in plan
                    ],
                    "grid": entries,
                }
            )
        return {
            "layers": layers,
            "curves": list(table),
            "errors": list(messages),
            "extents": extents,
        }

    def to_html(self) -> str:
        """The self-contained static explorer (HTML, SVG, inline script; nothing from the network).

        It degrades to what a notebook that Jupyter does not trust keeps (its sanitizer drops
        ``<script>``, ``<style>`` and ``<svg>``): the fallback text first, inline-styled; one
        control per ``<div>``, disabled; the plot as an ``<img>`` of the SVG (a ``data:`` URI),
        which the script swaps for the same SVG inline so that it can redraw it.
        """
        grid = self._grid()
        frame = _make_frame(self._x, grid.pop("extents"))
        self._frame = self._frame or frame  # the live plot starts on the same axes
        data = {"x": self._x.tolist(), "cursor": self._cursor, **grid}
        payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        uid = f"lrlab-{next(_UIDS)}-{hashlib.sha1(payload.encode()).hexdigest()[:8]}"
        controls = []
        for i, layer in enumerate(data["layers"]):
            if layer["controls"] and len(self._layers) > 1:
                controls.append(
                    f'<div class="lrlab-layer"><b>{html.escape(layer["label"])}</b></div>'
                )
            for j, c in enumerate(layer["controls"]):
                attrs = f'data-layer="{i}" data-control="{j}" aria-label="{html.escape(c["name"])}" disabled'
                if c["kind"] == "slider":
                    field = (
                        f'<input type="range" min="0" max="{len(c["labels"]) - 1}" step="1" '
                        f'value="{c["center"]}" {attrs}>'
                    )
                else:
                    options = "".join(
                        f'<option value="{k}"{" selected" if k == c["center"] else ""}>'
                        f"{html.escape(text)}</option>"
                        for k, text in enumerate(c["labels"])
                    )
                    field = f"<select {attrs}>{options}</select>"
                controls.append(_control_row(c["name"], field, c["labels"][c["center"]]))
        cursor = _control_row(
            "cursor",
            f'<input type="range" class="lrlab-cursor-input" min="0" max="{len(self._x) - 1}" step="1" '
            f'value="{self._cursor}" aria-label="cursor" disabled>',
            None,
        )
        still = base64.b64encode(
            _svg(frame, self._x, self._layers, self._curves, self._cursor).encode()
        ).decode()
        return (
            f'<div class="lrlab-explorer" id="{uid}">'
            f"<style>{_static_asset('explorer.css')}</style>"
            f'<div class="lrlab-title"><b>{html.escape(self.title)}</b></div>'
            '<p class="lrlab-fallback" style="background-color:#fff4d6;color:#6b4500;'
            f'padding:4px 8px">{_FALLBACK}</p>'
            f'<div class="lrlab-controls">{"".join(controls)}</div>'
            f'<img class="lrlab-still" src="data:image/svg+xml;base64,{still}" width="{_WIDTH}" '
            f'alt="{html.escape(self.title)}: the curves at the values shown">'
            f"{cursor}{_readout(self._x, self._layers, self._curves, self._errors, self._cursor)}"
            f'<script type="application/json" class="lrlab-data">{payload}</script>'
            f"<script>({_static_asset('explorer.js').strip().rstrip(';')})"
            f'(document.getElementById("{uid}"));</script>'
            f"</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    # -- the live widget -----------------------------------------------------------------------

    @property
    def widget(self):
        """The live ipywidgets view with the sliders, the plot and the readout, built on first use."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def slider(self, name: str, layer: int = 0):
        """The ipywidgets control of parameter ``name`` (of the ``layer``-th explored schedule)."""
        self.widget  # noqa: B018 - builds the controls
        try:
            return self._sliders[layer][name]
        except KeyError:
            movable = ", ".join(self._sliders[layer]) or "none"
            raise ValueError(
                f"explore: {name!r} has no control here (controls: {movable})"
            ) from None

    def _build_widget(self):
        import ipywidgets as W

        if self._frame is None:
            self._frame = _make_frame(self._x, self._grid()["extents"])
        rows = [W.HTML(f"<b>{html.escape(self.title)}</b>")]
        for i, layer in enumerate(self._layers):
            movable = [c for c in layer.controls.values() if c.kind != "fixed"]
            if movable and len(self._layers) > 1:
                rows.append(
                    W.HTML(
                        f'<span style="color:{_PALETTE[i % len(_PALETTE)]}">&#9632;</span> {html.escape(layer.label)}'
                    )
                )
            for c in movable:
                common = {
                    "value": self._values[i][c.name],
                    "description": c.name,
                    "style": {"description_width": "140px"},
                }
                if c.kind == "dropdown":
                    w = W.Dropdown(options=[(c.label(o), o) for o in c.options], **common)
                else:
                    common.update(min=c.lo, max=c.hi, step=c.step, layout=W.Layout(width="420px"))
                    if c.integer:
                        w = W.IntSlider(**common)
                    else:
                        w = W.FloatSlider(readout_format=f".{c.decimals}f", **common)
                w.observe(functools.partial(self._on_change, i, c.name), names="value")
                self._sliders[i][c.name] = w
                rows.append(w)
        self._cursor_widget = W.IntSlider(
            min=0,
            max=len(self._x) - 1,
            value=self._cursor,
            description="cursor",
            readout=False,
            style={"description_width": "140px"},
            layout=W.Layout(width="420px"),
        )
        self._cursor_widget.observe(self._on_cursor, names="value")
        self._plot = W.HTML(self._draw())
        self._readout_widget = W.HTML(self._readout_html())
        return W.VBox([*rows, self._plot, self._cursor_widget, self._readout_widget])

    def _draw(self) -> str:
        extents: dict = {}
        for curves in self._curves:
            if curves is not None:
                _widen(extents, curves)
        frame = self._frame
        grow = {
            k: (min(lo, frame.panels[k][0]), max(hi, frame.panels[k][1]))
            for k, (lo, hi) in extents.items()
            if lo < frame.panels[k][0] or hi > frame.panels[k][1]
        }
        if grow:  # a curve left the axes: widen them (never narrow, so moves stay comparable)
            self._frame = frame = _make_frame(
                self._x, {k: (v[0], v[1]) for k, v in frame.panels.items()} | grow
            )
        return _svg(frame, self._x, self._layers, self._curves, self._cursor)

    def _readout_html(self) -> str:
        return _readout(self._x, self._layers, self._curves, self._errors, self._cursor)

    def _on_change(self, layer: int, name: str, change: dict) -> None:
        self._values[layer][name] = change["new"]
        self._update(layer)
        self._plot.value = self._draw()
        self._readout_widget.value = self._readout_html()

    def _on_cursor(self, change: dict) -> None:
        self._cursor = change["new"]
        self._plot.value = self._draw()
        self._readout_widget.value = self._readout_html()

    # -- display -------------------------------------------------------------------------------

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        try:
            view = self.widget._repr_mimebundle_()
        except ImportError:  # no ipywidgets: the static explorer alone
            view = {}
        if view and "application/vnd.jupyter.widget-view+json" in view:
            bundle["application/vnd.jupyter.widget-view+json"] = view[
                "application/vnd.jupyter.widget-view+json"
            ]
        return bundle

    def __repr__(self) -> str:
        parts = []
        for layer, values in zip(self._layers, self._values):
            shown = ", ".join(
                f"{k}={values[k]!r}" for k, c in layer.controls.items() if c.kind != "fixed"
            )
            parts.append(f"{layer.label}({shown})")
        return f"Explorer({'; '.join(parts)}, steps={self.steps})"


def explore(
    schedule: Callable,
    *,
    steps: int = 200,
    compare: Sequence | None = None,
    title: str | None = None,
    **params: Any,
) -> Explorer:
    """Sliders over ``schedule``'s parameters, its curve redrawn as they move.

    Args:
        schedule: a pure schedule, e.g. ``lrlab.cosine_annealing_lr`` (its first argument is the
            step; ``lrlab.reduce_lr_on_plateau``'s is the metrics).
        steps: the number of steps drawn, ``0 .. steps - 1``.
        compare: further schedules on the same axes: callables of the step (drawn fixed) or
            other explorers (drawn live, with their sliders).
        title: shown above the plot; by default the schedules' names.
        **params: one keyword per parameter: a number (fixed), ``(lo, hi)`` or
            ``(lo, hi, step)`` (a slider), a list (a dropdown). For ``reduce_lr_on_plateau`` also
            ``metrics`` (the metric curve) and ``noise`` (its noise level, a number or a range).

    Returns:
        An :class:`Explorer`; display it (the last expression of a cell).

    Raises:
        ValueError: naming the argument, for an unknown parameter, a bad range, a bad ``compare``
            entry, or parameters at which the schedule itself fails.

    Example:
        >>> import lrlab
        >>> ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=300)
        >>> ex.values  # T_max's rule value, 300, is out of range: the slider starts mid-range
        {'base_lr': 0.1, 'T_max': 105, 'eta_min': 0.0}
        >>> float(ex.curve()[105])  # the bottom of the first half-cosine
        0.0
    """
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 2:
        raise ValueError(f"explore: steps must be an integer >= 2, got {steps!r}")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"explore: title must be a string, got {title!r}")
    metrics, noise = params.pop(_METRIC_INPUT, None), params.pop("noise", None)
    layer = _make_layer(schedule, int(steps), params, metrics, noise)
    layers, values = [layer], [{name: c.value for name, c in layer.controls.items()}]
    if compare is not None:
        if not isinstance(compare, (list, tuple)):
            raise ValueError(
                f"explore: compare must be a list of schedules or explorers, got {compare!r}"
            )
        for k, item in enumerate(compare):
            if isinstance(item, Explorer):
                if item.steps != steps:
                    raise ValueError(
                        f"explore: compare[{k}] explores {item.steps} steps, this explorer"
                        f" {steps}: give both the same steps"
                    )
                layers.extend(item._layers)  # drawn from its current values
                values.extend(item._values)
            elif callable(item):
                layer = _fixed_layer(item, k)
                try:
                    layer.evaluate(np.arange(2), {})
                except Exception as err:  # noqa: BLE001 - reported as the reader's bad argument
                    raise ValueError(
                        f"explore: compare[{k}] ({layer.label}) must be a callable of the step alone "
                        f"(e.g. functools.partial(schedule, base_lr=...)); calling it failed: {err}"
                    ) from None
                layers.append(layer)
                values.append({})
            else:
                raise ValueError(
                    f"explore: compare[{k}] must be a callable of the step or an Explorer, got {item!r}"
                )
    return Explorer(_dedupe_labels(layers), values, int(steps), title)


def _dedupe_labels(layers: list) -> list:
    seen: dict[str, int] = {}
    out = []
    for layer in layers:
        seen[layer.label] = seen.get(layer.label, 0) + 1
        if seen[layer.label] > 1:
            layer = dataclasses.replace(layer, label=f"{layer.label} ({seen[layer.label]})")
        out.append(layer)
    return out
