"""How many updates a ``transformers`` ``Trainer`` run makes, and how long its warmup is: the
rules of transformers 5, written once for :mod:`lrlab.plan` and :mod:`lrlab.grading`.

Each data-parallel process loads ``ceil(num_examples / (batch × world_size))`` minibatches per
epoch (fewer with ``dataloader_drop_last``); an epoch makes one update per
``gradient_accumulation_steps`` of them, plus a short one on the leftover minibatches; a
fractional number of epochs is rounded up to whole updates. ``warmup_steps`` of 1 or more is a
number of updates (truncated), below 1 a fraction of the run (rounded up).
"""

from __future__ import annotations

import math

__all__ = [
    "epoch_batches",
    "fraction_updates",
    "run_updates",
    "updates_per_epoch",
    "warmup_updates",
]


def epoch_batches(
    num_examples: int, batch_size: int, world_size: int = 1, *, drop_last: bool = False
) -> int:
    """Minibatches one process loads per epoch (``batch_size`` per device).

    Example:
        >>> epoch_batches(1000, 16, 2), epoch_batches(1000, 16, 2, drop_last=True)
        (32, 31)
    """
    per_step = batch_size * world_size
    return num_examples // per_step if drop_last else -(-num_examples // per_step)


def updates_per_epoch(batches: int, accumulation_steps: int, *, leftover: bool = True) -> int:
    """Optimizer updates per epoch: one per ``accumulation_steps`` minibatches, and (with
    ``leftover``, as the ``Trainer``) a short one on the minibatches left over; at least 1.

    Example:
        >>> updates_per_epoch(10, 4), updates_per_epoch(10, 4, leftover=False)
        (3, 2)
    """
    return max(
        batches // accumulation_steps + int(leftover and batches % accumulation_steps > 0), 1
    )


def run_updates(epochs: float, per_epoch: int) -> int:
    """Updates of ``epochs`` epochs (which may be fractional), rounded up as the ``Trainer`` does.

    Example:
        >>> run_updates(1.5, 15)
        23
    """
    return math.ceil(epochs * per_epoch)


def fraction_updates(fraction: float, total: int, *, round_up: bool = True) -> int:
    """A ``fraction`` of the ``total`` updates, rounded up as the ``Trainer`` does (the older
    ``warmup_ratio`` is always read this way, 1.0 included: the whole run).

    Example:
        >>> fraction_updates(0.05, 237), fraction_updates(1.0, 100), fraction_updates(0.05, 237, round_up=False)
        (12, 100, 11)
    """
    product = total * fraction
    return math.ceil(product) if round_up else math.floor(product)


def warmup_updates(warmup_steps: float, total: int, *, round_up: bool = True) -> int:
    """``TrainingArguments.get_warmup_steps``: ``warmup_steps`` >= 1 is a count (truncated),
    below 1 a fraction of the ``total`` updates (rounded up; ``round_up=False`` floors it, the
    usual mistake).

    Example:
        >>> warmup_updates(10.7, 500), warmup_updates(0.05, 237), warmup_updates(0.05, 237, round_up=False)
        (10, 12, 11)
    """
    if warmup_steps >= 1:
        return int(warmup_steps)
    return fraction_updates(warmup_steps, total, round_up=round_up)
