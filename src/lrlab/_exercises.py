"""The built-in exercises of :mod:`lrlab.grading`: one per schedule of the contract, plus the
chapters' own (numeric, multiple choice, ...).

Each schedule exercise compares the reader's function with the function of the same name in
:mod:`lrlab.schedules` over a few :class:`~lrlab.grading.Case` s (a typical run and that
schedule's edge cases), and lists the :class:`~lrlab.grading.Mistake` s worth recognising.
A chapter adds its exercises to ``BUILTIN`` at the end of this file.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .grading import (
    Case,
    Check,
    ChoiceExercise,
    Exercise,
    FunctionExercise,
    Mistake,
    NumericExercise,
    Report,
    SchedulerExercise,
    _call_answer_value,
    _Curve,
    _fmt,
    _not_attempted_report,
    _safe_repr,
)
from .seeding import seeds


def _other(value, a, b):
    return b if value == a else a


def _plus(name, k, low=None):
    """Params with ``name`` changed by ``k`` (None where that makes no valid schedule)."""
    def change(p):
        v = p[name] + k
        return None if low is not None and v < low else {**p, name: v}
    return change


def _set(name, value, unless=None):
    """Params with ``name`` set to ``value`` (None where that changes nothing)."""
    def change(p):
        if p.get(name) == value or (unless is not None and unless(p)):
            return None
        return {**p, name: value}
    return change


def _restarts(expected, returned, steps, params):
    """Warm restarts: compare where the two curves jump back up."""
    def ups(y):
        scale = np.nanmax(np.abs(y))
        return [float(steps[i]) for i in range(1, len(y))
                if np.isfinite(y[i]) and np.isfinite(y[i - 1]) and y[i] > y[i - 1] + 1e-9 * scale]
    want, got = ups(expected), ups(returned)
    if want == got:
        return None
    show = lambda xs: ", ".join(f"{x:g}" for x in xs[:6]) + (", …" if len(xs) > 6 else "") or "none"  # noqa: E731
    return (f"your lr restarts at steps {show(got)}; it should restart at {show(want)}. The i-th "
            f"cycle lasts T_0 × T_mult**i steps, and the restart is at the step where the lr is "
            f"back at base_lr.")


STEP_LR = FunctionExercise(
    "step_lr", "step_lr",
    [
        Case("typical run", dict(base_lr=0.1, step_size=30, gamma=0.1), steps=range(100),
             hint="StepLR multiplies the lr by gamma once every step_size steps."),
        Case("boundaries: the drop happens at step == step_size",
             dict(base_lr=1.0, step_size=3, gamma=0.5), steps=range(13),
             hint="at step 3 (= step_size) the lr has already dropped once; at step 2 it has not."),
        Case("step_size=1: a drop at every step", dict(base_lr=0.5, step_size=1, gamma=0.9),
             steps=range(21)),
        Case("long run", dict(base_lr=0.05, step_size=7, gamma=0.3), steps=range(501)),
    ],
    title="step_lr(step, base_lr, step_size, gamma=0.1): the lr of torch's StepLR after `step` steps.",
    mistakes=[
        Mistake("you multiply by 1 - gamma; gamma={gamma} is the factor the lr is multiplied by at "
                "each drop, not the fraction taken away.",
                params=lambda p: None if p["gamma"] == 0.5 else {**p, "gamma": 1 - p["gamma"]}),
        Mistake("your lr decays smoothly, gamma ** (step / step_size): that is float division. The "
                "number of drops so far is the floor division step // step_size.",
                curve=lambda e, s, p: p["base_lr"] * p["gamma"] ** (s / p["step_size"])),
        Mistake("your drops come every step_size + 1 = {step_size} + 1 steps: the first drop is at "
                "step step_size, not after it.", params=_plus("step_size", 1)),
        Mistake("your drops come every step_size - 1 steps: with step_size={step_size} the first "
                "drop is at step {step_size}.", params=_plus("step_size", -1, low=1)),
    ],
    log_y=True,
)

MULTISTEP_LR = FunctionExercise(
    "multistep_lr", "multistep_lr",
    [
        Case("typical run", dict(base_lr=0.1, milestones=[30, 80], gamma=0.1), steps=range(120),
             hint="the lr is base_lr × gamma ** (the number of milestones <= step)."),
        Case("boundaries: the drop happens at each milestone",
             dict(base_lr=1.0, milestones=[2, 5], gamma=0.5), steps=range(9),
             hint="at step 2 (a milestone) the lr has already dropped; at step 1 it has not."),
        Case("unsorted milestones", dict(base_lr=1.0, milestones=[8, 3], gamma=0.5), steps=range(12),
             hint="torch does not need the milestones sorted: it counts the milestones <= step. "
                  "If you sort them, sort a copy: sorted(milestones)."),
        Case("a milestone past the end", dict(base_lr=0.1, milestones=[5, 1000], gamma=0.2),
             steps=range(20)),
    ],
    title="multistep_lr(step, base_lr, milestones, gamma=0.1): the lr of torch's MultiStepLR.",
    mistakes=[
        Mistake("you count the milestones strictly below the step (m < step); torch counts "
                "m <= step, so at a milestone the lr has already dropped (bisect_right, not "
                "bisect_left).", steps=lambda s, p: s - 1),
        Mistake("you multiply by 1 - gamma; gamma={gamma} is the factor the lr is multiplied by at "
                "each milestone.",
                params=lambda p: None if p["gamma"] == 0.5 else {**p, "gamma": 1 - p["gamma"]}),
    ],
    log_y=True,
)

EXPONENTIAL_LR = FunctionExercise(
    "exponential_lr", "exponential_lr",
    [
        Case("typical run", dict(base_lr=0.1, gamma=0.95), steps=range(100),
             hint="ExponentialLR multiplies the lr by gamma at every step: base_lr × gamma ** step."),
        Case("step 0 is base_lr", dict(base_lr=1.0, gamma=0.5), steps=range(11)),
        Case("long run", dict(base_lr=0.1, gamma=0.999), steps=range(3001)),
        Case("gamma=1: a constant lr", dict(base_lr=0.3, gamma=1.0), steps=range(10)),
    ],
    title="exponential_lr(step, base_lr, gamma): the lr of torch's ExponentialLR.",
    mistakes=[
        Mistake("you multiply by 1 - gamma; gamma={gamma} is the factor the lr is multiplied by at "
                "every step, not the fraction taken away.",
                params=lambda p: None if p["gamma"] in (0.5, 1.0) else {**p, "gamma": 1 - p["gamma"]}),
    ],
    log_y=True,
)

COSINE_ANNEALING_LR = FunctionExercise(
    "cosine_annealing_lr", "cosine_annealing_lr",
    [
        Case("typical run", dict(base_lr=0.1, T_max=100), steps=range(101),
             hint="lr = eta_min + (base_lr - eta_min) × (1 + cos(pi × step / T_max)) / 2."),
        Case("eta_min: the floor", dict(base_lr=0.1, T_max=50, eta_min=0.01), steps=range(51),
             hint="the cosine goes from base_lr down to eta_min, not to 0."),
        Case("past T_max: the cosine goes on", dict(base_lr=1.0, T_max=10, eta_min=0.1),
             steps=range(41),
             hint="torch's CosineAnnealingLR does not stop at T_max: after it the lr rises again "
                  "along the same cosine."),
        Case("T_max=1", dict(base_lr=0.5, T_max=1), steps=range(6)),
    ],
    title="cosine_annealing_lr(step, base_lr, T_max, eta_min=0.0): the lr of torch's CosineAnnealingLR.",
    mistakes=[
        Mistake("you forgot eta_min: your curve goes down to 0 instead of eta_min={eta_min}. "
                "Scale the cosine between the two: eta_min + (base_lr - eta_min) × (1 + cos) / 2.",
                params=_set("eta_min", 0.0)),
        Mistake("your lr stays at eta_min after T_max; torch's cosine goes on and the lr rises "
                "again (it is periodic with period 2 × T_max).",
                steps=lambda s, p: np.minimum(s, p["T_max"])),
        Mistake("base_lr and eta_min are swapped: your cosine starts at eta_min.",
                params=lambda p: {**p, "base_lr": p.get("eta_min", 0.0), "eta_min": p["base_lr"]}),
        Mistake("your cosine runs a full period in T_max steps (cos(2 × pi × step / T_max)): the "
                "lr must reach eta_min at T_max, half a period: cos(pi × step / T_max).",
                params=lambda p: {**p, "T_max": p["T_max"] / 2}),
        Mistake("your cosine is half as fast (cos(pi × step / (2 × T_max))): at step T_max the lr "
                "must already be at eta_min.", params=lambda p: {**p, "T_max": 2 * p["T_max"]}),
    ],
)

COSINE_ANNEALING_WARM_RESTARTS = FunctionExercise(
    "cosine_annealing_warm_restarts", "cosine_annealing_warm_restarts",
    [
        Case("T_mult=1: a restart every T_0 steps", dict(base_lr=0.1, T_0=10), steps=range(50),
             hint="within a cycle the lr follows a cosine from base_lr to eta_min; at step T_0 it "
                  "is back at base_lr."),
        Case("T_mult=2: each cycle twice as long", dict(base_lr=0.1, T_0=5, T_mult=2),
             steps=range(80), hint="with T_0=5, T_mult=2 the restarts are at steps 5, 15, 35, 75."),
        Case("eta_min: the floor", dict(base_lr=1.0, T_0=8, eta_min=0.1), steps=range(33),
             hint="each cosine goes from base_lr down to eta_min, not to 0."),
        Case("T_0=2, T_mult=3", dict(base_lr=0.1, T_0=2, T_mult=3), steps=range(40),
             hint="restarts at steps 2, 8, 26: cycles of 2, 6, 18 steps."),
        Case("fractional epochs, as scheduler.step(epoch) takes them",
             dict(base_lr=0.1, T_0=4, T_mult=2), steps=np.arange(0, 30, 0.25),
             hint="the step may be fractional (2.5 = half way through epoch 2): the cosine is "
                  "evaluated at the fraction too."),
    ],
    title="cosine_annealing_warm_restarts(step, base_lr, T_0, T_mult=1, eta_min=0.0): the lr of "
          "torch's CosineAnnealingWarmRestarts (SGDR).",
    mistakes=[
        Mistake("you forgot eta_min: your cosines go down to 0 instead of eta_min={eta_min}.",
                params=_set("eta_min", 0.0)),
        Mistake("your cycles do not grow: after each restart the next cycle is T_mult={T_mult} "
                "times longer than the one before.", params=_set("T_mult", 1)),
        Mistake("your restarts come one step late (cycles of T_0 + 1 steps): at step T_0={T_0} the "
                "lr is already back at base_lr.", params=_plus("T_0", 1)),
        Mistake("your restarts come one step early (cycles of T_0 - 1 steps): the lr is back at "
                "base_lr at step T_0={T_0}, not before.", params=_plus("T_0", -1, low=1)),
        Mistake("you round the fractional epoch down: scheduler.step(epoch) takes fractional "
                "epochs, and between two integers the lr moves along the cosine too.",
                steps=lambda s, p: None if np.all(s == np.floor(s)) else np.floor(s)),
    ],
    explain=_restarts,
)

_PLATEAU = [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
_SLOW = [1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.9, 0.89, 0.88, 0.87, 0.86, 0.85]
_ACCURACY = [0.5, 0.6, 0.7, 0.7, 0.7, 0.71, 0.7, 0.7, 0.7, 0.7, 0.72, 0.7]
_NOISY = [round(float(v), 4) for v in
          np.exp(-np.arange(200) / 60) + 0.05 * np.random.default_rng(0).standard_normal(200)]

REDUCE_LR_ON_PLATEAU = FunctionExercise(
    "reduce_lr_on_plateau", "reduce_lr_on_plateau",
    [
        Case("typical: patience=2, factor=0.5", dict(base_lr=0.1, patience=2, factor=0.5),
             metrics=_PLATEAU,
             hint="the lr is cut once the number of metrics in a row without improvement exceeds "
                  "patience (num_bad_epochs > patience); the count then starts again from 0."),
        Case("patience=0: a cut at every bad metric", dict(base_lr=0.1, patience=0, factor=0.5),
             metrics=_PLATEAU),
        Case("cooldown=2", dict(base_lr=0.1, patience=1, factor=0.5, cooldown=2), metrics=_PLATEAU,
             hint="after a cut, the next cooldown metrics count as neither good nor bad."),
        Case("mode='max' (e.g. accuracy)", dict(base_lr=0.1, mode="max", patience=1, factor=0.5),
             metrics=_ACCURACY, hint="with mode='max' higher is better."),
        Case("threshold: small improvements do not count", dict(base_lr=0.1, patience=1,
             factor=0.5, threshold=0.05), metrics=_SLOW,
             hint="with threshold_mode='rel' (mode='min') a metric is better only if it is below "
                  "best × (1 - threshold)."),
        Case("threshold_mode='abs'", dict(base_lr=0.1, patience=1, factor=0.5, threshold=0.02,
             threshold_mode="abs"), metrics=_SLOW,
             hint="with threshold_mode='abs' (mode='min') a metric is better only if it is below "
                  "best - threshold."),
        Case("min_lr: the floor", dict(base_lr=0.1, patience=0, factor=0.1, min_lr=1e-3),
             metrics=_PLATEAU, hint="a cut gives max(lr × factor, min_lr)."),
        Case("eps: cuts smaller than eps are skipped", dict(base_lr=3e-8, patience=0, factor=0.5),
             metrics=_PLATEAU, hint="torch only applies a cut if old_lr - new_lr > eps."),
        Case("long noisy run", dict(base_lr=0.1, patience=5, factor=0.3, cooldown=3, min_lr=1e-4),
             metrics=_NOISY),
    ],
    title="reduce_lr_on_plateau(metrics, base_lr, mode='min', factor=0.1, patience=10, "
          "threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0.0, eps=1e-8): the lr after "
          "each metric, as torch's ReduceLROnPlateau.",
    mistakes=[
        Mistake("your lr is cut one bad metric too early: torch waits until the number of "
                "metrics without improvement exceeds patience (num_bad_epochs > patience, not >=).",
                params=_plus("patience", -1, low=0)),
        Mistake("your lr is cut one bad metric too late: torch cuts as soon as the number of "
                "metrics without improvement exceeds patience (num_bad_epochs > patience).",
                params=_plus("patience", 1)),
        Mistake("your code ignores cooldown: after a cut torch waits cooldown={cooldown} metrics, "
                "counting no bad ones, before it counts again.", params=_set("cooldown", 0)),
        Mistake("your lr goes below min_lr={min_lr}: each cut gives max(lr × factor, min_lr).",
                params=_set("min_lr", 0.0)),
        Mistake("your code counts any improvement, however small: a metric only counts as better "
                "if it beats the best by the threshold ({threshold}, threshold_mode="
                "{threshold_mode}).", params=_set("threshold", 0.0)),
        Mistake("your code uses the other threshold_mode: with threshold_mode={threshold_mode} "
                "the test is " "best × (1 - threshold) for 'rel' and best - threshold for 'abs'.",
                params=lambda p: {**p, "threshold_mode": _other(p["threshold_mode"], "rel", "abs")}),
        Mistake("your code treats mode={mode} the other way round: with 'min' lower is better, "
                "with 'max' higher is better.",
                params=lambda p: {**p, "mode": _other(p["mode"], "min", "max")}),
        Mistake("your code makes cuts smaller than eps={eps}: torch skips a cut when "
                "old_lr - new_lr <= eps.", params=_set("eps", 0.0)),
    ],
    per_step=False,
    log_y=True,
)

def _no_warmup(num_training_steps: int) -> Case:
    return Case("no warmup (num_warmup_steps=0)",
                dict(base_lr=0.1, num_warmup_steps=0, num_training_steps=num_training_steps),
                steps=range(num_training_steps + 1),
                hint="with no warmup the first lr is base_lr; transformers divides by "
                     "max(1, num_warmup_steps), so it never divides by 0.")


_WARMUP_OFF_BY_ONE = [
    Mistake("your warmup ends one step late: the lr reaches base_lr at step "
            "num_warmup_steps={num_warmup_steps}.", params=_plus("num_warmup_steps", 1)),
    Mistake("your warmup ends one step early: the lr reaches base_lr at step "
            "num_warmup_steps={num_warmup_steps}.", params=_plus("num_warmup_steps", -1, low=0)),
]

LINEAR_SCHEDULE_WITH_WARMUP = FunctionExercise(
    "linear_schedule_with_warmup", "linear_schedule_with_warmup",
    [
        Case("typical run", dict(base_lr=0.1, num_warmup_steps=10, num_training_steps=100),
             steps=range(101),
             hint="a line from 0 up to base_lr over num_warmup_steps steps, then a line down to 0 "
                  "at num_training_steps."),
        Case("past num_training_steps: 0", dict(base_lr=0.1, num_warmup_steps=5,
             num_training_steps=20), steps=range(31),
             hint="after num_training_steps the lr stays at 0: transformers clamps with max(0, …)."),
        _no_warmup(num_training_steps=50),
        Case("num_warmup_steps=1", dict(base_lr=1.0, num_warmup_steps=1, num_training_steps=10),
             steps=range(12)),
    ],
    title="linear_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps): the "
          "lr of transformers' get_linear_schedule_with_warmup.",
    mistakes=[
        Mistake("your lr goes negative after num_training_steps: transformers clamps it at 0 "
                "(max(0.0, …)).",
                curve=lambda e, s, p: np.where(
                    s > p["num_training_steps"], p["base_lr"] * (p["num_training_steps"] - s)
                    / max(1, p["num_training_steps"] - p["num_warmup_steps"]), e)),
        *_WARMUP_OFF_BY_ONE,
    ],
)

COSINE_SCHEDULE_WITH_WARMUP = FunctionExercise(
    "cosine_schedule_with_warmup", "cosine_schedule_with_warmup",
    [
        Case("typical run", dict(base_lr=0.1, num_warmup_steps=10, num_training_steps=100),
             steps=range(101),
             hint="after the linear warmup, progress = (step - warmup) / (training - warmup) and "
                  "lr = base_lr × max(0, (1 + cos(pi × num_cycles × 2 × progress)) / 2)."),
        _no_warmup(num_training_steps=40),
        Case("num_cycles=2", dict(base_lr=1.0, num_warmup_steps=4, num_training_steps=44,
             num_cycles=2.0), steps=range(45)),
        Case("past num_training_steps", dict(base_lr=1.0, num_warmup_steps=5,
             num_training_steps=25), steps=range(40),
             hint="transformers does not clamp progress at 1: past num_training_steps the cosine "
                  "goes on and the lr rises again."),
    ],
    title="cosine_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps, "
          "num_cycles=0.5): the lr of transformers' get_cosine_schedule_with_warmup.",
    mistakes=[
        Mistake("your code ignores num_cycles={num_cycles}: the angle is pi × num_cycles × 2 × "
                "progress.", params=_set("num_cycles", 0.5)),
        Mistake("your cosine is half as fast: the angle is pi × num_cycles × 2 × progress (the "
                "factor 2 is easy to forget).",
                params=lambda p: {**p, "num_cycles": p["num_cycles"] / 2}),
        Mistake("your lr stays at 0 past num_training_steps; transformers does not clamp progress, "
                "so the cosine goes on and the lr rises again.",
                steps=lambda s, p: np.minimum(s, p["num_training_steps"])),
        *_WARMUP_OFF_BY_ONE,
    ],
)

CYCLIC_LR = FunctionExercise(
    "cyclic_lr", "cyclic_lr",
    [
        Case("triangular", dict(base_lr=0.001, max_lr=0.006, step_size_up=4), steps=range(33),
             hint="up from base_lr to max_lr in step_size_up steps, down in step_size_down steps "
                  "(= step_size_up when None), and again."),
        Case("asymmetric: step_size_down", dict(base_lr=0.001, max_lr=0.006, step_size_up=3,
             step_size_down=7), steps=range(41)),
        Case("triangular2: the amplitude halves every cycle", dict(base_lr=0.001, max_lr=0.006,
             step_size_up=4, mode="triangular2"), steps=range(41),
             hint="the height of cycle c (counting from 1) is (max_lr - base_lr) / 2 ** (c - 1)."),
        Case("exp_range: the amplitude shrinks by gamma at every step", dict(base_lr=0.001,
             max_lr=0.006, step_size_up=4, mode="exp_range", gamma=0.95), steps=range(41),
             hint="with exp_range the height is (max_lr - base_lr) × gamma ** step: per step, "
                  "not per cycle."),
        Case("step_size_up=1", dict(base_lr=0.1, max_lr=1.0, step_size_up=1), steps=range(10)),
    ],
    title="cyclic_lr(step, base_lr, max_lr, step_size_up=2000, step_size_down=None, "
          "mode='triangular', gamma=1.0): the lr of torch's CyclicLR.",
    mistakes=[
        Mistake("your code ignores step_size_down={step_size_down}: the way down takes "
                "step_size_down steps (the way up step_size_up).",
                params=lambda p: None if p.get("step_size_down") is None
                else {**p, "step_size_down": None}),
        Mistake("your amplitude halves one cycle too early: the first cycle has the full height, "
                "then (max_lr - base_lr) / 2 ** (cycle - 1), with cycles counted from 1.",
                curve=lambda e, s, p: None if p["mode"] != "triangular2"
                else p["base_lr"] + (e - p["base_lr"]) / 2),
        Mistake("your code ignores mode={mode}: every cycle has the same height.",
                params=lambda p: None if p["mode"] == "triangular" else {**p, "mode": "triangular"}),
    ],
)

ONE_CYCLE_LR = FunctionExercise(
    "one_cycle_lr", "one_cycle_lr",
    [
        Case("typical run (steps 0 … total_steps)", dict(max_lr=0.1, total_steps=100),
             steps=range(101),
             hint="the lr rises from max_lr / div_factor to max_lr until step "
                  "pct_start × total_steps - 1, then anneals to initial_lr / final_div_factor at "
                  "step total_steps - 1."),
        Case("anneal_strategy='linear'", dict(max_lr=1.0, total_steps=50, anneal_strategy="linear"),
             steps=range(51)),
        Case("three_phase=True", dict(max_lr=1.0, total_steps=40, three_phase=True),
             steps=range(41),
             hint="three phases: up to max_lr, back down to initial_lr (symmetric), then down to "
                  "the minimum."),
        Case("short run, pct_start=0.25", dict(max_lr=0.5, total_steps=10, pct_start=0.25,
             div_factor=10.0, final_div_factor=100.0), steps=range(11)),
    ],
    title="one_cycle_lr(step, max_lr, total_steps, pct_start=0.3, anneal_strategy='cos', "
          "div_factor=25.0, final_div_factor=1e4, three_phase=False): the lr of torch's OneCycleLR.",
    mistakes=[
        Mistake("your lr moves between the phase ends along the other curve: "
                "anneal_strategy={anneal_strategy} ('cos' is half a cosine, 'linear' a straight "
                "line).",
                params=lambda p: {**p, "anneal_strategy": _other(p["anneal_strategy"], "cos", "linear")}),
        Mistake("your curve has two phases; with three_phase=True it rises to max_lr, comes back "
                "down to initial_lr = max_lr / div_factor, then falls to the minimum.",
                params=lambda p: {**p, "three_phase": False} if p["three_phase"] else None),
        Mistake("your final lr is max_lr / final_div_factor; it is initial_lr / final_div_factor "
                "= max_lr / (div_factor × final_div_factor).",
                params=lambda p: {**p, "final_div_factor": p["final_div_factor"] / p["div_factor"]}),
        Mistake("your warmup ends one step late: the first phase ends at step "
                "pct_start × total_steps - 1 (torch counts the phase ends from 0).",
                params=lambda p: {**p, "pct_start": p["pct_start"] + 1 / p["total_steps"]}
                if p["pct_start"] + 1 / p["total_steps"] < 1 else None),
    ],
)

# ---- chapter 1 (01_step_decay) ---------------------------------------------------------------

STEP_DECAY_LR_AT_95 = NumericExercise(
    "step_decay_lr_at_95", 0.1 * 0.1 ** 3,
    question="StepLR with base_lr=0.1, step_size=30, gamma=0.1: the lr after 95 steps?",
    mistakes={
        0.1 * 0.1 ** 2: "That is two drops; by step 95 the lr has dropped at steps 30, 60 and 90.",
        0.1 * 0.1 ** 4: "That is four drops; 95 // 30 is 3.",
        0.1: "That is base_lr, the lr before any drop.",
    },
    hint="count the drops: one at every multiple of step_size up to the step.",
)

# ---- chapter 2 (02_exponential) --------------------------------------------------------------

# 20 epochs of 43 updates (the digits in minibatches of 32), ExponentialLR stepped once per update.
_CH2_EPOCHS, _CH2_PER_EPOCH = 20, 43
_CH2_T = _CH2_EPOCHS * _CH2_PER_EPOCH

EXPONENTIAL_GAMMA_FOR_TARGET = NumericExercise(
    "exponential_gamma_for_target", (1e-4 / 0.1) ** (1 / _CH2_T),
    question=f"ExponentialLR stepped once per update, {_CH2_EPOCHS} epochs of {_CH2_PER_EPOCH} "
             f"updates, base_lr=0.1: which gamma makes the lr 1e-4 after the last update "
             f"(at step T = {_CH2_T})?",
    mistakes={
        (1e-4 / 0.1) ** (1 / _CH2_EPOCHS):
            f"That is the factor per epoch. Stepped once per update, gamma is applied "
            f"{_CH2_PER_EPOCH} times per epoch: count T in updates, {_CH2_EPOCHS} × "
            f"{_CH2_PER_EPOCH} = {_CH2_T}.",
        (1e-4 / 0.1) ** (1 / (_CH2_T - 1)):
            f"That gamma reaches 1e-4 at step {_CH2_T - 1}, the last update; the question asks "
            f"for 1e-4 after it, at step T = {_CH2_T}: exponent 1 / T.",
        (0.1 / 1e-4) ** (1 / _CH2_T):
            "That gamma is above 1: it makes the lr grow. The ratio is final / initial, "
            "1e-4 / 0.1.",
        1e-4 ** (1 / _CH2_T):
            "That takes the lr from 1 to 1e-4. The decay is relative to base_lr: the ratio is "
            "1e-4 / 0.1.",
    },
    hint="eta_T = base_lr × gamma ** T, so gamma = (eta_T / base_lr) ** (1 / T), T in updates.",
)

# ---- chapter 0 (00_why_schedule) -------------------------------------------------------------


def _halve_every_3(step: int, base_lr: float) -> float:
    return base_lr * 0.5 ** (step // 3)


SCHEDULER_FROM_SCRATCH = SchedulerExercise(
    "scheduler_from_scratch",
    _halve_every_3,
    lambda cls, optimizer: cls(optimizer, lambda t: 0.5 ** (t // 3)),
    steps=12,
    base_lrs=(0.1, 0.02),
    title="A LambdaLR-style scheduler from scratch (lr_lambda = 0.5 ** (t // 3), two groups)",
    hint="store each group's lr as its base lr when the scheduler is built, write "
    "base_lr * lr_lambda(0) at once, and base_lr * lr_lambda(t) at the t-th step().",
)

LOOP_ORDER = ChoiceExercise(
    "loop_order",
    {
        "a": "scheduler.step(), then optimizer.step()",
        "b": "optimizer.step(), then scheduler.step()",
        "c": "either order: both give the same learning rates",
    },
    "b",
    question="In the training loop, in which order are the two steps called?",
    explanations={
        "a": "the scheduler then moves to step 1 before the first update, so the first update "
        "never uses the lr of step 0 (PyTorch warns about it).",
        "b": "the constructor wrote the lr of step 0; the first update uses it, then the "
        "scheduler moves on.",
        "c": "the order shifts the whole schedule by one update: the first lr is skipped.",
    },
)

# 5 epochs of 100 updates, LambdaLR(lr_lambda=0.9 ** t) stepped after every update.
_CH0_EPOCHS, _CH0_PER_EPOCH = 5, 100
_CH0_LAST = _CH0_EPOCHS * _CH0_PER_EPOCH - 1

LR_OF_LAST_UPDATE = NumericExercise(
    "lr_of_last_update",
    0.1 * 0.9**_CH0_LAST,
    question=f"LambdaLR with base lr 0.1 and lr_lambda = lambda t: 0.9 ** t, stepped after every "
    f"update, for {_CH0_EPOCHS} epochs of {_CH0_PER_EPOCH} updates: which lr does the last update "
    "use?",
    mistakes={
        0.1 * 0.9 ** (_CH0_EPOCHS - 1): "That is the lr of the last epoch when the scheduler is "
        "stepped once per epoch. Stepped after every update, t counts updates.",
        0.1 * 0.9 ** (_CH0_LAST + 1): "That is the lr after the last scheduler.step(), which no "
        f"update uses: the last update is update {_CH0_LAST} (they are counted from 0).",
    },
    hint="the t-th update (from 0) uses base_lr * lr_lambda(t); count t in updates.",
)

# ---- chapter 9 (09_capstone) -----------------------------------------------------------------

# The constant lr that chapter 9's search picks on the validation set (the notebook checks that
# its search still finds this value), and where the seeds the grader trains with start (before
# the LRLAB_SEED offset; none of the notebook's, so that a schedule is judged on runs its author
# has not seen).
CAPSTONE_BASELINE_LR = 0.14
CAPSTONE_FIRST_SEED, CAPSTONE_N_SEEDS = 100, 3
_CHANCE_LOSS = math.log(10)  # the cross-entropy of a uniform guess among the 10 digits


class _BeatTheConstant(Exercise):
    """The capstone: a schedule and its peak lr that beat the tuned constant lr on the test set.

    The answer is a function of no argument returning ``(make_scheduler, lr)``: a function that
    builds a scheduler on the optimizer, and the optimizer's lr. Both the answer and the
    constant baseline are trained with :class:`lrlab.training.Budget` (the capstone's budget)
    and ``lrlab.seeds(CAPSTONE_N_SEEDS, first=CAPSTONE_FIRST_SEED)``; the answer passes when its mean final test loss is lower. Needs
    torch (imported when an answer is graded, not when lrlab is imported).
    """

    _NAMES = ("answer", "builds", "trains within the budget", "changes the lr",
              "beats the constant on the test set")

    def __init__(self, exercise_id: str, *, baseline_lr: float, first_seed: int, n_seeds: int):
        super().__init__(
            exercise_id,
            "Beat the tuned constant learning rate within chapter 9's budget: my_schedule() "
            "returns (make_scheduler, lr); the grader trains it with three new seeds and "
            "compares its test loss with the constant lr's.")
        self.baseline_lr = float(baseline_lr)
        self.first_seed, self.n_seeds = first_seed, n_seeds
        self._baseline_runs = {}

    @property
    def seeds(self) -> tuple[int, ...]:
        """The grader's seeds, read when an answer is graded (``LRLAB_SEED`` shifts them)."""
        return seeds(self.n_seeds, first=self.first_seed)

    def _baseline(self, budget):
        key = self.seeds
        if key not in self._baseline_runs:  # the grader's own runs: computed once, not timed
            self._baseline_runs[key] = [budget.train(None, self.baseline_lr, seed=s) for s in key]
        return self._baseline_runs[key]

    def _report(self, checks, *, curve=None, notes=()):
        done = {c.name for c in checks}
        skipped = [Check(n, False, "skipped: an earlier check failed.") for n in self._NAMES
                   if n not in done]
        return Report(self.exercise_id, self.title, list(checks) + skipped, curve=curve,
                      notes=notes)

    def _parse(self, value):
        """(make_scheduler, lr, None) or (None, None, what is wrong)."""
        shape = ("my_schedule() must return a pair (make_scheduler, lr): a function that builds "
                 "the scheduler from the optimizer, and the optimizer's learning rate")
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return None, None, f"{shape}; it returned {_safe_repr(value)}."
        make, lr = value
        is_number = lambda x: (isinstance(x, numbers.Real)  # noqa: E731
                               and not isinstance(x, (bool, np.bool_)))
        if is_number(make) and callable(lr):
            return None, None, f"{shape}, in that order; yours is (lr, make_scheduler): swap them."
        if make is None:
            return None, None, ("make_scheduler is None: that is the constant learning rate, the "
                                "baseline itself. Return a function such as "
                                "lambda optimizer: lrlab.CosineAnnealingLR(optimizer, T_max=...).")
        if callable(getattr(make, "step", None)) and not isinstance(make, type):
            return None, None, (f"make_scheduler is a scheduler already built "
                                f"({type(make).__name__}); return a function that builds one "
                                "from the optimizer it is given: lambda optimizer: "
                                f"{type(make).__name__}(optimizer, ...).")
        if not callable(make):
            return None, None, (f"make_scheduler must be a function of the optimizer, got a "
                                f"{type(make).__name__} ({_safe_repr(make)}).")
        if not is_number(lr) or not math.isfinite(lr) or lr <= 0:
            return None, None, f"lr must be a positive number, got {_safe_repr(lr)}."
        return make, float(lr), None

    def _grade(self, answer, runner):
        ok, value = _call_answer_value(answer, runner)
        if not ok:
            if value.not_implemented:
                return _not_attempted_report(self, [Check(n, False, "") for n in self._NAMES])
            return self._report([Check("answer", False, f"calling my_schedule(): {value.text}")])
        make, lr, problem = self._parse(value)
        if problem:
            return self._report([Check("answer", False, problem)])
        import torch

        from .training import Budget, make_mlp

        budget = Budget()
        per_epoch, total = budget.steps_per_epoch, budget.total_steps
        checks = [Check("answer", True, f"a scheduler factory and lr={_fmt(lr)}.")]
        baseline = self._baseline(budget)

        optimizer = budget.optimizer(lr)(make_mlp(budget.hidden).parameters())
        runner.start_check()
        ok, scheduler = runner.call(make, optimizer)
        if not ok:
            return self._report(checks + [Check("builds", False,
                                                f"make_scheduler(optimizer) failed: {scheduler.text}")])
        if not callable(getattr(scheduler, "step", None)):
            return self._report(checks + [Check("builds", False, (
                f"make_scheduler(optimizer) returned a {type(scheduler).__name__} "
                f"({_safe_repr(scheduler)}), not a scheduler with a step() method."))])
        checks.append(Check("builds", True, f"a {type(scheduler).__name__.lstrip('_')}."))

        runs = []
        for seed in self.seeds:
            runner.start_check()
            ok, run = runner.call(budget.train, make, lr, seed=seed)
            if not ok:
                # An error raised inside lrlab (a scheduler refusing a step) is located in the
                # library, not in the reader's code: its message says enough.
                lines = [line for line in run.text.splitlines()
                         if not (line.lstrip().startswith("at ") and "lrlab" in line)]
                text = f"training with seed {seed} failed: " + "\n".join(lines)
                if "cannot go to step" in text or "total_steps" in text:
                    text += (f"\nHint: the grader calls scheduler.step() after every update: "
                             f"{budget.epochs} epochs × {per_epoch} updates = {total} steps. "
                             f"Give lengths in updates (budget.total_steps), not in epochs.")
                return self._report(checks + [Check("trains within the budget", False, text)])
            if run.diverged or not run.test_loss[-1] < _CHANCE_LOSS:
                return self._report(checks + [Check("trains within the budget", False, (
                    f"with seed {seed} the loss blew up (final test loss {run.test_loss[-1]:.3g}, "
                    f"worse than guessing, ln 10 = {_CHANCE_LOSS:.2f}): the learning rate is too "
                    f"high for this network. In chapter 9 no contender did better with a peak "
                    f"lr above 0.56."))])
            runs.append(run)
        checks.append(Check("trains within the budget", True,
                            f"{len(runs)} runs of {total} updates, none diverged."))

        used = runs[0].lr
        curve = _Curve(np.arange(total, dtype=float), np.full(total, self.baseline_lr), used, None,
                       f"blue: the baseline's constant lr; orange: yours, at each of the "
                       f"{total} updates", "update")
        peak = float(np.nanmax(used))
        if np.nanmax(used) - np.nanmin(used) <= 1e-12 * peak:
            checks.append(Check("changes the lr", False, (
                f"your lr is {_fmt(peak)} at every update: that is a constant learning rate, "
                f"the baseline, not a schedule.")))
            return self._report(checks, curve=curve)
        checks.append(Check("changes the lr", True,
                            f"from {used[0]:.3g} to {used[-1]:.3g}, peak {peak:.3g}."))

        def stats(results):
            loss = np.array([r.test_loss[-1] for r in results])
            acc = np.array([r.test_acc[-1] for r in results])
            return loss.mean(), loss.std(), acc.mean()

        mine, mine_std, mine_acc = stats(runs)
        base, base_std, base_acc = stats(baseline)
        seeds = ", ".join(map(str, self.seeds))
        numbers_ = (f"test loss {mine:.4f} ± {mine_std:.4f} (accuracy {mine_acc:.1%}); the "
                    f"constant lr {self.baseline_lr:g}: {base:.4f} ± {base_std:.4f} "
                    f"({base_acc:.1%}); mean ± std over seeds {seeds}.")
        if mine < base:
            checks.append(Check("beats the constant on the test set", True, (
                f"yours is lower by {base - mine:.4f} ({(base - mine) / base:.1%}): {numbers_}")))
            return self._report(checks, curve=curve)
        why = []
        if used[min(per_epoch, total) - 1] < 0.01 * peak:
            why.append(f"your lr falls below 1% of its peak within the first epoch: a length "
                       f"given in epochs while the scheduler is stepped after every update? "
                       f"Multiply it by budget.steps_per_epoch ({per_epoch}).")
        if used[-1] > 0.5 * peak:
            why.append(f"your lr is still at {used[-1] / peak:.0%} of its peak at the last "
                       f"update; the schedules that win in chapter 9 end near zero.")
        if peak <= self.baseline_lr:
            why.append(f"your peak lr ({peak:.3g}) is no higher than the constant's "
                       f"({self.baseline_lr:g}); a schedule that decays can start higher.")
        hint = "".join(f"\nHint: {w}" for w in why)
        checks.append(Check("beats the constant on the test set", False, (
            f"yours is higher by {mine - base:.4f}: {numbers_}{hint}")))
        return self._report(checks, curve=curve)


BEAT_THE_CONSTANT = _BeatTheConstant("beat_the_constant", baseline_lr=CAPSTONE_BASELINE_LR,
                                     first_seed=CAPSTONE_FIRST_SEED, n_seeds=CAPSTONE_N_SEEDS)

# ---- chapter 7 (07_cyclic) -------------------------------------------------------------------

# The digits' 1348 training images in minibatches of 32: ceil(1348 / 32) = 43 updates per epoch.
_CH7_IMAGES, _CH7_BATCH, _CH7_HALF_EPOCHS = 1348, 32, 4
_CH7_PER_EPOCH = -(-_CH7_IMAGES // _CH7_BATCH)

CYCLIC_STEP_SIZE_UP = NumericExercise(
    "cyclic_step_size_up", _CH7_HALF_EPOCHS * _CH7_PER_EPOCH,
    question=f"{_CH7_IMAGES} training images in minibatches of {_CH7_BATCH} (the last one "
             f"shorter), CyclicLR stepped after every update: which step_size_up makes the lr "
             f"climb for {_CH7_HALF_EPOCHS} epochs?",
    mistakes={
        _CH7_HALF_EPOCHS: f"That is the half cycle in epochs. CyclicLR counts its step() calls, "
                          f"here one per update: {_CH7_HALF_EPOCHS} epochs × the updates per epoch.",
        2 * _CH7_HALF_EPOCHS * _CH7_PER_EPOCH: "That is the whole cycle, up and down; step_size_up "
                                               "is the way up only.",
        _CH7_HALF_EPOCHS * _CH7_IMAGES / _CH7_BATCH: f"That counts {_CH7_IMAGES / _CH7_BATCH} "
            f"updates per epoch; the short last minibatch is an update too: ceil({_CH7_IMAGES} / "
            f"{_CH7_BATCH}) = {_CH7_PER_EPOCH}.",
        _CH7_HALF_EPOCHS * (_CH7_IMAGES // _CH7_BATCH): f"That drops the short last minibatch; it "
            f"is an update too: ceil({_CH7_IMAGES} / {_CH7_BATCH}) = {_CH7_PER_EPOCH} per epoch.",
    },
    hint="count updates: the updates per epoch (round up) times the epochs of the climb.",
)

RANGE_TEST_MAX_LR = ChoiceExercise(
    "range_test_max_lr",
    {
        "a": "2, where the sweep stopped because the loss diverged",
        "b": "0.5, where the smoothed loss is lowest",
        "c": "0.05, a tenth of the lr at the lowest loss",
        "d": "0.001, where the loss starts to fall",
    },
    "c",
    question="An LR range test: the smoothed loss is flat up to lr 0.001, falls fastest at 0.03, "
             "is lowest at 0.5, and the sweep stops (divergence) at 2. Which max_lr for CyclicLR?",
    explanations={
        "a": "at the divergence point training already blows up; every cycle would visit it.",
        "b": "the bottom of the curve is the edge of divergence, and the smoothed curve lags the "
             "raw one, so its bottom sits at an even larger lr than the real one.",
        "c": "a decade below the bottom, on the falling part of the curve (near the steepest "
             "descent at 0.03): large, and still safe.",
        "d": "that is where the lr starts to matter: a candidate for base_lr, not max_lr.",
    },
)

# ---- chapter 5 (05_reduce_on_plateau) ---------------------------------------------------------

# The validation loss after epochs 1, 2, 3, ... of a run with ReduceLROnPlateau(patience=2), the
# other arguments at their defaults (mode="min", threshold=1e-4 relative, cooldown=0). Epoch 5's
# 0.69995 is below the best 0.70 but not below 0.70 × (1 - 1e-4) = 0.69993.
CH5_VAL_LOSSES = (1.00, 0.80, 0.70, 0.72, 0.69995, 0.71, 0.705, 0.70, 0.71, 0.72, 0.73)
_CH5_LOSSES_TEXT = ", ".join(f"{v:g}" for v in CH5_VAL_LOSSES)

PLATEAU_FIRST_CUT = NumericExercise(
    "plateau_first_cut", 6,
    question=f"ReduceLROnPlateau(optimizer, patience=2), the other arguments at their defaults, is "
             f"stepped after each epoch with the validation losses {_CH5_LOSSES_TEXT} (epochs 1 to "
             f"{len(CH5_VAL_LOSSES)}). After which epoch is the lr first reduced?",
    mistakes={
        5: "That is one epoch early: patience=2 tolerates two bad epochs in a row, and the cut "
           "comes with the third (num_bad_epochs > patience). The epochs are numbered from 1.",
        4: "That is the first bad epoch. The cut waits until there are more than patience=2 bad "
           "epochs in a row.",
        8: "You counted epoch 5 (0.69995) as an improvement. With threshold=1e-4 (relative), a "
           "loss counts as better only below best × (1 - 1e-4) = 0.69993.",
        7: "Two slips: epoch 5 (0.69995) is not below best × (1 - 1e-4) = 0.69993, so it is a bad "
           "epoch; and the cut comes with the third bad epoch in a row, not the second.",
        11: "You compared each loss with the previous one. ReduceLROnPlateau compares it with the "
            "best so far (0.70, after epoch 3).",
    },
    hint="keep the best loss so far and the number of bad epochs in a row; a loss is better only "
         "below best × (1 - threshold); the cut comes when the count exceeds patience.",
)

# ---- chapter 8 (08_one_cycle) ----------------------------------------------------------------

# A DataLoader over 1000 images in batches of 64 (drop_last=False) for 5 epochs, OneCycleLR
# stepped after every optimizer.step(): ceil(1000 / 64) = 16 batches per epoch, 80 steps.
_CH8_IMAGES, _CH8_BATCH, _CH8_EPOCHS = 1000, 64, 5
_CH8_PER_EPOCH = -(-_CH8_IMAGES // _CH8_BATCH)
_CH8_WHOLE_RUN = ("You divided all the images of the run by the batch size; every epoch ends with "
                  "its own short batch: count the batches of one epoch, then multiply by the epochs.")

ONE_CYCLE_TOTAL_STEPS = NumericExercise(
    "one_cycle_total_steps", _CH8_EPOCHS * _CH8_PER_EPOCH,
    question=f"OneCycleLR stepped after every optimizer.step(), for {_CH8_EPOCHS} epochs of a "
             f"DataLoader over {_CH8_IMAGES} images in batches of {_CH8_BATCH} (drop_last=False): "
             "which total_steps?",
    mistakes={
        _CH8_EPOCHS * (_CH8_IMAGES // _CH8_BATCH):
            f"That counts len(dataset) // batch_size = {_CH8_IMAGES // _CH8_BATCH} batches per "
            f"epoch. With drop_last=False the loader also yields the last, short batch of "
            f"{_CH8_IMAGES % _CH8_BATCH} images, {_CH8_PER_EPOCH} batches in all, and the "
            "scheduler would raise ValueError in the last epoch.",
        _CH8_EPOCHS: "That is the number of epochs. OneCycleLR is stepped once per batch: "
                     "total_steps counts batches.",
        _CH8_PER_EPOCH: "That is the batches of one epoch; the cycle spans the whole run.",
        _CH8_EPOCHS * _CH8_IMAGES // _CH8_BATCH: _CH8_WHOLE_RUN,
        -(-_CH8_EPOCHS * _CH8_IMAGES // _CH8_BATCH): _CH8_WHOLE_RUN,
        _CH8_EPOCHS * _CH8_IMAGES: "That counts images; the scheduler is stepped once per batch.",
    },
    hint="count the batches of one epoch, the short last one included, then multiply by the "
         "epochs.",
)

# ---- chapter 3 (03_cosine_annealing) ---------------------------------------------------------

# 20 epochs of 43 updates (the digits in minibatches of 32), CosineAnnealingLR stepped per update.
_CH3_EPOCHS, _CH3_PER_EPOCH = 20, 43
_CH3_T = _CH3_EPOCHS * _CH3_PER_EPOCH

COSINE_T_MAX_PER_UPDATE = NumericExercise(
    "cosine_t_max_per_update", _CH3_T,
    question=f"CosineAnnealingLR stepped once per update, {_CH3_EPOCHS} epochs of {_CH3_PER_EPOCH} "
             f"updates: which T_max brings the lr down to eta_min exactly after the last update, "
             f"without rising again?",
    mistakes={
        _CH3_EPOCHS: f"That is the run in epochs. Stepped once per update, the scheduler counts "
                     f"updates: T_max={_CH3_EPOCHS} reaches eta_min after {_CH3_EPOCHS} updates and "
                     f"then oscillates, {_CH3_EPOCHS} updates down, {_CH3_EPOCHS} up.",
        _CH3_T // 2: "That is a full period in the run: T_max is a half period. With it the lr is "
                     "at eta_min half way through and back at base_lr at the end.",
        2 * _CH3_T: "That is twice the run: T_max is already the half period, from base_lr down "
                    "to eta_min. With it the run ends half way down.",
        _CH3_T - 1: f"That reaches eta_min at step {_CH3_T - 1}, so the last update trains at "
                    f"eta_min; the question asks for eta_min after it, at step {_CH3_T} "
                    f"= {_CH3_EPOCHS} × {_CH3_PER_EPOCH}.",
    },
    hint="the lr is eta_min at step T_max; count the steps in the unit scheduler.step() is "
         "called in.",
)

# ---- chapter 4 (04_warm_restarts) ------------------------------------------------------------

# CosineAnnealingWarmRestarts(T_0=10, T_mult=2) stepped once per epoch: cycles of 10, 20, 40, 80.
SGDR_EPOCHS_FOR_CYCLES = NumericExercise(
    "sgdr_epochs_for_cycles", 10 + 20 + 40 + 80,
    question="CosineAnnealingWarmRestarts(T_0=10, T_mult=2) stepped once per epoch: how many "
             "epochs must the run last to end exactly at the end of the 4th cycle, just before a "
             "restart (to take the last snapshot of a snapshot ensemble there)?",
    mistakes={
        80: "That is the length of the 4th cycle alone, 10 × 2**3. The run also contains the "
            "three cycles before it.",
        70: "That is the end of the 3rd cycle, 10 + 20 + 40. The 4th cycle lasts 80 more epochs.",
        40: "That ignores T_mult: with T_mult=2 each cycle is twice as long as the one before.",
        160: "That is 10 × 2**4, the length of the 5th cycle. The first four cycles end at "
             "10 × (2**4 - 1) / (2 - 1).",
        310: "That is the end of the 5th cycle: the first four last 10, 20, 40 and 80 epochs.",
    },
    hint="cycle i lasts T_0 × T_mult**i epochs (i = 0, 1, ...); add up the first four.",
)

# ---- chapter 6 (06_warmup) -------------------------------------------------------------------

# 3 epochs of 1000 minibatches, gradient_accumulation_steps=4: 3 * (1000 // 4) = 750 optimizer
# updates; TrainingArguments(warmup_steps=0.05), a ratio: the Trainer uses ceil(0.05 * 750) = 38.
_CH6_EPOCHS, _CH6_BATCHES, _CH6_ACCUM, _CH6_RATIO = 3, 1000, 4, 0.05
_CH6_UPDATES = _CH6_EPOCHS * (_CH6_BATCHES // _CH6_ACCUM)
_CH6_BATCHES_IN_RUN = _CH6_EPOCHS * _CH6_BATCHES

WARMUP_STEPS_WITH_ACCUMULATION = NumericExercise(
    "warmup_steps_with_accumulation", math.ceil(_CH6_RATIO * _CH6_UPDATES),
    question=f"A Trainer run of {_CH6_EPOCHS} epochs over {_CH6_BATCHES} minibatches per epoch, "
             f"gradient_accumulation_steps={_CH6_ACCUM}, warmup_steps={_CH6_RATIO} (a ratio): "
             "how many warmup steps does the scheduler get?",
    mistakes={
        math.ceil(_CH6_RATIO * _CH6_BATCHES_IN_RUN):
            f"That is {_CH6_RATIO} of the {_CH6_BATCHES_IN_RUN} minibatches. The scheduler is "
            f"stepped once per optimizer update, and with gradient_accumulation_steps="
            f"{_CH6_ACCUM} the optimizer updates once every {_CH6_ACCUM} minibatches: count T "
            "in updates.",
        math.floor(_CH6_RATIO * _CH6_UPDATES):
            f"That rounds {_CH6_RATIO} × {_CH6_UPDATES} = {_CH6_RATIO * _CH6_UPDATES:g} down; "
            "the Trainer rounds up (math.ceil).",
        _CH6_RATIO * _CH6_UPDATES:
            f"{_CH6_RATIO * _CH6_UPDATES:g} is not a whole number of steps; the Trainer rounds "
            "it up (math.ceil).",
        math.ceil(_CH6_RATIO * _CH6_UPDATES / _CH6_EPOCHS):
            "That is the warmup of one epoch's updates; the ratio is of the whole run.",
        math.ceil(_CH6_RATIO * _CH6_BATCHES):
            "That is the ratio of one epoch's minibatches; count the whole run, in updates.",
        _CH6_UPDATES: "That is num_training_steps, the whole run; the warmup is a fraction of it.",
        _CH6_RATIO: "That is the ratio itself; the scheduler needs a number of updates: "
                    "ceil(ratio × T).",
    },
    hint="T = epochs × (minibatches per epoch // gradient_accumulation_steps) optimizer updates; "
         "the warmup is ceil(ratio × T).",
)

BUILTIN = [
    SCHEDULER_FROM_SCRATCH,
    LOOP_ORDER,
    LR_OF_LAST_UPDATE,
    STEP_LR,
    MULTISTEP_LR,
    EXPONENTIAL_LR,
    COSINE_ANNEALING_LR,
    COSINE_ANNEALING_WARM_RESTARTS,
    REDUCE_LR_ON_PLATEAU,
    LINEAR_SCHEDULE_WITH_WARMUP,
    COSINE_SCHEDULE_WITH_WARMUP,
    CYCLIC_LR,
    ONE_CYCLE_LR,
    STEP_DECAY_LR_AT_95,
    EXPONENTIAL_GAMMA_FOR_TARGET,
    COSINE_T_MAX_PER_UPDATE,
    SGDR_EPOCHS_FOR_CYCLES,
    BEAT_THE_CONSTANT,
    CYCLIC_STEP_SIZE_UP,
    RANGE_TEST_MAX_LR,
    PLATEAU_FIRST_CUT,
    ONE_CYCLE_TOTAL_STEPS,
    WARMUP_STEPS_WITH_ACCUMULATION,
]
