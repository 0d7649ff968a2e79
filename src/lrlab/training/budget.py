"""The digits' fixed training :class:`Budget`, and :func:`record_lrs`, what a scheduler
writes into the optimizer step by step (the chapters' verification against torch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from lrlab._checks import check_int, check_real
from lrlab.training._helpers import OptimizerFactory, SchedulerFactory
from lrlab.training.digits import Digits, load_digits
from lrlab.training.runs import TrainResult, steps_per_epoch, train

__all__ = ["Budget", "record_lrs"]


@dataclass(frozen=True)
class Budget:
    """A fixed training budget on the digits: every schedule gets the same in a fair comparison.

    The capstone's race runs on the text task instead (:data:`lrlab.training.text.RACE_BUDGET`);
    the demonstrations of its checklist use this one.

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
        return dict(
            make_optimizer=self.optimizer(lr),
            make_scheduler=make_scheduler,
            epochs=self.epochs,
            batch_size=self.batch_size,
            hidden=self.hidden,
            data=self.data,
            scheduler_interval="step",
        )

    def train(
        self,
        make_scheduler: SchedulerFactory | None,
        lr: float,
        *,
        seed: int | None = None,
        progress: bool | str = False,
    ) -> TrainResult:
        """One run within the budget: :func:`train` with :meth:`config` and ``seed`` (``None``:
        ``lrlab.seeds()[0]``)."""
        return train(**self.config(make_scheduler, lr), seed=seed, progress=progress)


def record_lrs(
    make_scheduler: SchedulerFactory, steps: int, lrs: Sequence[float] = (0.1,)
) -> np.ndarray:
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
