"""Tests of ``lrlab.training.bowl``: the descent on the 2-D bowl is the closed form, seeded,
and steps the scheduler after every step.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lrlab.training import (
    QuadraticBowl,
)


def sgd(lr):
    return lambda params: torch.optim.SGD(params, lr=lr)


def test_bowl_descent_matches_the_closed_form():
    bowl = QuadraticBowl(curvature=(1.0, 10.0))
    lr, steps, start = 0.15, 12, (-4.0, 1.5)
    run = bowl.descend(sgd(lr), start=start, steps=steps)
    t = np.arange(steps + 1)
    expected = np.stack([start[0] * (1 - lr * 1.0) ** t, start[1] * (1 - lr * 10.0) ** t], axis=1)
    np.testing.assert_allclose(run.path, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(run.loss, 0.5 * (expected[:, 0] ** 2 + 10 * expected[:, 1] ** 2))
    np.testing.assert_allclose(run.lr, lr)


def test_bowl_stability_bound():
    bowl = QuadraticBowl(curvature=(1.0, 10.0))
    assert bowl.max_stable_lr == pytest.approx(0.2)
    below = bowl.descend(sgd(0.19), steps=200)
    above = bowl.descend(sgd(0.21), steps=200)
    assert below.loss[-1] < 1e-3
    assert above.loss[-1] > above.loss[0]
    far_above = bowl.descend(sgd(5.0), steps=1000)
    assert far_above.diverged and np.isnan(far_above.path[-1]).all()


def test_bowl_runs_the_scheduler_after_each_step():
    bowl = QuadraticBowl()
    run = bowl.descend(
        sgd(0.1), lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, 0.5), steps=4
    )
    np.testing.assert_allclose(run.lr, [0.1, 0.05, 0.025, 0.0125])


def test_bowl_noise_is_seeded():
    bowl = QuadraticBowl(noise=1.0)
    a = bowl.descend(sgd(0.05), seed=3)
    b = bowl.descend(sgd(0.05), seed=3)
    c = bowl.descend(sgd(0.05), seed=4)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, c.path)
    clean = QuadraticBowl(noise=0.0).descend(sgd(0.05), seed=3)
    assert not np.array_equal(a.path, clean.path)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"curvature": (1.0, 0.0)}, "curvature"),
        ({"curvature": (1.0,)}, "curvature"),
        ({"noise": -1.0}, "noise"),
    ],
)
def test_bowl_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        QuadraticBowl(**kwargs)


def test_bowl_descend_rejects_bad_steps():
    with pytest.raises(ValueError, match="steps"):
        QuadraticBowl().descend(sgd(0.1), steps=0)
