"""Tests of the book as a whole: the table of contents, the chapter template, figures, citations,
and (when the site has been built) that it loads nothing from another host.

The conventions checked here are those every chapter follows:

- every notebook of ``notebooks/``, ``exercises/`` and ``solutions/`` is in ``_toc.yml``;
- a chapter's second-level headings start with the nine parts of the template, in order;
- a chapter links to its exercise (``../exercises/NN_topic.ipynb``);
- a code cell whose output is an image carries alt text in its metadata,
  ``{"mystnb": {"image": {"alt": "..."}}}`` (myst-nb writes it into the ``<img alt>``);
- every ``{cite}`` key exists in ``book/references.bib``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from script_utils import load_file

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
NOTEBOOK_DIRS = ("notebooks", "exercises", "solutions")
TEMPLATE = (
    "Learning objectives",
    "Intuition",
    "The formula",
    "The implementation",
    "Verification",
    "Explore",
    "Experiment",
    "Common mistakes",
    "Summary",
)
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


check_offline = load_file("scripts/check_offline.py")
run_notebooks = load_file("scripts/run_notebooks.py")


def toc_files() -> list[str]:
    """Every ``file:`` of _toc.yml (root first), in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or ():
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", ()):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def notebooks(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).glob("*.ipynb") if not p.name.startswith("."))


def chapters() -> list[Path]:
    """The numbered chapters (``notebooks/NN_topic``); an appendix notebook is not one."""
    return [p for p in notebooks("notebooks") if re.match(r"\d\d_", p.name)]


def all_notebooks() -> list[Path]:
    return [p for folder in NOTEBOOK_DIRS for p in notebooks(folder)]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def markdown_of(nb) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


# --- the table of contents ---------------------------------------------------------------------


def test_toc_files_exist():
    missing = [
        f
        for f in toc_files()
        if not any((ROOT / f"{f}{ext}").is_file() for ext in (".md", ".ipynb", ""))
    ]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"


def test_toc_lists_every_notebook():
    listed = set(toc_files())
    forgotten = [
        p.relative_to(ROOT).with_suffix("").as_posix()
        for p in all_notebooks()
        if p.relative_to(ROOT).with_suffix("").as_posix() not in listed
    ]
    assert not forgotten, f"add these notebooks to _toc.yml: {forgotten}"


def test_toc_has_no_duplicates_and_keeps_course_order():
    files = toc_files()
    assert len(files) == len(set(files)), "a page is listed twice in _toc.yml"
    for folder in NOTEBOOK_DIRS:
        listed = [f for f in files if f.startswith(f"{folder}/")]
        assert listed == sorted(listed), f"{folder}/ entries of _toc.yml are not in course order"


# --- the chapter template ------------------------------------------------------------------------


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_has_the_nine_parts_in_order(path):
    headings = re.findall(r"^## +(.+)$", markdown_of(read(path)), flags=re.MULTILINE)
    found = [part for heading in headings for part in TEMPLATE if heading.startswith(part)]
    assert found == list(TEMPLATE), (
        f"{path.name}: second-level headings {headings} should start with the parts {TEMPLATE} in order"
    )


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_title_is_numbered(path):
    title = read(path).cells[0].source.splitlines()[0]
    number = int(path.name[:2])
    assert title.startswith(f"# {number}. "), (
        f"{path.name}: the title should read '# {number}. ...'"
    )


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_links_to_its_exercise(path):
    target = f"../exercises/{path.name}"
    assert f"]({target})" in markdown_of(read(path)), f"{path.name} has no link to {target}"


SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_every_chapter_cell_has_slide_metadata(path):
    """Lecture mode (scripts/make_slides.py): each cell says where it goes in the reveal.js deck."""
    missing, bad = [], []
    for index, cell in enumerate(read(path).cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind is None:
            missing.append(index)
        elif kind not in SLIDE_TYPES:
            bad.append((index, kind))
    assert not missing, (
        f"{path.name}: cells {missing} have no slide metadata; add "
        '"slideshow": {"slide_type": "slide" | "subslide" | "-" | "skip" | ...} to their metadata'
    )
    assert not bad, f"{path.name}: unknown slide types {bad}; use one of {sorted(SLIDE_TYPES)}"
    first = read(path).cells[0].metadata["slideshow"]["slide_type"]
    assert first == "slide", (
        f"{path.name}: the first cell (the title) should start a slide, got {first!r}"
    )


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_cells_showing_library_source_are_not_compared_by_nbval(path):
    """A cell that prints lrlab's (or torch's) source must carry nbval-ignore-output: otherwise a
    docstring edit in the library fails the chapter's stored outputs under nbval."""
    unguarded = []
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code" or "getsource(" not in cell.source or not cell.outputs:
            continue
        if "nbval-ignore-output" not in cell.metadata.get("tags", []):
            unguarded.append(index)
    assert not unguarded, (
        f"{path.name}: cells {unguarded} show source code; tag them nbval-ignore-output"
    )


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_test_markers_live_in_tags_only(path):
    """nbval's markers are cell tags: a ``# NBVAL_...`` comment would show on the site and in
    the slides as part of the code a reader copies."""
    marked = [
        index
        for index, cell in enumerate(read(path).cells)
        if cell.cell_type == "code" and "# NBVAL_" in cell.source
    ]
    assert not marked, f"{path.name}: cells {marked} carry an nbval comment; use a tag instead"


# --- figures and citations -------------------------------------------------------------------------


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_figure_has_alt_text(path):
    missing = []
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        has_image = any(
            kind in output.get("data", {}) for output in cell.outputs for kind in IMAGE_TYPES
        )
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        if has_image and len(str(alt).split()) < 5:
            missing.append(index)
    assert not missing, (
        f"{path.name}: cells {missing} show an image without alt text; add "
        '"mystnb": {"image": {"alt": "<what the figure shows>"}} to their metadata'
    )


def bib_keys() -> set[str]:
    return set(
        re.findall(
            r"^@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(), flags=re.MULTILINE
        )
    )


def linked_keys(text: str) -> set[str]:
    """The keys of the bibliography entries a text links to (``bibliography.md#cite-<key>``)."""
    return set(re.findall(r"bibliography\.md#cite-([^)\s]+)\)", text))


def cited_keys(text: str) -> set[str]:
    keys = set()
    for group in re.findall(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`", text):
        keys.update(key.strip() for key in group.split(","))
    return keys


def test_bibliography_keys_are_unique():
    text = (ROOT / "book" / "references.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.MULTILINE)
    assert len(keys) == len(set(keys))
    assert len(keys) >= 20


def test_every_citation_is_in_the_bibliography():
    sources = {p.relative_to(ROOT).as_posix(): markdown_of(read(p)) for p in all_notebooks()}
    sources.update(
        {p.relative_to(ROOT).as_posix(): p.read_text() for p in (ROOT / "book").glob("*.md")}
    )
    known = bib_keys()
    unknown = {
        name: sorted((cited_keys(text) | linked_keys(text)) - known)
        for name, text in sources.items()
    }
    unknown = {name: keys for name, keys in unknown.items() if keys}
    assert not unknown, f"citations missing from book/references.bib: {unknown}"


def test_cited_keys_parser():
    assert cited_keys("see {cite:p}`a2017x, b2018y` and {cite:t}`c` and {footcite}`d`") == {
        "a2017x",
        "b2018y",
        "c",
        "d",
    }


def test_linked_keys_parser():
    text = "[He et al. (2016)](../book/bibliography.md#cite-he2016deep); [A, 1](x.md#cite-b)"
    assert linked_keys(text) == {"he2016deep"}


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_prose_uses_no_sphinx_only_role(path):
    """JupyterLab (jupyterlab-myst) renders neither myst-nb's {glue} nor Sphinx's {cite} and {doc}:
    the chapters state numbers with inline expressions computed above them, cite and link with
    markdown links (scripts/portable_roles.py), which both renderers show."""
    text = markdown_of(read(path))
    assert not re.findall(r"\{(?:glue(?::[a-z]+)?|cite(?::[a-z]+)?|doc)\}`[^`]*`", text)


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_inline_expressions_show_the_saved_run_of_the_code_as_it_stands(path):
    """Each markdown cell saved the values of its inline expressions (scripts/run_notebooks.py):
    the site (book/_ext/lrlab_html.py), JupyterLab before the learner runs anything, and the decks
    show that run. So the run must be of the code as it stands: its digest is checked."""
    nb = read(path)
    unsaved = []
    uses_eval = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        wanted = set(re.findall(r"\{eval\}`([^`]*)`", cell.source))
        uses_eval |= bool(wanted)
        saved = {
            item["expression"]
            for item in cell.metadata.get("user_expressions", ())
            if item["result"].get("status") == "ok"
        }
        if wanted - saved:
            unsaved.append((index, sorted(wanted - saved)))
    assert not unsaved, f"{path.name}: run scripts/run_notebooks.py; unsaved: {unsaved}"
    if uses_eval:
        assert nb.metadata.get("mystnb", {}).get("execution_mode") == "off"
        assert not re.search(r"\{glue", markdown_of(nb)), "one way to state a number per chapter"
    ran = nb.metadata.get("lrlab", {}).get("run_of")
    assert ran == run_notebooks.code_digest(nb), (
        f"{path.name}: its code changed since its saved run: "
        f"python scripts/run_notebooks.py {path.relative_to(ROOT)}"
    )


def test_every_link_to_a_page_points_to_a_file():
    for path in chapters():
        for target in re.findall(
            r"\]\(([^)#\s]+\.(?:ipynb|md))(?:#[^)]*)?\)", markdown_of(read(path))
        ):
            assert (path.parent / target).is_file(), f"{path.name} links to missing {target}"


# --- the offline site -------------------------------------------------------------------------------


def test_check_offline_flags_what_a_browser_would_fetch():
    page = """<html><head>
      <script src="https://cdn.example.org/require.js"></script>
      <link rel="stylesheet" href="//fonts.example.org/css">
      <link rel="canonical" href="https://book.example.org/intro.html">
      <style>@import url("https://fonts.example.org/roboto.css"); .x { background: url(data:image/png;base64,AA) }</style>
    </head><body>
      <img src="http://img.example.org/a.png" alt="a">
      <img src="local.png" srcset="local@2x.png 2x, https://img.example.org/b.png 3x" alt="b">
      <iframe src="https://video.example.org/embed"></iframe>
      <div style="background-image: url('https://img.example.org/bg.png')"></div>
      <script src="_static/npm/mathjax/tex-mml-chtml.js"></script>
      <a href="https://doi.org/10.1214/aoms/1177729586">a paper</a>
    </body></html>"""
    found = check_offline.external_resources(page)
    assert found == [
        "<script src> https://cdn.example.org/require.js",
        "<link href> //fonts.example.org/css",
        "<style> https://fonts.example.org/roboto.css",
        "<img src> http://img.example.org/a.png",
        "<img srcset> https://img.example.org/b.png",
        "<iframe src> https://video.example.org/embed",
        "<div style> https://img.example.org/bg.png",
    ]


def test_config_loads_scripts_from_the_local_copies():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    scripts = [config["mathjax_path"], *config["nb_ipywidgets_js"]]
    assert not [s for s in scripts if check_offline.is_external(s)]
    static = [ROOT / path for path in config["html_static_path"]]
    if not all(path.is_dir() for path in static):
        pytest.skip("the local copies are not installed (run `make assets`)")
    absent = [s for s in scripts if not any((path / s).is_file() for path in static)]
    assert not absent, (
        f"scripts configured but not installed by scripts/install_assets.sh: {absent}"
    )


def built_pages() -> list[Path]:
    if not SITE.is_dir():
        pytest.skip("the site is not built (run `make book`)")
    return sorted(SITE.rglob("*.html"))


def test_built_site_loads_nothing_from_other_hosts():
    built_pages()
    report = check_offline.check_site(SITE)
    assert not report, f"pages that load resources from other hosts: {report}"


class _ImageFinder(HTMLParser):
    """The attributes of every real <img> tag (not text inside scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append({name: value or "" for name, value in attrs})

    handle_startendtag = handle_starttag


def images_of(html: str) -> list[dict[str, str]]:
    finder = _ImageFinder()
    finder.feed(html)
    return finder.images


def test_image_finder_ignores_scripts():
    html = '<img src="a.png" alt="a"><script>// an <img> in a comment</script><img src="b.png">'
    assert [image.get("alt") for image in images_of(html)] == ["a", None]


def test_built_images_have_alt_text():
    missing = {}
    for page in built_pages():
        images = images_of(page.read_text(encoding="utf-8", errors="replace"))
        bad = [image.get("src", "?") for image in images if not image.get("alt", "").strip()]
        if bad:
            missing[page.relative_to(SITE).as_posix()] = bad[:3]
    assert not missing, f"images without alt text: {missing}"


def test_built_chapters_typeset_maths_with_the_local_mathjax():
    pages = [SITE / "notebooks" / f"{p.stem}.html" for p in chapters()]
    pages = [p for p in pages if p.is_file()] or pytest.skip("no chapter page is built")
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<script[^>]+src="[./]*_static/npm/mathjax/tex-mml-chtml\.js', html), (
            page.name
        )
        assert "\\(" in html or "\\[" in html, f"{page.name}: no maths found"


# --- book/_ext/lrlab_html.py: each inline script once per page ---------------------------------


def test_inline_scripts_registered_twice_are_written_once():
    from sphinx.builders.html._assets import _JavaScript

    lrlab_html = load_file("book/_ext/lrlab_html.py")
    thebe = 'const THEBE_JS_URL = "x"'
    scripts = [
        _JavaScript("_static/doctools.js", priority=200),
        _JavaScript(None, body=thebe, priority=500),  # as the extension registered it
        _JavaScript("_static/sphinx-thebe.js", priority=500, **{"async": "async"}),
        _JavaScript("", body=thebe, priority=500),  # as Sphinx 7.4 re-adds it before writing
        _JavaScript("", body="let other = 1", priority=500),
    ]
    context = {"script_files": scripts}
    lrlab_html.drop_duplicate_scripts(None, "index", "page.html", context, None)
    assert context["script_files"] is scripts  # the builder's own list, edited in place
    assert [getattr(s, "attributes", {}).get("body") for s in scripts] == [
        None,
        thebe,
        None,
        "let other = 1",
    ]


def test_site_root_names_its_icon_and_sends_the_reader_to_the_first_chapter():
    """A bare refresh line names no icon: the browser asks for /favicon.ico, a 404 in the console."""
    root = SITE / "index.html"
    if not root.is_file():
        pytest.skip("the site is not built: run `make book`")
    html = root.read_text(encoding="utf-8")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon, "the root page names no icon"
    assert (SITE / icon.group(1)).is_file(), icon.group(1)
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html, re.I)
    assert target and (SITE / target.group(1)).is_file(), "the refresh goes nowhere"
    assert target.group(1).endswith("intro.html")
    assert f'<a href="{target.group(1)}">' in html  # for a browser that does not refresh


def test_config_loads_the_script_deduplicating_extension():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]
    assert config["local_extensions"]["lrlab_html"] == "book/_ext"
    assert (ROOT / "book" / "_ext" / "lrlab_html.py").is_file()


# --- the instructor's guide ----------------------------------------------------------------------

INSTRUCTOR = ROOT / "book" / "instructor.md"


def instructor_sections() -> dict[int, str]:
    """The lecture plans of book/instructor.md, headed "N. <title>", by N (each up to the next heading)."""
    text = INSTRUCTOR.read_text(encoding="utf-8")
    sections = {}
    for chunk in re.split(r"^(?=#{1,3} )", text, flags=re.MULTILINE):
        match = re.match(r"#{2,3} (\d+)\. ", chunk)
        if match:
            sections[int(match.group(1))] = chunk
    return sections


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_instructor_guide_has_a_lecture_plan_for_every_chapter(path):
    number = int(path.name[:2])
    section = instructor_sections().get(number)
    assert section is not None, (
        f"book/instructor.md has no lecture plan for {path.name}: add a section '### {number}. <its title>'"
    )
    assert f"../notebooks/{path.stem}" in section, (
        f"book/instructor.md: the section for chapter {number} does not link to ../notebooks/{path.stem}"
    )


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_instructor_guide_names_only_sections_the_chapter_has(path):
    """A plan's "run live" column names cells by the heading of their section, in italics."""
    section = instructor_sections().get(int(path.name[:2]))
    if section is None:
        pytest.skip("no lecture plan for this chapter (the test above fails)")
    headings = set(re.findall(r"^#{2,3} +(.+?)\s*$", markdown_of(read(path)), flags=re.MULTILINE))
    rows = [line.split("|") for line in section.splitlines() if re.match(r"\|\s*\d+\s*\|", line)]
    named = [name for row in rows if len(row) > 3 for name in re.findall(r"\*([^*]+)\*", row[3])]
    assert named, f"book/instructor.md: the plan for {path.name} names no section to run live"
    missing = [name for name in named if name not in headings]
    assert not missing, (
        f"book/instructor.md names sections that {path.name} does not have: {missing}"
    )


# --- the student edition (make book-student) -----------------------------------------------------


def test_the_student_edition_drops_the_solutions_part_only():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    student = load_file("scripts/build_student.py").student_toc(toc)
    files = [e["file"] for p in student["parts"] for e in p["chapters"]]
    assert not [f for f in files if f.startswith("solutions/")]
    assert len(student["parts"]) == len(toc["parts"]) - 1
    every = [e["file"] for p in toc["parts"] for e in p["chapters"]]
    assert set(every) - set(files) == {f for f in every if f.startswith("solutions/")}
    with pytest.raises(ValueError, match="Solutions"):
        load_file("scripts/build_student.py").student_toc(student)


def test_no_page_of_the_student_edition_links_to_a_solution():
    pages = [*all_notebooks(), *sorted((ROOT / "book").glob("*.md"))]
    linking = [
        p.relative_to(ROOT).as_posix()
        for p in pages
        if not p.relative_to(ROOT).as_posix().startswith("solutions/")
        and re.search(
            r"\]\((\.\./)?solutions/|<\.\./solutions/|\{doc\}`[^`]*solutions/", p.read_text()
        )
    ]
    assert not linking, (
        f"these pages link to a solution, a dead link in the student edition: {linking}"
    )


def test_an_inline_expression_shows_the_value_saved_in_its_own_cell():
    """The chapters are not executed by the build: book/_ext answers myst-nb's request for an
    expression's value from the markdown cell's saved run (scripts/run_notebooks.py)."""
    lrlab_html = load_file("book/_ext/lrlab_html.py")

    def saved(expression, text):
        result = {"status": "ok", "data": {"text/plain": text}, "metadata": {}}
        return {"metadata": {"user_expressions": [{"expression": expression, "result": result}]}}

    class Client:  # myst-nb's NotebookClientBase (execution mode off), as the extension uses it
        notebook = {"cells": [{}, saved("acc", "0.5"), {}, saved("acc", "0.9")]}

        def cell_line(self, index):
            return (index + 1) * 10000 + 1  # myst-nb's line of a notebook's cell

        def eval_variable(self, name):
            raise NotImplementedError  # no kernel

    client = Client()
    renderer = type("Renderer", (), {"renderer": type("R", (), {"nb_client": client})()})()
    assert lrlab_html.use_saved_values({"nb_renderer": renderer}, 40003) == 3
    [output] = client.eval_variable("acc")
    assert output["data"] == {"text/plain": "0.9"}  # the value of this cell, not of cell 1
    assert lrlab_html.use_saved_values({"nb_renderer": renderer}, 20005) == 1
    assert client.eval_variable("acc")[0]["data"] == {"text/plain": "0.5"}
    with pytest.raises(lrlab_html.UnsavedExpression, match="other.*run_notebooks"):
        client.eval_variable("other")
    assert lrlab_html.use_saved_values({}, 30003) is None  # not a notebook
