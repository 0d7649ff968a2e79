"""The explorer: :func:`explore` builds an :class:`Explorer`, shown live or as a static page.

See :mod:`lrlab.widgets` for the parameters, the default controls and the static grid.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import itertools
import json
import math
import numbers
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import numpy as np

from lrlab.schedules import registry
from lrlab.widgets._grid import DATA_BYTES, MAX_POINTS, encode, grid_keys, grid_plan, widen
from lrlab.widgets._layers import dedupe_labels, fixed_layer, make_layer
from lrlab.widgets._svg import PALETTE, WIDTH, Frame, control_row, make_frame, readout, svg

__all__ = ["Explorer", "explore"]

_FALLBACK = "Run this cell, or trust the notebook, to move the sliders."
_UIDS = itertools.count()


@functools.cache
def _static_asset(name: str) -> str:
    return resources.files("lrlab.widgets").joinpath("static", name).read_text(encoding="utf-8")


class Explorer:
    """Sliders over a schedule's parameters and the curves they give; see :func:`explore`.

    ``values`` holds the current parameter values of the explored schedule (updated by the
    sliders); ``widget`` is the live ipywidgets view; ``to_html()`` the static page.
    """

    def __init__(self, layers: list, values: list, steps: int, title: str | None):
        self._layers = layers
        self.steps = steps
        self.title = title if title is not None else " vs ".join(layer.label for layer in layers)
        self._values = [dict(v) for v in values]
        self._x = self._sample_steps(layers, steps)
        self._curves: list = [None] * len(layers)
        self._errors: list = [""] * len(layers)
        self._cursor = len(self._x) - 1
        self._widget = None
        self._sliders: list = [{} for _ in layers]
        self._frame: Frame | None = None
        for i in range(len(layers)):
            self._update(i)
            if self._curves[i] is None:
                raise ValueError(
                    f"explore: {layers[i].label} fails at its initial values: {self._errors[i]}"
                )

    @staticmethod
    def _sample_steps(layers: list, steps: int) -> np.ndarray:
        n = next((layer.metrics.size for layer in layers if layer.metrics is not None), steps)
        if n <= MAX_POINTS:
            return np.arange(n)
        return np.unique(np.round(np.linspace(0, n - 1, MAX_POINTS)).astype(int))

    # -- state ---------------------------------------------------------------------------------

    @property
    def values(self) -> dict:
        """The current parameter values of the explored schedule (the first one)."""
        return dict(self._values[0])

    def curve(self, kind: str = "lr", layer: int = 0) -> np.ndarray | None:
        """The drawn ``kind`` curve of a layer at the current values (None after an error)."""
        return None if self._curves[layer] is None else self._curves[layer][kind].copy()

    @property
    def x(self) -> np.ndarray:
        """The steps (or epochs) at which the curves are drawn."""
        return self._x.copy()

    def _update(self, i: int) -> None:
        try:
            self._curves[i], self._errors[i] = (
                self._layers[i].evaluate(self._x, self._values[i]),
                "",
            )
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
            self._curves[i], self._errors[i] = None, f"{type(err).__name__}: {err}"

    # -- the static page -----------------------------------------------------------------------

    def _grid(self) -> dict:
        """Curves for a grid of parameter values around the current ones (see module docstring)."""
        table: dict[str, int] = {}
        messages: dict[str, int] = {}
        layers, extents = [], {}
        explored = sum(1 for layer in self._layers if layer.controls)
        curve_bytes = 4 * math.ceil(4 * len(self._x) / 3) + 8  # base64 of float32, quotes, comma
        max_curves = max(1, DATA_BYTES // curve_bytes - len(self._layers)) // max(1, explored)
        for i, layer in enumerate(self._layers):
            plan, full = grid_plan(layer, self._values[i], max_curves)
            entries = {}
            for key in grid_keys(plan, full):
                values = dict(self._values[i])
                values.update((c.name, v[k]) for (c, v, _), k in zip(plan, key))
                try:
                    curves = layer.evaluate(self._x, values)
                except (ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
                    message = f"{type(err).__name__}: {err}"
                    entries[",".join(map(str, key))] = {
                        "error": messages.setdefault(message, len(messages))
                    }
                    continue
                widen(extents, curves)
                entries[",".join(map(str, key))] = [
                    table.setdefault(encode(curves[k]), len(table)) for k in layer.kinds
                ]
            layers.append(
                {
                    "label": layer.label,
                    "color": PALETTE[i % len(PALETTE)],
                    "kinds": list(layer.kinds),
                    "full": full,
                    "controls": [
                        {
                            "name": c.name,
                            "kind": c.kind,
                            "values": [
                                list(v)
                                if isinstance(v, tuple)
                                else c.label(v)
                                if callable(v)
                                else v
                                for v in v_
                            ],
                            "labels": [c.label(v) for v in v_],
                            "center": centre,
                        }
                        for c, v_, centre in plan
                    ],
                    "grid": entries,
                }
            )
        return {
            "layers": layers,
            "curves": list(table),
            "errors": list(messages),
            "extents": extents,
        }

    def to_html(self) -> str:
        """The self-contained static explorer (HTML, SVG, inline script; nothing from the network).

        It degrades to what a notebook that Jupyter does not trust keeps (its sanitizer drops
        ``<script>``, ``<style>`` and ``<svg>``): the fallback text first, inline-styled; one
        control per ``<div>``, disabled; the plot as an ``<img>`` of the SVG (a ``data:`` URI),
        which the script swaps for the same SVG inline so that it can redraw it.
        """
        grid = self._grid()
        frame = make_frame(self._x, grid.pop("extents"))
        self._frame = self._frame or frame  # the live plot starts on the same axes
        data = {"x": self._x.tolist(), "cursor": self._cursor, **grid}
        payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        uid = f"lrlab-{next(_UIDS)}-{hashlib.sha1(payload.encode()).hexdigest()[:8]}"
        controls = []
        for i, layer in enumerate(data["layers"]):
            if layer["controls"] and len(self._layers) > 1:
                controls.append(
                    f'<div class="lrlab-layer"><b>{html.escape(layer["label"])}</b></div>'
                )
            for j, c in enumerate(layer["controls"]):
                attrs = (
                    f'data-layer="{i}" data-control="{j}" '
                    f'aria-label="{html.escape(c["name"])}" disabled'
                )
                if c["kind"] == "slider":
                    field = (
                        f'<input type="range" min="0" max="{len(c["labels"]) - 1}" step="1" '
                        f'value="{c["center"]}" {attrs}>'
                    )
                else:
                    options = "".join(
                        f'<option value="{k}"{" selected" if k == c["center"] else ""}>'
                        f"{html.escape(text)}</option>"
                        for k, text in enumerate(c["labels"])
                    )
                    field = f"<select {attrs}>{options}</select>"
                controls.append(control_row(c["name"], field, c["labels"][c["center"]]))
        cursor = control_row(
            "cursor",
            f'<input type="range" class="lrlab-cursor-input" min="0" max="{len(self._x) - 1}" '
            'step="1" '
            f'value="{self._cursor}" aria-label="cursor" disabled>',
            None,
        )
        still = base64.b64encode(
            svg(frame, self._x, self._layers, self._curves, self._cursor).encode()
        ).decode()
        return (
            f'<div class="lrlab-explorer" id="{uid}">'
            f"<style>{_static_asset('explorer.css')}</style>"
            f'<div class="lrlab-title"><b>{html.escape(self.title)}</b></div>'
            '<p class="lrlab-fallback" style="background-color:#fff4d6;color:#6b4500;'
            f'padding:4px 8px">{_FALLBACK}</p>'
            f'<div class="lrlab-controls">{"".join(controls)}</div>'
            f'<img class="lrlab-still" src="data:image/svg+xml;base64,{still}" width="{WIDTH}" '
            f'alt="{html.escape(self.title)}: the curves at the values shown">'
            f"{cursor}{readout(self._x, self._layers, self._curves, self._errors, self._cursor)}"
            f'<script type="application/json" class="lrlab-data">{payload}</script>'
            f"<script>({_static_asset('explorer.js').strip().rstrip(';')})"
            f'(document.getElementById("{uid}"));</script>'
            f"</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    # -- the live widget -----------------------------------------------------------------------

    @property
    def widget(self):
        """The live ipywidgets view (sliders, plot and readout), built on first use."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def slider(self, name: str, layer: int = 0):
        """The ipywidgets control of parameter ``name`` (of the ``layer``-th explored schedule)."""
        self.widget  # noqa: B018 - builds the controls
        try:
            return self._sliders[layer][name]
        except KeyError:
            movable = ", ".join(self._sliders[layer]) or "none"
            raise ValueError(
                f"explore: {name!r} has no control here (controls: {movable})"
            ) from None

    def _build_widget(self):
        import ipywidgets as W

        if self._frame is None:
            self._frame = make_frame(self._x, self._grid()["extents"])
        rows = [W.HTML(f"<b>{html.escape(self.title)}</b>")]
        for i, layer in enumerate(self._layers):
            movable = [c for c in layer.controls.values() if c.kind != "fixed"]
            if movable and len(self._layers) > 1:
                rows.append(
                    W.HTML(
                        f'<span style="color:{PALETTE[i % len(PALETTE)]}">&#9632;</span> '
                        f"{html.escape(layer.label)}"
                    )
                )
            for c in movable:
                common = {
                    "value": self._values[i][c.name],
                    "description": c.name,
                    "style": {"description_width": "140px"},
                }
                if c.kind == "dropdown":
                    w = W.Dropdown(options=[(c.label(o), o) for o in c.options], **common)
                else:
                    common.update(min=c.lo, max=c.hi, step=c.step, layout=W.Layout(width="420px"))
                    if c.integer:
                        w = W.IntSlider(**common)
                    else:
                        w = W.FloatSlider(readout_format=f".{c.decimals}f", **common)
                w.observe(functools.partial(self._on_change, i, c.name), names="value")
                self._sliders[i][c.name] = w
                rows.append(w)
        self._cursor_widget = W.IntSlider(
            min=0,
            max=len(self._x) - 1,
            value=self._cursor,
            description="cursor",
            readout=False,
            style={"description_width": "140px"},
            layout=W.Layout(width="420px"),
        )
        self._cursor_widget.observe(self._on_cursor, names="value")
        self._plot = W.HTML(self._draw())
        self._readout_widget = W.HTML(self._readout_html())
        return W.VBox([*rows, self._plot, self._cursor_widget, self._readout_widget])

    def _draw(self) -> str:
        extents: dict = {}
        for curves in self._curves:
            if curves is not None:
                widen(extents, curves)
        frame = self._frame
        grow = {
            k: (min(lo, frame.panels[k][0]), max(hi, frame.panels[k][1]))
            for k, (lo, hi) in extents.items()
            if lo < frame.panels[k][0] or hi > frame.panels[k][1]
        }
        if grow:  # a curve left the axes: widen them (never narrow, so moves stay comparable)
            self._frame = frame = make_frame(
                self._x, {k: (v[0], v[1]) for k, v in frame.panels.items()} | grow
            )
        return svg(frame, self._x, self._layers, self._curves, self._cursor)

    def _readout_html(self) -> str:
        return readout(self._x, self._layers, self._curves, self._errors, self._cursor)

    def _on_change(self, layer: int, name: str, change: dict) -> None:
        self._values[layer][name] = change["new"]
        self._update(layer)
        self._plot.value = self._draw()
        self._readout_widget.value = self._readout_html()

    def _on_cursor(self, change: dict) -> None:
        self._cursor = change["new"]
        self._plot.value = self._draw()
        self._readout_widget.value = self._readout_html()

    # -- display -------------------------------------------------------------------------------

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        try:
            view = self.widget._repr_mimebundle_()
        except ImportError:  # no ipywidgets: the static explorer alone
            view = {}
        if view and "application/vnd.jupyter.widget-view+json" in view:
            bundle["application/vnd.jupyter.widget-view+json"] = view[
                "application/vnd.jupyter.widget-view+json"
            ]
        return bundle

    def __repr__(self) -> str:
        parts = []
        for layer, values in zip(self._layers, self._values):
            shown = ", ".join(
                f"{k}={values[k]!r}" for k, c in layer.controls.items() if c.kind != "fixed"
            )
            parts.append(f"{layer.label}({shown})")
        return f"Explorer({'; '.join(parts)}, steps={self.steps})"


def explore(
    schedule: Callable,
    *,
    steps: int = 200,
    compare: Sequence | None = None,
    title: str | None = None,
    **params: Any,
) -> Explorer:
    """Sliders over ``schedule``'s parameters, its curve redrawn as they move.

    Args:
        schedule: a pure schedule, e.g. ``lrlab.cosine_annealing_lr`` (its first argument is the
            step; ``lrlab.reduce_lr_on_plateau``'s is the metrics).
        steps: the number of steps drawn, ``0 .. steps - 1``.
        compare: further schedules on the same axes: callables of the step (drawn fixed) or
            other explorers (drawn live, with their sliders).
        title: shown above the plot; by default the schedules' names.
        **params: one keyword per parameter: a number (fixed), ``(lo, hi)`` or
            ``(lo, hi, step)`` (a slider), a list (a dropdown). For ``reduce_lr_on_plateau`` also
            ``metrics`` (the metric curve) and ``noise`` (its noise level, a number or a range).

    Returns:
        An :class:`Explorer`; display it (the last expression of a cell).

    Raises:
        ValueError: naming the argument, for an unknown parameter, a bad range, a bad ``compare``
            entry, or parameters at which the schedule itself fails.

    Example:
        >>> import lrlab
        >>> ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=300)
        >>> ex.values  # T_max's rule value, 300, is out of range: the slider starts mid-range
        {'base_lr': 0.1, 'T_max': 105, 'eta_min': 0.0}
        >>> float(ex.curve()[105])  # the bottom of the first half-cosine
        0.0
    """
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 2:
        raise ValueError(f"explore: steps must be an integer >= 2, got {steps!r}")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"explore: title must be a string, got {title!r}")
    metrics, noise = params.pop(registry.METRIC_INPUT, None), params.pop("noise", None)
    layer = make_layer(schedule, int(steps), params, metrics, noise)
    layers, values = [layer], [{name: c.value for name, c in layer.controls.items()}]
    if compare is not None:
        if not isinstance(compare, (list, tuple)):
            raise ValueError(
                f"explore: compare must be a list of schedules or explorers, got {compare!r}"
            )
        for k, item in enumerate(compare):
            if isinstance(item, Explorer):
                if item.steps != steps:
                    raise ValueError(
                        f"explore: compare[{k}] explores {item.steps} steps, this explorer"
                        f" {steps}: give both the same steps"
                    )
                layers.extend(item._layers)  # drawn from its current values
                values.extend(item._values)
            elif callable(item):
                layer = fixed_layer(item, k)
                try:
                    layer.evaluate(np.arange(2), {})
                except Exception as err:  # noqa: BLE001 - reported as the reader's bad argument
                    raise ValueError(
                        f"explore: compare[{k}] ({layer.label}) must be a callable of the step "
                        "alone "
                        f"(e.g. functools.partial(schedule, base_lr=...)); calling it failed: {err}"
                    ) from None
                layers.append(layer)
                values.append({})
            else:
                raise ValueError(
                    f"explore: compare[{k}] must be a callable of the step or an Explorer, "
                    f"got {item!r}"
                )
    return Explorer(dedupe_labels(layers), values, int(steps), title)
