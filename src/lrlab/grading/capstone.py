"""The capstone: beat the tuned constant learning rate within the race's budget.

The answer is trained, like the constant baseline, on the text task with
``lrlab.training.RACE_BUDGET`` and seeds none of the notebook's runs use; it passes when its mean
final test loss is lower.
"""

from __future__ import annotations

import math

import numpy as np

from lrlab.grading._helpers import _fmt, _is_number, _safe_repr
from lrlab.grading.kinds import Exercise, call_answer_value, not_attempted_report
from lrlab.grading.report import Check, Curve, Report
from lrlab.seeding import seeds

__all__ = ["BEAT_THE_CONSTANT", "CAPSTONE_BASELINE_LR", "CAPSTONE_FIRST_SEED", "CAPSTONE_N_SEEDS"]

# ---- the capstone ---------------------------------------------------------------------------

# A constant lr in the flat best stretch of the capstone's search (the notebook checks that it
# stays within 0.02 nats of the best constant trial, for every seed), and where the seeds the
# grader trains with start (before the LRLAB_SEED offset; none of the notebook's, so that a
# schedule is judged on runs its author has not seen).
CAPSTONE_BASELINE_LR = 0.005
CAPSTONE_FIRST_SEED, CAPSTONE_N_SEEDS = 100, 3
# Seconds the three training runs may take (about 2 s on an idle 2-core machine).
_TRAINING_TIME_LIMIT = 120.0


class _BeatTheConstant(Exercise):
    """The capstone: a schedule and its peak lr that beat the tuned constant lr on the test set.

    The answer is a function of no argument returning ``(make_scheduler, lr)``: a function that
    builds a scheduler on the optimizer, and the optimizer's lr. Both the answer and the
    constant baseline are trained on the text task with :data:`lrlab.training.RACE_BUDGET`
    and ``lrlab.seeds(CAPSTONE_N_SEEDS, first=CAPSTONE_FIRST_SEED)``; the answer passes when its
    mean final test loss is lower. Needs torch (imported when an answer is graded, not when lrlab
    is imported).
    """

    _NAMES = (
        "answer",
        "builds",
        "trains within the budget",
        "changes the lr",
        "beats the constant on the test set",
    )

    def __init__(self, exercise_id: str, *, baseline_lr: float, first_seed: int, n_seeds: int):
        super().__init__(
            exercise_id,
            "Beat the tuned constant learning rate within the race's budget: my_schedule() "
            "returns (make_scheduler, lr); the grader trains it with three new seeds and "
            "compares its test loss with the constant lr's.",
        )
        self.baseline_lr = float(baseline_lr)
        self.first_seed, self.n_seeds = first_seed, n_seeds
        self._baseline_runs = {}

    @property
    def seeds(self) -> tuple[int, ...]:
        """The grader's seeds, read when an answer is graded (``LRLAB_SEED`` shifts them)."""
        return seeds(self.n_seeds, first=self.first_seed)

    def _baseline(self, budget):
        from lrlab.training import train_text_runs

        key = self.seeds
        if key not in self._baseline_runs:  # the grader's own runs: computed once, not timed
            runs = train_text_runs(
                {0: (None, self.baseline_lr)}, seeds=key, budget=budget, progress=False
            )
            self._baseline_runs[key] = runs[0]
        return self._baseline_runs[key]

    def _report(self, checks, *, curve=None, notes=()):
        done = {c.name for c in checks}
        skipped = [
            Check(n, False, "skipped: an earlier check failed.")
            for n in self._NAMES
            if n not in done
        ]
        return Report(
            self.exercise_id, self.title, list(checks) + skipped, curve=curve, notes=notes
        )

    def _parse(self, value):
        """(make_scheduler, lr, None) or (None, None, what is wrong)."""
        shape = (
            "my_schedule() must return a pair (make_scheduler, lr): a function that builds "
            "the scheduler from the optimizer, and the optimizer's learning rate"
        )
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return None, None, f"{shape}; it returned {_safe_repr(value)}."
        make, lr = value

        if _is_number(make) and callable(lr):
            return None, None, f"{shape}, in that order; yours is (lr, make_scheduler): swap them."
        if make is None:
            return (
                None,
                None,
                (
                    "make_scheduler is None: that is the constant learning rate, the "
                    "baseline itself. Return a function such as "
                    "lambda optimizer: lrlab.CosineAnnealingLR(optimizer, T_max=...)."
                ),
            )
        if callable(getattr(make, "step", None)) and not isinstance(make, type):
            return (
                None,
                None,
                (
                    f"make_scheduler is a scheduler already built "
                    f"({type(make).__name__}); return a function that builds one "
                    "from the optimizer it is given: lambda optimizer: "
                    f"{type(make).__name__}(optimizer, ...)."
                ),
            )
        if not callable(make):
            return (
                None,
                None,
                (
                    f"make_scheduler must be a function of the optimizer, got a "
                    f"{type(make).__name__} ({_safe_repr(make)})."
                ),
            )
        if not _is_number(lr) or not math.isfinite(lr) or lr <= 0:
            return None, None, f"lr must be a positive number, got {_safe_repr(lr)}."
        return make, float(lr), None

    def _grade(self, answer, runner):
        ok, value = call_answer_value(answer, runner)
        if not ok:
            if value.not_implemented:
                return not_attempted_report(self, [Check(n, False, "") for n in self._NAMES])
            return self._report([Check("answer", False, f"calling my_schedule(): {value.text}")])
        make, lr, problem = self._parse(value)
        if problem:
            return self._report([Check("answer", False, problem)])
        import torch

        from lrlab.training import RACE_BUDGET as budget
        from lrlab.training import train_text_runs

        per_eval, total = budget.eval_every, budget.total_steps
        guess = math.log(len(budget.data.alphabet))  # a uniform guess among the characters
        checks = [Check("answer", True, f"a scheduler factory and lr={_fmt(lr)}.")]
        baseline = self._baseline(budget)

        optimizer = budget.optimizer(lr)([torch.nn.Parameter(torch.zeros(1))])
        runner.start_check()
        ok, scheduler = runner.call(make, optimizer)
        if not ok:
            return self._report(
                checks
                + [Check("builds", False, f"make_scheduler(optimizer) failed: {scheduler.text}")]
            )
        if not callable(getattr(scheduler, "step", None)):
            return self._report(
                checks
                + [
                    Check(
                        "builds",
                        False,
                        (
                            f"make_scheduler(optimizer) returned a {type(scheduler).__name__} "
                            f"({_safe_repr(scheduler)}), not a scheduler with a step() method."
                        ),
                    )
                ]
            )
        checks.append(Check("builds", True, f"a {type(scheduler).__name__.lstrip('_')}."))

        # The runs of all seeds are trained side by side (train_text_runs), as the baseline's.
        runner.start_check(_TRAINING_TIME_LIMIT)
        ok, runs = runner.call(
            train_text_runs, {0: (make, lr)}, seeds=self.seeds, budget=budget, progress=False
        )
        if not ok:
            # An error raised inside lrlab (a scheduler refusing a step) is located in the
            # library, not in the reader's code: its message says enough.
            lines = [
                line
                for line in runs.text.splitlines()
                if not (line.lstrip().startswith("at ") and "lrlab" in line)
            ]
            text = "training failed: " + "\n".join(lines)
            if "cannot go to step" in text or "total_steps" in text:
                text += (
                    f"\nHint: the grader calls scheduler.step() after every update, "
                    f"{total} times (budget.total_steps). Give lengths in updates, not in "
                    f"evaluations ({budget.epochs} of them) or epochs."
                )
            return self._report(checks + [Check("trains within the budget", False, text)])
        runs = runs[0]
        for seed, run in zip(self.seeds, runs):
            if run.diverged or not run.test_loss[-1] < guess:
                return self._report(
                    checks
                    + [
                        Check(
                            "trains within the budget",
                            False,
                            (
                                f"with seed {seed} the loss blew up (final test loss "
                                f"{run.test_loss[-1]:.3g}, no better than a uniform guess among "
                                f"the characters, {guess:.2f}): the learning rate is too high for "
                                f"this model. In the race no contender chose a peak lr above 0.08."
                            ),
                        )
                    ]
                )
        checks.append(
            Check(
                "trains within the budget",
                True,
                f"{len(runs)} runs of {total} updates, none diverged.",
            )
        )

        used = runs[0].lr
        curve = Curve(
            np.arange(total, dtype=float),
            np.full(total, self.baseline_lr),
            used,
            None,
            f"blue: the baseline's constant lr; orange: yours, at each of the {total} updates",
            "update",
        )
        peak = float(np.nanmax(used))
        if np.nanmax(used) - np.nanmin(used) <= 1e-12 * peak:
            checks.append(
                Check(
                    "changes the lr",
                    False,
                    (
                        f"your lr is {_fmt(peak)} at every update: that is a constant learning rate, "
                        f"the baseline, not a schedule."
                    ),
                )
            )
            return self._report(checks, curve=curve)
        checks.append(
            Check("changes the lr", True, f"from {used[0]:.3g} to {used[-1]:.3g}, peak {peak:.3g}.")
        )

        def stats(results):
            loss = np.array([r.test_loss[-1] for r in results])
            acc = np.array([r.test_acc[-1] for r in results])
            return loss.mean(), loss.std(), acc.mean()

        mine, mine_std, mine_acc = stats(runs)
        base, base_std, base_acc = stats(baseline)
        seeds = ", ".join(map(str, self.seeds))
        numbers_ = (
            f"test loss {mine:.4f} ± {mine_std:.4f} (next-character accuracy {mine_acc:.1%}); the "
            f"constant lr {self.baseline_lr:g}: {base:.4f} ± {base_std:.4f} "
            f"({base_acc:.1%}); mean ± std over seeds {seeds}."
        )
        if mine < base:
            checks.append(
                Check(
                    "beats the constant on the test set",
                    True,
                    (
                        f"yours is lower by {base - mine:.4f} ({(base - mine) / base:.1%}): {numbers_}"
                    ),
                )
            )
            return self._report(checks, curve=curve)
        why = []
        if used[min(per_eval, total) - 1] < 0.01 * peak:
            why.append(
                f"your lr falls below 1% of its peak within the first {per_eval} updates, "
                f"before the first evaluation: a length given in evaluations or epochs while "
                f"the scheduler is stepped after every update? Lengths are in updates: the run "
                f"is budget.total_steps = {total}."
            )
        if used[-1] > 0.5 * peak:
            why.append(
                f"your lr is still at {used[-1] / peak:.0%} of its peak at the last "
                f"update; the schedules that win the race end near zero."
            )
        if peak <= self.baseline_lr:
            why.append(
                f"your peak lr ({peak:.3g}) is no higher than the constant's "
                f"({self.baseline_lr:g}); a schedule that decays can start higher."
            )
        hint = "".join(f"\nHint: {w}" for w in why)
        checks.append(
            Check(
                "beats the constant on the test set",
                False,
                (f"yours is higher by {mine - base:.4f}: {numbers_}{hint}"),
            )
        )
        return self._report(checks, curve=curve)


BEAT_THE_CONSTANT = _BeatTheConstant(
    "beat_the_constant",
    baseline_lr=CAPSTONE_BASELINE_LR,
    first_seed=CAPSTONE_FIRST_SEED,
    n_seeds=CAPSTONE_N_SEEDS,
)
