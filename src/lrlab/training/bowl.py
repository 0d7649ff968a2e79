"""A loss surface you can see: :class:`QuadraticBowl`, minimised by a real torch optimizer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from lrlab._checks import check_int, check_real
from lrlab.seeding import seeds as _seeds
from lrlab.training._helpers import (
    OptimizerFactory,
    SchedulerFactory,
    build_scheduler,
    deterministic,
)

__all__ = ["QuadraticBowl", "SurfaceRun"]


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
        """The largest constant learning rate for which noise-free descent converges,
        2 / max(a, b)."""
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
        noise = (
            torch.randn(
                steps, 2, generator=torch.Generator().manual_seed(seed), dtype=torch.float64
            )
            * self.noise
        )
        path = np.full((steps + 1, 2), np.nan)
        lrs = np.full(steps, np.nan)
        path[0] = start
        diverged = False
        with deterministic(seed):
            w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
            optimizer = make_optimizer([w])
            scheduler = build_scheduler(make_scheduler, optimizer)
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
