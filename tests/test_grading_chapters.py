"""Tests of `lrlab.grading.chapters`: each chapter's exercises accept the right answer and explain
the wrong answers worth explaining.
"""

from __future__ import annotations

import math

import pytest

from grading_utils import messages, reduce_lr_on_plateau, step_lr
from lrlab.grading import check

# ---- chapter 0's exercises -----------------------------------------------------------------------


class _Ch0LambdaStyle:
    """A minimal LambdaLR-style scheduler; subclasses below make the classic mistakes."""

    def __init__(self, optimizer, lr_lambda):
        self.optimizer, self.lr_lambda, self.t = optimizer, lr_lambda, 0
        self.base = [g["lr"] for g in optimizer.param_groups]
        self._write()

    def step(self):
        self.t += 1
        self._write()

    def _write(self):
        for group, base in zip(self.optimizer.param_groups, self.base):
            group["lr"] = base * self.lr_lambda(self.t)

    def get_last_lr(self):
        return [g["lr"] for g in self.optimizer.param_groups]


class _Ch0FirstGroupOnly(_Ch0LambdaStyle):
    def _write(self):
        self.optimizer.param_groups[0]["lr"] = self.base[0] * self.lr_lambda(self.t)


class _Ch0OneStepLate(_Ch0LambdaStyle):
    def _write(self):
        for group, base in zip(self.optimizer.param_groups, self.base):
            group["lr"] = base * self.lr_lambda(max(self.t - 1, 0))


def test_scheduler_from_scratch_right_answer_passes():
    pytest.importorskip("torch")
    report = check("scheduler_from_scratch", _Ch0LambdaStyle)
    assert report.passed and report.score == report.max_score


@pytest.mark.parametrize(
    "answer, words",
    [(_Ch0FirstGroupOnly, "only the first group"), (_Ch0OneStepLate, "a step late")],
)
def test_scheduler_from_scratch_diagnoses(answer, words):
    pytest.importorskip("torch")
    report = check("scheduler_from_scratch", answer)
    assert not report.passed
    assert words in str(report)


def test_chapter0_questions():
    assert check("loop_order", lambda: "b").passed
    wrong = check("loop_order", lambda: "a")
    assert not wrong.passed and "first update" in str(wrong)
    assert check("lr_of_last_update", lambda: 0.1 * 0.9**499).passed
    per_epoch = check("lr_of_last_update", lambda: 0.1 * 0.9**4)
    assert not per_epoch.passed and "stepped once per epoch" in str(per_epoch)
    one_past = check("lr_of_last_update", lambda: 0.1 * 0.9**500)
    assert not one_past.passed and "counted from 0" in str(one_past)


# ---- chapters 1 to 8 -----------------------------------------------------------------------------


def test_the_chapter_1_numeric_exercise():
    assert check("step_decay_lr_at_95", lambda: step_lr(95, 0.1, 30)).passed
    assert "90" in messages(check("step_decay_lr_at_95", 1e-3))


def test_the_chapter_2_numeric_exercise():
    # 20 epochs of 43 updates, from 0.1 to 1e-4 after the last update (step 860).
    assert check("exponential_gamma_for_target", lambda: (1e-4 / 0.1) ** (1 / 860)).passed
    assert "per epoch" in messages(check("exponential_gamma_for_target", (1e-3) ** (1 / 20)))
    assert "exponent 1 / T" in messages(check("exponential_gamma_for_target", (1e-3) ** (1 / 859)))
    assert "above 1" in messages(check("exponential_gamma_for_target", 1000 ** (1 / 860)))
    relative_to_1 = 1e-4 ** (1 / 860)
    assert "relative to base_lr" in messages(check("exponential_gamma_for_target", relative_to_1))
    assert not check("exponential_gamma_for_target", 0.99).passed


def test_the_chapter_3_numeric_exercise():
    # 20 epochs of 43 updates, CosineAnnealingLR stepped per update: T_max = 860 updates.
    assert check("cosine_t_max_per_update", lambda: 20 * 43).passed
    assert "counts updates" in messages(check("cosine_t_max_per_update", 20))
    assert "half period" in messages(check("cosine_t_max_per_update", 430))
    assert "ends half way down" in messages(check("cosine_t_max_per_update", 1720))
    assert "last update trains at eta_min" in messages(check("cosine_t_max_per_update", 859))
    assert not check("cosine_t_max_per_update", 800).passed


def test_the_chapter_4_numeric_exercise():
    # T_0=10, T_mult=2: cycles of 10, 20, 40, 80 epochs; the 4th ends after 150.
    assert check("sgdr_epochs_for_cycles", lambda: 10 * (2**4 - 1)).passed
    assert "4th cycle alone" in messages(check("sgdr_epochs_for_cycles", 80))
    assert "end of the 3rd cycle" in messages(check("sgdr_epochs_for_cycles", 70))
    assert "ignores T_mult" in messages(check("sgdr_epochs_for_cycles", 40))
    assert "length of the 5th cycle" in messages(check("sgdr_epochs_for_cycles", 160))
    assert "end of the 5th cycle" in messages(check("sgdr_epochs_for_cycles", 310))
    assert not check("sgdr_epochs_for_cycles", 151).passed


def test_the_chapter_5_first_cut_exercise():
    from lrlab.grading.catalogue import CH5_VAL_LOSSES

    def first_cut(lrs):
        return 1 + next(i for i, lr in enumerate(lrs) if lr < 0.1)

    right = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=2))
    assert check("plateau_first_cut", lambda: right).passed
    # cut at num_bad_epochs >= patience: the plain-Python reference with one less patience
    early = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=1))
    assert early == right - 1 and "third" in messages(check("plateau_first_cut", early))
    # every decrease counts: no threshold
    no_threshold = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=2, threshold=0.0))
    assert no_threshold != right and "0.69993" in messages(check("plateau_first_cut", no_threshold))
    both = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=1, threshold=0.0))
    assert "Two slips" in messages(check("plateau_first_cut", both))
    # compared with the previous loss instead of the best so far
    bad, previous = 0, math.inf
    for epoch, loss in enumerate(CH5_VAL_LOSSES, start=1):  # noqa: B007 - read after the loop
        bad = 0 if loss < previous else bad + 1
        previous = loss
        if bad > 2:
            break
    assert "best so far" in messages(check("plateau_first_cut", epoch))
    assert not check("plateau_first_cut", 9).passed


def test_the_chapter_6_numeric_exercise():
    # 3 epochs of 1000 minibatches, accumulation over 4: 750 updates; ceil(0.05 * 750) = 38.
    assert check("warmup_steps_with_accumulation", lambda: math.ceil(0.05 * 3 * (1000 // 4))).passed
    assert "count T in updates" in messages(check("warmup_steps_with_accumulation", 150))
    assert "rounds up" in messages(check("warmup_steps_with_accumulation", 37))
    assert "not a whole number" in messages(check("warmup_steps_with_accumulation", 37.5))
    assert "one epoch's updates" in messages(check("warmup_steps_with_accumulation", 13))
    assert "one epoch's minibatches" in messages(check("warmup_steps_with_accumulation", 50))
    assert "num_training_steps" in messages(check("warmup_steps_with_accumulation", 750))
    assert "the ratio itself" in messages(check("warmup_steps_with_accumulation", 0.05))
    assert "Hint: T = epochs" in messages(check("warmup_steps_with_accumulation", 39))


def test_the_chapter_7_step_size_exercise():
    assert check("cyclic_step_size_up", lambda: 4 * 43).passed
    assert "in epochs" in messages(check("cyclic_step_size_up", 4))
    assert "whole cycle" in messages(check("cyclic_step_size_up", 344))
    assert "short last minibatch" in messages(check("cyclic_step_size_up", 4 * 1348 / 32))
    assert "short last minibatch" in messages(check("cyclic_step_size_up", 168))
    assert not check("cyclic_step_size_up", 170).passed


def test_the_chapter_7_range_test_reading():
    assert check("range_test_max_lr", "c").passed
    assert "edge of divergence" in messages(check("range_test_max_lr", "b"))
    assert "blows up" in messages(check("range_test_max_lr", "a"))
    assert "base_lr" in messages(check("range_test_max_lr", "d"))


def test_the_chapter_8_numeric_exercise():
    # 5 epochs of ceil(1000 / 64) = 16 batches (the last one short): 80 scheduler steps.
    assert check("one_cycle_total_steps", lambda: 5 * math.ceil(1000 / 64)).passed
    assert "drop_last=False" in messages(check("one_cycle_total_steps", 5 * (1000 // 64)))
    assert "number of epochs" in messages(check("one_cycle_total_steps", 5))
    assert "one epoch" in messages(check("one_cycle_total_steps", 16))
    for whole_run in (5000 // 64, math.ceil(5000 / 64)):  # 78 and 79
        assert "its own short batch" in messages(check("one_cycle_total_steps", whole_run))
    assert "counts images" in messages(check("one_cycle_total_steps", 5000))
    assert "Hint: count the batches" in messages(check("one_cycle_total_steps", 81))


def test_race_gap_in_standard_errors():
    # 1.912 - 1.897 = 0.015; SE = sqrt(0.010**2 / 8 + 0.012**2 / 8) = sqrt(3.05e-5) = 0.0055227
    assert check("race_gap_in_standard_errors", 2.716).passed
    assert check("race_gap_in_standard_errors", lambda: 2.72).passed  # within 1 %
    # the standard deviations instead of the standard error: 0.015 / 0.015620 = 0.960
    assert "standard deviations" in str(check("race_gap_in_standard_errors", 0.960))
    # the two standard errors added: 0.015 / (0.022 / sqrt(8)) = 1.928
    assert "adds the two" in str(check("race_gap_in_standard_errors", 1.928))
    assert not check("race_gap_in_standard_errors", float("nan")).passed
