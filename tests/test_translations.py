"""The Korean edition's catalogs are in step with the English pages (scripts/check_translations.py).

Every page declared translated (``locales/ko/TRANSLATED``) must have every message of its catalog
translated, none fuzzy (stale after an English edit) and, when ``make pot`` has extracted the
English messages into ``_build/gettext``, none missing; a translation keeps the inline
expressions, formulas and code of its English text. The pages not declared yet are reported as a
count (a warning in pytest's summary), not checked. ``make check-translations`` runs ``make pot``
first (so a changed English paragraph reaches the catalogs), then this file; ``make unit`` runs it
on the catalogs as committed.
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pytest

from script_utils import ROOT, load_file

ct = load_file("scripts/check_translations.py")
LANGUAGE = "ko"
DECLARED = ct.declared_translated(LANGUAGE)


def test_some_pages_are_declared_translated():
    assert DECLARED, f"locales/{LANGUAGE}/TRANSLATED lists no page"


@pytest.mark.parametrize("page", DECLARED)
def test_declared_page_is_fully_translated(page):
    assert page in ct.toc_pages(), f"locales/{LANGUAGE}/TRANSLATED: {page} is not a page"
    folder = ct.LOCALES / LANGUAGE / "LC_MESSAGES"
    report = ct.check_catalog(folder / f"{page}.po", ct.POT_DIR / f"{page}.pot", page)
    assert report.problems == [], f"{page}:\n" + "\n".join(report.problems)


def test_untranslated_pages_are_counted():
    reports = ct.check(LANGUAGE)
    left = [r for page, r in reports.items() if page not in DECLARED]
    messages = sum(r.messages - r.translated for r in left)
    if left:
        warnings.warn(
            f"Korean edition: {len(left)} of {len(reports)} pages not declared translated yet "
            f"({messages} messages left; python scripts/check_translations.py lists them)",
            stacklevel=1,
        )
    assert len(reports) == len(ct.toc_pages())


# --- The checker can fail: catalogs written here, by hand.

_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def _po(tmp_path: Path, body: str, name: str = "page.po") -> Path:
    path = tmp_path / name
    path.write_text(_HEADER + body, encoding="utf-8")
    return path


def test_a_fuzzy_entry_fails_and_names_the_english_text(tmp_path):
    po = _po(
        tmp_path,
        '#, fuzzy\nmsgid "The loss falls fast."\nmsgstr "손실이 천천히 떨어집니다."\n\n'
        'msgid "Warmup"\nmsgstr "워밍업"\n',
    )
    report = ct.check_catalog(po, page="notebooks/06_warmup")
    assert report.problems == ["fuzzy (stale after an English edit): 'The loss falls fast.'"]
    assert (report.translated, report.messages) == (1, 2)


def test_an_untranslated_entry_fails_but_markup_alone_needs_no_translation(tmp_path):
    po = _po(
        tmp_path,
        'msgid "Hold the learning rate constant."\nmsgstr ""\n\n'
        'msgid "`StepLR`, `MultiStepLR`"\nmsgstr ""\n\n'
        'msgid "{doc}`0 <../notebooks/00_why_schedule>`"\nmsgstr ""\n\n'
        'msgid "$\\\\eta_t = \\\\eta_0$"\nmsgstr ""\n',
    )
    report = ct.check_catalog(po)
    assert report.problems == ["untranslated: 'Hold the learning rate constant.'"]
    assert report.translated == 3


def test_a_translation_that_changes_an_inline_expression_or_formula_fails(tmp_path):
    po = _po(
        tmp_path,
        'msgid "The loss is {eval}`f\\"{loss:.3f}\\"` at $t = 0$."\n'
        'msgstr "손실은 $t = 1$에서 {eval}`f\\"{loss:.2f}\\"`입니다."\n\n'
        'msgid "Call `scheduler.step()` once per epoch."\n'
        'msgstr "에폭마다 `scheduler.step()`을 한 번 호출하세요."\n',
    )
    report = ct.check_catalog(po)
    assert len(report.problems) == 1
    assert report.problems[0].startswith("changed markup")
    assert "{loss:.3f}" in report.problems[0] and "$t = 0$" in report.problems[0]


def test_a_translation_that_starts_like_a_list_item_fails(tmp_path):
    """Sphinx parses a translation alone: "1. Step ..." would be a list, and the title English."""
    po = _po(
        tmp_path,
        'msgid "1. Step and MultiStep decay"\nmsgstr "1. Step 감소와 MultiStep 감소"\n\n'
        'msgid "2. Exponential decay"\nmsgstr "2\\\\. 지수적 감소"\n\n'
        'msgid "- a list item"\nmsgstr "- 목록 항목"\n',
    )
    report = ct.check_catalog(po)
    assert report.problems == [
        "starts like a list item or heading (write '1\\\\. Step 감소와 MultiStep 감소'): "
        "'1. Step and MultiStep decay'",
        "starts like a list item or heading (write '\\\\- 목록 항목'): '- a list item'",
    ]
    assert report.translated == 1


def test_the_sites_own_words_are_all_translated():
    """The frame of every page: the theme's strings (sphinx.po, written by hand) and the book's
    extensions' (lrlab.po: the solutions note, the switch's label; extracted by `make pot`)."""
    folder = ct.LOCALES / LANGUAGE / "LC_MESSAGES"
    report = ct.check_catalog(folder / "sphinx.po", page="sphinx")
    assert report.messages > 10 and report.problems == []
    report = ct.check_catalog(folder / "lrlab.po", ct.POT_DIR / "lrlab.pot", page="lrlab")
    assert report.messages >= 3 and report.problems == [], report.problems


def test_a_message_of_the_template_missing_from_the_catalog_fails(tmp_path):
    po = _po(tmp_path, 'msgid "Old text."\nmsgstr "옛 글."\n')
    pot = _po(tmp_path, 'msgid "Old text."\nmsgstr ""\n\nmsgid "New text."\nmsgstr ""\n', "p.pot")
    report = ct.check_catalog(po, pot)
    assert report.problems == ["missing (run `make pot`): 'New text.'"]


def test_a_page_without_catalog_is_missing(tmp_path):
    report = ct.check_catalog(tmp_path / "none.po", page="book/new")
    assert not report.catalog and report.problems[0].startswith("missing")


def test_kept_parts_reads_roles_maths_and_code():
    text = 'At {eval}`f"{x:.3f}"` the rate is $\\eta_t$ and `lr` is $$a$$, see {doc}`x <y>`.'
    assert ct.kept_parts(text) == {
        '{eval}`f"{x:.3f}"`': 1,
        "$\\eta_t$": 1,
        "`lr`": 1,
        "$$a$$": 1,
    }
    # A formula inside code is code; a {doc} title may be translated, so it is not kept.
    assert ct.kept_parts("`a $b$ c`") == {"`a $b$ c`": 1}


def test_toc_pages_lists_every_page_of_the_book():
    pages = ct.toc_pages()
    assert pages[0] == "book/intro"
    assert "notebooks/01_step_decay" in pages and "solutions/10_capstone" in pages
    assert len(pages) == len(set(pages))
    for page in pages:
        assert any((ROOT / page).with_suffix(s).is_file() for s in (".md", ".ipynb")), page


def test_declared_list_reads_comments_and_blank_lines(tmp_path):
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "TRANSLATED").write_text("# pages\nbook/intro  # the landing page\n\n")
    assert ct.declared_translated("xx", tmp_path) == ["book/intro"]
    assert ct.declared_translated("yy", tmp_path) == []


# --- The built Korean site (make book-ko): a declared page's prose is Korean.

KO_SITE = ROOT / "_build" / "ko" / "html"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ENGLISH = re.compile(r"[A-Za-z]{2,}(?:\W+[A-Za-z]{2,}){3,}")  # four English words in a row


def english_paragraphs(page_html: str) -> list[str]:
    """The paragraphs of a built page's article with English prose and no Hangul (code, maths
    and the page's scripts taken out)."""
    article = page_html[page_html.find("<article") : page_html.find("</article>")]
    article = re.sub(r"(?s)<(code|pre|script|style)\b.*?</\1>", " ", article)
    left = []
    for paragraph in re.findall(r"(?s)<p\b[^>]*>(.*?)</p>", article):
        text = html.unescape(re.sub(r"<[^>]+>", "", paragraph))
        text = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", " ", text)
        if _ENGLISH.search(text) and not _HANGUL.search(text):
            left.append(" ".join(text.split())[:100])
    return left


def test_english_paragraphs_finds_prose_left_in_english():
    page = (
        "<article><p>학습률을 <code>lr</code>로 둡니다.</p><p>The loss falls at once here.</p>"
        "<p><code>torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)</code></p>"
        "<p>\\(\\eta_t = \\eta_0 \\gamma^t\\)</p></article>"
    )
    assert english_paragraphs(page) == ["The loss falls at once here."]


@pytest.mark.parametrize("page", DECLARED)
def test_declared_page_of_the_built_site_is_korean(page):
    path = KO_SITE / f"{page}.html"
    if not path.is_file():
        pytest.skip(f"{path} is not built: run `make book-ko`")
    assert english_paragraphs(path.read_text(encoding="utf-8")) == []
