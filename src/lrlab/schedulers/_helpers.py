"""Small helpers shared by the scheduler modules: the optimizer, its param groups, tensor lrs,
functions in a state, and PyTorch's misuse warnings (word for word) with the step post-hook that
tells when the optimizer has stepped.

Private to :mod:`lrlab.schedulers` (the names are plain because the modules of the package
share them).
"""

from __future__ import annotations

import copy
import types
import weakref
from collections.abc import Iterable
from typing import Any

import torch
from torch.optim import Optimizer

__all__ = [
    "EPOCH_DEPRECATION_WARNING",
    "GET_LR_WARNING",
    "STEP_ORDER_WARNING",
    "function_state",
    "restore_function_state",
    "track_optimizer_steps",
    "check_optimizer",
    "copy_lr",
    "group_lrs",
    "per_group",
    "require_keys",
    "scalar",
    "set_lr",
]


def check_optimizer(optimizer: Any) -> None:
    """Raise ``ValueError`` unless ``optimizer`` is a ``torch.optim.Optimizer``."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be a torch.optim.Optimizer, got {optimizer!r}")


def scalar(value: Any) -> Any:
    """A tensor as a Python number; anything else as it is (the schedules validate it)."""
    return value.item() if isinstance(value, torch.Tensor) else value


def copy_lr(value: Any) -> Any:
    """A copy that does not alias a tensor lr (as PyTorch's schedulers return them)."""
    return value.clone() if isinstance(value, torch.Tensor) else value


def per_group(name: str, value: Any, optimizer: Optimizer) -> list[Any]:
    """One value per param group: a list / tuple of the right length, or a scalar repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{name} must have one value per param group ({n}), got {len(value)}: {value!r}"
            )
        return [copy_lr(v) for v in value]
    return [copy_lr(value)] * n


def set_lr(group: dict[str, Any], lr: float) -> None:
    """Write ``lr`` into a param group, in place when the group's lr is a tensor."""
    if isinstance(group["lr"], torch.Tensor):
        group["lr"].fill_(lr)
    else:
        group["lr"] = lr


def group_lrs(optimizer: Optimizer) -> list[Any]:
    """The lr of each param group (copies of tensor lrs)."""
    return [copy_lr(group["lr"]) for group in optimizer.param_groups]


def require_keys(state_dict: dict[str, Any], keys: Iterable[str]) -> None:
    """Raise ``ValueError`` naming the ``keys`` that ``state_dict`` lacks, if any."""
    missing = [key for key in keys if key not in state_dict]
    if missing:
        raise ValueError(f"state_dict lacks {missing!r}, got keys {sorted(state_dict)!r}")


#: PyTorch's warnings for misuse, word for word (``torch.optim.lr_scheduler``, 2.13).
EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)
STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate schedule. "
    "See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
GET_LR_WARNING = (
    "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."
)

_TRACKED: weakref.WeakSet = weakref.WeakSet()


def _mark_step(optimizer: Optimizer, args: Any, kwargs: Any) -> None:
    optimizer._opt_called = True  # the flag PyTorch's schedulers read too


def track_optimizer_steps(optimizer: Optimizer) -> None:
    """Note, on the optimizer, that its ``step()`` ran: ``optimizer._opt_called = True``.

    PyTorch's schedulers replace ``optimizer.step`` by a wrapper that sets this flag; here a
    step post-hook (``Optimizer.register_step_post_hook``, PyTorch's public API) sets it, once
    per optimizer, so the method stays the optimizer's own.
    """
    if optimizer not in _TRACKED:
        optimizer.register_step_post_hook(_mark_step)
        _TRACKED.add(optimizer)


def function_state(value: Any) -> Any:
    """What PyTorch saves of a function (or a list of them): ``None`` for a plain function or
    lambda, the attributes (``__dict__``) of a callable object."""
    if isinstance(value, list):
        return [function_state(fn) for fn in value]
    if value is None or isinstance(value, types.FunctionType):
        return None
    return copy.deepcopy(value.__dict__)


def restore_function_state(value: Any, saved: Any) -> None:
    """Give the callable objects in ``value`` the attributes saved by ``function_state``."""
    if isinstance(value, list):
        for fn, state in zip(value, saved or ()):
            restore_function_state(fn, state)
    elif saved is not None and value is not None:
        value.__dict__.update(saved)
