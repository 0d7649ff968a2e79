"""Tests of `lrlab.grading.report`: the score, the text and the Jupyter display of a report,
with the plot of the reader's curve over the reference.
"""

from __future__ import annotations

import base64
import re

from grading_utils import step_lr
from lrlab.grading import check


def test_report_counts_and_text():
    def early(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step + 1) // step_size)

    report = check("step_lr", early)
    assert report.score == sum(c.passed for c in report.checks)
    assert report.max_score == len(report.checks)
    text = str(report)
    assert text.splitlines()[0] == f"step_lr: {report.score}/{report.max_score} checks passed."
    assert "✓ signature" in text and "✗ typical run" in text
    assert "\n    Diagnosis:" in text

    class Printer:
        def __init__(self):
            self.out = ""

        def text(self, s):
            self.out += s

    p = Printer()
    report._repr_pretty_(p, False)
    assert p.out == text


def test_html_has_a_table_and_a_deterministic_plot_marking_the_first_wrong_step():
    def early(step, base_lr, step_size, gamma=0.1):
        return base_lr * gamma ** ((step + 1) // step_size)

    html = check("step_lr", early)._repr_html_()
    assert "<table" in html and html.count("<tr") == 1 + 5
    assert html == check("step_lr", early)._repr_html_()
    data = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    svg = base64.b64decode(data).decode()
    assert svg.startswith("<?xml") and "first wrong step: 29" in svg


def test_html_escapes_the_readers_text():
    def raises(step, base_lr, step_size, gamma=0.1):
        raise ValueError("<script>alert(1)</script>")

    html = check("step_lr", raises)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_figure_of_a_passed_report():
    fig = check("step_lr", step_lr).figure()
    assert fig is not None and len(fig.axes[0].lines) >= 2
