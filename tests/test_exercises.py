"""Tests of the exercise notebooks and of `scripts/make_exercises.py`.

`solutions/NN_topic.ipynb` is the one source of each exercise; `exercises/` is generated from
it. These tests check that `exercises/` is up to date, that every solution follows the
conventions (answers between nbgrader markers, a locked grading cell asserting a full score),
that no answer leaks into an exercise, that the solutions pass their grading cells and the
exercises report "not attempted" without raising, and the generator itself on small notebooks.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
from pathlib import Path

import nbformat
import pytest

from lrlab.grading import given_loop
from script_utils import load_file

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

make_exercises = load_file("scripts/make_exercises.py")


def read(path: Path):
    return nbformat.read(path, as_version=4)


def solution_lines(nb) -> list[str]:
    """The non-blank lines between BEGIN/END SOLUTION markers, but for the lines of a loop that
    a diagnose part gives (the learner copies that loop and fixes it)."""
    given = set()
    for cell in grading_cells(nb):
        for exercise_id in re.findall(r'check\("(\w+)"', cell.source):
            try:
                source = inspect.getsource(given_loop(exercise_id))
            except ValueError:  # not a diagnose part
                continue
            given |= {line.strip() for line in source.split("\n") if line.strip()}
    out = []
    for cell in nb.cells:
        lines = cell.source.split("\n")
        for begin, end in make_exercises._blocks(
            lines, make_exercises.BEGIN_SOLUTION, make_exercises.END_SOLUTION, "cell"
        ):
            out.extend(
                line.strip()
                for line in lines[begin + 1 : end]
                # a line of brackets alone gives nothing away
                if re.search(r"\w", line) and line.strip() not in given
            )
    return out


def grading_cells(nb):
    return [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and "check(" in c.source
    ]


def run_cells(nb) -> list:
    """Execute the code cells in one namespace; return the `report` after each grading cell."""
    namespace: dict = {}
    reports = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # IPython magics (%matplotlib ...) are a kernel's business, not this test's.
        source = "\n".join(
            line for line in cell.source.split("\n") if not line.lstrip().startswith(("%", "!"))
        )
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"<{cell.get('id', 'cell')}>", "exec"), namespace)
        if cell in grading_cells(nb):
            reports.append(namespace["report"])
    return reports


def test_there_is_at_least_the_step_decay_exercise():
    assert ROOT / "solutions" / "01_step_decay.ipynb" in SOLUTIONS


def test_exercises_are_up_to_date_with_solutions(capsys):
    status = make_exercises.main(["--check"])
    assert status == 0, capsys.readouterr().err


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_follows_the_conventions(path):
    nb = read(path)
    assert make_exercises.solution_blocks(nb) >= 1
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if make_exercises.BEGIN_SOLUTION in cell.source:
            assert meta and meta["solution"] and not meta["locked"], cell.source
            assert meta["schema_version"] == 3 and meta["grade_id"]
    checks = grading_cells(nb)
    assert checks, "no grading cell (nbgrader grade: true, calling check(...))"
    for cell in checks:
        meta = cell.metadata["nbgrader"]
        assert meta["locked"] and not meta["solution"] and meta["points"] >= 0
        assert make_exercises.BEGIN_HIDDEN in cell.source and "assert report.passed" in cell.source
        assert cell.source.rstrip().endswith("report"), "the report is the cell's last expression"
        # The hidden assert is the test; the stored report must not tie nbval to its formatting.
        assert "nbval-ignore-output" in cell.metadata.get("tags", [])
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade_id values must be unique"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_an_optional_part_is_worth_no_point_and_a_required_part_one(path):
    """A part whose heading says "(optional)" (or "(implement, optional)") is graded with 0 points (nbgrader) and
    check(..., optional=True) (nbgrader validate does not ask for it); every other part is worth
    a point and is required."""
    optional = False
    for cell in read(path).cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            optional = bool(re.search(r"\((?:\w+, )?optional\)", cell.source.splitlines()[0]))
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        assert (meta["points"] == 0) == optional, (meta["grade_id"], meta["points"], optional)
        if cell.cell_type == "code":
            assert ("optional=True" in cell.source) == optional, cell.source


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_contains_no_solution_code(path):
    solution = read(path)
    exercise_path = ROOT / "exercises" / path.name
    exercise = read(exercise_path)
    text = exercise_path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "assert report.passed"):
        assert marker not in text
    sources = "\n".join(c.source for c in exercise.cells)
    for line in solution_lines(solution):
        assert line not in sources, f"solution line leaked into {exercise_path.name}: {line!r}"
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "nbval-ignore-output" in cell.metadata["tags"]
    code = "\n".join(c.source for c in exercise.cells if c.cell_type == "code")
    markdown = "\n".join(c.source for c in exercise.cells if c.cell_type == "markdown")
    # A code block becomes `raise NotImplementedError()`, a markdown block (a written answer)
    # "YOUR ANSWER HERE".
    stubs = code.count("raise NotImplementedError()") + markdown.count(make_exercises.MARKDOWN_STUB)
    assert stubs == make_exercises.solution_blocks(solution)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_pass_and_exercises_are_not_attempted(path):
    solved = run_cells(read(path))
    assert solved and all(r.passed for r in solved), "\n".join(map(str, solved))
    released = run_cells(read(ROOT / "exercises" / path.name))
    assert len(released) == len(solved)
    assert all(r.status == "not attempted" and r.score == 0 for r in released)


# ---------------------------------------------------------------------------------------------
# The generator on small notebooks


def notebook(*cells):
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.7"},
            "widgets": {"state": {}},
        }
    )
    for i, (kind, source) in enumerate(cells):
        cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(
            source
        )
        cell.id = f"c{i}"
        if kind == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="out\n")]
            cell.execution_count = i + 1
            cell.metadata["execution"] = {"iopub.execute_input": "2024-01-01T00:00:00"}
        nb.cells.append(cell)
    return nb


ANSWER = """class A:
    def f(self, x):
        y = 1
        ### BEGIN SOLUTION
        if x:
            return x + y
        return y
        ### END SOLUTION"""

GRADE = """report = check("x", f)
### BEGIN HIDDEN TESTS
assert report.passed, report
### END HIDDEN TESTS
report"""


def test_generator_replaces_solutions_keeping_indentation():
    ex = make_exercises.make_exercise(
        notebook(
            ("code", ANSWER),
            ("code", GRADE),
            ("markdown", "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
        )
    )
    assert ex.cells[0].source == (
        "class A:\n    def f(self, x):\n        y = 1\n"
        "        # YOUR CODE HERE\n        raise NotImplementedError()"
    )
    assert ex.cells[1].source == 'report = check("x", f)\nreport'
    assert ex.cells[2].source == "Why?\nYOUR ANSWER HERE"
    for cell in ex.cells[:2]:
        assert cell.outputs == [] and cell.execution_count is None
        assert "execution" not in cell.metadata and cell.metadata["tags"] == ["nbval-ignore-output"]
    assert [c.id for c in ex.cells] == ["c0", "c1", "c2"]
    assert dict(ex.metadata) == {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }


def test_generator_output_is_deterministic_json():
    nb = notebook(("code", ANSWER), ("code", GRADE))
    first = make_exercises.render(make_exercises.make_exercise(nb))
    again = make_exercises.render(
        make_exercises.make_exercise(nbformat.reads(nbformat.writes(nb), as_version=4))
    )
    assert first == again and first.endswith("\n")
    assert list(json.loads(first)) == sorted(json.loads(first))


@pytest.mark.parametrize(
    "source, words",
    [
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "top level of the cell"),
        ("def f():\n    ### BEGIN SOLUTION\n    return 1", "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION", "without"),
        (
            "def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION",
            "inside another block",
        ),
    ],
)
def test_generator_rejects_malformed_solutions(source, words):
    with pytest.raises(make_exercises.ExerciseError, match=words):
        make_exercises.make_exercise(notebook(("code", source)))


def test_generator_rejects_a_notebook_without_solutions():
    with pytest.raises(make_exercises.ExerciseError, match="no '### BEGIN SOLUTION'"):
        make_exercises.make_exercise(notebook(("code", "x = 1")))


def test_check_mode_lists_stale_missing_and_orphan_files(tmp_path, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(notebook(("code", ANSWER)), solutions / "01_a.ipynb")
    nbformat.write(notebook(("code", ANSWER.replace("x + y", "x - y"))), solutions / "02_b.ipynb")
    args = ["--solutions", str(solutions), "--exercises", str(exercises)]

    assert make_exercises.main(args + ["--check"]) == 1
    assert "01_a.ipynb: missing" in capsys.readouterr().err

    assert make_exercises.main(args) == 0
    assert make_exercises.main(args + ["--check"]) == 0
    before = (exercises / "01_a.ipynb").read_bytes()
    assert make_exercises.main(args) == 0 and (exercises / "01_a.ipynb").read_bytes() == before

    nbformat.write(notebook(("markdown", "new intro"), ("code", ANSWER)), solutions / "01_a.ipynb")
    (solutions / "02_b.ipynb").unlink()
    capsys.readouterr()
    assert make_exercises.main(args + ["--check"]) == 1
    err = capsys.readouterr().err
    assert "01_a.ipynb: out of date" in err and "02_b.ipynb: has no source" in err
    assert make_exercises.main(args) == 0
    assert not (exercises / "02_b.ipynb").exists()
    assert make_exercises.main(args + ["--check"]) == 0

    nbformat.write(
        notebook(("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION")), solutions / "03_c.ipynb"
    )
    assert make_exercises.main(args) == 2
    assert "top level" in capsys.readouterr().err
