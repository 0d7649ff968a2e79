"""ReduceLROnPlateau (chapter 5): the one schedule driven by a metric, not by the step.

The decision is a small state machine, written once for the pure function
:func:`~lrlab.schedules.reduce_lr_on_plateau` and the drop-in
``lrlab.schedulers.ReduceLROnPlateau``: :func:`~lrlab.schedules.check_plateau_args` validates
the arguments, :func:`~lrlab.schedules.plateau_initial_state` is the state before the first
metric, :func:`~lrlab.schedules.plateau_update` feeds one metric and
:func:`~lrlab.schedules.plateau_reduce` cuts the lr.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrlab._checks import check_choice, check_int, check_lr, check_real

__all__ = [
    "PLATEAU_MODES",
    "THRESHOLD_MODES",
    "check_plateau_args",
    "plateau_initial_state",
    "plateau_update",
    "plateau_reduce",
    "reduce_lr_on_plateau",
]

#: The values of ``mode``, ``"min"`` (lower is better) or ``"max"``.
PLATEAU_MODES = ("min", "max")
#: The values of ``threshold_mode``, ``"rel"`` (a fraction of the best) or ``"abs"`` (an amount).
THRESHOLD_MODES = ("rel", "abs")


def check_plateau_args(
    mode: Any,
    factor: Any,
    patience: Any,
    threshold: Any,
    threshold_mode: Any,
    cooldown: Any,
    eps: Any,
) -> dict[str, Any]:
    """Validate ReduceLROnPlateau's arguments (all but the lrs); return them normalised."""
    check_choice("mode", mode, PLATEAU_MODES)
    check_choice("threshold_mode", threshold_mode, THRESHOLD_MODES)
    # As PyTorch: only factor >= 1 raises; any other finite value gives a schedule (a factor
    # <= 0 drops the lr to min_lr, a negative patience reduces at every metric, ...).
    factor = check_real("factor", factor, high=1.0, high_open=True)
    patience = check_int("patience", patience)
    threshold = check_real("threshold", threshold)
    cooldown = check_int("cooldown", cooldown)
    eps = check_real("eps", eps)
    return dict(
        mode=mode,
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        eps=eps,
    )


def plateau_initial_state(mode: str) -> tuple[float, int, int]:
    """``(best, num_bad_epochs, cooldown_counter)`` before the first metric."""
    return (math.inf if mode == "min" else -math.inf), 0, 0


def plateau_is_better(a: float, best: float, mode: str, threshold: float, threshold_mode: str):
    if mode == "min" and threshold_mode == "rel":
        return a < best * (1.0 - threshold)
    if mode == "min":
        return a < best - threshold
    if threshold_mode == "rel":
        return a > best * (threshold + 1.0)
    return a > best + threshold


def plateau_update(
    state: tuple[float, int, int],
    metric: float,
    *,
    mode: str,
    patience: int,
    threshold: float,
    threshold_mode: str,
    cooldown: int,
) -> tuple[tuple[float, int, int], bool]:
    """Feed one metric: return the new ``(best, num_bad_epochs, cooldown_counter)`` and whether
    to reduce the lr now. This is ReduceLROnPlateau's decision, written once for the pure
    function and the drop-in class."""
    best, num_bad, cooling = state
    current = float(metric)
    if plateau_is_better(current, best, mode, threshold, threshold_mode):
        best, num_bad = current, 0
    else:
        num_bad += 1
    if cooling > 0:
        cooling -= 1
        num_bad = 0  # bad epochs during cooldown are ignored
    reduce = num_bad > patience
    if reduce:
        cooling, num_bad = cooldown, 0
    return (best, num_bad, cooling), reduce


def plateau_reduce(lr: float, factor: float, min_lr: float, eps: float) -> float:
    """The lr after a reduction: ``max(lr * factor, min_lr)``, unless that changes it by <= eps."""
    new_lr = max(lr * factor, min_lr)
    return new_lr if lr - new_lr > eps else lr


def reduce_lr_on_plateau(
    metrics: Sequence[float],
    base_lr: float,
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float = 0.0,
    eps: float = 1e-8,
) -> np.ndarray:
    r"""The learning rate after each metric, reduced when the metric stops improving.

    A metric :math:`m` *improves* on the best so far :math:`b` when

    .. math::

        m < b\,(1 - \theta) \;\text{(min, rel)}, \quad m < b - \theta \;\text{(min, abs)}, \quad
        m > b\,(1 + \theta) \;\text{(max, rel)}, \quad m > b + \theta \;\text{(max, abs)}.

    After more than ``patience`` metrics in a row without improvement the lr becomes
    :math:`\max(\eta \cdot \text{factor}, \eta_{\min})` (skipped when that changes it by no more
    than ``eps``), and the next ``cooldown`` metrics are not counted. This is the one schedule
    that is not a function of the step alone: a sequence of metrics in, an array out. Equals
    ``torch.optim.lr_scheduler.ReduceLROnPlateau`` fed the same metrics.

    Args:
        metrics: the monitored quantity after each epoch (e.g. the validation loss), 1-D.
        base_lr: the lr before the first metric, :math:`\ge 0`.
        mode: ``"min"`` (lower is better) or ``"max"``.
        factor: the multiplier at each reduction, :math:`< 1` (at most 0: down to ``min_lr``).
        patience: how many metrics without improvement are tolerated, an integer (usually
            :math:`\ge 0`; below 0 every metric reduces).
        threshold: :math:`\theta`, the least improvement that counts (usually :math:`\ge 0`,
            below 1 when relative).
        threshold_mode: ``"rel"`` (a fraction of the best) or ``"abs"`` (an amount).
        cooldown: metrics ignored after a reduction, an integer (usually :math:`\ge 0`).
        min_lr: the floor :math:`\eta_{\min} \ge 0`.
        eps: the least change of the lr that is applied (usually :math:`\ge 0`).

    Returns:
        An array with the lr in force after each metric.

    Example:
        >>> reduce_lr_on_plateau([5, 4, 4, 4, 4], base_lr=1.0, patience=1, factor=0.5)
        array([1. , 1. , 1. , 0.5, 0.5])
    """
    base_lr = check_lr("base_lr", base_lr)
    min_lr = check_lr("min_lr", min_lr)
    args = check_plateau_args(mode, factor, patience, threshold, threshold_mode, cooldown, eps)
    values = np.asarray(metrics)
    if values.ndim != 1 or not (
        np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating)
    ):
        raise ValueError(f"metrics must be a 1-D sequence of numbers, got {metrics!r}")
    factor, eps = args.pop("factor"), args.pop("eps")
    state = plateau_initial_state(mode)
    lr = base_lr
    lrs = np.empty(values.shape[0], dtype=np.float64)
    for i, metric in enumerate(values.tolist()):  # each decision depends on the previous one
        state, reduce = plateau_update(state, metric, **args)
        if reduce:
            lr = plateau_reduce(lr, factor, min_lr, eps)
        lrs[i] = lr
    return lrs
