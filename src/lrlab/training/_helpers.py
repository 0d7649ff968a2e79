"""What the runs of :mod:`lrlab.training` share: the factories' types, the deterministic
context, the progress bar.

Private to :mod:`lrlab.training`, which re-exports :func:`deterministic`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

__all__ = [
    "ModelFactory",
    "OptimizerFactory",
    "SchedulerFactory",
    "build_scheduler",
    "deterministic",
    "progress_bar",
]

OptimizerFactory = Callable[[Any], torch.optim.Optimizer]
"""Builds an optimizer from the model's parameters, e.g.
``lambda p: torch.optim.SGD(p, lr=0.1)``."""

SchedulerFactory = Callable[[torch.optim.Optimizer], Any]
"""Builds a scheduler for the optimizer, e.g. ``lambda opt: StepLR(opt, step_size=5)``."""

ModelFactory = Callable[..., nn.Module]
"""Builds the model, called as ``make_model(seed=seed)``, e.g.
``functools.partial(make_deep_mlp, (256, 256))``."""


@contextlib.contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Run the body single-threaded, deterministic and seeded; restore the global state after.

    Inside the block torch uses one thread and deterministic algorithms, and its global
    generator is seeded with ``seed``; on leaving it, the number of threads, the
    deterministic-algorithms flag and the generator's state are what they were before. Every
    run of :mod:`lrlab.training` (and :func:`lrlab.range_test.lr_range_test`) builds its model
    and trains inside it: the same seed gives the same numbers, bit for bit.

    Args:
        seed: the seed of torch's global generator inside the block.

    Example:
        >>> import torch
        >>> with deterministic(0):
        ...     first = torch.rand(3)
        ...     threads = torch.get_num_threads()
        >>> with deterministic(0):
        ...     again = torch.rand(3)
        >>> bool((first == again).all()), threads
        (True, 1)
    """
    threads = torch.get_num_threads()
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(was_deterministic)


@contextlib.contextmanager
def progress_bar(total: int, progress: bool | str, unit: str = "it") -> Iterator[Any]:
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
    bar = tqdm(
        total=total,
        desc=label,
        disable=not progress,
        leave=True,
        delay=1.0,
        mininterval=interval,
        ncols=72,
        ascii=True,
        unit=unit,
    )
    try:
        yield bar
    finally:
        bar.delay = 0  # close() then prints the final state even of a run shorter than the delay
        bar.close()


def build_scheduler(make_scheduler: SchedulerFactory | None, optimizer: torch.optim.Optimizer):
    """``make_scheduler(optimizer)``, or ``None`` without a factory (a constant lr)."""
    return None if make_scheduler is None else make_scheduler(optimizer)
