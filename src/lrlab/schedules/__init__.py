r"""Learning-rate schedules as pure, vectorised NumPy functions of the step.

A *schedule* maps a step (or epoch) number :math:`t` to a learning rate :math:`\eta_t`. Every
function here takes a Python number **or** a NumPy array of steps as its first argument and returns
a ``float`` or an array of the same shape: ``s(np.arange(n))`` equals calling ``s`` one step at a
time, without a Python loop over the steps. Nothing here holds state or imports torch; the
drop-in schedulers (:mod:`lrlab.schedulers`), the slider explorers, the grader and the plots all
call these functions, so each formula is written once.

Each function equals, step for step, the production implementation named in its docstring
(``torch.optim.lr_scheduler`` 2.13 or ``transformers``), which the test-suite checks over
thousands of steps and random parameters. Invalid arguments raise :class:`ValueError` naming the
argument and its value.

The schedules come by family, each name re-exported here:

* :mod:`lrlab.schedules.decay`: step, multistep, exponential, cosine annealing, warm restarts,
  and torch's constant, linear and polynomial factors;
* :mod:`lrlab.schedules.plateau`: ReduceLROnPlateau and GreedyLR, and their state machines;
* :mod:`lrlab.schedules.warmup`: transformers' warmup family;
* :mod:`lrlab.schedules.cyclic`: cyclical learning rates and the one-cycle policy (lr and momentum);
* :mod:`lrlab.schedules.compose`: ``lambda_lr``, ``multiplicative_lr`` and ``sequential``;
* :mod:`lrlab.schedules.registry`: every schedule by name and the metadata of their parameters.

Their shared helpers (the step arrays, the one half cosine of every cosine schedule, the warmup
factor) are in the private ``lrlab.schedules._core``.
"""

from __future__ import annotations

from lrlab.schedules.compose import lambda_lr, multiplicative_lr, multiplicative_run, sequential
from lrlab.schedules.cyclic import (
    cyclic_lr,
    cyclic_momentum,
    cyclic_shape,
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
    restart_position,
    step_lr,
)
from lrlab.schedules.plateau import (
    check_greedy_args,
    check_plateau_args,
    greedy_initial_state,
    greedy_lr,
    greedy_update,
    plateau_initial_state,
    plateau_reduce,
    plateau_update,
    reduce_lr_on_plateau,
)
from lrlab.schedules.registry import SCHEDULES
from lrlab.schedules.warmup import (
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
    "step_lr",
    "multistep_lr",
    "exponential_lr",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts",
    "constant_lr",
    "linear_lr",
    "polynomial_lr",
    "reduce_lr_on_plateau",
    "greedy_lr",
    "linear_schedule_with_warmup",
    "cosine_schedule_with_warmup",
    "cosine_with_hard_restarts_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup",
    "cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "polynomial_decay_schedule_with_warmup",
    "constant_schedule_with_warmup",
    "inverse_sqrt_schedule",
    "warmup_stable_decay",
    "cyclic_lr",
    "cyclic_momentum",
    "one_cycle_lr",
    "one_cycle_momentum",
    "sequential",
    "lambda_lr",
    "multiplicative_lr",
    "SCHEDULES",
    # the building blocks of the drop-in schedulers
    "check_plateau_args",
    "plateau_initial_state",
    "plateau_update",
    "plateau_reduce",
    "check_greedy_args",
    "greedy_initial_state",
    "greedy_update",
    "cyclic_shape",
    "restart_position",
    "multiplicative_run",
]
