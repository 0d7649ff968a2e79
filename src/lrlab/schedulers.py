r"""Drop-in learning-rate schedulers for torch optimizers, computed from the pure schedules.

Each class here has the name and the constructor signature of its PyTorch namesake in
``torch.optim.lr_scheduler`` (2.13) and can be swapped for it in a training loop: after
construction and after every ``step()`` it gives the same ``get_last_lr()`` and writes the same
``param_groups[i]["lr"]`` (and ``momentum`` / ``betas[0]`` where it cycles momentum) into any
``torch.optim`` optimizer, with any number of parameter groups. The ``get_*`` factories equal
their namesakes in ``transformers.optimization``.

What differs is inside. A PyTorch scheduler keeps hidden state: most compute the next lr from the
one currently in the optimizer (the "chainable" form), and the constructor wraps
``optimizer.step``. Here every lr is a function of the step alone: the scheduler keeps the step
(``last_epoch``), the initial lrs (``base_lrs``) and its arguments, and asks the pure schedule of
:mod:`lrlab.schedules` for the lr, so the formula is written once. ``ReduceLROnPlateau`` is the
exception: its lr depends on the metrics seen, and it keeps ``best``, ``num_bad_epochs`` and
``cooldown_counter`` besides the lrs.

The protocol is PyTorch's: ``step()``, ``get_last_lr()``, ``state_dict()`` /
``load_state_dict()``, ``last_epoch``, ``base_lrs``, the ``initial_lr`` key each scheduler
stores in the param groups, the ``optimizer`` attribute, and ``last_epoch=k`` in the constructor
to resume a run after step ``k``. A state dict holds plain Python numbers and lists (it passes
``torch.load(..., weights_only=True)``); loading it also writes the lrs of that step into the
optimizer, so a fresh scheduler on a fresh optimizer continues the run exactly.

Invalid arguments raise :class:`ValueError` naming the argument and its value when the scheduler
is built, including the cases where PyTorch only fails later with a ``ZeroDivisionError``.

Example:
    >>> import torch
    >>> from lrlab.schedulers import CosineAnnealingLR
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=1.0)
    >>> sched = CosineAnnealingLR(opt, T_max=4)
    >>> for _ in range(2):
    ...     opt.step()
    ...     sched.step()
    >>> sched.get_last_lr(), opt.param_groups[0]["lr"]
    ([0.5], 0.5)
"""

from __future__ import annotations

import functools
import math
import types
import warnings
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Literal, SupportsFloat

import torch
from torch.optim import Optimizer

from . import schedules
from ._checks import check_choice, check_int, check_int_list, check_lr, check_real

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ReduceLROnPlateau",
    "CyclicLR",
    "OneCycleLR",
    "LambdaLR",
    "SequentialLR",
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
    "get_scheduler",
]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be a torch.optim.Optimizer, got {optimizer!r}")


def _scalar(value: Any) -> Any:
    """A tensor as a Python number; anything else as it is (the schedules validate it)."""
    return value.item() if isinstance(value, torch.Tensor) else value


def _copy(value: Any) -> Any:
    """A copy that does not alias a tensor lr (as PyTorch's schedulers return them)."""
    return value.clone() if isinstance(value, torch.Tensor) else value


def _per_group(name: str, value: Any, optimizer: Optimizer) -> list[Any]:
    """One value per param group: a list / tuple of the right length, or a scalar repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{name} must have one value per param group ({n}), got {len(value)}: {value!r}"
            )
        return [_copy(v) for v in value]
    return [_copy(value)] * n


def _set_lr(group: dict[str, Any], lr: float) -> None:
    """Write ``lr`` into a param group, in place when the group's lr is a tensor."""
    if isinstance(group["lr"], torch.Tensor):
        group["lr"].fill_(lr)
    else:
        group["lr"] = lr


def _group_lrs(optimizer: Optimizer) -> list[Any]:
    return [_copy(group["lr"]) for group in optimizer.param_groups]


def _require_keys(state_dict: dict[str, Any], keys: Iterable[str]) -> None:
    missing = [key for key in keys if key not in state_dict]
    if missing:
        raise ValueError(f"state_dict lacks {missing!r}, got keys {sorted(state_dict)!r}")


# --------------------------------------------------------------------------------------------
# The protocol
# --------------------------------------------------------------------------------------------


class LRScheduler:
    """Base of the drop-in schedulers: PyTorch's protocol over a closed form of the step.

    A subclass defines ``_lrs(step)`` (one lr per param group, from a pure schedule) and, if it
    cycles momentum, ``_momenta(step)``. ``step()`` advances ``last_epoch`` by one and writes
    ``_lrs(last_epoch)`` into the optimizer; nothing depends on the lr the optimizer held before.

    Args:
        optimizer: the ``torch.optim.Optimizer`` whose param groups get the lrs.
        last_epoch: the last step done; ``-1`` starts a run (each group's ``lr`` is stored as its
            ``initial_lr``), ``k >= 0`` resumes after step ``k`` (the groups must already hold
            ``initial_lr``, e.g. from the optimizer's checkpoint), at step ``k + 1``.
        initial_lrs: what to store as each group's ``initial_lr`` (default: its ``lr``).
        overwrite_initial: replace an existing ``initial_lr`` (as ``OneCycleLR`` does) instead
            of keeping it.
        base_lrs: the initial lrs to use, when they come from the arguments, not the groups.
        lr_name: how to name the initial lrs in an error message.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        last_epoch: int = -1,
        *,
        initial_lrs: list[Any] | None = None,
        overwrite_initial: bool = False,
        base_lrs: list[Any] | None = None,
        lr_name: str = "param_groups[{}]['initial_lr']",
    ) -> None:
        _check_optimizer(optimizer)
        last_epoch = check_int("last_epoch", last_epoch, -1)
        groups = optimizer.param_groups
        if initial_lrs is None:
            initial_lrs = [group["lr"] for group in groups]
        if last_epoch == -1:
            initial = [
                lr if overwrite_initial or "initial_lr" not in group else group["initial_lr"]
                for group, lr in zip(groups, initial_lrs)
            ]
        else:
            for i, group in enumerate(groups):
                if base_lrs is None and "initial_lr" not in group:
                    raise ValueError(
                        f"last_epoch={last_epoch} resumes a run, but param_groups[{i}] has no "
                        "'initial_lr': load the optimizer's state first, or use last_epoch=-1"
                    )
            initial = None
        if base_lrs is None:
            base_lrs = initial if initial is not None else [g["initial_lr"] for g in groups]
        for i, lr in enumerate(base_lrs):
            check_lr(lr_name.format(i), _scalar(lr))
        self.optimizer = optimizer
        self.base_lrs = [_copy(lr) for lr in base_lrs]
        self.last_epoch = last_epoch
        # The first evaluation of the schedule validates the arguments, before any change.
        self._apply(self._next_position())
        if initial is not None:
            for group, lr in zip(groups, initial):
                group["initial_lr"] = _copy(lr)

    # -- what subclasses define ---------------------------------------------------------------

    def _lrs(self, step: Any) -> list[float]:
        raise NotImplementedError

    def _momenta(self, step: Any) -> list[float] | None:
        return None

    # -- the protocol ---------------------------------------------------------------------------

    def _bases(self) -> list[float]:
        return [float(lr) for lr in self.base_lrs]

    def _position(self) -> Any:
        """The step the current lrs belong to."""
        return self.last_epoch

    def _next_position(self) -> Any:
        return self.last_epoch + 1

    def _apply(self, step: Any) -> None:
        """Go to ``step``: compute the lrs (and momenta) first, then write them."""
        lrs = self._lrs(step)
        if len(lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"the optimizer has {len(self.optimizer.param_groups)} param groups but "
                f"{type(self).__name__} was built for {len(lrs)}: add every param group before "
                "building the scheduler"
            )
        momenta = self._momenta(step)
        self._set_position(step)
        for group, lr in zip(self.optimizer.param_groups, lrs):
            _set_lr(group, lr)
        if momenta is not None:
            key = "betas" if self.use_beta1 else "momentum"
            for group, momentum in zip(self.optimizer.param_groups, momenta):
                group[key] = (momentum, *group["betas"][1:]) if self.use_beta1 else momentum
        self._last_lr = _group_lrs(self.optimizer)

    def _set_position(self, step: Any) -> None:
        self.last_epoch = step

    def _undo(self) -> None:
        """Step back once (``SequentialLR`` takes over its children's first step)."""
        self.last_epoch -= 1

    def step(self, epoch: int | None = None) -> None:
        """Advance one step and write the new lrs into the optimizer.

        Args:
            epoch: deprecated in PyTorch; if given, jump to this step instead (the closed
                form, as PyTorch's ``step(epoch)`` uses).
        """
        self._apply(self._next_position() if epoch is None else epoch)

    def get_last_lr(self) -> list[Any]:
        """The lrs of the param groups after the last ``step()`` (copies)."""
        return list(self._last_lr)

    def get_lr(self) -> list[Any]:
        """The lrs of the current step, from the closed form."""
        return self._lrs(self._position())

    def state_dict(self) -> dict[str, Any]:
        """What resuming needs: the step and the initial lrs (plain numbers and lists)."""
        return {"last_epoch": self.last_epoch, "base_lrs": [_copy(lr) for lr in self.base_lrs]}

    def _load(self, state_dict: dict[str, Any]) -> None:
        _require_keys(state_dict, ("last_epoch", "base_lrs"))
        self.last_epoch = state_dict["last_epoch"]
        self.base_lrs = [_copy(lr) for lr in state_dict["base_lrs"]]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` and write that step's lrs (and momenta) into the optimizer."""
        self._load(state_dict)
        if self.last_epoch >= 0:
            self._apply(self._position())


# --------------------------------------------------------------------------------------------
# Schedulers of the step
# --------------------------------------------------------------------------------------------


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
        self._marks = check_int_list("milestones", milestones, 0)
        self.milestones = Counter(self._marks)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.multistep_lr(step, b, self._marks, self.gamma) for b in self._bases()
        ]


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
            schedules.cosine_annealing_lr(step, b, self.T_max, self.eta_min)
            for b in self._bases()
        ]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing restarted every cycle, each cycle ``T_mult`` times longer (SGDR).

    Equals ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``; the lr is
    :func:`lrlab.schedules.cosine_annealing_warm_restarts` ``(epoch, base_lr, T_0, T_mult,
    eta_min)``. As in PyTorch, ``step(epoch)`` accepts a fractional epoch (per batch,
    ``step(epoch + (i + 1) / iters)`` after the ``i``-th batch's update: PyTorch's documented
    ``epoch + i / iters`` runs one batch late), and a later ``step()`` without argument goes on one epoch from there
    (after ``step(2.5)``, ``step()`` goes to 3.5; ``last_epoch`` is the floor, 3).

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
        self.T_mult = T_mult
        self.eta_min = eta_min
        self._epoch: float | int = last_epoch
        super().__init__(optimizer, last_epoch)

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

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to the (fractional) ``epoch`` given."""
        if epoch is not None:
            epoch = check_real("epoch", _scalar(epoch), low=0.0)
            if epoch.is_integer():
                epoch = int(epoch)
        super().step(epoch)

    def state_dict(self) -> dict[str, Any]:
        """The step, the initial lrs and the (possibly fractional) epoch."""
        return {**super().state_dict(), "_epoch": self._epoch}

    def _load(self, state_dict: dict[str, Any]) -> None:
        super()._load(state_dict)
        self._epoch = state_dict.get("_epoch", self.last_epoch)


class LambdaLR(LRScheduler):
    """Set each group's lr to its initial lr times a function of the step.

    Equals ``torch.optim.lr_scheduler.LambdaLR``; the lr is :func:`lrlab.schedules.lambda_lr`
    ``(step, base_lr, lr_lambda)``. As in PyTorch, ``state_dict()`` keeps the attributes of
    ``lr_lambda`` when it is a callable object (not a plain function or lambda).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the (integer) step returning a factor, or a list of them, one
            per param group.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
        >>> sched = LambdaLR(opt, lr_lambda=lambda step: 1 / (step + 1))
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.lr_lambdas = _per_group("lr_lambda", lr_lambda, optimizer)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise ValueError(f"lr_lambda must be a function of the step, got {fn!r}")
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [
            schedules.lambda_lr(step, b, fn) for b, fn in zip(self._bases(), self.lr_lambdas)
        ]

    def state_dict(self) -> dict[str, Any]:
        """The step, the initial lrs, and the attributes of callable-object ``lr_lambda``\\ s."""
        saved = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
            for fn in self.lr_lambdas
        ]
        return {**super().state_dict(), "lr_lambdas": saved}

    def _load(self, state_dict: dict[str, Any]) -> None:
        super()._load(state_dict)
        for fn, saved in zip(self.lr_lambdas, state_dict.get("lr_lambdas", ())):
            if saved is not None:
                fn.__dict__.update(saved)


# --------------------------------------------------------------------------------------------
# Cyclical schedulers: the lr and the momentum
# --------------------------------------------------------------------------------------------


class _CyclesMomentum:
    """Shared by ``CyclicLR`` and ``OneCycleLR``: which momentum to cycle, per group."""

    def _init_momentum(
        self, optimizer: Optimizer, cycle_momentum: bool, base_momentum: Any, max_momentum: Any
    ) -> None:
        if not isinstance(cycle_momentum, bool):
            raise ValueError(f"cycle_momentum must be True or False, got {cycle_momentum!r}")
        self.cycle_momentum = cycle_momentum
        if not cycle_momentum:
            return
        if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
            raise ValueError(
                "cycle_momentum=True needs an optimizer with 'momentum' or 'betas', got "
                f"{type(optimizer).__name__} (pass cycle_momentum=False)"
            )
        self.use_beta1 = "betas" in optimizer.defaults
        self.base_momentums = _per_group("base_momentum", base_momentum, optimizer)
        self.max_momentums = _per_group("max_momentum", max_momentum, optimizer)


class CyclicLR(_CyclesMomentum, LRScheduler):
    """Cycle each group's lr between ``base_lr`` and ``max_lr`` along a triangle (CLR).

    Equals ``torch.optim.lr_scheduler.CyclicLR``: the lr is :func:`lrlab.schedules.cyclic_lr`
    and, with ``cycle_momentum=True``, the ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam)
    is :func:`lrlab.schedules.cyclic_momentum`, high when the lr is low. A custom ``scale_fn``
    replaces the mode's amplitude and is called once per step with the cycle number
    (``scale_mode="cycle"``) or the step (``"iterations"``). Step it once per batch.

    Args:
        optimizer: the wrapped optimizer.
        base_lr: the bottom of the cycle, per group or for all; it replaces the groups' lrs.
        max_lr: the top of the cycle, per group or for all, >= ``base_lr``.
        step_size_up: steps from bottom to top, > 0. Default: 2000.
        step_size_down: steps from top to bottom, > 0; ``None`` (default): ``step_size_up``.
        mode: ``"triangular"`` (default), ``"triangular2"`` (halve the amplitude each cycle) or
            ``"exp_range"`` (scale it by ``gamma ** step``); ignored with ``scale_fn``.
        gamma: the base of ``"exp_range"``, in (0, 1]. Default: 1.
        scale_fn: a function giving the amplitude's scale, or ``None`` (default).
        scale_mode: ``"cycle"`` (default) or ``"iterations"``: what ``scale_fn`` is given.
        cycle_momentum: cycle the momentum in antiphase (default: True).
        base_momentum: the momentum at the top of the lr cycle. Default: 0.8.
        max_momentum: the momentum at the bottom, >= ``base_momentum``. Default: 0.9.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=1.1, step_size_up=2)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr(), opt.param_groups[0]["momentum"]
        ([0.6], 0.8500000000000001)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", base_lr, optimizer)
        self.max_lrs = _per_group("max_lr", max_lr, optimizer)
        self.step_size_up = step_size_up
        self.step_size_down = step_size_down
        self.mode = mode
        self.gamma = gamma
        if scale_fn is not None and not callable(scale_fn):
            raise ValueError(f"scale_fn must be a function or None, got {scale_fn!r}")
        self._scale_fn_custom = scale_fn
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = check_choice("scale_mode", scale_mode, ("cycle", "iterations"))
        self._init_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        if scale_fn is not None:  # the mode's schedules are not called: check the rest here
            for b, m in zip(base_lrs, self.max_lrs):
                schedules.cyclic_lr(0, _scalar(b), _scalar(m), step_size_up, step_size_down)
            for b, m in zip(*self._momentum_bounds()):
                schedules.cyclic_momentum(0, step_size_up, step_size_down, "triangular", 1.0, b, m)
        super().__init__(
            optimizer, last_epoch, initial_lrs=base_lrs, base_lrs=base_lrs, lr_name="base_lr"
        )

    def _momentum_bounds(self) -> tuple[list[float], list[float]]:
        if not self.cycle_momentum:
            return [], []
        return [_scalar(m) for m in self.base_momentums], [_scalar(m) for m in self.max_momentums]

    def _custom_shape(self, step: int) -> tuple[float, float]:
        """``(height on the triangle, scale_fn's amplitude)`` for a custom ``scale_fn``."""
        height, _, _ = schedules.cyclic_shape(
            step, self.step_size_up, self.step_size_down, "triangular", 1.0
        )
        down = self.step_size_up if self.step_size_down is None else self.step_size_down
        cycle = math.floor(1 + step / (float(self.step_size_up) + float(down)))
        return float(height), self._scale_fn_custom(cycle if self.scale_mode == "cycle" else step)

    def _lrs(self, step: int) -> list[float]:
        if self._scale_fn_custom is None:
            return [
                schedules.cyclic_lr(
                    step, b, _scalar(m), self.step_size_up, self.step_size_down, self.mode,
                    self.gamma,
                )
                for b, m in zip(self._bases(), self.max_lrs)
            ]
        height, scale = self._custom_shape(step)
        return [b + (float(m) - b) * height * scale for b, m in zip(self._bases(), self.max_lrs)]

    def _momenta(self, step: int) -> list[float] | None:
        if not self.cycle_momentum:
            return None
        bases, tops = self._momentum_bounds()
        if self._scale_fn_custom is None:
            return [
                schedules.cyclic_momentum(
                    step, self.step_size_up, self.step_size_down, self.mode, self.gamma, b, m
                )
                for b, m in zip(bases, tops)
            ]
        height, scale = self._custom_shape(step)
        return [m - (m - b) * height * scale for b, m in zip(bases, tops)]

    def state_dict(self) -> dict[str, Any]:
        """The step, the lrs, and the attributes of a callable-object ``scale_fn``."""
        fn = self._scale_fn_custom
        saved = None if fn is None or isinstance(fn, types.FunctionType) else fn.__dict__.copy()
        return {**super().state_dict(), "_scale_fn_custom": saved}

    def _load(self, state_dict: dict[str, Any]) -> None:
        super()._load(state_dict)
        saved = state_dict.get("_scale_fn_custom")
        if saved is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(saved)


class OneCycleLR(_CyclesMomentum, LRScheduler):
    """The one-cycle policy: warm up to ``max_lr``, then anneal far below the start.

    Equals ``torch.optim.lr_scheduler.OneCycleLR``: the lr is :func:`lrlab.schedules.one_cycle_lr`
    and, with ``cycle_momentum=True``, the ``momentum`` / ``betas[0]`` is
    :func:`lrlab.schedules.one_cycle_momentum`. Steps ``0 .. total_steps`` are valid (PyTorch
    allows one step past the last phase); the next ``step()`` raises ``ValueError`` naming the
    step, and leaves the scheduler as it was.

    Args:
        optimizer: the wrapped optimizer.
        max_lr: the peak lr, per group or for all; each group's ``initial_lr`` becomes
            ``max_lr / div_factor``.
        total_steps: the length of the cycle; or give ``epochs`` and ``steps_per_epoch``.
        epochs: with ``steps_per_epoch``, ``total_steps = epochs * steps_per_epoch``.
        steps_per_epoch: see ``epochs``.
        pct_start: the fraction of the cycle spent warming up, in (0, 1), with
            ``pct_start * total_steps > 1``. Default: 0.3.
        anneal_strategy: ``"cos"`` (default) or ``"linear"``.
        cycle_momentum: cycle the momentum in antiphase (default: True).
        base_momentum: the momentum at the peak lr. Default: 0.85.
        max_momentum: the momentum at the start and the end. Default: 0.95.
        div_factor: ``max_lr / initial_lr``. Default: 25.
        final_div_factor: ``initial_lr / min_lr``. Default: 1e4.
        three_phase: come back down to ``initial_lr`` symmetrically before the final anneal.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        >>> sched = OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="linear")
        >>> opt.step(); sched.step(); opt.step(); sched.step()
        >>> sched.get_last_lr(), opt.param_groups[0]["betas"]
        ([1.0], (0.85, 0.999))
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        if total_steps is not None:
            self.total_steps = check_int("total_steps", total_steps, 1)
        elif epochs is not None and steps_per_epoch is not None:
            epochs = check_int("epochs", epochs, 1)
            self.total_steps = epochs * check_int("steps_per_epoch", steps_per_epoch, 1)
        else:
            raise ValueError(
                "give total_steps, or epochs and steps_per_epoch, got total_steps=None, "
                f"epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}"
            )
        self.max_lrs = _per_group("max_lr", max_lr, optimizer)
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase
        self._init_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        self._lrs(0)  # validate before dividing by div_factor
        initial_lrs = [float(m) / float(div_factor) for m in self.max_lrs]
        super().__init__(
            optimizer,
            last_epoch,
            initial_lrs=initial_lrs,
            overwrite_initial=True,
            base_lrs=initial_lrs,
            lr_name="max_lr / div_factor of param_groups[{}]",
        )

    def _lrs(self, step: int) -> list[float]:
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR cannot go to step {step}: its steps are 0..{self.total_steps} "
                f"(total_steps={self.total_steps})"
            )
        return [
            schedules.one_cycle_lr(
                step, _scalar(m), self.total_steps, self.pct_start, self.anneal_strategy,
                self.div_factor, self.final_div_factor, self.three_phase,
            )
            for m in self.max_lrs
        ]

    def _momenta(self, step: int) -> list[float] | None:
        if not self.cycle_momentum:
            return None
        return [
            schedules.one_cycle_momentum(
                step, self.total_steps, self.pct_start, self.anneal_strategy, self.three_phase,
                _scalar(b), _scalar(m),
            )
            for b, m in zip(self.base_momentums, self.max_momentums)
        ]


# --------------------------------------------------------------------------------------------
# ReduceLROnPlateau: driven by a metric
# --------------------------------------------------------------------------------------------


class ReduceLROnPlateau(LRScheduler):
    """Reduce each group's lr by ``factor`` when a metric has stopped improving.

    Equals ``torch.optim.lr_scheduler.ReduceLROnPlateau``: call ``step(metric)`` after each
    validation. The decision (is the metric better, is patience exhausted, cooldown) is
    :func:`lrlab.schedules.plateau_update`, the reduction ``plateau_reduce``: the same code as
    the pure :func:`lrlab.schedules.reduce_lr_on_plateau`. As in PyTorch, the reduction starts
    from the lr in the optimizer, and the constructor neither steps nor sets ``initial_lr``.

    Args:
        optimizer: the wrapped optimizer.
        mode: ``"min"`` (default; lower is better) or ``"max"``.
        factor: the multiplier at each reduction, in (0, 1). Default: 0.1.
        patience: metrics without improvement tolerated before reducing, >= 0. Default: 10.
        threshold: the least improvement that counts, >= 0 (< 1 when relative). Default: 1e-4.
        threshold_mode: ``"rel"`` (default; a fraction of the best) or ``"abs"``.
        cooldown: metrics ignored after a reduction, >= 0. Default: 0.
        min_lr: the floor of the lr, for all groups or a list with one per group. Default: 0.
        eps: a reduction smaller than this is skipped. Default: 1e-8.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = ReduceLROnPlateau(opt, patience=1, factor=0.5)
        >>> for loss in [5, 4, 4, 4]:
        ...     opt.step()
        ...     sched.step(loss)
        >>> sched.get_last_lr(), sched.best
        ([0.5], 4.0)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        _check_optimizer(optimizer)
        args = schedules.check_plateau_args(
            mode, factor, patience, threshold, threshold_mode, cooldown, eps
        )
        self.factor = args.pop("factor")
        self.eps = args.pop("eps")
        self._decision = args
        self.mode, self.patience = args["mode"], args["patience"]
        self.threshold, self.threshold_mode = args["threshold"], args["threshold_mode"]
        self.cooldown = args["cooldown"]
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = [
            check_lr("min_lr", _scalar(lr)) for lr in _per_group("min_lr", min_lr, optimizer)
        ]
        for i, group in enumerate(optimizer.param_groups):
            check_lr(f"param_groups[{i}]['lr']", _scalar(group["lr"]))
        self.optimizer = optimizer
        self.last_epoch = 0
        self.best, self.num_bad_epochs, self.cooldown_counter = (
            schedules.plateau_initial_state(self.mode)
        )
        self._last_lr = _group_lrs(optimizer)

    @property
    def in_cooldown(self) -> bool:
        """Whether metrics are being ignored after a reduction."""
        return self.cooldown_counter > 0

    def step(  # type: ignore[override]
        self, metrics: SupportsFloat, epoch: int | None = None
    ) -> None:
        """Feed one metric (a number or a 0-d tensor); reduce the lrs if it is time to.

        Args:
            metrics: the monitored quantity, e.g. the validation loss.
            epoch: deprecated in PyTorch; sets ``last_epoch`` instead of adding one.
        """
        try:
            current = float(metrics)
        except (TypeError, ValueError, RuntimeError):  # RuntimeError: a tensor of many values
            raise ValueError(f"metrics must be a number, got {metrics!r}") from None
        state = (self.best, self.num_bad_epochs, self.cooldown_counter)
        state, reduce = schedules.plateau_update(state, current, **self._decision)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        self.best, self.num_bad_epochs, self.cooldown_counter = state
        if reduce:
            groups = self.optimizer.param_groups
            if len(groups) != len(self.min_lrs):  # a param group was added since
                if self.default_min_lr is None:
                    raise ValueError(
                        f"min_lr has {len(self.min_lrs)} values but the optimizer now has "
                        f"{len(groups)} param groups: set min_lrs to one value per group"
                    )
                self.min_lrs = [float(self.default_min_lr)] * len(groups)
            for group, floor in zip(groups, self.min_lrs):
                old = float(group["lr"])
                new = schedules.plateau_reduce(old, self.factor, floor, self.eps)
                if new != old:
                    _set_lr(group, new)
        self._last_lr = _group_lrs(self.optimizer)

    def get_lr(self) -> list[Any]:
        """The lrs in force (the plateau scheduler has no closed form of the step)."""
        return self.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The counters of the decision and the lrs in force."""
        return {
            "last_epoch": self.last_epoch,
            "best": self.best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
            "_last_lr": [_copy(lr) for lr in self._last_lr],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` and write its lrs into the optimizer."""
        keys = ("last_epoch", "best", "num_bad_epochs", "cooldown_counter", "_last_lr")
        _require_keys(state_dict, keys)
        self.last_epoch = state_dict["last_epoch"]
        self.best = float(state_dict["best"])
        self.num_bad_epochs = state_dict["num_bad_epochs"]
        self.cooldown_counter = state_dict["cooldown_counter"]
        for group, lr in zip(self.optimizer.param_groups, state_dict["_last_lr"]):
            _set_lr(group, float(lr))
        self._last_lr = _group_lrs(self.optimizer)


# --------------------------------------------------------------------------------------------
# SequentialLR: schedulers end to end, each on its local step
# --------------------------------------------------------------------------------------------


class SequentialLR(LRScheduler):
    """Run ``schedulers[i]`` from ``milestones[i - 1]`` on, each restarting at its step 0.

    Equals ``torch.optim.lr_scheduler.SequentialLR`` with lrlab's schedulers as children: the
    child in charge at step ``t`` is driven to its *local* step ``t - milestones[i - 1]``, as
    :func:`lrlab.schedules.sequential` joins pure schedules. Build the children on the same
    optimizer first; ``ReduceLROnPlateau`` cannot be a child (it needs a metric).

    Args:
        optimizer: the wrapped optimizer.
        schedulers: lrlab schedulers on ``optimizer``, at least one.
        milestones: ``len(schedulers) - 1`` non-decreasing steps (integers >= 0) at which the
            next scheduler takes over.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> warmup = LambdaLR(opt, lambda step: (step + 1) / 2)
        >>> decay = ExponentialLR(opt, gamma=0.5)
        >>> sched = SequentialLR(opt, [warmup, decay], milestones=[2])
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.5, 1.0, 1.0, 0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        last_epoch = check_int("last_epoch", last_epoch, -1)
        children = list(schedulers)
        if not children:
            raise ValueError(f"schedulers must hold at least one scheduler, got {schedulers!r}")
        for i, child in enumerate(children):
            if isinstance(child, ReduceLROnPlateau):
                raise ValueError(
                    f"schedulers[{i}] is a ReduceLROnPlateau, which SequentialLR cannot drive "
                    f"(its step needs a metric), got {child!r}"
                )
            if not isinstance(child, LRScheduler):
                raise ValueError(f"schedulers[{i}] must be an lrlab scheduler, got {child!r}")
            if child.optimizer is not optimizer:
                raise ValueError(
                    f"schedulers[{i}] must be built on the same optimizer as SequentialLR, got "
                    f"{child!r} on {child.optimizer!r}"
                )
        marks = check_int_list("milestones", milestones, 0)
        if len(marks) != len(children) - 1:
            raise ValueError(
                f"milestones must have len(schedulers) - 1 = {len(children) - 1} entries, got "
                f"{marks!r}"
            )
        if any(b < a for a, b in zip(marks, marks[1:])):
            raise ValueError(f"milestones must be non-decreasing, got {marks!r}")
        self.optimizer = optimizer
        self._schedulers = children
        self._milestones = marks
        self._undo()
        self._apply(last_epoch + 1)

    def _locate(self, step: int) -> tuple[LRScheduler, int]:
        """The child in charge at ``step`` and its local step."""
        i = bisect_right(self._milestones, step)
        return self._schedulers[i], step - (self._milestones[i - 1] if i else 0)

    def _lrs(self, step: int) -> list[float]:
        child, local = self._locate(step)
        return child._lrs(local)

    def _apply(self, step: int) -> None:
        child, local = self._locate(step)
        child._apply(local)
        self.last_epoch = step
        self._last_lr = child.get_last_lr()

    def _undo(self) -> None:
        for child in self._schedulers:
            child._undo()

    def step(self) -> None:  # type: ignore[override]
        """Advance one step; at a milestone the next scheduler starts at its step 0."""
        self._apply(self.last_epoch + 1)

    def state_dict(self) -> dict[str, Any]:
        """The global step and every child's state dict."""
        return {
            "last_epoch": self.last_epoch,
            "_schedulers": [child.state_dict() for child in self._schedulers],
        }

    def _load(self, state_dict: dict[str, Any]) -> None:
        _require_keys(state_dict, ("last_epoch", "_schedulers"))
        if len(state_dict["_schedulers"]) != len(self._schedulers):
            raise ValueError(
                f"state_dict holds {len(state_dict['_schedulers'])} schedulers, this "
                f"SequentialLR has {len(self._schedulers)}"
            )
        self.last_epoch = state_dict["last_epoch"]
        for child, saved in zip(self._schedulers, state_dict["_schedulers"]):
            child._load(saved)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``: replay each finished child's last step, then the current."""
        self._load(state_dict)
        current, _ = self._locate(self.last_epoch)
        for child in self._schedulers:
            if child is current:
                break
            if child.last_epoch >= 0:
                child._apply(child._position())
        self._apply(self.last_epoch)


# --------------------------------------------------------------------------------------------
# transformers' factories
# --------------------------------------------------------------------------------------------


class _ScheduleLR(LambdaLR):
    """A ``LambdaLR`` whose lrs come from a pure schedule ``schedule(step, base_lr=...)``.

    What the ``get_*`` factories return: like transformers' ``LambdaLR``, but each lr is the
    vectorised pure schedule of the step, not a Python lambda. ``lr_lambdas`` still gives the
    factor (the lr for an initial lr of 1).
    """

    def __init__(self, optimizer: Optimizer, schedule: Callable[..., float], last_epoch: int = -1):
        self._schedule = schedule
        super().__init__(optimizer, functools.partial(schedule, base_lr=1.0), last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [self._schedule(step, base_lr=b) for b in self._bases()]


def _from_schedule(
    optimizer: Optimizer, schedule: Callable[..., float], last_epoch: int, **kwargs: Any
) -> LambdaLR:
    """The ``LambdaLR`` of a factory: ``schedule(step, base_lr=..., **kwargs)`` per group."""
    return _ScheduleLR(optimizer, functools.partial(schedule, **kwargs), last_epoch)


def _default_lr(optimizer: Optimizer, use: str) -> float:
    """``optimizer.defaults["lr"]``, which transformers uses as every group's ``lr_init``."""
    _check_optimizer(optimizer)
    lr = check_lr("optimizer.defaults['lr']", _scalar(optimizer.defaults["lr"]))
    if lr == 0:
        raise ValueError(f"optimizer.defaults['lr'] must be > 0 to {use}, got {lr!r}")
    return lr


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
        optimizer, schedules.constant_schedule_with_warmup, last_epoch,
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
    return base_lr / lr_init * schedules.polynomial_decay_schedule_with_warmup(
        step, lr_init, **kwargs
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
        num_warmup_steps: the warmup length, an integer >= 0 and < ``num_training_steps``.
        num_training_steps: the step at which ``lr_end`` is reached, an integer >= 1.
        lr_end: the final lr, >= 0 and below ``optimizer.defaults["lr"]``. Default: 1e-7.
        power: the exponent of the decay, > 0. Default: 1 (linear).
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
        optimizer, schedules.inverse_sqrt_schedule, last_epoch,
        num_warmup_steps=num_warmup_steps, timescale=timescale,
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
        num_warmup_steps: the warmup length, an integer >= 0 and <= ``num_training_steps``.
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
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError(
            f"give only one of min_lr and min_lr_rate, got min_lr={min_lr!r}, "
            f"min_lr_rate={min_lr_rate!r}"
        )
    if min_lr is not None:
        min_lr_rate = check_lr("min_lr", min_lr) / _default_lr(optimizer, "convert min_lr")
    elif min_lr_rate is None:
        raise ValueError("give one of min_lr and min_lr_rate, got min_lr=None, min_lr_rate=None")
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


_HF_SCHEDULERS: dict[str, Callable[..., LRScheduler]] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "warmup_stable_decay": get_wsd_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "reduce_lr_on_plateau": get_reduce_on_plateau_schedule,
}


def get_scheduler(
    name: str,
    optimizer: Optimizer,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict | None = None,
) -> LRScheduler:
    """Build a scheduler by name, as ``transformers.get_scheduler`` does.

    The names are ``"linear"``, ``"cosine"``, ``"cosine_with_restarts"``, ``"polynomial"``,
    ``"constant"``, ``"constant_with_warmup"``, ``"inverse_sqrt"``, ``"warmup_stable_decay"``,
    ``"cosine_with_min_lr"`` and ``"reduce_lr_on_plateau"``. As in transformers, ``"constant"``
    ignores every other argument, ``"constant_with_warmup"`` ignores
    ``scheduler_specific_kwargs``, ``"reduce_lr_on_plateau"`` takes only
    ``scheduler_specific_kwargs``, and the rest pass ``scheduler_specific_kwargs`` on (e.g.
    ``num_decay_steps`` for ``"warmup_stable_decay"``, ``num_cycles``, ``min_lr_rate``).

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
    if key == "reduce_lr_on_plateau":
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
