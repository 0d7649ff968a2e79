"""When does one setting beat another? The book's one rule for reading a comparison over seeds.

Two settings trained with several seeds each end at different numbers, and so do two seeds of
the same setting. The book says "A beats B" only when the gap passes a stated rule:

    at least ``min_seeds`` seeds on each side, and the difference of the means larger than
    ``z`` standard errors of that difference (by default 5 seeds and 2 standard errors);

otherwise it says they **tie**. A run that diverged (a metric that is not finite) counts as the
worst possible result: a setting that diverges with some seeds loses to one that never does,
and the verdict says how often it diverged.

Only NumPy is imported here.

Example:
    >>> c = compare([0.30, 0.31, 0.29, 0.30, 0.32], [0.40, 0.38, 0.41, 0.39, 0.40],
    ...             labels=("cosine", "constant"))
    >>> c.verdict, c.winner
    ('beats', 'cosine')
    >>> print(c)  # doctest: +NORMALIZE_WHITESPACE
    cosine beats constant: 0.304 ± 0.011 vs 0.396 ± 0.011 (difference 0.092, 12.8 standard errors;
    5 and 5 seeds; rule: 2 standard errors, at least 5 seeds)
    >>> compare([0.30, 0.31, 0.29], [0.31, 0.30, 0.32], labels=("a", "b")).verdict
    'ties'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lrlab._checks import check_int, check_real

__all__ = ["MIN_SEEDS", "Z", "Comparison", "compare"]

MIN_SEEDS = 5
"""The fewest seeds per setting for which the book calls a winner."""

Z = 2.0
"""How many standard errors the difference of the means must exceed."""


@dataclass(frozen=True)
class Comparison:
    """The verdict of :func:`compare`, with every number it rests on.

    Attributes:
        labels: the names of the two settings, ``(a, b)``.
        mean, std: each setting's mean and sample standard deviation over its finite runs.
        n, diverged: each setting's number of seeds, and how many of them diverged.
        difference: ``mean[0] - mean[1]`` (``nan`` when a side has no finite run).
        standard_error: of that difference, :math:`\\sqrt{s_a^2/n_a + s_b^2/n_b}`.
        verdict: ``"beats"`` (``winner`` is better by the rule) or ``"ties"``.
        winner, loser: the labels, or ``None`` for a tie.
        higher_is_better: ``True`` for an accuracy, ``False`` for a loss.
        min_seeds, z: the rule.
    """

    labels: tuple[str, str]
    mean: tuple[float, float]
    std: tuple[float, float]
    n: tuple[int, int]
    diverged: tuple[int, int]
    difference: float
    standard_error: float
    verdict: str
    winner: str | None
    loser: str | None
    higher_is_better: bool
    min_seeds: int
    z: float

    @property
    def z_score(self) -> float:
        """``|difference| / standard_error`` (``inf`` for a difference with no spread)."""
        if not math.isfinite(self.difference):
            return math.nan
        if self.standard_error == 0:
            return math.inf if self.difference != 0 else 0.0
        return abs(self.difference) / self.standard_error

    def __str__(self) -> str:
        a, b = self.labels
        first, second = (a, b) if self.winner in (None, a) else (b, a)
        head = f"{first} {self.verdict} {second}"
        sides = [self._side(i) for i in (0, 1)]
        if first != a:
            sides.reverse()
        rule = f"rule: {self.z:g} standard errors, at least {self.min_seeds} seeds"
        if math.isfinite(self.difference):
            gap = (
                f"difference {abs(self.difference):.3g}, {self.z_score:.1f} standard errors; "
                f"{self.n[0]} and {self.n[1]} seeds; {rule}"
            )
        else:
            gap = f"{self.n[0]} and {self.n[1]} seeds; {rule}"
        return f"{head}: {sides[0]} vs {sides[1]} ({gap})"

    def _side(self, i: int) -> str:
        finite = self.n[i] - self.diverged[i]
        text = "diverged" if finite == 0 else f"{self.mean[i]:.3g} ± {self.std[i]:.2g}"
        if 0 < self.diverged[i] < self.n[i]:
            text += f" (diverged with {self.diverged[i]} of {self.n[i]} seeds)"
        elif self.diverged[i] == self.n[i]:
            text = f"diverged with all {self.n[i]} seeds"
        return text


def _values(name: str, values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty sequence of numbers, one per seed, got {values!r}"
        )
    return array


def compare(
    a: Sequence[float],
    b: Sequence[float],
    *,
    labels: tuple[str, str] = ("A", "B"),
    higher_is_better: bool = False,
    min_seeds: int = MIN_SEEDS,
    z: float = Z,
) -> Comparison:
    """Compare two settings from one final number per seed each, by the book's rule.

    Args:
        a, b: the metric of each seed of the two settings (``nan`` or ``inf``: that run
            diverged).
        labels: their names, used in the verdict.
        higher_is_better: ``True`` for an accuracy, ``False`` (default) for a loss.
        min_seeds: the fewest seeds per side for a winner (>= 2).
        z: the number of standard errors the difference of the means must exceed (> 0).

    Returns:
        A :class:`Comparison`; ``str()`` of it is the sentence the book prints.
    """
    va, vb = _values("a", a), _values("b", b)
    min_seeds = check_int("min_seeds", min_seeds, minimum=2)
    z = check_real("z", z, low=0.0, low_open=True)
    if not (isinstance(labels, tuple) and len(labels) == 2):
        raise ValueError(f"labels must be a pair of names, got {labels!r}")
    fa, fb = va[np.isfinite(va)], vb[np.isfinite(vb)]
    n = (va.size, vb.size)
    diverged = (va.size - fa.size, vb.size - fb.size)

    def stats(values: np.ndarray) -> tuple[float, float]:
        if values.size == 0:
            return math.nan, math.nan
        return float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else 0.0

    (ma, sa), (mb, sb) = stats(fa), stats(fb)
    sign = -1.0 if higher_is_better else 1.0  # sign * (a - b) < 0: a is better
    enough = min(n) >= min_seeds
    difference = ma - mb  # nan when a side has no finite run
    se = math.sqrt(sa**2 / max(fa.size, 1) + sb**2 / max(fb.size, 1))
    if (diverged[0] == 0) != (diverged[1] == 0):
        # One side never diverges, the other sometimes does: the steady one wins.
        a_better, decided = diverged[0] == 0, True
    else:
        # Both steady: the gap must pass the rule. Both diverging sometimes: no claim.
        a_better = sign * difference < 0
        decided = diverged == (0, 0) and abs(difference) > z * se
    verdict = "beats" if enough and decided else "ties"
    winner = loser = None
    if verdict == "beats":
        winner, loser = (labels[0], labels[1]) if a_better else (labels[1], labels[0])
    return Comparison(
        labels=(str(labels[0]), str(labels[1])),
        mean=(ma, mb),
        std=(sa, sb),
        n=n,
        diverged=diverged,
        difference=difference,
        standard_error=se,
        verdict=verdict,
        winner=winner,
        loser=loser,
        higher_is_better=bool(higher_is_better),
        min_seeds=min_seeds,
        z=z,
    )
