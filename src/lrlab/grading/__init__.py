"""Graded exercises: run the reader's answer, compare it with lrlab's reference, say what is wrong.

The grading cell of every exercise notebook is one call::

    >>> from lrlab.grading import check
    >>> def step_lr(step, base_lr, step_size, gamma=0.1):
    ...     return base_lr * gamma ** (step // step_size)
    >>> report = check("step_lr", step_lr)
    >>> report.passed, report.score, report.max_score
    (True, 5, 5)

``check(exercise_id, answer)`` returns a :class:`.Report`: the score, one :class:`.Check` per
test (name, passed, message), a plain-text ``str()`` and, in Jupyter, a table of the checks
with a plot of the reader's curve over the reference curve (the first wrong step marked).

What a check does
    A schedule exercise (ids ``step_lr``, ``multistep_lr``, ``exponential_lr``,
    ``cosine_annealing_lr``, ``cosine_annealing_warm_restarts``, ``reduce_lr_on_plateau``,
    ``linear_schedule_with_warmup``, ``cosine_schedule_with_warmup``, ``cyclic_lr``,
    ``one_cycle_lr``) calls the reader's function once per step with a Python number (it need
    not be vectorised) and compares every value with the function of the same name in
    :mod:`lrlab.schedules` (relative tolerance ``RTOL``, absolute ``ATOL`` times the run's
    largest lr). A failing check names the first wrong step, the arguments, the expected and
    the returned value, and, where the returned curve is a classic mistake (shifted by a step,
    a wrong factor, no floor, wrong restarts, epochs for steps, ...), says which, with a hint.

The reader's code cannot crash the grader
    ``NotImplementedError`` means "not attempted yet" (score 0). Any other exception,
    ``SystemExit`` included, is reported with its type, message and the line of the reader's
    code that raised it. ``None``, NaN, infinities, strings, lists and arrays of the wrong shape
    are reported as such (0-d NumPy arrays and torch tensors are accepted, with a note). Each
    check has a time limit (``TIME_LIMIT`` seconds, or ``check(..., time_limit=...)``): an
    endless loop is stopped and reported, and the checks after it are skipped. Arguments are
    passed as copies and a function that modifies them fails. What the code prints is captured
    and summarised in a note. ``check`` only raises for the author's mistakes: an unknown
    exercise id (``ValueError``, with the known ids) or an invalid ``time_limit``. The one
    exception let through is ``KeyboardInterrupt``, so that interrupting the kernel still works.

Adding exercises (chapters)
    :func:`.register` adds an exercise under an id of its own; registering the id again
    replaces it, so re-running a notebook cell is harmless (the built-in ids cannot be
    replaced). Four kinds are provided:

    * :class:`.FunctionExercise`: the answer is a schedule function, compared with a reference
      over :class:`.Case` s; :class:`.Mistake` s describe wrong curves to recognise.
    * :class:`.NumericExercise`: the answer is a number (or a function of no argument that
      returns it), compared with a tolerance; known wrong values get their own explanation.
    * :class:`.ChoiceExercise`: multiple choice; the answer is a key (or a set of keys).
    * :class:`.SchedulerExercise`: the answer is a torch-style scheduler class; it is built on
      a real ``torch.optim.SGD`` and stepped, and the lr of every parameter group is compared
      with a reference schedule at every step.

    For example::

        >>> from lrlab.grading import NumericExercise, register
        >>> _ = register(NumericExercise(
        ...     "demo_final_lr", expected=0.1 * 0.1 ** 3,
        ...     question="StepLR(base_lr=0.1, step_size=30): the lr at step 95?",
        ...     mistakes={1e-3: "That is two drops; at step 95 the lr has dropped at 30, 60 "
        ...                     "and 90."}))
        >>> check("demo_final_lr", 1e-3).passed
        False
        >>> check("demo_final_lr", lambda: 1e-4).passed
        True
"""

from __future__ import annotations

from lrlab.grading.diagnoses import given_loop
from lrlab.grading.function_kind import Case, FunctionExercise, Mistake
from lrlab.grading.kinds import (
    ATOL,
    RTOL,
    ChoiceExercise,
    Exercise,
    NumericExercise,
    SchedulerExercise,
)
from lrlab.grading.loops import LoopExercise, LoopMistake, LoopSetting, loop_lrs
from lrlab.grading.registry import check, exercise_ids, register
from lrlab.grading.report import Check, Report
from lrlab.grading.sandbox import TIME_LIMIT

__all__ = [
    "ATOL",
    "Case",
    "Check",
    "ChoiceExercise",
    "Exercise",
    "FunctionExercise",
    "LoopExercise",
    "LoopMistake",
    "LoopSetting",
    "Mistake",
    "NumericExercise",
    "RTOL",
    "Report",
    "SchedulerExercise",
    "TIME_LIMIT",
    "check",
    "exercise_ids",
    "given_loop",
    "loop_lrs",
    "register",
]
