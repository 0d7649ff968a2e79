"""The instructor's nbgrader round trip, as the instructor guide gives it (nbgrader 0.9.6).

Two chapters' solution notebooks are the source of two assignments. ``nbgrader
generate_assignment`` makes the student versions; three students submit: one hands the release
back untouched (blank), one answers every part but one wrongly (wrong), one hands in the
solutions (right). ``nbgrader autograde`` and ``export`` must give 0, partial and full marks;
``nbgrader validate`` must fail on a blank notebook and pass on a right one; an optional part is
worth no point; and where the grader cannot run (torch missing in the kernel), ``autograde``
fails loudly instead of scoring a right answer 0.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

ROOT = Path(__file__).resolve().parent.parent
# assignment -> (notebook, (answer cell's grade_id, the right line, a wrong line))
ASSIGNMENTS = {
    "ch00": ("00_why_schedule", ("order_answer", 'return "b"', 'return "a"')),
    "ch01": (
        "01_step_decay",
        ("quiz_answer", "return 0.1 * 0.1 ** (95 // 30)", "return 0.1 * 0.1 ** (95 // 30 + 1)"),
    ),
}
STUDENTS = ("blank", "wrong", "right")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # nbgrader runs `alembic` from the PATH and the kernel from JUPYTER_PATH: the course's venv.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env.pop("NBGRADER_EXECUTION", None)
    env["LRLAB_GRADING"] = "strict"  # as the instructor guide sets it: the solutions still pass
    env.update(extra)
    return env


def _nbgrader(course: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _answer_cell(nb: dict, grade_id: str) -> dict:
    (cell,) = [
        c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return cell


def _make_course(course: Path) -> None:
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "lrlab"\n'
    )
    for assignment, (name, _) in ASSIGNMENTS.items():
        source = course / "source" / assignment
        source.mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", source)
        done = _nbgrader(course, "generate_assignment", assignment)
        assert done.returncode == 0, done.stdout + done.stderr


def _submit(course: Path, student: str, assignment: str, nb: dict) -> None:
    name = ASSIGNMENTS[assignment][0]
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ipynb").write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    _make_course(course)
    for assignment, (name, (grade_id, right_line, wrong_line)) in ASSIGNMENTS.items():
        release = json.loads((course / "release" / assignment / f"{name}.ipynb").read_text())
        source = json.loads((course / "source" / assignment / f"{name}.ipynb").read_text())
        _submit(course, "blank", assignment, release)
        _submit(course, "right", assignment, source)
        wrong = json.loads(json.dumps(source))
        cell = _answer_cell(wrong, grade_id)
        text = "".join(cell["source"])
        assert right_line in text
        cell["source"] = text.replace(right_line, wrong_line)
        _submit(course, "wrong", assignment, wrong)
    for assignment in ASSIGNMENTS:
        done = _nbgrader(course, "autograde", assignment)
        assert done.returncode == 0, done.stdout + done.stderr
    done = _nbgrader(course, "export")
    assert done.returncode == 0, done.stdout + done.stderr
    return course


def _grades(course: Path) -> dict[tuple[str, str], tuple[float, float]]:
    with open(course / "grades.csv", newline="") as f:
        return {
            (row["assignment"], row["student_id"]): (float(row["score"]), float(row["max_score"]))
            for row in csv.DictReader(f)
        }


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_autograde_gives_zero_partial_and_full_marks(course, assignment):
    grades = _grades(course)
    blank, wrong, right = (grades[assignment, s] for s in STUDENTS)
    maximum = right[1]
    assert maximum > 0
    assert blank == (0.0, maximum)
    assert wrong == (maximum - 1, maximum)  # one part wrong, one point lost
    assert right == (maximum, maximum)


def test_an_optional_part_is_worth_no_point(course):
    # Chapter 1: five graded parts, the second optional.
    assert _grades(course)["ch01", "right"][1] == 4.0
    source = json.loads((ROOT / "solutions" / "01_step_decay.ipynb").read_text())
    optional = _answer_cell(source, "check_multistep_lr")
    assert optional["metadata"]["nbgrader"]["points"] == 0


def test_validate_fails_on_a_blank_notebook_and_passes_on_a_right_one(course):
    for assignment, (name, _) in ASSIGNMENTS.items():
        blank = course / "release" / assignment / f"{name}.ipynb"
        done = _nbgrader(course, "validate", str(blank))
        out = done.stdout + done.stderr
        assert "Success" not in out, out
        assert "not attempted yet" in out, out  # the report says what is missing
        right = course / "submitted" / "right" / assignment / f"{name}.ipynb"
        done = _nbgrader(course, "validate", str(right))
        assert "Success! Your notebook passes all the tests." in done.stdout, (
            done.stdout + done.stderr
        )


def test_autograde_fails_loudly_where_the_grader_cannot_run(course, tmp_path):
    # A kernel in which `import torch` fails, as in an environment without it.
    fake = tmp_path / "no_torch"
    fake.mkdir()
    (fake / "torch.py").write_text('raise ImportError("no torch here", name="torch")\n')
    name = ASSIGNMENTS["ch00"][0]
    source = json.loads((course / "source" / "ch00" / f"{name}.ipynb").read_text())
    _submit(course, "no_torch", "ch00", source)
    done = _nbgrader(
        course,
        "autograde",
        "ch00",
        "--student",
        "no_torch",
        PYTHONPATH=f"{fake}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    )
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "could not grade 'scheduler_from_scratch'" in out, out
    assert "needs torch" in out, out
