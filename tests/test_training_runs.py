"""Tests of ``lrlab.training.runs``: the digits runs are seeded, record what the optimizer
really used, and leave torch's global state as they found it; several runs, their
summaries and the ensembles of their snapshots.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lrlab.training import (
    TrainResult,
    ensemble_metrics,
    final_metrics,
    load_digits,
    make_mlp,
    mean_result,
    predict_proba,
    steps_per_epoch,
    summarize,
    train,
    train_runs,
)


def sgd(lr):
    return lambda params: torch.optim.SGD(params, lr=lr)


def test_steps_per_epoch_counts_the_short_last_batch():
    n = len(load_digits().y_train)
    assert steps_per_epoch(64) == -(-n // 64)
    assert steps_per_epoch(n) == 1
    assert steps_per_epoch(None) == 1
    with pytest.raises(ValueError, match="batch_size"):
        steps_per_epoch(0)


def test_train_is_reproducible_and_learns():
    first = train(sgd(0.2), epochs=4, progress=False)
    second = train(sgd(0.2), epochs=4, progress=False)
    np.testing.assert_array_equal(first.train_loss, second.train_loss)
    np.testing.assert_array_equal(first.val_acc, second.val_acc)
    assert first.val_acc[0] < 0.3  # untrained: about chance
    assert first.val_acc[-1] > 0.6  # far above chance after 4 epochs
    assert not first.diverged
    assert first.lr.shape == first.train_loss.shape == (4 * steps_per_epoch(64),)
    assert first.val_loss.shape == (5,)
    assert first.epoch_train_loss.shape == (4,)


def test_seed_changes_the_run():
    a = train(sgd(0.2), epochs=1, progress=False, seed=0)
    b = train(sgd(0.2), epochs=1, progress=False, seed=1)
    assert not np.array_equal(a.train_loss, b.train_loss)


def test_epoch_interval_steps_the_scheduler_once_per_epoch():
    run = train(
        sgd(0.1),
        lambda opt: torch.optim.lr_scheduler.StepLR(opt, 2, gamma=0.5),
        epochs=5,
        progress=False,
    )
    per = steps_per_epoch(64)
    expected = np.repeat([0.1, 0.1, 0.05, 0.05, 0.025], per)
    np.testing.assert_allclose(run.lr, expected, rtol=1e-12)


def test_step_interval_steps_the_scheduler_after_every_update():
    run = train(
        sgd(0.1),
        lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.99),
        epochs=2,
        scheduler_interval="step",
        progress=False,
    )
    np.testing.assert_allclose(run.lr, 0.1 * 0.99 ** np.arange(len(run.lr)), rtol=1e-12)


def test_full_batch_is_one_step_per_epoch():
    run = train(sgd(0.5), epochs=3, batch_size=None, progress=False)
    assert run.lr.shape == (3,)
    assert run.steps_per_epoch == 1


def test_plateau_scheduler_is_fed_the_validation_loss():
    run = train(
        sgd(0.1),
        lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, factor=0.5, patience=0, threshold=0.0
        ),
        epochs=6,
        progress=False,
    )
    per = steps_per_epoch(64)
    lr_per_epoch = run.lr[::per]
    # With patience 0, the lr halves after exactly the epochs whose loss did not improve on the
    # best.
    best, lr, expected = np.inf, 0.1, []
    for loss in run.val_loss[1:]:
        expected.append(lr)
        if loss < best:
            best = loss
        else:
            lr *= 0.5
    np.testing.assert_allclose(lr_per_epoch, expected[: len(lr_per_epoch)], rtol=1e-12)


def test_divergence_is_reported_and_stops_the_run():
    run = train(sgd(1e10), epochs=3, progress=False)
    assert run.diverged
    assert np.isnan(run.val_loss[-1])


def test_train_restores_global_torch_state():
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    before = torch.get_rng_state()
    train(sgd(0.1), epochs=1, progress=False)
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert torch.equal(torch.get_rng_state(), before)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"epochs": 0}, "epochs"),
        ({"scheduler_interval": "batch"}, "scheduler_interval"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        train(sgd(0.1), progress=False, **kwargs)


def test_train_runs_equals_separate_train_calls():
    runs = train_runs(
        {"fast": {"make_optimizer": sgd(0.2)}, "slow": {"make_optimizer": sgd(0.01)}},
        seeds=(3, 4),
        epochs=2,
        progress=False,
    )
    assert list(runs) == ["fast", "slow"]
    for label, lr in (("fast", 0.2), ("slow", 0.01)):
        for result, seed in zip(runs[label], (3, 4)):
            alone = train(sgd(lr), epochs=2, seed=seed, progress=False)
            np.testing.assert_array_equal(result.train_loss, alone.train_loss)
            np.testing.assert_array_equal(result.val_acc, alone.val_acc)


def test_train_runs_config_overrides_common():
    runs = train_runs(
        {"big": {"batch_size": 256}, "default": {}},
        seeds=(0,),
        epochs=1,
        batch_size=64,
        make_optimizer=sgd(0.1),
        progress=False,
    )
    assert runs["big"][0].lr.shape == (steps_per_epoch(256),)
    assert runs["default"][0].lr.shape == (steps_per_epoch(64),)


@pytest.mark.parametrize(
    "configs, kwargs, match",
    [
        ({}, {}, "configs"),
        ({"a": {"make_optimizer": sgd(0.1)}}, {"seeds": ()}, "seeds"),
        ({"a": {"make_optimizer": sgd(0.1)}}, {"seeds": (-1,)}, "seeds"),
        ({"a": {"make_optimizer": sgd(0.1), "seed": 2}}, {}, "seed"),
        ({"a": {}}, {}, "make_optimizer"),
    ],
)
def test_train_runs_rejects_bad_arguments(configs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_runs(configs, progress=False, epochs=1, **kwargs)


def fake(val_loss, val_acc, lr=(0.1, 0.1), diverged=False):
    from lrlab.training import TrainResult

    return TrainResult(
        lr=np.array(lr, dtype=float),
        train_loss=np.zeros(len(lr)),
        val_loss=np.array(val_loss, dtype=float),
        val_acc=np.array(val_acc, dtype=float),
        diverged=diverged,
    )


def test_mean_result_averages_every_curve():
    a = fake([2.0, 1.0, 0.5], [0.1, 0.5, 0.9])
    b = fake([2.0, 3.0, 0.7], [0.1, 0.3, 0.7], diverged=True)
    m = mean_result([a, b])
    np.testing.assert_allclose(m.val_loss, [2.0, 2.0, 0.6])
    np.testing.assert_allclose(m.val_acc, [0.1, 0.4, 0.8])
    assert m.diverged
    assert not mean_result([a]).diverged


def test_mean_result_rejects_empty_and_mismatched_runs():
    with pytest.raises(ValueError, match="results"):
        mean_result([])
    with pytest.raises(ValueError, match="same shape"):
        mean_result([fake([1.0, 0.5], [0.1, 0.2]), fake([1.0, 0.5, 0.2], [0.1, 0.2, 0.3])])


def test_final_metrics_and_summary_use_the_last_epoch():
    runs = {
        "a": [fake([2.0, 0.4], [0.1, 0.90]), fake([2.0, 0.6], [0.1, 0.80])],
        "longer label": [fake([2.0, 0.1], [0.1, 0.99])],
    }
    table = final_metrics(runs)
    assert table["a"]["val_loss"] == pytest.approx(0.5)
    # the sample standard deviation: sqrt(((0.4 - 0.5)^2 + (0.6 - 0.5)^2) / (2 - 1))
    assert table["a"]["val_loss_std"] == pytest.approx(0.02**0.5)
    assert table["a"]["val_acc"] == pytest.approx(0.85)
    assert table["a"]["val_acc_std"] == pytest.approx(0.005**0.5)
    assert table["longer label"]["val_loss_std"] == 0.0
    lines = summarize(runs).splitlines()
    assert len(lines) == 4 and "the seeds" in lines[-1]
    assert "0.500 ± 0.141" in lines[1] and "85.0% ± 7.1%" in lines[1]
    assert lines[2].startswith("longer label") and "99.0% ± 0.0%" in lines[2]
    assert "2 seeds" in summarize({"a": runs["a"]}).splitlines()[-1]
    with pytest.raises(ValueError, match="runs"):
        final_metrics({})


def test_progress_bar_leaves_one_final_line(capsys):
    train(sgd(0.1), epochs=3, progress="digits")
    err = capsys.readouterr().err
    assert err.count("digits:") == 1
    assert "100%" in err and "3/3" in err
    train(sgd(0.1), epochs=1, progress=False)
    assert capsys.readouterr().err == ""


def test_snapshots_are_copies_of_the_weights_after_the_given_updates():
    per_epoch = steps_per_epoch(64)
    run = train(sgd(0.3), epochs=3, progress=False, snapshot_steps=[per_epoch, 3 * per_epoch])
    assert sorted(run.snapshots) == [per_epoch, 3 * per_epoch]
    first, last = run.snapshots[per_epoch], run.snapshots[3 * per_epoch]
    assert not torch.equal(first["0.weight"], last["0.weight"])  # taken at different times
    # The snapshot after the last update is the final model: it scores the run's last epoch.
    final = ensemble_metrics([last])
    assert final["acc"] == pytest.approx(run.val_acc[-1], abs=1e-12)
    assert final["loss"] == pytest.approx(run.val_loss[-1], rel=1e-5)
    # ... and the one after the first epoch scores the first epoch.
    assert ensemble_metrics([first])["loss"] == pytest.approx(run.val_loss[1], rel=1e-5)
    # Snapshots do not change the run itself.
    plain = train(sgd(0.3), epochs=3, progress=False)
    np.testing.assert_array_equal(plain.val_loss, run.val_loss)
    assert plain.snapshots is None


def test_ensemble_averages_probabilities_not_losses():
    run = train(sgd(0.5), epochs=4, progress=False, snapshot_steps=[22, 44, 66, 88])
    states = list(run.snapshots.values())
    x, y = load_digits().x_val, load_digits().y_val.numpy()
    probs = predict_proba(states, x)
    assert probs.shape == (4, len(y), 10)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-12)
    members = [ensemble_metrics([s])["loss"] for s in states]
    together = ensemble_metrics(states)
    # Cross-entropy is convex in the probabilities: the ensemble's loss is below the members' mean,
    # and it is the loss of the averaged probabilities.
    assert together["loss"] < np.mean(members)
    mean = probs.mean(axis=0)
    assert together["loss"] == pytest.approx(
        -np.mean(np.log(mean[np.arange(len(y)), y])), rel=1e-12
    )
    assert together["acc"] == pytest.approx(np.mean(mean.argmax(axis=1) == y))
    # Two copies of one member are that member.
    assert ensemble_metrics([states[0], states[0]]) == pytest.approx(ensemble_metrics([states[0]]))


@pytest.mark.parametrize(
    "steps, match",
    [
        ([0], "snapshot_steps"),
        ([23], r"snapshot_steps must be <= 22"),
        ([1.5], "snapshot_steps"),
        ("22", "snapshot_steps"),
    ],
)
def test_train_rejects_bad_snapshot_steps(steps, match):
    with pytest.raises(ValueError, match=match):
        train(sgd(0.1), epochs=1, progress=False, snapshot_steps=steps)


def test_ensemble_rejects_bad_arguments():
    state = make_mlp(seed=0).state_dict()
    with pytest.raises(ValueError, match="states"):
        ensemble_metrics([])
    with pytest.raises(ValueError, match="states"):
        predict_proba(state, load_digits().x_val)  # one state_dict, not a list of them
    with pytest.raises(ValueError, match=r"states\[0\] is not a state_dict of make_mlp\(16\)"):
        ensemble_metrics([state], hidden=16)
    with pytest.raises(ValueError, match="split"):
        ensemble_metrics([state], split="train")
    with pytest.raises(ValueError, match="test set"):
        ensemble_metrics([state], split="test")


def test_ensemble_loss_stays_finite_when_a_softmax_underflows():
    # A very confident model: some probabilities underflow to 0 in float64, the log of them is
    # -inf, yet cross-entropy from the logits is finite. The ensemble must agree with it.
    state = {k: v.clone() for k, v in make_mlp(seed=0).state_dict().items()}
    state["2.weight"] *= 2000.0
    data = load_digits()
    model = make_mlp()
    model.load_state_dict(state)
    with torch.no_grad():
        expected = torch.nn.functional.cross_entropy(model(data.x_val).double(), data.y_val).item()
    assert (predict_proba([state], data.x_val) == 0).any()
    got = ensemble_metrics([state])["loss"]
    assert np.isfinite(got) and got == pytest.approx(expected, rel=1e-9)


def test_train_builds_the_model_with_make_model():
    import functools

    from lrlab.training import make_deep_mlp

    # make_mlp passed as make_model is the default model, bit for bit.
    default = train(sgd(0.2), epochs=1, progress=False, seed=2)
    same = train(
        sgd(0.2),
        epochs=1,
        progress=False,
        seed=2,
        make_model=functools.partial(make_mlp, 32),
        hidden=7,
    )
    np.testing.assert_array_equal(default.train_loss, same.train_loss)
    # Another model gives another (reproducible) run; the factory receives the run's seed.
    seen = []

    def deep(seed):
        seen.append(seed)
        return make_deep_mlp((16, 16), seed=seed)

    first = train(sgd(0.2), epochs=1, progress=False, seed=2, make_model=deep)
    second = train(sgd(0.2), epochs=1, progress=False, seed=2, make_model=deep)
    assert seen == [2, 2]
    np.testing.assert_array_equal(first.train_loss, second.train_loss)
    assert not np.array_equal(first.train_loss, default.train_loss)


def test_train_rejects_a_make_model_that_returns_no_module():
    with pytest.raises(ValueError, match="make_model"):
        train(sgd(0.1), epochs=1, progress=False, make_model=lambda seed: "a model")
    with pytest.raises(ValueError, match="make_model"):
        train(sgd(0.1), epochs=1, progress=False, make_model=42)


def test_train_reports_the_test_set_but_never_steers_by_it():
    held_out = load_digits(val_fraction=0.2, test_fraction=0.2)
    without = type(held_out)(held_out.x_train, held_out.y_train, held_out.x_val, held_out.y_val)

    def plateau(opt):
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)

    with_test = train(sgd(0.3), plateau, epochs=4, data=held_out, progress=False)
    no_test = train(sgd(0.3), plateau, epochs=4, data=without, progress=False)
    assert no_test.test_loss is None and no_test.test_acc is None
    assert with_test.test_loss.shape == with_test.test_acc.shape == (5,)
    # Same run: the plateau scheduler saw the validation loss, not the test loss.
    np.testing.assert_array_equal(with_test.lr, no_test.lr)
    np.testing.assert_array_equal(with_test.val_loss, no_test.val_loss)
    assert not np.array_equal(with_test.test_loss, with_test.val_loss)
    assert with_test.test_acc[-1] > 0.8 and with_test.test_acc[0] < 0.3


def _with_test(val_loss, test_loss):
    n = len(val_loss)
    return TrainResult(
        lr=np.full(2, 0.1),
        train_loss=np.zeros(2),
        val_loss=np.array(val_loss),
        val_acc=np.full(n, 0.5),
        diverged=False,
        test_loss=np.array(test_loss),
        test_acc=np.linspace(0.1, 0.9, n),
    )


def test_mean_result_and_metrics_of_the_test_split():
    a, b = _with_test([2.0, 0.4], [2.0, 0.5]), _with_test([2.0, 0.6], [2.0, 0.7])
    np.testing.assert_allclose(mean_result([a, b]).test_loss, [2.0, 0.6])
    assert mean_result([a, fake([2.0, 0.5], [0.1, 0.9])]).test_loss is None  # not all have one
    table = final_metrics({"x": [a, b]}, split="test")
    assert set(table["x"]) == {"test_loss", "test_loss_std", "test_acc", "test_acc_std"}
    assert table["x"]["test_loss"] == pytest.approx(0.6)
    assert table["x"]["test_loss_std"] == pytest.approx(0.02**0.5)
    assert final_metrics({"x": [a, b]})["x"]["val_loss"] == pytest.approx(0.5)
    lines = summarize({"x": [a, b]}, split="test").splitlines()
    assert lines[0] == "run   test loss       test accuracy"
    assert "0.600 ± 0.141" in lines[1]
    with pytest.raises(ValueError, match="test set"):
        final_metrics({"y": [fake([2.0, 0.5], [0.1, 0.9])]}, split="test")
    with pytest.raises(ValueError, match="split"):
        final_metrics({"x": [a]}, split="train")
