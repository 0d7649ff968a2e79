"""Tests of `lrlab.schedules`: parity with PyTorch and transformers, properties, validation.

Parity: every pure schedule, called once on ``np.arange(n)``, must equal at each step what a
reader gets today by stepping the production scheduler ``n`` times and collecting
``get_last_lr()`` (or the momentum / ``betas[0]`` it writes into the optimizer), within the
contract's tolerance ``|ours - ref| <= 1e-9 |ref| + 1e-15 max|ref|``. The configurations are
drawn at random (seeded) from the valid parameter space; the edge cases are named tests.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
import re
import warnings
from collections.abc import Callable

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

from lrlab import schedules  # noqa: E402

SEEDS = range(40)


# ---------------------------------------------------------------------------------------------
# Helpers: the contract's tolerance, and the reference curves a reader collects today.


def assert_matches(ours, ref, what: str) -> None:
    """Assert the contract's equality: ``|ours - ref| <= 1e-9 |ref| + 1e-15 max|ref|``."""
    ours = np.asarray(ours, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    assert ours.shape == ref.shape, f"{what}: shape {ours.shape} != reference {ref.shape}"
    tol = 1e-9 * np.abs(ref) + 1e-15 * np.max(np.abs(ref))
    bad = ~(np.abs(ours - ref) <= tol)  # a NaN on either side counts as a mismatch
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        pytest.fail(
            f"{what}: {int(bad.sum())} of {ref.size} values differ; first at index {i}: "
            f"lrlab {ours.flat[i]!r}, reference {ref.flat[i]!r}"
        )


def _describe(schedule: functools.partial) -> str:
    """``name(arg=value, ...)`` of a schedule with its parameters, for failure messages."""
    args = ", ".join(f"{k}={v!r}" for k, v in schedule.keywords.items())
    return f"{schedule.func.__name__}({args})"


def _optimizer(kind: str, lr: float) -> torch.optim.Optimizer:
    params = [torch.nn.Parameter(torch.zeros(1))]
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


def _last_lr(scheduler, optimizer) -> float:
    return scheduler.get_last_lr()[0]


def _momentum(scheduler, optimizer) -> float:
    group = optimizer.param_groups[0]
    return group["betas"][0] if "betas" in group else group["momentum"]


def torch_curve(make, n: int, lr: float = 0.1, optimizer: str = "sgd", read=_last_lr):
    """``read(scheduler)`` after 0, 1, ..., n-1 calls of ``step()`` on ``make(optimizer)``."""
    out = np.empty(n)
    with warnings.catch_warnings():
        # torch warns that step() runs before optimizer.step(): irrelevant to the values.
        warnings.simplefilter("ignore", UserWarning)
        opt = _optimizer(optimizer, lr)
        scheduler = make(opt)
        for i in range(n):
            if i:
                scheduler.step()
            out[i] = read(scheduler, opt)
    return out


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return 10 ** rng.uniform(math.log10(lo), math.log10(hi))


# ---------------------------------------------------------------------------------------------
# Parity for random valid parameters: one table, one configuration generator per schedule.
#
# Each generator draws a valid configuration and returns a `Parity`: the lrlab call (a partial
# of the pure function, evaluated once on np.arange(n)) and the reference object to step n times.


@dataclasses.dataclass(frozen=True)
class Parity:
    ours: functools.partial  # the lrlab schedule with its parameters
    make: Callable  # optimizer -> the torch scheduler / transformers LambdaLR to step
    n: int  # steps in the run
    lr: float  # the optimizer's lr (the reference's base lr)
    optimizer: str = "sgd"  # "adam": the momentum is betas[0]
    read: Callable = _last_lr


def _runs(rng, lo=1000, hi=4000) -> int:
    return rng.randint(lo, hi)


def _eta_min(rng, base_lr):
    r = rng.random()
    if r < 0.4:
        return 0.0
    if r < 0.9:
        return base_lr * rng.uniform(0.0, 0.5)
    return base_lr * rng.uniform(1.0, 2.0)  # valid in torch: the cosine then rises


def _step_lr(rng):
    step_size = rng.randint(1, 400)
    grows = rng.random() < 0.2 and step_size >= 50  # gamma > 1 too, slowly enough not to overflow
    kw = dict(
        base_lr=_log_uniform(rng, 1e-5, 10),
        step_size=step_size,
        gamma=rng.uniform(1.0, 1.1) if grows else rng.uniform(0.05, 1.0),
    )
    make = lambda o: torch_sched.StepLR(o, kw["step_size"], kw["gamma"])  # noqa: E731
    return Parity(functools.partial(schedules.step_lr, **kw), make, _runs(rng), kw["base_lr"])


def _multistep_lr(rng):
    n = _runs(rng)
    # Unsorted, possibly repeated, possibly 0 or past the end of the run.
    milestones = [rng.randint(0, n + 10) for _ in range(rng.randint(1, 8))]
    if rng.random() < 0.3:
        milestones.append(rng.choice(milestones))
    kw = dict(
        base_lr=_log_uniform(rng, 1e-5, 10), milestones=milestones, gamma=rng.uniform(0.05, 0.99)
    )
    make = lambda o: torch_sched.MultiStepLR(o, list(milestones), kw["gamma"])  # noqa: E731
    return Parity(functools.partial(schedules.multistep_lr, **kw), make, n, kw["base_lr"])


def _exponential_lr(rng):
    r = rng.random()
    if r < 0.6:
        gamma = rng.uniform(0.99, 1.0)
    elif r < 0.9:
        gamma = rng.uniform(0.5, 0.99)  # down to underflow within the run
    else:
        gamma = rng.uniform(1.0, 1.002)
    kw = dict(base_lr=_log_uniform(rng, 1e-5, 10), gamma=gamma)
    make = lambda o: torch_sched.ExponentialLR(o, gamma)  # noqa: E731
    return Parity(
        functools.partial(schedules.exponential_lr, **kw), make, _runs(rng), kw["base_lr"]
    )


def _cosine_annealing_lr(rng):
    base_lr = _log_uniform(rng, 1e-5, 10)
    kw = dict(base_lr=base_lr, T_max=rng.randint(1, 2500), eta_min=_eta_min(rng, base_lr))
    make = lambda o: torch_sched.CosineAnnealingLR(o, kw["T_max"], kw["eta_min"])  # noqa: E731
    # Runs often go past T_max, where torch's (recursive) cosine climbs back up.
    return Parity(
        functools.partial(schedules.cosine_annealing_lr, **kw),
        make,
        _runs(rng, 1000, 5000),
        base_lr,
    )


def _warm_restarts_config(rng):
    base_lr = _log_uniform(rng, 1e-5, 10)
    return dict(
        base_lr=base_lr,
        T_0=rng.randint(1, 300),
        T_mult=rng.choice([1, 1, 2, 3, 4]),
        eta_min=_eta_min(rng, base_lr),
    )


def _warm_restarts_torch(o, kw):
    return torch_sched.CosineAnnealingWarmRestarts(o, kw["T_0"], kw["T_mult"], kw["eta_min"])


def _warm_restarts(rng):
    """Integer steps: successive ``step()`` calls."""
    kw = _warm_restarts_config(rng)
    make = lambda o: _warm_restarts_torch(o, kw)  # noqa: E731
    return Parity(
        functools.partial(schedules.cosine_annealing_warm_restarts, **kw),
        make,
        _runs(rng, 1000, 5000),
        kw["base_lr"],
    )


def _cyclic_config(rng):
    base_lr = _log_uniform(rng, 1e-5, 1)
    mode = rng.choice(["triangular", "triangular2", "exp_range"])
    base_momentum = rng.uniform(0.5, 0.9)
    return dict(
        base_lr=base_lr,
        max_lr=base_lr * rng.uniform(1.5, 20),
        step_size_up=rng.randint(1, 500),
        step_size_down=rng.choice([None, rng.randint(1, 500)]),
        mode=mode,
        gamma=1 - _log_uniform(rng, 1e-5, 1e-2) if mode == "exp_range" else 1.0,
        base_momentum=base_momentum,
        max_momentum=rng.uniform(base_momentum, 0.99),
    )


def _cyclic_lr(rng):
    kw = _cyclic_config(rng)
    ours = {k: v for k, v in kw.items() if k not in ("base_momentum", "max_momentum")}
    make = lambda o: torch_sched.CyclicLR(o, **kw)  # noqa: E731
    return Parity(
        functools.partial(schedules.cyclic_lr, **ours), make, _runs(rng, 1000, 5000), kw["base_lr"]
    )


def _cyclic_momentum(rng):
    kw = _cyclic_config(rng)
    ours = {k: v for k, v in kw.items() if k not in ("base_lr", "max_lr")}
    make = lambda o: torch_sched.CyclicLR(o, **kw)  # noqa: E731
    return Parity(
        functools.partial(schedules.cyclic_momentum, **ours),
        make,
        _runs(rng, 1000, 5000),
        kw["base_lr"],
        optimizer=rng.choice(["sgd", "adam"]),
        read=_momentum,
    )


def _one_cycle_config(rng):
    total_steps = rng.randint(10, 4000)
    three_phase = rng.random() < 0.4
    # Valid: pct_start * total_steps > 1, and with three phases phase 2 ends before the last step.
    hi = (total_steps + 0.5) / (2 * total_steps) if three_phase else 0.95
    base_momentum = rng.uniform(0.5, 0.9)
    return dict(
        max_lr=_log_uniform(rng, 1e-4, 10),
        total_steps=total_steps,
        pct_start=rng.uniform(min(2.0 / total_steps, hi), hi),
        anneal_strategy=rng.choice(["cos", "linear"]),
        div_factor=rng.uniform(2, 100),
        final_div_factor=_log_uniform(rng, 1, 1e5),
        three_phase=three_phase,
        base_momentum=base_momentum,
        max_momentum=rng.uniform(base_momentum, 0.99),
    )


def _one_cycle_lr(rng):
    kw = _one_cycle_config(rng)
    ours = {k: v for k, v in kw.items() if k not in ("base_momentum", "max_momentum")}
    make = lambda o: torch_sched.OneCycleLR(o, **kw)  # noqa: E731
    # OneCycleLR accepts steps 0..total_steps inclusive.
    return Parity(
        functools.partial(schedules.one_cycle_lr, **ours), make, kw["total_steps"] + 1, kw["max_lr"]
    )


def _one_cycle_momentum(rng):
    kw = _one_cycle_config(rng)
    ours = {k: v for k, v in kw.items() if k not in ("max_lr", "div_factor", "final_div_factor")}
    make = lambda o: torch_sched.OneCycleLR(o, **kw)  # noqa: E731
    return Parity(
        functools.partial(schedules.one_cycle_momentum, **ours),
        make,
        kw["total_steps"] + 1,
        kw["max_lr"],
        optimizer=rng.choice(["sgd", "adam"]),
        read=_momentum,
    )


def _warmup_training(rng):
    """``(num_warmup_steps, num_training_steps)``: no warmup, all warmup, or in between."""
    total = rng.randint(10, 3000)
    r = rng.random()
    return (0 if r < 0.2 else total if r < 0.25 else rng.randint(1, total)), total


def _past_the_end(rng, num_training_steps):
    return num_training_steps + rng.randint(1, 500)


def _warmup_then_decay(rng, ours, factory, **extra):
    """A transformers schedule of ``(num_warmup_steps, num_training_steps, **extra)``, run past
    its end: the lrlab function ``ours`` against the factory's LambdaLR."""
    w, t = _warmup_training(rng)
    kw = dict(base_lr=_log_uniform(rng, 1e-6, 1), num_warmup_steps=w, num_training_steps=t)
    make = lambda o: factory(o, w, t, **extra)  # noqa: E731
    return Parity(
        functools.partial(ours, **kw, **extra), make, _past_the_end(rng, t), kw["base_lr"]
    )


def _linear_with_warmup(rng):
    return _warmup_then_decay(
        rng, schedules.linear_schedule_with_warmup, transformers.get_linear_schedule_with_warmup
    )


def _cosine_with_warmup(rng):
    return _warmup_then_decay(
        rng,
        schedules.cosine_schedule_with_warmup,
        transformers.get_cosine_schedule_with_warmup,
        num_cycles=rng.choice([0.5, rng.uniform(0.1, 3.0)]),
    )


def _hard_restarts_with_warmup(rng):
    return _warmup_then_decay(
        rng,
        schedules.cosine_with_hard_restarts_schedule_with_warmup,
        transformers.get_cosine_with_hard_restarts_schedule_with_warmup,
        num_cycles=rng.randint(1, 6),
    )


def _cosine_with_min_lr_with_warmup(rng):
    return _warmup_then_decay(
        rng,
        schedules.cosine_with_min_lr_schedule_with_warmup,
        transformers.get_cosine_with_min_lr_schedule_with_warmup,
        num_cycles=rng.choice([0.5, rng.uniform(0.1, 3.0)]),
        min_lr_rate=rng.choice([0.0, 1.0, rng.uniform(0, 1)]),
    )


def _polynomial_with_warmup(rng):
    t = rng.randint(10, 3000)
    w = rng.choice([0, rng.randint(0, t - 1)])
    base_lr = _log_uniform(rng, 1e-6, 1)
    kw = dict(
        base_lr=base_lr,
        num_warmup_steps=w,
        num_training_steps=t,
        lr_end=rng.choice([min(1e-7, base_lr / 2), 0.0, base_lr * rng.uniform(0, 0.9)]),
        power=rng.choice([1.0, rng.uniform(0.2, 4.0)]),
    )
    make = lambda o: transformers.get_polynomial_decay_schedule_with_warmup(  # noqa: E731
        o, w, t, kw["lr_end"], kw["power"]
    )
    return Parity(
        functools.partial(schedules.polynomial_decay_schedule_with_warmup, **kw),
        make,
        _past_the_end(rng, t),
        base_lr,
    )


def _constant_with_warmup(rng):
    w = rng.choice([0, rng.randint(1, 2000)])
    kw = dict(base_lr=_log_uniform(rng, 1e-6, 1), num_warmup_steps=w)
    make = lambda o: transformers.get_constant_schedule_with_warmup(o, w)  # noqa: E731
    return Parity(
        functools.partial(schedules.constant_schedule_with_warmup, **kw),
        make,
        w + _runs(rng, 1000, 2000),
        kw["base_lr"],
    )


def _inverse_sqrt(rng):
    w = rng.choice([0, rng.randint(1, 2000)])
    timescale = rng.choice([None, rng.randint(1, 5000)])
    kw = dict(base_lr=_log_uniform(rng, 1e-6, 1), num_warmup_steps=w, timescale=timescale)
    make = lambda o: transformers.get_inverse_sqrt_schedule(o, w, timescale)  # noqa: E731
    return Parity(
        functools.partial(schedules.inverse_sqrt_schedule, **kw),
        make,
        w + _runs(rng, 1000, 3000),
        kw["base_lr"],
    )


_WSD_TYPES = ["linear", "cosine", "1-sqrt"]


def _wsd_torch(o, kw):
    """transformers' argument order differs: warmup, decay, then stable by keyword."""
    return transformers.get_wsd_schedule(
        o,
        kw["num_warmup_steps"],
        kw["num_decay_steps"],
        num_stable_steps=kw["num_stable_steps"],
        warmup_type=kw["warmup_type"],
        decay_type=kw["decay_type"],
        min_lr_ratio=kw["min_lr_ratio"],
        num_cycles=kw["num_cycles"],
    )


def _warmup_stable_decay(rng):
    kw = dict(
        base_lr=_log_uniform(rng, 1e-6, 1),
        num_warmup_steps=rng.choice([0, rng.randint(1, 800)]),
        num_stable_steps=rng.choice([0, rng.randint(1, 1500)]),
        num_decay_steps=rng.choice([0, rng.randint(1, 1500)]),
        min_lr_ratio=rng.choice([0.0, rng.uniform(0, 0.5)]),
        decay_type=rng.choice(_WSD_TYPES),
        warmup_type=rng.choice(_WSD_TYPES),
        num_cycles=rng.choice([0.5, rng.uniform(0.1, 0.5)]),
    )
    n = (
        kw["num_warmup_steps"]
        + kw["num_stable_steps"]
        + kw["num_decay_steps"]
        + rng.randint(1, 500)
    )
    make = lambda o: _wsd_torch(o, kw)  # noqa: E731
    return Parity(functools.partial(schedules.warmup_stable_decay, **kw), make, n, kw["base_lr"])


def _total_iters(rng, n):
    """0 (torch keeps its step-0 factor for ever), short, or past the end of the run."""
    return rng.choice([0, 1, rng.randint(2, 200), rng.randint(1, n + 200)])


def _constant_lr(rng):
    n = _runs(rng)
    total_iters = _total_iters(rng, n)
    factor = rng.choice([1.0, rng.uniform(0.0, 1.0), 0.0 if total_iters == 0 else 0.5])
    kw = dict(base_lr=_log_uniform(rng, 1e-5, 10), factor=factor, total_iters=total_iters)
    make = lambda o: torch_sched.ConstantLR(o, factor, total_iters)  # noqa: E731
    return Parity(functools.partial(schedules.constant_lr, **kw), make, n, kw["base_lr"])


def _linear_lr(rng):
    n = _runs(rng)
    kw = dict(
        base_lr=_log_uniform(rng, 1e-5, 10),
        start_factor=rng.choice([1.0, rng.uniform(1e-3, 1.0)]),
        end_factor=rng.choice([0.0, 1.0, rng.uniform(0.0, 1.0)]),
        total_iters=_total_iters(rng, n),
    )
    make = lambda o: torch_sched.LinearLR(  # noqa: E731
        o, kw["start_factor"], kw["end_factor"], kw["total_iters"]
    )
    return Parity(functools.partial(schedules.linear_lr, **kw), make, n, kw["base_lr"])


def _polynomial_lr(rng):
    n = _runs(rng)
    kw = dict(
        base_lr=_log_uniform(rng, 1e-5, 10),
        total_iters=_total_iters(rng, n),
        power=rng.choice([1.0, 0.9, 0.0, rng.uniform(0.1, 5.0)]),
    )
    make = lambda o: torch_sched.PolynomialLR(o, kw["total_iters"], kw["power"])  # noqa: E731
    return Parity(functools.partial(schedules.polynomial_lr, **kw), make, n, kw["base_lr"])


class _Every:
    """A factor ``gamma`` every ``every`` steps (a callable object, as torch allows)."""

    def __init__(self, gamma, every):
        self.gamma, self.every = gamma, every

    def __call__(self, k):
        return self.gamma if k % self.every == 0 else 1.0


def _factor_of_step(rng):
    """An lr_lambda for MultiplicativeLR: constant, periodic, varying, or a Python ``if``."""
    gamma = rng.uniform(0.98, 1.0)
    return rng.choice(
        [
            lambda k: gamma,  # exponential decay, one Python call per step
            _Every(rng.uniform(0.1, 0.9), rng.randint(1, 300)),
            lambda k: 1.0 - 1.0 / (k + 50.0),  # vectorised: called once on the array
            lambda k: 1.001 if k < 100 else 0.995,  # rises, then falls
        ]
    )


def _multiplicative_lr(rng):
    lr_lambda = _factor_of_step(rng)
    kw = dict(base_lr=_log_uniform(rng, 1e-5, 10), lr_lambda=lr_lambda)
    make = lambda o: torch_sched.MultiplicativeLR(o, lr_lambda)  # noqa: E731
    return Parity(
        functools.partial(schedules.multiplicative_lr, **kw), make, _runs(rng), kw["base_lr"]
    )


def _cosine_warmup_with_min_lr(rng):
    """transformers' "cosine_warmup_with_min_lr": the warmup may outlast the run (accepted)."""
    total = rng.randint(1, 3000)
    r = rng.random()
    warmup = 0 if r < 0.15 else 1 if r < 0.25 else rng.randint(2, total + 50)
    floor = rng.choice(
        [{"min_lr_rate": rng.choice([0.0, 1.0, rng.uniform(0, 1)])}, {"min_lr": rng.uniform(0, 1)}]
    )
    extra = dict(
        num_cycles=rng.choice([0.5, rng.uniform(0.1, 3.0)]),
        warmup_lr_rate=rng.choice([None, 0.0, rng.uniform(0, 1)]),
        **floor,
    )
    base_lr = _log_uniform(rng, 1e-6, 1)
    if "min_lr" in floor:  # an lr, below base_lr
        extra["min_lr"] = base_lr * floor["min_lr"]
    make = lambda o: transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(  # noqa: E731
        o, warmup, total, **extra
    )
    ours = functools.partial(
        schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate,
        base_lr=base_lr,
        num_warmup_steps=warmup,
        num_training_steps=total,
        **extra,
    )
    return Parity(ours, make, _past_the_end(rng, max(warmup, total)), base_lr)


PARITY = {
    "step_lr-StepLR": _step_lr,
    "multistep_lr-MultiStepLR": _multistep_lr,
    "exponential_lr-ExponentialLR": _exponential_lr,
    "cosine_annealing_lr-CosineAnnealingLR": _cosine_annealing_lr,
    "cosine_annealing_warm_restarts-CosineAnnealingWarmRestarts": _warm_restarts,
    "cyclic_lr-CyclicLR": _cyclic_lr,
    "cyclic_momentum-CyclicLR": _cyclic_momentum,
    "one_cycle_lr-OneCycleLR": _one_cycle_lr,
    "one_cycle_momentum-OneCycleLR": _one_cycle_momentum,
    "linear_schedule_with_warmup-transformers": _linear_with_warmup,
    "cosine_schedule_with_warmup-transformers": _cosine_with_warmup,
    "cosine_with_hard_restarts_schedule_with_warmup-transformers": _hard_restarts_with_warmup,
    "cosine_with_min_lr_schedule_with_warmup-transformers": _cosine_with_min_lr_with_warmup,
    "polynomial_decay_schedule_with_warmup-transformers": _polynomial_with_warmup,
    "constant_schedule_with_warmup-transformers": _constant_with_warmup,
    "inverse_sqrt_schedule-transformers": _inverse_sqrt,
    "warmup_stable_decay-transformers": _warmup_stable_decay,
    "constant_lr-ConstantLR": _constant_lr,
    "linear_lr-LinearLR": _linear_lr,
    "polynomial_lr-PolynomialLR": _polynomial_lr,
    "multiplicative_lr-MultiplicativeLR": _multiplicative_lr,
    "cosine_with_min_lr_schedule_with_warmup_lr_rate-transformers": _cosine_warmup_with_min_lr,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", list(PARITY))
def test_one_call_equals_stepping_the_reference_for_random_valid_parameters(case, seed):
    """The lrlab function on np.arange(n) equals the reference stepped n times."""
    p = PARITY[case](random.Random(f"{case}:{seed}"))
    ref = torch_curve(p.make, p.n, p.lr, p.optimizer, p.read)
    assert_matches(p.ours(np.arange(p.n)), ref, f"{_describe(p.ours)} [{p.optimizer}, {p.n} steps]")


def test_parity_table_covers_every_registered_schedule():
    covered = {name.split("-")[0] for name in PARITY}
    # reduce_lr_on_plateau and greedy_lr are functions of the metrics: their parity tests feed
    # metrics below.
    assert covered == set(schedules.SCHEDULES) - {"reduce_lr_on_plateau", "greedy_lr"}


# Fractional epochs: the SGDR loop calls scheduler.step(epoch + i / iters) once per batch.


def warm_restarts_epoch_curve(kw, epochs):
    """Torch's lr after ``scheduler.step(epoch)`` for each epoch in turn (the SGDR batch loop)."""
    out = np.empty(len(epochs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # step(epoch) is deprecated, still used
        opt = _optimizer("sgd", kw["base_lr"])
        scheduler = _warm_restarts_torch(opt, kw)
        for i, epoch in enumerate(epochs):
            scheduler.step(epoch)
            out[i] = scheduler.get_last_lr()[0]
    return out


def _batch_epochs(n_epochs: int, iters: int) -> list[float]:
    """``epoch + i / iters`` exactly as the documented SGDR loop computes it."""
    return [epoch + i / iters for epoch in range(n_epochs) for i in range(iters)]


def _assert_matches_epoch_loop(ours, kw, epochs, what):
    """Fractional epochs against ``step(epoch)``; whole epochs against successive ``step()``.

    The contract's split: at a whole epoch torch's ``step(epoch)`` can land a cycle early (see
    the test of its rounding below), while successive ``step()`` calls count exactly.
    """
    fractional = np.array([e != math.floor(e) for e in epochs])
    ref = warm_restarts_epoch_curve(kw, epochs)
    assert_matches(ours[fractional], ref[fractional], what + " at fractional epochs")
    whole = np.array(epochs)[~fractional].astype(int)
    successive = torch_curve(
        lambda o: _warm_restarts_torch(o, kw), int(whole.max()) + 1, kw["base_lr"]
    )
    assert_matches(ours[~fractional], successive[whole], what + " at whole epochs")


@pytest.mark.parametrize("seed", SEEDS)
def test_cosine_annealing_warm_restarts_fractional_steps_match_step_epoch(seed):
    rng = random.Random(f"warm_restarts_fractional:{seed}")
    kw = _warm_restarts_config(rng)
    iters = rng.randint(2, 20)
    epochs = _batch_epochs(rng.randint(1000, 4000) // iters, iters)
    ours = schedules.cosine_annealing_warm_restarts(np.array(epochs), **kw)
    what = _describe(functools.partial(schedules.cosine_annealing_warm_restarts, **kw))
    _assert_matches_epoch_loop(ours, kw, epochs, what)


@pytest.mark.parametrize("warmup_type", _WSD_TYPES)
@pytest.mark.parametrize("decay_type", _WSD_TYPES)
@pytest.mark.parametrize("min_lr_ratio", [0.0, 0.1])
def test_warmup_stable_decay_every_warmup_and_decay_type_matches_transformers(
    warmup_type, decay_type, min_lr_ratio
):
    kw = dict(
        base_lr=0.3,
        num_warmup_steps=200,
        num_stable_steps=700,
        num_decay_steps=900,
        min_lr_ratio=min_lr_ratio,
        decay_type=decay_type,
        warmup_type=warmup_type,
        num_cycles=0.5,
    )
    n = 2000
    ref = torch_curve(lambda o: _wsd_torch(o, kw), n, kw["base_lr"])
    assert_matches(
        schedules.warmup_stable_decay(np.arange(n), **kw),
        ref,
        _describe(functools.partial(schedules.warmup_stable_decay, **kw)),
    )


# ---------------------------------------------------------------------------------------------
# ReduceLROnPlateau: the one schedule of the metrics, not of the step.


def plateau_curve(metrics, base_lr, **kwargs):
    """Torch's lr after each ``scheduler.step(metric)``."""
    opt = _optimizer("sgd", base_lr)
    scheduler = torch_sched.ReduceLROnPlateau(opt, **kwargs)
    out = np.empty(len(metrics))
    for i, metric in enumerate(metrics):
        scheduler.step(metric)
        out[i] = scheduler.get_last_lr()[0]
    return out


def _metrics(rng: random.Random, kind: str, n: int) -> list[float]:
    if kind == "random_walk":
        x, out = rng.uniform(-1, 1), []
        for _ in range(n):
            x += rng.gauss(0, 0.05)
            out.append(x)
        return out
    if kind == "plateaus":  # piecewise constant: long runs of exactly equal values
        out, level = [], rng.uniform(0.5, 2)
        while len(out) < n:
            out += [level] * rng.randint(1, 60)
            level *= rng.choice([1.0, 0.999, 0.99, 0.9, 1.01])
        return out[:n]
    if kind == "noisy_decreasing":  # a validation loss
        return [0.1 + 2 * math.exp(-i / (n / 5)) + rng.gauss(0, 0.02) for i in range(n)]
    if kind == "noisy_increasing":  # an accuracy, for mode="max"
        return [1 - 0.9 * math.exp(-i / (n / 5)) + rng.gauss(0, 0.01) for i in range(n)]
    raise AssertionError(kind)


def _plateau_config(rng):
    base_lr = _log_uniform(rng, 1e-4, 1)
    threshold_mode = rng.choice(["rel", "abs"])
    return (
        dict(
            mode=rng.choice(["min", "max"]),
            factor=rng.uniform(0.05, 0.9),
            patience=rng.randint(0, 20),
            threshold=rng.choice([0.0, _log_uniform(rng, 1e-6, 1e-1)]),
            threshold_mode=threshold_mode,
            cooldown=rng.choice([0, rng.randint(1, 15)]),
            min_lr=rng.choice([0.0, base_lr * _log_uniform(rng, 1e-4, 0.5)]),
            eps=rng.choice([1e-8, base_lr * _log_uniform(rng, 1e-6, 1e-1)]),
        ),
        base_lr,
    )


@pytest.mark.parametrize(
    "kind", ["random_walk", "plateaus", "noisy_decreasing", "noisy_increasing"]
)
@pytest.mark.parametrize("seed", range(12))
def test_reduce_lr_on_plateau_matches_torch_fed_the_same_metrics(seed, kind):
    rng = random.Random(f"plateau:{kind}:{seed}")
    kw, base_lr = _plateau_config(rng)
    if kind == "noisy_increasing":
        kw["mode"] = "max"
    metrics = _metrics(rng, kind, rng.randint(300, 2000))
    ref = plateau_curve(metrics, base_lr, **kw)
    ours = schedules.reduce_lr_on_plateau(metrics, base_lr, **kw)
    assert_matches(
        ours,
        ref,
        _describe(functools.partial(schedules.reduce_lr_on_plateau, base_lr=base_lr, **kw))
        + f" on {kind}",
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(mode="min", threshold_mode="rel"),
        dict(mode="min", threshold_mode="abs", threshold=0.05),
        dict(mode="max", threshold_mode="rel"),
        dict(mode="max", threshold_mode="abs", threshold=0.05),
        dict(cooldown=5, patience=2),
        dict(min_lr=0.003, patience=1, factor=0.5),
        dict(
            eps=0.02, factor=0.5, patience=0
        ),  # 0.1 -> 0.05 -> 0.025, then steps < eps are skipped
        dict(patience=0, factor=0.5, threshold=0.0),
    ],
    ids=["min-rel", "min-abs", "max-rel", "max-abs", "cooldown", "min_lr", "eps", "patience0"],
)
def test_reduce_lr_on_plateau_modes_cooldown_min_lr_eps_match_torch(kwargs):
    rng = random.Random(f"plateau-edge:{sorted(kwargs.items())}")
    kind = "noisy_increasing" if kwargs.get("mode") == "max" else "random_walk"
    metrics = _metrics(rng, kind, 1500)
    ref = plateau_curve(metrics, 0.1, **kwargs)
    assert len(set(ref.tolist())) > 1, "the edge case must reduce the lr at least once"
    assert_matches(
        schedules.reduce_lr_on_plateau(metrics, 0.1, **kwargs),
        ref,
        _describe(functools.partial(schedules.reduce_lr_on_plateau, **kwargs)),
    )


def test_reduce_lr_on_plateau_accepts_an_array_of_metrics():
    metrics = np.array(_metrics(random.Random(1), "plateaus", 500))
    ref = plateau_curve(metrics.tolist(), 0.1, patience=3)
    ours = schedules.reduce_lr_on_plateau(metrics, 0.1, patience=3)
    assert isinstance(ours, np.ndarray) and ours.dtype == np.float64 and ours.shape == (500,)
    assert_matches(ours, ref, "reduce_lr_on_plateau(array)")


# ---------------------------------------------------------------------------------------------
# GreedyLR (transformers): fed metrics too; it also raises the lr, and resets at the floor.


def greedy_curve(metrics, base_lr, **kwargs):
    """transformers' lr after each ``GreedyLR.step(metric)``."""
    scheduler = transformers.optimization.GreedyLR(_optimizer("sgd", base_lr), **kwargs)
    out = np.empty(len(metrics))
    for i, metric in enumerate(metrics):
        scheduler.step(metric)
        out[i] = scheduler.get_last_lr()[0]
    return out


def _greedy_config(rng):
    base_lr = _log_uniform(rng, 1e-3, 1)
    return (
        dict(
            mode=rng.choice(["min", "max"]),
            factor=rng.uniform(0.3, 0.99),
            patience=rng.randint(0, 15),
            threshold=rng.choice([0.0, 1e-6, _log_uniform(rng, 1e-6, 1e-2)]),
            threshold_mode=rng.choice(["abs", "rel"]),
            cooldown=rng.choice([0, rng.randint(1, 10)]),
            warmup=rng.choice([0, rng.randint(1, 10)]),
            min_lr=rng.choice([1e-3, base_lr * rng.uniform(0.01, 0.5)]),
            max_lr=rng.choice([1.0, base_lr * rng.uniform(1.0, 10.0)]),
            eps=rng.choice([1e-8, base_lr * 1e-3]),
            smooth=rng.random() < 0.4,
            window_size=rng.randint(1, 60),
            reset_start=rng.choice([500, rng.randint(1, 30)]),
        ),
        base_lr,
    )


@pytest.mark.parametrize(
    "kind", ["random_walk", "plateaus", "noisy_decreasing", "noisy_increasing"]
)
@pytest.mark.parametrize("seed", range(12))
def test_greedy_lr_matches_transformers_fed_the_same_metrics(seed, kind):
    rng = random.Random(f"greedy:{kind}:{seed}")
    kw, base_lr = _greedy_config(rng)
    if kind == "noisy_increasing":
        kw["mode"] = "max"
    metrics = _metrics(rng, kind, rng.randint(300, 2000))
    ref = greedy_curve(metrics, base_lr, **kw)
    ours = schedules.greedy_lr(metrics, base_lr, **kw)
    assert_matches(
        ours,
        ref,
        _describe(functools.partial(schedules.greedy_lr, base_lr=base_lr, **kw)) + f" on {kind}",
    )


def _zigzag(n, period=60):
    """A metric that improves for ``period`` steps, then stalls as long: rises and cuts."""
    return [
        1.0 - 0.01 * min(i % (2 * period), period) - 0.1 * (i // (2 * period)) for i in range(n)
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(mode="max", threshold_mode="rel", threshold=1e-3),
        dict(threshold_mode="rel", threshold=0.0, patience=0),
        dict(cooldown=7, warmup=4, patience=3),
        dict(smooth=True, window_size=5, patience=2),
        dict(smooth=True, window_size=1),
        dict(min_lr=0.05, patience=1, reset_start=3),  # reaches the floor and resets
        dict(max_lr=0.12, patience=1, factor=0.5, eps=0.01),  # rises skipped below eps
        # values transformers computes a schedule from, accepted as there
        dict(patience=-1),  # every metric changes the lr
        dict(threshold=-1e-3, patience=2),  # a worse metric can count as better
        dict(cooldown=-1, warmup=-2, patience=2),  # no cooldown, no warmup
        dict(eps=-1e-8, patience=2, min_lr=0.05),  # a change of 0 at the floor is applied
        dict(factor=-0.5, patience=2, min_lr=0.01),  # cuts go to the floor, rises never apply
        dict(window_size=0, patience=2),  # unused without smooth
    ],
    ids=[
        "defaults",
        "max-rel",
        "rel-patience0",
        "cooldown-warmup",
        "smooth",
        "window1",
        "reset",
        "eps",
        "patience-negative",
        "threshold-negative",
        "cooldown-warmup-negative",
        "eps-negative",
        "factor-negative",
        "window0-unsmoothed",
    ],
)
def test_greedy_lr_modes_smoothing_floor_reset_and_eps_match_transformers(kwargs):
    metrics = _zigzag(1500)
    if kwargs.get("mode") == "max":
        metrics = [-m for m in metrics]
    ref = greedy_curve(metrics, 0.1, **kwargs)
    if kwargs.get("factor", 0.95) > 0:  # a negative factor only cuts, to the floor at once
        assert len(set(ref.tolist())) > 2, "the edge case must raise and cut the lr"
    assert_matches(
        schedules.greedy_lr(metrics, 0.1, **kwargs),
        ref,
        _describe(functools.partial(schedules.greedy_lr, **kwargs)),
    )


def test_greedy_lr_resets_to_base_lr_after_reset_start_cuts_at_the_floor():
    metrics = [1.0] * 40  # improves on the first metric only (on inf), then never
    kw = dict(patience=0, factor=0.5, min_lr=0.025, reset_start=2)
    ours = schedules.greedy_lr(metrics, 0.1, **kw)
    assert_matches(ours, greedy_curve(metrics, 0.1, **kw), "greedy reset")
    # raised to 0.2, cut to 0.1, 0.05, 0.025 (the floor: 1 of 2 cuts there), a 2nd cut at the
    # floor resets to 0.1 and best to inf, so the next metric improves again: 0.2
    assert ours[:6] == pytest.approx([0.2, 0.1, 0.05, 0.025, 0.1, 0.2], rel=1e-12)


def test_greedy_lr_of_no_metrics_is_empty_and_keeps_its_input():
    assert schedules.greedy_lr([], 0.1).shape == (0,)
    metrics = np.linspace(1, 0, 50)
    before = metrics.copy()
    values = schedules.greedy_lr(metrics, 0.1, patience=0)
    assert values.dtype == np.float64 and values.shape == (50,)
    np.testing.assert_array_equal(metrics, before)


# ---------------------------------------------------------------------------------------------
# Composition: sequential (SequentialLR) and lambda_lr (LambdaLR).


def _sequential_curve(make_pieces, milestones, n, lr):
    def make(o):
        return torch_sched.SequentialLR(o, make_pieces(o), milestones)

    return torch_curve(make, n, lr)


@pytest.mark.parametrize("seed", range(10))
def test_sequential_exponential_then_cosine_matches_torch_sequentiallr(seed):
    rng = random.Random(f"sequential2:{seed}")
    lr, gamma, t_max, eta_min = (
        _log_uniform(rng, 1e-4, 1),
        rng.uniform(0.9, 1.0),
        rng.randint(1, 1500),
        0.0,
    )
    milestone = rng.randint(1, 1500)
    n = milestone + rng.randint(500, 2000)
    ref = _sequential_curve(
        lambda o: [
            torch_sched.ExponentialLR(o, gamma),
            torch_sched.CosineAnnealingLR(o, t_max, eta_min),
        ],
        [milestone],
        n,
        lr,
    )
    schedule = schedules.sequential(
        [
            functools.partial(schedules.exponential_lr, base_lr=lr, gamma=gamma),
            functools.partial(
                schedules.cosine_annealing_lr, base_lr=lr, T_max=t_max, eta_min=eta_min
            ),
        ],
        [milestone],
    )
    assert_matches(
        schedule(np.arange(n)),
        ref,
        f"sequential(exponential {gamma}, cosine {t_max}) at {milestone}",
    )


@pytest.mark.parametrize("seed", range(10))
def test_sequential_step_then_exponential_then_cosine_matches_torch_sequentiallr(seed):
    rng = random.Random(f"sequential3:{seed}")
    lr, step_size, gamma = _log_uniform(rng, 1e-4, 1), rng.randint(1, 200), rng.uniform(0.1, 0.9)
    gamma2, t_max = rng.uniform(0.95, 1.0), rng.randint(1, 1000)
    m1 = rng.randint(1, 800)
    m2 = m1 + rng.randint(1, 800)
    n = m2 + rng.randint(500, 1500)
    ref = _sequential_curve(
        lambda o: [
            torch_sched.StepLR(o, step_size, gamma),
            torch_sched.ExponentialLR(o, gamma2),
            torch_sched.CosineAnnealingLR(o, t_max),
        ],
        [m1, m2],
        n,
        lr,
    )
    schedule = schedules.sequential(
        [
            functools.partial(schedules.step_lr, base_lr=lr, step_size=step_size, gamma=gamma),
            functools.partial(schedules.exponential_lr, base_lr=lr, gamma=gamma2),
            functools.partial(schedules.cosine_annealing_lr, base_lr=lr, T_max=t_max),
        ],
        [m1, m2],
    )
    assert_matches(
        schedule(np.arange(n)), ref, f"sequential(step, exponential, cosine) at {m1}, {m2}"
    )


def test_sequential_gives_each_piece_its_local_step():
    """Right after a milestone the next piece starts again from its own step 0."""
    lr, milestone = 0.2, 50
    schedule = schedules.sequential(
        [
            functools.partial(schedules.exponential_lr, base_lr=lr, gamma=0.9),
            functools.partial(schedules.step_lr, base_lr=lr, step_size=10, gamma=0.5),
        ],
        [milestone],
    )
    ref = _sequential_curve(
        lambda o: [torch_sched.ExponentialLR(o, 0.9), torch_sched.StepLR(o, 10, 0.5)],
        [milestone],
        200,
        lr,
    )
    assert schedule(milestone) == pytest.approx(lr, rel=1e-12)  # step 0 of StepLR: its base lr
    assert schedule(milestone + 10) == pytest.approx(lr * 0.5, rel=1e-12)
    assert_matches(schedule(np.arange(200)), ref, "sequential(exponential, step)")


def _lambda_with_branch(t):
    """A lambda a reader writes: a Python ``if``, so it cannot take an array."""
    if t < 100:
        return (t + 1) / 100
    return 0.5 ** ((t - 100) // 250)


@pytest.mark.parametrize(
    "lr_lambda",
    [lambda t: 0.997**t, lambda t: 1 / (1 + 0.01 * t), _lambda_with_branch],
    ids=["power", "inverse", "python_if"],
)
def test_lambda_lr_matches_torch_lambdalr(lr_lambda):
    n, lr = 3000, 0.05
    ref = torch_curve(lambda o: torch_sched.LambdaLR(o, lr_lambda), n, lr)
    assert_matches(schedules.lambda_lr(np.arange(n), lr, lr_lambda), ref, "lambda_lr")
    assert schedules.lambda_lr(7, lr, lr_lambda) == pytest.approx(ref[7], rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Named edge cases of the parity


def test_step_zero_is_the_starting_lr_of_every_torch_scheduler():
    cases = [
        (schedules.step_lr(0, 0.1, 30), lambda o: torch_sched.StepLR(o, 30)),
        (schedules.exponential_lr(0, 0.1, 0.9), lambda o: torch_sched.ExponentialLR(o, 0.9)),
        (
            schedules.cosine_annealing_lr(0, 0.1, 50, 0.01),
            lambda o: torch_sched.CosineAnnealingLR(o, 50, 0.01),
        ),
        (
            schedules.cosine_annealing_warm_restarts(0, 0.1, 5, 2),
            lambda o: torch_sched.CosineAnnealingWarmRestarts(o, 5, 2),
        ),
        (schedules.cyclic_lr(0, 0.01, 0.1, 20), lambda o: torch_sched.CyclicLR(o, 0.01, 0.1, 20)),
        (schedules.one_cycle_lr(0, 0.1, 100), lambda o: torch_sched.OneCycleLR(o, 0.1, 100)),
        (
            schedules.linear_schedule_with_warmup(0, 0.1, 10, 100),
            lambda o: transformers.get_linear_schedule_with_warmup(o, 10, 100),
        ),
        (
            schedules.linear_schedule_with_warmup(0, 0.1, 0, 100),
            lambda o: transformers.get_linear_schedule_with_warmup(o, 0, 100),
        ),
        (
            schedules.inverse_sqrt_schedule(0, 0.1, 0),
            lambda o: transformers.get_inverse_sqrt_schedule(o, 0),
        ),
    ]
    for ours, make in cases:
        assert ours == pytest.approx(torch_curve(make, 1)[0], rel=1e-12, abs=0.0)


def test_multistep_lr_with_milestone_zero_decays_at_step_zero():
    ref = torch_curve(lambda o: torch_sched.MultiStepLR(o, [0, 5]), 10)
    assert ref[0] == pytest.approx(0.01)  # torch applies a milestone 0 in its constructor
    assert_matches(schedules.multistep_lr(np.arange(10), 0.1, [0, 5]), ref, "multistep_lr([0, 5])")


def test_multistep_lr_with_repeated_and_unsorted_milestones_multiplies_gamma_per_repeat():
    milestones = [60, 20, 60, 40, 20, 20]
    ref = torch_curve(lambda o: torch_sched.MultiStepLR(o, milestones, 0.5), 100)
    ours = schedules.multistep_lr(np.arange(100), 0.1, milestones, 0.5)
    assert_matches(ours, ref, "multistep_lr(repeated, unsorted)")
    assert ours[20] == pytest.approx(0.1 * 0.5**3) and ours[99] == pytest.approx(0.1 * 0.5**6)


def test_cosine_annealing_lr_last_step_and_beyond_t_max():
    """At T_max the lr is eta_min; after it torch's cosine climbs back up for another T_max."""
    n, t_max = 1001, 200
    ref = torch_curve(lambda o: torch_sched.CosineAnnealingLR(o, t_max, 0.001), n)
    ours = schedules.cosine_annealing_lr(np.arange(n), 0.1, t_max, 0.001)
    assert_matches(ours, ref, "cosine_annealing_lr past T_max")
    assert ours[t_max] == pytest.approx(0.001) and ours[2 * t_max] == pytest.approx(0.1)


@pytest.mark.parametrize("t_mult", [2, 3])
def test_warm_restarts_t_mult_above_one_restarts_at_growing_periods(t_mult):
    n = 2000
    ref = torch_curve(lambda o: torch_sched.CosineAnnealingWarmRestarts(o, 7, t_mult, 0.002), n)
    ours = schedules.cosine_annealing_warm_restarts(np.arange(n), 0.1, 7, t_mult, 0.002)
    assert_matches(ours, ref, f"warm restarts T_mult={t_mult}")
    restarts = [7, 7 + 7 * t_mult, 7 + 7 * t_mult + 7 * t_mult**2]
    assert all(ours[r] == pytest.approx(0.1) for r in restarts)


def test_warm_restarts_fractional_epochs_with_t_mult_match_step_epoch():
    kw = dict(base_lr=0.1, T_0=3, T_mult=2, eta_min=0.001)
    epochs = _batch_epochs(400, 8)
    ours = schedules.cosine_annealing_warm_restarts(np.array(epochs), **kw)
    _assert_matches_epoch_loop(ours, kw, epochs, "warm restarts step(epoch + i/iters)")
    for epoch in (1.25, 3.5, 9.875, 100.125):  # a float in, a float out, one at a time too
        assert schedules.cosine_annealing_warm_restarts(epoch, **kw) == pytest.approx(
            warm_restarts_epoch_curve(kw, [epoch])[0], rel=1e-9
        )


def test_warm_restarts_whole_epoch_at_a_restart_follows_successive_steps_not_step_epoch_rounding():
    """torch's ``step(121)`` with T_0=1, T_mult=3 computes the cycle as ``int(log_3(243))`` =
    ``int(4.999...)`` = 4 and returns eta_min; 121 successive ``step()`` calls restart at base_lr.
    The contract maps whole steps to successive ``step()`` calls."""
    kw = dict(base_lr=0.1, T_0=1, T_mult=3, eta_min=0.001)
    assert warm_restarts_epoch_curve(kw, [121.0])[0] == pytest.approx(0.001)  # the rounding
    successive = torch_curve(lambda o: _warm_restarts_torch(o, kw), 122, 0.1)[121]
    assert successive == pytest.approx(0.1)
    for step in (121, 121.0, np.array([121]), np.array([121.0])):
        assert np.all(
            schedules.cosine_annealing_warm_restarts(step, **kw)
            == pytest.approx(successive, rel=1e-12)
        )


@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_steps_zero_to_total_steps_inclusive(anneal_strategy, three_phase):
    kw = dict(
        max_lr=0.4,
        total_steps=1000,
        pct_start=0.25,
        anneal_strategy=anneal_strategy,
        three_phase=three_phase,
    )
    ref = torch_curve(lambda o: torch_sched.OneCycleLR(o, **kw), 1001, 0.4)
    ours = schedules.one_cycle_lr(np.arange(1001), **kw)
    assert_matches(ours, ref, _describe(functools.partial(schedules.one_cycle_lr, **kw)))
    mom = torch_curve(lambda o: torch_sched.OneCycleLR(o, **kw), 1001, 0.4, read=_momentum)
    assert_matches(
        schedules.one_cycle_momentum(np.arange(1001), 1000, 0.25, anneal_strategy, three_phase),
        mom,
        "momentum",
    )


def test_one_cycle_step_after_total_steps_raises_like_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scheduler = torch_sched.OneCycleLR(_optimizer("sgd", 0.1), 0.1, total_steps=20)
        for _ in range(20):
            scheduler.step()
        with pytest.raises(ValueError):
            scheduler.step()  # step 21
    for call in (
        lambda: schedules.one_cycle_lr(21, 0.1, 20),
        lambda: schedules.one_cycle_lr(np.arange(22), 0.1, 20),
        lambda: schedules.one_cycle_momentum(21, 20),
    ):
        with pytest.raises(ValueError, match=r"step.*21"):
            call()
    assert schedules.one_cycle_lr(20, 0.1, 20) == pytest.approx(
        scheduler.get_last_lr()[0], rel=1e-9
    )


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_modes_match_torch_over_several_cycles(mode):
    kw = dict(
        base_lr=0.001, max_lr=0.1, step_size_up=150, step_size_down=50, mode=mode, gamma=0.999
    )
    n = 2000  # ten cycles
    ref = torch_curve(lambda o: torch_sched.CyclicLR(o, **kw), n, 0.001)
    ours = schedules.cyclic_lr(np.arange(n), **kw)
    assert_matches(ours, ref, _describe(functools.partial(schedules.cyclic_lr, **kw)))
    if mode == "triangular2":
        assert ours[150 + 200] == pytest.approx(0.001 + 0.099 / 2)  # second peak halved


def test_warmup_of_zero_steps_starts_at_the_base_lr():
    lr = 0.1
    assert schedules.linear_schedule_with_warmup(0, lr, 0, 100) == pytest.approx(lr)
    assert schedules.cosine_schedule_with_warmup(0, lr, 0, 100) == pytest.approx(lr)
    assert schedules.cosine_with_hard_restarts_schedule_with_warmup(0, lr, 0, 100) == pytest.approx(
        lr
    )
    assert schedules.polynomial_decay_schedule_with_warmup(0, lr, 0, 100) == pytest.approx(lr)
    assert schedules.constant_schedule_with_warmup(0, lr, 0) == pytest.approx(lr)
    assert schedules.warmup_stable_decay(0, lr, 0, 10, 10) == pytest.approx(lr)


@pytest.mark.parametrize(
    "ours, factory, extra, at_end",
    [
        (
            schedules.linear_schedule_with_warmup,
            transformers.get_linear_schedule_with_warmup,
            {},
            0,
        ),
        (
            schedules.cosine_schedule_with_warmup,
            transformers.get_cosine_schedule_with_warmup,
            {},
            0,
        ),
        (
            schedules.cosine_with_hard_restarts_schedule_with_warmup,
            transformers.get_cosine_with_hard_restarts_schedule_with_warmup,
            {"num_cycles": 3},
            0,
        ),
        (
            schedules.polynomial_decay_schedule_with_warmup,
            transformers.get_polynomial_decay_schedule_with_warmup,
            {"lr_end": 1e-4, "power": 2.0},
            1e-4,
        ),
    ],
    ids=["linear", "cosine", "hard_restarts", "polynomial"],
)
def test_last_step_and_one_past_it_match_transformers(ours, factory, extra, at_end):
    """At num_training_steps the decay ends at 0 (or lr_end); one step later transformers' cosine
    is already rising again (it is not clamped), and lrlab follows it."""
    t, lr = 500, 0.1
    ref = torch_curve(lambda o: factory(o, 50, t, **extra), t + 2, lr)
    values = ours(np.array([t - 1, t, t + 1]), lr, 50, t, **extra)
    assert_matches(values, ref[t - 1 :], ours.__name__)
    assert values[1] == pytest.approx(at_end, abs=1e-15)


@pytest.mark.parametrize("power", [0.5, 1.0, 3.0])
def test_polynomial_power_and_steps_beyond_training_match_transformers(power):
    ref = torch_curve(
        lambda o: transformers.get_polynomial_decay_schedule_with_warmup(o, 100, 1000, 1e-5, power),
        1500,
        0.01,
    )
    ours = schedules.polynomial_decay_schedule_with_warmup(
        np.arange(1500), 0.01, 100, 1000, 1e-5, power
    )
    assert_matches(ours, ref, f"polynomial power={power}")
    assert np.all(ours[1000:] == pytest.approx(1e-5))


@pytest.mark.parametrize(
    "ours, factory, kwargs",
    [
        (
            schedules.cosine_with_min_lr_schedule_with_warmup,
            transformers.get_cosine_with_min_lr_schedule_with_warmup,
            dict(num_warmup_steps=150, num_training_steps=100, min_lr_rate=0.2),
        ),
        (
            schedules.cosine_with_min_lr_schedule_with_warmup,
            transformers.get_cosine_with_min_lr_schedule_with_warmup,
            dict(num_warmup_steps=101, num_training_steps=100, num_cycles=0.1, min_lr_rate=0.0),
        ),
        (
            schedules.polynomial_decay_schedule_with_warmup,
            transformers.get_polynomial_decay_schedule_with_warmup,
            dict(num_warmup_steps=120, num_training_steps=100, lr_end=1e-4),
        ),
        (
            schedules.polynomial_decay_schedule_with_warmup,
            transformers.get_polynomial_decay_schedule_with_warmup,
            dict(num_warmup_steps=10, num_training_steps=100, lr_end=1e-4, power=0.0),
        ),
    ],
    ids=["min_lr-warmup>training", "min_lr-warmup=training+1", "poly-warmup>training", "poly-0"],
)
def test_transformers_values_outside_the_degenerate_cases_are_accepted_and_match(
    ours, factory, kwargs
):
    """CONTRACT 2b lists a warmup longer than training as degenerate only for the linear,
    cosine and hard-restarts warmups: the others compute what transformers computes."""
    ref = torch_curve(lambda o: factory(o, **kwargs), 300, 0.1)
    assert_matches(ours(np.arange(300), 0.1, **kwargs), ref, f"{ours.__name__} {kwargs}")


@pytest.mark.parametrize("timescale", [None, 37, 5000])
@pytest.mark.parametrize("warmup", [0, 100])
def test_inverse_sqrt_with_and_without_timescale_matches_transformers(timescale, warmup):
    ref = torch_curve(
        lambda o: transformers.get_inverse_sqrt_schedule(o, warmup, timescale), 3000, 0.01
    )
    ours = schedules.inverse_sqrt_schedule(np.arange(3000), 0.01, warmup, timescale)
    assert_matches(ours, ref, f"inverse_sqrt warmup={warmup} timescale={timescale}")


@pytest.mark.parametrize(
    "ours, make",
    [
        (
            functools.partial(schedules.constant_lr, factor=0.25, total_iters=0),
            lambda o: torch_sched.ConstantLR(o, 0.25, 0),
        ),
        (
            functools.partial(schedules.constant_lr, factor=0.0, total_iters=0),
            lambda o: torch_sched.ConstantLR(o, 0.0, 0),
        ),
        (
            functools.partial(schedules.linear_lr, start_factor=0.25, total_iters=0),
            lambda o: torch_sched.LinearLR(o, 0.25, 1.0, 0),
        ),
        (
            functools.partial(schedules.polynomial_lr, total_iters=0, power=-2.0),
            lambda o: torch_sched.PolynomialLR(o, 0, -2.0),
        ),
        # a negative total_iters, which torch takes: as 0
        (
            functools.partial(schedules.constant_lr, factor=0.25, total_iters=-3),
            lambda o: torch_sched.ConstantLR(o, 0.25, -3),
        ),
        (
            functools.partial(schedules.constant_lr, factor=0.0, total_iters=-1),
            lambda o: torch_sched.ConstantLR(o, 0.0, -1),
        ),
        (
            functools.partial(schedules.linear_lr, start_factor=0.5, total_iters=-7),
            lambda o: torch_sched.LinearLR(o, 0.5, 0.1, -7),
        ),
        (
            functools.partial(schedules.polynomial_lr, total_iters=-2, power=3.0),
            lambda o: torch_sched.PolynomialLR(o, -2, 3.0),
        ),
    ],
    ids=[
        "constant",
        "constant-factor0",
        "linear",
        "polynomial-negative-power",
        "constant-negative",
        "constant-factor0-negative",
        "linear-negative",
        "polynomial-negative",
    ],
)
def test_total_iters_zero_keeps_the_step_zero_factor_as_torch_does(ours, make):
    """torch's first update of these would come at step total_iters <= 0, already done: its
    running product keeps the factor of step 0 for ever (its closed form, used by step(epoch),
    divides by zero there, or gives another lr for a negative total_iters)."""
    ref = torch_curve(make, 50, 0.1)
    assert_matches(ours(np.arange(50), 0.1), ref, _describe(ours))
    assert np.all(ref == ref[0])


@pytest.mark.parametrize(
    "ours, make, end",
    [
        (
            functools.partial(
                schedules.linear_lr, start_factor=1.0, end_factor=0.0, total_iters=40
            ),
            lambda o: torch_sched.LinearLR(o, 1.0, 0.0, 40),
            0.0,
        ),
        (
            functools.partial(schedules.linear_lr, start_factor=0.01, total_iters=40),
            lambda o: torch_sched.LinearLR(o, 0.01, 1.0, 40),
            0.1,
        ),
        (
            functools.partial(schedules.constant_lr, factor=0.1, total_iters=40),
            lambda o: torch_sched.ConstantLR(o, 0.1, 40),
            0.1,
        ),
        (
            functools.partial(schedules.polynomial_lr, total_iters=40, power=0.9),
            lambda o: torch_sched.PolynomialLR(o, 40, 0.9),
            0.0,
        ),
        (
            functools.partial(schedules.polynomial_lr, total_iters=40, power=0.0),
            lambda o: torch_sched.PolynomialLR(o, 40, 0.0),
            0.1,  # torch's 0.0 ** 0 is 1: the lr never moves
        ),
    ],
    ids=["linear-decay-to-0", "linear-warmup", "constant", "poly-0.9", "poly-power-0"],
)
def test_factor_schedules_at_total_iters_and_past_it_match_torch(ours, make, end):
    ref = torch_curve(make, 100, 0.1)
    values = ours(np.arange(100), 0.1)
    assert_matches(values, ref, _describe(ours))
    assert np.all(np.abs(values[40:] - end) <= 1e-15)


def test_linear_lr_warmup_then_cosine_matches_torch_sequentiallr():
    """PyTorch's own warmup: LinearLR, then CosineAnnealingLR at the milestone."""

    def make(o):
        warmup = torch_sched.LinearLR(o, start_factor=0.01, total_iters=50)
        cosine = torch_sched.CosineAnnealingLR(o, T_max=950, eta_min=1e-5)
        return torch_sched.SequentialLR(o, [warmup, cosine], milestones=[50])

    schedule = schedules.sequential(
        [
            functools.partial(schedules.linear_lr, base_lr=0.1, start_factor=0.01, total_iters=50),
            functools.partial(schedules.cosine_annealing_lr, base_lr=0.1, T_max=950, eta_min=1e-5),
        ],
        [50],
    )
    assert_matches(schedule(np.arange(1200)), torch_curve(make, 1200, 0.1), "LinearLR + cosine")


def test_multiplicative_lr_calls_a_python_if_lambda_once_per_step_like_torch():
    calls = []

    def factor(k):
        calls.append(k)
        return 0.5 if k in (30, 60) else 1.0

    ours = schedules.multiplicative_lr(np.arange(100), 0.1, factor)
    tried, *each = calls  # one call on the array of steps, which fails on the `in` ...
    assert isinstance(tried, np.ndarray) and each == list(range(1, 100))  # ... then 1..99, once
    assert_matches(ours, torch_curve(lambda o: torch_sched.MultiplicativeLR(o, factor), 100), "if")
    assert ours[[29, 30, 60, 99]] == pytest.approx([0.1, 0.05, 0.025, 0.025], rel=1e-15)


def test_multiplicative_lr_of_a_fractional_step_is_the_lr_of_its_whole_step():
    values = schedules.multiplicative_lr(np.array([0.5, 1.0, 2.75]), 1.0, lambda k: 0.5)
    assert values == pytest.approx([1.0, 0.5, 0.25], rel=1e-15)


@pytest.mark.parametrize(
    "warmup, total, extra",
    [
        (0, 100, dict(min_lr_rate=0.1)),
        (1, 100, dict(min_lr_rate=0.1, warmup_lr_rate=0.3)),  # max(1, W - 1) in the warmup
        (10, 100, dict(min_lr=0.01, warmup_lr_rate=0.0)),
        (150, 100, dict(min_lr_rate=0.2)),  # a warmup longer than the run: transformers runs it
        (100, 100, dict(min_lr_rate=0.0, num_cycles=1.0)),
        (5, 1, dict(min_lr_rate=1.0)),
        # values transformers computes a schedule from, accepted as there
        (10, 100, dict(min_lr_rate=0.1, num_cycles=-1.5)),  # the cosine is even
        (10, 100, dict(min_lr_rate=-0.5)),  # clipped at 0 near the end
        (0, 0, dict(min_lr_rate=0.1)),  # no training steps: max(1, T - W)
        (7, 0, dict(min_lr_rate=0.1, warmup_lr_rate=0.2)),
    ],
    ids=[
        "no-warmup",
        "warmup-1",
        "min_lr",
        "warmup>training",
        "warmup=training",
        "rate-1",
        "cycles-negative",
        "rate-negative",
        "training-0",
        "training-0-warmup",
    ],
)
def test_cosine_warmup_with_min_lr_edges_match_transformers(warmup, total, extra):
    n = max(warmup, total) + 100
    ref = torch_curve(
        lambda o: transformers.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
            o, warmup, total, **extra
        ),
        n,
        0.1,
    )
    ours = schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate(
        np.arange(n), 0.1, warmup, total, **extra
    )
    assert_matches(ours, ref, f"warmup={warmup}, total={total}, {extra}")
    assert ours[0] > 0 or extra.get("warmup_lr_rate") == 0.0  # no step at lr 0 by default


# ---------------------------------------------------------------------------------------------
# Properties of every schedule (table-driven)

_DOMAIN = 1000  # steps 0.._DOMAIN are valid for every case below (one-cycle: total_steps=_DOMAIN)


def _case(fn, case_id=None, **kwargs):
    """A property case: ``fn`` with fixed parameters, a function of the step alone."""
    return pytest.param(functools.partial(fn, **kwargs), id=case_id or fn.__name__)


_WARMUP = dict(base_lr=0.1, num_warmup_steps=100, num_training_steps=800)

_SEQUENTIAL = schedules.sequential(
    [
        functools.partial(
            schedules.linear_schedule_with_warmup, **{**_WARMUP, "num_training_steps": 100}
        ),
        functools.partial(schedules.cosine_annealing_lr, base_lr=0.1, T_max=400, eta_min=0.001),
        functools.partial(schedules.exponential_lr, base_lr=0.01, gamma=0.99),
    ],
    [100, 500],
)

PROPERTY_CASES = [
    _case(schedules.step_lr, base_lr=0.1, step_size=30, gamma=0.5),
    _case(schedules.multistep_lr, base_lr=0.1, milestones=[300, 100, 300], gamma=0.3),
    _case(schedules.exponential_lr, base_lr=0.1, gamma=0.995),
    _case(schedules.cosine_annealing_lr, base_lr=0.1, T_max=300, eta_min=0.001),
    _case(schedules.cosine_annealing_warm_restarts, base_lr=0.1, T_0=20, T_mult=2, eta_min=0.001),
    _case(schedules.cosine_annealing_warm_restarts, "warm_restarts_T_mult_1", base_lr=0.1, T_0=30),
    _case(schedules.linear_schedule_with_warmup, **_WARMUP),
    _case(schedules.cosine_schedule_with_warmup, **_WARMUP, num_cycles=1.3),
    _case(schedules.cosine_with_hard_restarts_schedule_with_warmup, **_WARMUP, num_cycles=3),
    _case(schedules.cosine_with_min_lr_schedule_with_warmup, **_WARMUP, min_lr_rate=0.1),
    _case(schedules.polynomial_decay_schedule_with_warmup, **_WARMUP, lr_end=1e-4, power=2.0),
    _case(schedules.constant_schedule_with_warmup, base_lr=0.1, num_warmup_steps=100),
    _case(schedules.inverse_sqrt_schedule, base_lr=0.1, num_warmup_steps=100),
    _case(
        schedules.warmup_stable_decay,
        base_lr=0.1,
        num_warmup_steps=100,
        num_stable_steps=500,
        num_decay_steps=300,
        min_lr_ratio=0.05,
        decay_type="1-sqrt",
        warmup_type="cosine",
    ),
    _case(
        schedules.cyclic_lr,
        base_lr=0.001,
        max_lr=0.1,
        step_size_up=100,
        step_size_down=50,
        mode="exp_range",
        gamma=0.999,
    ),
    _case(schedules.cyclic_momentum, step_size_up=100, mode="triangular2"),
    _case(schedules.one_cycle_lr, max_lr=0.1, total_steps=_DOMAIN, three_phase=True),
    _case(
        schedules.one_cycle_lr,
        "one_cycle_lr_linear",
        max_lr=0.1,
        total_steps=_DOMAIN,
        anneal_strategy="linear",
    ),
    _case(schedules.one_cycle_momentum, total_steps=_DOMAIN),
    _case(schedules.constant_lr, base_lr=0.1, factor=0.25, total_iters=300),
    _case(schedules.linear_lr, base_lr=0.1, start_factor=0.1, total_iters=300),
    _case(schedules.linear_lr, "linear_lr_decay", base_lr=0.1, start_factor=1.0, end_factor=0.05),
    _case(schedules.polynomial_lr, base_lr=0.1, total_iters=700, power=0.9),
    _case(schedules.multiplicative_lr, base_lr=0.1, lr_lambda=lambda k: 1.0 - 1.0 / (k + 200.0)),
    _case(
        schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate,
        **_WARMUP,
        min_lr_rate=0.1,
        warmup_lr_rate=0.05,
    ),
    _case(schedules.lambda_lr, base_lr=0.1, lr_lambda=lambda t: 0.99**t),
    _case(schedules.lambda_lr, "lambda_lr_python_if", base_lr=0.1, lr_lambda=_lambda_with_branch),
    pytest.param(_SEQUENTIAL, id="sequential"),
]


def test_property_table_covers_every_registered_schedule():
    cases = [case.values[0] for case in PROPERTY_CASES]
    covered = {c.func.__name__ for c in cases if isinstance(c, functools.partial)}
    step_schedules = set(schedules.SCHEDULES) - {"reduce_lr_on_plateau", "greedy_lr"}  # metrics
    assert step_schedules <= covered, f"no property case for {sorted(step_schedules - covered)}"


def _overshoots_at_total_steps(schedule) -> bool:
    """OneCycleLR's linear anneal extrapolates one step past its end (see the test below)."""
    return (
        isinstance(schedule, functools.partial)
        and schedule.func is schedules.one_cycle_lr
        and schedule.keywords.get("anneal_strategy") == "linear"
    )


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
def test_values_are_finite_and_non_negative(schedule):
    values = schedule(np.arange(_DOMAIN + 1))
    assert np.all(np.isfinite(values))
    if _overshoots_at_total_steps(schedule):
        values = values[:-1]
    assert np.all(values >= 0)


def test_one_cycle_linear_lr_at_step_total_steps_is_negative_as_in_torch():
    """torch's last phase ends at total_steps - 1; one step later the linear anneal goes on
    past min_lr, below zero. The pure schedule reproduces the value a reader gets."""
    kw = dict(max_lr=0.1, total_steps=1000, anneal_strategy="linear")
    ref = torch_curve(lambda o: torch_sched.OneCycleLR(o, **kw), 1001, 0.1)
    assert ref[-1] < 0 <= ref[-2]
    assert schedules.one_cycle_lr(1000, **kw) == pytest.approx(ref[-1], rel=1e-9)


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
@pytest.mark.parametrize("step", [0, 7, _DOMAIN, 7.5, np.int64(7), np.float64(7.5)], ids=repr)
def test_scalar_step_gives_a_python_float(schedule, step):
    assert type(schedule(step)) is float


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
@pytest.mark.parametrize("shape", [(1,), (0,), (1001,), (7, 143), (1, 3, 1)], ids=str)
def test_array_step_gives_a_float64_array_of_the_same_shape(schedule, shape):
    steps = np.arange(math.prod(shape)).reshape(shape)
    values = schedule(steps)
    assert isinstance(values, np.ndarray) and values.dtype == np.float64 and values.shape == shape


def _assert_equal_values(a, b, what):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15 * np.max(np.abs(b)), err_msg=what)


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
def test_vectorised_call_equals_one_call_per_step(schedule):
    steps = np.arange(_DOMAIN + 1)
    looped = [schedule(int(t)) for t in steps]
    _assert_equal_values(schedule(steps), looped, "vectorised vs looped")


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
def test_two_dimensional_steps_equal_the_flat_call(schedule):
    steps = np.arange(_DOMAIN + 1)[
        ::-1
    ]  # reversed, so the order of the steps does not matter either
    grid = steps[:1000].reshape(25, 40)
    _assert_equal_values(schedule(grid), schedule(steps[:1000]).reshape(25, 40), "2-D vs flat")


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
def test_int_and_float_step_arrays_agree(schedule):
    steps = np.arange(_DOMAIN + 1)
    for as_type in (np.float64, np.float32, np.int32, np.uint16):
        _assert_equal_values(
            schedule(steps.astype(as_type)), schedule(steps), f"steps as {as_type.__name__}"
        )
    _assert_equal_values(schedule(steps.tolist()), schedule(steps), "steps as a list")


@pytest.mark.parametrize("schedule", PROPERTY_CASES)
def test_inputs_are_not_mutated(schedule):
    steps = np.arange(_DOMAIN + 1)[::-1].copy()
    before = steps.copy()
    schedule(steps)
    np.testing.assert_array_equal(steps, before)
    steps.setflags(write=False)  # a read-only array works too: nothing is written in place
    schedule(steps)


def test_multistep_lr_does_not_sort_the_callers_milestones():
    milestones = [60, 20, 40]
    schedules.multistep_lr(np.arange(100), 0.1, milestones)
    assert milestones == [60, 20, 40]


@pytest.mark.parametrize("schedule", [c for c in PROPERTY_CASES if c.id != "lambda_lr_python_if"])
def test_a_million_steps_evaluate_in_one_call(schedule):
    """Shape only: the timing belongs to bench/bench_schedules.py. (A lambda with a Python
    ``if`` is called once per step by design, as LambdaLR calls it, so it is left out.)"""
    if isinstance(schedule, functools.partial) and "total_steps" in schedule.keywords:
        schedule = functools.partial(schedule.func, **{**schedule.keywords, "total_steps": 10**6})
    assert schedule(np.arange(10**6)).shape == (10**6,)


@pytest.mark.parametrize(
    "metrics",
    [[3.0, 2.0, 2.0, 2.5, 1.0], (1, 2, 3), np.linspace(1, 0, 50)],
    ids=["list", "tuple", "array"],
)
def test_reduce_lr_on_plateau_returns_one_float_lr_per_metric_and_keeps_its_input(metrics):
    before = np.array(metrics, copy=True)
    values = schedules.reduce_lr_on_plateau(metrics, 0.1, patience=0)
    assert (
        isinstance(values, np.ndarray)
        and values.dtype == np.float64
        and values.shape == (len(before),)
    )
    assert np.all(np.isfinite(values)) and np.all(values >= 0) and np.all(values <= 0.1)
    np.testing.assert_array_equal(np.asarray(metrics), before)


def test_reduce_lr_on_plateau_of_no_metrics_is_empty():
    assert schedules.reduce_lr_on_plateau([], 0.1).shape == (0,)


# ---------------------------------------------------------------------------------------------
# Validation: every invalid argument raises ValueError naming it and showing its value.

_VALID = {
    schedules.step_lr: dict(base_lr=0.1, step_size=30, gamma=0.1),
    schedules.multistep_lr: dict(base_lr=0.1, milestones=[30, 80], gamma=0.1),
    schedules.exponential_lr: dict(base_lr=0.1, gamma=0.95),
    schedules.cosine_annealing_lr: dict(base_lr=0.1, T_max=100, eta_min=0.0),
    schedules.cosine_annealing_warm_restarts: dict(base_lr=0.1, T_0=10, T_mult=2, eta_min=0.0),
    schedules.linear_schedule_with_warmup: dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100
    ),
    schedules.cosine_schedule_with_warmup: dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100, num_cycles=0.5
    ),
    schedules.cosine_with_hard_restarts_schedule_with_warmup: dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100, num_cycles=2
    ),
    schedules.cosine_with_min_lr_schedule_with_warmup: dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100, min_lr_rate=0.1
    ),
    schedules.polynomial_decay_schedule_with_warmup: dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100, lr_end=1e-4, power=2.0
    ),
    schedules.constant_schedule_with_warmup: dict(base_lr=0.1, num_warmup_steps=10),
    schedules.inverse_sqrt_schedule: dict(base_lr=0.1, num_warmup_steps=10, timescale=None),
    schedules.warmup_stable_decay: dict(
        base_lr=0.1, num_warmup_steps=10, num_stable_steps=50, num_decay_steps=40
    ),
    schedules.cyclic_lr: dict(
        base_lr=0.01, max_lr=0.1, step_size_up=20, mode="exp_range", gamma=0.99
    ),
    schedules.cyclic_momentum: dict(
        step_size_up=20, mode="triangular", base_momentum=0.8, max_momentum=0.9
    ),
    schedules.one_cycle_lr: dict(max_lr=0.1, total_steps=100),
    schedules.one_cycle_momentum: dict(total_steps=100),
    schedules.constant_lr: dict(base_lr=0.1, factor=0.5, total_iters=5),
    schedules.linear_lr: dict(base_lr=0.1, start_factor=0.5, end_factor=1.0, total_iters=5),
    schedules.polynomial_lr: dict(base_lr=0.1, total_iters=5, power=1.0),
    schedules.multiplicative_lr: dict(base_lr=0.1, lr_lambda=lambda k: 0.9),
    schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate: dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100, min_lr_rate=0.1
    ),
}


def _invalid(fn, name, value, step=10, **also):
    """A call of ``fn`` valid but for ``name=value`` (and ``also``), expected to name both."""
    kwargs = {**_VALID[fn], **also, name: value}
    return pytest.param(fn, step, kwargs, name, value, id=f"{fn.__name__}-{name}={value!r}")


NAN = float("nan")
INVALID_ARGUMENTS = [
    # every learning rate: a finite number >= 0
    *[_invalid(fn, "base_lr", -0.1) for fn in _VALID if "base_lr" in _VALID[fn]],
    _invalid(schedules.exponential_lr, "base_lr", NAN),
    _invalid(schedules.one_cycle_lr, "max_lr", -1.0),
    _invalid(schedules.cyclic_lr, "max_lr", float("inf")),
    # step decay
    _invalid(schedules.step_lr, "step_size", 0),
    _invalid(schedules.step_lr, "step_size", -3),
    _invalid(schedules.step_lr, "step_size", 2.5),
    _invalid(schedules.step_lr, "gamma", -0.5),
    _invalid(schedules.multistep_lr, "milestones", [30, -1]),
    _invalid(schedules.multistep_lr, "milestones", [30, 2.5]),
    _invalid(schedules.exponential_lr, "gamma", -1.0),
    # cosine and warm restarts
    _invalid(schedules.cosine_annealing_lr, "T_max", 0),
    _invalid(schedules.cosine_annealing_lr, "T_max", -5),
    _invalid(schedules.cosine_annealing_lr, "eta_min", -0.01),
    _invalid(schedules.cosine_annealing_warm_restarts, "T_0", 0),
    _invalid(schedules.cosine_annealing_warm_restarts, "T_0", 2.5),
    _invalid(schedules.cosine_annealing_warm_restarts, "T_mult", 0),
    _invalid(schedules.cosine_annealing_warm_restarts, "T_mult", 1.5),
    _invalid(schedules.cosine_annealing_warm_restarts, "eta_min", -1.0),
    # the transformers family
    _invalid(
        schedules.linear_schedule_with_warmup, "num_warmup_steps", 200
    ),  # warmup longer than training
    _invalid(schedules.linear_schedule_with_warmup, "num_warmup_steps", -1),
    _invalid(schedules.linear_schedule_with_warmup, "num_training_steps", 0),
    _invalid(schedules.cosine_schedule_with_warmup, "num_warmup_steps", 101),
    _invalid(schedules.cosine_schedule_with_warmup, "num_cycles", 0.0),
    _invalid(schedules.cosine_with_hard_restarts_schedule_with_warmup, "num_warmup_steps", 150),
    _invalid(schedules.cosine_with_hard_restarts_schedule_with_warmup, "num_cycles", -1),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup, "num_warmup_steps", -1),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup, "min_lr_rate", 1.5),
    _invalid(
        schedules.polynomial_decay_schedule_with_warmup, "num_warmup_steps", 100
    ),  # == training
    _invalid(schedules.polynomial_decay_schedule_with_warmup, "lr_end", 0.1),  # == base_lr
    _invalid(schedules.polynomial_decay_schedule_with_warmup, "lr_end", 0.5),
    _invalid(schedules.polynomial_decay_schedule_with_warmup, "lr_end", -1e-3),
    _invalid(schedules.polynomial_decay_schedule_with_warmup, "power", -1.0),  # 0 ** -1 at T
    _invalid(schedules.constant_schedule_with_warmup, "num_warmup_steps", -1),
    _invalid(schedules.inverse_sqrt_schedule, "num_warmup_steps", -1),
    _invalid(schedules.inverse_sqrt_schedule, "timescale", 0),
    _invalid(schedules.warmup_stable_decay, "num_warmup_steps", -1),
    _invalid(schedules.warmup_stable_decay, "num_stable_steps", -1),
    _invalid(schedules.warmup_stable_decay, "num_decay_steps", -1),
    _invalid(schedules.warmup_stable_decay, "min_lr_ratio", 1.5),
    _invalid(schedules.warmup_stable_decay, "min_lr_ratio", -0.1),
    _invalid(schedules.warmup_stable_decay, "decay_type", "exponential"),
    _invalid(schedules.warmup_stable_decay, "warmup_type", "exponential"),
    _invalid(schedules.warmup_stable_decay, "num_cycles", 0.0),
    # cyclic
    _invalid(schedules.cyclic_lr, "mode", "triangle"),
    _invalid(schedules.cyclic_lr, "step_size_up", 0),
    _invalid(schedules.cyclic_lr, "step_size_down", -5),
    _invalid(schedules.cyclic_lr, "gamma", -0.5, mode="exp_range"),  # negative lrs
    _invalid(schedules.cyclic_lr, "gamma", NAN),
    _invalid(schedules.cyclic_momentum, "mode", "exp"),
    _invalid(schedules.cyclic_momentum, "max_momentum", float("inf")),
    # one-cycle
    *[
        _invalid(fn, "pct_start", p)
        for fn in (schedules.one_cycle_lr, schedules.one_cycle_momentum)
        for p in (1.0, 1.5, -0.1)
    ],
    _invalid(schedules.one_cycle_lr, "pct_start", 0.01),  # pct_start * total_steps == 1
    _invalid(
        schedules.one_cycle_lr, "pct_start", 0.6, three_phase=True
    ),  # phase 2 would end after the last step
    _invalid(schedules.one_cycle_momentum, "pct_start", 0.6, three_phase=True),
    _invalid(schedules.one_cycle_lr, "anneal_strategy", "cosine"),
    _invalid(schedules.one_cycle_momentum, "anneal_strategy", "lin"),
    _invalid(schedules.one_cycle_lr, "total_steps", 0),
    _invalid(schedules.one_cycle_lr, "total_steps", 10.5),
    _invalid(schedules.one_cycle_lr, "div_factor", 0.0),
    _invalid(schedules.one_cycle_lr, "final_div_factor", -1.0),
    _invalid(schedules.one_cycle_momentum, "base_momentum", NAN),
    # torch's factor schedules: torch raises for the factors, divides by zero for the rest
    _invalid(schedules.constant_lr, "factor", 1.5),
    _invalid(schedules.constant_lr, "factor", -0.1),
    _invalid(schedules.constant_lr, "factor", 0.0),  # torch divides by it at step total_iters
    _invalid(schedules.constant_lr, "total_iters", 2.5),
    _invalid(schedules.linear_lr, "start_factor", 0.0),
    _invalid(schedules.linear_lr, "start_factor", 1.5),
    _invalid(schedules.linear_lr, "end_factor", -0.5),
    _invalid(schedules.linear_lr, "end_factor", 1.01),
    _invalid(schedules.linear_lr, "total_iters", 2.5),
    _invalid(schedules.polynomial_lr, "total_iters", 2.0),
    _invalid(schedules.polynomial_lr, "power", -1.0),  # 0 ** -1 at step total_iters
    _invalid(schedules.polynomial_lr, "power", NAN),
    _invalid(schedules.multiplicative_lr, "lr_lambda", 0.9),
    # transformers' cosine warmup with a floor
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "num_warmup_steps", -1),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "num_training_steps", -1),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "num_cycles", NAN),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "min_lr_rate", NAN),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "min_lr_rate", None),
    _invalid(
        schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "min_lr", 0.01
    ),  # both given
    _invalid(
        schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate,
        "min_lr",
        -0.01,
        min_lr_rate=None,
    ),
    _invalid(schedules.cosine_with_min_lr_schedule_with_warmup_lr_rate, "warmup_lr_rate", -0.1),
]


@pytest.mark.parametrize("fn, step, kwargs, name, value", INVALID_ARGUMENTS)
def test_invalid_argument_raises_value_error_naming_it_and_its_value(fn, step, kwargs, name, value):
    with pytest.raises(ValueError) as info:
        fn(step, **kwargs)
    _assert_names(str(info.value), name, value)


def _assert_names(message, name, value):
    assert name in message, f"{name!r} not named in: {message}"
    shown = {str(value), repr(value)}
    if isinstance(value, float):
        shown.add(repr(float(value)))
    assert any(s in message for s in shown), f"value {value!r} not shown in: {message}"


@pytest.mark.parametrize("fn", list(_VALID), ids=lambda fn: fn.__name__)
@pytest.mark.parametrize(
    "step, shown",
    [
        (-1, "-1"),
        (-0.5, "-0.5"),
        (NAN, "nan"),
        (float("inf"), "inf"),
        (np.array([0, 5, -2]), "-2"),
        (np.array([0.0, NAN]), "nan"),
    ],
    ids=["-1", "-0.5", "nan", "inf", "array_with_-2", "array_with_nan"],
)
def test_negative_or_non_finite_step_raises_value_error_naming_step_and_value(fn, step, shown):
    with pytest.raises(ValueError) as info:
        fn(step, **_VALID[fn])
    assert "step" in str(info.value) and shown in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "fn", [schedules.one_cycle_lr, schedules.one_cycle_momentum], ids=lambda fn: fn.__name__
)
@pytest.mark.parametrize("step", [101, 100.5, np.arange(102)], ids=["101", "100.5", "arange(102)"])
def test_one_cycle_step_past_total_steps_raises_value_error(fn, step):
    with pytest.raises(ValueError) as info:
        fn(step, **_VALID[fn])
    _assert_names(str(info.value), "step", np.max(step))


@pytest.mark.parametrize(
    "kwargs, name, value",
    [
        (dict(mode="average"), "mode", "average"),
        (dict(threshold_mode="pct"), "threshold_mode", "pct"),
        (dict(factor=1.0), "factor", 1.0),
        (dict(factor=1.5), "factor", 1.5),
        (dict(patience=2.5), "patience", 2.5),
        (dict(threshold=NAN), "threshold", NAN),
        (dict(cooldown=0.5), "cooldown", 0.5),
        (dict(min_lr=-0.1), "min_lr", -0.1),
    ],
    ids=lambda v: repr(v) if not isinstance(v, dict) else None,
)
def test_reduce_lr_on_plateau_invalid_argument_raises_value_error(kwargs, name, value):
    with pytest.raises(ValueError) as info:
        schedules.reduce_lr_on_plateau([1.0, 0.9, 0.9], 0.1, **kwargs)
    _assert_names(str(info.value), name, value)


@pytest.mark.parametrize(
    "kwargs, name, value",
    [
        (dict(mode="average"), "mode", "average"),
        (dict(threshold_mode="pct"), "threshold_mode", "pct"),
        (dict(factor=1.0), "factor", 1.0),  # transformers raises
        (dict(factor=0.0), "factor", 0.0),  # it would divide by zero when raising the lr
        (dict(factor=NAN), "factor", NAN),
        (dict(patience=2.5), "patience", 2.5),
        (dict(warmup=1.5), "warmup", 1.5),
        (dict(min_lr=-0.1), "min_lr", -0.1),
        (dict(max_lr=NAN), "max_lr", NAN),
        (dict(eps=float("inf")), "eps", float("inf")),
        (dict(smooth=1), "smooth", 1),
        # the rolling mean of an emptied window divides by zero
        (dict(window_size=0, smooth=True), "window_size", 0),
        (dict(window_size=-3, smooth=True), "window_size", -3),
        (dict(reset_start=2.5), "reset_start", 2.5),
    ],
    ids=lambda v: repr(v) if not isinstance(v, dict) else None,
)
def test_greedy_lr_invalid_argument_raises_value_error(kwargs, name, value):
    with pytest.raises(ValueError) as info:
        schedules.greedy_lr([1.0, 0.9, 0.9], 0.1, **kwargs)
    _assert_names(str(info.value), name, value)


@pytest.mark.parametrize(
    "metrics", [[[1.0, 2.0]], ["a", "b"], 3.0], ids=["2-D", "strings", "scalar"]
)
def test_reduce_lr_on_plateau_rejects_metrics_that_are_not_a_1d_sequence_of_numbers(metrics):
    with pytest.raises(ValueError, match="metrics"):
        schedules.reduce_lr_on_plateau(metrics, 0.1)
    with pytest.raises(ValueError, match="metrics"):
        schedules.greedy_lr(metrics, 0.1)


_PIECE = functools.partial(schedules.exponential_lr, base_lr=0.1, gamma=0.9)


@pytest.mark.parametrize(
    "pieces, milestones, name",
    [
        ([], [], "schedules"),
        ([_PIECE, 0.5], [10], "schedules[1]"),
        ([_PIECE, _PIECE], [10, 20], "milestones"),  # one too many
        ([_PIECE, _PIECE, _PIECE], [10], "milestones"),  # one too few
        ([_PIECE, _PIECE, _PIECE], [20, 20], "milestones"),  # not strictly increasing
        ([_PIECE, _PIECE, _PIECE], [30, 20], "milestones"),
        ([_PIECE, _PIECE], [0], "milestones"),  # the first piece would never run
    ],
    ids=["empty", "not-callable", "too-many", "too-few", "repeated", "decreasing", "zero"],
)
def test_sequential_invalid_pieces_or_milestones_raise_when_built(pieces, milestones, name):
    with pytest.raises(ValueError, match=re.escape(name)):
        schedules.sequential(pieces, milestones)


def test_lambda_lr_rejects_a_lr_lambda_that_is_not_callable():
    with pytest.raises(ValueError, match="lr_lambda.*0.5"):
        schedules.lambda_lr(3, 0.1, 0.5)


@pytest.mark.parametrize(
    "step", ["10", None, True, np.array(["1"])], ids=["str", "None", "bool", "str-array"]
)
def test_a_step_that_is_not_a_number_raises_value_error(step):
    with pytest.raises(ValueError, match="step"):
        schedules.step_lr(step, 0.1, 30)
