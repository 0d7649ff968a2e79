"""The static explorer in a real browser: Debian's Chromium driven by Playwright.

Each page is served from 127.0.0.1; a slider is moved as a reader would, and the drawn SVG path
is read back and compared with the schedule's own values for the new parameter. Any request to
another host, and any console error, fails the test. Screenshots go to /tmp/lrlab_*.png. The
fixtures and helpers are shared with the other browser tests (tests/browser_utils.py).

Without /usr/bin/chromium (``make browser`` installs it) the tests skip with the reason, unless
LRLAB_REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrlab
from browser_utils import (  # noqa: F401 - browser and server are fixtures
    Watched,
    browser,
    server,
)
from browser_utils import control as _control
from browser_utils import drawn as _drawn
from browser_utils import label as _label
from browser_utils import set_range as _set_range
from browser_utils import xs as _xs
from lrlab.widgets import explore

pytestmark = pytest.mark.browser

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The _config.yml settings (sphinx.config) that the book needs: drop the widget view so myst-nb
# renders the static explorer, and load no widget manager from a CDN.
BOOK_CONFIG = {
    "nb_mime_priority_overrides": [["*", WIDGET_VIEW, None]],
    "nb_ipywidgets_js": {},
}


def _write(folder: Path, name: str, body: str) -> str:
    (folder / name).write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><title>lrlab</title></head><body>{body}</body></html>'
    )
    return name


def _check_cosine_slider(page, root: str) -> None:
    """Move T_max (control 0) by keyboard and by value; the curve follows the schedule."""
    t_max = _control(root, 0, 0)
    x = _xs(page, root)
    y, tol = _drawn(page, root)
    np.testing.assert_allclose(
        y, lrlab.cosine_annealing_lr(x, 0.1, int(_label(page, t_max))), atol=tol
    )
    page.focus(t_max)
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    value = int(_label(page, t_max))
    y, tol = _drawn(page, root)
    np.testing.assert_allclose(y, lrlab.cosine_annealing_lr(x, 0.1, value), atol=tol)
    _set_range(page, t_max, 2)
    value = int(_label(page, t_max))
    y, tol = _drawn(page, root)
    np.testing.assert_allclose(y, lrlab.cosine_annealing_lr(x, 0.1, value), atol=tol)
    lr = lrlab.cosine_annealing_lr(x[-1], 0.1, value)
    assert page.text_content(
        f'{root} .lrlab-readout [data-layer="0"] .lrlab-value'
    ) == f"lr {lr:.4g}".replace("e-0", "e-")


def test_standalone_page_redraws_from_the_schedule(browser, server):
    folder, base = server
    step = functools.partial(lrlab.step_lr, base_lr=0.1, step_size=60)
    cosine = explore(
        lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=300, compare=[step]
    )
    cyclic = explore(lrlab.cyclic_lr, steps=300)
    name = _write(folder, "standalone.html", cosine.to_html() + cyclic.to_html())
    w = Watched(browser)
    try:
        w.page.goto(f"{base}/{name}")
        roots = [
            f"#{i}"
            for i in w.page.eval_on_selector_all(".lrlab-explorer", "els => els.map(e => e.id)")
        ]
        assert len(roots) == 2
        _check_cosine_slider(w.page, roots[0])
        x = _xs(w.page, roots[0])
        y, tol = _drawn(w.page, roots[0], layer=1)  # the compared schedule stays as it is
        np.testing.assert_allclose(y, step(x), atol=tol)

        # the second explorer: step_size_up (control 2) moves lr and momentum together
        root = roots[1]
        _set_range(w.page, _control(root, 0, 2), 5)
        size = int(_label(w.page, _control(root, 0, 2)))
        x = _xs(w.page, root)
        y, tol = _drawn(w.page, root)
        np.testing.assert_allclose(y, lrlab.cyclic_lr(x, 0.01, 0.1, size), atol=tol)
        y, tol = _drawn(w.page, root, kind="momentum")
        np.testing.assert_allclose(y, lrlab.cyclic_momentum(x, size), atol=tol)
        w.page.select_option(_control(root, 0, 3), label="triangular2")
        y, tol = _drawn(w.page, root)
        np.testing.assert_allclose(
            y, lrlab.cyclic_lr(x, 0.01, 0.1, size, mode="triangular2"), atol=tol
        )  # size kept

        assert not w.page.is_visible(f"{roots[0]} .lrlab-fallback")
        assert w.page.locator(f"{roots[0]} .lrlab-note").count() == 0  # full grid: any combination
        assert w.page.is_visible(f"{roots[1]} .lrlab-note")  # one slider at a time
        w.page.screenshot(path="/tmp/lrlab_explorer_static.png", full_page=True)
        assert w.other_hosts() == [] and w.errors == []
    finally:
        w.close()


def test_schedule_errors_show_in_the_static_readout(browser, server):
    folder, base = server
    ex = explore(
        lrlab.linear_schedule_with_warmup,
        num_warmup_steps=(0, 200, 50),
        num_training_steps=(100, 200, 100),
    )
    name = _write(folder, "errors.html", ex.to_html())
    w = Watched(browser)
    try:
        w.page.goto(f"{base}/{name}")
        root = "#" + w.page.get_attribute(".lrlab-explorer", "id")
        _set_range(w.page, _control(root, 0, 1), 0)  # num_training_steps = 100 ...
        _set_range(w.page, _control(root, 0, 0), 4)  # ... num_warmup_steps = 200: warmup longer
        warmup, training = (int(_label(w.page, _control(root, 0, k))) for k in (0, 1))
        assert (warmup, training) == (200, 100)
        with pytest.raises(ValueError) as err:
            lrlab.linear_schedule_with_warmup(0, 0.1, warmup, training)
        assert str(err.value) in w.page.text_content(f"{root} .lrlab-readout")
        assert w.page.get_attribute(f'{root} path[data-layer="0"]', "d") == ""
        assert w.errors == []
    finally:
        w.close()


def test_without_scripts_the_page_says_how_to_get_sliders(browser, server):
    """What an untrusted notebook shows: the current curve and the fallback text, never a blank box."""
    folder, base = server
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200))
    name = _write(folder, "noscript.html", ex.to_html())
    w = Watched(browser, scripts=False)
    try:
        w.page.goto(f"{base}/{name}")
        assert w.page.is_visible(".lrlab-fallback")
        assert (
            w.page.text_content(".lrlab-fallback")
            == "Run this cell, or trust the notebook, to move the sliders."
        )
        assert w.page.is_visible(".lrlab-explorer img.lrlab-still")
        assert (
            w.page.eval_on_selector(
                ".lrlab-explorer img.lrlab-still", "img => img.complete && img.naturalWidth"
            )
            > 0
        )
        y, tol = _drawn(w.page, ".lrlab-explorer")
        t_max = int(_label(w.page, _control(".lrlab-explorer", 0, 0)))
        np.testing.assert_allclose(
            y, lrlab.cosine_annealing_lr(np.arange(200), 0.1, t_max), atol=tol
        )
        assert w.page.is_disabled('.lrlab-explorer input[type="range"]')
        w.page.screenshot(path="/tmp/lrlab_explorer_noscript.png", full_page=True)
    finally:
        w.close()


def _notebook(bundles: list[dict], path: Path) -> None:
    """A notebook whose cells hold these display outputs, with widget state as nbclient saves it."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Explorer")]
    state = {}
    for k, bundle in enumerate(bundles, 1):
        cell = nbformat.v4.new_code_cell("explore(...)", execution_count=k)
        cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle, execution_count=k)]
        nb.cells.append(cell)
        state[bundle[WIDGET_VIEW]["model_id"]] = {
            "model_name": "VBoxModel",
            "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0",
            "state": {},
        }
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": state,
        }
    }
    nbformat.write(nb, path)


@pytest.mark.slow
def test_myst_nb_page_shows_the_working_static_explorer(browser, server, tmp_path):
    """A Sphinx + myst-nb 1.4 build (as jupyter-book's), with BOOK_CONFIG, of a saved notebook."""
    folder, base = server
    src = tmp_path / "src"
    src.mkdir()
    ex = explore(
        lrlab.cosine_annealing_lr,
        T_max=(10, 200),
        eta_min=(0, 0.05),
        steps=300,
        compare=[functools.partial(lrlab.step_lr, base_lr=0.1, step_size=60)],
    )
    _notebook([ex._repr_mimebundle_()], src / "index.ipynb")
    conf = {
        "extensions": ["myst_nb"],
        "nb_execution_mode": "off",
        "html_theme": "basic",
        **BOOK_CONFIG,
    }
    (src / "conf.py").write_text("".join(f"{k} = {v!r}\n" for k, v in conf.items()))
    out = folder / "book"
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    page_html = (out / "index.html").read_text()
    assert "lrlab-explorer" in page_html and WIDGET_VIEW not in page_html
    assert not re.search(
        r"<(script|link)[^>]+(src|href)=\"(https?:)?//", page_html
    )  # no widget manager from a CDN
    w = Watched(browser)
    try:
        w.page.goto(f"{base}/book/index.html")
        root = "#" + w.page.get_attribute(".lrlab-explorer", "id")
        _check_cosine_slider(w.page, root)
        w.page.screenshot(path="/tmp/lrlab_explorer_myst_nb.png", full_page=True)
        assert w.other_hosts() == [] and w.errors == []
    finally:
        w.close()


@pytest.mark.slow
def test_slides_show_the_working_static_explorer(browser, server, tmp_path):
    """``nbconvert --to slides`` of a notebook without saved widget state (see test_widgets)."""
    import nbformat
    from nbconvert.exporters import SlidesExporter

    folder, base = server
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=300)
    _notebook([ex._repr_mimebundle_()], tmp_path / "deck.ipynb")
    nb = nbformat.read(tmp_path / "deck.ipynb", as_version=4)
    nb.metadata.pop("widgets")  # what scripts/make_slides.py must do
    body, _ = SlidesExporter().from_notebook_node(nb)
    (folder / "deck.slides.html").write_text(body)
    # reveal.js and require.js come from a CDN unless the lead's assets replace them: they are
    # blocked here, and the explorer must not need them.
    w = Watched(browser, block_other_hosts=True)
    try:
        w.page.goto(f"{base}/deck.slides.html")
        root = "#" + w.page.get_attribute(".lrlab-explorer", "id")
        _check_cosine_slider(w.page, root)
        w.page.screenshot(path="/tmp/lrlab_explorer_slides.png", full_page=True)
        ours = [
            e
            for e in w.errors
            if "net::ERR_FAILED" not in e
            and "require" not in e.lower()
            and "reveal" not in e.lower()
        ]
        assert ours == []
    finally:
        w.close()
