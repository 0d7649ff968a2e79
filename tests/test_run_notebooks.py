"""Tests of scripts/run_notebooks.py: a notebook executed in place keeps its outputs and saves
each markdown cell's inline expressions where the cell stands, as jupyterlab-myst does."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from script_utils import load_file

run_notebooks = load_file("scripts/run_notebooks.py")


def test_expressions_of_a_cell_in_order_each_once():
    text = 'a {eval}`x` b {eval}`f"{y:.1%}"` c {eval}`x` and `code`'
    assert run_notebooks.expressions_of(text) == ["x", 'f"{y:.1%}"']


def _notebook(tmp_path: Path, *cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = list(cells)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_values_are_saved_where_the_cell_stands(tmp_path: Path):
    path = _notebook(
        tmp_path,
        nbformat.v4.new_code_cell("acc = 0.97123\nprint('run')"),
        nbformat.v4.new_markdown_cell('accuracy {eval}`f"{acc:.1%}"`, name {eval}`"cosine"`'),
        nbformat.v4.new_code_cell("acc = 0.5"),
        nbformat.v4.new_markdown_cell("then {eval}`acc`"),
    )
    run_notebooks.run(path)
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].outputs[0]["text"] == "run\n"
    saved = nb.cells[1].metadata["user_expressions"]
    assert [s["expression"] for s in saved] == ['f"{acc:.1%}"', '"cosine"']
    assert [s["result"]["data"]["text/plain"] for s in saved] == ["'97.1%'", "'cosine'"]
    assert saved[0]["result"]["status"] == "ok"
    assert nb.cells[3].metadata["user_expressions"][0]["result"]["data"]["text/plain"] == "0.5"
    assert nb.metadata["lrlab"]["run_of"] == run_notebooks.code_digest(nb)


def test_the_digest_changes_with_the_code_only():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1"), nbformat.v4.new_markdown_cell("text")]
    before = run_notebooks.code_digest(nb)
    nb.cells[1].source = "other text"
    nb.cells[0].metadata["tags"] = ["remove-cell"]
    assert run_notebooks.code_digest(nb) == before
    nb.cells[0].source = "a = 2"
    assert run_notebooks.code_digest(nb) != before
    joined = nbformat.v4.new_notebook()  # cells are not simply concatenated
    joined.cells = [nbformat.v4.new_code_cell("a = 1a = 2")]
    split = nbformat.v4.new_notebook()
    split.cells = [nbformat.v4.new_code_cell("a = 1"), nbformat.v4.new_code_cell("a = 2")]
    assert run_notebooks.code_digest(joined) != run_notebooks.code_digest(split)


def test_an_expression_that_fails_stops_the_run_naming_it(tmp_path: Path):
    path = _notebook(
        tmp_path,
        nbformat.v4.new_markdown_cell("{eval}`later`"),
        nbformat.v4.new_code_cell("later = 1"),
    )
    with pytest.raises(run_notebooks.InlineExpressionError, match="later.*NameError"):
        run_notebooks.run(path)
