"""The chapters' own exercises: a number to compute, a choice to make, a scheduler to write.

One block per chapter (``00_why_schedule`` to ``08_one_cycle``), each exercise with the wrong
answers worth explaining; :mod:`lrlab.grading.catalogue` lists them in ``BUILTIN``. The schedule
functions' exercises are in the catalogue itself, the capstone's in :mod:`lrlab.grading.capstone`.
"""

from __future__ import annotations

import math

from lrlab.grading.kinds import ChoiceExercise, NumericExercise, SchedulerExercise

__all__ = [
    "CH5_VAL_LOSSES",
    "COSINE_T_MAX_PER_UPDATE",
    "CYCLIC_STEP_SIZE_UP",
    "EXPONENTIAL_GAMMA_FOR_TARGET",
    "LOOP_ORDER",
    "LR_OF_LAST_UPDATE",
    "ONE_CYCLE_TOTAL_STEPS",
    "PLATEAU_FIRST_CUT",
    "RACE_GAP_CONSTANT",
    "RACE_GAP_IN_STANDARD_ERRORS",
    "RACE_GAP_SCHEDULE",
    "RANGE_TEST_MAX_LR",
    "SCHEDULER_FROM_SCRATCH",
    "SGDR_EPOCHS_FOR_CYCLES",
    "STEP_DECAY_LR_AT_95",
    "WARMUP_STEPS_WITH_ACCUMULATION",
]

# ---- chapter 1 (01_step_decay) ---------------------------------------------------------------

STEP_DECAY_LR_AT_95 = NumericExercise(
    "step_decay_lr_at_95",
    0.1 * 0.1**3,
    question="StepLR with base_lr=0.1, step_size=30, gamma=0.1: the lr after 95 steps?",
    mistakes={
        0.1 * 0.1**2: "That is two drops; by step 95 the lr has dropped at steps 30, 60 and 90.",
        0.1 * 0.1**4: "That is four drops; 95 // 30 is 3.",
        0.1: "That is base_lr, the lr before any drop.",
    },
    hint="count the drops: one at every multiple of step_size up to the step.",
)

# ---- chapter 2 (02_exponential) --------------------------------------------------------------

# 20 epochs of 43 updates (the digits in minibatches of 32), ExponentialLR stepped once per update.
_CH2_EPOCHS, _CH2_PER_EPOCH = 20, 43
_CH2_T = _CH2_EPOCHS * _CH2_PER_EPOCH

EXPONENTIAL_GAMMA_FOR_TARGET = NumericExercise(
    "exponential_gamma_for_target",
    (1e-4 / 0.1) ** (1 / _CH2_T),
    question=f"ExponentialLR stepped once per update, {_CH2_EPOCHS} epochs of {_CH2_PER_EPOCH} "
    f"updates, base_lr=0.1: which gamma makes the lr 1e-4 after the last update "
    f"(at step T = {_CH2_T})?",
    mistakes={
        (1e-4 / 0.1)
        ** (
            1 / _CH2_EPOCHS
        ): f"That is the factor per epoch. Stepped once per update, gamma is applied "
        f"{_CH2_PER_EPOCH} times per epoch: count T in updates, {_CH2_EPOCHS} × "
        f"{_CH2_PER_EPOCH} = {_CH2_T}.",
        (1e-4 / 0.1)
        ** (
            1 / (_CH2_T - 1)
        ): f"That gamma reaches 1e-4 at step {_CH2_T - 1}, the last update; the question asks "
        f"for 1e-4 after it, at step T = {_CH2_T}: exponent 1 / T.",
        (0.1 / 1e-4)
        ** (
            1 / _CH2_T
        ): "That gamma is above 1: it makes the lr grow. The ratio is final / initial, 1e-4 / 0.1.",
        1e-4
        ** (
            1 / _CH2_T
        ): "That takes the lr from 1 to 1e-4. The decay is relative to base_lr: the ratio is "
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

# ---- chapter 7 (07_cyclic) -------------------------------------------------------------------

# The digits' 1348 training images in minibatches of 32: ceil(1348 / 32) = 43 updates per epoch.
_CH7_IMAGES, _CH7_BATCH, _CH7_HALF_EPOCHS = 1348, 32, 4
_CH7_PER_EPOCH = -(-_CH7_IMAGES // _CH7_BATCH)

CYCLIC_STEP_SIZE_UP = NumericExercise(
    "cyclic_step_size_up",
    _CH7_HALF_EPOCHS * _CH7_PER_EPOCH,
    question=f"{_CH7_IMAGES} training images in minibatches of {_CH7_BATCH} (the last one "
    f"shorter), CyclicLR stepped after every update: which step_size_up makes the lr "
    f"climb for {_CH7_HALF_EPOCHS} epochs?",
    mistakes={
        _CH7_HALF_EPOCHS: f"That is the half cycle in epochs. CyclicLR counts its step() calls, "
        f"here one per update: {_CH7_HALF_EPOCHS} epochs × the updates per "
        "epoch.",
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
    "plateau_first_cut",
    6,
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
_CH8_WHOLE_RUN = (
    "You divided all the images of the run by the batch size; every epoch ends with "
    "its own short batch: count the batches of one epoch, then multiply by the "
    "epochs."
)

ONE_CYCLE_TOTAL_STEPS = NumericExercise(
    "one_cycle_total_steps",
    _CH8_EPOCHS * _CH8_PER_EPOCH,
    question=f"OneCycleLR stepped after every optimizer.step(), for {_CH8_EPOCHS} epochs of a "
    f"DataLoader over {_CH8_IMAGES} images in batches of {_CH8_BATCH} (drop_last=False): "
    "which total_steps?",
    mistakes={
        _CH8_EPOCHS
        * (
            _CH8_IMAGES // _CH8_BATCH
        ): f"That counts len(dataset) // batch_size = {_CH8_IMAGES // _CH8_BATCH} batches per "
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
    "cosine_t_max_per_update",
    _CH3_T,
    question=f"CosineAnnealingLR stepped once per update, {_CH3_EPOCHS} epochs of {_CH3_PER_EPOCH} "
    f"updates: which T_max brings the lr down to eta_min exactly after the last update, "
    f"without rising again?",
    mistakes={
        _CH3_EPOCHS: f"That is the run in epochs. Stepped once per update, the scheduler counts "
        f"updates: T_max={_CH3_EPOCHS} reaches eta_min after {_CH3_EPOCHS} updates "
        f"and then oscillates, {_CH3_EPOCHS} updates down, {_CH3_EPOCHS} up.",
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
    "sgdr_epochs_for_cycles",
    10 + 20 + 40 + 80,
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
    "warmup_steps_with_accumulation",
    math.ceil(_CH6_RATIO * _CH6_UPDATES),
    question=f"A Trainer run of {_CH6_EPOCHS} epochs over {_CH6_BATCHES} minibatches per epoch, "
    f"gradient_accumulation_steps={_CH6_ACCUM}, warmup_steps={_CH6_RATIO} (a ratio): "
    "how many warmup steps does the scheduler get?",
    mistakes={
        math.ceil(
            _CH6_RATIO * _CH6_BATCHES_IN_RUN
        ): f"That is {_CH6_RATIO} of the {_CH6_BATCHES_IN_RUN} minibatches. The scheduler is "
        f"stepped once per optimizer update, and with gradient_accumulation_steps="
        f"{_CH6_ACCUM} the optimizer updates once every {_CH6_ACCUM} minibatches: count T "
        "in updates.",
        math.floor(
            _CH6_RATIO * _CH6_UPDATES
        ): f"That rounds {_CH6_RATIO} × {_CH6_UPDATES} = {_CH6_RATIO * _CH6_UPDATES:g} down; "
        "the Trainer rounds up (math.ceil).",
        _CH6_RATIO
        * _CH6_UPDATES: f"{_CH6_RATIO * _CH6_UPDATES:g} is not a whole number of steps; the Trainer rounds "
        "it up (math.ceil).",
        math.ceil(
            _CH6_RATIO * _CH6_UPDATES / _CH6_EPOCHS
        ): "That is the warmup of one epoch's updates; the ratio is of the whole run.",
        math.ceil(
            _CH6_RATIO * _CH6_BATCHES
        ): "That is the ratio of one epoch's minibatches; count the whole run, in updates.",
        _CH6_UPDATES: "That is num_training_steps, the whole run; the warmup is a fraction of it.",
        _CH6_RATIO: "That is the ratio itself; the scheduler needs a number of updates: "
        "ceil(ratio × T).",
    },
    hint="T = epochs × (minibatches per epoch // gradient_accumulation_steps) optimizer updates; "
    "the warmup is ceil(ratio × T).",
)

# ---- chapter 10 (10_capstone) -----------------------------------------------------------------

#: The two contenders of :data:`RACE_GAP_IN_STANDARD_ERRORS`: (mean, standard deviation, seeds)
#: of the final test loss.
RACE_GAP_CONSTANT = (1.912, 0.010, 8)
RACE_GAP_SCHEDULE = (1.897, 0.012, 8)


def _gap(divide) -> float:
    (m_c, s_c, n_c), (m_s, s_s, n_s) = RACE_GAP_CONSTANT, RACE_GAP_SCHEDULE
    return (m_c - m_s) / divide(s_c, n_c, s_s, n_s)


RACE_GAP_IN_STANDARD_ERRORS = NumericExercise(
    "race_gap_in_standard_errors",
    _gap(lambda s_c, n_c, s_s, n_s: math.sqrt(s_c**2 / n_c + s_s**2 / n_s)),
    question="The constant ends at 1.912 (SD 0.010, 8 seeds), the schedule at 1.897 (SD 0.012, "
    "8 seeds): how many standard errors is the gap?",
    rel_tol=0.01,
    mistakes={
        _gap(lambda s_c, n_c, s_s, n_s: math.sqrt(s_c**2 + s_s**2)): "That divides by the "
        "standard deviations: the spread of one seed. The rule divides by the standard error "
        "of the difference of the means, which shrinks with the seeds: each variance over its "
        "number of seeds.",
        _gap(lambda s_c, n_c, s_s, n_s: (s_c + s_s) / math.sqrt(n_c)): "That adds the two "
        "standard errors; the standard error of a difference adds their squares: "
        "sqrt(s_c² / n_c + s_s² / n_s).",
        _gap(lambda s_c, n_c, s_s, n_s: s_s / math.sqrt(n_s)): "That is the schedule's standard "
        "error alone; the difference has both sides' noise: sqrt(s_c² / n_c + s_s² / n_s).",
        _gap(lambda s_c, n_c, s_s, n_s: s_c / math.sqrt(n_c)): "That is the constant's standard "
        "error alone; the difference has both sides' noise: sqrt(s_c² / n_c + s_s² / n_s).",
        _gap(lambda s_c, n_c, s_s, n_s: math.sqrt((s_c**2 + s_s**2) / (n_c + n_s))): "That "
        "divides the variances by all 16 seeds; each mean has its own 8: "
        "sqrt(s_c² / 8 + s_s² / 8).",
    },
    hint="the gap of the means over the standard error of their difference, "
    "sqrt(s_c² / n_c + s_s² / n_s) (chapter 10, the search and lrlab.stats).",
)
