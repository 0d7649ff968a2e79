"""Tests of `lrlab.grading.designs`, the design parts of chapters 0, 1 and 8: right designs (several
per part) pass, a blank answer is "not attempted", each typical wrong design fails with its
diagnosis, and bad answers (wrong types, NaN, exceptions, endless loops, sys.exit) are reported.
The budgets' numbers are worked out by hand in the comments, not taken from the grader; the
expected loss of chapter 0's valley is checked against real runs and the chapter's noise floor.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping

import numpy as np
import pytest

from grading_utils import messages
from lrlab.grading import check
from lrlab.grading.designs import BOWL_BUDGET, best_constant, bowl_expected_loss


def _blank(*args):
    raise NotImplementedError()


def _report_of(exercise_id, answer, **kwargs):
    """The report, which is not the grader's error and says each diagnosis once."""
    report = check(exercise_id, answer, **kwargs)
    assert report.status != "grader error", report
    said = [c.message for c in report.checks if c.message and not c.message.startswith("not ")]
    assert len(said) == len(set(said)), report
    return report


def _assert_diagnosed(exercise_id, answer, name, words):
    """The answer fails, and its check ``name`` fails saying ``words``."""
    report = _report_of(exercise_id, answer)
    assert not report.passed
    found = {c.name: c for c in report.checks}
    assert not found[name].passed
    assert words in found[name].message, found[name].message


# ---- chapter 0: a schedule for the noisy valley -----------------------------------------------


def test_the_expected_loss_is_the_mean_of_real_runs():
    torch = pytest.importorskip("torch")
    from lrlab.training import QuadraticBowl

    bowl = QuadraticBowl(curvature=BOWL_BUDGET["curvature"], noise=BOWL_BUDGET["noise"])
    steps = 40
    lrs = 0.18 / (1 + np.arange(steps) / 10)
    runs = [
        bowl.descend(
            lambda p: torch.optim.SGD(p, lr=0.18),
            lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + t / 10)),
            start=BOWL_BUDGET["start"],
            steps=steps,
            seed=seed,
        ).loss
        for seed in range(300)
    ]
    runs = np.array(runs)
    mean, se = runs.mean(axis=0), runs.std(axis=0, ddof=1) / math.sqrt(len(runs))
    expected = bowl_expected_loss(lrs)
    assert expected.shape == (steps + 1,)
    assert expected[0] == pytest.approx(0.5 * (16 + 10 * 1.5**2))  # no noise before step 0
    assert np.all(np.abs(mean - expected) <= 5 * se + 1e-12)


def test_the_expected_loss_settles_on_the_chapters_noise_floor():
    # Chapter 0: a long run at constant eta settles at eta sigma^2 / 2 * sum 1 / (2 - eta h).
    for eta in (0.02, 0.1, 0.18):
        floor = eta * 0.25**2 / 2 * (1 / (2 - eta) + 1 / (2 - 10 * eta))
        assert bowl_expected_loss(np.full(3000, eta))[-1] == pytest.approx(floor, rel=1e-6)


def test_the_best_constant_is_near_003_and_no_constant_beats_it():
    lr, loss = best_constant()
    assert 0.02 < lr < 0.04
    for eta in (0.01, 0.02, 0.025, 0.035, 0.05, 0.18):
        late = bowl_expected_loss(np.full(200, eta))[-20:].mean()
        assert late >= loss * (1 - 1e-3)


@pytest.mark.parametrize(
    "lr_lambda",
    [
        lambda t: 1 / (1 + t / 10),  # the chapter's inverse time
        lambda t: 0.98**t,
        lambda t: 0.5 * (1 + math.cos(math.pi * t / 200)),  # cosine
        lambda t: 1 - t / 200,  # linear to 0
        lambda t: 0.1 ** (t // 100),  # a step decay
    ],
    ids=["inverse time", "exponential", "cosine", "linear", "step"],
)
def test_designs_for_the_valley_pass(lr_lambda):
    report = _report_of("design_bowl_schedule", lr_lambda)
    assert report.passed, report


def test_a_blank_valley_design_is_not_attempted():
    assert _report_of("design_bowl_schedule", _blank).status == "not attempted"


@pytest.mark.parametrize(
    "lr_lambda, name, words",
    [
        (lambda t: 1.0, "the loss at the end", "at every step"),
        (lambda t: 0.03 / 0.18, "the loss at the end", "at every step"),  # the best constant
        (lambda t: 0.18 / (1 + t / 10), "the loss at the end", "returns a factor"),
        (lambda t: 0.9**t, "the loss at the end", "falls too fast"),
        (lambda t: 1 / (1 + t / 2), "the loss at the end", "not reached the bottom"),
        (lambda t: 1 / (1 + t / 1000), "the loss at the end", "noise"),
        (lambda t: 1.5 / (1 + t / 10), "the lr stays within the budget", "diverges"),
        (lambda t: 1.05 / (1 + t / 10), "the lr stays within the budget", "must stay <= 1"),
        (lambda t: 1 - t / 100, "the lr stays within the budget", "negative"),
        (lambda t: 1 - t / 100, "the loss at the end", "diverges"),
    ],
)
def test_wrong_valley_designs_are_diagnosed(lr_lambda, name, words):
    _assert_diagnosed("design_bowl_schedule", lr_lambda, name, words)


# ---- chapter 1: MultiStepLR's milestones ----------------------------------------------------
#
# 30 epochs x 500 updates = 15000 updates; the peak for updates 0-7499; the last 10 % is updates
# 13500-14999; every level at least 750 updates; gamma ** drops between 5e-4 and 2e-3.


@pytest.mark.parametrize(
    "design",
    [
        {"milestones": [7500, 10000, 12500], "gamma": 0.1},
        {"milestones": [12500, 7500, 10000], "gamma": 0.1},  # any order
        {"milestones": [8000, 9500, 11000, 12500], "gamma": 0.18},  # 0.18 ** 4 = 1.05e-3
        {"milestones": (7500, 8500, 9500, 10500, 11500), "gamma": 0.25},  # 9.8e-4
        {"milestones": np.array([7500, 10000, 13500]), "gamma": 0.1},
        {"milestones": [7500.0, 10000.0, 12500.0], "gamma": 0.1},
    ],
)
def test_multistep_designs_pass(design):
    report = _report_of("design_multistep", lambda: design)
    assert report.passed, report


def test_the_multistep_answer_is_not_changed():
    design = {"milestones": [12500, 7500, 10000], "gamma": 0.1}
    assert _report_of("design_multistep", design).passed
    assert design == {"milestones": [12500, 7500, 10000], "gamma": 0.1}


def test_a_blank_multistep_design_is_not_attempted():
    assert _report_of("design_multistep", _blank).status == "not attempted"


@pytest.mark.parametrize(
    "design, name, words",
    [
        ({"milestones": [15, 20, 25], "gamma": 0.1}, "the peak for the first half", "epochs"),
        ({"milestones": [7500, 2500, 2500], "gamma": 0.1}, "the peak for the first half", "gaps"),
        ({"milestones": [7500, 10000, 12500], "gamma": 0}, "the end of the run", "vanishes"),
        ({"milestones": [7500, 10000], "gamma": 0.1}, "the end of the run", "0.01 of the peak"),
        ({"milestones": [7500, 10000, 14000], "gamma": 0.1}, "the end of the run", "last 10 %"),
        ({"milestones": [7500, 10000, 15000], "gamma": 0.1}, "the end of the run", "never"),
        ({"milestones": [5000, 8000, 11000], "gamma": 0.1}, "the peak for the first half", "5000"),
        ({"milestones": [7500, 12000], "gamma": 0.03}, "the drops", "more than 10 times"),
        ({"milestones": [7500, 10000, 10000], "gamma": 0.1}, "the drops", "given 2 times"),
        ({"milestones": [7500, 7600, 12000], "gamma": 0.1}, "the drops", "only 100 updates"),
        ({"milestones": [7500, 10000, 12500], "gamma": 10}, "the drops", "does not lower"),
        ({"milestones": [], "gamma": 0.1}, "the drops", "never drops"),
    ],
)
def test_wrong_multistep_designs_are_diagnosed(design, name, words):
    _assert_diagnosed("design_multistep", design, name, words)


@pytest.mark.parametrize(
    "design, words",
    [
        ([7500, 10000], "exactly the keys"),
        ({"milestones": [7500], "gamma": 0.1, "lr": 0.1}, "exactly the keys"),
        ({"milestones": 7500, "gamma": 0.1}, "list of update counts"),
        ({"milestones": [7500.5], "gamma": 0.1}, "not an integer"),
        ({"milestones": [-1], "gamma": 0.1}, "negative"),
        ({"milestones": [7500, "10000"], "gamma": 0.1}, "not a number"),
        ({"milestones": [7500], "gamma": float("nan")}, "gamma"),
        ({"milestones": [7500], "gamma": None}, "gamma"),
    ],
)
def test_malformed_multistep_designs_are_reported(design, words):
    report = _report_of("design_multistep", design)
    assert not report.passed
    assert words in messages(report)


# ---- chapter 8: a one-cycle for the digits run -----------------------------------------------
#
# 1348 images in batches of 32 with drop_last=False: ceil(42.125) = 43 updates per epoch; 6
# epochs: 258 updates. Defaults: the peak at update 0.3 * 258 - 1 = 76.4; at update 42 the cos
# warm-up is at (1 - cos(pi * 42 / 76.4)) / 2 = 58 % of the way from max_lr / 25 to max_lr.


@pytest.mark.parametrize(
    "design",
    [
        {"max_lr": 0.1, "total_steps": 258},
        {"max_lr": 0.2, "epochs": 6, "steps_per_epoch": 43, "pct_start": 0.2},
        {"max_lr": 0.06, "total_steps": 258, "anneal_strategy": "linear", "cycle_momentum": False},
        {"max_lr": 0.15, "total_steps": 258, "three_phase": True, "div_factor": 10.0},
    ],
)
def test_one_cycle_designs_pass(design):
    report = _report_of("design_one_cycle", lambda: design)
    assert report.passed, report


def test_a_blank_one_cycle_design_is_not_attempted():
    assert _report_of("design_one_cycle", _blank).status == "not attempted"


@pytest.mark.parametrize(
    "design, name, words",
    [
        ({"max_lr": 0.1, "total_steps": 6}, "total_steps", "counts epochs"),
        ({"max_lr": 0.1, "total_steps": 252}, "total_steps", "drop_last=False"),
        ({"max_lr": 0.1, "total_steps": 43}, "total_steps", "one epoch"),
        ({"max_lr": 0.1, "epochs": 6, "steps_per_epoch": 42}, "total_steps", "too short"),
        ({"max_lr": 0.1, "total_steps": 300}, "total_steps", "42 steps before the end"),
        ({"max_lr": 0.1, "total_steps": 300}, "the end", "after the run's last update"),
        ({"max_lr": 1.0, "total_steps": 258}, "the peak", "above 0.2"),
        ({"max_lr": 0.01, "total_steps": 258}, "the peak", "below 0.06"),
        ({"max_lr": 0.1, "total_steps": 258, "pct_start": 0.5}, "the warm-up", "too long"),
        ({"max_lr": 0.1, "total_steps": 258, "div_factor": 1.0}, "the warm-up", "no warm-up"),
        ({"max_lr": 0.1, "total_steps": 258, "final_div_factor": 1.0}, "the end", "raise"),
        ({"max_lr": 0.1, "total_steps": 258, "pct_start": 1.5}, "the peak", "rejects"),
    ],
)
def test_wrong_one_cycle_designs_are_diagnosed(design, name, words):
    _assert_diagnosed("design_one_cycle", design, name, words)


@pytest.mark.parametrize(
    "design, words",
    [
        (None, "return a dict"),
        ({"lr": 0.1, "total_steps": 258}, "no argument 'lr'"),
        ({"total_steps": 258}, "max_lr is missing"),
        ({"max_lr": "0.1", "total_steps": 258}, "a number was expected"),
        ({"max_lr": 0.1}, "total_steps, or both epochs"),
        ({"max_lr": 0.1, "total_steps": 252.75}, "whole number"),
        ({"max_lr": float("nan"), "total_steps": 258}, "a number was expected"),
        ({"max_lr": 0.1, "total_steps": 258, "pct_start": None}, "rejects"),
        ({"max_lr": 0.1, "total_steps": 258, "anneal_strategy": "cosine"}, "rejects"),
    ],
)
def test_malformed_one_cycle_designs_are_reported(design, words):
    report = _report_of("design_one_cycle", design)
    assert not report.passed
    assert words in messages(report)


# ---- every part: the reader's code misbehaving ------------------------------------------------


def _raises(*args):
    raise ZeroDivisionError("oops")


def _exits(*args):
    sys.exit(3)


def _loops(*args):
    while True:
        pass


@pytest.mark.parametrize(
    "exercise_id", ["design_bowl_schedule", "design_multistep", "design_one_cycle"]
)
@pytest.mark.parametrize(
    "answer, words",
    [(_raises, "ZeroDivisionError"), (_exits, "sys.exit"), (_loops, "stopped after")],
    ids=["raises", "exits", "loops"],
)
def test_misbehaving_code_is_reported(exercise_id, answer, words):
    report = _report_of(exercise_id, answer, time_limit=0.5)
    assert not report.passed
    assert words in messages(report)


class _BadMapping(Mapping):
    """A mapping whose values cannot be read."""

    def __init__(self, **items):
        self.items_ = items

    def __getitem__(self, key):
        raise KeyError("no")

    def __iter__(self):
        return iter(self.items_)

    def __len__(self):
        return len(self.items_)


@pytest.mark.parametrize("exercise_id", ["design_multistep", "design_one_cycle"])
def test_a_mapping_that_cannot_be_read_is_reported(exercise_id):
    report = _report_of(exercise_id, _BadMapping(max_lr=0.1, milestones=[1], gamma=0.1))
    assert "KeyError" in messages(report)


@pytest.mark.parametrize(
    "value, words",
    [(None, "None"), (float("nan"), "nan"), ("1", "str"), ([1.0], "list"), (math.inf, "inf")],
)
def test_a_valley_design_returning_no_number_is_reported(value, words):
    report = _report_of("design_bowl_schedule", lambda t: value if t == 7 else 1.0)
    assert not report.passed
    first = report.checks[0].message
    assert "lr_lambda(7)" in first and words in first


def test_an_answer_that_is_not_a_function_is_reported():
    report = _report_of("design_bowl_schedule", 0.5)
    assert "the function lr_lambda itself" in messages(report)
