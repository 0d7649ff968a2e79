"""Tests of lrlab.training: the digits runs and the 2-D bowl are seeded, record what the
optimizer really used, and leave torch's global state as they found it."""

import numpy as np
import pytest
import torch

from lrlab.training import (
    QuadraticBowl,
    load_digits,
    make_mlp,
    steps_per_epoch,
    train,
)


def sgd(lr):
    return lambda params: torch.optim.SGD(params, lr=lr)


def test_digits_split_is_disjoint_and_complete():
    data = load_digits(val_fraction=0.25, seed=0)
    assert len(data.y_train) + len(data.y_val) == 1797
    assert len(data.y_val) == round(0.25 * 1797)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    # The two parts together are a permutation of scikit-learn's digits.
    from sklearn.datasets import load_digits as sklearn_digits

    x, y = sklearn_digits(return_X_y=True)
    labels = np.concatenate([data.y_train.numpy(), data.y_val.numpy()])
    np.testing.assert_array_equal(np.bincount(labels), np.bincount(y))
    # Standardised with the training part's statistics: mean 0 there, not exactly 0 on validation.
    np.testing.assert_allclose(data.x_train.numpy().mean(axis=0), 0.0, atol=1e-5)
    assert np.abs(data.x_val.numpy().mean(axis=0)).max() > 1e-3
    # A per-pixel increasing affine map keeps distinct images distinct: nothing lost or repeated.
    rows = np.concatenate([data.x_train.numpy(), data.x_val.numpy()])
    assert len(np.unique(rows, axis=0)) == len(np.unique(x, axis=0))
    assert set(data.y_val.tolist()) == set(range(10))


def test_load_digits_rejects_bad_fraction():
    with pytest.raises(ValueError, match="val_fraction"):
        load_digits(val_fraction=1.0)


def test_mlp_weights_depend_on_seed_only():
    a, b, c = make_mlp(16, seed=1), make_mlp(16, seed=1), make_mlp(16, seed=2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


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
    run = train(sgd(0.1), lambda opt: torch.optim.lr_scheduler.StepLR(opt, 2, gamma=0.5),
                epochs=5, progress=False)
    per = steps_per_epoch(64)
    expected = np.repeat([0.1, 0.1, 0.05, 0.05, 0.025], per)
    np.testing.assert_allclose(run.lr, expected, rtol=1e-12)


def test_step_interval_steps_the_scheduler_after_every_update():
    run = train(sgd(0.1), lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.99),
                epochs=2, scheduler_interval="step", progress=False)
    np.testing.assert_allclose(run.lr, 0.1 * 0.99 ** np.arange(len(run.lr)), rtol=1e-12)


def test_full_batch_is_one_step_per_epoch():
    run = train(sgd(0.5), epochs=3, batch_size=None, progress=False)
    assert run.lr.shape == (3,)
    assert run.steps_per_epoch == 1


def test_plateau_scheduler_is_fed_the_validation_loss():
    run = train(sgd(0.1), lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, factor=0.5, patience=0, threshold=0.0), epochs=6, progress=False)
    per = steps_per_epoch(64)
    lr_per_epoch = run.lr[::per]
    # With patience 0, the lr halves after exactly the epochs whose loss did not improve on the best.
    best, lr, expected = np.inf, 0.1, []
    for loss in run.val_loss[1:]:
        expected.append(lr)
        if loss < best:
            best = loss
        else:
            lr *= 0.5
    np.testing.assert_allclose(lr_per_epoch, expected[:len(lr_per_epoch)], rtol=1e-12)


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


@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": 0}, "epochs"),
    ({"scheduler_interval": "batch"}, "scheduler_interval"),
    ({"batch_size": 0}, "batch_size"),
])
def test_train_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        train(sgd(0.1), progress=False, **kwargs)


def test_bowl_descent_matches_the_closed_form():
    bowl = QuadraticBowl(curvature=(1.0, 10.0))
    lr, steps, start = 0.15, 12, (-4.0, 1.5)
    run = bowl.descend(sgd(lr), start=start, steps=steps)
    t = np.arange(steps + 1)
    expected = np.stack([start[0] * (1 - lr * 1.0) ** t, start[1] * (1 - lr * 10.0) ** t], axis=1)
    np.testing.assert_allclose(run.path, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(run.loss, 0.5 * (expected[:, 0] ** 2 + 10 * expected[:, 1] ** 2))
    np.testing.assert_allclose(run.lr, lr)


def test_bowl_stability_bound():
    bowl = QuadraticBowl(curvature=(1.0, 10.0))
    assert bowl.max_stable_lr == pytest.approx(0.2)
    below = bowl.descend(sgd(0.19), steps=200)
    above = bowl.descend(sgd(0.21), steps=200)
    assert below.loss[-1] < 1e-3
    assert above.loss[-1] > above.loss[0]
    far_above = bowl.descend(sgd(5.0), steps=1000)
    assert far_above.diverged and np.isnan(far_above.path[-1]).all()


def test_bowl_runs_the_scheduler_after_each_step():
    bowl = QuadraticBowl()
    run = bowl.descend(sgd(0.1), lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, 0.5),
                       steps=4)
    np.testing.assert_allclose(run.lr, [0.1, 0.05, 0.025, 0.0125])


def test_bowl_noise_is_seeded():
    bowl = QuadraticBowl(noise=1.0)
    a = bowl.descend(sgd(0.05), seed=3)
    b = bowl.descend(sgd(0.05), seed=3)
    c = bowl.descend(sgd(0.05), seed=4)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, c.path)
    clean = QuadraticBowl(noise=0.0).descend(sgd(0.05), seed=3)
    assert not np.array_equal(a.path, clean.path)


@pytest.mark.parametrize("kwargs, name", [
    ({"curvature": (1.0, 0.0)}, "curvature"),
    ({"curvature": (1.0,)}, "curvature"),
    ({"noise": -1.0}, "noise"),
])
def test_bowl_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        QuadraticBowl(**kwargs)


def test_bowl_descend_rejects_bad_steps():
    with pytest.raises(ValueError, match="steps"):
        QuadraticBowl().descend(sgd(0.1), steps=0)


# --- several runs: train_runs, mean_result, final_metrics, summarize ---------------------------

from lrlab.training import final_metrics, mean_result, summarize, train_runs  # noqa: E402


def test_train_runs_equals_separate_train_calls():
    runs = train_runs({"fast": {"make_optimizer": sgd(0.2)}, "slow": {"make_optimizer": sgd(0.01)}},
                      seeds=(3, 4), epochs=2, progress=False)
    assert list(runs) == ["fast", "slow"]
    for label, lr in (("fast", 0.2), ("slow", 0.01)):
        for result, seed in zip(runs[label], (3, 4)):
            alone = train(sgd(lr), epochs=2, seed=seed, progress=False)
            np.testing.assert_array_equal(result.train_loss, alone.train_loss)
            np.testing.assert_array_equal(result.val_acc, alone.val_acc)


def test_train_runs_config_overrides_common():
    runs = train_runs({"big": {"batch_size": 256}, "default": {}}, seeds=(0,), epochs=1,
                      batch_size=64, make_optimizer=sgd(0.1), progress=False)
    assert runs["big"][0].lr.shape == (steps_per_epoch(256),)
    assert runs["default"][0].lr.shape == (steps_per_epoch(64),)


@pytest.mark.parametrize("configs, kwargs, match", [
    ({}, {}, "configs"),
    ({"a": {"make_optimizer": sgd(0.1)}}, {"seeds": ()}, "seeds"),
    ({"a": {"make_optimizer": sgd(0.1)}}, {"seeds": (-1,)}, "seeds"),
    ({"a": {"make_optimizer": sgd(0.1), "seed": 2}}, {}, "seed"),
    ({"a": {}}, {}, "make_optimizer"),
])
def test_train_runs_rejects_bad_arguments(configs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_runs(configs, progress=False, epochs=1, **kwargs)


def fake(val_loss, val_acc, lr=(0.1, 0.1), diverged=False):
    from lrlab.training import TrainResult

    return TrainResult(lr=np.array(lr, dtype=float), train_loss=np.zeros(len(lr)),
                       val_loss=np.array(val_loss, dtype=float),
                       val_acc=np.array(val_acc, dtype=float), diverged=diverged)


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
    runs = {"a": [fake([2.0, 0.4], [0.1, 0.90]), fake([2.0, 0.6], [0.1, 0.80])],
            "longer label": [fake([2.0, 0.1], [0.1, 0.99])]}
    table = final_metrics(runs)
    assert table["a"]["val_loss"] == pytest.approx(0.5)
    assert table["a"]["val_loss_std"] == pytest.approx(0.1)
    assert table["a"]["val_acc"] == pytest.approx(0.85)
    assert table["a"]["val_acc_std"] == pytest.approx(0.05)
    assert table["longer label"]["val_loss_std"] == 0.0
    lines = summarize(runs).splitlines()
    assert len(lines) == 4 and "the seeds" in lines[-1]
    assert "0.500 ± 0.100" in lines[1] and "85.0% ± 5.0%" in lines[1]
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


# --- record_lrs: what a scheduler writes into the optimizer -------------------------------------

from lrlab.training import record_lrs  # noqa: E402


def test_record_lrs_gives_the_lr_each_update_uses():
    def halve_every_two(opt):
        return torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    recorded = record_lrs(halve_every_two, 6, lrs=(0.8, 0.2))
    assert recorded.shape == (6, 2) and recorded.dtype == np.float64
    np.testing.assert_allclose(recorded[:, 0], [0.8, 0.8, 0.4, 0.4, 0.2, 0.2])
    np.testing.assert_allclose(recorded[:, 1], [0.2, 0.2, 0.1, 0.1, 0.05, 0.05])
    # The scheduler is stepped after the optimizer: no "step() before optimizer.step()" warning.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        record_lrs(halve_every_two, 3)


@pytest.mark.parametrize("kwargs, name", [
    ({"steps": 0}, "steps"),
    ({"steps": 3, "lrs": ()}, "lrs"),
    ({"steps": 3, "lrs": (0.1, -1.0)}, r"lrs\[1\]"),
])
def test_record_lrs_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        record_lrs(lambda opt: torch.optim.lr_scheduler.StepLR(opt, 1), **kwargs)


# --- snapshots and their ensembles (chapter 4) ---------------------------------------------------

from lrlab.training import ensemble_metrics, predict_proba  # noqa: E402


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
    assert together["loss"] == pytest.approx(-np.mean(np.log(mean[np.arange(len(y)), y])), rel=1e-12)
    assert together["acc"] == pytest.approx(np.mean(mean.argmax(axis=1) == y))
    # Two copies of one member are that member.
    assert ensemble_metrics([states[0], states[0]]) == pytest.approx(ensemble_metrics([states[0]]))


@pytest.mark.parametrize("steps, match", [
    ([0], "snapshot_steps"),
    ([23], r"snapshot_steps must be <= 22"),
    ([1.5], "snapshot_steps"),
    ("22", "snapshot_steps"),
])
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


# ---- chapter 6: a deeper model for train (make_deep_mlp, make_model) ----


def test_deep_mlp_has_the_given_widths_and_no_normalisation():
    from lrlab.training import make_deep_mlp

    model = make_deep_mlp((256, 128, 32), seed=0)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(64, 256), (256, 128), (128, 32), (32, 10)]
    assert {type(m) for m in model} == {torch.nn.Linear, torch.nn.ReLU}
    assert sum(p.numel() for p in model.parameters()) == 64 * 256 + 256 + 256 * 128 + 128 + 128 * 32 + 32 + 32 * 10 + 10
    a, b, c = make_deep_mlp((8, 8), seed=3), make_deep_mlp((8, 8), seed=3), make_deep_mlp((8, 8), seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, c[0].weight)


@pytest.mark.parametrize("widths, name", [((), "widths"), ((16, 0), r"widths\[1\]"), ("256", "widths"),
                                          ((16.5,), r"widths\[0\]")])
def test_deep_mlp_rejects_bad_widths(widths, name):
    from lrlab.training import make_deep_mlp

    with pytest.raises(ValueError, match=name):
        make_deep_mlp(widths)


def test_train_builds_the_model_with_make_model():
    import functools

    from lrlab.training import make_deep_mlp

    # make_mlp passed as make_model is the default model, bit for bit.
    default = train(sgd(0.2), epochs=1, progress=False, seed=2)
    same = train(sgd(0.2), epochs=1, progress=False, seed=2,
                 make_model=functools.partial(make_mlp, 32), hidden=7)
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


# --- a held-out test set, and the fixed Budget of chapter 9's race -------------------------------

from lrlab.training import Budget, TrainResult  # noqa: E402


def test_test_split_is_disjoint_held_out_and_standardised_on_training_only():
    data = load_digits(val_fraction=0.2, test_fraction=0.2)
    n = 1797
    assert (len(data.y_val), len(data.y_test)) == (round(0.2 * n), round(0.2 * n))
    assert len(data.y_train) + len(data.y_val) + len(data.y_test) == n
    rows = np.concatenate([data.x_train.numpy(), data.x_val.numpy(), data.x_test.numpy()])
    from sklearn.datasets import load_digits as sklearn_digits

    x, _ = sklearn_digits(return_X_y=True)
    assert len(np.unique(rows, axis=0)) == len(np.unique(x, axis=0))  # nothing lost or repeated
    np.testing.assert_allclose(data.x_train.numpy().mean(axis=0), 0.0, atol=1e-5)
    assert np.abs(data.x_test.numpy().mean(axis=0)).max() > 1e-3
    # The validation images are the same with or without a test set: adding one only shrinks training.
    np.testing.assert_array_equal(data.y_val.numpy(), load_digits(val_fraction=0.2).y_val.numpy())
    assert load_digits(val_fraction=0.2).x_test is None


@pytest.mark.parametrize("kwargs, match", [
    ({"val_fraction": 0.5, "test_fraction": 0.5}, "val_fraction \\+ test_fraction"),
    ({"test_fraction": -0.1}, "test_fraction"),
    ({"test_fraction": 1.0}, "test_fraction"),
])
def test_load_digits_rejects_bad_test_fraction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_digits(**kwargs)


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
    return TrainResult(lr=np.full(2, 0.1), train_loss=np.zeros(2), val_loss=np.array(val_loss),
                       val_acc=np.full(n, 0.5), diverged=False, test_loss=np.array(test_loss),
                       test_acc=np.linspace(0.1, 0.9, n))


def test_mean_result_and_metrics_of_the_test_split():
    a, b = _with_test([2.0, 0.4], [2.0, 0.5]), _with_test([2.0, 0.6], [2.0, 0.7])
    np.testing.assert_allclose(mean_result([a, b]).test_loss, [2.0, 0.6])
    assert mean_result([a, fake([2.0, 0.5], [0.1, 0.9])]).test_loss is None  # not all have one
    table = final_metrics({"x": [a, b]}, split="test")
    assert set(table["x"]) == {"test_loss", "test_loss_std", "test_acc", "test_acc_std"}
    assert table["x"]["test_loss"] == pytest.approx(0.6)
    assert table["x"]["test_loss_std"] == pytest.approx(0.1)
    assert final_metrics({"x": [a, b]})["x"]["val_loss"] == pytest.approx(0.5)
    lines = summarize({"x": [a, b]}, split="test").splitlines()
    assert lines[0] == "run   test loss       test accuracy"
    assert "0.600 ± 0.100" in lines[1]
    with pytest.raises(ValueError, match="test set"):
        final_metrics({"y": [fake([2.0, 0.5], [0.1, 0.9])]}, split="test")
    with pytest.raises(ValueError, match="split"):
        final_metrics({"x": [a]}, split="train")


def test_budget_fixes_everything_but_the_schedule_and_the_lr():
    budget = Budget(epochs=2)
    data = budget.data
    assert len(data.y_test) == round(0.2 * 1797)
    assert budget.steps_per_epoch == steps_per_epoch(budget.batch_size, data=data)
    assert budget.total_steps == 2 * budget.steps_per_epoch
    optimizer = budget.optimizer(0.3)([torch.nn.Parameter(torch.zeros(1))])
    assert isinstance(optimizer, torch.optim.SGD)
    group = optimizer.param_groups[0]
    assert (group["lr"], group["momentum"], group["weight_decay"]) == (0.3, 0.9, 0.01)

    def cosine(opt):
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=budget.total_steps)

    run = budget.train(cosine, lr=0.3, seed=1)
    # Stepped after every update, through the whole run:
    expected = 0.3 * (1 + np.cos(np.pi * np.arange(budget.total_steps) / budget.total_steps)) / 2
    np.testing.assert_allclose(run.lr, expected, rtol=1e-9, atol=1e-15)
    again = train(**budget.config(cosine, 0.3), seed=1, progress=False)
    np.testing.assert_array_equal(run.test_loss, again.test_loss)
    assert run.test_loss.shape == (3,)


@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": 0}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"momentum": 1.0}, "momentum"),
    ({"weight_decay": -1.0}, "weight_decay"),
    ({"hidden": 0}, "hidden"),
    ({"val_fraction": 0.6, "test_fraction": 0.5}, "val_fraction \\+ test_fraction"),
])
def test_budget_rejects_bad_settings_when_built(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Budget(**kwargs)


def test_budget_rejects_a_bad_lr():
    with pytest.raises(ValueError, match="lr"):
        Budget().optimizer(0.0)
