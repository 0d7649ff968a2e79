"""Tests of ``ReduceLROnPlateau`` and ``GreedyLR`` (``lrlab.schedulers.plateau``) against
PyTorch and transformers: random configurations on noisy metrics, and their state dicts.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler as tl
import transformers.optimization as hf

from lrlab import schedulers as ls
from scheduler_utils import (
    LRS,
    MOMENTUM_KINDS,
    assert_close,
    make_optimizer,
    plateau_metrics,
    plateau_run,
    sgd,
    snapshot,
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


# ---------------------------------------------------------------------------------------------
# GreedyLR (transformers)


def greedy_metrics(r: random.Random, n: int, mode: str) -> list[float]:
    """Runs that improve, then stall: the lr rises, then falls (to the floor, and resets)."""
    level, out = 1.0, []
    while len(out) < n:
        improving = r.random() < 0.5
        for _ in range(r.randint(5, 80)):
            level *= r.uniform(0.97, 0.999) if improving else r.uniform(0.999, 1.01)
            out.append(round(level, 9) if mode == "min" else -round(level, 9))
    return out[:n]


def greedy_run(sched, opt, metrics) -> np.ndarray:
    rows = []
    for metric in metrics:
        opt.step()
        sched.step(metric)
        lrs, _ = snapshot(opt, sched)
        counters = [sched.num_bad_epochs, sched.num_good_epochs, sched.cooldown_counter]
        counters += [sched.warmup_counter, sched.reset_start, sched.last_epoch]
        rows.append(
            lrs
            + counters
            + [math.copysign(1e300, sched.best) if math.isinf(sched.best) else sched.best]
        )
    return np.array(rows)


def greedy_config(r: random.Random, mode: str) -> dict:
    return dict(
        mode=mode,
        factor=r.uniform(0.3, 0.99),
        patience=r.randint(0, 8),
        threshold=r.choice([0.0, 1e-6, r.uniform(0, 0.01)]),
        threshold_mode=r.choice(["abs", "rel"]),
        cooldown=r.choice([0, r.randint(1, 5)]),
        warmup=r.choice([0, r.randint(1, 5)]),
        min_lr=r.choice([1e-3, [1e-3, 1e-4, 0.02], 0.01]),
        max_lr=r.choice([1.0, [0.2, 0.05, 1.0]]),
        eps=r.choice([1e-8, 1e-4]),
        smooth=r.random() < 0.4,
        window_size=r.randint(1, 30),
        reset_start=r.choice([500, r.randint(1, 10)]),
    )


@pytest.mark.parametrize("seed", range(12))
def test_greedy_random_configs_match_transformers(seed: int) -> None:
    r = random.Random(f"greedy-{seed}")
    mode = r.choice(["min", "max"])
    cfg = greedy_config(r, mode)
    metrics = greedy_metrics(r, 1000, mode)
    kind = MOMENTUM_KINDS[seed % 2]
    ours_opt, ref_opt = make_optimizer(kind), make_optimizer(kind)
    ours = greedy_run(ls.GreedyLR(ours_opt, **cfg), ours_opt, metrics)
    ref = greedy_run(hf.GreedyLR(ref_opt, **cfg), ref_opt, metrics)
    assert_close(ours, ref, "lr / counters / best")


def test_greedy_resets_every_group_once_all_sit_at_their_floor_like_transformers() -> None:
    cfg = dict(patience=0, factor=0.5, min_lr=[0.05, 0.01, 0.2], reset_start=2, cooldown=2)
    metrics = [1.0] * 60  # one improvement (on inf), then none: cut to the floors, reset
    ours_opt, ref_opt = make_optimizer("sgd"), make_optimizer("sgd")
    ours = greedy_run(ls.GreedyLR(ours_opt, **cfg), ours_opt, metrics)
    ref = greedy_run(hf.GreedyLR(ref_opt, **cfg), ref_opt, metrics)
    assert_close(ours, ref)
    assert any(np.allclose(row[:3], LRS) for row in ours[1:])  # back to the initial lrs


def test_greedy_get_scheduler_and_factory_match_transformers() -> None:
    kwargs = {"patience": 2, "factor": 0.8, "min_lr": 1e-3, "smooth": True, "window_size": 4}
    metrics = greedy_metrics(random.Random(5), 400, "min")
    for build in (
        lambda m, o: m.get_scheduler("greedy", o, 10, 100, scheduler_specific_kwargs=kwargs),
        lambda m, o: m.get_greedy_schedule(o, **kwargs),
    ):
        ours_opt, ref_opt = make_optimizer("adam"), make_optimizer("adam")
        ours, ref = build(ls, ours_opt), build(hf, ref_opt)
        assert isinstance(ours, ls.GreedyLR)
        assert_close(greedy_run(ours, ours_opt, metrics), greedy_run(ref, ref_opt, metrics))


@pytest.mark.parametrize("smooth", [False, True])
def test_greedy_checkpoints_cross_over_with_transformers(smooth: bool) -> None:
    """A state_dict saved by either loads into the other (through torch.save / weights_only),
    and the run goes on identically; the keys are transformers'."""
    cfg = dict(patience=1, factor=0.7, smooth=smooth, window_size=5, reset_start=3, min_lr=0.01)
    metrics = greedy_metrics(random.Random(9), 500, "min")
    opt = make_optimizer("sgd")
    whole = greedy_run(hf.GreedyLR(opt, **cfg), opt, metrics)
    for saver, loader in [(ls, hf), (hf, ls), (ls, ls)]:
        for save_at in (0, 1, 123, 499):
            opt = make_optimizer("sgd")
            sched = saver.GreedyLR(opt, **cfg)
            greedy_run(sched, opt, metrics[:save_at])
            state = through_bytes(sched.state_dict())
            fresh_opt = make_optimizer("sgd")
            fresh = loader.GreedyLR(fresh_opt, **{**cfg, "patience": 7, "factor": 0.5})
            fresh.load_state_dict(state)
            rest = greedy_run(fresh, fresh_opt, metrics[save_at:])
            assert_close(rest, whole[save_at:], f"{saver.__name__} -> {loader.__name__}")
    reference_keys = set(hf.GreedyLR(make_optimizer("sgd"), **cfg).state_dict())
    assert set(ls.GreedyLR(make_optimizer("sgd"), **cfg).state_dict()) == reference_keys


def test_greedy_verbose_prints_each_change_as_transformers(capsys) -> None:
    cfg = dict(patience=0, factor=0.5, verbose=True)
    outputs = []
    for module in (ls, hf):
        opt = make_optimizer("sgd")
        sched = module.GreedyLR(opt, **cfg)
        for metric in (3.0, 2.0, 2.0):
            sched.step(metric)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "increasing learning rate of group 2" in outputs[0]


def test_greedy_rejects_a_metric_that_is_not_a_number_and_a_group_added_later() -> None:
    opt = sgd()
    sched = ls.GreedyLR(opt)
    with pytest.raises(ValueError, match="metrics.*'low'"):
        sched.step("low")
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1})
    with pytest.raises(ValueError, match="param groups"):
        sched.step(1.0)
    assert sched.last_epoch == 0
