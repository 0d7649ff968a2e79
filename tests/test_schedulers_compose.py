"""Tests of ``LambdaLR`` and ``SequentialLR`` (``lrlab.schedulers.compose``) against
PyTorch.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls
from scheduler_utils import (
    CONFIGS,
    LRS,
    MOMENTUM_KINDS,
    MULTIPLIERS,
    Warmup,
    assert_close,
    assert_parity,
    both,
    config_of,
    make_optimizer,
    run,
    sgd,
    snapshot,
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
    # OneCycleLR: see test_sequential_chainable_first_child_keeps_its_base_lrs; MultiplicativeLR:
    # test_sequential_multiplicative_child_restarts_at_its_base_lr.
    first_only = ["OneCycleLR", "MultiplicativeLR"]
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


# ---------------------------------------------------------------------------------------------
# MultiplicativeLR and ChainedScheduler


def test_multiplicative_list_of_functions_per_group_matches_torch() -> None:
    assert_parity(*both("MultiplicativeLR", lr_lambda=MULTIPLIERS[1:]), kind="adam", n=800)


class Counting:
    """A factor that counts its calls and keeps a state (saved by ``state_dict()``)."""

    def __init__(self, gamma: float) -> None:
        self.gamma, self.calls = gamma, 0

    def __call__(self, step: int) -> float:
        self.calls += 1
        return self.gamma


def test_multiplicative_calls_each_factor_once_per_step_like_torch() -> None:
    ours, ref = Counting(0.99), Counting(0.99)
    assert_parity(lambda o: ls.MultiplicativeLR(o, ours), lambda o: tl.MultiplicativeLR(o, ref))
    assert ours.calls == ref.calls == 1000 * len(LRS)


def test_multiplicative_state_dict_keeps_callable_object_state_and_crosses_to_torch() -> None:
    opt = make_optimizer("sgd")
    sched = ls.MultiplicativeLR(opt, Counting(0.9))
    for _ in range(5):
        opt.step(), sched.step()
    sched.lr_lambdas[0].gamma = 0.5
    fresh = ls.MultiplicativeLR(make_optimizer("sgd"), Counting(0.9))
    fresh.load_state_dict(through_bytes(sched.state_dict()))
    assert fresh.lr_lambdas[0].gamma == 0.5 and fresh.last_epoch == 5


def test_sequential_multiplicative_child_restarts_at_its_base_lr() -> None:
    # A deliberate difference: at a milestone torch's SequentialLR calls step(0) on the next
    # child; MultiplicativeLR has no closed form, so torch multiplies the lr the previous child
    # left by lr_lambda(0). Ours restarts at its initial lr, as every other child does.
    def build(module):
        def make(opt):
            decay = module.ExponentialLR(opt, gamma=0.5)
            mult = module.MultiplicativeLR(opt, lambda s: 0.9)
            return module.SequentialLR(opt, [decay, mult], milestones=[3])

        return make

    ours, ref = run(build(ls), n=5, lrs=(1.0,))[0][:, 0], run(build(tl), n=5, lrs=(1.0,))[0][:, 0]
    assert ours[3:] == pytest.approx([1.0, 0.9, 0.81], rel=1e-12)
    assert ref[3:] == pytest.approx([0.225, 0.2025, 0.18225], rel=1e-12)  # 0.25 * 0.9, ...
    assert ours[:3] == pytest.approx(ref[:3], rel=1e-12)


CHAINABLE = ["StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR"]


def chained(r: random.Random, module: Any, opt: torch.optim.Optimizer):
    """A ChainedScheduler of one to four multiplicative children (same draws for both)."""
    names = [r.choice(CHAINABLE + ["MultiplicativeLR"]) for _ in range(r.randint(1, 4))]
    children = [getattr(module, name)(opt, **config_of(name, r)) for name in names]
    return module.ChainedScheduler(children, optimizer=opt if r.random() < 0.5 else None)


@pytest.mark.parametrize("seed", range(12))
def test_chained_random_multiplicative_children_match_torch(seed: int) -> None:
    r = random.Random(f"chained-{seed}")
    state = r.getstate()

    def build(module):
        def make(opt):
            r.setstate(state)
            return chained(r, module, opt)

        return make

    assert_parity(build(ls), build(tl), kind=MOMENTUM_KINDS[seed % 2])


@pytest.mark.parametrize("seed", range(4))
def test_chained_of_chained_schedulers_matches_torch(seed: int) -> None:
    """torch's ChainedScheduler steps a nested one like any child: still a product of factors."""
    r = random.Random(f"nested-{seed}")
    state = r.getstate()

    def build(module):
        def make(opt):
            r.setstate(state)
            inner = chained(r, module, opt)
            outer = [chained(r, module, opt), inner] if r.random() < 0.5 else [inner]
            return module.ChainedScheduler([*outer, module.ExponentialLR(opt, 0.995)])

        return make

    assert_parity(build(ls), build(tl), kind=MOMENTUM_KINDS[seed % 2], n=400)


def test_chained_constant_then_exponential_is_torch_documented_example() -> None:
    def build(module):
        def make(opt):
            constant = module.ConstantLR(opt, factor=0.1, total_iters=20)
            exponential = module.ExponentialLR(opt, gamma=0.9)
            return module.ChainedScheduler([constant, exponential], optimizer=opt)

        return make

    lrs = run(build(ls), n=30, lrs=(0.05,))[0][:, 0]
    assert lrs[[0, 1, 2, 19, 20, 21]] == pytest.approx(
        [0.005, 0.0045, 0.00405, 0.05 * 0.1 * 0.9**19, 0.05 * 0.9**20, 0.05 * 0.9**21], rel=1e-9
    )
    assert_parity(build(ls), build(tl), n=100)


def test_chained_linear_warmup_with_step_decay_matches_torch() -> None:
    def build(module):
        def make(opt):
            warmup = module.LinearLR(opt, 0.1, total_iters=10)
            return module.ChainedScheduler([warmup, module.StepLR(opt, 4, 0.5)])

        return make

    assert_parity(build(ls), build(tl), n=60)


@pytest.mark.parametrize("kind", MOMENTUM_KINDS)
def test_chained_state_dict_round_trip_continues_the_run(kind: str) -> None:
    def make(opt):
        return chained(random.Random("chained-round-trip"), ls, opt)

    whole, _ = run(make, kind, 300)
    for save_at in (0, 1, 77, 299):
        opt = make_optimizer(kind)
        sched = make(opt)
        for _ in range(save_at):
            opt.step(), sched.step()
        state = through_bytes(sched.state_dict())
        assert set(state) == {"_last_lr", "_schedulers"}  # torch's keys
        fresh_opt = make_optimizer(kind)
        fresh = make(fresh_opt)
        fresh.load_state_dict(state)
        assert snapshot(fresh_opt, fresh) == snapshot(opt, sched)
        rest = []
        for _ in range(300 - save_at):
            fresh_opt.step(), fresh.step()
            rest.append(snapshot(fresh_opt, fresh)[0])
        assert np.array_equal(np.array(rest), whole[save_at + 1 :]), f"saved at {save_at}"


def test_chained_last_epoch_and_get_lr_follow_the_children() -> None:
    opt = sgd()
    step, expo = ls.StepLR(opt, 2, 0.5), ls.ExponentialLR(opt, 0.9)
    chain = ls.ChainedScheduler([step, expo])
    for _ in range(3):
        opt.step(), chain.step()
    assert chain.last_epoch == step.last_epoch == expo.last_epoch == 3
    with pytest.warns(UserWarning, match="get_last_lr"):  # as torch's get_lr() outside step
        lrs = chain.get_lr()
    assert_close(np.array([lrs]), np.array([chain.get_last_lr()]))
    assert chain.get_last_lr()[0] == pytest.approx(LRS[0] * 0.5 * 0.9**3, rel=1e-12)
    # torch's: the lr after StepLR's step at 3, ExponentialLR still at its factor of step 2
    assert step.get_last_lr()[0] == pytest.approx(LRS[0] * 0.5 * 0.9**2, rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_each_chained_child_reports_torchs_last_lr(seed: int) -> None:
    """torch's children multiply the lr in turn: each one's get_last_lr() is the lr it left,
    the factors before it new and those after it old; lrlab's children report the same, also
    nested and after a checkpoint of torch's is loaded."""
    r = random.Random(f"children-last-lr-{seed}")
    state, kind = r.getstate(), MOMENTUM_KINDS[seed % 2]

    def build(module, opt):
        r.setstate(state)
        inner = chained(r, module, opt)
        outer = module.ChainedScheduler([inner, module.StepLR(opt, 3, 0.5)])
        return outer, [outer, inner, *inner._schedulers, outer._schedulers[-1]]

    def last_lrs(everyone):
        return [float(lr) for s in everyone for lr in s.get_last_lr()]

    found = []
    for module in (ls, tl):
        opt = make_optimizer(kind)
        outer, everyone = build(module, opt)
        rows = []
        for _ in range(60):
            rows.append(last_lrs(everyone))
            opt.step(), outer.step()
        found.append(np.array(rows))
    assert_close(found[0], found[1], "a child's last lr")
    new_opt = make_optimizer(kind)
    new, new_everyone = build(ls, new_opt)
    new_opt.load_state_dict(through_bytes(opt.state_dict()))
    new.load_state_dict(through_bytes(outer.state_dict()))  # torch's, at step 60
    assert_close(np.array([last_lrs(new_everyone)]), np.array([last_lrs(everyone)]), "loaded")


@pytest.mark.parametrize(
    "child, shown",
    [
        (lambda o: ls.CosineAnnealingLR(o, T_max=10), "CosineAnnealingLR"),
        (lambda o: ls.LambdaLR(o, lambda s: 1.0), "LambdaLR"),
        (lambda o: ls.CyclicLR(o, 0.01, 0.1), "CyclicLR"),
        (lambda o: ls.OneCycleLR(o, 0.1, total_steps=10), "OneCycleLR"),
        (lambda o: ls.CosineAnnealingWarmRestarts(o, T_0=5), "CosineAnnealingWarmRestarts"),
        (lambda o: ls.get_linear_schedule_with_warmup(o, 2, 10), "_ScheduleLR"),
        (
            lambda o: ls.SequentialLR(o, [ls.StepLR(o, 3), ls.StepLR(o, 3)], milestones=[5]),
            "SequentialLR",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_chained_rejects_a_child_whose_torch_update_is_not_a_factor(child, shown) -> None:
    opt = sgd()
    with pytest.raises(ValueError, match=rf"schedulers\[1\] is a {shown}.*factor") as info:
        ls.ChainedScheduler([ls.StepLR(opt, 3), child(opt)])
    assert "closed forms of the step" in str(info.value)


def test_chained_rejects_plateau_torch_children_other_optimizers_and_nothing() -> None:
    opt = sgd()
    with pytest.raises(ValueError, match=r"schedulers\[0\].*ReduceLROnPlateau.*metric"):
        ls.ChainedScheduler([ls.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match=r"schedulers\[0\].*lrlab"):
        ls.ChainedScheduler([tl.StepLR(opt, step_size=3)])
    with pytest.raises(ValueError, match="same optimizer"):
        ls.ChainedScheduler([ls.StepLR(opt, 3), ls.StepLR(sgd(), 3)])
    with pytest.raises(ValueError, match="same optimizer"):
        ls.ChainedScheduler([ls.StepLR(opt, 3)], optimizer=sgd())
    with pytest.raises(ValueError, match="at least one"):
        ls.ChainedScheduler([])
