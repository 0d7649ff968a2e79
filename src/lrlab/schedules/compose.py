"""Composition: ``lambda_lr`` (any factor of the step), ``multiplicative_lr`` (the running product
of a factor per step) and ``sequential`` (schedules end to end).

They equal ``torch.optim.lr_scheduler.LambdaLR``, ``MultiplicativeLR`` and ``SequentialLR``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lrlab._checks import check_int_list, check_lr
from lrlab.schedules._core import Steps, as_output, as_steps, call_vectorised

__all__ = ["lambda_lr", "multiplicative_lr", "multiplicative_run", "sequential"]


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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    if not callable(lr_lambda):
        raise ValueError(f"lr_lambda must be a function of the step, got {lr_lambda!r}")
    return as_output(base_lr * call_vectorised(lr_lambda, t), scalar)


def multiplicative_run(lr: float, lr_lambda: Callable[[Any], float], first: int, last: int):
    """The lrs of steps ``first - 1`` to ``last`` when step ``first - 1`` has ``lr`` and each step
    ``k`` multiplies it by ``lr_lambda(k)``: ``[lr, lr * λ(first), lr * λ(first) * λ(first + 1),
    ...]``, ``last - first + 2`` values.

    The products are taken one step after the other, in the order in which
    ``torch.optim.lr_scheduler.MultiplicativeLR`` takes them (to the last bit, for the same
    factors), and ``lr_lambda`` is called once on the array of steps (or once per step, see
    :func:`lambda_lr`). :func:`multiplicative_lr` is this run from step 0; the drop-in
    ``MultiplicativeLR`` extends it as it steps, calling each factor once, as torch does.

    Example:
        >>> multiplicative_run(1.0, lambda k: 0.5, 1, 3)
        array([1.   , 0.5  , 0.25 , 0.125])
    """
    steps = np.arange(first, last + 1, dtype=np.int64)
    if steps.size == 1:  # one step (a scheduler's step()): one call, with a Python int
        steps = steps.reshape(())
    factors = call_vectorised(lr_lambda, steps).reshape(-1) if steps.size else np.empty(0)
    return np.cumprod(np.concatenate(([float(lr)], factors)))


def multiplicative_lr(step: Steps, base_lr: float, lr_lambda: Callable[[Any], float]):
    r"""``base_lr`` times the running product of a factor you give as a function of the step.

    .. math::

        \eta_t = \eta_0 \prod_{k=1}^{\lfloor t \rfloor} \lambda(k)

    Step :math:`k` multiplies the lr of step :math:`k - 1` by :math:`\lambda(k)`; step 0 is
    ``base_lr``. A constant :math:`\lambda` is exponential decay; ``lambda k: 0.1 if k in (30,
    60) else 1.0`` is step decay at 30 and 60. Equals ``torch.optim.lr_scheduler.MultiplicativeLR``
    (a fractional step gets the lr of the whole step below it).

    Args:
        step: the step :math:`t \ge 0`: a number or an array.
        base_lr: :math:`\eta_0 \ge 0`.
        lr_lambda: :math:`\lambda`, a function of the step :math:`k \ge 1` returning the factor
            of that step; called on an array of steps when it accepts one, else once per step.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> multiplicative_lr([0, 1, 2, 3], 1.0, lambda k: 0.5 if k % 2 == 0 else 1.0)
        array([1. , 1. , 0.5, 0.5])

    Reference: PyTorch's ``MultiplicativeLR``; Bengio (2012), *Practical recommendations for
    gradient-based training of deep architectures* (a factor per epoch).
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    if not callable(lr_lambda):
        raise ValueError(f"lr_lambda must be a function of the step, got {lr_lambda!r}")
    whole = np.floor(t).astype(np.int64) if t.dtype.kind == "f" else t
    last = int(whole.max()) if whole.size else 0
    return as_output(multiplicative_run(base_lr, lr_lambda, 1, last)[whole], scalar)


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

    def schedule(step: Steps) -> float | np.ndarray:
        t, scalar = as_steps(step)
        flat = t.reshape(-1)
        piece_of = np.searchsorted(marks, flat, side="right")
        out = np.empty(flat.shape, dtype=np.float64)
        for i, piece in enumerate(pieces):  # a loop over pieces, not over steps
            here = piece_of == i
            if here.any():
                out[here] = call_vectorised(piece, flat[here] - offsets[i])
        return as_output(out.reshape(t.shape), scalar)

    schedule.__doc__ = f"sequential({pieces!r}, milestones={marks!r})"
    return schedule
