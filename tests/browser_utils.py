"""Shared helpers of the real-browser tests (marker ``browser``): Debian's Chromium driven by
Playwright, pages served from 127.0.0.1, every request and console error recorded, and the
slider explorers read back from the drawn SVG.

Used by ``test_widgets_browser.py`` (the explorer on its own), ``test_slides_browser.py`` (a
lecture deck) and ``test_site_browser.py`` (every page of the built book). A test module imports
the fixtures it needs (``browser``, ``server``) and the helpers.

Without /usr/bin/chromium (``make browser`` installs it) the tests skip with the reason, unless
LRLAB_REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import re
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need(what: str, ok: bool) -> None:
    """Skip (or, under LRLAB_REQUIRE_BROWSER=1, fail) with ``what`` unless ``ok``."""
    if ok:
        return
    reason = f"{what}: run `make browser` (scripts/install_browser.sh)"
    if os.environ.get("LRLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"LRLAB_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests."""
    need(f"no Chromium at {CHROMIUM}", os.access(CHROMIUM, os.X_OK))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("the playwright package is not installed", False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve the folder ``root`` over HTTP on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A static file server on 127.0.0.1 over a temporary folder: yields (folder, base url)."""
    root = tmp_path_factory.mktemp("site")
    (root / "favicon.ico").write_bytes(b"")  # Chromium asks for it; a 404 would log a console error
    with serve(root) as base:
        yield root, base


def is_local(url: str) -> bool:
    """True for a URL the browser can load without contacting another host."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("data", "about", "blob") or parts.hostname == "127.0.0.1"


class Watched:
    """A page with every request and console error recorded."""

    def __init__(
        self,
        browser,
        *,
        scripts: bool = True,
        block_other_hosts: bool = False,
        viewport: dict | None = None,
    ):
        self.context = browser.new_context(
            viewport=viewport or {"width": 760, "height": 900}, java_script_enabled=scripts
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        if block_other_hosts:
            self.page.route(lambda url: not is_local(url), lambda route: route.abort())

    def other_hosts(self) -> list[str]:
        return [u for u in self.requests if not is_local(u)]

    def close(self):
        self.context.close()


# --- the static explorer (lrlab.widgets), read back from the page ----------------------------


def drawn(page, root: str, layer: int = 0, kind: str = "lr") -> tuple[np.ndarray, float]:
    """The data values of a drawn path, read back through the SVG's data-frame, and a tolerance."""
    if page.locator(f"{root} svg.lrlab-plot").count():  # drawn by the script
        frame = json.loads(page.get_attribute(f"{root} svg.lrlab-plot", "data-frame"))
        d = page.get_attribute(f'{root} path[data-layer="{layer}"][data-kind="{kind}"]', "d")
    else:  # the image shown until the script runs
        src = page.get_attribute(f"{root} img.lrlab-still", "src")
        svg = base64.b64decode(src.split(",", 1)[1]).decode()
        frame = json.loads(re.search(r"data-frame='([^']*)'", svg).group(1))
        d = re.search(rf'data-layer="{layer}" data-kind="{kind}" d="([^"]*)"', svg).group(1)
    assert d, "the path is empty"
    points = np.array(
        [[float(v) for v in p.split(",")] for p in d.replace("M", "L").split("L")[1:]]
    )
    y0, y1, bottom, top = frame["panels"][kind]
    return y0 + (points[:, 1] - bottom) / (top - bottom) * (y1 - y0), 0.051 * (y1 - y0) / abs(
        bottom - top
    )


def xs(page, root: str) -> np.ndarray:
    """The steps an explorer draws."""
    return np.array(json.loads(page.text_content(f"{root} script.lrlab-data"))["x"])


def control(root: str, layer: int, index: int) -> str:
    """The selector of an explorer's control: layer (0: the explored schedule), index."""
    return f'{root} [data-layer="{layer}"][data-control="{index}"]'


def set_range(page, selector: str, index: int) -> None:
    """Move a range input to position ``index`` as a reader's drag would (an input event)."""
    page.eval_on_selector(
        selector,
        "(el, k) => { el.value = String(k); el.dispatchEvent(new Event('input', {bubbles: true})); }",
        index,
    )


def label(page, selector: str) -> str:
    """The value a range input shows next to it."""
    return page.eval_on_selector(
        selector, "el => el.parentNode.querySelector('output').textContent"
    )


def explorer_roots(page) -> list[str]:
    """A CSS selector for each explorer on the page."""
    return [
        f"#{i}" for i in page.eval_on_selector_all(".lrlab-explorer", "els => els.map(e => e.id)")
    ]


def _curves(page, root: str, layer: str) -> str:
    """Every path a layer of an explorer draws (its lr, and its momentum or metric panel)."""
    return page.eval_on_selector_all(
        f'{root} path[data-layer="{layer}"]', "els => els.map(e => e.getAttribute('d')).join('|')"
    )


def _slider_moves(page, root: str, layer: str, selector: str, lo: str, hi: str, value: str) -> bool:
    curves = []
    for position in (lo, hi):
        set_range(page, selector, int(position))
        curves.append(_curves(page, root, layer))
    set_range(page, selector, int(value))
    return curves[0] != curves[1]


def sliders_move_curves(page, root: str) -> list[str]:
    """Move every slider of an explorer from one end to the other; return those that move nothing.

    A slider moves something if one of its layer's curves changes, at the dropdowns' current
    choices or, failing that, at another choice of one of them (``gamma`` of a cyclic schedule
    only matters in ``mode="exp_range"``). Each control is put back where it was.
    """
    stuck = []
    sliders = page.eval_on_selector_all(
        f'{root} input[type="range"][data-layer][data-control]',
        "els => els.map(e => [e.dataset.layer, e.dataset.control, e.min, e.max, e.value])",
    )
    assert sliders, f"{root} has no slider"
    for layer, index, lo, hi, value in sliders:
        selector = control(root, int(layer), int(index))
        if _slider_moves(page, root, layer, selector, lo, hi, value):
            continue
        moved = False
        dropdowns = page.eval_on_selector_all(
            f'{root} select[data-layer="{layer}"][data-control]',
            "els => els.map(e => [e.dataset.control, e.options.length, e.selectedIndex])",
        )
        for other, count, chosen in dropdowns:
            choice = control(root, int(layer), int(other))
            for option in range(count):
                if option == chosen:
                    continue
                page.select_option(choice, index=option)
                moved = _slider_moves(page, root, layer, selector, lo, hi, value)
                if moved:
                    break
            page.select_option(choice, index=chosen)
            if moved:
                break
        if not moved:
            name = page.get_attribute(selector, "aria-label")
            stuck.append(f"{root} slider {name!r} (layer {layer}, control {index})")
    return stuck
