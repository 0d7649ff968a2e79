"""Layers: one explored schedule (with its momentum or metric curve), its controls, its curves."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from lrlab.schedules import registry
from lrlab.widgets._controls import (
    default_control,
    given_control,
    initial_value,
    is_number,
    slider,
)

__all__ = [
    "Layer",
    "schedule_label",
    "keyword_parameters",
    "make_layer",
    "fixed_layer",
    "dedupe_labels",
]


def schedule_label(fn: Callable, controlled: Collection[str] = ()) -> str:
    """The name of ``fn``, with the keywords of a ``functools.partial`` but those in
    ``controlled`` (a control shows their current values, and a label must not name an old one).
    """
    if isinstance(fn, functools.partial):
        kept = {k: v for k, v in fn.keywords.items() if k not in controlled}
        name = schedule_label(fn.func, controlled)
        if not kept:
            return name
        return f"{name}({', '.join(f'{k}={v!r}' for k, v in kept.items())})"
    return getattr(fn, "__name__", type(fn).__name__)


def keyword_parameters(fn: Callable, what: str) -> list[inspect.Parameter]:
    """The keyword parameters of ``fn`` after its first (the step, or the metrics)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError) as err:
        raise ValueError(f"explore: cannot read the signature of {what} {fn!r}: {err}") from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not params or params[0].kind not in positional:
        raise ValueError(
            f"explore: {what} {schedule_label(fn)} must take the step as its first argument"
        )
    keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p for p in params[1:] if p.kind in keyword]


@dataclasses.dataclass(frozen=True)
class Layer:
    """An explored schedule: its controls and how to evaluate its curves."""

    label: str
    fn: Callable
    controls: dict  # name -> Control, in signature order (then the momentum's own parameters)
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


def make_layer(schedule: Callable, n: int, params: dict, metrics: Any, noise: Any) -> Layer:
    """The layer of the explored ``schedule``, its controls from ``params`` and the rules."""
    if not callable(schedule):
        raise ValueError(f"explore: schedule must be a callable of the step, got {schedule!r}")
    fn_params = keyword_parameters(schedule, "schedule")
    first = next(iter(inspect.signature(schedule).parameters))
    fed_metrics = first == registry.METRIC_INPUT
    momentum = registry.momentum_partner(schedule)
    partner_params = keyword_parameters(momentum, "momentum schedule") if momentum else []
    fn_names = tuple(p.name for p in fn_params)
    all_params = {p.name: p for p in fn_params}
    for p in partner_params:
        all_params.setdefault(p.name, p)
    label = schedule_label(schedule)
    allowed = list(all_params) + ([registry.METRIC_INPUT, "noise"] if fed_metrics else [])
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
            controls[name] = given_control(
                name, params[name], p.default, initial_value(name, p.default, n, allowed)
            )
        else:
            controls[name] = default_control(name, p.default, n, allowed, partner_only)
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
            slider("noise", 0.0, 0.05, 0.01, False)
            if noise is None
            else given_control("noise", noise, 0.0, 0.0)
        )
        if controls["noise"].kind == "dropdown" or not is_number(controls["noise"].value):
            raise ValueError(f"explore: noise must be a number or a range, got {noise!r}")
    return Layer(
        label=schedule_label(schedule, {k for k, c in controls.items() if c.kind != "fixed"}),
        fn=schedule,
        controls=controls,
        fn_names=fn_names,
        momentum=momentum,
        momentum_names=tuple(p.name for p in partner_params),
        metrics=base,
        noise=unit,
    )


def fixed_layer(fn: Callable, index: int) -> Layer:
    """A schedule from ``compare``: a callable of the step, drawn as it is."""
    label = schedule_label(fn)
    if label == "<lambda>":
        label = f"compare[{index}]"
    return Layer(label=label, fn=fn, controls={}, fn_names=())


def dedupe_labels(layers: list) -> list:
    """The layers, a repeated label numbered ``(2)``, ``(3)``, ..."""
    seen: dict[str, int] = {}
    out = []
    for layer in layers:
        seen[layer.label] = seen.get(layer.label, 0) + 1
        if seen[layer.label] > 1:
            layer = dataclasses.replace(layer, label=f"{layer.label} ({seen[layer.label]})")
        out.append(layer)
    return out
