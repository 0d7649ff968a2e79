"""Sphinx extension of the lrlab book: every inline script appears once on a page, every page of
``solutions/`` says that it holds the answers, a chapter's markdown link to a bibliography entry
(``../book/bibliography.md#cite-<key>``) resolves, an inline expression (``{eval}``) of a chapter
shows the value its saved run computed, and the book's own style sheet (``static/lrlab-site.css``: readable figures on a phone, long names in
the page's contents wrapped, not cut) is on every page, and the site's root ``index.html`` is a
complete page that sends the reader to the first chapter.

Sphinx 7.4 writes twice each inline script (``app.add_js_file(None, body=...)``) that an extension
registers after the builder is created: once as registered (named ``None``), and again when
``StandaloneHTMLBuilder.prepare_writing`` re-adds every registered script, named ``''``, which
does not compare equal to the first. sphinx-thebe registers ``const THEBE_JS_URL = ...`` that
way, so every page of a Jupyter Book 1 site declares that constant twice and the browser logs
"SyntaxError: Identifier 'THEBE_JS_URL' has already been declared" (the offline browser test,
tests/test_site_browser.py, fails on it). Before each page is written, this drops the second
copy of any script with the same name and attributes.
"""

from __future__ import annotations

import functools
from typing import Any

from docutils import nodes
from sphinx.locale import get_translation


def _key(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (
        getattr(script, "filename", str(script)) or "",
        tuple(sorted((k, str(v)) for k, v in attributes.items() if k != "priority")),
    )


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # the builder's own list: it restores it before the next page


# The site's own words, in the "lrlab" message catalog (locales/<lang>/LC_MESSAGES/lrlab.po,
# extracted by `make pot`, loaded by lrlab_i18n): English unless the site's language has them.
_ = get_translation("lrlab")
SOLUTIONS_NOTE = _(
    "This page shows the answers of the exercise. In a course, publish the student edition, "
    "built without the solutions: make book-student."
)
SOLUTIONS_TITLE = _("Solutions")


def mark_solution_pages(app, doctree) -> None:
    """A note at the top of every page of ``solutions/``: it holds the answers (the notebook
    itself is also nbgrader's source of the exercise, so the note lives on the site only)."""
    if not app.env.docname.startswith("solutions/"):
        return
    note = nodes.admonition(classes=["attention", "lrlab-solutions"])
    note += nodes.title(text=str(SOLUTIONS_TITLE))
    note += nodes.paragraph(text=str(SOLUTIONS_NOTE))
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, note)
    else:
        title = next(iter(section.findall(nodes.title)), None)
        section.insert(section.index(title) + 1 if title is not None else 0, note)


CITE_ID_PREFIX = "cite-"  # bibtex_cite_id in _config.yml: "cite-{key}"


def link_citation_ids(app, doctree) -> None:
    """Let markdown links reach the bibliography's entries by their ids (``cite-<key>``).

    The chapters cite with plain links, ``[He et al. (2016)](../book/bibliography.md#cite-...)``,
    which JupyterLab renders too (scripts/portable_roles.py writes them). MyST checks a link's
    ``#id`` against the headings of the page it points to (``myst_slugs``) and warns about any
    other id; the entries of a ``{bibliography}`` are targets too, so this lists them there.
    """
    ids = [i for i in doctree.ids if i.startswith(CITE_ID_PREFIX)]
    if ids:
        slugs = app.env.metadata[app.env.docname].setdefault("myst_slugs", {})
        for target in ids:
            slugs.setdefault(target, (0, target, ""))


class UnsavedExpression(LookupError):
    """A chapter's inline expression with no value saved by its run."""


def cell_at(client, line: int) -> int | None:
    """The index of the notebook cell that holds source line ``line`` (myst-nb's numbering)."""
    cells = client.notebook.get("cells", [])
    above = [i for i in range(len(cells)) if client.cell_line(i) <= line]
    return above[-1] if above else None


def saved_outputs(cell, expression: str) -> list[dict]:
    """The value the chapter's run saved for ``{eval}`expression``` in the markdown ``cell``, as the
    kernel's output that myst-nb renders (scripts/run_notebooks.py saves each expression's result
    in the cell's ``user_expressions`` metadata, the format of JupyterLab's jupyterlab-myst)."""
    for item in cell.get("metadata", {}).get("user_expressions", ()):
        result = item.get("result", {})
        if item.get("expression") == expression and result.get("status") == "ok":
            return [
                {
                    "output_type": "execute_result",
                    "data": result.get("data", {}),
                    "metadata": result.get("metadata", {}),
                    "execution_count": None,
                }
            ]
    raise UnsavedExpression(
        f"no saved value of {{eval}}`{expression}`: run the chapter with scripts/run_notebooks.py"
    )


def use_saved_values(document, line: int) -> int | None:
    """Let the ``{eval}`` role at ``line`` show the value the chapter's own run saved.

    The chapters are not executed by the build (``mystnb.execution_mode: off`` in their metadata):
    scripts/run_notebooks.py runs each one and saves its outputs and the values of its inline
    expressions, so the site, JupyterLab before a run, and the lecture decks show the same run,
    and a second edition (the student edition) builds without running anything. myst-nb asks the
    notebook's client to evaluate the expression; without a kernel, this client answers from the
    markdown cell's saved values. Returns the cell's index (None where there is no notebook, or
    under inline execution, where the kernel answers).
    """
    renderer = document.get("nb_renderer") if hasattr(document, "get") else None
    client = getattr(getattr(renderer, "renderer", None), "nb_client", None)
    if client is None or hasattr(client, "_last_cell_executed"):  # no notebook, or a kernel
        return None
    index = cell_at(client, line)
    if index is None:
        return None
    cell = client.notebook["cells"][index]
    client.eval_variable = functools.partial(saved_outputs, cell)  # this role's cell only
    return index


def _patch_eval_role() -> None:
    from myst_nb.ext.eval import EvalRoleAny

    if getattr(EvalRoleAny.run, "_lrlab", False):
        return
    original = EvalRoleAny.run

    def run(self):
        use_saved_values(self.document, self.line)
        return original(self)

    run._lrlab = True
    EvalRoleAny.run = run


_ROOT_PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="{favicon}">
<meta http-equiv="refresh" content="0; url={first}">
</head>
<body><p><a href="{first}">{title}</a></p></body>
</html>
"""


def write_root_page(app, exception) -> None:
    """The site's root ``index.html``: a page that sends the reader to the first chapter.

    Jupyter Book writes a bare ``<meta http-equiv="Refresh">`` there only when the file is
    missing. That line names no icon, so the browser asks for ``/favicon.ico``, which the site does
    not have: a 404 in the console of every visit (seen by the offline browser test on one run in
    a few, as the redirect races the request). This writes a complete page instead, with the book's
    own icon and a link for a reader whose browser does not follow the refresh.
    """
    if exception is not None or app.builder.format != "html":
        return
    import html
    from pathlib import Path

    first = app.builder.get_target_uri(app.config.root_doc)
    if first == "index.html":  # the root document is the index page itself
        return
    favicon = app.config.html_favicon or ""
    icon = f"_static/{Path(favicon).name}" if favicon and "://" not in favicon else favicon
    title = html.escape(app.config.html_title or app.config.project)
    page = _ROOT_PAGE.format(
        language=app.config.language or "en", title=title, favicon=icon, first=first
    )
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app) -> dict:
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("build-finished", write_root_page)
    app.connect("doctree-read", mark_solution_pages)
    app.connect("doctree-read", link_citation_ids)
    _patch_eval_role()
    app.add_css_file("lrlab-site.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
