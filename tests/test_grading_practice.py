"""Tests of `lrlab.grading.practice`, the exercises of chapter 9 ("Schedules in practice"): a
blank answer, a right one, and each wrong answer the grader diagnoses. The expected counts are
worked out by hand from the configurations (in the comments), not taken from the grader.
"""

from __future__ import annotations

import math

import pytest

from grading_utils import messages
from lrlab.grading import check
from lrlab.grading.practice import DESIGN_BUDGET, FIX_LOOP, PLAN_CONFIGS, trainer_counts

# ---- part 1: plan_counts ----------------------------------------------------------------------
#
# config 1: 5000 examples, 8 per device x 2 devices -> ceil(5000 / 16) = 313 batches per process;
#           accumulation 4 -> ceil(313 / 4) = 79 updates per epoch; 3 epochs -> 237 updates;
#           warmup 0.05 -> ceil(11.85) = 12.
#   counted batches: 3 x 313 = 939 (warmup ceil(46.95) = 47); forgot the devices: 625 batches,
#   157 updates per epoch, 471 (warmup 24); forgot the leftover update: 78 per epoch, 234;
#   floored the warmup: 11.
# config 2: 1000 examples, 16 per device, 1 device, no accumulation -> 63 updates per epoch,
#           2 epochs -> 126; warmup 0.1 -> ceil(12.6) = 13 (floored: 12).
# config 3: 2000 examples, 4 per device x 4 devices -> 125 batches; accumulation 8 -> 16 per
#           epoch; 1.5 epochs -> 24; warmup 5 steps -> 5.
#   counted batches: ceil(1.5 x 125) = 188; forgot the devices: 500 batches, 63 per epoch, 95;
#   forgot the leftover: 15 per epoch, ceil(22.5) = 23.

RIGHT = [(237, 12), (126, 13), (24, 5)]


def count(config, *, devices=True, updates=True, leftover=True, ceil_warmup=True):
    """A reader's answer, written out step by step (the flags make one mistake each)."""
    world = config["world_size"] if devices else 1
    batches = math.ceil(config["num_examples"] / (config["per_device_train_batch_size"] * world))
    k = config["gradient_accumulation_steps"]
    if not updates:
        per_epoch = batches
    elif leftover:
        per_epoch = math.ceil(batches / k)
    else:
        per_epoch = batches // k
    total = math.ceil(config["num_train_epochs"] * per_epoch)
    ws = config["warmup_steps"]
    if ws >= 1:
        return total, int(ws)
    return total, (math.ceil if ceil_warmup else math.floor)(ws * total)


def test_the_configurations_are_the_ones_worked_out_above():
    assert [trainer_counts(c) for c in PLAN_CONFIGS] == RIGHT
    assert [count(c) for c in PLAN_CONFIGS] == RIGHT


def test_the_counts_equal_lrlab_plan():
    import lrlab

    configs = list(PLAN_CONFIGS) + [
        dict(PLAN_CONFIGS[0], num_train_epochs=2.3, warmup_steps=0.07),
        dict(PLAN_CONFIGS[2], num_examples=999, gradient_accumulation_steps=3, warmup_steps=40),
    ]
    for config in configs:
        planned = lrlab.plan(config)
        assert trainer_counts(config) == (planned.num_training_steps, planned.num_warmup_steps)


def test_plan_counts_blank_answer_is_not_attempted():
    def blank(config):
        raise NotImplementedError()

    report = check("plan_counts", blank)
    assert report.status == "not attempted" and report.score == 0 and report.max_score == 3


def test_plan_counts_right_answer_passes():
    report = check("plan_counts", count)
    assert report.passed, report


@pytest.mark.parametrize(
    "flags, wrong, words",
    [
        (
            dict(updates=False),
            "num_training_steps=939",
            "counts minibatches, not optimizer updates",
        ),
        (dict(devices=False), "num_training_steps=471", "forgets the devices"),
        (dict(leftover=False), "num_training_steps=234", "short last update"),
        (dict(ceil_warmup=False), "num_warmup_steps=11", "rounds a fraction up"),
    ],
)
def test_plan_counts_diagnoses(flags, wrong, words):
    report = check("plan_counts", lambda config: count(config, **flags))
    assert not report.passed
    first = report.checks[0]
    assert not first.passed and wrong in first.message and words in first.message, first.message


def test_plan_counts_warmup_that_follows_a_wrong_count_says_so():
    report = check("plan_counts", lambda config: count(config, devices=False))
    assert "right for your count of updates" in report.checks[0].message  # 24 = ceil(0.05 x 471)
    assert report.checks[1].passed  # config 2 has one device: the mistake changes nothing


def test_plan_counts_never_crashes_on_the_readers_code():
    report = check("plan_counts", lambda config: 1 / 0)
    assert not report.passed and "ZeroDivisionError" in messages(report)
    report = check("plan_counts", lambda config: "237, 12")
    assert "return a pair" in messages(report)
    report = check("plan_counts", lambda config: (237.5, 12))
    assert "whole numbers" in messages(report)
    report = check("plan_counts", (237, 12))
    assert "the function count(config) itself" in messages(report)


def test_trainer_counts_rejects_bad_configs():
    with pytest.raises(ValueError, match="num_examples"):
        trainer_counts({k: v for k, v in PLAN_CONFIGS[0].items() if k != "num_examples"})
    with pytest.raises(ValueError, match="world_size"):
        trainer_counts(dict(PLAN_CONFIGS[0], world_size=0))
    with pytest.raises(ValueError, match="config must be a dict"):
        trainer_counts([1, 2])


# ---- part 2: fix_the_schedule -----------------------------------------------------------------
#
# The loop: 4 epochs of 250 minibatches, a step when (i + 1) % 4 == 0 -> 250 // 4 = 62 updates per
# epoch, 248 in all; a warmup of 5 % -> 12.4, so 12 or 13.


def test_fix_loop_is_the_one_worked_out_above():
    assert FIX_LOOP["epochs"] * (FIX_LOOP["batches_per_epoch"] // 4) == 248


def test_fix_blank_answer_is_not_attempted():
    def blank():
        raise NotImplementedError()

    assert check("fix_the_schedule", blank).status == "not attempted"


@pytest.mark.parametrize("warmup", [12, 13])
def test_fix_right_answer_passes(warmup):
    report = check(
        "fix_the_schedule", lambda: {"num_warmup_steps": warmup, "num_training_steps": 248}
    )
    assert report.passed, report


@pytest.mark.parametrize(
    "answer, words",
    [
        (
            {"num_warmup_steps": 0, "num_training_steps": 4},
            ["still the number of epochs", "int(0.05 × 4 epochs)"],
        ),
        (
            {"num_warmup_steps": 50, "num_training_steps": 1000},
            ["counts minibatches", "of the minibatches"],
        ),
        ({"num_warmup_steps": 13, "num_training_steps": 252}, ["the Trainer's count"]),
        ({"num_warmup_steps": 4, "num_training_steps": 248}, ["one epoch's updates"]),
        ({"num_warmup_steps": 0.05, "num_training_steps": 248}, ["is a fraction"]),
    ],
)
def test_fix_diagnoses(answer, words):
    report = check("fix_the_schedule", answer)
    assert not report.passed
    for word in words:
        assert word in messages(report), messages(report)


def test_fix_computes_the_curve_of_the_fix():
    report = check("fix_the_schedule", {"num_warmup_steps": 0, "num_training_steps": 4})
    curve = report.checks[2]
    assert not curve.passed and "peaks at update 0" in curve.message
    report = check("fix_the_schedule", {"num_warmup_steps": 300, "num_training_steps": 248})
    assert "cannot be built" in report.checks[2].message


def test_fix_never_crashes_on_the_readers_answer():
    assert "exactly the keys" in messages(check("fix_the_schedule", [13, 248]))
    assert "exactly the keys" in messages(check("fix_the_schedule", {"W": 13, "T": 248}))
    report = check("fix_the_schedule", {"num_warmup_steps": None, "num_training_steps": "248"})
    assert "not a whole number" in messages(report)


# ---- part 3: design_schedule ------------------------------------------------------------------
#
# 20 000 examples, 16 per device x 2 devices -> 625 batches; accumulation 2 -> ceil(625 / 2) = 313
# updates. Effective batch 16 x 2 x 2 = 64: the recipe's 2e-4 at batch 16 becomes
# 2e-4 x sqrt(4) = 4e-4. A warmup of 1 % to 10 %: 4 to 31 updates.


def schedule(peak=4e-4, warmup=16, total=313, floor=0.0, decay=True):
    def lr_at(t):
        if t < warmup:
            return peak * t / warmup
        if not decay:
            return peak
        progress = (t - warmup) / (total - warmup)
        return floor * peak + (1 - floor) * peak * 0.5 * (1 + math.cos(math.pi * progress))

    return lr_at


def test_design_budget_is_the_one_worked_out_above():
    assert DESIGN_BUDGET["num_examples"] == 20_000 and DESIGN_BUDGET["recipe_lr"] == 2e-4


def test_design_blank_answer_is_not_attempted():
    def blank(t):
        raise NotImplementedError()

    assert check("design_schedule", blank).status == "not attempted"


@pytest.mark.parametrize(
    "answer",
    [schedule(), schedule(warmup=4), schedule(warmup=31), schedule(floor=0.1)],
    ids=["5 %", "1 %", "10 %", "cosine to 10 %"],
)
def test_design_right_answers_pass(answer):
    report = check("design_schedule", answer)
    assert report.passed, report


@pytest.mark.parametrize(
    "answer, words",
    [
        (schedule(peak=2e-4), "the recipe's lr"),
        (schedule(peak=8e-4), "the linear rule"),
        (schedule(peak=2e-4 * math.sqrt(2)), "one device"),
        (schedule(warmup=0), "no warmup"),
        (schedule(warmup=64), "more than 10 %"),
        (schedule(decay=False), "no decay at all"),
        (schedule(total=626), "above 10 %"),
        (schedule(total=200), "rises again"),
    ],
    ids=[
        "unscaled",
        "linear rule",
        "one device",
        "no warmup",
        "long warmup",
        "constant",
        "slow decay",
        "short T",
    ],
)
def test_design_diagnoses(answer, words):
    report = check("design_schedule", answer)
    assert not report.passed and words in messages(report), messages(report)


def test_design_never_crashes_on_the_readers_code():
    assert "failed" in messages(check("design_schedule", lambda t: [][t]))
    assert "negative" in messages(check("design_schedule", lambda t: -1e-4))
    assert "returned None" in messages(check("design_schedule", lambda t: None))
    assert "the function lr_at(update) itself" in messages(check("design_schedule", 4e-4))
