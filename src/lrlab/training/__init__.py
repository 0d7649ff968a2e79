"""Small, deterministic training runs for the book's experiments.

Three playgrounds, all driven by a real ``torch.optim`` optimizer and (optionally) a scheduler,
so that what the chapters show is exactly what happens in a production training loop:

- :class:`QuadraticBowl`: a 2-D loss surface you can draw. :meth:`QuadraticBowl.descend`
  records every iterate, so a contour plot shows what a too-large, a too-small and a
  scheduled learning rate do.
- :func:`train`: a small MLP on scikit-learn's bundled digits (no download), returning the
  learning rate of every step and the loss and accuracy curves. A run of 20 epochs takes
  well under a second on one CPU core.
- :func:`train_text_runs`: a tiny Transformer language model of Python's own standard-library
  source (no download), trained with AdamW: the task where warmup and the decay's shape show.
  Many runs are computed side by side.

All are seeded: the same arguments give the same numbers, bit for bit, on every run.
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

from lrlab.training._helpers import deterministic
from lrlab.training.bowl import QuadraticBowl, SurfaceRun
from lrlab.training.budget import Budget, record_lrs
from lrlab.training.digits import Digits, load_digits, make_deep_mlp, make_mlp
from lrlab.training.runs import (
    TrainResult,
    compare_runs,
    ensemble_metrics,
    final_metrics,
    is_plateau,
    mean_result,
    predict_proba,
    seed_values,
    steps_per_epoch,
    summarize,
    train,
    train_runs,
)
from lrlab.training.text import (
    RACE_BUDGET,
    Text,
    TextBudget,
    load_text,
    train_text,
    train_text_runs,
)

__all__ = [
    "RACE_BUDGET",
    "Budget",
    "Digits",
    "QuadraticBowl",
    "SurfaceRun",
    "Text",
    "TextBudget",
    "TrainResult",
    "compare_runs",
    "deterministic",
    "ensemble_metrics",
    "final_metrics",
    "is_plateau",
    "load_digits",
    "load_text",
    "make_deep_mlp",
    "make_mlp",
    "mean_result",
    "predict_proba",
    "record_lrs",
    "seed_values",
    "steps_per_epoch",
    "summarize",
    "train",
    "train_runs",
    "train_text",
    "train_text_runs",
]
