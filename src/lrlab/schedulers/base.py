"""The protocol of the drop-in schedulers: :class:`LRScheduler`, PyTorch's interface (``step()``,
``get_last_lr()``, ``state_dict()``, ``last_epoch``, ...) over a closed form of the step.

Every scheduler of :mod:`lrlab.schedulers` derives from it. Its state is PyTorch's: the
constructor's arguments are attributes under PyTorch's names, and ``state_dict()`` is the
instance's ``__dict__`` but the optimizer and the functions, as in ``torch.optim.lr_scheduler``,
so a checkpoint written by either library loads into the other's class of the same name.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

from torch.optim import Optimizer

from lrlab._checks import check_int, check_lr
from lrlab.schedulers._helpers import (
    EPOCH_DEPRECATION_WARNING,
    GET_LR_WARNING,
    STEP_ORDER_WARNING,
    check_optimizer,
    copy_lr,
    function_state,
    group_lrs,
    require_keys,
    restore_function_state,
    scalar,
    set_lr,
    track_optimizer_steps,
)

__all__ = ["LRScheduler"]


class LRScheduler:
    """Base of the drop-in schedulers: PyTorch's protocol over a closed form of the step.

    A subclass stores its constructor's arguments as attributes under PyTorch's names, then
    calls this constructor; it defines ``_lrs(step)`` (one lr per param group, from a pure
    schedule) and, if it cycles momentum, ``_momenta(step)``. ``step()`` advances
    ``last_epoch`` by one and writes ``_lrs(last_epoch)`` into the optimizer; nothing depends on
    the lr the optimizer held before.

    The state is PyTorch's: ``state_dict()`` holds every attribute but the optimizer (and the
    names in ``_unsaved``); the attributes named in ``_function_keys`` hold functions, saved as
    PyTorch saves them (``_helpers.function_state``). ``load_state_dict()`` puts the attributes back,
    calls ``_restore(state)`` (where a subclass derives what a PyTorch checkpoint lacks), and
    writes that step's lrs into the optimizer. A new subclass gets all of it for free when its
    arguments are attributes with PyTorch's names.

    As in PyTorch, ``step()`` warns (``UserWarning``) when the scheduler's first step comes
    before any ``optimizer.step()``, and when it is given the deprecated ``epoch``.

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

    #: Attributes holding a function or a list of functions (saved as PyTorch saves them).
    _function_keys: tuple[str, ...] = ()
    #: Attributes left out of ``state_dict()``.
    _unsaved: tuple[str, ...] = ("optimizer",)
    #: Keys without which a dict is not a state of this scheduler.
    _required_keys: tuple[str, ...] = ("last_epoch", "base_lrs")
    #: Whether ``step()`` counts itself in ``_step_count`` and warns about its order (PyTorch's
    #: ``CosineAnnealingWarmRestarts`` does neither).
    _counts_steps = True

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
        # PyTorch's two flags, False outside its own step(); kept so the state has its keys.
        self._is_initial = False
        self._get_lr_called_within_step = False
        # The first evaluation of the schedule validates the arguments, before any change.
        self._apply(self._next_position())
        self._reset_count()
        if initial is not None:
            for group, lr in zip(groups, initial):
                group["initial_lr"] = copy_lr(lr)
            self._write_group_keys()
        track_optimizer_steps(optimizer)

    # -- what subclasses define ---------------------------------------------------------------

    def _lrs(self, step: Any) -> list[float]:
        raise NotImplementedError

    def _momenta(self, step: Any) -> list[float] | None:
        return None

    def _write_group_keys(self) -> None:
        """Write the param-group keys PyTorch's class writes (``max_lr``, ``max_momentum``, ...),
        besides ``initial_lr``; called when a run starts and when a state is loaded."""

    def _restore(self, state: dict[str, Any]) -> None:
        """After ``load_state_dict`` put ``state`` into the attributes: derive what it lacks
        (a PyTorch checkpoint has only PyTorch's attributes)."""

    # -- the protocol ---------------------------------------------------------------------------

    def _bases(self) -> list[float]:
        return [float(lr) for lr in self.base_lrs]

    def _position(self) -> Any:
        """The step the current lrs belong to."""
        return self.last_epoch

    def _next_position(self) -> Any:
        return self.last_epoch + 1

    def _apply(self, step: Any, before_write: Callable[[], None] | None = None) -> None:
        """Go to ``step``: compute the lrs (and momenta) first, then (``before_write()``, if
        given, once they are known to be valid) write them."""
        lrs = self._lrs(step)
        if len(lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"the optimizer has {len(self.optimizer.param_groups)} param groups but "
                f"{type(self).__name__} was built for {len(lrs)}: add every param group before "
                "building the scheduler"
            )
        momenta = self._momenta(step)
        if before_write is not None:
            before_write()
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

    def _reset_count(self) -> None:
        """``_step_count`` after the constructor's step: 1 (0 where steps are not counted)."""
        self._step_count = 1 if self._counts_steps else 0

    def _count_step(self, stacklevel: int = 3) -> None:
        """Count a ``step()``; at the first after the constructor's, warn as PyTorch does if
        the optimizer has not stepped yet (the lr of step 0 would never be used).
        ``stacklevel`` points the warning at the caller of ``step()``."""
        if not self._counts_steps:
            return
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(STEP_ORDER_WARNING, UserWarning, stacklevel=stacklevel)
        self._step_count += 1

    def step(self, epoch: int | None = None) -> None:
        """Advance one step and write the new lrs into the optimizer.

        Args:
            epoch: deprecated in PyTorch (and warned about, as there); if given, jump to this
                step instead (the closed form, as PyTorch's ``step(epoch)`` uses).
        """

        def count() -> None:  # called by _apply once the new lrs are known to be valid
            self._count_step(stacklevel=5)
            if epoch is not None:
                warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=4)

        self._apply(self._next_position() if epoch is None else epoch, count)

    def get_last_lr(self) -> list[Any]:
        """The lrs of the param groups after the last ``step()`` (copies)."""
        return list(self._last_lr)

    def get_lr(self) -> list[Any]:
        """The lrs of the current step, from the closed form.

        PyTorch's ``get_lr()`` is what its ``step()`` calls to compute the *next* lrs; called
        from outside it warns, as here, that ``get_last_lr()`` is the method to read the lrs.
        """
        warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        return self._lrs(self._position())

    def state_dict(self) -> dict[str, Any]:
        """The state, as PyTorch's: every attribute but the optimizer; functions saved as
        ``None`` (plain functions, lambdas) or their attributes (callable objects). Plain
        Python values, lists and dicts: it passes ``torch.load(..., weights_only=True)``."""
        state = {
            key: copy.deepcopy(value)
            for key, value in self.__dict__.items()
            if key not in self._unsaved and key not in self._function_keys
        }
        for key in self._function_keys:
            if key in self.__dict__:
                state[key] = function_state(self.__dict__[key])
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (this library's or PyTorch's, for the class of the same
        name): its attributes replace the ones the scheduler was built with, so the run goes
        on as the saved one did; that step's lrs (and momenta) are written into the optimizer.
        An invalid state raises ``ValueError`` and leaves the scheduler as it was."""
        require_keys(state_dict, self._required_keys)
        state = copy.deepcopy(dict(state_dict))
        functions = {key: state.pop(key) for key in self._function_keys if key in state}
        before = dict(self.__dict__)
        self.__dict__.update(state)
        try:
            for key, saved in functions.items():
                restore_function_state(getattr(self, key), saved)
            self._restore(state)
            self._resume()
        except Exception:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _resume(self) -> None:
        """Write the loaded step's lrs (and the param-group keys) into the optimizer."""
        if self.last_epoch >= 0:
            self._apply(self._position())
            self._write_group_keys()
