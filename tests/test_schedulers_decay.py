"""Tests of the decaying schedulers (``lrlab.schedulers.decay``): edge
configurations, and ``CosineAnnealingWarmRestarts.step(epoch)`` with fractional epochs.
"""

from __future__ import annotations

import math
import random

import pytest
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls
from scheduler_utils import (
    LRS,
    assert_parity,
    both,
    epoch_deprecation,
    make_optimizer,
    through_bytes,
)


@pytest.mark.parametrize(
    "name, cfg",
    [
        ("StepLR", dict(step_size=1, gamma=0.5)),  # a decay at every step, from step 1
        ("MultiStepLR", dict(milestones=[0, 5, 5], gamma=0.5)),  # at step 0, and twice at 5
        ("CosineAnnealingLR", dict(T_max=1)),  # the shortest half period, then periodic
        ("CosineAnnealingLR", dict(T_max=7, eta_min=0.2)),  # eta_min above some groups' lr
        ("CosineAnnealingWarmRestarts", dict(T_0=1, T_mult=2)),
        ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=3, eta_min=0.01)),
        ("ExponentialLR", dict(gamma=1.0)),
        ("ConstantLR", dict(factor=0.5, total_iters=0)),  # the factor for ever, as torch
        ("ConstantLR", dict(factor=0.0, total_iters=0)),  # 0 for ever: torch never divides
        ("ConstantLR", dict(factor=1.0, total_iters=10)),
        ("LinearLR", dict(start_factor=0.2, total_iters=0)),  # start_factor for ever, as torch
        ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=100)),  # to exactly 0
        ("LinearLR", dict(start_factor=0.5, end_factor=0.5, total_iters=10)),
        ("PolynomialLR", dict(total_iters=0, power=3.0)),  # base lr for ever, as torch
        ("PolynomialLR", dict(total_iters=1, power=0.5)),
        ("PolynomialLR", dict(total_iters=50, power=0.0)),  # 0 ** 0 is 1: constant
    ],
)
def test_edge_configs_match_torch(name: str, cfg: dict) -> None:
    assert_parity(*both(name, **cfg), n=300)


@epoch_deprecation
@pytest.mark.parametrize("T_0, T_mult", [(10, 1), (10, 2), (5, 3), (1, 2)])
def test_warm_restarts_fractional_epochs_match_torch(T_0: int, T_mult: int) -> None:
    iters = 7
    calls = [(epoch + i / iters,) for epoch in range(150) for i in range(iters)]
    cfg = dict(T_0=T_0, T_mult=T_mult, eta_min=1e-4)
    assert_parity(*both("CosineAnnealingWarmRestarts", **cfg), step_args=calls)


@epoch_deprecation
def test_warm_restarts_step_after_step_epoch_goes_on_from_that_epoch_like_torch() -> None:
    r = random.Random(7)
    calls = []
    for _ in range(600):  # interleave step(), step(fractional epoch) and step(integer epoch)
        u = r.random()
        calls.append(() if u < 0.6 else (r.uniform(0, 200),) if u < 0.9 else (r.randint(0, 200),))
    cfg = dict(T_0=6, T_mult=2, eta_min=0.0)
    assert_parity(*both("CosineAnnealingWarmRestarts", **cfg), step_args=calls)
    opt = make_optimizer("sgd")
    sched = ls.CosineAnnealingWarmRestarts(opt, T_0=10)
    sched.step(2.5)
    sched.step()
    assert sched.last_epoch == 3 and sched.get_last_lr()[0] == pytest.approx(
        0.1 * (1 + math.cos(math.pi * 3.5 / 10)) / 2, rel=1e-12
    )


@epoch_deprecation
def test_warm_restarts_integer_epoch_at_a_restart_follows_the_step_sequence() -> None:
    # torch's step(121) with T_0=1, T_mult=3 finds the cycle with a logarithm that rounds
    # log3(243) down to 4.999...: it gives eta_min, while 121 plain step() calls (and we) give
    # the restart's base lr.
    ours = ls.CosineAnnealingWarmRestarts(make_optimizer("sgd"), T_0=1, T_mult=3)
    ours.step(121)
    stepped = tl.CosineAnnealingWarmRestarts(make_optimizer("sgd"), T_0=1, T_mult=3)
    for _ in range(121):
        stepped.step()
    jumped = tl.CosineAnnealingWarmRestarts(make_optimizer("sgd"), T_0=1, T_mult=3)
    jumped.step(121)
    assert ours.get_last_lr() == pytest.approx(stepped.get_last_lr(), rel=1e-12)
    assert ours.get_last_lr() == pytest.approx(list(LRS), rel=1e-12)
    assert jumped.get_last_lr() == [0.0, 0.0, 0.0]  # the torch quirk we do not copy


@epoch_deprecation
def test_warm_restarts_state_dict_keeps_the_fractional_epoch() -> None:
    opt = make_optimizer("sgd")
    sched = ls.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)
    sched.step(13.25)
    fresh_opt = make_optimizer("sgd")
    fresh = ls.CosineAnnealingWarmRestarts(fresh_opt, T_0=10, T_mult=2)
    fresh.load_state_dict(through_bytes(sched.state_dict()))
    for _ in range(40):
        sched.step(), fresh.step()
        assert fresh.get_last_lr() == sched.get_last_lr()
        assert fresh_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


@epoch_deprecation
@pytest.mark.parametrize(
    "name, cfg",
    [
        ("ConstantLR", dict(factor=0.25, total_iters=7)),
        ("LinearLR", dict(start_factor=0.1, end_factor=0.9, total_iters=30)),
        ("PolynomialLR", dict(total_iters=40, power=2.0)),
    ],
)
def test_factor_schedulers_step_epoch_jumps_to_torch_closed_form(name: str, cfg: dict) -> None:
    calls = [(e,) for e in (3, 10, 5, 60, 0, 29, 30, 31)] + [()] * 5
    assert_parity(*both(name, **cfg), step_args=calls)


@pytest.mark.parametrize("name", ["ConstantLR", "LinearLR", "PolynomialLR"])
def test_factor_schedulers_keep_torch_attribute_names_and_state(name: str) -> None:
    """The constructor's arguments are public attributes under torch's names."""
    cfg = {
        "ConstantLR": dict(factor=0.3, total_iters=9),
        "LinearLR": dict(start_factor=0.3, end_factor=0.8, total_iters=9),
        "PolynomialLR": dict(total_iters=9, power=1.5),
    }[name]
    ours, ref = both(name, **cfg)
    ours, ref = ours(make_optimizer("sgd")), ref(make_optimizer("sgd"))
    for key in cfg:
        assert getattr(ours, key) == getattr(ref, key) == cfg[key]
    opt = make_optimizer("adam")
    sched = ours.__class__(opt, **cfg)
    for _ in range(4):
        opt.step(), sched.step()
    fresh = ours.__class__(make_optimizer("adam"), **cfg)
    fresh.load_state_dict(through_bytes(sched.state_dict()))
    assert fresh.get_last_lr() == sched.get_last_lr() and fresh.last_epoch == 4
