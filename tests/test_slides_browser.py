"""A lecture deck in a real browser: the capstone's reveal.js deck, built by scripts/make_slides.py
into a temporary folder and served from 127.0.0.1, must load nothing from another host, log no
console error, typeset its maths with the local MathJax, redraw an explorer's curve, as the
schedule gives it, when a slider moves, and open its speaker view with the slide's notes. A screenshot goes to /tmp/lrlab_slides.png.

Needs Chromium (``make browser``) and the local scripts (``make assets``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import lrlab
from browser_utils import (  # noqa: F401 - browser is a fixture
    Watched,
    browser,
    control,
    drawn,
    explorer_roots,
    label,
    serve,
    set_range,
    sliders_move_curves,
    xs,
)
from script_utils import load_file

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "10_capstone.ipynb"


def _make_slides():
    return load_file("scripts/make_slides.py")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """(folder, deck file name): the capstone's deck, built with its scripts next to it."""
    make_slides = _make_slides()
    missing = [n for n in make_slides.VENDORED if not (make_slides.VENDOR / n).is_dir()]
    if missing:
        pytest.skip(f"{missing} not in book/_vendor/npm: run `make assets`")
    out = tmp_path_factory.mktemp("slides")
    assert make_slides.main([str(CHAPTER), "--out", str(out)]) == 0
    return out, f"{CHAPTER.stem}.slides.html"


def _values(page, root: str) -> dict:
    """The current value of every control of an explorer's first layer, by parameter name."""
    values = {}
    for name, index, kind in page.eval_on_selector_all(
        f'{root} [data-layer="0"][data-control]',
        "els => els.map(e => [e.getAttribute('aria-label'), e.dataset.control, e.tagName])",
    ):
        selector = control(root, 0, int(index))
        text = (
            label(page, selector)
            if kind == "INPUT"
            else page.eval_on_selector(selector, "el => el.selectedOptions[0].textContent")
        )
        values[name] = {"True": True, "False": False}.get(text, text)
        try:
            values[name] = float(text)
        except ValueError:
            pass
    return values


def test_deck_works_offline_with_maths_and_live_explorers(browser, deck):
    folder, name = deck
    w = Watched(browser, viewport={"width": 1280, "height": 900})
    try:
        with serve(folder) as base:
            w.page.goto(f"{base}/{name}", wait_until="load")
            w.page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            w.page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            w.page.evaluate("() => MathJax.startup.promise")

            # Maths typeset by the local MathJax 3, without errors.
            assert w.page.locator("mjx-container").count() >= 20
            assert w.page.locator("mjx-merror").count() == 0
            assert w.page.evaluate("() => Reveal.getTotalSlides()") >= 12

            # The OneCycleLR explorer: max_lr's slider redraws the curve one_cycle_lr gives.
            roots = explorer_roots(w.page)
            assert len(roots) == 2
            root = roots[0]
            w.page.evaluate(f"() => document.querySelector('{root}').scrollIntoView()")
            max_lr = f'{root} input[aria-label="max_lr"]'
            total = int(xs(w.page, root)[-1]) + 1
            for position in (0, int(w.page.get_attribute(max_lr, "max"))):
                set_range(w.page, max_lr, position)
                params = _values(w.page, root)
                y, tol = drawn(w.page, root)
                expected = lrlab.one_cycle_lr(
                    xs(w.page, root),
                    params["max_lr"],
                    total,
                    params["pct_start"],
                    anneal_strategy=params["anneal_strategy"],
                    div_factor=params["div_factor"],
                    final_div_factor=params["final_div_factor"],
                    three_phase=params["three_phase"],
                )
                np.testing.assert_allclose(y, expected, atol=tol)
            # and every slider of both explorers moves its curve
            assert [s for r in roots for s in sliders_move_curves(w.page, r)] == []

            w.page.screenshot(path="/tmp/lrlab_slides.png")

            # The speaker view (key "s") opens from the local notes plugin and shows the
            # book's paragraphs of the current slide.
            w.page.evaluate("() => Reveal.slide(0)")
            with w.page.context.expect_page() as opened:
                w.page.keyboard.press("s")
            speaker = opened.value
            speaker.on("request", lambda r: w.requests.append(r.url))
            speaker.on("pageerror", lambda e: w.errors.append(str(e)))
            speaker.wait_for_load_state("load")
            speaker.wait_for_function(
                "() => { const n = document.querySelector('.speaker-controls-notes .value');"
                " return n && n.innerText.trim().split(/\\s+/).length > 20; }",
                timeout=15000,
            )
            speaker.close()
        assert w.other_hosts() == []
        assert w.errors == []
    finally:
        w.close()
