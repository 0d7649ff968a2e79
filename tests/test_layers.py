"""The package's structure (CONTRIBUTING.md): one-way layers, no private names across modules,
no module over 700 lines. Read from the source with `ast`, so nothing here imports lrlab."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "lrlab"
MODULES = sorted(PACKAGE.rglob("*.py"))

# layer -> the lrlab layers it may import (besides itself); a layer is the first dotted part
# after "lrlab" ("schedules", "grading", ...), a top-level module counts as its own layer.
ALLOWED = {
    "_checks": set(),
    "counting": set(),
    "seeding": {"_checks"},
    "stats": {"_checks"},
    "schedules": {"_checks"},
    "schedulers": {"_checks", "schedules"},
    "widgets": {"_checks", "schedules"},
    "plotting": {"_checks", "schedules"},
    "training": {"_checks", "seeding", "stats", "schedules"},
    "range_test": {"_checks", "seeding", "training"},
    "grading": {"_checks", "counting", "seeding", "schedules", "training"},
    "plan": {"_checks", "counting", "schedules", "plotting"},
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported lrlab module, the names taken from it) for every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("lrlab")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = _name(path).split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("lrlab"):
                found.append((module, [a.name for a in node.names]))
    return found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_700_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 700


@pytest.mark.parametrize(
    "path", [p for p in MODULES if p.parent != PACKAGE or p.stem != "__init__"], ids=_name
)
def test_imports_go_one_way(path):
    layer = _layer(_name(path))
    for module, _ in _imports(path):
        target = _layer(module)
        if target in ("", layer):
            continue
        assert target in ALLOWED[layer], f"{_name(path)} imports {module} (a layer above it)"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_private_name_is_taken_across_modules(path):
    here = _name(path)
    for module, names in _imports(path):
        parts = module.split(".")
        private = [i for i, part in enumerate(parts) if part.startswith("_")]
        if private:  # a private module serves the package that holds it, and nothing outside
            owner = ".".join(parts[: private[0]])
            assert here == owner or here.startswith(owner + "."), (
                f"{here} imports {module}, private to {owner}"
            )
            continue
        taken = [name for name in names if name.startswith("_")]
        assert not taken, f"{here} takes the private names {taken} from {module}"


def test_the_layers_have_no_cycle():
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        graph.setdefault(_layer(_name(path)) or "lrlab", set()).update(
            _layer(m) for m, _ in _imports(path) if _layer(m) not in ("", _layer(_name(path)))
        )
    graph.pop("lrlab", None)  # the package root re-exports every layer, lazily
    seen, stack = set(), []

    def visit(node):
        assert node not in stack, f"import cycle: {' -> '.join(stack + [node])}"
        if node in seen:
            return
        stack.append(node)
        for target in graph.get(node, ()):
            visit(target)
        stack.pop()
        seen.add(node)

    for node in graph:
        visit(node)


def test_every_layer_is_known():
    assert {_layer(_name(p)) for p in MODULES} - {""} == set(ALLOWED)
