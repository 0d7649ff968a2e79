"""Tests of `lrlab.grading.function_kind`: a schedule function checked over cases, its signature,
the notes, and the generic diagnoses of a wrong curve (shifted by a step, a wrong factor, epochs
for steps, a constant).
"""

from __future__ import annotations

import numpy as np
import pytest

from grading_utils import RIGHT, SCHEDULE_IDS, cosine_annealing_lr, failed, messages
from lrlab.grading import Case, FunctionExercise, check, register

# ---------------------------------------------------------------------------------------------
# Right answers pass


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
    assert any(f"your answer uses lrlab.{exercise_id}" in n for n in report.notes)


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


def test_own_function_exercise_with_a_callable_reference():
    def warmup_then_constant(step, base_lr, warmup):
        return base_lr * min(1.0, (step + 1) / warmup)

    register(
        FunctionExercise(
            "test_own_schedule",
            warmup_then_constant,
            [Case("short", dict(base_lr=1.0, warmup=4), steps=range(10))],
        )
    )

    def right(step, base_lr, warmup):
        return base_lr * min(1.0, (step + 1) / warmup)

    def late(step, base_lr, warmup):
        return base_lr * min(1.0, step / warmup)

    assert check("test_own_schedule", right).passed
    report = check("test_own_schedule", late)
    assert "a step late" in messages(report)
    with pytest.raises(ValueError, match="non-empty steps"):
        FunctionExercise("test_empty", warmup_then_constant, [Case("x", {}, steps=[])])


# ---------------------------------------------------------------------------------------------
# Wrong answers: the failing step, the values, and the diagnosis


def test_feedback_names_step_parameters_expected_and_returned():
    def late_drop(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step - 1) // step_size) if step else base_lr

    report = check("step_lr", late_drop)
    assert not report.passed and report.status == "failed"
    msg = next(c.message for c in report.checks if c.name.startswith("boundaries"))
    assert msg.startswith(
        "At step 3, step_lr(step=3, base_lr=1.0, step_size=3, gamma=0.5) "
        "returned 1.0; expected 0.5."
    )
    # The diagnosis is given once, under the first check it explains; later ones refer to it.
    assert "a step late" in str(report)
    assert "a step late" in msg or "Diagnosis: the same as under" in msg
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


def test_gamma_applied_once_too_often():
    def extra(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** (step // step_size + 1)

    assert "one factor of gamma too many" in messages(check("step_lr", extra))


def test_constant_wrong_factor():
    def doubled(step, base_lr, T_max, eta_min=0.0):
        return 2 * cosine_annealing_lr(step, base_lr, T_max, eta_min)

    assert "every value is 2 × the expected one" in messages(check("cosine_annealing_lr", doubled))


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


def test_plateau_wrong_length():
    report = check(
        "reduce_lr_on_plateau", lambda metrics, base_lr, *a, **k: [base_lr] * (len(metrics) - 1)
    )
    assert "returned 15 values for 16 metrics" in messages(report)


def test_a_diagnosis_is_given_once_per_report():
    import numpy as np

    def early(step, base_lr, step_size, gamma=0.1):  # the lr of step t + 1 at step t
        return base_lr * gamma ** ((np.asarray(step) + 1) // step_size)

    text = str(check("step_lr", early))
    assert text.count("off by one: your curve is the expected one a step early") == 1, text
    assert text.count("Diagnosis: the same as under 'typical run' above.") >= 2, text
