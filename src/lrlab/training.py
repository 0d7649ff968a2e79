"""Small, deterministic training runs for the book's experiments.

Two playgrounds, both driven by a real ``torch.optim`` optimizer and (optionally) a scheduler,
so that what the chapters show is exactly what happens in a production training loop:

- :class:`QuadraticBowl`: a 2-D loss surface you can draw. :meth:`QuadraticBowl.descend`
  records every iterate, so a contour plot shows what a too-large, a too-small and a
  scheduled learning rate do.
- :func:`train`: a small MLP on scikit-learn's bundled digits (no download), returning the
  learning rate of every step and the loss and accuracy curves. A run of 20 epochs takes
  well under a second on one CPU core.

Both are seeded: the same arguments give the same numbers, bit for bit, on every run.
This is the only helper module that imports torch (``lrlab.plotting`` needs NumPy and
matplotlib only), so ``import lrlab`` stays cheap.

Example:
    >>> import torch
    >>> from lrlab.training import train
    >>> run = train(lambda params: torch.optim.SGD(params, lr=0.1), epochs=2, progress=False)
    >>> run.val_acc.shape, run.lr.shape
    ((3,), (44,))
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from lrlab._checks import check_choice, check_int, check_real

__all__ = [
    "Digits",
    "QuadraticBowl",
    "SurfaceRun",
    "TrainResult",
    "load_digits",
    "make_mlp",
    "steps_per_epoch",
    "train",
]

OptimizerFactory = Callable[[Any], torch.optim.Optimizer]
"""Builds an optimizer from the model's parameters, e.g. ``lambda p: torch.optim.SGD(p, lr=0.1)``."""

SchedulerFactory = Callable[[torch.optim.Optimizer], Any]
"""Builds a scheduler for the optimizer, e.g. ``lambda opt: StepLR(opt, step_size=5)``."""


@contextlib.contextmanager
def _deterministic(seed: int) -> Iterator[None]:
    """Run the body single-threaded, deterministic and seeded; restore the global state after."""
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def _build_scheduler(make_scheduler: SchedulerFactory | None, optimizer: torch.optim.Optimizer):
    return None if make_scheduler is None else make_scheduler(optimizer)


def _is_plateau(scheduler: Any) -> bool:
    """``ReduceLROnPlateau`` (torch's or lrlab's) steps on a metric, not on a count."""
    return any(cls.__name__ == "ReduceLROnPlateau" for cls in type(scheduler).__mro__)


# ---------------------------------------------------------------------------------------------
# A loss surface you can see
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurfaceRun:
    """The iterates of one descent on a :class:`QuadraticBowl`.

    Attributes:
        path: ``(steps + 1, 2)`` array, the point before each step and after the last one.
        loss: ``(steps + 1,)`` array, the (noise-free) loss at each point of ``path``.
        lr: ``(steps,)`` array, the learning rate each step was taken with.
        diverged: whether the loss overflowed; the remaining entries are then ``nan``.
    """

    path: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    diverged: bool


@dataclass(frozen=True)
class QuadraticBowl:
    r"""The loss :math:`L(w) = \tfrac12 (a\,w_1^2 + b\,w_2^2)`, optionally with noisy gradients.

    Gradient descent on it is stable for a constant learning rate :math:`\eta < 2 / \max(a, b)`
    and oscillates in the steep direction as :math:`\eta` approaches that bound. With
    ``noise > 0``, step :math:`t` sees the gradient plus :math:`\sigma\,\xi_t`,
    :math:`\xi_t \sim \mathcal N(0, I)` (seeded): like a minibatch gradient, it is right on
    average, and a constant learning rate then stalls in a cloud around the minimum whose size
    grows with :math:`\eta`.

    Args:
        curvature: ``(a, b)``, the second derivatives along :math:`w_1` and :math:`w_2` (> 0).
        noise: :math:`\sigma`, the standard deviation of the gradient noise (>= 0).

    Example:
        >>> import torch
        >>> bowl = QuadraticBowl(curvature=(1.0, 10.0))
        >>> bowl.max_stable_lr
        0.2
        >>> run = bowl.descend(lambda p: torch.optim.SGD(p, lr=0.1), start=(1.0, 1.0), steps=3)
        >>> run.path[:, 1].round(6).tolist()  # the steep coordinate is multiplied by 1 - 0.1 * 10
        [1.0, 0.0, 0.0, 0.0]
    """

    curvature: tuple[float, float] = (1.0, 10.0)
    noise: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.curvature, Sequence) or len(self.curvature) != 2:
            raise ValueError(f"curvature must be a pair (a, b), got {self.curvature!r}")
        a = check_real("curvature[0]", self.curvature[0], low=0.0, low_open=True)
        b = check_real("curvature[1]", self.curvature[1], low=0.0, low_open=True)
        object.__setattr__(self, "curvature", (a, b))
        object.__setattr__(self, "noise", check_real("noise", self.noise, low=0.0))

    @property
    def max_stable_lr(self) -> float:
        """The largest constant learning rate for which noise-free descent converges: 2 / max(a, b)."""
        return 2.0 / max(self.curvature)

    def __call__(self, w1: Any, w2: Any) -> Any:
        """The noise-free loss, vectorised over NumPy arrays (for contour plots)."""
        a, b = self.curvature
        return 0.5 * (a * np.square(w1) + b * np.square(w2))

    def descend(
        self,
        make_optimizer: OptimizerFactory,
        make_scheduler: SchedulerFactory | None = None,
        *,
        start: tuple[float, float] = (-4.0, 1.5),
        steps: int = 30,
        seed: int = 0,
    ) -> SurfaceRun:
        """Minimise the bowl from ``start`` with a torch optimizer, one scheduler step per step.

        Args:
            make_optimizer: called with ``[w]`` (one 2-element tensor) to build the optimizer.
            make_scheduler: called with the optimizer to build a scheduler, or ``None`` for a
                constant learning rate. ``scheduler.step()`` is called after every
                ``optimizer.step()``.
            start: the initial point.
            steps: how many optimizer steps to take (>= 1).
            seed: seeds the gradient noise.

        Returns:
            A :class:`SurfaceRun`.
        """
        steps = check_int("steps", steps, minimum=1)
        if not isinstance(start, Sequence) or len(start) != 2:
            raise ValueError(f"start must be a pair (w1, w2), got {start!r}")
        start = (check_real("start[0]", start[0]), check_real("start[1]", start[1]))
        curvature = torch.tensor(self.curvature, dtype=torch.float64)
        noise = torch.randn(steps, 2, generator=torch.Generator().manual_seed(seed),
                            dtype=torch.float64) * self.noise
        path = np.full((steps + 1, 2), np.nan)
        lrs = np.full(steps, np.nan)
        path[0] = start
        diverged = False
        with _deterministic(seed):
            w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
            optimizer = make_optimizer([w])
            scheduler = _build_scheduler(make_scheduler, optimizer)
            for t in range(steps):
                optimizer.zero_grad()
                # The noise enters as a linear term: its gradient is exactly noise[t].
                loss = 0.5 * (curvature * w * w).sum() + (noise[t] * w).sum()
                loss.backward()
                lrs[t] = optimizer.param_groups[0]["lr"]
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                point = w.detach().numpy()
                if not np.all(np.isfinite(point)) or np.abs(point).max() > 1e150:
                    diverged = True
                    break
                path[t + 1] = point
        with np.errstate(over="ignore", invalid="ignore"):
            loss_values = self(path[:, 0], path[:, 1])
        return SurfaceRun(path=path, loss=loss_values, lr=lrs, diverged=diverged)


# ---------------------------------------------------------------------------------------------
# Digits: real data, a small model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Digits:
    """scikit-learn's 8x8 digits, split into training and validation sets.

    Attributes:
        x_train, x_val: float32 tensors of shape ``(n, 64)``, pixels scaled to [0, 1].
        y_train, y_val: int64 tensors of shape ``(n,)``, the digit 0-9.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


@functools.lru_cache(maxsize=8)
def load_digits(*, val_fraction: float = 0.25, seed: int = 0) -> Digits:
    """The 1797 digits of ``sklearn.datasets.load_digits`` (shipped with scikit-learn, no download).

    Args:
        val_fraction: the share held out for validation, in (0, 1).
        seed: seeds the shuffle before the split.

    Returns:
        A :class:`Digits` (cached: treat its tensors as read-only).

    Example:
        >>> data = load_digits()
        >>> tuple(data.x_train.shape), tuple(data.x_val.shape)
        ((1348, 64), (449, 64))
    """
    from sklearn.datasets import load_digits as _sklearn_digits

    val_fraction = check_real("val_fraction", val_fraction, low=0.0, high=1.0,
                              low_open=True, high_open=True)
    seed = check_int("seed", seed, minimum=0)
    x, y = _sklearn_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(y))
    x = torch.tensor(x[order] / 16.0, dtype=torch.float32)
    y = torch.tensor(y[order], dtype=torch.int64)
    n_val = round(val_fraction * len(y))
    return Digits(x_train=x[n_val:], y_train=y[n_val:], x_val=x[:n_val], y_val=y[:n_val])


def make_mlp(hidden: int = 32, *, seed: int = 0) -> nn.Sequential:
    """A 64 -> ``hidden`` -> 10 perceptron with a ReLU, its weights drawn from ``seed``.

    Example:
        >>> sum(p.numel() for p in make_mlp(32).parameters())
        2410
    """
    hidden = check_int("hidden", hidden, minimum=1)
    with _deterministic(check_int("seed", seed, minimum=0)):
        return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def steps_per_epoch(batch_size: int | None = 64, *, data: Digits | None = None) -> int:
    """How many optimizer steps one epoch of :func:`train` takes (the last batch may be short).

    Example:
        >>> steps_per_epoch(64), steps_per_epoch(None)
        (22, 1)
    """
    data = load_digits() if data is None else data
    if batch_size is None:
        return 1
    return math.ceil(len(data.y_train) / check_int("batch_size", batch_size, minimum=1))


@dataclass(frozen=True)
class TrainResult:
    """The curves of one :func:`train` run (NumPy arrays).

    Attributes:
        lr: ``(epochs * steps_per_epoch,)``, the learning rate of parameter group 0 at each
            optimizer step.
        train_loss: same shape, the minibatch loss at each step.
        val_loss, val_acc: ``(epochs + 1,)``, the validation loss and accuracy after ``e``
            epochs (entry 0: the untrained model).
        diverged: whether the loss became non-finite; later entries are then ``nan``.
    """

    lr: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_acc: np.ndarray
    diverged: bool

    @property
    def steps_per_epoch(self) -> int:
        """Optimizer steps per epoch."""
        return len(self.lr) // (len(self.val_loss) - 1)

    @property
    def epoch_train_loss(self) -> np.ndarray:
        """``(epochs,)``, the mean minibatch loss of each epoch."""
        return self.train_loss.reshape(-1, self.steps_per_epoch).mean(axis=1)


def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).double().mean().item()
    return loss, acc


def train(
    make_optimizer: OptimizerFactory,
    make_scheduler: SchedulerFactory | None = None,
    *,
    epochs: int = 10,
    batch_size: int | None = 64,
    scheduler_interval: str = "epoch",
    hidden: int = 32,
    seed: int = 0,
    progress: bool | str = True,
    data: Digits | None = None,
) -> TrainResult:
    """Train a small MLP on the digits with the given optimizer and scheduler.

    The loop is the standard one: for each minibatch, ``zero_grad``, ``backward``,
    ``optimizer.step()``, then ``scheduler.step()`` if the scheduler counts steps; after each
    epoch, ``scheduler.step()`` if it counts epochs. A ``ReduceLROnPlateau`` (torch's or
    lrlab's) is stepped after each epoch with the validation loss.

    Args:
        make_optimizer: called with ``model.parameters()``; returns the optimizer.
        make_scheduler: called with the optimizer; returns the scheduler, or ``None`` for a
            constant learning rate.
        epochs: passes over the training set (>= 1).
        batch_size: minibatch size, or ``None`` for full-batch gradient descent.
        scheduler_interval: ``"epoch"`` or ``"step"``: when ``scheduler.step()`` is called.
        hidden: width of the hidden layer.
        seed: seeds the weights and the minibatch order.
        progress: show a tqdm bar (a string is used as its label).
        data: the data set; :func:`load_digits` by default.

    Returns:
        A :class:`TrainResult`.

    Example:
        >>> import torch
        >>> run = train(lambda p: torch.optim.SGD(p, lr=0.5), epochs=5, progress=False)
        >>> bool(run.val_acc[-1] > 0.9)
        True
    """
    from tqdm import tqdm

    epochs = check_int("epochs", epochs, minimum=1)
    scheduler_interval = check_choice("scheduler_interval", scheduler_interval, ("epoch", "step"))
    data = load_digits() if data is None else data
    n_train = len(data.y_train)
    batch = n_train if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    per_epoch = steps_per_epoch(batch_size, data=data)
    lrs = np.full(epochs * per_epoch, np.nan)
    train_loss = np.full(epochs * per_epoch, np.nan)
    val_loss = np.full(epochs + 1, np.nan)
    val_acc = np.full(epochs + 1, np.nan)
    diverged = False
    model = make_mlp(hidden, seed=seed)
    with _deterministic(seed):
        order_rng = torch.Generator().manual_seed(seed)
        optimizer = make_optimizer(model.parameters())
        scheduler = _build_scheduler(make_scheduler, optimizer)
        plateau = scheduler is not None and _is_plateau(scheduler)
        val_loss[0], val_acc[0] = _evaluate(model, data.x_val, data.y_val)
        label = progress if isinstance(progress, str) else None
        bar = tqdm(range(epochs), desc=label, disable=not progress, leave=True,
                   mininterval=60.0, ncols=80, ascii=True)
        step = 0
        for epoch in bar:
            order = torch.randperm(n_train, generator=order_rng)
            for start in range(0, n_train, batch):
                idx = order[start:start + batch]
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(data.x_train[idx]), data.y_train[idx])
                loss.backward()
                lrs[step] = optimizer.param_groups[0]["lr"]
                train_loss[step] = loss.item()
                optimizer.step()
                step += 1
                if scheduler is not None and not plateau and scheduler_interval == "step":
                    scheduler.step()
                if not math.isfinite(train_loss[step - 1]):
                    diverged = True
                    break
            if diverged:
                break
            val_loss[epoch + 1], val_acc[epoch + 1] = _evaluate(model, data.x_val, data.y_val)
            if not math.isfinite(val_loss[epoch + 1]):
                diverged = True
                break
            if plateau:
                scheduler.step(val_loss[epoch + 1])
            elif scheduler is not None and scheduler_interval == "epoch":
                scheduler.step()
        bar.close()
    return TrainResult(lr=lrs, train_loss=train_loss, val_loss=val_loss, val_acc=val_acc,
                       diverged=diverged)
