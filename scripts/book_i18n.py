"""The book in other languages, from the one English source: gettext catalogs (Sphinx i18n).

    python scripts/book_i18n.py pot          # `make pot`: English messages -> locales/ko/*.po
    python scripts/book_i18n.py build        # `make book-ko`: the Korean site -> _build/ko/html

``pot`` runs Sphinx's gettext builder on every page of ``_toc.yml`` (the book's markdown pages and
the notebooks' markdown cells: code cells and outputs are not messages) into ``_build/gettext``,
one ``.pot`` per page (``gettext_compact: false`` in ``_config.yml``), then ``sphinx-intl update``
merges them into ``locales/<lang>/LC_MESSAGES/<page>.po``: a new English paragraph appears there
untranslated, a changed one keeps its old translation marked ``fuzzy`` (stale), a removed one is
dropped. ``tests/test_translations.py`` fails on either for the pages
listed in ``locales/<lang>/TRANSLATED``.

``build`` builds the site with ``language: <lang>`` and those catalogs, with the same strictness as
``make book`` (``-W -n --keep-going``), into ``_build/<lang>/html``. It reuses the English build's
execution cache (``_build/.jupyter_cache``): a notebook whose code is unchanged is not run again.
Its own doctrees (``_build/<lang>/.doctrees``) make a second build re-read only the pages whose
source or catalog changed (a chapter in inline execution runs again when it is re-read); after a
catalog changed, every page is written again (a translated title is in every page's navigation).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LOCALES = ROOT / "locales"
CACHE = BUILD / ".jupyter_cache"  # the English build's (jupyter-book's default for _build/html)

# What a language changes in the configuration beyond `language`: the strings of _config.yml
# that Sphinx does not translate (the title, the theme's search box).
LANGUAGE_CONFIG = {
    "ko": {
        "html_title": "lrlab: 학습률 스케줄을 처음부터",
        "html_theme_options": {
            "search_bar_text": "이 책에서 검색...",
            # sphinx-book-theme's Korean for "By <author>" reads "으로 <author>": the authors are
            # named in the copyright line instead.
            "footer_content_items": ["copyright.html", "last-updated.html", "extra-footer.html"],
        },
        "copyright": "2025, lrlab 저자들",
    },
}


def _build(builder: str, outdir: Path, doctrees: Path, overrides: dict) -> int:
    from jupyter_book.sphinx import build_sphinx

    config = {
        "latex_individualpages": False,  # jupyter-book's CLI always passes it
        "nitpicky": True,
        "nb_execution_cache_path": str(CACHE),
        **overrides,
    }
    result = build_sphinx(
        ROOT,
        outdir,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=config,
        doctreedir=doctrees,
        builder=builder,
        warningiserror=True,
        keep_going=True,
    )
    return 1 if isinstance(result, Exception) else int(result or 0)


def extract_site_words(pot_path: Path) -> None:
    """The strings the book's extensions mark with ``_()`` (book/_ext/*.py: the solutions note,
    the switch's label), into the template of the "lrlab" catalog."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    catalog = Catalog(project="lrlab")
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "book" / "_ext", method_map=[("*.py", "python")], keywords={"_": None}
    ):
        catalog.add(message)
    with pot_path.open("wb") as f:
        write_po(f, catalog, omit_header=False, width=0)


def pot(languages: list[str]) -> int:
    """English messages into _build/gettext/*.pot, merged into each language's catalogs."""
    out = BUILD / "gettext"
    # Messages are the markdown as written ({eval} roles unevaluated): no notebook is run.
    status = _build(
        "gettext", out, BUILD / ".doctrees-gettext", {"nb_execution_excludepatterns": ["*.ipynb"]}
    )
    if status:
        return status
    extract_site_words(out / "lrlab.pot")
    for language in languages:
        command = [
            str(Path(sys.executable).parent / "sphinx-intl"),
            "update",
            "--pot-dir",
            str(out),
            "--locale-dir",
            str(LOCALES),
            "--language",
            language,
            "--line-width",
            "-1",  # one line per message: diffs and the staleness test read them whole
        ]
        status = subprocess.run(command, cwd=ROOT).returncode
        if status:
            return status
        drop_obsolete(LOCALES / language / "LC_MESSAGES")
    return 0


def drop_obsolete(folder: Path) -> None:
    """Remove the entries whose English message is gone (``#~``, kept by sphinx-intl): a changed
    message keeps its old translation as a fuzzy entry already; the rest is noise."""
    from babel.messages.pofile import read_po, write_po

    for po in sorted(folder.rglob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        if catalog.obsolete:
            print(f"Obsolete: {po} -{len(catalog.obsolete)}")
            catalog.obsolete.clear()
            with po.open("wb") as f:
                write_po(f, catalog, width=0)


def catalogs_changed(language: str, stamp: Path) -> bool:
    """Whether a catalog of `language` changed since the stamp was written (or there is none)."""
    if not stamp.is_file():
        return True
    built = stamp.stat().st_mtime
    folder = LOCALES / language / "LC_MESSAGES"
    return any(po.stat().st_mtime > built for po in folder.rglob("*.po"))


def build(language: str) -> int:
    """The site in `language`, into _build/<language>/html."""
    out = BUILD / language / "html"
    stamp = BUILD / language / ".catalogs-built"
    # Sphinx re-reads the pages whose catalog changed, but rewrites only those: a translated
    # title would stay old in every other page's navigation. Writing every page again reads
    # nothing again (no notebook runs): about 20 s.
    if catalogs_changed(language, stamp) and out.is_dir():
        shutil.rmtree(out)
    started = time.time()
    overrides = {"language": language, **LANGUAGE_CONFIG.get(language, {})}
    status = _build("html", out, BUILD / language / ".doctrees", overrides)
    if status == 0:
        stamp.touch()
        os.utime(stamp, (started, started))
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["pot", "build"])
    parser.add_argument("--language", "-l", action="append", help="default: ko")
    args = parser.parse_args(argv)
    languages = args.language or ["ko"]
    if args.command == "pot":
        return pot(languages)
    return max(build(language) for language in languages)


if __name__ == "__main__":
    sys.exit(main())
