"""The design parts of chapters 5 (``05_reduce_on_plateau``) and 6 (``06_warmup``).

* ``DESIGN_PLATEAU`` (chapter 5): ReduceLROnPlateau's settings for a noisy validation loss that
  falls, then stalls at an epoch nobody knows in advance. The answer is a dict of the
  scheduler's keyword arguments; the grader computes the lr with
  :func:`lrlab.schedules.reduce_lr_on_plateau` on ``PLATEAU_TASK["runs"]`` curves drawn
  with its own seed (``plateau_curves``; the reader can draw others) and checks that the
  first cut almost never comes while the loss still falls, and nearly always comes soon after
  the stall.
* ``DESIGN_WARMUP`` (chapter 6): a warmup that lets chapter 6's post-norm Transformer train at a
  large peak. The answer is a dict ``{"schedule", "num_warmup_steps"}``; the grader trains the
  text task with it (``WARMUP_TASK``, seeds none of the chapter's runs use, offset by
  ``LRLAB_SEED``) and checks that no seed ends stuck near the loss of the letter frequencies.

Both may use lrlab freely (``from_scratch = False``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from lrlab.grading._helpers import _is_number, _safe_repr, _safe_str
from lrlab.grading.kinds import Exercise, call_answer_value, copy_mapping, not_attempted_report
from lrlab.grading.report import Check, Curve, Report
from lrlab.schedules import (
    cosine_schedule_with_warmup,
    linear_schedule_with_warmup,
    reduce_lr_on_plateau,
)
from lrlab.seeding import seeds

__all__ = [
    "DESIGN_PLATEAU",
    "DESIGN_WARMUP",
    "PLATEAU_TASK",
    "WARMUP_TASK",
    "plateau_curves",
]


def _copied(value: Any, runner) -> tuple[Any, str | None]:
    """A plain dict copy of a mapping answer, made through the runner (a reader's mapping type
    may do anything), so that grading never touches the reader's object; other values as is."""
    ok, copy = copy_mapping(value, runner)
    return (copy, None) if ok else (None, f"your dict cannot be read: {copy.text}")


class _SettingsDesign(Exercise):
    """A design part whose answer is a dict of settings (or a function returning it): read it
    safely, say once what is wrong with it, else grade the settings (:meth:`_graded`)."""

    _NAMES: tuple[str, ...] = ()

    def _grade(self, answer, runner):
        ok, value = call_answer_value(answer, runner)
        if not ok:
            if value.not_implemented:
                return not_attempted_report(self, [Check(n, False, "") for n in self._NAMES])
            return self._report([Check(self._NAMES[0], False, value.text)])
        value, problem = _copied(value, runner)
        parsed, problem = (None, problem) if problem else self._parse(value)
        if problem:
            return self._report([Check(self._NAMES[0], False, problem)])
        return self._graded(parsed)

    def _report(self, checks: list[Check], curve: Curve | None = None) -> Report:
        seen = {c.name for c in checks}
        skipped = [
            Check(n, False, "skipped: an earlier check failed.")
            for n in self._NAMES
            if n not in seen
        ]
        return Report(self.exercise_id, self.title, checks + skipped, curve=curve)

    def _parse(self, value: Any) -> tuple[Any, str | None]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _graded(self, parsed: Any) -> Report:  # pragma: no cover - abstract
        raise NotImplementedError


# ---- chapter 5: ReduceLROnPlateau for a noisy plateau --------------------------------------

#: The curves of ``DESIGN_PLATEAU`` and its goal. After epoch ``k`` (1 to ``epochs``) the
#: validation loss is ``level + fall × max(stall - k, 0) + drift × (epochs - k)`` plus Gaussian
#: noise of standard deviation ``noise``: it falls by ``fall + drift`` per epoch until the
#: stall (drawn per curve between ``stall[0]`` and ``stall[1]``), by ``drift`` after it (a
#: plateau that still creeps down, well below the noise). The optimizer's lr is ``base_lr``. Goal, over ``runs`` curves: the first cut comes after an
#: epoch ``<= stall`` (while the loss still falls) in at most ``max_early`` of them, and within
#: ``within`` epochs after the stall in at least ``min_within``.
PLATEAU_TASK = {
    "epochs": 60,
    "level": 0.30,
    "fall": 0.015,
    "drift": 0.0015,
    "noise": 0.01,
    "stall": (15, 25),
    "base_lr": 0.1,
    "runs": 1000,
    "within": 10,
    "max_early": 0.04,
    "min_within": 0.93,
}

# The grader's curves come from this seed (plus LRLAB_SEED), none the chapter or its exercise
# draws with.
_PLATEAU_SEED = 5_000

_PLATEAU_KEYS = (
    "mode",
    "factor",
    "patience",
    "threshold",
    "threshold_mode",
    "cooldown",
    "min_lr",
    "eps",
)


def plateau_curves(n: int = 20, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` validation-loss curves of ``PLATEAU_TASK``, and the epoch each one stalls at.

    Returns ``(losses, stalls)``: ``losses[i, k - 1]`` is curve ``i`` after epoch ``k``, and
    ``stalls[i]`` the last epoch of its fast fall (after it, the trend creeps down by
    ``drift`` per epoch).

    Example:
        >>> losses, stalls = plateau_curves(3, seed=1)
        >>> losses.shape, stalls.shape
        ((3, 60), (3,))

    Raises:
        ValueError: ``n`` is not a positive integer or ``seed`` not an integer >= 0.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a positive integer, got n={n!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got seed={seed!r}")
    task = PLATEAU_TASK
    rng = np.random.default_rng(int(seed))
    low, high = task["stall"]
    stalls = rng.integers(low, high + 1, size=int(n))
    epochs = np.arange(1, task["epochs"] + 1)
    trend = (
        task["level"]
        + task["fall"] * np.clip(stalls[:, None] - epochs, 0, None)
        + task["drift"] * (task["epochs"] - epochs)
    )
    noise = task["noise"] * rng.standard_normal((int(n), task["epochs"]))
    return trend + noise, stalls


class _DesignPlateau(_SettingsDesign):
    """The answer is a dict of ReduceLROnPlateau's keyword arguments (or a function returning
    it); graded by computing the lr on the grader's own curves."""

    _NAMES = ("no cut while the loss falls", "a cut soon after the stall")

    def _graded(self, settings: dict[str, Any]) -> Report:
        task = PLATEAU_TASK
        losses, stalls = plateau_curves(task["runs"], seed=seeds(1, first=_PLATEAU_SEED)[0])
        try:
            firsts = np.array([self._first_cut(curve, settings) for curve in losses])
        except ValueError as err:  # lrlab's own check of the arguments, with the value
            message = f"ReduceLROnPlateau does not accept these settings: {_safe_str(err)}."
            return self._report([Check(self._NAMES[0], False, message)])
        delays = firsts - stalls
        return self._report(
            [
                Check(self._NAMES[0], *self._early(settings, delays)),
                Check(self._NAMES[1], *self._late(settings, delays, firsts)),
            ]
        )

    def _parse(self, value: Any) -> tuple[dict[str, Any], str | None]:
        if not isinstance(value, Mapping):
            return {}, (
                f"your answer is {_safe_repr(value)}; return a dict of ReduceLROnPlateau's "
                "keyword arguments, e.g. {'patience': ..., 'threshold': ..., "
                "'threshold_mode': ...}."
            )
        settings = dict(value)  # a plain dict already (_copied): the reader's is not touched
        unknown = [k for k in settings if k not in _PLATEAU_KEYS]
        if unknown:
            hint = ""
            if "lr" in unknown or "base_lr" in unknown:
                hint = " The optimizer's lr is given (0.1); choose how the scheduler cuts it."
            return {}, (
                f"{', '.join(_safe_repr(k) for k in unknown)} is not a keyword of "
                f"ReduceLROnPlateau (they are {', '.join(_PLATEAU_KEYS)}).{hint}"
            )
        for key in ("patience", "cooldown"):
            if key in settings:
                v = settings[key]
                if isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool):
                    settings[key] = int(v)
                elif _is_number(v) and float(v).is_integer():
                    settings[key] = int(v)
                else:
                    return {}, f"{key}={_safe_repr(v)}: {key} counts epochs, a whole number."
        for key in ("factor", "threshold", "min_lr", "eps"):
            if key in settings:
                v = settings[key]
                if not _is_number(v) or not math.isfinite(v):
                    return {}, f"{key}={_safe_repr(v)} is not a finite number."
                settings[key] = float(v)
        for key in ("mode", "threshold_mode"):
            if key in settings and not isinstance(settings[key], str):
                return {}, f"{key}={_safe_repr(settings[key])} must be a str."
        return settings, None

    @staticmethod
    def _first_cut(curve: np.ndarray, settings: dict[str, Any]) -> int:
        """The epoch after which the lr is first cut (``epochs + 1``: never)."""
        base = PLATEAU_TASK["base_lr"]
        lrs = reduce_lr_on_plateau(curve, base, **settings)
        cut = np.flatnonzero(lrs < base)
        return int(cut[0]) + 1 if cut.size else PLATEAU_TASK["epochs"] + 1

    @staticmethod
    def _in_loss_units(settings: dict[str, Any]) -> float:
        """The least improvement that counts, in the loss's units (near the plateau)."""
        threshold = settings.get("threshold", 1e-4)
        if settings.get("threshold_mode", "rel") == "rel":
            return threshold * PLATEAU_TASK["level"]
        return threshold

    def _early(self, settings: dict[str, Any], delays: np.ndarray) -> tuple[bool, str]:
        task = PLATEAU_TASK
        n, early = delays.size, int(np.sum(delays <= 0))
        allowed = math.floor(task["max_early"] * n)
        counted = f"the first cut came while the loss still fell in {early} of the {n} runs"
        if early <= allowed:
            return True, f"{counted} (at most {allowed} allowed)."
        fall, noise = task["fall"], task["noise"]
        patience = settings.get("patience", 10)
        theta = self._in_loss_units(settings)
        if settings.get("mode", "min") == "max":
            why = (
                "mode='max' counts a falling loss as getting worse, so every epoch is a bad "
                "one; a loss is monitored with mode='min'."
            )
        elif patience < 0:
            why = f"patience={patience} is below 0: every epoch cuts."
        elif theta >= fall * (patience + 1):
            why = (
                f"your threshold is {theta:.3g} in the loss's units, and over patience + 1 = "
                f"{patience + 1} epochs the loss falls {fall * (patience + 1):.3g} "
                f"({fall} per epoch): even without noise that fall does not count as an "
                "improvement. Lower the threshold or raise the patience."
            )
        else:
            why = (
                f"the noise (standard deviation {noise}) hides the fall ({fall} per epoch) for a "
                f"few epochs now and then: with patience={patience} and a threshold of "
                f"{theta:.3g} in the loss's units, {patience + 1} such epochs in a row cut the "
                "lr before the plateau. Give the fall more epochs to show (patience), or ask "
                "less of it (threshold)."
            )
        return False, f"{counted}, more than {allowed} allowed: {why}"

    def _late(
        self, settings: dict[str, Any], delays: np.ndarray, firsts: np.ndarray
    ) -> tuple[bool, str]:
        task = PLATEAU_TASK
        n, k = delays.size, task["within"]
        soon = int(np.sum((delays > 0) & (delays <= k)))
        needed = math.ceil(task["min_within"] * n)
        after = delays[delays > 0]
        spread = (
            f"; after the stall it came {np.mean(after):.1f} epochs later on average, "
            f"{np.percentile(after, 90):.0f} or more in one run in ten"
            if after.size
            else ""
        )
        counted = f"the first cut came within {k} epochs after the stall in {soon} of the {n} runs"
        if soon >= needed:
            return True, f"{counted} (at least {needed} needed){spread}."
        head = f"{counted}, fewer than {needed}{spread}: "
        never = int(np.sum(firsts > task["epochs"]))
        patience = settings.get("patience", 10)
        theta, noise = self._in_loss_units(settings), task["noise"]
        rel = settings.get("threshold_mode", "rel") == "rel"
        if soon + int(np.sum(delays <= 0)) >= needed:
            why = (
                "the cuts that came too soon are the problem (see the check above), not the "
                "late ones."
            )
        elif never == n:
            why = (
                f"the lr is never cut in the {task['epochs']} epochs (a factor, min_lr or eps "
                "that leaves the lr where it is?)."
            )
        elif patience + 1 >= k:
            room = "more than" if patience + 1 > k else "all of"
            why = (
                f"with patience={patience} the earliest cut is patience + 1 = {patience + 1} "
                f"epochs after the last improvement, {room} the {k} allowed (and a noisy record "
                "after the stall delays it further): patience is the number of bad epochs "
                "tolerated, the cut comes at the next one."
            )
        elif rel and settings.get("threshold", 1e-4) >= 0.5 * noise:
            why = (
                f"threshold={settings['threshold']!r} with threshold_mode='rel' is a fraction "
                f"of the best loss (about {task['level']}), so it asks only {theta:.3g} in the "
                "loss's units: a wrong unit? A threshold in the loss's units is "
                "threshold_mode='abs'."
            )
        elif theta < 0.5 * noise:
            why = (
                f"your threshold is {theta:.3g} in the loss's units, far below the noise "
                f"({noise}): on the plateau, lucky new records keep resetting the count of bad "
                "epochs and postpone the cut (chapter 5, mistake 4). Set the threshold to about "
                "the noise, in the loss's units (threshold_mode='abs')."
            )
        else:
            why = (
                f"patience={patience} and a threshold of {theta:.3g} in the loss's units cut "
                "too late: lower the patience, or raise the threshold so that fewer noisy "
                "records reset the count."
            )
        return False, head + why


DESIGN_PLATEAU = _DesignPlateau(
    "design_plateau",
    "Choose ReduceLROnPlateau's settings for a noisy loss that stalls: no cut while it falls, "
    f"a cut within {PLATEAU_TASK['within']} epochs after the stall.",
)


# ---- chapter 6: a warmup that lets a large peak train --------------------------------------

#: The budget and goal of ``DESIGN_WARMUP``: chapter 6's post-norm Transformer on the text
#: task (``lrlab.training.TextBudget`` with ``budget``), AdamW at the peak ``peak``, a
#: ``transformers`` schedule ("cosine" or "linear") of ``num_training_steps`` updates whose
#: warmup is at most ``max_warmup`` updates. Goal: no run of the grader's ``seeds`` seeds ends
#: stuck, i.e. within ``stuck_margin`` nats of the loss of the letter frequencies.
WARMUP_TASK = {
    "budget": {"norm": "post", "updates": 400, "eval_every": 40, "batch_size": 8},
    "peak": 0.02,
    "num_training_steps": 400,
    "max_warmup": 300,
    "stuck_margin": 0.4,
    "seeds": 8,
}

# Where the grader's seeds start (plus LRLAB_SEED): none of chapter 6's runs use them.
_WARMUP_FIRST_SEED = 300
_SCHEDULES = ("cosine", "linear")


def _unigram_loss(text) -> float:
    """The validation loss of predicting each character by its frequency in the training text."""
    counts = np.bincount(text.train.numpy(), minlength=len(text.alphabet))
    frequencies = counts / counts.sum()
    return float(-np.log(frequencies[text.val.numpy()]).mean())


class _DesignWarmup(_SettingsDesign):
    """The answer is ``{"num_warmup_steps": W, "schedule": "cosine" | "linear"}`` (the schedule
    optional, "cosine" by default), or a function returning it; graded by training."""

    _NAMES = ("the warmup fits the budget", "no seed gets stuck")

    def _graded(self, parsed: tuple[int, str]) -> Report:
        warmup, schedule = parsed
        task = WARMUP_TASK
        fits = (
            f"a {schedule} schedule with a warmup of {warmup} updates "
            f"({warmup / task['num_training_steps']:.0%} of the run)"
        )
        checks = [Check(self._NAMES[0], True, f"{fits}, within the budget.")]
        runs, unigram = self._train(warmup, schedule)
        checks.append(Check(self._NAMES[1], *self._judge(runs, unigram, warmup)))
        lrs = runs[0][1].lr
        curve = Curve(
            x=np.arange(lrs.size, dtype=float),
            expected=np.full(lrs.size, task["peak"]),
            returned=lrs,
            first_wrong=None,
            title=f"your schedule at each of the {lrs.size} updates (the line: the peak)",
            xlabel="update",
        )
        return self._report(checks, curve=curve)

    def _parse(self, value: Any) -> tuple[tuple[int, str], str | None]:
        task = WARMUP_TASK
        T, most = task["num_training_steps"], task["max_warmup"]
        shape = (
            "return a dict {'num_warmup_steps': ..., 'schedule': 'cosine' or 'linear'} "
            "('schedule' may be left out: 'cosine')"
        )
        if not isinstance(value, Mapping):
            if _is_number(value):
                return (0, ""), f"your answer is the number {_safe_repr(value)}; {shape}."
            return (0, ""), f"your answer is {_safe_repr(value)}; {shape}."
        settings = dict(value)
        unknown = [k for k in settings if k not in ("num_warmup_steps", "schedule")]
        if unknown:
            hint = ""
            if any(k in unknown for k in ("lr", "peak", "max_lr", "base_lr")):
                hint = f" The peak is given ({task['peak']}): choose the warmup that lets it train."
            elif "num_training_steps" in unknown:
                hint = f" The run's length is given ({T} updates)."
            return (0, ""), f"{', '.join(_safe_repr(k) for k in unknown)}: {shape}.{hint}"
        if "num_warmup_steps" not in settings:
            return (0, ""), f"'num_warmup_steps' is missing: {shape}."
        schedule = settings.get("schedule", "cosine")
        if not isinstance(schedule, str) or schedule not in _SCHEDULES:
            return (0, ""), (
                f"schedule={_safe_repr(schedule)}: the schedule is 'cosine' "
                "(get_cosine_schedule_with_warmup) or 'linear' (get_linear_schedule_with_warmup)."
            )
        w = settings["num_warmup_steps"]
        if not _is_number(w) or not math.isfinite(w):
            return (0, ""), f"num_warmup_steps={_safe_repr(w)} is not a number of updates."
        if 0 < w < 1:
            return (0, ""), (
                f"num_warmup_steps={w!r} is a ratio of the run; the schedule takes a number of "
                "updates (chapter 6, mistake 5)."
            )
        if not float(w).is_integer():
            return (0, ""), f"num_warmup_steps={w!r}: a warmup is a whole number of updates."
        w = int(w)
        if w < 0:
            return (0, ""), f"num_warmup_steps={w} is negative."
        if w >= T:
            return (0, ""), (
                f"a warmup of {w} updates is as long as the run ({T}) or longer: the lr never "
                "reaches its peak, let alone decays (chapter 6, mistake 1)."
            )
        if w > most:
            return (0, ""), (
                f"a warmup of {w} updates is more than the budget allows ({most}): the decay "
                f"after the peak must get at least the last {T - most} of the {T} updates."
            )
        return (w, schedule), None

    @staticmethod
    def _train(warmup: int, schedule: str):
        import torch

        from lrlab.training import TextBudget, train_text_runs

        task = WARMUP_TASK
        budget = TextBudget(**task["budget"])
        T = task["num_training_steps"]
        # transformers' get_*_schedule_with_warmup are a LambdaLR of these factors (the grader
        # does not import lrlab.schedulers, a layer beside it)
        formula = (
            cosine_schedule_with_warmup if schedule == "cosine" else linear_schedule_with_warmup
        )

        def make(optimizer):
            return torch.optim.lr_scheduler.LambdaLR(
                optimizer, lambda step: float(formula(step, 1.0, warmup, T))
            )

        grader_seeds = seeds(task["seeds"], first=_WARMUP_FIRST_SEED)
        runs = train_text_runs(
            {0: (make, task["peak"])}, seeds=grader_seeds, budget=budget, progress=False
        )[0]
        return list(zip(grader_seeds, runs)), _unigram_loss(budget.data)

    @staticmethod
    def _judge(runs, unigram: float, warmup: int) -> tuple[bool, str]:
        task = WARMUP_TASK
        bar = unigram - task["stuck_margin"]
        finals = [float(run.val_loss[-1]) for _, run in runs]
        listed = ", ".join(f"{loss:.2f}" for loss in finals)
        where = f"final validation losses {listed} (seeds {', '.join(str(s) for s, _ in runs)})"
        bar_text = (
            f"{bar:.2f}, the bar of a stuck run (within {task['stuck_margin']} nats of the "
            f"{unigram:.2f} of the letter frequencies)"
        )
        stuck = [s for (s, run), loss in zip(runs, finals) if run.diverged or not loss < bar]
        if not stuck:
            return True, f"{where}: all below {bar_text}."
        if warmup == 0:
            why = (
                "Without a warmup the first updates, the largest, push the post-norm model into "
                f"a state it does not leave (chapter 6's experiment at {task['peak']})."
            )
        else:
            why = (
                f"A warmup of {warmup} updates is too short for this peak: the first updates "
                "still push the model into the stuck state. A longer warmup buys a larger peak."
            )
        return (
            False,
            f"{len(stuck)} of the {len(runs)} seeds stuck, above {bar_text}: {where}. {why}",
        )


DESIGN_WARMUP = _DesignWarmup(
    "design_warmup",
    f"Choose a warmup that lets chapter 6's post-norm Transformer train at the peak "
    f"{WARMUP_TASK['peak']}: no seed stuck, at least "
    f"{WARMUP_TASK['num_training_steps'] - WARMUP_TASK['max_warmup']} updates left to decay.",
)
