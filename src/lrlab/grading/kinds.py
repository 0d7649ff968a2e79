"""The kinds of exercise: the base class :class:`Exercise`, a number (:class:`NumericExercise`),
a multiple choice (:class:`ChoiceExercise`) and a torch-style scheduler class
(:class:`SchedulerExercise`). A schedule function is :mod:`lrlab.grading.function_kind`'s.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from lrlab.grading._helpers import _fmt, _safe_repr, _safe_str
from lrlab.grading.report import GRADER_ERROR, NOT_ATTEMPTED, Check, Curve, Report
from lrlab.grading.sandbox import TIME_LIMIT, Runner, as_float, no_kernel_exit
from lrlab.grading.scratch import borrowed, grading_mode

__all__ = [
    "ATOL",
    "ChoiceExercise",
    "Exercise",
    "NumericExercise",
    "RTOL",
    "SchedulerExercise",
    "call_answer_value",
    "copy_mapping",
    "not_attempted_report",
]

#: Relative tolerance of a value compared with the reference.
RTOL = 1e-6
#: Absolute tolerance, as a fraction of the largest reference lr of the check's run.
ATOL = 1e-7


class Exercise:
    """Base class of an exercise: an id, a one-line title, and ``grade(answer, runner)``.

    Subclasses implement :meth:`_grade`, returning a :class:`.Report`; they call the reader's
    code only through ``runner.call(fn, *args)`` (a :class:`.Runner`), which returns
    ``(True, value)`` or ``(False, failure)`` (failure.text is ready to show) and never raises.
    """

    builtin = False
    #: Whether the exercise asks for an implementation. If so, an answer that calls a library's
    #: schedule or scheduler gets a note, and scores 0 under ``LRLAB_GRADING=strict``
    #: (see :mod:`lrlab.grading.scratch`).
    from_scratch = False

    def __init__(self, exercise_id: str, title: str = ""):
        if not isinstance(exercise_id, str) or not re.fullmatch(
            r"[A-Za-z_][A-Za-z0-9_]*", exercise_id
        ):
            raise ValueError(
                f"exercise_id must be a name made of letters, digits and '_', got {exercise_id!r}"
            )
        self.exercise_id = exercise_id
        self.title = title

    def grade(self, answer: Any, *, time_limit: float = TIME_LIMIT) -> Report:
        strict = grading_mode() == "strict"  # a bad LRLAB_GRADING is the setup's ValueError
        runner = Runner(time_limit)
        try:
            with no_kernel_exit():
                report = self._grade(answer, runner)
        except KeyboardInterrupt:
            raise
        except ImportError as exc:  # the grader's own import: the reader's code runs in runner.call
            report = self._grader_error(
                f"this exercise needs {exc.name or 'a package'}, which is not installed where "
                "the grader runs, so the answer was not graded. Install the course's "
                "requirements there (`make venv`, or `pip install -r requirements.txt`)."
            )
        except BaseException as exc:  # noqa: BLE001 - a bug of the grader, not of the reader
            where = traceback.extract_tb(exc.__traceback__)[-1]
            report = self._grader_error(
                f"The grader failed ({type(exc).__name__}: {_safe_str(exc)} at "
                f"{os.path.basename(where.filename)}:{where.lineno}). This is a bug in lrlab, "
                "not in your code: please report it."
            )
        report.notes.extend(runner.notes())
        if self.from_scratch and report.status not in (NOT_ATTEMPTED, GRADER_ERROR):
            report = self._from_scratch(answer, report, strict)
        return report

    def _from_scratch(self, answer: Any, report: Report, strict: bool) -> Report:
        """``report``, with a note when the answer calls a library's schedule; 0 if strict."""
        uses = borrowed(answer)
        if not uses:
            return report
        what = f"your answer uses {', '.join(uses)}: the exercise is to write it from scratch"
        if not strict:
            report.notes.append(
                f"{what}. (In a graded course, with LRLAB_GRADING=strict, it would score 0.)"
            )
            return report
        message = (
            f"{what}, so it scores 0 (LRLAB_GRADING=strict); its values alone would score "
            f"{report.score}/{report.max_score}."
        )
        return Report(
            self.exercise_id,
            self.title,
            [Check("from scratch", False, message, points=report.max_score)],
            notes=report.notes,
            curve=report._curve,
        )

    def _grader_error(self, message: str) -> Report:
        """The report of an answer the grader could not grade, for ``message``'s reason."""
        return Report(
            self.exercise_id, self.title, [Check("grader", False, message)], status=GRADER_ERROR
        )

    def _grade(self, answer: Any, runner: Runner) -> Report:  # pragma: no cover - abstract
        raise NotImplementedError


def not_attempted_report(exercise: Exercise, checks: list[Check], notes=()) -> Report:
    """The report of an answer not attempted yet: each of ``checks`` failed, with no message."""
    failed = [Check(c.name, False, "not attempted yet", c.points) for c in checks]
    return Report(exercise.exercise_id, exercise.title, failed, notes=notes, status=NOT_ATTEMPTED)


def call_answer_value(answer: Any, runner: Runner) -> tuple[bool, Any]:
    """A value answer may be given as a function of no argument (so the exercise cell runs).

    Returns ``(True, value)``, or ``(False, failure)`` when calling that function failed.
    """
    if callable(answer) and not isinstance(answer, type):
        runner.start_check()
        return runner.call(answer)
    return True, answer


def copy_mapping(value: Any, runner: Runner) -> tuple[bool, Any]:
    """A reader's mapping copied into a plain dict through ``runner`` (its methods are the
    reader's code), so that grading never touches the reader's object; other values as they are.

    Returns ``(True, copy)``, or ``(False, failure)`` when the mapping cannot be read.
    """
    if not isinstance(value, Mapping):
        return True, value
    runner.start_check()
    return runner.call(dict, value)


# ---- numbers ---------------------------------------------------------------------------------


class NumericExercise(Exercise):
    """The answer is a number, equal to ``expected`` within ``rel_tol`` / ``abs_tol``.

    Args:
        exercise_id: the id used in ``check(exercise_id, answer)``.
        expected: the right value.
        question: the question, shown as the report's title.
        rel_tol, abs_tol: as in :func:`math.isclose`.
        mistakes: ``{wrong value: explanation}`` for the wrong answers worth explaining.
        hint: shown when the answer is wrong and no mistake matched.

    The answer may be a number or a function of no argument returning it (so that, in the
    generated exercise notebook, the answer cell can ``raise NotImplementedError()``).
    """

    def __init__(
        self,
        exercise_id: str,
        expected: float,
        *,
        question: str = "",
        rel_tol: float = 1e-6,
        abs_tol: float = 0.0,
        mistakes: Mapping[float, str] | None = None,
        hint: str = "",
    ):
        super().__init__(exercise_id, question)
        if not isinstance(expected, numbers.Real) or not math.isfinite(expected):
            raise ValueError(f"expected must be a finite number, got {expected!r}")
        if not rel_tol >= 0 or not abs_tol >= 0:
            raise ValueError(f"rel_tol and abs_tol must be >= 0, got {rel_tol!r}, {abs_tol!r}")
        self.expected = float(expected)
        self.rel_tol, self.abs_tol = rel_tol, abs_tol
        self.mistakes = dict(mistakes or {})
        self.hint = hint

    def _close(self, a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def _grade(self, answer, runner):
        ok, value = call_answer_value(answer, runner)
        if not ok:
            if value.not_implemented:
                return not_attempted_report(self, [Check("value", False, "")])
            return Report(self.exercise_id, self.title, [Check("value", False, value.text)])
        x, problem = as_float(value, runner)
        if problem:
            return Report(
                self.exercise_id, self.title, [Check("value", False, f"your answer {problem}.")]
            )
        if self._close(x, self.expected):
            return Report(
                self.exercise_id, self.title, [Check("value", True, f"{_fmt(x)} is right.")]
            )
        msg = f"{_fmt(x)} is not right."
        for wrong, why in self.mistakes.items():
            if self._close(x, float(wrong)):
                return Report(self.exercise_id, self.title, [Check("value", False, f"{msg} {why}")])
        if self.expected != 0 and x != 0:
            ratio = x / self.expected
            for k in (10.0, 100.0, 1000.0):
                if math.isclose(ratio, k, rel_tol=1e-6) or math.isclose(ratio, 1 / k, rel_tol=1e-6):
                    msg += f" It is off by a factor of {k:g}: count the powers of ten again."
                    break
            if math.isclose(ratio, -1.0, rel_tol=1e-6):
                msg += " The sign is wrong."
        if self.hint:
            msg += f"\nHint: {self.hint}"
        return Report(self.exercise_id, self.title, [Check("value", False, msg)])


# ---- multiple choice -------------------------------------------------------------------------


class ChoiceExercise(Exercise):
    """Multiple choice: the answer is the key of a choice (or a set of keys if several are right).

    Args:
        exercise_id: the id.
        choices: ``{key: text}``, e.g. ``{"a": "StepLR", "b": "ExponentialLR"}``.
        correct: the right key, or a set of keys (then the answer must be exactly that set).
        question: shown as the report's title.
        explanations: ``{key: why}``: why a choice is wrong (or right).

    Keys are compared without case and surrounding spaces. The answer may be a function of no
    argument returning the key.
    """

    def __init__(
        self,
        exercise_id: str,
        choices: Mapping[str, str],
        correct: str | set[str],
        *,
        question: str = "",
        explanations: Mapping[str, str] | None = None,
    ):
        super().__init__(exercise_id, question)
        self.choices = {self._key(k): str(v) for k, v in choices.items()}
        many = not isinstance(correct, str)
        wanted = {self._key(k) for k in (correct if many else [correct])}
        unknown = wanted - set(self.choices)
        if not wanted or unknown:
            raise ValueError(
                f"correct must name keys of choices {sorted(self.choices)}, got {correct!r}"
            )
        self.correct, self.many = frozenset(wanted), many
        self.explanations = {self._key(k): v for k, v in (explanations or {}).items()}

    @staticmethod
    def _key(k: Any) -> str:
        return str(k).strip().lower()

    def _grade(self, answer, runner):
        ok, value = call_answer_value(answer, runner)
        name = "choice"
        if not ok:
            if value.not_implemented:
                return not_attempted_report(self, [Check(name, False, "")])
            return Report(self.exercise_id, self.title, [Check(name, False, value.text)])
        keys = sorted(self.choices)
        if isinstance(value, str):
            given = {self._key(value)}
        elif isinstance(value, (set, frozenset, list, tuple)) and all(
            isinstance(v, str) for v in value
        ):
            given = {self._key(v) for v in value}
        else:
            return Report(
                self.exercise_id,
                self.title,
                [
                    Check(
                        name,
                        False,
                        (
                            f"your answer is a {type(value).__name__} ({_safe_repr(value)}); answer with the "
                            f"key of a choice, one of {', '.join(map(repr, keys))}"
                            + (", or a set of keys" if self.many else "")
                            + "."
                        ),
                    )
                ],
            )
        unknown = given - set(self.choices)
        if unknown:
            return Report(
                self.exercise_id,
                self.title,
                [
                    Check(
                        name,
                        False,
                        (
                            f"{', '.join(map(repr, sorted(unknown)))} is not one of the choices "
                            f"{', '.join(map(repr, keys))}."
                        ),
                    )
                ],
            )
        if given == self.correct:
            why = " ".join(self.explanations[k] for k in sorted(given) if k in self.explanations)
            return Report(
                self.exercise_id, self.title, [Check(name, True, f"right. {why}".strip())]
            )
        if not self.many and len(given) > 1:
            return Report(
                self.exercise_id, self.title, [Check(name, False, "give exactly one key.")]
            )
        parts = []
        for k in sorted(given - self.correct):
            parts.append(
                f"{k!r} is not right"
                + (f": {self.explanations[k]}" if k in self.explanations else ".")
            )
        missing = self.correct - given
        if missing and self.many:
            parts.append(f"{len(missing)} right choice(s) missing.")
        return Report(self.exercise_id, self.title, [Check(name, False, " ".join(parts))])


# ---- torch-style scheduler classes -----------------------------------------------------------


class SchedulerExercise(Exercise):
    """The answer is a scheduler class, driven like PyTorch's on a real ``torch.optim.SGD``.

    Args:
        exercise_id: the id.
        reference: ``reference(step, base_lr) -> lr``, the lr after ``step`` calls of ``step()``.
        build: ``build(cls, optimizer) -> scheduler``, e.g.
            ``lambda cls, opt: cls(opt, step_size=3, gamma=0.5)``.
        steps: how many lrs to compare (step 0 is right after construction).
        base_lrs: one parameter group per value, each with that initial lr.
        metrics: if given, ``scheduler.step(metrics[t])`` is called (ReduceLROnPlateau style).
        title: shown at the top of the report.
        hint: shown when the lr is wrong.

    Each step records ``optimizer.param_groups[i]["lr"]`` (and ``get_last_lr()``), then calls
    ``optimizer.step()`` and ``scheduler.step()``. Needs torch.
    """

    from_scratch = True

    def __init__(
        self,
        exercise_id: str,
        reference: Callable[[int, float], float],
        build: Callable[[type, Any], Any],
        *,
        steps: int,
        base_lrs: Sequence[float] = (0.1,),
        metrics: Sequence[float] | None = None,
        title: str = "",
        hint: str = "",
    ):
        super().__init__(exercise_id, title)
        if not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")
        if not base_lrs:
            raise ValueError(f"base_lrs must not be empty, got {base_lrs!r}")
        if metrics is not None and len(metrics) < steps - 1:
            raise ValueError(
                f"metrics needs at least steps - 1 = {steps - 1} values, got {len(metrics)}"
            )
        self.reference, self.build = reference, build
        self.steps, self.base_lrs = int(steps), [float(b) for b in base_lrs]
        self.metrics = None if metrics is None else list(metrics)
        self.hint = hint

    def _grade(self, answer, runner):
        names = ["builds", "lr of every parameter group", "get_last_lr()"]
        if not isinstance(answer, type) and not callable(answer):
            return Report(
                self.exercise_id,
                self.title,
                [
                    Check(
                        "answer",
                        False,
                        (
                            f"expected a scheduler class, got a {type(answer).__name__} "
                            f"({_safe_repr(answer)})."
                        ),
                        points=len(names),
                    )
                ],
            )
        import torch  # missing: Exercise.grade reports that the grader cannot run

        params = [torch.nn.Parameter(torch.zeros(1)) for _ in self.base_lrs]
        groups = [{"params": [p], "lr": lr} for p, lr in zip(params, self.base_lrs)]
        optimizer = torch.optim.SGD(groups, lr=self.base_lrs[0])
        runner.start_check()
        ok, sched = runner.call(self.build, answer, optimizer)
        if not ok:
            if sched.not_implemented:
                return not_attempted_report(self, [Check(n, False, "") for n in names])
            return Report(
                self.exercise_id,
                self.title,
                [Check(names[0], False, f"building the scheduler failed: {sched.text}")]
                + [
                    Check(n, False, "skipped: the scheduler could not be built.") for n in names[1:]
                ],
            )
        checks = [Check(names[0], True, "built without error.")]
        n_groups = len(self.base_lrs)
        lrs = np.full((self.steps, n_groups), math.nan)
        last = np.full((self.steps, n_groups), math.nan)
        failure, at, last_problem = None, None, None
        has_last = callable(getattr(sched, "get_last_lr", None))
        runner.start_check()
        for t in range(self.steps):
            lrs[t] = [float(g["lr"]) for g in optimizer.param_groups]
            if has_last:
                ok, out = runner.call(sched.get_last_lr)
                if not ok:
                    failure, at = out, t
                    break
                try:
                    values = list(out)
                    if len(values) != n_groups:
                        raise ValueError
                    for j, v in enumerate(values):
                        last[t, j], problem = as_float(v, runner)
                        last_problem = last_problem or (problem and (t, problem))
                except KeyboardInterrupt:
                    raise
                except BaseException:  # noqa: BLE001
                    last_problem = last_problem or (
                        t,
                        f"returned {_safe_repr(out)}, not one lr per group",
                    )
            if t == self.steps - 1:
                break
            optimizer.step()
            ok, out = (
                runner.call(sched.step, self.metrics[t])
                if self.metrics is not None
                else runner.call(sched.step)
            )
            if not ok:
                failure, at = out, t
                break
        if failure is not None and failure.not_implemented and at == 0:
            return not_attempted_report(self, checks + [Check(n, False, "") for n in names[1:]])
        expected = np.array(
            [[self.reference(t, b) for b in self.base_lrs] for t in range(self.steps)]
        )
        scale = float(np.max(np.abs(expected))) or 1.0
        good = np.isclose(lrs, expected, rtol=RTOL, atol=ATOL * scale)
        stop = self.steps if at is None else at + 1
        curve = None
        bad = np.argwhere(~good[:stop])
        if failure is not None:
            checks.append(Check(names[1], False, f"after {at} step() call(s): {failure.text}"))
        elif len(bad):
            t, j = (int(v) for v in bad[0])
            msg = (
                f"after {t} step() call(s), param_groups[{j}]['lr'] is {_fmt(lrs[t, j])}; "
                f"expected {_fmt(float(expected[t, j]))} (base lr {_fmt(self.base_lrs[j])})."
            )
            if np.all(good[:, 0]) and n_groups > 1:
                msg += " Group 0 is right: does your scheduler update only the first group?"
            elif self.steps > 1 and np.allclose(
                lrs[1:, j], expected[:-1, j], rtol=RTOL, atol=ATOL * scale
            ):
                msg += "\nDiagnosis: off by one: your lrs are the expected ones a step late."
            elif self.steps > 1 and np.allclose(
                lrs[:-1, j], expected[1:, j], rtol=RTOL, atol=ATOL * scale
            ):
                msg += "\nDiagnosis: off by one: your lrs are the expected ones a step early."
            if self.hint:
                msg += f"\nHint: {self.hint}"
            checks.append(Check(names[1], False, msg))
            curve = Curve(
                np.arange(self.steps, dtype=float),
                expected[:, j],
                lrs[:, j],
                t,
                f"param group {j}",
                "step",
            )
        else:
            checks.append(Check(names[1], True, f"{self.steps} steps × {n_groups} group(s) right."))
            curve = Curve(
                np.arange(self.steps, dtype=float),
                expected[:, 0],
                lrs[:, 0],
                None,
                "param group 0",
                "step",
            )
        if not has_last:
            checks.append(Check(names[2], False, "the scheduler has no get_last_lr() method."))
        elif (
            failure is not None
            and failure is not None
            and at is not None
            and np.isnan(last[at]).any()
        ):
            checks.append(Check(names[2], False, f"not checked: {failure.text.splitlines()[0]}"))
        elif last_problem:
            checks.append(
                Check(
                    names[2], False, f"after {last_problem[0]} step() call(s) it {last_problem[1]}."
                )
            )
        else:
            agree = np.isclose(last[:stop], lrs[:stop], rtol=RTOL, atol=ATOL * scale)
            if np.all(agree):
                checks.append(Check(names[2], True, "matches the optimizer's lrs."))
            else:
                t, j = (int(v) for v in np.argwhere(~agree)[0])
                checks.append(
                    Check(
                        names[2],
                        False,
                        (
                            f"after {t} step() call(s) get_last_lr()[{j}] is {_fmt(last[t, j])} but "
                            f"param_groups[{j}]['lr'] is {_fmt(lrs[t, j])}."
                        ),
                    )
                )
        return Report(self.exercise_id, self.title, checks, curve=curve)
