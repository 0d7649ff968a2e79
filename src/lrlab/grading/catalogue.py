"""The built-in exercises of :mod:`lrlab.grading`: one per schedule of the contract, plus the
chapters' own (numeric, multiple choice, ...) and the capstone's.

Each schedule exercise compares the reader's function with the function of the same name in
:mod:`lrlab.schedules` over a few :class:`.Case` s (a typical run and that schedule's edge
cases), and lists the :class:`.Mistake` s worth recognising. The chapters' exercises are in
:mod:`lrlab.grading.chapters` (the design parts of chapters 0, 1 and 8 in
:mod:`lrlab.grading.designs`), the capstone's in :mod:`lrlab.grading.capstone`; this module names
them all. A chapter adds its exercises to ``BUILTIN`` at the end of this file.
"""

from __future__ import annotations

import numpy as np

from lrlab.grading._changes import _other, _plus, _set
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
    RACE_GAP_IN_STANDARD_ERRORS,
    RANGE_TEST_MAX_LR,
    SCHEDULER_FROM_SCRATCH,
    SGDR_EPOCHS_FOR_CYCLES,
    STEP_DECAY_LR_AT_95,
    WARMUP_STEPS_WITH_ACCUMULATION,
)
from lrlab.grading.decay_exercises import (
    COSINE_ANNEALING_LR,
    COSINE_ANNEALING_WARM_RESTARTS,
    EXPONENTIAL_LR,
    MULTISTEP_LR,
    REDUCE_LR_ON_PLATEAU,
    STEP_LR,
)
from lrlab.grading.designs import DESIGN_BOWL_SCHEDULE, DESIGN_MULTISTEP, DESIGN_ONE_CYCLE
from lrlab.grading.designs_plateau_warmup import DESIGN_PLATEAU, DESIGN_WARMUP
from lrlab.grading.diagnoses import (
    FIX_ACCUMULATION_LOOP,
    FIX_COSINE_LOOP,
    FIX_CYCLIC_LOOP,
    FIX_EXPONENTIAL_LOOP,
    FIX_ONE_CYCLE_LOOP,
    FIX_PLATEAU_LOOP,
    FIX_RESTARTS_LOOP,
    FIX_RESUMED_LOOP,
    FIX_STEP_DECAY_LOOP,
    FIX_WARMUP_LOOP,
    LOOP_EXERCISES,
)
from lrlab.grading.function_kind import Case, FunctionExercise, Mistake
from lrlab.grading.practice import DESIGN_SCHEDULE, FIX_THE_SCHEDULE, PLAN_COUNTS

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
    "DESIGN_BOWL_SCHEDULE",
    "DESIGN_MULTISTEP",
    "DESIGN_ONE_CYCLE",
    "DESIGN_PLATEAU",
    "DESIGN_SCHEDULE",
    "DESIGN_WARMUP",
    "EXPONENTIAL_GAMMA_FOR_TARGET",
    "EXPONENTIAL_LR",
    "FIX_ACCUMULATION_LOOP",
    "FIX_COSINE_LOOP",
    "FIX_CYCLIC_LOOP",
    "FIX_EXPONENTIAL_LOOP",
    "FIX_ONE_CYCLE_LOOP",
    "FIX_PLATEAU_LOOP",
    "FIX_RESTARTS_LOOP",
    "FIX_RESUMED_LOOP",
    "FIX_STEP_DECAY_LOOP",
    "FIX_THE_SCHEDULE",
    "FIX_WARMUP_LOOP",
    "LINEAR_SCHEDULE_WITH_WARMUP",
    "LOOP_ORDER",
    "LR_OF_LAST_UPDATE",
    "MULTISTEP_LR",
    "ONE_CYCLE_LR",
    "ONE_CYCLE_TOTAL_STEPS",
    "PLAN_COUNTS",
    "PLATEAU_FIRST_CUT",
    "RACE_GAP_IN_STANDARD_ERRORS",
    "RANGE_TEST_MAX_LR",
    "REDUCE_LR_ON_PLATEAU",
    "SCHEDULER_FROM_SCRATCH",
    "SGDR_EPOCHS_FOR_CYCLES",
    "STEP_DECAY_LR_AT_95",
    "STEP_LR",
    "WARMUP_STEPS_WITH_ACCUMULATION",
]


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
    DESIGN_PLATEAU,
    DESIGN_WARMUP,
    PLAN_COUNTS,
    FIX_THE_SCHEDULE,
    DESIGN_SCHEDULE,
    DESIGN_BOWL_SCHEDULE,
    DESIGN_MULTISTEP,
    DESIGN_ONE_CYCLE,
    *LOOP_EXERCISES,
    RACE_GAP_IN_STANDARD_ERRORS,
]
