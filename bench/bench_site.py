"""Load time of the built book's chapter pages in a real browser, with no network.

Every ``notebooks/*.html`` page of ``_build/html`` (``make book``) is served from 127.0.0.1 and
opened ``RUNS`` times in headless Chromium (Debian's, driven by Playwright), each time in a fresh
browser context (nothing cached: a reader's first visit). Per page: its size with everything it
loads, and the median and best time to three events:

* ``DOMContentLoaded``: the HTML is parsed;
* ``load``: the page's images, scripts and styles are in (what ``page.goto`` waits for, and what
  tests/test_site_browser.py bounds at 2 s);
* ``typeset``: MathJax has typeset every formula (pages with maths).

Run: ``python bench/bench_site.py`` (or ``make bench``). Prints why it cannot run (no site, no
Chromium) instead of failing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(
    os.environ.get("LRLAB_SITE", ROOT / "_build" / "html")
).resolve()  # or a site built elsewhere
RUNS = 5
sys.path.insert(0, str(ROOT / "tests"))

from browser_utils import ARGS, CHROMIUM, serve  # noqa: E402 - the tests' helpers


def _measure(browser, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        sizes: list[int] = []
        page.on("response", lambda r: sizes.append(int(r.headers.get("content-length", 0) or 0)))
        start = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        parsed = time.perf_counter() - start
        page.wait_for_load_state("load")
        loaded = time.perf_counter() - start
        typeset = float("nan")
        if page.locator(".math").count():
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("() => MathJax.startup.promise")
            typeset = time.perf_counter() - start
        return {"parsed": parsed, "load": loaded, "typeset": typeset, "bytes": sum(sizes)}
    finally:
        context.close()


def main() -> None:
    pages = (
        sorted(p.relative_to(SITE).as_posix() for p in (SITE / "notebooks").glob("*.html"))
        if SITE.is_dir()
        else []
    )
    if not pages:
        print(f"bench_site: no chapter page in {SITE} (run `make book`); skipped")
        return
    if not os.access(CHROMIUM, os.X_OK):
        print(f"bench_site: no Chromium at {CHROMIUM} (run `make browser`); skipped")
        return
    from playwright.sync_api import sync_playwright

    print(
        f"chapter pages of {SITE}, served from 127.0.0.1, {RUNS} cold loads "
        f"each (median / best, seconds)"
    )
    width = max(len(p) for p in pages)
    header = (
        f"{'page':{width}s} {'size':>8s}  {'DOMContentLoaded':>16s}  {'load':>11s}  "
        f"{'typeset':>11s}"
    )
    print(header)
    print("-" * len(header))
    with sync_playwright() as p, serve(SITE) as base:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        _measure(browser, f"{base}/{pages[0]}")  # warm the server and the browser
        worst = 0.0
        for page in pages:
            runs = [_measure(browser, f"{base}/{page}") for _ in range(RUNS)]

            def stat(key, runs=runs):
                values = [r[key] for r in runs]
                return f"{statistics.median(values):5.2f} / {min(values):4.2f}"

            worst = max(worst, statistics.median(r["load"] for r in runs))
            size = f"{runs[0]['bytes'] / 1e6:.1f} MB"
            print(
                f"{page:{width}s} {size:>8s}  {stat('parsed'):>16s}  {stat('load'):>11s}  "
                f"{stat('typeset'):>11s}"
            )
        browser.close()
    print(f"slowest median load: {worst:.2f} s (the issue's bound: 2 s)")


if __name__ == "__main__":
    main()
