"""Cyclical schedulers: ``CyclicLR`` and ``OneCycleLR`` cycle the lr, and the momentum with it.

The lr is :func:`lrlab.schedules.cyclic_lr` / :func:`lrlab.schedules.one_cycle_lr`, the
momentum :func:`lrlab.schedules.cyclic_momentum` / :func:`lrlab.schedules.one_cycle_momentum`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_choice, check_int
from lrlab.schedulers._helpers import check_optimizer, per_group, scalar
from lrlab.schedulers.base import LRScheduler

__all__ = ["CyclesMomentum", "CyclicLR", "OneCycleLR"]


class CyclesMomentum:
    """Shared by ``CyclicLR`` and ``OneCycleLR``: which momentum to cycle, per group."""

    def init_momentum(
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
        self.base_momentums = per_group("base_momentum", base_momentum, optimizer)
        self.max_momentums = per_group("max_momentum", max_momentum, optimizer)

    def write_momentum_keys(self) -> None:
        """Write each group's ``max_momentum`` and ``base_momentum``, as PyTorch does."""
        if self.cycle_momentum:
            for group, top, bottom in zip(
                self.optimizer.param_groups, self.max_momentums, self.base_momentums
            ):
                group["max_momentum"], group["base_momentum"] = top, bottom


class CyclicLR(CyclesMomentum, LRScheduler):
    """Cycle each group's lr between ``base_lr`` and ``max_lr`` along a triangle (CLR).

    Equals ``torch.optim.lr_scheduler.CyclicLR``: the lr is :func:`lrlab.schedules.cyclic_lr`
    and, with ``cycle_momentum=True``, the ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam)
    is :func:`lrlab.schedules.cyclic_momentum`, high when the lr is low. A custom ``scale_fn``
    replaces the mode's amplitude and is called once per step with the cycle number
    (``scale_mode="cycle"``) or the step (``"iterations"``). Step it once per batch.

    Args:
        optimizer: the wrapped optimizer.
        base_lr: the bottom of the cycle, per group or for all; it replaces the groups' lrs.
        max_lr: the top of the cycle, per group or for all (below ``base_lr``: upside down).
        step_size_up: steps from bottom to top, > 0. Default: 2000.
        step_size_down: steps from top to bottom, >= 0 (0: a sawtooth); ``None`` (default):
            ``step_size_up``.
        mode: ``"triangular"`` (default), ``"triangular2"`` (halve the amplitude each cycle) or
            ``"exp_range"`` (scale it by ``gamma ** step``); ignored with ``scale_fn``.
        gamma: the base of ``"exp_range"``, >= 0 (above 1 the cycles grow). Default: 1.
        scale_fn: a function giving the amplitude's scale, or ``None`` (default).
        scale_mode: ``"cycle"`` (default) or ``"iterations"``: what ``scale_fn`` is given.
        cycle_momentum: cycle the momentum in antiphase (default: True).
        base_momentum: the momentum at the top of the lr cycle. Default: 0.8.
        max_momentum: the momentum at the bottom (any finite value, as in PyTorch). Default: 0.9.
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
        check_optimizer(optimizer)
        base_lrs = per_group("base_lr", base_lr, optimizer)
        self.max_lrs = per_group("max_lr", max_lr, optimizer)
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
        self.init_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        if scale_fn is not None:  # the mode's schedules are not called: check the rest here
            for b, m in zip(base_lrs, self.max_lrs):
                schedules.cyclic_lr(0, scalar(b), scalar(m), step_size_up, step_size_down)
            for b, m in zip(*self._momentum_bounds()):
                schedules.cyclic_momentum(0, step_size_up, step_size_down, "triangular", 1.0, b, m)
        shape = "triangular" if scale_fn is not None else mode
        schedules.cyclic_shape(0, step_size_up, step_size_down, shape, gamma)  # valid sizes
        # PyTorch's form of the two half-cycles (its state holds these, not the step sizes).
        down = step_size_up if step_size_down is None else step_size_down
        self.total_size = float(step_size_up) + float(down)
        self.step_ratio = float(step_size_up) / self.total_size
        super().__init__(
            optimizer, last_epoch, initial_lrs=base_lrs, base_lrs=base_lrs, lr_name="base_lr"
        )

    _function_keys = ("_scale_fn_custom",)

    def _write_group_keys(self) -> None:
        self.write_momentum_keys()

    def _restore(self, state: dict[str, Any]) -> None:
        if "step_size_up" not in state:  # PyTorch's state: the step sizes from its two floats
            self.step_size_up = self.total_size * self.step_ratio
            self.step_size_down = self.total_size - self.step_size_up

    def _momentum_bounds(self) -> tuple[list[float], list[float]]:
        if not self.cycle_momentum:
            return [], []
        return [scalar(m) for m in self.base_momentums], [scalar(m) for m in self.max_momentums]

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
                    step,
                    b,
                    scalar(m),
                    self.step_size_up,
                    self.step_size_down,
                    self.mode,
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


class OneCycleLR(CyclesMomentum, LRScheduler):
    """The one-cycle policy: warm up to ``max_lr``, then anneal far below the start.

    Equals ``torch.optim.lr_scheduler.OneCycleLR``: the lr is :func:`lrlab.schedules.one_cycle_lr`
    and, with ``cycle_momentum=True``, the ``momentum`` / ``betas[0]`` is
    :func:`lrlab.schedules.one_cycle_momentum`. Steps ``0 .. total_steps`` are valid (PyTorch
    allows one step past the last phase); the next ``step()`` raises ``ValueError`` naming the
    step, and leaves the scheduler as it was.

    Args:
        optimizer: the wrapped optimizer.
        max_lr: the peak lr, per group or for all; each group's ``initial_lr`` becomes
            ``max_lr / div_factor`` (and, as PyTorch writes them, its ``max_lr``, ``min_lr``,
            ``max_momentum`` and ``base_momentum`` the cycle's ends).
        total_steps: the length of the cycle; or give ``epochs`` and ``steps_per_epoch``.
        epochs: with ``steps_per_epoch``, ``total_steps = epochs * steps_per_epoch``.
        steps_per_epoch: see ``epochs``.
        pct_start: the fraction of the cycle spent warming up, in [0, 1), with
            ``pct_start * total_steps != 1`` (below 1 the warmup ends before step 0, as in
            PyTorch). Default: 0.3.
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
        check_optimizer(optimizer)
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
        self.max_lrs = per_group("max_lr", max_lr, optimizer)
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase
        self.init_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        self._lrs(0)  # validate before dividing by div_factor
        # PyTorch's attributes (its state holds these; the lrs' ends live in the param groups).
        self._anneal_func_type = anneal_strategy
        self._schedule_phases = self._phases()
        initial_lrs = [float(m) / float(div_factor) for m in self.max_lrs]
        super().__init__(
            optimizer,
            last_epoch,
            initial_lrs=initial_lrs,
            overwrite_initial=True,
            base_lrs=initial_lrs,
            lr_name="max_lr / div_factor of param_groups[{}]",
        )

    def _phases(self) -> list[dict[str, Any]]:
        """PyTorch's ``_schedule_phases``: where each phase ends, and the param-group keys of
        its two ends."""
        ends = [float(self.pct_start * self.total_steps) - 1]
        if self.three_phase:
            ends.append(float(2 * self.pct_start * self.total_steps) - 2)
            keys = [
                ("initial_lr", "max_lr", "max_momentum", "base_momentum"),
                ("max_lr", "initial_lr", "base_momentum", "max_momentum"),
                ("initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            keys = [
                ("initial_lr", "max_lr", "max_momentum", "base_momentum"),
                ("max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        ends.append(self.total_steps - 1)
        names = ("start_lr", "end_lr", "start_momentum", "end_momentum")
        return [{"end_step": end, **dict(zip(names, k))} for end, k in zip(ends, keys)]

    def _each(self, value: Any) -> list[Any]:
        """A per-group list (the factors are lists after loading a PyTorch state)."""
        return list(value) if isinstance(value, list) else [value] * len(self.max_lrs)

    def _lrs(self, step: int) -> list[float]:
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR cannot go to step {step}: its steps are 0..{self.total_steps} "
                f"(total_steps={self.total_steps})"
            )
        return [
            schedules.one_cycle_lr(
                step,
                scalar(m),
                self.total_steps,
                self.pct_start,
                self.anneal_strategy,
                div,
                final_div,
                self.three_phase,
            )
            for m, div, final_div in zip(
                self.max_lrs, self._each(self.div_factor), self._each(self.final_div_factor)
            )
        ]

    def _write_group_keys(self) -> None:
        """Each group's ``initial_lr``, ``max_lr``, ``min_lr`` (and momenta), as PyTorch's."""
        for group, initial, top, final_div in zip(
            self.optimizer.param_groups,
            self.base_lrs,
            self.max_lrs,
            self._each(self.final_div_factor),
        ):
            group["initial_lr"], group["max_lr"] = initial, top
            group["min_lr"] = initial / final_div
        self.write_momentum_keys()

    def _restore(self, state: dict[str, Any]) -> None:
        if "max_lrs" in state:
            return
        # PyTorch's state: the phases and the annealing are in it, the lrs' and momenta's ends
        # in the param groups (which the optimizer's checkpoint restores), as PyTorch reads them.
        groups = self.optimizer.param_groups
        keys = ["initial_lr", "max_lr", "min_lr"]
        keys += ["max_momentum", "base_momentum"] if self.cycle_momentum else []
        for i, group in enumerate(groups):
            if any(key not in group for key in keys):
                raise ValueError(
                    f"a OneCycleLR state of PyTorch's needs the optimizer's param groups to hold "
                    f"{keys!r} (load the optimizer's state first), param_groups[{i}] lacks some"
                )
        self.anneal_strategy = self._anneal_func_type
        self.three_phase = len(self._schedule_phases) == 3
        self.pct_start = (self._schedule_phases[0]["end_step"] + 1) / self.total_steps
        self.max_lrs = [scalar(g["max_lr"]) for g in groups]
        initial = [scalar(g["initial_lr"]) for g in groups]
        self.div_factor = [
            _ratio(m, i, "max_lr / initial_lr") for m, i in zip(self.max_lrs, initial)
        ]
        self.final_div_factor = [
            _ratio(i, scalar(g["min_lr"]), "initial_lr / min_lr") for g, i in zip(groups, initial)
        ]
        if self.cycle_momentum:
            self.max_momentums = [g["max_momentum"] for g in groups]
            self.base_momentums = [g["base_momentum"] for g in groups]

    def _momenta(self, step: int) -> list[float] | None:
        if not self.cycle_momentum:
            return None
        return [
            schedules.one_cycle_momentum(
                step,
                self.total_steps,
                self.pct_start,
                self.anneal_strategy,
                self.three_phase,
                scalar(b),
                scalar(m),
            )
            for b, m in zip(self.base_momentums, self.max_momentums)
        ]


def _ratio(top: float, bottom: float, name: str) -> float:
    """``top / bottom`` of a OneCycleLR param group (1 when both are 0)."""
    if bottom == 0:
        if top == 0:
            return 1.0
        raise ValueError(f"{name} of a param group must be finite, got {top!r} / {bottom!r}")
    return top / bottom
