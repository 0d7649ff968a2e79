"""Execute notebooks in place, saving their outputs and their inline expressions' values.

    python scripts/run_notebooks.py notebooks/02_exponential.ipynb [...]

What ``jupyter nbconvert --execute --inplace`` does (with the venv's kernel, in the notebook's
folder, 600 s per cell), plus what JupyterLab's ``jupyterlab-myst`` does when a learner runs a
markdown cell: each ``{eval}`expression``` of the cell is evaluated in the kernel at that point of
the run, and the results are saved in the cell's ``user_expressions`` metadata (the extension's
own format: ``[{"expression": ..., "result": {"status": "ok", "data": {...}}}]``). So a chapter
opened in JupyterLab shows the numbers of the saved run before it is run, and the lecture decks
(``scripts/make_slides.py``) read them. An expression that fails stops the run with its error.

The book shows a chapter's saved run (the chapters set ``mystnb.execution_mode: off``), so the run
must be the run of the code as it stands: this records a digest of the code cells' sources in the
notebook's metadata (``lrlab.run_of``), and tests/test_book.py fails when the code changed since.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

EVAL = re.compile(r"\{eval\}`([^`]*)`")
METADATA = "user_expressions"  # jupyterlab-myst's key


def code_digest(nb: nbformat.NotebookNode) -> str:
    """A digest of the sources of the notebook's code cells, in order (what a run depends on)."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode("utf-8") + b"\0")
    return digest.hexdigest()


def expressions_of(markdown: str) -> list[str]:
    """The inline expressions of a markdown cell, in order, each once."""
    return list(dict.fromkeys(EVAL.findall(markdown)))


class InlineExpressionError(RuntimeError):
    """An inline expression of a markdown cell failed in the kernel."""


class ExpressionClient(NotebookClient):
    """nbclient's client, evaluating each markdown cell's inline expressions where it stands."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "markdown":
            return await super().async_execute_cell(
                cell, cell_index, execution_count=execution_count, store_history=store_history
            )
        expressions = expressions_of(cell.source)
        if not expressions:
            cell.metadata.pop(METADATA, None)
            return cell
        msg_id = self.kc.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={str(i): e for i, e in enumerate(expressions)},
        )
        reply = await self.async_wait_for_reply(msg_id)
        results = reply["content"]["user_expressions"]
        saved = []
        for i, expression in enumerate(expressions):
            result = results[str(i)]
            if result.get("status") != "ok":
                raise InlineExpressionError(
                    f"cell {cell_index}: {{eval}}`{expression}` failed: "
                    f"{result.get('ename')}: {result.get('evalue')}"
                )
            saved.append({"expression": expression, "result": result})
        cell.metadata[METADATA] = saved
        return cell


def run(path: Path, timeout: int = 600) -> None:
    """Execute the notebook at ``path`` in place (see the module docstring)."""
    nb = nbformat.read(path, as_version=4)
    client = ExpressionClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.setdefault("lrlab", {})["run_of"] = code_digest(nb)
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"running {path}", flush=True)
        run(path, timeout=args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
