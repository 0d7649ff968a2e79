"""Rewrite the chapters' MyST roles into forms that render both on the site and in JupyterLab.

    python scripts/portable_roles.py                       # every notebooks/*.ipynb, in place
    python scripts/portable_roles.py notebooks/06_warmup.ipynb
    python scripts/portable_roles.py --check               # exit 1 if a chapter still needs it

JupyterLab (with the ``jupyterlab-myst`` extension) renders MyST, but not myst-nb's ``{glue}``
nor Sphinx's ``{cite}`` and ``{doc}``: a learner would read them raw. Mechanically, per chapter:

* ``{glue:text}`name:spec``` becomes the inline expression ``{eval}`f"{name:spec}"``` (and
  ``{glue:text}`name``` becomes ``{eval}`name```): JupyterLab evaluates it in the learner's kernel
  when the markdown cell runs; ``scripts/run_notebooks.py`` saves each value of the chapter's run
  in its cell, and the book shows those (the chapter sets ``mystnb.execution_mode: off`` in its
  metadata: the build does not run it again, book/_ext/lrlab_html.py reads the saved values).
  Both show a string without its quotes, so the text reads the same as with glue;
* each ``glue("name", value, display=False)`` call becomes the plain variable ``name = value``
  (``glue(f"name_{key}", ...)`` in a loop: ``globals()[f"name_{key}"] = value``), and ``from
  myst_nb import glue`` goes once nothing uses it.

  An inline expression is evaluated where its cell stands, a glued value wherever it is used: a
  chapter whose text states a number before the cell that computes it (a *forward reference*)
  keeps its glue until the text or the cells are reordered; the script lists those references;
* ``{cite:t}`key``` becomes "Author et al. (year)" and ``{cite:p}``/``{cite}`` "(Author et al.,
  year)", each a link to the key's entry on the bibliography page (``bibtex_cite_id`` in
  ``_config.yml`` gives the entries the anchors ``cite-<key>``);
* ``{doc}`page``` becomes a markdown link to the page's file, titled with its first heading (or
  the role's own title): Sphinx resolves a relative link to a source file, JupyterLab opens it.

The script is idempotent: a converted chapter is left as it is.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_slides import bib_labels  # noqa: E402

BIBLIOGRAPHY = ROOT / "book" / "bibliography.md"
CITE_ANCHOR = "cite-{key}"
_ROLE = re.compile(r"\{(?P<role>glue(?::[a-z]+)?|cite(?::[a-z]+)?|doc)\}`(?P<text>[^`]*)`")
_TITLE = re.compile(r"^#\s+(.+?)\s*$", flags=re.MULTILINE)


def eval_expression(text: str) -> str:
    """The inline expression that shows what ``{glue:text}`text``` showed.

    Example:
        >>> eval_expression("ch6_acc10:.1%"), eval_expression("ch6_batch")
        ('f"{ch6_acc10:.1%}"', 'ch6_batch')
    """
    name, _, spec = text.partition(":")
    name = name.strip()
    if not name.isidentifier():  # glued from a loop, e.g. f"ch1_gamma_{g}_train" with g = 0.5
        if not re.fullmatch(r"[\w.]+", name):
            raise ValueError(f"glue name {name!r} is neither an identifier nor a glued key")
        name = f"globals()['{name}']"
    return f'f"{{{name}:{spec}}}"' if spec else name


def page_title(path: Path) -> str:
    """The first level-1 heading of a notebook or markdown page (its title in the book)."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    found = _TITLE.search(text)
    if not found:
        raise ValueError(f"{path} has no '# title' heading to name a link to it")
    return found.group(1)


def doc_link(text: str, folder: Path) -> str:
    """``{doc}`text``` as a markdown link to the page's source file, relative to ``folder``."""
    titled = re.match(r"^(.*?)\s*<(.+)>$", text, flags=re.DOTALL)
    title, target = (titled.group(1), titled.group(2)) if titled else (None, text.strip())
    for suffix in (".ipynb", ".md"):
        path = (folder / (target + suffix)).resolve()
        if path.is_file():
            return f"[{title or page_title(path)}]({target}{suffix})"
    raise ValueError(f"{{doc}}`{text}`: no page {target}.ipynb or {target}.md next to {folder}")


def cite_links(role: str, keys: str, folder: Path, bib: dict[str, tuple[str, str]]) -> str:
    """``{cite:t}``/``{cite:p}`` as author-year text linked to the bibliography's entries."""
    target = Path(os.path.relpath(BIBLIOGRAPHY, folder))
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in bib:
            raise ValueError(f"{{cite}}`{key}` is not in book/references.bib")
        who, year = bib[key]
        href = f"{target.as_posix()}#{CITE_ANCHOR.format(key=key)}"
        parts.append(
            f"[{who} ({year})]({href})" if role == "cite:t" else f"[{who}, {year}]({href})"
        )
    return "; ".join(parts) if role == "cite:t" else "(" + "; ".join(parts) + ")"


def convert_markdown(
    source: str, folder: Path, bib: dict[str, tuple[str, str]], glue: bool = True
) -> str:
    """A markdown cell's source with its cite and doc roles (and glue ones) rewritten."""

    def replace(match: re.Match) -> str:
        role, text = match.group("role"), match.group("text")
        if role.startswith("glue"):
            if not glue:
                return match.group(0)
            return f"{{eval}}`{eval_expression(text)}`"
        if role.startswith("cite"):
            return cite_links(role, text, folder, bib)
        return doc_link(text, folder)

    return _ROLE.sub(replace, source)


def _parsable(source: str) -> str:
    """``source`` with IPython's magic and shell lines blanked (same line numbers) for ``ast``."""
    return "\n".join("pass" if re.match(r"\s*[%!]", line) else line for line in source.split("\n"))


def _glue_name(call: ast.Call, source: str) -> str:
    """The target of a glue call: ``name`` for ``glue("name", ...)``, else the name's source."""
    name = call.args[0]
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        if not name.value.isidentifier():
            raise ValueError(f"glue name {name.value!r} is not a Python identifier")
        return name.value
    if isinstance(name, ast.JoinedStr):
        return f"globals()[{ast.get_source_segment(source, name)}]"
    raise ValueError(f"glue's name is neither a string nor an f-string: {ast.unparse(call)}")


def glue_names(source: str) -> list[str]:
    """The names a code cell glues, an f-string's fields as ``{}`` (``"acc_{}"``)."""
    if "glue" not in source:
        return []
    names = []
    for node in ast.walk(ast.parse(_parsable(source))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "glue":
            name = node.args[0]
            if isinstance(name, ast.Constant):
                names.append(name.value)
            elif isinstance(name, ast.JoinedStr):
                names.append(
                    "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in name.values)
                )
    return names


def forward_references(nb: nbformat.NotebookNode) -> list[tuple[str, int, int | None]]:
    """``(name, markdown cell, glue cell)`` for each glued value the text uses before its cell.

    The cells are indices into ``nb.cells``; the glue cell is None for a name never glued.
    """
    glued: list[tuple[re.Pattern, int]] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for name in glue_names(cell.source):
                pattern = re.escape(name).replace(r"\{\}", ".+")
                glued.append((re.compile(f"^{pattern}$"), index))
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for match in _ROLE.finditer(cell.source):
            if not match.group("role").startswith("glue"):
                continue
            name = match.group("text").partition(":")[0].strip()
            where = next((i for pattern, i in glued if pattern.match(name)), None)
            if where is None or where > index:
                found.append((name, index, where))
    return found


def convert_code(source: str) -> str:
    """A code cell's source with each ``glue("name", value, ...)`` statement as ``name = value``.

    Example:
        >>> convert_code('glue("ch1_lr", float(lr),\\n     display=False)\\nx = 1')
        'ch1_lr = float(lr)\\nx = 1'
    """
    if "glue" not in source:
        return source
    parsable = _parsable(source)
    lines = source.split("\n")
    edits = []
    for node in ast.walk(ast.parse(parsable)):
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "glue"):
            continue
        if node.lineno == node.end_lineno and lines[
            node.lineno - 1
        ].strip() != ast.get_source_segment(parsable, node):
            raise ValueError(f"a glue call shares its line with other code: {ast.unparse(call)}")
        value = ast.get_source_segment(parsable, call.args[1])
        if "\n" in value:  # the call's parentheses held the lines together
            value = f"({value})"
        indent = lines[node.lineno - 1][: node.col_offset]
        edits.append(
            (node.lineno, node.end_lineno, f"{indent}{_glue_name(call, parsable)} = {value}")
        )
    for start, end, text in sorted(edits, reverse=True):
        lines[start - 1 : end] = [text]
    source = "\n".join(lines)
    if not re.search(r"\bglue\(", source):
        source = re.sub(r"^from myst_nb import glue\n", "", source, flags=re.MULTILINE)
    return source


def convert(nb: nbformat.NotebookNode, folder: Path, bib: dict) -> nbformat.NotebookNode:
    """The notebook converted (its glue only without forward references); where it has an
    ``{eval}``, the build shows its saved run (execution mode off)."""
    glue = not forward_references(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(cell.source, folder, bib, glue=glue)
        elif cell.cell_type == "code" and glue:
            cell.source = convert_code(cell.source)
    if any("{eval}`" in c.source for c in nb.cells if c.cell_type == "markdown"):
        nb.metadata.setdefault("mystnb", {})["execution_mode"] = "off"
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; fail if needed")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    bib = bib_labels()
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for name, text, cell in forward_references(nb):
            where = f"cell {cell}" if cell is not None else "no cell"
            print(f"{path}: cell {text} uses {name}, glued in {where}: keeps its glue")
        before = nbformat.writes(nb)
        after = nbformat.writes(convert(nb, path.parent.resolve(), bib))
        if after != before:
            stale.append(path)
            if not args.check:
                path.write_text(after + ("" if after.endswith("\n") else "\n"), encoding="utf-8")
    for path in stale:
        print(f"{'needs converting' if args.check else 'converted'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
