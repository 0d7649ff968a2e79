"""Tests of lrlab.plotting: each helper draws exactly the data it is given, on a figure of its own."""

from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure

from lrlab.plotting import (
    plot_curves,
    plot_range_test,
    plot_schedules,
    plot_surface_paths,
    plot_training,
)


def halving(step):
    return 0.1 * 0.5 ** (np.asarray(step) // 10)


def test_plot_schedules_draws_the_schedule_values():
    fig = plot_schedules({"halving": halving, "recorded": [0.05] * 30}, steps=30, title="t")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["halving"].get_xdata(), np.arange(30))
    np.testing.assert_allclose(
        lines["halving"].get_ydata(), [0.1] * 10 + [0.05] * 10 + [0.025] * 10
    )
    np.testing.assert_allclose(lines["recorded"].get_ydata(), 0.05)
    assert ax.get_title() == "t"


def test_plot_schedules_accepts_an_array_of_steps_and_log_scale():
    fig = plot_schedules({"h": halving}, steps=np.array([0, 10, 20]), log=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.1, 0.05, 0.025])


def test_plot_schedules_does_not_touch_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plot_schedules({"h": halving})
    assert plt.get_fignums() == before


def test_a_new_figure_shows_itself_as_a_png_without_pyplot():
    fig = plot_schedules({"h": halving})
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG")
    assert png == fig._repr_png_()  # no timestamp or version: the same bytes each time
    assert b"Matplotlib" not in png


def test_plot_schedules_draws_into_a_given_axis():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_schedules({"h": halving}, ax=ax) is fig
    assert len(ax.get_lines()) == 1


@pytest.mark.parametrize(
    "schedules, steps, match",
    [
        ({}, 10, "schedules"),
        ({"short": [0.1, 0.2]}, 10, "short"),
        ({"h": halving}, 0, "steps"),
        ({"h": halving}, np.zeros((2, 2)), "steps"),
    ],
)
def test_plot_schedules_rejects_bad_input(schedules, steps, match):
    with pytest.raises(ValueError, match=match):
        plot_schedules(schedules, steps=steps)


def test_plot_curves_keeps_nan_gaps_and_limits():
    values = np.array([1.0, 0.5, np.nan, np.nan])
    fig = plot_curves(
        {"diverged": values, "flat": np.ones(4)}, steps=4, ylabel="loss", log=True, ylim=(0.1, 10.0)
    )
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), values)
    assert ax.get_ylim() == pytest.approx((0.1, 10.0))
    assert ax.get_ylabel() == "loss"
    with pytest.raises(ValueError, match="curves"):
        plot_curves({})


def fake_run(epochs, per_epoch, offset):
    return SimpleNamespace(
        lr=np.linspace(0.1, 0.01, epochs * per_epoch),
        val_loss=np.linspace(2.0, 0.5, epochs + 1) + offset,
        val_acc=np.linspace(0.1, 0.9, epochs + 1) - offset,
    )


def test_plot_training_has_three_panels_with_every_run():
    runs = {"a": fake_run(4, 3, 0.0), "b": fake_run(4, 3, 0.05)}
    fig = plot_training(runs, title="two runs")
    ax_lr, ax_loss, ax_acc = fig.axes
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2, 2]
    # lr is drawn against epochs: 12 steps at 3 per epoch span epochs 0 .. 11/3.
    np.testing.assert_allclose(ax_lr.get_lines()[0].get_xdata(), np.arange(12) / 3)
    np.testing.assert_allclose(ax_loss.get_lines()[1].get_ydata(), runs["b"].val_loss)
    np.testing.assert_allclose(ax_acc.get_lines()[0].get_ydata(), runs["a"].val_acc)
    assert ax_loss.get_yscale() == "log"
    assert fig.get_suptitle() == "two runs"


def test_plot_training_rejects_no_runs():
    with pytest.raises(ValueError, match="runs"):
        plot_training({})


def test_plot_surface_paths_draws_each_path_and_the_minimum():
    def bowl(w1, w2):
        return 0.5 * (w1**2 + 10 * w2**2)

    path = np.array([[-4.0, 1.5], [-3.0, -1.0], [np.nan, np.nan]])
    fig = plot_surface_paths(bowl, {"sgd": path, "run": SimpleNamespace(path=path[:2])})
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["sgd"].get_xdata(), path[:, 0])
    np.testing.assert_array_equal(lines["run"].get_ydata(), [1.5, -1.0])
    assert lines["minimum"].get_xdata()[0] == 0
    assert ax.get_xlim() == (-5.0, 5.0)


def test_plot_surface_paths_rejects_bad_paths():
    with pytest.raises(ValueError, match="paths"):
        plot_surface_paths(lambda a, b: a + b, {"bad": np.zeros((3, 3))})


def test_plot_training_options_log_lr_train_loss_and_accuracy_limits():
    run = fake_run(4, 3, 0.0)
    run.epoch_train_loss = np.array([1.5, 1.0, 0.7, 0.6])
    fig = plot_training({"a": run}, log_lr=True, train_loss=True, acc_ylim=None)
    ax_lr, ax_loss, ax_acc = fig.axes
    assert ax_lr.get_yscale() == "log"
    solid, dashed = ax_loss.get_lines()
    assert dashed.get_linestyle() == "--"
    np.testing.assert_array_equal(dashed.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(dashed.get_ydata(), run.epoch_train_loss)
    assert "training" in ax_loss.get_title()
    low, high = ax_acc.get_ylim()
    assert 0.0 < low and high < 1.0  # fitted to the curve (0.1 .. 0.9), not fixed at (0, 1)
    default = plot_training({"a": run}).axes
    assert default[2].get_ylim() == (0.0, 1.0) and len(default[1].get_lines()) == 1


def fake_range_test(stop_lr=None):
    lrs = np.logspace(-4, 0, 9)
    losses = np.array([2.3, 2.3, 2.2, 1.5, 0.6, 0.4, 0.5, 1.2, 9.0])
    smoothed = np.array([2.3, 2.3, 2.27, 2.1, 1.7, 1.3, 1.1, 1.1, 2.5])
    return SimpleNamespace(lrs=lrs, losses=losses, smoothed=smoothed, stop_lr=stop_lr)


def test_plot_range_test_draws_both_curves_the_suggestions_and_the_stop():
    result = fake_range_test(stop_lr=1.0)
    mark = SimpleNamespace(method="minimum_div_10", lr=0.0316, point_lr=0.316, loss=1.1)
    fig = plot_range_test(result, {"minimum_div_10": mark}, title="range test")
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["raw loss"].get_ydata(), result.losses)
    np.testing.assert_array_equal(lines["smoothed loss"].get_xdata(), result.lrs)
    np.testing.assert_array_equal(lines["smoothed loss"].get_ydata(), result.smoothed)
    dot = lines["minimum_div_10: 0.032"]
    assert (dot.get_xdata()[0], dot.get_ydata()[0]) == (0.316, 1.1)  # where it was read
    vertical = [line for line in ax.get_lines() if list(line.get_xdata()) == [0.0316, 0.0316]]
    assert len(vertical) == 1  # the lr it suggests
    assert list(lines["stopped: 1"].get_xdata()) == [1.0, 1.0]
    assert ax.get_xscale() == "log" and ax.get_title() == "range test"
    assert ax.get_ylim()[1] == pytest.approx(1.25 * 2.5)  # the last raw loss (9.0) is cut off


def test_plot_range_test_without_raw_curve_or_stop():
    ax = plot_range_test(fake_range_test(), raw=False).axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["smoothed loss"]


@pytest.mark.parametrize(
    "result, suggestions, match",
    [
        (SimpleNamespace(lrs=[1.0]), None, "result"),
        (SimpleNamespace(lrs=[], losses=[], smoothed=[], stop_lr=None), None, "result"),
        (fake_range_test(), [SimpleNamespace(lr=0.1)], "suggestion"),
    ],
)
def test_plot_range_test_rejects_bad_input(result, suggestions, match):
    with pytest.raises(ValueError, match=match):
        plot_range_test(result, suggestions)


# --- plot_comparison: mean ± std of one metric per configuration ---------------------------------

from lrlab.plotting import plot_comparison  # noqa: E402


def _metrics():
    return {
        "constant": {"test_loss": 0.17, "test_loss_std": 0.002},
        "cosine": {"test_loss": 0.16, "test_loss_std": 0.001},
        "diverged": {"test_loss": float("nan"), "test_loss_std": float("nan")},
        "step": {"test_loss": 0.165, "test_loss_std": 0.004},
    }


def test_plot_comparison_sorts_best_first_and_draws_each_mean_and_spread():
    fig = plot_comparison(_metrics(), "test_loss", baseline="constant", title="race")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["cosine", "step", "constant", "diverged"]  # top to bottom
    assert list(ax.get_yticks()) == [3, 2, 1, 0]
    ((dots, *_),) = [c.lines for c in ax.containers]
    np.testing.assert_allclose(np.asarray(dots.get_xdata(), dtype=float), [0.16, 0.165, 0.17])
    np.testing.assert_allclose(np.asarray(dots.get_ydata(), dtype=float), [3, 2, 1])
    bars = ax.containers[0].lines[2][0].get_segments()
    np.testing.assert_allclose(
        [seg[:, 0] for seg in bars], [[0.159, 0.161], [0.161, 0.169], [0.168, 0.172]]
    )
    baseline = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(baseline) == 1 and baseline[0].get_xdata()[0] == 0.17
    assert "diverged" in [t.get_text() for t in ax.texts]
    assert ax.get_title() == "race" and ax.get_xlabel() == "test loss"


def test_plot_comparison_puts_the_highest_first_for_an_accuracy():
    metrics = {"a": {"test_acc": 0.95}, "b": {"test_acc": 0.97}}
    fig = plot_comparison(metrics, "test_acc", best="max")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["b", "a"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"metrics": {}}, "metrics"),
        ({"metrics": {"a": {"val_loss": 0.1}}}, "test_loss"),
        ({"best": "lowest"}, "best"),
        ({"baseline": "nope"}, "baseline"),
    ],
)
def test_plot_comparison_rejects_bad_input(kwargs, match):
    args = {"metrics": _metrics(), "key": "test_loss", **kwargs}
    with pytest.raises(ValueError, match=match):
        plot_comparison(args.pop("metrics"), **args)
