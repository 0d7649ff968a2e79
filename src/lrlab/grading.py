"""Graded exercises: run the reader's answer, compare it with lrlab's reference, explain what is wrong.

The grading cell of every exercise notebook is one call::

    >>> from lrlab.grading import check
    >>> def step_lr(step, base_lr, step_size, gamma=0.1):
    ...     return base_lr * gamma ** (step // step_size)
    >>> report = check("step_lr", step_lr)
    >>> report.passed, report.score, report.max_score
    (True, 5, 5)

``check(exercise_id, answer)`` returns a :class:`Report`: the score, one :class:`Check` per
test (name, passed, message), a plain-text ``str()`` and, in Jupyter, a table of the checks
with a plot of the reader's curve over the reference curve (the first wrong step marked).

What a check does
    A schedule exercise (ids ``step_lr``, ``multistep_lr``, ``exponential_lr``,
    ``cosine_annealing_lr``, ``cosine_annealing_warm_restarts``, ``reduce_lr_on_plateau``,
    ``linear_schedule_with_warmup``, ``cosine_schedule_with_warmup``, ``cyclic_lr``,
    ``one_cycle_lr``) calls the reader's function once per step with a Python number (it need
    not be vectorised) and compares every value with the function of the same name in
    :mod:`lrlab.schedules` (relative tolerance ``RTOL``, absolute ``ATOL`` times the run's
    largest lr). A failing check names the first wrong step, the arguments, the expected and
    the returned value, and, where the returned curve is a classic mistake (shifted by a step,
    a wrong factor, no floor, wrong restarts, epochs for steps, ...), says which, with a hint.

The reader's code cannot crash the grader
    ``NotImplementedError`` means "not attempted yet" (score 0). Any other exception,
    ``SystemExit`` included, is reported with its type, message and the line of the reader's
    code that raised it. ``None``, NaN, infinities, strings, lists and arrays of the wrong shape
    are reported as such (0-d NumPy arrays and torch tensors are accepted, with a note). Each
    check has a time limit (``TIME_LIMIT`` seconds, or ``check(..., time_limit=...)``): an
    endless loop is stopped and reported, and the checks after it are skipped. Arguments are
    passed as copies and a function that modifies them fails. What the code prints is captured
    and summarised in a note. ``check`` only raises for the author's mistakes: an unknown
    exercise id (``ValueError``, with the known ids) or an invalid ``time_limit``. The one
    exception let through is ``KeyboardInterrupt``, so that interrupting the kernel still works.

Adding exercises (chapters)
    :func:`register` adds an exercise under an id of its own; registering the id again
    replaces it, so re-running a notebook cell is harmless (the built-in ids cannot be
    replaced). Four kinds are provided:

    * :class:`FunctionExercise`: the answer is a schedule function, compared with a reference
      over :class:`Case` s; :class:`Mistake` s describe wrong curves to recognise.
    * :class:`NumericExercise`: the answer is a number (or a function of no argument that
      returns it), compared with a tolerance; known wrong values get their own explanation.
    * :class:`ChoiceExercise`: multiple choice; the answer is a key (or a set of keys).
    * :class:`SchedulerExercise`: the answer is a torch-style scheduler class; it is built on
      a real ``torch.optim.SGD`` and stepped, and the lr of every parameter group is compared
      with a reference schedule at every step.

    For example::

        >>> from lrlab.grading import NumericExercise, register
        >>> _ = register(NumericExercise(
        ...     "demo_final_lr", expected=0.1 * 0.1 ** 3,
        ...     question="StepLR(base_lr=0.1, step_size=30): the lr at step 95?",
        ...     mistakes={1e-3: "That is two drops; at step 95 the lr has dropped at 30, 60 and 90."}))
        >>> check("demo_final_lr", 1e-3).passed
        False
        >>> check("demo_final_lr", lambda: 1e-4).passed
        True
"""

from __future__ import annotations

import base64
import contextlib
import copy
import difflib
import html
import inspect
import io
import math
import numbers
import os
import re
import signal
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "ATOL",
    "Case",
    "Check",
    "ChoiceExercise",
    "Exercise",
    "FunctionExercise",
    "Mistake",
    "NumericExercise",
    "RTOL",
    "Report",
    "SchedulerExercise",
    "TIME_LIMIT",
    "check",
    "exercise_ids",
    "register",
]

#: Seconds one check may take before the reader's code is stopped.
TIME_LIMIT = 5.0
#: Relative tolerance of a value compared with the reference.
RTOL = 1e-6
#: Absolute tolerance, as a fraction of the largest reference lr of the check's run.
ATOL = 1e-7

_NOT_ATTEMPTED = "not attempted"
_PASSED = "passed"
_FAILED = "failed"
_ERROR = "grader error"


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The outcome of one test of an answer: its name, whether it passed, and why (or why not)."""

    name: str
    passed: bool
    message: str
    points: int = 1


@dataclass(frozen=True)
class _Curve:
    """What the report plots: the reference and the reader's values of one check."""

    x: np.ndarray
    expected: np.ndarray
    returned: np.ndarray
    first_wrong: int | None
    title: str
    xlabel: str = "step"
    log_y: bool = False


class Report:
    """The result of :func:`check`: score, checks, notes; ``str()`` and a rich Jupyter display.

    Attributes:
        exercise_id: the id that was checked.
        title: a one-line description of the exercise.
        checks: the list of :class:`Check` s, in the order they ran.
        notes: remarks that do not change the score (vectorisation, printed output, ...).
        status: ``"passed"``, ``"failed"``, ``"not attempted"`` or ``"grader error"``.
        score, max_score: points of the passed checks, points of all checks.
        passed: every check passed (and there is at least one).
    """

    def __init__(self, exercise_id: str, title: str, checks: Sequence[Check], *,
                 notes: Sequence[str] = (), status: str | None = None,
                 curve: _Curve | None = None):
        self.exercise_id = exercise_id
        self.title = title
        self.checks = list(checks)
        self.notes = list(notes)
        self.score = sum(c.points for c in self.checks if c.passed)
        self.max_score = sum(c.points for c in self.checks)
        self.passed = self.max_score > 0 and self.score == self.max_score
        self.status = status or (_PASSED if self.passed else _FAILED)
        self._curve = curve
        self._svg: str | None = None

    def __repr__(self) -> str:
        return f"<Report {self.exercise_id!r}: {self.score}/{self.max_score}, {self.status}>"

    def _headline(self) -> str:
        score = f"{self.score}/{self.max_score}"
        if self.status == _NOT_ATTEMPTED:
            return (f"{self.exercise_id}: not attempted yet ({score}). Replace "
                    "`raise NotImplementedError()` with your code, run that cell, then run "
                    "this one again.")
        if self.status == _ERROR:
            return f"{self.exercise_id}: the grader itself failed ({score})."
        if self.passed:
            return f"{self.exercise_id}: all {len(self.checks)} checks passed ({score})."
        return f"{self.exercise_id}: {score} checks passed."

    def __str__(self) -> str:
        lines = [self._headline()]
        if self.status != _NOT_ATTEMPTED:
            for c in self.checks:
                mark = "✓" if c.passed else "✗"
                head, *rest = c.message.splitlines() or [""]
                lines.append(f"{mark} {c.name}: {head}")
                lines.extend(f"    {line}" for line in rest)
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain
        printer.text(str(self))

    def figure(self):
        """A matplotlib Figure of the reader's curve over the reference (None without a curve)."""
        if self._curve is None:
            return None
        return _plot(self._curve)

    def _repr_html_(self) -> str:
        if self.status == _NOT_ATTEMPTED:
            colour = "#8a6d00"
        else:
            colour = "#1a7f37" if self.passed else "#b42318"
        out = [f'<div class="lrlab-report" style="font-family:sans-serif;max-width:56em">',
               f'<p style="font-weight:bold;color:{colour};margin:0.2em 0">'
               f'{html.escape(self._headline())}</p>']
        if self.title:
            out.append(f'<p style="margin:0.2em 0;color:#555">{html.escape(self.title)}</p>')
        if self.status != _NOT_ATTEMPTED:
            out.append('<table style="border-collapse:collapse;text-align:left">'
                       '<tr><th style="padding:2px 8px"></th><th style="padding:2px 8px">check</th>'
                       '<th style="padding:2px 8px">result</th></tr>')
            for c in self.checks:
                mark = ('<span style="color:#1a7f37">✓</span>' if c.passed
                        else '<span style="color:#b42318">✗</span>')
                out.append(
                    f'<tr style="border-top:1px solid #ddd"><td style="padding:2px 8px;'
                    f'vertical-align:top">{mark}</td><td style="padding:2px 8px;vertical-align:top;'
                    f'min-width:8em;max-width:16em">{html.escape(c.name)}</td><td style="padding:2px 8px;'
                    f'white-space:pre-wrap;text-align:left">{html.escape(c.message)}</td></tr>')
            out.append("</table>")
        if self.notes:
            out.append('<ul style="margin:0.3em 0">')
            out.extend(f"<li>{html.escape(n)}</li>" for n in self.notes)
            out.append("</ul>")
        svg = self._svg_data()
        if svg:
            data = base64.b64encode(svg.encode()).decode()
            out.append(f'<img alt="your curve over the reference curve" '
                       f'src="data:image/svg+xml;base64,{data}"/>')
        out.append("</div>")
        return "\n".join(out)

    def _svg_data(self) -> str | None:
        if self._curve is None:
            return None
        if self._svg is None:
            try:
                fig = _plot(self._curve)
                buf = io.StringIO()
                import matplotlib

                with matplotlib.rc_context({"svg.hashsalt": "lrlab", "svg.fonttype": "none"}):
                    fig.savefig(buf, format="svg", metadata={"Date": None})
                self._svg = buf.getvalue()
            except Exception:  # no matplotlib, or a curve it cannot draw: the table is enough
                self._svg = ""
        return self._svg or None


def _plot(curve: _Curve):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 2.8), dpi=100)
    ax = fig.add_subplot()
    x, exp, ret = curve.x, curve.expected, curve.returned
    ok = np.isfinite(ret)
    log_y = curve.log_y and np.all(exp > 0) and np.all(ret[ok] > 0)
    ax.plot(x, exp, color="#4c78a8", linewidth=3, alpha=0.45, label="expected")
    ax.plot(x, ret, color="#f58518", linewidth=1, marker=".", markersize=3, label="yours")
    finite = np.concatenate([exp[np.isfinite(exp)], ret[ok]])
    if finite.size:
        lo, hi = float(exp[np.isfinite(exp)].min()), float(exp[np.isfinite(exp)].max())
        span = hi - lo or abs(hi) or 1.0
        rlo, rhi = float(finite.min()), float(finite.max())
        if not log_y and (rhi - rlo) > 4 * span:  # wild values: keep the reference readable
            ax.set_ylim(lo - span, hi + span)
    if curve.first_wrong is not None:
        i = curve.first_wrong
        ax.axvline(x[i], color="#b42318", linestyle="--", linewidth=1)
        ax.plot([x[i]], [exp[i]], "o", color="#4c78a8", markersize=6)
        if np.isfinite(ret[i]):
            ax.plot([x[i]], [ret[i]], "x", color="#b42318", markersize=8, markeredgewidth=2)
        at = int(x[i]) if float(x[i]).is_integer() else float(x[i])
        ax.annotate(f"first wrong {curve.xlabel}: {at}", xy=(x[i], 1.0),
                    xycoords=("data", "axes fraction"), xytext=(4, -12),
                    textcoords="offset points", color="#b42318", fontsize=8)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(curve.xlabel)
    ax.set_ylabel("lr")
    ax.set_title(curve.title, fontsize=9)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# Running the reader's code: time limit, captured output, exceptions turned into messages
# --------------------------------------------------------------------------------------------


class _Timeout(BaseException):
    """Raised inside the reader's code at the deadline (a BaseException: `except Exception`
    in the reader's code does not swallow it)."""


@dataclass(frozen=True)
class _Failure:
    """Why a call of the reader's code gave no value."""

    kind: str  # "not implemented" | "exception" | "timeout"
    text: str  # one paragraph, ready to show

    @property
    def not_implemented(self) -> bool:
        return self.kind == "not implemented"


_LIBRARY_DIRS = tuple(
    os.path.normcase(os.path.abspath(p))
    for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {os.path.dirname(os.path.abspath(__file__))}
)


def _is_library(filename: str) -> bool:
    path = os.path.normcase(os.path.abspath(filename))
    return path.startswith(_LIBRARY_DIRS) or filename.startswith("<frozen")


_LIBRARY_CACHE: dict[str, bool] = {}


def _is_library_cached(filename: str) -> bool:
    known = _LIBRARY_CACHE.get(filename)
    if known is None:
        known = _LIBRARY_CACHE[filename] = _is_library(filename)
    return known


def _where(filename: str, lineno: int) -> str:
    try:  # a notebook cell: say "Cell In[3], line 4" as IPython does
        from IPython import get_ipython

        shell = get_ipython()
        name = shell.compile.format_code_name(filename) if shell is not None else None
        if name:
            return f"{name[0]} {name[1]}, line {lineno}"
    except Exception:
        pass
    try:
        rel = os.path.relpath(filename)
        filename = rel if not rel.startswith("..") else filename
    except ValueError:
        pass
    return f"{filename}, line {lineno}"


def _safe_str(obj: Any, limit: int = 200) -> str:
    try:
        text = str(obj)
    except BaseException:  # noqa: BLE001 - a reader-defined __str__ may do anything
        text = f"<{type(obj).__name__} that cannot be shown>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_repr(obj: Any, limit: int = 80) -> str:
    try:
        text = repr(obj)
    except BaseException:  # noqa: BLE001
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_exception(exc: BaseException) -> _Failure:
    """The exception's type and message and the line of the reader's code that raised it."""
    if isinstance(exc, NotImplementedError):
        return _Failure("not implemented", "Not attempted yet: the code raises NotImplementedError.")
    frames = traceback.extract_tb(exc.__traceback__)
    # Drop the grader's own frames (the top of the traceback), keep the reader's.
    while frames and os.path.abspath(frames[0].filename) == os.path.abspath(__file__):
        frames.pop(0)
    user = [f for f in frames if not _is_library(f.filename)]
    frame = user[-1] if user else (frames[0] if frames else None)
    name = type(exc).__name__
    if isinstance(exc, SystemExit):
        text = (f"your code called sys.exit() or exit() (SystemExit: {_safe_str(exc.code)}); "
                "a function should return its value instead of stopping the program.")
    else:
        msg = _safe_str(exc)
        text = f"your code raised {name}: {msg}" if msg else f"your code raised {name}"
    if frame is not None:
        text += f"\n  at {_where(frame.filename, frame.lineno)}"
        if frame.line:
            text += f": {frame.line.strip()}"
    return _Failure("exception", text)


class _Output(io.TextIOBase):
    """Collects what the reader's code prints: counts every line, keeps the first few."""

    def __init__(self, keep: int = 2000):
        self.keep = keep
        self.text = ""
        self.chars = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, s) -> int:
        s = s if isinstance(s, str) else _safe_str(s)
        self.chars += len(s)
        self.lines += s.count("\n")
        if len(self.text) < self.keep:
            self.text += s[: self.keep - len(self.text)]
        return len(s)

    def flush(self) -> None:
        pass

    def summary(self) -> str | None:
        if not self.chars:
            return None
        lines = max(self.lines, 1)
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        first = first if len(first) <= 60 else first[:59] + "…"
        return (f"your code printed {lines:,} line{'s' if lines != 1 else ''} while being "
                f"checked (the first: {first!r}). Printing slows a schedule down and floods "
                "a training log: remove the print when you are done.")


class _Alarm:
    """The deadline as SIGALRM, where it can be used: main thread (where a Jupyter kernel runs
    the reader's code), POSIX, and no one else using the signal.

    It costs nothing while the code runs, and it also stops a blocking call such as
    ``time.sleep``. It repeats every ``interval`` seconds until disarmed, so code that swallows
    the first ``_Timeout`` (a bare ``except:``) is stopped at the next one.
    """

    def __init__(self, delay: float, interval: float = 0.25):
        self.active = False
        self.armed = False
        self.previous = None
        try:
            usable = (hasattr(signal, "setitimer")
                      and threading.current_thread() is threading.main_thread()
                      and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
                      and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
        except (ValueError, OSError):
            usable = False
        if usable:
            self.previous = signal.signal(signal.SIGALRM, self._handler)
            signal.setitimer(signal.ITIMER_REAL, max(delay, 1e-3), interval)
            self.armed = True
            self.active = True

    def _handler(self, signum, frame):
        if self.active:
            raise _Timeout()

    def disarm(self) -> None:
        self.active = False
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0.0, 0.0)
            signal.signal(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)
            self.armed = False


@contextlib.contextmanager
def _no_kernel_exit():
    """In an IPython kernel, ``exit()`` asks the kernel to stop (it raises nothing): while the
    reader's code runs, make it raise SystemExit instead, which is reported."""
    shell = None
    if "IPython" in sys.modules:
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except Exception:
            shell = None
    if shell is None or not hasattr(shell, "ask_exit"):
        yield
        return
    missing = object()
    saved = shell.__dict__.get("ask_exit", missing)
    keep = getattr(shell, "keepkernel_on_exit", missing)

    def ask_exit():
        raise SystemExit("exit()")

    shell.__dict__["ask_exit"] = ask_exit
    try:
        yield
    finally:
        if saved is missing:
            shell.__dict__.pop("ask_exit", None)
        else:
            shell.__dict__["ask_exit"] = saved
        if keep is not missing:
            try:
                shell.keepkernel_on_exit = keep
            except Exception:
                pass


class _Runner:
    """Calls the reader's code for one exercise: a deadline per check, output captured."""

    def __init__(self, time_limit: float):
        self.time_limit = time_limit
        self.deadline = math.inf
        self.timed_out = False
        self.output = _Output()
        self.warning: str | None = None
        self.tensor_note = False

    def start_check(self) -> None:
        self.deadline = time.monotonic() + self.time_limit

    def timeout_failure(self) -> _Failure:
        return _Failure("timeout", f"stopped after {self.time_limit:g} s: the code did not "
                        "return in time. Is there a loop that never ends (a `while` whose "
                        "condition never becomes false)?")

    def call(self, fn: Callable, *args, **kwargs) -> tuple[bool, Any]:
        """``(True, value)`` or ``(False, _Failure)``; only KeyboardInterrupt escapes."""
        if self.timed_out or time.monotonic() > self.deadline:
            self.timed_out = True
            return False, self.timeout_failure()
        deadline = self.deadline

        def tracer(frame, event, arg):
            # Without SIGALRM: check the clock at every event of the reader's frames; opcode
            # events, because a one-line `while True: pass` gives no line events.
            if time.monotonic() > deadline:
                raise _Timeout()
            if event == "call" and not _is_library_cached(frame.f_code.co_filename):
                frame.f_trace_opcodes = True
            return tracer

        alarm = None
        traced = False
        old_trace = sys.gettrace()
        try:
            with contextlib.ExitStack() as stack:
                stack.enter_context(contextlib.redirect_stdout(self.output))
                stack.enter_context(contextlib.redirect_stderr(self.output))
                caught = stack.enter_context(warnings.catch_warnings(record=True))
                warnings.simplefilter("always")
                stack.enter_context(np.errstate(all="warn"))
                alarm = _Alarm(deadline - time.monotonic())
                if not alarm.armed:
                    sys.settrace(tracer)
                    traced = True
                try:
                    value = fn(*args, **kwargs)
                finally:
                    alarm.active = False
                    if traced:
                        sys.settrace(old_trace)
                if caught and self.warning is None:
                    w = caught[0]
                    self.warning = (f"your code triggered {w.category.__name__}: "
                                    f"{_safe_str(w.message)} ({_where(w.filename, w.lineno)}).")
        except KeyboardInterrupt:
            raise
        except _Timeout:
            self.timed_out = True
            return False, self.timeout_failure()
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: report, never crash
            return False, _describe_exception(exc)
        finally:
            if traced:
                sys.settrace(old_trace)
            if alarm is not None:
                alarm.disarm()
        return True, value

    def notes(self) -> list[str]:
        out = []
        if self.tensor_note:
            out.append("your code returned torch tensors; they were accepted (converted with "
                       "float()), but a schedule returns plain Python floats (`.item()`).")
        printed = self.output.summary()
        if printed:
            out.append(printed)
        if self.warning:
            out.append(self.warning)
        return out


def _as_float(value: Any, runner: _Runner) -> tuple[float, str | None]:
    """The reader's return value as a float, or NaN and what is wrong with it."""
    nan = math.nan
    if value is None:
        return nan, "returned None (is a `return` statement missing?)"
    if isinstance(value, (bool, np.bool_)):
        return nan, f"returned a bool ({value}) where a number was expected"
    if isinstance(value, str):
        return nan, f"returned a str ({_safe_repr(value)}): return the number itself, not text"
    if isinstance(value, (list, tuple, dict, set)):
        return nan, (f"returned a {type(value).__name__} of {len(value)} item(s) "
                     f"({_safe_repr(value)}) for a single step: return one number")
    if isinstance(value, complex):
        return nan, f"returned a complex number ({value!r})"
    try:
        if isinstance(value, np.ndarray):
            if value.shape != ():
                return nan, (f"returned an array of shape {value.shape} for a single step: "
                             "return one number")
            if value.dtype.kind not in "iuf":
                return nan, f"returned an array of dtype {value.dtype} where a number was expected"
            x = float(value)
        elif type(value).__module__.split(".")[0] == "torch" and hasattr(value, "dim"):
            if value.dim() != 0 or value.is_complex():
                return nan, (f"returned a torch tensor of shape {tuple(value.shape)} for a "
                             "single step: return one number")
            runner.tensor_note = True
            x = float(value)
        elif isinstance(value, numbers.Real):
            x = float(value)
        else:
            return nan, (f"returned a {type(value).__name__} ({_safe_repr(value)}) where a "
                         "number was expected")
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001
        return nan, f"returned a {type(value).__name__} that cannot be turned into a float"
    if math.isnan(x):
        return nan, "returned nan, not a number (a 0/0 or inf - inf somewhere in the formula?)"
    if math.isinf(x):
        return nan, f"returned {x} (a division by a number close to zero?)"
    return x, None


def _fmt(x: Any) -> str:
    """A number as Python would show it; a long list shortened."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (numbers.Integral, np.integer)):
        return str(int(x))
    if isinstance(x, (numbers.Real, np.floating)):
        return repr(float(x))
    if isinstance(x, (list, tuple, np.ndarray)):
        items = list(x)
        shown = ", ".join(_fmt(v) for v in items[:6])
        if len(items) > 6:
            return f"[{shown}, … ({len(items)} values)]"
        return f"[{shown}]" if not isinstance(x, tuple) else f"({shown}{',' if len(items) == 1 else ''})"
    return _safe_repr(x)


def _same(a: Any, b: Any) -> bool:
    try:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                    and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True)))
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _mutation(name: str, before: Any, after: Any) -> str:
    return (f"your code changed its `{name}` argument: it was {_fmt(before)} before the call and "
            f"{_fmt(after)} after it. A schedule must not modify its inputs: work on a copy "
            f"(e.g. sorted({name}) instead of {name}.sort()).")


# --------------------------------------------------------------------------------------------
# Exercises
# --------------------------------------------------------------------------------------------


class Exercise:
    """Base class of an exercise: an id, a one-line title, and ``grade(answer, runner)``.

    Subclasses implement :meth:`_grade`, returning a :class:`Report`; they call the reader's
    code only through ``runner.call(fn, *args)``, which returns ``(True, value)`` or
    ``(False, failure)`` (failure.text is ready to show) and never raises.
    """

    builtin = False

    def __init__(self, exercise_id: str, title: str = ""):
        if not isinstance(exercise_id, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", exercise_id):
            raise ValueError(f"exercise_id must be a name made of letters, digits and '_', "
                             f"got {exercise_id!r}")
        self.exercise_id = exercise_id
        self.title = title

    def grade(self, answer: Any, *, time_limit: float = TIME_LIMIT) -> Report:
        runner = _Runner(time_limit)
        try:
            with _no_kernel_exit():
                report = self._grade(answer, runner)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a bug of the grader, not of the reader
            where = traceback.extract_tb(exc.__traceback__)[-1]
            report = Report(self.exercise_id, self.title, [Check(
                "grader", False,
                f"The grader failed ({type(exc).__name__}: {_safe_str(exc)} at "
                f"{os.path.basename(where.filename)}:{where.lineno}). This is a bug in lrlab, "
                "not in your code: please report it.")], status=_ERROR)
        report.notes.extend(runner.notes())
        return report

    def _grade(self, answer: Any, runner: _Runner) -> Report:  # pragma: no cover - abstract
        raise NotImplementedError


def _not_attempted_report(exercise: Exercise, checks: list[Check], notes=()) -> Report:
    failed = [Check(c.name, False, "not attempted yet", c.points) for c in checks]
    return Report(exercise.exercise_id, exercise.title, failed, notes=notes, status=_NOT_ATTEMPTED)


def _call_answer_value(answer: Any, runner: _Runner) -> tuple[bool, Any]:
    """A value answer may be given as a function of no argument (so the exercise cell runs)."""
    if callable(answer) and not isinstance(answer, type):
        runner.start_check()
        return runner.call(answer)
    return True, answer


# ---- numbers ---------------------------------------------------------------------------------


class NumericExercise(Exercise):
    """The answer is a number, equal to ``expected`` within ``rel_tol`` / ``abs_tol``.

    Args:
        exercise_id: the id used in ``check(exercise_id, answer)``.
        expected: the right value.
        question: the question, shown as the report's title.
        rel_tol, abs_tol: as in :func:`math.isclose`.
        mistakes: ``{wrong value: explanation}`` for the wrong answers worth explaining.
        hint: shown when the answer is wrong and no mistake matched.

    The answer may be a number or a function of no argument returning it (so that, in the
    generated exercise notebook, the answer cell can ``raise NotImplementedError()``).
    """

    def __init__(self, exercise_id: str, expected: float, *, question: str = "",
                 rel_tol: float = 1e-6, abs_tol: float = 0.0,
                 mistakes: Mapping[float, str] | None = None, hint: str = ""):
        super().__init__(exercise_id, question)
        if not isinstance(expected, numbers.Real) or not math.isfinite(expected):
            raise ValueError(f"expected must be a finite number, got {expected!r}")
        if not rel_tol >= 0 or not abs_tol >= 0:
            raise ValueError(f"rel_tol and abs_tol must be >= 0, got {rel_tol!r}, {abs_tol!r}")
        self.expected = float(expected)
        self.rel_tol, self.abs_tol = rel_tol, abs_tol
        self.mistakes = dict(mistakes or {})
        self.hint = hint

    def _close(self, a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def _grade(self, answer, runner):
        ok, value = _call_answer_value(answer, runner)
        if not ok:
            if value.not_implemented:
                return _not_attempted_report(self, [Check("value", False, "")])
            return Report(self.exercise_id, self.title, [Check("value", False, value.text)])
        x, problem = _as_float(value, runner)
        if problem:
            return Report(self.exercise_id, self.title, [Check("value", False, f"your answer {problem}.")])
        if self._close(x, self.expected):
            return Report(self.exercise_id, self.title, [Check("value", True, f"{_fmt(x)} is right.")])
        msg = f"{_fmt(x)} is not right."
        for wrong, why in self.mistakes.items():
            if self._close(x, float(wrong)):
                return Report(self.exercise_id, self.title, [Check("value", False, f"{msg} {why}")])
        if self.expected != 0 and x != 0:
            ratio = x / self.expected
            for k in (10.0, 100.0, 1000.0):
                if math.isclose(ratio, k, rel_tol=1e-6) or math.isclose(ratio, 1 / k, rel_tol=1e-6):
                    msg += f" It is off by a factor of {k:g}: count the powers of ten again."
                    break
            if math.isclose(ratio, -1.0, rel_tol=1e-6):
                msg += " The sign is wrong."
        if self.hint:
            msg += f"\nHint: {self.hint}"
        return Report(self.exercise_id, self.title, [Check("value", False, msg)])


# ---- multiple choice -------------------------------------------------------------------------


class ChoiceExercise(Exercise):
    """Multiple choice: the answer is the key of a choice (or a set of keys if several are right).

    Args:
        exercise_id: the id.
        choices: ``{key: text}``, e.g. ``{"a": "StepLR", "b": "ExponentialLR"}``.
        correct: the right key, or a set of keys (then the answer must be exactly that set).
        question: shown as the report's title.
        explanations: ``{key: why}``: why a choice is wrong (or right).

    Keys are compared without case and surrounding spaces. The answer may be a function of no
    argument returning the key.
    """

    def __init__(self, exercise_id: str, choices: Mapping[str, str], correct: str | set[str], *,
                 question: str = "", explanations: Mapping[str, str] | None = None):
        super().__init__(exercise_id, question)
        self.choices = {self._key(k): str(v) for k, v in choices.items()}
        many = not isinstance(correct, str)
        wanted = {self._key(k) for k in (correct if many else [correct])}
        unknown = wanted - set(self.choices)
        if not wanted or unknown:
            raise ValueError(f"correct must name keys of choices {sorted(self.choices)}, got {correct!r}")
        self.correct, self.many = frozenset(wanted), many
        self.explanations = {self._key(k): v for k, v in (explanations or {}).items()}

    @staticmethod
    def _key(k: Any) -> str:
        return str(k).strip().lower()

    def _grade(self, answer, runner):
        ok, value = _call_answer_value(answer, runner)
        name = "choice"
        if not ok:
            if value.not_implemented:
                return _not_attempted_report(self, [Check(name, False, "")])
            return Report(self.exercise_id, self.title, [Check(name, False, value.text)])
        keys = sorted(self.choices)
        if isinstance(value, str):
            given = {self._key(value)}
        elif isinstance(value, (set, frozenset, list, tuple)) and all(isinstance(v, str) for v in value):
            given = {self._key(v) for v in value}
        else:
            return Report(self.exercise_id, self.title, [Check(name, False, (
                f"your answer is a {type(value).__name__} ({_safe_repr(value)}); answer with the "
                f"key of a choice, one of {', '.join(map(repr, keys))}"
                + (", or a set of keys" if self.many else "") + "."))])
        unknown = given - set(self.choices)
        if unknown:
            return Report(self.exercise_id, self.title, [Check(name, False, (
                f"{', '.join(map(repr, sorted(unknown)))} is not one of the choices "
                f"{', '.join(map(repr, keys))}."))])
        if given == self.correct:
            why = " ".join(self.explanations[k] for k in sorted(given) if k in self.explanations)
            return Report(self.exercise_id, self.title, [Check(name, True, f"right. {why}".strip())])
        if not self.many and len(given) > 1:
            return Report(self.exercise_id, self.title, [Check(name, False, "give exactly one key.")])
        parts = []
        for k in sorted(given - self.correct):
            parts.append(f"{k!r} is not right" + (f": {self.explanations[k]}" if k in self.explanations else "."))
        missing = self.correct - given
        if missing and self.many:
            parts.append(f"{len(missing)} right choice(s) missing.")
        return Report(self.exercise_id, self.title, [Check(name, False, " ".join(parts))])


# ---- schedule functions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One check of a :class:`FunctionExercise`: a run of the schedule with fixed parameters.

    Args:
        name: what the case checks, e.g. ``"boundaries: the lr drops at step == step_size"``.
        params: the arguments after the first (by name); the others take the reference's defaults.
        steps: the steps to evaluate (Python numbers are passed one at a time).
        metrics: for a sequence exercise (``per_step=False``): the sequence passed first.
        hint: shown when the case fails: what the case is about.
    """

    name: str
    params: Mapping[str, Any]
    steps: Sequence[float] | None = None
    metrics: Sequence[float] | None = None
    hint: str = ""


@dataclass(frozen=True)
class Mistake:
    """A classic wrong curve, recognised when the reader's values equal it.

    The wrong curve is the reference evaluated with ``params(case_params)`` and/or at
    ``steps(case_steps, case_params)`` (each ``None`` when it does not apply), or, with
    ``curve``, any function ``curve(expected, steps, params)`` of the expected values.
    ``message`` is formatted with the case's parameters (``{gamma}``, ...).
    """

    message: str
    params: Callable[[dict], dict | None] | None = None
    steps: Callable[[np.ndarray, dict], np.ndarray | None] | None = None
    curve: Callable[[np.ndarray, np.ndarray, dict], np.ndarray | None] | None = None


def _plain(sig: inspect.Signature) -> str:
    """The parameters of a signature as the reader writes them: names and defaults only."""
    parts = []
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
        elif p.kind is inspect.Parameter.VAR_KEYWORD:
            parts.append(f"**{p.name}")
        elif p.default is inspect.Parameter.empty:
            parts.append(p.name)
        else:
            parts.append(f"{p.name}={p.default!r}")
    return ", ".join(parts)


class _Params(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _reference_function(reference: str | Callable) -> Callable:
    if callable(reference):
        return reference
    from . import schedules

    return getattr(schedules, reference)


class FunctionExercise(Exercise):
    """The answer is a schedule function; it is compared with ``reference`` over ``cases``.

    Args:
        exercise_id: the id.
        reference: the right function, or the name of one in :mod:`lrlab.schedules`.
        cases: the :class:`Case` s; each is one check (one point).
        title: one line shown at the top of the report.
        mistakes: :class:`Mistake` s specific to this schedule, tried before the generic ones
            (shifted by one step, epoch/step confusion, a constant wrong factor).
        explain: optional ``explain(expected, returned, steps, params) -> str | None``, tried last.
        per_step: True: the first argument is one step, the answer is called once per step.
            False: the first argument is ``case.metrics`` and the answer returns one value per item.
        log_y: plot the lr on a log scale.
        check_signature: add a check that the answer's parameter names and defaults are the
            reference's.
    """

    def __init__(self, exercise_id: str, reference: str | Callable, cases: Sequence[Case], *,
                 title: str = "", mistakes: Sequence[Mistake] = (),
                 explain: Callable | None = None, per_step: bool = True, log_y: bool = False,
                 check_signature: bool = True):
        super().__init__(exercise_id, title)
        if not cases:
            raise ValueError(f"cases must not be empty, got {cases!r}")
        for case in cases:
            given = case.steps if per_step else case.metrics
            if given is None or len(given) == 0:
                raise ValueError(f"case {case.name!r} needs non-empty "
                                 f"{'steps' if per_step else 'metrics'}, got {given!r}")
        self._reference = reference
        self.cases = list(cases)
        self.mistakes = list(mistakes)
        self.explain = explain
        self.per_step = per_step
        self.log_y = log_y
        self.check_signature = check_signature

    @property
    def reference(self) -> Callable:
        return _reference_function(self._reference)

    @property
    def name(self) -> str:
        return getattr(self.reference, "__name__", self.exercise_id)

    # -- arguments ---------------------------------------------------------------------------
    def _arguments(self, case: Case) -> tuple[list, dict]:
        """Positional (required) and keyword (optional) arguments after the first, in order."""
        sig = inspect.signature(self.reference)
        params = list(sig.parameters.values())[1:]
        unknown = set(case.params) - {p.name for p in params}
        if unknown:
            raise ValueError(f"case {case.name!r}: {self.name} has no parameter(s) {sorted(unknown)}")
        args, kwargs = [], {}
        for p in params:
            if p.default is inspect.Parameter.empty:
                args.append(case.params[p.name])
            else:
                kwargs[p.name] = case.params.get(p.name, p.default)
        return args, kwargs

    def _describe(self, case: Case, first: Any = None) -> str:
        """``name(step=3, base_lr=0.1, ...)``; without ``first``, the first argument unnamed."""
        sig = inspect.signature(self.reference)
        params = list(sig.parameters.values())
        parts = [params[0].name if first is None else f"{params[0].name}={_fmt(first)}"]
        for p in params[1:]:
            if p.default is inspect.Parameter.empty or p.name in case.params:
                parts.append(f"{p.name}={_fmt(case.params.get(p.name, p.default))}")
        return f"{self.name}({', '.join(parts)})"

    def _expected(self, case: Case, params: Mapping | None = None, steps=None) -> np.ndarray:
        """The reference's values; NaN where it is undefined (e.g. past the end of a run)."""
        p = dict(case.params if params is None else params)
        ref = self.reference
        first = (np.asarray(case.steps, dtype=float) if steps is None else steps) if self.per_step \
            else list(case.metrics)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return np.asarray(ref(first, **p), dtype=float).reshape(len(first))
            except Exception:
                if not self.per_step:
                    return np.full(len(first), math.nan)
            out = np.full(len(first), math.nan)
            for i, t in enumerate(first):
                try:
                    out[i] = float(ref(t.item(), **p))
                except Exception:
                    pass
            return out

    # -- checks ------------------------------------------------------------------------------
    def _signature_check(self, answer: Callable) -> tuple[Check | None, str | None]:
        ref = inspect.signature(self.reference)
        want = f"{self.name}({_plain(ref)})"
        try:
            got = inspect.signature(answer)
        except (TypeError, ValueError):
            return Check("signature", True, f"{want} (your function's parameters cannot be "
                         "inspected, so only its values are checked)"), None
        kinds = {p.kind for p in got.parameters.values()}
        if inspect.Parameter.VAR_POSITIONAL in kinds or inspect.Parameter.VAR_KEYWORD in kinds:
            return Check("signature", False, f"expected {want}; your function takes "
                         f"({_plain(got)}). Name every parameter."), None
        rp, gp = list(ref.parameters.values()), list(got.parameters.values())
        problems = []
        for i, r in enumerate(rp):
            if i >= len(gp):
                problems.append(f"parameter `{r.name}` is missing")
                continue
            g = gp[i]
            if g.name != r.name:
                problems.append(f"parameter {i + 1} is `{g.name}`, expected `{r.name}`")
            elif r.default is inspect.Parameter.empty and g.default is not inspect.Parameter.empty:
                problems.append(f"`{g.name}` has a default ({_fmt(g.default)}); it is required")
            elif r.default is not inspect.Parameter.empty:
                if g.default is inspect.Parameter.empty:
                    problems.append(f"`{g.name}` needs the default {_fmt(r.default)}")
                elif not _same(g.default, r.default) and not (
                        isinstance(g.default, numbers.Real) and isinstance(r.default, numbers.Real)
                        and not isinstance(g.default, bool) and float(g.default) == float(r.default)):
                    problems.append(f"`{g.name}` defaults to {_fmt(g.default)}, expected {_fmt(r.default)}")
        for g in gp[len(rp):]:
            if g.default is inspect.Parameter.empty and g.kind not in (
                    inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                problems.append(f"extra required parameter `{g.name}`")
        if problems:
            return Check("signature", False, f"expected {want}; " + "; ".join(problems) + "."), None
        return Check("signature", True, f"{want}"), None

    def _run_case(self, answer: Callable, case: Case, runner: _Runner):
        """Evaluate the answer on one case: (returned values, problems by index, failure)."""
        first_values = case.steps if self.per_step else case.metrics
        n = len(first_values)
        args, kwargs = self._arguments(case)
        returned = np.full(n, math.nan)
        problems: dict[int, str] = {}
        runner.start_check()

        def guarded(first_arg):
            a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
            first_copy = copy.deepcopy(first_arg)
            ok, out = runner.call(answer, first_copy, *a, **k)
            names = list(inspect.signature(self.reference).parameters)
            if not self.per_step and not _same(first_copy, first_arg):
                return False, _Failure("exception", _mutation(names[0], first_arg, first_copy))
            for name, before, after in zip(names[1:], args, a):
                if not _same(before, after):
                    return False, _Failure("exception", _mutation(name, before, after))
            for name in kwargs:
                if not _same(kwargs[name], k.get(name)):
                    return False, _Failure("exception", _mutation(name, kwargs[name], k.get(name)))
            return ok, out

        if self.per_step:
            steps = np.asarray(case.steps)
            for i in range(n):
                ok, out = guarded(steps[i].item())
                if not ok:
                    return returned, problems, out, i
                returned[i], problem = _as_float(out, runner)
                if problem:
                    problems[i] = problem
            return returned, problems, None, None
        ok, out = guarded(list(case.metrics))
        if not ok:
            return returned, problems, out, 0
        if isinstance(out, (str, bytes)) or not hasattr(out, "__len__") or (
                isinstance(out, np.ndarray) and out.ndim != 1):
            shape = f" of shape {out.shape}" if isinstance(out, np.ndarray) else f" ({_safe_repr(out)})"
            msg = (f"returned a {type(out).__name__}{shape}; expected one lr per metric "
                   f"(a list or 1-d array of {n} numbers)")
            return returned, {0: msg}, None, None
        try:
            values = list(out)
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001
            return returned, {0: f"returned a {type(out).__name__} that cannot be read as a list"}, None, None
        if len(values) != n:
            return returned, {0: f"returned {len(values)} values for {n} metrics: expected one lr "
                                 "after each metric"}, None, None
        for i, v in enumerate(values):
            returned[i], problem = _as_float(v, runner)
            if problem:
                problems[i] = problem
        return returned, problems, None, None

    def _diagnose(self, case: Case, expected: np.ndarray, returned: np.ndarray,
                  valid: np.ndarray, first_wrong: int, tol) -> str | None:
        params = dict(self._arguments(case)[1], **case.params)
        fmt = _Params({k: _fmt(v) for k, v in params.items()})
        steps = np.asarray(case.steps, dtype=float) if self.per_step else np.arange(len(expected), dtype=float)

        def matches(alt) -> bool:
            if alt is None:
                return False
            alt = np.asarray(alt, dtype=float)
            m = valid & np.isfinite(alt)
            if not m[first_wrong] or m.sum() < max(2, 0.5 * valid.sum()):
                return False
            if np.all(tol(alt[m], expected[m])):
                return False  # this mistake does not show in this case
            return bool(np.all(tol(returned[m], alt[m])))

        def with_steps(fn):
            s = fn(steps)
            if s is None:
                return None
            if self.per_step:
                return self._expected(case, steps=s)
            idx = np.asarray(s)
            out = np.full(len(expected), math.nan)
            inside = (idx >= 0) & (idx < len(expected)) & (idx == np.round(idx))
            out[inside] = expected[idx[inside].astype(int)]
            return out

        for mistake in self.mistakes:
            alt = None
            try:
                if mistake.curve is not None:
                    alt = mistake.curve(expected, steps, params)
                else:
                    p = mistake.params(dict(params)) if mistake.params else params
                    if p is not None:
                        if mistake.steps is not None:
                            s = mistake.steps(steps, params)
                            alt = None if s is None else self._expected(case, params=p, steps=s)
                        else:
                            alt = self._expected(case, params=p)
            except Exception:
                alt = None
            if matches(alt):
                return mistake.message.format_map(fmt)
        unit = "step" if self.per_step else "metric"
        if matches(with_steps(lambda s: s - 1)):
            return (f"off by one: your curve is the expected one a {unit} late (at {unit} t you "
                    f"return the lr of {unit} t - 1). Check where you count from: the lr at "
                    f"{unit} 0 is the first value, before any scheduler.step() call.")
        if matches(with_steps(lambda s: s + 1)):
            return (f"off by one: your curve is the expected one a {unit} early (at {unit} t you "
                    f"return the lr of {unit} t + 1). The lr at {unit} 0 is the first value, "
                    "before any scheduler.step() call.")
        if valid.sum() >= 3 and np.ptp(returned[valid]) == 0 and np.ptp(expected[valid]) > 0:
            return (f"your function returns the same value ({_fmt(float(returned[valid][0]))}) at "
                    f"every {unit} of this run: the lr never changes. Does it use its first "
                    f"argument, or count in a unit too large (epochs where it should count steps)?")
        if self.per_step:
            for k in (2, 3, 4, 5, 10, 100):
                if matches(with_steps(lambda s: np.floor(s / k))):
                    return (f"your curve is the expected one at step // {k}: it changes {k} times "
                            "too slowly. Are you counting epochs (or some other unit) where the "
                            "schedule counts steps? Its argument is the number of "
                            "scheduler.step() calls.")
                if matches(with_steps(lambda s: s * k)):
                    return (f"your curve is the expected one at step × {k}: it changes {k} times "
                            "too fast. Are you counting steps where the schedule counts epochs, "
                            "or multiplying by steps per epoch twice?")
        ok = valid & (expected != 0) & np.isfinite(expected)
        if ok.sum() >= 2:
            ratio = returned[ok] / expected[ok]
            c = float(np.median(ratio))
            if np.all(np.isclose(ratio, c, rtol=1e-6)) and not math.isclose(c, 1.0, rel_tol=1e-6):
                msg = f"every value is {c:.6g} × the expected one: a factor is wrong."
                known = []  # (ratio, what it means)
                for pname in ("gamma", "factor"):
                    g = params.get(pname)
                    if isinstance(g, numbers.Real) and g not in (0, 1):
                        known += [(g, f"It is {pname}={_fmt(g)}: one factor of {pname} too many "
                                      "(an exponent 1 too big?)."),
                                  (1 / g, f"It is 1/{pname}: one factor of {pname} too few "
                                          "(an exponent 1 too small?).")]
                for pname in ("base_lr", "max_lr"):
                    b = params.get(pname)
                    if isinstance(b, numbers.Real) and b not in (0, 1):
                        known += [(b, f"It is {pname}: you multiply by {pname} twice."),
                                  (1 / b, f"It is 1/{pname}: you forgot to multiply by {pname}.")]
                for value, meaning in known:
                    if math.isclose(c, value, rel_tol=1e-6):
                        return f"{msg} {meaning}"
                return msg
        if self.explain is not None:
            try:
                return self.explain(expected, returned, steps, params)
            except Exception:
                return None
        return None

    def _grade(self, answer, runner):
        checks: list[Check] = []
        notes: list[str] = []
        if not callable(answer) or isinstance(answer, type):
            what = "a class" if isinstance(answer, type) else f"a {type(answer).__name__} ({_safe_repr(answer)})"
            return Report(self.exercise_id, self.title, [Check("answer", False, (
                f"expected a function, got {what}. Pass the function itself, without calling it: "
                f"check({self.exercise_id!r}, {self.name})."), points=1 + len(self.cases))])
        if answer is self.reference:
            notes.append(f"this is lrlab's own {self.name}; the exercise is to write your own.")
        if self.check_signature:
            sig_check, sig_note = self._signature_check(answer)
            if sig_check is not None:
                checks.append(sig_check)
            if sig_note:
                notes.append(sig_note)
        curve: _Curve | None = None
        failures = []
        seen: dict[str, str] = {}  # failure text -> the case where it was shown first
        vector_case = None
        first_curve: _Curve | None = None  # shown when every check passed
        for case in self.cases:
            if runner.timed_out:
                checks.append(Check(case.name, False, "skipped: an earlier check ran out of time."))
                continue
            expected = self._expected(case)
            returned, problems, failure, at = self._run_case(answer, case, runner)
            first_values = list(case.steps if self.per_step else case.metrics)
            unit = "step" if self.per_step else "metric"
            x = (np.asarray(case.steps, dtype=float) if self.per_step
                 else np.arange(len(first_values), dtype=float))
            title = f"{case.name}: " + self._describe(case)
            if failure is not None:
                failures.append(failure)
                if failure.not_implemented:
                    checks.append(Check(case.name, False, f"{self.name} raises NotImplementedError: not attempted yet."))
                    continue
                where = (f"At {unit} {_fmt(first_values[at])}, {self._describe(case, first_values[at])}: "
                         if self.per_step else f"{self._describe(case, list(case.metrics))}: ")
                if failure.text in seen:
                    msg = where + f"the same error as in “{seen[failure.text]}”."
                else:
                    seen[failure.text] = case.name
                    msg = where + failure.text
                    if case.hint:
                        msg += f"\nHint: {case.hint}"
                checks.append(Check(case.name, False, msg))
                if curve is None and self.per_step and at > 0:
                    curve = _Curve(x[:at], expected[:at], returned[:at], None, title, unit, self.log_y)
                continue
            scale = float(np.nanmax(np.abs(expected))) if np.any(np.isfinite(expected)) else 1.0

            def tol(a, b, scale=scale):
                return np.isclose(a, b, rtol=RTOL, atol=ATOL * scale)

            valid = np.isfinite(returned)
            good = valid & tol(returned, expected)
            if np.all(good):
                checks.append(Check(case.name, True, f"{len(good)} {unit}s right."))
                if vector_case is None:
                    vector_case = case
                if first_curve is None:
                    first_curve = _Curve(x, expected, returned, None, title, unit, self.log_y)
                continue
            i = int(np.argmin(good))
            if self.per_step:
                head = (f"At {unit} {_fmt(first_values[i])}, {self._describe(case, first_values[i])} ")
            else:
                head = (f"After metrics[{i}] = {_fmt(first_values[i])}, "
                        f"{self._describe(case, list(case.metrics))} ")
            if i in problems:
                msg = head + problems[i] + f"; expected {_fmt(float(expected[i]))}."
            else:
                msg = head + f"returned {_fmt(float(returned[i]))}; expected {_fmt(float(expected[i]))}."
            wrong = int((~good).sum())
            msg += f" Wrong at {wrong} of {len(good)} {unit}s."
            if not problems or valid.sum() > len(valid) // 2:
                diagnosis = self._diagnose(case, expected, returned, valid, i, tol)
                if diagnosis:
                    msg += f"\nDiagnosis: {diagnosis}"
            if case.hint:
                msg += f"\nHint: {case.hint}"
            checks.append(Check(case.name, False, msg))
            if curve is None:
                curve = _Curve(x, expected, returned, i, title, unit, self.log_y)
        if failures and all(f.not_implemented for f in failures) and not any(
                c.passed for c in checks if c.name != "signature"):
            return _not_attempted_report(self, checks)
        if curve is None and not failures:
            curve = first_curve
        if self.per_step and vector_case is not None and not runner.timed_out:
            notes.append(self._vector_note(answer, vector_case, runner))
        return Report(self.exercise_id, self.title, checks, notes=notes, curve=curve)

    def _vector_note(self, answer, case: Case, runner: _Runner) -> str:
        """Note (never a failure) whether the answer also takes an array of steps."""
        steps = np.asarray(case.steps)
        args, kwargs = self._arguments(case)
        quiet = _Runner(min(runner.time_limit, 2.0))
        quiet.start_check()
        ok, out = quiet.call(answer, steps.copy(), *copy.deepcopy(args), **copy.deepcopy(kwargs))
        vectorised = False
        if ok:
            try:
                arr = np.asarray(out, dtype=float)
                expected = self._expected(case)
                scale = float(np.nanmax(np.abs(expected)))
                vectorised = arr.shape == steps.shape and bool(
                    np.all(np.isclose(arr, expected, rtol=RTOL, atol=ATOL * scale)))
            except Exception:
                vectorised = False
        if vectorised:
            return (f"your {self.name} also works on a NumPy array of steps (it is vectorised), "
                    "like lrlab's.")
        return (f"your {self.name} works one step at a time, which is all this exercise asks; "
                "lrlab's version also takes a NumPy array of steps at once (vectorised).")


# ---- torch-style scheduler classes -----------------------------------------------------------


class SchedulerExercise(Exercise):
    """The answer is a scheduler class, driven like PyTorch's on a real ``torch.optim.SGD``.

    Args:
        exercise_id: the id.
        reference: ``reference(step, base_lr) -> lr``, the lr after ``step`` calls of ``step()``.
        build: ``build(cls, optimizer) -> scheduler``, e.g.
            ``lambda cls, opt: cls(opt, step_size=3, gamma=0.5)``.
        steps: how many lrs to compare (step 0 is right after construction).
        base_lrs: one parameter group per value, each with that initial lr.
        metrics: if given, ``scheduler.step(metrics[t])`` is called (ReduceLROnPlateau style).
        title: shown at the top of the report.
        hint: shown when the lr is wrong.

    Each step records ``optimizer.param_groups[i]["lr"]`` (and ``get_last_lr()``), then calls
    ``optimizer.step()`` and ``scheduler.step()``. Needs torch.
    """

    def __init__(self, exercise_id: str, reference: Callable[[int, float], float],
                 build: Callable[[type, Any], Any], *, steps: int, base_lrs: Sequence[float] = (0.1,),
                 metrics: Sequence[float] | None = None, title: str = "", hint: str = ""):
        super().__init__(exercise_id, title)
        if not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")
        if not base_lrs:
            raise ValueError(f"base_lrs must not be empty, got {base_lrs!r}")
        if metrics is not None and len(metrics) < steps - 1:
            raise ValueError(f"metrics needs at least steps - 1 = {steps - 1} values, got {len(metrics)}")
        self.reference, self.build = reference, build
        self.steps, self.base_lrs = int(steps), [float(b) for b in base_lrs]
        self.metrics = None if metrics is None else list(metrics)
        self.hint = hint

    def _grade(self, answer, runner):
        names = ["builds", "lr of every parameter group", "get_last_lr()"]
        if not isinstance(answer, type) and not callable(answer):
            return Report(self.exercise_id, self.title, [Check("answer", False, (
                f"expected a scheduler class, got a {type(answer).__name__} ({_safe_repr(answer)})."),
                points=len(names))])
        try:
            import torch
        except ImportError:
            return Report(self.exercise_id, self.title, [Check("torch", False,
                          "this exercise needs torch, which is not installed.", points=len(names))])
        params = [torch.nn.Parameter(torch.zeros(1)) for _ in self.base_lrs]
        optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, self.base_lrs)],
                                    lr=self.base_lrs[0])
        runner.start_check()
        ok, sched = runner.call(self.build, answer, optimizer)
        if not ok:
            if sched.not_implemented:
                return _not_attempted_report(self, [Check(n, False, "") for n in names])
            return Report(self.exercise_id, self.title,
                          [Check(names[0], False, f"building the scheduler failed: {sched.text}")]
                          + [Check(n, False, "skipped: the scheduler could not be built.") for n in names[1:]])
        checks = [Check(names[0], True, "built without error.")]
        n_groups = len(self.base_lrs)
        lrs = np.full((self.steps, n_groups), math.nan)
        last = np.full((self.steps, n_groups), math.nan)
        failure, at, last_problem = None, None, None
        has_last = callable(getattr(sched, "get_last_lr", None))
        runner.start_check()
        for t in range(self.steps):
            lrs[t] = [float(g["lr"]) for g in optimizer.param_groups]
            if has_last:
                ok, out = runner.call(sched.get_last_lr)
                if not ok:
                    failure, at = out, t
                    break
                try:
                    values = list(out)
                    if len(values) != n_groups:
                        raise ValueError
                    for j, v in enumerate(values):
                        last[t, j], problem = _as_float(v, runner)
                        last_problem = last_problem or (problem and (t, problem))
                except KeyboardInterrupt:
                    raise
                except BaseException:  # noqa: BLE001
                    last_problem = last_problem or (t, f"returned {_safe_repr(out)}, not one lr per group")
            if t == self.steps - 1:
                break
            optimizer.step()
            ok, out = (runner.call(sched.step, self.metrics[t]) if self.metrics is not None
                       else runner.call(sched.step))
            if not ok:
                failure, at = out, t
                break
        if failure is not None and failure.not_implemented and at == 0:
            return _not_attempted_report(self, checks + [Check(n, False, "") for n in names[1:]])
        expected = np.array([[self.reference(t, b) for b in self.base_lrs] for t in range(self.steps)])
        scale = float(np.max(np.abs(expected))) or 1.0
        good = np.isclose(lrs, expected, rtol=RTOL, atol=ATOL * scale)
        stop = self.steps if at is None else at + 1
        curve = None
        bad = np.argwhere(~good[:stop])
        if failure is not None:
            checks.append(Check(names[1], False, f"after {at} step() call(s): {failure.text}"))
        elif len(bad):
            t, j = (int(v) for v in bad[0])
            msg = (f"after {t} step() call(s), param_groups[{j}]['lr'] is {_fmt(lrs[t, j])}; "
                   f"expected {_fmt(float(expected[t, j]))} (base lr {_fmt(self.base_lrs[j])}).")
            if np.all(good[:, 0]) and n_groups > 1:
                msg += " Group 0 is right: does your scheduler update only the first group?"
            elif self.steps > 1 and np.allclose(lrs[1:, j], expected[:-1, j], rtol=RTOL, atol=ATOL * scale):
                msg += "\nDiagnosis: off by one: your lrs are the expected ones a step late."
            elif self.steps > 1 and np.allclose(lrs[:-1, j], expected[1:, j], rtol=RTOL, atol=ATOL * scale):
                msg += "\nDiagnosis: off by one: your lrs are the expected ones a step early."
            if self.hint:
                msg += f"\nHint: {self.hint}"
            checks.append(Check(names[1], False, msg))
            curve = _Curve(np.arange(self.steps, dtype=float), expected[:, j], lrs[:, j], t,
                           f"param group {j}", "step")
        else:
            checks.append(Check(names[1], True, f"{self.steps} steps × {n_groups} group(s) right."))
            curve = _Curve(np.arange(self.steps, dtype=float), expected[:, 0], lrs[:, 0], None,
                           "param group 0", "step")
        if not has_last:
            checks.append(Check(names[2], False, "the scheduler has no get_last_lr() method."))
        elif failure is not None and failure is not None and at is not None and np.isnan(last[at]).any():
            checks.append(Check(names[2], False, f"not checked: {failure.text.splitlines()[0]}"))
        elif last_problem:
            checks.append(Check(names[2], False, f"after {last_problem[0]} step() call(s) it {last_problem[1]}."))
        else:
            agree = np.isclose(last[:stop], lrs[:stop], rtol=RTOL, atol=ATOL * scale)
            if np.all(agree):
                checks.append(Check(names[2], True, "matches the optimizer's lrs."))
            else:
                t, j = (int(v) for v in np.argwhere(~agree)[0])
                checks.append(Check(names[2], False, (
                    f"after {t} step() call(s) get_last_lr()[{j}] is {_fmt(last[t, j])} but "
                    f"param_groups[{j}]['lr'] is {_fmt(lrs[t, j])}.")))
        return Report(self.exercise_id, self.title, checks, curve=curve)


# --------------------------------------------------------------------------------------------
# Registry and the entry point
# --------------------------------------------------------------------------------------------

_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def _registry() -> dict[str, Exercise]:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        from . import _exercises

        for exercise in _exercises.BUILTIN:
            exercise.builtin = True
            _REGISTRY[exercise.exercise_id] = exercise
    return _REGISTRY


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` under its id (replacing one registered before); return it.

    Raises:
        ValueError: not an :class:`Exercise`, or its id is a built-in exercise's.
    """
    if not isinstance(exercise, Exercise):
        raise ValueError(f"exercise must be an Exercise (e.g. NumericExercise(...)), got {exercise!r}")
    registry = _registry()
    old = registry.get(exercise.exercise_id)
    if old is not None and old.builtin and old is not exercise:
        raise ValueError(f"exercise_id {exercise.exercise_id!r} is a built-in exercise; choose another id")
    registry[exercise.exercise_id] = exercise
    return exercise


def exercise_ids() -> list[str]:
    """The ids :func:`check` knows, sorted."""
    return sorted(_registry())


def check(exercise_id: str, answer: Any, *, time_limit: float | None = None) -> Report:
    """Grade ``answer`` for the exercise ``exercise_id`` and return a :class:`Report`.

    Args:
        exercise_id: e.g. ``"step_lr"``; see :func:`exercise_ids`.
        answer: the reader's answer: for a schedule exercise, the function itself (not called).
        time_limit: seconds per check (default ``TIME_LIMIT``).

    Never raises because of ``answer`` (only ``KeyboardInterrupt`` goes through).

    Raises:
        ValueError: ``exercise_id`` is unknown (the message lists the known ids), or
            ``time_limit`` is not a positive number.
    """
    registry = _registry()
    if not isinstance(exercise_id, str) or exercise_id not in registry:
        close = difflib.get_close_matches(str(exercise_id), registry, n=1)
        did = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"exercise_id {exercise_id!r} is not a known exercise.{did} "
                         f"Known ids: {', '.join(sorted(registry))}.")
    limit = TIME_LIMIT if time_limit is None else time_limit
    if isinstance(limit, bool) or not isinstance(limit, numbers.Real) or not 0 < limit < math.inf:
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    return registry[exercise_id].grade(answer, time_limit=float(limit))
