r"""The learning-rate range test: sweep the lr exponentially over one short run, read the loss.

Smith's *LR range test* (and fastai's *LR finder*) trains a fresh model for ``num_steps``
minibatches while the learning rate grows geometrically from ``start_lr`` to ``end_lr``,

.. math::

    \eta_t = \eta_{start} \left(\frac{\eta_{end}}{\eta_{start}}\right)^{t / (n - 1)},
    \qquad t = 0, \dots, n - 1,

and records the minibatch loss of every step. Plotted against :math:`\log \eta`, the loss is
flat while the lr is too small to matter, falls where the lr is useful, and shoots up where
training diverges. A good maximum lr is read off the falling part, before the bottom.

:func:`lr_range_test` runs the sweep and returns a :class:`RangeTestResult` (the lrs, the raw
losses and the smoothed losses). The raw minibatch loss is noisy, so the suggestions read the
*smoothed* curve, a bias-corrected exponential moving average with factor ``smooth``. Three
suggestion functions share one signature, ``(lrs, losses) -> (lr, index)``, and
:meth:`RangeTestResult.suggest` applies any of them:

- :func:`steepest`: where the loss falls fastest per decade of lr;
- :func:`minimum_div_10`: a tenth of the lr at the lowest loss;
- :func:`valley`: halfway along the longest stretch over which the loss keeps falling.

The sweep stops early once the smoothed loss exceeds ``diverge_factor`` times its best value
(or the loss is no longer finite): past that point the curve says nothing more.

This module imports torch; :mod:`lrlab.plotting` draws a result (``plot_range_test``).

Example:
    >>> import torch
    >>> from lrlab.range_test import lr_range_test
    >>> result = lr_range_test(lambda p: torch.optim.SGD(p, lr=0.1), start_lr=1e-4, end_lr=10.0,
    ...                        num_steps=50)
    >>> len(result.lrs) <= 50, float(result.lrs[0])
    (True, 0.0001)
    >>> 1e-4 < result.suggest("valley").lr < 10.0
    True

References:
    Smith (2017), *Cyclical learning rates for training neural networks*, section 3.3;
    Smith (2018), *A disciplined approach to neural network hyper-parameters*;
    Howard & Gugger (2020), *fastai: a layered API for deep learning* (``Learner.lr_find``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from lrlab._checks import check_choice, check_int, check_real
from lrlab.seeding import seeds
from lrlab.training import Digits, deterministic, load_digits, make_mlp

__all__ = [
    "SUGGESTIONS",
    "RangeTestResult",
    "Suggestion",
    "lr_range_test",
    "minimum_div_10",
    "smooth_losses",
    "steepest",
    "sweep_lrs",
    "valley",
]

SuggestionFunction = Callable[[np.ndarray, np.ndarray], tuple[float, int]]
"""``(lrs, losses) -> (suggested lr, index of the point it was read at)``."""


# ---------------------------------------------------------------------------------------------
# The sweep and the smoothing: pure NumPy
# ---------------------------------------------------------------------------------------------


def _check_bounds(start_lr: Any, end_lr: Any) -> tuple[float, float]:
    start = check_real("start_lr", start_lr, low=0.0, low_open=True)
    end = check_real("end_lr", end_lr, low=0.0, low_open=True)
    if end <= start:
        raise ValueError(f"end_lr must be > start_lr, got start_lr={start!r}, end_lr={end!r}")
    return start, end


def sweep_lrs(start_lr: float, end_lr: float, num_steps: int) -> np.ndarray:
    r"""The learning rates of an exponential sweep: ``num_steps`` values from ``start_lr`` to
    ``end_lr``.

    .. math::

        \eta_t = \eta_{start} \left(\frac{\eta_{end}}{\eta_{start}}\right)^{t / (n - 1)}

    Equally spaced on a log scale, both ends included exactly: the same curve as
    ``lrlab.exponential_lr(t, start_lr, gamma)`` with :math:`\gamma = (\eta_{end} /
    \eta_{start})^{1 / (n - 1)}`, the lr multiplied by :math:`\gamma` at every step.

    Args:
        start_lr: :math:`\eta_{start} > 0`, the first lr.
        end_lr: :math:`\eta_{end} > \eta_{start}`, the last lr.
        num_steps: :math:`n \ge 2`, the number of steps.

    Returns:
        A float64 array of shape ``(num_steps,)``.

    Example:
        >>> sweep_lrs(1e-3, 1.0, 4)
        array([0.001, 0.01 , 0.1  , 1.   ])
    """
    start, end = _check_bounds(start_lr, end_lr)
    n = check_int("num_steps", num_steps, minimum=2)
    lrs = start * (end / start) ** (np.arange(n) / (n - 1))
    lrs[[0, -1]] = start, end  # exact ends, whatever the rounding of the power
    return lrs


def smooth_losses(losses: Sequence[float], smooth: float = 0.98) -> np.ndarray:
    r"""The bias-corrected exponential moving average of a loss curve (fastai's smoothing).

    .. math::

        m_t = \beta\, m_{t-1} + (1 - \beta)\, L_t, \quad m_{-1} = 0, \qquad
        \bar L_t = \frac{m_t}{1 - \beta^{t + 1}}

    :math:`\bar L_t` is a weighted mean of :math:`L_0, \dots, L_t` (weights :math:`\beta^{t -
    i}`); dividing by :math:`1 - \beta^{t + 1}` removes the pull towards the initial 0. The
    average lags: for a loss changing steadily, it trails by about :math:`\beta / (1 - \beta)`
    steps once :math:`t` is large (49 for :math:`\beta = 0.98`).

    Args:
        losses: the raw losses :math:`L_t`, a 1-D sequence of finite numbers.
        smooth: :math:`\beta \in [0, 1)`; 0 returns the losses unchanged.

    Returns:
        A float64 array of the same length.

    Example:
        >>> smooth_losses([1.0, 0.0, 0.0], smooth=0.5)
        array([1.        , 0.33333333, 0.14285714])
    """
    beta = check_real("smooth", smooth, low=0.0, high=1.0, high_open=True)
    values = np.asarray(losses, dtype=np.float64)
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise ValueError(f"losses must be a 1-D sequence of finite numbers, got {losses!r}")
    out = np.empty_like(values)
    average = 0.0
    for t, loss in enumerate(values.tolist()):
        average, out[t] = _smooth_step(average, loss, beta, t)
    return out


def _smooth_step(average: float, loss: float, beta: float, t: int) -> tuple[float, float]:
    """One step of :func:`smooth_losses`: ``(new moving average, its bias-corrected value)``."""
    average = beta * average + (1.0 - beta) * loss
    return average, average / (1.0 - beta ** (t + 1))


# ---------------------------------------------------------------------------------------------
# Suggestions: one signature, (lrs, losses) -> (lr, index)
# ---------------------------------------------------------------------------------------------


def _curve(lrs: Any, losses: Any, minimum: int = 1) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(lrs, dtype=np.float64)
    y = np.asarray(losses, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(
            f"lrs and losses must be 1-D and of the same length, got shapes {x.shape} and {y.shape}"
        )
    if len(x) < minimum:
        raise ValueError(f"lrs must have at least {minimum} points, got {len(x)}")
    if not (np.all(np.isfinite(x)) and np.all(x > 0) and np.all(np.diff(x) > 0)):
        raise ValueError(f"lrs must be positive, finite and increasing, got {lrs!r}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"losses must be finite, got {losses!r}")
    return x, y


def steepest(lrs: Sequence[float], losses: Sequence[float]) -> tuple[float, int]:
    r"""The lr where the loss falls fastest against :math:`\log \eta`.

    .. math::

        i^\star = \arg\min_i \frac{dL}{d \ln \eta}\Big|_{i}, \qquad
        \text{suggestion } \eta_{i^\star}

    The slope is estimated by central differences (``np.gradient`` over :math:`\ln \eta`, one-sided
    at the two ends). This is the lr at which one step gains the most; a good *constant* lr, and a
    cautious maximum.

    Args:
        lrs: increasing positive learning rates (at least 2).
        losses: the (smoothed) loss at each of them.

    Returns:
        ``(lr, index)``: the suggestion and the index of the point it was read at.

    Example:
        >>> lrs = np.logspace(-4, 0, 5)
        >>> steepest(lrs, [2.3, 2.2, 1.0, 0.9, 3.0])
        (0.001, 1)
    """
    x, y = _curve(lrs, losses, minimum=2)
    index = int(np.argmin(np.gradient(y, np.log(x))))
    return float(x[index]), index


def minimum_div_10(lrs: Sequence[float], losses: Sequence[float]) -> tuple[float, int]:
    r"""A tenth of the lr at the lowest loss.

    .. math::

        i^\star = \arg\min_i L_i, \qquad \text{suggestion } \eta_{i^\star} / 10

    At the bottom of the curve the lr is already on the edge of divergence; a decade lower is a
    rule of thumb for a safe maximum (fastai's ``minimum``).

    Args:
        lrs: increasing positive learning rates (at least 1).
        losses: the (smoothed) loss at each of them.

    Returns:
        ``(lr, index)``: the suggestion and the index of the lowest point, where it was read.

    Example:
        >>> minimum_div_10([0.01, 0.1, 1.0], [2.0, 0.5, 9.0])
        (0.01, 1)
    """
    x, y = _curve(lrs, losses)
    index = int(np.argmin(y))
    return float(x[index] / 10), index


def valley(lrs: Sequence[float], losses: Sequence[float]) -> tuple[float, int]:
    r"""The lr halfway down the longest valley: the longest stretch over which the loss keeps
    falling.

    The *valley* is found as the longest strictly decreasing subsequence of the losses,
    :math:`L_{i_1} > L_{i_2} > \dots > L_{i_k}` with :math:`i_1 < \dots < i_k`, so that a bump
    on the way down does not cut it in two. It ends at its lowest point :math:`b = i_k` and is
    taken to be the :math:`k` points ending there, :math:`a = b - k + 1, \dots, b` (measured by its
    number of points rather than by its span, as fastai's ``valley`` does: a few points of a noisy
    flat start that happen to decrease do not stretch it back to the beginning). The suggestion is
    the lr at index :math:`\lfloor (a + b) / 2 \rfloor`, halfway down (in :math:`\log \eta` for a
    geometric sweep). The earliest of equally long valleys wins.

    Args:
        lrs: increasing positive learning rates (at least 1).
        losses: the (smoothed) loss at each of them.

    Returns:
        ``(lr, index)``: the suggestion and the index it was read at.

    Example:
        >>> valley([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 2.1, 1.5, 1.0, 0.4, 5.0])
        (0.01, 2)
    """
    x, y = _curve(lrs, losses)
    k, b = longest_decreasing(y)
    index = (b - k + 1 + b) // 2
    return float(x[index]), index


def longest_decreasing(y: np.ndarray) -> tuple[int, int]:
    """``(length, last index)`` of the earliest longest strictly decreasing subsequence of ``y``."""
    length = np.ones(len(y), dtype=np.int64)  # length[i]: of the longest one ending at i
    for i in range(1, len(y)):
        before = y[:i] > y[i]
        if before.any():
            length[i] = length[:i][before].max() + 1
    end = int(np.argmax(length))  # the first index of the greatest length
    return int(length[end]), end


SUGGESTIONS: dict[str, SuggestionFunction] = {
    "steepest": steepest,
    "minimum_div_10": minimum_div_10,
    "valley": valley,
}
"""The suggestion functions by name (what :meth:`RangeTestResult.suggest` accepts as a string)."""


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A learning rate read off a range test.

    Attributes:
        method: the name of the suggestion function.
        lr: the suggested learning rate.
        index: the point of the result's curves it was read at.
        point_lr: the lr of that point (``lr`` itself, except for ``minimum_div_10``).
        loss: the loss of that point, on the curve the suggestion read.
    """

    method: str
    lr: float
    index: int
    point_lr: float
    loss: float


@dataclass(frozen=True)
class RangeTestResult:
    """What :func:`lr_range_test` recorded, one entry per step done.

    Attributes:
        lrs: ``(k,)``, the lr of each step (``k <= num_steps``: the sweep may stop early).
        losses: ``(k,)``, the raw minibatch loss of each step, computed before its update.
        smoothed: ``(k,)``, :func:`smooth_losses` of ``losses`` with ``smooth``.
        num_steps: the steps planned.
        smooth, diverge_factor: the settings of the run.
        stop_lr: the lr at which the loss diverged and the sweep stopped, or ``None`` if it ran to
            ``end_lr``.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    num_steps: int
    smooth: float
    diverge_factor: float | None
    stop_lr: float | None

    @property
    def diverged(self) -> bool:
        """Whether the sweep stopped early because the loss diverged."""
        return self.stop_lr is not None

    def suggest(
        self,
        method: str | SuggestionFunction = "valley",
        *,
        curve: str = "smoothed",
        skip_start: int | None = None,
        skip_end: int = 0,
    ) -> Suggestion:
        """Read a learning rate off the curve with one suggestion function.

        Args:
            method: a function ``(lrs, losses) -> (lr, index)`` or the name of one in
                :data:`SUGGESTIONS`: ``"steepest"``, ``"minimum_div_10"``, ``"valley"``
                (default).
            curve: ``"smoothed"`` (default) or ``"raw"``, the unsmoothed minibatch losses.
            skip_start: how many first points to leave out (default: a tenth of the points, as
                fastai does: the start of the smoothed curve averages only a few losses).
            skip_end: how many last points to leave out (default 0).

        Returns:
            A :class:`Suggestion`; its ``index`` counts from the first point of the result.

        Example:
            >>> import torch
            >>> result = lr_range_test(lambda p: torch.optim.SGD(p, lr=0.1), start_lr=1e-3,
            ...                        end_lr=3.0, num_steps=40)
            >>> s = result.suggest("steepest")
            >>> s.method, s.lr == float(result.lrs[s.index])
            ('steepest', True)
        """
        if isinstance(method, str):
            name = check_choice("method", method, tuple(SUGGESTIONS))
            function = SUGGESTIONS[name]
        elif callable(method):
            function, name = method, getattr(method, "__name__", repr(method))
        else:
            raise ValueError(
                f"method must be a suggestion function or one of "
                f"{', '.join(map(repr, SUGGESTIONS))}, got {method!r}"
            )
        curve = check_choice("curve", curve, ("smoothed", "raw"))
        n = len(self.lrs)
        skip_start = n // 10 if skip_start is None else check_int("skip_start", skip_start, 0)
        skip_end = check_int("skip_end", skip_end, 0)
        if n - skip_start - skip_end < 2:
            raise ValueError(
                f"only {n - skip_start - skip_end} points left to read after "
                f"skip_start={skip_start} and skip_end={skip_end} of {n}: run a "
                f"longer sweep (num_steps) or skip fewer points"
            )
        values = self.smoothed if curve == "smoothed" else self.losses
        window = slice(skip_start, n - skip_end)
        lr, index = function(self.lrs[window], values[window])
        index = int(index) + skip_start
        return Suggestion(
            method=name,
            lr=float(lr),
            index=index,
            point_lr=float(self.lrs[index]),
            loss=float(values[index]),
        )

    def suggestions(self, **kwargs: Any) -> dict[str, Suggestion]:
        """Every suggestion of :data:`SUGGESTIONS`, by name (keyword arguments as in
        :meth:`suggest`)."""
        return {name: self.suggest(name, **kwargs) for name in SUGGESTIONS}


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def _training_pair(data: Any) -> tuple[torch.Tensor, torch.Tensor]:
    if data is None:
        data = load_digits()
    if isinstance(data, Digits):
        return data.x_train, data.y_train
    if (
        isinstance(data, Sequence)
        and len(data) == 2
        and all(isinstance(t, torch.Tensor) for t in data)
        and data[0].ndim >= 1
        and data[1].ndim >= 1
        and len(data[0]) == len(data[1]) > 0
    ):
        return data[0], data[1]
    raise ValueError(
        "data must be a lrlab.training.Digits, a pair (inputs, targets) of tensors "
        f"with the same non-zero length, or None (the digits), got {data!r}"
    )


def lr_range_test(
    make_optimizer: Callable[[Any], torch.optim.Optimizer],
    data: Digits | tuple[torch.Tensor, torch.Tensor] | None = None,
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    batch_size: int = 64,
    make_model: Callable[[], nn.Module] | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = nn.functional.cross_entropy,
    smooth: float = 0.98,
    diverge_factor: float | None = 4.0,
    seed: int | None = None,
) -> RangeTestResult:
    r"""Run an LR range test: train a fresh model while the lr sweeps exponentially upwards.

    At step :math:`t = 0, \dots, n-1` every parameter group's lr is set to :func:`sweep_lrs`'s
    :math:`\eta_t = \eta_{start} (\eta_{end} / \eta_{start})^{t / (n - 1)}`, a minibatch is drawn
    (random order, a new permutation each epoch, equal-sized batches), its loss :math:`L_t` is
    recorded, and the optimizer takes one step. The smoothed loss :math:`\bar L_t`
    (:func:`smooth_losses`) is tracked; the sweep stops once
    :math:`\bar L_t > \text{diverge\_factor} \cdot \min_{s \le t} \bar L_s` (that point is kept) or
    :math:`L_t` is not finite (that point is dropped).

    The model is built for the test and thrown away: nothing of yours is trained. The other
    hyper-parameters (momentum, weight decay, batch size) should be those of the real run, since
    the best lr depends on them.

    Args:
        make_optimizer: called with ``model.parameters()``; returns the optimizer (its own lr is
            overwritten at every step).
        data: the training data: a :class:`lrlab.training.Digits` (its training part), a pair
            ``(inputs, targets)`` of tensors, or ``None`` for the digits.
        start_lr: :math:`\eta_{start} > 0`, the first lr.
        end_lr: :math:`\eta_{end} > \eta_{start}`, the last lr.
        num_steps: :math:`n \ge 2`, the length of the sweep, in optimizer steps.
        batch_size: minibatch size (at most the size of the data).
        make_model: builds the model, called once with no argument; default: the digits MLP
            ``lrlab.training.make_mlp(32, seed=seed)``.
        loss_fn: ``loss_fn(model(inputs), targets)``, a scalar tensor; default: cross-entropy.
        smooth: :math:`\beta \in [0, 1)` of the moving average (0: no smoothing).
        diverge_factor: stop when the smoothed loss exceeds this multiple (> 1) of its minimum;
            ``None`` never stops on that rule.
        seed: seeds the model (by default), the minibatch order and torch's generator;
            ``None`` (default): ``lrlab.seeds()[0]``, which ``LRLAB_SEED`` shifts.

    Returns:
        A :class:`RangeTestResult`.

    Raises:
        ValueError: naming the argument, for any invalid one, before anything is trained.

    Example:
        >>> import torch
        >>> result = lr_range_test(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
        ...                        start_lr=1e-4, end_lr=100.0, num_steps=60)
        >>> result.diverged, result.stop_lr < 100.0
        (True, True)

    References:
        Smith (2017), section 3.3 (the range test, with a linear sweep and the accuracy);
        Smith (2018); Howard & Gugger (2020) (the exponential sweep, the smoothed loss and
        the stopping rule used here).
    """
    if not callable(make_optimizer):
        raise ValueError(
            f"make_optimizer must be a function params -> optimizer, got {make_optimizer!r}"
        )
    if make_model is not None and not callable(make_model):
        raise ValueError(f"make_model must be a function () -> model, or None, got {make_model!r}")
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function (outputs, targets) -> loss, got {loss_fn!r}")
    lrs = sweep_lrs(start_lr, end_lr, num_steps)
    beta = check_real("smooth", smooth, low=0.0, high=1.0, high_open=True)
    if diverge_factor is not None:
        diverge_factor = check_real("diverge_factor", diverge_factor, low=1.0, low_open=True)
    seed = seeds()[0] if seed is None else check_int("seed", seed, minimum=0)
    x, y = _training_pair(data)
    batch = check_int("batch_size", batch_size, minimum=1)
    if batch > len(y):
        raise ValueError(f"batch_size must be <= the number of examples ({len(y)}), got {batch!r}")

    raw: list[float] = []
    smoothed: list[float] = []
    stop_lr = None
    with deterministic(seed):
        model = make_mlp(32, seed=seed) if make_model is None else make_model()
        if not isinstance(model, nn.Module):
            raise ValueError(f"make_model must return a torch.nn.Module, got {model!r}")
        optimizer = make_optimizer(model.parameters())
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise ValueError(
                f"make_optimizer must return a torch.optim.Optimizer, got {optimizer!r}"
            )
        order_rng = torch.Generator().manual_seed(seed)
        order, position = torch.randperm(len(y), generator=order_rng), 0
        average, best = 0.0, math.inf
        for t, lr in enumerate(lrs.tolist()):
            if position + batch > len(y):  # a new epoch: equal batches, a fresh order
                order, position = torch.randperm(len(y), generator=order_rng), 0
            idx = order[position : position + batch]
            position += batch
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            value = float(loss.item())
            if not math.isfinite(value):
                stop_lr = lr
                break
            average, mean = _smooth_step(average, value, beta, t)
            raw.append(value)
            smoothed.append(mean)
            best = min(best, mean)
            if diverge_factor is not None and mean > diverge_factor * best:
                stop_lr = lr
                break
            loss.backward()
            optimizer.step()
    k = len(raw)
    return RangeTestResult(
        lrs=lrs[:k],
        losses=np.array(raw),
        smoothed=np.array(smoothed),
        num_steps=len(lrs),
        smooth=beta,
        diverge_factor=diverge_factor,
        stop_lr=stop_lr,
    )
