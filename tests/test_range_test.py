"""Tests of lrlab.range_test: the exponential sweep, the smoothing, the suggestions on curves
with known answers, the stopping rule, determinism, and the argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from lrlab.range_test import (
    SUGGESTIONS,
    RangeTestResult,
    lr_range_test,
    minimum_div_10,
    smooth_losses,
    steepest,
    sweep_lrs,
    valley,
)
from lrlab.training import load_digits, make_mlp


def sgd(lr=0.1, momentum=0.0):
    return lambda params: torch.optim.SGD(params, lr=lr, momentum=momentum)


# --- the sweep and the smoothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, n", [(1e-7, 10.0, 100), (1e-3, 1.0, 4), (0.5, 0.6, 2), (2e-5, 3.0, 257)]
)
def test_sweep_is_start_times_ratio_to_the_power_t_over_n_minus_1(start, end, n):
    lrs = sweep_lrs(start, end, n)
    expected = [start * (end / start) ** (t / (n - 1)) for t in range(n)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-13)
    assert lrs[0] == start and lrs[-1] == end
    ratios = lrs[1:] / lrs[:-1]  # geometric: the same factor at every step
    np.testing.assert_allclose(ratios, (end / start) ** (1 / (n - 1)), rtol=1e-12)


def test_smoothing_is_a_bias_corrected_weighted_mean():
    rng = np.random.default_rng(0)
    losses = rng.uniform(0.5, 3.0, size=60)
    beta = 0.9
    smoothed = smooth_losses(losses, beta)
    for t in (0, 1, 7, 59):
        weights = beta ** np.arange(t, -1, -1)  # loss i weighs beta ** (t - i)
        assert smoothed[t] == pytest.approx(np.average(losses[: t + 1], weights=weights), rel=1e-12)
    np.testing.assert_allclose(smooth_losses([1.0, 0.0, 0.0], 0.5), [1.0, 1 / 3, 1 / 7])
    np.testing.assert_array_equal(smooth_losses(losses, 0.0), losses)
    np.testing.assert_allclose(smooth_losses(np.full(10, 2.5), 0.98), 2.5)


# --- the suggestions, on curves whose answer is known -------------------------------------------


LRS = np.logspace(-5, 1, 121)  # 20 points per decade: 1e-2 is point 60, 1e-1 is point 80


def test_steepest_finds_the_centre_of_a_symmetric_drop():
    losses = 2.0 - np.tanh(2.0 * (np.log10(LRS) + 2.0))  # falls fastest at lr = 1e-2
    lr, index = steepest(LRS, losses)
    assert index == 60 and lr == pytest.approx(1e-2)


def test_steepest_measures_the_slope_per_decade_not_per_point():
    # Two equal drops of 1.0: over 1 decade (points 0..1) and over 0.1 decade (points 2..3).
    lrs = np.array([1e-4, 1e-3, 1e-2, 10**-1.9, 1.0])
    losses = np.array([3.0, 2.0, 2.0, 1.0, 1.0])
    assert steepest(lrs, losses)[1] in (2, 3)


def test_minimum_div_10_is_a_tenth_of_the_lowest_point():
    losses = (np.log10(LRS) + 1.0) ** 2  # lowest at lr = 0.1
    lr, index = minimum_div_10(LRS, losses)
    assert index == 80 and lr == pytest.approx(1e-2)


def test_valley_is_halfway_along_the_longest_decreasing_stretch():
    lrs = np.logspace(-4, 0, 12)
    # The longest strictly decreasing subsequence is 6 > 5 > 4 > 3 > 2 > 1 (points 4, 5, 6, 8, 9,
    # 10): the bump at point 7 does not end it. Six points ending at point 10 are points 5 .. 10;
    # halfway down is point 7.
    losses = [3.0, 3.0, 3.0, 2.9, 6.0, 5.0, 4.0, 4.5, 3.0, 2.0, 1.0, 7.0]
    lr, index = valley(lrs, losses)
    assert index == 7 and lr == pytest.approx(lrs[7])


def test_valley_is_measured_by_its_points_not_stretched_by_a_falling_start():
    # A slowly falling first point (2.0, then 1.9 at point 5) joins the subsequence, but the
    # valley is the 6 points ending at the bottom (point 9): 4 .. 9, halfway point 6.
    lrs = np.logspace(-4, 0, 11)
    losses = [2.0, 2.2, 2.2, 2.2, 2.2, 1.9, 1.5, 1.0, 0.6, 0.3, 5.0]
    assert valley(lrs, losses)[1] == 6


def test_valley_prefers_the_earliest_of_two_equally_long_valleys():
    losses = [5.0, 4.0, 3.0, 9.0, 8.0, 7.0]
    assert valley(np.logspace(-3, 2, 6), losses)[1] == 1


def test_valley_of_a_typical_range_test_curve_lies_on_the_way_down():
    x = np.log10(LRS)
    losses = 2.0 - 1.5 / (1 + np.exp(-4 * (x + 2.5))) + np.exp(3 * (x - 0.5))
    lr, _ = valley(LRS, losses)
    bottom = LRS[np.argmin(losses)]
    assert 10**-3.5 < lr < bottom


@pytest.mark.parametrize("name", sorted(SUGGESTIONS))
def test_every_suggestion_has_the_same_signature_and_checks_its_input(name):
    function = SUGGESTIONS[name]
    lr, index = function(LRS, (np.log10(LRS) + 1.0) ** 2)
    assert isinstance(lr, float) and isinstance(index, int) and 0 <= index < len(LRS)
    with pytest.raises(ValueError, match="lrs and losses"):
        function(LRS, np.ones(5))
    with pytest.raises(ValueError, match="lrs"):
        function(LRS[::-1], np.ones(len(LRS)))
    with pytest.raises(ValueError, match="losses"):
        function(LRS, np.full(len(LRS), np.nan))


# --- the result's suggest() --------------------------------------------------------------------


def result_of(losses, smoothed=None, stop_lr=None):
    losses = np.asarray(losses, dtype=float)
    return RangeTestResult(
        lrs=np.logspace(-4, 0, len(losses)),
        losses=losses,
        smoothed=losses if smoothed is None else np.asarray(smoothed, float),
        num_steps=len(losses),
        smooth=0.0,
        diverge_factor=4.0,
        stop_lr=stop_lr,
    )


def test_suggest_skips_the_first_tenth_and_counts_indices_from_the_start():
    # The lowest point (0.1) is among the first 2 of 20 points, which are skipped by default.
    losses = np.r_[0.1, 0.1, np.linspace(3.0, 1.0, 10), np.linspace(1.5, 4.0, 8)]
    result = result_of(losses)
    s = result.suggest("minimum_div_10")
    assert s.index == 11 and s.point_lr == result.lrs[11]
    assert s.lr == pytest.approx(result.lrs[11] / 10)
    assert s.loss == 1.0 and s.method == "minimum_div_10"
    assert result.suggest(minimum_div_10, skip_start=0).index == 0
    assert result.suggest("minimum_div_10", skip_end=9).index == 10


def test_suggest_reads_the_smoothed_curve_unless_told_otherwise():
    raw = [5.0, 4.0, 1.0, 6.0, 7.0, 8.0, 9.0, 9.5, 9.8, 9.9]
    smoothed = [5.0, 4.8, 4.5, 4.0, 3.0, 2.0, 2.5, 3.0, 3.5, 4.0]
    result = result_of(raw, smoothed)
    assert result.suggest("minimum_div_10", skip_start=0).index == 5
    assert result.suggest("minimum_div_10", skip_start=0, curve="raw").index == 2
    assert set(result.suggestions(skip_start=0)) == set(SUGGESTIONS)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(method="lowest"), "method"),
        (dict(method=3), "method"),
        (dict(curve="mean"), "curve"),
        (dict(skip_start=-1), "skip_start"),
        (dict(skip_end=9), "skip_end"),
    ],
)
def test_suggest_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        result_of(np.linspace(2, 1, 10)).suggest(**kwargs)


# --- the run ----------------------------------------------------------------------------------


class RecordingSGD(torch.optim.SGD):
    """SGD that remembers the lr of each group at each step."""

    def __init__(self, params, **kwargs):
        super().__init__(params, **kwargs)
        self.used = []

    def step(self, closure=None):
        self.used.append([group["lr"] for group in self.param_groups])
        return super().step(closure)


def test_every_step_and_every_group_uses_the_sweep():
    optimizers = []

    def two_groups(params):
        params = list(params)
        optimizer = RecordingSGD(
            [{"params": params[:2]}, {"params": params[2:], "lr": 0.5}], lr=0.1
        )
        optimizers.append(optimizer)
        return optimizer

    result = lr_range_test(two_groups, start_lr=1e-5, end_lr=1e-2, num_steps=30)
    assert not result.diverged and result.stop_lr is None
    expected = sweep_lrs(1e-5, 1e-2, 30)
    np.testing.assert_array_equal(result.lrs, expected)
    np.testing.assert_array_equal(
        np.array(optimizers[0].used), np.stack([expected, expected], axis=1)
    )
    np.testing.assert_allclose(result.smoothed, smooth_losses(result.losses, 0.98), rtol=1e-12)


def test_the_first_loss_is_that_of_the_fresh_model_on_its_batch():
    data = load_digits()
    n = len(data.y_train)
    result = lr_range_test(sgd(), data, start_lr=1e-4, end_lr=1e-3, num_steps=3, batch_size=n)
    with torch.no_grad():
        expected = torch.nn.functional.cross_entropy(
            make_mlp(32, seed=0)(data.x_train), data.y_train
        )
    assert result.losses[0] == pytest.approx(expected.item(), rel=1e-6)
    assert result.losses[2] < result.losses[0]  # full-batch descent at a small lr


def test_divergence_stops_the_sweep_where_the_smoothed_loss_passes_the_factor():
    result = lr_range_test(
        sgd(momentum=0.9), start_lr=1e-3, end_lr=1e3, num_steps=150, diverge_factor=4.0, smooth=0.9
    )
    assert result.diverged and len(result.lrs) < 150
    smoothed = result.smoothed
    assert result.stop_lr == result.lrs[-1]
    assert smoothed[-1] > 4.0 * smoothed.min()  # the stopping point is kept
    running_best = np.minimum.accumulate(smoothed)
    assert np.all(smoothed[:-1] <= 4.0 * running_best[:-1])  # and it is the first such point


def test_a_non_finite_loss_stops_the_sweep_and_is_not_recorded():
    result = lr_range_test(
        sgd(momentum=0.9), start_lr=1e-2, end_lr=1e12, num_steps=200, diverge_factor=None
    )
    assert result.diverged and len(result.lrs) < 200
    assert np.all(np.isfinite(result.losses))
    assert result.stop_lr > result.lrs[-1]
    assert result.stop_lr == pytest.approx(sweep_lrs(1e-2, 1e12, 200)[len(result.lrs)])


def test_on_a_quadratic_the_sweep_diverges_only_above_the_stability_limit():
    # Full-batch gradient descent on mean((w x - y)^2) is stable for lr < 1 / mean(x^2).
    # Noisy targets, so that the lowest loss is not 0 (the stopping rule compares with it).
    x = torch.linspace(-1.0, 1.0, 64).unsqueeze(1)
    noise = torch.randn(64, 1, generator=torch.Generator().manual_seed(0))
    data = (x, 3.0 * x + 0.1 * noise)
    limit = 1.0 / x.pow(2).mean().item()
    result = lr_range_test(
        sgd(),
        data,
        start_lr=1e-3,
        end_lr=1e3,
        num_steps=120,
        batch_size=64,
        make_model=lambda: torch.nn.Linear(1, 1, bias=False),
        loss_fn=torch.nn.functional.mse_loss,
        smooth=0.0,
    )
    assert result.diverged and limit < result.stop_lr < 10 * limit
    below = result.losses[result.lrs < limit]
    assert np.all(np.diff(below) <= 1e-6 * below[0])  # below the limit: descent


def test_same_seed_same_curves_and_the_global_rng_is_untouched():
    state = torch.random.get_rng_state()
    a, b = (
        lr_range_test(sgd(momentum=0.9), start_lr=1e-4, end_lr=10.0, num_steps=80, seed=3)
        for _ in range(2)
    )
    c = lr_range_test(sgd(momentum=0.9), start_lr=1e-4, end_lr=10.0, num_steps=80, seed=4)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.smoothed, b.smoothed)
    assert a.stop_lr == b.stop_lr
    assert not np.array_equal(a.losses[:10], c.losses[:10])
    assert torch.equal(torch.random.get_rng_state(), state)


# --- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(start_lr=0.0), "start_lr"),
        (dict(start_lr=math.nan), "start_lr"),
        (dict(end_lr=1e-8), "end_lr"),
        (dict(num_steps=1), "num_steps"),
        (dict(num_steps=10.5), "num_steps"),
        (dict(smooth=1.0), "smooth"),
        (dict(smooth=-0.1), "smooth"),
        (dict(diverge_factor=1.0), "diverge_factor"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=100_000), "batch_size"),
        (dict(seed=-1), "seed"),
        (dict(data="digits"), "data"),
        (dict(data=(torch.zeros(3, 2), torch.zeros(4))), "data"),
        (dict(make_model="mlp"), "make_model"),
        (dict(make_model=lambda: "not a module"), "make_model"),
        (dict(loss_fn=None), "loss_fn"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lr_range_test(sgd(), **kwargs)


def test_bad_optimizer_factories_are_named():
    with pytest.raises(ValueError, match="make_optimizer"):
        lr_range_test(None)
    with pytest.raises(ValueError, match="make_optimizer"):
        lr_range_test(lambda params: "sgd")


def test_nothing_is_built_before_the_arguments_are_checked():
    calls = []

    def counting(params):
        calls.append(1)
        return torch.optim.SGD(params, lr=0.1)

    with pytest.raises(ValueError, match="end_lr"):
        lr_range_test(counting, start_lr=1.0, end_lr=0.5)
    assert calls == []


def test_the_docstring_examples_run():
    import doctest

    import lrlab.range_test

    result = doctest.testmod(lrlab.range_test, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


def test_imports_only_public_names_and_runs_in_the_training_context():
    """range_test takes no private name from another module: the deterministic context is the
    public ``lrlab.training.deterministic``."""
    import ast
    import inspect

    import lrlab.range_test
    import lrlab.training

    tree = ast.parse(inspect.getsource(lrlab.range_test))
    imported = [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for _, name in imported if name.startswith("_")]
    assert all(node.level == 0 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom))
    assert ("lrlab.training", "deterministic") in imported
    assert lrlab.range_test.deterministic is lrlab.training.deterministic
