"""Build one reveal.js deck per chapter notebook, for teaching with no network.

    python scripts/make_slides.py               # every notebooks/NN_topic.ipynb -> _build/slides/
    python scripts/make_slides.py notebooks/01_step_decay.ipynb   # only these

``make slides`` runs it after ``make assets``. Each deck is ``_build/slides/NN_topic.slides.html``,
made by nbconvert's ``SlidesExporter`` (what ``jupyter nbconvert --to slides`` runs) from the
notebook's saved outputs (nothing is executed), with the cells' ``slideshow.slide_type`` metadata
deciding the slides. ``_build/slides/index.html`` lists the decks.

Offline. nbconvert's reveal template loads jQuery, require.js, mermaid, MathJax 2 and reveal.js
from CDNs. The template written here (``_TEMPLATE``, extending nbconvert's) loads instead:

* reveal.js (its script, CSS, white theme with its fonts, and the speaker-notes plugin) and
  MathJax 3 from ``_build/slides/_vendor/``, copied from ``book/_vendor/npm`` (which
  ``scripts/install_assets.sh`` installs from npm at the versions of ``web/package-lock.json``);
* no jQuery, require.js or mermaid: reveal.js is loaded with plain ``<script>`` tags, and the
  decks need nothing else.

So a deck served from ``_build/slides/`` by any local web server (or opened as a file) requests
nothing from another host; ``scripts/check_offline.py`` confirms it for every deck (this script
runs it and fails if it finds anything).

What the deck shows, per cell:

* the saved widget state is dropped (``nb.metadata["widgets"]``), so each slider explorer shows
  its self-contained HTML version, whose sliders work without a kernel or a widget manager;
* cells tagged ``remove-cell`` are left out, ``hide-input``/``remove-input`` show only their
  output, ``remove-output``/``hide-output`` only their input;
* one idea per slide (``scripts/slide_layout.py``): a slide shows the headings, formulas, figures
  and explorers, short lists and code, and a lead sentence; the book's paragraphs, long output,
  the checks against PyTorch and the references go to the speaker notes;
* the MyST roles of the book's markdown are rendered: ``{eval}`expression``` becomes the value
  saved in the cell's ``user_expressions`` metadata (by ``scripts/run_notebooks.py`` or JupyterLab),
  ``{glue:text}`name:format``` the glued value (read from the notebook's outputs), ``{cite}`key```
  an author-year citation from ``book/references.bib``, ``{doc}`page``` its name; a markdown link
  to a page of the book (``[Chapter 2](02_exponential.ipynb)``) becomes its text.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from slide_layout import lecture_cells  # noqa: E402 - a sibling script, found through sys.path

OUT = ROOT / "_build" / "slides"
VENDOR = ROOT / "book" / "_vendor" / "npm"
BIB = ROOT / "book" / "references.bib"
# What the decks load, relative to _build/slides/ (copied from book/_vendor/npm).
REVEAL = "_vendor/reveal.js"
MATHJAX = "_vendor/mathjax/tex-mml-chtml.js"
VENDORED = ("reveal.js", "mathjax")

_TEMPLATE = r"""{%- extends 'reveal/index.html.j2' -%}
{#- lrlab's decks: nbconvert's reveal template with every script from _vendor/ (no CDN). -#}

{%- block html_head_js -%}
{#- no jQuery, require.js or mermaid: reveal.js is loaded by plain script tags below; and no
    favicon request (a 404 in the console) -#}
<link rel="icon" href="data:,">
<style>
/* A notebook slide can be taller than the screen: it scrolls instead of being cut off. */
.reveal .slides > section, .reveal .slides > section > section {
  height: 100%; overflow-y: auto; overflow-x: hidden;
}
</style>
{%- endblock html_head_js -%}

{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  options: {ignoreHtmlClass: "tex2jax_ignore", processHtmlClass: "tex2jax_process"}
};
</script>
<script defer src="{{ resources.lrlab_mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}

{% block footer_js %}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true,
  progress: true,
  history: true,
  hash: true,
  transition: "{{ resources.reveal.transition }}",
  slideNumber: "c/t",
  plugins: [RevealNotes],
  center: false,
  width: 1100,
  height: 780
});
</script>
{% endblock footer_js %}
"""

_CONF = '{"base_template": "reveal", "mimetypes": {"text/html": true}}\n'

_ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]+)?)\}`(?P<text>[^`]*)`")
# A markdown link to a page of the book (not a web address): its text alone in a deck.
_PAGE_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:)[^)\s]+\.(?:md|ipynb)(?:#[^)\s]*)?\)")
_QUOTED = re.compile(r"""^(["'])(.*)\1$""", flags=re.DOTALL)


# --- the book's MyST roles, rendered for a deck -------------------------------------------------


def glued_values(nb: nbformat.NotebookNode) -> dict[str, object]:
    """The values a notebook glued (myst_nb.glue), by name, as Python objects where possible."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get("application/papermill.record/text/plain")
            if name is None or text is None:
                continue
            try:
                values[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[name] = text
    return values


def expression_values(cell: nbformat.NotebookNode) -> dict[str, str]:
    """The saved values of a markdown cell's inline expressions (``{eval}``), by expression, as
    JupyterLab and the book show them: the text/plain result, a string without its quotes."""
    values = {}
    for item in cell.get("metadata", {}).get("user_expressions", ()):
        result = item.get("result", {})
        text = result.get("data", {}).get("text/plain")
        if result.get("status") == "ok" and text is not None:
            values[item["expression"]] = _QUOTED.sub(r"\2", text)
    return values


def bib_labels(path: Path = BIB) -> dict[str, tuple[str, str]]:
    """key -> ("Author et al.", "year") for each entry of a .bib file (first author's last name)."""
    labels = {}
    if not path.is_file():
        return labels
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r"^@\w+\{([^,\s]+),(.*?)^\}", text, flags=re.MULTILINE | re.DOTALL):
        key, body = match.group(1), match.group(2)
        authors = re.search(r"author\s*=\s*\{(.*?)\},?\s*$", body, flags=re.MULTILINE | re.DOTALL)
        year = re.search(r"year\s*=\s*\{?(\d{4})", body)
        if not authors:
            continue
        names = [a.strip() for a in re.split(r"\s+and\s+", " ".join(authors.group(1).split()))]
        last = _last(names[0])
        who = (
            last
            if len(names) == 1
            else (f"{last} and {_last(names[1])}" if len(names) == 2 else f"{last} et al.")
        )
        labels[key] = (who, year.group(1) if year else "n.d.")
    return labels


_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}


def _latex_text(text: str) -> str:
    """BibTeX's accents as Unicode (``{\\"a}`` is ä) and its braces dropped."""
    text = re.sub(
        r"""\{?\\(["'`^~])\{?([A-Za-z])\}?\}?""",
        lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]),
        text,
    )
    return text.replace("{", "").replace("}", "")


def _last(name: str) -> str:
    """The last name of a BibTeX author ("Last, First" or "First Last")."""
    return _latex_text(name.split(",")[0] if "," in name else name.split()[-1])


def render_roles(
    markdown: str,
    glued: dict[str, object],
    bib: dict[str, tuple[str, str]],
    expressions: dict[str, str] | None = None,
) -> str:
    """``markdown`` with the MyST roles of the book replaced by plain text for nbconvert.

    ``{cite}`` and ``{cite:p}`` give "(Author et al., year)", ``{cite:t}`` "Author et al.
    (year)", as the book's author-year style does.

    Example:
        >>> render_roles("lr {glue:text}`lr:.2f`, see {cite}`he2016deep` and {doc}`../book/setup`",
        ...              {"lr": 0.125}, {"he2016deep": ("He et al.", "2016")})
        'lr 0.12, see (He et al., 2016) and setup'
    """

    def replace(match: re.Match) -> str:
        role, text = match.group("role"), match.group("text")
        if role == "eval":
            if text not in (expressions or {}):
                raise ValueError(
                    f"{{eval}}`{text}` has no saved value: run the notebook "
                    "(python scripts/run_notebooks.py NOTEBOOK) to save it"
                )
            return expressions[text]
        if role in ("glue", "glue:text", "glue:any"):
            name, _, spec = text.partition(":")
            if name not in glued:
                raise ValueError(f"{{glue}} `{name}` is used but never glued in this notebook")
            value = glued[name]
            try:
                return format(value, spec) if spec else str(value)
            except (TypeError, ValueError):
                return str(value)
        if role.startswith("cite"):
            found = [bib.get(k.strip(), (k.strip(), "")) for k in text.split(",")]
            if role == "cite:t":
                return "; ".join(f"{who} ({year})" for who, year in found)
            return "(" + "; ".join(f"{who}, {year}" for who, year in found) + ")"
        if role == "doc":
            label = re.match(r"^(.*?)\s*<(.+)>$", text)
            return label.group(1) if label else text.rstrip("/").split("/")[-1]
        return text

    return _PAGE_LINK.sub(r"\1", _ROLE.sub(replace, markdown))


def prepare(nb: nbformat.NotebookNode, bib: dict[str, tuple[str, str]]) -> nbformat.NotebookNode:
    """A copy of a chapter notebook ready for the SlidesExporter (see the module docstring)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # the explorers then show their self-contained HTML
    glued = glued_values(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", ()))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            cell.source = render_roles(cell.source, glued, bib, expression_values(cell))
        elif cell.cell_type == "code":
            if tags & {"hide-input", "remove-input"}:  # what nbconvert's templates read
                cell.metadata["transient"] = {"remove_source": True}
            if tags & {"hide-output", "remove-output"}:
                cell.outputs = []
            # glue records carry no display for a reader
            cell.outputs = [
                o
                for o in cell.get("outputs", ())
                if "application/papermill.record/text/plain" not in o.get("data", {})
            ]
        cells.append(cell)
    nb.cells = lecture_cells(cells)
    return nb


# --- building the decks -------------------------------------------------------------------------


def _exporter(template_dir: Path):
    from nbconvert.exporters import SlidesExporter

    exporter = SlidesExporter(
        extra_template_basedirs=[str(template_dir)],
        template_name="lrlab_slides",
        reveal_url_prefix=REVEAL,
        reveal_theme="white",
        reveal_transition="none",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exporter


def copy_vendor(out: Path = OUT, vendor: Path = VENDOR) -> None:
    """Copy reveal.js and MathJax from ``book/_vendor/npm`` to ``out/_vendor``."""
    missing = [name for name in VENDORED if not (vendor / name).is_dir()]
    if missing:
        raise SystemExit(
            f"make_slides: {', '.join(missing)} not in {vendor}: run `make assets` "
            "(scripts/install_assets.sh) first"
        )
    target = out / "_vendor"
    if target.exists():
        shutil.rmtree(target)
    for name in VENDORED:
        shutil.copytree(vendor / name, target / name)


def build_deck(path: Path, exporter, bib: dict[str, tuple[str, str]], out: Path = OUT) -> Path:
    """Write ``out/<stem>.slides.html`` from the notebook at ``path``; return its path."""
    nb = prepare(nbformat.read(path, as_version=4), bib)
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": path.stem}, "lrlab_mathjax_url": MATHJAX}
    )
    deck = out / f"{path.stem}.slides.html"
    deck.write_text(body, encoding="utf-8")
    return deck


def _title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def write_index(decks: list[Path], titles: list[str], out: Path = OUT) -> Path:
    items = "\n".join(
        f'<li><a href="{html.escape(d.name)}">{html.escape(t)}</a></li>'
        for d, t in zip(decks, titles)
    )
    index = out / "index.html"
    index.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<title>lrlab: lecture slides</title><link rel="icon" href="data:,"></head>'
        '<body style="font-family:sans-serif;max-width:40em;margin:2em auto">'
        f"<h1>lrlab: lecture slides</h1><ul>\n{items}\n</ul>"
        "<p>Arrow keys move between slides, <kbd>s</kbd> opens the speaker view, "
        "<kbd>Esc</kbd> the overview.</p></body></html>\n",
        encoding="utf-8",
    )
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="chapter notebooks (default: every notebooks/*.ipynb)",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="output folder (default: _build/slides)"
    )
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        print("make_slides: no chapter notebooks found", file=sys.stderr)
        return 1
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    copy_vendor(out)
    bib = bib_labels()
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "lrlab_slides"
        template.mkdir()
        (template / "index.html.j2").write_text(_TEMPLATE, encoding="utf-8")
        (template / "conf.json").write_text(_CONF, encoding="utf-8")
        exporter = _exporter(Path(tmp))
        decks, failed = [], []
        for path in paths:
            try:
                decks.append(build_deck(path, exporter, bib, out))
            except ValueError as err:  # a glue the notebook does not define: say which
                failed.append(path)
                print(f"make_slides: {path.name}: {err}", file=sys.stderr)
    # Every deck built so far, not only this run's, is listed.
    all_decks = sorted(out.glob("*.slides.html"))
    given = {path.stem: path for path in paths}
    stems = [d.name.removesuffix(".slides.html") for d in all_decks]
    sources = [given.get(stem, ROOT / "notebooks" / f"{stem}.ipynb") for stem in stems]
    write_index(all_decks, [_title(s) if s.is_file() else s.stem for s in sources], out)
    for deck in decks:
        print(f"make_slides: wrote {deck.relative_to(ROOT) if deck.is_relative_to(ROOT) else deck}")

    sys.path.insert(0, str(ROOT / "scripts"))
    from check_offline import check_site

    report = check_site(out)
    for page, found in report.items():
        for item in found:
            print(f"make_slides: {page} loads {item} from another host", file=sys.stderr)
    return 1 if report or failed else 0


if __name__ == "__main__":
    sys.exit(main())
