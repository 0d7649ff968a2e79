"""Decay schedules (chapters 1 to 4): step, multistep, exponential, cosine, warm restarts, and
torch's factor schedules (constant, linear, polynomial).

Each equals its ``torch.optim.lr_scheduler`` class (named in its docstring), step for step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lrlab._checks import check_int, check_int_list, check_lr, check_real
from lrlab.schedules._core import Steps, as_output, as_steps, half_cosine, power

__all__ = [
    "step_lr",
    "multistep_lr",
    "exponential_lr",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts",
    "constant_lr",
    "linear_lr",
    "polynomial_lr",
]


# --------------------------------------------------------------------------------------------
# Step decay (chapter 1) and exponential decay (chapter 2)
# --------------------------------------------------------------------------------------------


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
        gamma: the decay factor, :math:`\ge 0` (0.1 divides the lr by ten).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> step_lr([0, 29, 30, 60], base_lr=0.1, step_size=30)
        array([0.1  , 0.1  , 0.01 , 0.001])

    Reference: the step schedule of He et al. (2016), *Deep residual learning for image
    recognition* (divide by 10 at fixed epochs).
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    step_size = check_int("step_size", step_size, 1)
    gamma = check_real("gamma", gamma, low=0.0)
    return as_output(base_lr * power(gamma, np.floor_divide(t, step_size)), scalar)


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
        gamma: the decay factor, :math:`\ge 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> multistep_lr([0, 30, 80], base_lr=0.1, milestones=[30, 80])
        array([0.1  , 0.01 , 0.001])

    Reference: He et al. (2016), *Deep residual learning for image recognition*: divide by 10 at
    32k and 48k iterations on CIFAR-10 (when the error plateaus on ImageNet; torchvision's
    reference recipe fixes that at epochs 30 and 60 of 90).
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    marks = np.sort(np.asarray(check_int_list("milestones", milestones, 0), dtype=np.int64))
    gamma = check_real("gamma", gamma, low=0.0)
    passed = np.searchsorted(marks, t, side="right")
    return as_output(base_lr * power(gamma, passed), scalar)


def exponential_lr(step: Steps, base_lr: float, gamma: float):
    r"""Multiply the learning rate by ``gamma`` every step.

    .. math::

        \eta_t = \eta_0 \, \gamma^{t}

    To reach a final lr :math:`\eta_T` after :math:`T` steps, choose
    :math:`\gamma = (\eta_T / \eta_0)^{1/T}`. Equals ``torch.optim.lr_scheduler.ExponentialLR``.

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        gamma: the factor per step, :math:`\ge 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> exponential_lr([0, 1, 2], base_lr=1.0, gamma=0.5)
        array([1.  , 0.5 , 0.25])

    Reference: exponential decay, e.g. Bengio (2012), *Practical recommendations for
    gradient-based training of deep architectures*.
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    gamma = check_real("gamma", gamma, low=0.0)
    return as_output(base_lr * power(gamma, t), scalar)


# --------------------------------------------------------------------------------------------
# Cosine annealing (chapter 3) and warm restarts (chapter 4)
# --------------------------------------------------------------------------------------------


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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    T_max = check_int("T_max", T_max, 1)
    eta_min = check_lr("eta_min", eta_min)
    return as_output(eta_min + (base_lr - eta_min) * half_cosine(np.pi * t / T_max), scalar)


def restart_position(t: np.ndarray, T_0: int, T_mult: int) -> tuple[np.ndarray, np.ndarray]:
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
        T_mult: the factor by which each cycle is longer than the previous, an integer
            :math:`\ge 1`.
        eta_min: the floor :math:`\eta_{\min} \ge 0`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_annealing_warm_restarts([0, 5, 10, 20, 30], base_lr=1.0, T_0=10, T_mult=2)
        array([1. , 0.5, 1. , 0.5, 1. ])

    Reference: Loshchilov & Hutter (2017), *SGDR: Stochastic gradient descent with warm restarts*.
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    T_0 = check_int("T_0", T_0, 1)
    T_mult = check_int("T_mult", T_mult, 1)
    eta_min = check_lr("eta_min", eta_min)
    t_cur, t_i = restart_position(t, T_0, T_mult)
    return as_output(eta_min + (base_lr - eta_min) * half_cosine(np.pi * t_cur / t_i), scalar)


# --------------------------------------------------------------------------------------------
# torch's factor schedules: ConstantLR, LinearLR, PolynomialLR. Each multiplies ``base_lr`` by a
# factor that settles after ``total_iters`` steps; torch steps them as running products, which
# telescope to these closed forms. With ``total_iters = 0`` torch's running product never
# leaves its step-0 factor (its first update is at step ``total_iters``, already past).
# --------------------------------------------------------------------------------------------


def constant_lr(step: Steps, base_lr: float, factor: float = 1.0 / 3, total_iters: int = 5):
    r"""``base_lr`` times ``factor`` for the first ``total_iters`` steps, then ``base_lr``.

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases} f & t < T \text{ or } T \le 0 \\ 1 & t \ge T > 0
        \end{cases}

    where :math:`f` is ``factor`` and :math:`T` is ``total_iters``. Equals
    ``torch.optim.lr_scheduler.ConstantLR`` (which, with ``total_iters <= 0``, keeps the factor
    for ever: its step back to ``base_lr`` would come at step 0 or before, where it applies the
    factor or never looks).

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        factor: :math:`f \in [0, 1]`; 0 only with ``total_iters <= 0`` (torch divides by the
            factor at step :math:`T` to undo it).
        total_iters: :math:`T`, the number of steps at the reduced lr, an integer (at most 0:
            the factor for ever, as in torch).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> constant_lr([0, 1, 2, 3], base_lr=0.1, factor=0.5, total_iters=2)
        array([0.05, 0.05, 0.1 , 0.1 ])

    Reference: PyTorch's ``ConstantLR``, a constant warmup at a reduced lr (He et al. (2016),
    *Deep residual learning*, trained ResNet-110 at 0.01 until the error fell below 80%).
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    factor = check_real("factor", factor, low=0.0, high=1.0)
    total_iters = check_int("total_iters", total_iters)
    if factor == 0 and total_iters > 0:
        raise ValueError(
            f"factor must be > 0 when total_iters > 0 (torch divides by it at step total_iters), "
            f"got factor={factor!r}, total_iters={total_iters!r}"
        )
    reduced = (t < total_iters) | (total_iters <= 0)
    return as_output(base_lr * np.where(reduced, factor, 1.0), scalar)


def linear_lr(
    step: Steps,
    base_lr: float,
    start_factor: float = 1.0 / 3,
    end_factor: float = 1.0,
    total_iters: int = 5,
):
    r"""``base_lr`` times a factor going linearly from ``start_factor`` to ``end_factor``.

    .. math::

        \eta_t = \eta_0 \left(f_s + (f_e - f_s) \, \frac{\min(t, T)}{T}\right)
        \qquad (\eta_t = \eta_0 f_s \text{ for all } t \text{ when } T \le 0)

    where :math:`f_s` is ``start_factor``, :math:`f_e` is ``end_factor`` and :math:`T` is
    ``total_iters``. With :math:`f_s < f_e = 1` it is PyTorch's linear warmup (``LinearLR``
    then ``SequentialLR``, as torchvision's recipes do); with :math:`f_s > f_e` a linear decay.
    Equals ``torch.optim.lr_scheduler.LinearLR``.

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        start_factor: :math:`f_s \in (0, 1]`, the factor at step 0.
        end_factor: :math:`f_e \in [0, 1]`, the factor from step :math:`T` on.
        total_iters: :math:`T`, the length of the ramp, an integer (at most 0: no ramp, the
            start factor for ever, as in torch).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> linear_lr([0, 2, 4, 9], base_lr=1.0, start_factor=0.2, total_iters=4)
        array([0.2, 0.6, 1. , 1. ])

    Reference: Goyal et al. (2017), *Accurate, large minibatch SGD: training ImageNet in 1 hour*
    (gradual warmup); torchvision's classification recipes (``--lr-warmup-method linear``).
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    start_factor = check_real("start_factor", start_factor, low=0.0, high=1.0, low_open=True)
    end_factor = check_real("end_factor", end_factor, low=0.0, high=1.0)
    total_iters = check_int("total_iters", total_iters)
    if total_iters <= 0:
        return as_output(base_lr * np.full(t.shape, start_factor), scalar)
    ramp = (end_factor - start_factor) * np.minimum(t, total_iters) / total_iters
    return as_output(base_lr * (start_factor + ramp), scalar)


def polynomial_lr(step: Steps, base_lr: float, total_iters: int = 5, power: float = 1.0):
    r"""Decay ``base_lr`` to 0 in ``total_iters`` steps along a polynomial of degree ``power``.

    .. math::

        \eta_t = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^{p}
        \qquad (\eta_t = \eta_0 \text{ for all } t \text{ when } T \le 0)

    where :math:`T` is ``total_iters`` and :math:`p` is ``power`` (1: linear decay; 0.9: the
    "poly" policy of semantic segmentation). The lr is 0 from step :math:`T` on. Equals
    ``torch.optim.lr_scheduler.PolynomialLR``.

    Args:
        step: the step (or epoch) :math:`t \ge 0`: a number or an array.
        base_lr: the initial learning rate :math:`\eta_0 \ge 0`.
        total_iters: :math:`T`, the number of steps of the decay, an integer (at most 0: no
            decay, as in torch).
        power: :math:`p`, a finite number; :math:`\ge 0` when :math:`T > 0` (torch divides by
            zero at step :math:`T` otherwise).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> polynomial_lr([0, 2, 4, 6], base_lr=1.0, total_iters=4, power=2.0)
        array([1.  , 0.25, 0.  , 0.  ])

    Reference: the "poly" learning-rate policy, Liu, Rabinovich & Berg (2015), *ParseNet*, and
    Chen et al. (2017), *DeepLab*.
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    total_iters = check_int("total_iters", total_iters)
    power = check_real("power", power)
    if power < 0 and total_iters > 0:
        raise ValueError(
            f"power must be >= 0 when total_iters > 0 (torch divides by zero at step "
            f"total_iters), got power={power!r}, total_iters={total_iters!r}"
        )
    if total_iters <= 0:
        return as_output(np.full(t.shape, base_lr), scalar)
    return as_output(base_lr * (1.0 - np.minimum(t, total_iters) / total_iters) ** power, scalar)
