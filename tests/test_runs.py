"""Tests of `lrlab._runs`: every schedule's ``curve`` equals its definition.

Every schedule of the step is a definition (the readable formula: ``s(steps)``, whatever the
steps) with a method ``s.curve(range(a, b), ...)`` computed by a kernel. Here each kernel is
compared with the definition on ``np.arange(a, b)``, for random parameters and random runs
(starting anywhere, short and long, crossing every phase boundary), to a few units in the last
place: ``|curve - definition| <= 1e-12 |definition| + 1e-15 (largest lr)``. The parity tests of
``test_schedules.py`` compare the definitions with torch and transformers.
"""

from __future__ import annotations

import functools
import inspect
import math
import random

import numpy as np
import pytest

from lrlab import _runs, schedules

DECORATED = {
    name: fn
    for name, fn in vars(schedules).items()
    if callable(fn) and hasattr(fn, "kernel") and hasattr(fn, "__wrapped__")
}
GENERIC = {"one_cycle_lr", "one_cycle_momentum", "lambda_lr"}  # kernel: the definition, on the run


def assert_close(fast, slow, what, angle=0.0, peak=0.0):
    """Equal to a few ulp of the value or of the schedule's ``peak`` (its largest lr over the whole
    training run, as in the contract); ``angle`` is the largest angle the definition passes to
    ``np.cos``, whose own rounding (which the kernels reduce exactly) is allowed too, or how much
    the definition amplifies a rounding error otherwise."""
    fast, slow = np.asarray(fast), np.asarray(slow)
    assert fast.shape == slow.shape and fast.dtype == np.float64, what
    scale = max(np.max(np.abs(slow)) if slow.size else 0.0, peak)
    close = np.abs(fast - slow) <= 1e-12 * np.abs(slow) + 1e-15 * scale * (1.0 + angle)
    bad = ~(close | (fast == slow))  # equal infinities too (gamma > 1 overflows on both sides)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        pytest.fail(f"{what}: {int(bad.sum())} differ; first at {i}: {fast[i]!r} != {slow[i]!r}")


# ---------------------------------------------------------------------------------------------
# Random valid parameters for every decorated schedule (and the private helpers it uses).


def _warmup(r):
    total = r.choice([r.randint(1, 50), r.randint(50, 3000)])
    return dict(base_lr=r.uniform(0.0, 2.0), num_warmup_steps=r.randint(0, total),
                num_training_steps=total)  # fmt: skip


def _params(name, r):
    """Keyword arguments for ``schedules.<name>``, drawn from its valid space."""
    if name == "step_lr":
        return dict(base_lr=r.uniform(0, 1), step_size=r.randint(1, 400), gamma=r.uniform(0.05, 2))
    if name == "multistep_lr":
        marks = [r.randint(0, 3000) for _ in range(r.randint(0, 6))]
        return dict(base_lr=r.uniform(0, 1), milestones=marks, gamma=r.uniform(0.05, 1.5))
    if name == "exponential_lr":
        return dict(base_lr=r.uniform(0, 1), gamma=r.choice([r.uniform(0.9, 1.0), r.uniform(0.2, 1.01)]))
    if name == "cosine_annealing_lr":
        return dict(base_lr=r.uniform(0, 1), T_max=r.choice([r.randint(1, 30), r.randint(30, 5000)]),
                    eta_min=r.choice([0.0, r.uniform(0, 1.5)]))  # fmt: skip
    if name == "cosine_annealing_warm_restarts":
        return dict(base_lr=r.uniform(0, 1), T_0=r.randint(1, 700), T_mult=r.randint(1, 4),
                    eta_min=r.choice([0.0, r.uniform(0, 0.5)]))  # fmt: skip
    if name in ("linear_schedule_with_warmup", "constant_schedule_with_warmup"):
        kw = _warmup(r)
        if name == "constant_schedule_with_warmup":
            del kw["num_training_steps"]
        return kw
    if name in ("cosine_schedule_with_warmup", "cosine_with_min_lr_schedule_with_warmup"):
        kw = dict(_warmup(r), num_cycles=r.choice([0.5, r.uniform(0.05, 7.0)]))
        if name == "cosine_with_min_lr_schedule_with_warmup":
            kw["min_lr_rate"] = r.choice([0.0, r.uniform(0, 1)])
        return kw
    if name == "cosine_with_hard_restarts_schedule_with_warmup":
        return dict(_warmup(r), num_cycles=r.choice([1, r.randint(1, 9), r.uniform(0.3, 9.0), 80]))
    if name == "polynomial_decay_schedule_with_warmup":
        kw = _warmup(r)
        kw["num_training_steps"] = max(kw["num_training_steps"], kw["num_warmup_steps"] + 1)
        return dict(kw, lr_end=kw["base_lr"] * r.uniform(0, 0.9),
                    power=r.choice([1.0, 2.0, r.uniform(0.1, 4.0)]))  # fmt: skip
    if name == "inverse_sqrt_schedule":
        return dict(base_lr=r.uniform(0, 1), num_warmup_steps=r.randint(0, 2000),
                    timescale=r.choice([None, r.randint(1, 3000)]))  # fmt: skip
    if name == "warmup_stable_decay":
        shapes = ("linear", "cosine", "1-sqrt")
        return dict(base_lr=r.uniform(0, 1), num_warmup_steps=r.randint(0, 800),
                    num_stable_steps=r.randint(0, 800), num_decay_steps=r.randint(0, 2000),
                    min_lr_ratio=r.choice([0.0, r.uniform(0, 1)]), decay_type=r.choice(shapes),
                    warmup_type=r.choice(shapes), num_cycles=r.choice([0.5, r.uniform(0.1, 3)]))  # fmt: skip
    if name in ("cyclic_lr", "cyclic_momentum"):
        up = r.choice([r.randint(1, 40), r.randint(8, 900), r.uniform(1, 300)])
        kw = dict(step_size_up=up, step_size_down=r.choice([None, r.randint(1, 900)]),
                  mode=r.choice(["triangular", "triangular2", "exp_range"]),
                  gamma=r.choice([1.0, r.uniform(0.99, 1.0)]))  # fmt: skip
        if name == "cyclic_lr":
            low = r.uniform(0, 0.5)
            return dict(kw, base_lr=low, max_lr=low + r.uniform(0, 1))
        low = r.uniform(0, 0.9)
        return dict(kw, base_momentum=low, max_momentum=r.uniform(low, 1.0))
    raise AssertionError(f"no parameters for {name}")


def _one_cycle(r, which):
    total = r.randint(10, 4000)
    kw = dict(total_steps=total, pct_start=r.uniform(2.5 / total, 0.45),
              anneal_strategy=r.choice(["cos", "linear"]), three_phase=r.random() < 0.5)  # fmt: skip
    if which == "lr":
        kw.update(max_lr=r.uniform(0, 1), div_factor=r.uniform(1, 50), final_div_factor=r.uniform(1, 1e4))
    else:
        low = r.uniform(0, 0.9)
        kw.update(base_momentum=low, max_momentum=r.uniform(low, 1.0))
    return kw


def _run(r, end=4000):
    """A random run ``range(a, a + n)``: short or long, from 0 or from anywhere."""
    start = r.choice([0, r.randint(0, end)])
    n = r.choice([2, r.randint(2, 600), r.randint(600, 9000)])
    return range(start, start + n)


STEP_SCHEDULES = sorted(set(DECORATED) - GENERIC - {"_one_cycle_curve"})


def test_every_schedule_of_the_step_has_a_curve_method():
    assert {name for name, fn in schedules.SCHEDULES.items() if not hasattr(fn, "curve")} == {
        "reduce_lr_on_plateau"  # a function of the metrics, not of the step
    }
    assert hasattr(schedules.lambda_lr, "curve") and "_one_cycle_curve" in DECORATED


@pytest.mark.parametrize("name", STEP_SCHEDULES)
@pytest.mark.parametrize("seed", range(6))
def test_curve_equals_definition_on_random_runs(name, seed):
    r = random.Random(f"{name}-{seed}")
    fn = DECORATED[name]
    for _ in range(25):
        kw, run = _params(name, r), _run(r)
        t = np.arange(run.start, run.stop)
        what = f"{name}({kw}) on {run}"
        assert_close(fn.curve(run, **kw), fn(t, **kw), what, _largest_angle(name, kw, t), _peak(kw))


def _peak(kw):
    return max(kw.get(k, 0.0) for k in ("base_lr", "max_lr", "max_momentum", "eta_min"))


def _largest_angle(name, kw, t):
    """The largest angle the definition of ``name`` gives ``np.cos`` on the run ``t`` (for the
    cyclic schedules: the cancellation in the position within the cycle, over the slope)."""
    last = int(t[-1])
    if name == "cosine_annealing_lr":
        return math.pi * last / kw["T_max"]
    if name in ("cosine_schedule_with_warmup", "cosine_with_min_lr_schedule_with_warmup",
                "cosine_with_hard_restarts_schedule_with_warmup"):  # fmt: skip
        span = max(1, kw["num_training_steps"] - kw["num_warmup_steps"])
        return 2 * math.pi * kw["num_cycles"] * max(0, last - kw["num_warmup_steps"]) / span
    if name in ("cyclic_lr", "cyclic_momentum"):  # 1 + t / cycle - floor(...), over a slope
        down = kw["step_size_down"] or kw["step_size_up"]
        return last / min(kw["step_size_up"], down)
    return 2 * math.pi * kw.get("num_cycles", 1.0)


@pytest.mark.parametrize("which", ["lr", "momentum"])
@pytest.mark.parametrize("seed", range(6))
def test_one_cycle_kernel_equals_definition_on_random_runs(which, seed):
    r = random.Random(f"one-cycle-{which}-{seed}")
    fn = schedules.one_cycle_lr if which == "lr" else schedules.one_cycle_momentum
    for _ in range(25):
        kw = _one_cycle(r, which)
        start = r.randint(0, kw["total_steps"] - 1)
        run = range(start, r.randint(start + 1, kw["total_steps"]) + 1)
        what = f"one_cycle_{which}({kw}) on {run}"
        slow = fn(np.arange(run.start, run.stop), **kw)
        assert_close(fn.curve(run, **kw), slow, what, peak=_peak(kw))


def test_sequential_kernel_equals_the_definition_with_any_pieces():
    r = random.Random(0)
    for _ in range(30):
        marks = sorted(r.sample(range(1, 3000), r.randint(1, 3)))
        names = [r.choice(STEP_SCHEDULES) for _ in range(len(marks) + 1)]
        pieces = [functools.partial(DECORATED[n], **_params(n, r)) for n in names]
        pieces[0] = functools.partial(schedules.lambda_lr, base_lr=0.5, lr_lambda=lambda t: 0.999**t)
        schedule = schedules.sequential(pieces, marks)
        run = _run(r)
        slow = schedule(np.arange(run.start, run.stop))
        assert_close(schedule.curve(run), slow, f"sequential({names}, {marks}) on {run}")


def test_a_piece_of_sequential_written_for_one_step_at_a_time_still_works():
    piece = functools.partial(
        schedules.lambda_lr, base_lr=1.0, lr_lambda=lambda t: 1.0 if t < 1500 else 0.5
    )
    schedule = schedules.sequential([piece, piece], [1000])
    values = schedule.curve(3000)
    expected = np.where(np.arange(3000) < 1000, 1.0, np.where(np.arange(3000) - 1000 < 1500, 1.0, 0.5))
    np.testing.assert_array_equal(values, expected)


# ---------------------------------------------------------------------------------------------
# What counts as a run: only lrlab's own table of steps, known by identity


def test_a_view_of_the_steps_table_is_a_run_without_reading_it():
    view = _runs.consecutive(3, 40)
    assert _runs.as_run(view) is view and not view.flags.writeable
    np.testing.assert_array_equal(view, np.arange(3, 40))


@pytest.mark.parametrize(
    "steps",
    [
        np.arange(10),  # the same values: still the definition, bit for bit
        _runs.consecutive(0, 10).copy(),
        _runs.consecutive(0, 10)[::2],
        _runs.consecutive(0, 10)[:1],
        np.arange(10.0),
        list(range(10)),
        range(10),
    ],
    ids=repr,
)
def test_anything_else_is_not_a_run(steps):
    assert _runs.as_run(steps) is None


@pytest.mark.parametrize("name", sorted(schedules.SCHEDULES.keys() - {"reduce_lr_on_plateau"}))
def test_calling_a_schedule_on_an_arange_is_its_definition(name):
    fn = schedules.SCHEDULES[name]
    kw = _one_cycle(random.Random(name), "lr" if name.endswith("lr") else "momentum") if name.startswith("one_cycle") else (
        dict(base_lr=0.1, lr_lambda=lambda t: 0.99 ** t) if name == "lambda_lr" else _params(name, random.Random(name)))  # fmt: skip
    t = np.arange(min(3000, kw.get("total_steps", 3000)))
    np.testing.assert_array_equal(fn(t, **kw), fn.__wrapped__(t, **kw))


@pytest.mark.parametrize(
    "steps, values",
    [(5, [0, 1, 2, 3, 4]), (np.int64(3), [0, 1, 2]), (range(7, 10), [7, 8, 9]), (0, []), (1, [0]),
     (range(4, 2), [])],  # fmt: skip
    ids=repr,
)
def test_curve_takes_a_number_of_steps_or_a_range(steps, values):
    curve = schedules.exponential_lr.curve(steps, 1.0, 0.5)
    np.testing.assert_allclose(curve, 0.5 ** np.array(values, dtype=float), rtol=1e-15)


@pytest.mark.parametrize("steps", [-1, 2.5, True, range(0, 10, 2), range(-2, 3), np.arange(4), "5"], ids=repr)
def test_curve_refuses_other_steps_naming_them(steps):
    with pytest.raises(ValueError, match="steps must be a number of steps"):
        schedules.step_lr.curve(steps, 0.1, 3)


# ---------------------------------------------------------------------------------------------
# The decorated schedules behave as their definitions in every other respect


@pytest.mark.parametrize("name", sorted(set(DECORATED) - GENERIC))
def test_kernel_takes_the_definitions_arguments_with_the_same_defaults(name):
    definition = inspect.signature(DECORATED[name].__wrapped__).parameters
    kernel = inspect.signature(DECORATED[name].kernel).parameters
    assert list(kernel)[:2] == ["definition", "t"]
    assert [(p.name, p.default) for p in list(kernel.values())[2:]] == [
        (p.name, p.default) for p in list(definition.values())[1:]
    ]


def test_the_decorated_schedule_keeps_the_definitions_name_docstring_and_signature():
    fn = schedules.cosine_annealing_lr
    assert fn.__name__ == "cosine_annealing_lr" and "half a cosine" in fn.__doc__
    assert str(inspect.signature(fn)) == str(inspect.signature(fn.__wrapped__))
    assert "np.cos(np.pi * position / period)" in inspect.getsource(schedules._cosine)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: schedules.step_lr(t, 0.1, 0),
        lambda t: schedules.exponential_lr(t, 0.1, -1.0),
        lambda t: schedules.cosine_annealing_lr(t, 0.1, "10"),
        lambda t: schedules.cosine_annealing_warm_restarts(t, 0.1, 10, 1.5),
        lambda t: schedules.linear_schedule_with_warmup(t, 0.1, 20, 10),
        lambda t: schedules.warmup_stable_decay(t, 0.1, 10, 10, 10, decay_type="cubic"),
        lambda t: schedules.cyclic_lr(t, 0.1, 0.01),
        lambda t: schedules.one_cycle_lr(t, 0.1, total_steps=50),
        lambda t: schedules.polynomial_decay_schedule_with_warmup(t, 0.1, 10, 10),
    ],
)
def test_invalid_arguments_raise_the_same_error_from_curve(call):
    with pytest.raises(ValueError) as from_curve:
        call(_runs.consecutive(0, 100))
    with pytest.raises(ValueError) as by_definition:
        call(np.arange(100))
    assert str(from_curve.value) == str(by_definition.value)


@pytest.mark.parametrize("name", STEP_SCHEDULES)
def test_curves_are_new_writable_arrays(name):
    fn, kw = DECORATED[name], _params(name, random.Random(name))
    first = fn.curve(3000, **kw)
    assert first.flags.writeable and first.shape == (3000,) and first.dtype == np.float64
    kept = first.copy()
    first[:] = -1.0
    np.testing.assert_array_equal(fn.curve(3000, **kw), kept)
    np.testing.assert_array_equal(_runs.consecutive(0, 3000), np.arange(3000))


@pytest.mark.parametrize(
    "call",
    [
        lambda t: schedules.cosine_annealing_lr(t, 0.3, 1000),
        lambda t: schedules.cosine_annealing_lr(t, 0.3, 7),
        lambda t: schedules.cosine_schedule_with_warmup(t, 0.3, 0, 3000, num_cycles=3.5),
        lambda t: schedules.cosine_with_hard_restarts_schedule_with_warmup(t, 0.3, 100, 2900, 7),
        lambda t: schedules.warmup_stable_decay(t, 0.3, 100, 100, 2500, num_cycles=2.5),
        lambda t: schedules.one_cycle_lr(t[:2001], 0.3, 2000, final_div_factor=1e12),
        lambda t: schedules.one_cycle_momentum(t[:2001], 2000, three_phase=True),
    ],
)
def test_cosines_never_overshoot_their_extremes(call):
    """Rounding in the angle-addition formula is clamped where the cosine reaches -1 or 1."""
    values = call(_runs.consecutive(0, 3001))
    exact = call(np.arange(3001))
    assert values.min() >= min(exact.min(), 0.0) and values.min() >= 0.0
    assert values.max() <= exact.max() * (1 + 1e-15)


# ---------------------------------------------------------------------------------------------
# The primitives


@pytest.mark.parametrize("seed", range(10))
def test_cos_runs_equal_numpy_cos_of_the_same_angles(seed):
    rng = np.random.default_rng(seed)
    size = 20_000
    out = _runs._buffer(size)
    segments, lo = [], 0
    while lo < size:
        n = int(min(size - lo, rng.choice([1, rng.integers(1, 600), rng.integers(600, 9000)])))
        x0, dx = float(rng.uniform(-10, 10)), float(rng.choice([0.0, rng.uniform(0, 0.05)]))
        segments.append((lo, n, x0, dx, float(rng.uniform(-2, 2)), float(rng.uniform(-1, 3))))
        lo += n
    _runs.cos_runs(out, segments)
    for lo, n, x0, dx, amp, const in segments:
        angles = x0 + dx * np.arange(n)
        expected = const + amp * np.cos(angles)
        error = np.abs(out[lo : lo + n] - expected)
        # a few ulp of the angle times the slope, plus a few ulp of the result
        bound = 8e-16 * (abs(amp) * (1 + np.abs(angles)) + abs(const))
        assert np.all(error <= bound), (lo, n, x0, dx, float(np.max(error / bound)))


def test_cos_runs_write_nothing_before_a_segment():
    out = np.full(_runs._buffer(5000).size, 7.0)
    _runs.cos_runs(out, [(1000, 4000, 0.0, 0.001, 1.0, 0.0)])
    assert np.all(out[:1000] == 7.0)


@pytest.mark.parametrize("log0, dlog", [(0.0, -1e-4), (-3.0, 2e-3), (5.0, -0.01), (0.0, 0.0)])
def test_geometric_run_equals_numpy_exp(log0, dlog):
    n = 50_000
    out = _runs._buffer(n)
    _runs.geometric_run(out, 0, n, log0, dlog, 0.7)
    expected = 0.7 * np.exp(log0 + dlog * np.arange(n))
    np.testing.assert_allclose(out[:n], expected, rtol=4e-15 * (1 + abs(log0) + abs(dlog) * n))


def test_geometric_run_whose_tables_overflow_falls_back_to_exp():
    n = 10_000
    out = _runs._buffer(n)
    with np.errstate(over="ignore"):
        _runs.geometric_run(out, 0, n, -100.0, 0.1, 1.0)  # exp(900) in the tables is inf
        expected = np.exp(-100.0 + 0.1 * np.arange(n))  # inf from i = 8098 on, as in the run
    assert np.isinf(expected).any()
    np.testing.assert_allclose(out[:n], expected, rtol=1e-12)


def test_the_step_and_ramp_tables_grow_and_stay_read_only():
    assert _runs._ramp(10).tolist() == list(map(float, range(10)))
    big = _runs._ramp(123_457)
    assert big.size == 123_457 and big[-1] == 123_456.0 and not big.flags.writeable
    assert _runs.consecutive(10, 20).tolist() == list(range(10, 20))
    with pytest.raises(ValueError):
        _runs.consecutive(0, 5)[0] = 3


@pytest.mark.parametrize(
    "T_0, T_mult, run",
    [
        (1000, 2, range(0, 100_000)),  # shorter cycles read from the longest, every 2**k-th value
        (10, 10, range(0, 200_000)),  # the longest cycle (10**6) dwarfs the run: cycle by cycle
        (7, 3, range(500, 4000)),  # from inside a cycle
        (300, 2, range(400, 800)),  # inside one cycle
        (30, 1, range(0, 10_000)),  # every cycle alike: one, tiled
        (30, 1, range(45, 60)),
    ],
)
def test_warm_restart_curves_on_both_sides_of_every_branch(T_0, T_mult, run):
    fn = schedules.cosine_annealing_warm_restarts
    slow = fn(np.arange(run.start, run.stop), 0.2, T_0, T_mult, 0.01)
    assert_close(fn.curve(run, 0.2, T_0, T_mult, 0.01), slow, f"{T_0}, {T_mult}, {run}", peak=0.2)
