"""Helpers shared by the tests of ``lrlab.schedulers`` (tests/test_schedulers*.py).

Every scheduler is run side by side with its reference on fresh optimizers (SGD with momentum
and Adam, three param groups with different lrs), comparing ``get_last_lr()``, each group's
``lr`` and, where momentum is cycled, ``momentum`` / ``betas[0]`` after construction and after
every step, with the contract's tolerance (:func:`assert_close`). The random valid
configurations of each class are drawn with a seeded ``random.Random``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls

LRS = (0.1, 0.03, 0.5)  # the groups' lrs; the optimizer's default lr is 0.1


MOMENTUM_KINDS = ("sgd", "adam")


epoch_deprecation = pytest.mark.filterwarnings("ignore:The epoch parameter:UserWarning")


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


def constant_config(r: random.Random) -> dict:
    return dict(factor=r.choice([1.0, r.uniform(0.01, 1.0)]), total_iters=r.randint(1, 300))


def linear_config(r: random.Random) -> dict:
    return dict(
        start_factor=r.choice([1.0, r.uniform(0.01, 1.0)]),
        end_factor=r.choice([0.0, 1.0, r.uniform(0.0, 1.0)]),
        total_iters=r.randint(1, 1200),
    )


def polynomial_config(r: random.Random) -> dict:
    return dict(total_iters=r.randint(1, 1200), power=r.choice([1.0, 0.9, r.uniform(0.1, 4.0)]))


MULTIPLIERS = [
    lambda s: 0.995,
    lambda s: 0.5 if s % 100 == 0 else 1.0,
    lambda s: 1.0 - 1.0 / (s + 100.0),
    lambda s: 1.002 if s < 200 else 0.99,
]


def multiplicative_config(r: random.Random) -> dict:
    if r.random() < 0.5:
        return dict(lr_lambda=r.choice(MULTIPLIERS))
    return dict(lr_lambda=[r.choice(MULTIPLIERS) for _ in LRS])


CONFIGS = {
    "StepLR": step_config,
    "MultiStepLR": multistep_config,
    "ExponentialLR": exponential_config,
    "CosineAnnealingLR": cosine_config,
    "CosineAnnealingWarmRestarts": warm_restarts_config,
    "CyclicLR": cyclic_config,
    "OneCycleLR": one_cycle_config,
    "LambdaLR": lambda_config,
    "ConstantLR": constant_config,
    "LinearLR": linear_config,
    "PolynomialLR": polynomial_config,
    "MultiplicativeLR": multiplicative_config,
}


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


class Warmup:
    """A callable object with state, which LambdaLR's state_dict saves (as torch's does)."""

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def __call__(self, step: int) -> float:
        return min(1.0, (step + 1) / self.steps)


class Factor:
    """A callable object with state for MultiplicativeLR: ``gamma`` every ``every`` steps, else
    1 (its attributes travel in the checkpoint, as torch's state_dict keeps them)."""

    def __init__(self, gamma: float, every: int) -> None:
        self.gamma = gamma
        self.every = every

    def __call__(self, step: int) -> float:
        return self.gamma if step % self.every == 0 else 1.0


def through_bytes(state: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def sgd(lrs=LRS):
    return make_optimizer("sgd", lrs)
