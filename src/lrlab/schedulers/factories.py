"""The ``get_*`` factories of ``transformers.optimization``, and ``get_scheduler`` by name.

Each returns a :class:`~lrlab.schedulers.LambdaLR` whose lrs are the pure schedule of
:mod:`lrlab.schedules` of the same name (or a :class:`~lrlab.schedulers.ReduceLROnPlateau`, or a
:class:`~lrlab.schedulers.GreedyLR`).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_int, check_lr
from lrlab.schedulers._helpers import check_optimizer, scalar
from lrlab.schedulers.base import LRScheduler
from lrlab.schedulers.compose import LambdaLR
from lrlab.schedulers.plateau import GreedyLR, ReduceLROnPlateau

__all__ = [
    "get_linear_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_inverse_sqrt_schedule",
    "get_wsd_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_reduce_on_plateau_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_greedy_schedule",
    "get_scheduler",
]


class _ScheduleLR(LambdaLR):
    """A ``LambdaLR`` whose lrs come from a pure schedule ``schedule(step, base_lr=...)``.

    What the ``get_*`` factories return: like transformers' ``LambdaLR``, but each lr is the
    vectorised pure schedule of the step, not a Python lambda. ``lr_lambdas`` still gives the
    factor (the lr for an initial lr of 1).
    """

    def __init__(self, optimizer: Optimizer, schedule: Callable[..., float], last_epoch: int = -1):
        self._schedule = schedule
        super().__init__(optimizer, functools.partial(schedule, base_lr=1.0), last_epoch)

    # Not in the state, as transformers' LambdaLR saves none of its lambdas' arguments.
    _unsaved = ("optimizer", "_schedule")

    def _lrs(self, step: Any) -> list[float]:
        return [self._schedule(step, base_lr=b) for b in self._bases()]


def _from_schedule(
    optimizer: Optimizer, schedule: Callable[..., float], last_epoch: int, **kwargs: Any
) -> LambdaLR:
    """The ``LambdaLR`` of a factory: ``schedule(step, base_lr=..., **kwargs)`` per group."""
    return _ScheduleLR(optimizer, functools.partial(schedule, **kwargs), last_epoch)


def _default_lr(optimizer: Optimizer, use: str) -> float:
    """``optimizer.defaults["lr"]``, which transformers uses as every group's ``lr_init``."""
    check_optimizer(optimizer)
    lr = check_lr("optimizer.defaults['lr']", scalar(optimizer.defaults["lr"]))
    if lr == 0:
        raise ValueError(f"optimizer.defaults['lr'] must be > 0 to {use}, got {lr!r}")
    return lr


def _min_lr_rate(optimizer: Optimizer, min_lr: Any, min_lr_rate: Any) -> Any:
    """transformers' floor as a rate: ``min_lr_rate``, or ``min_lr / optimizer.defaults["lr"]``;
    exactly one of them must be given."""
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError(
            f"give only one of min_lr and min_lr_rate, got min_lr={min_lr!r}, "
            f"min_lr_rate={min_lr_rate!r}"
        )
    if min_lr is not None:
        return check_lr("min_lr", min_lr) / _default_lr(optimizer, "convert min_lr")
    if min_lr_rate is None:
        raise ValueError("give one of min_lr and min_lr_rate, got min_lr=None, min_lr_rate=None")
    return min_lr_rate


def get_constant_schedule(optimizer: Optimizer, last_epoch: int = -1) -> LambdaLR:
    """A constant lr: each group keeps its initial lr.

    Equals ``transformers.get_constant_schedule``.

    Args:
        optimizer: the wrapped optimizer.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> get_constant_schedule(opt).get_last_lr()
        [0.1]
    """
    return get_constant_schedule_with_warmup(optimizer, 0, last_epoch)


def get_constant_schedule_with_warmup(
    optimizer: Optimizer, num_warmup_steps: int, last_epoch: int = -1
) -> LambdaLR:
    """Linear warmup from 0 to each group's initial lr over ``num_warmup_steps``, then constant.

    Equals ``transformers.get_constant_schedule_with_warmup``; the lr is
    :func:`lrlab.schedules.constant_schedule_with_warmup`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> sched = get_constant_schedule_with_warmup(opt, num_warmup_steps=2)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.05]
    """
    return _from_schedule(
        optimizer,
        schedules.constant_schedule_with_warmup,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
    )


def get_linear_schedule_with_warmup(
    optimizer, num_warmup_steps, num_training_steps, last_epoch=-1
) -> LambdaLR:
    """Linear warmup from 0 to each group's initial lr, then linear decay to 0.

    Equals ``transformers.get_linear_schedule_with_warmup``; the lr is
    :func:`lrlab.schedules.linear_schedule_with_warmup`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0 and <= ``num_training_steps``.
        num_training_steps: the step at which the lr reaches 0, an integer >= 1.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_linear_schedule_with_warmup(opt, 2, 10)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.5]
    """
    return _from_schedule(
        optimizer,
        schedules.linear_schedule_with_warmup,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
    )


def get_cosine_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> LambdaLR:
    """Linear warmup, then cosine decay to 0 (``num_cycles`` periods; 0.5 is half a cosine).

    Equals ``transformers.get_cosine_schedule_with_warmup``; the lr is
    :func:`lrlab.schedules.cosine_schedule_with_warmup`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0 and <= ``num_training_steps``.
        num_training_steps: the length of the run, an integer >= 1.
        num_cycles: the number of cosine periods after warmup, > 0. Default: 0.5.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_cosine_schedule_with_warmup(opt, 0, 2)
        >>> opt.step(); sched.step()
        >>> round(sched.get_last_lr()[0], 12)
        0.5
    """
    return _from_schedule(
        optimizer,
        schedules.cosine_schedule_with_warmup,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
    )


def get_cosine_with_hard_restarts_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: int = 1,
    last_epoch: int = -1,
) -> LambdaLR:
    """Linear warmup, then ``num_cycles`` cosine decays to 0, each restarting at the initial lr.

    Equals ``transformers.get_cosine_with_hard_restarts_schedule_with_warmup``; the lr is
    :func:`lrlab.schedules.cosine_with_hard_restarts_schedule_with_warmup`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0 and <= ``num_training_steps``.
        num_training_steps: the length of the run, an integer >= 1.
        num_cycles: the number of decays, > 0. Default: 1.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_cosine_with_hard_restarts_schedule_with_warmup(opt, 0, 4, num_cycles=2)
        >>> opt.step(); sched.step(); opt.step(); sched.step()
        >>> sched.get_last_lr()
        [1.0]
    """
    return _from_schedule(
        optimizer,
        schedules.cosine_with_hard_restarts_schedule_with_warmup,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
    )


def _polynomial_decay_of_group(step: Any, base_lr: float, lr_init: float, **kwargs: Any) -> float:
    """transformers' polynomial decay: computed for ``lr_init``, scaled to the group's lr."""
    return (
        base_lr / lr_init * schedules.polynomial_decay_schedule_with_warmup(step, lr_init, **kwargs)
    )


def get_polynomial_decay_schedule_with_warmup(
    optimizer, num_warmup_steps, num_training_steps, lr_end=1e-7, power=1.0, last_epoch=-1
) -> LambdaLR:
    """Linear warmup, then polynomial decay to ``lr_end``, then ``lr_end``.

    Equals ``transformers.get_polynomial_decay_schedule_with_warmup``, including its treatment
    of several param groups: the decay is computed for ``lr_init = optimizer.defaults["lr"]``
    and each group gets it scaled by ``its initial lr / lr_init``. The lr is
    :func:`lrlab.schedules.polynomial_decay_schedule_with_warmup`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0, not ``num_training_steps``.
        num_training_steps: the step at which ``lr_end`` is reached, an integer >= 1.
        lr_end: the final lr, >= 0 and below ``optimizer.defaults["lr"]``. Default: 1e-7.
        power: the exponent of the decay, >= 0. Default: 1 (linear).
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_polynomial_decay_schedule_with_warmup(opt, 0, 2, lr_end=0.0, power=2.0)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """
    lr_init = _default_lr(optimizer, "decay to lr_end")
    return _from_schedule(
        optimizer,
        _polynomial_decay_of_group,
        last_epoch,
        lr_init=lr_init,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        lr_end=lr_end,
        power=power,
    )


def get_inverse_sqrt_schedule(
    optimizer: Optimizer, num_warmup_steps: int, timescale: int | None = None, last_epoch: int = -1
) -> LambdaLR:
    """Linear warmup, then decay proportional to the inverse square root of the step.

    Equals ``transformers.get_inverse_sqrt_schedule``; the lr is
    :func:`lrlab.schedules.inverse_sqrt_schedule`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0.
        timescale: the decay's timescale, an integer >= 1; ``None`` (default):
            ``num_warmup_steps``, or 10 000 without warmup.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_inverse_sqrt_schedule(opt, num_warmup_steps=1)
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.5]
    """
    return _from_schedule(
        optimizer,
        schedules.inverse_sqrt_schedule,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        timescale=timescale,
    )


def get_wsd_schedule(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> LambdaLR:
    """Warmup, a stable phase at the initial lr, then a decay to ``min_lr_ratio`` of it.

    Equals ``transformers.get_wsd_schedule`` (and its argument order); the lr is
    :func:`lrlab.schedules.warmup_stable_decay`. Give ``num_stable_steps``, or
    ``num_training_steps`` to get ``num_training_steps - num_warmup_steps - num_decay_steps``
    stable steps (with both, ``num_stable_steps`` is used and a warning says so).

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0.
        num_decay_steps: the decay length, an integer >= 0.
        num_training_steps: the length of the run, or ``None``.
        num_stable_steps: the stable length, an integer >= 0, or ``None``.
        warmup_type: ``"linear"`` (default), ``"cosine"`` or ``"1-sqrt"``.
        decay_type: ``"linear"``, ``"cosine"`` (default) or ``"1-sqrt"``.
        min_lr_ratio: where warmup starts and decay ends, relative to the lr, in [0, 1].
        num_cycles: the cosine decay's number of periods, > 0. Default: 0.5.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_wsd_schedule(opt, 1, 2, num_training_steps=5, decay_type="linear")
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.0, 1.0, 1.0, 1.0, 0.5, 0.0]
    """
    if num_training_steps is None and num_stable_steps is None:
        raise ValueError(
            "give num_training_steps or num_stable_steps, got num_training_steps=None, "
            "num_stable_steps=None"
        )
    if num_training_steps is not None and num_stable_steps is not None:
        warnings.warn(
            "Both num_training_steps and num_stable_steps are specified. num_stable_steps will "
            "be used.",
            stacklevel=2,
        )
    if num_stable_steps is None:
        total = check_int("num_training_steps", num_training_steps, 0)
        warmup = check_int("num_warmup_steps", num_warmup_steps, 0)
        num_stable_steps = total - warmup - check_int("num_decay_steps", num_decay_steps, 0)
        if num_stable_steps < 0:
            raise ValueError(
                "num_training_steps must be >= num_warmup_steps + num_decay_steps, got "
                f"num_training_steps={total!r}, num_warmup_steps={warmup!r}, "
                f"num_decay_steps={num_decay_steps!r}"
            )
    return _from_schedule(
        optimizer,
        schedules.warmup_stable_decay,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        num_stable_steps=num_stable_steps,
        num_decay_steps=num_decay_steps,
        min_lr_ratio=min_lr_ratio,
        decay_type=decay_type,
        warmup_type=warmup_type,
        num_cycles=num_cycles,
    )


def get_cosine_with_min_lr_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> LambdaLR:
    """Linear warmup, then cosine decay to a floor: ``min_lr`` or ``min_lr_rate`` times the lr.

    Equals ``transformers.get_cosine_with_min_lr_schedule_with_warmup``: give exactly one of
    ``min_lr`` (converted to ``min_lr / optimizer.defaults["lr"]`` for every group) and
    ``min_lr_rate``. The lr is :func:`lrlab.schedules.cosine_with_min_lr_schedule_with_warmup`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0 (it may exceed
            ``num_training_steps``, as in transformers).
        num_training_steps: the length of the run, an integer >= 1.
        num_cycles: the number of cosine periods after warmup, > 0. Default: 0.5.
        last_epoch: the last step done; -1 (default) starts a run.
        min_lr: the floor as an lr.
        min_lr_rate: the floor as a fraction of each group's initial lr, in [0, 1].

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_cosine_with_min_lr_schedule_with_warmup(opt, 0, 1, min_lr=0.1)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.1]
    """
    min_lr_rate = _min_lr_rate(optimizer, min_lr, min_lr_rate)
    return _from_schedule(
        optimizer,
        schedules.cosine_with_min_lr_schedule_with_warmup,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
        min_lr_rate=min_lr_rate,
    )


def get_reduce_on_plateau_schedule(optimizer: Optimizer, **kwargs: Any) -> ReduceLROnPlateau:
    """A :class:`ReduceLROnPlateau` with ``kwargs`` as its arguments.

    Equals ``transformers.get_reduce_on_plateau_schedule``.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> get_reduce_on_plateau_schedule(opt, patience=2).patience
        2
    """
    return ReduceLROnPlateau(optimizer, **kwargs)


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> LambdaLR:
    """Warmup from a nonzero lr, then cosine decay to a floor reached at the last step.

    Equals ``transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate`` (the
    ``"cosine_warmup_with_min_lr"`` of ``get_scheduler``): give exactly one of ``min_lr``
    (converted to ``min_lr / optimizer.defaults["lr"]`` for every group) and ``min_lr_rate``.
    The lr is :func:`lrlab.schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate`.

    Args:
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length, an integer >= 0 (it may exceed
            ``num_training_steps``).
        num_training_steps: the length of the run, an integer >= 0.
        num_cycles: the number of cosine periods after warmup (any number). Default: 0.5.
        last_epoch: the last step done; -1 (default) starts a run.
        min_lr: the floor as an lr, >= 0.
        min_lr_rate: the floor as a fraction of each group's initial lr (any number; the
            factor is clipped at 0, as in transformers).
        warmup_lr_rate: the first warmup factor, >= 0; ``None`` (default): ``1 / num_warmup_steps``.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_cosine_with_min_lr_schedule_with_warmup_lr_rate(opt, 2, 4, min_lr=0.5)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.5, 1.0, 0.75, 0.5]
    """
    min_lr_rate = _min_lr_rate(optimizer, min_lr, min_lr_rate)
    return _from_schedule(
        optimizer,
        schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate,
        last_epoch,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
        min_lr_rate=min_lr_rate,
        warmup_lr_rate=warmup_lr_rate,
    )


def get_greedy_schedule(optimizer: Optimizer, **kwargs: Any) -> GreedyLR:
    """A :class:`GreedyLR` with ``kwargs`` as its arguments.

    Equals ``transformers.optimization.get_greedy_schedule`` (the ``"greedy"`` of
    ``get_scheduler``).

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> get_greedy_schedule(opt, patience=2).patience
        2
    """
    return GreedyLR(optimizer, **kwargs)


_HF_SCHEDULERS: dict[str, Callable[..., Any]] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "warmup_stable_decay": get_wsd_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "reduce_lr_on_plateau": get_reduce_on_plateau_schedule,
    "greedy": get_greedy_schedule,
}


def get_scheduler(
    name: str,
    optimizer: Optimizer,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict | None = None,
) -> LRScheduler | GreedyLR:
    """Build a scheduler by name, as ``transformers.get_scheduler`` does.

    The names are ``"linear"``, ``"cosine"``, ``"cosine_with_restarts"``, ``"polynomial"``,
    ``"constant"``, ``"constant_with_warmup"``, ``"inverse_sqrt"``, ``"warmup_stable_decay"``,
    ``"cosine_with_min_lr"``, ``"cosine_warmup_with_min_lr"``, ``"reduce_lr_on_plateau"`` and
    ``"greedy"``. As in transformers, ``"constant"`` ignores every other argument,
    ``"constant_with_warmup"`` ignores ``scheduler_specific_kwargs``, ``"reduce_lr_on_plateau"``
    and ``"greedy"`` take only ``scheduler_specific_kwargs``, and the rest pass
    ``scheduler_specific_kwargs`` on (e.g. ``num_decay_steps`` for ``"warmup_stable_decay"``,
    ``num_cycles``, ``min_lr_rate``).

    Args:
        name: the scheduler's name (a string, or transformers' ``SchedulerType``).
        optimizer: the wrapped optimizer.
        num_warmup_steps: the warmup length; needed by all but ``"constant"`` and
            ``"reduce_lr_on_plateau"``.
        num_training_steps: the length of the run; needed by the decaying schedules.
        scheduler_specific_kwargs: further arguments of the scheduler's factory.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = get_scheduler("linear", opt, num_warmup_steps=1, num_training_steps=3)
        >>> opt.step(); sched.step(); opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.5]
    """
    key = getattr(name, "value", name)
    if key not in _HF_SCHEDULERS:
        names = ", ".join(map(repr, _HF_SCHEDULERS))
        raise ValueError(f"name must be one of {names}, got {name!r}")
    factory = _HF_SCHEDULERS[key]
    if key == "constant":
        return factory(optimizer)
    kwargs = {} if scheduler_specific_kwargs is None else dict(scheduler_specific_kwargs)
    if key in ("reduce_lr_on_plateau", "greedy"):
        return factory(optimizer, **kwargs)
    if num_warmup_steps is None:
        raise ValueError(f"{key} requires num_warmup_steps, got num_warmup_steps=None")
    if key == "constant_with_warmup":
        return factory(optimizer, num_warmup_steps=num_warmup_steps)
    if key == "inverse_sqrt":
        return factory(optimizer, num_warmup_steps=num_warmup_steps, **kwargs)
    if key != "warmup_stable_decay" and num_training_steps is None:
        raise ValueError(f"{key} requires num_training_steps, got num_training_steps=None")
    return factory(
        optimizer,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        **kwargs,
    )
