r"""Drop-in learning-rate schedulers for torch optimizers, computed from the pure schedules.

Each class here has the name and the constructor signature of its PyTorch namesake in
``torch.optim.lr_scheduler`` (2.13) and can be swapped for it in a training loop: after
construction and after every ``step()`` it gives the same ``get_last_lr()`` and writes the same
``param_groups[i]["lr"]`` (and ``momentum`` / ``betas[0]`` where it cycles momentum) into any
``torch.optim`` optimizer, with any number of parameter groups. The ``get_*`` factories equal
their namesakes in ``transformers.optimization``.

What differs is inside. A PyTorch scheduler keeps hidden state: most compute the next lr from the
one currently in the optimizer (the "chainable" form), and the constructor wraps
``optimizer.step``. Here every lr is a function of the step alone: the scheduler keeps the step
(``last_epoch``), the initial lrs (``base_lrs``) and its arguments, and asks the pure schedule of
:mod:`lrlab.schedules` for the lr, so the formula is written once (``MultiplicativeLR`` also
keeps its running product, so as to compute each factor once). ``ReduceLROnPlateau`` and
``GreedyLR`` are the exceptions: their lr depends on the metrics seen, and they keep ``best``,
``num_bad_epochs``, their counters and the lrs. Since each scheduler writes its own lr, two of
them stepping one optimizer do not compose (the last one to step wins); ``ChainedScheduler``
composes those whose torch update is a factor, by multiplying their factors.

The protocol is PyTorch's: ``step()``, ``get_last_lr()``, ``state_dict()`` /
``load_state_dict()``, ``last_epoch``, ``base_lrs``, the ``initial_lr`` key each scheduler
stores in the param groups, the ``optimizer`` attribute, and ``last_epoch=k`` in the constructor
to resume a run after step ``k``. A state dict holds plain Python numbers and lists (it passes
``torch.load(..., weights_only=True)``); loading it also writes the lrs of that step into the
optimizer, so a fresh scheduler on a fresh optimizer continues the run exactly.

Invalid arguments raise :class:`ValueError` naming the argument and its value when the scheduler
is built, including the cases where PyTorch only fails later with a ``ZeroDivisionError``.

Example:
    >>> import torch
    >>> from lrlab.schedulers import CosineAnnealingLR
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=1.0)
    >>> sched = CosineAnnealingLR(opt, T_max=4)
    >>> for _ in range(2):
    ...     opt.step()
    ...     sched.step()
    >>> sched.get_last_lr(), opt.param_groups[0]["lr"]
    ([0.5], 0.5)
"""

from __future__ import annotations

from lrlab.schedulers.base import LRScheduler
from lrlab.schedulers.compose import (
    ChainedScheduler,
    LambdaLR,
    MultiplicativeLR,
    SequentialLR,
)
from lrlab.schedulers.cyclic import CyclesMomentum, CyclicLR, OneCycleLR
from lrlab.schedulers.decay import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from lrlab.schedulers.factories import (
    get_constant_schedule,
    get_constant_schedule_with_warmup,
    get_cosine_schedule_with_warmup,
    get_cosine_with_hard_restarts_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    get_greedy_schedule,
    get_inverse_sqrt_schedule,
    get_linear_schedule_with_warmup,
    get_polynomial_decay_schedule_with_warmup,
    get_reduce_on_plateau_schedule,
    get_scheduler,
    get_wsd_schedule,
)
from lrlab.schedulers.plateau import GreedyLR, ReduceLROnPlateau

__all__ = [
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
    "ConstantLR",
    "LinearLR",
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
]
