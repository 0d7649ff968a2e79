"""How long a 100,000-step lr curve takes: lrlab's one vectorised call vs stepping torch.

What readers do today to plot a schedule is build the torch scheduler (or transformers'
LambdaLR) and call ``step()`` 100,000 times, collecting ``get_last_lr()``. Both sides run here,
side by side in the same process, and the two curves are checked to be equal before the timings
are reported. The torch side is timed once (100,000 steps take a fraction of a second); the lrlab
side is the plain definition on ``np.arange(100_000)`` (the arange counted in its time), a
fraction of a millisecond to a few, the best of several calls.

The guard: every closed-form schedule must be at least ``GUARD`` (100) times faster than stepping
its torch scheduler; ``main`` raises if one is not. Three rows are not closed forms, and the
table says why: ReduceLROnPlateau is fed the same 100,000 metrics on both sides, and its pure
function loops over them, since each decision depends on the previous one; a ``LambdaLR`` lambda
written with an ``if`` is called once per step on both sides; and an array lambda's own time
(``0.99995 ** t`` here, NumPy's ``power``) is printed below the table, since lrlab cannot make the
reader's function faster.

Run: ``python bench/bench_schedules.py`` (or ``make bench`` for every benchmark).
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Callable

import numpy as np
import torch
import transformers
from torch.optim import lr_scheduler as torch_sched

from lrlab import schedules

N = 100_000
GUARD = 100.0  # the least ratio of every closed-form schedule
REPEATS = 30  # of the fast side (a fraction of a millisecond each); the best is reported
LR = 0.1


def _optimizer(kind: str = "sgd") -> torch.optim.Optimizer:
    params = [torch.nn.Parameter(torch.zeros(1))]
    if kind == "adam":
        return torch.optim.Adam(params, lr=LR)
    return torch.optim.SGD(params, lr=LR, momentum=0.9)


def _read_lr(scheduler, optimizer) -> float:
    return scheduler.get_last_lr()[0]


def _read_momentum(scheduler, optimizer) -> float:
    group = optimizer.param_groups[0]
    return group["betas"][0] if "betas" in group else group["momentum"]


def torch_curve(make, read=_read_lr, kind: str = "sgd") -> list[float]:
    """Build the scheduler and step it: the curve a reader collects today, N values."""
    optimizer = _optimizer(kind)
    scheduler = make(optimizer)
    curve = [read(scheduler, optimizer)]
    for _ in range(N - 1):
        scheduler.step()
        curve.append(read(scheduler, optimizer))
    return curve


def torch_plateau_curve(metrics: np.ndarray, **kwargs) -> list[float]:
    optimizer = _optimizer()
    scheduler = torch_sched.ReduceLROnPlateau(optimizer, **kwargs)
    curve = []
    for metric in metrics.tolist():
        scheduler.step(metric)
        curve.append(scheduler.get_last_lr()[0])
    return curve


def _array_lambda(t):
    """The array lambda: what a reader passes to LambdaLR."""
    return 0.99995**t


def _lambda_with_branch(t):
    """A lambda written for one step at a time, as readers write them for LambdaLR."""
    if t < 1000:
        return (t + 1) / 1000
    return 0.5 ** ((t - 1000) // 20_000)


def _metrics() -> np.ndarray:
    """A noisy, slowly improving validation loss with long plateaus: many reductions."""
    rng = np.random.default_rng(0)
    t = np.arange(N)
    return 0.1 + np.exp(-t / 20_000) + 0.01 * rng.standard_normal(N)


def _args(*args, **kwargs) -> tuple[tuple, dict]:
    return args, kwargs


def _cases():
    """``(name, schedule, args, torch curve)``: ``schedule(np.arange(N), *args)`` is lrlab's
    curve (``schedule`` None: ReduceLROnPlateau, fed metrics); the torch curve is a function of
    nothing returning N values."""
    s = schedules
    m = _metrics()
    plateau_kw = dict(
        mode="min", factor=0.5, patience=500, threshold=1e-3, cooldown=100, min_lr=1e-5
    )
    seq_pieces = [
        functools.partial(
            s.linear_schedule_with_warmup,
            base_lr=LR,
            num_warmup_steps=5000,
            num_training_steps=5000,
        ),
        functools.partial(s.cosine_annealing_lr, base_lr=LR, T_max=N - 5000),
    ]
    lr_lambda = _array_lambda
    return [
        (
            "step_lr",
            s.step_lr,
            _args(LR, 3000, 0.5),
            lambda: torch_curve(lambda o: torch_sched.StepLR(o, 3000, 0.5)),
        ),
        (
            "multistep_lr",
            s.multistep_lr,
            _args(LR, [30_000, 60_000, 90_000]),
            lambda: torch_curve(lambda o: torch_sched.MultiStepLR(o, [30_000, 60_000, 90_000])),
        ),
        (
            "exponential_lr",
            s.exponential_lr,
            _args(LR, 0.99995),
            lambda: torch_curve(lambda o: torch_sched.ExponentialLR(o, 0.99995)),
        ),
        (
            "cosine_annealing_lr",
            s.cosine_annealing_lr,
            _args(LR, N, 1e-4),
            lambda: torch_curve(lambda o: torch_sched.CosineAnnealingLR(o, N, 1e-4)),
        ),
        (
            "cosine_annealing_warm_restarts",
            s.cosine_annealing_warm_restarts,
            _args(LR, 1000, 2, 1e-4),
            lambda: torch_curve(
                lambda o: torch_sched.CosineAnnealingWarmRestarts(o, 1000, 2, 1e-4)
            ),
        ),
        (
            "linear_schedule_with_warmup",
            s.linear_schedule_with_warmup,
            _args(LR, 5000, N),
            lambda: torch_curve(lambda o: transformers.get_linear_schedule_with_warmup(o, 5000, N)),
        ),
        (
            "cosine_schedule_with_warmup",
            s.cosine_schedule_with_warmup,
            _args(LR, 5000, N),
            lambda: torch_curve(lambda o: transformers.get_cosine_schedule_with_warmup(o, 5000, N)),
        ),
        (
            "cosine_with_hard_restarts_schedule_with_warmup",
            s.cosine_with_hard_restarts_schedule_with_warmup,
            _args(LR, 5000, N, 4),
            lambda: torch_curve(
                lambda o: transformers.get_cosine_with_hard_restarts_schedule_with_warmup(
                    o, 5000, N, 4
                )
            ),
        ),
        (
            "cosine_with_min_lr_schedule_with_warmup",
            s.cosine_with_min_lr_schedule_with_warmup,
            _args(LR, 5000, N, min_lr_rate=0.1),
            lambda: torch_curve(
                lambda o: transformers.get_cosine_with_min_lr_schedule_with_warmup(
                    o, 5000, N, min_lr_rate=0.1
                )
            ),
        ),
        (
            "polynomial_decay_schedule_with_warmup",
            s.polynomial_decay_schedule_with_warmup,
            _args(LR, 5000, N, 1e-5, 2.0),
            lambda: torch_curve(
                lambda o: transformers.get_polynomial_decay_schedule_with_warmup(
                    o, 5000, N, 1e-5, 2.0
                )
            ),
        ),
        (
            "constant_schedule_with_warmup",
            s.constant_schedule_with_warmup,
            _args(LR, 5000),
            lambda: torch_curve(lambda o: transformers.get_constant_schedule_with_warmup(o, 5000)),
        ),
        (
            "inverse_sqrt_schedule",
            s.inverse_sqrt_schedule,
            _args(LR, 5000),
            lambda: torch_curve(lambda o: transformers.get_inverse_sqrt_schedule(o, 5000)),
        ),
        (
            "warmup_stable_decay",
            s.warmup_stable_decay,
            _args(LR, 5000, 75_000, 20_000, 0.01),
            lambda: torch_curve(
                lambda o: transformers.get_wsd_schedule(
                    o, 5000, 20_000, num_stable_steps=75_000, min_lr_ratio=0.01
                )
            ),
        ),
        (
            "cyclic_lr",
            s.cyclic_lr,
            _args(0.001, LR, 2000, mode="exp_range", gamma=0.99999),
            lambda: torch_curve(
                lambda o: torch_sched.CyclicLR(o, 0.001, LR, 2000, mode="exp_range", gamma=0.99999)
            ),
        ),
        (
            "cyclic_momentum",
            s.cyclic_momentum,
            _args(2000, mode="triangular2"),
            lambda: torch_curve(
                lambda o: torch_sched.CyclicLR(o, 0.001, LR, 2000, mode="triangular2"),
                _read_momentum,
            ),
        ),
        (
            "one_cycle_lr",
            s.one_cycle_lr,
            _args(LR, N - 1),
            lambda: torch_curve(lambda o: torch_sched.OneCycleLR(o, LR, N - 1)),
        ),
        (
            "one_cycle_momentum",
            s.one_cycle_momentum,
            _args(N - 1, three_phase=True),
            lambda: torch_curve(
                lambda o: torch_sched.OneCycleLR(o, LR, N - 1, three_phase=True),
                _read_momentum,
                "adam",
            ),
        ),
        (
            "lambda_lr (array lambda)",
            s.lambda_lr,
            _args(LR, lr_lambda),
            lambda: torch_curve(lambda o: torch_sched.LambdaLR(o, lr_lambda)),
        ),
        (
            "lambda_lr (lambda with if)",
            s.lambda_lr,
            _args(LR, _lambda_with_branch),
            lambda: torch_curve(lambda o: torch_sched.LambdaLR(o, _lambda_with_branch)),
        ),
        (
            "sequential",
            s.sequential(seq_pieces, [5000]),
            _args(),
            lambda: torch_curve(
                lambda o: torch_sched.SequentialLR(
                    o,
                    [
                        torch_sched.LambdaLR(o, lambda t: t / 5000),
                        torch_sched.CosineAnnealingLR(o, N - 5000),
                    ],
                    [5000],
                )
            ),
        ),
        (
            "reduce_lr_on_plateau (100k metrics)",
            None,
            _args(m, LR, **plateau_kw),
            lambda: torch_plateau_curve(m, **plateau_kw),
        ),
    ]


def _equal(ours, ref) -> bool:
    """The contract's tolerance: 1e-9 relative plus 1e-15 of the curve's largest value."""
    ours, ref = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    tol = 1e-9 * np.abs(ref) + 1e-15 * np.max(np.abs(ref))
    return ours.shape == ref.shape and bool(np.all(np.abs(ours - ref) <= tol))


def _best_time(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


# Rows that are not closed forms (see the module docstring): no guard on them.
NOT_CLOSED_FORM = (
    "lambda_lr (array lambda)",
    "lambda_lr (lambda with if)",
    "reduce_lr_on_plateau (100k metrics)",
)


def _lrlab_call(schedule, args) -> Callable:
    """``schedule(np.arange(N), ...)``: the plain definition, the arange included."""
    (positional, keywords) = args
    if schedule is None:  # ReduceLROnPlateau: a function of the metrics
        return functools.partial(schedules.reduce_lr_on_plateau, *positional, **keywords)
    return lambda: schedule(np.arange(N), *positional, **keywords)


def main() -> list[dict]:
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", UserWarning
        )  # torch: scheduler.step() before optimizer.step()
        torch_curve(lambda o: torch_sched.StepLR(o, 10))  # warm up torch before timing it
        for name, schedule, args, ref in _cases():
            torch_s, ref_curve = _best_time(ref, 1)
            lrlab_s, ours = _best_time(_lrlab_call(schedule, args), REPEATS)
            rows.append(
                dict(
                    schedule=name,
                    torch_ms=1e3 * torch_s,
                    lrlab_ms=1e3 * lrlab_s,
                    ratio=torch_s / lrlab_s,
                    closed_form=name not in NOT_CLOSED_FORM,
                    equal=_equal(ours, ref_curve),
                )
            )

    width = max(len(r["schedule"]) for r in rows)
    print(
        f"lr curve of {N:,} steps: torch/transformers stepped {N:,} times vs the plain definition "
        f"on np.arange({N:,}) (torch: 1 run; lrlab: best of {REPEATS})"
    )
    print(f"{'schedule':<{width}}  {'torch ms':>9}  {'lrlab ms':>9}  {'ratio':>7}  equal")
    for r in rows:
        mark = "" if r["closed_form"] else "  (not a closed form)"
        print(
            f"{r['schedule']:<{width}}  {r['torch_ms']:9.1f}  {r['lrlab_ms']:9.3f}  "
            f"{r['ratio']:6.0f}x  {'yes' if r['equal'] else 'NO'}{mark}"
        )
    t = np.arange(N)
    array_s, _ = _best_time(lambda: _array_lambda(t), REPEATS)
    branch_s, _ = _best_time(lambda: [_lambda_with_branch(i) for i in range(N)], 3)
    print(
        "The readers' functions alone, which no lrlab can make faster: the array lambda on "
        f"np.arange({N:,}) {1e3 * array_s:.3f} ms; the lambda with an if, once per step, "
        f"{1e3 * branch_s:.1f} ms."
    )
    closed = [r for r in rows if r["closed_form"]]
    low = min(closed, key=lambda r: r["ratio"])
    print(f"minimum ratio of the closed forms: {low['ratio']:.0f}x ({low['schedule']})")
    if not all(r["equal"] for r in rows):
        print("CURVES DIFFER: " + ", ".join(r["schedule"] for r in rows if not r["equal"]))
    missed = [r for r in closed if r["ratio"] < GUARD]
    if missed:
        raise AssertionError(
            f"closed-form schedules below the {GUARD:.0f}x guard: "
            + ", ".join(f"{r['schedule']} ({r['ratio']:.0f}x)" for r in missed)
        )
    print(f"every closed-form schedule is at least {GUARD:.0f}x faster than stepping torch")
    return rows


if __name__ == "__main__":
    main()
