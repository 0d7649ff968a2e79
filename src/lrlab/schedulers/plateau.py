"""``ReduceLROnPlateau``: the scheduler driven by a metric, not by the step.

Its decision is the pure state machine of :mod:`lrlab.schedules` (``plateau_update``,
``plateau_reduce``), the same code as :func:`lrlab.schedules.reduce_lr_on_plateau`.
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
    group_lrs,
    per_group,
    scalar,
    set_lr,
)
from lrlab.schedulers.base import LRScheduler

__all__ = ["ReduceLROnPlateau"]


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
