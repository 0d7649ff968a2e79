"""Tests of `lrlab.grading.kinds`: the numeric, multiple-choice and scheduler-class exercises,
and a bug in an exercise's own code reported as the grader's.
"""

from __future__ import annotations

import pytest

from grading_utils import messages, step_lr
from lrlab.grading import (
    ChoiceExercise,
    Exercise,
    NumericExercise,
    SchedulerExercise,
    check,
    register,
)


def test_numeric_exercise():
    register(
        NumericExercise(
            "test_lr_at_95",
            0.1 * 0.1**3,
            question="lr at step 95?",
            mistakes={1e-3: "That is two drops."},
            hint="count the drops",
        )
    )
    assert check("test_lr_at_95", 1e-4).passed
    assert check("test_lr_at_95", lambda: 1e-4).passed
    assert "That is two drops." in messages(check("test_lr_at_95", 1e-3))
    assert "factor of 10" in messages(check("test_lr_at_95", 1e-5))
    assert "Hint: count the drops" in messages(check("test_lr_at_95", 0.5))
    assert "returned a str" in messages(check("test_lr_at_95", "1e-4"))

    def todo():
        raise NotImplementedError()

    assert check("test_lr_at_95", todo).status == "not attempted"
    assert "ZeroDivisionError" in messages(check("test_lr_at_95", lambda: 1 / 0))


def test_choice_exercise():
    register(
        ChoiceExercise(
            "test_choice",
            {"a": "StepLR", "b": "ExponentialLR", "c": "OneCycleLR"},
            "b",
            explanations={"a": "StepLR drops in steps."},
        )
    )
    assert check("test_choice", " B ").passed
    assert "StepLR drops in steps." in messages(check("test_choice", "a"))
    assert "'z' is not one of the choices 'a', 'b', 'c'" in messages(check("test_choice", "z"))
    assert "answer with the key" in messages(check("test_choice", 2))
    register(ChoiceExercise("test_choices", {"a": "x", "b": "y", "c": "z"}, {"a", "c"}))
    assert check("test_choices", ["c", "a"]).passed
    assert "1 right choice(s) missing" in messages(check("test_choices", {"a"}))
    with pytest.raises(ValueError, match="correct"):
        ChoiceExercise("test_bad", {"a": "x"}, "q")


class _MyStepLR:
    """A reader's torch-style StepLR, from scratch."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.optimizer, self.step_size, self.gamma = optimizer, step_size, gamma
        self.base_lrs = [g["lr"] for g in optimizer.param_groups]
        self.last_epoch = 0

    def step(self):
        self.last_epoch += 1
        for g, base in zip(self.optimizer.param_groups, self.base_lrs):
            g["lr"] = base * self.gamma ** (self.last_epoch // self.step_size)

    def get_last_lr(self):
        return [g["lr"] for g in self.optimizer.param_groups]


class _FirstGroupOnly(_MyStepLR):
    def step(self):
        self.last_epoch += 1
        g = self.optimizer.param_groups[0]
        g["lr"] = self.base_lrs[0] * self.gamma ** (self.last_epoch // self.step_size)


class _TodoScheduler:
    def __init__(self, optimizer, step_size, gamma=0.1):
        raise NotImplementedError()


def test_scheduler_exercise():
    pytest.importorskip("torch")
    register(
        SchedulerExercise(
            "test_my_steplr",
            lambda t, lr: step_lr(t, lr, 3, 0.5),
            lambda cls, opt: cls(opt, step_size=3, gamma=0.5),
            steps=12,
            base_lrs=(0.1, 0.02),
        )
    )
    assert check("test_my_steplr", _MyStepLR).passed
    report = check("test_my_steplr", _FirstGroupOnly)
    assert "param_groups[1]['lr'] is 0.02; expected 0.01" in messages(report)
    assert "only the first group" in messages(report)
    assert check("test_my_steplr", _TodoScheduler).status == "not attempted"


def test_the_libraries_drop_in_steplr_passes_the_scheduler_exercise():
    pytest.importorskip("torch")
    schedulers = pytest.importorskip("lrlab.schedulers")
    register(
        SchedulerExercise(
            "test_lrlab_steplr",
            lambda t, lr: step_lr(t, lr, 3, 0.5),
            lambda cls, opt: cls(opt, step_size=3, gamma=0.5),
            steps=12,
            base_lrs=(0.1, 0.02),
        )
    )
    assert check("test_lrlab_steplr", schedulers.StepLR).passed


def test_a_bug_in_an_exercise_definition_becomes_a_grader_error_report():
    class Broken(Exercise):
        def _grade(self, answer, runner):
            return {}["missing"]

    register(Broken("test_broken"))
    report = check("test_broken", step_lr)
    assert report.status == "grader error" and not report.passed
    assert "bug in lrlab, not in your code" in messages(report)
