"""Tests of the package ``lrlab.training``: its public names, and ``deterministic``, the context
every run of the book trains in (the modules have their own test files, test_training_*.py)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import torch

import lrlab.training as lt
from lrlab.training import deterministic

# The names the notebooks import from lrlab.training: they must stay there.
NOTEBOOK_NAMES = [
    "final_metrics",
    "load_digits",
    "make_deep_mlp",
    "make_mlp",
    "mean_result",
    "record_lrs",
    "steps_per_epoch",
    "summarize",
    "train",
    "train_runs",
    "QuadraticBowl",
    "Budget",
    "predict_proba",
    "ensemble_metrics",
    "compare_runs",
    "seed_values",
    "TrainResult",
    "Digits",
    "SurfaceRun",
]


def training_modules() -> list:
    names = [info.name for info in pkgutil.iter_modules(lt.__path__, f"{lt.__name__}.")]
    return [importlib.import_module(name) for name in names]


def test_the_package_has_its_modules() -> None:
    names = {module.__name__.rsplit(".", 1)[-1] for module in training_modules()}
    assert names == {"_helpers", "bowl", "budget", "digits", "runs", "text"}


def test_all_lists_every_public_name_of_the_modules() -> None:
    """``__all__`` of each public module names what it defines publicly; the package's is their
    union, plus ``deterministic``."""
    public = [m for m in training_modules() if "._" not in m.__name__]
    for module in public:
        defined = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
        }
        assert set(module.__all__) == defined, module.__name__
    expected = {name for module in public for name in module.__all__} | {"deterministic"}
    assert sorted(lt.__all__) == sorted(expected)
    assert all(getattr(lt, name) is not None for name in lt.__all__)
    assert set(NOTEBOOK_NAMES) <= set(lt.__all__)


def test_deterministic_seeds_the_body_and_restores_the_global_state() -> None:
    threads = torch.get_num_threads()
    flag = torch.are_deterministic_algorithms_enabled()
    before = torch.get_rng_state()
    with deterministic(5):
        first = torch.rand(4)
        assert torch.get_num_threads() == 1
        assert torch.are_deterministic_algorithms_enabled()
    with deterministic(5):
        again = torch.rand(4)
    with deterministic(6):
        other = torch.rand(4)
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == flag
    assert torch.equal(torch.get_rng_state(), before)


def test_deterministic_restores_the_global_state_after_an_error() -> None:
    threads = torch.get_num_threads()
    flag = torch.are_deterministic_algorithms_enabled()
    before = torch.get_rng_state()
    with pytest.raises(RuntimeError, match="inside"), deterministic(0):
        torch.rand(2)
        raise RuntimeError("inside")
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == flag
    assert torch.equal(torch.get_rng_state(), before)
