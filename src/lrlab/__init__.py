"""lrlab: learning-rate schedules from scratch, proven equal to PyTorch and transformers.

``import lrlab`` needs NumPy alone: the pure schedules (:mod:`lrlab.schedules`) are imported
here, while the drop-in torch schedulers (:mod:`lrlab.schedulers`), the slider explorers
(:mod:`lrlab.widgets`), the grader (:mod:`lrlab.grading`) and the run planner (:mod:`lrlab.plan`,
a callable module: ``lrlab.plan(config)``) are imported the first time one of their names is
used, so the schedules also run where torch cannot.
"""

from __future__ import annotations

import importlib
from typing import Any

from .schedules import (
    SCHEDULES,
    constant_lr,
    constant_schedule_with_warmup,
    cosine_annealing_lr,
    cosine_annealing_warm_restarts,
    cosine_schedule_with_warmup,
    cosine_with_hard_restarts_schedule_with_warmup,
    cosine_with_min_lr_schedule_with_warmup,
    cosine_with_min_lr_schedule_with_warmup_lr_rate,
    cyclic_lr,
    cyclic_momentum,
    exponential_lr,
    greedy_lr,
    inverse_sqrt_schedule,
    lambda_lr,
    linear_lr,
    linear_schedule_with_warmup,
    multiplicative_lr,
    multistep_lr,
    one_cycle_lr,
    one_cycle_momentum,
    polynomial_decay_schedule_with_warmup,
    polynomial_lr,
    reduce_lr_on_plateau,
    sequential,
    step_lr,
    warmup_stable_decay,
)
from .seeding import seeds

__version__ = "0.1.0"

# Names served lazily from the modules that need torch (or ipywidgets): name -> module.
_LAZY = {
    name: "schedulers"
    for name in (
        "LRScheduler",
        "StepLR",
        "MultiStepLR",
        "ExponentialLR",
        "CosineAnnealingLR",
        "CosineAnnealingWarmRestarts",
        "ReduceLROnPlateau",
        "CyclesMomentum",
        "CyclicLR",
        "OneCycleLR",
        "LambdaLR",
        "SequentialLR",
        "LinearLR",
        "ConstantLR",
        "PolynomialLR",
        "MultiplicativeLR",
        "ChainedScheduler",
        "GreedyLR",
        "get_linear_schedule_with_warmup",
        "get_cosine_schedule_with_warmup",
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        "get_polynomial_decay_schedule_with_warmup",
        "get_constant_schedule",
        "get_constant_schedule_with_warmup",
        "get_inverse_sqrt_schedule",
        "get_wsd_schedule",
        "get_cosine_with_min_lr_schedule_with_warmup",
        "get_reduce_on_plateau_schedule",
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        "get_greedy_schedule",
        "get_scheduler",
    )
}
# The run planner: ``lrlab.plan`` is its module, which is callable (``lrlab.plan(config)``).
_LAZY["Plan"] = "plan"
_SUBMODULES = (
    "schedules",
    "schedulers",
    "widgets",
    "grading",
    "plotting",
    "training",
    "range_test",
    "seeding",
    "plan",
)

__all__ = [
    "SCHEDULES",
    "constant_lr",
    "constant_schedule_with_warmup",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts",
    "cosine_schedule_with_warmup",
    "cosine_with_hard_restarts_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "cyclic_lr",
    "cyclic_momentum",
    "exponential_lr",
    "greedy_lr",
    "inverse_sqrt_schedule",
    "lambda_lr",
    "linear_lr",
    "linear_schedule_with_warmup",
    "multiplicative_lr",
    "multistep_lr",
    "one_cycle_lr",
    "one_cycle_momentum",
    "plan",
    "polynomial_decay_schedule_with_warmup",
    "polynomial_lr",
    "reduce_lr_on_plateau",
    "seeds",
    "sequential",
    "step_lr",
    "warmup_stable_decay",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lrlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
