"""The entry point :func:`check`, and the exercises it knows by id (:func:`register` adds one)."""

from __future__ import annotations

import difflib
import math
import numbers
import os
import sys
from typing import Any

from lrlab.grading import catalogue
from lrlab.grading.kinds import Exercise
from lrlab.grading.report import GRADER_ERROR, NOT_ATTEMPTED, Report
from lrlab.grading.sandbox import TIME_LIMIT

__all__ = ["check", "exercise_ids", "register"]


def _builtin() -> dict[str, Exercise]:
    """The book's exercises by id, marked built-in (:func:`register` cannot replace them)."""
    registry = {}
    for exercise in catalogue.BUILTIN:
        exercise.builtin = True
        registry[exercise.exercise_id] = exercise
    return registry


# Every exercise check() knows, by id: the built-in ones, then those register() adds.
_REGISTRY: dict[str, Exercise] = _builtin()


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` under its id (replacing one registered before); return it.

    Raises:
        ValueError: not an :class:`.Exercise`, or its id is a built-in exercise's.
    """
    if not isinstance(exercise, Exercise):
        raise ValueError(
            f"exercise must be an Exercise (e.g. NumericExercise(...)), got {exercise!r}"
        )
    old = _REGISTRY.get(exercise.exercise_id)
    if old is not None and old.builtin and old is not exercise:
        raise ValueError(
            f"exercise_id {exercise.exercise_id!r} is a built-in exercise; choose another id"
        )
    _REGISTRY[exercise.exercise_id] = exercise
    return exercise


def exercise_ids() -> list[str]:
    """The ids :func:`check` knows, sorted."""
    return sorted(_REGISTRY)


def check(
    exercise_id: str, answer: Any, *, time_limit: float | None = None, optional: bool = False
) -> Report:
    """Grade ``answer`` for the exercise ``exercise_id`` and return a :class:`.Report`.

    Args:
        exercise_id: e.g. ``"step_lr"``; see :func:`exercise_ids`.
        answer: the reader's answer: for a schedule exercise, the function itself (not called).
        time_limit: seconds per check (default ``TIME_LIMIT``).
        optional: the part is optional (worth no point): ``nbgrader validate`` does not ask
            for it.

    In self-study, never raises because of ``answer`` (only ``KeyboardInterrupt`` goes
    through). Under nbgrader (the environment variable ``NBGRADER_EXECUTION`` it sets):

    - ``nbgrader validate``: a report that did not pass raises ``AssertionError`` with the
      report, so that the student's Validate button says which part is missing or wrong (an
      optional part only when it was attempted);
    - ``nbgrader autograde``: when the grader itself cannot run (a missing package, a bug of
      lrlab), the kernel prints why to its standard error and exits, so that ``autograde``
      fails for that submission instead of scoring a right answer 0.

    Raises:
        ValueError: ``exercise_id`` is unknown (the message lists the known ids), or
            ``time_limit`` is not a positive number.
    """
    if not isinstance(exercise_id, str) or exercise_id not in _REGISTRY:
        close = difflib.get_close_matches(str(exercise_id), _REGISTRY, n=1)
        did = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"exercise_id {exercise_id!r} is not a known exercise.{did} "
            f"Known ids: {', '.join(sorted(_REGISTRY))}."
        )
    limit = TIME_LIMIT if time_limit is None else time_limit
    if isinstance(limit, bool) or not isinstance(limit, numbers.Real) or not 0 < limit < math.inf:
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    report = _REGISTRY[exercise_id].grade(answer, time_limit=float(limit))
    return _under_nbgrader(report, bool(optional))


def _under_nbgrader(report: Report, optional: bool) -> Report:
    """What :func:`check` does under ``nbgrader validate`` and ``autograde`` (see there)."""
    mode = os.environ.get("NBGRADER_EXECUTION")
    if mode == "autograde" and report.status == GRADER_ERROR:
        sys.__stderr__.write(
            f"lrlab: the grader could not grade {report.exercise_id!r}; stopping this "
            f"submission's grading instead of scoring it 0.\n{report}\n"
        )
        sys.__stderr__.flush()
        os._exit(3)
    if mode == "validate" and not report.passed:
        if not (optional and report.status == NOT_ATTEMPTED):
            raise AssertionError(str(report))
    return report
