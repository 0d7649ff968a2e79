"""The built-in exercises for the schedules that decay from the start (chapters 1-5): each
compares the reader's function with the function of the same name in :mod:`lrlab.schedules`
over a few :class:`.Case` s and lists the :class:`.Mistake` s worth recognising.
:mod:`lrlab.grading.catalogue` names them with every other exercise.
"""

from __future__ import annotations

import numpy as np

from lrlab.grading._changes import _other, _plus, _restarts, _set
from lrlab.grading.function_kind import Case, FunctionExercise, Mistake

__all__ = [
    "STEP_LR",
    "MULTISTEP_LR",
    "EXPONENTIAL_LR",
    "COSINE_ANNEALING_LR",
    "COSINE_ANNEALING_WARM_RESTARTS",
    "REDUCE_LR_ON_PLATEAU",
]


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
