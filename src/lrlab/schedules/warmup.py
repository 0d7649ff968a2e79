"""Warmup schedules (chapter 6): transformers' family, ``lr = base_lr * factor(step)``.

A linear warmup from 0 (``t / max(1, W)``), then a decay: linear, cosine, cosine with hard
restarts or with a floor, polynomial, constant, inverse square root, or warmup-stable-decay. Each
equals the ``transformers`` factory named in its docstring.
"""

from __future__ import annotations

import math

import numpy as np

from lrlab._checks import check_choice, check_int, check_lr, check_real
from lrlab.schedules._core import (
    Steps,
    as_output,
    as_steps,
    check_warmup_training,
    half_cosine,
    warmup_factor,
)

__all__ = [
    "WSD_SHAPES",
    "linear_schedule_with_warmup",
    "cosine_schedule_with_warmup",
    "cosine_with_hard_restarts_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "polynomial_decay_schedule_with_warmup",
    "constant_schedule_with_warmup",
    "inverse_sqrt_schedule",
    "warmup_stable_decay",
]

#: The shapes of warmup-stable-decay's warmup and decay (``warmup_type``, ``decay_type``).
WSD_SHAPES = ("linear", "cosine", "1-sqrt")


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
    exactly 0 at step 0 and at step :math:`T`. Equals
    ``transformers.get_linear_schedule_with_warmup``.

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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = check_warmup_training(num_warmup_steps, num_training_steps)
    decay = np.maximum(0.0, (total - t) / max(1, total - warmup))
    return as_output(base_lr * np.where(t < warmup, warmup_factor(t, warmup), decay), scalar)


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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = check_warmup_training(num_warmup_steps, num_training_steps)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)
    progress = (t - warmup) / max(1, total - warmup)
    decay = np.maximum(0.0, half_cosine(math.pi * num_cycles * 2.0 * progress))
    return as_output(base_lr * np.where(t < warmup, warmup_factor(t, warmup), decay), scalar)


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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup, total = check_warmup_training(num_warmup_steps, num_training_steps)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)
    progress = (t - warmup) / max(1, total - warmup)
    decay = np.maximum(0.0, half_cosine(math.pi * np.mod(num_cycles * progress, 1.0)))
    decay = np.where(progress >= 1.0, 0.0, decay)
    return as_output(base_lr * np.where(t < warmup, warmup_factor(t, warmup), decay), scalar)


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
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0`; it may exceed :math:`T`, as in
            transformers (then :math:`p_t = t - W`: the cosine goes on, one period per
            :math:`1 / c` steps).
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.
        num_cycles: :math:`c > 0`, the number of cosine periods after warmup.
        min_lr_rate: :math:`r \in [0, 1]`, the floor as a fraction of ``base_lr``.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_with_min_lr_schedule_with_warmup([0, 10, 100], 1.0, 10, 100, min_lr_rate=0.1)
        array([0. , 1. , 0.1])
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    total = check_int("num_training_steps", num_training_steps, 1)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)
    rate = check_real("min_lr_rate", min_lr_rate, low=0.0, high=1.0)
    progress = (t - warmup) / max(1, total - warmup)
    decay = np.maximum(0, half_cosine(math.pi * num_cycles * 2.0 * progress) * (1 - rate) + rate)
    return as_output(base_lr * np.where(t < warmup, warmup_factor(t, warmup), decay), scalar)


def cosine_with_min_lr_schedule_with_warmup_lr_rate(
    step: Steps,
    base_lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
):
    r"""Warmup from a nonzero lr, then cosine decay to a floor reached at the *last* step.

    transformers' variant of :func:`cosine_with_min_lr_schedule_with_warmup` that counts each
    step as done (step :math:`t` gets the lr of the end of step :math:`t`): no step trains at lr 0
    and the floor is reached at step :math:`T - 1`. With :math:`r` = ``min_lr_rate`` (or
    ``min_lr / base_lr``) and :math:`w` = ``warmup_lr_rate``:

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            (t + 1) / \max(1, W) & t < W,\ w \text{ not given} \\
            w + (1 - w)\, t / \max(1, W - 1) & t < W,\ w \text{ given} \\
            \max\left(0, r + (1 - r) \tfrac12 \left(1 + \cos(2 \pi c \, p_t)\right)\right) & t \ge W
        \end{cases}
        \qquad p_t = \frac{t - W + 1}{\max(1, T - W)}

    with :math:`W` = ``num_warmup_steps``, :math:`T` = ``num_training_steps`` and :math:`c` =
    ``num_cycles``. Equals ``transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate``
    (``get_scheduler("cosine_warmup_with_min_lr", ...)``), whose ``min_lr`` is converted with the
    optimizer's default lr; here it is converted with ``base_lr``.

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 \ge 0` (:math:`> 0` when ``min_lr`` is given).
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` (it may exceed :math:`T`).
        num_training_steps: :math:`T`, an integer :math:`\ge 0`.
        num_cycles: :math:`c`, the number of cosine periods after warmup (any number: the
            cosine is even, :math:`-c` gives the same schedule).
        min_lr: the floor as an lr :math:`\ge 0`; give it or ``min_lr_rate``, not both.
        min_lr_rate: the floor :math:`r` as a fraction of ``base_lr`` (any number, as in
            transformers: the factor is clipped at 0).
        warmup_lr_rate: :math:`w \ge 0`, the warmup's first factor; ``None``: :math:`1 / W`.

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> cosine_with_min_lr_schedule_with_warmup_lr_rate(
        ...     [0, 1, 2, 3, 4], 1.0, 2, 4, min_lr_rate=0.5
        ... )
        array([0.5 , 1.  , 0.75, 0.5 , 0.75])
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    total = check_int("num_training_steps", num_training_steps, 0)
    num_cycles = check_real("num_cycles", num_cycles)
    if (min_lr is None) == (min_lr_rate is None):
        raise ValueError(
            f"give exactly one of min_lr and min_lr_rate, got min_lr={min_lr!r}, "
            f"min_lr_rate={min_lr_rate!r}"
        )
    if min_lr is not None:
        min_lr = check_lr("min_lr", min_lr)
        if base_lr == 0:
            raise ValueError(f"base_lr must be > 0 to convert min_lr={min_lr!r} to a rate, got 0.0")
        min_lr_rate = min_lr / base_lr
    rate = check_real("min_lr_rate", min_lr_rate)
    t = t.astype(np.float64)
    if warmup_lr_rate is None:
        warm = (t + 1.0) / max(1.0, warmup)
    else:
        w = check_real("warmup_lr_rate", warmup_lr_rate, low=0.0)
        warm = w + (1.0 - w) * t / max(1, warmup - 1)
    progress = (t - warmup + 1.0) / max(1.0, total - warmup)
    decay = np.maximum(0, half_cosine(math.pi * num_cycles * 2.0 * progress) * (1 - rate) + rate)
    return as_output(base_lr * np.where(t < warmup, warm, decay), scalar)


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
            (\eta_0 - \eta_{end}) \left(1 - \dfrac{t - W}{T - W}\right)^{p} + \eta_{end}
                & W \le t \le T \\
            \eta_{end} & t > T
        \end{cases}

    ``power`` :math:`p = 1` is a linear decay. Equals
    ``transformers.get_polynomial_decay_schedule_with_warmup`` (whose ``lr_init`` is
    ``base_lr``).

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the peak lr :math:`\eta_0 > \eta_{end}`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0` and :math:`\ne T` (transformers
            divides by :math:`T - W` at step :math:`T`); above :math:`T` the warmup is followed
            by ``lr_end``, as in transformers.
        num_training_steps: :math:`T`, an integer :math:`\ge 1`.
        lr_end: the final lr :math:`\eta_{end} \ge 0`.
        power: the exponent :math:`p \ge 0` (transformers raises 0 to it at step :math:`T`).

    Returns:
        The learning rate: a float for a scalar step, else an array of the step's shape.

    Example:
        >>> polynomial_decay_schedule_with_warmup([0, 10, 55, 100, 200], 1.0, 10, 100, lr_end=0.0)
        array([0. , 1. , 0.5, 0. , 0. ])
    """
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    total = check_int("num_training_steps", num_training_steps, 1)
    if warmup == total:
        raise ValueError(
            "num_warmup_steps must differ from num_training_steps for a polynomial decay "
            f"(transformers divides by their difference), got num_warmup_steps={warmup!r}, "
            f"num_training_steps={total!r}"
        )
    lr_end = check_lr("lr_end", lr_end)
    if not base_lr > lr_end:
        raise ValueError(
            f"lr_end must be smaller than base_lr, got lr_end={lr_end!r}, base_lr={base_lr!r}"
        )
    power = check_real("power", power, low=0.0)
    remaining = np.maximum(1 - (t - warmup) / (total - warmup), 0.0)
    decay = ((base_lr - lr_end) * remaining**power + lr_end) / base_lr
    factor = np.where(
        t < warmup, warmup_factor(t, warmup), np.where(t > total, lr_end / base_lr, decay)
    )
    return as_output(base_lr * factor, scalar)


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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    return as_output(base_lr * np.where(t < warmup, warmup_factor(t, warmup), 1.0), scalar)


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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    if timescale is None:
        timescale = warmup or 10_000
    timescale = check_int("timescale", timescale, 1)
    shift = timescale - warmup
    decay = 1.0 / np.sqrt((np.maximum(t, warmup) + shift) / timescale)
    return as_output(base_lr * np.where(t < warmup, warmup_factor(t, warmup), decay), scalar)


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
    r"""Warmup, a long stable phase at ``base_lr``, then a short decay to ``min_lr_ratio``
    times ``base_lr``.

    With :math:`r` = ``min_lr_ratio`` and the phase lengths :math:`W, S, D`:

    .. math::

        \eta_t = \eta_0 \cdot \begin{cases}
            r + (1 - r)\, w(t / \max(1, W)) & t < W \\
            1 & W \le t < W + S \\
            r + (1 - r)\, d\big((t - W - S) / \max(1, D)\big) & W + S \le t < W + S + D \\
            r & t \ge W + S + D
        \end{cases}

    where the warmup shape :math:`w(p)` is :math:`p` (``"linear"``),
    :math:`\tfrac12(1 - \cos \pi p)` (``"cosine"``) or :math:`1 - \sqrt{1 - p}` (``"1-sqrt"``),
    and the decay shape :math:`d(p)` is :math:`1 - p`, :math:`\tfrac12(1 + \cos 2\pi c p)` or
    :math:`1 - \sqrt{p}`. Equals
    ``transformers.get_wsd_schedule`` (whose arguments come in another order:
    ``num_warmup_steps, num_decay_steps, num_training_steps=None, num_stable_steps=None, ...``).

    Args:
        step: the optimizer step :math:`t \ge 0`: a number or an array.
        base_lr: the lr of the stable phase, :math:`\eta_0 \ge 0`.
        num_warmup_steps: :math:`W`, an integer :math:`\ge 0`.
        num_stable_steps: :math:`S`, an integer :math:`\ge 0`.
        num_decay_steps: :math:`D`, an integer :math:`\ge 0`.
        min_lr_ratio: :math:`r \in [0, 1]`: where warmup starts and decay ends, relative to
            ``base_lr``.
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
    t, scalar = as_steps(step)
    base_lr = check_lr("base_lr", base_lr)
    warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
    stable = check_int("num_stable_steps", num_stable_steps, 0)
    decay_len = check_int("num_decay_steps", num_decay_steps, 0)
    ratio = check_real("min_lr_ratio", min_lr_ratio, low=0.0, high=1.0)
    check_choice("decay_type", decay_type, WSD_SHAPES)
    check_choice("warmup_type", warmup_type, WSD_SHAPES)
    num_cycles = check_real("num_cycles", num_cycles, low=0.0, low_open=True)

    p_warm = np.clip(warmup_factor(t, warmup), 0.0, 1.0)
    if warmup_type == "linear":
        w = p_warm
    elif warmup_type == "cosine":
        w = half_cosine(math.pi * p_warm, rising=True)
    else:
        w = 1.0 - np.sqrt(1.0 - p_warm)
    p_decay = np.clip((t - warmup - stable) / max(1, decay_len), 0.0, 1.0)
    if decay_type == "linear":
        d = 1.0 - p_decay
    elif decay_type == "cosine":
        d = half_cosine(math.pi * num_cycles * 2.0 * p_decay)
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
    return as_output(base_lr * factor, scalar)
