"""Torch's semantics of the drop-in classes (CONTRACT.md section 2b), checked against the real
``torch.optim.lr_scheduler`` and ``transformers``:

- ``state_dict()`` holds torch's keys, with torch's types and values (and the few extra keys
  listed in ``EXTRA_KEYS``);
- a checkpoint crosses over: saved by one library at a random step (scheduler and optimizer,
  through ``torch.save`` / ``torch.load(weights_only=True)``), loaded into the other library's
  class of the same name built with *other* arguments, the run goes on as the saved one's
  (lr, and momentum / ``betas[0]`` where cycled), with SGD and Adam and three param groups;
- the values torch accepts and computes a schedule from are accepted, and give torch's lrs;
- the attributes and param-group keys torch writes are there;
- torch's misuse warnings come where torch's come, and only there.
"""

from __future__ import annotations

import math
import random
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl
import transformers

from lrlab import schedulers as ls
from scheduler_utils import (
    CONFIGS,
    LRS,
    MOMENTUM_KINDS,
    Factor,
    Warmup,
    assert_close,
    assert_parity,
    both,
    config_of,
    make_optimizer,
    per_group,
    plateau_metrics,
    snapshot,
    through_bytes,
)

N = 300  # steps of a run; a OneCycleLR lasts exactly this long
PLATEAU = "ReduceLROnPlateau"
SEQUENTIAL = "SequentialLR"
CHAINED = "ChainedScheduler"
GREEDY = "GreedyLR"  # transformers' (transformers.optimization.GreedyLR)
FACTORIES = {
    "get_linear_schedule_with_warmup": dict(num_warmup_steps=20, num_training_steps=N),
    "get_cosine_schedule_with_warmup": dict(num_warmup_steps=10, num_training_steps=N),
    "get_cosine_with_hard_restarts_schedule_with_warmup": dict(
        num_warmup_steps=5, num_training_steps=N, num_cycles=3
    ),
    "get_cosine_with_min_lr_schedule_with_warmup": dict(
        num_warmup_steps=15, num_training_steps=N, min_lr_rate=0.1
    ),
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": dict(
        num_warmup_steps=12, num_training_steps=N, min_lr=1e-3, warmup_lr_rate=0.05
    ),
}
NAMES = [*sorted(CONFIGS), PLATEAU, SEQUENTIAL, CHAINED, GREEDY, *FACTORIES]
#: The metric-fed schedulers, of both libraries.
METRIC_FED = (
    ls.ReduceLROnPlateau,
    tl.ReduceLROnPlateau,
    ls.GreedyLR,
    transformers.optimization.GreedyLR,
)

#: The keys of lrlab's state that torch's lacks (torch ignores them when it loads the state):
#: the exact fractional epoch of warm restarts, the step sizes CyclicLR's floats come from, and
#: OneCycleLR's arguments (torch keeps the lrs' and momenta's ends in the param groups).
EXTRA_KEYS = {
    "CosineAnnealingWarmRestarts": {"_epoch"},
    "CyclicLR": {"step_size_up", "step_size_down"},
    "OneCycleLR": {
        "max_lrs",
        "pct_start",
        "anneal_strategy",
        "div_factor",
        "final_div_factor",
        "three_phase",
        "base_momentums",
        "max_momentums",
    },
}


def plateau_config(r: random.Random) -> dict:
    return dict(
        mode=r.choice(["min", "max"]),
        factor=r.uniform(0.1, 0.9),
        patience=r.randint(0, 6),
        threshold=r.choice([1e-4, 1e-3, 0.01]),
        threshold_mode=r.choice(["rel", "abs"]),
        cooldown=r.randint(0, 4),
        min_lr=per_group(r, lambda: r.choice([0.0, 1e-4, 1e-3])),
    )


def greedy_config(r: random.Random) -> dict:
    return dict(
        mode=r.choice(["min", "max"]),
        factor=r.uniform(0.5, 0.95),
        patience=r.randint(0, 6),
        threshold=r.choice([1e-6, 1e-4, 1e-3]),
        threshold_mode=r.choice(["rel", "abs"]),
        cooldown=r.randint(0, 4),
        warmup=r.randint(0, 4),
        min_lr=per_group(r, lambda: r.choice([1e-4, 1e-3, 0.01])),
        max_lr=per_group(r, lambda: r.choice([0.2, 1.0])),
        smooth=r.random() < 0.5,
        window_size=r.randint(1, 20),
        reset_start=r.randint(1, 40),
    )


def config(name: str, r: random.Random) -> dict:
    """A random configuration of ``name`` (the same draws give the same configuration)."""
    if name == "LambdaLR":  # a callable object, whose state the checkpoint carries
        return dict(lr_lambda=Warmup(r.randint(2, 60)))
    if name == "MultiplicativeLR":  # likewise
        return dict(lr_lambda=Factor(r.uniform(0.5, 0.99), r.randint(1, 40)))
    if name == PLATEAU:
        return plateau_config(r)
    if name == GREEDY:
        return greedy_config(r)
    if name == CHAINED:
        return dict(
            constant=config_of("ConstantLR", r),
            linear=config_of("LinearLR", r),
            step=config_of("StepLR", r),
            factor=Factor(r.uniform(0.8, 0.99), r.randint(1, 40)),
        )
    if name == SEQUENTIAL:
        return dict(
            warmup=r.randint(2, 40),
            marks=sorted(r.sample(range(1, N), 2)),
            gamma=r.uniform(0.9, 0.99),
            T_max=r.randint(5, 100),
        )
    if name in FACTORIES:
        return FACTORIES[name]
    return config_of(name, r, total_steps=N)


def build(module: Any, name: str, cfg: dict, opt: torch.optim.Optimizer) -> Any:
    """``name`` of ``module`` (torch's or lrlab's scheduler module) on ``opt``."""
    if name == SEQUENTIAL:
        children = [
            module.LambdaLR(opt, Warmup(cfg["warmup"])),
            module.ExponentialLR(opt, gamma=cfg["gamma"]),
            module.CosineAnnealingLR(opt, T_max=cfg["T_max"]),
        ]
        return module.SequentialLR(opt, children, milestones=cfg["marks"])
    if name == CHAINED:
        children = [
            module.ConstantLR(opt, **cfg["constant"]),
            module.LinearLR(opt, **cfg["linear"]),
            module.StepLR(opt, **cfg["step"]),
            module.MultiplicativeLR(opt, cfg["factor"]),
        ]
        return module.ChainedScheduler(children, optimizer=opt)
    if name == GREEDY:
        return (transformers.optimization if module is tl else ls).GreedyLR(opt, **cfg)
    if name in FACTORIES:
        return getattr(transformers if module is tl else ls, name)(opt, **cfg)
    return getattr(module, name)(opt, **cfg)


def advance(opt: torch.optim.Optimizer, sched: Any, metric: float) -> None:
    opt.step()
    if isinstance(sched, METRIC_FED):
        sched.step(metric)
    else:
        sched.step()


def row(opt: torch.optim.Optimizer, sched: Any) -> list[float]:
    lrs, momenta = snapshot(opt, sched)
    return lrs + momenta


# --- the state's keys, types and values --------------------------------------------------------


def assert_same_state(ours: Any, theirs: Any, where: str = "state") -> None:
    """Same type and value (numbers within the contract's tolerance), recursively."""
    if isinstance(theirs, bool) or theirs is None or isinstance(theirs, str):
        assert ours == theirs and type(ours) is type(theirs), f"{where}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, (int, float)):
        assert type(ours) is type(theirs), f"{where}: {type(ours)} != {type(theirs)}"
        assert math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-15) or ours == theirs, where
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs), f"{where}: {type(ours)} != {type(theirs)}"
        assert set(ours) == set(theirs), where
        for key in theirs:
            assert_same_state(ours[key], theirs[key], f"{where}[{key!r}]")
    elif isinstance(theirs, list):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same_state(a, b, f"{where}[{i}]")
    else:
        pytest.fail(f"{where}: unexpected {theirs!r}")


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_holds_torchs_keys_types_and_values(name: str) -> None:
    r = random.Random(f"keys-{name}")
    cfg, metrics, steps = config(name, r), plateau_metrics(r, N, "min"), r.randint(1, N - 1)
    states = []
    for module in (ls, tl):
        opt = make_optimizer("adam")
        sched = build(module, name, cfg, opt)
        for k in range(steps):
            advance(opt, sched, metrics[k])
        states.append(through_bytes(sched.state_dict()))
    ours, theirs = states
    extra = EXTRA_KEYS.get(name, set())
    assert set(ours) == set(theirs) | extra, set(ours) ^ (set(theirs) | extra)
    if name in (SEQUENTIAL, CHAINED):
        for child, ref in zip(ours["_schedulers"], theirs["_schedulers"]):
            if ref["last_epoch"] < 0:  # not started: torch's _last_lr is whatever the optimizer
                ref = {k: v for k, v in ref.items() if k != "_last_lr"}  # held when built
            assert_same_state({k: child[k] for k in ref}, ref)
        ours = {k: v for k, v in ours.items() if k != "_schedulers"}
        theirs = {k: v for k, v in theirs.items() if k != "_schedulers"}
    assert_same_state({key: ours[key] for key in theirs}, theirs)


# --- checkpoints that cross over, into a scheduler built with other arguments -------------------

DIRECTIONS = ["torch->lrlab", "lrlab->torch", "lrlab->lrlab"]


@pytest.mark.parametrize("kind", MOMENTUM_KINDS)
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_checkpoint_crosses_over_and_the_run_goes_on(name: str, direction: str, kind: str) -> None:
    """Save torch's or lrlab's scheduler and optimizer at random steps; build the other's (or
    lrlab's again) with other arguments, load the optimizer then the scheduler (torch's order),
    and step both on: every lr and momentum equals the saved run's."""
    source, target = {"torch": tl, "lrlab": ls}[direction[:5]], ls if "->lrlab" in direction else tl
    r = random.Random(f"{name}-{direction}-{kind}")
    metrics = plateau_metrics(r, N, "min")
    for save_at in [r.randrange(1, N) for _ in range(2)] + [0]:
        saved_cfg, other_cfg = config(name, r), config(name, r)
        opt = make_optimizer(kind)
        sched = build(source, name, saved_cfg, opt)
        for k in range(save_at):
            advance(opt, sched, metrics[k])
        opt_state = through_bytes(opt.state_dict())
        sched_state = through_bytes(sched.state_dict())
        new_opt = make_optimizer(kind)
        new = build(target, name, other_cfg, new_opt)
        new_opt.load_state_dict(opt_state)
        new.load_state_dict(sched_state)
        assert_close(np.array([row(new_opt, new)]), np.array([row(opt, sched)]))
        ours, ref = [], []
        for k in range(save_at, N):
            advance(opt, sched, metrics[k])
            advance(new_opt, new, metrics[k])
            ref.append(row(opt, sched))
            ours.append(row(new_opt, new))
        assert_close(np.array(ours), np.array(ref), f"lr or momentum (saved at {save_at})")


@pytest.mark.parametrize("name", [*sorted(CONFIGS), PLATEAU, SEQUENTIAL, CHAINED])
def test_lrlab_state_alone_resumes_a_fresh_optimizer_built_with_other_arguments(name) -> None:
    """lrlab's load also writes that step's lrs (and momenta) into the optimizer, so the
    scheduler's state alone continues the run (torch's needs the optimizer's state too)."""
    r = random.Random(f"alone-{name}")
    metrics = plateau_metrics(r, N, "min")
    save_at = r.randrange(1, N)
    opt = make_optimizer("sgd")
    sched = build(ls, name, config(name, r), opt)
    for k in range(save_at):
        advance(opt, sched, metrics[k])
    new_opt = make_optimizer("sgd")
    new = build(ls, name, config(name, r), new_opt)
    new.load_state_dict(through_bytes(sched.state_dict()))
    for k in range(save_at, N):
        advance(opt, sched, metrics[k]), advance(new_opt, new, metrics[k])
        assert row(new_opt, new) == row(opt, sched), f"step {k + 1}"


def test_an_invalid_state_raises_and_leaves_the_scheduler_as_it_was() -> None:
    opt = make_optimizer("sgd")
    sched = ls.StepLR(opt, step_size=3)
    before = sched.state_dict()
    with pytest.raises(ValueError, match="step_size"):
        sched.load_state_dict({**before, "step_size": 0, "last_epoch": 5})
    assert sched.state_dict() == before
    with pytest.raises(ValueError, match="base_lrs"):
        sched.load_state_dict(opt.state_dict())  # not a scheduler's state


# --- torch's edge values ------------------------------------------------------------------------

ACCEPTED = [
    ("StepLR", dict(step_size=3, gamma=0.0)),
    ("StepLR", dict(step_size=3, gamma=2.0)),
    ("MultiStepLR", dict(milestones=[3, 3, 7], gamma=0.0)),
    ("ExponentialLR", dict(gamma=0.0)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=0)),
    ("CyclicLR", dict(base_lr=0.1, max_lr=0.01, step_size_up=4)),  # max_lr below base_lr
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=1.01)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.0)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, gamma=-3.0)),  # unused
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, base_momentum=0.95, max_momentum=0.9)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, base_momentum=-0.2, max_momentum=1.2)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2.5, step_size_down=0.5)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=50, pct_start=0.0)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=50, pct_start=0.01)),  # warmup ends before 0
    ("OneCycleLR", dict(max_lr=0.1, total_steps=50, pct_start=0.01, three_phase=True)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=1)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=50, base_momentum=0.99, max_momentum=0.9)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=50, max_momentum=1.5, base_momentum=-0.5)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=50, div_factor=0.5, final_div_factor=0.5)),
    # a total_iters <= 0 is no ramp: torch keeps the factor of step 0 for ever
    ("ConstantLR", dict(factor=0.3, total_iters=0)),
    ("ConstantLR", dict(factor=0.3, total_iters=-4)),
    ("ConstantLR", dict(factor=0.0, total_iters=-1)),  # never divided by
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=0)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=-3)),
    ("PolynomialLR", dict(total_iters=-2, power=2.0)),
    ("PolynomialLR", dict(total_iters=0, power=-1.0)),  # never raised to
    ("PolynomialLR", dict(total_iters=10, power=0.0)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=10)),
]
PLATEAU_ACCEPTED = [
    dict(factor=0.0),
    dict(factor=-0.5, min_lr=1e-3),
    dict(patience=-1),
    dict(cooldown=-2, patience=1),
    dict(threshold=-0.1, patience=2),
    dict(threshold=1.5, patience=2),
    dict(threshold=2.0, threshold_mode="abs", mode="max", patience=2),
    dict(eps=-1.0, patience=1),
]


@pytest.mark.parametrize("kind", MOMENTUM_KINDS)
@pytest.mark.parametrize("name, cfg", ACCEPTED)
def test_values_torch_accepts_are_accepted_and_give_torchs_schedule(name, cfg, kind) -> None:
    n = cfg["total_steps"] if name == "OneCycleLR" else 200
    assert_parity(*both(name, **cfg), kind=kind, n=n)


@pytest.mark.parametrize("cfg", PLATEAU_ACCEPTED, ids=repr)
def test_plateau_values_torch_accepts_are_accepted_and_give_torchs_lrs(cfg) -> None:
    metrics = plateau_metrics(random.Random(repr(cfg)), 200, cfg.get("mode", "min"))
    rows = []
    for module in (ls, tl):
        opt = make_optimizer("sgd")
        sched = module.ReduceLROnPlateau(opt, **cfg)
        rows.append([row(opt, sched) for m in metrics if advance(opt, sched, m) is None])
    assert_close(np.array(rows[0]), np.array(rows[1]))


GREEDY_ACCEPTED = [
    dict(patience=-1),
    dict(cooldown=-2, warmup=-1, patience=1),
    dict(threshold=-0.1, patience=2),
    dict(eps=-1.0, patience=1, min_lr=0.01),
    dict(factor=-0.5, patience=1, min_lr=0.01),
    dict(window_size=0, patience=1),  # unused without smooth
    dict(reset_start=-3, patience=0, min_lr=0.05),
]


@pytest.mark.parametrize("cfg", GREEDY_ACCEPTED, ids=repr)
def test_greedy_values_transformers_accepts_are_accepted_and_give_its_lrs(cfg) -> None:
    metrics = plateau_metrics(random.Random(repr(cfg)), 200, "min")
    rows = []
    for module in (ls, tl):
        opt = make_optimizer("sgd")
        sched = build(module, GREEDY, cfg, opt)
        rows.append([row(opt, sched) for m in metrics if advance(opt, sched, m) is None])
    assert_close(np.array(rows[0]), np.array(rows[1]))


#: Where torch computes a schedule and lrlab raises, on purpose (see book/api.md): a negative
#: lr (torch's optimizers refuse one when they are built), a count that is not a whole number
#: or a milestone below 0 (torch's chainable and closed forms disagree on them), a negative
#: length, an unknown scale_mode (torch takes any string for "iterations").
DEPARTURES = [
    ("StepLR", dict(step_size=3, gamma=-0.5), "gamma"),
    ("StepLR", dict(step_size=2.5), "step_size"),
    ("StepLR", dict(step_size=-2), "step_size"),
    ("ExponentialLR", dict(gamma=-0.5), "gamma"),
    ("MultiStepLR", dict(milestones=[3, -1]), "milestones"),
    ("MultiStepLR", dict(milestones=[3.0]), "milestones"),
    ("CosineAnnealingLR", dict(T_max=-5), "T_max"),
    ("CosineAnnealingLR", dict(T_max=7.5), "T_max"),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=-0.01), "eta_min"),
    ("CosineAnnealingWarmRestarts", dict(T_0=5, eta_min=-0.01), "eta_min"),
    ("CyclicLR", dict(base_lr=-0.01, max_lr=0.1, step_size_up=4), "base_lr"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=-3), "step_size_up"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, mode="exp_range", gamma=-0.5), "gamma"),
    (
        "CyclicLR",
        dict(base_lr=0.01, max_lr=0.1, scale_fn=lambda x: 1.0, scale_mode="epochs"),
        "scale_mode",
    ),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, div_factor=-2.0), "div_factor"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, final_div_factor=-2.0), "final_div_factor"),
    (PLATEAU, dict(min_lr=-1.0), "min_lr"),
    (PLATEAU, dict(patience=2.5), "patience"),
    ("ConstantLR", dict(total_iters=2.5), "total_iters"),
    ("LinearLR", dict(total_iters=2.5), "total_iters"),
    ("PolynomialLR", dict(total_iters=7.5), "total_iters"),
    ("PolynomialLR", dict(total_iters=5, power=float("nan")), "power"),
]


@pytest.mark.parametrize("name, cfg, arg", DEPARTURES)
def test_the_listed_departures_raise_where_torch_computes(name, cfg, arg) -> None:
    steps = 10 if name == "OneCycleLR" else 30
    opt = make_optimizer("sgd")
    ref = getattr(tl, name)(opt, **cfg)
    for _ in range(steps):
        advance(opt, ref, 1.0)  # torch computes every step
    with pytest.raises(ValueError, match=arg):
        getattr(ls, name)(make_optimizer("sgd"), **cfg)


def test_where_torch_divides_by_zero_lrlab_raises_at_build() -> None:
    cases = [
        ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=0, step_size_down=4)),
        ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=0.1)),  # pct * total == 1
        ("StepLR", dict(step_size=0)),
        ("ConstantLR", dict(factor=0.0, total_iters=2)),  # undoes the factor: lr / 0
        ("PolynomialLR", dict(total_iters=2, power=-1.0)),  # 0 ** -1 at step total_iters
    ]
    for name, cfg in cases:
        opt = make_optimizer("sgd")
        with pytest.raises(ZeroDivisionError):
            ref = getattr(tl, name)(opt, **cfg)
            for _ in range(3):
                opt.step(), ref.step()
        with pytest.raises(ValueError):
            getattr(ls, name)(make_optimizer("sgd"), **cfg)


# --- attributes and param-group keys ------------------------------------------------------------


@pytest.mark.parametrize("T_mult", [1, 2, 3])
@pytest.mark.parametrize("fractional", [False, True])
def test_warm_restarts_keep_T_cur_and_T_i_as_torch(T_mult: int, fractional: bool) -> None:
    r = random.Random(f"T_cur-{T_mult}-{fractional}")
    epochs = np.cumsum([r.choice([0.25, 0.5, 1 / 3]) for _ in range(300)]) if fractional else None
    found = []
    for module in (ls, tl):
        opt = make_optimizer("sgd")
        sched = module.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=T_mult)
        rows = [(sched.T_cur, sched.T_i, sched.last_epoch)]
        for i in range(300):
            opt.step()
            sched.step() if epochs is None else sched.step(float(epochs[i]))
            rows.append((sched.T_cur, sched.T_i, sched.last_epoch))
        found.append(np.array(rows, dtype=float))
    assert_close(found[0], found[1], "(T_cur, T_i, last_epoch)")


def group_keys(opt: torch.optim.Optimizer) -> list[dict]:
    return [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]


@pytest.mark.parametrize("kind", MOMENTUM_KINDS)
@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR", "StepLR", "LambdaLR"])
def test_param_groups_hold_the_keys_torch_writes(name: str, kind: str) -> None:
    r = random.Random(f"groups-{name}-{kind}")
    cfg, steps = config(name, r), r.randint(1, 50)
    found = []
    for module in (ls, tl):
        opt = make_optimizer(kind)
        sched = getattr(module, name)(opt, **cfg)
        snapshots = [group_keys(opt)]
        for _ in range(steps):
            opt.step(), sched.step()
        snapshots.append(group_keys(opt))
        found.append(snapshots)
    for ours, theirs in zip(*found):
        for a, b in zip(ours, theirs):
            assert set(a) == set(b)
            for key in b:
                if isinstance(b[key], float):
                    assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-15), key
                else:
                    assert a[key] == b[key], key


def test_one_cycle_group_keys_are_torchs() -> None:
    opt = make_optimizer("sgd")
    ls.OneCycleLR(opt, max_lr=[1.0, 0.5, 0.2], total_steps=100, div_factor=10)
    assert [g["max_lr"] for g in opt.param_groups] == [1.0, 0.5, 0.2]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05, 0.02]
    assert opt.param_groups[0]["min_lr"] == pytest.approx(1e-5)
    assert {g["max_momentum"] for g in opt.param_groups} == {0.95}
    assert {g["base_momentum"] for g in opt.param_groups} == {0.85}


# --- torch's misuse warnings --------------------------------------------------------------------


def right_order(opt, sched) -> None:
    for _ in range(4):
        advance(opt, sched, 1.0)


def scheduler_first(opt, sched) -> None:
    metric = (1.0,) if isinstance(sched, METRIC_FED) else ()
    sched.step(*metric)
    right_order(opt, sched)


def with_epoch(opt, sched) -> None:
    opt.step()
    sched.step(1.0, 3) if isinstance(sched, METRIC_FED) else sched.step(3)


def reading_get_lr(opt, sched) -> None:
    right_order(opt, sched)
    sched.get_lr()


SCENARIOS = {
    "right_order": right_order,
    "scheduler_first": scheduler_first,
    "with_epoch": with_epoch,
    "get_lr": reading_get_lr,
}


def caught_warnings(module, name, cfg, scenario, kind="sgd") -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt = make_optimizer(kind)
        sched = build(module, name, cfg, opt)
        scenario(opt, sched)
    return [f"{w.category.__name__}: {w.message}" for w in caught]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("name", NAMES)
def test_misuse_warnings_come_exactly_where_torchs_do(name: str, scenario: str) -> None:
    if scenario == "with_epoch" and name in (SEQUENTIAL, CHAINED):
        pytest.skip(f"{name}.step() takes no epoch, in torch as here")
    if scenario == "get_lr" and name in (PLATEAU, SEQUENTIAL, CHAINED):
        pytest.skip("torch's get_lr() raises NotImplementedError here (see book/api.md)")
    if scenario == "get_lr" and name == GREEDY:
        pytest.skip("transformers' GreedyLR has no get_lr(), nor has lrlab's")
    cfg = config(name, random.Random(f"warn-{name}"))
    ours = caught_warnings(ls, name, cfg, SCENARIOS[scenario])
    theirs = caught_warnings(tl, name, cfg, SCENARIOS[scenario])
    assert ours == theirs


def test_stepping_the_scheduler_first_warns_as_torch() -> None:
    opt = make_optimizer("sgd")
    sched = ls.CosineAnnealingLR(opt, T_max=10)
    with pytest.warns(UserWarning, match=r"`lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()  # only the first step is checked, as in torch


def test_the_epoch_argument_warns_as_torch_except_for_warm_restarts() -> None:
    opt = make_optimizer("sgd")
    step_lr, plateau = ls.StepLR(opt, step_size=3), ls.ReduceLROnPlateau(opt)
    restarts = ls.CosineAnnealingWarmRestarts(opt, T_0=5)
    opt.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        step_lr.step(5)
    with pytest.warns(UserWarning, match="The epoch parameter"):
        plateau.step(1.0, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        restarts.step(2.5)


@pytest.mark.parametrize("name", NAMES)
def test_no_warning_in_the_right_order(name: str) -> None:
    cfg = config(name, random.Random(f"quiet-{name}"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = make_optimizer("adam")
        sched = build(ls, name, cfg, opt)
        for k in range(50):
            advance(opt, sched, 1.0 / (k + 1))
        sched.get_last_lr(), sched.state_dict()


def test_an_optimizer_stepped_before_the_scheduler_was_built_still_warns_as_torch() -> None:
    found = []
    for module in (ls, tl):
        opt = make_optimizer("sgd")
        opt.step()  # before any scheduler watches it
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module.StepLR(opt, step_size=2).step()
        found.append([str(w.message) for w in caught])
    assert found[0] == found[1] and len(found[0]) == 1


def test_the_optimizer_step_is_not_replaced() -> None:
    opt = make_optimizer("sgd")
    step = opt.step
    ls.StepLR(opt, step_size=2)
    ls.StepLR(opt, step_size=3)
    assert opt.step == step and len(opt._optimizer_step_post_hooks) == 1


def test_state_dict_of_milestones_is_a_counter_like_torchs() -> None:
    sched = ls.MultiStepLR(make_optimizer("sgd"), milestones=[5, 2, 5])
    assert sched.state_dict()["milestones"] == Counter({5: 2, 2: 1})
    assert isinstance(through_bytes(sched.state_dict())["milestones"], Counter)


def test_lrs_of_every_group_survive_a_crossing_with_tensor_free_state() -> None:
    """A state holds plain numbers: nothing of it aliases the scheduler."""
    opt = make_optimizer("sgd")
    sched = ls.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
    state = sched.state_dict()
    state["base_lrs"][0] = 99.0
    assert sched.base_lrs[0] == 0.01 and len(state["base_lrs"]) == len(LRS)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_warm_restarts_checkpoint_at_a_fractional_epoch_crosses_over(direction: str) -> None:
    source, target = {"torch": tl, "lrlab": ls}[direction[:5]], ls if "->lrlab" in direction else tl
    r = random.Random(f"fractional-{direction}")
    epochs = np.cumsum([r.choice([0.25, 0.5, 1 / 3, 1.0]) for _ in range(400)])
    for T_mult in (1, 2):
        save_at = r.randrange(1, 300)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # step(epoch) does not warn here, in either
            opt = make_optimizer("sgd")
            sched = source.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=T_mult, eta_min=1e-3)
            for epoch in epochs[:save_at]:
                opt.step(), sched.step(float(epoch))
            new_opt = make_optimizer("sgd")
            new = target.CosineAnnealingWarmRestarts(new_opt, T_0=9, T_mult=3)
            new_opt.load_state_dict(through_bytes(opt.state_dict()))
            new.load_state_dict(through_bytes(sched.state_dict()))
            ours, ref = [], []
            for i in range(save_at, 400):  # per-batch fractional epochs, then plain steps
                step = (float(epochs[i]),) if i < 350 else ()
                opt.step(), sched.step(*step), new_opt.step(), new.step(*step)
                ref.append(row(opt, sched) + [sched.T_cur, sched.T_i])
                ours.append(row(new_opt, new) + [new.T_cur, new.T_i])
        assert_close(np.array(ours), np.array(ref), f"lr, T_cur or T_i (T_mult={T_mult})")
