"""Tests of ``lrlab.training.budget``: ``record_lrs`` gives the lr each update uses, and the
capstone's ``Budget`` fixes everything but the schedule and the lr.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lrlab.training import (
    Budget,
    record_lrs,
    steps_per_epoch,
    train,
)


def test_record_lrs_gives_the_lr_each_update_uses():
    def halve_every_two(opt):
        return torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    recorded = record_lrs(halve_every_two, 6, lrs=(0.8, 0.2))
    assert recorded.shape == (6, 2) and recorded.dtype == np.float64
    np.testing.assert_allclose(recorded[:, 0], [0.8, 0.8, 0.4, 0.4, 0.2, 0.2])
    np.testing.assert_allclose(recorded[:, 1], [0.2, 0.2, 0.1, 0.1, 0.05, 0.05])
    # The scheduler is stepped after the optimizer: no "step() before optimizer.step()" warning.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        record_lrs(halve_every_two, 3)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"steps": 0}, "steps"),
        ({"steps": 3, "lrs": ()}, "lrs"),
        ({"steps": 3, "lrs": (0.1, -1.0)}, r"lrs\[1\]"),
    ],
)
def test_record_lrs_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        record_lrs(lambda opt: torch.optim.lr_scheduler.StepLR(opt, 1), **kwargs)


def test_budget_fixes_everything_but_the_schedule_and_the_lr():
    budget = Budget(epochs=2)
    data = budget.data
    assert len(data.y_test) == round(0.2 * 1797)
    assert budget.steps_per_epoch == steps_per_epoch(budget.batch_size, data=data)
    assert budget.total_steps == 2 * budget.steps_per_epoch
    optimizer = budget.optimizer(0.3)([torch.nn.Parameter(torch.zeros(1))])
    assert isinstance(optimizer, torch.optim.SGD)
    group = optimizer.param_groups[0]
    assert (group["lr"], group["momentum"], group["weight_decay"]) == (0.3, 0.9, 0.01)

    def cosine(opt):
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=budget.total_steps)

    run = budget.train(cosine, lr=0.3, seed=1)
    # Stepped after every update, through the whole run:
    expected = 0.3 * (1 + np.cos(np.pi * np.arange(budget.total_steps) / budget.total_steps)) / 2
    np.testing.assert_allclose(run.lr, expected, rtol=1e-9, atol=1e-15)
    again = train(**budget.config(cosine, 0.3), seed=1, progress=False)
    np.testing.assert_array_equal(run.test_loss, again.test_loss)
    assert run.test_loss.shape == (3,)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"momentum": 1.0}, "momentum"),
        ({"weight_decay": -1.0}, "weight_decay"),
        ({"hidden": 0}, "hidden"),
        ({"val_fraction": 0.6, "test_fraction": 0.5}, "val_fraction \\+ test_fraction"),
    ],
)
def test_budget_rejects_bad_settings_when_built(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Budget(**kwargs)


def test_budget_rejects_a_bad_lr():
    with pytest.raises(ValueError, match="lr"):
        Budget().optimizer(0.0)
