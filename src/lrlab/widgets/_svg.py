"""Drawing: axes and curves as SVG; the static page's script draws paths the same way."""

from __future__ import annotations

import dataclasses
import html
import json
import math

import numpy as np

from lrlab.widgets._controls import fmt, nice_step

__all__ = [
    "PALETTE",
    "WIDTH",
    "Frame",
    "axis_range",
    "make_frame",
    "svg_path",
    "svg",
    "readout",
    "control_row",
]

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


WIDTH, _LEFT, _RIGHT, _TOP = 640, 58, 14, 18
_PANEL_HEIGHT = {"lr": 210, "momentum": 90, "metric": 90}
_GAP, _BOTTOM = 30, 30


@dataclasses.dataclass(frozen=True)
class Frame:
    """Data ranges and pixel boxes: x over ``x0..x1``, each panel ``(y0, y1, bottom, top)``."""

    x0: float
    x1: float
    yticks: dict  # panel -> tick values
    panels: dict  # panel -> (y0, y1, pixel bottom, pixel top)

    @property
    def height(self) -> int:
        return int(max(p[2] for p in self.panels.values())) + _BOTTOM

    def px(self, x: np.ndarray) -> np.ndarray:
        return _LEFT + (np.asarray(x, float) - self.x0) / (self.x1 - self.x0) * (
            WIDTH - _LEFT - _RIGHT
        )

    def py(self, panel: str, y: np.ndarray) -> np.ndarray:
        y0, y1, bottom, top = self.panels[panel]
        return bottom + (np.clip(y, y0, y1) - y0) / (y1 - y0) * (top - bottom)

    def to_json(self) -> dict:
        return {
            "x": [self.x0, self.x1, _LEFT, WIDTH - _RIGHT],
            "panels": {k: list(v) for k, v in self.panels.items()},
        }


def axis_range(lo: float, hi: float, from_zero: bool) -> tuple[float, float, list]:
    """Nice ``(lo, hi, ticks)`` covering ``[lo, hi]``."""
    if from_zero:
        lo = min(lo, 0.0)
    if hi - lo <= 1e-12 * max(abs(hi), 1e-300):
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = (lo if from_zero else lo - pad), hi + pad
    step = nice_step(hi - lo, 5)
    lo, hi = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    ticks = [float(f"{lo + k * step:.12g}") for k in range(round((hi - lo) / step) + 1)]
    return ticks[0], ticks[-1], ticks


def make_frame(x: np.ndarray, extents: dict) -> Frame:
    """A frame for the panels in ``extents`` (panel -> (min, max) of its curves)."""
    panels, yticks, top = {}, {}, _TOP
    for panel in ("lr", "momentum", "metric"):
        if panel not in extents:
            continue
        lo, hi, ticks = axis_range(*extents[panel], from_zero=panel == "lr")
        bottom = top + _PANEL_HEIGHT[panel]
        panels[panel] = (lo, hi, bottom, top)
        yticks[panel] = ticks
        top = bottom + _GAP
    return Frame(float(x[0]), float(max(x[-1], x[0] + 1)), yticks, panels)


def svg_path(frame: Frame, panel: str, x: np.ndarray, y: np.ndarray) -> str:
    """The SVG path of the curve ``y`` over ``x`` in ``panel``."""
    px, py = frame.px(x), frame.py(panel, y)
    return "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(px.tolist(), py.tolist()))


def svg(frame: Frame, x: np.ndarray, layers: list, curves: list, cursor: int) -> str:
    """The whole plot. ``curves[i]`` is layer i's ``{kind: values}`` (None after an error).

    The ``<svg>`` carries its frame as ``data-frame`` (JSON): pixel = ``left + (x - x0) / (x1 - x0)
    * (right - left)`` with ``"x": [x0, x1, left, right]``, and likewise for y in each of
    ``"panels"`` (``[y0, y1, bottom, top]``); each curve is a ``<path data-layer data-kind>``.
    """
    right = WIDTH - _RIGHT
    xt = axis_range(frame.x0, frame.x1, from_zero=False)[2]
    xt = [t for t in xt if frame.x0 <= t <= frame.x1]
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="lrlab-plot" '
        f'viewBox="0 0 {WIDTH} {frame.height}" '
        f'width="{WIDTH}" height="{frame.height}" font-family="sans-serif" font-size="11" '
        f'role="img" aria-label="{html.escape(" vs ".join(layer.label for layer in layers))}" '
        f"data-frame='{json.dumps(frame.to_json(), separators=(',', ':'))}'>",
        f'<rect width="{WIDTH}" height="{frame.height}" fill="#fff"/>',
    ]
    for panel, (_y0, _y1, bottom, top) in frame.panels.items():
        out.append(f'<g class="lrlab-axes" data-panel="{panel}" stroke="#ddd">')
        for t in frame.yticks[panel]:
            y = frame.py(panel, np.array(t))
            out.append(f'<line x1="{_LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>')
            out.append(
                f'<text x="{_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" stroke="none" '
                f'fill="#444">{fmt(t)}</text>'
            )
        for t in xt:
            px = frame.px(np.array(t))
            out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{bottom}"/>')
        out.append(
            f'<rect x="{_LEFT}" y="{top}" width="{right - _LEFT}" height="{bottom - top}" '
            'fill="none" stroke="#888"/>'
        )
        out.append(f'<text x="{_LEFT}" y="{top - 5}" stroke="none" fill="#444">{panel}</text></g>')
    last_bottom = max(p[2] for p in frame.panels.values())
    for t in xt:
        px = frame.px(np.array(t))
        out.append(
            f'<text x="{px:.1f}" y="{last_bottom + 14}" text-anchor="middle" fill="#444">'
            f"{fmt(t)}</text>"
        )
    out.append(
        f'<text x="{right}" y="{last_bottom + 27}" text-anchor="end" fill="#444">'
        f"{'epoch' if any(layer.metrics is not None for layer in layers) else 'step'}</text>"
    )
    for i, layer in enumerate(layers):
        color = PALETTE[i % len(PALETTE)]
        for kind in layer.kinds:
            panel = kind
            d = svg_path(frame, panel, x, curves[i][kind]) if curves[i] is not None else ""
            dash = ' stroke-dasharray="5,3"' if i and not layer.controls else ""
            out.append(
                f'<path class="lrlab-curve" data-layer="{i}" data-kind="{kind}" d="{d}" '
                'fill="none" '
                f'stroke="{color}" stroke-width="2"{dash}/>'
            )
    cx = frame.px(np.array(x[cursor]))
    top = min(p[3] for p in frame.panels.values())
    out.append(
        f'<line class="lrlab-cursor" x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" y2="{last_bottom}" '
        f'stroke="#555" stroke-dasharray="2,3"/>'
    )
    out.append("</svg>")
    return "".join(out)


def readout(x: np.ndarray, layers: list, curves: list, errors: list, cursor: int) -> str:
    """One line per layer: its colour, label, and the values at the cursor (or its error)."""
    lines = []
    for i, layer in enumerate(layers):
        color = PALETTE[i % len(PALETTE)]
        if curves[i] is None:
            text = f'<span class="lrlab-error" style="color:#b00">{html.escape(errors[i])}</span>'
        else:
            text = ", ".join(
                f"{kind} {fmt(float(curves[i][kind][cursor]))}" for kind in layer.kinds
            )
        lines.append(
            f'<div data-layer="{i}"><span style="color:{color}">&#9632;</span> '
            f"{html.escape(layer.label)}: "
            f'<span class="lrlab-value">{text}</span></div>'
        )
    where = "epoch" if any(layer.metrics is not None for layer in layers) else "step"
    at = f'<div>at {where} <b class="lrlab-at">{int(x[cursor])}</b></div>'
    return f'<div class="lrlab-readout">{at}{"".join(lines)}</div>'


def control_row(name: str, field: str, label: str | None) -> str:
    """One control on its own line (a ``<div>``, so rows stack even without the stylesheet)."""
    output = "" if label is None else f" <output>{html.escape(label)}</output>"
    name = f'<span class="lrlab-name">{html.escape(name)}</span>'
    return f'<div class="lrlab-control">{name} {field}{output}</div>'
