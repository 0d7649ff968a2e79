"""Running the reader's code safely, and saying what went wrong: a grader never crashes on it.

:class:`Runner` calls the reader's code with a time limit per check (``SIGALRM`` where it can,
a trace function elsewhere), captures what it prints and the warnings it triggers, and turns
any exception (``SystemExit`` included) into a :class:`Failure`: a message naming the
exception and the line of the reader's code that raised it. Only ``KeyboardInterrupt`` goes
through. :func:`as_float` says what is wrong with a value that is not one number.
"""

from __future__ import annotations

import contextlib
import io
import math
import numbers
import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrlab.grading._helpers import _safe_repr, _safe_str

__all__ = ["Failure", "Runner", "TIME_LIMIT", "as_float", "no_kernel_exit"]

#: Seconds one check may take before the reader's code is stopped.
TIME_LIMIT = 5.0


class _Timeout(BaseException):
    """Raised inside the reader's code at the deadline (a BaseException: `except Exception`
    in the reader's code does not swallow it)."""


@dataclass(frozen=True)
class Failure:
    """Why a call of the reader's code gave no value.

    Attributes:
        kind: ``"not implemented"``, ``"exception"`` or ``"timeout"``.
        text: one paragraph, ready to show.
    """

    kind: str  # "not implemented" | "exception" | "timeout"
    text: str  # one paragraph, ready to show

    @property
    def not_implemented(self) -> bool:
        """The code raised ``NotImplementedError``: not attempted yet."""
        return self.kind == "not implemented"


# The places whose frames are not the reader's: Python's libraries and lrlab itself (this
# package's parent).
_LIBRARY_DIRS = tuple(
    os.path.normcase(os.path.abspath(p))
    for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}
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


def _describe_exception(exc: BaseException) -> Failure:
    """The exception's type and message and the line of the reader's code that raised it."""
    if isinstance(exc, NotImplementedError):
        return Failure("not implemented", "Not attempted yet: the code raises NotImplementedError.")
    frames = traceback.extract_tb(exc.__traceback__)
    # Drop the grader's own frames (the top of the traceback), keep the reader's.
    while frames and os.path.abspath(frames[0].filename) == os.path.abspath(__file__):
        frames.pop(0)
    user = [f for f in frames if not _is_library(f.filename)]
    frame = user[-1] if user else (frames[0] if frames else None)
    name = type(exc).__name__
    if isinstance(exc, SystemExit):
        text = (
            f"your code called sys.exit() or exit() (SystemExit: {_safe_str(exc.code)}); "
            "a function should return its value instead of stopping the program."
        )
    else:
        msg = _safe_str(exc)
        text = f"your code raised {name}: {msg}" if msg else f"your code raised {name}"
    if frame is not None:
        text += f"\n  at {_where(frame.filename, frame.lineno)}"
        if frame.line:
            text += f": {frame.line.strip()}"
    return Failure("exception", text)


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
        return (
            f"your code printed {lines:,} line{'s' if lines != 1 else ''} while being "
            f"checked (the first: {first!r}). Printing slows a schedule down and floods "
            "a training log: remove the print when you are done."
        )


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
            usable = (
                hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
                and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
            )
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
            previous = self.previous if self.previous is not None else signal.SIG_DFL
            signal.signal(signal.SIGALRM, previous)
            self.armed = False


@contextlib.contextmanager
def no_kernel_exit():
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


class Runner:
    """Calls the reader's code for one exercise: a deadline per check, output captured.

    An exercise starts each check with :meth:`start_check` (its deadline is ``time_limit``
    seconds away), calls the reader's code only through :meth:`call`, and adds :meth:`notes`
    to its report. After a timeout, every later call fails at once (``timed_out``).
    """

    def __init__(self, time_limit: float):
        self.time_limit = self.check_limit = time_limit
        self.deadline = math.inf
        self.timed_out = False
        self.output = _Output()
        self.warning: str | None = None
        self.tensor_note = False

    def start_check(self, time_limit: float | None = None) -> None:
        """Start the clock of a check: its calls must return within ``time_limit`` seconds
        (default: the runner's; a check that trains models needs longer)."""
        self.check_limit = self.time_limit if time_limit is None else time_limit
        self.deadline = time.monotonic() + self.check_limit

    def timeout_failure(self) -> Failure:
        """The :class:`Failure` of a check stopped at its deadline."""
        return Failure(
            "timeout",
            f"stopped after {self.check_limit:g} s: the code did not "
            "return in time. Is there a loop that never ends (a `while` whose "
            "condition never becomes false)?",
        )

    def call(self, fn: Callable, *args, **kwargs) -> tuple[bool, Any]:
        """``(True, value)`` or ``(False, Failure)``; only KeyboardInterrupt escapes."""
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
                    self.warning = (
                        f"your code triggered {w.category.__name__}: "
                        f"{_safe_str(w.message)} ({_where(w.filename, w.lineno)})."
                    )
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
        """Remarks for the report: torch tensors accepted, what was printed, a warning."""
        out = []
        if self.tensor_note:
            out.append(
                "your code returned torch tensors; they were accepted (converted with "
                "float()), but a schedule returns plain Python floats (`.item()`)."
            )
        printed = self.output.summary()
        if printed:
            out.append(printed)
        if self.warning:
            out.append(self.warning)
        return out


def as_float(value: Any, runner: Runner) -> tuple[float, str | None]:
    """The reader's return value as a float, or NaN and what is wrong with it.

    A 0-d torch tensor is accepted, and flagged on ``runner`` for a note.
    """
    nan = math.nan
    if value is None:
        return nan, "returned None (is a `return` statement missing?)"
    if isinstance(value, (bool, np.bool_)):
        return nan, f"returned a bool ({value}) where a number was expected"
    if isinstance(value, str):
        return nan, f"returned a str ({_safe_repr(value)}): return the number itself, not text"
    if isinstance(value, (list, tuple, dict, set)):
        return nan, (
            f"returned a {type(value).__name__} of {len(value)} item(s) "
            f"({_safe_repr(value)}) for a single step: return one number"
        )
    if isinstance(value, complex):
        return nan, f"returned a complex number ({value!r})"
    try:
        if isinstance(value, np.ndarray):
            if value.shape != ():
                return nan, (
                    f"returned an array of shape {value.shape} for a single step: return one number"
                )
            if value.dtype.kind not in "iuf":
                return nan, f"returned an array of dtype {value.dtype} where a number was expected"
            x = float(value)
        elif type(value).__module__.split(".")[0] == "torch" and hasattr(value, "dim"):
            if value.dim() != 0 or value.is_complex():
                return nan, (
                    f"returned a torch tensor of shape {tuple(value.shape)} for a "
                    "single step: return one number"
                )
            runner.tensor_note = True
            x = float(value)
        elif isinstance(value, numbers.Real):
            x = float(value)
        else:
            return nan, (
                f"returned a {type(value).__name__} ({_safe_repr(value)}) where a "
                "number was expected"
            )
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001
        return nan, f"returned a {type(value).__name__} that cannot be turned into a float"
    if math.isnan(x):
        return nan, "returned nan, not a number (a 0/0 or inf - inf somewhere in the formula?)"
    if math.isinf(x):
        return nan, f"returned {x} (a division by a number close to zero?)"
    return x, None
