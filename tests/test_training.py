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
    assert 0.0 <= float(data.x_train.min()) and float(data.x_train.max()) <= 1.0
    # The two parts together are a permutation of scikit-learn's digits.
    from sklearn.datasets import load_digits as sklearn_digits

    x, y = sklearn_digits(return_X_y=True)
    both = np.concatenate([data.x_train.numpy(), data.x_val.numpy()]) * 16
    labels = np.concatenate([data.y_train.numpy(), data.y_val.numpy()])
    order = np.lexsort(np.column_stack([both, labels]).T)
    reference = np.lexsort(np.column_stack([x, y]).T)
    np.testing.assert_allclose(both[order], x[reference], atol=1e-5)
    np.testing.assert_array_equal(labels[order], y[reference])
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
    run = train(sgd(1e6), epochs=3, progress=False)
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
