"""The book's figures: schedules, training curves and descents on a loss surface.

Every helper draws with matplotlib's object API on a new :class:`~matplotlib.figure.Figure`
that it returns, without touching pyplot's global state: a call as the last line of a notebook
cell shows the figure exactly once (as a PNG, whatever the matplotlib backend, ``Agg`` included),
and a script can ``fig.savefig(...)`` it. Pass ``ax`` (or ``axes``) to draw into a figure of your
own instead; the helper then returns that figure.

Only NumPy and matplotlib are imported (never torch): the results of :mod:`lrlab.training` are
read through their attributes.

Example:
    >>> import functools, lrlab
    >>> fig = plot_schedules({"step": functools.partial(lrlab.step_lr, base_lr=0.1, step_size=30)},
    ...                      steps=100)
    >>> fig.axes[0].get_ylabel()
    'learning rate'
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "plot_comparison",
    "plot_curves",
    "plot_range_test",
    "plot_schedules",
    "plot_surface_paths",
    "plot_training",
]

FIGSIZE = (7.0, 3.2)
"""Width and height, in inches, of a one-panel figure (panels side by side share the height)."""


DPI = 120
"""Resolution of the PNG a figure shows itself as in Jupyter (and in the built book)."""


class _NotebookFigure(Figure):
    """A figure that displays itself in Jupyter as a PNG, with no pyplot and any backend."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        # No "Software" entry: the same figure gives the same bytes on every run.
        self.savefig(
            buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None}
        )
        return buffer.getvalue()


def _new_axes(ax: Axes | None, ncols: int = 1, width: float | None = None) -> list[Axes]:
    if ax is not None:
        return list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
    fig = _NotebookFigure(figsize=(width or FIGSIZE[0], FIGSIZE[1]), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return list(axes)


def _as_steps(steps: Any) -> np.ndarray:
    if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool):
        if steps < 1:
            raise ValueError(f"steps must be an integer >= 1 or an array of steps, got {steps!r}")
        return np.arange(int(steps))
    array = np.asarray(steps)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"steps must be an integer >= 1 or an array of steps, got {steps!r}")
    return array


def plot_curves(
    curves: Mapping[str, Callable[[np.ndarray], Any] | Any],
    steps: Any = 100,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "step",
    ylabel: str = "",
    log: bool = False,
    ylim: tuple[float, float] | None = None,
    drawstyle: str = "default",
) -> Figure:
    """Draw curves over the steps on one axis: losses, learning rates, anything indexed by the step.

    Args:
        curves: label -> a vectorised callable of the step, or the values themselves (a sequence
            as long as ``steps``; ``nan`` values leave a gap, e.g. after a divergence).
        steps: the steps to draw at: an integer ``n`` means ``0 .. n-1``.
        ax: draw into this axis instead of a new figure.
        title: the axis title.
        xlabel, ylabel: the axis labels.
        log: use a logarithmic y axis.
        ylim: the y range shown (values outside are clipped by the view).
        drawstyle: matplotlib's ``drawstyle``; ``"steps-post"`` holds each value for its step.

    Returns:
        The figure drawn on.

    Raises:
        ValueError: if ``curves`` is empty, ``steps`` is not a positive integer or a 1-D array,
            or a sequence of values has the wrong length.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(f"curves must be a non-empty mapping label -> curve, got {curves!r}")
    x = _as_steps(steps)
    (axis,) = _new_axes(ax)
    for label, curve in curves.items():
        y = np.asarray(curve(x) if callable(curve) else curve, dtype=float)
        if y.shape != x.shape:
            raise ValueError(
                f"curves[{label!r}] gives {y.shape[0] if y.ndim else 'a scalar'} values for "
                f"{len(x)} steps"
            )
        axis.plot(x, y, label=str(label), drawstyle=drawstyle)
    if log:
        axis.set_yscale("log")
    if ylim is not None:
        axis.set_ylim(*ylim)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    if title:
        axis.set_title(title)
    axis.grid(alpha=0.3)
    if len(curves) > 1 or ax is None:
        axis.legend(fontsize="small")
    return axis.figure


def plot_schedules(
    schedules: Mapping[str, Callable[[np.ndarray], Any] | Any],
    steps: Any = 100,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "step",
    ylabel: str = "learning rate",
    log: bool = False,
    drawstyle: str = "steps-post",
) -> Figure:
    """Draw learning-rate schedules on one axis (:func:`plot_curves` with learning-rate defaults).

    Args:
        schedules: label -> a schedule (a vectorised callable of the step, e.g.
            ``functools.partial(lrlab.step_lr, base_lr=0.1, step_size=30)``) or the learning
            rates themselves (a sequence as long as ``steps``, e.g. recorded from a scheduler).
        steps: the steps to evaluate at: an integer ``n`` means ``0 .. n-1``.
        ax: draw into this axis instead of a new figure.
        title: the axis title.
        xlabel, ylabel: the axis labels.
        log: use a logarithmic learning-rate axis.
        drawstyle: ``"steps-post"`` (default) draws each lr as held for its whole step, as an
            optimizer uses it; ``"default"`` joins the points by straight lines.

    Returns:
        The figure drawn on.

    Raises:
        ValueError: if ``schedules`` is empty, ``steps`` is not a positive integer or a 1-D
            array, or a sequence of learning rates has the wrong length.
    """
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError(
            f"schedules must be a non-empty mapping label -> schedule, got {schedules!r}"
        )
    return plot_curves(
        schedules,
        steps,
        ax=ax,
        title=title,
        xlabel=xlabel,
        ylabel=ylabel,
        log=log,
        drawstyle=drawstyle,
    )


def plot_training(
    runs: Mapping[str, Any],
    *,
    axes: Any = None,
    title: str | None = None,
    log_loss: bool = True,
    log_lr: bool = False,
    train_loss: bool = False,
    acc_ylim: tuple[float, float] | None = (0, 1),
) -> Figure:
    """Three panels for :func:`lrlab.training.train` runs: lr per step, validation loss and accuracy per epoch.

    Args:
        runs: label -> a :class:`lrlab.training.TrainResult` (anything with the arrays ``lr``,
            ``val_loss`` and ``val_acc``).
        axes: three axes to draw into instead of a new figure.
        title: the figure's title.
        log_loss: use a logarithmic loss axis.
        log_lr: use a logarithmic learning-rate axis (for schedules spanning decades).
        train_loss: also draw each run's mean training loss of every epoch (its
            ``epoch_train_loss``), dashed, in the loss panel, at the end of its epoch.
        acc_ylim: the accuracy axis' limits; ``None`` fits them to the curves (to tell apart
            runs that all end near 100%).

    Returns:
        The figure drawn on.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(f"runs must be a non-empty mapping label -> TrainResult, got {runs!r}")
    ax_lr, ax_loss, ax_acc = _new_axes(axes, ncols=3, width=11.0)
    for label, run in runs.items():
        epochs = np.arange(len(run.val_loss))
        per_epoch = len(run.lr) / max(len(run.val_loss) - 1, 1)
        (line,) = ax_lr.plot(
            np.arange(len(run.lr)) / per_epoch, run.lr, label=str(label), drawstyle="steps-post"
        )
        ax_loss.plot(epochs, run.val_loss, marker=".", color=line.get_color(), label=str(label))
        ax_acc.plot(epochs, run.val_acc, marker=".", color=line.get_color(), label=str(label))
        if train_loss:
            per_epoch_loss = np.asarray(run.epoch_train_loss, dtype=float)
            ax_loss.plot(
                np.arange(1, len(per_epoch_loss) + 1),
                per_epoch_loss,
                linestyle="--",
                color=line.get_color(),
            )
    ax_lr.set(xlabel="epoch", ylabel="learning rate", title="learning rate")
    loss_title = "loss (solid: validation, dashed: training)" if train_loss else "validation loss"
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title=loss_title)
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="validation accuracy")
    if acc_ylim is not None:
        ax_acc.set_ylim(*acc_ylim)
    if log_lr:
        ax_lr.set_yscale("log")
    if log_loss:
        ax_loss.set_yscale("log")
    for axis in (ax_lr, ax_loss, ax_acc):
        axis.grid(alpha=0.3)
    ax_acc.legend(fontsize="small", loc="lower right")
    if title:
        ax_lr.figure.suptitle(title)
    return ax_lr.figure


def plot_surface_paths(
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, Any],
    *,
    xlim: tuple[float, float] = (-5.0, 5.0),
    ylim: tuple[float, float] = (-2.5, 2.5),
    ax: Axes | None = None,
    levels: int = 12,
    title: str | None = None,
) -> Figure:
    """Contours of a 2-D loss with the iterates of one or more descents drawn over them.

    Args:
        loss: a vectorised function ``loss(w1, w2)`` (e.g. a :class:`lrlab.training.QuadraticBowl`).
        paths: label -> an ``(n, 2)`` array of iterates, or a run with a ``path`` attribute
            (:class:`lrlab.training.SurfaceRun`). Points outside the view are clipped; ``nan``
            rows (after a divergence) are skipped.
        xlim, ylim: the region shown.
        ax: draw into this axis instead of a new figure.
        levels: the number of contour levels (their heights above the minimum grow as squares,
            so that the flat bottom of a bowl gets contours too).
        title: the axis title.

    Returns:
        The figure drawn on.
    """
    if not isinstance(paths, Mapping) or not paths:
        raise ValueError(f"paths must be a non-empty mapping label -> iterates, got {paths!r}")
    (axis,) = _new_axes(ax, width=FIGSIZE[0])
    w1, w2 = np.meshgrid(np.linspace(*xlim, 201), np.linspace(*ylim, 201))
    z = np.asarray(loss(w1, w2), dtype=float)
    z_levels = z.min() + np.linspace(0.0, np.sqrt(z.max() - z.min()), levels) ** 2
    axis.contour(w1, w2, z, levels=z_levels, colors="0.7", linewidths=0.8)
    for label, run in paths.items():
        path = np.asarray(getattr(run, "path", run), dtype=float)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(
                f"paths[{label!r}] must be an (n, 2) array of iterates, got shape {path.shape}"
            )
        axis.plot(path[:, 0], path[:, 1], marker="o", markersize=3, linewidth=1, label=str(label))
    axis.plot([0], [0], marker="*", markersize=12, color="black", linestyle="none", label="minimum")
    axis.set(xlim=xlim, ylim=ylim, xlabel="$w_1$", ylabel="$w_2$")
    axis.set_aspect("equal")
    if title:
        axis.set_title(title)
    axis.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return axis.figure


def plot_comparison(
    metrics: Mapping[str, Mapping[str, float]],
    key: str = "val_loss",
    *,
    best: str = "min",
    baseline: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Each configuration's mean ± standard deviation of one metric: a dot and a bar per row, best on top.

    Args:
        metrics: label -> ``{key: mean, key + "_std": std, ...}``, as returned by
            :func:`lrlab.training.final_metrics`.
        key: the metric to draw, e.g. ``"val_loss"`` or ``"test_acc"``.
        best: ``"min"`` (a loss: lowest on top) or ``"max"`` (an accuracy: highest on top).
        baseline: a label of ``metrics`` to mark with a dashed vertical line at its mean.
        ax: draw into this axis instead of a new figure.
        title: the axis title.
        xlabel: the axis label (default: ``key`` with spaces).

    Returns:
        The figure drawn on. A configuration whose mean is not finite (a diverged run) is
        listed at the bottom, marked "diverged".

    Raises:
        ValueError: if ``metrics`` is empty, a row lacks ``key``, ``best`` is neither "min" nor
            "max", or ``baseline`` is not a label of ``metrics``.
    """
    if not isinstance(metrics, Mapping) or not metrics:
        raise ValueError(f"metrics must be a non-empty mapping label -> metrics, got {metrics!r}")
    if best not in ("min", "max"):
        raise ValueError(f"best must be 'min' or 'max', got {best!r}")
    if baseline is not None and baseline not in metrics:
        raise ValueError(f"baseline must be one of the labels of metrics, got {baseline!r}")
    rows = []
    for label, row in metrics.items():
        if not isinstance(row, Mapping) or key not in row:
            raise ValueError(f"metrics[{label!r}] has no {key!r}, got {row!r}")
        rows.append((str(label), float(row[key]), float(row.get(f"{key}_std", 0.0))))
    sign = 1.0 if best == "min" else -1.0
    rows.sort(key=lambda r: (not np.isfinite(r[1]), sign * r[1] if np.isfinite(r[1]) else 0.0))
    if ax is None:
        fig = _NotebookFigure(figsize=(FIGSIZE[0], 0.9 + 0.28 * len(rows)), layout="constrained")
        axis = fig.subplots()
    else:
        axis = ax
    y = np.arange(len(rows))[::-1]
    finite = [i for i, r in enumerate(rows) if np.isfinite(r[1])]
    axis.errorbar(
        [rows[i][1] for i in finite],
        y[finite],
        xerr=[rows[i][2] for i in finite],
        fmt="o",
        color="#1f77b4",
        ecolor="#1f77b4",
        capsize=3,
        markersize=4,
    )
    for i, row in enumerate(rows):
        if not np.isfinite(row[1]):
            axis.annotate(
                "diverged",
                xy=(0.02, y[i]),
                xycoords=("axes fraction", "data"),
                va="center",
                color="#b42318",
                fontsize="small",
            )
    if baseline is not None and np.isfinite(float(metrics[baseline][key])):
        axis.axvline(
            float(metrics[baseline][key]),
            color="0.4",
            linestyle="--",
            linewidth=1,
            label=f"{baseline} (mean)",
        )
        axis.legend(fontsize="small", loc="lower right" if best == "min" else "lower left")
    axis.set_yticks(y, [r[0] for r in rows])
    axis.set_ylim(-0.7, len(rows) - 0.3)
    axis.set_xlabel(xlabel or key.replace("_", " "))
    axis.grid(alpha=0.3, axis="x")
    if title:
        axis.set_title(title)
    return axis.figure


def plot_range_test(
    result: Any,
    suggestions: Mapping[str, Any] | Any = None,
    *,
    raw: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """The loss of an LR range test against the learning rate (log axis), with readings marked.

    Args:
        result: a :class:`lrlab.range_test.RangeTestResult` (anything with the arrays ``lrs``,
            ``losses`` and ``smoothed``, and ``stop_lr``: the lr at which the sweep stopped, or
            ``None``).
        suggestions: :class:`lrlab.range_test.Suggestion` s to mark (a mapping name ->
            suggestion, as ``result.suggestions()`` returns, or a sequence), or ``None``. Each
            gets a dot at the point of the curve it was read at and a dotted vertical line at the
            lr it suggests (the two differ for ``minimum_div_10``).
        raw: also draw the raw minibatch losses, thin and pale, under the smoothed curve.
        ax: draw into this axis instead of a new figure.
        title: the axis title.
        ylim: the loss range shown; default: from the lowest loss to 1.25 times the highest
            smoothed loss (the raw losses of the last, diverging steps can be far above).

    Returns:
        The figure drawn on. A sweep that stopped early gets a dashed vertical line at
        ``stop_lr``.

    Raises:
        ValueError: if ``result`` has no curves of equal, non-zero length, or a suggestion
            lacks ``lr``, ``point_lr`` or ``loss``.
    """
    try:
        lrs, losses, smoothed = (
            np.asarray(getattr(result, name), dtype=float) for name in ("lrs", "losses", "smoothed")
        )
    except (AttributeError, TypeError, ValueError):
        raise ValueError(
            f"result must have the arrays lrs, losses and smoothed (a RangeTestResult), "
            f"got {result!r}"
        ) from None
    if lrs.ndim != 1 or lrs.size == 0 or losses.shape != lrs.shape or smoothed.shape != lrs.shape:
        raise ValueError(
            f"result's lrs, losses and smoothed must be 1-D, non-empty and of the same "
            f"length, got shapes {lrs.shape}, {losses.shape}, {smoothed.shape}"
        )
    marks = (
        list(suggestions.values()) if isinstance(suggestions, Mapping) else list(suggestions or ())
    )
    for mark in marks:
        if not all(hasattr(mark, name) for name in ("lr", "point_lr", "loss")):
            raise ValueError(f"each suggestion must have lr, point_lr and loss, got {mark!r}")
    (axis,) = _new_axes(ax)
    if raw:
        axis.plot(lrs, losses, color="0.6", linewidth=0.8, alpha=0.8, label="raw loss")
    axis.plot(lrs, smoothed, color="#1f77b4", linewidth=1.8, label="smoothed loss")
    colors = ("#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
    for i, mark in enumerate(marks):
        color = colors[i % len(colors)]
        name = getattr(mark, "method", f"suggestion {i + 1}")
        axis.plot(
            [mark.point_lr],
            [mark.loss],
            marker="o",
            color=color,
            linestyle="none",
            label=f"{name}: {mark.lr:.2g}",
        )
        axis.axvline(mark.lr, color=color, linestyle=":", linewidth=1.2)
    stop = getattr(result, "stop_lr", None)
    if stop is not None:
        axis.axvline(stop, color="black", linestyle="--", linewidth=1, label=f"stopped: {stop:.2g}")
    if ylim is None:
        low = float(np.nanmin(np.concatenate([losses, smoothed])))
        high = 1.25 * float(np.nanmax(smoothed))
        ylim = (low - 0.05 * (high - low), high) if high > low else None
    if ylim is not None:
        axis.set_ylim(*ylim)
    axis.set_xscale("log")
    axis.set(xlabel="learning rate (log scale)", ylabel="loss")
    if title:
        axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    return axis.figure
