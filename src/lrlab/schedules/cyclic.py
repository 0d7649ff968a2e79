"""Cyclical learning rates (chapter 7) and the one-cycle policy (chapter 8), lr and momentum.

:func:`~lrlab.schedules.cyclic_shape` is the triangle that ``cyclic_lr`` and ``cyclic_momentum``
follow (and the drop-in ``CyclicLR`` with a custom ``scale_fn``); the one-cycle lr and momentum
share their phases. Each equals the lr or momentum of ``torch.optim.lr_scheduler.CyclicLR`` or
``OneCycleLR``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lrlab._checks import check_choice, check_int, check_lr, check_momentum_pair, check_real
from lrlab.schedules._core import Steps, as_output, as_steps, half_cosine, power

__all__ = [
    "CYCLIC_MODES",
    "ANNEAL_STRATEGIES",
    "cyclic_shape",
    "cyclic_lr",
    "cyclic_momentum",
    "one_cycle_lr",
    "one_cycle_momentum",
]

#: The values of ``mode`` of the cyclic schedules (``CyclicLR``).
CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
#: The values of ``anneal_strategy`` of the one-cycle schedules (``OneCycleLR``).
ANNEAL_STRATEGIES = ("cos", "linear")


# --------------------------------------------------------------------------------------------
# Cyclical learning rates (chapter 7)
# --------------------------------------------------------------------------------------------


def cyclic_shape(
    step: Steps, step_size_up: Any, step_size_down: Any, mode: Any, gamma: Any
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return ``(height, amplitude, was_scalar)``: the position on the triangle (0 at the
    bottom, 1 at the top) and the mode's scale of the cycle, as ``CyclicLR`` computes them."""
    t, scalar = as_steps(step)
    up = check_real("step_size_up", step_size_up, low=0.0, low_open=True)
    # step_size_down=0 is a sawtooth (PyTorch computes it); step_size_up=0 divides by zero.
    down = up if step_size_down is None else check_real("step_size_down", step_size_down, low=0.0)
    check_choice("mode", mode, CYCLIC_MODES)
    gamma = check_real("gamma", gamma, low=0.0 if mode == "exp_range" else None)
    total = up + down
    ratio = up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    with np.errstate(divide="ignore", invalid="ignore"):  # a sawtooth (ratio 1) never descends
        height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    if mode == "triangular":
        amplitude = np.ones_like(cycle)
    elif mode == "triangular2":
        amplitude = power(0.5, cycle - 1)
    else:
        amplitude = power(gamma, t)
    return height, amplitude, scalar


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
        max_lr: the top of the cycle, :math:`\ge 0` (below ``base_lr`` the triangle points down).
        step_size_up: :math:`u > 0`, iterations from bottom to top.
        step_size_down: :math:`d \ge 0`, iterations from top to bottom (default: :math:`u`;
            0 makes a sawtooth).
        mode: ``"triangular"``, ``"triangular2"`` (halve the amplitude each cycle) or
            ``"exp_range"`` (scale it by :math:`\gamma^t`).
        gamma: :math:`\gamma \ge 0`, used by ``"exp_range"`` (above 1 the amplitude grows).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cyclic_lr([0, 5, 10, 15, 20], base_lr=0.1, max_lr=1.1, step_size_up=10)
        array([0.1, 0.6, 1.1, 0.6, 0.1])

    Reference: Smith (2017), *Cyclical learning rates for training neural networks*.
    """
    base_lr = check_lr("base_lr", base_lr)
    max_lr = check_lr("max_lr", max_lr)
    height, amplitude, scalar = cyclic_shape(step, step_size_up, step_size_down, mode, gamma)
    return as_output(base_lr + (max_lr - base_lr) * height * amplitude, scalar)


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
        max_momentum: :math:`\mu_{max}`, the momentum at the bottom. Any finite numbers, in
            either order (as PyTorch takes them).

    Returns:
        The momentum: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cyclic_momentum([0, 5, 10], step_size_up=10)
        array([0.9 , 0.85, 0.8 ])

    Reference: Smith (2018), *A disciplined approach to neural network hyper-parameters*.
    """
    base_m, max_m = check_momentum_pair(base_momentum, max_momentum)
    height, amplitude, scalar = cyclic_shape(step, step_size_up, step_size_down, mode, gamma)
    return as_output(max_m - (max_m - base_m) * height * amplitude, scalar)


# --------------------------------------------------------------------------------------------
# One-cycle (chapter 8)
# --------------------------------------------------------------------------------------------


def one_cycle_ends(total_steps: Any, pct_start: Any, three_phase: bool) -> tuple[int, list[float]]:
    """Validate; return ``(total_steps, the last step of each phase)`` as OneCycleLR sets them."""
    total = check_int("total_steps", total_steps, 1)
    pct = check_real("pct_start", pct_start, low=0.0, high=1.0, high_open=True)
    if not isinstance(three_phase, (bool, np.bool_)):
        raise ValueError(f"three_phase must be True or False, got {three_phase!r}")
    if three_phase:
        ends = [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
    else:
        ends = [float(pct * total) - 1, float(total - 1)]
    if ends[0] == 0:  # the warm-up is one point: PyTorch divides 0 by 0 at step 0
        raise ValueError(
            "pct_start * total_steps must not be 1 (the warm-up would last zero steps), "
            f"got pct_start={pct!r}, total_steps={total!r}"
        )
    if three_phase and not ends[1] < ends[2]:
        raise ValueError(
            "with three_phase=True, 2 * pct_start * total_steps must be < total_steps + 1 (the "
            f"third phase needs at least one step), got pct_start={pct!r}, total_steps={total!r}"
        )
    return total, ends


def one_cycle_curve(
    step: Steps,
    total_steps: Any,
    pct_start: Any,
    anneal_strategy: Any,
    three_phase: bool,
    points: dict[str, float],
    phases: list[tuple[str, str]],
) -> float | np.ndarray:
    """Interpolate between the named ``points`` along the phases, as OneCycleLR does."""
    t, scalar = as_steps(step)
    total, ends = one_cycle_ends(total_steps, pct_start, three_phase)
    check_choice("anneal_strategy", anneal_strategy, ANNEAL_STRATEGIES)
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
        values = end + (start - end) * half_cosine(np.pi * pct)
    else:
        values = (end - start) * pct + start
    return as_output(values, scalar)


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
        pct_start: :math:`p \in [0, 1)`, the fraction of the run spent warming up, with
            :math:`pT \ne 1` (a warmup of zero steps; with :math:`pT < 1` the warmup ends before
            step 0 and the run starts on the way down, as in PyTorch).
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
    return one_cycle_curve(
        step, total_steps, pct_start, anneal_strategy, three_phase, points, phases
    )


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
        base_momentum: the momentum at the peak lr; any finite number (as PyTorch takes it).
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
    return one_cycle_curve(
        step, total_steps, pct_start, anneal_strategy, three_phase, points, phases
    )
