r"""The run planner: which learning rate a Hugging Face ``Trainer`` run uses at each update.

A fine-tuning config (a ``TrainingArguments``-style dict, or a LLaMA-Factory YAML file) sets the
peak lr, the scheduler's name, the batch, the accumulation, the epochs and the warmup, but not
the numbers a reader needs: how many optimizer updates the run makes, how many of them warm up,
and the lr of each. :func:`plan` computes them exactly as ``transformers`` 5's ``Trainer`` does,
from lrlab's own schedules (:mod:`lrlab.schedules`, looked up by name in
``lrlab.schedules.registry.SCHEDULES``), and lists the known mistakes it sees in the settings.

The module is callable, so ``lrlab.plan(...)`` and ``lrlab.plan.plan(...)`` are the same call,
and ``python -m lrlab.plan CONFIG.yaml [--num-examples N] [--plot FILE]`` prints the same summary.

How the ``Trainer`` counts (``Trainer.set_initial_training_values``, ``get_train_dataloader``,
``TrainingArguments.get_warmup_steps``), with :math:`N` examples, batch :math:`b` per device,
:math:`w` processes, accumulation :math:`k`:

.. math::

    B = \lceil N / (b w) \rceil \ (\lfloor \cdot \rfloor \text{ with dataloader\_drop\_last}),
    \qquad U = \max(\lceil B / k \rceil, 1),
    \qquad T = \begin{cases} \texttt{max\_steps} & \texttt{max\_steps} > 0 \\
                             \lceil e \, U \rceil & \text{otherwise} \end{cases}

(:math:`B` batches per process and epoch, :math:`U` updates per epoch, :math:`e` =
``num_train_epochs``, possibly fractional). The warmup is ``int(warmup_steps)`` steps when
``warmup_steps >= 1``, else the fraction ``ceil(T * warmup_steps)``, computed in floating point as
transformers does (``0.07 * 100`` is ``7.000000000000001``, so 8 steps). Update :math:`t` (0 to
:math:`T - 1`) uses the schedule's lr at step :math:`t`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import numbers
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lrlab._checks import check_choice, check_int, check_real
from lrlab.counting import (
    epoch_batches,
    fraction_updates,
    run_updates,
    updates_per_epoch,
    warmup_updates,
)
from lrlab.schedules.registry import SCHEDULES

__all__ = ["DEFAULTS", "METRIC_DRIVEN", "SCHEDULER_TYPES", "Plan", "main", "plan"]

#: The keys the planner reads and their defaults (``TrainingArguments``' own, ``world_size`` 1).
#: ``num_examples`` (the training set's size) has none: it is required.
DEFAULTS: dict[str, Any] = {
    "num_examples": None,
    "per_device_train_batch_size": 8,
    "learning_rate": 5e-5,
    "lr_scheduler_type": "linear",
    "num_train_epochs": 3.0,
    "max_steps": -1,
    "gradient_accumulation_steps": 1,
    "world_size": 1,
    "warmup_steps": 0,
    "warmup_ratio": 0.0,
    "lr_scheduler_kwargs": {},
    "dataloader_drop_last": False,
}

#: ``lr_scheduler_type`` -> (the schedule in ``SCHEDULES`` that computes it, the
#: ``lr_scheduler_kwargs`` transformers passes on to it; ``None``: transformers ignores them).
SCHEDULER_TYPES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "linear": ("linear_schedule_with_warmup", ()),
    "cosine": ("cosine_schedule_with_warmup", ("num_cycles",)),
    "cosine_with_restarts": ("cosine_with_hard_restarts_schedule_with_warmup", ("num_cycles",)),
    "polynomial": ("polynomial_decay_schedule_with_warmup", ("lr_end", "power")),
    "constant": ("constant_schedule_with_warmup", None),
    "constant_with_warmup": ("constant_schedule_with_warmup", None),
    "inverse_sqrt": ("inverse_sqrt_schedule", ("timescale",)),
    "cosine_with_min_lr": (
        "cosine_with_min_lr_schedule_with_warmup",
        ("num_cycles", "min_lr", "min_lr_rate"),
    ),
    "cosine_warmup_with_min_lr": (
        "cosine_with_min_lr_schedule_with_warmup_lr_rate",
        ("num_cycles", "min_lr", "min_lr_rate", "warmup_lr_rate"),
    ),
    "warmup_stable_decay": (
        "warmup_stable_decay",
        (
            "num_decay_steps",
            "num_stable_steps",
            "warmup_type",
            "decay_type",
            "min_lr_ratio",
            "num_cycles",
        ),
    ),
}

#: The scheduler types driven by an evaluation metric, whose lrs no plan can say in advance.
METRIC_DRIVEN = ("reduce_lr_on_plateau", "greedy")

# The types whose lrlab schedule rejects a warmup longer than the run, where transformers just
# never leaves the warmup (and the polynomial decay, which must last at least one step).
_WARMUP_BOUNDED = ("linear", "cosine", "cosine_with_restarts", "cosine_with_min_lr", "polynomial")
# A cosine cycle shorter than this many updates cannot decay and restart visibly.
_MIN_UPDATES_PER_CYCLE = 4
# LLaMA-Factory keys that change the number of training examples the Trainer sees.
_DATA_KEYS = ("max_samples", "val_size", "packing", "streaming")

_INT_KEYS = (
    "num_examples",
    "per_device_train_batch_size",
    "max_steps",
    "gradient_accumulation_steps",
    "world_size",
)
_REAL_KEYS = ("learning_rate", "num_train_epochs", "warmup_steps", "warmup_ratio")


class Plan:
    """The lr of every optimizer update of a ``Trainer`` run, and what the settings imply.

    Built by :func:`plan`. Attributes:

    * ``lrs``: a NumPy array, the lr the optimizer uses at each update ``0 .. T - 1``;
    * ``num_training_steps``: ``T``, the number of optimizer updates;
    * ``num_update_steps_per_epoch``: the updates of one full epoch;
    * ``num_batches_per_epoch``: the batches one process loads per epoch;
    * ``num_warmup_steps``: the warmup the scheduler applies (0 for ``constant``, which ignores
      the warmup it is given);
    * ``warnings``: sentences about known mistakes in the settings (empty if none);
    * ``settings``: every key the planner read, with its value after defaults and conversions.
    """

    def __init__(
        self,
        lrs: np.ndarray,
        num_training_steps: int,
        num_update_steps_per_epoch: int,
        num_batches_per_epoch: int,
        num_warmup_steps: int,
        warnings: list[str],
        settings: dict[str, Any],
    ) -> None:
        self.lrs = lrs
        self.num_training_steps = num_training_steps
        self.num_update_steps_per_epoch = num_update_steps_per_epoch
        self.num_batches_per_epoch = num_batches_per_epoch
        self.num_warmup_steps = num_warmup_steps
        self.warnings = warnings
        self.settings = settings

    def __repr__(self) -> str:
        s = self.settings
        b, w, k = (
            s["per_device_train_batch_size"],
            s["world_size"],
            s["gradient_accumulation_steps"],
        )
        lrs, total = self.lrs, self.num_training_steps
        if s["max_steps"] > 0:
            length = f"max_steps={s['max_steps']}"
        else:
            length = f"{s['num_train_epochs']:g} epochs"
        peak = int(np.argmax(lrs))
        lines = [
            f"Plan: {s['lr_scheduler_type']} schedule, learning_rate {s['learning_rate']:g}, "
            f"{length} of {s['num_examples']} examples",
            f"  batches per epoch : {self.num_batches_per_epoch} per process "
            f"({b} example{'s' if b > 1 else ''} x {w} process{'es' if w > 1 else ''}"
            f"{', last one dropped' if s['dataloader_drop_last'] else ''})",
            f"  updates per epoch : {self.num_update_steps_per_epoch} "
            f"(gradient_accumulation_steps={k}: {b * w * k} examples per update)",
            f"  updates           : {total} (num_training_steps)",
            f"  warmup            : {self.num_warmup_steps} updates"
            f" ({self.num_warmup_steps / total:.1%} of the run)",
            f"  lr                : first {lrs[0]:.4g}, peak {lrs[peak]:.4g} at update {peak}, "
            f"last {lrs[-1]:.4g} at update {total - 1}",
        ]
        if self.warnings:
            lines.append("warnings:")
            lines += [f"  - {sentence}" for sentence in self.warnings]
        else:
            lines.append("warnings: none")
        return "\n".join(lines)

    def plot(self, ax: Any = None) -> Any:
        """Draw the lr of every update (steps-post), the warmup's end and the epochs' ends.

        Args:
            ax: a matplotlib axis to draw into; ``None`` draws a new figure.

        Returns:
            The matplotlib figure drawn on (it shows itself in Jupyter).
        """
        from lrlab.plotting import plot_curves  # matplotlib only when a plot is asked for

        s = self.settings
        fig = plot_curves(
            {s["lr_scheduler_type"]: self.lrs},
            steps=self.num_training_steps,
            ax=ax,
            title=f"{self.num_training_steps} updates, {self.num_warmup_steps} of warmup",
            xlabel="optimizer update",
            ylabel="learning rate",
            drawstyle="steps-post",
        )
        axis = ax if ax is not None else fig.axes[0]
        if 0 < self.num_warmup_steps <= self.num_training_steps:
            axis.axvline(self.num_warmup_steps, color="0.4", linestyle="--", linewidth=0.8)
        per_epoch = self.num_update_steps_per_epoch
        for end in range(per_epoch, self.num_training_steps, per_epoch):
            axis.axvline(end, color="0.8", linewidth=0.6)
        return fig


def plan(config: Mapping[str, Any] | str | Path | None = None, /, **settings: Any) -> Plan:
    """Plan a ``transformers.Trainer`` run: the lr at every optimizer update, and the mistakes.

    Args:
        config: a dict of settings, or the path of a YAML file holding one (a LLaMA-Factory
            config, say); keys the planner does not read are ignored (a near-miss of one it
            reads is reported in ``warnings``).
        **settings: settings that override ``config``'s. The keys, spelled as
            ``TrainingArguments`` and LLaMA-Factory spell them (defaults in :data:`DEFAULTS`):
            ``num_examples`` (the training set's size, required), ``per_device_train_batch_size``,
            ``learning_rate``, ``lr_scheduler_type``, ``num_train_epochs``, ``max_steps``,
            ``gradient_accumulation_steps``, ``world_size`` (the number of data-parallel
            processes), ``warmup_steps`` (a float below 1 is a fraction of the run, as in
            transformers 5), ``warmup_ratio``, ``lr_scheduler_kwargs`` (a dict or a JSON string,
            passed on as the ``Trainer`` does) and ``dataloader_drop_last``. Numbers written as
            strings (PyYAML reads ``1e-4`` as one) are converted.

    ``warmup_ratio`` is the older spelling that transformers 5 removed from
    ``TrainingArguments``; LLaMA-Factory configs still use it, so the planner reads it as
    transformers 4 did: a fraction in ``[0, 1]``, ``ceil(T * warmup_ratio)`` steps, used only
    when ``warmup_steps`` is 0 (``warmup_ratio`` 1.0 is the whole run, where ``warmup_steps`` 1.0
    is one step).

    Every ``lr_scheduler_type`` of transformers 5 is planned but the metric-driven ones
    (:data:`METRIC_DRIVEN`: ``reduce_lr_on_plateau``, ``greedy``), whose lrs depend on the
    evaluation metrics: for those :func:`plan` raises a ``ValueError``. ``cosine_warmup_with_min_lr``
    needs the schedule ``cosine_with_min_lr_schedule_with_warmup_lr_rate`` in lrlab's registry, and
    raises a ``ValueError`` where this lrlab lacks it.

    Returns:
        A :class:`Plan`.

    Raises:
        ValueError: naming the key and its value, for a missing or invalid setting, a
            ``lr_scheduler_kwargs`` key the scheduler does not take (the ``Trainer`` would raise
            a ``TypeError``), a metric-driven scheduler, a dataset that
            ``dataloader_drop_last`` empties, or a polynomial decay whose warmup equals the run
            (the ``Trainer`` divides by zero after its last update).

    Example:
        >>> p = plan({"num_examples": 1000, "per_device_train_batch_size": 8,
        ...           "gradient_accumulation_steps": 4, "num_train_epochs": 2,
        ...           "lr_scheduler_type": "cosine", "warmup_ratio": 0.1})
        >>> p.num_update_steps_per_epoch, p.num_training_steps, p.num_warmup_steps
        (32, 64, 7)
    """
    merged, given, notes = _read_settings(config, settings)
    s = _validate(merged)
    notes += _key_notes(merged, given)
    batches, per_epoch, total = _count_updates(s, given, notes)
    warmup = _warmup_steps(s, total, notes)
    lrs, applied = _schedule(s, total, warmup, notes)
    notes += _warmup_notes(s, total, applied, lrs)
    return Plan(lrs, total, per_epoch, batches, applied, notes, s)


def _read_settings(config: Any, settings: Mapping[str, Any]) -> tuple[dict, set, list]:
    if config is None:
        base: dict[str, Any] = {}
    elif isinstance(config, (str, Path)):
        base = _load_yaml(Path(config))
    elif isinstance(config, Mapping):
        base = dict(config)
    else:
        raise ValueError(f"config must be a dict, a YAML file's path or None, got {config!r}")
    base.update(settings)
    return base, set(base), []


def _load_yaml(path: Path) -> dict[str, Any]:
    import yaml  # PyYAML: only when a file is read

    if not path.is_file():
        raise ValueError(f"config must be an existing YAML file, got config={str(path)!r}")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise ValueError(f"config {str(path)!r} must hold a mapping of keys, got {loaded!r}")
    return dict(loaded)


def _number(name: str, value: Any) -> Any:
    """A number written as a string (``"1e-4"``, ``"8"``) as a number, anything else unchanged."""
    if isinstance(value, str):
        text = value.strip()
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        raise ValueError(f"{name} must be a number, got {name}={value!r}")
    return value


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be true or false, got {name}={value!r}")
    return bool(value)


def _validate(merged: dict[str, Any]) -> dict[str, Any]:
    s = {key: merged.get(key, default) for key, default in DEFAULTS.items()}
    if s["num_examples"] is None:
        raise ValueError(
            "num_examples (the training set's size) is required, got num_examples=None: pass "
            "num_examples=... (or --num-examples on the command line)"
        )
    for key in _INT_KEYS:
        value = _number(key, s[key])
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        s[key] = check_int(key, value, None if key == "max_steps" else 1)
    for key in _REAL_KEYS:
        value = _number(key, s[key])
        s[key] = check_real(key, value, low=0.0, high=1.0 if key == "warmup_ratio" else None)
        if key == "warmup_steps" and isinstance(value, numbers.Integral):
            s[key] = int(value)  # 1 is one step; 1.0 is one step too, but worth a warning
    if s["max_steps"] <= 0 and s["num_train_epochs"] <= 0:
        raise ValueError(
            "num_train_epochs must be > 0 when max_steps <= 0 (the run would make no update), "
            f"got num_train_epochs={s['num_train_epochs']!r}, max_steps={s['max_steps']!r}"
        )
    name = s["lr_scheduler_type"]
    name = getattr(name, "value", name)  # a transformers SchedulerType
    if name in METRIC_DRIVEN:
        raise ValueError(
            f"lr_scheduler_type={name!r} sets the lr from evaluation metrics, which no plan knows "
            "in advance: plan one of " + ", ".join(repr(n) for n in SCHEDULER_TYPES)
        )
    s["lr_scheduler_type"] = check_choice("lr_scheduler_type", name, tuple(SCHEDULER_TYPES))
    s["dataloader_drop_last"] = _flag("dataloader_drop_last", s["dataloader_drop_last"])
    s["lr_scheduler_kwargs"] = _scheduler_kwargs(s["lr_scheduler_kwargs"])
    return s


def _scheduler_kwargs(value: Any) -> dict[str, Any]:
    """``lr_scheduler_kwargs`` as ``TrainingArguments`` reads it: a dict, or a JSON string."""
    if value is None:
        return {}
    if isinstance(value, str):
        text = value
        try:
            value = json.loads(text) if text.strip().startswith("{") else None
        except json.JSONDecodeError:
            value = None
        if value is None:
            raise ValueError(
                f"lr_scheduler_kwargs must be a dict or a JSON object, got lr_scheduler_kwargs={text!r}"
            )
    if not isinstance(value, Mapping):
        raise ValueError(f"lr_scheduler_kwargs must be a dict, got lr_scheduler_kwargs={value!r}")
    out = {}
    for key, item in value.items():  # transformers' _convert_str_dict: "true", "3", "0.1"
        if isinstance(item, str) and item.strip().lower() in ("true", "false"):
            item = item.strip().lower() == "true"
        elif isinstance(item, str):
            try:
                item = _number(f"lr_scheduler_kwargs[{key!r}]", item)
            except ValueError:
                pass  # a string argument ("cosine", "1-sqrt")
        out[str(key)] = item
    return out


def _key_notes(merged: dict[str, Any], given: set[str]) -> list[str]:
    notes = []
    unknown = sorted(k for k in given if k not in DEFAULTS and isinstance(k, str))
    for key in unknown:
        close = difflib.get_close_matches(key, list(DEFAULTS), n=1, cutoff=0.85)
        if close:
            notes.append(
                f"the key {key!r} is not one the planner reads (ignored): did you mean {close[0]!r}?"
            )
    data = [f"{k}={merged[k]!r}" for k in _DATA_KEYS if merged.get(k) not in (None, False, 0)]
    if data:
        notes.append(
            f"the config sets {', '.join(data)}: num_examples must count the training examples "
            "left after them (LLaMA-Factory samples, splits or packs the data first)."
        )
    return notes


def _count_updates(s: dict[str, Any], given: set[str], notes: list[str]) -> tuple[int, int, int]:
    n, b, w, k = (
        s["num_examples"],
        s["per_device_train_batch_size"],
        s["world_size"],
        s["gradient_accumulation_steps"],
    )
    # get_train_dataloader + accelerate's sharding: the batches of one process per epoch.
    batches = epoch_batches(n, b, w, drop_last=s["dataloader_drop_last"])
    if batches == 0:
        raise ValueError(
            f"dataloader_drop_last=True drops every example: num_examples={n!r} is fewer than one "
            f"batch per process (per_device_train_batch_size={b!r} x world_size={w!r}), so the "
            "Trainer makes no update"
        )
    per_epoch = updates_per_epoch(batches, k)
    if s["max_steps"] > 0:
        total = s["max_steps"]
        if "num_train_epochs" in given:
            notes.append(
                f"max_steps={total} overrides num_train_epochs={s['num_train_epochs']:g}: the run "
                f"is {total} updates ({total / per_epoch:.3g} epochs of {per_epoch} updates)."
            )
    else:
        product = s["num_train_epochs"] * per_epoch
        total = run_updates(s["num_train_epochs"], per_epoch)
        if total - product > 1 - 1e-9:
            notes.append(
                f"num_train_epochs={s['num_train_epochs']:g} x {per_epoch} updates per epoch is "
                f"{product!r} in floating point, which the Trainer rounds up to {total} updates."
            )
    if batches % k:
        notes.append(
            f"gradient_accumulation_steps={k} does not divide the {batches} batches of an epoch: "
            f"its last update averages {batches % k} of them, not {k}."
        )
    return batches, per_epoch, total


def _warmup_steps(s: dict[str, Any], total: int, notes: list[str]) -> int:
    """``TrainingArguments.get_warmup_steps``, with ``warmup_ratio`` as transformers 4 read it."""
    steps, ratio = s["warmup_steps"], s["warmup_ratio"]
    if steps > 0 and ratio > 0:
        notes.append(
            f"both warmup_steps={steps!r} and warmup_ratio={ratio!r} are set: warmup_steps wins "
            "and warmup_ratio is ignored."
        )
    if steps >= 1:
        if isinstance(steps, float) and not steps.is_integer():
            notes.append(f"warmup_steps={steps!r} is truncated to {int(steps)} steps.")
        elif isinstance(steps, float) and steps == 1.0:
            notes.append(
                "warmup_steps=1.0 is one step, not the whole run: a fraction of the run must be "
                "below 1."
            )
        return warmup_updates(steps, total)
    key, fraction = ("warmup_steps", steps) if steps > 0 else ("warmup_ratio", ratio)
    product = total * fraction
    warmup = fraction_updates(fraction, total)
    if 0 < product < 1 and s["lr_scheduler_type"] != "constant":  # constant: no warmup at all
        notes.append(
            f"{key}={fraction!r} of {total} updates is {product:.3g} of an update: the Trainer "
            "rounds it up to 1 warmup step, a first update at lr 0 and no other warmup (code "
            "that floors it gets none)."
        )
    elif warmup - product > 1 - 1e-9:
        notes.append(
            f"{key}={fraction!r} x {total} updates is {product!r} in floating point, which the "
            f"Trainer rounds up to {warmup} warmup steps."
        )
    return warmup


def _schedule(
    s: dict[str, Any], total: int, warmup: int, notes: list[str]
) -> tuple[np.ndarray, int]:
    """The lrs of updates ``0 .. total - 1`` from lrlab's schedule, and the warmup applied."""
    kind, lr = s["lr_scheduler_type"], s["learning_rate"]
    name, accepted = SCHEDULER_TYPES[kind]
    kwargs = dict(s["lr_scheduler_kwargs"])
    if accepted is None:
        if kwargs:
            notes.append(
                f"lr_scheduler_kwargs={kwargs!r} are ignored: transformers passes none to {kind!r}."
            )
        kwargs = {}
    else:
        for key in kwargs:
            if key not in accepted:
                takes = ", ".join(accepted) or "no lr_scheduler_kwargs"
                raise ValueError(
                    f"lr_scheduler_kwargs has {key}={kwargs[key]!r}, which lr_scheduler_type="
                    f"{kind!r} does not take (it takes {takes}; the Trainer would raise a "
                    "TypeError)"
                )
    if name not in SCHEDULES:
        raise ValueError(
            f"lr_scheduler_type={kind!r} needs the schedule {name!r}, which this lrlab's "
            "registry does not have"
        )
    fn, steps = SCHEDULES[name], np.arange(total)
    if kind == "constant":
        if warmup:
            notes.append(
                f"lr_scheduler_type='constant' ignores the warmup ({warmup} step"
                f"{'s' if warmup > 1 else ''}): transformers "
                "builds it without one; use 'constant_with_warmup' to warm up."
            )
        return np.asarray(fn(steps, lr, 0), dtype=float), 0
    if kind == "constant_with_warmup":
        return np.asarray(fn(steps, lr, warmup), dtype=float), warmup
    if kind == "inverse_sqrt":
        return np.asarray(fn(steps, lr, warmup, **kwargs), dtype=float), warmup
    if kind == "warmup_stable_decay":
        return _wsd(fn, steps, lr, warmup, total, kwargs, notes), warmup
    if kind == "cosine_with_min_lr" and "min_lr" in kwargs:
        if "min_lr_rate" in kwargs:
            raise ValueError(
                "lr_scheduler_kwargs must set one of min_lr and min_lr_rate, got "
                f"min_lr={kwargs['min_lr']!r}, min_lr_rate={kwargs['min_lr_rate']!r}"
            )
        min_lr = check_real(
            "lr_scheduler_kwargs['min_lr']", _number("min_lr", kwargs.pop("min_lr"))
        )
        if lr == 0:
            raise ValueError("learning_rate must be > 0 when min_lr is set, got learning_rate=0")
        kwargs["min_lr_rate"] = min_lr / lr  # as transformers: min_lr / optimizer.defaults["lr"]
    elif kind == "cosine_with_min_lr" and "min_lr_rate" not in kwargs:
        raise ValueError(
            "lr_scheduler_type='cosine_with_min_lr' needs min_lr or min_lr_rate in "
            f"lr_scheduler_kwargs, got lr_scheduler_kwargs={s['lr_scheduler_kwargs']!r}"
        )
    if kind == "cosine_with_restarts" and warmup < total:
        _restart_notes(kwargs.get("num_cycles", 1), total, warmup, notes)
    horizon = total
    if kind in _WARMUP_BOUNDED and warmup >= total:
        if kind == "polynomial" and warmup == total:
            raise ValueError(
                f"a polynomial decay needs warmup < the run, got {warmup} warmup steps for "
                f"{total} updates (warmup_steps={s['warmup_steps']!r}, warmup_ratio="
                f"{s['warmup_ratio']!r}): transformers divides by zero after the last update"
            )
        # Every update lies in the warmup, which does not depend on the run's length: evaluate
        # the schedule as if the run outlasted the warmup (lrlab rejects a longer warmup).
        horizon = warmup + 1
    return np.asarray(fn(steps, lr, warmup, horizon, **kwargs), dtype=float), warmup


def _wsd(fn, steps, lr, warmup, total, kwargs, notes) -> np.ndarray:
    """Warmup-stable-decay as ``get_wsd_schedule`` builds it from the run's length."""
    if "num_decay_steps" not in kwargs:
        raise ValueError(
            "lr_scheduler_type='warmup_stable_decay' needs num_decay_steps in "
            f"lr_scheduler_kwargs, got lr_scheduler_kwargs={kwargs!r}"
        )
    decay = kwargs.pop("num_decay_steps")
    decay = check_int("lr_scheduler_kwargs['num_decay_steps']", _number("num_decay_steps", decay))
    stable = kwargs.pop("num_stable_steps", None)
    if stable is None:
        stable = total - warmup - decay
    stable = check_int("lr_scheduler_kwargs['num_stable_steps']", stable)
    if stable >= 0:
        return np.asarray(fn(steps, lr, warmup, stable, decay, **kwargs), dtype=float)
    # A negative stable phase: transformers' decay starts part-way through its curve, -stable
    # steps in; the warmup is the same as with no stable phase.
    notes.append(
        f"warmup ({warmup}) + num_decay_steps ({decay}) is longer than the run ({total} updates): "
        f"the stable phase is {stable} steps, so the decay starts {-stable} steps into its curve "
        "(and the warmup may never end)."
    )
    shifted = np.where(steps < warmup, steps, steps - stable)
    return np.asarray(fn(shifted, lr, warmup, 0, decay, **kwargs), dtype=float)


def _restart_notes(num_cycles: Any, total: int, warmup: int, notes: list[str]) -> None:
    cycles = _number("num_cycles", num_cycles)
    if not isinstance(cycles, numbers.Real) or cycles <= 0:
        return  # the schedule reports it
    length = (total - warmup) / cycles
    if length < _MIN_UPDATES_PER_CYCLE:
        notes.append(
            f"num_cycles={cycles!r} restarts in {total - warmup} updates after warmup: each cycle "
            f"lasts {length:.3g} updates, too short to decay and restart (at least "
            f"{_MIN_UPDATES_PER_CYCLE} each)."
        )


def _warmup_notes(s: dict[str, Any], total: int, warmup: int, lrs: np.ndarray) -> list[str]:
    if warmup > total:
        peak = s["learning_rate"]
        share = f", {lrs[-1] / peak:.1%} of it" if peak > 0 else ""
        return [
            f"the warmup ({warmup} steps) is longer than the run ({total} updates): the lr "
            f"never reaches learning_rate={peak:g}; the last update uses {lrs[-1]:.4g}{share}."
        ]
    if warmup > 0 and 2 * warmup >= total:
        return [
            f"the warmup covers {warmup / total:.0%} of the run ({warmup} of {total} updates): "
            "half of it or more, leaving little time at and after the peak."
        ]
    return []


def main(argv: list[str] | None = None) -> int:
    """``python -m lrlab.plan CONFIG.yaml [--num-examples N] [--plot FILE]``: print the plan."""
    parser = argparse.ArgumentParser(
        prog="python -m lrlab.plan",
        description="The lr at every optimizer update of a Hugging Face Trainer run.",
    )
    parser.add_argument("config", help="a YAML file of TrainingArguments / LLaMA-Factory keys")
    parser.add_argument("--num-examples", type=int, help="the training set's size")
    parser.add_argument("--plot", metavar="FILE", help="save the lr curve to FILE (png, svg, pdf)")
    args = parser.parse_args(argv)
    overrides = {} if args.num_examples is None else {"num_examples": args.num_examples}
    try:
        result = plan(args.config, **overrides)
    except ValueError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    print(result)
    if args.plot:
        result.plot().savefig(args.plot, dpi=120)
        print(f"lr curve saved to {args.plot}")
    return 0


class _CallableModule(types.ModuleType):
    """This module, callable: ``lrlab.plan(...)`` is :func:`plan`."""

    def __call__(self, config: Any = None, /, **settings: Any) -> Plan:
        return plan(config, **settings)


sys.modules[__name__].__class__ = _CallableModule

if __name__ == "__main__":
    sys.exit(main())
