"""Tests of ``ReduceLROnPlateau`` (``lrlab.schedulers.plateau``) against PyTorch:
random configurations on noisy metrics, and its state dict.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl

from lrlab import schedulers as ls
from scheduler_utils import (
    LRS,
    MOMENTUM_KINDS,
    assert_close,
    make_optimizer,
    plateau_metrics,
    plateau_run,
    sgd,
    through_bytes,
)


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


def test_plateau_rejects_a_metric_that_is_not_a_number() -> None:
    sched = ls.ReduceLROnPlateau(sgd())
    with pytest.raises(ValueError, match="metrics.*'low'"):
        sched.step("low")
    assert sched.last_epoch == 0
