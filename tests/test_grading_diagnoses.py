"""Tests of the diagnose parts (`lrlab.grading.diagnoses`, run by `lrlab.grading.loops`): each
chapter's loop as given fails with its diagnosis, a fixed loop (written here as a learner would,
with torch's and transformers' own schedulers) passes, and a learner's loop that crashes, hangs,
exits, returns NaN lrs or mutates its inputs gets a report, never an exception.

That the fixed loops pass is also the check of the grader's wanted lrs: they come from
`lrlab.schedules`, the loops' from torch's and transformers' schedulers stepped per update.
A few wanted values are worked out by hand below.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grading_utils import messages
from lrlab.grading import LoopSetting, check, given_loop, loop_lrs
from lrlab.grading.diagnoses import LOOP_EXERCISES
from lrlab.grading.diagnoses import __all__ as DIAGNOSES

IDS = [
    "fix_accumulation_loop",
    "fix_step_decay_loop",
    "fix_exponential_loop",
    "fix_cosine_loop",
    "fix_restarts_loop",
    "fix_plateau_loop",
    "fix_warmup_loop",
    "fix_cyclic_loop",
    "fix_one_cycle_loop",
    "fix_resumed_loop",
]


def _batches(model, optimizer, loader):
    for x, y in loader:
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        yield


# ---- fixed loops, as a learner writes them ----------------------------------------------------


def fixed_accumulation(model, optimizer, loader, epochs, accumulation_steps):
    updates = epochs * (len(loader) // accumulation_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: max(0.0, 1 - t / updates))
    for epoch in range(epochs):
        optimizer.zero_grad()
        for i, (x, y) in enumerate(loader):
            (F.mse_loss(model(x), y) / accumulation_steps).backward()
            if (i + 1) % accumulation_steps == 0:
                optimizer.step()
                optimizer.zero_grad()
                scheduler.step()


def fixed_step_decay(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
        scheduler.step()


def fixed_step_decay_in_updates(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2 * len(loader), gamma=0.1)
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_exponential(model, optimizer, loader, epochs):
    gamma = 0.9 ** (1 / len(loader))
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=gamma)
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_cosine(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(loader))
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_restarts(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2)
    for epoch in range(epochs):
        for i, _ in enumerate(_batches(model, optimizer, loader)):
            optimizer.step()
            scheduler.step(epoch + (i + 1) / len(loader))


def fixed_restarts_as_documented(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2)
    iters = len(loader)
    for epoch in range(epochs):
        for i, _ in enumerate(_batches(model, optimizer, loader)):
            optimizer.step()
            scheduler.step(epoch + i / iters)


def fixed_restarts_in_updates(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=2 * len(loader))
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_plateau(model, optimizer, loader, epochs, evaluate):
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="max", factor=0.5, patience=2
    )
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
        scheduler.step(evaluate(model))


def fixed_plateau_on_the_error(model, optimizer, loader, epochs, evaluate):
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
        scheduler.step(1 - evaluate(model))


def fixed_warmup(model, optimizer, loader, epochs):
    from transformers import get_linear_schedule_with_warmup

    total = epochs * len(loader)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.1 * total), total)
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_warmup_rounded_up(model, optimizer, loader, epochs):
    from transformers import get_linear_schedule_with_warmup

    total = epochs * len(loader)
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(0.1 * total), total)
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_cyclic(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.01, max_lr=0.1, step_size_up=2 * len(loader)
    )
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_one_cycle(model, optimizer, loader, epochs):
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=len(loader)
    )
    for epoch in range(epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


def fixed_resumed(model, optimizer, loader, epochs):
    total = epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    for epoch in range(epochs // 2):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()
    saved = {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    saved = pickle.loads(pickle.dumps(saved))  # through "disk"
    optimizer.load_state_dict(saved["optimizer"])
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    scheduler.load_state_dict(saved["scheduler"])
    for epoch in range(epochs // 2, epochs):
        for _ in _batches(model, optimizer, loader):
            optimizer.step()
            scheduler.step()


FIXED = {
    "fix_accumulation_loop": [fixed_accumulation],
    "fix_step_decay_loop": [fixed_step_decay, fixed_step_decay_in_updates],
    "fix_exponential_loop": [fixed_exponential],
    "fix_cosine_loop": [fixed_cosine],
    "fix_restarts_loop": [fixed_restarts, fixed_restarts_as_documented, fixed_restarts_in_updates],
    "fix_plateau_loop": [fixed_plateau, fixed_plateau_on_the_error],
    "fix_warmup_loop": [fixed_warmup, fixed_warmup_rounded_up],
    "fix_cyclic_loop": [fixed_cyclic],
    "fix_one_cycle_loop": [fixed_one_cycle],
    "fix_resumed_loop": [fixed_resumed],
}


def test_every_diagnose_part_is_tested():
    assert len(DIAGNOSES) == len(IDS) + 2  # and LOOP_EXERCISES, given_loop
    assert [e.exercise_id for e in LOOP_EXERCISES] == IDS  # in the chapters' order
    assert set(FIXED) == set(IDS)


@pytest.mark.parametrize(
    ("exercise_id", "fixed"),
    [(i, f) for i in IDS for f in FIXED[i]],
    ids=[f.__name__ for i in IDS for f in FIXED[i]],
)
def test_a_fixed_loop_passes(exercise_id, fixed):
    report = check(exercise_id, fixed, time_limit=60)
    assert report.passed, report
    assert report.max_score >= 2  # the exercise's run and another one


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_loop_as_given_fails_with_its_diagnosis_said_once(exercise_id):
    report = check(exercise_id, given_loop(exercise_id), time_limit=60)
    assert report.score == 0, report
    text = messages(report)
    assert text.count("Diagnosis:") == len(report.checks), report
    assert text.count("the same as under") == len(report.checks) - 1, report


def test_hand_worked_values():
    # Step decay, 6 epochs of 10: updates 0-19 at 0.1, 20-39 at 0.01, 40-59 at 0.001.
    lrs = loop_lrs(fixed_step_decay, LoopSetting(6, 10))
    assert lrs[19] == pytest.approx(0.1) and lrs[20] == pytest.approx(0.01)
    assert lrs[59] == pytest.approx(0.001) and len(lrs) == 60
    # Accumulation, 4 epochs of 20 minibatches by 4: 5 updates per epoch, 20 in all; update u
    # at 0.1 * (1 - u / 20): the last at 0.005.
    lrs = loop_lrs(fixed_accumulation, LoopSetting(4, 20, extra={"accumulation_steps": 4}))
    assert len(lrs) == 20 and lrs[-1] == pytest.approx(0.005)
    # Plateau, accuracies 0.50 .. 0.76 (epoch 4), then 0.75, 0.755, 0.752: three epochs without
    # a new best -> after epoch 7's evaluation the lr halves: epochs 8 and 9 at 0.05.
    setting = LoopSetting(10, 5, metrics=(0.50, 0.62, 0.70, 0.74, 0.76, 0.75, 0.755, 0.752, 0.758))
    lrs = loop_lrs(fixed_plateau, setting)
    assert np.allclose(lrs[:40], 0.1) and np.allclose(lrs[40:], 0.05)


def _diagnosis(exercise_id, answer):
    return messages(check(exercise_id, answer, time_limit=60))


def test_wrong_fixes_are_named():
    def accumulation_counting_minibatches(model, optimizer, loader, epochs, accumulation_steps):
        updates = epochs * len(loader)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda t: max(0.0, 1 - t / updates)
        )
        for epoch in range(epochs):
            optimizer.zero_grad()
            for i, (x, y) in enumerate(loader):
                (F.mse_loss(model(x), y) / accumulation_steps).backward()
                if (i + 1) % accumulation_steps == 0:
                    optimizer.step()
                    optimizer.zero_grad()
                    scheduler.step()

    assert "counts minibatches" in _diagnosis(
        "fix_accumulation_loop", accumulation_counting_minibatches
    )

    def cosine_per_epoch(model, optimizer, loader, epochs):
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
        for epoch in range(epochs):
            for _ in _batches(model, optimizer, loader):
                optimizer.step()
            scheduler.step()

    assert "staircase" in _diagnosis("fix_cosine_loop", cosine_per_epoch)

    def exponential_per_epoch(model, optimizer, loader, epochs):
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
        for epoch in range(epochs):
            for _ in _batches(model, optimizer, loader):
                optimizer.step()
            scheduler.step()

    assert "one drop at each epoch's end" in _diagnosis(
        "fix_exponential_loop", exponential_per_epoch
    )


def test_a_number_written_in_fails_the_other_run():
    def hard_coded(model, optimizer, loader, epochs):
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=40)
        for epoch in range(epochs):
            for _ in _batches(model, optimizer, loader):
                optimizer.step()
                scheduler.step()

    report = check("fix_cosine_loop", hard_coded)
    assert [c.passed for c in report.checks] == [True, False], report


def test_an_unknown_wrong_loop_gets_the_first_wrong_update_and_the_hint():
    def half(model, optimizer, loader, epochs):
        for group in optimizer.param_groups:
            group["lr"] /= 2
        for epoch in range(epochs):
            for _ in _batches(model, optimizer, loader):
                optimizer.step()

    text = _diagnosis("fix_one_cycle_loop", half)
    assert "update 0 ran at lr 0.05" in text and "Hint:" in text


def test_a_loop_one_update_late_is_said_so():
    def late(model, optimizer, loader, epochs):
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2 * len(loader))
        first = True
        for epoch in range(epochs):
            for _ in _batches(model, optimizer, loader):
                optimizer.step()
                if not first:
                    scheduler.step()
                first = False

    assert "one update late" in _diagnosis("fix_step_decay_loop", late)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, "expected your loop"),
        (42, "expected your loop"),
        (lambda model, optimizer, loader, epochs: 1 / 0, "ZeroDivisionError"),
        (lambda model, optimizer, loader, epochs: None, "never called"),
        (lambda *args: __import__("sys").exit(2), "sys.exit"),
        (lambda model, optimizer, loader: None, "TypeError"),
    ],
    ids=["None", "int", "raises", "no update", "exits", "wrong signature"],
)
def test_bad_answers_get_a_report(answer, expected):
    report = check("fix_step_decay_loop", answer)
    assert not report.passed and expected in messages(report), report


def test_an_endless_loop_is_stopped():
    def endless(model, optimizer, loader, epochs):
        while True:
            optimizer.step()

    report = check("fix_step_decay_loop", endless, time_limit=0.5)
    assert not report.passed and "time" in messages(report).lower(), report


def test_nan_lrs_and_mutated_inputs_are_graded_not_fatal():
    def nan_lr(model, optimizer, loader, epochs):
        for group in optimizer.param_groups:
            group["lr"] = float("nan")
        for epoch in range(epochs):
            for _ in _batches(model, optimizer, loader):
                optimizer.step()

    assert "nan" in messages(check("fix_step_decay_loop", nan_lr))

    def mutating(model, optimizer, loader, epochs):
        loader.clear()  # the next run still gets its own loader
        fixed_step_decay(model, optimizer, loader, epochs)

    report = check("fix_step_decay_loop", mutating)
    assert not report.passed and "never called" in messages(report), report
    assert check("fix_step_decay_loop", fixed_step_decay).passed  # nothing was left changed


def test_not_attempted():
    def blank(model, optimizer, loader, epochs):
        raise NotImplementedError()

    assert check("fix_cyclic_loop", blank).status == "not attempted"


def test_given_loop_and_loop_setting_refuse_bad_input():
    with pytest.raises(ValueError, match="exercise_id"):
        given_loop("step_lr")
    with pytest.raises(ValueError, match="epochs"):
        LoopSetting(0, 3)
    with pytest.raises(ValueError, match="lr"):
        LoopSetting(1, 3, lr=-1.0)
    with pytest.raises(ValueError, match="setting"):
        loop_lrs(fixed_cosine, (3, 4))
