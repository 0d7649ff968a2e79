"""Try edge values of the drop-in schedulers' arguments on torch's classes and on lrlab's.

For each case, run both for a few steps (optimizer.step() then scheduler.step()) and print what
each did: computed lrs (the first few), or raised (which exception). A line starts with ``!!``
where the two differ in kind or in value; ``tests/test_schedulers_semantics.py`` holds the
verdicts (``ACCEPTED``: the same lrs; ``DEPARTURES``: lrlab raises on purpose). Rerun it when
torch changes:

    .venv/bin/python scripts/torch_edge_values.py
"""

from __future__ import annotations

import math
import warnings

import torch
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls

CASES = [
    ("StepLR", dict(step_size=0)),
    ("StepLR", dict(step_size=-2)),
    ("StepLR", dict(step_size=2.5)),
    ("StepLR", dict(step_size=3, gamma=0.0)),
    ("StepLR", dict(step_size=3, gamma=-0.5)),
    ("MultiStepLR", dict(milestones=[3, -1])),
    ("MultiStepLR", dict(milestones=[3.0])),
    ("MultiStepLR", dict(milestones=[3], gamma=0.0)),
    ("ExponentialLR", dict(gamma=0.0)),
    ("ExponentialLR", dict(gamma=-0.5)),
    ("CosineAnnealingLR", dict(T_max=0)),
    ("CosineAnnealingLR", dict(T_max=-5)),
    ("CosineAnnealingLR", dict(T_max=7.5)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=-0.01)),
    ("CosineAnnealingWarmRestarts", dict(T_0=5, eta_min=-0.01)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=0)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=0, step_size_down=4)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=-3)),
    ("CyclicLR", dict(base_lr=0.1, max_lr=0.01, step_size_up=4)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, base_momentum=0.95, max_momentum=0.9)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, base_momentum=-0.2, max_momentum=1.2)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, mode="exp_range", gamma=1.05)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, mode="exp_range", gamma=-0.5)),
    ("CyclicLR", dict(base_lr=-0.01, max_lr=0.1)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=0.1)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=0.05)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=0.0)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=1.0)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=0.6, three_phase=True)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, max_momentum=1.5)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, div_factor=-2.0)),
    ("ReduceLROnPlateau", dict(factor=0.0)),
    ("ReduceLROnPlateau", dict(factor=1.0)),
    ("ReduceLROnPlateau", dict(patience=-1)),
    ("ReduceLROnPlateau", dict(patience=2.5)),
    ("ReduceLROnPlateau", dict(cooldown=-2)),
    ("ReduceLROnPlateau", dict(threshold=-0.1)),
    ("ReduceLROnPlateau", dict(eps=-1.0)),
    ("ReduceLROnPlateau", dict(min_lr=-1.0)),
    ("ConstantLR", dict(factor=0.3, total_iters=-4)),
    ("ConstantLR", dict(factor=0.3, total_iters=2.5)),
    ("ConstantLR", dict(factor=0.0, total_iters=0)),
    ("ConstantLR", dict(factor=0.0, total_iters=2)),
    ("LinearLR", dict(start_factor=0.2, total_iters=-3)),
    ("LinearLR", dict(start_factor=0.2, total_iters=2.5)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=10)),
    ("PolynomialLR", dict(total_iters=-2, power=2.0)),
    ("PolynomialLR", dict(total_iters=0, power=-1.0)),
    ("PolynomialLR", dict(total_iters=2, power=-1.0)),
    ("PolynomialLR", dict(total_iters=10, power=0.0)),
    ("PolynomialLR", dict(total_iters=5, power=float("nan"))),
]


def trial(module, name: str, kwargs: dict) -> tuple[str, list[float]]:
    """``("ok", lrs)`` or ``(exception name, [])`` for a run of ``name`` of ``module``."""
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.03)]
    opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    steps = kwargs.get("total_steps", 30)
    try:
        sched = getattr(module, name)(opt, **kwargs)
        lrs = []
        for _ in range(steps):
            opt.step()
            sched.step(1.0) if name == "ReduceLROnPlateau" else sched.step()
            lrs.append(float(opt.param_groups[0]["lr"]))
    except Exception as err:  # the point is to see what each raises
        return type(err).__name__, []
    return ("ok" if all(map(math.isfinite, lrs)) else "non-finite"), lrs


def main() -> None:
    warnings.simplefilter("ignore")
    for name, kwargs in CASES:
        (kind_t, lrs_t), (kind_l, lrs_l) = trial(tl, name, kwargs), trial(ls, name, kwargs)
        same = kind_t == kind_l and all(
            math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15) for a, b in zip(lrs_t, lrs_l)
        )
        print(f"{'  ' if same else '!!'} {name}({kwargs})")
        print(f"     torch: {kind_t} {[round(x, 6) for x in lrs_t[:4]]}")
        print(f"     lrlab: {kind_l} {[round(x, 6) for x in lrs_l[:4]]}")


if __name__ == "__main__":
    main()
