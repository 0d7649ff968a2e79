"""Tests of scripts/portable_roles.py: the chapters' MyST roles rewritten into forms that the
book build and JupyterLab (jupyterlab-myst) both render."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from script_utils import ROOT, load_file

portable = load_file("scripts/portable_roles.py")

BIB = {"he2016deep": ("He et al.", "2016"), "robbins1951stochastic": ("Robbins and Monro", "1951")}
NOTEBOOKS = ROOT / "notebooks"


def test_glue_becomes_an_inline_expression_with_the_same_format():
    text = "{glue:text}`ch6_acc:.1%` after {glue:text}`ch6_n` updates ({glue}`ch6_lr:.2e`)"
    assert portable.convert_markdown(text, NOTEBOOKS, BIB) == (
        '{eval}`f"{ch6_acc:.1%}"` after {eval}`ch6_n` updates ({eval}`f"{ch6_lr:.2e}"`)'
    )


def test_the_expression_formats_as_glue_did():
    # what the kernel (JupyterLab or the book build) evaluates: the format spec kept verbatim
    ch6_acc, ch6_lr = 0.97123, 0.000125  # noqa: F841 - read by eval below
    assert eval(portable.eval_expression("ch6_acc:.1%")) == "97.1%"
    assert eval(portable.eval_expression("ch6_lr:.2e")) == "1.25e-04"


def test_a_glue_name_that_is_not_an_identifier_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'ch6-acc'"):
        portable.eval_expression("ch6-acc:.1f")


def test_a_name_glued_from_a_loop_is_read_from_the_namespace():
    # glue(f"ch1_gamma_{g}_train", ...) with g = 0.5 became globals()[f"ch1_gamma_{g}_train"] = ...
    globals()["ch1_gamma_0.5_train"] = 0.01234
    assert eval(portable.eval_expression("ch1_gamma_0.5_train:.3f")) == "0.012"


def test_citations_become_author_year_links_to_the_bibliography():
    text = "as {cite:t}`he2016deep` showed {cite:p}`he2016deep,robbins1951stochastic`"
    link = "../book/bibliography.md#cite-"
    assert portable.convert_markdown(text, NOTEBOOKS, BIB) == (
        f"as [He et al. (2016)]({link}he2016deep) showed "
        f"([He et al., 2016]({link}he2016deep); [Robbins and Monro, 1951]({link}"
        "robbins1951stochastic))"
    )


def test_an_unknown_citation_is_an_error_naming_it():
    with pytest.raises(ValueError, match="nobody2020"):
        portable.convert_markdown("{cite}`nobody2020`", NOTEBOOKS, BIB)


def test_doc_becomes_a_link_titled_like_the_page():
    assert portable.convert_markdown("see {doc}`../book/notation`", NOTEBOOKS, BIB) == (
        "see [Notation](../book/notation.md)"
    )
    assert portable.convert_markdown("{doc}`the bowl <00_why_schedule>`", NOTEBOOKS, BIB) == (
        "[the bowl](00_why_schedule.ipynb)"
    )
    title = nbformat.read(NOTEBOOKS / "07_cyclic.ipynb", as_version=4).cells[0].source
    assert portable.doc_link("07_cyclic", NOTEBOOKS) == (
        f"[{title.splitlines()[0].lstrip('# ')}](07_cyclic.ipynb)"
    )


def test_a_doc_to_a_missing_page_is_an_error_naming_it():
    with pytest.raises(ValueError, match="no_such_page"):
        portable.doc_link("no_such_page", NOTEBOOKS)


def test_glue_calls_become_variables():
    source = (
        "%matplotlib inline\n"
        "from myst_nb import glue\n"
        'glue("ch1_lr", float(lr),\n     display=False)\n'
        "for key in keys:\n"
        '    glue(f"ch1_{key}_acc", acc[key], display=False)\n'
        'glue("ch1_text", ", ".join(names)\n     + " and more", display=False)\n'
        "x = 1"
    )
    assert portable.convert_code(source) == (
        "%matplotlib inline\n"
        "ch1_lr = float(lr)\n"
        "for key in keys:\n"
        '    globals()[f"ch1_{key}_acc"] = acc[key]\n'
        'ch1_text = (", ".join(names)\n     + " and more")\n'
        "x = 1"
    )


def test_forward_references_are_found_and_keep_their_glue(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("{glue:text}`late` and {glue:text}`ch_b_acc:.1f`"),
        nbformat.v4.new_code_cell(
            'glue("late", 1, display=False)\nfor k in "ab":\n    glue(f"ch_{k}_acc", 2)'
        ),
        nbformat.v4.new_markdown_cell("{glue:text}`late` {cite:t}`he2016deep`"),
    ]
    assert portable.forward_references(nb) == [("late", 0, 1), ("ch_b_acc", 0, 1)]
    converted = portable.convert(nb, NOTEBOOKS, BIB)
    assert converted.cells[0].source.startswith("{glue:text}`late`")
    assert "glue(" in converted.cells[1].source
    assert converted.cells[2].source.startswith("{glue:text}`late` [He et al. (2016)]")
    assert "mystnb" not in converted.metadata


def test_a_notebook_without_forward_references_shows_its_saved_run():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('glue("lr", 0.1, display=False)'),
        nbformat.v4.new_markdown_cell("lr {glue:text}`lr:.2f`"),
    ]
    converted = portable.convert(nb, NOTEBOOKS, BIB)
    assert [c.source for c in converted.cells] == ["lr = 0.1", 'lr {eval}`f"{lr:.2f}"`']
    assert converted.metadata["mystnb"] == {"execution_mode": "off"}


def test_every_chapter_is_converted():
    """`python scripts/portable_roles.py --check` passes: nothing left to convert mechanically."""
    assert portable.main(["--check"]) == 0
