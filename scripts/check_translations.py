"""Are the translation catalogs in step with the English pages?

    python scripts/check_translations.py [--language ko]    # a table of every page; exit 1 on a problem

Each page of the book (``_toc.yml``) has a catalog ``locales/<lang>/LC_MESSAGES/<page>.po``
(``make pot`` writes and updates them: ``scripts/book_i18n.py``). The pages listed in
``locales/<lang>/TRANSLATED`` are declared translated, and for them every problem is an error:

- **missing**: the page has no catalog, or an English message of its ``.pot`` (in
  ``_build/gettext``, when ``make pot`` has run) is not in the catalog;
- **untranslated**: an entry without a translation (an entry with nothing to translate, only
  code, roles, maths and punctuation, needs none);
- **fuzzy**: an entry ``sphinx-intl update`` matched to a changed English message: its
  translation is of the old text (stale) until a translator updates it and removes the flag;
- **changed markup**: a translation that does not keep the message's inline expressions
  (``{eval}`...```), formulas (``$...$``) and code (```...```) exactly as in the English text;
- **starts like a block**: Sphinx parses a translation as a document of its own, so one that
  starts like a list item or a heading (``1. Step ...``, the title of chapter 1) would become
  one, and Sphinx would silently keep the English: it must be escaped (``1\\. Step ...``).

The other pages are counted, not checked: ``tests/test_translations.py`` reports how many pages
and messages are left.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT_DIR = ROOT / "_build" / "gettext"

# The parts of a MyST message a translation keeps as they are: inline expressions and other roles
# ({eval}`f"{x:.3f}"`, {doc}`...`), maths ($...$, $$...$$) and code spans (`...`, ``...``).
_ROLE = re.compile(r"\{[\w:.-]+\}(`+)(.+?)\1")
_MATHS = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$]+?(?<!\s)\$")
_CODE = re.compile(r"(`+)(.+?)\1")
_KEPT_ROLES = ("eval",)  # roles whose text must not change (a {doc} title may be translated)
# A translation is parsed as a MyST document of its own: one that starts like a list item, a
# heading or a quote becomes that block, which Sphinx then drops (the page keeps its English).
_BLOCK_START = re.compile(r"^(\d+[.)]|[-*+>]|#{1,6})(\s|$)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]*>")
_WORD = re.compile(r"[^\W\d_]{2,}")


def kept_parts(text: str) -> Counter:
    """The inline expressions, formulas and code spans of a message, with their counts."""
    parts: Counter = Counter()
    rest = text
    for match in _ROLE.finditer(text):
        name = match.group(0).split("}", 1)[0][1:]
        if name in _KEPT_ROLES:
            parts[match.group(0)] += 1
        rest = rest.replace(match.group(0), " ", 1)
    for match in _CODE.finditer(rest):
        parts[match.group(0)] += 1
    rest = _CODE.sub(" ", rest)
    for match in _MATHS.finditer(rest):
        parts[match.group(0)] += 1
    return parts


def needs_translation(message: str) -> bool:
    """Whether a message has words to translate once roles, code, maths and link targets are
    taken out (``{doc}`0 <../notebooks/00_why_schedule>``` or ```StepLR``, ``MultiStepLR``` have
    none)."""
    rest = _ROLE.sub(" ", message)
    rest = _CODE.sub(" ", rest)
    rest = _MATHS.sub(" ", rest)
    rest = _LINK_TARGET.sub(" ", rest)
    return bool(_WORD.search(rest))


def escaped(translation: str) -> str:
    """The translation with the mark that would start a block escaped (``1\\. Step ...``)."""
    match = _BLOCK_START.match(translation)
    if not match:
        return translation
    mark = match.group(1)
    mark = mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark
    return mark + translation[match.end(1) :]


def toc_pages(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every page of the book, as Sphinx names them (``book/intro``, ``notebooks/01_step_decay``)."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(p).with_suffix("")) for p in pages]


def declared_translated(language: str, locales: Path = LOCALES) -> list[str]:
    """The pages listed in ``locales/<lang>/TRANSLATED`` (one a line, ``#`` starts a comment)."""
    path = locales / language / "TRANSLATED"
    if not path.is_file():
        return []
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return [line for line in lines if line]


class PageReport:
    """One page's catalog: how many messages, how many translated, and its problems."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.messages = 0
        self.translated = 0
        self.problems: list[str] = []  # "kind: English text"
        self.catalog = True

    @property
    def done(self) -> bool:
        return self.catalog and not self.problems


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def check_catalog(po_path: Path, pot_path: Path | None = None, page: str = "") -> PageReport:
    """The problems of one page's catalog (see the module's docstring)."""
    report = PageReport(page or po_path.stem)
    if not po_path.is_file():
        report.catalog = False
        report.problems.append(f"missing: no catalog {po_path} (run `make pot`)")
        return report
    with po_path.open("rb") as f:
        catalog = read_po(f)
    ids = set()
    for message in catalog:
        if not message.id:
            continue
        ids.add(message.id)
        report.messages += 1
        english = message.id
        if message.fuzzy:
            report.problems.append(f"fuzzy (stale after an English edit): {_short(english)!r}")
        elif not message.string:
            if needs_translation(english):
                report.problems.append(f"untranslated: {_short(english)!r}")
            else:
                report.translated += 1
        elif _BLOCK_START.match(message.string):
            report.problems.append(
                f"starts like a list item or heading (write {escaped(message.string)!r}): "
                f"{_short(english)!r}"
            )
        elif kept_parts(english) != kept_parts(message.string):
            lost = kept_parts(english) - kept_parts(message.string)
            added = kept_parts(message.string) - kept_parts(english)
            report.problems.append(
                f"changed markup (lost {sorted(lost)}, added {sorted(added)}): {_short(english)!r}"
            )
        else:
            report.translated += 1
    if pot_path is not None and pot_path.is_file():
        with pot_path.open("rb") as f:
            template = read_po(f)
        for message in template:
            if message.id and message.id not in ids:
                report.problems.append(f"missing (run `make pot`): {_short(message.id)!r}")
    return report


def check(language: str = "ko", locales: Path = LOCALES, pot_dir: Path = POT_DIR) -> dict:
    """Every page's report, by page."""
    folder = locales / language / "LC_MESSAGES"
    return {
        page: check_catalog(folder / f"{page}.po", pot_dir / f"{page}.pot", page)
        for page in toc_pages()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", "-l", default="ko")
    args = parser.parse_args(argv)
    reports = check(args.language)
    declared = set(declared_translated(args.language))
    status = 0
    for page, report in reports.items():
        mark = "declared" if page in declared else ""
        print(f"{report.translated:5d}/{report.messages:<5d} {mark:8s} {page}")
        if page in declared:
            for problem in report.problems:
                print(f"      {problem}")
            status |= bool(report.problems)
    for page in sorted(declared - set(reports)):
        print(f"TRANSLATED names {page!r}, which is not a page of _toc.yml")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
