"""Training runs on the digits: :func:`train` and :func:`train_runs`, the ensembles of their
snapshots, and the summaries of several seeds (:func:`mean_result`, :func:`final_metrics`,
:func:`summarize`, :func:`seed_values`, :func:`compare_runs`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from lrlab._checks import check_choice, check_int
from lrlab.seeding import seeds as _seeds
from lrlab.stats import Comparison, compare
from lrlab.training._helpers import (
    ModelFactory,
    OptimizerFactory,
    SchedulerFactory,
    build_scheduler,
    deterministic,
    progress_bar,
)
from lrlab.training.digits import Digits, load_digits, make_mlp

__all__ = [
    "TrainResult",
    "compare_runs",
    "ensemble_metrics",
    "final_metrics",
    "is_plateau",
    "mean_result",
    "predict_proba",
    "seed_values",
    "steps_per_epoch",
    "summarize",
    "train",
    "train_runs",
]


def is_plateau(scheduler: Any) -> bool:
    """``ReduceLROnPlateau`` (torch's or lrlab's) steps on a metric, not on a count."""
    return any(cls.__name__ == "ReduceLROnPlateau" for cls in type(scheduler).__mro__)


def _build_model(make_model: ModelFactory | None, hidden: int, seed: int) -> nn.Module:
    """The model of a :func:`train` run: ``make_model(seed=seed)``, or :func:`make_mlp`."""
    seed = check_int("seed", seed, minimum=0)
    if make_model is None:
        return make_mlp(hidden, seed=seed)
    if not callable(make_model):
        raise ValueError(
            f"make_model must be a function of the seed returning a model, got {make_model!r}"
        )
    with deterministic(seed):  # seeded even if the factory draws from the global generator
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
    with deterministic(seed), progress_bar(epochs, progress) as bar:
        order_rng = torch.Generator().manual_seed(seed)
        optimizer = make_optimizer(model.parameters())
        scheduler = build_scheduler(make_scheduler, optimizer)
        plateau = scheduler is not None and is_plateau(scheduler)
        val_loss[0], val_acc[0] = _evaluate(model, data.x_val, data.y_val)
        if has_test:
            test_loss[0], test_acc[0] = _evaluate(model, data.x_test, data.y_test)
        step = 0
        for epoch in range(epochs):
            order = torch.randperm(n_train, generator=order_rng)
            for start in range(0, n_train, batch):
                idx = order[start : start + batch]
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
                test_loss[epoch + 1], test_acc[epoch + 1] = _evaluate(
                    model, data.x_test, data.y_test
                )
            if not math.isfinite(val_loss[epoch + 1]):
                diverged = True
                break
            if plateau:
                scheduler.step(val_loss[epoch + 1])
            elif scheduler is not None and scheduler_interval == "epoch":
                scheduler.step()
            bar.update(1)
    return TrainResult(
        lr=lrs,
        train_loss=train_loss,
        val_loss=val_loss,
        val_acc=val_acc,
        diverged=diverged,
        test_loss=test_loss,
        test_acc=test_acc,
        snapshots=snapshots,
    )


def _check_snapshot_steps(snapshot_steps: Sequence[int], total: int) -> frozenset[int]:
    if isinstance(snapshot_steps, (str, bytes)) or not isinstance(snapshot_steps, Sequence):
        raise ValueError(
            f"snapshot_steps must be a sequence of update counts, got {snapshot_steps!r}"
        )
    steps = frozenset(check_int("snapshot_steps", k, minimum=1) for k in snapshot_steps)
    late = sorted(k for k in steps if k > total)
    if late:
        raise ValueError(
            f"snapshot_steps must be <= {total} (the updates in the run), got {late[0]!r}"
        )
    return steps


# ---------------------------------------------------------------------------------------------
# Ensembles of snapshots (chapter 4): average the members' softmax outputs
# ---------------------------------------------------------------------------------------------


def _log_proba(
    states: Sequence[Mapping[str, torch.Tensor]], x: torch.Tensor, hidden: int
) -> torch.Tensor:
    """``(len(states), n, 10)`` float64 log-softmax of :func:`make_mlp` models with these
    weights."""
    if isinstance(states, Mapping) or not isinstance(states, Sequence) or not states:
        raise ValueError(f"states must be a non-empty sequence of state_dicts, got {states!r}")
    model = make_mlp(hidden)
    out = []
    with torch.no_grad():
        for i, state in enumerate(states):
            try:
                model.load_state_dict(state)
            except (RuntimeError, TypeError, AttributeError) as err:
                raise ValueError(
                    f"states[{i}] is not a state_dict of make_mlp({hidden}): {err}"
                ) from None
            out.append(torch.log_softmax(model(x).double(), dim=1))
    return torch.stack(out)


def predict_proba(
    states: Sequence[Mapping[str, torch.Tensor]], x: torch.Tensor, *, hidden: int = 32
) -> np.ndarray:
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


def ensemble_metrics(
    states: Sequence[Mapping[str, torch.Tensor]],
    *,
    data: Digits | None = None,
    hidden: int = 32,
    split: str = "val",
) -> dict[str, float]:
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
        raise ValueError(
            "split='test' needs data with a test set, e.g. load_digits(test_fraction=0.2)"
        )
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
        raise ValueError(
            f"configs must be a non-empty mapping label -> train() arguments, got {configs!r}"
        )
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seeds = _seeds(check_int("seeds", seeds, minimum=1))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(
            f"seeds must be a count >= 1 or a non-empty sequence of integers, got {seeds!r}"
        )
    seeds = [check_int("seeds", seed, minimum=0) for seed in seeds]
    for label, config in configs.items():
        if not isinstance(config, Mapping) or "progress" in config or "seed" in config:
            raise ValueError(
                f"configs[{label!r}] must be a mapping of train() arguments other than "
                f"seed and progress, got {config!r}"
            )
        if "make_optimizer" not in config and "make_optimizer" not in common:
            raise ValueError(f"configs[{label!r}] has no make_optimizer (and neither has common)")
    results: dict[str, list[TrainResult]] = {name: [] for name in configs}
    with progress_bar(len(configs) * len(seeds), progress, unit="run") as bar:
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
        raise ValueError(
            f"results must all have the same shape (epochs and steps), got {sorted(shapes)}"
        )

    def mean(name: str) -> np.ndarray | None:
        values = [getattr(r, name) for r in results]
        if any(v is None for v in values):  # a test curve only when every run has one
            return None
        return np.mean(values, axis=0)

    return TrainResult(
        lr=mean("lr"),
        train_loss=mean("train_loss"),
        val_loss=mean("val_loss"),
        val_acc=mean("val_acc"),
        diverged=any(r.diverged for r in results),
        test_loss=mean("test_loss"),
        test_acc=mean("test_acc"),
    )


def _sample_std(values: np.ndarray) -> float:
    return float(values.std(ddof=1)) if values.size > 1 else 0.0


def final_metrics(
    runs: Mapping[str, Sequence[TrainResult]], *, split: str = "val"
) -> dict[str, dict[str, float]]:
    """Mean and standard deviation over seeds of each configuration's final metrics.

    Args:
        runs: label -> several :class:`TrainResult` (as returned by :func:`train_runs`).
        split: ``"val"`` (default) or ``"test"``: which set's metrics (``"test"`` needs runs
            trained on data with a test set).

    Returns:
        label -> ``{"val_loss": mean, "val_loss_std": std, "val_acc": mean, "val_acc_std": std}``
        (``"test_loss"``, ... for ``split="test"``), the metrics after the last epoch
        (the sample standard deviation, with ``n - 1``, as :func:`lrlab.stats.compare` uses;
        0 for a single run; ``nan`` after a divergence).
    """
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(f"runs must be a non-empty mapping label -> TrainResults, got {runs!r}")
    split = check_choice("split", split, ("val", "test"))
    table = {}
    for label, results in runs.items():
        if split == "test" and any(r.test_loss is None for r in results):
            raise ValueError(
                f"runs[{label!r}] has no test metrics: train on data with a test set, "
                "e.g. load_digits(test_fraction=0.2)"
            )
        loss = np.array([getattr(r, f"{split}_loss")[-1] for r in results], dtype=float)
        acc = np.array([getattr(r, f"{split}_acc")[-1] for r in results], dtype=float)
        if loss.size == 0:
            raise ValueError(f"runs[{label!r}] is empty")
        table[label] = {
            f"{split}_loss": float(loss.mean()),
            f"{split}_loss_std": _sample_std(loss),
            f"{split}_acc": float(acc.mean()),
            f"{split}_acc_std": _sample_std(acc),
        }
    return table


def summarize(runs: Mapping[str, Sequence[TrainResult]], *, split: str = "val") -> str:
    """A plain-text table of :func:`final_metrics`: one row per configuration, then a note.

    ``split="test"`` tabulates the test metrics instead of the validation ones.

    Example:
        >>> import torch
        >>> runs = train_runs({"sgd 0.1": {}}, seeds=(0, 1), epochs=2, progress=False,
        ...                   make_optimizer=lambda p: torch.optim.SGD(p, lr=0.1))
        >>> lines = summarize(runs).splitlines()
        >>> lines[0]
        'run       val loss        val accuracy'
        >>> lines[-1]
        '(after the last epoch; mean ± std over 2 seeds)'
    """
    table = final_metrics(runs, split=split)
    width = max(len("run"), *(len(str(label)) for label in table))
    seeds = {len(results) for results in runs.values()}
    count = f"{seeds.pop()} seeds" if len(seeds) == 1 else "the seeds"
    lines = [f"{'run':<{width}}   {split} loss{' ' * (11 - len(split))}{split} accuracy"]
    for label, m in table.items():
        lines.append(
            f"{str(label):<{width}}   {m[f'{split}_loss']:.3f} ± {m[f'{split}_loss_std']:.3f}   "
            f"{100 * m[f'{split}_acc']:5.1f}% ± {100 * m[f'{split}_acc_std']:.1f}%"
        )
    lines.append(f"(after the last epoch; mean ± std over {count})")
    return "\n".join(lines)


_METRICS = ("val_loss", "val_acc", "test_loss", "test_acc", "train_loss")


def seed_values(
    runs: Mapping[str, Sequence[TrainResult]],
    label: str,
    *,
    metric: str = "val_loss",
    epoch: int | None = None,
) -> np.ndarray:
    """One value of ``metric`` per seed of configuration ``label``, after ``epoch`` epochs.

    Args:
        runs: label -> several :class:`TrainResult`.
        label: the configuration.
        metric: ``"val_loss"`` (default), ``"val_acc"``, ``"test_loss"``, ``"test_acc"``, or
            ``"train_loss"``, the mean minibatch loss of the epoch
            (:attr:`TrainResult.epoch_train_loss`).
        epoch: after how many epochs, from 1 to the run's epochs; ``None`` (default): the last.

    Returns:
        ``(seeds,)``, ``nan`` for a run that diverged.

    Example:
        >>> import torch
        >>> runs = train_runs({"sgd": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=0.3)}},
        ...                   seeds=2, epochs=3, progress=False)
        >>> seed_values(runs, "sgd", metric="train_loss", epoch=1).shape
        (2,)
    """
    metric = check_choice("metric", metric, _METRICS)
    if label not in runs:
        raise ValueError(f"runs has no configuration {label!r}; it has {sorted(runs)}")
    if epoch is not None:
        epoch = check_int("epoch", epoch, minimum=1)
    values = []
    for run in runs[label]:
        epochs = len(run.val_loss) - 1
        if epoch is not None:
            if epoch > epochs:
                raise ValueError(f"epoch must be <= {epochs}, the run's epochs, got {epoch}")
        after = epochs if epoch is None else epoch
        if metric == "train_loss":
            value = run.epoch_train_loss[after - 1]
        else:
            curve = getattr(run, metric)
            if curve is None:
                raise ValueError(f"runs[{label!r}] has no {metric}: train on data with a test set")
            value = curve[after]
        values.append(math.nan if run.diverged else float(value))
    return np.array(values, dtype=float)


def compare_runs(
    runs: Mapping[str, Sequence[TrainResult]],
    a: str,
    b: str,
    *,
    metric: str = "val_loss",
    epoch: int | None = None,
    **rule: Any,
) -> Comparison:
    """Compare two configurations of :func:`train_runs` by a metric, by the book's rule.

    ``"A beats B"`` only with at least 5 seeds each and a difference of the means above two
    standard errors (:func:`lrlab.stats.compare`; ``rule`` overrides ``min_seeds`` and ``z``);
    a run that diverged counts as the worst result.

    Args:
        runs: label -> several :class:`TrainResult`.
        a, b: the two labels.
        metric: ``"val_loss"`` (default), ``"val_acc"``, ``"test_loss"`` or ``"test_acc"``
            (an accuracy is better when higher), or ``"train_loss"``, the mean minibatch loss
            of the epoch (:attr:`TrainResult.epoch_train_loss`).
        epoch: compare after this many epochs (1 to the run's epochs); ``None`` (default):
            after the last (:func:`seed_values`).

    Example:
        >>> import torch
        >>> runs = train_runs({"0.3": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=0.3)},
        ...                    "0.001": {"make_optimizer": lambda p: torch.optim.SGD(p, lr=1e-3)}},
        ...                   seeds=5, epochs=2, progress=False)
        >>> compare_runs(runs, "0.3", "0.001").winner
        '0.3'
    """
    values = {label: seed_values(runs, label, metric=metric, epoch=epoch) for label in (a, b)}
    return compare(
        values[a],
        values[b],
        labels=(str(a), str(b)),
        higher_is_better=metric.endswith("acc"),
        **rule,
    )
