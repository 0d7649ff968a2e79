"""Diagnose parts: the reader fixes a training loop, and the grader runs the fix.

A :class:`LoopExercise` calls the reader's ``train(model, optimizer, loader, epochs, ...)`` on a
tiny model and data that the grader builds afresh for every run, records the learning rate of
every ``optimizer.step()``, and compares it with the schedule the loop's author wanted
(computed with :mod:`lrlab.schedules`). When the lrs are those of a known wrong loop (the
exercise's mistake as written, or a fix that is wrong in a known way), the report says which
and why. :func:`loop_lrs` runs any loop the same way, to look at what it does.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lrlab.grading._helpers import _fmt, _safe_repr
from lrlab.grading.kinds import Exercise, not_attempted_report
from lrlab.grading.report import Check, Curve, Report
from lrlab.grading.sandbox import Runner

__all__ = ["LoopExercise", "LoopMistake", "LoopSetting", "loop_lrs"]

#: Tolerances between the lrs of the reader's loop and the wanted ones.
_RTOL, _ATOL = 1e-6, 1e-12


@dataclass(frozen=True)
class LoopSetting:
    """The data of one run of a loop: ``epochs`` passes over ``batches`` minibatches.

    Attributes:
        epochs: passed to the loop as ``epochs``.
        batches: ``len(loader)``: minibatches per epoch.
        lr: the optimizer's learning rate (``torch.optim.SGD`` with momentum 0.9).
        extra: further keyword arguments of the loop, e.g. ``{"accumulation_steps": 4}``.
        metrics: if not empty, the loop also receives ``evaluate``: its ``k``-th call returns
            ``metrics[k]`` (the last value once they run out), like a validation after each epoch.
    """

    epochs: int
    batches: int
    lr: float = 0.1
    extra: Mapping[str, Any] = field(default_factory=dict)
    metrics: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        for name in ("epochs", "batches"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if isinstance(self.lr, bool) or not isinstance(self.lr, numbers.Real) or self.lr <= 0:
            raise ValueError(f"lr must be a positive number, got {self.lr!r}")

    def describe(self) -> str:
        """E.g. ``"3 epochs of 10 minibatches, accumulation_steps=4"``."""
        words = [f"{self.epochs} epochs of {self.batches} minibatches"]
        words += [f"{k}={_safe_repr(v)}" for k, v in self.extra.items()]
        return ", ".join(words)


@dataclass(frozen=True)
class LoopMistake:
    """A wrong loop the grader recognises: when the reader's lrs equal ``loop``'s, say ``message``.

    Attributes:
        loop: the wrong loop, called like the reader's.
        message: what is wrong and how to fix it.
    """

    loop: Callable[..., Any]
    message: str


def _inputs(setting: LoopSetting):
    """A fresh model, optimizer and loader for ``setting``, and the list the lrs go into."""
    import torch  # missing: Exercise.grade reports that the grader cannot run

    generator = torch.Generator().manual_seed(0)
    model = torch.nn.Linear(4, 1)
    with torch.no_grad():
        model.weight.copy_(0.1 * torch.randn(1, 4, generator=generator))
        model.bias.zero_()
    loader = [
        (torch.randn(8, 4, generator=generator), torch.randn(8, 1, generator=generator))
        for _ in range(setting.batches)
    ]
    optimizer = torch.optim.SGD(model.parameters(), lr=setting.lr, momentum=0.9)
    lrs: list[float] = []

    def record(opt, args, kwargs):
        try:
            lrs.append(float(opt.param_groups[0]["lr"]))
        except (TypeError, ValueError):
            lrs.append(math.nan)

    optimizer.register_step_pre_hook(record)
    kwargs = dict(setting.extra)
    if setting.metrics:
        calls = [0]

        def evaluate(model):
            k = min(calls[0], len(setting.metrics) - 1)
            calls[0] += 1
            return setting.metrics[k]

        kwargs["evaluate"] = evaluate
    return (model, optimizer, loader, setting.epochs), kwargs, lrs


def loop_lrs(train: Callable[..., Any], setting: LoopSetting) -> np.ndarray:
    """The learning rate of every ``optimizer.step()`` that ``train`` makes on ``setting``.

    ``train`` is called as ``train(model, optimizer, loader, epochs, **extra)`` (plus
    ``evaluate=`` when the setting has metrics), on the same tiny model and data the grader
    uses. Its exceptions go through; its warnings are not shown (the grader's report names
    those of the reader's own loop).

    Example:
        >>> import torch
        >>> def train(model, optimizer, loader, epochs):
        ...     scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
        ...     for epoch in range(epochs):
        ...         for x, y in loader:
        ...             optimizer.zero_grad()
        ...             torch.nn.functional.mse_loss(model(x), y).backward()
        ...             optimizer.step()
        ...         scheduler.step()
        >>> loop_lrs(train, LoopSetting(epochs=4, batches=2, lr=1.0)).tolist()
        [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    """
    if not isinstance(setting, LoopSetting):
        raise ValueError(f"setting must be a LoopSetting, got {setting!r}")
    args, kwargs, lrs = _inputs(setting)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train(*args, **kwargs)
    return np.array(lrs, dtype=float)


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.isclose(a, b, rtol=_RTOL, atol=_ATOL)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(_close(a, b)))


class LoopExercise(Exercise):
    """The answer is a training loop ``train(model, optimizer, loader, epochs, ...)``, fixed.

    Args:
        exercise_id: the id.
        title: shown at the top of the report.
        wanted: ``wanted(setting)``: the lr of every update that the loop's author wanted, or a
            tuple of such arrays when several loops are right (the first one is plotted).
        settings: the runs; the first is the exercise's own, the others catch numbers that
            were written in instead of computed from the loader.
        mistakes: wrong loops worth recognising, the exercise's loop as written first.
        hint: shown when the lrs are wrong in an unknown way.
        time_limit: seconds per run (None: the check's), e.g. for a loop that imports
            transformers.
    """

    def __init__(
        self,
        exercise_id: str,
        title: str,
        *,
        wanted: Callable[[LoopSetting], np.ndarray | tuple[np.ndarray, ...]],
        settings: Sequence[LoopSetting],
        mistakes: Sequence[LoopMistake] = (),
        hint: str = "",
        time_limit: float | None = None,
    ):
        super().__init__(exercise_id, title)
        self.time_limit = time_limit
        if not settings or not all(isinstance(s, LoopSetting) for s in settings):
            raise ValueError(f"settings must be a non-empty list of LoopSetting, got {settings!r}")
        self.wanted, self.settings = wanted, tuple(settings)
        self.mistakes, self.hint = tuple(mistakes), hint

    def _names(self) -> list[str]:
        return [f"run {i + 1}: {s.describe()}" for i, s in enumerate(self.settings)]

    def _grade(self, answer, runner: Runner) -> Report:
        names = self._names()
        if not callable(answer) or isinstance(answer, type):
            message = (
                f"expected your loop, the function train itself (not called), got a "
                f"{type(answer).__name__} ({_safe_repr(answer)})."
            )
            return Report(self.exercise_id, self.title, [Check(n, False, message) for n in names])
        checks: list[Check] = []
        diagnosed: dict[int, str] = {}  # mistake index -> the check that named it
        curve = None
        for i, (name, setting) in enumerate(zip(names, self.settings)):
            args, kwargs, lrs = _inputs(setting)
            runner.start_check(self.time_limit)
            ok, failure = runner.call(answer, *args, **kwargs)
            if not ok and failure.not_implemented and i == 0:
                return not_attempted_report(self, [Check(n, False, "") for n in names])
            got = np.array(lrs, dtype=float)
            wanted = self.wanted(setting)
            wanted = wanted if isinstance(wanted, tuple) else (wanted,)
            passed, message = self._judge(got, wanted, None if ok else failure.text)
            if ok and not passed:
                message = self._diagnose(setting, got, message, name, diagnosed)
            checks.append(Check(name, passed, message))
            if curve is None and (not passed or i == len(self.settings) - 1):
                curve = self._curve(got, wanted[0], name)
        return Report(self.exercise_id, self.title, checks, curve=curve)

    @staticmethod
    def _judge(got, wanted, failure_text) -> tuple[bool, str]:
        n, m = len(got), len(wanted[0])
        if failure_text is not None:
            return False, f"the loop stopped after {n} updates: {failure_text}"
        if n == 0:
            return False, (
                "optimizer.step() was never called on the optimizer passed to train(): build "
                "the scheduler on that optimizer, and step both."
            )
        for right in wanted:
            if _same(got, right):
                return True, (
                    f"{n} updates, each at the lr the author wanted (from {_fmt(got[0])} to "
                    f"{_fmt(got[-1])})."
                )
        if n != m:
            return False, f"your loop made {n} optimizer updates; this run has {m}."
        u = int(np.flatnonzero(~_close(got, wanted[0]))[0])
        message = f"update {u} ran at lr {_fmt(got[u])}; the author wanted {_fmt(wanted[0][u])}."
        if n > 1 and _same(got[1:], wanted[0][:-1]):
            message += " Your lrs are the wanted ones one update late."
        elif n > 1 and _same(got[:-1], wanted[0][1:]):
            message += " Your lrs are the wanted ones one update early."
        return False, message

    def _diagnose(self, setting, got, message, name, diagnosed) -> str:
        """``message`` plus the diagnosis of a known wrong loop (said once per report)."""
        for k, mistake in enumerate(self.mistakes):
            try:
                theirs = loop_lrs(mistake.loop, setting)
            except Exception:  # noqa: BLE001 - a wrong loop that crashes on this setting
                continue
            if _same(got, theirs):
                if k in diagnosed:
                    return f"{message}\nDiagnosis: the same as under {diagnosed[k]!r} above."
                diagnosed[k] = name
                return f"{message}\nDiagnosis: {mistake.message}"
        return f"{message}\nHint: {self.hint}" if self.hint else message

    @staticmethod
    def _curve(got, wanted, name) -> Curve:
        length = max(len(got), len(wanted))
        pad = np.full(length, np.nan)
        expected, returned = pad.copy(), pad.copy()
        expected[: len(wanted)], returned[: len(got)] = wanted, got
        wrong = np.flatnonzero(~_close(returned, expected))
        return Curve(
            np.arange(length, dtype=float),
            expected,
            returned,
            int(wrong[0]) if wrong.size else None,
            f"the lr of every update, {name}",
            "update",
        )
