"""The chapters' *diagnose* parts: a training loop with one of the chapter's common mistakes.

Each chapter's loop, as the learner is given it, is a function here (the exercise shows its
source with :func:`given_loop`); the learner fixes it, and a :class:`.LoopExercise` runs the
fix and compares the lr of every update with the schedule the loop's author wanted (its
docstring says which). The wrong loops each exercise recognises, the given one first, are
written as a learner would write them.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from lrlab.grading.loops import LoopExercise, LoopMistake, LoopSetting
from lrlab.schedules import (
    cosine_annealing_lr,
    cosine_annealing_warm_restarts,
    cyclic_lr,
    exponential_lr,
    linear_schedule_with_warmup,
    one_cycle_lr,
    reduce_lr_on_plateau,
    step_lr,
)

try:  # the loops below need torch only when they run
    import torch
    import torch.nn.functional as F
except ImportError:  # the grader then reports that torch is missing (lrlab.grading.loops)
    torch = F = None

__all__ = [
    "FIX_ACCUMULATION_LOOP",
    "FIX_COSINE_LOOP",
    "FIX_CYCLIC_LOOP",
    "FIX_EXPONENTIAL_LOOP",
    "FIX_ONE_CYCLE_LOOP",
    "FIX_PLATEAU_LOOP",
    "FIX_RESTARTS_LOOP",
    "FIX_RESUMED_LOOP",
    "FIX_STEP_DECAY_LOOP",
    "FIX_WARMUP_LOOP",
    "LOOP_EXERCISES",
    "given_loop",
]


def _updates(setting: LoopSetting) -> np.ndarray:
    return np.arange(setting.epochs * setting.batches)


def _run(scheduler, model, optimizer, loader, epochs, *, per: str = "update") -> None:
    """The wrong fixes' training: ``scheduler`` stepped once per update or once per epoch."""
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            if per == "update":
                scheduler.step()
        if per == "epoch":
            scheduler.step()


def _accumulate(scheduler, model, optimizer, loader, epochs, accumulation_steps) -> None:
    """Training with accumulation, ``scheduler`` stepped with each (whole) update."""
    for _ in range(epochs):
        optimizer.zero_grad()
        for i, (x, y) in enumerate(loader):
            (F.mse_loss(model(x), y) / accumulation_steps).backward()
            if (i + 1) % accumulation_steps == 0:
                optimizer.step()
                optimizer.zero_grad()
                scheduler.step()


# ---- chapter 0: gradient accumulation ---------------------------------------------------------


def accumulation_loop(model, optimizer, loader, epochs, accumulation_steps):
    """Wanted: the lr falls linearly from the optimizer's lr to 0 over the run's updates."""
    updates = epochs * (len(loader) // accumulation_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: max(0.0, 1 - t / updates))
    for epoch in range(epochs):
        optimizer.zero_grad()
        for i, (x, y) in enumerate(loader):
            loss = F.mse_loss(model(x), y) / accumulation_steps
            loss.backward()
            if (i + 1) % accumulation_steps == 0:
                optimizer.step()
                optimizer.zero_grad()
            scheduler.step()


def _accumulation_counting_minibatches(model, optimizer, loader, epochs, accumulation_steps):
    updates = epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: max(0.0, 1 - t / updates))
    _accumulate(scheduler, model, optimizer, loader, epochs, accumulation_steps)


def _accumulation_rounding_up(model, optimizer, loader, epochs, accumulation_steps):
    updates = epochs * math.ceil(len(loader) / accumulation_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: max(0.0, 1 - t / updates))
    _accumulate(scheduler, model, optimizer, loader, epochs, accumulation_steps)


def _accumulation_wanted(setting: LoopSetting) -> np.ndarray:
    k = setting.extra["accumulation_steps"]
    total = setting.epochs * (setting.batches // k)
    return linear_schedule_with_warmup(np.arange(total), setting.lr, 0, total)


FIX_ACCUMULATION_LOOP = LoopExercise(
    "fix_accumulation_loop",
    "Fix a loop with gradient accumulation: the linear decay must span the run's updates",
    wanted=_accumulation_wanted,
    settings=[
        LoopSetting(4, 20, extra={"accumulation_steps": 4}),
        LoopSetting(3, 10, lr=0.05, extra={"accumulation_steps": 3}),
    ],
    mistakes=[
        LoopMistake(
            accumulation_loop,
            "scheduler.step() runs once per minibatch, but the optimizer updates once every "
            "accumulation_steps minibatches: the schedule runs that many times too fast and "
            "reaches 0 early. Step the scheduler with the optimizer, inside the if.",
        ),
        LoopMistake(
            _accumulation_counting_minibatches,
            "the scheduler now steps with the optimizer, but `updates` counts minibatches: "
            "the lr decays accumulation_steps times too slowly and never gets near 0. Count "
            "the optimizer updates: epochs * (len(loader) // accumulation_steps).",
        ),
        LoopMistake(
            _accumulation_rounding_up,
            "`updates` rounds up, as the Trainer does when it makes a short last update; this "
            "loop steps only when (i + 1) % accumulation_steps == 0, so the leftover "
            "minibatches of an epoch make no update: len(loader) // accumulation_steps.",
        ),
    ],
    hint="chapter 0, mistake 7 counts the updates a loop with accumulation makes.",
)


# ---- chapter 1: step decay ---------------------------------------------------------------------


def step_decay_loop(model, optimizer, loader, epochs):
    """Wanted: the lr drops tenfold every 2 epochs."""
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()


def _step_decay_per_epoch_in_updates(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2 * len(loader), gamma=0.1)
    _run(scheduler, model, optimizer, loader, epochs, per="epoch")


FIX_STEP_DECAY_LOOP = LoopExercise(
    "fix_step_decay_loop",
    "Fix a StepLR loop: the lr must drop tenfold every 2 epochs",
    wanted=lambda s: step_lr(_updates(s), s.lr, 2 * s.batches, 0.1),
    settings=[LoopSetting(6, 10), LoopSetting(5, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            step_decay_loop,
            "step_size=2 counts scheduler steps, and the loop steps once per minibatch: the "
            "lr drops every 2 minibatches, not every 2 epochs. Step once per epoch (after the "
            "inner loop), or count step_size in updates: 2 * len(loader).",
        ),
        LoopMistake(
            _step_decay_per_epoch_in_updates,
            "step_size is now in updates (2 * len(loader)) but the scheduler steps once per "
            "epoch: the lr would drop after 2 * len(loader) epochs. Change one of the two, "
            "not both.",
        ),
    ],
    hint="chapter 1, mistake 1: the unit of step_size is the unit of scheduler.step().",
)


# ---- chapter 2: exponential decay --------------------------------------------------------------


def exponential_loop(model, optimizer, loader, epochs):
    """Wanted: the lr falls smoothly (a little at every update), by a factor 0.9 per epoch."""
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()


def _exponential_per_epoch(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    _run(scheduler, model, optimizer, loader, epochs, per="epoch")


FIX_EXPONENTIAL_LOOP = LoopExercise(
    "fix_exponential_loop",
    "Fix an ExponentialLR loop: a smooth decay by 0.9 per epoch",
    wanted=lambda s: exponential_lr(_updates(s), s.lr, 0.9 ** (1 / s.batches)),
    settings=[LoopSetting(5, 10), LoopSetting(4, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            exponential_loop,
            "gamma=0.9 is applied at every scheduler.step(), and the loop steps once per "
            "minibatch: the lr falls by 0.9 per minibatch, 0.9 ** len(loader) per epoch. For "
            "0.9 per epoch spread over its updates, use gamma = 0.9 ** (1 / len(loader)).",
        ),
        LoopMistake(
            _exponential_per_epoch,
            "the lr now falls by 0.9 per epoch, but in one drop at each epoch's end; the "
            "author wanted it smooth: step at every update, with gamma = 0.9 ** (1 / len(loader)).",
        ),
    ],
    hint="chapter 2, mistake 1: a gamma tuned per epoch, stepped per minibatch.",
)


# ---- chapter 3: cosine annealing ---------------------------------------------------------------


def cosine_loop(model, optimizer, loader, epochs):
    """Wanted: one half cosine, from the optimizer's lr down to 0 at the end of the run."""
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()


def _cosine_per_epoch(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    _run(scheduler, model, optimizer, loader, epochs, per="epoch")


def _cosine_one_short(model, optimizer, loader, epochs):
    total = epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total - 1)
    _run(scheduler, model, optimizer, loader, epochs)


FIX_COSINE_LOOP = LoopExercise(
    "fix_cosine_loop",
    "Fix a CosineAnnealingLR loop: one half cosine over the whole run",
    wanted=lambda s: cosine_annealing_lr(_updates(s), s.lr, s.epochs * s.batches),
    settings=[LoopSetting(4, 10), LoopSetting(3, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            cosine_loop,
            "T_max=epochs counts scheduler steps, and the loop steps once per update: the "
            "cosine reaches 0 after `epochs` updates and climbs back, again and again. Count "
            "T_max in updates: epochs * len(loader).",
        ),
        LoopMistake(
            _cosine_per_epoch,
            "stepped once per epoch, the cosine is a staircase: the lr changes only between "
            "epochs. Step at every update, with T_max = epochs * len(loader).",
        ),
        LoopMistake(
            _cosine_one_short,
            "T_max is one short: the lr reaches 0 at the last update, which then does nothing. "
            "T_max = epochs * len(loader) ends the cosine just after the last update.",
        ),
    ],
    hint="chapter 3, mistake 1: T_max is in the unit of scheduler.step().",
)


# ---- chapter 4: warm restarts ------------------------------------------------------------------


def restarts_loop(model, optimizer, loader, epochs):
    """Wanted: a cosine that restarts every 2 epochs and moves at every update in between."""
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2)
    for epoch in range(epochs):
        for i, (x, y) in enumerate(loader):
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step(epoch)


def _restarts_per_epoch(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2)
    _run(scheduler, model, optimizer, loader, epochs, per="epoch")


def _restarts_wanted(setting: LoopSetting) -> tuple[np.ndarray, np.ndarray]:
    u, n = _updates(setting), setting.batches
    # Update u at u / n epochs (plain step() with T_0 in updates), or one update late, as the
    # documentation's `scheduler.step(epoch + i / iters)` after each update gives.
    return (
        cosine_annealing_warm_restarts(u / n, setting.lr, T_0=2),
        cosine_annealing_warm_restarts(np.maximum(u - 1, 0) / n, setting.lr, T_0=2),
    )


FIX_RESTARTS_LOOP = LoopExercise(
    "fix_restarts_loop",
    "Fix a CosineAnnealingWarmRestarts loop: restarts every 2 epochs, a move at every update",
    wanted=_restarts_wanted,
    settings=[LoopSetting(6, 10), LoopSetting(5, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            restarts_loop,
            "scheduler.step(epoch) with the whole epoch puts every update of an epoch at the "
            "same position: the lr moves once per epoch. Pass the fraction of the epoch done, "
            "scheduler.step(epoch + (i + 1) / len(loader)), or call step() with T_0 counted in "
            "updates (2 * len(loader)).",
        ),
        LoopMistake(
            _restarts_per_epoch,
            "stepped once per epoch, the lr moves only between epochs. Pass the fraction of "
            "the epoch to step(), or count T_0 in updates and step at every update.",
        ),
    ],
    hint="chapter 4, mistake 1: step(epoch) takes a fractional epoch.",
)


# ---- chapter 5: ReduceLROnPlateau --------------------------------------------------------------


def plateau_loop(model, optimizer, loader, epochs, evaluate):
    """Wanted: halve the lr when the validation accuracy has not improved for more than 2
    epochs in a row (``evaluate(model)`` returns it)."""
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
        accuracy = evaluate(model)
        scheduler.step(accuracy)


def _plateau_wanted(setting: LoopSetting) -> np.ndarray:
    after = reduce_lr_on_plateau(
        setting.metrics[: setting.epochs - 1], setting.lr, mode="max", factor=0.5, patience=2
    )
    per_epoch = np.concatenate([[setting.lr], after])
    return np.repeat(per_epoch, setting.batches)


FIX_PLATEAU_LOOP = LoopExercise(
    "fix_plateau_loop",
    "Fix a ReduceLROnPlateau loop: it must cut when the accuracy stops improving",
    wanted=_plateau_wanted,
    settings=[
        LoopSetting(10, 5, metrics=(0.50, 0.62, 0.70, 0.74, 0.76, 0.75, 0.755, 0.752, 0.758)),
        LoopSetting(9, 4, lr=0.05, metrics=(0.30, 0.50, 0.60, 0.59, 0.58, 0.595, 0.65, 0.64)),
    ],
    mistakes=[
        LoopMistake(
            plateau_loop,
            "ReduceLROnPlateau's mode is 'min' by default: it treats a rising accuracy as "
            "getting worse, and cuts the lr while the model improves. For an accuracy, "
            "mode='max'.",
        ),
    ],
    hint="chapter 5, mistake 2: the mode says which way is better.",
)


# ---- chapter 6: warmup ---------------------------------------------------------------------------


def warmup_loop(model, optimizer, loader, epochs):
    """Wanted: a linear warmup over the first 10 % of the updates, then linear decay to 0."""
    from transformers import get_linear_schedule_with_warmup

    total = epochs * len(loader)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, num_warmup_steps=0.1, num_training_steps=total
    )
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()


def _warmup_of_one_epoch(model, optimizer, loader, epochs):
    from transformers import get_linear_schedule_with_warmup

    scheduler = get_linear_schedule_with_warmup(
        optimizer,
        num_warmup_steps=round(0.1 * len(loader)),
        num_training_steps=epochs * len(loader),
    )
    _run(scheduler, model, optimizer, loader, epochs)


def _warmup_wanted(setting: LoopSetting) -> tuple[np.ndarray, ...]:
    total = setting.epochs * setting.batches
    counts = sorted({math.floor(0.1 * total), math.ceil(0.1 * total)})
    return tuple(
        linear_schedule_with_warmup(np.arange(total), setting.lr, w, total) for w in counts
    )


FIX_WARMUP_LOOP = LoopExercise(
    "fix_warmup_loop",
    "Fix a warmup loop: warm up over the first 10 % of the updates",
    wanted=_warmup_wanted,
    settings=[LoopSetting(3, 10), LoopSetting(4, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            warmup_loop,
            "num_warmup_steps=0.1 is read as a number of updates, not a fraction: the warmup "
            "lasts 0.1 update, so the first update runs at 0 and the second at nearly the peak. Give "
            "a count: int(0.1 * total) (only TrainingArguments converts a fraction).",
        ),
        LoopMistake(
            _warmup_of_one_epoch,
            "the warmup is 10 % of one epoch's updates; the fraction is of the whole run's, "
            "epochs * len(loader).",
        ),
    ],
    hint="chapter 6, mistake 5: num_warmup_steps given as a ratio.",
    time_limit=60.0,
)


# ---- chapter 7: cyclic -----------------------------------------------------------------------


def cyclic_loop(model, optimizer, loader, epochs):
    """Wanted: a triangle between 0.01 and 0.1 that climbs for 2 epochs and falls for 2."""
    scheduler = torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.01, max_lr=0.1, step_size_up=2
    )
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()


def _cyclic_per_epoch(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.01, max_lr=0.1, step_size_up=2
    )
    _run(scheduler, model, optimizer, loader, epochs, per="epoch")


FIX_CYCLIC_LOOP = LoopExercise(
    "fix_cyclic_loop",
    "Fix a CyclicLR loop: half a cycle lasts 2 epochs",
    wanted=lambda s: cyclic_lr(_updates(s), 0.01, 0.1, step_size_up=2 * s.batches),
    settings=[LoopSetting(8, 10), LoopSetting(6, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            cyclic_loop,
            "step_size_up=2 counts scheduler steps, and CyclicLR is stepped at every update: "
            "the lr climbs for 2 updates, not 2 epochs. Count it in updates: 2 * len(loader).",
        ),
        LoopMistake(
            _cyclic_per_epoch,
            "stepped once per epoch, the triangle is a staircase of a few values. CyclicLR "
            "is meant to be stepped at every update, with step_size_up in updates.",
        ),
    ],
    hint="chapter 7, mistake 1: step_size_up is in iterations.",
)


# ---- chapter 8: one cycle ----------------------------------------------------------------------


def one_cycle_loop(model, optimizer, loader, epochs):
    """Wanted: one cycle up to 0.1 and back down, over the whole run."""
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=len(loader)
    )
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
        scheduler.step()


FIX_ONE_CYCLE_LOOP = LoopExercise(
    "fix_one_cycle_loop",
    "Fix a OneCycleLR loop: one cycle over the whole run",
    wanted=lambda s: one_cycle_lr(_updates(s), 0.1, s.epochs * s.batches),
    settings=[LoopSetting(4, 10), LoopSetting(3, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            one_cycle_loop,
            "OneCycleLR counts its total_steps (epochs * steps_per_epoch) in scheduler steps, "
            "and the loop steps once per epoch: the run ends a few steps into the warmup, at "
            "about max_lr / 25. Step it after every optimizer.step().",
        ),
    ],
    hint="chapter 8, mistake 1: OneCycleLR is stepped once per update.",
)

# ---- chapter 10: resuming (the capstone's checklist, item 7) ------------------------------------


def resumed_loop(model, optimizer, loader, epochs):
    """Wanted: one cosine over the whole run, though the job stops half way and resumes from
    its checkpoint."""
    total = epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    for epoch in range(epochs // 2):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict()}
    checkpoint = copy.deepcopy(checkpoint)  # as if saved to disk; the job stops here

    # a new job resumes from the checkpoint
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    for epoch in range(epochs // 2, epochs):
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()


FIX_RESUMED_LOOP = LoopExercise(
    "fix_resumed_loop",
    "Fix a run resumed from a checkpoint: the cosine must go on where it stopped",
    wanted=lambda s: cosine_annealing_lr(_updates(s), s.lr, s.epochs * s.batches),
    settings=[LoopSetting(6, 10), LoopSetting(4, 7, lr=0.05)],
    mistakes=[
        LoopMistake(
            resumed_loop,
            "the checkpoint holds no scheduler state, so the resumed job builds a new cosine "
            "that starts again at step 0, from the learning rate the optimizer had when it "
            "stopped. Save scheduler.state_dict() in the checkpoint and load it into the new "
            "scheduler (checklist item 7).",
        ),
    ],
    hint="the capstone's checklist, item 7: resuming without the scheduler's state.",
)

#: The diagnose parts, in the order of the chapters.
LOOP_EXERCISES = (
    FIX_ACCUMULATION_LOOP,
    FIX_STEP_DECAY_LOOP,
    FIX_EXPONENTIAL_LOOP,
    FIX_COSINE_LOOP,
    FIX_RESTARTS_LOOP,
    FIX_PLATEAU_LOOP,
    FIX_WARMUP_LOOP,
    FIX_CYCLIC_LOOP,
    FIX_ONE_CYCLE_LOOP,
    FIX_RESUMED_LOOP,
)
# The loop each diagnose part gives is its first mistake: the loop as written.
_GIVEN = {exercise.exercise_id: exercise.mistakes[0].loop for exercise in LOOP_EXERCISES}


def given_loop(exercise_id: str):
    """The loop that the diagnose part ``exercise_id`` gives, with its mistake (to read and run).

    Raises:
        ValueError: ``exercise_id`` is not a diagnose part's id.
    """
    if exercise_id not in _GIVEN:
        raise ValueError(
            f"exercise_id must be one of {', '.join(sorted(_GIVEN))}, got {exercise_id!r}"
        )
    return _GIVEN[exercise_id]
