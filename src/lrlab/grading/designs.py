"""The *design* parts of chapters 0, 1 and 8: choose a schedule's settings for a stated budget
and goal. Each is graded by computing what the answer implies, so that the verdict is the same
on every machine and with every seed:

* ``DESIGN_BOWL_SCHEDULE`` (chapter 0): an ``lr_lambda(t)`` for ``LambdaLR`` on chapter 0's
  noisy valley, SGD at lr 0.18 for 200 steps. The grader computes the *expected* loss of every
  step exactly (by the recursion of the chapter's noise floor) and asks for an end at least 25 %
  below that of the best constant lr, without the lr ever exceeding the optimizer's.
* ``DESIGN_MULTISTEP`` (chapter 1): ``MultiStepLR``'s milestones and gamma for a run counted in
  updates: the peak held for the first half, about 1e-3 of it over the last 10 %, no drop larger
  than 10x and every level in between held for 5 % of the run.
* ``DESIGN_ONE_CYCLE`` (chapter 8): ``OneCycleLR``'s settings for chapter 8's digits run: a cycle
  that spans the run exactly, a peak between the range test's two readings, half the peak by the
  end of the first epoch, and an end 1000 times below the peak.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np

from lrlab.grading._helpers import _fmt, _is_number, _safe_repr, _safe_str
from lrlab.grading.kinds import (
    Exercise,
    call_answer_value,
    copy_mapping,
    not_attempted_report,
)
from lrlab.grading.report import Check, Curve, Report
from lrlab.grading.sandbox import as_float
from lrlab.schedules import multistep_lr, one_cycle_lr

__all__ = [
    "BOWL_BUDGET",
    "DESIGN_BOWL_SCHEDULE",
    "DESIGN_MULTISTEP",
    "DESIGN_ONE_CYCLE",
    "MULTISTEP_BUDGET",
    "ONE_CYCLE_BUDGET",
    "best_constant",
    "bowl_expected_loss",
]


_NOT_CHECKED = "not checked: see the check above."


def _fail_all(exercise: Exercise, names: Sequence[str], message: str, checks=()) -> Report:
    """A report whose checks after ``checks`` all fail: the first says why, once."""
    done = list(checks)
    rest = names[len(done) :]
    failed = [Check(rest[0], False, message)] + [Check(n, False, _NOT_CHECKED) for n in rest[1:]]
    return Report(exercise.exercise_id, exercise.title, done + failed)


def _failed_call(exercise, failure, prefix: str = "") -> Report:
    """The report of an answer whose code gave no value: not attempted, or ``failure``'s text."""
    names = exercise._NAMES
    if failure.not_implemented:
        return not_attempted_report(exercise, [Check(n, False, "") for n in names])
    return _fail_all(exercise, names, prefix + failure.text)


def _line_curve(lrs: np.ndarray, level: float, title: str, xlabel: str, **kw) -> Curve:
    """The plot of the reader's lr over a horizontal line at ``level``: at most 250 points (the
    report embeds the figure as SVG)."""
    steps = np.arange(0, len(lrs), max(1, math.ceil(len(lrs) / 250)))
    return Curve(steps, np.full(len(steps), level), lrs[steps], None, title, xlabel, **kw)


# ---- chapter 0: a schedule for the noisy valley ---------------------------------------------

#: The budget and goal of ``DESIGN_BOWL_SCHEDULE``: chapter 0's valley (curvatures, gradient
#: noise, start), the optimizer's lr and the steps; the goal is an expected loss over the last
#: ``window`` steps at most ``goal`` times that of the best constant lr.
BOWL_BUDGET = {
    "curvature": (1.0, 10.0),
    "noise": 0.25,
    "start": (-4.0, 1.5),
    "steps": 200,
    "lr": 0.18,
    "window": 20,
    "goal": 0.75,
}


def _bowl_moments(lrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The expected squared mean and the variance of each coordinate, before each step and
    after the last: arrays of shape ``lrs.shape[:-1] + (steps + 1, 2)``."""
    b = BOWL_BUDGET
    h = np.asarray(b["curvature"], dtype=float)
    lrs = np.asarray(lrs, dtype=float)
    steps = lrs.shape[-1]
    mean2 = np.empty(lrs.shape[:-1] + (steps + 1, 2))
    var = np.empty_like(mean2)
    m = np.broadcast_to(np.asarray(b["start"], dtype=float), lrs.shape[:-1] + (2,)).copy()
    v = np.zeros_like(m)
    mean2[..., 0, :], var[..., 0, :] = m * m, v
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            eta = lrs[..., t, None]
            factor = 1.0 - eta * h
            m = factor * m
            v = factor * factor * v + eta * eta * b["noise"] ** 2
            mean2[..., t + 1, :], var[..., t + 1, :] = m * m, v
    return mean2, var


def bowl_expected_loss(lrs) -> np.ndarray:
    r"""The expected loss of SGD on chapter 0's noisy valley, before each step and after the last.

    With curvatures :math:`h_i`, noise :math:`\sigma` and the lr :math:`\eta_t` of step
    :math:`t`, each coordinate's mean and variance follow :math:`m \leftarrow (1 - \eta_t h_i) m`
    and :math:`v \leftarrow (1 - \eta_t h_i)^2 v + \eta_t^2 \sigma^2`, and
    :math:`\mathbb E[L] = \sum_i \tfrac12 h_i (m_i^2 + v_i)`: the mean of
    ``QuadraticBowl(...).descend(...).loss`` over infinitely many seeds.

    Args:
        lrs: the lr of each step, shape ``(..., steps)``.

    Returns:
        An array of shape ``(..., steps + 1)`` (``inf`` or ``nan`` where it overflowed).
    """
    mean2, var = _bowl_moments(lrs)
    h = np.asarray(BOWL_BUDGET["curvature"], dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * ((mean2 + var) * h).sum(axis=-1)


@functools.lru_cache(maxsize=1)
def best_constant() -> tuple[float, float]:
    """``(lr, loss)``: the constant lr of at most the budget's with the lowest expected loss over
    the last ``window`` steps (a grid of 2000 rates), and that loss."""
    b = BOWL_BUDGET
    grid = np.linspace(b["lr"] / 2000, b["lr"], 2000)
    losses = bowl_expected_loss(np.repeat(grid[:, None], b["steps"], axis=1))
    late = losses[:, -b["window"] :].mean(axis=1)
    i = int(np.argmin(late))
    return float(grid[i]), float(late[i])


class _BowlDesign(Exercise):
    """The answer is ``lr_lambda(t)``, the factor of ``LambdaLR`` at step ``t``."""

    _NAMES = ("the lr stays within the budget", "the loss at the end")

    def _grade(self, answer, runner):
        b = BOWL_BUDGET
        steps, base = b["steps"], b["lr"]
        if not callable(answer):
            return _fail_all(
                self,
                self._NAMES,
                f"your answer is a {type(answer).__name__} ({_safe_repr(answer)}); answer with "
                "the function lr_lambda itself (not called).",
            )
        runner.start_check()
        factors = np.full(steps, np.nan)
        for t in range(steps):
            ok, value = runner.call(answer, t)
            if not ok:
                return _failed_call(self, value, f"lr_lambda({t}) failed: ")
            x, problem = as_float(value, runner)
            if problem:
                return _fail_all(self, self._NAMES, f"lr_lambda({t}) {problem}.")
            factors[t] = x
        lrs = base * factors
        best_lr, _ = best_constant()
        curve = _line_curve(
            lrs,
            best_lr,
            f"your lr at each step (the line: the best constant lr, {best_lr:.3f})",
            "step",
        )
        checks = [
            Check(self._NAMES[0], *self._budget(factors)),
            Check(self._NAMES[1], *self._end(factors, lrs)),
        ]
        return Report(self.exercise_id, self.title, checks, curve=curve)

    @staticmethod
    def _budget(factors: np.ndarray) -> tuple[bool, str]:
        base = BOWL_BUDGET["lr"]
        if np.any(factors < 0):
            t = int(np.flatnonzero(factors < 0)[0])
            return False, (
                f"lr_lambda({t}) = {_fmt(factors[t])} is negative: with a negative lr SGD climbs "
                "the loss. A factor is >= 0."
            )
        if np.any(factors > 1 + 1e-9):
            t = int(np.argmax(factors))
            lr = base * factors[t]
            unstable = 2.0 / max(BOWL_BUDGET["curvature"])
            return False, (
                f"lr_lambda({t}) = {_fmt(factors[t])}, so step {t} runs at lr {lr:.3g}, above "
                f"the optimizer's {base:g}: LambdaLR multiplies the optimizer's lr by the factor, "
                "which must stay <= 1"
                + (
                    f" (above 2 / 10 = {unstable:g} the steep direction diverges)."
                    if lr >= unstable
                    else "."
                )
            )
        return True, (
            f"the lr stays between {base * factors.min():.3g} and {base * factors.max():.3g}, "
            f"at most the optimizer's {base:g}."
        )

    @staticmethod
    def _end(factors: np.ndarray, lrs: np.ndarray) -> tuple[bool, str]:
        b = BOWL_BUDGET
        window, goal, base = b["window"], b["goal"], b["lr"]
        best_lr, best = best_constant()
        losses = bowl_expected_loss(lrs)
        late = float(np.mean(losses[-window:]))
        where = (
            f"the expected loss over the last {window} steps (the mean over the gradient noise, "
            "computed exactly)"
        )
        if not math.isfinite(late) or late > losses[0]:
            return False, (
                f"{where} is {late:.3g}, above the starting loss {losses[0]:.3g}: the run "
                "diverges. A negative lr, or one above 2 / 10 = 0.2, makes the iterate grow."
            )
        ratio = late / best
        told = (
            f"{where} is {late:.3g}, {ratio:.2f} times that of the best constant lr "
            f"({best_lr:.3f}, whose loss is {best:.3g})"
        )
        if ratio <= goal:
            return True, f"{told}: at most {goal:g} times, goal reached."
        if np.ptp(factors) <= 1e-12 * max(abs(factors).max(), 1e-300):
            return False, (
                f"{told}; the goal is at most {goal:g} times. Your lr is {lrs[0]:.3g} at every "
                "step: a constant lr does at best as well as the best constant. Start large "
                "and end small."
            )
        hints = []
        if math.isclose(factors[0], base, rel_tol=1e-6):
            hints.append(
                f"lr_lambda(0) = {_fmt(factors[0])} is the optimizer's lr itself: lr_lambda "
                "returns a factor (LambdaLR multiplies the optimizer's lr by it), 1 at step 0."
            )
        mean2, var = _bowl_moments(lrs)
        h = np.asarray(b["curvature"], dtype=float)
        bias = float(np.mean((0.5 * h * mean2[-window:]).sum(axis=-1)))
        if bias > late / 2:
            hints.append(
                f"The iterate has not reached the bottom: the shallow coordinate w1 is still "
                f"{math.sqrt(mean2[-1, 0]):.2g} from 0 (it shrinks by 1 - lr at each step; your "
                f"lrs add up to {lrs.sum():.2f}). Your lr is too small or falls too fast: keep it "
                "large for longer."
            )
        else:
            hints.append(
                f"The noise: your last lr, {lrs[-1]:.3g}, leaves the iterate a cloud around the "
                f"bottom whose size grows with the lr (the chapter's noise floor). Let the lr fall "
                "lower by the end."
            )
        return False, f"{told}; the goal is at most {goal:g} times. " + " ".join(hints)


DESIGN_BOWL_SCHEDULE = _BowlDesign(
    "design_bowl_schedule",
    "Design a schedule for chapter 0's noisy valley: lr_lambda(t) for LambdaLR on SGD at lr "
    "0.18 for 200 steps, ending at least 25 % below the best constant lr.",
)


# ---- chapter 1: MultiStepLR's milestones for a budget ----------------------------------------

#: The budget and goal of ``DESIGN_MULTISTEP``: ``epochs`` x ``updates_per_epoch`` updates at
#: ``lr``, the scheduler stepped after every update; the peak held for the first ``hold`` of the
#: run, the lr between ``end_low`` and ``end_high`` times the peak over its last ``tail``, no drop
#: larger than ``max_drop`` times and every level in between held ``min_level`` of the run.
MULTISTEP_BUDGET = {
    "epochs": 30,
    "updates_per_epoch": 500,
    "lr": 0.1,
    "hold": 0.5,
    "tail": 0.1,
    "end_low": 5e-4,
    "end_high": 2e-3,
    "max_drop": 10.0,
    "min_level": 0.05,
}


def _multistep_targets() -> tuple[int, int, int, int]:
    """(updates, the first update that may run below the peak, the first of the tail, the
    shortest level in updates)."""
    b = MULTISTEP_BUDGET
    total = b["epochs"] * b["updates_per_epoch"]
    return (
        total,
        math.ceil(b["hold"] * total),
        math.floor((1 - b["tail"]) * total),
        math.ceil(b["min_level"] * total),
    )


def _as_milestones(value) -> tuple[list[int] | None, str | None]:
    """The milestones as ints, or None and what is wrong with them."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, np.ndarray)):
        return None, (
            f"milestones is {_safe_repr(value)}; it is a list of update counts, e.g. [100, 200]."
        )
    marks = []
    for m in list(value):
        if not _is_number(m) or not math.isfinite(m):
            return None, f"milestone {_safe_repr(m)} is not a number of updates."
        if not float(m).is_integer():
            return None, (
                f"milestone {_fmt(m)} is not an integer: MultiStepLR compares each milestone "
                "with its step count, an integer, so this drop never happens."
            )
        if m < 0:
            return None, f"milestone {_fmt(m)} is negative: the step count starts at 0."
        marks.append(int(m))
    return marks, None


def _multistep_lrs(marks: list[int], gamma: float) -> np.ndarray:
    total = _multistep_targets()[0]
    return multistep_lr(np.arange(total), MULTISTEP_BUDGET["lr"], marks, gamma)


class _MultiStepDesign(Exercise):
    """The answer is ``{"milestones": [...], "gamma": g}`` (or a function returning it)."""

    _NAMES = ("the peak for the first half", "the end of the run", "the drops")

    def _grade(self, answer, runner):
        ok, value = call_answer_value(answer, runner)
        if ok:
            ok, value = copy_mapping(value, runner)
        if not ok:
            return _failed_call(self, value)
        if not isinstance(value, Mapping) or set(value) != {"milestones", "gamma"}:
            return _fail_all(
                self,
                self._NAMES,
                f"your answer is {_safe_repr(value)}; return a dict with exactly the keys "
                "'milestones' and 'gamma'.",
            )
        gamma = value["gamma"]
        if not _is_number(gamma) or not math.isfinite(gamma) or gamma < 0:
            return _fail_all(
                self, self._NAMES, f"gamma={_safe_repr(gamma)}: gamma is a number >= 0."
            )
        gamma = float(gamma)
        marks, problem = _as_milestones(value["milestones"])
        if problem:
            return _fail_all(self, self._NAMES, problem)
        total, hold, tail, _ = _multistep_targets()
        lrs = _multistep_lrs(marks, gamma)
        checks = [
            Check(self._NAMES[0], *self._peak(lrs, hold, total)),
            Check(self._NAMES[1], *self._end(lrs, marks, gamma, tail, total)),
            Check(self._NAMES[2], *self._drops(marks, gamma, total)),
        ]
        hint = self._mistake(marks, gamma, checks)
        if hint:  # said once, under the first failed check
            i = next(i for i, c in enumerate(checks) if not c.passed)
            checks[i] = Check(checks[i].name, False, f"{checks[i].message} {hint}")
        curve = _line_curve(
            lrs,
            MULTISTEP_BUDGET["lr"],
            f"your lr over the {total} updates (the line: the peak)",
            "update",
            log_y=bool(np.all(lrs > 0)),
        )
        return Report(self.exercise_id, self.title, checks, curve=curve)

    @staticmethod
    def _peak(lrs, hold, total) -> tuple[bool, str]:
        below = np.flatnonzero(lrs < MULTISTEP_BUDGET["lr"])
        first = int(below[0]) if below.size else total
        if first < hold:
            return False, (
                f"the lr first drops at update {first} ({first / total:.1%} of the run); it "
                f"must stay at the peak for the first half, updates 0 to {hold - 1}."
            )
        if not below.size:
            return True, "the lr stays at the peak for the whole run (so it never decays)."
        return True, f"the lr stays at the peak until update {first} ({first / total:.0%})."

    @staticmethod
    def _end(lrs, marks, gamma, tail, total) -> tuple[bool, str]:
        b = MULTISTEP_BUDGET
        low, high = b["end_low"], b["end_high"]
        ratios = lrs[tail:] / b["lr"]
        span = f"updates {tail} to {total - 1}"
        if gamma == 0 and any(m < total for m in marks):
            return False, (
                "gamma=0 multiplies the lr by 0: it vanishes at the first milestone and training "
                "stops there. gamma is the factor each drop keeps, such as 0.1."
            )
        if ratios.min() != ratios.max():
            last = max(m for m in marks if m < total)
            return False, (
                f"the lr still drops at update {last}, inside the last 10 % ({span}): it must "
                "have reached its final level before them."
            )
        ratio = float(ratios[0])
        if low <= ratio <= high:
            return True, f"the lr is {ratio:.2g} of the peak over {span}."
        passed = sum(1 for m in marks if m < total)
        why = f"{passed} drop{'s' if passed != 1 else ''} of gamma={gamma:g} give {ratio:.2g}"
        late = [m for m in marks if m >= total]
        if late:
            why += (
                f"; milestone {late[0]} is at or past the run's {total} updates, so it is never "
                "reached"
            )
        return False, (
            f"over {span} the lr is {ratio:.2g} of the peak, not about 1e-3 (between {low:g} "
            f"and {high:g}): {why}."
        )

    @staticmethod
    def _drops(marks, gamma, total) -> tuple[bool, str]:
        b = MULTISTEP_BUDGET
        shortest = _multistep_targets()[3]
        inside = sorted(m for m in marks if m < total)
        if not inside:
            return False, "no milestone falls inside the run: the lr never drops."
        if gamma == 0:
            return False, "gamma=0 is not a drop but the end of training: the lr becomes 0."
        if gamma >= 1:
            return False, f"gamma={gamma:g} does not lower the lr: each drop keeps a fraction < 1."
        repeated = sorted({m for m in inside if inside.count(m) > 1})
        if repeated:
            return False, (
                f"milestone {repeated[0]} is given {inside.count(repeated[0])} times: MultiStepLR "
                f"drops the lr once per copy, by {1 / gamma ** inside.count(repeated[0]):.3g} "
                f"times at once there."
            )
        if gamma < 1 / b["max_drop"] * (1 - 1e-9):
            return False, (
                f"gamma={gamma:g} divides the lr by {1 / gamma:.3g} at each drop, more than "
                f"{b['max_drop']:g} times at once: use more drops of a milder gamma."
            )
        gaps = np.diff(inside)
        if gaps.size and gaps.min() < shortest:
            i = int(np.argmin(gaps))
            return False, (
                f"the lr stays only {gaps[i]} updates at the level between the drops at updates "
                f"{inside[i]} and {inside[i + 1]}; hold every level at least {shortest} updates "
                "(5 % of the run)."
            )
        return True, (
            f"{len(inside)} drops of {1 / gamma:.3g} times, at updates "
            f"{', '.join(map(str, inside))}."
        )

    @staticmethod
    def _mistake(marks, gamma, checks) -> str:
        """What a typical mistake did, when one fits a failing answer."""
        b = MULTISTEP_BUDGET
        if all(c.passed for c in checks) or not marks:
            return ""
        if max(marks) <= b["epochs"]:
            return (
                f"Your milestones {marks} look like epochs: the scheduler is stepped after every "
                f"update, {b['updates_per_epoch']} per epoch, so MultiStepLR counts updates."
            )
        total, hold, tail, _ = _multistep_targets()
        positions = [int(x) for x in np.cumsum(marks)]
        if positions != sorted(marks) and max(positions) < total:
            fixed = _multistep_lrs(positions, gamma)
            peak = _MultiStepDesign._peak(fixed, hold, total)[0]
            end = _MultiStepDesign._end(fixed, positions, gamma, tail, total)[0]
            if peak and end:
                return (
                    f"Your milestones look like the gaps between the drops; MultiStepLR takes "
                    f"their positions, counted from update 0: {positions}."
                )
        return ""


DESIGN_MULTISTEP = _MultiStepDesign(
    "design_multistep",
    "Design a step decay: MultiStepLR's milestones and gamma for 30 epochs of 500 updates, "
    "stepped per update: the peak for half the run, about 1e-3 of it at the end.",
)


# ---- chapter 8: a one-cycle for the digits run -----------------------------------------------

#: The budget and goal of ``DESIGN_ONE_CYCLE``: chapter 8's digits run (training images,
#: batch size with ``drop_last=False``, epochs; the scheduler stepped after every update), the
#: range test's two readings (the bottom of the loss, the edge where it blows up), the lr by the
#: end of the first epoch (``first_epoch`` of the peak or more), the first lr (``start`` of the
#: peak or less) and the last (``end`` of the peak or less).
ONE_CYCLE_BUDGET = {
    "num_examples": 1348,
    "batch_size": 32,
    "epochs": 6,
    "bottom_lr": 0.06,
    "edge_lr": 0.2,
    "first_epoch": 0.5,
    "start": 0.1,
    "end": 1e-3,
}

_ONE_CYCLE_KEYS = {
    "max_lr",
    "total_steps",
    "epochs",
    "steps_per_epoch",
    "pct_start",
    "anneal_strategy",
    "div_factor",
    "final_div_factor",
    "three_phase",
}
# OneCycleLR's momentum arguments: accepted, and without effect on the lr.
_MOMENTUM_KEYS = {"cycle_momentum", "base_momentum", "max_momentum"}


def _one_cycle_counts() -> tuple[int, int]:
    """(updates per epoch, updates of the run)."""
    b = ONE_CYCLE_BUDGET
    per_epoch = math.ceil(b["num_examples"] / b["batch_size"])
    return per_epoch, b["epochs"] * per_epoch


class _OneCycleDesign(Exercise):
    """The answer is a dict of ``OneCycleLR``'s keyword arguments (or a function returning it)."""

    _NAMES = ("total_steps", "the peak", "the warm-up", "the end")

    def _grade(self, answer, runner):
        ok, value = call_answer_value(answer, runner)
        if ok:
            ok, value = copy_mapping(value, runner)
        if not ok:
            return _failed_call(self, value)
        settings, problem = self._parse(value)
        if problem:
            return _fail_all(self, self._NAMES, problem)
        per_epoch, updates = _one_cycle_counts()
        total = settings.pop("total_steps")
        checks = [Check(self._NAMES[0], *self._total(total, per_epoch, updates))]
        if total < updates:
            return _fail_all(self, self._NAMES, "not checked: the run fails first.", checks)
        try:
            lrs = one_cycle_lr(np.arange(updates), total_steps=total, **settings)
        except (TypeError, ValueError) as err:
            message = f"OneCycleLR rejects your settings: {_safe_str(err)}"
            return _fail_all(self, self._NAMES, message, checks)
        peak = float(settings["max_lr"])
        checks += [
            Check(self._NAMES[1], *self._peak(peak)),
            Check(self._NAMES[2], *self._warmup(lrs, peak, per_epoch)),
            Check(self._NAMES[3], *self._end(lrs, peak, total, updates)),
        ]
        title = f"your lr over the {updates} updates (the line: the range test's edge)"
        curve = _line_curve(lrs, ONE_CYCLE_BUDGET["edge_lr"], title, "update")
        return Report(self.exercise_id, self.title, checks, curve=curve)

    @staticmethod
    def _parse(value) -> tuple[dict | None, str | None]:
        """OneCycleLR's settings as keyword arguments of ``one_cycle_lr``, or what is wrong."""
        if not isinstance(value, Mapping):
            return None, (
                f"your answer is {_safe_repr(value)}; return a dict of OneCycleLR's keyword "
                "arguments, such as {'max_lr': ..., 'total_steps': ...}."
            )
        keys = set(value)
        unknown = sorted(str(k) for k in keys - _ONE_CYCLE_KEYS - _MOMENTUM_KEYS)
        if unknown:
            return None, (
                f"OneCycleLR has no argument {unknown[0]!r}; its arguments (besides the "
                f"optimizer) are {', '.join(sorted(_ONE_CYCLE_KEYS | _MOMENTUM_KEYS))}."
            )
        if "max_lr" not in keys:
            return None, "max_lr is missing: OneCycleLR needs the peak of the cycle."
        settings = {k: value[k] for k in keys & _ONE_CYCLE_KEYS}
        for key in ("max_lr", "total_steps", "epochs", "steps_per_epoch"):
            x = settings.get(key)
            if x is not None and (not _is_number(x) or not math.isfinite(x)):
                return None, f"{key}={_safe_repr(x)}: a number was expected."
        total = settings.pop("total_steps", None)
        epochs, per_epoch = settings.pop("epochs", None), settings.pop("steps_per_epoch", None)
        if total is None:
            if epochs is None or per_epoch is None:
                return None, (
                    "OneCycleLR needs total_steps, or both epochs and steps_per_epoch, to know "
                    "the length of the cycle."
                )
            total = epochs * per_epoch
        if not float(total).is_integer() or total < 1:
            return None, (
                f"total_steps={_fmt(total)}: a number of scheduler steps is a whole number >= 1 "
                "(count the batches of an epoch with math.ceil)."
            )
        settings["total_steps"] = int(total)
        return settings, None

    @staticmethod
    def _total(total: int, per_epoch: int, updates: int) -> tuple[bool, str]:
        b = ONE_CYCLE_BUDGET
        n, size, epochs = b["num_examples"], b["batch_size"], b["epochs"]
        count = f"{epochs} epochs × ceil({n} / {size}) = {epochs} × {per_epoch} = {updates}"
        if total == updates:
            return True, f"{total}: {count} updates, right."
        known = {
            epochs: "That counts epochs; the scheduler is stepped after every update.",
            per_epoch: "That is one epoch's updates; the cycle spans the whole run.",
            epochs * (n // size): f"drop_last=False keeps the short last batch of each epoch: "
            f"ceil({n} / {size}) = {per_epoch} updates per epoch, not {n // size}.",
            epochs * n: "That counts images, not batches.",
        }
        why = known.get(total, f"The run makes {count} updates.")
        if total < updates:
            return False, (
                f"total_steps={total} is too short: scheduler.step() number {total + 1} "
                f"raises ValueError (OneCycleLR cannot be stepped past total_steps), "
                f"and the run stops. {why}"
            )
        return False, (
            f"total_steps={total}, but the run makes {count} updates: it stops "
            f"{total - updates} steps before the end of its cycle."
            + ("" if total not in known else f" {known[total]}")
        )

    @staticmethod
    def _peak(peak: float) -> tuple[bool, str]:
        b = ONE_CYCLE_BUDGET
        low, high = b["bottom_lr"], b["edge_lr"]
        if peak > high * (1 + 1e-9):
            return False, (
                f"max_lr={peak:.3g} is above {high:g}, where the range test's loss blew "
                "up: the budget caps the peak there."
            )
        if peak < low * (1 - 1e-9):
            return False, (
                f"max_lr={peak:.3g} is below {low:g}, the bottom of the range test's "
                "loss: one cycle goes as high as training still improves."
            )
        return True, f"max_lr={peak:.3g} is between {low:g} and {high:g}."

    @staticmethod
    def _warmup(lrs: np.ndarray, peak: float, per_epoch: int) -> tuple[bool, str]:
        b = ONE_CYCLE_BUDGET
        first, start = lrs[0] / peak, b["start"]
        at_epoch = lrs[per_epoch - 1] / peak
        if first > start * (1 + 1e-9):
            return False, (
                f"the first update runs at {first:.0%} of the peak: no warm-up. Start at "
                f"{start:.0%} of it or less (div_factor = max_lr / initial lr)."
            )
        if at_epoch < b["first_epoch"]:
            return False, (
                f"the last update of the first epoch (update {per_epoch - 1}) runs at only "
                f"{at_epoch:.0%} of the peak, not {b['first_epoch']:.0%}: the warm-up is too "
                "long (pct_start), and a long warm-up delays learning."
            )
        return True, (
            f"from {first:.1%} of the peak to {at_epoch:.0%} of it by the end of the first epoch."
        )

    @staticmethod
    def _end(lrs: np.ndarray, peak: float, total: int, updates: int) -> tuple[bool, str]:
        b = ONE_CYCLE_BUDGET
        last = lrs[-1] / peak
        if last <= b["end"]:
            return True, f"the last update runs at {last:.1e} of the peak."
        why = (
            f"the cycle ends at step {total - 1}, after the run's last update ({updates - 1})"
            if total > updates
            else "raise final_div_factor (the end is max_lr / (div_factor × final_div_factor))"
        )
        return False, (
            f"the last update runs at {last:.2g} of the peak, above {b['end']:g}: {why}."
        )


DESIGN_ONE_CYCLE = _OneCycleDesign(
    "design_one_cycle",
    "Design a one-cycle for chapter 8's digits run: OneCycleLR's settings for 6 epochs of "
    "1348 images in batches of 32, its peak within the range test's readings.",
)
