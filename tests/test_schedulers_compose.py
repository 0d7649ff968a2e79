"""Tests of ``LambdaLR`` and ``SequentialLR`` (``lrlab.schedulers.compose``) against
PyTorch.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
import torch
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls
from scheduler_utils import (
    CONFIGS,
    MOMENTUM_KINDS,
    Warmup,
    assert_parity,
    both,
    config_of,
    make_optimizer,
    run,
    sgd,
    through_bytes,
)


def test_lambda_list_of_functions_per_group_matches_torch() -> None:
    fns = [lambda s: 0.9 ** (s // 10), lambda s: 1.0 / math.sqrt(s + 1), lambda s: s / 100]
    assert_parity(*both("LambdaLR", lr_lambda=fns), n=500)


def test_lambda_state_dict_keeps_callable_object_state() -> None:
    opt = make_optimizer("sgd")
    sched = ls.LambdaLR(opt, Warmup(10))
    sched.lr_lambdas[0].steps = 40  # state changed after construction
    fresh = ls.LambdaLR(make_optimizer("sgd"), Warmup(10))
    fresh.load_state_dict(through_bytes(sched.state_dict()))
    assert fresh.lr_lambdas[0].steps == 40


def sequence_children(r: random.Random, module: Any, opt: torch.optim.Optimizer) -> list:
    """Two or three children drawn from every drop-in class (same draws for both modules)."""
    first_only = ["OneCycleLR"]  # see test_sequential_chainable_first_child_keeps_its_base_lrs
    names = [n for n in CONFIGS if n not in first_only]
    picks = [r.choice(names + first_only)] + [r.choice(names) for _ in range(r.randint(1, 2))]
    return [getattr(module, name)(opt, **config_of(name, r, 2000)) for name in picks]


@pytest.mark.parametrize("seed", range(8))
def test_sequential_random_children_match_torch(seed: int) -> None:
    r = random.Random(f"sequential-{seed}")
    marks = sorted(r.sample(range(1, 900), 2))
    state = r.getstate()

    def build(module):
        def make(opt):
            r.setstate(state)
            children = sequence_children(r, module, opt)
            return module.SequentialLR(opt, children, marks[: len(children) - 1])

        return make

    assert_parity(build(ls), build(tl), kind=MOMENTUM_KINDS[seed % 2])


def test_sequential_warmup_then_cosine_matches_torch() -> None:
    def build(module):
        def make(opt):
            warmup = module.LambdaLR(opt, lambda s: (s + 1) / 20)
            cosine = module.CosineAnnealingLR(opt, T_max=480, eta_min=1e-4)
            restarts = module.CosineAnnealingWarmRestarts(opt, T_0=50, T_mult=2)
            return module.SequentialLR(opt, [warmup, cosine, restarts], milestones=[20, 500])

        return make

    assert_parity(build(ls), build(tl))


def test_sequential_chainable_first_child_keeps_its_base_lrs() -> None:
    # A deliberate difference: a OneCycleLR built after the first child overwrites the groups'
    # initial_lr; torch's chainable ExponentialLR then starts from that lr (0.4) instead of its
    # own base_lrs (1.0). We compute the first child's lr from its base_lrs.
    def build(module):
        def make(opt):
            first = module.ExponentialLR(opt, gamma=0.5)
            cycle = module.OneCycleLR(opt, max_lr=10.0, total_steps=100)
            return module.SequentialLR(opt, [first, cycle], milestones=[3])

        return make

    ours, ref = run(build(ls), n=4, lrs=(1.0,))[0][:, 0], run(build(tl), n=4, lrs=(1.0,))[0][:, 0]
    assert ours[:3] == pytest.approx([1.0, 0.5, 0.25], rel=1e-12)
    assert ref[:3] == pytest.approx([0.4, 0.2, 0.1], rel=1e-12)
    assert ours[3:] == pytest.approx(ref[3:], rel=1e-12)  # from the milestone on, the same


def test_sequential_children_restart_at_their_local_step() -> None:
    children = []

    def make(opt):
        children[:] = [ls.ExponentialLR(opt, gamma=0.5), ls.StepLR(opt, step_size=2, gamma=0.1)]
        return ls.SequentialLR(opt, children, milestones=[3])

    lrs = run(make, n=6, lrs=(1.0,))[0][:, 0]
    expected = [1.0, 0.5, 0.25, 1.0, 1.0, 0.1, 0.1]  # local steps 0, 1, 2, then 0, 1, 2, 3
    assert lrs == pytest.approx(expected, rel=1e-12)
    assert [child.last_epoch for child in children] == [2, 3]


def test_sequential_rejects_plateau_children_and_wrong_milestones() -> None:
    opt = sgd()
    step = ls.StepLR(opt, step_size=3)
    with pytest.raises(ValueError, match=r"schedulers\[1\].*ReduceLROnPlateau"):
        ls.SequentialLR(opt, [step, ls.ReduceLROnPlateau(opt)], milestones=[5])
    with pytest.raises(ValueError, match=r"milestones.*\[5, 8\]"):
        ls.SequentialLR(opt, [step, ls.ExponentialLR(opt, 0.9)], milestones=[5, 8])
    with pytest.raises(ValueError, match=r"schedulers\[0\].*lrlab"):
        ls.SequentialLR(opt, [tl.StepLR(opt, step_size=3)], milestones=[])
    with pytest.raises(ValueError, match="milestones.*non-decreasing"):
        ls.SequentialLR(opt, [step, step, step], milestones=[8, 5])
    with pytest.raises(ValueError, match="same optimizer"):
        ls.SequentialLR(sgd(), [step], milestones=[])
