"""Tests of lrlab.stats.compare: the book's rule for "A beats B" (5 seeds, 2 standard errors)."""

import math

import numpy as np
import pytest

from lrlab.stats import compare


def test_a_clear_gap_over_five_seeds_is_a_win():
    a = [1.0, 1.1, 0.9, 1.0, 1.0]  # mean 1.0, sample std sqrt(0.02 / 4)
    b = [2.0, 2.1, 1.9, 2.0, 2.0]
    c = compare(a, b, labels=("low", "high"))
    assert c.verdict == "beats" and c.winner == "low" and c.loser == "high"
    se = math.sqrt(2 * 0.005 / 5)  # both sample variances are 0.02 / 4 = 0.005
    assert c.standard_error == pytest.approx(se)
    assert c.difference == pytest.approx(-1.0)
    assert c.z_score == pytest.approx(1.0 / se)
    assert str(c).startswith("low beats high: 1 ± 0.071 vs 2 ± 0.071")


def test_higher_is_better_for_an_accuracy():
    c = compare(
        [0.9] * 3 + [0.91, 0.89], [0.8] * 3 + [0.81, 0.79], labels=("a", "b"), higher_is_better=True
    )
    assert c.winner == "a"
    c = compare([0.9] * 3 + [0.91, 0.89], [0.8] * 3 + [0.81, 0.79], labels=("a", "b"))
    assert c.winner == "b"  # as a loss, lower wins


def test_a_gap_inside_two_standard_errors_is_a_tie():
    # difference 0.1; each sample variance 0.16 / 4 = 0.04, so se = sqrt(2 * 0.04 / 5): z < 1
    a = [0.8, 1.0, 1.2, 0.8, 1.2]
    b = [x + 0.1 for x in a]
    c = compare(a, b)
    assert c.z_score == pytest.approx(0.1 / math.sqrt(0.016), rel=1e-9)
    assert c.verdict == "ties" and c.winner is None
    assert str(c).startswith("A ties B")


def test_fewer_than_five_seeds_never_win():
    c = compare([1.0, 1.0, 1.01], [2.0, 2.0, 2.01])
    assert c.z_score > 100 and c.verdict == "ties"
    assert compare([1.0, 1.0, 1.01], [2.0, 2.0, 2.01], min_seeds=3).verdict == "beats"


def test_a_setting_that_sometimes_diverges_loses_to_a_steady_one():
    steady = [0.5, 0.6, 0.55, 0.52, 0.58]
    shaky = [0.1, 0.1, math.nan, 0.1, math.inf]  # better when it trains, but diverges twice
    c = compare(shaky, steady, labels=("shaky", "steady"))
    assert c.winner == "steady" and c.diverged == (2, 0)
    assert "diverged with 2 of 5 seeds" in str(c)
    both = compare([math.nan] * 5, [math.nan] * 5)
    assert both.verdict == "ties" and "diverged with all 5 seeds" in str(both)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"a": [], "b": [1.0]}, "a"),
        ({"a": [1.0], "b": [[1.0]]}, "b"),
        ({"a": [1.0], "b": [1.0], "min_seeds": 1}, "min_seeds"),
        ({"a": [1.0], "b": [1.0], "z": 0}, "z"),
        ({"a": [1.0], "b": [1.0], "labels": ("x",)}, "labels"),
    ],
)
def test_bad_input_is_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        compare(**kwargs)


def test_compare_runs_reads_final_metrics():
    torch = pytest.importorskip("torch")
    from lrlab.training import compare_runs, train_runs

    runs = train_runs(
        {
            "good": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=0.3)},
            "tiny": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=1e-4)},
        },
        seeds=(0, 1, 2, 3, 4),
        epochs=2,
        progress=False,
    )
    by_acc = compare_runs(runs, "good", "tiny", metric="val_acc")
    finals = [r.val_acc[-1] for r in runs["good"]]
    assert by_acc.winner == "good" and by_acc.mean[0] == pytest.approx(np.mean(finals))
    by_train = compare_runs(runs, "good", "tiny", metric="train_loss")
    last_epoch = [r.train_loss[-r.steps_per_epoch :].mean() for r in runs["good"]]
    assert by_train.winner == "good" and by_train.mean[0] == pytest.approx(np.mean(last_epoch))
    with pytest.raises(ValueError, match="metric"):
        compare_runs(runs, "good", "tiny", metric="acc")
    with pytest.raises(ValueError, match="nope"):
        compare_runs(runs, "good", "nope")


def test_compare_runs_at_an_earlier_epoch():
    torch = pytest.importorskip("torch")
    from lrlab.training import compare_runs, seed_values, train_runs

    runs = train_runs(
        {
            "fast": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=0.3)},
            "slow": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=0.01)},
        },
        seeds=(0, 1, 2, 3, 4),
        epochs=3,
        progress=False,
    )
    # epoch e: the mean minibatch loss of the e-th epoch, and the metrics after e epochs
    for epoch in (1, 2, 3):
        by_hand = [
            r.train_loss[(epoch - 1) * r.steps_per_epoch : epoch * r.steps_per_epoch].mean()
            for r in runs["fast"]
        ]
        got = seed_values(runs, "fast", metric="train_loss", epoch=epoch)
        np.testing.assert_allclose(got, by_hand, rtol=1e-12)
        val = compare_runs(runs, "fast", "slow", metric="val_acc", epoch=epoch)
        assert val.mean[0] == pytest.approx(np.mean([r.val_acc[epoch] for r in runs["fast"]]))
    first = compare_runs(runs, "fast", "slow", metric="train_loss", epoch=1)
    last = compare_runs(runs, "fast", "slow", metric="train_loss")
    assert first.mean[0] > last.mean[0]  # the first epoch's loss is the larger
    assert last.mean[0] == pytest.approx(seed_values(runs, "fast", metric="train_loss").mean())
    for bad in (0, 4, 1.5):
        with pytest.raises(ValueError, match="epoch"):
            compare_runs(runs, "fast", "slow", epoch=bad)
