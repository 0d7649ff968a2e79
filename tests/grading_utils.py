"""Shared by the tests of `lrlab.grading` (tests/test_grading*.py): right answers, as a reader
writes them, and helpers to read a report.

The right answers are written here independently, one step at a time in plain Python, the way a
reader would (the grader compares them with `lrlab.schedules`).
"""

from __future__ import annotations

import inspect
import math

from lrlab.grading import Check, Report

SCHEDULE_IDS = [
    "step_lr",
    "multistep_lr",
    "exponential_lr",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts",
    "reduce_lr_on_plateau",
    "linear_schedule_with_warmup",
    "cosine_schedule_with_warmup",
    "cyclic_lr",
    "one_cycle_lr",
]


# ---------------------------------------------------------------------------------------------
# Right answers, as a reader writes them: scalar, plain Python.


def step_lr(step, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** (step // step_size)


def multistep_lr(step, base_lr, milestones, gamma=0.1):
    return base_lr * gamma ** sum(1 for m in milestones if m <= step)


def exponential_lr(step, base_lr, gamma):
    return base_lr * gamma**step


def cosine_annealing_lr(step, base_lr, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / T_max)) / 2


def cosine_annealing_warm_restarts(step, base_lr, T_0, T_mult=1, eta_min=0.0):
    t, T_i = step, T_0
    while t >= T_i:
        t -= T_i
        T_i *= T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2


def reduce_lr_on_plateau(
    metrics,
    base_lr,
    mode="min",
    factor=0.1,
    patience=10,
    threshold=1e-4,
    threshold_mode="rel",
    cooldown=0,
    min_lr=0.0,
    eps=1e-8,
):
    lr, best = base_lr, (math.inf if mode == "min" else -math.inf)
    bad = cooling = 0
    out = []
    for m in metrics:
        if mode == "min":
            better = m < (best * (1 - threshold) if threshold_mode == "rel" else best - threshold)
        else:
            better = m > (best * (1 + threshold) if threshold_mode == "rel" else best + threshold)
        if better:
            best, bad = m, 0
        else:
            bad += 1
        if cooling > 0:
            cooling -= 1
            bad = 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            cooling, bad = cooldown, 0
        out.append(lr)
    return out


def linear_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps):
    if step < num_warmup_steps:
        return base_lr * step / max(1, num_warmup_steps)
    return base_lr * max(
        0.0, (num_training_steps - step) / max(1, num_training_steps - num_warmup_steps)
    )


def cosine_schedule_with_warmup(
    step, base_lr, num_warmup_steps, num_training_steps, num_cycles=0.5
):
    if step < num_warmup_steps:
        return base_lr * step / max(1, num_warmup_steps)
    progress = (step - num_warmup_steps) / max(1, num_training_steps - num_warmup_steps)
    return base_lr * max(0.0, 0.5 * (1 + math.cos(math.pi * num_cycles * 2 * progress)))


def cyclic_lr(
    step, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0
):
    down = step_size_up if step_size_down is None else step_size_down
    total = step_size_up + down
    cycle = math.floor(1 + step / total)
    x = 1 + step / total - cycle
    ratio = step_size_up / total
    height = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    scale = {"triangular": 1.0, "triangular2": 1 / 2 ** (cycle - 1), "exp_range": gamma**step}[mode]
    return base_lr + (max_lr - base_lr) * height * scale


def one_cycle_lr(
    step,
    max_lr,
    total_steps,
    pct_start=0.3,
    anneal_strategy="cos",
    div_factor=25.0,
    final_div_factor=1e4,
    three_phase=False,
):
    initial = max_lr / div_factor
    low = initial / final_div_factor
    if three_phase:
        phases = [
            (pct_start * total_steps - 1, initial, max_lr),
            (2 * pct_start * total_steps - 2, max_lr, initial),
            (total_steps - 1, initial, low),
        ]
    else:
        phases = [(pct_start * total_steps - 1, initial, max_lr), (total_steps - 1, max_lr, low)]
    start = 0.0
    for i, (end, a, b) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct = (step - start) / (end - start)
            if anneal_strategy == "cos":
                return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1)
            return (b - a) * pct + a
        start = end


RIGHT = {name: globals()[name] for name in SCHEDULE_IDS}


def failed(report: Report) -> list[Check]:
    return [c for c in report.checks if not c.passed]


def messages(report: Report) -> str:
    return "\n".join(c.message for c in failed(report))


def line_of(fn, text: str) -> int:
    """The line number, in the file that defines ``fn``, of its line that contains ``text``."""
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)
