"""Schedulers built from other pieces: ``LambdaLR`` (a function of the step), ``SequentialLR``
(schedulers end to end, each on its local step), ``MultiplicativeLR`` (the running product of a
function of the step) and ``ChainedScheduler`` (the product of its children's factors).
"""

from __future__ import annotations

import math
import types
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_int, check_int_list
from lrlab.schedulers._helpers import (
    check_optimizer,
    group_lrs,
    per_group,
    require_keys,
    set_lr,
)
from lrlab.schedulers.base import LRScheduler
from lrlab.schedulers.decay import (
    ConstantLR,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from lrlab.schedulers.plateau import ReduceLROnPlateau

__all__ = ["LambdaLR", "SequentialLR", "MultiplicativeLR", "ChainedScheduler"]


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


class MultiplicativeLR(LambdaLR):
    """Multiply each group's lr, at every step, by a function of the step.

    Equals ``torch.optim.lr_scheduler.MultiplicativeLR``: the lr at step ``t`` is the initial lr
    times ``lr_lambda(1) * ... * lr_lambda(t)``, :func:`lrlab.schedules.multiplicative_lr`. The
    products so far are kept (:func:`lrlab.schedules.multiplicative_run` extends them one step
    at a time), so each factor is computed once, as torch computes it; ``state_dict()`` keeps
    the attributes of a callable-object ``lr_lambda``, as ``LambdaLR``'s does.

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the (integer) step returning that step's factor, or a list of
            them, one per param group.
        last_epoch: the last step done; -1 (default) starts a run.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = MultiplicativeLR(opt, lr_lambda=lambda step: 0.5)
        >>> opt.step(); sched.step(); opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self._runs: list[tuple[int, float, float]] = []  # per group: (step, its lr, base lr)
        super().__init__(optimizer, lr_lambda, last_epoch)

    def _lrs(self, step: Any) -> list[float]:
        k = math.floor(step)
        runs = []
        for g, (base, fn) in enumerate(zip(self._bases(), self.lr_lambdas)):
            start, lr, of = self._runs[g] if g < len(self._runs) else (0, base, base)
            if of != base or start > k:  # a new base lr, or a step back: from step 0 again
                start, lr = 0, base
            lr = float(schedules.multiplicative_run(lr, fn, start + 1, k)[-1])
            runs.append((k, lr, base))
        self._runs = runs
        return [lr for _, lr, _ in runs]

    def _load(self, state_dict: dict[str, Any]) -> None:
        super()._load(state_dict)
        self._runs = []  # the loaded lr_lambdas may compute other factors

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` and write that step's lrs into the optimizer."""
        self._runs = []
        super().load_state_dict(state_dict)


# The schedulers whose torch update multiplies the lr in the optimizer by a factor of the step,
# so that torch's ChainedScheduler of them multiplies their factors.
_CHAINABLE = (
    StepLR,
    MultiStepLR,
    ExponentialLR,
    ConstantLR,
    LinearLR,
    PolynomialLR,
    MultiplicativeLR,
)


class ChainedScheduler(LRScheduler):
    """Step several schedulers at once; each group's lr is the product of their factors.

    Equals ``torch.optim.lr_scheduler.ChainedScheduler`` for children whose torch update
    multiplies the lr by a factor of the step (``StepLR``, ``MultiStepLR``,
    ``ExponentialLR``, ``ConstantLR``, ``LinearLR``, ``PolynomialLR``, ``MultiplicativeLR``):
    torch's children each multiply the lr in the optimizer in turn, which for these is the
    initial lr times the product of their factors. lrlab's schedulers are closed forms of the
    step, each computing and writing its own lr; this class writes the product of their factors
    (each child's lr over its initial lr) after stepping them all. Any other child (cosine,
    cyclic, lambda, sequential, plateau: torch's updates that are not a factor, or that start
    from the lr in the optimizer) raises ``ValueError``: two lrlab schedulers stepping one
    optimizer do not compose, the last one to step writes its lr.

    Each child's ``get_last_lr()`` is its own lr, not torch's partial product.

    Args:
        schedulers: lrlab schedulers of the classes above, on the same optimizer, at least one.
        optimizer: that optimizer; ``None`` (default): the first scheduler's.

    Example:
        >>> import torch
        >>> from lrlab.schedulers import ConstantLR, ExponentialLR
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> warm = ConstantLR(opt, factor=0.1, total_iters=2)
        >>> decay = ExponentialLR(opt, gamma=0.5)
        >>> sched = ChainedScheduler([warm, decay], optimizer=opt)
        >>> lrs = [sched.get_last_lr()[0]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 12))
        >>> lrs
        [0.1, 0.05, 0.25, 0.125]
    """

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        children = list(schedulers)
        if not children:
            raise ValueError(f"schedulers must hold at least one scheduler, got {schedulers!r}")
        if optimizer is None:
            optimizer = getattr(children[0], "optimizer", None)
        check_optimizer(optimizer)
        names = ", ".join(cls.__name__ for cls in _CHAINABLE)
        for i, child in enumerate(children):
            if isinstance(child, ReduceLROnPlateau):
                raise ValueError(
                    f"schedulers[{i}] is a ReduceLROnPlateau, which ChainedScheduler cannot "
                    f"drive (its step needs a metric), got {child!r}"
                )
            if not isinstance(child, LRScheduler):
                raise ValueError(f"schedulers[{i}] must be an lrlab scheduler, got {child!r}")
            if not isinstance(child, _CHAINABLE):
                raise ValueError(
                    f"schedulers[{i}] is a {type(child).__name__}, which ChainedScheduler cannot "
                    "chain: lrlab's schedulers are closed forms of the step, each writing its "
                    "own lr, so only those whose torch update multiplies the lr by a factor "
                    f"({names}) compose as torch's chained updates do; got {child!r}"
                )
            if child.optimizer is not optimizer:
                raise ValueError(
                    f"schedulers[{i}] must be built on the same optimizer as ChainedScheduler, "
                    f"got {child!r} on {child.optimizer!r}"
                )
        self.optimizer = optimizer
        self._schedulers = children
        self._go([child.last_epoch for child in children])

    @property
    def last_epoch(self) -> int:
        """The last child's step (the children step together)."""
        return self._schedulers[-1].last_epoch

    @last_epoch.setter
    def last_epoch(self, step: int) -> None:
        for child in self._schedulers:
            child.last_epoch = step

    @property
    def base_lrs(self) -> list[Any]:
        """The initial lrs (the children share them)."""
        return self._schedulers[0].base_lrs

    def _product(self, steps: list[int]) -> list[float]:
        """Each group's lr when child ``i`` is at ``steps[i]``: the product of their factors."""
        lrs: list[float] = []
        for i, (child, step) in enumerate(zip(self._schedulers, steps)):
            own = child._lrs(step)
            if i == 0:
                lrs = [float(lr) for lr in own]
                continue
            lrs = [lr * (c / b if b else 0.0) for lr, c, b in zip(lrs, own, child._bases())]
        return lrs

    def _go(self, steps: list[int]) -> None:
        """Move child ``i`` to ``steps[i]`` and write the product of their factors."""
        lrs = self._product(steps)
        for child, step in zip(self._schedulers, steps):
            child._apply(step)
        for group, lr in zip(self.optimizer.param_groups, lrs):
            set_lr(group, lr)
        self._last_lr = group_lrs(self.optimizer)

    def _lrs(self, step: Any) -> list[float]:
        return self._product([step] * len(self._schedulers))

    def _apply(self, step: Any) -> None:
        self._go([step] * len(self._schedulers))

    def _undo(self) -> None:
        for child in self._schedulers:
            child._undo()

    def step(self) -> None:  # type: ignore[override]
        """Step every child once and write the product of their factors."""
        self._go([child._next_position() for child in self._schedulers])

    def get_lr(self) -> list[Any]:
        """The lrs of the current step: the product of the children's factors."""
        return self._product([child.last_epoch for child in self._schedulers])

    def state_dict(self) -> dict[str, Any]:
        """The lrs in force and every child's state dict (as torch's)."""
        return {
            "_last_lr": list(self._last_lr),
            "_schedulers": [child.state_dict() for child in self._schedulers],
        }

    def _load(self, state_dict: dict[str, Any]) -> None:
        require_keys(state_dict, ("_schedulers",))
        if len(state_dict["_schedulers"]) != len(self._schedulers):
            raise ValueError(
                f"state_dict holds {len(state_dict['_schedulers'])} schedulers, this "
                f"ChainedScheduler has {len(self._schedulers)}"
            )
        for child, saved in zip(self._schedulers, state_dict["_schedulers"]):
            child.load_state_dict(saved)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``: every child's, then the product of their factors."""
        self._load(state_dict)
        self._go([child.last_epoch for child in self._schedulers])
