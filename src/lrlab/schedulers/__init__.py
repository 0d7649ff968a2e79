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

The protocol and the state are PyTorch's: ``step()``, ``get_last_lr()``, ``state_dict()`` /
``load_state_dict()``, ``last_epoch``, ``base_lrs``, ``_step_count``, the arguments as
attributes under PyTorch's names (``T_cur`` and ``T_i`` of warm restarts kept up to date), the
param-group keys PyTorch writes (``initial_lr``; ``max_lr``, ``min_lr``, ``max_momentum``,
``base_momentum`` for ``OneCycleLR``; the momenta for ``CyclicLR``), the ``optimizer``
attribute, and ``last_epoch=k`` in the constructor to resume a run after step ``k``.
``state_dict()`` is, as in PyTorch, every attribute but the optimizer, with functions saved as
``None`` or, for callable objects, their attributes; it passes ``torch.load(...,
weights_only=True)``. A checkpoint crosses over: PyTorch's ``state_dict()`` loads into the
class of the same name here, and this one's into PyTorch's, and the run goes on as the saved
one did, even in a scheduler built with other arguments. Loading also writes the lrs of that
step into the optimizer, so a fresh scheduler on a fresh optimizer continues the run exactly
(PyTorch needs the optimizer's checkpoint for that).

PyTorch's warnings for misuse are given where PyTorch gives them, word for word: the first
``step()`` before any ``optimizer.step()`` (noticed by a step post-hook on the optimizer, not by
replacing its ``step``), the deprecated ``epoch`` argument of ``step()`` (not for warm restarts,
as in PyTorch), and ``get_lr()`` called to read the lrs.

Every argument value PyTorch accepts and computes a schedule from is accepted
(``step_size_down=0``, momenta outside [0, 1], ``gamma=0``, ...). Invalid arguments raise
:class:`ValueError` naming the argument and its value when the scheduler is built, including the
cases where PyTorch only fails later with a ``ZeroDivisionError``; the few values PyTorch takes
and lrlab refuses (a negative lr, a count that is not a whole number, ...) are listed, with the
reasons, in the book's API page.

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
