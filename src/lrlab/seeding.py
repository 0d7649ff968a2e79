"""The seeds of every experiment in the book, from one place.

A conclusion drawn from training runs must not depend on the seeds it was drawn with. So no
chapter writes its seeds as literals: each asks :func:`seeds` for them, and the environment
variable ``LRLAB_SEED`` (an integer, 0 by default) shifts them all. ``make robust`` runs every
notebook again with two other offsets: a claim that holds only for the book's own seeds fails
there.

Only the standard library is imported here, so ``import lrlab`` stays cheap.

Example:
    >>> import os
    >>> os.environ.pop("LRLAB_SEED", None) and None
    >>> seeds(3)
    (0, 1, 2)
    >>> seeds(2, first=10)
    (10, 11)
    >>> os.environ["LRLAB_SEED"] = "1000"
    >>> seeds(3)
    (1000, 1001, 1002)
    >>> del os.environ["LRLAB_SEED"]
"""

from __future__ import annotations

import os

from lrlab._checks import check_int

__all__ = ["ENV_VAR", "seed_offset", "seeds"]

ENV_VAR = "LRLAB_SEED"
"""The environment variable that offsets every seed of the book (an integer >= 0)."""


def seed_offset() -> int:
    """The offset read from ``LRLAB_SEED`` (0 when it is unset or empty).

    Raises:
        ValueError: when ``LRLAB_SEED`` is set to something other than an integer >= 0.
    """
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{ENV_VAR} must be an integer >= 0, got {raw!r}") from None
    return check_int(ENV_VAR, value, minimum=0)


def seeds(count: int = 1, *, first: int = 0) -> tuple[int, ...]:
    """``count`` consecutive seeds, starting at ``first`` plus the ``LRLAB_SEED`` offset.

    Args:
        count: how many seeds (>= 1).
        first: where this experiment's seeds start before the offset (>= 0). Two sets of seeds
            that must not overlap, such as the tuning and the final runs of a race, take
            different ``first`` values more than ``count`` apart.

    Returns:
        A tuple of ``count`` integers.
    """
    count = check_int("count", count, minimum=1)
    first = check_int("first", first, minimum=0)
    start = first + seed_offset()
    return tuple(range(start, start + count))
