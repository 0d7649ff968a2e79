"""The schedules by name, and what the explorers need to know about their parameters.

Metadata lives here, beside the schedules, and the layers above import it: the choice lists are
the very tuples the schedules validate with (:data:`CHOICES`), each cycling lr schedule names the
momentum curve its torch scheduler cycles with it (:data:`MOMENTUM_PARTNERS`), and the parameter
lists and ranges say which parameters count steps or epochs, which are lr floors or momenta, and
over which values the slider explorers (:mod:`lrlab.widgets`) move them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from lrlab.schedules.compose import multiplicative_lr
from lrlab.schedules.cyclic import (
    ANNEAL_STRATEGIES,
    CYCLIC_MODES,
    cyclic_lr,
    cyclic_momentum,
    one_cycle_lr,
    one_cycle_momentum,
)
from lrlab.schedules.decay import (
    constant_lr,
    cosine_annealing_lr,
    cosine_annealing_warm_restarts,
    exponential_lr,
    linear_lr,
    multistep_lr,
    polynomial_lr,
    step_lr,
)
from lrlab.schedules.plateau import (
    PLATEAU_MODES,
    THRESHOLD_MODES,
    greedy_lr,
    reduce_lr_on_plateau,
)
from lrlab.schedules.warmup import (
    WSD_SHAPES,
    constant_schedule_with_warmup,
    cosine_schedule_with_warmup,
    cosine_with_hard_restarts_schedule_with_warmup,
    cosine_with_min_lr_schedule_with_warmup,
    cosine_with_min_lr_schedule_with_warmup_lr_rate,
    inverse_sqrt_schedule,
    linear_schedule_with_warmup,
    polynomial_decay_schedule_with_warmup,
    warmup_stable_decay,
)

__all__ = [
    "SCHEDULES",
    "DROP_INS",
    "MOMENTUM_PARTNERS",
    "momentum_partner",
    "CHOICES",
    "STEP_COUNTS",
    "EPOCH_COUNTS",
    "LR_FLOORS",
    "LR_FLOOR_RANGE",
    "MOMENTA",
    "MOMENTUM_RANGE",
    "RANGES",
    "DROPDOWNS",
    "FIXED",
    "SEQUENCE_PARAMS",
    "StepFactor",
    "FUNCTION_CHOICES",
    "METRIC_INPUT",
]

SCHEDULES: dict[str, Callable[..., Any]] = {
    fn.__name__: fn
    for fn in (
        step_lr,
        multistep_lr,
        exponential_lr,
        cosine_annealing_lr,
        cosine_annealing_warm_restarts,
        constant_lr,
        linear_lr,
        polynomial_lr,
        multiplicative_lr,
        reduce_lr_on_plateau,
        greedy_lr,
        linear_schedule_with_warmup,
        cosine_schedule_with_warmup,
        cosine_with_hard_restarts_schedule_with_warmup,
        cosine_with_min_lr_schedule_with_warmup,
        cosine_with_min_lr_schedule_with_warmup_lr_rate,
        polynomial_decay_schedule_with_warmup,
        constant_schedule_with_warmup,
        inverse_sqrt_schedule,
        warmup_stable_decay,
        cyclic_lr,
        cyclic_momentum,
        one_cycle_lr,
        one_cycle_momentum,
    )
}
"""Every schedule by name (the momentum curves included)."""

#: schedule -> the name, in ``lrlab``, of the drop-in scheduler or factory that drives an
#: optimizer with it (a string: the schedulers sit in a layer above and import the schedules).
DROP_INS: dict[str, str] = {
    "step_lr": "StepLR",
    "multistep_lr": "MultiStepLR",
    "exponential_lr": "ExponentialLR",
    "cosine_annealing_lr": "CosineAnnealingLR",
    "cosine_annealing_warm_restarts": "CosineAnnealingWarmRestarts",
    "constant_lr": "ConstantLR",
    "linear_lr": "LinearLR",
    "polynomial_lr": "PolynomialLR",
    "multiplicative_lr": "MultiplicativeLR",
    "reduce_lr_on_plateau": "ReduceLROnPlateau",
    "greedy_lr": "GreedyLR",
    "linear_schedule_with_warmup": "get_linear_schedule_with_warmup",
    "cosine_schedule_with_warmup": "get_cosine_schedule_with_warmup",
    "cosine_with_hard_restarts_schedule_with_warmup": (
        "get_cosine_with_hard_restarts_schedule_with_warmup"
    ),
    "cosine_with_min_lr_schedule_with_warmup": "get_cosine_with_min_lr_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup_lr_rate": (
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"
    ),
    "polynomial_decay_schedule_with_warmup": "get_polynomial_decay_schedule_with_warmup",
    "constant_schedule_with_warmup": "get_constant_schedule_with_warmup",
    "inverse_sqrt_schedule": "get_inverse_sqrt_schedule",
    "warmup_stable_decay": "get_wsd_schedule",
    "cyclic_lr": "CyclicLR",
    "cyclic_momentum": "CyclicLR",
    "one_cycle_lr": "OneCycleLR",
    "one_cycle_momentum": "OneCycleLR",
}

#: lr schedule -> the momentum schedule its torch scheduler cycles with it (both in
#: :data:`SCHEDULES`).
MOMENTUM_PARTNERS: dict[str, str] = {
    "cyclic_lr": "cyclic_momentum",
    "one_cycle_lr": "one_cycle_momentum",
}


def momentum_partner(schedule: Callable) -> Callable | None:
    """The momentum schedule that cycles with the lr ``schedule``, or ``None`` if it has none.

    A ``functools.partial`` of a schedule has its schedule's partner. Only the registered
    schedules have one (a function of another module that happens to be called ``cyclic_lr``
    has none).

    Example:
        >>> momentum_partner(functools.partial(cyclic_lr, step_size_up=25)) is cyclic_momentum
        True
        >>> momentum_partner(step_lr) is None
        True
    """
    while isinstance(schedule, functools.partial):  # partial(cyclic_lr, ...) still cycles momentum
        schedule = schedule.func
    name = getattr(schedule, "__name__", "")
    if name not in MOMENTUM_PARTNERS or SCHEDULES.get(name) is not schedule:
        return None
    return SCHEDULES[MOMENTUM_PARTNERS[name]]


#: parameter name -> the lists of values it takes, one list per schedule that has the parameter
#: (``mode`` is CyclicLR's, or ReduceLROnPlateau's and GreedyLR's); the same tuples the schedules
#: validate with.
CHOICES: dict[str, tuple[tuple[str, ...], ...]] = {
    "mode": (CYCLIC_MODES, PLATEAU_MODES),
    "anneal_strategy": (ANNEAL_STRATEGIES,),
    "threshold_mode": (THRESHOLD_MODES,),
    "decay_type": (WSD_SHAPES,),
    "warmup_type": (WSD_SHAPES,),
}

#: The parameters that count steps, name -> (the explorer's initial value as a function of the
#: number of steps drawn ``n``, the least value worth offering: below it a schedule raises, or,
#: where torch / transformers accept it, gives the same lrs, as ``total_iters=-1`` does).
#:
#: :meta hide-value:
STEP_COUNTS: dict[str, tuple[Callable[[int], int], int]] = {
    "T_max": (lambda n: n, 1),
    "T_0": (lambda n: n // 4, 1),
    "step_size": (lambda n: n // 4, 1),
    "step_size_up": (lambda n: n // 8, 1),
    "num_warmup_steps": (lambda n: n // 10, 0),
    "num_training_steps": (lambda n: n, 1),
    "num_stable_steps": (lambda n: n // 2, 0),
    "num_decay_steps": (lambda n: 2 * n // 5, 0),
    "total_iters": (lambda n: n // 10, 0),
}
#: Parameters that count epochs (metrics) of ReduceLROnPlateau and GreedyLR.
EPOCH_COUNTS = ("patience", "cooldown", "warmup")
#: Parameters that are an lr floor.
LR_FLOORS = ("eta_min", "min_lr", "lr_end")
#: The explorer's slider range ``(lo, hi)`` for an lr floor.
LR_FLOOR_RANGE = (0.0, 0.05)
#: Parameters that are a momentum (the cyclic and one-cycle momentum curves).
MOMENTA = ("base_momentum", "max_momentum")
#: The explorer's slider range ``(lo, hi)`` for a momentum.
MOMENTUM_RANGE = (0.5, 1.0)
#: The explorer's slider range ``(lo, hi)`` of each number with a default that has one.
RANGES: dict[str, tuple[float, float]] = {
    "factor": (0.05, 0.95),
    "pct_start": (0.05, 0.95),
    "min_lr_ratio": (0.0, 1.0),
    "min_lr_rate": (0.0, 1.0),
    "div_factor": (1.0, 100.0),
    "power": (0.5, 3.0),
    "T_mult": (1, 4),
    "start_factor": (0.05, 1.0),
    "end_factor": (0.0, 1.0),
    "window_size": (1, 100),
}
#: The explorer's dropdown options of each number with a default that has them.
DROPDOWNS: dict[str, tuple[float, ...]] = {
    "final_div_factor": (1e2, 1e3, 1e4, 1e5),
    "threshold": (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1),
}
#: Parameters the explorers keep fixed (``total_steps`` at the number of steps drawn).
FIXED = ("eps", "timescale", "total_steps", "reset_start")
#: Parameters that take a list of steps.
SEQUENCE_PARAMS = ("milestones",)


class StepFactor:
    """A factor of the step for the explorers' ``lr_lambda``: ``gamma`` at every ``every``-th
    step, 1 at the others. It takes an array of steps, and reads as the lambda it stands for.

    Example:
        >>> StepFactor(0.5, every=30)
        lambda k: 0.5 if k % 30 == 0 else 1.0
        >>> multiplicative_lr([0, 29, 30, 60], 1.0, StepFactor(0.5, every=30))
        array([1.  , 1.  , 0.5 , 0.25])
    """

    def __init__(self, gamma: float, every: int = 1) -> None:
        self.gamma = gamma
        self.every = every

    def __call__(self, step: Any) -> np.ndarray:
        return np.where(np.mod(step, self.every) == 0, self.gamma, 1.0)

    def __repr__(self) -> str:
        if self.every == 1:
            return f"lambda k: {self.gamma!r}"
        return f"lambda k: {self.gamma!r} if k % {self.every} == 0 else 1.0"


#: Parameters that take a function, name -> the explorers' dropdown of functions
#: (``multiplicative_lr``'s factor of the step; the first, torch's documented example).
FUNCTION_CHOICES: dict[str, tuple[Callable, ...]] = {
    "lr_lambda": (StepFactor(0.95), StepFactor(0.99), StepFactor(0.9), StepFactor(0.5, every=30)),
}
#: The first parameter of a schedule fed metrics instead of steps (``reduce_lr_on_plateau``,
#: ``greedy_lr``).
METRIC_INPUT = "metrics"
