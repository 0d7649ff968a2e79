"""Tests of `lrlab.grading.sandbox`: misbehaving code is reported, never raised.

Each kind of misbehaving code (an exception, an endless loop, a wrong return value, a modified
argument, printing, exit()) is fed to `check`, and the tests assert the verdict and the key
words of the message.
"""

from __future__ import annotations

import math
import re
import sys
import threading
import time

import numpy as np
import pytest

from grading_utils import cyclic_lr, failed, line_of, messages, step_lr
from lrlab.grading import check


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
    def no_exp_range(
        step, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0
    ):
        if mode == "exp_range":
            raise NotImplementedError("exp_range")
        return cyclic_lr(step, base_lr, max_lr, step_size_up, step_size_down, mode, gamma)

    report = check("cyclic_lr", no_exp_range)
    assert report.status == "failed"
    assert [c.name for c in failed(report)] == [
        "exp_range: the amplitude shrinks by gamma at every step"
    ]
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
    assert "test_grading_sandbox.py" in msg
    assert "the same error as in “typical run”" in failed(report)[1].message
    assert "Traceback" not in str(report)


def test_exception_inside_numpy_points_at_the_readers_line():
    def bad_numpy(step, base_lr, gamma):
        return float(np.reshape(np.arange(3), (2, 2))[0, 0])

    msg = failed(check("exponential_lr", bad_numpy))[0].message
    assert "ValueError" in msg
    assert f"line {line_of(bad_numpy, 'np.reshape')}" in msg and "np.reshape(np.arange(3)" in msg


def test_zero_warmup_division_by_zero_shows_the_line():
    def divides(step, base_lr, num_warmup_steps, num_training_steps):
        warm = step / num_warmup_steps
        if step < num_warmup_steps:
            return base_lr * warm
        return base_lr * max(
            0.0, (num_training_steps - step) / (num_training_steps - num_warmup_steps)
        )

    report = check("linear_schedule_with_warmup", divides)
    assert [c.name for c in failed(report)] == ["no warmup (num_warmup_steps=0)"]
    msg = failed(report)[0].message
    assert msg.startswith(
        "At step 0, linear_schedule_with_warmup(step=0, base_lr=0.1, "
        "num_warmup_steps=0, num_training_steps=50): your code raised "
        "ZeroDivisionError: division by zero"
    )
    assert f"line {line_of(divides, 'warm = ')}: warm = step / num_warmup_steps" in msg
    assert "Hint: with no warmup the first lr is base_lr" in msg


@pytest.mark.parametrize(
    "value, words",
    [
        (None, "returned None (is a `return` statement missing?)"),
        (math.nan, "returned nan"),
        (math.inf, "returned inf"),
        ("0.1", "returned a str ('0.1')"),
        ([0.1], "returned a list of 1 item(s)"),
        (np.array([0.1, 0.2]), "returned an array of shape (2,)"),
        (True, "returned a bool"),
        (1j, "returned a complex number"),
        (object(), "returned a object"),
    ],
)
def test_bad_return_values_get_a_clear_message(value, words):
    report = check("exponential_lr", lambda step, base_lr, gamma: value)
    assert report.status == "failed" and report.score == 1  # only the signature
    assert words in failed(report)[0].message
    assert failed(report)[0].message.startswith(
        "At step 0, exponential_lr(step=0, base_lr=0.1, gamma=0.95)"
    )


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
    thread = threading.Thread(
        target=lambda: reports.append(check("step_lr", forever, time_limit=0.5)), daemon=True
    )
    thread.start()
    thread.join(10)
    assert reports, "check did not return"
    assert "stopped after 0.5 s" in failed(reports[0])[0].message


def test_blocking_call_is_stopped():
    start = time.monotonic()
    report = check(
        "step_lr", lambda step, base_lr, step_size, gamma=0.1: time.sleep(60), time_limit=0.5
    )
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
    assert (
        "changed its `milestones` argument: it was [8, 3] before the call and [3, 8] after it"
    ) in msg


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


def test_numpy_scalars_0d_arrays_and_float32_are_accepted():
    r32 = check("exponential_lr", lambda step, base_lr, gamma: np.float32(base_lr * gamma**step))
    assert r32.passed, str(r32)
    r0d = check("exponential_lr", lambda step, base_lr, gamma: np.array(base_lr * gamma**step))
    assert r0d.passed, str(r0d)


def test_a_0d_torch_tensor_is_accepted_with_a_note():
    torch = pytest.importorskip("torch")
    report = check(
        "exponential_lr",
        lambda step, base_lr, gamma: torch.tensor(base_lr * gamma**step, dtype=torch.float64),
    )
    assert report.passed, str(report)
    assert any("torch tensor" in n and ".item()" in n for n in report.notes)
