"""The schedules driven by a metric, not by the step (chapter 5): ReduceLROnPlateau, and
transformers' GreedyLR, which also raises the lr while the metric keeps improving.

Each decision is a small state machine, written once for the pure function and the drop-in
class. ReduceLROnPlateau's (:func:`~lrlab.schedules.reduce_lr_on_plateau`, the drop-in
``lrlab.schedulers.ReduceLROnPlateau``): :func:`~lrlab.schedules.check_plateau_args` validates
the arguments, :func:`~lrlab.schedules.plateau_initial_state` is the state before the first
metric, :func:`~lrlab.schedules.plateau_update` feeds one metric and
:func:`~lrlab.schedules.plateau_reduce` cuts the lr. GreedyLR's
(:func:`~lrlab.schedules.greedy_lr`, the drop-in ``lrlab.schedulers.GreedyLR``):
:func:`~lrlab.schedules.check_greedy_args`, :func:`~lrlab.schedules.greedy_initial_state` and
:func:`~lrlab.schedules.greedy_update`, which feeds one metric and moves the lrs of every group.
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
    "check_greedy_args",
    "greedy_initial_state",
    "greedy_update",
    "greedy_lr",
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


# --------------------------------------------------------------------------------------------
# GreedyLR (transformers): raise the lr while the metric improves, cut it on a plateau.
# --------------------------------------------------------------------------------------------


def check_greedy_args(
    mode: Any,
    factor: Any,
    patience: Any,
    threshold: Any,
    threshold_mode: Any,
    cooldown: Any,
    warmup: Any,
    eps: Any,
    smooth: Any,
    window_size: Any,
    reset_start: Any,
) -> dict[str, Any]:
    """Validate GreedyLR's arguments (all but the lrs); return them normalised.

    Every value transformers computes a schedule from is accepted (any whole patience, cooldown,
    warmup and reset count, any threshold and eps, a negative factor); refused are the values
    that divide by zero there: ``factor=0`` (the lr is divided by it to rise) and, with
    ``smooth``, a ``window_size`` below 1 (the mean of an empty window).
    """
    check_choice("mode", mode, PLATEAU_MODES)
    check_choice("threshold_mode", threshold_mode, THRESHOLD_MODES)
    if not isinstance(smooth, bool):
        raise ValueError(f"smooth must be True or False, got {smooth!r}")
    factor = check_real("factor", factor, high=1.0, high_open=True)  # transformers raises at 1
    if factor == 0:
        raise ValueError(
            f"factor must not be 0 (transformers divides the lr by it to raise it), got {factor!r}"
        )
    window_size = check_int("window_size", window_size)
    if smooth and window_size < 1:
        raise ValueError(
            "window_size must be >= 1 with smooth=True (transformers divides by the size of "
            f"the emptied window), got {window_size!r}"
        )
    return dict(
        mode=mode,
        factor=factor,
        patience=check_int("patience", patience),
        threshold=check_real("threshold", threshold),
        threshold_mode=threshold_mode,
        cooldown=check_int("cooldown", cooldown),
        warmup=check_int("warmup", warmup),
        eps=check_real("eps", eps),
        smooth=smooth,
        window_size=window_size,
        reset_start=check_int("reset_start", reset_start),
    )


def greedy_initial_state(mode: str, reset_start: int) -> dict[str, Any]:
    """GreedyLR's state before the first metric, under transformers' attribute names:
    ``best``, ``num_bad_epochs``, ``num_good_epochs``, ``cooldown_counter``, ``warmup_counter``,
    ``reset_start`` (reductions at the floor left before a reset) and the smoothing window
    (``values`` and their running ``sum``)."""
    return dict(
        best=math.inf if mode == "min" else -math.inf,
        num_bad_epochs=0,
        num_good_epochs=0,
        cooldown_counter=0,
        warmup_counter=0,
        reset_start=reset_start,
        values=[],
        sum=0.0,
    )


def greedy_update(
    state: dict[str, Any],
    metric: float,
    lrs: Sequence[float],
    *,
    init_lrs: Sequence[float],
    min_lrs: Sequence[float],
    max_lrs: Sequence[float],
    mode: str,
    factor: float,
    patience: int,
    threshold: float,
    threshold_mode: str,
    cooldown: int,
    warmup: int,
    eps: float,
    smooth: bool,
    window_size: int,
    reset_start: int,
) -> tuple[dict[str, Any], list[float], str | None]:
    """Feed one metric to GreedyLR: return the new state, the new lr of each group, and what
    happened (``"increase"``, ``"reduce"``, ``"reset"`` or ``None``).

    The metric (with ``smooth``, the mean of the last ``window_size`` metrics, kept as
    transformers keeps it: a running sum) is compared with the best so far as in
    ReduceLROnPlateau, except while cooling down after a cut or warming up after a rise, when
    nothing is counted. More than ``patience`` improvements in a row divide every lr by
    ``factor`` (at most ``max_lrs``), more than ``patience`` metrics without one multiply it by
    ``factor`` (at least ``min_lrs``); a change of at most ``eps`` is skipped. After
    ``reset_start`` cuts with every lr at its floor, the lrs go back to ``init_lrs`` and the state
    to its start.
    """
    state = dict(state, values=list(state["values"]))
    current = float(metric)
    if smooth:
        state["values"].append(current)
        state["sum"] += current
        if len(state["values"]) > window_size:
            state["sum"] -= state["values"].pop(0)
        current = state["sum"] / len(state["values"])
    lrs = [float(lr) for lr in lrs]
    if state["cooldown_counter"] > 0 or state["warmup_counter"] > 0:
        which = "cooldown_counter" if state["cooldown_counter"] > 0 else "warmup_counter"
        state[which] -= 1
        state["num_bad_epochs"] = state["num_good_epochs"] = 0
        return state, lrs, None
    if plateau_is_better(current, state["best"], mode, threshold, threshold_mode):
        state["best"] = current
        state["num_bad_epochs"] = 0
        state["num_good_epochs"] += 1
    else:
        state["num_bad_epochs"] += 1
        state["num_good_epochs"] = 0
    if state["num_good_epochs"] > patience:
        for i, (lr, top) in enumerate(zip(lrs, max_lrs)):
            new = min(lr / factor, top)
            if new - lr > eps:
                lrs[i] = new
        state.update(reset_start=reset_start, warmup_counter=warmup, num_good_epochs=0)
        return state, lrs, "increase"
    if state["num_bad_epochs"] <= patience:
        return state, lrs, None
    for i, (lr, floor) in enumerate(zip(lrs, min_lrs)):
        new = max(lr * factor, floor)
        if lr - new > eps:
            lrs[i] = new
    if all(lr <= floor for lr, floor in zip(lrs, min_lrs)):  # every group at its floor
        state["reset_start"] -= 1
        if state["reset_start"] <= 0:  # the cooldown of this cut still follows the reset
            state = dict(greedy_initial_state(mode, reset_start), cooldown_counter=cooldown)
            return state, [float(lr) for lr in init_lrs], "reset"
    state.update(cooldown_counter=cooldown, num_bad_epochs=0)
    return state, lrs, "reduce"


def greedy_lr(
    metrics: Sequence[float],
    base_lr: float,
    mode: str = "min",
    factor: float = 0.95,
    patience: int = 10,
    threshold: float = 1e-6,
    threshold_mode: str = "abs",
    cooldown: int = 0,
    warmup: int = 0,
    min_lr: float = 1e-3,
    max_lr: float = 1.0,
    eps: float = 1e-8,
    smooth: bool = False,
    window_size: int = 50,
    reset_start: int = 500,
) -> np.ndarray:
    r"""The learning rate after each metric: raised while the metric improves, cut when it stalls.

    A metric :math:`m` improves on the best so far :math:`b` as in
    :func:`reduce_lr_on_plateau` (:math:`m < b - \theta` for ``mode="min"`` and
    ``threshold_mode="abs"``, ...). After more than ``patience`` improvements in a row the lr
    becomes :math:`\min(\eta / \gamma, \eta_{\max})` and the next ``warmup`` metrics are not
    counted; after more than ``patience`` metrics without one it becomes
    :math:`\max(\eta \gamma, \eta_{\min})` and the next ``cooldown`` metrics are not counted
    (:math:`\gamma` = ``factor``; a change of at most ``eps`` is skipped). After ``reset_start``
    cuts at the floor :math:`\eta_{\min}` the lr goes back to ``base_lr`` and the counts start
    over. With ``smooth=True`` each metric is first replaced by the mean of the last
    ``window_size`` metrics. Equals ``transformers.optimization.GreedyLR`` fed the same metrics.

    Args:
        metrics: the monitored quantity after each epoch or step (e.g. the loss), 1-D.
        base_lr: the lr before the first metric, :math:`\ge 0`.
        mode: ``"min"`` (lower is better) or ``"max"``.
        factor: :math:`\gamma < 1`, not 0: the lr is divided by it to rise, multiplied to fall.
        patience: how many metrics in a row are tolerated, an integer.
        threshold: :math:`\theta`, the least improvement that counts.
        threshold_mode: ``"abs"`` (an amount) or ``"rel"`` (a fraction of the best).
        cooldown: metrics ignored after a cut, an integer.
        warmup: metrics ignored after a rise, an integer.
        min_lr: the floor :math:`\eta_{\min} \ge 0`.
        max_lr: the ceiling :math:`\eta_{\max} \ge 0`.
        eps: a change of the lr of at most ``eps`` is skipped.
        smooth: average the metrics over a rolling window first.
        window_size: the window of ``smooth``, an integer (:math:`\ge 1` with ``smooth``).
        reset_start: cuts at the floor before the lr goes back to ``base_lr``, an integer.

    Returns:
        An array with the lr in force after each metric.

    Example:
        >>> greedy_lr([5, 4, 3, 3, 3], base_lr=0.5, factor=0.5, patience=1, min_lr=0.1)
        array([0.5, 1. , 1. , 1. , 0.5])

    Reference: Subramanian et al. (2025), *Dynamic Learning Rate Scheduling based on Loss Changes
    Leads to Faster Convergence* (transformers names it "GreedyLR: A Novel Adaptive Learning Rate
    Scheduler")
    (arXiv:2512.14527); ``transformers.optimization.GreedyLR``.
    """
    base_lr = check_lr("base_lr", base_lr)
    min_lr = check_lr("min_lr", min_lr)
    max_lr = check_lr("max_lr", max_lr)
    args = check_greedy_args(
        mode,
        factor,
        patience,
        threshold,
        threshold_mode,
        cooldown,
        warmup,
        eps,
        smooth,
        window_size,
        reset_start,
    )
    values = np.asarray(metrics)
    if values.ndim != 1 or not (
        np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating)
    ):
        raise ValueError(f"metrics must be a 1-D sequence of numbers, got {metrics!r}")
    state = greedy_initial_state(mode, args["reset_start"])
    lrs_now = [base_lr]
    lrs = np.empty(values.shape[0], dtype=np.float64)
    bounds = dict(init_lrs=[base_lr], min_lrs=[min_lr], max_lrs=[max_lr])
    for i, metric in enumerate(values.tolist()):  # each decision depends on the previous one
        state, lrs_now, _ = greedy_update(state, metric, lrs_now, **bounds, **args)
        lrs[i] = lrs_now[0]
    return lrs
