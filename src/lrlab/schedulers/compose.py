"""Schedulers built from other pieces: ``LambdaLR`` (a function of the step) and
``SequentialLR`` (schedulers end to end, each on its local step).
"""

from __future__ import annotations

import types
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_int, check_int_list
from lrlab.schedulers._helpers import check_optimizer, per_group, require_keys
from lrlab.schedulers.base import LRScheduler
from lrlab.schedulers.plateau import ReduceLROnPlateau

__all__ = ["LambdaLR", "SequentialLR"]


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
        check_optimizer(optimizer)
        self.lr_lambdas = per_group("lr_lambda", lr_lambda, optimizer)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise ValueError(f"lr_lambda must be a function of the step, got {fn!r}")
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        return [schedules.lambda_lr(step, b, fn) for b, fn in zip(self._bases(), self.lr_lambdas)]

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
        >>> from lrlab.schedulers import ExponentialLR
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
        check_optimizer(optimizer)
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
        require_keys(state_dict, ("last_epoch", "_schedulers"))
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
