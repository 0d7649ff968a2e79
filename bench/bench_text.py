"""The text task's runs side by side against one after another, in the same process.

``train_text_runs`` stacks up to ``group_size`` runs and computes them together; with
``group_size=1`` it trains them one after another, exactly as separate loops would. Both sides
train the same runs (the same settings and seeds), are checked to give the same losses, and are
timed alternately, the best of ``REPEATS`` each, so that a burst of another process's work does
not favour one side. Two models: chapter 6's post-norm Transformer (width 32, two layers,
compute-bound) and a tiny one (width 8, one layer), where per-run overhead dominates.

Run: ``python bench/bench_text.py`` (or ``make bench`` for every benchmark).
"""

from __future__ import annotations

import time

import numpy as np

import lrlab
from lrlab.training import TextBudget, train_text_runs

RUNS = 8
REPEATS = 3
MODELS = {
    "chapter 6 (width 32, 2 layers)": TextBudget(
        norm="post", updates=40, eval_every=40, batch_size=8
    ),
    "tiny (width 8, 1 layer)": TextBudget(
        updates=200, eval_every=100, width=8, heads=1, layers=1, context=8, batch_size=8
    ),
}


def _configs(budget: TextBudget) -> dict:
    def cosine(optimizer):
        return lrlab.CosineAnnealingLR(optimizer, T_max=budget.updates)

    return {k: (cosine, 0.003 * (k + 1)) for k in range(RUNS)}


def _time(budget: TextBudget, group_size: int) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    runs = train_text_runs(
        _configs(budget), seeds=[0], budget=budget, group_size=group_size, progress=False
    )
    seconds = time.perf_counter() - start
    return seconds, np.array([r[0].train_loss for r in runs.values()])


def main() -> None:
    print(f"{RUNS} runs of the text task: ms per run and update (best of {REPEATS})")
    print(f"{'model':32s} {'one by one':>11s} {'side by side':>13s} {'ratio':>6s}")
    for name, budget in MODELS.items():
        alone, together = [], []
        for _ in range(REPEATS):
            a, losses_alone = _time(budget, 1)
            b, losses_together = _time(budget, RUNS)
            alone.append(a)
            together.append(b)
        np.testing.assert_allclose(losses_together, losses_alone, rtol=1e-4)
        per = RUNS * budget.updates / 1000
        print(
            f"{name:32s} {min(alone) / per:11.2f} {min(together) / per:13.2f} "
            f"{min(alone) / min(together):6.1f}x"
        )


if __name__ == "__main__":
    main()
