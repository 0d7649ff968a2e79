"""Tests of `lrlab.grading.capstone`: the capstone's exercise, graded by training the reader's
schedule on the text task (lrlab.training.RACE_BUDGET) against the tuned constant learning rate.
"""

from __future__ import annotations

import pytest

from lrlab.grading import check


def _capstone(make_scheduler, lr):
    """The reader's answer cell: a function returning (make_scheduler, lr)."""

    def my_schedule():
        return make_scheduler, lr

    return my_schedule


def _total_steps():
    from lrlab.training import RACE_BUDGET

    return RACE_BUDGET.total_steps


def test_capstone_a_decay_to_zero_from_a_high_peak_beats_the_constant():
    import lrlab

    total = _total_steps()
    report = check(
        "beat_the_constant", _capstone(lambda opt: lrlab.CosineAnnealingLR(opt, T_max=total), 0.02)
    )
    assert total == 1000
    assert report.passed and report.score == report.max_score == 5, report
    verdict = report.checks[-1].message
    assert "lower by" in verdict and "constant lr 0.005" in verdict and "100, 101, 102" in verdict
    assert report.figure() is not None  # the reader's lrs over the baseline's


def test_capstone_lengths_in_epochs_stepped_per_update_fail_with_the_reason():
    import lrlab

    # "every 5 evaluations" meant, every 5 updates done: the lr is gone after a few dozen updates
    report = check("beat_the_constant", _capstone(lambda opt: lrlab.StepLR(opt, step_size=5), 0.02))
    assert not report.passed and report.status == "failed"
    assert [c.passed for c in report.checks] == [True, True, True, True, False]
    verdict = report.checks[-1].message
    assert "higher by" in verdict
    assert "within the first 200 updates" in verdict and "budget.total_steps = 1000" in verdict


def test_capstone_a_crashing_factory_is_reported_not_raised():
    def make_scheduler(optimizer):
        raise RuntimeError("no scheduler today")

    report = check("beat_the_constant", _capstone(make_scheduler, 0.3))
    assert not report.passed
    builds = report.checks[1]
    assert builds.name == "builds" and not builds.passed
    assert "RuntimeError: no scheduler today" in builds.message
    assert 'raise RuntimeError("no scheduler today")' in builds.message  # the reader's line
    assert all("skipped" in c.message for c in report.checks[2:])


def test_capstone_one_cycle_counted_in_epochs_stops_training_with_a_hint():
    import lrlab

    report = check(
        "beat_the_constant",
        _capstone(lambda opt: lrlab.OneCycleLR(opt, max_lr=0.02, total_steps=5), 0.02),
    )
    trains = report.checks[2]
    assert not trains.passed
    assert "cannot go to step 6" in trains.message
    assert "1000 times (budget.total_steps)" in trains.message
    assert "evaluations (5 of them)" in trains.message
    assert "training.py" not in trains.message  # lrlab's own line is not blamed on the reader


def test_capstone_a_peak_that_blows_up_and_a_constant_in_disguise_fail():
    import lrlab

    total = _total_steps()
    report = check(
        # AdamW's decoupled weight decay multiplies the weights by 1 - lr * 0.01 = -9 each update
        "beat_the_constant",
        _capstone(lambda opt: lrlab.CosineAnnealingLR(opt, T_max=total), 1000.0),
    )
    assert not report.checks[2].passed and "blew up" in report.checks[2].message
    report = check(
        "beat_the_constant", _capstone(lambda opt: lrlab.LambdaLR(opt, lambda t: 1.0), 0.01)
    )
    assert report.checks[2].passed and not report.checks[3].passed
    assert "constant learning rate" in report.checks[3].message


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda: (0.3, lambda opt: None), "swap them"),
        (lambda: (None, 0.3), "baseline itself"),
        (lambda: ("cosine", 0.3), "must be a function of the optimizer"),
        (lambda: (lambda opt: None, -0.1), "positive number"),
        (lambda: (lambda opt: None, float("nan")), "positive number"),
        (lambda: 0.3, "must return a pair"),
    ],
)
def test_capstone_malformed_answers_say_what_to_return(answer, words):
    report = check("beat_the_constant", answer)
    assert not report.passed and not report.checks[0].passed
    assert words in report.checks[0].message


def test_capstone_a_scheduler_already_built_is_explained():
    import torch

    import lrlab

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    built = lrlab.StepLR(optimizer, step_size=3)
    report = check("beat_the_constant", lambda: (built, 0.1))
    assert "already built (StepLR)" in report.checks[0].message


def test_capstone_not_attempted_and_a_crashing_answer():
    def not_yet():
        raise NotImplementedError()

    report = check("beat_the_constant", not_yet)
    assert report.status == "not attempted" and report.score == 0

    def broken():
        return 1 / 0

    report = check("beat_the_constant", broken)
    assert "ZeroDivisionError" in report.checks[0].message
