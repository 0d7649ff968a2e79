"""Schedulers that decay the lr with the step: step, multi-step, exponential, cosine, SGDR, and
torch's factor schedulers (constant, linear, polynomial).

Each lr is the pure schedule of :mod:`lrlab.schedules` of the same name.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_int_list, check_real
from lrlab.schedulers._helpers import scalar
from lrlab.schedulers.base import LRScheduler

__all__ = [
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ConstantLR",
    "LinearLR",
    "PolynomialLR",
]


class StepLR(LRScheduler):
    """Decay each group's lr by ``gamma`` every ``step_size`` steps.

    Equals ``torch.optim.lr_scheduler.StepLR``; the lr of a group with initial lr ``base_lr`` is
    :func:`lrlab.schedules.step_lr` ``(step, base_lr, step_size, gamma)``.

    Args:
        optimizer: the wrapped optimizer.
        step_size: the number of steps between two decays, an integer >= 1.
        gamma: the decay factor, > 0. Default: 0.1.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.025]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        step_size: int,
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [schedules.step_lr(step, b, self.step_size, self.gamma) for b in self._bases()]


class MultiStepLR(LRScheduler):
    """Decay each group's lr by ``gamma`` at each milestone.

    Equals ``torch.optim.lr_scheduler.MultiStepLR`` (a milestone given twice decays twice); the
    lr is :func:`lrlab.schedules.multistep_lr` ``(step, base_lr, milestones, gamma)``.

    Args:
        optimizer: the wrapped optimizer.
        milestones: the steps at which the lr is multiplied by ``gamma``, integers >= 0.
        gamma: the decay factor, > 0. Default: 0.1.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
        >>> lrs = []
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(check_int_list("milestones", milestones, 0))
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        marks = sorted(self.milestones.elements())
        return [schedules.multistep_lr(step, b, marks, self.gamma) for b in self._bases()]

    def _restore(self, state: dict[str, Any]) -> None:
        self.milestones = Counter(self.milestones)


class ExponentialLR(LRScheduler):
    """Multiply each group's lr by ``gamma`` every step.

    Equals ``torch.optim.lr_scheduler.ExponentialLR``; the lr is
    :func:`lrlab.schedules.exponential_lr` ``(step, base_lr, gamma)``.

    Args:
        optimizer: the wrapped optimizer.
        gamma: the factor per step, > 0.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = ExponentialLR(opt, gamma=0.5)
        >>> opt.step(); sched.step(); opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [schedules.exponential_lr(step, b, self.gamma) for b in self._bases()]


class CosineAnnealingLR(LRScheduler):
    """Anneal each group's lr along a cosine from its initial lr to ``eta_min`` in ``T_max`` steps.

    Equals ``torch.optim.lr_scheduler.CosineAnnealingLR`` (whose recursive form equals the
    closed form; past ``T_max`` the cosine goes on and the lr rises again). The lr is
    :func:`lrlab.schedules.cosine_annealing_lr` ``(step, base_lr, T_max, eta_min)``.

    Args:
        optimizer: the wrapped optimizer.
        T_max: the half period in steps, an integer >= 1.
        eta_min: the lr reached at step ``T_max``, >= 0. Default: 0.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = CosineAnnealingLR(opt, T_max=2, eta_min=0.5)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.75]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_max: int,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.cosine_annealing_lr(step, b, self.T_max, self.eta_min) for b in self._bases()
        ]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing restarted every cycle, each cycle ``T_mult`` times longer (SGDR).

    Equals ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``; the lr is
    :func:`lrlab.schedules.cosine_annealing_warm_restarts` ``(epoch, base_lr, T_0, T_mult,
    eta_min)``. As in PyTorch, ``step(epoch)`` accepts a fractional epoch (per batch,
    ``step(epoch + (i + 1) / iters)`` after the ``i``-th batch's update: PyTorch's documented
    ``epoch + i / iters`` runs one batch late), and a later ``step()`` without argument goes on
    one epoch from there (after ``step(2.5)``, ``step()`` goes to 3.5; ``last_epoch`` is the
    floor, 3). ``T_cur`` (the epochs since the last restart) and ``T_i`` (the current cycle's
    length) are kept up to date, as PyTorch's; neither ``step()`` nor ``step(epoch)`` warns, as
    in PyTorch.

    Args:
        optimizer: the wrapped optimizer.
        T_0: the length of the first cycle, an integer >= 1.
        T_mult: the factor by which each cycle is longer than the previous, an integer >= 1.
        eta_min: the floor of the lr, >= 0. Default: 0.
        last_epoch: the last epoch done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2)
        >>> for i in range(3):  # two batches per epoch: epochs 0, 0.5, 1
        ...     opt.step()
        ...     sched.step(i / 2)
        >>> sched.get_last_lr()
        [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        self._epoch: float | int = last_epoch
        super().__init__(optimizer, last_epoch)

    # As in PyTorch, whose step() here neither counts itself nor warns.
    _counts_steps = False

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.cosine_annealing_warm_restarts(step, b, self.T_0, self.T_mult, self.eta_min)
            for b in self._bases()
        ]

    def _position(self) -> float | int:
        return self._epoch

    def _next_position(self) -> float | int:
        return 0 if self.last_epoch < 0 else self._epoch + 1

    def _set_position(self, step: float | int) -> None:
        self._epoch = step
        self.last_epoch = math.floor(step)
        t_cur, t_i = schedules.restart_position(np.asarray([step]), self.T_0, self.T_mult)
        self.T_cur = t_cur[0].item()
        self.T_i = int(t_i[0])

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to the (fractional) ``epoch`` given (no warning: PyTorch
        does not deprecate it here)."""
        if epoch is not None:
            epoch = check_real("epoch", scalar(epoch), low=0.0)
            if epoch.is_integer():
                epoch = int(epoch)
        self._apply(self._next_position() if epoch is None else epoch)

    def _restore(self, state: dict[str, Any]) -> None:
        if "_epoch" not in state:  # PyTorch's state: the epoch is the floor plus T_cur's fraction
            epoch = self.last_epoch - math.floor(self.T_cur) + self.T_cur
            self._epoch = int(epoch) if float(epoch).is_integer() else float(epoch)


class ConstantLR(LRScheduler):
    """Multiply each group's lr by ``factor`` for the first ``total_iters`` steps.

    Equals ``torch.optim.lr_scheduler.ConstantLR``; the lr is :func:`lrlab.schedules.constant_lr`
    ``(step, base_lr, factor, total_iters)``.

    Args:
        optimizer: the wrapped optimizer.
        factor: the factor, in [0, 1] (0 only with ``total_iters <= 0``). Default: 1/3.
        total_iters: the number of steps at the reduced lr, an integer (at most 0: the factor
            for ever, as in torch). Default: 5.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> sched = ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.05, 0.05, 0.1, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.constant_lr(step, b, self.factor, self.total_iters) for b in self._bases()
        ]


class LinearLR(LRScheduler):
    """Multiply each group's lr by a factor going linearly from ``start_factor`` to
    ``end_factor`` in ``total_iters`` steps: PyTorch's warmup (then ``SequentialLR``).

    Equals ``torch.optim.lr_scheduler.LinearLR``; the lr is :func:`lrlab.schedules.linear_lr`
    ``(step, base_lr, start_factor, end_factor, total_iters)``.

    Args:
        optimizer: the wrapped optimizer.
        start_factor: the factor at step 0, in (0, 1]. Default: 1/3.
        end_factor: the factor from step ``total_iters`` on, in [0, 1]. Default: 1.
        total_iters: the length of the ramp, an integer (at most 0: the start factor for ever,
            as in torch). Default: 5.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.linear_lr(step, b, self.start_factor, self.end_factor, self.total_iters)
            for b in self._bases()
        ]


class PolynomialLR(LRScheduler):
    """Decay each group's lr to 0 in ``total_iters`` steps along a polynomial of degree ``power``.

    Equals ``torch.optim.lr_scheduler.PolynomialLR``; the lr is
    :func:`lrlab.schedules.polynomial_lr` ``(step, base_lr, total_iters, power)``.

    Args:
        optimizer: the wrapped optimizer.
        total_iters: the number of steps of the decay, an integer (at most 0: no decay, as in
            torch). Default: 5.
        power: the degree of the polynomial, >= 0 (any number with ``total_iters <= 0``).
            Default: 1.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = PolynomialLR(opt, total_iters=4, power=2.0)
        >>> for _ in range(2):
        ...     opt.step()
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.polynomial_lr(step, b, self.total_iters, self.power) for b in self._bases()
        ]
