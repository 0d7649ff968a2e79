"""Tests of `lrlab.grading`: the grader's verdicts and messages.

The right answers are written here independently, one step at a time in plain Python, the way a
reader would (the grader compares them with `lrlab.schedules`). Each classic mistake and each
kind of misbehaving code is fed to `check`, and the tests assert the verdict and the key words
of the message.
"""

from __future__ import annotations

import base64
import inspect
import math
import re
import sys
import threading
import time

import numpy as np
import pytest

from lrlab import grading
from lrlab.grading import (Case, Check, ChoiceExercise, Exercise, FunctionExercise,
                           NumericExercise, Report, SchedulerExercise, check, exercise_ids,
                           register)

SCHEDULE_IDS = [
    "step_lr", "multistep_lr", "exponential_lr", "cosine_annealing_lr",
    "cosine_annealing_warm_restarts", "reduce_lr_on_plateau", "linear_schedule_with_warmup",
    "cosine_schedule_with_warmup", "cyclic_lr", "one_cycle_lr",
]


# ---------------------------------------------------------------------------------------------
# Right answers, as a reader writes them: scalar, plain Python.


def step_lr(step, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** (step // step_size)


def multistep_lr(step, base_lr, milestones, gamma=0.1):
    return base_lr * gamma ** sum(1 for m in milestones if m <= step)


def exponential_lr(step, base_lr, gamma):
    return base_lr * gamma ** step


def cosine_annealing_lr(step, base_lr, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / T_max)) / 2


def cosine_annealing_warm_restarts(step, base_lr, T_0, T_mult=1, eta_min=0.0):
    t, T_i = step, T_0
    while t >= T_i:
        t -= T_i
        T_i *= T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2


def reduce_lr_on_plateau(metrics, base_lr, mode="min", factor=0.1, patience=10, threshold=1e-4,
                         threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
    lr, best = base_lr, (math.inf if mode == "min" else -math.inf)
    bad = cooling = 0
    out = []
    for m in metrics:
        if mode == "min":
            better = m < (best * (1 - threshold) if threshold_mode == "rel" else best - threshold)
        else:
            better = m > (best * (1 + threshold) if threshold_mode == "rel" else best + threshold)
        if better:
            best, bad = m, 0
        else:
            bad += 1
        if cooling > 0:
            cooling -= 1
            bad = 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            cooling, bad = cooldown, 0
        out.append(lr)
    return out


def linear_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps):
    if step < num_warmup_steps:
        return base_lr * step / max(1, num_warmup_steps)
    return base_lr * max(0.0, (num_training_steps - step) / max(1, num_training_steps - num_warmup_steps))


def cosine_schedule_with_warmup(step, base_lr, num_warmup_steps, num_training_steps, num_cycles=0.5):
    if step < num_warmup_steps:
        return base_lr * step / max(1, num_warmup_steps)
    progress = (step - num_warmup_steps) / max(1, num_training_steps - num_warmup_steps)
    return base_lr * max(0.0, 0.5 * (1 + math.cos(math.pi * num_cycles * 2 * progress)))


def cyclic_lr(step, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
              gamma=1.0):
    down = step_size_up if step_size_down is None else step_size_down
    total = step_size_up + down
    cycle = math.floor(1 + step / total)
    x = 1 + step / total - cycle
    ratio = step_size_up / total
    height = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    scale = {"triangular": 1.0, "triangular2": 1 / 2 ** (cycle - 1), "exp_range": gamma ** step}[mode]
    return base_lr + (max_lr - base_lr) * height * scale


def one_cycle_lr(step, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False):
    initial = max_lr / div_factor
    low = initial / final_div_factor
    if three_phase:
        phases = [(pct_start * total_steps - 1, initial, max_lr),
                  (2 * pct_start * total_steps - 2, max_lr, initial), (total_steps - 1, initial, low)]
    else:
        phases = [(pct_start * total_steps - 1, initial, max_lr), (total_steps - 1, max_lr, low)]
    start = 0.0
    for i, (end, a, b) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct = (step - start) / (end - start)
            if anneal_strategy == "cos":
                return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1)
            return (b - a) * pct + a
        start = end


RIGHT = {name: globals()[name] for name in SCHEDULE_IDS}


def failed(report: Report) -> list[Check]:
    return [c for c in report.checks if not c.passed]


def messages(report: Report) -> str:
    return "\n".join(c.message for c in failed(report))


def line_of(fn, text: str) -> int:
    """The line number, in this file, of the line of ``fn`` that contains ``text``."""
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


# ---------------------------------------------------------------------------------------------
# Right answers pass


def test_every_schedule_of_the_contract_is_an_exercise():
    assert set(SCHEDULE_IDS) <= set(exercise_ids())


@pytest.mark.parametrize("exercise_id", SCHEDULE_IDS)
def test_a_right_scalar_answer_passes(exercise_id):
    report = check(exercise_id, RIGHT[exercise_id])
    assert report.passed, str(report)
    assert report.status == "passed"
    assert report.score == report.max_score >= 4
    assert all(c.passed for c in report.checks)
    assert str(report).startswith(f"{exercise_id}: all {len(report.checks)} checks passed")


@pytest.mark.parametrize("exercise_id", SCHEDULE_IDS)
def test_the_reference_itself_passes_with_a_note(exercise_id):
    from lrlab import schedules

    report = check(exercise_id, getattr(schedules, exercise_id))
    assert report.passed, str(report)
    assert any("lrlab's own" in n for n in report.notes)


def test_scalar_only_answer_passes_and_the_note_says_so():
    report = check("cosine_annealing_lr", cosine_annealing_lr)  # math.cos: scalars only
    assert report.passed
    assert any("one step at a time" in n for n in report.notes)


def test_vectorised_answer_gets_the_bonus_note():
    def vectorised(step, base_lr, T_max, eta_min=0.0):
        return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * np.asarray(step) / T_max)) / 2

    report = check("cosine_annealing_lr", vectorised)
    assert report.passed
    assert any("vectorised" in n and "also works" in n for n in report.notes)


def test_numpy_scalars_0d_arrays_and_float32_are_accepted():
    r32 = check("exponential_lr", lambda step, base_lr, gamma: np.float32(base_lr * gamma ** step))
    assert r32.passed, str(r32)
    r0d = check("exponential_lr", lambda step, base_lr, gamma: np.array(base_lr * gamma ** step))
    assert r0d.passed, str(r0d)


def test_a_0d_torch_tensor_is_accepted_with_a_note():
    torch = pytest.importorskip("torch")
    report = check("exponential_lr", lambda step, base_lr, gamma: torch.tensor(base_lr * gamma ** step,
                                                                               dtype=torch.float64))
    assert report.passed, str(report)
    assert any("torch tensor" in n and ".item()" in n for n in report.notes)


def test_other_parameter_names_fail_only_the_signature_check():
    def renamed(t, lr, size, gamma=0.1):
        return lr * gamma ** (t // size)

    report = check("step_lr", renamed)
    assert [c.name for c in failed(report)] == ["signature"]
    msg = failed(report)[0].message
    assert "step_lr(step, base_lr, step_size, gamma=0.1)" in msg
    assert "parameter 1 is `t`, expected `step`" in msg


def test_a_wrong_default_fails_the_signature_check():
    def default_half(step, base_lr, step_size, gamma=0.5):
        return base_lr * gamma ** (step // step_size)

    report = check("step_lr", default_half)
    assert [c.name for c in failed(report)] == ["signature"]
    assert "`gamma` defaults to 0.5, expected 0.1" in failed(report)[0].message


# ---------------------------------------------------------------------------------------------
# Wrong answers: the failing step, the values, and the diagnosis


def test_feedback_names_step_parameters_expected_and_returned():
    def late_drop(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step - 1) // step_size) if step else base_lr

    report = check("step_lr", late_drop)
    assert not report.passed and report.status == "failed"
    msg = next(c.message for c in report.checks if c.name.startswith("boundaries"))
    assert msg.startswith("At step 3, step_lr(step=3, base_lr=1.0, step_size=3, gamma=0.5) "
                          "returned 1.0; expected 0.5.")
    assert "a step late" in msg
    assert "Hint: at step 3 (= step_size)" in msg


def test_off_by_one_early():
    def early(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step + 1) // step_size)

    report = check("step_lr", early)
    assert "off by one" in messages(report) and "a step early" in messages(report)


def test_off_by_one_late_generic():
    def late(step, base_lr, gamma):
        return base_lr * gamma ** max(step - 1, 0)

    assert "a step late" in messages(check("exponential_lr", late))


def test_milestone_counted_one_step_late_is_named():
    def strictly_below(step, base_lr, milestones, gamma=0.1):
        return base_lr * gamma ** sum(1 for m in milestones if m < step)

    assert "strictly below the step" in messages(check("multistep_lr", strictly_below))


def test_one_minus_gamma():
    def keep_fraction(step, base_lr, step_size, gamma=0.1):
        return base_lr * (1 - gamma) ** (step // step_size)

    assert "1 - gamma" in messages(check("step_lr", keep_fraction))


def test_gamma_applied_once_too_often():
    def extra(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** (step // step_size + 1)

    assert "one factor of gamma too many" in messages(check("step_lr", extra))


def test_constant_wrong_factor():
    def doubled(step, base_lr, T_max, eta_min=0.0):
        return 2 * cosine_annealing_lr(step, base_lr, T_max, eta_min)

    assert "every value is 2 × the expected one" in messages(check("cosine_annealing_lr", doubled))


def test_float_division_where_floor_division_is_meant():
    def smooth(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** (step / step_size)

    assert "floor division" in messages(check("step_lr", smooth))


def test_forgotten_eta_min():
    def no_floor(step, base_lr, T_max, eta_min=0.0):
        return base_lr * (1 + math.cos(math.pi * step / T_max)) / 2

    report = check("cosine_annealing_lr", no_floor)
    assert "forgot eta_min" in messages(report)
    assert {c.name for c in failed(report)} == {"eta_min: the floor", "past T_max: the cosine goes on"}


def test_forgotten_eta_min_in_warm_restarts():
    def no_floor(step, base_lr, T_0, T_mult=1, eta_min=0.0):
        return cosine_annealing_warm_restarts(step, base_lr, T_0, T_mult, 0.0)

    assert "forgot eta_min" in messages(check("cosine_annealing_warm_restarts", no_floor))


def test_cosine_clamped_after_t_max():
    def clamped(step, base_lr, T_max, eta_min=0.0):
        return cosine_annealing_lr(min(step, T_max), base_lr, T_max, eta_min)

    assert "rises" in messages(check("cosine_annealing_lr", clamped))


def test_restarts_without_growing_cycles():
    def fixed_cycles(step, base_lr, T_0, T_mult=1, eta_min=0.0):
        return cosine_annealing_warm_restarts(step, base_lr, T_0, 1, eta_min)

    assert "do not grow" in messages(check("cosine_annealing_warm_restarts", fixed_cycles))


def test_restarts_at_the_wrong_step():
    def one_late(step, base_lr, T_0, T_mult=1, eta_min=0.0):
        t, T_i = step, T_0
        while t > T_i:
            t -= T_i
            T_i *= T_mult
        return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2

    msg = messages(check("cosine_annealing_warm_restarts", one_late))
    assert "your lr restarts at steps 11, 21, 31, 41; it should restart at 10, 20, 30, 40" in msg


def test_fractional_epoch_rounded_down():
    def floored(step, base_lr, T_0, T_mult=1, eta_min=0.0):
        return cosine_annealing_warm_restarts(math.floor(step), base_lr, T_0, T_mult, eta_min)

    report = check("cosine_annealing_warm_restarts", floored)
    assert [c.name for c in failed(report)] == ["fractional epochs, as scheduler.step(epoch) takes them"]
    assert "round the fractional epoch down" in messages(report)


def test_epoch_where_the_step_is_meant():
    def per_epoch(step, base_lr, gamma):  # counts epochs of 5 steps
        return base_lr * gamma ** (step // 5)

    msg = messages(check("exponential_lr", per_epoch))
    assert "step // 5" in msg and "epochs" in msg


def test_step_where_the_epoch_is_meant():
    def too_fast(step, base_lr, T_max, eta_min=0.0):
        return cosine_annealing_lr(step * 2, base_lr, T_max, eta_min)

    assert "step × 2" in messages(check("cosine_annealing_lr", too_fast))


def test_a_curve_that_never_changes():
    report = check("exponential_lr", lambda step, base_lr, gamma: base_lr)
    assert "the same value (0.1) at every step" in messages(report)


def test_plateau_patience_compared_with_greater_or_equal():
    def eager(metrics, base_lr, mode="min", factor=0.1, patience=10, threshold=1e-4,
              threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        return reduce_lr_on_plateau(metrics, base_lr, mode, factor, max(patience - 1, 0), threshold,
                                    threshold_mode, cooldown, min_lr, eps)

    report = check("reduce_lr_on_plateau", eager)
    msg = next(c.message for c in report.checks if c.name.startswith("typical"))
    assert msg.startswith("After metrics[4] = 0.8, reduce_lr_on_plateau(metrics=[1.0, 0.9, 0.8, 0.8, "
                          "0.8, 0.8, … (16 values)], base_lr=0.1, factor=0.5, patience=2) returned "
                          "0.05; expected 0.1.")
    assert "one bad metric too early" in msg


def test_plateau_ignoring_cooldown_and_min_lr():
    def careless(metrics, base_lr, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        return reduce_lr_on_plateau(metrics, base_lr, mode, factor, patience, threshold,
                                    threshold_mode, 0, 0.0, eps)

    msg = messages(check("reduce_lr_on_plateau", careless))
    assert "ignores cooldown" in msg and "below min_lr=0.001" in msg


def test_plateau_wrong_length():
    report = check("reduce_lr_on_plateau", lambda metrics, base_lr, *a, **k: [base_lr] * (len(metrics) - 1))
    assert "returned 15 values for 16 metrics" in messages(report)


def test_linear_warmup_not_clamped_at_zero():
    def unclamped(step, base_lr, num_warmup_steps, num_training_steps):
        if step < num_warmup_steps:
            return base_lr * step / max(1, num_warmup_steps)
        return base_lr * (num_training_steps - step) / max(1, num_training_steps - num_warmup_steps)

    assert "goes negative" in messages(check("linear_schedule_with_warmup", unclamped))


def test_zero_warmup_division_by_zero_shows_the_line():
    def divides(step, base_lr, num_warmup_steps, num_training_steps):
        warm = step / num_warmup_steps
        if step < num_warmup_steps:
            return base_lr * warm
        return base_lr * max(0.0, (num_training_steps - step) / (num_training_steps - num_warmup_steps))

    report = check("linear_schedule_with_warmup", divides)
    assert [c.name for c in failed(report)] == ["no warmup (num_warmup_steps=0)"]
    msg = failed(report)[0].message
    assert msg.startswith("At step 0, linear_schedule_with_warmup(step=0, base_lr=0.1, "
                          "num_warmup_steps=0, num_training_steps=50): your code raised "
                          "ZeroDivisionError: division by zero")
    assert f"line {line_of(divides, 'warm = ')}: warm = step / num_warmup_steps" in msg
    assert "Hint: with no warmup the first lr is base_lr" in msg


def test_one_cycle_with_the_other_annealing_curve():
    def swapped(step, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                final_div_factor=1e4, three_phase=False):
        other = "linear" if anneal_strategy == "cos" else "cos"
        return one_cycle_lr(step, max_lr, total_steps, pct_start, other, div_factor, final_div_factor,
                            three_phase)

    assert "the other curve" in messages(check("one_cycle_lr", swapped))


def test_one_cycle_ignoring_three_phase():
    def two_phases(step, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                   final_div_factor=1e4, three_phase=False):
        return one_cycle_lr(step, max_lr, total_steps, pct_start, anneal_strategy, div_factor,
                            final_div_factor, False)

    report = check("one_cycle_lr", two_phases)
    assert [c.name for c in failed(report)] == ["three_phase=True"]
    assert "three_phase=True it rises" in messages(report)


def test_cyclic_triangular2_halving_one_cycle_early():
    def early_halving(step, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                      mode="triangular", gamma=1.0):
        lr = cyclic_lr(step, base_lr, max_lr, step_size_up, step_size_down, mode, gamma)
        return base_lr + (lr - base_lr) / 2 if mode == "triangular2" else lr

    assert "halves one cycle too early" in messages(check("cyclic_lr", early_halving))


# ---------------------------------------------------------------------------------------------
# Misbehaving code: reported, never raised


def test_not_implemented_means_not_attempted():
    def todo(step, base_lr, step_size, gamma=0.1):
        raise NotImplementedError()

    report = check("step_lr", todo)
    assert report.status == "not attempted" and report.score == 0 and not report.passed
    assert report.max_score == len(report.checks) > 1
    text = str(report)
    assert text.startswith("step_lr: not attempted yet (0/")
    assert "Traceback" not in text and "File " not in text
    assert "not attempted" in report._repr_html_()


def test_not_implemented_for_one_mode_fails_only_that_check():
    def no_exp_range(step, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                     mode="triangular", gamma=1.0):
        if mode == "exp_range":
            raise NotImplementedError("exp_range")
        return cyclic_lr(step, base_lr, max_lr, step_size_up, step_size_down, mode, gamma)

    report = check("cyclic_lr", no_exp_range)
    assert report.status == "failed"
    assert [c.name for c in failed(report)] == ["exp_range: the amplitude shrinks by gamma at every step"]
    assert "NotImplementedError" in messages(report)


def _helper_that_divides(x):
    return x / 0


def test_exception_shows_type_message_and_the_readers_line():
    def crashes(step, base_lr, step_size, gamma=0.1):
        return _helper_that_divides(base_lr)

    report = check("step_lr", crashes)
    assert report.status == "failed"
    msg = failed(report)[0].message
    assert "your code raised ZeroDivisionError: float division by zero" in msg
    assert f"line {line_of(_helper_that_divides, 'x / 0')}: return x / 0" in msg
    assert "test_grading.py" in msg
    assert "the same error as in “typical run”" in failed(report)[1].message
    assert "Traceback" not in str(report)


def test_exception_inside_numpy_points_at_the_readers_line():
    def bad_numpy(step, base_lr, gamma):
        return float(np.reshape(np.arange(3), (2, 2))[0, 0])

    msg = failed(check("exponential_lr", bad_numpy))[0].message
    assert "ValueError" in msg
    assert f"line {line_of(bad_numpy, 'np.reshape')}" in msg and "np.reshape(np.arange(3)" in msg


@pytest.mark.parametrize("value, words", [
    (None, "returned None (is a `return` statement missing?)"),
    (math.nan, "returned nan"),
    (math.inf, "returned inf"),
    ("0.1", "returned a str ('0.1')"),
    ([0.1], "returned a list of 1 item(s)"),
    (np.array([0.1, 0.2]), "returned an array of shape (2,)"),
    (True, "returned a bool"),
    (1j, "returned a complex number"),
    (object(), "returned a object"),
])
def test_bad_return_values_get_a_clear_message(value, words):
    report = check("exponential_lr", lambda step, base_lr, gamma: value)
    assert report.status == "failed" and report.score == 1  # only the signature
    assert words in failed(report)[0].message
    assert failed(report)[0].message.startswith("At step 0, exponential_lr(step=0, base_lr=0.1, gamma=0.95)")


def test_an_object_that_breaks_float_and_repr_does_not_break_the_grader():
    class Evil:
        def __float__(self):
            raise RuntimeError("no")

        def __repr__(self):
            raise RuntimeError("no repr")

        def __str__(self):
            raise RuntimeError("no str")

    report = check("exponential_lr", lambda step, base_lr, gamma: Evil())
    assert report.status == "failed"
    assert "returned a Evil" in messages(report)
    str(report), report._repr_html_()


def test_endless_loop_is_stopped_and_later_checks_skipped():
    def forever(step, base_lr, step_size, gamma=0.1):
        while True:
            pass

    start = time.monotonic()
    report = check("step_lr", forever, time_limit=0.5)
    assert time.monotonic() - start < 3
    assert "stopped after 0.5 s" in failed(report)[0].message
    assert all("skipped" in c.message for c in failed(report)[1:])
    assert report.status == "failed"


def test_endless_loop_is_stopped_outside_the_main_thread():
    def forever(step, base_lr, step_size, gamma=0.1):
        while True:
            pass

    reports = []
    thread = threading.Thread(target=lambda: reports.append(check("step_lr", forever, time_limit=0.5)),
                              daemon=True)
    thread.start()
    thread.join(10)
    assert reports, "check did not return"
    assert "stopped after 0.5 s" in failed(reports[0])[0].message


def test_blocking_call_is_stopped():
    start = time.monotonic()
    report = check("step_lr", lambda step, base_lr, step_size, gamma=0.1: time.sleep(60), time_limit=0.5)
    assert time.monotonic() - start < 3
    assert "stopped after 0.5 s" in failed(report)[0].message


def test_a_slow_but_finite_answer_is_not_stopped():
    def slow(step, base_lr, step_size, gamma=0.1):
        lr = base_lr
        for t in range(1, step + 1):  # a loop over every step, as some readers write it
            if t % step_size == 0:
                lr *= gamma
        return lr

    assert check("step_lr", slow).passed


def test_sorting_the_milestones_in_place_is_reported():
    def sorts(step, base_lr, milestones, gamma=0.1):
        milestones.sort()
        return base_lr * gamma ** sum(1 for m in milestones if m <= step)

    report = check("multistep_lr", sorts)
    assert [c.name for c in failed(report)] == ["unsorted milestones"]
    msg = failed(report)[0].message
    assert "changed its `milestones` argument: it was [8, 3] before the call and [3, 8] after it" in msg


def test_modifying_the_metrics_is_reported():
    def pops(metrics, base_lr, *args, **kwargs):
        metrics.pop()
        return [base_lr] * (len(metrics) + 1)

    assert "changed its `metrics` argument" in messages(check("reduce_lr_on_plateau", pops))


def test_sys_exit_is_reported_not_raised():
    def quits(step, base_lr, step_size, gamma=0.1):
        sys.exit(3)

    report = check("step_lr", quits)
    assert "called sys.exit() or exit() (SystemExit: 3)" in failed(report)[0].message


def test_a_custom_base_exception_is_reported():
    class Stop(BaseException):
        pass

    def raises(step, base_lr, step_size, gamma=0.1):
        raise Stop("halt")

    assert "your code raised Stop: halt" in messages(check("step_lr", raises))


def test_keyboard_interrupt_goes_through():
    def interrupted(step, base_lr, step_size, gamma=0.1):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check("step_lr", interrupted)


def test_printing_is_captured_and_summarised(capsys):
    def chatty(step, base_lr, step_size, gamma=0.1):
        print("step", step)
        return step_lr(step, base_lr, step_size, gamma)

    report = check("step_lr", chatty)
    assert report.passed
    assert capsys.readouterr().out == ""
    note = next(n for n in report.notes if "printed" in n)
    assert re.search(r"printed [\d,]+ lines", note) and "'step 0'" in note


def test_answer_that_is_not_a_function():
    report = check("step_lr", 0.1)
    assert report.score == 0 and report.max_score > 1
    assert "expected a function, got a float (0.1)" in messages(report)
    assert "check('step_lr', step_lr)" in messages(report)


# ---------------------------------------------------------------------------------------------
# The report


def test_report_counts_and_text():
    def early(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step + 1) // step_size)

    report = check("step_lr", early)
    assert report.score == sum(c.passed for c in report.checks)
    assert report.max_score == len(report.checks)
    text = str(report)
    assert text.splitlines()[0] == f"step_lr: {report.score}/{report.max_score} checks passed."
    assert "✓ signature" in text and "✗ typical run" in text
    assert "\n    Diagnosis:" in text

    class Printer:
        def __init__(self):
            self.out = ""

        def text(self, s):
            self.out += s

    p = Printer()
    report._repr_pretty_(p, False)
    assert p.out == text


def test_html_has_a_table_and_a_deterministic_plot_marking_the_first_wrong_step():
    def early(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step + 1) // step_size)

    html = check("step_lr", early)._repr_html_()
    assert "<table" in html and html.count("<tr") == 1 + 5
    assert html == check("step_lr", early)._repr_html_()
    data = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    svg = base64.b64decode(data).decode()
    assert svg.startswith("<?xml") and "first wrong step: 29" in svg


def test_html_escapes_the_readers_text():
    def raises(step, base_lr, step_size, gamma=0.1):
        raise ValueError("<script>alert(1)</script>")

    html = check("step_lr", raises)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_figure_of_a_passed_report():
    fig = check("step_lr", step_lr).figure()
    assert fig is not None and len(fig.axes[0].lines) >= 2


# ---------------------------------------------------------------------------------------------
# The registry and the other kinds of exercise


def test_unknown_exercise_id_is_the_authors_mistake():
    with pytest.raises(ValueError, match=r"'step_rl' is not a known exercise\. Did you mean 'step_lr'\?"):
        check("step_rl", step_lr)
    with pytest.raises(ValueError, match="Known ids: .*cyclic_lr"):
        check("nothing_like_it", step_lr)


@pytest.mark.parametrize("limit", [0, -1, math.inf, "2", True])
def test_invalid_time_limit(limit):
    with pytest.raises(ValueError, match="time_limit"):
        check("step_lr", step_lr, time_limit=limit)


def test_builtin_ids_cannot_be_replaced_but_own_ids_can():
    with pytest.raises(ValueError, match="built-in"):
        register(NumericExercise("step_lr", 1.0))
    first = register(NumericExercise("test_own_id", 1.0))
    second = register(NumericExercise("test_own_id", 2.0))
    assert first is not second and check("test_own_id", 2.0).passed
    with pytest.raises(ValueError, match="Exercise"):
        register("test_own_id")
    with pytest.raises(ValueError, match="exercise_id"):
        NumericExercise("has space", 1.0)


def test_numeric_exercise():
    register(NumericExercise("test_lr_at_95", 0.1 * 0.1 ** 3, question="lr at step 95?",
                             mistakes={1e-3: "That is two drops."}, hint="count the drops"))
    assert check("test_lr_at_95", 1e-4).passed
    assert check("test_lr_at_95", lambda: 1e-4).passed
    assert "That is two drops." in messages(check("test_lr_at_95", 1e-3))
    assert "factor of 10" in messages(check("test_lr_at_95", 1e-5))
    assert "Hint: count the drops" in messages(check("test_lr_at_95", 0.5))
    assert "returned a str" in messages(check("test_lr_at_95", "1e-4"))

    def todo():
        raise NotImplementedError()

    assert check("test_lr_at_95", todo).status == "not attempted"
    assert "ZeroDivisionError" in messages(check("test_lr_at_95", lambda: 1 / 0))


def test_the_chapter_1_numeric_exercise():
    assert check("step_decay_lr_at_95", lambda: step_lr(95, 0.1, 30)).passed
    assert "90" in messages(check("step_decay_lr_at_95", 1e-3))


def test_choice_exercise():
    register(ChoiceExercise("test_choice", {"a": "StepLR", "b": "ExponentialLR", "c": "OneCycleLR"},
                            "b", explanations={"a": "StepLR drops in steps."}))
    assert check("test_choice", " B ").passed
    assert "StepLR drops in steps." in messages(check("test_choice", "a"))
    assert "'z' is not one of the choices 'a', 'b', 'c'" in messages(check("test_choice", "z"))
    assert "answer with the key" in messages(check("test_choice", 2))
    register(ChoiceExercise("test_choices", {"a": "x", "b": "y", "c": "z"}, {"a", "c"}))
    assert check("test_choices", ["c", "a"]).passed
    assert "1 right choice(s) missing" in messages(check("test_choices", {"a"}))
    with pytest.raises(ValueError, match="correct"):
        ChoiceExercise("test_bad", {"a": "x"}, "q")


def test_own_function_exercise_with_a_callable_reference():
    def warmup_then_constant(step, base_lr, warmup):
        return base_lr * min(1.0, (step + 1) / warmup)

    register(FunctionExercise("test_own_schedule", warmup_then_constant,
                              [Case("short", dict(base_lr=1.0, warmup=4), steps=range(10))]))
    assert check("test_own_schedule", lambda step, base_lr, warmup: base_lr * min(1.0, (step + 1) / warmup)).passed
    report = check("test_own_schedule", lambda step, base_lr, warmup: base_lr * min(1.0, step / warmup))
    assert "a step late" in messages(report)
    with pytest.raises(ValueError, match="non-empty steps"):
        FunctionExercise("test_empty", warmup_then_constant, [Case("x", {}, steps=[])])


class _MyStepLR:
    """A reader's torch-style StepLR, from scratch."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.optimizer, self.step_size, self.gamma = optimizer, step_size, gamma
        self.base_lrs = [g["lr"] for g in optimizer.param_groups]
        self.last_epoch = 0

    def step(self):
        self.last_epoch += 1
        for g, base in zip(self.optimizer.param_groups, self.base_lrs):
            g["lr"] = base * self.gamma ** (self.last_epoch // self.step_size)

    def get_last_lr(self):
        return [g["lr"] for g in self.optimizer.param_groups]


class _FirstGroupOnly(_MyStepLR):
    def step(self):
        self.last_epoch += 1
        g = self.optimizer.param_groups[0]
        g["lr"] = self.base_lrs[0] * self.gamma ** (self.last_epoch // self.step_size)


class _TodoScheduler:
    def __init__(self, optimizer, step_size, gamma=0.1):
        raise NotImplementedError()


def test_scheduler_exercise():
    pytest.importorskip("torch")
    register(SchedulerExercise("test_my_steplr", lambda t, lr: step_lr(t, lr, 3, 0.5),
                               lambda cls, opt: cls(opt, step_size=3, gamma=0.5), steps=12,
                               base_lrs=(0.1, 0.02)))
    assert check("test_my_steplr", _MyStepLR).passed
    report = check("test_my_steplr", _FirstGroupOnly)
    assert "param_groups[1]['lr'] is 0.02; expected 0.01" in messages(report)
    assert "only the first group" in messages(report)
    assert check("test_my_steplr", _TodoScheduler).status == "not attempted"


def test_the_libraries_drop_in_steplr_passes_the_scheduler_exercise():
    pytest.importorskip("torch")
    schedulers = pytest.importorskip("lrlab.schedulers")
    register(SchedulerExercise("test_lrlab_steplr", lambda t, lr: step_lr(t, lr, 3, 0.5),
                               lambda cls, opt: cls(opt, step_size=3, gamma=0.5), steps=12,
                               base_lrs=(0.1, 0.02)))
    assert check("test_lrlab_steplr", schedulers.StepLR).passed


def test_a_bug_in_an_exercise_definition_becomes_a_grader_error_report():
    class Broken(Exercise):
        def _grade(self, answer, runner):
            return {}["missing"]

    register(Broken("test_broken"))
    report = check("test_broken", step_lr)
    assert report.status == "grader error" and not report.passed
    assert "bug in lrlab, not in your code" in messages(report)


def test_every_builtin_case_runs_the_reference_without_error():
    """The cases use only parameters the reference accepts (else the grader reports itself)."""
    for exercise_id in SCHEDULE_IDS:
        exercise = grading._registry()[exercise_id]
        for case in exercise.cases:
            values = exercise._expected(case)
            assert np.all(np.isfinite(values)), (exercise_id, case.name)


def test_the_module_docstring_examples_run():
    import doctest

    result = doctest.testmod(grading, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_the_chapter_2_numeric_exercise():
    # 20 epochs of 43 updates, from 0.1 to 1e-4 after the last update (step 860).
    assert check("exponential_gamma_for_target", lambda: (1e-4 / 0.1) ** (1 / 860)).passed
    assert "per epoch" in messages(check("exponential_gamma_for_target", (1e-3) ** (1 / 20)))
    assert "exponent 1 / T" in messages(check("exponential_gamma_for_target", (1e-3) ** (1 / 859)))
    assert "above 1" in messages(check("exponential_gamma_for_target", 1000 ** (1 / 860)))
    assert "relative to base_lr" in messages(check("exponential_gamma_for_target", 1e-4 ** (1 / 860)))
    assert not check("exponential_gamma_for_target", 0.99).passed


def test_exit_in_a_kernel_is_reported_and_does_not_stop_the_kernel(monkeypatch):
    IPython = pytest.importorskip("IPython")

    class Shell:  # what ipykernel's exit() calls: shell.ask_exit() flags the kernel to stop
        exit_now = False
        keepkernel_on_exit = None

        def ask_exit(self):
            self.exit_now = True

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)

    def quits(step, base_lr, step_size, gamma=0.1):
        shell.keepkernel_on_exit = False
        shell.ask_exit()

    report = check("step_lr", quits)
    assert "called sys.exit() or exit() (SystemExit: exit())" in messages(report)
    assert shell.exit_now is False and shell.keepkernel_on_exit is None
    assert "ask_exit" not in shell.__dict__


# ---- chapter 0's exercises --------------------------------------------------------------------


class _Ch0LambdaStyle:
    """A minimal LambdaLR-style scheduler; subclasses below make the classic mistakes."""

    def __init__(self, optimizer, lr_lambda):
        self.optimizer, self.lr_lambda, self.t = optimizer, lr_lambda, 0
        self.base = [g["lr"] for g in optimizer.param_groups]
        self._write()

    def step(self):
        self.t += 1
        self._write()

    def _write(self):
        for group, base in zip(self.optimizer.param_groups, self.base):
            group["lr"] = base * self.lr_lambda(self.t)

    def get_last_lr(self):
        return [g["lr"] for g in self.optimizer.param_groups]


class _Ch0FirstGroupOnly(_Ch0LambdaStyle):
    def _write(self):
        self.optimizer.param_groups[0]["lr"] = self.base[0] * self.lr_lambda(self.t)


class _Ch0OneStepLate(_Ch0LambdaStyle):
    def _write(self):
        for group, base in zip(self.optimizer.param_groups, self.base):
            group["lr"] = base * self.lr_lambda(max(self.t - 1, 0))


def test_scheduler_from_scratch_right_answer_passes():
    pytest.importorskip("torch")
    report = check("scheduler_from_scratch", _Ch0LambdaStyle)
    assert report.passed and report.score == report.max_score


@pytest.mark.parametrize(
    "answer, words",
    [(_Ch0FirstGroupOnly, "only the first group"), (_Ch0OneStepLate, "a step late")],
)
def test_scheduler_from_scratch_diagnoses(answer, words):
    pytest.importorskip("torch")
    report = check("scheduler_from_scratch", answer)
    assert not report.passed
    assert words in str(report)


def test_chapter0_questions():
    assert check("loop_order", lambda: "b").passed
    wrong = check("loop_order", lambda: "a")
    assert not wrong.passed and "first update" in str(wrong)
    assert check("lr_of_last_update", lambda: 0.1 * 0.9**499).passed
    per_epoch = check("lr_of_last_update", lambda: 0.1 * 0.9**4)
    assert not per_epoch.passed and "stepped once per epoch" in str(per_epoch)
    one_past = check("lr_of_last_update", lambda: 0.1 * 0.9**500)
    assert not one_past.passed and "counted from 0" in str(one_past)


def test_the_chapter_7_step_size_exercise():
    assert check("cyclic_step_size_up", lambda: 4 * 43).passed
    assert "in epochs" in messages(check("cyclic_step_size_up", 4))
    assert "whole cycle" in messages(check("cyclic_step_size_up", 344))
    assert "short last minibatch" in messages(check("cyclic_step_size_up", 4 * 1348 / 32))
    assert "short last minibatch" in messages(check("cyclic_step_size_up", 168))
    assert not check("cyclic_step_size_up", 170).passed


def test_the_chapter_7_range_test_reading():
    assert check("range_test_max_lr", "c").passed
    assert "edge of divergence" in messages(check("range_test_max_lr", "b"))
    assert "blows up" in messages(check("range_test_max_lr", "a"))
    assert "base_lr" in messages(check("range_test_max_lr", "d"))


def test_the_chapter_5_first_cut_exercise():
    from lrlab._exercises import CH5_VAL_LOSSES

    def first_cut(lrs):
        return 1 + next(i for i, lr in enumerate(lrs) if lr < 0.1)

    right = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=2))
    assert check("plateau_first_cut", lambda: right).passed
    # cut at num_bad_epochs >= patience: the plain-Python reference with one less patience
    early = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=1))
    assert early == right - 1 and "third" in messages(check("plateau_first_cut", early))
    # every decrease counts: no threshold
    no_threshold = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=2, threshold=0.0))
    assert no_threshold != right and "0.69993" in messages(check("plateau_first_cut", no_threshold))
    both = first_cut(reduce_lr_on_plateau(CH5_VAL_LOSSES, 0.1, patience=1, threshold=0.0))
    assert "Two slips" in messages(check("plateau_first_cut", both))
    # compared with the previous loss instead of the best so far
    bad, previous = 0, math.inf
    for epoch, loss in enumerate(CH5_VAL_LOSSES, start=1):
        bad = 0 if loss < previous else bad + 1
        previous = loss
        if bad > 2:
            break
    assert "best so far" in messages(check("plateau_first_cut", epoch))
    assert not check("plateau_first_cut", 9).passed


def test_the_chapter_3_numeric_exercise():
    # 20 epochs of 43 updates, CosineAnnealingLR stepped per update: T_max = 860 updates.
    assert check("cosine_t_max_per_update", lambda: 20 * 43).passed
    assert "counts updates" in messages(check("cosine_t_max_per_update", 20))
    assert "half period" in messages(check("cosine_t_max_per_update", 430))
    assert "ends half way down" in messages(check("cosine_t_max_per_update", 1720))
    assert "last update trains at eta_min" in messages(check("cosine_t_max_per_update", 859))
    assert not check("cosine_t_max_per_update", 800).passed


def test_the_chapter_4_numeric_exercise():
    # T_0=10, T_mult=2: cycles of 10, 20, 40, 80 epochs; the 4th ends after 150.
    assert check("sgdr_epochs_for_cycles", lambda: 10 * (2**4 - 1)).passed
    assert "4th cycle alone" in messages(check("sgdr_epochs_for_cycles", 80))
    assert "end of the 3rd cycle" in messages(check("sgdr_epochs_for_cycles", 70))
    assert "ignores T_mult" in messages(check("sgdr_epochs_for_cycles", 40))
    assert "length of the 5th cycle" in messages(check("sgdr_epochs_for_cycles", 160))
    assert "end of the 5th cycle" in messages(check("sgdr_epochs_for_cycles", 310))
    assert not check("sgdr_epochs_for_cycles", 151).passed


# ---- chapter 8's exercises --------------------------------------------------------------------


def test_the_chapter_8_numeric_exercise():
    # 5 epochs of ceil(1000 / 64) = 16 batches (the last one short): 80 scheduler steps.
    assert check("one_cycle_total_steps", lambda: 5 * math.ceil(1000 / 64)).passed
    assert "drop_last=False" in messages(check("one_cycle_total_steps", 5 * (1000 // 64)))
    assert "number of epochs" in messages(check("one_cycle_total_steps", 5))
    assert "one epoch" in messages(check("one_cycle_total_steps", 16))
    for whole_run in (5000 // 64, math.ceil(5000 / 64)):  # 78 and 79
        assert "its own short batch" in messages(check("one_cycle_total_steps", whole_run))
    assert "counts images" in messages(check("one_cycle_total_steps", 5000))
    assert "Hint: count the batches" in messages(check("one_cycle_total_steps", 81))


# ---------------------------------------------------------------------------------------------
# Chapter 9: the capstone, graded by training the reader's schedule (lrlab.training.Budget)


def _capstone(make_scheduler, lr):
    """The reader's answer cell: a function returning (make_scheduler, lr)."""
    def my_schedule():
        return make_scheduler, lr
    return my_schedule


def _total_steps():
    from lrlab.training import Budget

    return Budget().total_steps


def test_capstone_a_decay_to_zero_from_a_high_peak_beats_the_constant():
    import lrlab

    total = _total_steps()
    report = check("beat_the_constant",
                   _capstone(lambda opt: lrlab.CosineAnnealingLR(opt, T_max=total), 0.56))
    assert report.passed and report.score == report.max_score == 5, report
    verdict = report.checks[-1].message
    assert "lower by" in verdict and "constant lr 0.14" in verdict and "100, 101, 102" in verdict
    assert report.figure() is not None  # the reader's lrs over the baseline's


def test_capstone_lengths_in_epochs_stepped_per_update_fail_with_the_reason():
    import lrlab

    report = check("beat_the_constant",
                   _capstone(lambda opt: lrlab.StepLR(opt, step_size=5), 0.56))
    assert not report.passed and report.status == "failed"
    assert [c.passed for c in report.checks] == [True, True, True, True, False]
    verdict = report.checks[-1].message
    assert "higher by" in verdict
    assert "within the first epoch" in verdict and "steps_per_epoch (17)" in verdict


def test_capstone_a_crashing_factory_is_reported_not_raised():
    def make_scheduler(optimizer):
        raise RuntimeError("no scheduler today")

    report = check("beat_the_constant", _capstone(make_scheduler, 0.3))
    assert not report.passed
    builds = report.checks[1]
    assert builds.name == "builds" and not builds.passed
    assert "RuntimeError: no scheduler today" in builds.message
    assert 'raise RuntimeError("no scheduler today")' in builds.message  # the reader's line
    assert all("skipped" in c.message for c in report.checks[2:])


def test_capstone_one_cycle_counted_in_epochs_stops_training_with_a_hint():
    import lrlab

    report = check("beat_the_constant",
                   _capstone(lambda opt: lrlab.OneCycleLR(opt, max_lr=0.5, total_steps=20), 0.5))
    trains = report.checks[2]
    assert not trains.passed
    assert "cannot go to step 21" in trains.message
    assert f"= {_total_steps()} steps" in trains.message and "budget.total_steps" in trains.message
    assert "training.py" not in trains.message  # lrlab's own line is not blamed on the reader


def test_capstone_a_peak_that_blows_up_and_a_constant_in_disguise_fail():
    import lrlab

    total = _total_steps()
    report = check("beat_the_constant",
                   _capstone(lambda opt: lrlab.CosineAnnealingLR(opt, T_max=total), 3.0))
    assert not report.checks[2].passed and "blew up" in report.checks[2].message
    report = check("beat_the_constant",
                   _capstone(lambda opt: lrlab.LambdaLR(opt, lambda t: 1.0), 0.2))
    assert report.checks[2].passed and not report.checks[3].passed
    assert "constant learning rate" in report.checks[3].message


@pytest.mark.parametrize("answer, words", [
    (lambda: (0.3, lambda opt: None), "swap them"),
    (lambda: (None, 0.3), "baseline itself"),
    (lambda: ("cosine", 0.3), "must be a function of the optimizer"),
    (lambda: (lambda opt: None, -0.1), "positive number"),
    (lambda: (lambda opt: None, float("nan")), "positive number"),
    (lambda: 0.3, "must return a pair"),
])
def test_capstone_malformed_answers_say_what_to_return(answer, words):
    report = check("beat_the_constant", answer)
    assert not report.passed and not report.checks[0].passed
    assert words in report.checks[0].message


def test_capstone_a_scheduler_already_built_is_explained():
    import torch

    import lrlab

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    built = lrlab.StepLR(optimizer, step_size=3)
    report = check("beat_the_constant", lambda: (built, 0.1))
    assert "already built (StepLR)" in report.checks[0].message


def test_capstone_not_attempted_and_a_crashing_answer():
    def not_yet():
        raise NotImplementedError()

    report = check("beat_the_constant", not_yet)
    assert report.status == "not attempted" and report.score == 0

    def broken():
        return 1 / 0

    report = check("beat_the_constant", broken)
    assert "ZeroDivisionError" in report.checks[0].message


# ---- chapter 6's exercises --------------------------------------------------------------------


def test_the_chapter_6_numeric_exercise():
    # 3 epochs of 1000 minibatches, accumulation over 4: 750 updates; ceil(0.05 * 750) = 38.
    assert check("warmup_steps_with_accumulation", lambda: math.ceil(0.05 * 3 * (1000 // 4))).passed
    assert "count T in updates" in messages(check("warmup_steps_with_accumulation", 150))
    assert "rounds up" in messages(check("warmup_steps_with_accumulation", 37))
    assert "not a whole number" in messages(check("warmup_steps_with_accumulation", 37.5))
    assert "one epoch's updates" in messages(check("warmup_steps_with_accumulation", 13))
    assert "one epoch's minibatches" in messages(check("warmup_steps_with_accumulation", 50))
    assert "num_training_steps" in messages(check("warmup_steps_with_accumulation", 750))
    assert "the ratio itself" in messages(check("warmup_steps_with_accumulation", 0.05))
    assert "Hint: T = epochs" in messages(check("warmup_steps_with_accumulation", 39))
