"""Schedulers built from other pieces: ``LambdaLR`` (a function of the step) and
``SequentialLR`` (schedulers end to end, each on its local step).
"""

from __future__ import annotations

import copy
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

    _function_keys = ("lr_lambdas",)


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
        first, _ = self._locate(last_epoch + 1)
        first._reset_count()  # PyTorch re-runs the first child's initial step
        self._apply(last_epoch + 1)

    _unsaved = ("optimizer", "_schedulers")
    _required_keys = ("last_epoch", "_schedulers")

    def _locate(self, step: int) -> tuple[LRScheduler, int]:
        """The child in charge at ``step`` and its local step."""
        i = bisect_right(self._milestones, step)
        return self._schedulers[i], step - (self._milestones[i - 1] if i else 0)

    def _lrs(self, step: int) -> list[float]:
        child, local = self._locate(step)
        return child._lrs(local)

    def _apply(self, step: int, before_write: Callable[[], None] | None = None) -> None:
        child, local = self._locate(step)
        child._apply(local, before_write)
        self.last_epoch = step
        self._last_lr = child.get_last_lr()

    def _undo(self) -> None:
        for child in self._schedulers:
            child._undo()

    def step(self) -> None:  # type: ignore[override]
        """Advance one step; at a milestone the next scheduler starts at its step 0.

        As in PyTorch, the child in charge counts the step (and warns when it comes before any
        ``optimizer.step()``), but not the step at which it takes over."""
        step = self.last_epoch + 1
        child, local = self._locate(step)
        count = None if local == 0 and step > 0 else lambda: child._count_step(stacklevel=5)
        self._apply(step, count)

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's: the milestones, the global step, the last lrs and every child's state."""
        state = super().state_dict()
        state["_schedulers"] = [child.state_dict() for child in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (this library's or PyTorch's, with children of the same
        classes): each child's state, then replay each finished child's last step and the
        current one, so the optimizer holds what the saved run's did."""
        require_keys(state_dict, self._required_keys)
        saved = state_dict["_schedulers"]
        if len(saved) != len(self._schedulers):
            raise ValueError(
                f"state_dict holds {len(saved)} schedulers, this SequentialLR has "
                f"{len(self._schedulers)}"
            )
        for key, value in state_dict.items():
            if key != "_schedulers":
                setattr(self, key, copy.deepcopy(value))
        for child, child_state in zip(self._schedulers, saved):
            child.load_state_dict(child_state)
        current, _ = self._locate(self.last_epoch)
        for child in self._schedulers:
            if child is current:
                break
            if child.last_epoch >= 0:
                child._apply(child._position())
        self._apply(self.last_epoch)
