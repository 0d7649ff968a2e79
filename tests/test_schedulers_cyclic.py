"""Tests of the cyclical schedulers (``lrlab.schedulers.cyclic``): ``CyclicLR``'s
modes and custom ``scale_fn``, ``OneCycleLR``'s steps, against PyTorch.
"""

from __future__ import annotations

import pytest
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls
from scheduler_utils import (
    MOMENTUM_KINDS,
    assert_parity,
    both,
    make_optimizer,
)


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
@pytest.mark.parametrize("kind", MOMENTUM_KINDS)
def test_cyclic_modes_cycle_lr_and_momentum_like_torch(mode: str, kind: str) -> None:
    cfg = dict(
        base_lr=[0.001, 0.002, 0.003],
        max_lr=[0.1, 0.2, 0.3],
        step_size_up=20,
        step_size_down=30,
        mode=mode,
        gamma=0.995,
        base_momentum=0.8,
        max_momentum=0.95,
    )
    assert_parity(*both("CyclicLR", **cfg), kind=kind, n=400)


@pytest.mark.parametrize("scale_mode", ["cycle", "iterations"])
def test_cyclic_custom_scale_fn_matches_torch(scale_mode: str) -> None:
    cfg = dict(
        base_lr=0.01,
        max_lr=0.1,
        step_size_up=15,
        scale_fn=lambda x: 1.0 / (1.0 + 0.1 * x),
        scale_mode=scale_mode,
        mode="not-a-mode",  # ignored with a custom scale_fn, as in torch
    )
    assert_parity(*both("CyclicLR", **cfg), kind="adam", n=300)


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
def test_one_cycle_steps_0_to_total_inclusive_match_torch(three_phase, anneal_strategy) -> None:
    cfg = dict(
        max_lr=[1.0, 0.5, 2.0],
        total_steps=97,
        pct_start=0.25,
        anneal_strategy=anneal_strategy,
        three_phase=three_phase,
    )
    for kind in MOMENTUM_KINDS:
        assert_parity(*both("OneCycleLR", **cfg), kind=kind, n=97)


def test_one_cycle_epochs_times_steps_per_epoch_without_momentum() -> None:
    cfg = dict(max_lr=0.3, epochs=5, steps_per_epoch=40, cycle_momentum=False)
    assert_parity(*both("OneCycleLR", **cfg), kind="sgd", n=200)


def test_one_cycle_stepping_past_total_steps_raises_naming_the_step() -> None:
    opt = make_optimizer("sgd")
    sched = ls.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    for _ in range(10):
        opt.step(), sched.step()  # steps 1..10 are valid, as in torch
    before = sched.get_last_lr()
    with pytest.raises(ValueError, match=r"step 11.*total_steps=10"):
        sched.step()
    assert sched.last_epoch == 10 and sched.get_last_lr() == before  # left as it was
    ref_opt = make_optimizer("sgd")
    ref = tl.OneCycleLR(ref_opt, max_lr=1.0, total_steps=10)
    for _ in range(10):
        ref_opt.step(), ref.step()
    with pytest.raises(ValueError):
        ref.step()
