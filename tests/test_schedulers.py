"""Tests of ``lrlab.schedulers``: the protocol shared by every scheduler, and the package.

Every scheduler is run side by side with its reference on fresh optimizers (SGD with momentum
and Adam, three param groups with different lrs), for many random valid configurations drawn
with a seeded ``random.Random``, comparing ``get_last_lr()``, each group's ``lr`` and, where
momentum is cycled, ``momentum`` / ``betas[0]`` after construction and after every step. The
tolerance is the contract's: ``|a - b| <= 1e-9 |b| + 1e-15 * (largest value of the run)``.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import pkgutil
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl

import lrlab
from lrlab import schedulers as ls
from scheduler_utils import (
    CONFIGS,
    MOMENTUM_KINDS,
    Warmup,
    assert_close,
    assert_parity,
    both,
    config_of,
    make_optimizer,
    one_cycle_total,
    run,
    sgd,
    snapshot,
    through_bytes,
)

SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_random_configs_match_torch_for_1000_steps(name: str, seed: int) -> None:
    r = random.Random(f"{name}-{seed}")
    cfg = CONFIGS[name](r)
    n = one_cycle_total(cfg) if name == "OneCycleLR" else 1000  # steps 0..total_steps
    assert_parity(*both(name, **cfg), kind=MOMENTUM_KINDS[seed % 2], n=n)


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
        fresh_opt.step(), fresh.step()
    resumed_opt = make_optimizer("sgd")
    for group, saved in zip(resumed_opt.param_groups, fresh_opt.param_groups):
        group["initial_lr"] = saved["initial_lr"]
    resumed = getattr(ls, name)(resumed_opt, last_epoch=41, **cfg)
    assert resumed.last_epoch == 42
    assert snapshot(resumed_opt, resumed) == snapshot(fresh_opt, fresh)


def test_last_epoch_without_initial_lr_in_the_groups_raises() -> None:
    with pytest.raises(ValueError, match=r"last_epoch=5.*initial_lr"):
        ls.StepLR(make_optimizer("sgd"), step_size=3, last_epoch=5)


def sequential_with_momentum(opt):
    # The first child ends at step 119 with a momentum below max_momentum, which the StepLR
    # child leaves in place: a loaded state must replay it.
    cycle = ls.OneCycleLR(opt, max_lr=[0.5, 0.2, 1.0], total_steps=150)
    cyclic = ls.CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=9, mode="exp_range", gamma=0.99
    )
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


TORCH_CLASSES = [
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ReduceLROnPlateau",
    "CyclicLR",
    "OneCycleLR",
    "LambdaLR",
    "SequentialLR",
    "ConstantLR",
    "LinearLR",
    "PolynomialLR",
    "MultiplicativeLR",
    "ChainedScheduler",
]


@pytest.mark.parametrize("name", TORCH_CLASSES)
def test_constructor_signature_equals_torch(name: str) -> None:
    assert inspect.signature(getattr(ls, name)) == inspect.signature(getattr(tl, name))


BAD_INPUTS = [
    # (builder, the argument's name, its value as the message shows it)
    (lambda: ls.StepLR(sgd(), step_size=0), "step_size", "0"),
    (lambda: ls.StepLR(sgd(), step_size=2.5), "step_size", "2.5"),
    (lambda: ls.StepLR(sgd(), step_size=3, gamma=-0.5), "gamma", "-0.5"),
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
    (lambda: ls.ReduceLROnPlateau(sgd(), threshold_mode="pct"), "threshold_mode", "'pct'"),
    (lambda: ls.ReduceLROnPlateau(sgd(), min_lr=[0.0, 0.1]), "min_lr", "[0.0, 0.1]"),
    (lambda: ls.ReduceLROnPlateau(sgd(), min_lr=-1), "min_lr", "-1"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, step_size_up=0), "step_size_up", "0"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, 4, mode="exp_range", gamma=-0.5), "gamma", "-0.5"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, base_momentum=float("inf")), "base_momentum", "inf"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, step_size_down=-3), "step_size_down", "-3"),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, mode="sine"), "mode", "'sine'"),
    (lambda: ls.CyclicLR(sgd(), [0.01, 0.02], 0.1), "base_lr", "[0.01, 0.02]"),
    (
        lambda: ls.CyclicLR(sgd(), 0.01, 0.1, scale_fn=lambda x: 1.0, scale_mode="epochs"),
        "scale_mode",
        "'epochs'",
    ),
    (lambda: ls.CyclicLR(sgd(), 0.01, 0.1, scale_fn=3), "scale_fn", "3"),
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
    (lambda: ls.LambdaLR(sgd(), lr_lambda=3), "lr_lambda", "3"),
    (lambda: ls.LambdaLR(sgd(), lr_lambda=[abs]), "lr_lambda", "[<built-in function abs>]"),
    (lambda: ls.ConstantLR(sgd(), factor=1.5), "factor", "1.5"),
    (lambda: ls.ConstantLR(sgd(), factor=0.0), "factor", "0.0"),  # torch divides by it later
    (lambda: ls.ConstantLR(sgd(), total_iters=1.5), "total_iters", "1.5"),
    (lambda: ls.LinearLR(sgd(), start_factor=0.0), "start_factor", "0.0"),
    (lambda: ls.LinearLR(sgd(), end_factor=1.5), "end_factor", "1.5"),
    (lambda: ls.LinearLR(sgd(), total_iters=2.5), "total_iters", "2.5"),
    (lambda: ls.PolynomialLR(sgd(), power=-1.0), "power", "-1.0"),
    (lambda: ls.PolynomialLR(sgd(), total_iters=3.0), "total_iters", "3.0"),
    (lambda: ls.MultiplicativeLR(sgd(), lr_lambda=0.9), "lr_lambda", "0.9"),
    (lambda: ls.MultiplicativeLR(sgd(), lr_lambda=[abs]), "lr_lambda", "[<built-in function abs>]"),
    (lambda: ls.ChainedScheduler([]), "schedulers", "[]"),
    (lambda: ls.GreedyLR(sgd(), factor=1.0), "factor", "1.0"),
    (lambda: ls.GreedyLR(sgd(), mode="avg"), "mode", "'avg'"),
    (lambda: ls.GreedyLR(sgd(), window_size=0, smooth=True), "window_size", "0"),
    (lambda: ls.GreedyLR(sgd(), factor=0.0), "factor", "0.0"),  # divides by it to raise
    (lambda: ls.GreedyLR(sgd(), max_lr=[1.0, 2.0]), "max_lr", "[1.0, 2.0]"),
    (lambda: ls.GreedyLR(sgd(), min_lr=-1.0), "min_lr", "-1.0"),
    (lambda: ls.GreedyLR(sgd(), verbose=None), "verbose", "None"),
    (lambda: ls.GreedyLR(None), "optimizer", "None"),
    (lambda: ls.get_linear_schedule_with_warmup(sgd(), -1, 100), "num_warmup_steps", "-1"),
    (lambda: ls.get_linear_schedule_with_warmup(sgd(), 0, 0), "num_training_steps", "0"),
    (lambda: ls.get_cosine_schedule_with_warmup(sgd(), 0, 10, num_cycles=0), "num_cycles", "0"),
    (
        lambda: ls.get_polynomial_decay_schedule_with_warmup(sgd(), 0, 10, lr_end=0.5),
        "lr_end",
        "0.5",
    ),
    (lambda: ls.get_inverse_sqrt_schedule(sgd(), 10, timescale=0), "timescale", "0"),
    (lambda: ls.get_wsd_schedule(sgd(), 10, 10), "num_stable_steps", "None"),
    (lambda: ls.get_wsd_schedule(sgd(), 10, 10, num_training_steps=15), "num_training_steps", "15"),
    (lambda: ls.get_wsd_schedule(sgd(), 10, 10, 100, decay_type="exp"), "decay_type", "'exp'"),
    (lambda: ls.get_cosine_with_min_lr_schedule_with_warmup(sgd(), 0, 10), "min_lr", "None"),
    (
        lambda: ls.get_cosine_with_min_lr_schedule_with_warmup(
            sgd(), 0, 10, min_lr=0.0, min_lr_rate=0.1
        ),
        "min_lr_rate",
        "0.1",
    ),
    (
        lambda: ls.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(sgd(), 0, 10),
        "min_lr",
        "None",
    ),
    (
        lambda: ls.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
            sgd(), 0, 10, min_lr_rate=0.1, warmup_lr_rate=-1.0
        ),
        "warmup_lr_rate",
        "-1.0",
    ),
    (lambda: ls.get_greedy_schedule(sgd(), patience=1.5), "patience", "1.5"),
]


@pytest.mark.parametrize("build, arg, shown", BAD_INPUTS)
def test_bad_input_raises_value_error_naming_the_argument_and_value(build, arg, shown) -> None:
    with pytest.raises(ValueError) as info:
        build()
    assert arg in str(info.value) and shown in str(info.value), str(info.value)


def test_where_torch_divides_by_zero_later_we_raise_at_build() -> None:
    for make_ref in [
        lambda o: tl.ConstantLR(o, factor=0.0, total_iters=3),
        lambda o: tl.PolynomialLR(o, total_iters=3, power=-1.0),
    ]:
        ref_opt = sgd()
        ref = make_ref(ref_opt)
        with pytest.raises(ZeroDivisionError):  # at step total_iters
            for _ in range(3):
                ref_opt.step(), ref.step()
    with pytest.raises(ValueError, match="factor"):
        ls.ConstantLR(sgd(), factor=0.0, total_iters=3)
    with pytest.raises(ValueError, match="power"):
        ls.PolynomialLR(sgd(), total_iters=3, power=-1.0)
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
        ls.OneCycleLR(opt, max_lr=0.1, total_steps=100, final_div_factor=0.0)
    assert [dict(g, params=None) for g in opt.param_groups] == before


def scheduler_modules() -> list:
    """``lrlab.schedulers`` and every module of the package."""
    names = [info.name for info in pkgutil.iter_modules(ls.__path__, f"{ls.__name__}.")]
    return [ls, *map(importlib.import_module, names)]


def test_the_package_has_its_modules() -> None:
    names = {module.__name__.rsplit(".", 1)[-1] for module in scheduler_modules()[1:]}
    assert names == {"_helpers", "base", "compose", "cyclic", "decay", "factories", "plateau"}


@pytest.mark.parametrize("module", scheduler_modules(), ids=lambda m: m.__name__)
def test_no_import_from_torch_lr_scheduler(module) -> None:
    tree = ast.parse(inspect.getsource(module))
    imported = [
        alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert imported and not [name for name in imported if "lr_scheduler" in name]


@pytest.mark.parametrize("module", scheduler_modules(), ids=lambda m: m.__name__)
def test_modules_import_schedules_from_the_package_only(module) -> None:
    """The pure schedules and their building blocks come from ``lrlab.schedules`` itself."""
    tree = ast.parse(inspect.getsource(module))
    sources = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    sources |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not [name for name in sources if name.startswith("lrlab.schedules.")]


def test_import_lrlab_does_not_import_torch() -> None:
    code = "import lrlab, sys; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_schedulers_are_exported_lazily_from_lrlab() -> None:
    from lrlab import StepLR  # noqa: F401 (the import is the test)

    assert StepLR is ls.StepLR
    missing = {name for name in ls.__all__ if getattr(lrlab, name, None) is not getattr(ls, name)}
    assert missing == set()


def test_docstring_examples_run() -> None:
    tried = 0
    for module in scheduler_modules():
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        tried += result.attempted
    assert tried > 20


def test_all_lists_every_public_name_of_the_modules() -> None:
    """The package's ``__all__`` is the union of its public modules' ``__all__``, and each
    module's ``__all__`` names exactly what it defines publicly."""
    modules = [m for m in scheduler_modules()[1:] if "._" not in m.__name__]
    for module in modules:
        defined = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
        }
        assert set(module.__all__) == defined, module.__name__
    assert sorted(ls.__all__) == sorted(name for m in modules for name in m.__all__)
    assert len(set(ls.__all__)) == len(ls.__all__)


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
        opt.step()
        with pytest.raises(ValueError):
            sched.step()
