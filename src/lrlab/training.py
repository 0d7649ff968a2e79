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
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from lrlab._checks import check_choice, check_int, check_real
from lrlab.seeding import seeds as _seeds
from lrlab.stats import Comparison, compare

__all__ = [
    "Budget",
    "Digits",
    "QuadraticBowl",
    "SurfaceRun",
    "TrainResult",
    "compare_runs",
    "ensemble_metrics",
    "final_metrics",
    "load_digits",
    "make_deep_mlp",
    "make_mlp",
    "mean_result",
    "predict_proba",
    "record_lrs",
    "steps_per_epoch",
    "summarize",
    "train",
    "train_runs",
]

OptimizerFactory = Callable[[Any], torch.optim.Optimizer]
"""Builds an optimizer from the model's parameters, e.g. ``lambda p: torch.optim.SGD(p, lr=0.1)``."""

SchedulerFactory = Callable[[torch.optim.Optimizer], Any]
"""Builds a scheduler for the optimizer, e.g. ``lambda opt: StepLR(opt, step_size=5)``."""

ModelFactory = Callable[..., nn.Module]
"""Builds the model, called as ``make_model(seed=seed)``, e.g. ``functools.partial(make_deep_mlp, (256, 256))``."""


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


@contextlib.contextmanager
def _progress_bar(total: int, progress: bool | str, unit: str = "it") -> Iterator[Any]:
    """A tqdm bar (labelled by ``progress`` when it is a string) that leaves one final line.

    A run shorter than a second prints only its final state: a saved notebook (and the book)
    then shows one line per bar, not a "0%" line above it. Longer runs update twice a second,
    or every ``LRLAB_PROGRESS_INTERVAL`` seconds when that environment variable is set: the
    Makefile sets it high for the book and nbval, whose renderers would otherwise print every
    update of a bar on a line of its own.
    """
    from tqdm import tqdm

    label = progress if isinstance(progress, str) else None
    interval = float(os.environ.get("LRLAB_PROGRESS_INTERVAL", 0.5))
    bar = tqdm(total=total, desc=label, disable=not progress, leave=True, delay=1.0,
               mininterval=interval, ncols=72, ascii=True, unit=unit)
    try:
        yield bar
    finally:
        bar.delay = 0  # close() then prints the final state even of a run shorter than the delay
        bar.close()


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
        >>> run = bowl.descend(lambda p: torch.optim.SGD(p, lr=0.05), start=(1.0, 1.0), steps=3)
        >>> run.path[:, 1].tolist()  # each step multiplies w2 by 1 - 0.05 * 10
        [1.0, 0.5, 0.25, 0.125]
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
        """The largest constant learning rate for which noise-free descent converges, 2 / max(a, b)."""
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
        seed: int | None = None,
    ) -> SurfaceRun:
        """Minimise the bowl from ``start`` with a torch optimizer, one scheduler step per step.

        Args:
            make_optimizer: called with ``[w]`` (one 2-element tensor) to build the optimizer.
            make_scheduler: called with the optimizer to build a scheduler, or ``None`` for a
                constant learning rate. ``scheduler.step()`` is called after every
                ``optimizer.step()``.
            start: the initial point.
            steps: how many optimizer steps to take (>= 1).
            seed: seeds the gradient noise; ``None`` (default): ``lrlab.seeds()[0]``, which
                ``LRLAB_SEED`` shifts.

        Returns:
            A :class:`SurfaceRun`.
        """
        steps = check_int("steps", steps, minimum=1)
        seed = _seeds()[0] if seed is None else check_int("seed", seed, minimum=0)
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

    val_fraction = check_real("val_fraction", val_fraction, low=0.0, high=1.0,
                              low_open=True, high_open=True)
    test_fraction = check_real("test_fraction", test_fraction, low=0.0, high=1.0, high_open=True)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(f"val_fraction + test_fraction must be < 1 (a training set must remain), "
                         f"got val_fraction={val_fraction!r}, test_fraction={test_fraction!r}")
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
    return Digits(x_train=x[n_held:], y_train=y[n_held:], x_val=x[:n_val], y_val=y[:n_val],
                  x_test=test[0], y_test=test[1])


def make_mlp(hidden: int = 32, *, seed: int = 0) -> nn.Sequential:
    """A 64 -> ``hidden`` -> 10 perceptron with a ReLU, its weights drawn from ``seed``.

    Example:
        >>> sum(p.numel() for p in make_mlp(32).parameters())
        2410
    """
    hidden = check_int("hidden", hidden, minimum=1)
    with _deterministic(check_int("seed", seed, minimum=0)):
        return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def make_deep_mlp(widths: Sequence[int] = (256, 256, 256), *, seed: int = 0) -> nn.Sequential:
    """A 64 -> ``widths[0]`` -> ... -> ``widths[-1]`` -> 10 perceptron with ReLUs and no normalisation.

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
    with _deterministic(check_int("seed", seed, minimum=0)):
        for fan_in, fan_out in zip([64, *widths], widths):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        layers.append(nn.Linear(widths[-1], 10))
    return nn.Sequential(*layers)


def _build_model(make_model: ModelFactory | None, hidden: int, seed: int) -> nn.Module:
    """The model of a :func:`train` run: ``make_model(seed=seed)``, or :func:`make_mlp`."""
    seed = check_int("seed", seed, minimum=0)
    if make_model is None:
        return make_mlp(hidden, seed=seed)
    if not callable(make_model):
        raise ValueError(f"make_model must be a function of the seed returning a model, got {make_model!r}")
    with _deterministic(seed):  # seeded even if the factory draws from the global generator
        model = make_model(seed=seed)
    if not isinstance(model, nn.Module):
        raise ValueError(f"make_model must return a torch.nn.Module, got {model!r}")
    return model


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
        test_loss, test_acc: like ``val_loss`` and ``val_acc``, on the data's test set, or
            ``None`` when it has none.
        snapshots: ``{k: model.state_dict()}``, copies of the weights right after update ``k``
            for each ``k`` of :func:`train`'s ``snapshot_steps`` (a snapshot ensemble's
            members, see :func:`ensemble_metrics`), or ``None`` when none was asked for.
    """

    lr: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_acc: np.ndarray
    diverged: bool
    test_loss: np.ndarray | None = None
    test_acc: np.ndarray | None = None
    snapshots: dict[int, dict[str, torch.Tensor]] | None = None

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
    seed: int | None = None,
    progress: bool | str = True,
    data: Digits | None = None,
    snapshot_steps: Sequence[int] = (),
    make_model: ModelFactory | None = None,
) -> TrainResult:
    """Train a small MLP on the digits with the given optimizer and scheduler.

    The loop is the standard one: for each minibatch, ``zero_grad``, ``backward``,
    ``optimizer.step()``, then ``scheduler.step()`` if the scheduler counts steps; after each
    epoch, ``scheduler.step()`` if it counts epochs. A ``ReduceLROnPlateau`` (torch's or
    lrlab's) is stepped after each epoch with the validation loss. When ``data`` has a test
    set, the model is also evaluated on it after each epoch (``test_loss``, ``test_acc``);
    nothing in the run depends on those numbers.

    Args:
        make_optimizer: called with ``model.parameters()``; returns the optimizer.
        make_scheduler: called with the optimizer; returns the scheduler, or ``None`` for a
            constant learning rate.
        epochs: passes over the training set (>= 1).
        batch_size: minibatch size, or ``None`` for full-batch gradient descent.
        scheduler_interval: ``"epoch"`` or ``"step"``: when ``scheduler.step()`` is called.
        hidden: width of the hidden layer.
        seed: seeds the weights and the minibatch order; ``None`` (default):
            ``lrlab.seeds()[0]``, which ``LRLAB_SEED`` shifts.
        progress: show a tqdm bar (a string is used as its label).
        data: the data set; :func:`load_digits` by default.
        snapshot_steps: after which updates (counted from 1 to ``epochs * steps_per_epoch``)
            to keep a copy of the weights, in ``TrainResult.snapshots`` (e.g. the end of each
            cycle of warm restarts, for a snapshot ensemble). A run that diverges keeps only
            the snapshots taken before.
        make_model: builds the model, called as ``make_model(seed=seed)`` (64 inputs, 10
            logits), e.g. ``functools.partial(make_deep_mlp, (256, 256, 256))``; ``None``
            (default): ``make_mlp(hidden, seed=seed)``. ``hidden`` is ignored when it is given.

    Returns:
        A :class:`TrainResult`.

    Example:
        >>> import torch
        >>> run = train(lambda p: torch.optim.SGD(p, lr=0.3), epochs=5, progress=False)
        >>> bool(run.val_acc[-1] > 0.9)
        True
    """
    epochs = check_int("epochs", epochs, minimum=1)
    seed = _seeds()[0] if seed is None else check_int("seed", seed, minimum=0)
    scheduler_interval = check_choice("scheduler_interval", scheduler_interval, ("epoch", "step"))
    data = load_digits() if data is None else data
    n_train = len(data.y_train)
    batch = n_train if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    per_epoch = steps_per_epoch(batch_size, data=data)
    lrs = np.full(epochs * per_epoch, np.nan)
    train_loss = np.full(epochs * per_epoch, np.nan)
    val_loss = np.full(epochs + 1, np.nan)
    val_acc = np.full(epochs + 1, np.nan)
    has_test = data.x_test is not None
    test_loss = np.full(epochs + 1, np.nan) if has_test else None
    test_acc = np.full(epochs + 1, np.nan) if has_test else None
    diverged = False
    snap_at = _check_snapshot_steps(snapshot_steps, epochs * per_epoch)
    snapshots: dict[int, dict[str, torch.Tensor]] | None = {} if snap_at else None
    model = _build_model(make_model, hidden, seed)
    with _deterministic(seed), _progress_bar(epochs, progress) as bar:
        order_rng = torch.Generator().manual_seed(seed)
        optimizer = make_optimizer(model.parameters())
        scheduler = _build_scheduler(make_scheduler, optimizer)
        plateau = scheduler is not None and _is_plateau(scheduler)
        val_loss[0], val_acc[0] = _evaluate(model, data.x_val, data.y_val)
        if has_test:
            test_loss[0], test_acc[0] = _evaluate(model, data.x_test, data.y_test)
        step = 0
        for epoch in range(epochs):
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
                if step in snap_at:
                    snapshots[step] = {k: v.detach().clone() for k, v in model.state_dict().items()}
                if scheduler is not None and not plateau and scheduler_interval == "step":
                    scheduler.step()
                if not math.isfinite(train_loss[step - 1]):
                    diverged = True
                    break
            if diverged:
                break
            val_loss[epoch + 1], val_acc[epoch + 1] = _evaluate(model, data.x_val, data.y_val)
            if has_test:  # reported only: nothing below reads it
                test_loss[epoch + 1], test_acc[epoch + 1] = _evaluate(model, data.x_test, data.y_test)
            if not math.isfinite(val_loss[epoch + 1]):
                diverged = True
                break
            if plateau:
                scheduler.step(val_loss[epoch + 1])
            elif scheduler is not None and scheduler_interval == "epoch":
                scheduler.step()
            bar.update(1)
    return TrainResult(lr=lrs, train_loss=train_loss, val_loss=val_loss, val_acc=val_acc,
                       diverged=diverged, test_loss=test_loss, test_acc=test_acc,
                       snapshots=snapshots)


def _check_snapshot_steps(snapshot_steps: Sequence[int], total: int) -> frozenset[int]:
    if isinstance(snapshot_steps, (str, bytes)) or not isinstance(snapshot_steps, Sequence):
        raise ValueError(f"snapshot_steps must be a sequence of update counts, got {snapshot_steps!r}")
    steps = frozenset(check_int("snapshot_steps", k, minimum=1) for k in snapshot_steps)
    late = sorted(k for k in steps if k > total)
    if late:
        raise ValueError(f"snapshot_steps must be <= {total} (the updates in the run), got {late[0]!r}")
    return steps


# ---------------------------------------------------------------------------------------------
# Ensembles of snapshots (chapter 4): average the members' softmax outputs
# ---------------------------------------------------------------------------------------------


def _log_proba(states: Sequence[Mapping[str, torch.Tensor]], x: torch.Tensor,
               hidden: int) -> torch.Tensor:
    """``(len(states), n, 10)`` float64 log-softmax of :func:`make_mlp` models with these weights."""
    if isinstance(states, Mapping) or not isinstance(states, Sequence) or not states:
        raise ValueError(f"states must be a non-empty sequence of state_dicts, got {states!r}")
    model = make_mlp(hidden)
    out = []
    with torch.no_grad():
        for i, state in enumerate(states):
            try:
                model.load_state_dict(state)
            except (RuntimeError, TypeError, AttributeError) as err:
                raise ValueError(f"states[{i}] is not a state_dict of make_mlp({hidden}): {err}") from None
            out.append(torch.log_softmax(model(x).double(), dim=1))
    return torch.stack(out)


def predict_proba(states: Sequence[Mapping[str, torch.Tensor]], x: torch.Tensor, *,
                  hidden: int = 32) -> np.ndarray:
    """The class probabilities (softmax) of :func:`make_mlp` models with the given weights.

    Args:
        states: one ``state_dict()`` per model, e.g. the values of ``TrainResult.snapshots``.
        x: ``(n, 64)`` inputs, e.g. ``load_digits().x_val``.
        hidden: the hidden width the models were trained with.

    Returns:
        A ``(len(states), n, 10)`` float64 array: ``[m, i]`` is model ``m``'s distribution over
        the ten digits for input ``i``.

    Example:
        >>> probs = predict_proba([make_mlp(seed=0).state_dict()], load_digits().x_val[:3])
        >>> probs.shape, bool(np.allclose(probs.sum(axis=-1), 1.0))
        ((1, 3, 10), True)
    """
    return _log_proba(states, x, hidden).exp().numpy()


def ensemble_metrics(states: Sequence[Mapping[str, torch.Tensor]], *, data: Digits | None = None,
                     hidden: int = 32, split: str = "val") -> dict[str, float]:
    r"""Loss and accuracy of the ensemble that averages its members' predicted probabilities.

    The ensemble predicts :math:`\bar p(k \mid x) = \frac1M \sum_m p_m(k \mid x)`, the mean of
    the :math:`M` members' softmax outputs, as snapshot ensembles do (Huang et al., 2017). Its
    loss is the cross-entropy of :math:`\bar p`, its prediction :math:`\arg\max_k \bar p`. One
    member gives that model's own loss and accuracy.

    Args:
        states: the members' ``state_dict()`` (e.g. ``list(run.snapshots.values())``).
        data: the data set; :func:`load_digits` by default.
        hidden: the hidden width the members were trained with.
        split: ``"val"`` (default) or ``"test"``.

    Returns:
        ``{"loss": cross-entropy, "acc": accuracy}`` of the ensemble on that split.

    Example:
        >>> import torch
        >>> run = train(lambda p: torch.optim.SGD(p, lr=0.3), epochs=2, progress=False,
        ...             snapshot_steps=[22, 44])
        >>> metrics = ensemble_metrics(list(run.snapshots.values()))
        >>> sorted(metrics), bool(metrics["acc"] > 0.9)
        (['acc', 'loss'], True)
    """
    split = check_choice("split", split, ("val", "test"))
    data = load_digits() if data is None else data
    x, y = (data.x_val, data.y_val) if split == "val" else (data.x_test, data.y_test)
    if x is None:
        raise ValueError("split='test' needs data with a test set, e.g. load_digits(test_fraction=0.2)")
    log_p = _log_proba(states, x, hidden)
    # log of the mean probability, without underflow: logsumexp over the members, minus log M.
    log_mean = torch.logsumexp(log_p, dim=0) - math.log(len(log_p))
    loss = nn.functional.nll_loss(log_mean, y).item()
    return {"loss": loss, "acc": (log_mean.argmax(dim=1) == y).double().mean().item()}


# ---------------------------------------------------------------------------------------------
# Several runs: the chapters' experiments (one configuration per knob setting, several seeds)
# ---------------------------------------------------------------------------------------------


def train_runs(
    configs: Mapping[str, Mapping[str, Any]],
    *,
    seeds: int | Sequence[int] = 3,
    progress: bool | str = True,
    **common: Any,
) -> dict[str, list[TrainResult]]:
    """Train every configuration once per seed, under a single progress bar.

    Args:
        configs: label -> keyword arguments of :func:`train` for that configuration (at least
            ``make_optimizer``, unless ``common`` has it); they override ``common``.
        seeds: the seeds each configuration is trained with (weights and minibatch order): a
            count ``n`` means ``lrlab.seeds(n)`` (shifted by ``LRLAB_SEED``), a sequence is used
            as it is.
        progress: show one tqdm bar over all the runs (a string is used as its label).
        **common: keyword arguments of :func:`train` shared by every configuration.

    Returns:
        label -> the list of :class:`TrainResult`, one per seed, in the order of ``seeds``.

    Example:
        >>> import torch
        >>> sgd = lambda p: torch.optim.SGD(p, lr=0.1)
        >>> runs = train_runs({"a": {}, "b": {"batch_size": 128}}, seeds=(0, 1),
        ...                   make_optimizer=sgd, epochs=1, progress=False)
        >>> {label: len(results) for label, results in runs.items()}
        {'a': 2, 'b': 2}
    """
    if not isinstance(configs, Mapping) or not configs:
        raise ValueError(f"configs must be a non-empty mapping label -> train() arguments, got {configs!r}")
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seeds = _seeds(check_int("seeds", seeds, minimum=1))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(f"seeds must be a count >= 1 or a non-empty sequence of integers, got {seeds!r}")
    seeds = [check_int("seeds", seed, minimum=0) for seed in seeds]
    for label, config in configs.items():
        if not isinstance(config, Mapping) or "progress" in config or "seed" in config:
            raise ValueError(f"configs[{label!r}] must be a mapping of train() arguments other than "
                             f"seed and progress, got {config!r}")
        if "make_optimizer" not in config and "make_optimizer" not in common:
            raise ValueError(f"configs[{label!r}] has no make_optimizer (and neither has common)")
    results: dict[str, list[TrainResult]] = {name: [] for name in configs}
    with _progress_bar(len(configs) * len(seeds), progress, unit="run") as bar:
        for name, config in configs.items():
            for seed in seeds:
                results[name].append(train(**{**common, **config}, seed=seed, progress=False))
                bar.update(1)
    return results


def mean_result(results: Sequence[TrainResult]) -> TrainResult:
    """The element-wise mean of runs with the same shape (e.g. one configuration, several seeds).

    ``diverged`` is true when any run diverged (its ``nan`` entries then make the mean ``nan``
    from that point on).

    Example:
        >>> import torch
        >>> runs = [train(lambda p: torch.optim.SGD(p, lr=0.1), epochs=1, seed=s, progress=False)
        ...         for s in (0, 1)]
        >>> bool(mean_result(runs).val_acc[-1] == (runs[0].val_acc[-1] + runs[1].val_acc[-1]) / 2)
        True
    """
    results = list(results)
    if not results:
        raise ValueError("results must contain at least one TrainResult, got an empty sequence")
    shapes = {(r.lr.shape, r.val_loss.shape) for r in results}
    if len(shapes) != 1:
        raise ValueError(f"results must all have the same shape (epochs and steps), got {sorted(shapes)}")

    def mean(name: str) -> np.ndarray | None:
        values = [getattr(r, name) for r in results]
        if any(v is None for v in values):  # a test curve only when every run has one
            return None
        return np.mean(values, axis=0)

    return TrainResult(lr=mean("lr"), train_loss=mean("train_loss"), val_loss=mean("val_loss"),
                       val_acc=mean("val_acc"), diverged=any(r.diverged for r in results),
                       test_loss=mean("test_loss"), test_acc=mean("test_acc"))


def final_metrics(runs: Mapping[str, Sequence[TrainResult]], *,
                  split: str = "val") -> dict[str, dict[str, float]]:
    """Mean and standard deviation over seeds of each configuration's final metrics.

    Args:
        runs: label -> several :class:`TrainResult` (as returned by :func:`train_runs`).
        split: ``"val"`` (default) or ``"test"``: which set's metrics (``"test"`` needs runs
            trained on data with a test set).

    Returns:
        label -> ``{"val_loss": mean, "val_loss_std": std, "val_acc": mean, "val_acc_std": std}``
        (``"test_loss"``, ... for ``split="test"``), the metrics after the last epoch
        (population standard deviation, ``nan`` after a divergence).
    """
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(f"runs must be a non-empty mapping label -> TrainResults, got {runs!r}")
    split = check_choice("split", split, ("val", "test"))
    table = {}
    for label, results in runs.items():
        if split == "test" and any(r.test_loss is None for r in results):
            raise ValueError(f"runs[{label!r}] has no test metrics: train on data with a test set, "
                             "e.g. load_digits(test_fraction=0.2)")
        loss = np.array([getattr(r, f"{split}_loss")[-1] for r in results], dtype=float)
        acc = np.array([getattr(r, f"{split}_acc")[-1] for r in results], dtype=float)
        if loss.size == 0:
            raise ValueError(f"runs[{label!r}] is empty")
        table[label] = {f"{split}_loss": float(loss.mean()), f"{split}_loss_std": float(loss.std()),
                        f"{split}_acc": float(acc.mean()), f"{split}_acc_std": float(acc.std())}
    return table


def summarize(runs: Mapping[str, Sequence[TrainResult]], *, split: str = "val") -> str:
    """A plain-text table of :func:`final_metrics`: one row per configuration, then a note.

    ``split="test"`` tabulates the test metrics instead of the validation ones.

    Example:
        >>> import torch
        >>> runs = train_runs({"sgd 0.1": {}}, seeds=(0, 1), epochs=2, progress=False,
        ...                   make_optimizer=lambda p: torch.optim.SGD(p, lr=0.1))
        >>> lines = summarize(runs).splitlines()
        >>> lines[0], lines[-1]
        ('run       val loss        val accuracy', '(after the last epoch; mean ± std over 2 seeds)')
    """
    table = final_metrics(runs, split=split)
    width = max(len("run"), *(len(str(label)) for label in table))
    seeds = {len(results) for results in runs.values()}
    count = f"{seeds.pop()} seeds" if len(seeds) == 1 else "the seeds"
    lines = [f"{'run':<{width}}   {split} loss{' ' * (11 - len(split))}{split} accuracy"]
    for label, m in table.items():
        lines.append(f"{str(label):<{width}}   {m[f'{split}_loss']:.3f} ± {m[f'{split}_loss_std']:.3f}   "
                     f"{100 * m[f'{split}_acc']:5.1f}% ± {100 * m[f'{split}_acc_std']:.1f}%")
    lines.append(f"(after the last epoch; mean ± std over {count})")
    return "\n".join(lines)


_METRICS = ("val_loss", "val_acc", "test_loss", "test_acc")


def compare_runs(runs: Mapping[str, Sequence[TrainResult]], a: str, b: str, *,
                 metric: str = "val_loss", **rule: Any) -> Comparison:
    """Compare two configurations of :func:`train_runs` by a final metric, by the book's rule.

    ``"A beats B"`` only with at least 5 seeds each and a difference of the means above two
    standard errors (:func:`lrlab.stats.compare`; ``rule`` overrides ``min_seeds`` and ``z``);
    a run that diverged counts as the worst result.

    Args:
        runs: label -> several :class:`TrainResult`.
        a, b: the two labels.
        metric: ``"val_loss"`` (default), ``"val_acc"``, ``"test_loss"`` or ``"test_acc"``,
            after the last epoch (an accuracy is better when higher).

    Example:
        >>> import torch
        >>> runs = train_runs({"0.3": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=0.3)},
        ...                    "0.001": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=1e-3)}},
        ...                   seeds=5, epochs=2, progress=False)
        >>> compare_runs(runs, "0.3", "0.001").winner
        '0.3'
    """
    metric = check_choice("metric", metric, _METRICS)
    for label in (a, b):
        if label not in runs:
            raise ValueError(f"runs has no configuration {label!r}; it has {sorted(runs)}")

    def finals(label: str) -> list[float]:
        values = []
        for run in runs[label]:
            curve = getattr(run, metric)
            if curve is None:
                raise ValueError(f"runs[{label!r}] has no {metric}: train on data with a test set")
            values.append(math.nan if run.diverged else float(curve[-1]))
        return values

    return compare(finals(a), finals(b), labels=(str(a), str(b)),
                   higher_is_better=metric.endswith("acc"), **rule)


# ---------------------------------------------------------------------------------------------
# A fixed budget: what every contender of a comparison gets (the capstone's race)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """The fixed training budget every schedule gets in a fair comparison (chapter 9's race).

    One model, one data split, one optimizer and one number of epochs: only the peak learning
    rate and the scheduler change between contenders. Every scheduler is stepped after each
    optimizer update (``scheduler_interval="step"``), so its lengths are counted in updates:
    :attr:`steps_per_epoch` converts. A ``ReduceLROnPlateau`` is stepped after each epoch with
    the validation loss (see :func:`train`).

    The data are the digits split three ways (:func:`load_digits`): the training set, a
    validation set to tune on, and a test set held out for the final judgement.

    Attributes:
        epochs: passes over the training set.
        batch_size: minibatch size.
        momentum, weight_decay: of the SGD optimizer.
        hidden: width of the MLP's hidden layer.
        val_fraction, test_fraction: the shares of the digits held out for validation and test.

    Example:
        >>> import lrlab
        >>> budget = Budget()
        >>> budget.steps_per_epoch, budget.total_steps
        (17, 340)
        >>> run = budget.train(lambda opt: lrlab.CosineAnnealingLR(opt, T_max=budget.total_steps),
        ...                    lr=0.2)
        >>> run.lr.shape, run.test_loss.shape
        ((340,), (21,))
    """

    epochs: int = 20
    batch_size: int = 64
    momentum: float = 0.9
    weight_decay: float = 1e-2
    hidden: int = 32
    val_fraction: float = 0.2
    test_fraction: float = 0.2

    def __post_init__(self) -> None:
        check_int("epochs", self.epochs, minimum=1)
        check_int("batch_size", self.batch_size, minimum=1)
        check_real("momentum", self.momentum, low=0.0, high=1.0, high_open=True)
        check_real("weight_decay", self.weight_decay, low=0.0)
        check_int("hidden", self.hidden, minimum=1)
        self.data  # noqa: B018 - validates the two fractions now, not at the first run

    @property
    def data(self) -> Digits:
        """The digits split into training, validation and test sets (cached)."""
        return load_digits(val_fraction=self.val_fraction, test_fraction=self.test_fraction)

    @property
    def steps_per_epoch(self) -> int:
        """Optimizer updates (and scheduler steps) per epoch."""
        return steps_per_epoch(self.batch_size, data=self.data)

    @property
    def total_steps(self) -> int:
        """The number of optimizer updates in the whole run, ``epochs * steps_per_epoch``."""
        return self.epochs * self.steps_per_epoch

    def optimizer(self, lr: float) -> OptimizerFactory:
        """The optimizer factory: SGD with this budget's momentum and weight decay at ``lr``."""
        lr = check_real("lr", lr, low=0.0, low_open=True)
        momentum, weight_decay = self.momentum, self.weight_decay

        def make_optimizer(params):
            return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)

        return make_optimizer

    def config(self, make_scheduler: SchedulerFactory | None, lr: float) -> dict[str, Any]:
        """Keyword arguments of :func:`train` (or a configuration of :func:`train_runs`).

        Example:
            >>> sorted(Budget().config(None, lr=0.1))  # doctest: +NORMALIZE_WHITESPACE
            ['batch_size', 'data', 'epochs', 'hidden', 'make_optimizer', 'make_scheduler',
             'scheduler_interval']
        """
        return dict(make_optimizer=self.optimizer(lr), make_scheduler=make_scheduler,
                    epochs=self.epochs, batch_size=self.batch_size, hidden=self.hidden,
                    data=self.data, scheduler_interval="step")

    def train(self, make_scheduler: SchedulerFactory | None, lr: float, *, seed: int | None = None,
              progress: bool | str = False) -> TrainResult:
        """One run within the budget: :func:`train` with :meth:`config` and ``seed`` (``None``:
        ``lrlab.seeds()[0]``)."""
        return train(**self.config(make_scheduler, lr), seed=seed, progress=progress)


# ---------------------------------------------------------------------------------------------
# What a scheduler writes into the optimizer: the chapters' verification against torch
# ---------------------------------------------------------------------------------------------


def record_lrs(make_scheduler: SchedulerFactory, steps: int, lrs: Sequence[float] = (0.1,)) -> np.ndarray:
    """The learning rate of every parameter group at steps ``0 .. steps-1`` of a training loop.

    Builds ``torch.optim.SGD`` with one parameter group per entry of ``lrs`` (group ``i``
    starts at ``lrs[i]``) and the scheduler, then, ``steps`` times: records each group's
    ``lr``, calls ``optimizer.step()``, then ``scheduler.step()`` (the order PyTorch requires).
    Row ``t`` is thus the learning rate that update ``t`` uses.

    Args:
        make_scheduler: called with the optimizer; returns the scheduler (PyTorch's or lrlab's).
        steps: how many steps to record (>= 1).
        lrs: the initial learning rate of each parameter group.

    Returns:
        A ``(steps, len(lrs))`` float64 array.

    Example:
        >>> import torch
        >>> record_lrs(lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5),
        ...            5, lrs=(1.0, 0.1)).tolist()
        [[1.0, 0.1], [1.0, 0.1], [0.5, 0.05], [0.5, 0.05], [0.25, 0.025]]
    """
    steps = check_int("steps", steps, minimum=1)
    if isinstance(lrs, (str, bytes)) or not isinstance(lrs, Sequence) or not lrs:
        raise ValueError(f"lrs must be a non-empty sequence of learning rates, got {lrs!r}")
    lrs = [check_real(f"lrs[{i}]", lr, low=0.0) for i, lr in enumerate(lrs)]
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)])
    scheduler = make_scheduler(optimizer)
    recorded = np.empty((steps, len(lrs)))
    for t in range(steps):
        recorded[t] = [group["lr"] for group in optimizer.param_groups]
        optimizer.step()
        scheduler.step()
    return recorded
