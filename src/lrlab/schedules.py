r"""Learning-rate schedules as pure, vectorised NumPy functions of the step.

A *schedule* maps a step (or epoch) number :math:`t` to a learning rate :math:`\eta_t`. Every
function here takes a Python number **or** a NumPy array of steps as its first argument and returns
a ``float`` or an array of the same shape: ``s(np.arange(n))`` equals calling ``s`` one step at a
time, without a Python loop over the steps. Nothing here holds state or imports torch; the
drop-in schedulers (:mod:`lrlab.schedulers`), the slider explorers, the grader and the plots all
call these functions, so each formula is written once. To draw a whole curve, every schedule of the
step also has a method ``curve``: ``s.curve(n, ...)`` is ``s(np.arange(n), ...)`` to a few units in
the last place, computed with far less work (:mod:`lrlab._runs`).

Each function equals, step for step, the production implementation named in its docstring
(``torch.optim.lr_scheduler`` 2.13 or ``transformers``), which the test-suite checks over
thousands of steps and random parameters. Invalid arguments raise :class:`ValueError` naming the
argument and its value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _runs
from ._checks import (
    check_choice,
    check_int,
    check_int_list,
    check_lr,
    check_momentum_pair,
    check_real,
)

__all__ = [
    "step_lr",
    "multistep_lr",
    "exponential_lr",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts",
    "reduce_lr_on_plateau",
    "linear_schedule_with_warmup",
    "cosine_schedule_with_warmup",
    "cosine_with_hard_restarts_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup",
    "polynomial_decay_schedule_with_warmup",
    "constant_schedule_with_warmup",
    "inverse_sqrt_schedule",
    "warmup_stable_decay",
    "cyclic_lr",
    "cyclic_momentum",
    "one_cycle_lr",
    "one_cycle_momentum",
    "sequential",
    "lambda_lr",
    "SCHEDULES",
]

Steps = Any  # a Python number or a NumPy array of numbers


# --------------------------------------------------------------------------------------------
# Helpers: step arrays in, float or array out
# --------------------------------------------------------------------------------------------


def _steps(step: Steps, name: str = "step") -> tuple[np.ndarray, bool]:
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


def _out(values: Any, scalar: bool) -> float | np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return float(values) if scalar else values


def _call_elementwise(fn: Callable, t: np.ndarray) -> np.ndarray:
    """Call ``fn`` once per step (with a Python ``int`` where the step is whole)."""
    steps = t.reshape(-1).tolist()  # Python ints from an integer array, floats from a float one
    if t.dtype.kind == "f":
        steps = [int(v) if v.is_integer() else v for v in steps]
    values = np.fromiter((float(fn(v)) for v in steps), dtype=np.float64, count=len(steps))
    return values.reshape(t.shape)


def _call_vectorised(fn: Callable, t: np.ndarray) -> np.ndarray:
    """``fn(t)`` on the whole array when ``fn`` accepts arrays, else one step at a time.

    Functions written for a single ``int`` (``if step < warmup: ...``) fail or return a scalar
    on an array; those are evaluated step by step, exactly as :class:`torch.optim.lr_scheduler.LambdaLR`
    would call them.
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


def _power(base: float, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent`` for ``base > 0``, as ``exp(exponent * ln(base))``.

    Several times faster than ``np.power`` on large arrays; the relative error stays below
    ``|ln(result)| * 2**-52``, under 1e-13 for any result a float64 can hold.
    """
    return np.exp(exponent * math.log(base))


def _warmup_factor(t: np.ndarray, num_warmup_steps: int) -> np.ndarray:
    """``t / max(1, W)``: transformers' linear warmup from 0 (exactly 0 at step 0)."""
    return t / max(1, num_warmup_steps)


def _check_warmup_training(num_warmup_steps: Any, num_training_steps: Any) -> tuple[int, int]:
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    total = check_int("num_training_steps", num_training_steps, 1)
    if warmup > total:
        raise ValueError(
            "num_warmup_steps must be <= num_training_steps (warmup longer than training), got "
            f"num_warmup_steps={warmup!r}, num_training_steps={total!r}"
        )
    return warmup, total


# --------------------------------------------------------------------------------------------
# Step decay (chapter 1) and exponential decay (chapter 2)
# --------------------------------------------------------------------------------------------


@_runs.on_runs(_runs.step_lr)
def step_lr(step: Steps, base_lr: float, step_size: int, gamma: float = 0.1):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    .. math::

        \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

    where :math:`\eta_0` is ``base_lr``, :math:`s` is ``step_size`` and :math:`\gamma` is
    ``gamma``. Equals ``torch.optim.lr_scheduler.StepLR``.

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        step_size: the number of steps between two decays, an integer :math:`\ge 1`.
        gamma: the decay factor, :math:`> 0` (0.1 divides the lr by ten).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> step_lr([0, 29, 30, 60], base_lr=0.1, step_size=30)
        array([0.1  , 0.1  , 0.01 , 0.001])

    Reference: the step schedule of He et al. (2016), *Deep residual learning for image
    recognition* (divide by 10 at fixed epochs).
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    step_size = check_int("step_size", step_size, 1)
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    return _out(base_lr * _power(gamma, np.floor_divide(t, step_size)), scalar)


@_runs.on_runs(_runs.multistep_lr)
def multistep_lr(step: Steps, base_lr: float, milestones: Sequence[int], gamma: float = 0.1):
    r"""Multiply the learning rate by ``gamma`` at each milestone.

    .. math::

        \eta_t = \eta_0 \, \gamma^{\,|\{ m \in M : m \le t \}|}

    where :math:`M` is the multiset of ``milestones`` (a repeated milestone decays twice, and
    their order does not matter, as in PyTorch). Equals ``torch.optim.lr_scheduler.MultiStepLR``.

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        milestones: the steps at which the lr is multiplied by ``gamma``, integers :math:`\ge 0`.
        gamma: the decay factor, :math:`> 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> multistep_lr([0, 30, 80], base_lr=0.1, milestones=[30, 80])
        array([0.1  , 0.01 , 0.001])

    Reference: He et al. (2016), *Deep residual learning for image recognition*: divide by 10 at
    32k and 48k iterations on CIFAR-10 (when the error plateaus on ImageNet; torchvision's
    reference recipe fixes that at epochs 30 and 60 of 90).
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    marks = np.sort(np.asarray(check_int_list("milestones", milestones, 0), dtype=np.int64))
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    passed = np.searchsorted(marks, t, side="right")
    return _out(base_lr * _power(gamma, passed), scalar)


@_runs.on_runs(_runs.exponential_lr)
def exponential_lr(step: Steps, base_lr: float, gamma: float):
    r"""Multiply the learning rate by ``gamma`` every step.

    .. math::

        \eta_t = \eta_0 \, \gamma^{t}

    To reach a final lr :math:`\eta_T` after :math:`T` steps, choose
    :math:`\gamma = (\eta_T / \eta_0)^{1/T}`. Equals ``torch.optim.lr_scheduler.ExponentialLR``.

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        gamma: the factor per step, :math:`> 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> exponential_lr([0, 1, 2], base_lr=1.0, gamma=0.5)
        array([1.  , 0.5 , 0.25])

    Reference: exponential decay, e.g. Bengio (2012), *Practical recommendations for
    gradient-based training of deep architectures*.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    return _out(base_lr * _power(gamma, t), scalar)


# --------------------------------------------------------------------------------------------
# Cosine annealing (chapter 3) and warm restarts (chapter 4)
# --------------------------------------------------------------------------------------------


def _cosine(eta_min: float, base_lr: float, position: np.ndarray, period: Any) -> np.ndarray:
    """Half a cosine from ``base_lr`` (position 0) to ``eta_min`` (position = period)."""
    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * position / period)) / 2


@_runs.on_runs(_runs.cosine_annealing_lr)
def cosine_annealing_lr(step: Steps, base_lr: float, T_max: int, eta_min: float = 0.0):
    r"""Anneal the learning rate along half a cosine from ``base_lr`` to ``eta_min``.

    .. math::

        \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
                 \left(1 + \cos\left(\pi \, \frac{t}{T_{\max}}\right)\right)

    :math:`T_{\max}` is a *half period*: the lr reaches :math:`\eta_{\min}` at :math:`t = T_{\max}`
    and, as in PyTorch, rises again after it (the cosine goes on). Equals
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` (whose recursive form equals this closed form).

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        T_max: the half period in steps, an integer :math:`\ge 1`.
        eta_min: the floor :math:`\eta_{\min} \ge 0` reached at :math:`t = T_{\max}`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_annealing_lr([0, 50, 100, 150], base_lr=1.0, T_max=100)
        array([1. , 0.5, 0. , 0.5])

    Reference: Loshchilov & Hutter (2017), *SGDR: Stochastic gradient descent with warm restarts*.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    T_max = check_int("T_max", T_max, 1)
    eta_min = check_lr("eta_min", eta_min)
    return _out(_cosine(eta_min, base_lr, t, T_max), scalar)


def _restart_position(t: np.ndarray, T_0: int, T_mult: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(T_cur, T_i)``: the position in the current cycle and that cycle's length.

    Cycle :math:`n` lasts :math:`T_0 T_{mult}^n` steps, so only a few dozen cycles fit in any run:
    their starts, summed exactly in integers, are a short table in which each step is looked up.
    """
    if T_mult == 1:
        return np.mod(t, T_0), np.full(t.shape, T_0)
    last = float(t.max()) if t.size else 0.0
    lengths, starts = [T_0], [0]
    while starts[-1] + lengths[-1] <= last:
        starts.append(starts[-1] + lengths[-1])
        lengths.append(lengths[-1] * T_mult)
    cycle = np.searchsorted(np.asarray(starts, dtype=np.float64), t, side="right") - 1
    return t - np.asarray(starts)[cycle], np.asarray(lengths)[cycle]


@_runs.on_runs(_runs.cosine_annealing_warm_restarts)
def cosine_annealing_warm_restarts(
    step: Steps, base_lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0
):
    r"""Cosine annealing that restarts at ``base_lr``; each cycle ``T_mult`` times longer.

    .. math::

        \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
                 \left(1 + \cos\left(\pi \, \frac{T_{cur}}{T_i}\right)\right)

    where cycle :math:`i` lasts :math:`T_i = T_0 T_{mult}^{\,i}` steps and :math:`T_{cur}` is the
    number of steps since the last restart. Both come in closed form: cycle :math:`i` starts at
    :math:`T_0 (T_{mult}^{\,i} - 1)/(T_{mult} - 1)` (at :math:`i T_0` when :math:`T_{mult} = 1`).
    Equals ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``: integer steps give what
    successive ``scheduler.step()`` calls give, fractional steps what ``scheduler.step(epoch)``
    gives: stepped per batch, ``scheduler.step(epoch + (i + 1) / iters)`` after the ``i``-th
    batch's ``optimizer.step()`` (PyTorch's documented ``epoch + i / iters`` runs one batch late).

    Args:
        step: the step or (fractional) epoch :math:`t \ge 0`: a number or an array.
        base_lr: the lr at each restart, :math:`\eta_0 \ge 0`.
        T_0: the length of the first cycle, an integer :math:`\ge 1`.
        T_mult: the factor by which each cycle is longer than the previous, an integer :math:`\ge 1`.
        eta_min: the floor :math:`\eta_{\min} \ge 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_annealing_warm_restarts([0, 5, 10, 20, 30], base_lr=1.0, T_0=10, T_mult=2)
        array([1. , 0.5, 1. , 0.5, 1. ])

    Reference: Loshchilov & Hutter (2017), *SGDR: Stochastic gradient descent with warm restarts*.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    T_0 = check_int("T_0", T_0, 1)
    T_mult = check_int("T_mult", T_mult, 1)
    eta_min = check_lr("eta_min", eta_min)
    t_cur, t_i = _restart_position(t, T_0, T_mult)
    return _out(_cosine(eta_min, base_lr, t_cur, t_i), scalar)


# --------------------------------------------------------------------------------------------
# ReduceLROnPlateau (chapter 5): the one schedule driven by a metric, not by the step
# --------------------------------------------------------------------------------------------


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
    check_choice("mode", mode, ("min", "max"))
    check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
    factor = check_real("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    patience = check_int("patience", patience, 0)
    if threshold_mode == "rel":
        threshold = check_real("threshold", threshold, low=0.0, high=1.0, high_open=True)
    else:
        threshold = check_real("threshold", threshold, low=0.0)
    cooldown = check_int("cooldown", cooldown, 0)
    eps = check_real("eps", eps, low=0.0)
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


def _plateau_is_better(a: float, best: float, mode: str, threshold: float, threshold_mode: str):
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
    if _plateau_is_better(current, best, mode, threshold, threshold_mode):
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
        factor: the multiplier at each reduction, in :math:`(0, 1)`.
        patience: how many metrics without improvement are tolerated, an integer :math:`\ge 0`.
        threshold: :math:`\theta \ge 0`, the least improvement that counts (below 1 when relative).
        threshold_mode: ``"rel"`` (a fraction of the best) or ``"abs"`` (an amount).
        cooldown: metrics ignored after a reduction, an integer :math:`\ge 0`.
        min_lr: the floor :math:`\eta_{\min} \ge 0`.
        eps: the least change of the lr that is applied, :math:`\ge 0`.

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
# Warmup schedules (chapter 6): transformers' family, lr = base_lr * factor(step)
# --------------------------------------------------------------------------------------------


@_runs.on_runs(_runs.linear_schedule_with_warmup)
def linear_schedule_with_warmup(
    step: Steps, base_lr: float, num_warmup_steps: int, num_training_steps: int
):
    r"""Linear warmup from 0 to ``base_lr``, then linear decay to 0 at ``num_training_steps``.

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \max\left(0, \dfrac{T - t}{\max(1, T - W)}\right) & t \ge W
        \end{cases}

    with :math:`W` = ``num_warmup_steps`` and :math:`T` = ``num_training_steps``. The lr is
    exactly 0 at step 0 and at step :math:`T`. Equals ``transformers.get_linear_schedule_with_warmup``.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 \ge 0`, reached at step :math:`W`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` and :math:`\le T`.
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> linear_schedule_with_warmup([0, 5, 10, 55, 100], 1.0, 10, 100)
        array([0. , 0.5, 1. , 0.5, 0. ])

    Reference: the BERT recipe, Devlin et al. (2019); warmup: Goyal et al. (2017).
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = _check_warmup_training(num_warmup_steps, num_training_steps)
    decay = np.maximum(0.0, (total - t) / max(1, total - warmup))
    return _out(base_lr * np.where(t < warmup, _warmup_factor(t, warmup), decay), scalar)


def _cosine_factor(progress: np.ndarray, num_cycles: float) -> np.ndarray:
    """transformers' cosine factor: 1 at progress 0, 0 after ``num_cycles`` (0.5: half a cosine)."""
    return 0.5 * (1.0 + np.cos(math.pi * num_cycles * 2.0 * progress))


@_runs.on_runs(_runs.cosine_schedule_with_warmup)
def cosine_schedule_with_warmup(
    step: Steps,
    base_lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
):
    r"""Linear warmup from 0 to ``base_lr``, then cosine decay to 0 at ``num_training_steps``.

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \max\left(0, \tfrac12 \left(1 + \cos(2 \pi c \, p_t)\right)\right) & t \ge W
        \end{cases}
        \qquad p_t = \frac{t - W}{\max(1, T - W)}

    with :math:`c` = ``num_cycles`` (0.5: half a cosine, from the peak down to 0 at :math:`T`).
    Equals ``transformers.get_cosine_schedule_with_warmup``.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` and :math:`\le T`.
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.
        num_cycles: :math:`c > 0`, the number of cosine periods after warmup.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_schedule_with_warmup([0, 10, 55, 100], 1.0, 10, 100)
        array([0. , 1. , 0.5, 0. ])

    Reference: Loshchilov & Hutter (2017) for the cosine; Goyal et al. (2017) for warmup.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = _check_warmup_training(num_warmup_steps, num_training_steps)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)
    progress = (t - warmup) / max(1, total - warmup)
    decay = np.maximum(0.0, _cosine_factor(progress, num_cycles))
    return _out(base_lr * np.where(t < warmup, _warmup_factor(t, warmup), decay), scalar)


@_runs.on_runs(_runs.cosine_with_hard_restarts_schedule_with_warmup)
def cosine_with_hard_restarts_schedule_with_warmup(
    step: Steps,
    base_lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: int = 1,
):
    r"""Linear warmup, then ``num_cycles`` cosine decays to 0, each restarting at ``base_lr``.

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \tfrac12 \left(1 + \cos(\pi \, ((c\, p_t) \bmod 1))\right) & W \le t,\ p_t < 1 \\
            0 & p_t \ge 1
        \end{cases}
        \qquad p_t = \frac{t - W}{\max(1, T - W)}

    Equals ``transformers.get_cosine_with_hard_restarts_schedule_with_warmup``.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` and :math:`\le T`.
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.
        num_cycles: :math:`c > 0`, the number of restarts-and-decays after warmup.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_with_hard_restarts_schedule_with_warmup([0, 25, 50, 75, 100], 1.0, 0, 100, 2)
        array([1. , 0.5, 1. , 0.5, 0. ])

    Reference: Loshchilov & Hutter (2017), *SGDR*.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = _check_warmup_training(num_warmup_steps, num_training_steps)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)
    progress = (t - warmup) / max(1, total - warmup)
    decay = np.maximum(0.0, 0.5 * (1.0 + np.cos(math.pi * np.mod(num_cycles * progress, 1.0))))
    decay = np.where(progress >= 1.0, 0.0, decay)
    return _out(base_lr * np.where(t < warmup, _warmup_factor(t, warmup), decay), scalar)


@_runs.on_runs(_runs.cosine_with_min_lr_schedule_with_warmup)
def cosine_with_min_lr_schedule_with_warmup(
    step: Steps,
    base_lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    min_lr_rate: float = 0.0,
):
    r"""Linear warmup, then cosine decay to ``min_lr_rate * base_lr`` instead of 0.

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \max\left(0, r + (1 - r) \tfrac12 \left(1 + \cos(2 \pi c \, p_t)\right)\right) & t \ge W
        \end{cases}

    with :math:`r` = ``min_lr_rate`` and :math:`p_t` as in :func:`cosine_schedule_with_warmup`.
    Equals ``transformers.get_cosine_with_min_lr_schedule_with_warmup`` (its ``min_lr`` argument is
    ``min_lr_rate * base_lr``); ``get_scheduler("cosine_with_min_lr", ...)`` builds it.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` and :math:`\le T`.
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.
        num_cycles: :math:`c > 0`, the number of cosine periods after warmup.
        min_lr_rate: :math:`r \in [0, 1]`, the floor as a fraction of ``base_lr``.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_with_min_lr_schedule_with_warmup([0, 10, 100], 1.0, 10, 100, min_lr_rate=0.1)
        array([0. , 1. , 0.1])
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = _check_warmup_training(num_warmup_steps, num_training_steps)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)
    rate = check_real("min_lr_rate", min_lr_rate, low=0.0, high=1.0)
    progress = (t - warmup) / max(1, total - warmup)
    decay = np.maximum(0, _cosine_factor(progress, num_cycles) * (1 - rate) + rate)
    return _out(base_lr * np.where(t < warmup, _warmup_factor(t, warmup), decay), scalar)


@_runs.on_runs(_runs.polynomial_decay_schedule_with_warmup)
def polynomial_decay_schedule_with_warmup(
    step: Steps,
    base_lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
):
    r"""Linear warmup, then polynomial decay from ``base_lr`` to ``lr_end``, then ``lr_end``.

    .. math::

        \eta_t = \begin{cases}
            \eta_0 \, t / \max(1, W) & t < W \\
            (\eta_0 - \eta_{end}) \left(1 - \dfrac{t - W}{T - W}\right)^{p} + \eta_{end} & W \le t \le T \\
            \eta_{end} & t > T
        \end{cases}

    ``power`` :math:`p = 1` is a linear decay. Equals
    ``transformers.get_polynomial_decay_schedule_with_warmup`` (whose ``lr_init`` is
    ``base_lr``).

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 > \eta_{end}`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` and :math:`< T` (the decay must
            last at least one step: transformers divides by :math:`T - W`).
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.
        lr_end: the final lr :math:`\eta_{end} \ge 0`.
        power: the exponent :math:`p > 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> polynomial_decay_schedule_with_warmup([0, 10, 55, 100, 200], 1.0, 10, 100, lr_end=0.0)
        array([0. , 1. , 0.5, 0. , 0. ])
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = _check_warmup_training(num_warmup_steps, num_training_steps)
    if warmup == total:
        raise ValueError(
            "num_warmup_steps must be < num_training_steps for a polynomial decay, got "
            f"num_warmup_steps={warmup!r}, num_training_steps={total!r}"
        )
    lr_end = check_lr("lr_end", lr_end)
    if not base_lr > lr_end:
        raise ValueError(
            f"lr_end must be smaller than base_lr, got lr_end={lr_end!r}, base_lr={base_lr!r}"
        )
    power = check_real("power", power, low=0.0, low_open=True)
    remaining = np.maximum(1 - (t - warmup) / (total - warmup), 0.0)
    decay = ((base_lr - lr_end) * remaining**power + lr_end) / base_lr
    factor = np.where(t < warmup, _warmup_factor(t, warmup), np.where(t > total, lr_end / base_lr, decay))
    return _out(base_lr * factor, scalar)


@_runs.on_runs(_runs.constant_schedule_with_warmup)
def constant_schedule_with_warmup(step: Steps, base_lr: float, num_warmup_steps: int):
    r"""Linear warmup from 0 to ``base_lr`` over ``num_warmup_steps``, then constant.

    .. math::

        \eta_t = \eta_0 \cdot \min\left(1, \frac{t}{\max(1, W)}\right)

    Equals ``transformers.get_constant_schedule_with_warmup``.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the lr after warmup, :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> constant_schedule_with_warmup([0, 5, 10, 1000], 1.0, 10)
        array([0. , 0.5, 1. , 1. ])

    Reference: Goyal et al. (2017), *Accurate, large minibatch SGD* (gradual warmup).
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    return _out(base_lr * np.where(t < warmup, _warmup_factor(t, warmup), 1.0), scalar)


@_runs.on_runs(_runs.inverse_sqrt_schedule)
def inverse_sqrt_schedule(
    step: Steps, base_lr: float, num_warmup_steps: int, timescale: int | None = None
):
    r"""Linear warmup, then decay proportional to the inverse square root of the step.

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \sqrt{\tau / (t - W + \tau)} & t \ge W
        \end{cases}

    with timescale :math:`\tau` = ``timescale`` (default: :math:`W`, or 10 000 when :math:`W = 0`).
    With :math:`\tau = W` the decay is :math:`\eta_0 \sqrt{W / t}`, the Transformer's
    :math:`\propto t^{-1/2}`. Equals ``transformers.get_inverse_sqrt_schedule``.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0`.
        timescale: :math:`\tau`, an integer :math:`\ge 1`, or ``None`` for the default.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> inverse_sqrt_schedule([0, 50, 100, 400], 1.0, 100)
        array([0. , 0.5, 1. , 0.5])

    Reference: Vaswani et al. (2017), *Attention is all you need*.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    if timescale is None:
        timescale = warmup or 10_000
    timescale = check_int("timescale", timescale, 1)
    shift = timescale - warmup
    decay = 1.0 / np.sqrt((np.maximum(t, warmup) + shift) / timescale)
    return _out(base_lr * np.where(t < warmup, _warmup_factor(t, warmup), decay), scalar)


_WSD_SHAPES = ("linear", "cosine", "1-sqrt")


@_runs.on_runs(_runs.warmup_stable_decay)
def warmup_stable_decay(
    step: Steps,
    base_lr: float,
    num_warmup_steps: int,
    num_stable_steps: int,
    num_decay_steps: int,
    min_lr_ratio: float = 0.0,
    decay_type: str = "cosine",
    warmup_type: str = "linear",
    num_cycles: float = 0.5,
):
    r"""Warmup, a long stable phase at ``base_lr``, then a short decay to ``min_lr_ratio * base_lr``.

    With :math:`r` = ``min_lr_ratio`` and the phase lengths :math:`W, S, D`:

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            r + (1 - r)\, w(t / \max(1, W)) & t < W \\
            1 & W \le t < W + S \\
            r + (1 - r)\, d\big((t - W - S) / \max(1, D)\big) & W + S \le t < W + S + D \\
            r & t \ge W + S + D
        \end{cases}

    where the warmup shape :math:`w(p)` is :math:`p` (``"linear"``), :math:`\tfrac12(1 - \cos \pi p)`
    (``"cosine"``) or :math:`1 - \sqrt{1 - p}` (``"1-sqrt"``), and the decay shape :math:`d(p)` is
    :math:`1 - p`, :math:`\tfrac12(1 + \cos 2\pi c p)` or :math:`1 - \sqrt{p}`. Equals
    ``transformers.get_wsd_schedule`` (whose arguments come in another order:
    ``num_warmup_steps, num_decay_steps, num_training_steps=None, num_stable_steps=None, ...``).

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the lr of the stable phase, :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0`.
        num_stable_steps: :math:`S`, an integer :math:`\ge 0`.
        num_decay_steps: :math:`D`, an integer :math:`\ge 0`.
        min_lr_ratio: :math:`r \in [0, 1]`: where warmup starts and decay ends, relative to ``base_lr``.
        decay_type: ``"linear"``, ``"cosine"`` or ``"1-sqrt"``.
        warmup_type: ``"linear"``, ``"cosine"`` or ``"1-sqrt"``.
        num_cycles: :math:`c > 0` for the cosine decay (0.5: half a cosine).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> warmup_stable_decay([0, 5, 10, 50, 95, 100], 1.0, 10, 80, 10, decay_type="linear")
        array([0. , 0.5, 1. , 1. , 0.5, 0. ])

    Reference: Hu et al. (2024), *MiniCPM*; Hägele et al. (2024), *Scaling laws and
    compute-optimal training beyond fixed training durations*.
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    stable = check_int("num_stable_steps", num_stable_steps, 0)
    decay_len = check_int("num_decay_steps", num_decay_steps, 0)
    ratio = check_real("min_lr_ratio", min_lr_ratio, low=0.0, high=1.0)
    check_choice("decay_type", decay_type, _WSD_SHAPES)
    check_choice("warmup_type", warmup_type, _WSD_SHAPES)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)

    p_warm = np.clip(_warmup_factor(t, warmup), 0.0, 1.0)
    if warmup_type == "linear":
        w = p_warm
    elif warmup_type == "cosine":
        w = 0.5 * (1.0 - np.cos(math.pi * p_warm))
    else:
        w = 1.0 - np.sqrt(1.0 - p_warm)
    p_decay = np.clip((t - warmup - stable) / max(1, decay_len), 0.0, 1.0)
    if decay_type == "linear":
        d = 1.0 - p_decay
    elif decay_type == "cosine":
        d = _cosine_factor(p_decay, num_cycles)
    else:
        d = 1.0 - np.sqrt(p_decay)
    factor = np.select(
        [t < warmup, t < warmup + stable, t < warmup + stable + decay_len],
        [
            np.maximum(0.0, w * (1.0 - ratio) + ratio),
            1.0,
            np.maximum(0.0, d * (1.0 - ratio) + ratio),
        ],
        default=ratio,
    )
    return _out(base_lr * factor, scalar)


# --------------------------------------------------------------------------------------------
# Cyclical learning rates (chapter 7)
# --------------------------------------------------------------------------------------------

_CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


def cyclic_shape(
    step: Steps, step_size_up: Any, step_size_down: Any, mode: Any, gamma: Any
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return ``(height, amplitude, was_scalar)``: the position on the triangle (0 at the
    bottom, 1 at the top) and the mode's scale of the cycle, as ``CyclicLR`` computes them."""
    t, scalar = _steps(step)
    up = check_real("step_size_up", step_size_up, low=0.0, low_open=True)
    down = up if step_size_down is None else check_real(
        "step_size_down", step_size_down, low=0.0, low_open=True
    )
    check_choice("mode", mode, _CYCLIC_MODES)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
    total = up + down
    ratio = up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    if mode == "triangular":
        amplitude = np.ones_like(cycle)
    elif mode == "triangular2":
        amplitude = _power(0.5, cycle - 1)
    else:
        amplitude = _power(gamma, t)
    return height, amplitude, scalar


@_runs.on_runs(_runs.cyclic_lr)
def cyclic_lr(
    step: Steps,
    base_lr: float,
    max_lr: float,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
):
    r"""Cycle the learning rate between ``base_lr`` and ``max_lr`` along a triangle.

    A cycle lasts :math:`u + d` steps (``step_size_up`` + ``step_size_down``): the lr climbs
    linearly for :math:`u` steps and descends for :math:`d`. With :math:`h_t \in [0, 1]` the
    height on the triangle and :math:`k = \lfloor 1 + t / (u + d) \rfloor` the cycle number,

    .. math::

        \eta_t = \eta_{base} + (\eta_{max} - \eta_{base})\, h_t\, a_t, \qquad
        a_t = \begin{cases} 1 & \text{triangular} \\ 2^{-(k - 1)} & \text{triangular2}
              \\ \gamma^{t} & \text{exp\_range} \end{cases}

    Equals the lr of ``torch.optim.lr_scheduler.CyclicLR``.

    Args:
        step: the iteration :math:`t \ge 0` (CyclicLR is stepped per batch): a number or an array.
        base_lr: the bottom of the cycle, :math:`\ge 0`.
        max_lr: the top of the cycle, :math:`\ge` ``base_lr``.
        step_size_up: :math:`u > 0`, iterations from bottom to top.
        step_size_down: :math:`d > 0`, iterations from top to bottom (default: :math:`u`).
        mode: ``"triangular"``, ``"triangular2"`` (halve the amplitude each cycle) or
            ``"exp_range"`` (scale it by :math:`\gamma^t`).
        gamma: :math:`\gamma \in (0, 1]`, used by ``"exp_range"``.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cyclic_lr([0, 5, 10, 15, 20], base_lr=0.1, max_lr=1.1, step_size_up=10)
        array([0.1, 0.6, 1.1, 0.6, 0.1])

    Reference: Smith (2017), *Cyclical learning rates for training neural networks*.
    """
    base_lr = check_lr("base_lr", base_lr)
    max_lr = check_lr("max_lr", max_lr)
    if max_lr < base_lr:
        raise ValueError(f"max_lr must be >= base_lr, got max_lr={max_lr!r}, base_lr={base_lr!r}")
    height, amplitude, scalar = cyclic_shape(step, step_size_up, step_size_down, mode, gamma)
    return _out(base_lr + (max_lr - base_lr) * height * amplitude, scalar)


@_runs.on_runs(_runs.cyclic_momentum)
def cyclic_momentum(
    step: Steps,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    base_momentum: float = 0.8,
    max_momentum: float = 0.9,
):
    r"""The momentum ``CyclicLR`` cycles in antiphase with the lr: high when the lr is low.

    .. math::

        \mu_t = \mu_{max} - (\mu_{max} - \mu_{base})\, h_t\, a_t

    with :math:`h_t` and :math:`a_t` as in :func:`cyclic_lr`. Equals the ``momentum`` (SGD) or
    ``betas[0]`` (Adam) that ``torch.optim.lr_scheduler.CyclicLR`` sets.

    Args:
        step: the iteration :math:`t \ge 0`: a number or an array.
        step_size_up, step_size_down, mode, gamma: as in :func:`cyclic_lr`.
        base_momentum: :math:`\mu_{base}`, the momentum at the top of the lr cycle.
        max_momentum: :math:`\mu_{max}`, the momentum at the bottom; :math:`0 \le \mu_{base}
            \le \mu_{max} \le 1`.

    Returns:
        The momentum: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cyclic_momentum([0, 5, 10], step_size_up=10)
        array([0.9 , 0.85, 0.8 ])

    Reference: Smith (2018), *A disciplined approach to neural network hyper-parameters*.
    """
    base_m, max_m = check_momentum_pair(base_momentum, max_momentum)
    height, amplitude, scalar = cyclic_shape(step, step_size_up, step_size_down, mode, gamma)
    return _out(max_m - (max_m - base_m) * height * amplitude, scalar)


# --------------------------------------------------------------------------------------------
# One-cycle (chapter 8)
# --------------------------------------------------------------------------------------------


def _one_cycle_ends(total_steps: Any, pct_start: Any, three_phase: bool) -> tuple[int, list[float]]:
    """Validate and return ``(total_steps, the last step of each phase)`` as OneCycleLR sets them."""
    total = check_int("total_steps", total_steps, 1)
    pct = check_real("pct_start", pct_start, low=0.0, high=1.0, low_open=True, high_open=True)
    if not isinstance(three_phase, (bool, np.bool_)):
        raise ValueError(f"three_phase must be True or False, got {three_phase!r}")
    if three_phase:
        ends = [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
    else:
        ends = [float(pct * total) - 1, float(total - 1)]
    if ends[0] <= 0:
        raise ValueError(
            "pct_start * total_steps must be > 1 (the warm-up must end after step 0), "
            f"got pct_start={pct!r}, total_steps={total!r}"
        )
    if three_phase and not ends[1] < ends[2]:
        raise ValueError(
            "with three_phase=True, 2 * pct_start * total_steps must be < total_steps + 1 (the "
            f"third phase needs at least one step), got pct_start={pct!r}, total_steps={total!r}"
        )
    return total, ends


@_runs.on_runs(_runs.one_cycle_curve)
def _one_cycle_curve(
    step: Steps,
    total_steps: Any,
    pct_start: Any,
    anneal_strategy: Any,
    three_phase: bool,
    points: dict[str, float],
    phases: list[tuple[str, str]],
) -> float | np.ndarray:
    """Interpolate between the named ``points`` along the phases, as OneCycleLR does."""
    t, scalar = _steps(step)
    total, ends = _one_cycle_ends(total_steps, pct_start, three_phase)
    check_choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
    if t.size and t.max() > total:
        raise ValueError(
            f"step must be <= total_steps={total!r} (OneCycleLR cannot be stepped past its end), "
            f"got {t.max()!r}"
        )
    ends_arr = np.asarray(ends)
    starts_arr = np.concatenate([[0.0], ends_arr[:-1]])
    phase = np.minimum(np.searchsorted(ends_arr, t, side="left"), len(ends) - 1)
    pct = (t - starts_arr[phase]) / (ends_arr[phase] - starts_arr[phase])
    start = np.asarray([points[a] for a, _ in phases])[phase]
    end = np.asarray([points[b] for _, b in phases])[phase]
    if anneal_strategy == "cos":
        values = end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
    else:
        values = (end - start) * pct + start
    return _out(values, scalar)


@_runs.on_runs(_runs.passes_run_on)
def one_cycle_lr(
    step: Steps,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
):
    r"""The one-cycle policy: warm up to ``max_lr``, then anneal far below the start.

    The lr starts at :math:`\eta_{init} = \eta_{max} / \text{div\_factor}`, rises to
    :math:`\eta_{max}` by step :math:`p T - 1` (:math:`p` = ``pct_start``, :math:`T` =
    ``total_steps``), and anneals to :math:`\eta_{min} = \eta_{init} / \text{final\_div\_factor}`
    at step :math:`T - 1`. With ``three_phase=True`` it first comes back down to
    :math:`\eta_{init}` by step :math:`2pT - 2` (symmetric), then anneals to :math:`\eta_{min}`.
    Within a phase from :math:`a` to :math:`b` at fraction :math:`q` of its length:

    .. math::

        \text{cos:}\ b + \tfrac12 (a - b)(1 + \cos \pi q), \qquad \text{linear:}\ a + (b - a)\, q

    Equals the lr of ``torch.optim.lr_scheduler.OneCycleLR`` at steps :math:`0 \dots T`
    (PyTorch allows one step past :math:`T - 1`; stepping further raises ``ValueError``).

    Args:
        step: the iteration :math:`0 \le t \le T`: a number or an array.
        max_lr: the peak lr :math:`\eta_{max} \ge 0`.
        total_steps: :math:`T`, an integer :math:`\ge 1`.
        pct_start: :math:`p \in (0, 1)`, the fraction of the run spent warming up; the warmup must
            last more than one step (:math:`pT > 1`).
        anneal_strategy: ``"cos"`` or ``"linear"``.
        div_factor: :math:`> 0`, ``max_lr / initial_lr``.
        final_div_factor: :math:`> 0`, ``initial_lr / min_lr``.
        three_phase: add the symmetric descent back to the initial lr before the final anneal.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> one_cycle_lr([0, 29, 99], max_lr=1.0, total_steps=100, anneal_strategy="linear")
        array([4.e-02, 1.e+00, 4.e-06])

    Reference: Smith & Topin (2019), *Super-convergence*; Smith (2018), *A disciplined approach
    to neural network hyper-parameters*.
    """
    max_lr = check_lr("max_lr", max_lr)
    div = check_real("div_factor", div_factor, low=0.0, low_open=True)
    final_div = check_real("final_div_factor", final_div_factor, low=0.0, low_open=True)
    initial = max_lr / div
    points = {"initial": initial, "max": max_lr, "min": initial / final_div}
    if three_phase:
        phases = [("initial", "max"), ("max", "initial"), ("initial", "min")]
    else:
        phases = [("initial", "max"), ("max", "min")]
    return _one_cycle_curve(
        step, total_steps, pct_start, anneal_strategy, three_phase, points, phases
    )


@_runs.on_runs(_runs.passes_run_on)
def one_cycle_momentum(
    step: Steps,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    three_phase: bool = False,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
):
    r"""The momentum ``OneCycleLR`` cycles in antiphase with the lr.

    It falls from ``max_momentum`` to ``base_momentum`` while the lr warms up, and climbs back to
    ``max_momentum`` while the lr comes down (with ``three_phase=True`` it stays at
    ``max_momentum`` in the final phase), along the same phases and annealing as
    :func:`one_cycle_lr`. Equals the ``momentum`` (SGD) or ``betas[0]`` (Adam) that
    ``torch.optim.lr_scheduler.OneCycleLR`` sets.

    Args:
        step: the iteration :math:`0 \le t \le T`: a number or an array.
        total_steps, pct_start, anneal_strategy, three_phase: as in :func:`one_cycle_lr`.
        base_momentum: the momentum at the peak lr; :math:`0 \le` ``base_momentum`` :math:`\le`
            ``max_momentum`` :math:`\le 1`.
        max_momentum: the momentum at the start and end.

    Returns:
        The momentum: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> one_cycle_momentum([0, 29, 99], total_steps=100, anneal_strategy="linear")
        array([0.95, 0.85, 0.95])

    Reference: Smith (2018), *A disciplined approach to neural network hyper-parameters*.
    """
    base_m, max_m = check_momentum_pair(base_momentum, max_momentum)
    points = {"base": base_m, "max": max_m}
    if three_phase:
        phases = [("max", "base"), ("base", "max"), ("max", "max")]
    else:
        phases = [("max", "base"), ("base", "max")]
    return _one_cycle_curve(
        step, total_steps, pct_start, anneal_strategy, three_phase, points, phases
    )


# --------------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------------


@_runs.on_runs(_runs.passes_run_on)
def lambda_lr(step: Steps, base_lr: float, lr_lambda: Callable[[Any], float]):
    r"""``base_lr`` times a factor you give as a function of the step: the universal schedule.

    .. math::

        \eta_t = \eta_0 \cdot \lambda(t)

    ``lr_lambda`` is called once on the whole array of steps when it accepts arrays (e.g.
    ``lambda t: 0.95 ** t``); a function written for one step at a time (``if t < 10: ...``) is
    called once per step with a Python ``int``, as PyTorch calls it. Equals
    ``torch.optim.lr_scheduler.LambdaLR``.

    Args:
        step: the step :math:`t \ge 0`: a number or an array.
        base_lr: :math:`\eta_0 \ge 0`.
        lr_lambda: :math:`\lambda`, a function of the step returning a multiplicative factor.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> lambda_lr([0, 1, 2], 0.5, lambda t: 1.0 if t == 0 else 0.1)
        array([0.5 , 0.05, 0.05])
    """
    t, scalar = _steps(step)
    base_lr = check_lr("base_lr", base_lr)
    if not callable(lr_lambda):
        raise ValueError(f"lr_lambda must be a function of the step, got {lr_lambda!r}")
    return _out(base_lr * _call_vectorised(lr_lambda, t), scalar)


def sequential(
    schedules: Sequence[Callable[[Any], Any]], milestones: Sequence[int]
) -> Callable[[Steps], float | np.ndarray]:
    r"""Join schedules end to end: a new schedule that follows ``schedules[i]`` between milestones.

    .. math::

        \eta_t = s_i(t - m_{i-1}) \quad \text{for } m_{i-1} \le t < m_i \quad (m_{-1} = 0)

    Each piece receives its *local* step, starting at 0 at its milestone: this is how
    ``torch.optim.lr_scheduler.SequentialLR`` restarts each scheduler, and how warmup then cosine
    is built from two simple pieces.

    Args:
        schedules: functions of the step (e.g. ``functools.partial(cosine_annealing_lr,
            base_lr=0.1, T_max=90)``), at least one.
        milestones: the steps where the next piece takes over, ``len(schedules) - 1`` strictly
            increasing integers :math:`\ge 1`.

    Returns:
        A schedule: a function of the step (number or array) returning the lr.

    Example:
        >>> from functools import partial
        >>> warm = partial(lambda_lr, base_lr=1.0, lr_lambda=lambda t: (t + 1) / 5)
        >>> decay = partial(exponential_lr, base_lr=1.0, gamma=0.5)
        >>> sequential([warm, decay], milestones=[4])([0, 3, 4, 5])
        array([0.2, 0.8, 1. , 0.5])
    """
    pieces = list(schedules)
    if not pieces:
        raise ValueError(f"schedules must contain at least one schedule, got {schedules!r}")
    for i, piece in enumerate(pieces):
        if not callable(piece):
            raise ValueError(f"schedules[{i}] must be a function of the step, got {piece!r}")
    marks = check_int_list("milestones", milestones, 1)
    if len(marks) != len(pieces) - 1:
        raise ValueError(
            f"milestones must have len(schedules) - 1 = {len(pieces) - 1} entries, got {marks!r}"
        )
    if any(b <= a for a, b in zip(marks, marks[1:])):
        raise ValueError(f"milestones must be strictly increasing, got {marks!r}")
    offsets = [0, *marks]

    @_runs.on_runs(_runs.sequential(pieces, marks))
    def schedule(step: Steps) -> float | np.ndarray:
        t, scalar = _steps(step)
        flat = t.reshape(-1)
        piece_of = np.searchsorted(marks, flat, side="right")
        out = np.empty(flat.shape, dtype=np.float64)
        for i, piece in enumerate(pieces):  # a loop over pieces, not over steps
            here = piece_of == i
            if here.any():
                out[here] = _call_vectorised(piece, flat[here] - offsets[i])
        return _out(out.reshape(t.shape), scalar)

    schedule.__doc__ = f"sequential({pieces!r}, milestones={marks!r})"
    return schedule


SCHEDULES: dict[str, Callable[..., Any]] = {
    fn.__name__: fn
    for fn in (
        step_lr,
        multistep_lr,
        exponential_lr,
        cosine_annealing_lr,
        cosine_annealing_warm_restarts,
        reduce_lr_on_plateau,
        linear_schedule_with_warmup,
        cosine_schedule_with_warmup,
        cosine_with_hard_restarts_schedule_with_warmup,
        cosine_with_min_lr_schedule_with_warmup,
        polynomial_decay_schedule_with_warmup,
        constant_schedule_with_warmup,
        inverse_sqrt_schedule,
        warmup_stable_decay,
        cyclic_lr,
        cyclic_momentum,
        one_cycle_lr,
        one_cycle_momentum,
    )
}
"""Every schedule by name (the momentum curves included)."""
