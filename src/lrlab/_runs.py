r"""Whole curves, fast: the ``curve`` method of every schedule of the step.

The functions of :mod:`lrlab.schedules` *define* the schedules: each evaluates any array of
steps, element by element, in a few lines a reader can check against the paper, and
``s(np.arange(n))`` equals calling ``s`` one step at a time, bit for bit. Drawing a whole curve,
though, asks for consecutive steps only, and on consecutive steps a schedule is
made of a few simple pieces. The kernels here compute those pieces in a few passes over memory
instead of one transcendental function per step (NumPy's float64 cosine costs far more per
element than a multiplication; ``make bench`` measures what the kernels gain):

* **a cosine of equally spaced angles** (:func:`cos_runs`): write step ``i * m + j`` with
  ``j < m``; by the angle-addition formula
  ``cos(x_i + y_j) = cos x_i cos y_j - sin x_i sin y_j``, so two tables of about ``sqrt(n)``
  cosines and sines and one ``(rows, 3) @ (3, m)`` matrix product give all ``n`` values;
* **a geometric sequence** (:func:`geometric_run`): ``g ** (i * m + j) = g ** (i * m) * g ** j``,
  an outer product of two short tables;
* **constant blocks** (step decay, a stable phase): the definition at the first step of each
  block, repeated;
* **a periodic schedule**: one period, tiled; warm restarts with ``T_mult > 1``: the longest
  cycle, each shorter one read from it every ``T_mult ** k``-th value;
* **a cyclic schedule**: one cycle per row of a matrix, the height depending on the column and the
  amplitude on the row, one matrix product;
* **phases** (warmup, stable, decay; the one-cycle phases; the pieces of ``sequential``): each on
  its own slice of the run, rather than every formula on every step and ``np.where``.

A schedule decorated with :func:`on_runs` gets a method ``curve``: ``s.curve(n, *args,
**kwargs)`` is ``s(np.arange(n), *args, **kwargs)`` to a few units in the last place (it calls
the definition on the last step first, so invalid arguments raise exactly as the definition
raises them). ``tests/test_runs.py`` checks every kernel against its definition, over random
parameters and runs; the parity tests check the definitions against torch and transformers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["on_runs", "as_run", "consecutive", "cos_runs", "geometric_run"]


def as_run(step: Any) -> np.ndarray | None:
    """``step`` if it is a run from :func:`consecutive` (a view of its table), else ``None``.

    Known by identity, without reading the steps: an ``np.arange`` of the same values is not a
    run, so that ``s(np.arange(n))`` stays the definition, equal bit for bit to one call per step.
    """
    if type(step) is np.ndarray and step.base is _STEPS and step.ndim == 1 and step.size >= 2:
        return step
    return None


def _run_bounds(steps: Any) -> tuple[int, int]:
    """``(start, stop)`` of ``steps``: a number of steps ``n`` (``0 .. n - 1``) or a ``range``."""
    if isinstance(steps, range) and steps.step == 1 and steps.start >= 0:
        return steps.start, max(steps.start, steps.stop)
    if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool) and steps >= 0:
        return 0, int(steps)
    raise ValueError(
        "steps must be a number of steps n >= 0 (for steps 0 .. n - 1) or a range(a, b) of "
        f"consecutive steps, got {steps!r}"
    )


def on_runs(kernel: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: give a schedule a ``curve`` method, computed by ``kernel``.

    ``schedule.curve(n, *args, **kwargs)`` (or ``curve(range(a, b), ...)``) returns the schedule
    over the steps ``0 .. n - 1``: the values of ``schedule(np.arange(n), *args, **kwargs)`` to a
    few units in the last place, with far less work. Calling the schedule itself is unchanged: the
    definition, whatever the steps. The kernel takes ``(definition, run, *args, **kwargs)``: the
    undecorated schedule, the run (int64) and the schedule's own arguments, already validated
    (unless the kernel has ``validates_itself = True``: it calls the definition on the run, or
    hands the run to schedules that validate their own arguments).
    """

    def decorate(definition: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(definition)
        def schedule(step: Any, *args: Any, **kwargs: Any) -> Any:
            run = as_run(step)
            if run is None:
                return definition(step, *args, **kwargs)
            if not getattr(kernel, "validates_itself", False):
                definition(run[-1:], *args, **kwargs)  # invalid arguments raise here
            return kernel(definition, run, *args, **kwargs)

        def curve(steps: Any, *args: Any, **kwargs: Any) -> np.ndarray:
            start, stop = _run_bounds(steps)
            if stop - start < 2:
                return np.asarray(definition(np.arange(start, stop), *args, **kwargs))
            return schedule(consecutive(start, stop), *args, **kwargs)

        curve.__doc__ = (
            f"``{definition.__name__}`` over ``steps`` = ``n`` (steps 0 .. n - 1) or ``range(a, "
            "b)``: the values of the schedule on ``np.arange``, to a few units in the last "
            "place, computed faster (see :mod:`lrlab._runs`)."
        )
        schedule.curve = curve  # type: ignore[attr-defined]
        schedule.kernel = kernel  # type: ignore[attr-defined]
        return schedule

    return decorate


# --------------------------------------------------------------------------------------------
# Primitives
# --------------------------------------------------------------------------------------------


_SMALL = 512  # up to this many values, one np.cos per value is as fast as the tables


_STEPS = np.arange(0)


def consecutive(start: int, stop: int) -> np.ndarray:
    """The run ``start, ..., stop - 1`` as a read-only view of a table grown on demand: no copy,
    and :func:`as_run` knows it for a run without reading it."""
    global _STEPS
    if _STEPS.size < stop:
        steps = np.arange(max(stop, 2 * _STEPS.size))
        steps.flags.writeable = False
        _STEPS = steps
    return _STEPS[start:stop]


def _shape(n: int) -> tuple[int, int]:
    """``(rows, columns)`` with ``rows * columns >= n``, both about ``sqrt(n)``."""
    columns = max(1, math.isqrt(n - 1) + 1)
    return -(-n // columns), columns


def _buffer(n: int) -> np.ndarray:
    """Room for ``n`` values plus what a matrix product may write past them (see cos_runs)."""
    return np.empty(n + 2 * math.isqrt(n) + 4)


_RAMP = np.arange(0.0)


def _ramp(n: int) -> np.ndarray:
    """``0.0, 1.0, ..., n - 1``: a read-only table, grown on demand, so no run allocates it."""
    global _RAMP
    if _RAMP.size < n:
        ramp = np.arange(float(max(n, 2 * _RAMP.size)))
        ramp.flags.writeable = False
        _RAMP = ramp
    return _RAMP[:n]


def _product(out: np.ndarray, lo: int, n: int, left: np.ndarray, right: np.ndarray) -> None:
    """Write the ``n`` first values of ``left @ right`` (row by row) at ``out[lo:]``.

    The product is written whole, in place: up to ``right.shape[1] - 1`` values past
    ``out[lo + n]`` are overwritten (with values of the same curve).
    """
    rows, columns = left.shape[0], right.shape[1]
    np.matmul(left, right, out=out[lo : lo + rows * columns].reshape(rows, columns))


def cos_runs(out: np.ndarray, segments: list[tuple[int, int, float, float, float, float]]) -> None:
    """For each ``(lo, n, x0, dx, amp, const)``: ``out[lo + i] = const + amp * cos(x0 + i * dx)``.

    By the angle-addition formula: a segment of ``rows * columns`` values takes ``rows`` angles
    ``x0 + dx * columns * r`` and ``columns`` angles ``dx * c``, their cosines and sines, and
    one ``(rows, 3) @ (3, columns)`` product, written in place. Segments come in increasing
    ``lo``; a product may overwrite up to ``columns - 1`` values after its segment, which the
    next segment (or the caller) then sets. Values are clamped to ``const -/+ |amp|`` next to
    the angles that are multiples of pi, the only places where rounding could take them past
    the extremes (below 0, say) that the formula reaches.
    """
    for lo, n, x0, dx, amp, const in segments:
        if n <= _SMALL:
            out[lo : lo + n] = const + amp * np.cos(x0 + dx * _ramp(n))
        else:
            rows, columns = _shape(n)
            x = x0 + (dx * columns) * _ramp(rows)
            y = dx * _ramp(columns)
            left, right = np.empty((rows, 3)), np.empty((3, columns))
            np.cos(x, out=left[:, 0])
            np.sin(x, out=left[:, 1])
            left[:, 2] = const
            left[:, :2] *= (amp, -amp)
            np.cos(y, out=right[0])
            np.sin(y, out=right[1])
            right[2] = 1.0
            _product(out, lo, n, left, right)
    for lo, n, x0, dx, amp, const in segments:
        if n > 0 and dx > 0.0:  # the steps next to an angle k * pi
            low, high = const - abs(amp), const + abs(amp)
            k = range(math.floor(x0 / math.pi), math.floor((x0 + (n - 1) * dx) / math.pi) + 2)
            if len(k) <= 64:  # a few extremes: scalar work is cheaper than array calls
                for i in (round((j * math.pi - x0) / dx) for j in k):
                    for j in range(lo + max(i - 1, 0), lo + min(i + 2, n)):
                        out[j] = min(max(out[j], low), high)
            else:
                i = np.rint((np.arange(k.start, k.stop) * math.pi - x0) / dx).astype(np.int64)
                i = np.concatenate([i - 1, i, i + 1])
                i = lo + i[(i >= 0) & (i < n)]
                out[i] = np.clip(out[i], low, high)


def geometric_run(out: np.ndarray, lo: int, n: int, log0: float, dlog: float, scale: float = 1.0):
    """Set ``out[lo + i]`` to ``scale * exp(log0 + i * dlog)`` for ``i = 0, ..., n - 1``.

    ``exp(a + b) = exp(a) * exp(b)``: an outer product of two tables of about ``sqrt(n)``
    exponentials (may overwrite values past ``out[lo + n]``, as :func:`cos_runs`). The product has
    inner dimension 2, padded with zeros: NumPy hands it to BLAS, unlike an inner dimension of 1.
    """
    rows, columns = _shape(n)
    left, right = np.zeros((rows, 2)), np.zeros((2, columns))
    with np.errstate(over="ignore", under="ignore"):
        np.exp(log0 + dlog * (columns * _ramp(rows)), out=left[:, 0])
        np.exp(dlog * _ramp(columns), out=right[0])
    left[:, 0] *= scale
    if n <= _SMALL or not (np.isfinite(left).all() and np.isfinite(right).all()):
        out[lo : lo + n] = scale * np.exp(log0 + dlog * _ramp(n))
    else:
        _product(out, lo, n, left, right)


def _index(t: np.ndarray, step: float) -> int:
    """How many steps of the run come before ``step``."""
    return int(min(max(math.ceil(step) - int(t[0]), 0), t.size))


def _blocks(definition: Callable[..., Any], t: np.ndarray, starts: np.ndarray, *args: Any):
    """A piecewise-constant run: the definition at the first step of each block, repeated.

    ``starts`` are the steps inside the run (after its first) where a new block begins.
    """
    firsts = np.concatenate([t[:1], starts])
    counts = np.diff(np.append(firsts, t[-1] + 1))
    return np.repeat(definition(firsts, *args), counts)


def _half_cosine(lo, n, position, period, base_lr, eta_min):
    """The segment of :func:`cos_runs` for ``schedules._cosine``: from ``base_lr`` at position 0
    to ``eta_min`` at ``period``, its first value at ``position``."""
    half, dx = (base_lr - eta_min) / 2, math.pi / period
    return (lo, n, dx * position, dx, half, eta_min + half)


def _cosine_factor(lo, n, progress_steps, span, num_cycles, base_lr, floor):
    """The segment of :func:`cos_runs` for ``base_lr * (floor + (1 - floor) * factor)``, with
    ``factor = schedules._cosine_factor(progress_steps / span, num_cycles)`` at its first value."""
    half, dx = base_lr * (1.0 - floor) / 2, 2.0 * math.pi * num_cycles / span
    return (lo, n, dx * progress_steps, dx, half, base_lr * floor + half)


def _countdown(out, stop, first_step):
    """``out[i] = stop - (first_step + i)``: the steps left until ``stop``, as floats."""
    np.subtract(stop - first_step, _ramp(out.size), out=out)


# --------------------------------------------------------------------------------------------
# Kernels: one per decorated schedule, with the schedule's own signature after ``definition, t``
# --------------------------------------------------------------------------------------------


def passes_run_on(definition, t, *args, **kwargs):
    """The kernel of a schedule whose definition hands its steps to a decorated helper (the
    one-cycle pair) or to the reader's function (``lambda_lr``): the definition, on the run."""
    return definition(t, *args, **kwargs)


passes_run_on.validates_itself = True  # type: ignore[attr-defined]


def step_lr(definition, t, base_lr, step_size, gamma=0.1):
    starts = np.arange(int(t[0]) // step_size + 1, int(t[-1]) // step_size + 1) * step_size
    return _blocks(definition, t, starts, base_lr, step_size, gamma)


def multistep_lr(definition, t, base_lr, milestones, gamma=0.1):
    marks = np.unique(np.asarray(list(milestones), dtype=np.int64))
    starts = marks[(marks > t[0]) & (marks <= t[-1])]
    return _blocks(definition, t, starts, base_lr, milestones, gamma)


def exponential_lr(definition, t, base_lr, gamma):
    out, log_gamma = _buffer(t.size), math.log(gamma)
    geometric_run(out, 0, t.size, int(t[0]) * log_gamma, log_gamma, float(base_lr))
    return out[: t.size]


def cosine_annealing_lr(definition, t, base_lr, T_max, eta_min=0.0):
    if 2 * T_max < t.size:  # the cosine of pi * t / T_max repeats every 2 T_max steps
        first = cosine_annealing_lr(definition, t[: 2 * T_max], base_lr, T_max, eta_min)
        return np.resize(first, t.size)
    out = _buffer(t.size)
    phase = int(t[0]) % (2 * T_max)
    cos_runs(out, [_half_cosine(0, t.size, phase, T_max, base_lr, eta_min)])
    return out[: t.size]


def cosine_annealing_warm_restarts(definition, t, base_lr, T_0, T_mult=1, eta_min=0.0):
    if T_mult == 1 and T_0 < t.size:  # every cycle is the same: compute one, tile it
        first = cosine_annealing_warm_restarts(definition, t[:T_0], base_lr, T_0, T_mult, eta_min)
        return np.resize(first, t.size)
    first, last = int(t[0]), int(t[-1])
    cycles, start, length = [], 0, T_0
    while start <= last:  # the (start, length) of every cycle the run meets: a few dozen at most
        if start + length > first:
            cycles.append((start, length))
        start, length = start + length, length * T_mult
    # Cycle k is the longest cycle K sampled every T_mult ** (K - k) steps. The longest is
    # computed in place, where it starts in the run (with room to finish it), the others copied.
    a, longest = cycles[-1]
    lo = max(a, first) - first
    need = max(
        [min(a + longest, last + 1) - max(a, first)]
        + [(n - 1) * (longest // n) + 1 for _, n in cycles[:-1]]
    )
    if need > 2 * t.size:  # the longest cycle is far longer than the run: each cycle on its own
        out, segments = _buffer(t.size), []
        for b, n in cycles:
            start, stop = max(b, first), min(b + n, last + 1)
            segments.append(_half_cosine(start - first, stop - start, start - b, n, base_lr, eta_min))
        cos_runs(out, segments)
        return out[: t.size]
    out = _buffer(lo + need)
    cos_runs(out, [_half_cosine(lo, need, max(a, first) - a, longest, base_lr, eta_min)])
    table = out[lo:]  # position 0 of the longest cycle, when the run meets several cycles
    for b, n in cycles[:-1]:
        start, stop, stride = max(b, first), min(b + n, last + 1), longest // n
        positions = slice((start - b) * stride, (stop - b - 1) * stride + 1, stride)
        out[start - first : stop - first] = table[positions]
    return out[: t.size]


def _with_warmup(out, t, base_lr, num_warmup_steps):
    """``out[:n]`` with its warmup steps set to transformers' linear warmup."""
    w = _index(t, num_warmup_steps)
    out[:w] = base_lr * schedules._warmup_factor(t[:w], num_warmup_steps)
    return out[: t.size]


def _progress_cosine(t, base_lr, num_warmup_steps, num_training_steps, num_cycles, floor=0.0):
    """``base_lr * (floor + (1 - floor) * cosine factor of the progress)``, over the whole run."""
    out, span = _buffer(t.size), max(1, num_training_steps - num_warmup_steps)
    progress_steps = int(t[0]) - num_warmup_steps
    cos_runs(out, [_cosine_factor(0, t.size, progress_steps, span, num_cycles, base_lr, floor)])
    return _with_warmup(out, t, base_lr, num_warmup_steps)


def linear_schedule_with_warmup(definition, t, base_lr, num_warmup_steps, num_training_steps):
    out = np.empty(t.size)
    w = _index(t, num_warmup_steps)
    decay = out[w:]  # (T - t) / max(1, T - W) times base_lr, and 0 from step T on
    _countdown(decay, num_training_steps, int(t[0]) + w)
    np.multiply(decay, base_lr / max(1, num_training_steps - num_warmup_steps), out=decay)
    out[_index(t, num_training_steps) :] = 0.0
    return _with_warmup(out, t, base_lr, num_warmup_steps)


def cosine_schedule_with_warmup(
    definition, t, base_lr, num_warmup_steps, num_training_steps, num_cycles=0.5
):
    return _progress_cosine(t, base_lr, num_warmup_steps, num_training_steps, num_cycles)


def cosine_with_min_lr_schedule_with_warmup(
    definition, t, base_lr, num_warmup_steps, num_training_steps, num_cycles=0.5, min_lr_rate=0.0
):
    return _progress_cosine(
        t, base_lr, num_warmup_steps, num_training_steps, num_cycles, min_lr_rate
    )


def cosine_with_hard_restarts_schedule_with_warmup(
    definition, t, base_lr, num_warmup_steps, num_training_steps, num_cycles=1
):
    if num_cycles > 64:  # many short cycles: the definition is as fast
        return definition(t, base_lr, num_warmup_steps, num_training_steps, num_cycles)
    span = max(1, num_training_steps - num_warmup_steps)
    end = num_warmup_steps + span  # the progress reaches 1 here: the lr is 0 from here on

    def cycles(step: int) -> float:  # num_cycles * progress, rounded as the definition rounds it
        return num_cycles * ((step - num_warmup_steps) / span)

    dx, segments = math.pi * num_cycles / span, []
    first = num_warmup_steps
    for k in range(math.ceil(num_cycles)):  # cycle by cycle, in order
        nxt = end
        if k + 1 < num_cycles:  # the first step of cycle k + 1, as the definition rounds it
            nxt = num_warmup_steps + math.ceil((k + 1) * span / num_cycles)
            while nxt > first and cycles(nxt - 1) >= k + 1:
                nxt -= 1
            while cycles(nxt) < k + 1:
                nxt += 1
        lo, hi = _index(t, first), _index(t, nxt)
        if lo < hi:
            x0 = dx * (int(t[lo]) - num_warmup_steps) - math.pi * k
            segments.append((lo, hi - lo, x0, dx, base_lr / 2, base_lr / 2))
        first = nxt
    out = _buffer(t.size)
    cos_runs(out, segments)
    out[_index(t, end) : t.size] = 0.0
    return _with_warmup(out, t, base_lr, num_warmup_steps)


def polynomial_decay_schedule_with_warmup(
    definition, t, base_lr, num_warmup_steps, num_training_steps, lr_end=1e-7, power=1.0
):
    out = np.empty(t.size)
    w, e = _index(t, num_warmup_steps), _index(t, num_training_steps + 1)
    decay = out[w:e]  # (base_lr - lr_end) * ((T - t) / (T - W)) ** power + lr_end
    _countdown(decay, num_training_steps, int(t[0]) + w)
    span, height = num_training_steps - num_warmup_steps, base_lr - lr_end
    if power == 1.0:
        np.multiply(decay, height / span, out=decay)
    elif power == 2.0:
        np.multiply(decay, math.sqrt(height) / span, out=decay)
        np.square(decay, out=decay)
    else:  # x ** p as exp(p ln x): NumPy's power has no fast path for most p
        np.multiply(decay, 1.0 / span, out=decay)
        with np.errstate(divide="ignore"):
            np.log(decay, out=decay)
        np.multiply(decay, power, out=decay)
        np.exp(decay, out=decay)
        np.multiply(decay, height, out=decay)
    np.add(decay, lr_end, out=decay)
    out[e:] = lr_end
    return _with_warmup(out, t, base_lr, num_warmup_steps)


def constant_schedule_with_warmup(definition, t, base_lr, num_warmup_steps):
    return _with_warmup(np.full(t.size, float(base_lr)), t, base_lr, num_warmup_steps)


def inverse_sqrt_schedule(definition, t, base_lr, num_warmup_steps, timescale=None):
    if timescale is None:
        timescale = num_warmup_steps or 10_000
    out = np.empty(t.size)
    w = _index(t, num_warmup_steps)
    decay = out[w:]  # base_lr * sqrt(timescale / (t - W + timescale))
    np.add(_ramp(decay.size), int(t[0]) + w + timescale - num_warmup_steps, out=decay)
    np.divide(timescale * float(base_lr) ** 2, decay, out=decay)
    np.sqrt(decay, out=decay)
    return _with_warmup(out, t, base_lr, num_warmup_steps)


def warmup_stable_decay(
    definition,
    t,
    base_lr,
    num_warmup_steps,
    num_stable_steps,
    num_decay_steps,
    min_lr_ratio=0.0,
    decay_type="cosine",
    warmup_type="linear",
    num_cycles=0.5,
):
    args = (num_warmup_steps, num_stable_steps, num_decay_steps, min_lr_ratio, decay_type,
            warmup_type, num_cycles)  # fmt: skip
    stable = num_warmup_steps + num_stable_steps
    w, s = _index(t, num_warmup_steps), _index(t, stable)
    d = _index(t, stable + num_decay_steps)
    out = _buffer(t.size)
    if warmup_type == "linear":
        ramp_up = schedules._warmup_factor(t[:w], num_warmup_steps) * (1.0 - min_lr_ratio) + min_lr_ratio
        out[:w] = base_lr * np.maximum(0.0, ramp_up)
    else:
        out[:w] = definition(t[:w], base_lr, *args)
    out[w:s] = base_lr
    if decay_type == "cosine" and d > s:
        span, progress_steps = max(1, num_decay_steps), int(t[s]) - stable
        segment = _cosine_factor(s, d - s, progress_steps, span, num_cycles, base_lr, min_lr_ratio)
        cos_runs(out, [segment])
    else:
        out[s:d] = definition(t[s:d], base_lr, *args)
    out[d : t.size] = base_lr * min_lr_ratio
    return out[: t.size]


def _cyclic(t, step_size_up, step_size_down, mode, gamma, offset, scale):
    """``offset + scale * height * amplitude`` of ``lrlab.schedules.cyclic_shape`` on a run,
    or ``None`` unless a cycle lasts a whole number of steps, from 16 to the run's length.

    One row per cycle, one column per step of a cycle: the height depends on the column, the
    amplitude on the row (``triangular2``) or is ``gamma ** (row start) * gamma ** column``
    (``exp_range``), so one ``(cycles, 2) @ (2, period)`` product gives the run.
    """
    down = step_size_up if step_size_down is None else step_size_down
    period = float(step_size_up) + float(down)
    if not period.is_integer() or not 16 <= period <= t.size:
        return None
    period = int(period)
    first = int(t[0])
    skip = first % period  # the rows start at the start of the run's first cycle
    cycle0, rows = first // period, -(-(skip + t.size) // period)
    steps = np.arange(first - skip, first - skip + period)
    height, _, _ = schedules.cyclic_shape(steps, step_size_up, step_size_down, "triangular", 1.0)
    left, right = np.empty((rows, 2)), np.ones((2, period))
    left[:, 1] = offset
    np.multiply(height, scale, out=right[0])
    if mode == "triangular":
        left[:, 0] = 1.0
    elif mode == "triangular2":  # cycle number c + 1 halves the amplitude c times
        left[:, 0] = schedules._power(0.5, cycle0 + _ramp(rows))
    else:
        log_gamma = math.log(gamma)
        left[:, 0] = np.exp(log_gamma * ((first - skip) + period * _ramp(rows)))
        right[0] *= np.exp(log_gamma * _ramp(period))
    out = np.empty(rows * period)
    _product(out, 0, rows * period, left, right)
    return out[skip : skip + t.size]


def cyclic_lr(
    definition, t, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
    gamma=1.0,
):  # fmt: skip
    out = _cyclic(t, step_size_up, step_size_down, mode, gamma, base_lr, max_lr - base_lr)
    if out is None:
        return definition(t, base_lr, max_lr, step_size_up, step_size_down, mode, gamma)
    return out


def cyclic_momentum(
    definition, t, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0,
    base_momentum=0.8, max_momentum=0.9,
):  # fmt: skip
    out = _cyclic(
        t, step_size_up, step_size_down, mode, gamma, max_momentum, -(max_momentum - base_momentum)
    )
    if out is None:
        return definition(
            t, step_size_up, step_size_down, mode, gamma, base_momentum, max_momentum
        )
    return out


def one_cycle_curve(definition, t, total_steps, pct_start, anneal_strategy, three_phase, points,
                    phases):  # fmt: skip
    """``lrlab.schedules._one_cycle_curve`` on a run: phase by phase, in order."""
    _, ends = schedules._one_cycle_ends(total_steps, pct_start, three_phase)
    bounds = [0, *(_index(t, math.floor(end) + 1) for end in ends[:-1]), t.size]  # t <= end
    out, segments = _buffer(t.size), []
    begin = 0.0
    for (a, b), lo, hi, end in zip(phases, bounds, bounds[1:], ends):
        start_value, end_value = points[a], points[b]
        if lo < hi:
            if anneal_strategy == "cos":
                half = (start_value - end_value) / 2.0
                dx = math.pi / (end - begin)
                segments.append((lo, hi - lo, dx * (int(t[lo]) - begin), dx, half, end_value + half))
            else:
                pct = (t[lo:hi] - begin) / (end - begin)
                out[lo:hi] = (end_value - start_value) * pct + start_value
        begin = end
    cos_runs(out, segments)
    return out[: t.size]


def sequential(pieces, marks):
    """The kernel of a :func:`lrlab.schedules.sequential` schedule: each piece on its slice."""
    offsets = [0, *marks]

    def kernel(definition, t):
        bounds = [0, *(_index(t, m) for m in marks), t.size]
        out = np.empty(t.size)
        for piece, offset, lo, hi in zip(pieces, offsets, bounds, bounds[1:]):
            if lo < hi:
                local = consecutive(int(t[lo]) - offset, int(t[hi - 1]) - offset + 1)
                out[lo:hi] = schedules._call_vectorised(piece, local)
        return out

    kernel.validates_itself = True  # the pieces do; a run of steps >= 0 needs no other check
    return kernel


# Last, so that either module can be imported first: ``schedules`` decorates its functions with
# ``on_runs`` (defined above), and the kernels use its helpers when called, not when defined.
from . import schedules  # noqa: E402
