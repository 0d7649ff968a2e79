"""Schedulers built from other pieces: ``LambdaLR`` (a function of the step), ``SequentialLR``
(schedulers end to end, each on its local step), ``MultiplicativeLR`` (the running product of a
function of the step) and ``ChainedScheduler`` (the product of its children's factors).
"""

from __future__ import annotations

import copy
import math
import warnings
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from torch.optim import Optimizer

from lrlab import schedules
from lrlab._checks import check_int, check_int_list
from lrlab.schedulers._helpers import (
    GET_LR_WARNING,
    check_optimizer,
    copy_lr,
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


def _lr_lambdas(lr_lambda: Any, optimizer: Optimizer) -> list[Callable[[int], float]]:
    """One function of the step per param group (``LambdaLR``'s and ``MultiplicativeLR``'s)."""
    check_optimizer(optimizer)
    lambdas = per_group("lr_lambda", lr_lambda, optimizer)
    for fn in lambdas:
        if not callable(fn):
            raise ValueError(f"lr_lambda must be a function of the step, got {fn!r}")
    return lambdas


def _children(owner: str, schedulers: Any, optimizer: Optimizer) -> list[LRScheduler]:
    """The schedulers that ``owner`` (``SequentialLR``, ``ChainedScheduler``) drives: at least
    one, lrlab's, stepped without a metric, on ``optimizer``."""
    children = list(schedulers)
    if not children:
        raise ValueError(f"schedulers must hold at least one scheduler, got {schedulers!r}")
    for i, child in enumerate(children):
        if isinstance(child, ReduceLROnPlateau):
            raise ValueError(
                f"schedulers[{i}] is a ReduceLROnPlateau, which {owner} cannot drive (its step "
                f"needs a metric), got {child!r}"
            )
        if not isinstance(child, LRScheduler):
            raise ValueError(f"schedulers[{i}] must be an lrlab scheduler, got {child!r}")
        if child.optimizer is not optimizer:
            raise ValueError(
                f"schedulers[{i}] must be built on the same optimizer as {owner}, got "
                f"{child!r} on {child.optimizer!r}"
            )
    return children


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
        self.lr_lambdas = _lr_lambdas(lr_lambda, optimizer)
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
        children = _children("SequentialLR", schedulers, optimizer)
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


class MultiplicativeLR(LRScheduler):
    """Multiply each group's lr, at every step, by a function of the step.

    Equals ``torch.optim.lr_scheduler.MultiplicativeLR``: the lr at step ``t`` is the initial lr
    times ``lr_lambda(1) * ... * lr_lambda(t)``, :func:`lrlab.schedules.multiplicative_lr`. The
    products so far are kept (:func:`lrlab.schedules.multiplicative_run` extends them one step
    at a time), so each factor is computed once, as torch computes it. The state is torch's:
    ``state_dict()`` keeps the attributes of a callable-object ``lr_lambda`` (``None`` for a
    plain function or lambda), as ``LambdaLR``'s does; after a load the products are computed
    again from step 1 with the loaded functions.

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

    _function_keys = ("lr_lambdas",)
    #: The running products are lrlab's cache of the lrs, not part of torch's state.
    _unsaved = ("optimizer", "_runs")

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.lr_lambdas = _lr_lambdas(lr_lambda, optimizer)
        self._runs: list[tuple[int, float, float]] = []  # per group: (step, its lr, base lr)
        super().__init__(optimizer, last_epoch)

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

    def _restore(self, state: dict[str, Any]) -> None:
        self._runs = []  # the loaded lr_lambdas may compute other factors


def _like_groups(optimizer: Optimizer, lrs: list[float]) -> list[Any]:
    """``lrs`` as ``get_last_lr()`` gives them: a tensor where the group's lr is one."""
    out = []
    for group, lr in zip(optimizer.param_groups, lrs):
        holder = {"lr": copy_lr(group["lr"])}
        set_lr(holder, lr)
        out.append(holder["lr"])
    return out


# The schedulers whose torch update multiplies the lr in the optimizer by a factor of the step,
# so that torch's ChainedScheduler of them multiplies their factors (a ChainedScheduler of them
# is one too).
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
    ``ExponentialLR``, ``ConstantLR``, ``LinearLR``, ``PolynomialLR``, ``MultiplicativeLR``,
    and a ``ChainedScheduler`` of them): torch's children each multiply the lr in the optimizer
    in turn, which for these is the initial lr times the product of their factors. lrlab's
    schedulers are closed forms of the step, each computing and writing its own lr; this class
    writes the product of their factors (each child's lr over its initial lr) after stepping
    them all. Any other child (cosine, cyclic, lambda, sequential, plateau: torch's updates that
    are not a factor, or that start from the lr in the optimizer) raises ``ValueError``: two
    lrlab schedulers stepping one optimizer do not compose, the last one to step writes its lr.

    As in torch, ``state_dict()`` holds ``_last_lr`` and each child's state under
    ``_schedulers``, so a checkpoint of either library loads into the other's; each child
    counts its steps and warns as torch's children do, and its ``get_last_lr()`` is torch's:
    the lrs after its step in the chain (the product of the factors up to it).

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

    #: ``_cached``: each child's factors after the last step (lrlab's, not in torch's state).
    _unsaved = ("optimizer", "_schedulers", "_cached")
    _required_keys = ("_schedulers",)

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        children = list(schedulers)
        if optimizer is None and children:
            optimizer = getattr(children[0], "optimizer", None)
        if children:  # else _children says that there is none
            check_optimizer(optimizer)
        children = _children("ChainedScheduler", children, optimizer)
        names = ", ".join(cls.__name__ for cls in (*_CHAINABLE, ChainedScheduler))
        for i, child in enumerate(children):
            if not isinstance(child, (*_CHAINABLE, ChainedScheduler)):
                raise ValueError(
                    f"schedulers[{i}] is a {type(child).__name__}, which ChainedScheduler cannot "
                    "chain: lrlab's schedulers are closed forms of the step, each writing its "
                    "own lr, so only those whose torch update multiplies the lr by a factor "
                    f"({names}) compose as torch's chained updates do; got {child!r}"
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

    def _product(self, steps: list[Any]) -> list[float]:
        """Each group's lr when child ``i`` is at ``steps[i]``: the product of their factors."""
        lrs: list[float] = []
        for i, (child, step) in enumerate(zip(self._schedulers, steps)):
            own = child._lrs(step)
            if i == 0:
                lrs = [float(lr) for lr in own]
                continue
            lrs = [lr * (c / b if b else 0.0) for lr, c, b in zip(lrs, own, child._bases())]
        return lrs

    def _go(
        self,
        steps: list[Any],
        before_write: Callable[[], None] | None = None,
        before: list[list[float]] | None = None,
    ) -> None:
        """Move child ``i`` to ``steps[i]`` and write the product of their factors (calling
        ``before_write()`` first, once they are known to be valid). ``before``: each leaf's
        factors before this move, for the children's ``_last_lr`` (``None``: none yet)."""
        lrs = self._product(steps)
        if before_write is not None:
            before_write()
        for child, step in zip(self._schedulers, steps):
            child._apply(step)
        for group, lr in zip(self.optimizer.param_groups, lrs):
            set_lr(group, lr)
        self._last_lr = group_lrs(self.optimizer)
        self._share(before)

    def _leaves(self) -> list[LRScheduler]:
        """The children, with a nested ChainedScheduler's in its place, in stepping order."""
        out: list[LRScheduler] = []
        for child in self._schedulers:
            out.extend(child._leaves() if isinstance(child, ChainedScheduler) else [child])
        return out

    def _factors(self, steps: list[Any] | None = None) -> list[list[float]]:
        """Each leaf's factor per group (its lr over its initial lr) at ``steps`` (default:
        where each is)."""
        leaves = self._leaves()
        steps = [leaf.last_epoch for leaf in leaves] if steps is None else steps
        return [
            [c / b if b else 0.0 for c, b in zip(leaf._lrs(step), leaf._bases())]
            for leaf, step in zip(leaves, steps)
        ]

    def _share(self, before: list[list[float]] | None) -> None:
        """Give each child torch's ``_last_lr``: the lrs in the optimizer right after it
        stepped, when the children before it have their new factors and those after it still
        their ``before`` ones (none, at construction: they did not exist yet)."""
        leaves, bases = self._leaves(), self._bases()
        after = self._factors()
        before = before or [[1.0] * len(bases) for _ in leaves]
        for i, leaf in enumerate(leaves):
            lrs = []
            for g, base in enumerate(bases):
                lr = base
                for factors in after[: i + 1] + before[i + 1 :]:
                    lr *= factors[g]
                lrs.append(lr)
            leaf._last_lr = _like_groups(self.optimizer, lrs)
        for child in self._schedulers:
            if isinstance(child, ChainedScheduler):
                child._sync_last_lr()
        self._cached = after

    def _sync_last_lr(self) -> None:
        """A nested chain's ``_last_lr`` is its last child's (as after its step in torch)."""
        for child in self._schedulers:
            if isinstance(child, ChainedScheduler):
                child._sync_last_lr()
        self._last_lr = list(self._schedulers[-1]._last_lr)

    def _lrs(self, step: Any) -> list[float]:
        return self._product([step] * len(self._schedulers))

    def _apply(self, step: Any, before_write: Callable[[], None] | None = None) -> None:
        self._go([step] * len(self._schedulers), before_write)

    def _undo(self) -> None:
        for child in self._schedulers:
            child._undo()

    def _reset_count(self) -> None:
        for child in self._schedulers:
            child._reset_count()

    def _count_step(self, stacklevel: int = 3) -> None:
        """Each child counts the step, and warns, as torch's children do."""
        for child in self._schedulers:
            child._count_step(stacklevel + 1)

    def step(self) -> None:  # type: ignore[override]
        """Step every child once and write the product of their factors."""
        steps = [child._next_position() for child in self._schedulers]
        self._go(steps, lambda: self._count_step(stacklevel=6), self._cached)

    def get_lr(self) -> list[Any]:
        """The lrs of the current step, the product of the children's factors (torch's
        ``ChainedScheduler.get_lr()`` raises ``NotImplementedError``); warns as ``get_lr()``
        does, that ``get_last_lr()`` is the method to read the lrs."""
        warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        return self._product([child.last_epoch for child in self._schedulers])

    def state_dict(self) -> dict[str, Any]:
        """Torch's: the lrs in force (``_last_lr``) and every child's state (``_schedulers``)."""
        state = super().state_dict()
        state["_schedulers"] = [child.state_dict() for child in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (this library's or torch's, with children of the same
        classes): every child's state, then the product of their factors. An invalid state
        raises ``ValueError`` and leaves every child as it was."""
        require_keys(state_dict, self._required_keys)
        saved = state_dict["_schedulers"]
        if len(saved) != len(self._schedulers):
            raise ValueError(
                f"state_dict holds {len(saved)} schedulers, this ChainedScheduler has "
                f"{len(self._schedulers)}"
            )
        before = [child.state_dict() for child in self._schedulers]
        try:
            for child, child_state in zip(self._schedulers, saved):
                child.load_state_dict(child_state)
        except Exception:
            for child, child_state in zip(self._schedulers, before):
                child.load_state_dict(child_state)
            self._resume()
            raise
        self._resume()

    def _resume(self) -> None:
        """After a load: write the product of the children's factors; each child's
        ``_last_lr`` as if the run had stepped there (the factors of the step before)."""
        steps = [leaf.last_epoch for leaf in self._leaves()]
        previous = None
        if all(step >= 1 for step in steps):
            previous = self._factors([step - 1 for step in steps])
        self._go([child.last_epoch for child in self._schedulers], before=previous)
