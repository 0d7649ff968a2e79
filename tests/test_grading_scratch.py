"""From scratch means from scratch (lrlab.grading.scratch): an implementation exercise whose
answer calls lrlab's, torch's or transformers' schedules gets a note in self-study and scores 0
under LRLAB_GRADING=strict; predict and design parts may use the library freely."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import transformers

import lrlab
from lrlab import step_lr as lrlab_step_lr
from lrlab.grading import check
from lrlab.grading.scratch import borrowed, grading_mode


def own_step_lr(step, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** (np.asarray(step) // step_size)


def wrapped_step_lr(step, base_lr, step_size, gamma=0.1):
    return lrlab.step_lr(step, base_lr, step_size, gamma)


def imported_step_lr(step, base_lr, step_size, gamma=0.1):
    return lrlab_step_lr(step, base_lr, step_size, gamma)


def torch_step_lr(step, base_lr, step_size, gamma=0.1):
    # Steps torch's StepLR to each step: right values, not written from scratch.
    out = []
    for t in np.atleast_1d(step):
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)
        for _ in range(int(t)):
            optimizer.step()
            scheduler.step()
        out.append(optimizer.param_groups[0]["lr"])
    return np.array(out) if np.ndim(step) else out[0]


def test_borrowed_reads_the_names_an_answer_uses():
    assert borrowed(own_step_lr) == []
    assert borrowed(wrapped_step_lr) == ["lrlab.step_lr"]
    assert borrowed(imported_step_lr) == ["lrlab.step_lr"]
    assert borrowed(torch_step_lr) == ["torch.optim.lr_scheduler.StepLR"]
    assert borrowed(lrlab.step_lr) == ["lrlab.step_lr"]

    def in_a_closure():
        f = lrlab.cosine_annealing_lr
        return lambda step, base_lr, T_max, eta_min=0.0: f(step, base_lr, T_max, eta_min)

    assert borrowed(in_a_closure()) == ["lrlab.cosine_annealing_lr"]
    warmup = lambda optimizer: transformers.get_linear_schedule_with_warmup(optimizer, 1, 2)  # noqa: E731
    assert borrowed(warmup) == ["transformers.optimization.get_linear_schedule_with_warmup"]


def test_borrowed_reads_a_class_its_bases_and_methods():
    class Subclass(torch.optim.lr_scheduler.LambdaLR):
        pass

    class Inside:
        def __init__(self, optimizer, lr_lambda):
            self.inner = lrlab.LambdaLR(optimizer, lr_lambda)

        def step(self):
            self.inner.step()

    class Own:
        def __init__(self, optimizer, lr_lambda):
            self.optimizer, self.lr_lambda, self.t = optimizer, lr_lambda, 0

        def step(self):
            self.t += 1

    assert borrowed(Subclass) == ["torch.optim.lr_scheduler.LambdaLR"]
    assert borrowed(Inside) == ["lrlab.LambdaLR"]
    assert borrowed(Own) == []


@pytest.mark.parametrize("answer", [None, 3, "step_lr", np.cos, print, type("X", (), {})()])
def test_borrowed_never_raises(answer):
    assert borrowed(answer) == []


def test_self_study_keeps_the_marks_with_a_note(monkeypatch):
    monkeypatch.delenv("LRLAB_GRADING", raising=False)
    report = check("step_lr", wrapped_step_lr)
    assert report.passed
    assert any("your answer uses lrlab.step_lr" in n and "strict" in n for n in report.notes)
    assert not any("your answer uses" in n for n in check("step_lr", own_step_lr).notes)


def test_strict_scores_a_borrowed_implementation_zero(monkeypatch):
    monkeypatch.setenv("LRLAB_GRADING", "strict")
    own = check("step_lr", own_step_lr)
    assert own.passed and own.score == own.max_score
    for answer, used in ((wrapped_step_lr, "lrlab.step_lr"), (torch_step_lr, "StepLR")):
        report = check("step_lr", answer)
        assert not report.passed and report.score == 0, str(report)
        assert report.max_score == own.max_score  # the same points at stake
        (only,) = report.checks
        assert only.name == "from scratch" and used in only.message
        assert f"/{own.max_score}." in only.message  # what its values alone would score
    wrapped = check("step_lr", wrapped_step_lr).checks[0].message
    assert f"would score {own.max_score}/{own.max_score}" in wrapped


def test_strict_lets_a_predict_part_use_the_library(monkeypatch):
    monkeypatch.setenv("LRLAB_GRADING", "strict")
    report = check("step_decay_lr_at_95", lambda: float(lrlab.step_lr(95, 0.1, 30)))
    assert report.passed and not any("from scratch" in n for n in report.notes)


def test_a_scheduler_class_that_subclasses_torch_is_not_from_scratch(monkeypatch):
    class Subclass(torch.optim.lr_scheduler.LambdaLR):
        pass

    monkeypatch.setenv("LRLAB_GRADING", "strict")
    report = check("scheduler_from_scratch", Subclass)
    assert report.score == 0 and "torch.optim.lr_scheduler.LambdaLR" in report.checks[0].message


def test_a_bad_grading_mode_is_a_value_error_naming_it(monkeypatch):
    monkeypatch.setenv("LRLAB_GRADING", "strcit")
    with pytest.raises(ValueError, match="LRLAB_GRADING.*'strcit'"):
        grading_mode()
    with pytest.raises(ValueError, match="LRLAB_GRADING"):
        check("step_lr", own_step_lr)
