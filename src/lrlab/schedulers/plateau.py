"""The schedulers driven by a metric, not by the step: ``ReduceLROnPlateau`` and transformers'
``GreedyLR``.

Their decisions are the pure state machines of :mod:`lrlab.schedules` (``plateau_update`` and
``plateau_reduce``; ``greedy_update``), the same code as :func:`lrlab.schedules.reduce_lr_on_plateau`
and :func:`lrlab.schedules.greedy_lr`.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal, SupportsFloat

from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_lr
from lrlab.schedulers._helpers import (
    EPOCH_DEPRECATION_WARNING,
    check_optimizer,
    copy_lr,
    group_lrs,
    per_group,
    scalar,
    set_lr,
)
from lrlab.schedulers.base import LRScheduler

__all__ = ["ReduceLROnPlateau", "GreedyLR"]


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
        factor: the multiplier at each reduction, < 1. Default: 0.1.
        patience: metrics without improvement tolerated before reducing. Default: 10.
        threshold: the least improvement that counts. Default: 1e-4.
        threshold_mode: ``"rel"`` (default; a fraction of the best) or ``"abs"``.
        cooldown: metrics ignored after a reduction. Default: 0.
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
        check_optimizer(optimizer)
        schedules.check_plateau_args(
            mode, factor, patience, threshold, threshold_mode, cooldown, eps
        )
        min_lrs = per_group("min_lr", min_lr, optimizer)
        for lr in min_lrs:
            check_lr("min_lr", scalar(lr))
        for i, group in enumerate(optimizer.param_groups):
            check_lr(f"param_groups[{i}]['lr']", scalar(group["lr"]))
        # PyTorch's attributes, under its names (its state_dict is this __dict__).
        self.factor = factor
        self.optimizer = optimizer
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = min_lrs
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = group_lrs(optimizer)
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.best, self.num_bad_epochs, self.cooldown_counter = schedules.plateau_initial_state(
            mode
        )
        self.mode_worse = self.best

    _required_keys = ("last_epoch", "best", "num_bad_epochs", "cooldown_counter", "_last_lr")

    @property
    def in_cooldown(self) -> bool:
        """Whether metrics are being ignored after a reduction."""
        return self.cooldown_counter > 0

    def _decision(self) -> dict[str, Any]:
        """The arguments of the decision (:func:`lrlab.schedules.plateau_update`), checked."""
        args = schedules.check_plateau_args(
            self.mode,
            self.factor,
            self.patience,
            self.threshold,
            self.threshold_mode,
            self.cooldown,
            self.eps,
        )
        return {
            key: args[key]
            for key in ("mode", "patience", "threshold", "threshold_mode", "cooldown")
        }

    def step(  # type: ignore[override]
        self, metrics: SupportsFloat, epoch: int | None = None
    ) -> None:
        """Feed one metric (a number or a 0-d tensor); reduce the lrs if it is time to.

        Args:
            metrics: the monitored quantity, e.g. the validation loss.
            epoch: deprecated in PyTorch (and warned about, as there); sets ``last_epoch``
                instead of adding one.
        """
        try:
            current = float(metrics)
        except (TypeError, ValueError, RuntimeError):  # RuntimeError: a tensor of many values
            raise ValueError(f"metrics must be a number, got {metrics!r}") from None
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        state = (self.best, self.num_bad_epochs, self.cooldown_counter)
        state, reduce = schedules.plateau_update(state, current, **self._decision())
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
                self.min_lrs = [self.default_min_lr] * len(groups)
            for group, floor in zip(groups, self.min_lrs):
                old = float(group["lr"])
                new = schedules.plateau_reduce(old, float(self.factor), float(floor), self.eps)
                if new != old:
                    set_lr(group, new)
        self._last_lr = group_lrs(self.optimizer)

    def get_lr(self) -> list[Any]:
        """The lrs in force (the plateau scheduler has no closed form of the step)."""
        return self.get_last_lr()

    def _restore(self, state: dict[str, Any]) -> None:
        self._decision()  # the loaded arguments are valid
        for lr in self.min_lrs:
            check_lr("min_lr", scalar(lr))
        self.mode_worse = schedules.plateau_initial_state(self.mode)[0]

    def _resume(self) -> None:
        """Write the loaded lrs into the optimizer (PyTorch leaves that to the optimizer's
        own checkpoint)."""
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            set_lr(group, float(lr))
        self._last_lr = group_lrs(self.optimizer)


class GreedyLR:
    """Raise each group's lr while a metric keeps improving, cut it when the metric stalls.

    Equals ``transformers.optimization.GreedyLR``: call ``step(metric)`` after each evaluation
    (or each training step, with the loss). The decision is :func:`lrlab.schedules.greedy_update`,
    the same code as the pure :func:`lrlab.schedules.greedy_lr`: after more than ``patience``
    improvements in a row every lr is divided by ``factor`` (at most ``max_lr``), after more than
    ``patience`` metrics without one it is multiplied by ``factor`` (at least ``min_lr``); after
    ``reset_start`` cuts with every group at its floor, the lrs and the counts start over. As in
    transformers, the changes start from the lrs in the optimizer, the constructor neither steps
    nor sets ``initial_lr``, and ``state_dict()`` holds the arguments, the counters and the lrs
    under transformers' names, so a checkpoint of either loads into the other.

    Args:
        optimizer: the wrapped optimizer.
        mode: ``"min"`` (default; lower is better) or ``"max"``.
        factor: divides the lr to raise it, multiplies it to cut it, < 1 and not 0.
            Default: 0.95.
        patience: metrics in a row tolerated before a change, an integer. Default: 10.
        threshold: the least improvement that counts. Default: 1e-6.
        threshold_mode: ``"abs"`` (default; an amount) or ``"rel"`` (a fraction of the best).
        cooldown: metrics ignored after a cut, an integer. Default: 0.
        warmup: metrics ignored after a rise, an integer. Default: 0.
        min_lr: the floor, for all groups or a list with one per group. Default: 1e-3.
        max_lr: the ceiling, for all groups or a list with one per group. Default: 1.
        eps: a change smaller than this is skipped. Default: 1e-8.
        verbose: print each change. Default: False.
        smooth: compare the mean of the last ``window_size`` metrics. Default: False.
        window_size: the window of ``smooth``, >= 1 with ``smooth``. Default: 50.
        reset_start: cuts at the floor before the lrs go back to their initial values. Default: 500.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
        >>> sched = GreedyLR(opt, factor=0.5, patience=1, min_lr=0.1)
        >>> for loss in [5, 4, 3, 3, 3]:
        ...     opt.step()
        ...     sched.step(loss)
        >>> sched.get_last_lr(), sched.best
        ([0.5], 3.0)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.95,
        patience: int = 10,
        threshold: float = 1e-6,
        threshold_mode: str = "abs",
        cooldown: int = 0,
        warmup: int = 0,
        min_lr: float | list[float] = 1e-3,
        max_lr: float | list[float] = 1.0,
        eps: float = 1e-8,
        verbose: bool = False,
        smooth: bool = False,
        window_size: int = 50,
        reset_start: int = 500,
    ) -> None:
        check_optimizer(optimizer)
        args = schedules.check_greedy_args(
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
        if not isinstance(verbose, bool):
            raise ValueError(f"verbose must be True or False, got {verbose!r}")
        self.min_lrs = [
            check_lr("min_lr", scalar(lr)) for lr in per_group("min_lr", min_lr, optimizer)
        ]
        self.max_lrs = [
            check_lr("max_lr", scalar(lr)) for lr in per_group("max_lr", max_lr, optimizer)
        ]
        for i, group in enumerate(optimizer.param_groups):
            check_lr(f"param_groups[{i}]['lr']", scalar(group["lr"]))
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = args["mode"], args["factor"], args["patience"]
        self.threshold, self.threshold_mode = args["threshold"], args["threshold_mode"]
        self.cooldown, self.warmup, self.eps = args["cooldown"], args["warmup"], args["eps"]
        self.smooth, self.window_size = args["smooth"], args["window_size"]
        self.reset_start_original = args["reset_start"]
        self.verbose = verbose
        self.last_epoch = 0
        self._init_lrs = group_lrs(optimizer)
        self._last_lr = group_lrs(optimizer)
        self._set_state(schedules.greedy_initial_state(self.mode, self.reset_start_original))

    _COUNTERS = (
        "best",
        "num_bad_epochs",
        "num_good_epochs",
        "cooldown_counter",
        "warmup_counter",
        "reset_start",
    )

    def _set_state(self, state: dict[str, Any]) -> None:
        for key in self._COUNTERS:
            setattr(self, key, state[key])
        self._window = (list(state["values"]), state["sum"])

    def step(self, metrics: SupportsFloat, epoch: int | None = None) -> None:
        """Feed one metric (a number or a 0-d tensor); raise or cut the lrs if it is time to.

        Args:
            metrics: the monitored quantity, e.g. the validation loss.
            epoch: sets ``last_epoch`` instead of adding one.
        """
        try:
            current = float(metrics)
        except (TypeError, ValueError, RuntimeError):  # RuntimeError: a tensor of many values
            raise ValueError(f"metrics must be a number, got {metrics!r}") from None
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs) or len(groups) != len(self.max_lrs):
            raise ValueError(
                f"the optimizer has {len(groups)} param groups but GreedyLR was built for "
                f"{len(self.min_lrs)}: add every param group before building the scheduler"
            )
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        state = {key: getattr(self, key) for key in self._COUNTERS}
        state.update(values=self._window[0], sum=self._window[1])
        old = [float(group["lr"]) for group in groups]
        state, new, event = schedules.greedy_update(
            state,
            current,
            old,
            init_lrs=[float(lr) for lr in self._init_lrs],
            min_lrs=self.min_lrs,
            max_lrs=self.max_lrs,
            mode=self.mode,
            factor=self.factor,
            patience=self.patience,
            threshold=self.threshold,
            threshold_mode=self.threshold_mode,
            cooldown=self.cooldown,
            warmup=self.warmup,
            eps=self.eps,
            smooth=self.smooth,
            window_size=self.window_size,
            reset_start=self.reset_start_original,
        )
        self._set_state(state)
        for i, (group, before, after) in enumerate(zip(groups, old, new)):
            if after != before or event == "reset":
                set_lr(group, after)
                if self.verbose and event != "reset":
                    verb = "increasing" if event == "increase" else "reducing"
                    print(
                        f"Epoch {self.last_epoch}: {verb} learning rate of group {i} to {after:.4e}."
                    )
        if self.verbose and event == "reset":
            print("Scheduler reset to initial state.")
        self._last_lr = group_lrs(self.optimizer)

    def get_last_lr(self) -> list[Any]:
        """The lrs in force after the last ``step()``."""
        return list(self._last_lr)

    _STATE_KEYS = (
        "factor",
        "min_lrs",
        "max_lrs",
        "patience",
        "verbose",
        "cooldown",
        "warmup",
        "cooldown_counter",
        "warmup_counter",
        "mode",
        "threshold",
        "threshold_mode",
        "best",
        "num_bad_epochs",
        "num_good_epochs",
        "eps",
        "last_epoch",
        "smooth",
        "window_size",
        "reset_start",
        "reset_start_original",
        "_last_lr",
        "_init_lrs",
    )

    def state_dict(self) -> dict[str, Any]:
        """The arguments, the counters and the lrs, under transformers' keys."""
        state = {key: getattr(self, key) for key in self._STATE_KEYS}
        for key in ("min_lrs", "max_lrs", "_last_lr", "_init_lrs"):
            state[key] = [copy_lr(lr) for lr in state[key]]
        if self.smooth:
            values, total = self._window
            state["_streaming_avg"] = {
                "window_size": self.window_size,
                "values": list(values),
                "sum": total,
            }
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (a key it lacks keeps its value) and write its lrs into
        the optimizer, as transformers' does."""
        for key in self._STATE_KEYS:
            if key in state_dict:
                value = state_dict[key]
                setattr(self, key, list(value) if isinstance(value, (list, tuple)) else value)
        if "_streaming_avg" in state_dict:
            saved = state_dict["_streaming_avg"]
            self._window = (list(saved.get("values", [])), saved.get("sum", 0.0))
        if "_last_lr" in state_dict:
            for group, lr in zip(self.optimizer.param_groups, self._last_lr):
                set_lr(group, float(lr))
