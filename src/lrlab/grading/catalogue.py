"""The built-in exercises of :mod:`lrlab.grading`: one per schedule of the contract, plus the
chapters' own (numeric, multiple choice, ...) and the capstone's.

Each schedule exercise compares the reader's function with the function of the same name in
:mod:`lrlab.schedules` over a few :class:`.Case` s (a typical run and that schedule's edge
cases), and lists the :class:`.Mistake` s worth recognising. The chapters' exercises are in
:mod:`lrlab.grading.chapters`, the capstone's in :mod:`lrlab.grading.capstone`; this module
names them all. A chapter adds its exercises to ``BUILTIN`` at the end of this file.
"""

from __future__ import annotations

import numpy as np

from lrlab.grading.capstone import (
    BEAT_THE_CONSTANT,
    CAPSTONE_BASELINE_LR,
    CAPSTONE_FIRST_SEED,
    CAPSTONE_N_SEEDS,
)
from lrlab.grading.chapters import (
    CH5_VAL_LOSSES,
    COSINE_T_MAX_PER_UPDATE,
    CYCLIC_STEP_SIZE_UP,
    EXPONENTIAL_GAMMA_FOR_TARGET,
    LOOP_ORDER,
    LR_OF_LAST_UPDATE,
    ONE_CYCLE_TOTAL_STEPS,
    PLATEAU_FIRST_CUT,
    RANGE_TEST_MAX_LR,
    SCHEDULER_FROM_SCRATCH,
    SGDR_EPOCHS_FOR_CYCLES,
    STEP_DECAY_LR_AT_95,
    WARMUP_STEPS_WITH_ACCUMULATION,
)
from lrlab.grading.function_kind import Case, FunctionExercise, Mistake

__all__ = [
    "BEAT_THE_CONSTANT",
    "BUILTIN",
    "CAPSTONE_BASELINE_LR",
    "CAPSTONE_FIRST_SEED",
    "CAPSTONE_N_SEEDS",
    "CH5_VAL_LOSSES",
    "COSINE_ANNEALING_LR",
    "COSINE_ANNEALING_WARM_RESTARTS",
    "COSINE_SCHEDULE_WITH_WARMUP",
    "COSINE_T_MAX_PER_UPDATE",
    "CYCLIC_LR",
    "CYCLIC_STEP_SIZE_UP",
    "EXPONENTIAL_GAMMA_FOR_TARGET",
    "EXPONENTIAL_LR",
    "LINEAR_SCHEDULE_WITH_WARMUP",
    "LOOP_ORDER",
    "LR_OF_LAST_UPDATE",
    "MULTISTEP_LR",
    "ONE_CYCLE_LR",
    "ONE_CYCLE_TOTAL_STEPS",
    "PLATEAU_FIRST_CUT",
    "RANGE_TEST_MAX_LR",
    "REDUCE_LR_ON_PLATEAU",
    "SCHEDULER_FROM_SCRATCH",
    "SGDR_EPOCHS_FOR_CYCLES",
    "STEP_DECAY_LR_AT_95",
    "STEP_LR",
    "WARMUP_STEPS_WITH_ACCUMULATION",
]


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
        return [
            float(steps[i])
            for i in range(1, len(y))
            if np.isfinite(y[i]) and np.isfinite(y[i - 1]) and y[i] > y[i - 1] + 1e-9 * scale
        ]

    want, got = ups(expected), ups(returned)
    if want == got:
        return None
    show = lambda xs: ", ".join(f"{x:g}" for x in xs[:6]) + (", …" if len(xs) > 6 else "") or "none"  # noqa: E731
    return (
        f"your lr restarts at steps {show(got)}; it should restart at {show(want)}. The i-th "
        f"cycle lasts T_0 × T_mult**i steps, and the restart is at the step where the lr is "
        f"back at base_lr."
    )


STEP_LR = FunctionExercise(
    "step_lr",
    "step_lr",
    [
        Case(
            "typical run",
            dict(base_lr=0.1, step_size=30, gamma=0.1),
            steps=range(100),
            hint="StepLR multiplies the lr by gamma once every step_size steps.",
        ),
        Case(
            "boundaries: the drop happens at step == step_size",
            dict(base_lr=1.0, step_size=3, gamma=0.5),
            steps=range(13),
            hint="at step 3 (= step_size) the lr has already dropped once; at step 2 it has not.",
        ),
        Case(
            "step_size=1: a drop at every step",
            dict(base_lr=0.5, step_size=1, gamma=0.9),
            steps=range(21),
        ),
        Case("long run", dict(base_lr=0.05, step_size=7, gamma=0.3), steps=range(501)),
    ],
    title="step_lr(step, base_lr, step_size, gamma=0.1): the lr of torch's StepLR after `step` "
    "steps.",
    mistakes=[
        Mistake(
            "you multiply by 1 - gamma; gamma={gamma} is the factor the lr is multiplied by at "
            "each drop, not the fraction taken away.",
            params=lambda p: None if p["gamma"] == 0.5 else {**p, "gamma": 1 - p["gamma"]},
        ),
        Mistake(
            "your lr decays smoothly, gamma ** (step / step_size): that is float division. The "
            "number of drops so far is the floor division step // step_size.",
            curve=lambda e, s, p: p["base_lr"] * p["gamma"] ** (s / p["step_size"]),
        ),
        Mistake(
            "your drops come every step_size + 1 = {step_size} + 1 steps: the first drop is at "
            "step step_size, not after it.",
            params=_plus("step_size", 1),
        ),
        Mistake(
            "your drops come every step_size - 1 steps: with step_size={step_size} the first "
            "drop is at step {step_size}.",
            params=_plus("step_size", -1, low=1),
        ),
    ],
    log_y=True,
)

MULTISTEP_LR = FunctionExercise(
    "multistep_lr",
    "multistep_lr",
    [
        Case(
            "typical run",
            dict(base_lr=0.1, milestones=[30, 80], gamma=0.1),
            steps=range(120),
            hint="the lr is base_lr × gamma ** (the number of milestones <= step).",
        ),
        Case(
            "boundaries: the drop happens at each milestone",
            dict(base_lr=1.0, milestones=[2, 5], gamma=0.5),
            steps=range(9),
            hint="at step 2 (a milestone) the lr has already dropped; at step 1 it has not.",
        ),
        Case(
            "unsorted milestones",
            dict(base_lr=1.0, milestones=[8, 3], gamma=0.5),
            steps=range(12),
            hint="torch does not need the milestones sorted: it counts the milestones <= step. "
            "If you sort them, sort a copy: sorted(milestones).",
        ),
        Case(
            "a milestone past the end",
            dict(base_lr=0.1, milestones=[5, 1000], gamma=0.2),
            steps=range(20),
        ),
    ],
    title="multistep_lr(step, base_lr, milestones, gamma=0.1): the lr of torch's MultiStepLR.",
    mistakes=[
        Mistake(
            "you count the milestones strictly below the step (m < step); torch counts "
            "m <= step, so at a milestone the lr has already dropped (bisect_right, not "
            "bisect_left).",
            steps=lambda s, p: s - 1,
        ),
        Mistake(
            "you multiply by 1 - gamma; gamma={gamma} is the factor the lr is multiplied by at "
            "each milestone.",
            params=lambda p: None if p["gamma"] == 0.5 else {**p, "gamma": 1 - p["gamma"]},
        ),
    ],
    log_y=True,
)

EXPONENTIAL_LR = FunctionExercise(
    "exponential_lr",
    "exponential_lr",
    [
        Case(
            "typical run",
            dict(base_lr=0.1, gamma=0.95),
            steps=range(100),
            hint="ExponentialLR multiplies the lr by gamma at every step: base_lr × gamma ** step.",
        ),
        Case("step 0 is base_lr", dict(base_lr=1.0, gamma=0.5), steps=range(11)),
        Case("long run", dict(base_lr=0.1, gamma=0.999), steps=range(3001)),
        Case("gamma=1: a constant lr", dict(base_lr=0.3, gamma=1.0), steps=range(10)),
    ],
    title="exponential_lr(step, base_lr, gamma): the lr of torch's ExponentialLR.",
    mistakes=[
        Mistake(
            "you multiply by 1 - gamma; gamma={gamma} is the factor the lr is multiplied by at "
            "every step, not the fraction taken away.",
            params=lambda p: None if p["gamma"] in (0.5, 1.0) else {**p, "gamma": 1 - p["gamma"]},
        ),
    ],
    log_y=True,
)

COSINE_ANNEALING_LR = FunctionExercise(
    "cosine_annealing_lr",
    "cosine_annealing_lr",
    [
        Case(
            "typical run",
            dict(base_lr=0.1, T_max=100),
            steps=range(101),
            hint="lr = eta_min + (base_lr - eta_min) × (1 + cos(pi × step / T_max)) / 2.",
        ),
        Case(
            "eta_min: the floor",
            dict(base_lr=0.1, T_max=50, eta_min=0.01),
            steps=range(51),
            hint="the cosine goes from base_lr down to eta_min, not to 0.",
        ),
        Case(
            "past T_max: the cosine goes on",
            dict(base_lr=1.0, T_max=10, eta_min=0.1),
            steps=range(41),
            hint="torch's CosineAnnealingLR does not stop at T_max: after it the lr rises again "
            "along the same cosine.",
        ),
        Case("T_max=1", dict(base_lr=0.5, T_max=1), steps=range(6)),
    ],
    title="cosine_annealing_lr(step, base_lr, T_max, eta_min=0.0): the lr of torch's "
    "CosineAnnealingLR.",
    mistakes=[
        Mistake(
            "you forgot eta_min: your curve goes down to 0 instead of eta_min={eta_min}. "
            "Scale the cosine between the two: eta_min + (base_lr - eta_min) × (1 + cos) / 2.",
            params=_set("eta_min", 0.0),
        ),
        Mistake(
            "your lr stays at eta_min after T_max; torch's cosine goes on and the lr rises "
            "again (it is periodic with period 2 × T_max).",
            steps=lambda s, p: np.minimum(s, p["T_max"]),
        ),
        Mistake(
            "base_lr and eta_min are swapped: your cosine starts at eta_min.",
            params=lambda p: {**p, "base_lr": p.get("eta_min", 0.0), "eta_min": p["base_lr"]},
        ),
        Mistake(
            "your cosine runs a full period in T_max steps (cos(2 × pi × step / T_max)): the "
            "lr must reach eta_min at T_max, half a period: cos(pi × step / T_max).",
            params=lambda p: {**p, "T_max": p["T_max"] / 2},
        ),
        Mistake(
            "your cosine is half as fast (cos(pi × step / (2 × T_max))): at step T_max the lr "
            "must already be at eta_min.",
            params=lambda p: {**p, "T_max": 2 * p["T_max"]},
        ),
    ],
)

COSINE_ANNEALING_WARM_RESTARTS = FunctionExercise(
    "cosine_annealing_warm_restarts",
    "cosine_annealing_warm_restarts",
    [
        Case(
            "T_mult=1: a restart every T_0 steps",
            dict(base_lr=0.1, T_0=10),
            steps=range(50),
            hint="within a cycle the lr follows a cosine from base_lr to eta_min; at step T_0 it "
            "is back at base_lr.",
        ),
        Case(
            "T_mult=2: each cycle twice as long",
            dict(base_lr=0.1, T_0=5, T_mult=2),
            steps=range(80),
            hint="with T_0=5, T_mult=2 the restarts are at steps 5, 15, 35, 75.",
        ),
        Case(
            "eta_min: the floor",
            dict(base_lr=1.0, T_0=8, eta_min=0.1),
            steps=range(33),
            hint="each cosine goes from base_lr down to eta_min, not to 0.",
        ),
        Case(
            "T_0=2, T_mult=3",
            dict(base_lr=0.1, T_0=2, T_mult=3),
            steps=range(40),
            hint="restarts at steps 2, 8, 26: cycles of 2, 6, 18 steps.",
        ),
        Case(
            "fractional epochs, as scheduler.step(epoch) takes them",
            dict(base_lr=0.1, T_0=4, T_mult=2),
            steps=np.arange(0, 30, 0.25),
            hint="the step may be fractional (2.5 = half way through epoch 2): the cosine is "
            "evaluated at the fraction too.",
        ),
    ],
    title="cosine_annealing_warm_restarts(step, base_lr, T_0, T_mult=1, eta_min=0.0): the lr of "
    "torch's CosineAnnealingWarmRestarts (SGDR).",
    mistakes=[
        Mistake(
            "you forgot eta_min: your cosines go down to 0 instead of eta_min={eta_min}.",
            params=_set("eta_min", 0.0),
        ),
        Mistake(
            "your cycles do not grow: after each restart the next cycle is T_mult={T_mult} "
            "times longer than the one before.",
            params=_set("T_mult", 1),
        ),
        Mistake(
            "your restarts come one step late (cycles of T_0 + 1 steps): at step T_0={T_0} the "
            "lr is already back at base_lr.",
            params=_plus("T_0", 1),
        ),
        Mistake(
            "your restarts come one step early (cycles of T_0 - 1 steps): the lr is back at "
            "base_lr at step T_0={T_0}, not before.",
            params=_plus("T_0", -1, low=1),
        ),
        Mistake(
            "you round the fractional epoch down: scheduler.step(epoch) takes fractional "
            "epochs, and between two integers the lr moves along the cosine too.",
            steps=lambda s, p: None if np.all(s == np.floor(s)) else np.floor(s),
        ),
    ],
    explain=_restarts,
)

_PLATEAU = [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
_SLOW = [1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.9, 0.89, 0.88, 0.87, 0.86, 0.85]
_ACCURACY = [0.5, 0.6, 0.7, 0.7, 0.7, 0.71, 0.7, 0.7, 0.7, 0.7, 0.72, 0.7]
_NOISY = [
    round(float(v), 4)
    for v in np.exp(-np.arange(200) / 60) + 0.05 * np.random.default_rng(0).standard_normal(200)
]

REDUCE_LR_ON_PLATEAU = FunctionExercise(
    "reduce_lr_on_plateau",
    "reduce_lr_on_plateau",
    [
        Case(
            "typical: patience=2, factor=0.5",
            dict(base_lr=0.1, patience=2, factor=0.5),
            metrics=_PLATEAU,
            hint="the lr is cut once the number of metrics in a row without improvement exceeds "
            "patience (num_bad_epochs > patience); the count then starts again from 0.",
        ),
        Case(
            "patience=0: a cut at every bad metric",
            dict(base_lr=0.1, patience=0, factor=0.5),
            metrics=_PLATEAU,
        ),
        Case(
            "cooldown=2",
            dict(base_lr=0.1, patience=1, factor=0.5, cooldown=2),
            metrics=_PLATEAU,
            hint="after a cut, the next cooldown metrics count as neither good nor bad.",
        ),
        Case(
            "mode='max' (e.g. accuracy)",
            dict(base_lr=0.1, mode="max", patience=1, factor=0.5),
            metrics=_ACCURACY,
            hint="with mode='max' higher is better.",
        ),
        Case(
            "threshold: small improvements do not count",
            dict(base_lr=0.1, patience=1, factor=0.5, threshold=0.05),
            metrics=_SLOW,
            hint="with threshold_mode='rel' (mode='min') a metric is better only if it is below "
            "best × (1 - threshold).",
        ),
        Case(
            "threshold_mode='abs'",
            dict(base_lr=0.1, patience=1, factor=0.5, threshold=0.02, threshold_mode="abs"),
            metrics=_SLOW,
            hint="with threshold_mode='abs' (mode='min') a metric is better only if it is below "
            "best - threshold.",
        ),
        Case(
            "min_lr: the floor",
            dict(base_lr=0.1, patience=0, factor=0.1, min_lr=1e-3),
            metrics=_PLATEAU,
            hint="a cut gives max(lr × factor, min_lr).",
        ),
        Case(
            "eps: cuts smaller than eps are skipped",
            dict(base_lr=3e-8, patience=0, factor=0.5),
            metrics=_PLATEAU,
            hint="torch only applies a cut if old_lr - new_lr > eps.",
        ),
        Case(
            "long noisy run",
            dict(base_lr=0.1, patience=5, factor=0.3, cooldown=3, min_lr=1e-4),
            metrics=_NOISY,
        ),
    ],
    title="reduce_lr_on_plateau(metrics, base_lr, mode='min', factor=0.1, patience=10, "
    "threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0.0, eps=1e-8): the lr after "
    "each metric, as torch's ReduceLROnPlateau.",
    mistakes=[
        Mistake(
            "your lr is cut one bad metric too early: torch waits until the number of "
            "metrics without improvement exceeds patience (num_bad_epochs > patience, not >=).",
            params=_plus("patience", -1, low=0),
        ),
        Mistake(
            "your lr is cut one bad metric too late: torch cuts as soon as the number of "
            "metrics without improvement exceeds patience (num_bad_epochs > patience).",
            params=_plus("patience", 1),
        ),
        Mistake(
            "your code ignores cooldown: after a cut torch waits cooldown={cooldown} metrics, "
            "counting no bad ones, before it counts again.",
            params=_set("cooldown", 0),
        ),
        Mistake(
            "your lr goes below min_lr={min_lr}: each cut gives max(lr × factor, min_lr).",
            params=_set("min_lr", 0.0),
        ),
        Mistake(
            "your code counts any improvement, however small: a metric only counts as better "
            "if it beats the best by the threshold ({threshold}, threshold_mode="
            "{threshold_mode}).",
            params=_set("threshold", 0.0),
        ),
        Mistake(
            "your code uses the other threshold_mode: with threshold_mode={threshold_mode} "
            "the test is "
            "best × (1 - threshold) for 'rel' and best - threshold for 'abs'.",
            params=lambda p: {**p, "threshold_mode": _other(p["threshold_mode"], "rel", "abs")},
        ),
        Mistake(
            "your code treats mode={mode} the other way round: with 'min' lower is better, "
            "with 'max' higher is better.",
            params=lambda p: {**p, "mode": _other(p["mode"], "min", "max")},
        ),
        Mistake(
            "your code makes cuts smaller than eps={eps}: torch skips a cut when "
            "old_lr - new_lr <= eps.",
            params=_set("eps", 0.0),
        ),
    ],
    per_step=False,
    log_y=True,
)


def _no_warmup(num_training_steps: int) -> Case:
    return Case(
        "no warmup (num_warmup_steps=0)",
        dict(base_lr=0.1, num_warmup_steps=0, num_training_steps=num_training_steps),
        steps=range(num_training_steps + 1),
        hint="with no warmup the first lr is base_lr; transformers divides by "
        "max(1, num_warmup_steps), so it never divides by 0.",
    )


_WARMUP_OFF_BY_ONE = [
    Mistake(
        "your warmup ends one step late: the lr reaches base_lr at step "
        "num_warmup_steps={num_warmup_steps}.",
        params=_plus("num_warmup_steps", 1),
    ),
    Mistake(
        "your warmup ends one step early: the lr reaches base_lr at step "
        "num_warmup_steps={num_warmup_steps}.",
        params=_plus("num_warmup_steps", -1, low=0),
    ),
]

LINEAR_SCHEDULE_WITH_WARMUP = FunctionExercise(
    "linear_schedule_with_warmup",
    "linear_schedule_with_warmup",
    [
        Case(
            "typical run",
            dict(base_lr=0.1, num_warmup_steps=10, num_training_steps=100),
            steps=range(101),
            hint="a line from 0 up to base_lr over num_warmup_steps steps, then a line down to 0 "
            "at num_training_steps.",
        ),
        Case(
            "past num_training_steps: 0",
            dict(base_lr=0.1, num_warmup_steps=5, num_training_steps=20),
            steps=range(31),
            hint="after num_training_steps the lr stays at 0: transformers clamps with max(0, …).",
        ),
        _no_warmup(num_training_steps=50),
        Case(
            "num_warmup_steps=1",
            dict(base_lr=1.0, num_warmup_steps=1, num_training_steps=10),
            steps=range(12),
        ),
    ],
    title="linear_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps): the "
    "lr of transformers' get_linear_schedule_with_warmup.",
    mistakes=[
        Mistake(
            "your lr goes negative after num_training_steps: transformers clamps it at 0 "
            "(max(0.0, …)).",
            curve=lambda e, s, p: np.where(
                s > p["num_training_steps"],
                p["base_lr"]
                * (p["num_training_steps"] - s)
                / max(1, p["num_training_steps"] - p["num_warmup_steps"]),
                e,
            ),
        ),
        *_WARMUP_OFF_BY_ONE,
    ],
)

COSINE_SCHEDULE_WITH_WARMUP = FunctionExercise(
    "cosine_schedule_with_warmup",
    "cosine_schedule_with_warmup",
    [
        Case(
            "typical run",
            dict(base_lr=0.1, num_warmup_steps=10, num_training_steps=100),
            steps=range(101),
            hint="after the linear warmup, progress = (step - warmup) / (training - warmup) and "
            "lr = base_lr × max(0, (1 + cos(pi × num_cycles × 2 × progress)) / 2).",
        ),
        _no_warmup(num_training_steps=40),
        Case(
            "num_cycles=2",
            dict(base_lr=1.0, num_warmup_steps=4, num_training_steps=44, num_cycles=2.0),
            steps=range(45),
        ),
        Case(
            "past num_training_steps",
            dict(base_lr=1.0, num_warmup_steps=5, num_training_steps=25),
            steps=range(40),
            hint="transformers does not clamp progress at 1: past num_training_steps the cosine "
            "goes on and the lr rises again.",
        ),
    ],
    title="cosine_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps, "
    "num_cycles=0.5): the lr of transformers' get_cosine_schedule_with_warmup.",
    mistakes=[
        Mistake(
            "your code ignores num_cycles={num_cycles}: the angle is pi × num_cycles × 2 × "
            "progress.",
            params=_set("num_cycles", 0.5),
        ),
        Mistake(
            "your cosine is half as fast: the angle is pi × num_cycles × 2 × progress (the "
            "factor 2 is easy to forget).",
            params=lambda p: {**p, "num_cycles": p["num_cycles"] / 2},
        ),
        Mistake(
            "your lr stays at 0 past num_training_steps; transformers does not clamp progress, "
            "so the cosine goes on and the lr rises again.",
            steps=lambda s, p: np.minimum(s, p["num_training_steps"]),
        ),
        *_WARMUP_OFF_BY_ONE,
    ],
)

CYCLIC_LR = FunctionExercise(
    "cyclic_lr",
    "cyclic_lr",
    [
        Case(
            "triangular",
            dict(base_lr=0.001, max_lr=0.006, step_size_up=4),
            steps=range(33),
            hint="up from base_lr to max_lr in step_size_up steps, down in step_size_down steps "
            "(= step_size_up when None), and again.",
        ),
        Case(
            "asymmetric: step_size_down",
            dict(base_lr=0.001, max_lr=0.006, step_size_up=3, step_size_down=7),
            steps=range(41),
        ),
        Case(
            "triangular2: the amplitude halves every cycle",
            dict(base_lr=0.001, max_lr=0.006, step_size_up=4, mode="triangular2"),
            steps=range(41),
            hint="the height of cycle c (counting from 1) is (max_lr - base_lr) / 2 ** (c - 1).",
        ),
        Case(
            "exp_range: the amplitude shrinks by gamma at every step",
            dict(base_lr=0.001, max_lr=0.006, step_size_up=4, mode="exp_range", gamma=0.95),
            steps=range(41),
            hint="with exp_range the height is (max_lr - base_lr) × gamma ** step: per step, "
            "not per cycle.",
        ),
        Case("step_size_up=1", dict(base_lr=0.1, max_lr=1.0, step_size_up=1), steps=range(10)),
    ],
    title="cyclic_lr(step, base_lr, max_lr, step_size_up=2000, step_size_down=None, "
    "mode='triangular', gamma=1.0): the lr of torch's CyclicLR.",
    mistakes=[
        Mistake(
            "your code ignores step_size_down={step_size_down}: the way down takes "
            "step_size_down steps (the way up step_size_up).",
            params=lambda p: (
                None if p.get("step_size_down") is None else {**p, "step_size_down": None}
            ),
        ),
        Mistake(
            "your amplitude halves one cycle too early: the first cycle has the full height, "
            "then (max_lr - base_lr) / 2 ** (cycle - 1), with cycles counted from 1.",
            curve=lambda e, s, p: (
                None if p["mode"] != "triangular2" else p["base_lr"] + (e - p["base_lr"]) / 2
            ),
        ),
        Mistake(
            "your code ignores mode={mode}: every cycle has the same height.",
            params=lambda p: None if p["mode"] == "triangular" else {**p, "mode": "triangular"},
        ),
    ],
)

ONE_CYCLE_LR = FunctionExercise(
    "one_cycle_lr",
    "one_cycle_lr",
    [
        Case(
            "typical run (steps 0 … total_steps)",
            dict(max_lr=0.1, total_steps=100),
            steps=range(101),
            hint="the lr rises from max_lr / div_factor to max_lr until step "
            "pct_start × total_steps - 1, then anneals to initial_lr / final_div_factor at "
            "step total_steps - 1.",
        ),
        Case(
            "anneal_strategy='linear'",
            dict(max_lr=1.0, total_steps=50, anneal_strategy="linear"),
            steps=range(51),
        ),
        Case(
            "three_phase=True",
            dict(max_lr=1.0, total_steps=40, three_phase=True),
            steps=range(41),
            hint="three phases: up to max_lr, back down to initial_lr (symmetric), then down to "
            "the minimum.",
        ),
        Case(
            "short run, pct_start=0.25",
            dict(
                max_lr=0.5, total_steps=10, pct_start=0.25, div_factor=10.0, final_div_factor=100.0
            ),
            steps=range(11),
        ),
    ],
    title="one_cycle_lr(step, max_lr, total_steps, pct_start=0.3, anneal_strategy='cos', "
    "div_factor=25.0, final_div_factor=1e4, three_phase=False): the lr of torch's "
    "OneCycleLR.",
    mistakes=[
        Mistake(
            "your lr moves between the phase ends along the other curve: "
            "anneal_strategy={anneal_strategy} ('cos' is half a cosine, 'linear' a straight "
            "line).",
            params=lambda p: {
                **p,
                "anneal_strategy": _other(p["anneal_strategy"], "cos", "linear"),
            },
        ),
        Mistake(
            "your curve has two phases; with three_phase=True it rises to max_lr, comes back "
            "down to initial_lr = max_lr / div_factor, then falls to the minimum.",
            params=lambda p: {**p, "three_phase": False} if p["three_phase"] else None,
        ),
        Mistake(
            "your final lr is max_lr / final_div_factor; it is initial_lr / final_div_factor "
            "= max_lr / (div_factor × final_div_factor).",
            params=lambda p: {**p, "final_div_factor": p["final_div_factor"] / p["div_factor"]},
        ),
        Mistake(
            "your warmup ends one step late: the first phase ends at step "
            "pct_start × total_steps - 1 (torch counts the phase ends from 0).",
            params=lambda p: (
                {**p, "pct_start": p["pct_start"] + 1 / p["total_steps"]}
                if p["pct_start"] + 1 / p["total_steps"] < 1
                else None
            ),
        ),
    ],
)

# ---- every built-in exercise, as check() knows them ------------------------------------------

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
