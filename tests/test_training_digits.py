"""Tests of the digits and the models of ``lrlab.training.digits``: the splits are disjoint
and seeded, the models' weights depend on the seed only.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lrlab.training import (
    load_digits,
    make_mlp,
)


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


def test_deep_mlp_has_the_given_widths_and_no_normalisation():
    from lrlab.training import make_deep_mlp

    model = make_deep_mlp((256, 128, 32), seed=0)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (64, 256),
        (256, 128),
        (128, 32),
        (32, 10),
    ]
    assert {type(m) for m in model} == {torch.nn.Linear, torch.nn.ReLU}
    assert sum(p.numel() for p in model.parameters()) == (
        64 * 256 + 256 + 256 * 128 + 128 + 128 * 32 + 32 + 32 * 10 + 10
    )
    a, b = make_deep_mlp((8, 8), seed=3), make_deep_mlp((8, 8), seed=3)
    c = make_deep_mlp((8, 8), seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, c[0].weight)


@pytest.mark.parametrize(
    "widths, name",
    [
        ((), "widths"),
        ((16, 0), r"widths\[1\]"),
        ("256", "widths"),
        ((16.5,), r"widths\[0\]"),
    ],
)
def test_deep_mlp_rejects_bad_widths(widths, name):
    from lrlab.training import make_deep_mlp

    with pytest.raises(ValueError, match=name):
        make_deep_mlp(widths)


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
    # The validation images are the same with or without a test set: adding one only shrinks
    # training.
    np.testing.assert_array_equal(data.y_val.numpy(), load_digits(val_fraction=0.2).y_val.numpy())
    assert load_digits(val_fraction=0.2).x_test is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"val_fraction": 0.5, "test_fraction": 0.5}, "val_fraction \\+ test_fraction"),
        ({"test_fraction": -0.1}, "test_fraction"),
        ({"test_fraction": 1.0}, "test_fraction"),
    ],
)
def test_load_digits_rejects_bad_test_fraction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_digits(**kwargs)
