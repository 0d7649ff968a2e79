"""From scratch means from scratch: does an answer call a library's schedule instead of its own?

An exercise that asks for an implementation (a schedule function, a scheduler class) is graded by
its values, and a wrapper around ``lrlab.step_lr`` or ``torch.optim.lr_scheduler.StepLR`` gives
the right values. :func:`borrowed` finds such uses by reading the answer's code: the global and
attribute names of its functions (nested functions, lambdas and a class's methods included),
resolved in the answer's globals and closure, and a class's bases. It is a static reading, so it
cannot be fooled into running anything; it can miss a name built at run time (``getattr``), which
is not a use a learner makes by accident.

:func:`grading_mode` reads ``LRLAB_GRADING``: ``"strict"`` (set by the instructor's nbgrader
setup) scores such an answer 0; ``"self-study"`` (the default) keeps its marks with a note.
"""

from __future__ import annotations

import inspect
import os
import types
from typing import Any

__all__ = ["GRADING_MODES", "borrowed", "grading_mode"]

#: The values the environment variable ``LRLAB_GRADING`` may take; unset or empty means
#: ``"self-study"``.
GRADING_MODES = ("self-study", "strict")

# The modules whose schedules and schedulers an implementation must not call.
_LIBRARIES = {
    "lrlab.schedules": "lrlab",
    "lrlab.schedulers": "lrlab",
    "torch.optim.lr_scheduler": "torch",
    "transformers.optimization": "transformers",
}


def grading_mode() -> str:
    """``LRLAB_GRADING``: ``"self-study"`` (default) or ``"strict"``.

    Raises:
        ValueError: another value (the instructor's setup is wrong, not the learner's answer).
    """
    mode = os.environ.get("LRLAB_GRADING", "").strip() or "self-study"
    if mode not in GRADING_MODES:
        raise ValueError(
            f"LRLAB_GRADING must be one of {', '.join(map(repr, GRADING_MODES))}, got {mode!r}"
        )
    return mode


def _library_of(obj: Any) -> str | None:
    """``"lrlab"``, ``"torch"`` or ``"transformers"`` when ``obj`` is one of their schedules,
    schedulers or scheduler modules; otherwise None."""
    if isinstance(obj, types.ModuleType):
        name = obj.__name__
    else:
        name = getattr(obj, "__module__", None)
        if not isinstance(name, str):
            return None
    for prefix, library in _LIBRARIES.items():
        if name == prefix or name.startswith(prefix + "."):
            return library
    return None


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _functions(answer: Any) -> list[types.FunctionType]:
    """The Python functions of the answer: itself, or a class's methods (and properties)."""
    if isinstance(answer, types.FunctionType):
        return [answer]
    if isinstance(answer, types.MethodType):
        return _functions(answer.__func__)
    if isinstance(answer, type):
        out = []
        for klass in answer.__mro__:
            if klass is object or _library_of(klass):
                continue
            for value in vars(klass).values():
                if isinstance(value, (staticmethod, classmethod)):
                    value = value.__func__
                if isinstance(value, property):
                    out.extend(f for f in (value.fget, value.fset) if f is not None)
                elif isinstance(value, types.FunctionType):
                    out.append(value)
        return out
    call = inspect.getattr_static(type(answer), "__call__", None)
    return [call] if isinstance(call, types.FunctionType) else []


def _resolve(root: Any, attributes: set[str], depth: int = 3) -> list[Any]:
    """``root`` and the attributes reachable from it by the names the code uses."""
    found, frontier = [root], [root]
    for _ in range(depth):
        nxt = []
        for obj in frontier:
            if not isinstance(obj, types.ModuleType):
                continue
            for name in attributes:
                value = getattr(obj, name, None)  # a module's attribute: no code of the reader
                if value is not None:
                    nxt.append(value)
        found += nxt
        frontier = nxt
    return found


def borrowed(answer: Any) -> list[str]:
    """The library schedules and schedulers ``answer``'s code uses, e.g. ``["lrlab.step_lr"]``.

    Never raises; an answer it cannot read gives ``[]``.

    Example:
        >>> import lrlab
        >>> borrowed(lambda step, base_lr, step_size, gamma=0.1: lrlab.step_lr(
        ...     step, base_lr, step_size, gamma))
        ['lrlab.step_lr']
        >>> borrowed(lambda step, base_lr, step_size, gamma=0.1: base_lr * gamma ** (step // step_size))
        []
    """
    try:
        return _borrowed(answer)
    except Exception:  # noqa: BLE001 - a strange answer is graded on its values alone
        return []


def _borrowed(answer: Any) -> list[str]:
    if _library_of(answer) and not isinstance(answer, types.ModuleType):
        return [_label(answer)]  # the library's own function or class, passed as is
    used: dict[str, None] = {}
    if isinstance(answer, type):
        for base in answer.__mro__[1:]:
            if _library_of(base):
                used[_label(base)] = None  # the nearest library class it subclasses
                break
    for function in _functions(answer):
        code_names: set[str] = set()
        for code in _code_objects(function.__code__):
            code_names.update(code.co_names)
        closure = inspect.getclosurevars(function)
        scope = {**function.__globals__, **closure.nonlocals}
        roots = [scope[n] for n in code_names | set(closure.nonlocals) if n in scope]
        for root in roots:
            for obj in _resolve(root, code_names):
                if _library_of(obj) and not isinstance(obj, types.ModuleType):
                    if callable(obj):
                        used[_label(obj)] = None
    return list(used)


def _label(obj: Any) -> str:
    library = _library_of(obj) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", repr(obj))
    return f"{library}.{name}" if library == "lrlab" else f"{obj.__module__}.{name}"
