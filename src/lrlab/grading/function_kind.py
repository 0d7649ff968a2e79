"""The schedule-function kind of exercise: :class:`FunctionExercise`, run over :class:`Case` s,
its wrong curves recognised by :class:`Mistake` s and by generic diagnoses (shifted by a step,
a wrong factor, epochs for steps, ...).
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrlab import schedules
from lrlab.grading._helpers import _fmt, _safe_repr
from lrlab.grading.kinds import ATOL, RTOL, Exercise, not_attempted_report
from lrlab.grading.report import Check, Curve, Report
from lrlab.grading.sandbox import Failure, Runner, as_float

__all__ = ["Case", "FunctionExercise", "Mistake"]


@dataclass(frozen=True)
class Case:
    """One check of a :class:`FunctionExercise`: a run of the schedule with fixed parameters.

    Args:
        name: what the case checks, e.g. ``"boundaries: the lr drops at step == step_size"``.
        params: the arguments after the first (by name); the others take the reference's defaults.
        steps: the steps to evaluate (Python numbers are passed one at a time).
        metrics: for a sequence exercise (``per_step=False``): the sequence passed first.
        hint: shown when the case fails: what the case is about.
    """

    name: str
    params: Mapping[str, Any]
    steps: Sequence[float] | None = None
    metrics: Sequence[float] | None = None
    hint: str = ""


@dataclass(frozen=True)
class Mistake:
    """A classic wrong curve, recognised when the reader's values equal it.

    The wrong curve is the reference evaluated with ``params(case_params)`` and/or at
    ``steps(case_steps, case_params)`` (each ``None`` when it does not apply), or, with
    ``curve``, any function ``curve(expected, steps, params)`` of the expected values.
    ``message`` is formatted with the case's parameters (``{gamma}``, ...).
    """

    message: str
    params: Callable[[dict], dict | None] | None = None
    steps: Callable[[np.ndarray, dict], np.ndarray | None] | None = None
    curve: Callable[[np.ndarray, np.ndarray, dict], np.ndarray | None] | None = None


def _plain(sig: inspect.Signature) -> str:
    """The parameters of a signature as the reader writes them: names and defaults only."""
    parts = []
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
        elif p.kind is inspect.Parameter.VAR_KEYWORD:
            parts.append(f"**{p.name}")
        elif p.default is inspect.Parameter.empty:
            parts.append(p.name)
        else:
            parts.append(f"{p.name}={p.default!r}")
    return ", ".join(parts)


class _Params(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _reference_function(reference: str | Callable) -> Callable:
    if callable(reference):
        return reference
    return getattr(schedules, reference)


def _same(a: Any, b: Any) -> bool:
    try:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return (
                isinstance(a, np.ndarray)
                and isinstance(b, np.ndarray)
                and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=True))
            )
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _mutation(name: str, before: Any, after: Any) -> str:
    return (
        f"your code changed its `{name}` argument: it was {_fmt(before)} before the call and "
        f"{_fmt(after)} after it. A schedule must not modify its inputs: work on a copy "
        f"(e.g. sorted({name}) instead of {name}.sort())."
    )


class FunctionExercise(Exercise):
    """The answer is a schedule function; it is compared with ``reference`` over ``cases``.

    Args:
        exercise_id: the id.
        reference: the right function, or the name of one in :mod:`lrlab.schedules`.
        cases: the :class:`Case` s; each is one check (one point).
        title: one line shown at the top of the report.
        mistakes: :class:`Mistake` s specific to this schedule, tried before the generic ones
            (shifted by one step, epoch/step confusion, a constant wrong factor).
        explain: optional ``explain(expected, returned, steps, params) -> str | None``, tried last.
        per_step: True: the first argument is one step, the answer is called once per step.
            False: the first argument is ``case.metrics`` and the answer returns one value per item.
        log_y: plot the lr on a log scale.
        check_signature: add a check that the answer's parameter names and defaults are the
            reference's.
    """

    from_scratch = True

    def __init__(
        self,
        exercise_id: str,
        reference: str | Callable,
        cases: Sequence[Case],
        *,
        title: str = "",
        mistakes: Sequence[Mistake] = (),
        explain: Callable | None = None,
        per_step: bool = True,
        log_y: bool = False,
        check_signature: bool = True,
    ):
        super().__init__(exercise_id, title)
        if not cases:
            raise ValueError(f"cases must not be empty, got {cases!r}")
        for case in cases:
            given = case.steps if per_step else case.metrics
            if given is None or len(given) == 0:
                raise ValueError(
                    f"case {case.name!r} needs non-empty "
                    f"{'steps' if per_step else 'metrics'}, got {given!r}"
                )
        self._reference = reference
        self.cases = list(cases)
        self.mistakes = list(mistakes)
        self.explain = explain
        self.per_step = per_step
        self.log_y = log_y
        self.check_signature = check_signature

    @property
    def reference(self) -> Callable:
        return _reference_function(self._reference)

    @property
    def name(self) -> str:
        return getattr(self.reference, "__name__", self.exercise_id)

    # -- arguments ---------------------------------------------------------------------------
    def _arguments(self, case: Case) -> tuple[list, dict]:
        """Positional (required) and keyword (optional) arguments after the first, in order."""
        sig = inspect.signature(self.reference)
        params = list(sig.parameters.values())[1:]
        unknown = set(case.params) - {p.name for p in params}
        if unknown:
            raise ValueError(
                f"case {case.name!r}: {self.name} has no parameter(s) {sorted(unknown)}"
            )
        args, kwargs = [], {}
        for p in params:
            if p.default is inspect.Parameter.empty:
                args.append(case.params[p.name])
            else:
                kwargs[p.name] = case.params.get(p.name, p.default)
        return args, kwargs

    def _describe(self, case: Case, first: Any = None) -> str:
        """``name(step=3, base_lr=0.1, ...)``; without ``first``, the first argument unnamed."""
        sig = inspect.signature(self.reference)
        params = list(sig.parameters.values())
        parts = [params[0].name if first is None else f"{params[0].name}={_fmt(first)}"]
        for p in params[1:]:
            if p.default is inspect.Parameter.empty or p.name in case.params:
                parts.append(f"{p.name}={_fmt(case.params.get(p.name, p.default))}")
        return f"{self.name}({', '.join(parts)})"

    def _expected(self, case: Case, params: Mapping | None = None, steps=None) -> np.ndarray:
        """The reference's values; NaN where it is undefined (e.g. past the end of a run)."""
        p = dict(case.params if params is None else params)
        ref = self.reference
        first = (
            (np.asarray(case.steps, dtype=float) if steps is None else steps)
            if self.per_step
            else list(case.metrics)
        )
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return np.asarray(ref(first, **p), dtype=float).reshape(len(first))
            except Exception:
                if not self.per_step:
                    return np.full(len(first), math.nan)
            out = np.full(len(first), math.nan)
            for i, t in enumerate(first):
                try:
                    out[i] = float(ref(t.item(), **p))
                except Exception:
                    pass
            return out

    # -- checks ------------------------------------------------------------------------------
    def _signature_check(self, answer: Callable) -> tuple[Check | None, str | None]:
        ref = inspect.signature(self.reference)
        want = f"{self.name}({_plain(ref)})"
        try:
            got = inspect.signature(answer)
        except (TypeError, ValueError):
            return Check(
                "signature",
                True,
                f"{want} (your function's parameters cannot be "
                "inspected, so only its values are checked)",
            ), None
        kinds = {p.kind for p in got.parameters.values()}
        if inspect.Parameter.VAR_POSITIONAL in kinds or inspect.Parameter.VAR_KEYWORD in kinds:
            return Check(
                "signature",
                False,
                f"expected {want}; your function takes ({_plain(got)}). Name every parameter.",
            ), None
        rp, gp = list(ref.parameters.values()), list(got.parameters.values())
        problems = []
        for i, r in enumerate(rp):
            if i >= len(gp):
                problems.append(f"parameter `{r.name}` is missing")
                continue
            g = gp[i]
            if g.name != r.name:
                problems.append(f"parameter {i + 1} is `{g.name}`, expected `{r.name}`")
            elif r.default is inspect.Parameter.empty and g.default is not inspect.Parameter.empty:
                problems.append(f"`{g.name}` has a default ({_fmt(g.default)}); it is required")
            elif r.default is not inspect.Parameter.empty:
                if g.default is inspect.Parameter.empty:
                    problems.append(f"`{g.name}` needs the default {_fmt(r.default)}")
                elif not _same(g.default, r.default) and not (
                    isinstance(g.default, numbers.Real)
                    and isinstance(r.default, numbers.Real)
                    and not isinstance(g.default, bool)
                    and float(g.default) == float(r.default)
                ):
                    problems.append(
                        f"`{g.name}` defaults to {_fmt(g.default)}, expected {_fmt(r.default)}"
                    )
        for g in gp[len(rp) :]:
            if g.default is inspect.Parameter.empty and g.kind not in (
                inspect.Parameter.VAR_POSITIONAL,
                inspect.Parameter.VAR_KEYWORD,
            ):
                problems.append(f"extra required parameter `{g.name}`")
        if problems:
            return Check("signature", False, f"expected {want}; " + "; ".join(problems) + "."), None
        return Check("signature", True, f"{want}"), None

    def _run_case(self, answer: Callable, case: Case, runner: Runner):
        """Evaluate the answer on one case: (returned values, problems by index, failure)."""
        first_values = case.steps if self.per_step else case.metrics
        n = len(first_values)
        args, kwargs = self._arguments(case)
        returned = np.full(n, math.nan)
        problems: dict[int, str] = {}
        runner.start_check()

        def guarded(first_arg):
            a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
            first_copy = copy.deepcopy(first_arg)
            ok, out = runner.call(answer, first_copy, *a, **k)
            names = list(inspect.signature(self.reference).parameters)
            if not self.per_step and not _same(first_copy, first_arg):
                return False, Failure("exception", _mutation(names[0], first_arg, first_copy))
            for name, before, after in zip(names[1:], args, a):
                if not _same(before, after):
                    return False, Failure("exception", _mutation(name, before, after))
            for name in kwargs:
                if not _same(kwargs[name], k.get(name)):
                    return False, Failure("exception", _mutation(name, kwargs[name], k.get(name)))
            return ok, out

        if self.per_step:
            steps = np.asarray(case.steps)
            for i in range(n):
                ok, out = guarded(steps[i].item())
                if not ok:
                    return returned, problems, out, i
                returned[i], problem = as_float(out, runner)
                if problem:
                    problems[i] = problem
            return returned, problems, None, None
        ok, out = guarded(list(case.metrics))
        if not ok:
            return returned, problems, out, 0
        if (
            isinstance(out, (str, bytes))
            or not hasattr(out, "__len__")
            or (isinstance(out, np.ndarray) and out.ndim != 1)
        ):
            shape = (
                f" of shape {out.shape}" if isinstance(out, np.ndarray) else f" ({_safe_repr(out)})"
            )
            msg = (
                f"returned a {type(out).__name__}{shape}; expected one lr per metric "
                f"(a list or 1-d array of {n} numbers)"
            )
            return returned, {0: msg}, None, None
        try:
            values = list(out)
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001
            problem = f"returned a {type(out).__name__} that cannot be read as a list"
            return returned, {0: problem}, None, None
        if len(values) != n:
            return (
                returned,
                {
                    0: f"returned {len(values)} values for {n} metrics: expected one lr "
                    "after each metric"
                },
                None,
                None,
            )
        for i, v in enumerate(values):
            returned[i], problem = as_float(v, runner)
            if problem:
                problems[i] = problem
        return returned, problems, None, None

    def _diagnose(
        self,
        case: Case,
        expected: np.ndarray,
        returned: np.ndarray,
        valid: np.ndarray,
        first_wrong: int,
        tol,
    ) -> str | None:
        params = dict(self._arguments(case)[1], **case.params)
        fmt = _Params({k: _fmt(v) for k, v in params.items()})
        steps = (
            np.asarray(case.steps, dtype=float)
            if self.per_step
            else np.arange(len(expected), dtype=float)
        )

        def matches(alt) -> bool:
            if alt is None:
                return False
            alt = np.asarray(alt, dtype=float)
            m = valid & np.isfinite(alt)
            if not m[first_wrong] or m.sum() < max(2, 0.5 * valid.sum()):
                return False
            if np.all(tol(alt[m], expected[m])):
                return False  # this mistake does not show in this case
            return bool(np.all(tol(returned[m], alt[m])))

        def with_steps(fn):
            s = fn(steps)
            if s is None:
                return None
            if self.per_step:
                return self._expected(case, steps=s)
            idx = np.asarray(s)
            out = np.full(len(expected), math.nan)
            inside = (idx >= 0) & (idx < len(expected)) & (idx == np.round(idx))
            out[inside] = expected[idx[inside].astype(int)]
            return out

        for mistake in self.mistakes:
            alt = None
            try:
                if mistake.curve is not None:
                    alt = mistake.curve(expected, steps, params)
                else:
                    p = mistake.params(dict(params)) if mistake.params else params
                    if p is not None:
                        if mistake.steps is not None:
                            s = mistake.steps(steps, params)
                            alt = None if s is None else self._expected(case, params=p, steps=s)
                        else:
                            alt = self._expected(case, params=p)
            except Exception:
                alt = None
            if matches(alt):
                return mistake.message.format_map(fmt)
        unit = "step" if self.per_step else "metric"
        if matches(with_steps(lambda s: s - 1)):
            return (
                f"off by one: your curve is the expected one a {unit} late (at {unit} t you "
                f"return the lr of {unit} t - 1). Check where you count from: the lr at "
                f"{unit} 0 is the first value, before any scheduler.step() call."
            )
        if matches(with_steps(lambda s: s + 1)):
            return (
                f"off by one: your curve is the expected one a {unit} early (at {unit} t you "
                f"return the lr of {unit} t + 1). The lr at {unit} 0 is the first value, "
                "before any scheduler.step() call."
            )
        if valid.sum() >= 3 and np.ptp(returned[valid]) == 0 and np.ptp(expected[valid]) > 0:
            return (
                f"your function returns the same value ({_fmt(float(returned[valid][0]))}) at "
                f"every {unit} of this run: the lr never changes. Does it use its first "
                f"argument, or count in a unit too large (epochs where it should count steps)?"
            )
        if self.per_step:
            for k in (2, 3, 4, 5, 10, 100):
                if matches(with_steps(lambda s: np.floor(s / k))):  # noqa: B023 - called at once
                    return (
                        f"your curve is the expected one at step // {k}: it changes {k} times "
                        "too slowly. Are you counting epochs (or some other unit) where the "
                        "schedule counts steps? Its argument is the number of "
                        "scheduler.step() calls."
                    )
                if matches(with_steps(lambda s: s * k)):  # noqa: B023 - called at once
                    return (
                        f"your curve is the expected one at step × {k}: it changes {k} times "
                        "too fast. Are you counting steps where the schedule counts epochs, "
                        "or multiplying by steps per epoch twice?"
                    )
        ok = valid & (expected != 0) & np.isfinite(expected)
        if ok.sum() >= 2:
            ratio = returned[ok] / expected[ok]
            c = float(np.median(ratio))
            if np.all(np.isclose(ratio, c, rtol=1e-6)) and not math.isclose(c, 1.0, rel_tol=1e-6):
                msg = f"every value is {c:.6g} × the expected one: a factor is wrong."
                known = []  # (ratio, what it means)
                for pname in ("gamma", "factor"):
                    g = params.get(pname)
                    if isinstance(g, numbers.Real) and g not in (0, 1):
                        known += [
                            (
                                g,
                                f"It is {pname}={_fmt(g)}: one factor of {pname} too many "
                                "(an exponent 1 too big?).",
                            ),
                            (
                                1 / g,
                                f"It is 1/{pname}: one factor of {pname} too few "
                                "(an exponent 1 too small?).",
                            ),
                        ]
                for pname in ("base_lr", "max_lr"):
                    b = params.get(pname)
                    if isinstance(b, numbers.Real) and b not in (0, 1):
                        known += [
                            (b, f"It is {pname}: you multiply by {pname} twice."),
                            (1 / b, f"It is 1/{pname}: you forgot to multiply by {pname}."),
                        ]
                for value, meaning in known:
                    if math.isclose(c, value, rel_tol=1e-6):
                        return f"{msg} {meaning}"
                return msg
        if self.explain is not None:
            try:
                return self.explain(expected, returned, steps, params)
            except Exception:
                return None
        return None

    def _grade(self, answer, runner):
        checks: list[Check] = []
        notes: list[str] = []
        if not callable(answer) or isinstance(answer, type):
            what = (
                "a class"
                if isinstance(answer, type)
                else f"a {type(answer).__name__} ({_safe_repr(answer)})"
            )
            return Report(
                self.exercise_id,
                self.title,
                [
                    Check(
                        "answer",
                        False,
                        (
                            f"expected a function, got {what}. Pass the function itself, without calling it: "
                            f"check({self.exercise_id!r}, {self.name})."
                        ),
                        points=1 + len(self.cases),
                    )
                ],
            )
        if self.check_signature:
            sig_check, sig_note = self._signature_check(answer)
            if sig_check is not None:
                checks.append(sig_check)
            if sig_note:
                notes.append(sig_note)
        curve: Curve | None = None
        failures = []
        seen: dict[str, str] = {}  # failure text -> the case where it was shown first
        diagnosed: dict[str, str] = {}  # diagnosis -> the case where it was given first
        vector_case = None
        first_curve: Curve | None = None  # shown when every check passed
        for case in self.cases:
            if runner.timed_out:
                checks.append(Check(case.name, False, "skipped: an earlier check ran out of time."))
                continue
            expected = self._expected(case)
            returned, problems, failure, at = self._run_case(answer, case, runner)
            first_values = list(case.steps if self.per_step else case.metrics)
            unit = "step" if self.per_step else "metric"
            x = (
                np.asarray(case.steps, dtype=float)
                if self.per_step
                else np.arange(len(first_values), dtype=float)
            )
            title = f"{case.name}: " + self._describe(case)
            if failure is not None:
                failures.append(failure)
                if failure.not_implemented:
                    checks.append(
                        Check(
                            case.name,
                            False,
                            f"{self.name} raises NotImplementedError: not attempted yet.",
                        )
                    )
                    continue
                where = (
                    f"At {unit} {_fmt(first_values[at])}, "
                    f"{self._describe(case, first_values[at])}: "
                    if self.per_step
                    else f"{self._describe(case, list(case.metrics))}: "
                )
                if failure.text in seen:
                    msg = where + f"the same error as in “{seen[failure.text]}”."
                else:
                    seen[failure.text] = case.name
                    msg = where + failure.text
                    if case.hint:
                        msg += f"\nHint: {case.hint}"
                checks.append(Check(case.name, False, msg))
                if curve is None and self.per_step and at > 0:
                    curve = Curve(
                        x[:at], expected[:at], returned[:at], None, title, unit, self.log_y
                    )
                continue
            scale = float(np.nanmax(np.abs(expected))) if np.any(np.isfinite(expected)) else 1.0

            def tol(a, b, scale=scale):
                return np.isclose(a, b, rtol=RTOL, atol=ATOL * scale)

            valid = np.isfinite(returned)
            good = valid & tol(returned, expected)
            if np.all(good):
                checks.append(Check(case.name, True, f"{len(good)} {unit}s right."))
                if vector_case is None:
                    vector_case = case
                if first_curve is None:
                    first_curve = Curve(x, expected, returned, None, title, unit, self.log_y)
                continue
            i = int(np.argmin(good))
            if self.per_step:
                head = (
                    f"At {unit} {_fmt(first_values[i])}, {self._describe(case, first_values[i])} "
                )
            else:
                head = (
                    f"After metrics[{i}] = {_fmt(first_values[i])}, "
                    f"{self._describe(case, list(case.metrics))} "
                )
            if i in problems:
                msg = head + problems[i] + f"; expected {_fmt(float(expected[i]))}."
            else:
                msg = head + (
                    f"returned {_fmt(float(returned[i]))}; expected {_fmt(float(expected[i]))}."
                )
            wrong = int((~good).sum())
            msg += f" Wrong at {wrong} of {len(good)} {unit}s."
            if not problems or valid.sum() > len(valid) // 2:
                diagnosis = self._diagnose(case, expected, returned, valid, i, tol)
                if diagnosis in diagnosed:  # each diagnosis said once per report
                    msg += f"\nDiagnosis: the same as under {diagnosed[diagnosis]!r} above."
                elif diagnosis:
                    diagnosed[diagnosis] = case.name
                    msg += f"\nDiagnosis: {diagnosis}"
            if case.hint:
                msg += f"\nHint: {case.hint}"
            checks.append(Check(case.name, False, msg))
            if curve is None:
                curve = Curve(x, expected, returned, i, title, unit, self.log_y)
        if (
            failures
            and all(f.not_implemented for f in failures)
            and not any(c.passed for c in checks if c.name != "signature")
        ):
            return not_attempted_report(self, checks)
        if curve is None and not failures:
            curve = first_curve
        if self.per_step and vector_case is not None and not runner.timed_out:
            notes.append(self._vector_note(answer, vector_case, runner))
        return Report(self.exercise_id, self.title, checks, notes=notes, curve=curve)

    def _vector_note(self, answer, case: Case, runner: Runner) -> str:
        """Note (never a failure) whether the answer also takes an array of steps."""
        steps = np.asarray(case.steps)
        args, kwargs = self._arguments(case)
        quiet = Runner(min(runner.time_limit, 2.0))
        quiet.start_check()
        ok, out = quiet.call(answer, steps.copy(), *copy.deepcopy(args), **copy.deepcopy(kwargs))
        vectorised = False
        if ok:
            try:
                arr = np.asarray(out, dtype=float)
                expected = self._expected(case)
                scale = float(np.nanmax(np.abs(expected)))
                vectorised = arr.shape == steps.shape and bool(
                    np.all(np.isclose(arr, expected, rtol=RTOL, atol=ATOL * scale))
                )
            except Exception:
                vectorised = False
        if vectorised:
            return (
                f"your {self.name} also works on a NumPy array of steps (it is vectorised), "
                "like lrlab's."
            )
        return (
            f"your {self.name} works one step at a time, which is all this exercise asks; "
            "lrlab's version also takes a NumPy array of steps at once (vectorised)."
        )
