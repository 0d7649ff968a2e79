"""Tests of scripts/make_slides.py (lecture mode): the MyST roles are rendered for a deck, the
notebook is prepared as the decks need (no widget state, hidden cells out), and a built deck
loads its scripts from the copies next to it, nothing from another host.

The real-browser test of a deck is tests/test_slides_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from script_utils import load_file

ROOT = Path(__file__).resolve().parents[1]


make_slides = load_file("scripts/make_slides.py")
slide_layout = load_file("scripts/slide_layout.py")
check_offline = load_file("scripts/check_offline.py")

BIB = {"he2016deep": ("He et al.", "2016"), "robbins1951stochastic": ("Robbins and Monro", "1951")}


# --- the MyST roles ------------------------------------------------------------------------------


def test_glue_is_replaced_by_the_formatted_value():
    glued = {"lr": 0.125, "acc": 0.9712, "n": 43, "steps": [430, 645], "name": "cosine"}
    text = (
        "lr {glue:text}`lr:.2f`, {glue:text}`acc:.1%` accuracy, {glue:text}`n` updates, "
        "milestones {glue:text}`steps`, {glue}`name`"
    )
    assert make_slides.render_roles(text, glued, BIB) == (
        "lr 0.12, 97.1% accuracy, 43 updates, milestones [430, 645], cosine"
    )


def test_a_glue_that_was_never_glued_is_an_error_naming_it():
    with pytest.raises(ValueError, match="ch9_missing"):
        make_slides.render_roles("{glue:text}`ch9_missing:.3f`", {}, BIB)


def test_inline_expressions_show_their_saved_values_as_jupyterlab_does():
    cell = nbformat.v4.new_markdown_cell(
        'lr {eval}`f"{lr:.2f}"` after {eval}`n` updates',
        metadata={
            "user_expressions": [
                {
                    "expression": 'f"{lr:.2f}"',
                    "result": {"status": "ok", "data": {"text/plain": "'0.12'"}, "metadata": {}},
                },
                {
                    "expression": "n",
                    "result": {"status": "ok", "data": {"text/plain": "43"}, "metadata": {}},
                },
            ]
        },
    )
    values = make_slides.expression_values(cell)
    assert values == {'f"{lr:.2f}"': "0.12", "n": "43"}
    assert make_slides.render_roles(cell.source, {}, BIB, values) == "lr 0.12 after 43 updates"


def test_an_inline_expression_without_a_saved_value_is_an_error_naming_it():
    with pytest.raises(ValueError, match="ch9_missing"):
        make_slides.render_roles("{eval}`ch9_missing`", {}, BIB, {})


def test_links_to_pages_of_the_book_become_their_text():
    text = (
        "[He et al. (2016)](../book/bibliography.md#cite-he2016deep), "
        "[2. Exponential decay](02_exponential.ipynb) and [a thread](https://example.org/a.md)"
    )
    assert make_slides.render_roles(text, {}, BIB) == (
        "He et al. (2016), 2. Exponential decay and [a thread](https://example.org/a.md)"
    )


def test_citations_are_author_year_as_in_the_book():
    render = lambda text: make_slides.render_roles(text, {}, BIB)  # noqa: E731
    assert render("see {cite}`he2016deep`") == "see (He et al., 2016)"
    assert render("{cite:p}`he2016deep, robbins1951stochastic`") == (
        "(He et al., 2016; Robbins and Monro, 1951)"
    )
    assert render("{cite:t}`robbins1951stochastic` showed") == "Robbins and Monro (1951) showed"
    assert render("{cite}`unknown2020`") == "(unknown2020, )"


def test_doc_links_become_their_names_and_math_is_left_alone():
    text = "{doc}`01_step_decay`, {doc}`../book/bibliography`, {doc}`the setup <../book/setup>`, $\\eta_t$"
    assert (
        make_slides.render_roles(text, {}, BIB)
        == "01_step_decay, bibliography, the setup, $\\eta_t$"
    )


def test_bibliography_labels_come_from_the_bib_file():
    labels = make_slides.bib_labels()
    assert labels["he2016deep"] == ("He et al.", "2016")
    assert labels["robbins1951stochastic"] == ("Robbins and Monro", "1951")
    assert labels["hagele2024scaling"] == ("Hägele et al.", "2024")  # {\"a} is ä
    keys = set(
        re.findall(
            r"^@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(), flags=re.MULTILINE
        )
    )
    assert set(labels) == keys


# --- preparing a notebook ------------------------------------------------------------------------


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    glue = nbformat.v4.new_code_cell(
        'glue("lr", 0.125, display=False)', metadata={"tags": ["remove-cell"]}
    )
    glue.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"application/papermill.record/text/plain": "0.125"},
            metadata={"scrapbook": {"name": "lr", "mime_prefix": "application/papermill.record/"}},
        )
    ]
    figure = nbformat.v4.new_code_cell(
        "plot()", metadata={"tags": ["hide-input", "nbval-ignore-output"]}
    )
    figure.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "<figure>"})]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Title\n\nThe lr is {glue:text}`lr:.3f` {cite}`he2016deep`."
        ),
        glue,
        figure,
        nbformat.v4.new_code_cell("explore()\n", metadata={"tags": ["nbval-ignore-output"]}),
    ]
    return nb


def test_prepare_drops_widget_state_and_hidden_cells():
    original = _notebook()
    nb = make_slides.prepare(original, BIB)
    assert "widgets" not in nb.metadata and "widgets" in original.metadata  # a copy
    kept = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
    assert [c.cell_type for c in kept] == ["markdown", "code", "code"]  # remove-cell gone
    assert kept[0].source == "# Title\n\nThe lr is 0.125 (He et al., 2016)."
    assert kept[1].metadata["transient"] == {"remove_source": True}  # hide-input: output only
    assert kept[1].outputs
    assert kept[2].source == "explore()\n"


# --- a deck --------------------------------------------------------------------------------------


def _vendor_or_skip() -> None:
    missing = [n for n in make_slides.VENDORED if not (make_slides.VENDOR / n).is_dir()]
    if missing:
        pytest.skip(f"{missing} not in book/_vendor/npm: run `make assets`")


def test_a_deck_loads_its_scripts_from_the_copies_next_to_it(tmp_path):
    _vendor_or_skip()
    nb = _notebook()
    nb.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    nb.cells[0].source += "\n\n$$\\eta_t = \\eta_0 \\gamma^t$$"
    path = tmp_path / "00_demo.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "slides"
    assert make_slides.main([str(path), "--out", str(out)]) == 0
    deck = (out / "00_demo.slides.html").read_text()
    assert check_offline.external_resources(deck) == []
    assert check_offline.check_site(out) == {}
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', deck)
    assert scripts == [
        "_vendor/mathjax/tex-mml-chtml.js",
        "_vendor/reveal.js/dist/reveal.js",
        "_vendor/reveal.js/plugin/notes/notes.js",
    ]
    assert all((out / s).is_file() for s in scripts)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', deck)
    assert all(s.startswith(("_vendor/", "data:")) for s in styles), styles
    assert all((out / s).is_file() for s in styles if s.startswith("_vendor/"))
    assert "0.125" in deck and "{glue" not in deck and "(He et al., 2016)" in deck
    assert "require.js" not in deck and "jquery" not in deck.lower() and "mermaid" not in deck
    assert '<a href="00_demo.slides.html">Title</a>' in (out / "index.html").read_text()


# --- one idea per slide ---------------------------------------------------------------------------


def _md(source, slide_type="-"):
    return nbformat.v4.new_markdown_cell(source, metadata={"slideshow": {"slide_type": slide_type}})


def _kinds(cells):
    return [(c.cell_type, c.metadata.get("slideshow", {}).get("slide_type", "-")) for c in cells]


def test_a_slide_shows_its_title_formula_and_lead_and_the_notes_keep_the_paragraphs():
    text = (
        "## The formula\n\nThe learning rate falls along half a cosine. It is slow at first, "
        "then fast, then slow again, which is the whole point of the shape.\n\n"
        "$$\\eta_t = \\tfrac12 \\eta_0 (1 + \\cos(\\pi t / T))$$\n\n"
        "A second paragraph that only the speaker reads."
    )
    cells = slide_layout.lecture_cells([_md(text, "slide")])
    assert _kinds(cells) == [("markdown", "slide"), ("markdown", "notes")]
    shown, notes = cells[0].source, cells[1].source
    assert shown.startswith("## The formula") and "$$" in shown
    assert "A second paragraph" not in shown and "A second paragraph" in notes
    assert "slow at first" in notes  # the paragraphs are in the notes whole


def test_a_slide_of_only_a_title_gets_the_first_sentence_cut_at_a_word():
    long = " ".join(["word"] * 40) + " `code span that is cut` end."
    cells = slide_layout.lecture_cells([_md(f"## Title\n\n{long}", "subslide")])
    lead = cells[0].source.split("\n\n")[1]
    assert lead.endswith("…") and slide_layout.words(lead) <= slide_layout.LEAD_WORDS + 1
    assert lead.count("`") % 2 == 0


def test_each_heading_starts_a_slide_and_a_title_alone_shares_the_next_one():
    cells = slide_layout.lecture_cells(
        [_md("## Common mistakes", "slide"), _md("### 1. One\n\nText.\n\n### 2. Two\n\nMore.")]
    )
    slides = [c for c in cells if _kinds([c])[0][1] != "notes"]
    # the section title joins mistake 1's slide; mistake 2 (no figure) is a line on that slide
    assert [_kinds([c])[0][1] for c in slides] == ["slide", "-", "-"]
    assert slides[2].source.startswith("- 2. Two")


def test_long_printed_output_and_progress_bars_leave_the_slide():
    code = nbformat.v4.new_code_cell(
        "print(table)",
        outputs=[
            nbformat.v4.new_output("stream", name="stderr", text="100%|####| 12/12"),
            nbformat.v4.new_output("stream", name="stdout", text=" ".join(["value"] * 60)),
        ],
    )
    cells = slide_layout.lecture_cells([_md("## Results", "slide"), code])
    shown = [c for c in cells if c.cell_type == "code"][0]
    notes = "\n".join(c.source for c in cells if _kinds([c])[0][1] == "notes")
    assert shown.outputs == [] and "value value" in notes and "12/12" not in notes


def test_a_long_output_printed_in_several_messages_leaves_the_slide_whole():
    """A kernel may send one printed table as several stream messages: the slide judges what the
    page shows, the joined text, not the first short piece."""
    pieces = [
        nbformat.v4.new_output("stream", name="stdout", text="first line of a table\n"),
        nbformat.v4.new_output("stream", name="stdout", text=" ".join(["value"] * 60) + "\n"),
    ]
    code = nbformat.v4.new_code_cell("print(table)", outputs=pieces)
    cells = slide_layout.lecture_cells([_md("## Results", "slide"), code])
    shown = [c for c in cells if c.cell_type == "code"][0]
    notes = "\n".join(c.source for c in cells if _kinds([c])[0][1] == "notes")
    assert shown.outputs == []
    assert "first line of a table\nvalue value" in notes
    assert len(code.outputs) == 2  # the notebook itself is left as it is


@pytest.mark.parametrize(
    "path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem
)
def test_each_deck_is_a_lecture_one_idea_per_slide(path, tmp_path):
    """Issue 18's measure of a lecture deck: the median slide shows at most 45 words, at least
    30 % of the slides carry a figure (a plot or an explorer), and most have speaker notes."""
    import statistics

    _vendor_or_skip()
    assert make_slides.main([str(path), "--out", str(tmp_path)]) == 0
    slides = slide_layout.deck_slides((tmp_path / f"{path.stem}.slides.html").read_text())
    assert len(slides) >= 8
    median = statistics.median(s["words"] for s in slides)
    figures = sum(s["figure"] for s in slides) / len(slides)
    notes = sum(s["notes"] for s in slides) / len(slides)
    assert median <= 45, f"median slide shows {median} words"
    assert figures >= 0.30, f"{figures:.0%} of the slides carry a figure"
    assert notes > 0.5, f"{notes:.0%} of the slides have speaker notes"
