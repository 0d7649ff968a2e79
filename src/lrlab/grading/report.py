"""The result of grading an answer: :class:`Check`, :class:`Report`, and the plot of the reader's
curve over the reference one, the first wrong step marked (:class:`Curve`).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Check", "Curve", "FAILED", "GRADER_ERROR", "NOT_ATTEMPTED", "PASSED", "Report"]

#: :attr:`Report.status` of an answer not attempted yet (it raises ``NotImplementedError``).
NOT_ATTEMPTED = "not attempted"
#: :attr:`Report.status` of an answer that passed every check.
PASSED = "passed"
#: :attr:`Report.status` of an answer that failed a check.
FAILED = "failed"
#: :attr:`Report.status` when the grader itself failed (a bug of lrlab, not of the answer).
GRADER_ERROR = "grader error"


@dataclass(frozen=True)
class Check:
    """The outcome of one test of an answer: its name, whether it passed, and why (or why not)."""

    name: str
    passed: bool
    message: str
    points: int = 1


@dataclass(frozen=True)
class Curve:
    """What the report plots: the reference and the reader's values of one check.

    Attributes:
        x: the steps (or updates, metrics, ...) on the horizontal axis.
        expected, returned: the reference's and the reader's values at ``x`` (NaN where the
            reader's code gave no number).
        first_wrong: the index of the first wrong value, marked on the plot (None: none).
        title: the plot's title.
        xlabel: what ``x`` counts, e.g. ``"step"``.
        log_y: plot the lr on a log scale (where every value is positive).
    """

    x: np.ndarray
    expected: np.ndarray
    returned: np.ndarray
    first_wrong: int | None
    title: str
    xlabel: str = "step"
    log_y: bool = False


class Report:
    """The result of :func:`.check`: score, checks, notes; ``str()`` and a rich Jupyter display.

    Attributes:
        exercise_id: the id that was checked.
        title: a one-line description of the exercise.
        checks: the list of :class:`Check` s, in the order they ran.
        notes: remarks that do not change the score (vectorisation, printed output, ...).
        status: ``"passed"``, ``"failed"``, ``"not attempted"`` or ``"grader error"``.
        score, max_score: points of the passed checks, points of all checks.
        passed: every check passed (and there is at least one).
    """

    def __init__(
        self,
        exercise_id: str,
        title: str,
        checks: Sequence[Check],
        *,
        notes: Sequence[str] = (),
        status: str | None = None,
        curve: Curve | None = None,
    ):
        self.exercise_id = exercise_id
        self.title = title
        self.checks = list(checks)
        self.notes = list(notes)
        self.score = sum(c.points for c in self.checks if c.passed)
        self.max_score = sum(c.points for c in self.checks)
        self.passed = self.max_score > 0 and self.score == self.max_score
        self.status = status or (PASSED if self.passed else FAILED)
        self._curve = curve
        self._svg: str | None = None

    def __repr__(self) -> str:
        return f"<Report {self.exercise_id!r}: {self.score}/{self.max_score}, {self.status}>"

    def _headline(self) -> str:
        score = f"{self.score}/{self.max_score}"
        if self.status == NOT_ATTEMPTED:
            return (
                f"{self.exercise_id}: not attempted yet ({score}). Replace "
                "`raise NotImplementedError()` with your code, run that cell, then run "
                "this one again."
            )
        if self.status == GRADER_ERROR:
            return f"{self.exercise_id}: the grader itself failed ({score})."
        if self.passed:
            return f"{self.exercise_id}: all {len(self.checks)} checks passed ({score})."
        return f"{self.exercise_id}: {score} checks passed."

    def __str__(self) -> str:
        lines = [self._headline()]
        if self.status != NOT_ATTEMPTED:
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
        if self.status == NOT_ATTEMPTED:
            colour = "#8a6d00"
        else:
            colour = "#1a7f37" if self.passed else "#b42318"
        out = [
            '<div class="lrlab-report" style="font-family:sans-serif;max-width:56em">',
            f'<p style="font-weight:bold;color:{colour};margin:0.2em 0">'
            f"{html.escape(self._headline())}</p>",
        ]
        if self.title:
            out.append(f'<p style="margin:0.2em 0;color:#555">{html.escape(self.title)}</p>')
        if self.status != NOT_ATTEMPTED:
            out.append(
                '<table style="border-collapse:collapse;text-align:left">'
                '<tr><th style="padding:2px 8px"></th><th style="padding:2px 8px">check</th>'
                '<th style="padding:2px 8px">result</th></tr>'
            )
            for c in self.checks:
                mark = (
                    '<span style="color:#1a7f37">✓</span>'
                    if c.passed
                    else '<span style="color:#b42318">✗</span>'
                )
                out.append(
                    f'<tr style="border-top:1px solid #ddd"><td style="padding:2px 8px;'
                    f'vertical-align:top">{mark}</td><td style="padding:2px 8px;vertical-align:top;'
                    f'min-width:8em;max-width:16em">{html.escape(c.name)}</td>'
                    f'<td style="padding:2px 8px;'
                    f'white-space:pre-wrap;text-align:left">{html.escape(c.message)}</td></tr>'
                )
            out.append("</table>")
        if self.notes:
            out.append('<ul style="margin:0.3em 0">')
            out.extend(f"<li>{html.escape(n)}</li>" for n in self.notes)
            out.append("</ul>")
        svg = self._svg_data()
        if svg:
            data = base64.b64encode(svg.encode()).decode()
            out.append(
                f'<img alt="your curve over the reference curve" '
                f'src="data:image/svg+xml;base64,{data}"/>'
            )
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


def _plot(curve: Curve):
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
        ax.annotate(
            f"first wrong {curve.xlabel}: {at}",
            xy=(x[i], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            color="#b42318",
            fontsize=8,
        )
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(curve.xlabel)
    ax.set_ylabel("lr")
    ax.set_title(curve.title, fontsize=9)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
