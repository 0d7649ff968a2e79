"""Sphinx extension of the lrlab book's translations (``make book-ko``, scripts/book_i18n.py).

- **Language switch.** Every page of the English site (``_build/html``) links to the same page of
  the Korean site (``_build/ko/html``) and back, by a relative link: it works when ``_build/`` is
  served as the root and on the file system. The theme's article header shows it
  (``templates/lrlab-language-switch.html``, ``article_header_end`` in ``_config.yml``). A build
  into another folder (the student edition) has no counterpart in the other language: no switch.
- **The Korean font.** The Korean site loads ``static/lrlab-ko.css``: Hangul drawn with Noto Sans
  KR from the npm package ``@fontsource/noto-sans-kr`` (``scripts/install_assets.sh`` copies its
  woff2 files to ``_static/npm/noto-sans-kr/``), nothing from another host.
- **The API reference's docstrings stay in English**, like the names they document: the text
  autodoc writes (object descriptions, and module docstrings, whose source is named
  ``...:docstring of ...``) is not a message, so ``book/api``'s catalog holds the page's own
  prose only (without this, 1099 messages, 29% of the book's). Docstrings are reStructuredText,
  and Sphinx would parse their translation with the page's parser (MyST): their roles would break.
  Display maths is not a message either: formulas do not change (a code cell's LaTeX output,
  rendered as maths, would otherwise be one).
- **The captions of the book's parts and the titles of ``_toc.yml``** are messages of the root
  page, translated from its catalog: they are inserted after Sphinx translates a page
  (``TranslateTocCaptions``).
- **The themes' own words** ("Skip to main content", "On this page", ...): pydata-sphinx-theme
  has no Korean; its strings are in Sphinx's ``sphinx`` domain, where the project's catalog
  ``locales/ko/LC_MESSAGES/sphinx.po`` comes first.
- **Inline expressions in a translation.** A chapter's paragraph may state a number with
  ``{eval}`f"{x:.3f}"```; its msgid holds the role as written, and so must the msgstr. Sphinx
  parses a translated message in a new document, outside the notebook whose cells saved the
  values (book/_ext/lrlab_html.py reads them there), so this gives it the nodes the English
  paragraph evaluated (the same number, from the same run). An expression the English page does not evaluate is an
  error (a warning, which ``-W`` makes fatal), naming the page and the expression. The gettext
  builder (``make pot``) runs no notebook (``scripts/book_i18n.py`` excludes them all from
  execution): a message holds the role as written, so it needs no value.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
# Each language's site, relative to the repository (scripts/book_i18n.py builds the others).
SITES = {"en": "_build/html", "ko": "_build/ko/html"}
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}  # each in its own language: not translated
CATALOG = "lrlab"  # the site's own words (lrlab_html's notes, the switch's label)
_ = get_translation(CATALOG)
SWITCH_LABEL = _("Language")
LANGUAGE_CSS = {"ko": "lrlab-ko.css"}
_EVALUATED = "lrlab_evaluated"  # env.temp_data key: the current page's {eval} results


def site_language(outdir: str | Path, root: Path = ROOT, sites: dict = SITES) -> str | None:
    """The language whose site ``outdir`` is, or None (a build elsewhere: no switch)."""
    out = Path(outdir).resolve()
    for language, folder in sites.items():
        if (root / folder).resolve() == out:
            return language
    return None


def page_links(pagename: str, language: str, root: Path = ROOT, sites: dict = SITES) -> list[dict]:
    """The language switch of one page: each language, its name, and a relative link to its
    version of the page (None for the page's own language)."""
    here = (root / sites[language] / f"{pagename}.html").parent
    links = []
    for code, folder in sites.items():
        target = root / folder / f"{pagename}.html"
        href = None if code == language else os.path.relpath(target, here).replace(os.sep, "/")
        links.append({"code": code, "name": LANGUAGE_NAMES.get(code, code), "href": href})
    return links


def add_language_switch(app, pagename, templatename, context, doctree) -> None:
    language = site_language(app.outdir)
    if language is None or app.builder.format != "html":
        return
    context["lrlab_languages"] = page_links(pagename, language)
    context["lrlab_switch_label"] = str(SWITCH_LABEL)


def add_language_css(app) -> None:
    css = LANGUAGE_CSS.get(app.config.language or "en")
    if css:
        app.add_css_file(css)


class KeepUntranslated(SphinxTransform):
    """Mark as not translatable the text autodoc writes (docstrings, signatures) and display
    maths (a formula does not change; it includes a code cell's LaTeX output), before Sphinx's Locale transform (priority 20) and the gettext builder read it."""

    default_priority = 15

    def apply(self, **kwargs) -> None:
        for description in self.document.findall(addnodes.desc):
            for node in description.findall(nodes.TextElement):
                node["translatable"] = False
        # A module's docstring (automodule) is not inside a desc node; its source names it.
        for node in self.document.findall(nodes.TextElement):
            if ":docstring of " in (node.source or ""):
                node["translatable"] = False
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


class TranslateTocCaptions(SphinxTransform):
    """The captions of the book's parts ("Chapters", ...) and the titles ``_toc.yml`` gives
    pages ("Solutions to exercise 0", ...), as messages of the root page and translated from its
    catalog.

    sphinx-external-toc inserts the root page's toctrees at priority 100: after Sphinx's Locale
    transform (20), which therefore never sees them; and it does not list the entries' titles
    (``rawentries``), so the gettext builder would extract the captions only.
    """

    default_priority = 101

    def apply(self, **kwargs) -> None:
        toctrees = list(self.document.findall(addnodes.toctree))
        for toctree in toctrees:
            if "rawentries" not in toctree:
                toctree["rawentries"] = [title for title, _ in toctree["entries"] if title]
        language = self.config.language
        if not toctrees or not language or language == "en" or self.app.builder.name == "gettext":
            return
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        folders = [os.path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, found = init_locale(folders, language, domain)
        if not found:
            return
        for toctree in toctrees:
            for message in toctree.extract_original_messages():
                translated = catalog.gettext(message)
                if translated and translated != message:
                    toctree.apply_translated_message(message, translated)


def _is_translation(document) -> bool:
    return str(getattr(document, "current_source", "") or "").endswith("<translated>")


def _patch_eval_role() -> None:
    """Remember the nodes of each ``{eval}`` role of a page; hand them to its translation."""
    from myst_nb.ext.eval import EvalRoleAny

    if getattr(EvalRoleAny.run, "_lrlab_i18n", False):
        return
    original = EvalRoleAny.run

    def run(self):
        env = getattr(self.document.settings, "env", None)
        if env is None:
            return original(self)
        if env.app.builder.name == "gettext":  # messages hold the role as written: no kernel
            return [nodes.literal(self.text, self.text)], []
        evaluated = env.temp_data.setdefault(_EVALUATED, {})
        if _is_translation(self.document):
            if self.text in evaluated:
                return [node.deepcopy() for node in evaluated[self.text]], []
            logger.warning(
                "the translation of %s evaluates {eval}`%s`, which the English page does not "
                "(keep the role exactly as in the msgid)",
                env.docname,
                self.text,
                location=(env.docname, self.line),
                type="lrlab",
                subtype="i18n",
            )
            return [], []
        result, messages = original(self)
        evaluated[self.text] = [node.deepcopy() for node in result]
        return result, messages

    run._lrlab_i18n = True
    EvalRoleAny.run = run


def load_catalog(app, locales: Path = ROOT / "locales") -> None:
    """The "lrlab" catalog of the site's language, compiled first if its .po is newer (Sphinx
    compiles the catalogs only after the extensions have loaded theirs)."""
    language = app.config.language
    if not language or language == "en":
        return
    po = locales / language / "LC_MESSAGES" / f"{CATALOG}.po"
    mo = po.with_suffix(".mo")
    if po.is_file() and (not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as f:
            catalog = read_po(f, locale=language)
        with mo.open("wb") as f:
            write_mo(f, catalog)
    app.add_message_catalog(CATALOG, str(locales))


def add_templates(app, config) -> None:
    folder = str(Path(__file__).resolve().parent / "templates")
    if folder not in config.templates_path:
        config.templates_path.append(folder)


def setup(app) -> dict:
    load_catalog(app)
    app.connect("config-inited", add_templates)
    app.connect("builder-inited", add_language_css)
    app.connect("html-page-context", add_language_switch)
    app.add_transform(KeepUntranslated)
    app.add_transform(TranslateTocCaptions)
    _patch_eval_role()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
