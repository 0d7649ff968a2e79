"""Tests of ``lrlab.schedulers``: the drop-in schedulers against PyTorch and transformers.

Every scheduler is run side by side with its reference on fresh optimizers (SGD with momentum
and Adam, three param groups with different lrs), for many random valid configurations drawn
with a seeded ``random.Random``, comparing ``get_last_lr()``, each group's ``lr`` and, where
momentum is cycled, ``momentum`` / ``betas[0]`` after construction and after every step. The
tolerance is the contract's: ``|a - b| <= 1e-9 |b| + 1e-15 * (largest value of the run)``.
"""

from __future__ import annotations

import ast
import doctest
import inspect
import io
import math
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl
import transformers.optimization as hf

import lrlab
from lrlab import schedulers as ls

LRS = (0.1, 0.03, 0.5)  # the groups' lrs; the optimizer's default lr is 0.1
MOMENTUM_KINDS = ("sgd", "adam")
epoch_deprecation = pytest.mark.filterwarnings("ignore:The epoch parameter:UserWarning")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def make_optimizer(kind: str, lrs: tuple[float, ...] = LRS) -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    if kind == "adam":
        return torch.optim.Adam(groups, lr=0.1)
    return torch.optim.Adagrad(groups, lr=0.1)  # no momentum, no betas


def momenta(opt: torch.optim.Optimizer) -> list[float]:
    return [g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in opt.param_groups]


def snapshot(opt: torch.optim.Optimizer, sched: Any) -> tuple[list[float], list[float]]:
    lrs = [float(lr) for lr in sched.get_last_lr()] + [float(g["lr"]) for g in opt.param_groups]
    return lrs, momenta(opt)


def run(
    make: Callable[[torch.optim.Optimizer], Any],
    kind: str = "sgd",
    n: int = 1000,
    step_args: list[tuple] | None = None,
    lrs: tuple[float, ...] = LRS,
) -> tuple[np.ndarray, np.ndarray]:
    """Build ``make(optimizer)`` and step it ``n`` times (``step(*step_args[i])`` if given);
    return the lrs and the momenta after construction and after each step, one row a step."""
    opt = make_optimizer(kind, lrs)
    sched = make(opt)
    rows = [snapshot(opt, sched)]
    for i in range(n if step_args is None else len(step_args)):
        opt.step()
        sched.step(*(() if step_args is None else step_args[i]))
        rows.append(snapshot(opt, sched))
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def assert_close(ours: np.ndarray, ref: np.ndarray, what: str = "lr") -> None:
    """The contract's tolerance: 1e-9 relative plus 1e-15 times the run's largest value."""
    assert ours.shape == ref.shape
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    bad = np.abs(ours - ref) > 1e-9 * np.abs(ref) + 1e-15 * scale
    if bad.any():
        step, col = np.argwhere(bad)[0]
        pytest.fail(
            f"{what} differs at step {step}, column {col}: ours {ours[step, col]!r}, "
            f"reference {ref[step, col]!r}"
        )


def assert_parity(make_ours, make_ref, kind="sgd", n=1000, step_args=None, lrs=LRS) -> None:
    ours_lr, ours_m = run(make_ours, kind, n, step_args, lrs)
    ref_lr, ref_m = run(make_ref, kind, n, step_args, lrs)
    assert_close(ours_lr, ref_lr, "lr")
    assert_close(ours_m, ref_m, "momentum")


def both(name: str, **kwargs: Any) -> tuple[Callable, Callable]:
    """``(ours, torch's)`` builders of the scheduler class ``name`` with ``kwargs``."""
    return (
        lambda opt: getattr(ls, name)(opt, **kwargs),
        lambda opt: getattr(tl, name)(opt, **kwargs),
    )


def per_group(r: random.Random, draw: Callable[[], float]) -> Any:
    """A value for all groups, or a list with one per group."""
    return draw() if r.random() < 0.5 else [draw() for _ in LRS]


# --------------------------------------------------------------------------------------------
# Random valid configurations, one generator per class
# --------------------------------------------------------------------------------------------


def step_config(r: random.Random) -> dict:
    return dict(step_size=r.randint(1, 150), gamma=r.uniform(0.05, 0.99))


def multistep_config(r: random.Random) -> dict:
    marks = [r.randint(0, 1000) for _ in range(r.randint(1, 6))]
    if r.random() < 0.5:
        marks.append(marks[0])  # a repeated milestone decays twice
    return dict(milestones=marks, gamma=r.uniform(0.05, 0.99))


def exponential_config(r: random.Random) -> dict:
    return dict(gamma=r.uniform(0.99, 1.001))


def cosine_config(r: random.Random) -> dict:
    return dict(T_max=r.choice([1, 2, r.randint(3, 400)]), eta_min=r.choice([0.0, 1e-3]))


def warm_restarts_config(r: random.Random) -> dict:
    return dict(T_0=r.randint(1, 60), T_mult=r.choice([1, 2, 3]), eta_min=r.choice([0.0, 1e-3]))


def cyclic_config(r: random.Random) -> dict:
    base = r.uniform(1e-4, 0.01)
    return dict(
        base_lr=per_group(r, lambda: base),
        max_lr=per_group(r, lambda: r.uniform(0.02, 1.0)),
        step_size_up=r.randint(1, 150),
        step_size_down=r.choice([None, r.randint(1, 150)]),
        mode=r.choice(["triangular", "triangular2", "exp_range"]),
        gamma=r.uniform(0.99, 1.0),
        cycle_momentum=r.random() < 0.8,
        base_momentum=r.uniform(0.7, 0.85),
        max_momentum=r.uniform(0.86, 0.99),
    )


def one_cycle_config(r: random.Random) -> dict:
    while True:
        total = r.randint(2, 1000)
        pct = r.uniform(0.02, 0.45)
        if pct * total > 1.0:
            break
    cfg = dict(
        max_lr=per_group(r, lambda: r.uniform(0.01, 1.0)),
        pct_start=pct,
        anneal_strategy=r.choice(["cos", "linear"]),
        cycle_momentum=r.random() < 0.8,
        base_momentum=per_group(r, lambda: r.uniform(0.7, 0.85)),
        max_momentum=per_group(r, lambda: r.uniform(0.86, 0.99)),
        div_factor=r.uniform(2.0, 50.0),
        final_div_factor=r.choice([1e4, r.uniform(10.0, 1e5)]),
        three_phase=r.random() < 0.5,
    )
    if total % 4 == 0 and r.random() < 0.5:
        cfg.update(epochs=4, steps_per_epoch=total // 4)
    else:
        cfg.update(total_steps=total)
    return cfg


def one_cycle_total(cfg: dict) -> int:
    return cfg.get("total_steps") or cfg["epochs"] * cfg["steps_per_epoch"]


def config_of(name: str, r: random.Random, total_steps: int = 400) -> dict:
    """A random configuration of ``name``; a OneCycleLR lasts ``total_steps``."""
    cfg = CONFIGS[name](r)
    if name == "OneCycleLR":
        cfg.pop("epochs", None), cfg.pop("steps_per_epoch", None)
        cfg["total_steps"] = total_steps
    return cfg


LAMBDAS = [
    lambda s: 0.99**s,
    lambda s: 1.0 / (1.0 + 0.01 * s),
    lambda s: min(1.0, (s + 1) / 50),
    lambda s: 0.5 if s % 100 < 50 else 1.0,
]


def lambda_config(r: random.Random) -> dict:
    if r.random() < 0.5:
        return dict(lr_lambda=r.choice(LAMBDAS))
    return dict(lr_lambda=[r.choice(LAMBDAS) for _ in LRS])


CONFIGS = {
    "StepLR": step_config,
    "MultiStepLR": multistep_config,
    "ExponentialLR": exponential_config,
    "CosineAnnealingLR": cosine_config,
    "CosineAnnealingWarmRestarts": warm_restarts_config,
    "CyclicLR": cyclic_config,
    "OneCycleLR": one_cycle_config,
    "LambdaLR": lambda_config,
}
SEEDS = range(6)


# --------------------------------------------------------------------------------------------
# Parity with torch, class by class
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_random_configs_match_torch_for_1000_steps(name: str, seed: int) -> None:
    r = random.Random(f"{name}-{seed}")
    cfg = CONFIGS[name](r)
    n = one_cycle_total(cfg) if name == "OneCycleLR" else 1000  # steps 0..total_steps
    assert_parity(*both(name, **cfg), kind=MOMENTUM_KINDS[seed % 2], n=n)


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
    ],
)
def test_edge_configs_match_torch(name: str, cfg: dict) -> None:
    assert_parity(*both(name, **cfg), n=300)


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
        sched.step()  # steps 1..10 are valid, as in torch
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


def test_lambda_list_of_functions_per_group_matches_torch() -> None:
    fns = [lambda s: 0.9 ** (s // 10), lambda s: 1.0 / math.sqrt(s + 1), lambda s: s / 100]
    assert_parity(*both("LambdaLR", lr_lambda=fns), n=500)


# -- CosineAnnealingWarmRestarts.step(epoch) --------------------------------------------------


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


# -- ReduceLROnPlateau --------------------------------------------------------------------------


def plateau_metrics(r: random.Random, n: int, mode: str) -> list[float]:
    """Noisy metrics that improve in jumps, with exact repeats and near-threshold moves."""
    level, out = 1.0, []
    for _ in range(n):
        if r.random() < 0.05:
            level *= r.uniform(0.5, 0.99)
        value = round(level * (1 + r.choice([0.0, 0.0, 1e-5, -1e-5, 1e-3, -1e-3, 0.02])), 9)
        out.append(value if mode == "min" else 1.0 / value)
    return out


def plateau_run(sched: Any, opt: torch.optim.Optimizer, metrics: list[float]) -> np.ndarray:
    rows = []
    for metric in metrics:
        opt.step()
        sched.step(metric)
        lrs, _ = snapshot(opt, sched)
        rows.append(lrs + [sched.best, sched.num_bad_epochs, sched.cooldown_counter])
    return np.array(rows)


@pytest.mark.parametrize("seed", range(8))
def test_plateau_random_configs_match_torch(seed: int) -> None:
    r = random.Random(seed)
    mode = r.choice(["min", "max"])
    threshold_mode = ["rel", "abs"][seed % 2]
    cfg = dict(
        mode=mode,
        factor=r.uniform(0.1, 0.9),
        patience=r.randint(0, 6),
        threshold=r.choice([0.0, 1e-4, r.uniform(0, 0.01)]),
        threshold_mode=threshold_mode,
        cooldown=r.choice([0, r.randint(1, 5)]),
        min_lr=r.choice([0, 1e-3, [1e-3, 1e-4, 0.02]]),
        eps=r.choice([1e-8, 1e-4]),
    )
    metrics = plateau_metrics(r, 1000, mode)
    kind = MOMENTUM_KINDS[seed % 2]
    ours_opt, ref_opt = make_optimizer(kind), make_optimizer(kind)
    ours = plateau_run(ls.ReduceLROnPlateau(ours_opt, **cfg), ours_opt, metrics)
    ref = plateau_run(tl.ReduceLROnPlateau(ref_opt, **cfg), ref_opt, metrics)
    assert_close(ours, ref, "lr / best / counters")
    assert ours[-1, 0] < LRS[0]  # the run did reduce


def test_plateau_metric_as_tensor_and_nan_count_as_torch() -> None:
    metrics = [torch.tensor(1.0), torch.tensor(float("nan")), 1.0, 0.5, float("nan"), 0.5]
    ours_opt, ref_opt = make_optimizer("sgd"), make_optimizer("sgd")
    ours = plateau_run(ls.ReduceLROnPlateau(ours_opt, patience=0), ours_opt, metrics)
    ref = plateau_run(tl.ReduceLROnPlateau(ref_opt, patience=0), ref_opt, metrics)
    assert_close(ours, ref)


# -- SequentialLR -------------------------------------------------------------------------------


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


# -- several groups, tensors, resuming with last_epoch ----------------------------------------


def test_tensor_lrs_are_filled_in_place_like_torch() -> None:
    def make_opt():
        p = [torch.nn.Parameter(torch.zeros(1))]
        return torch.optim.Adam(p, lr=torch.tensor(0.01))

    ours_opt, ref_opt = make_opt(), make_opt()
    lr_tensor = ours_opt.param_groups[0]["lr"]
    ours = ls.CosineAnnealingLR(ours_opt, T_max=10)
    ref = tl.CosineAnnealingLR(ref_opt, T_max=10)
    for _ in range(15):
        ours_opt.step(), ref_opt.step(), ours.step(), ref.step()
        assert float(ours_opt.param_groups[0]["lr"]) == pytest.approx(
            float(ref_opt.param_groups[0]["lr"]), rel=1e-6
        )
    assert ours_opt.param_groups[0]["lr"] is lr_tensor
    assert isinstance(ours.get_last_lr()[0], torch.Tensor)


@pytest.mark.parametrize(
    "name, cfg",
    [
        ("LambdaLR", dict(lr_lambda=lambda s: 0.97**s)),
        ("CyclicLR", dict(base_lr=0.01, max_lr=0.2, step_size_up=7, mode="triangular2")),
        ("OneCycleLR", dict(max_lr=0.5, total_steps=60)),
        ("CosineAnnealingWarmRestarts", dict(T_0=7)),
    ],
)
def test_last_epoch_argument_resumes_like_torch(name: str, cfg: dict) -> None:
    # torch's closed-form schedulers resume at last_epoch + 1 from the groups' initial_lr.
    def resume(module) -> tuple[np.ndarray, np.ndarray]:
        def make(opt):
            getattr(module, name)(opt, **cfg)  # a first run stores initial_lr in the groups
            return getattr(module, name)(opt, last_epoch=20, **cfg)

        return run(make, "sgd", n=10)

    ours, ref = resume(ls), resume(tl)
    assert_close(ours[0], ref[0])
    assert_close(ours[1], ref[1], "momentum")


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_last_epoch_k_continues_at_step_k_plus_one(name: str) -> None:
    cfg = config_of(name, random.Random(name))
    fresh_opt = make_optimizer("sgd")
    fresh = getattr(ls, name)(fresh_opt, **cfg)
    for _ in range(42):
        fresh.step()
    resumed_opt = make_optimizer("sgd")
    for group, saved in zip(resumed_opt.param_groups, fresh_opt.param_groups):
        group["initial_lr"] = saved["initial_lr"]
    resumed = getattr(ls, name)(resumed_opt, last_epoch=41, **cfg)
    assert resumed.last_epoch == 42
    assert snapshot(resumed_opt, resumed) == snapshot(fresh_opt, fresh)


def test_last_epoch_without_initial_lr_in_the_groups_raises() -> None:
    with pytest.raises(ValueError, match=r"last_epoch=5.*initial_lr"):
        ls.StepLR(make_optimizer("sgd"), step_size=3, last_epoch=5)


# --------------------------------------------------------------------------------------------
# state_dict round trips
# --------------------------------------------------------------------------------------------


class Warmup:
    """A callable object with state, which LambdaLR's state_dict saves (as torch's does)."""

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def __call__(self, step: int) -> float:
        return min(1.0, (step + 1) / self.steps)


def through_bytes(state: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def sequential_with_momentum(opt):
    # The first child ends at step 119 with a momentum below max_momentum, which the StepLR
    # child leaves in place: a loaded state must replay it.
    cycle = ls.OneCycleLR(opt, max_lr=[0.5, 0.2, 1.0], total_steps=150)
    cyclic = ls.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=9, mode="exp_range",
                         gamma=0.99)
    decay = ls.StepLR(opt, step_size=13, gamma=0.7)
    return ls.SequentialLR(opt, [cycle, decay, cyclic], milestones=[120, 200])


def builder(name: str) -> Callable[[torch.optim.Optimizer], Any]:
    cfg = config_of(name, random.Random(name))
    return lambda opt: getattr(ls, name)(opt, **cfg)


ROUND_TRIPS = {
    **{name: builder(name) for name in CONFIGS},
    "LambdaLR-object": lambda opt: ls.LambdaLR(opt, Warmup(30)),
    "SequentialLR-momentum": sequential_with_momentum,
    "get_wsd_schedule": lambda opt: ls.get_wsd_schedule(opt, 20, 100, num_training_steps=350),
    "get_polynomial": lambda opt: ls.get_polynomial_decay_schedule_with_warmup(opt, 9, 300, 0, 2),
}


@pytest.mark.parametrize("kind", MOMENTUM_KINDS)
@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_state_dict_round_trip_continues_the_run(name: str, kind: str) -> None:
    make = ROUND_TRIPS[name]
    n = 400
    whole_lr, whole_m = run(make, kind, n)
    for save_at in random.Random(f"{name}-{kind}").sample(range(n), 3) + [0, 150, n - 1]:
        opt = make_optimizer(kind)
        sched = make(opt)
        for _ in range(save_at):
            opt.step(), sched.step()
        state = through_bytes(sched.state_dict())
        fresh_opt = make_optimizer(kind)
        fresh = make(fresh_opt)
        fresh.load_state_dict(state)
        assert snapshot(fresh_opt, fresh) == snapshot(opt, sched)
        rest_lr, rest_m = [], []
        for _ in range(n - save_at):
            fresh_opt.step(), fresh.step()
            lrs, ms = snapshot(fresh_opt, fresh)
            rest_lr.append(lrs), rest_m.append(ms)
        assert np.array_equal(np.array(rest_lr), whole_lr[save_at + 1 :]), f"saved at {save_at}"
        assert np.array_equal(np.array(rest_m), whole_m[save_at + 1 :]), f"saved at {save_at}"


def test_lambda_state_dict_keeps_callable_object_state() -> None:
    opt = make_optimizer("sgd")
    sched = ls.LambdaLR(opt, Warmup(10))
    sched.lr_lambdas[0].steps = 40  # state changed after construction
    fresh = ls.LambdaLR(make_optimizer("sgd"), Warmup(10))
    fresh.load_state_dict(through_bytes(sched.state_dict()))
    assert fresh.lr_lambdas[0].steps == 40


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


def test_plateau_state_dict_round_trip_continues_the_run() -> None:
    metrics = plateau_metrics(random.Random(3), 600, "min")
    cfg = dict(patience=2, cooldown=3, factor=0.5, min_lr=[1e-4, 1e-5, 1e-3])
    opt = make_optimizer("adam")
    whole = plateau_run(ls.ReduceLROnPlateau(opt, **cfg), opt, metrics)
    for save_at in (0, 137, 400, 599):
        opt = make_optimizer("adam")
        sched = ls.ReduceLROnPlateau(opt, **cfg)
        plateau_run(sched, opt, metrics[:save_at])
        fresh_opt = make_optimizer("adam")
        fresh = ls.ReduceLROnPlateau(fresh_opt, **cfg)
        fresh.load_state_dict(through_bytes(sched.state_dict()))
        rest = plateau_run(fresh, fresh_opt, metrics[save_at:])
        assert np.array_equal(rest, whole[save_at:]), f"saved at {save_at}"


def test_state_dict_holds_only_what_resuming_needs() -> None:
    opt = make_optimizer("sgd")
    assert set(ls.StepLR(opt, step_size=3).state_dict()) == {"last_epoch", "base_lrs"}
    plateau = ls.ReduceLROnPlateau(make_optimizer("sgd"))
    assert set(plateau.state_dict()) == {
        "last_epoch", "best", "num_bad_epochs", "cooldown_counter", "_last_lr",
    }


# --------------------------------------------------------------------------------------------
# transformers' factories
# --------------------------------------------------------------------------------------------


def hf_configs(r: random.Random) -> dict[str, tuple[str, dict]]:
    """One random valid configuration per factory: name -> (factory, kwargs)."""
    warmup = r.choice([0, 1, r.randint(2, 200)])
    total = warmup + r.choice([1, r.randint(2, 800)])
    return {
        "linear": ("get_linear_schedule_with_warmup", dict(
            num_warmup_steps=warmup, num_training_steps=total)),
        "cosine": ("get_cosine_schedule_with_warmup", dict(
            num_warmup_steps=warmup, num_training_steps=total,
            num_cycles=r.choice([0.5, r.uniform(0.1, 3.0)]))),
        "cosine_with_restarts": ("get_cosine_with_hard_restarts_schedule_with_warmup", dict(
            num_warmup_steps=warmup, num_training_steps=total, num_cycles=r.randint(1, 5))),
        "polynomial": ("get_polynomial_decay_schedule_with_warmup", dict(
            num_warmup_steps=warmup, num_training_steps=total,
            lr_end=r.choice([1e-7, 0.0, r.uniform(0.0, 0.05)]), power=r.uniform(0.5, 3.0))),
        "constant": ("get_constant_schedule", {}),
        "constant_with_warmup": ("get_constant_schedule_with_warmup", dict(
            num_warmup_steps=warmup)),
        "inverse_sqrt": ("get_inverse_sqrt_schedule", dict(
            num_warmup_steps=warmup, timescale=r.choice([None, r.randint(1, 500)]))),
        "warmup_stable_decay": ("get_wsd_schedule", dict(
            num_warmup_steps=warmup, num_decay_steps=r.randint(0, 300),
            num_stable_steps=r.randint(0, 400),
            warmup_type=r.choice(["linear", "cosine", "1-sqrt"]),
            decay_type=r.choice(["linear", "cosine", "1-sqrt"]),
            min_lr_ratio=r.choice([0, r.uniform(0, 0.5)]), num_cycles=r.uniform(0.2, 1.0))),
        "cosine_with_min_lr": ("get_cosine_with_min_lr_schedule_with_warmup", dict(
            num_warmup_steps=warmup, num_training_steps=total,
            **r.choice([{"min_lr": r.uniform(0.0, 0.1)}, {"min_lr_rate": r.uniform(0.0, 1.0)}]))),
    }


HF_NAMES = sorted(hf_configs(random.Random(0)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", HF_NAMES)
def test_hf_factories_match_transformers(name: str, seed: int) -> None:
    factory, cfg = hf_configs(random.Random(f"{name}-{seed}"))[name]
    assert_parity(
        lambda opt: getattr(ls, factory)(opt, **cfg),
        lambda opt: getattr(hf, factory)(opt, **cfg),
        kind=MOMENTUM_KINDS[seed % 2],
        n=1100,  # past num_training_steps
    )


def test_hf_wsd_with_num_training_steps_matches_transformers() -> None:
    cfg = dict(num_warmup_steps=50, num_decay_steps=200, num_training_steps=1000)
    assert_parity(
        lambda opt: ls.get_wsd_schedule(opt, **cfg), lambda opt: hf.get_wsd_schedule(opt, **cfg)
    )
    with pytest.warns(UserWarning, match="num_stable_steps will be used"):
        ls.get_wsd_schedule(make_optimizer("sgd"), 5, 5, num_training_steps=20, num_stable_steps=3)


def test_hf_factories_return_lambda_lr_with_the_factor_as_lr_lambda() -> None:
    sched = ls.get_cosine_schedule_with_warmup(make_optimizer("adam"), 10, 100)
    assert isinstance(sched, ls.LambdaLR)
    assert sched.lr_lambdas[0](5) == pytest.approx(0.5, rel=1e-12)


GET_SCHEDULER_CASES = [
    ("linear", 10, 500, None),
    ("cosine", 10, 500, {"num_cycles": 1.5}),
    ("cosine_with_restarts", 0, 500, {"num_cycles": 3}),
    ("polynomial", 10, 500, {"power": 2.0, "lr_end": 1e-3}),
    ("constant", None, None, None),
    ("constant_with_warmup", 25, None, {"ignored": True}),
    ("inverse_sqrt", 30, None, {"timescale": 60}),
    ("warmup_stable_decay", 20, 600, {"num_decay_steps": 100}),
    ("cosine_with_min_lr", 20, 500, {"min_lr_rate": 0.1}),
]


@pytest.mark.parametrize("name, warmup, total, kwargs", GET_SCHEDULER_CASES)
def test_get_scheduler_matches_transformers(name, warmup, total, kwargs) -> None:
    def build(module):
        return lambda opt: module.get_scheduler(name, opt, warmup, total, kwargs)

    assert_parity(build(ls), build(hf), kind="adam", n=700)


def test_get_scheduler_reduce_lr_on_plateau_matches_transformers() -> None:
    kwargs = {"patience": 1, "factor": 0.5}
    ours_opt, ref_opt = make_optimizer("sgd"), make_optimizer("sgd")
    ours = ls.get_scheduler("reduce_lr_on_plateau", ours_opt, scheduler_specific_kwargs=kwargs)
    ref = hf.get_scheduler("reduce_lr_on_plateau", ref_opt, scheduler_specific_kwargs=kwargs)
    assert isinstance(ours, ls.ReduceLROnPlateau)
    metrics = plateau_metrics(random.Random(1), 200, "min")
    assert_close(plateau_run(ours, ours_opt, metrics), plateau_run(ref, ref_opt, metrics))


def test_get_scheduler_accepts_transformers_scheduler_type() -> None:
    from transformers.trainer_utils import SchedulerType

    sched = ls.get_scheduler(SchedulerType.LINEAR, make_optimizer("sgd"), 5, 50)
    assert isinstance(sched, ls.LambdaLR)


def test_get_scheduler_unknown_name_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match="'greedy'") as info:
        ls.get_scheduler("greedy", make_optimizer("sgd"), 5, 50)
    for name, *_ in GET_SCHEDULER_CASES:
        assert repr(name) in str(info.value)


@pytest.mark.parametrize(
    "name, warmup, total, missing",
    [("linear", None, 100, "num_warmup_steps"), ("cosine", 10, None, "num_training_steps")],
)
def test_get_scheduler_missing_steps_raise_like_transformers(name, warmup, total, missing):
    for module in (ls, hf):
        with pytest.raises(ValueError, match=missing):
            module.get_scheduler(name, make_optimizer("sgd"), warmup, total)


def test_get_scheduler_unexpected_kwarg_raises_type_error_like_transformers() -> None:
    for module in (ls, hf):
        with pytest.raises(TypeError):
            module.get_scheduler("linear", make_optimizer("sgd"), 5, 50, {"power": 2})


# --------------------------------------------------------------------------------------------
# Signatures, validation, packaging
# --------------------------------------------------------------------------------------------

TORCH_CLASSES = [
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
    "ReduceLROnPlateau", "CyclicLR", "OneCycleLR", "LambdaLR", "SequentialLR",
]
HF_FACTORIES = [
    "get_linear_schedule_with_warmup", "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup", "get_constant_schedule",
    "get_constant_schedule_with_warmup", "get_inverse_sqrt_schedule", "get_wsd_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup", "get_reduce_on_plateau_schedule",
    "get_scheduler",
]


def parameters(fn: Callable) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", TORCH_CLASSES)
def test_constructor_signature_equals_torch(name: str) -> None:
    assert inspect.signature(getattr(ls, name)) == inspect.signature(getattr(tl, name))


@pytest.mark.parametrize("name", HF_FACTORIES)
def test_factory_signature_equals_transformers(name: str) -> None:
    assert parameters(getattr(ls, name)) == parameters(getattr(hf, name))


def sgd(lrs=LRS):
    return make_optimizer("sgd", lrs)


BAD_INPUTS = [
    # (builder, the argument's name, its value as the message shows it)
    (lambda: ls.StepLR(sgd(), step_size=0), "step_size", "0"),
    (lambda: ls.StepLR(sgd(), step_size=2.5), "step_size", "2.5"),
    (lambda: ls.StepLR(sgd(), step_size=3, gamma=0.0), "gamma", "0.0"),
    (lambda: ls.StepLR(sgd(), step_size=3, last_epoch=-2), "last_epoch", "-2"),
    (lambda: ls.StepLR(None, step_size=3), "optimizer", "None"),
    (lambda: ls.StepLR(sgd((0.1, -0.5)), step_size=3), "initial_lr", "-0.5"),
    (lambda: ls.MultiStepLR(sgd(), milestones=[3, -1]), "milestones", "-1"),
    (lambda: ls.MultiStepLR(sgd(), milestones=[3], gamma=-1), "gamma", "-1"),
    (lambda: ls.ExponentialLR(sgd(), gamma=float("nan")), "gamma", "nan"),
    (lambda: ls.CosineAnnealingLR(sgd(), T_max=0), "T_max", "0"),
    (lambda: ls.CosineAnnealingLR(sgd(), T_max=10, eta_min=-1.0), "eta_min", "-1.0"),
    (lambda: ls.CosineAnnealingWarmRestarts(sgd(), T_0=0), "T_0", "0"),
    (lambda: ls.CosineAnnealingWarmRestarts(sgd(), T_0=5, T_mult=0), "T_mult", "0"),
    (lambda: ls.CosineAnnealingWarmRestarts(sgd(), T_0=5, T_mult=1.5), "T_mult", "1.5"),
    (lambda: ls.CosineAnnealingWarmRestarts(sgd(), T_0=5).step(-1), "epoch", "-1"),
    (lambda: ls.ReduceLROnPlateau(sgd(), mode="avg"), "mode", "'avg'"),
    (lambda: ls.ReduceLROnPlateau(sgd(), factor=1.0), "factor", "1.0"),
    (lambda: ls.ReduceLROnPlateau(sgd(), patience=-1), "patience", "-1"),
    (lambda: ls.ReduceLROnPlateau(sgd(), threshold_mode="pct"), "threshold_mode", "'pct'"),
    (lambda: ls.ReduceLROnPlateau(sgd(), threshold=-0.1), "threshold", "-0.1"),
    (lambda: ls.ReduceLROnPlateau(sgd(), cooldown=-2), "cooldown", "-2"),
    (lambda: ls.ReduceLROnPlateau(sgd(), min_lr=[0.0, 0.1]), "min_lr", "[0.0, 0.1]"),
    (lambda: ls.ReduceLROnPlateau(sgd(), min_lr=-1), "min_lr", "-1"),
    (lambda: ls.ReduceLROnPlateau(sgd(), eps=-1e-8), "eps", "-1e-08"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, step_size_up=0), "step_size_up", "0"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, step_size_down=-3), "step_size_down", "-3"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, mode="sine"), "mode", "'sine'"),
    (lambda: ls.CyclicLR(sgd(), 0.2, 0.1), "max_lr", "0.1"),
    (lambda: ls.CyclicLR(sgd(), [0.01, 0.02], 0.1), "base_lr", "[0.01, 0.02]"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, scale_fn=lambda x: 1.0, scale_mode="epochs"),
     "scale_mode", "'epochs'"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, scale_fn=3), "scale_fn", "3"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, base_momentum=0.95), "base_momentum", "0.95"),
    (lambda: ls.CyclicLR(make_optimizer("adagrad"), 0.01, 0.1), "cycle_momentum", "Adagrad"),
    (lambda: ls.OneCycleLR(sgd(), 0.1), "total_steps", "None"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, total_steps=0), "total_steps", "0"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, epochs=0, steps_per_epoch=5), "epochs", "0"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, total_steps=100, pct_start=1.5), "pct_start", "1.5"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, total_steps=10, pct_start=0.1), "pct_start", "0.1"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, 100, anneal_strategy="exp"), "anneal_strategy", "'exp'"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, 100, div_factor=0), "div_factor", "0"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, 100, final_div_factor=-1), "final_div_factor", "-1"),
    (lambda: ls.OneCycleLR(sgd(), [0.1], 100), "max_lr", "[0.1]"),
    (lambda: ls.OneCycleLR(sgd(), 0.1, 100, max_momentum=1.5), "max_momentum", "1.5"),
    (lambda: ls.LambdaLR(sgd(), lr_lambda=3), "lr_lambda", "3"),
    (lambda: ls.LambdaLR(sgd(), lr_lambda=[abs]), "lr_lambda", "[<built-in function abs>]"),
    (lambda: ls.get_linear_schedule_with_warmup(sgd(), -1, 100), "num_warmup_steps", "-1"),
    (lambda: ls.get_linear_schedule_with_warmup(sgd(), 0, 0), "num_training_steps", "0"),
    (lambda: ls.get_cosine_schedule_with_warmup(sgd(), 0, 10, num_cycles=0), "num_cycles", "0"),
    (lambda: ls.get_polynomial_decay_schedule_with_warmup(sgd(), 0, 10, lr_end=0.5),
     "lr_end", "0.5"),
    (lambda: ls.get_inverse_sqrt_schedule(sgd(), 10, timescale=0), "timescale", "0"),
    (lambda: ls.get_wsd_schedule(sgd(), 10, 10), "num_stable_steps", "None"),
    (lambda: ls.get_wsd_schedule(sgd(), 10, 10, num_training_steps=15), "num_training_steps",
     "15"),
    (lambda: ls.get_wsd_schedule(sgd(), 10, 10, 100, decay_type="exp"), "decay_type", "'exp'"),
    (lambda: ls.get_cosine_with_min_lr_schedule_with_warmup(sgd(), 0, 10), "min_lr", "None"),
    (lambda: ls.get_cosine_with_min_lr_schedule_with_warmup(sgd(), 0, 10, min_lr=0.0,
                                                            min_lr_rate=0.1), "min_lr_rate", "0.1"),
]


@pytest.mark.parametrize("build, arg, shown", BAD_INPUTS)
def test_bad_input_raises_value_error_naming_the_argument_and_value(build, arg, shown) -> None:
    with pytest.raises(ValueError) as info:
        build()
    assert arg in str(info.value) and shown in str(info.value), str(info.value)


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


def test_where_torch_divides_by_zero_later_we_raise_at_build() -> None:
    ref_opt = sgd()
    ref = tl.CosineAnnealingLR(ref_opt, T_max=0)
    ref_opt.step()
    with pytest.raises(ZeroDivisionError):
        ref.step()
    with pytest.raises(ValueError, match="T_max"):
        ls.CosineAnnealingLR(sgd(), T_max=0)
    with pytest.raises(ZeroDivisionError):  # pct_start * total_steps == 1: 0 / 0 at step 0
        tl.OneCycleLR(sgd(), max_lr=0.1, total_steps=10, pct_start=0.1)


def test_bad_input_leaves_the_optimizer_untouched() -> None:
    opt = sgd()
    before = [dict(g, params=None) for g in opt.param_groups]
    with pytest.raises(ValueError):
        ls.OneCycleLR(opt, max_lr=0.1, total_steps=100, max_momentum=2.0)
    assert [dict(g, params=None) for g in opt.param_groups] == before


def test_no_import_from_torch_lr_scheduler() -> None:
    tree = ast.parse(inspect.getsource(ls))
    imported = [
        alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert imported and not [name for name in imported if "lr_scheduler" in name]


def test_import_lrlab_does_not_import_torch() -> None:
    code = "import lrlab, sys; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_schedulers_are_exported_lazily_from_lrlab() -> None:
    from lrlab import StepLR  # noqa: F401 (the import is the test)

    assert StepLR is ls.StepLR
    missing = {name for name in ls.__all__ if getattr(lrlab, name, None) is not getattr(ls, name)}
    assert missing == set()


def test_plateau_rejects_a_metric_that_is_not_a_number() -> None:
    sched = ls.ReduceLROnPlateau(sgd())
    with pytest.raises(ValueError, match="metrics.*'low'"):
        sched.step("low")
    assert sched.last_epoch == 0


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(ls, optionflags=doctest.ELLIPSIS)
    assert tried > 20 and failures == 0


def test_param_group_added_after_building_raises():
    """torch's LambdaLR raises ValueError at the next step() when a group was added after it was
    built (its StepLR goes on, chaining from the new group's lr); ours raise for every scheduler,
    rather than leave the new group silently unscheduled."""
    builders = [
        (tl.LambdaLR, dict(lr_lambda=lambda t: 0.5**t)),
        (ls.LambdaLR, dict(lr_lambda=lambda t: 0.5**t)),
        (ls.StepLR, dict(step_size=2)),
        (ls.OneCycleLR, dict(max_lr=0.1, total_steps=10)),
    ]
    for cls, kwargs in builders:
        params = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
        opt = torch.optim.SGD([params[0]], lr=0.1, momentum=0.9)
        sched = cls(opt, **kwargs)
        opt.add_param_group({"params": [params[1]], "lr": 0.01})
        with pytest.raises(ValueError):
            sched.step()
