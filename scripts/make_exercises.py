"""Generate ``exercises/`` from ``solutions/``: the released notebooks, with the answers taken out.

    python scripts/make_exercises.py           # (re)write exercises/NN_topic.ipynb for every solution
    python scripts/make_exercises.py --check   # exit 1, listing the stale files, if exercises/ is out of date

``solutions/NN_topic.ipynb`` is the one source of an exercise (nbgrader's conventions, so an
instructor can also run nbgrader on it). For each notebook this script:

* replaces every block ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` of a code cell with
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the indentation of the BEGIN line
  (in a markdown cell: ``YOUR ANSWER HERE``);
* deletes every block ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` (the grading
  cell's ``assert report.passed``, which only the solution must satisfy);
* clears outputs and execution counts, drops execution timings, keeps the cell ids and the
  nbgrader metadata, and tags every code cell ``nbval-ignore-output`` (nbval then runs the
  exercise, and fails on an error, without comparing outputs it has none of);
* writes JSON deterministically (nbformat, sorted keys), so regenerating gives the same bytes.

A solution block must sit inside a function body (indented): at the top level of a cell the
``raise`` would stop the exercise notebook. ``--check`` also reports exercise notebooks whose
solution was deleted.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = "YOUR ANSWER HERE"
IGNORE_OUTPUT_TAG = "nbval-ignore-output"


class ExerciseError(ValueError):
    """A solution notebook that does not follow the conventions above."""


def _blocks(lines: list[str], begin: str, end: str, where: str) -> list[tuple[int, int]]:
    """(begin, end) line indices of each marked block; raise on unbalanced markers."""
    spans, start = [], None
    for i, line in enumerate(lines):
        text = line.strip()
        if text == begin:
            if start is not None:
                raise ExerciseError(f"{where}: {begin!r} on line {i + 1} inside another block")
            start = i
        elif text == end:
            if start is None:
                raise ExerciseError(f"{where}: {end!r} on line {i + 1} without {begin!r}")
            spans.append((start, i))
            start = None
    if start is not None:
        raise ExerciseError(f"{where}: {begin!r} on line {start + 1} is never closed by {end!r}")
    return spans


def clear_cell_source(source: str, cell_type: str, where: str) -> str:
    """The cell's source with solutions replaced by the stub and hidden tests removed."""
    lines = source.split("\n")
    out: list[str] = []
    solutions = dict(_blocks(lines, BEGIN_SOLUTION, END_SOLUTION, where))
    hidden = dict(_blocks(lines, BEGIN_HIDDEN, END_HIDDEN, where))
    i = 0
    while i < len(lines):
        if i in solutions:
            indent = re.match(r"\s*", lines[i]).group(0)
            if cell_type == "code":
                if not indent:
                    raise ExerciseError(
                        f"{where}: the solution on line {i + 1} is at the top level of the cell; "
                        "put it inside a function body (def answer(): ...), so that the "
                        "exercise's `raise NotImplementedError()` runs only when it is called"
                    )
                out.extend(indent + stub for stub in CODE_STUB)
            else:
                out.append(indent + MARKDOWN_STUB)
            i = solutions[i] + 1
        elif i in hidden:
            i = hidden[i] + 1
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def solution_blocks(nb) -> int:
    """How many BEGIN/END SOLUTION blocks the notebook has (raises on unbalanced markers)."""
    return sum(
        len(_blocks(c.source.split("\n"), BEGIN_SOLUTION, END_SOLUTION, f"cell {i}"))
        for i, c in enumerate(nb.cells)
    )


def make_exercise(solution, name: str = "notebook"):
    """The exercise notebook generated from a solution notebook (a new object)."""
    nb = copy.deepcopy(solution)
    if solution_blocks(nb) == 0:
        raise ExerciseError(f"{name}: no {BEGIN_SOLUTION!r} ... {END_SOLUTION!r} block")
    for i, cell in enumerate(nb.cells):
        where = f"{name}, cell {i}"
        cell.source = clear_cell_source(cell.source, cell.cell_type, where)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            tags = list(cell.metadata.get("tags", []))
            if IGNORE_OUTPUT_TAG not in tags:
                tags.append(IGNORE_OUTPUT_TAG)
            cell.metadata["tags"] = tags
    # The kernel to run it with, not the details of where the solution was last executed.
    meta = nb.metadata
    nb.metadata = nbformat.NotebookNode({k: meta[k] for k in ("kernelspec",) if k in meta})
    nb.metadata["language_info"] = nbformat.NotebookNode({"name": "python"})
    return nb


def render(nb) -> str:
    """Deterministic JSON text of a notebook."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def plan(solutions: Path, exercises: Path) -> dict[Path, str | None]:
    """Every file of ``exercises`` with its wanted text (None: to delete)."""
    wanted: dict[Path, str | None] = {}
    for path in sorted(solutions.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        wanted[exercises / path.name] = render(
            make_exercise(nb, str(path.relative_to(solutions.parent)))
        )
    for path in sorted(exercises.glob("*.ipynb")):
        wanted.setdefault(path, None)
    return wanted


def stale(solutions: Path, exercises: Path) -> list[str]:
    """What regenerating would change in ``exercises``, one line per file (empty: up to date)."""
    out = []
    for path, text in plan(solutions, exercises).items():
        if text is None:
            out.append(f"{path}: has no source in {solutions}/ (delete it)")
        elif not path.exists():
            out.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            out.append(f"{path}: out of date")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1, listing the stale files, if exercises/ is out of date",
    )
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale(args.solutions, args.exercises)
            for line in problems:
                print(line, file=sys.stderr)
            if problems:
                print(
                    "exercises/ is out of date with solutions/: run `make exercises`",
                    file=sys.stderr,
                )
                return 1
            return 0
        args.exercises.mkdir(parents=True, exist_ok=True)
        for path, text in plan(args.solutions, args.exercises).items():
            if text is None:
                path.unlink()
                print(f"deleted {path}")
            elif not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path}")
        return 0
    except ExerciseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
