"""Tests of `lrlab.grading.catalogue`: the schedule exercises' cases, and the classic mistakes
each one recognises and names.
"""

from __future__ import annotations

import math

import numpy as np

from grading_utils import (
    SCHEDULE_IDS,
    cosine_annealing_lr,
    cosine_annealing_warm_restarts,
    cyclic_lr,
    failed,
    messages,
    one_cycle_lr,
    reduce_lr_on_plateau,
)
from lrlab.grading import FunctionExercise, catalogue, check


def test_every_schedule_of_the_contract_is_a_builtin_exercise():
    builtin = {exercise.exercise_id: exercise for exercise in catalogue.BUILTIN}
    assert len(builtin) == len(catalogue.BUILTIN)  # no id twice
    assert set(catalogue.__all__) >= {
        "BUILTIN",
        "CAPSTONE_BASELINE_LR",
        "CAPSTONE_FIRST_SEED",
        "CAPSTONE_N_SEEDS",
    }
    for exercise_id in SCHEDULE_IDS:
        assert isinstance(builtin[exercise_id], FunctionExercise)
        assert builtin[exercise_id].name == exercise_id  # the reference of the same name


def test_every_builtin_case_runs_the_reference_without_error():
    """The cases use only parameters the reference accepts (else the grader reports itself)."""
    builtin = {exercise.exercise_id: exercise for exercise in catalogue.BUILTIN}
    for exercise_id in SCHEDULE_IDS:
        exercise = builtin[exercise_id]
        for case in exercise.cases:
            first = np.asarray(case.steps, dtype=float) if exercise.per_step else list(case.metrics)
            values = np.asarray(exercise.reference(first, **case.params), dtype=float)
            assert values.shape == (len(first),), (exercise_id, case.name)
            assert np.all(np.isfinite(values)), (exercise_id, case.name)


def test_milestone_counted_one_step_late_is_named():
    def strictly_below(step, base_lr, milestones, gamma=0.1):
        return base_lr * gamma ** sum(1 for m in milestones if m < step)

    assert "strictly below the step" in messages(check("multistep_lr", strictly_below))


def test_one_minus_gamma():
    def keep_fraction(step, base_lr, step_size, gamma=0.1):
        return base_lr * (1 - gamma) ** (step // step_size)

    assert "1 - gamma" in messages(check("step_lr", keep_fraction))


def test_float_division_where_floor_division_is_meant():
    def smooth(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** (step / step_size)

    assert "floor division" in messages(check("step_lr", smooth))


def test_forgotten_eta_min():
    def no_floor(step, base_lr, T_max, eta_min=0.0):
        return base_lr * (1 + math.cos(math.pi * step / T_max)) / 2

    report = check("cosine_annealing_lr", no_floor)
    assert "forgot eta_min" in messages(report)
    assert {c.name for c in failed(report)} == {
        "eta_min: the floor",
        "past T_max: the cosine goes on",
    }


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
    assert [c.name for c in failed(report)] == [
        "fractional epochs, as scheduler.step(epoch) takes them"
    ]
    assert "round the fractional epoch down" in messages(report)


def test_plateau_patience_compared_with_greater_or_equal():
    def eager(
        metrics,
        base_lr,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0.0,
        eps=1e-8,
    ):
        return reduce_lr_on_plateau(
            metrics,
            base_lr,
            mode,
            factor,
            max(patience - 1, 0),
            threshold,
            threshold_mode,
            cooldown,
            min_lr,
            eps,
        )

    report = check("reduce_lr_on_plateau", eager)
    msg = next(c.message for c in report.checks if c.name.startswith("typical"))
    assert msg.startswith(
        "After metrics[4] = 0.8, reduce_lr_on_plateau(metrics=[1.0, 0.9, 0.8, "
        "0.8, 0.8, 0.8, … (16 values)], base_lr=0.1, factor=0.5, patience=2) "
        "returned 0.05; expected 0.1."
    )
    assert "one bad metric too early" in msg


def test_plateau_ignoring_cooldown_and_min_lr():
    def careless(
        metrics,
        base_lr,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0.0,
        eps=1e-8,
    ):
        return reduce_lr_on_plateau(
            metrics, base_lr, mode, factor, patience, threshold, threshold_mode, 0, 0.0, eps
        )

    msg = messages(check("reduce_lr_on_plateau", careless))
    assert "ignores cooldown" in msg and "below min_lr=0.001" in msg


def test_linear_warmup_not_clamped_at_zero():
    def unclamped(step, base_lr, num_warmup_steps, num_training_steps):
        if step < num_warmup_steps:
            return base_lr * step / max(1, num_warmup_steps)
        return base_lr * (num_training_steps - step) / max(1, num_training_steps - num_warmup_steps)

    assert "goes negative" in messages(check("linear_schedule_with_warmup", unclamped))


def test_one_cycle_with_the_other_annealing_curve():
    def swapped(
        step,
        max_lr,
        total_steps,
        pct_start=0.3,
        anneal_strategy="cos",
        div_factor=25.0,
        final_div_factor=1e4,
        three_phase=False,
    ):
        other = "linear" if anneal_strategy == "cos" else "cos"
        return one_cycle_lr(
            step, max_lr, total_steps, pct_start, other, div_factor, final_div_factor, three_phase
        )

    assert "the other curve" in messages(check("one_cycle_lr", swapped))


def test_one_cycle_ignoring_three_phase():
    def two_phases(
        step,
        max_lr,
        total_steps,
        pct_start=0.3,
        anneal_strategy="cos",
        div_factor=25.0,
        final_div_factor=1e4,
        three_phase=False,
    ):
        return one_cycle_lr(
            step,
            max_lr,
            total_steps,
            pct_start,
            anneal_strategy,
            div_factor,
            final_div_factor,
            False,
        )

    report = check("one_cycle_lr", two_phases)
    assert [c.name for c in failed(report)] == ["three_phase=True"]
    assert "three_phase=True it rises" in messages(report)


def test_cyclic_triangular2_halving_one_cycle_early():
    def early_halving(
        step, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0
    ):
        lr = cyclic_lr(step, base_lr, max_lr, step_size_up, step_size_down, mode, gamma)
        return base_lr + (lr - base_lr) / 2 if mode == "triangular2" else lr

    assert "halves one cycle too early" in messages(check("cyclic_lr", early_halving))
