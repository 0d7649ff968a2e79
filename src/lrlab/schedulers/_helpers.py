"""Small helpers shared by the scheduler modules: the optimizer, its param groups, tensor lrs.

Private to :mod:`lrlab.schedulers` (the names are plain because the modules of the package
share them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch.optim import Optimizer

__all__ = [
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
