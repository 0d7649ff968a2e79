"""The protocol of the drop-in schedulers: :class:`LRScheduler`, PyTorch's interface (``step()``,
``get_last_lr()``, ``state_dict()``, ``last_epoch``, ...) over a closed form of the step.

Every scheduler of :mod:`lrlab.schedulers` derives from it.
"""

from __future__ import annotations

from typing import Any

from torch.optim import Optimizer

from lrlab._checks import check_int, check_lr
from lrlab.schedulers._helpers import (
    check_optimizer,
    copy_lr,
    group_lrs,
    require_keys,
    scalar,
    set_lr,
)

__all__ = ["LRScheduler"]


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
        check_optimizer(optimizer)
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
            check_lr(lr_name.format(i), scalar(lr))
        self.optimizer = optimizer
        self.base_lrs = [copy_lr(lr) for lr in base_lrs]
        self.last_epoch = last_epoch
        # The first evaluation of the schedule validates the arguments, before any change.
        self._apply(self._next_position())
        if initial is not None:
            for group, lr in zip(groups, initial):
                group["initial_lr"] = copy_lr(lr)

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
            set_lr(group, lr)
        if momenta is not None:
            key = "betas" if self.use_beta1 else "momentum"
            for group, momentum in zip(self.optimizer.param_groups, momenta):
                group[key] = (momentum, *group["betas"][1:]) if self.use_beta1 else momentum
        self._last_lr = group_lrs(self.optimizer)

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
        return {"last_epoch": self.last_epoch, "base_lrs": [copy_lr(lr) for lr in self.base_lrs]}

    def _load(self, state_dict: dict[str, Any]) -> None:
        require_keys(state_dict, ("last_epoch", "base_lrs"))
        self.last_epoch = state_dict["last_epoch"]
        self.base_lrs = [copy_lr(lr) for lr in state_dict["base_lrs"]]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` and write that step's lrs (and momenta) into the optimizer."""
        self._load(state_dict)
        if self.last_epoch >= 0:
            self._apply(self._position())
