"""Real data and small models: scikit-learn's digits (:func:`load_digits`) and the MLPs the
chapters train on them (:func:`make_mlp`, :func:`make_deep_mlp`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lrlab._checks import check_int, check_real
from lrlab.training._helpers import deterministic

__all__ = ["Digits", "load_digits", "make_deep_mlp", "make_mlp"]


@dataclass(frozen=True)
class Digits:
    """scikit-learn's 8x8 digits, split into training, validation and (optionally) test sets.

    Attributes:
        x_train, x_val: float32 tensors of shape ``(n, 64)``: each pixel standardised with the
            training set's mean and standard deviation (floored at 1/10 of the pixel range, so
            that the nearly constant border pixels are not blown up).
        y_train, y_val: int64 tensors of shape ``(n,)``, the digit 0-9.
        x_test, y_test: a held-out test set, standardised the same way, or ``None`` (the
            default split has none). :func:`train` reports the test metrics next to the
            validation ones but never uses them to steer a run: tune on validation, judge once
            on test.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor | None = None
    y_test: torch.Tensor | None = None


@functools.lru_cache(maxsize=8)
def load_digits(*, val_fraction: float = 0.25, seed: int = 0, test_fraction: float = 0.0) -> Digits:
    """The 1797 digits of ``sklearn.datasets.load_digits`` (shipped with scikit-learn, no download).

    After a seeded shuffle, the first ``val_fraction`` of the images are the validation set,
    the next ``test_fraction`` the test set, and the rest the training set; each pixel is
    standardised with the training set's statistics only.

    Args:
        val_fraction: the share held out for validation, in (0, 1).
        seed: seeds the shuffle before the split.
        test_fraction: the share held out for a final test, in [0, 1); with
            ``val_fraction + test_fraction < 1``. 0 (default): no test set, and the split is
            the same as without this argument.

    Returns:
        A :class:`Digits` (cached: treat its tensors as read-only).

    Example:
        >>> data = load_digits()
        >>> tuple(data.x_train.shape), tuple(data.x_val.shape), data.x_test
        ((1348, 64), (449, 64), None)
        >>> held_out = load_digits(val_fraction=0.2, test_fraction=0.2)
        >>> len(held_out.y_train), len(held_out.y_val), len(held_out.y_test)
        (1079, 359, 359)
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    val_fraction = check_real(
        "val_fraction", val_fraction, low=0.0, high=1.0, low_open=True, high_open=True
    )
    test_fraction = check_real("test_fraction", test_fraction, low=0.0, high=1.0, high_open=True)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1 (a training set must remain), "
            f"got val_fraction={val_fraction!r}, test_fraction={test_fraction!r}"
        )
    seed = check_int("seed", seed, minimum=0)
    x, y = _sklearn_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(y))
    x = x[order] / 16.0
    y = torch.tensor(y[order], dtype=torch.int64)
    n_val = round(val_fraction * len(y))
    n_held = n_val + round(test_fraction * len(y))
    mean = x[n_held:].mean(axis=0)
    std = np.maximum(x[n_held:].std(axis=0), 0.1)
    x = torch.tensor((x - mean) / std, dtype=torch.float32)
    test = (x[n_val:n_held], y[n_val:n_held]) if n_held > n_val else (None, None)
    return Digits(
        x_train=x[n_held:],
        y_train=y[n_held:],
        x_val=x[:n_val],
        y_val=y[:n_val],
        x_test=test[0],
        y_test=test[1],
    )


def make_mlp(hidden: int = 32, *, seed: int = 0) -> nn.Sequential:
    """A 64 -> ``hidden`` -> 10 perceptron with a ReLU, its weights drawn from ``seed``.

    Example:
        >>> sum(p.numel() for p in make_mlp(32).parameters())
        2410
    """
    hidden = check_int("hidden", hidden, minimum=1)
    with deterministic(check_int("seed", seed, minimum=0)):
        return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def make_deep_mlp(widths: Sequence[int] = (256, 256, 256), *, seed: int = 0) -> nn.Sequential:
    """A 64 -> ``widths[0]`` -> ... -> ``widths[-1]`` -> 10 perceptron with ReLUs and no
    normalisation.

    PyTorch's default initialisation, the weights drawn from ``seed``. With no normalisation
    layer, nothing rescales the activations between layers: an update that moves every weight
    by the same amount at once, as Adam's first update does, changes the logits by far more
    than a small network's. Chapter 6 uses it to show why warmup helps. Pass it to
    :func:`train` as ``make_model=functools.partial(make_deep_mlp, widths)``.

    Args:
        widths: the widths of the hidden layers, at least one, each an integer >= 1.
        seed: seeds the weights.

    Example:
        >>> model = make_deep_mlp((256, 256, 256))
        >>> sum(p.numel() for p in model.parameters())
        150794
        >>> tuple(model(torch.zeros(5, 64)).shape)
        (5, 10)
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise ValueError(f"widths must be a non-empty sequence of layer widths, got {widths!r}")
    widths = [check_int(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths)]
    layers: list[nn.Module] = []
    with deterministic(check_int("seed", seed, minimum=0)):
        for fan_in, fan_out in zip([64, *widths], widths):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        layers.append(nn.Linear(widths[-1], 10))
    return nn.Sequential(*layers)
