"""Tests of lrlab.seeding: one place for every seed of the book, shifted by LRLAB_SEED."""

import numpy as np
import pytest
import torch

import lrlab
from lrlab.training import QuadraticBowl, train, train_runs


def sgd(lr):
    return lambda params: torch.optim.SGD(params, lr=lr)


def test_seeds_count_from_first(monkeypatch):
    monkeypatch.delenv("LRLAB_SEED", raising=False)
    assert lrlab.seeds() == (0,)
    assert lrlab.seeds(3) == (0, 1, 2)
    assert lrlab.seeds(2, first=10) == (10, 11)


@pytest.mark.parametrize("raw, offset", [("", 0), ("0", 0), ("7", 7), (" 1000 ", 1000)])
def test_lrlab_seed_shifts_every_seed(monkeypatch, raw, offset):
    monkeypatch.setenv("LRLAB_SEED", raw)
    assert lrlab.seeds(3) == (offset, offset + 1, offset + 2)
    assert lrlab.seeds(2, first=10) == (10 + offset, 11 + offset)


@pytest.mark.parametrize("raw", ["x", "1.5", "-1"])
def test_a_bad_lrlab_seed_is_named(monkeypatch, raw):
    monkeypatch.setenv("LRLAB_SEED", raw)
    with pytest.raises(ValueError, match="LRLAB_SEED"):
        lrlab.seeds()


@pytest.mark.parametrize(
    "kwargs, name", [({"count": 0}, "count"), ({"first": -1}, "first"), ({"count": 2.0}, "count")]
)
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        lrlab.seeds(**kwargs)


def test_train_defaults_to_the_shifted_seed(monkeypatch):
    monkeypatch.setenv("LRLAB_SEED", "5")
    shifted = train(sgd(0.2), epochs=1, progress=False)
    explicit = train(sgd(0.2), epochs=1, progress=False, seed=5)
    other = train(sgd(0.2), epochs=1, progress=False, seed=0)
    np.testing.assert_array_equal(shifted.train_loss, explicit.train_loss)
    assert not np.array_equal(shifted.train_loss, other.train_loss)


def test_train_runs_takes_a_count_of_shifted_seeds(monkeypatch):
    monkeypatch.setenv("LRLAB_SEED", "3")
    runs = train_runs({"a": {"make_optimizer": sgd(0.2)}}, seeds=2, epochs=1, progress=False)
    for run, seed in zip(runs["a"], (3, 4)):
        alone = train(sgd(0.2), epochs=1, progress=False, seed=seed)
        np.testing.assert_array_equal(run.train_loss, alone.train_loss)


def test_bowl_noise_follows_the_offset(monkeypatch):
    bowl = QuadraticBowl(noise=1.0)
    monkeypatch.setenv("LRLAB_SEED", "9")
    shifted = bowl.descend(sgd(0.05))
    np.testing.assert_array_equal(shifted.path, bowl.descend(sgd(0.05), seed=9).path)
    assert not np.array_equal(shifted.path, bowl.descend(sgd(0.05), seed=0).path)
