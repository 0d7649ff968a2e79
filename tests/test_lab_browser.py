"""The chapters in a real JupyterLab (what ``make lab`` opens), in headless Chromium: the prose
renders with no raw MyST role left (``{glue``, ``{cite``, ``{doc``, ``{eval``), and a chapter that
is run shows the numbers of that run.

JupyterLab runs with the venv's kernel and jupyterlab-myst on a free port of 127.0.0.1, on a copy
of ``notebooks/`` and ``book/`` (a run never touches the repository's files; autosave off), with
its announcements and PyPI listing off; the page may request nothing from another host.

Every chapter is opened with its saved outputs (rendering needs no run: jupyterlab-myst shows the
values that ``scripts/run_notebooks.py`` saved in each markdown cell). One notebook, the appendix
(about 15 s), is also run top to bottom, and its expressions must come back evaluated, with no
error. A chapter that still states a number before the cell computing it keeps myst-nb's glue,
which JupyterLab cannot render (scripts/portable_roles.py lists those): it is an expected failure,
strict, so converting it turns the test green or the test says so.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from browser_utils import Watched, browser  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RAW_ROLE = re.compile(r"\{(?:glue|cite|doc|eval)[:}]")
RUN = "appendix_verify.ipynb"  # the notebook run in the browser: the quickest
SETTINGS = {
    # every cell in the page, not only those scrolled into view
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the course; yields (base URL, token)."""
    work = tmp_path_factory.mktemp("lab")
    course = work / "course"
    for folder in ("notebooks", "book"):
        shutil.copytree(ROOT / folder, course / folder, ignore=shutil.ignore_patterns("_vendor"))
    settings = work / "settings"
    for name, values in SETTINGS.items():
        plugin, file = name.rsplit("/", 1)
        (settings / plugin).mkdir(parents=True, exist_ok=True)
        (settings / plugin / file).write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    env.pop("LRLAB_PROGRESS_INTERVAL", None)
    log = (work / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={course}", f"--LabApp.user_settings_dir={settings}",
         f"--LabApp.workspaces_dir={work / 'workspaces'}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--LabApp.expose_app_in_browser=True",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(work / 'lab.log').read_text()}")
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _open(browser, lab, name: str) -> Watched:  # noqa: F811 - browser is a fixture
    base, token = lab
    w = Watched(browser, block_other_hosts=True, viewport={"width": 1280, "height": 900})
    # a workspace of its own (?reset): JupyterLab would otherwise reopen the earlier notebooks
    workspace = f"t{secrets.token_hex(4)}"
    w.page.goto(
        f"{base}/lab/workspaces/{workspace}/tree/notebooks/{name}?reset&token={token}",
        wait_until="load",
    )
    w.page.wait_for_selector(
        ".jp-Notebook .jp-MarkdownCell .myst", state="attached", timeout=90_000
    )
    # every markdown cell rendered by jupyterlab-myst (its React tree replaces the raw source)
    w.page.wait_for_function(
        """() => { const cells = [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')];
                   return cells.length > 0 && cells.every(c => c.querySelector('.myst')); }""",
        timeout=60_000,
    )
    return w


def _close(w: Watched, lab) -> None:
    """Close the page and shut down the kernels it started."""
    w.close()
    base, token = lab
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(
        urllib.request.Request(f"{base}/api/sessions", headers=headers)
    ) as r:
        sessions = json.load(r)
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(request).close()


def _prose(w: Watched) -> str:
    """The rendered text of every markdown cell (textContent: cells out of view have no layout,
    so no innerText)."""
    return w.page.eval_on_selector_all(
        ".jp-Notebook .jp-MarkdownCell > .jp-Cell-inputWrapper .myst",
        "cells => cells.map(c => c.textContent).join('\\n\\n')",
    )


def unrendered(source: str, text: str) -> list[str]:
    """What a reader sees raw in the rendered ``text`` of a notebook whose markdown is ``source``:
    a MyST role as typed, a glued name (jupyterlab-myst shows an unknown role's content, so
    ``{glue:text}`ch6_batch``` reads "ch6_batch"), an inline expression with no value (shown as
    its code)."""
    raw = sorted(set(m.group(0) for m in RAW_ROLE.finditer(text)))
    names = set(re.findall(r"\{glue(?::\w+)?\}`([^`:]+)", source))
    expressions = set(re.findall(r"\{eval\}`([^`]+)`", source))
    raw += sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", text))
    raw += sorted(e for e in expressions if e in text)
    return raw


def test_unrendered_finds_what_a_reader_would_see_raw():
    source = 'a {glue:text}`ch6_batch:.0f` b {eval}`f"{acc:.1%}"` c {eval}`n`'
    assert unrendered(source, "a 256 b 97.1% c 4") == []
    assert unrendered(source, 'a ch6_batch b f"{acc:.1%}" c 4 {cite}`x`') == [
        "{cite}",
        "ch6_batch",
        'f"{acc:.1%}"',
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_prose_renders_without_raw_roles(browser, lab, path):  # noqa: F811
    w = _open(browser, lab, path.name)
    try:
        text = _prose(w)
        assert len(text) > 1000, f"{path.name}: the prose did not render"
        source = "\n".join(
            c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
        )
        raw = unrendered(source, text)
        assert not raw, f"{path.name}: a reader sees these raw in JupyterLab: {raw}"
        assert not w.other_hosts(), w.other_hosts()
    finally:
        _close(w, lab)


def test_a_run_shows_the_numbers_of_that_run(browser, lab):  # noqa: F811
    w = _open(browser, lab, RUN)
    try:
        page = w.page
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=30_000)
        page.wait_for_function(
            """() => { const w = window.jupyterapp.shell.currentWidget;
                       return w && w.sessionContext && w.sessionContext.session
                              && w.sessionContext.session.kernel
                              && w.sessionContext.session.kernel.status === 'idle'; }""",
            timeout=120_000,
        )
        # forget the saved values: what shows after the run comes from this kernel
        page.evaluate(
            """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                       for (const cell of nb.model.cells) {
                         if (cell.type === 'markdown') cell.deleteMetadata('user_expressions'); } }"""
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                       const cells = [...nb.model.cells];
                       const code = cells.filter(c => c.type === 'code');
                       const md = cells.filter(c => c.type === 'markdown'
                                               && /\\{eval\\}`/.test(c.sharedModel.getSource()));
                       return code.every(c => c.executionCount !== null)
                              && md.every(c => c.getMetadata('user_expressions'))
                              && window.jupyterapp.shell.currentWidget.sessionContext
                                    .session.kernel.status === 'idle'; }""",
            timeout=180_000,
        )
        results = page.evaluate(
            """() => [...window.jupyterapp.shell.currentWidget.content.model.cells]
                     .filter(c => c.type === 'markdown')
                     .flatMap(c => c.getMetadata('user_expressions') || [])"""
        )
        assert results, "no inline expression was evaluated"
        failed = [r["expression"] for r in results if r["result"].get("status") != "ok"]
        assert not failed, f"expressions that failed in the run: {failed}"
        text = _prose(w)
        source = "\n".join(
            c.source
            for c in nbformat.read(ROOT / "notebooks" / RUN, as_version=4).cells
            if c.cell_type == "markdown"
        )
        assert not unrendered(source, text)
        assert not page.locator(".myst-RenderedExpressionError").count()
        for result in results:  # each value is in the rendered prose, without a string's quotes
            value = result["result"]["data"]["text/plain"].strip("'\"")
            assert value in text, (result["expression"], value)
        assert not w.other_hosts(), w.other_hosts()
    finally:
        _close(w, lab)
