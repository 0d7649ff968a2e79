"""Tests of `lrlab.grading` as a whole: `check` and the registry of exercises by id, the
package's docstring examples, and its modules importing one way.

The grader's verdicts and messages are tested module by module: test_grading_report.py,
test_grading_sandbox.py, test_grading_kinds.py, test_grading_function_kind.py, and the built-in
exercises in test_grading_catalogue.py, test_grading_chapters.py and test_grading_capstone.py.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import math
from pathlib import Path

import pytest

from grading_utils import SCHEDULE_IDS, step_lr
from lrlab import grading
from lrlab.grading import NumericExercise, check, exercise_ids, register

# ---------------------------------------------------------------------------------------------
# The entry point and the registry


def test_every_schedule_of_the_contract_is_an_exercise():
    assert set(SCHEDULE_IDS) <= set(exercise_ids())


def test_unknown_exercise_id_is_the_authors_mistake():
    with pytest.raises(
        ValueError, match=r"'step_rl' is not a known exercise\. Did you mean 'step_lr'\?"
    ):
        check("step_rl", step_lr)
    with pytest.raises(ValueError, match="Known ids: .*cyclic_lr"):
        check("nothing_like_it", step_lr)


@pytest.mark.parametrize("limit", [0, -1, math.inf, "2", True])
def test_invalid_time_limit(limit):
    with pytest.raises(ValueError, match="time_limit"):
        check("step_lr", step_lr, time_limit=limit)


def test_builtin_ids_cannot_be_replaced_but_own_ids_can():
    with pytest.raises(ValueError, match="built-in"):
        register(NumericExercise("step_lr", 1.0))
    first = register(NumericExercise("test_own_id", 1.0))
    second = register(NumericExercise("test_own_id", 2.0))
    assert first is not second and check("test_own_id", 2.0).passed
    with pytest.raises(ValueError, match="Exercise"):
        register("test_own_id")
    with pytest.raises(ValueError, match="exercise_id"):
        NumericExercise("has space", 1.0)


def test_the_docstring_examples_run():
    attempted = 0
    for name in ["__init__", *LAYERS]:
        module = grading if name == "__init__" else importlib.import_module(f"lrlab.grading.{name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, name
        attempted += result.attempted
    assert attempted >= 5


# ---------------------------------------------------------------------------------------------
# The package's modules, lowest layer first: each imports only the ones before it.

LAYERS = [
    "_helpers",
    "report",
    "sandbox",
    "scratch",
    "kinds",
    "function_kind",
    "_changes",
    "chapters",
    "decay_exercises",
    "loops",
    "diagnoses",
    "capstone",
    "practice",
    "designs",
    "designs_plateau_warmup",
    "catalogue",
    "registry",
]
# What the grader may use from the rest of lrlab (not the schedulers, nor the widgets).
BELOW = {"lrlab.counting", "lrlab.schedules", "lrlab.seeding", "lrlab.training"}


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from ... import name` in a file, in functions too."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: a relative import"
            out += [(node.module, alias.name) for alias in node.names]
    return out


def test_the_modules_import_one_way_and_take_no_private_name():
    package = Path(grading.__file__).parent
    assert sorted(p.stem for p in package.glob("*.py")) == sorted(["__init__", *LAYERS])
    for path in package.glob("*.py"):
        rank = LAYERS.index(path.stem) if path.stem in LAYERS else len(LAYERS)
        for module, name in _imports(path):
            if module == "lrlab" or module.startswith("lrlab."):
                if module == "lrlab.grading":
                    module, name = f"lrlab.grading.{name}", ""
                if not module.startswith("lrlab.grading."):
                    assert (module if module != "lrlab" else f"lrlab.{name}") in BELOW, (
                        path.name,
                        module,
                        name,
                    )
                    continue
                below = module.removeprefix("lrlab.grading.")
                assert LAYERS.index(below) < rank, f"{path.name} imports {below}"
                if name.startswith("_"):
                    assert below in ("_helpers", "_changes"), (
                        f"{path.name} takes {name} from {below}"
                    )


def test_the_old_private_module_is_gone():
    with pytest.raises(ImportError):
        importlib.import_module("lrlab._exercises")


def test_under_nbgrader_validate_a_part_not_passed_raises_with_its_report(monkeypatch):
    def not_yet():
        raise NotImplementedError()

    assert check("step_decay_lr_at_95", not_yet).status == "not attempted"  # self-study
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(AssertionError, match="not attempted yet"):
        check("step_decay_lr_at_95", not_yet)
    with pytest.raises(AssertionError, match="0/1"):
        check("step_decay_lr_at_95", lambda: 0.5)
    assert check("step_decay_lr_at_95", lambda: 0.1 * 0.1**3).passed
    # An optional part is asked for only once it is attempted.
    assert check("step_decay_lr_at_95", not_yet, optional=True).status == "not attempted"
    with pytest.raises(AssertionError):
        check("step_decay_lr_at_95", lambda: 0.5, optional=True)


def test_a_missing_package_is_the_graders_problem_and_stops_autograde():
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from lrlab.grading import check\n"
        "report = check('scheduler_from_scratch', object)\n"
        "print(report.status)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "grader error", done.stderr
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 3 and done.stdout == ""
    assert "could not grade 'scheduler_from_scratch'" in done.stderr
    assert "needs torch" in done.stderr
