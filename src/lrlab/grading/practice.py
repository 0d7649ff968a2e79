"""The exercises of chapter 9 (``09_practice``): plan a run.

Three parts of three kinds, each graded by computing what the answer implies:

* ``PLAN_COUNTS`` (predict): a function from a ``Trainer`` configuration to its number of
  optimizer updates and of warmup steps, checked on three configurations against the
  ``Trainer``'s counting (the rules :mod:`lrlab.plan` implements); a wrong count is matched
  against the usual mistakes (batches counted instead of updates, the devices forgotten, the
  leftover short update forgotten, the warmup fraction floored instead of rounded up, ...).
* ``FIX_THE_SCHEDULE`` (diagnose): a hand-written loop whose cosine schedule was counted in
  epochs; the answer is the corrected ``num_warmup_steps`` and ``num_training_steps``, and the
  grader computes the learning rate of every update of the loop from them.
* ``DESIGN_SCHEDULE`` (design): a schedule for a stated budget and goal, as a function of the
  update; the grader computes it at every update and checks the peak (the square-root rule),
  the warmup (1 % to 10 % of the run) and the decay (at most 10 % of the peak at the end).

The counts are computed here with the ``Trainer``'s rules (``lrlab.grading`` does not import
``lrlab.plan``, a layer beside it); ``tests/test_grading_practice.py`` checks that both agree.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from lrlab.counting import epoch_batches, run_updates, updates_per_epoch, warmup_updates
from lrlab.grading._helpers import _fmt, _safe_repr
from lrlab.grading.kinds import Exercise, call_answer_value, not_attempted_report
from lrlab.grading.report import Check, Curve, Report
from lrlab.grading.sandbox import as_float
from lrlab.schedules import cosine_schedule_with_warmup

__all__ = [
    "DESIGN_BUDGET",
    "DESIGN_SCHEDULE",
    "FIX_LOOP",
    "FIX_THE_SCHEDULE",
    "PLAN_CONFIGS",
    "PLAN_COUNTS",
    "trainer_counts",
]

_KEYS = (
    "num_examples",
    "per_device_train_batch_size",
    "world_size",
    "gradient_accumulation_steps",
    "num_train_epochs",
    "warmup_steps",
)


def trainer_counts(
    config: Mapping[str, Any],
    *,
    devices: bool = True,
    updates: bool = True,
    leftover: bool = True,
    epochs: bool = True,
    ceil_warmup: bool = True,
) -> tuple[int, int]:
    """``(num_training_steps, num_warmup_steps)`` of a ``Trainer`` run, or of a usual mistake.

    ``config`` holds the keys ``num_examples``, ``per_device_train_batch_size``, ``world_size``,
    ``gradient_accumulation_steps``, ``num_train_epochs`` and ``warmup_steps`` (a number of steps
    from 1 on, truncated; a fraction of the run below 1, rounded up). The flags switch one rule
    off each, to compute a mistake: ``devices`` (divide the data among ``world_size``
    processes), ``updates`` (count updates, not batches), ``leftover`` (the short last update of
    an epoch), ``epochs`` (multiply by the epochs) and ``ceil_warmup`` (round the fraction up).

    Example:
        >>> trainer_counts({"num_examples": 1000, "per_device_train_batch_size": 8,
        ...                 "world_size": 1, "gradient_accumulation_steps": 4,
        ...                 "num_train_epochs": 2, "warmup_steps": 0.1})
        (64, 7)

    Raises:
        ValueError: a key is missing or its value is not a positive number (``warmup_steps``
            may be 0).
    """
    if not isinstance(config, Mapping):
        raise ValueError(f"config must be a dict of settings, got config={config!r}")
    values = {}
    for key in _KEYS:
        value = config.get(key)
        ok_type = isinstance(value, numbers.Real) and not isinstance(value, bool)
        low_ok = ok_type and (value >= 0 if key == "warmup_steps" else value > 0)
        if not (ok_type and math.isfinite(value) and low_ok):
            raise ValueError(f"config[{key!r}] must be a positive number, got {key}={value!r}")
        values[key] = value
    n, b = values["num_examples"], values["per_device_train_batch_size"]
    w = values["world_size"] if devices else 1
    k, e, ws = (
        values["gradient_accumulation_steps"],
        values["num_train_epochs"],
        values["warmup_steps"],
    )
    batches = epoch_batches(n, b, w)
    per_epoch = updates_per_epoch(batches, k, leftover=leftover) if updates else max(batches, 1)
    total = run_updates(e, per_epoch) if epochs else per_epoch
    warmup = warmup_updates(ws, total, round_up=ceil_warmup)
    return int(total), int(warmup)


# ---- part 1: predict ----------------------------------------------------------------------

#: The three configurations :data:`PLAN_COUNTS` calls the reader's function with.
PLAN_CONFIGS = (
    {
        "num_examples": 5000,
        "per_device_train_batch_size": 8,
        "world_size": 2,
        "gradient_accumulation_steps": 4,
        "num_train_epochs": 3,
        "warmup_steps": 0.05,
    },
    {
        "num_examples": 1000,
        "per_device_train_batch_size": 16,
        "world_size": 1,
        "gradient_accumulation_steps": 1,
        "num_train_epochs": 2,
        "warmup_steps": 0.1,
    },
    {
        "num_examples": 2000,
        "per_device_train_batch_size": 4,
        "world_size": 4,
        "gradient_accumulation_steps": 8,
        "num_train_epochs": 1.5,
        "warmup_steps": 5,
    },
)

# (flags of trainer_counts, what the count then did wrong), tried in this order.
_TOTAL_MISTAKES = (
    (
        dict(updates=False),
        "that counts minibatches, not optimizer updates: with gradient_accumulation_steps=k "
        "the optimizer (and the scheduler) steps once every k batches.",
    ),
    (
        dict(devices=False),
        "that forgets the devices: each of the world_size processes loads 1/world_size of "
        "the data, so an epoch has ceil(num_examples / (batch × world_size)) batches per process.",
    ),
    (
        dict(leftover=False),
        "that forgets the short last update: the Trainer also steps on the leftover batches "
        "of an epoch, so an epoch has ceil(batches / k) updates, not batches // k.",
    ),
    (
        dict(epochs=False),
        "that is one epoch; multiply by num_train_epochs (and round up: ceil(epochs × updates "
        "per epoch)).",
    ),
    (
        dict(updates=False, devices=False),
        "that counts the minibatches of a single device: divide by the devices, then count "
        "updates (one per gradient_accumulation_steps batches).",
    ),
)


def _as_count(value: Any) -> int | None:
    """A whole number (int, NumPy integer, or an integral float), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)) and math.isfinite(value):
        return int(value) if float(value).is_integer() else None
    return None


def _config_text(config: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={config[key]!r}" for key in _KEYS)


class _PlanCounts(Exercise):
    """The answer is ``count(config) -> (num_training_steps, num_warmup_steps)``."""

    def __init__(self, exercise_id: str, configs: tuple[Mapping[str, Any], ...]):
        super().__init__(
            exercise_id,
            "count(config) -> (num_training_steps, num_warmup_steps): the optimizer updates "
            "and warmup steps of a Trainer run.",
        )
        self.configs = configs

    def _grade(self, answer, runner):
        names = [f"config {i + 1}" for i in range(len(self.configs))]
        if not callable(answer):
            message = (
                f"your answer is a {type(answer).__name__} ({_safe_repr(answer)}); answer with "
                "the function count(config) itself, not its result."
            )
            return Report(self.exercise_id, self.title, [Check(names[0], False, message)])
        checks = []
        for name, config in zip(names, self.configs):
            runner.start_check()
            ok, value = runner.call(answer, dict(config))
            if not ok:
                if value.not_implemented:
                    return not_attempted_report(self, [Check(n, False, "") for n in names])
                checks.append(Check(name, False, value.text))
                continue
            checks.append(Check(name, *self._judge(config, value)))
        return Report(self.exercise_id, self.title, checks)

    def _judge(self, config: Mapping[str, Any], value: Any) -> tuple[bool, str]:
        where = f"For {_config_text(config)}: "
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return False, (
                f"{where}your function returned {_safe_repr(value)}; return a pair "
                "(num_training_steps, num_warmup_steps)."
            )
        total, warmup = (_as_count(v) for v in value)
        if total is None or warmup is None:
            return False, (
                f"{where}your function returned {_fmt(list(value))}; both counts must be whole "
                "numbers of updates (a fraction of the run is rounded up with math.ceil)."
            )
        right_total, right_warmup = trainer_counts(config)
        if (total, warmup) == (right_total, right_warmup):
            return True, f"{where}{total} updates, {warmup} of warmup: right."
        problems = []
        if total != right_total:
            why = next(
                (
                    text
                    for flags, text in _TOTAL_MISTAKES
                    if trainer_counts(config, **flags)[0] == total
                    and trainer_counts(config, **flags)[0] != right_total
                ),
                "count the batches per process per epoch, then the updates per epoch, then "
                "multiply by the epochs.",
            )
            problems.append(f"num_training_steps={total} is not right: {why}")
        if warmup != right_warmup:
            problems.append(
                f"num_warmup_steps={warmup} is not right: "
                + self._warmup_why(config, total, warmup, right_total)
            )
        return False, where + " ".join(problems)

    @staticmethod
    def _warmup_why(config, total: int, warmup: int, right_total: int) -> str:
        ws = config["warmup_steps"]
        if ws >= 1:
            return f"warmup_steps={ws!r} is a number of steps (from 1 on), used as it is."
        if warmup == math.floor(ws * right_total):
            return (
                f"{ws!r} × {right_total} = {ws * right_total:g} rounded down; the Trainer rounds "
                "a fraction up (math.ceil)."
            )
        if total != right_total and warmup == math.ceil(ws * total):
            return (
                f"it is ceil({ws!r} × {total}), right for your count of updates: fix that count "
                "and the warmup follows."
            )
        if warmup == math.floor(ws * total):
            return f"{ws!r} × {total} rounded down; round the fraction up (math.ceil)."
        return f"warmup_steps={ws!r} below 1 is a fraction of the run: ceil({ws!r} × T)."


PLAN_COUNTS = _PlanCounts("plan_counts", PLAN_CONFIGS)


# ---- part 2: diagnose ---------------------------------------------------------------------

#: The loop of :data:`FIX_THE_SCHEDULE`: epochs, minibatches per epoch, accumulation, warmup
#: fraction and peak. It steps the optimizer and the scheduler when ``(i + 1) % k == 0``.
FIX_LOOP = {
    "epochs": 4,
    "batches_per_epoch": 250,
    "gradient_accumulation_steps": 4,
    "warmup_fraction": 0.05,
    "lr": 3e-4,
}


def _fix_counts() -> tuple[int, tuple[int, ...]]:
    loop = FIX_LOOP
    updates = loop["epochs"] * (loop["batches_per_epoch"] // loop["gradient_accumulation_steps"])
    fraction = loop["warmup_fraction"] * updates
    return updates, tuple(sorted({math.floor(fraction), math.ceil(fraction)}))


class _FixTheSchedule(Exercise):
    """The answer is ``{"num_warmup_steps": W, "num_training_steps": T}`` for the loop."""

    def _grade(self, answer, runner):
        names = ("num_training_steps", "num_warmup_steps", "the lr of every update")
        ok, value = call_answer_value(answer, runner)
        if not ok:
            if value.not_implemented:
                return not_attempted_report(self, [Check(n, False, "") for n in names])
            return Report(
                self.exercise_id, self.title, [Check(n, False, value.text) for n in names]
            )
        if not isinstance(value, Mapping) or set(value) != {
            "num_warmup_steps",
            "num_training_steps",
        }:
            message = (
                f"your answer is {_safe_repr(value)}; return a dict with exactly the keys "
                "'num_warmup_steps' and 'num_training_steps'."
            )
            return Report(self.exercise_id, self.title, [Check(n, False, message) for n in names])
        total, warmup = _as_count(value["num_training_steps"]), _as_count(value["num_warmup_steps"])
        right_total, right_warmups = _fix_counts()
        checks = [
            Check(names[0], *self._total(value["num_training_steps"], total, right_total)),
            Check(names[1], *self._warmup(value["num_warmup_steps"], warmup, right_warmups)),
        ]
        check, curve = self._curve(total, warmup, right_total, right_warmups)
        checks.append(Check(names[2], *check))
        return Report(self.exercise_id, self.title, checks, curve=curve)

    @staticmethod
    def _total(raw: Any, total: int | None, right: int) -> tuple[bool, str]:
        loop = FIX_LOOP
        e, n_b, k = loop["epochs"], loop["batches_per_epoch"], loop["gradient_accumulation_steps"]
        if total is None:
            return False, f"{_safe_repr(raw)} is not a whole number of updates."
        if total == right:
            return True, f"{total}: {e} epochs × ({n_b} // {k}) updates, right."
        known = {
            e: "that is still the number of epochs, the mistake of the original code: the "
            "scheduler is stepped once per optimizer update, so T counts updates.",
            e * n_b: f"that counts minibatches; the loop steps the optimizer and the scheduler "
            f"once every {k} of them.",
            e * math.ceil(n_b / k): f"that is the Trainer's count, with a short last update per "
            f"epoch; this loop steps only when (i + 1) % {k} == 0, so the last {n_b % k} "
            f"minibatches of each epoch make no update: {n_b} // {k} per epoch.",
            n_b // k: "that is one epoch's updates; the schedule spans the whole run.",
            n_b: "that is one epoch's minibatches; count the updates of the whole run.",
        }
        return False, f"{total} is not right: " + known.get(
            total, f"count the updates the loop makes: epochs × (minibatches // {k})."
        )

    @staticmethod
    def _warmup(raw: Any, warmup: int | None, right: tuple[int, ...]) -> tuple[bool, str]:
        loop = FIX_LOOP
        e, n_b, k = loop["epochs"], loop["batches_per_epoch"], loop["gradient_accumulation_steps"]
        f = loop["warmup_fraction"]
        updates = e * (n_b // k)
        if warmup is None:
            if isinstance(raw, numbers.Real) and not isinstance(raw, bool) and 0 < raw < 1:
                return False, (
                    f"{raw!r} is a fraction; get_cosine_schedule_with_warmup takes a number of "
                    f"updates (only TrainingArguments converts a fraction): {f} × {updates}, "
                    "rounded."
                )
            return False, f"{_safe_repr(raw)} is not a whole number of updates."
        if warmup in right:
            return True, f"{warmup}: {f:.0%} of the {updates} updates, right."
        known = {
            int(f * e): f"that is int({f} × {e} epochs), the original mistake: it rounds the "
            "warmup to nothing. Count it in updates.",
            math.ceil(f * e * n_b): f"that is {f:.0%} of the minibatches, {k} times too long: "
            "count updates.",
            math.ceil(f * (n_b // k)): f"that is {f:.0%} of one epoch's updates; the fraction "
            "is of the whole run.",
            math.floor(f * (n_b // k)): f"that is {f:.0%} of one epoch's updates; the fraction "
            "is of the whole run.",
        }
        return False, f"{warmup} is not right: " + known.get(
            warmup, f"the warmup is {f:.0%} of the run's {updates} updates."
        )

    @staticmethod
    def _curve(total, warmup, right_total, right_warmups):
        lr = FIX_LOOP["lr"]
        steps = np.arange(right_total)
        expected = cosine_schedule_with_warmup(steps, lr, right_warmups[-1], right_total)
        if total is None or warmup is None:
            return (False, "no curve: the counts above are not whole numbers."), None
        try:
            returned = cosine_schedule_with_warmup(steps, lr, warmup, total)
        except ValueError as err:
            return (False, f"with your numbers the schedule cannot be built: {err}."), None
        last = returned[-1] / lr
        peak_at = int(np.argmax(returned))
        wrong = np.flatnonzero(~np.isclose(returned, expected, rtol=1e-9, atol=1e-12))
        curve = Curve(
            x=steps,
            expected=expected,
            returned=returned,
            first_wrong=int(wrong[0]) if wrong.size else None,
            title="the lr of every update of the loop",
            xlabel="update",
        )
        in_warmup = 0.04 * right_total <= peak_at <= 0.06 * right_total
        ends_low = last < 0.01 and bool(np.all(np.diff(returned[peak_at:]) <= 1e-15))
        if total == right_total and warmup in right_warmups and in_warmup and ends_low:
            return (
                True,
                f"peak at update {peak_at}, last update at {last:.2%} of the peak: the "
                "schedule fits the loop.",
            ), curve
        problems = []
        if not in_warmup:
            problems.append(
                f"the lr peaks at update {peak_at}, not after about 5 % of the "
                f"{right_total} updates"
            )
        if not ends_low:
            rising = total < right_total  # a cosine past its T climbs back
            problems.append(
                f"the last update runs at {last:.1%} of the peak"
                + (" and the cosine climbs back after your T" if rising else "")
                + ", not near 0"
            )
        if not problems:
            problems.append("the counts above are not right")
        return (False, "computed over the loop's updates: " + "; ".join(problems) + "."), curve


FIX_THE_SCHEDULE = _FixTheSchedule(
    "fix_the_schedule",
    "Fix the cosine schedule of a loop with gradient accumulation: num_warmup_steps "
    "and num_training_steps in optimizer updates.",
)


# ---- part 3: design -----------------------------------------------------------------------

#: The budget and goal of :data:`DESIGN_SCHEDULE`.
DESIGN_BUDGET = {
    "num_examples": 20_000,
    "per_device_train_batch_size": 16,
    "world_size": 2,
    "gradient_accumulation_steps": 2,
    "num_train_epochs": 1,
    "recipe_lr": 2e-4,
    "recipe_batch": 16,
}


def _design_targets() -> tuple[int, float, int, int]:
    """(updates, the peak by the square-root rule, the shortest and longest warmup allowed)."""
    d = DESIGN_BUDGET
    total, _ = trainer_counts({**d, "warmup_steps": 0})
    batch = d["per_device_train_batch_size"] * d["world_size"] * d["gradient_accumulation_steps"]
    peak = d["recipe_lr"] * math.sqrt(batch / d["recipe_batch"])
    return total, peak, math.ceil(0.01 * total), math.floor(0.10 * total)


class _DesignSchedule(Exercise):
    """The answer is ``lr_at(update) -> lr``; graded by computing it at every update."""

    def _grade(self, answer, runner):
        names = ("the peak", "the warmup", "the decay")
        if not callable(answer):
            message = (
                f"your answer is a {type(answer).__name__} ({_safe_repr(answer)}); answer with "
                "the function lr_at(update) itself."
            )
            return Report(self.exercise_id, self.title, [Check(n, False, message) for n in names])
        total, peak, shortest, longest = _design_targets()
        runner.start_check()
        lrs = np.full(total, np.nan)
        for t in range(total):
            ok, value = runner.call(answer, t)
            if not ok:
                if value.not_implemented:
                    return not_attempted_report(self, [Check(n, False, "") for n in names])
                message = f"lr_at({t}) failed: {value.text}"
                return Report(
                    self.exercise_id, self.title, [Check(n, False, message) for n in names]
                )
            x, problem = as_float(value, runner)
            if problem:
                message = f"lr_at({t}) {problem}."
                return Report(
                    self.exercise_id, self.title, [Check(n, False, message) for n in names]
                )
            lrs[t] = x
        if np.any(lrs < 0):
            bad = int(np.flatnonzero(lrs < 0)[0])
            message = f"lr_at({bad}) = {_fmt(lrs[bad])} is negative: a learning rate is >= 0."
            return Report(self.exercise_id, self.title, [Check(n, False, message) for n in names])
        top = float(lrs.max())
        reached = int(np.flatnonzero(lrs >= 0.999 * top)[0])
        curve = Curve(
            x=np.arange(total),
            expected=np.full(total, peak),
            returned=lrs,
            first_wrong=None,
            title=f"your schedule over the {total} updates (the line: the peak to reach)",
            xlabel="update",
        )
        checks = [
            Check(names[0], *self._peak(top, peak)),
            Check(names[1], *self._warmup(lrs, top, reached, total, shortest, longest)),
            Check(names[2], *self._decay(lrs, top, reached, total)),
        ]
        return Report(self.exercise_id, self.title, checks, curve=curve)

    @staticmethod
    def _peak(top: float, peak: float) -> tuple[bool, str]:
        d = DESIGN_BUDGET
        batch = (
            d["per_device_train_batch_size"] * d["world_size"] * d["gradient_accumulation_steps"]
        )
        ratio = batch / d["recipe_batch"]
        if math.isclose(top, peak, rel_tol=0.02):
            return (
                True,
                f"peak {top:.3g}: {d['recipe_lr']:g} × sqrt({batch} / {d['recipe_batch']}), right.",
            )
        known = (
            (
                d["recipe_lr"],
                "that is the recipe's lr, tuned for a batch of "
                f"{d['recipe_batch']}; your effective batch is {batch} (per device × devices × "
                "accumulation): scale it.",
            ),
            (
                d["recipe_lr"] * ratio,
                f"that is the linear rule (× {ratio:g}), derived for SGD; "
                f"for AdamW use the square-root rule (× sqrt({ratio:g})).",
            ),
            (
                d["recipe_lr"] * math.sqrt(ratio / d["world_size"]),
                "that scales for the batch of one device; the effective batch counts every device.",
            ),
            (
                d["recipe_lr"] * math.sqrt(ratio / d["gradient_accumulation_steps"]),
                "that "
                "forgets the accumulation: the effective batch is per device × devices × "
                "gradient_accumulation_steps.",
            ),
        )
        for value, why in known:
            if math.isclose(top, value, rel_tol=0.02):
                return False, f"your peak is {top:.3g}: {why}"
        return False, (
            f"your peak is {top:.3g}, not {peak:.3g}: scale the recipe's {d['recipe_lr']:g} "
            f"by the square-root rule, from a batch of {d['recipe_batch']} to the effective batch."
        )

    @staticmethod
    def _warmup(lrs, top, reached, total, shortest, longest) -> tuple[bool, str]:
        if lrs[0] >= 0.5 * top:
            return False, (
                f"your first update already runs at {lrs[0] / top:.0%} of the peak: no warmup. "
                f"Rise from (nearly) 0 over {shortest} to {longest} updates (1 % to 10 % of "
                f"{total})."
            )
        if np.any(np.diff(lrs[: reached + 1]) < -1e-12 * top):
            return False, "your lr falls before it reaches the peak: a warmup rises steadily."
        if reached < shortest:
            return (
                False,
                f"the peak comes at update {reached}: a warmup of at least {shortest} updates (1 %).",
            )
        if reached > longest:
            hint = ""
            for factor, why in ((2, "accumulation"), (4, "devices and accumulation")):
                if (
                    abs(reached - factor * round(reached / factor)) <= 1
                    and reached / factor <= longest
                ):
                    hint = f" (a warmup counted without the {why}?)"
                    break
            return False, (
                f"the peak comes at update {reached}, more than 10 % of the {total} updates "
                f"({longest}){hint}."
            )
        return (
            True,
            f"the lr rises to the peak at update {reached} ({reached / total:.1%} of the run).",
        )

    @staticmethod
    def _decay(lrs, top, reached, total) -> tuple[bool, str]:
        last = lrs[-1] / top
        after = lrs[reached:]
        rises = np.flatnonzero(np.diff(after) > 1e-12 * top)
        if rises.size:
            at = reached + int(rises[0]) + 1
            return False, (
                f"your lr rises again at update {at}: a decay that ends before the run does "
                f"(a T shorter than the {total} updates?) climbs back, as a cosine past T does."
            )
        if last > 0.101:  # a floor of 10 % reached at T is 10.00x % at update T - 1
            flat = np.allclose(after, top)
            return False, (
                f"the last update runs at {last:.0%} of the peak"
                + (
                    ": no decay at all."
                    if flat
                    else f", above 10 %: the decay must span the "
                    f"{total} updates (counted in minibatches or for one device, it is too slow)."
                )
            )
        return True, f"the lr falls to {last:.1%} of the peak at the last update."


DESIGN_SCHEDULE = _DesignSchedule(
    "design_schedule",
    "Design a schedule: lr_at(update) for the stated budget, with the peak scaled by "
    "the square-root rule, a warmup of 1 % to 10 % and a decay to 10 % or less.",
)
