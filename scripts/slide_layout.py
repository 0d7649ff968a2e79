"""One idea per slide: what a lecture deck shows of a chapter, and what goes to the speaker notes.

``scripts/make_slides.py`` calls :func:`lecture_cells` on a chapter's cells (roles already
rendered). A slide keeps what a room reads at a glance: the headings, the display formulas, the
figures and explorers, short lists, short code, and for a slide that would otherwise show only its
title the first sentence of its text. Everything else, the book's paragraphs, long lists, tables,
notes and long printed output, goes to the slide's speaker notes (reveal.js's notes plugin shows
them in the speaker view: press ``s``), so the lecturer has the book's text and the room a slide.

nbconvert renders a markdown cell whose ``slideshow.slide_type`` is ``"notes"`` into the current
slide's ``<aside class="notes">``: the notes are such cells, placed after what they annotate.
"""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser

import nbformat

#: A visible lead sentence longer than this is cut (at a word) and ends with "…".
LEAD_WORDS = 20
#: A list is shown whole up to this many words; longer, each item shows its first words.
LIST_WORDS = 30
ITEM_WORDS = 7
#: Code shown on a slide: at most this many lines (longer code stays in the book).
CODE_LINES = 4
#: Printed output longer than this many words goes to the notes.
OUTPUT_WORDS = 40
#: Sections that go to the speaker notes whole (headings lower-cased).
SPEAKERS_SECTIONS = ("## references", "## verification against")

_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_WORD = re.compile(r"\w+")
_FIGURE_TYPES = (
    "image/png",
    "image/svg+xml",
    "image/jpeg",
    "application/vnd.jupyter.widget-view+json",
)


def blocks(markdown: str) -> list[str]:
    """The blocks of ``markdown``: paragraphs, lists, tables, fenced blocks and ``$$`` maths."""
    lines, out, current = markdown.split("\n"), [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        stripped = line.strip()
        if fence or (
            stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$"))
        ):
            if current:
                out.append("\n".join(current))
                current = []
            end = fence.group(1) if fence else "$$"
            block = [line]
            i += 1
            while i < len(lines):
                block.append(lines[i])
                if lines[i].strip().startswith(end) if fence else "$$" in lines[i]:
                    break
                i += 1
            out.append("\n".join(block))
        elif not stripped:
            if current:
                out.append("\n".join(current))
                current = []
        elif stripped.startswith("#") and current:
            out.append("\n".join(current))
            current = [line]
        else:
            current.append(line)
            if stripped.startswith("#"):
                out.append("\n".join(current))
                current = []
        i += 1
    if current:
        out.append("\n".join(current))
    return out


def _kind(block: str) -> str:
    first = block.lstrip()
    if first.startswith("#"):
        return "heading"
    if first.startswith("$$") or first.startswith("```{math}"):
        return "math"
    if first.startswith(("![", "<img", "```{image}", "```{figure}")):
        return "image"
    if _FENCE.match(block):
        return "fenced"
    if first.startswith("|"):
        return "table"
    if all(_ITEM.match(line) or line.startswith((" ", "\t")) for line in block.split("\n")):
        return "list"
    return "prose"


def words(text: str) -> int:
    """Words a reader sees in ``text`` (markup and maths symbols do not count)."""
    return len(_WORD.findall(re.sub(r"\$[^$]*\$", " x ", text)))


def _balanced(text: str) -> str:
    """``text`` with an unclosed code span, emphasis or inline formula closed."""
    for mark in ("**", "`", "$"):
        if text.count(mark) % 2:
            text += mark
    return text


def _cut(text: str, limit: int) -> str:
    """The first ``limit`` words of ``text`` (a word boundary, markup kept closed), then "…"."""
    tokens = text.split()
    if words(text) <= limit:
        return text
    kept, count = [], 0
    for token in tokens:
        kept.append(token)
        count += len(_WORD.findall(token))
        if count >= limit:
            break
    return _balanced(" ".join(kept).rstrip(",;:")) + " …"


def _first_sentence(paragraph: str) -> str:
    text = " ".join(paragraph.split())
    match = re.search(r"(?<=[a-z0-9)`*$])[.!?](?=\s+[A-Z(`*])", text)
    return _cut(text[: match.end()] if match else text, LEAD_WORDS)


def _short_list(block: str) -> str:
    if words(block) <= LIST_WORDS:
        return block
    items = [line for line in block.split("\n") if _ITEM.match(line)]
    shown = []
    for item in items[:6]:
        marker = _ITEM.match(item).group(0)
        body = item[len(marker) :]
        bold = re.match(r"\*\*(.+?)\*\*", body)
        shown.append(marker + (f"**{bold.group(1)}**" if bold else _cut(body, ITEM_WORDS)))
    return "\n".join(shown)


def split_markdown(source: str, *, starts_slide: bool) -> tuple[str, str]:
    """``(visible, notes)`` of a markdown cell: what the slide shows, what the speaker reads."""
    visible, notes = [], []
    parts = blocks(source)
    for block in parts:
        kind = _kind(block)
        if kind in ("heading", "math", "image"):
            visible.append(block)
        elif kind == "list":
            short = _short_list(block)
            visible.append(short)
            if short != block:
                notes.append(block)
        else:
            notes.append(block)
    shown = [b for b in visible if _kind(b) != "heading"]
    prose = [b for b in parts if _kind(b) == "prose"]
    if starts_slide and not shown and prose:
        lead = _first_sentence(prose[0])
        visible.append(lead)
    return "\n\n".join(visible), "\n\n".join(notes)


def _notes_cell(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "notes"}})


def _output_text(output) -> tuple[str, str]:
    """``(kind, text)`` of an output that is not a figure: ``"html"`` or ``"text"``."""
    if output.get("output_type") == "stream":
        return "text", output.get("text", "")
    data = output.get("data", {})
    if "text/html" in data:
        return "html", data["text/html"]
    if "text/markdown" in data:
        return "html", data["text/markdown"]
    return "text", data.get("text/plain", "")


def _is_figure(output) -> bool:
    data = output.get("data", {})
    if any(t in data for t in _FIGURE_TYPES):
        return True
    return "lrlab-explorer" in data.get("text/html", "")


def _merged_streams(outputs) -> list:
    """The outputs with each run of consecutive writes to one stream joined into one output, as
    the page shows them: a kernel may send one printed table in several messages."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and last is not None
            and last.get("output_type") == "stream"
            and last.get("name") == output.get("name")
        ):
            text = output.get("text", "")
            last["text"] = "".join(last.get("text", "")) + "".join(text)
        else:
            merged.append(copy.deepcopy(output))
    return merged


def _code(cell) -> tuple[nbformat.NotebookNode, str]:
    """A code cell as the slide shows it, and what goes to the notes."""
    cell = copy.deepcopy(cell)
    notes_only = cell.metadata.pop("lrlab_notes_only", False)
    lines = [line for line in cell.source.split("\n") if line.strip()]
    if len(lines) > CODE_LINES or notes_only:
        cell.metadata["transient"] = {"remove_source": True}
    kept, notes = [], []
    for output in _merged_streams(cell.get("outputs", ())):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            continue  # progress bars and warnings: nothing for the room
        if output.get("output_type") == "error" or _is_figure(output):
            kept.append(output)
            continue
        kind, text = _output_text(output)
        text = "".join(text) if isinstance(text, list) else text
        plain = re.sub(r"<[^>]+>", " ", html.unescape(text)) if kind == "html" else text
        if words(plain) <= OUTPUT_WORDS and not notes_only:
            kept.append(output)
        elif kind == "html":
            notes.append(text)
        else:
            notes.append("```text\n" + "\n".join(text.split("\n")[:30]) + "\n```")
    if "outputs" in cell:
        cell.outputs = kept
    return cell, "\n\n".join(notes)


def _join_figures(cells: list) -> list:
    """A figure that opens its own slide right after a slide of a few words and no figure (a
    heading and its lead) joins that slide: the heading and its figure are one idea."""
    shown_words, has_figure = 0, True
    for cell in cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type in ("skip", "notes"):
            continue
        figure = cell.cell_type == "code" and any(_is_figure(o) for o in cell.get("outputs", ()))
        if slide_type in ("slide", "subslide"):
            if figure and not has_figure and shown_words <= 30:
                cell.metadata.setdefault("slideshow", {})["slide_type"] = "-"
            else:
                shown_words, has_figure = 0, False
        if cell.cell_type == "markdown":
            shown_words += words(cell.source)
        has_figure = has_figure or figure
    return cells


def _split_at_headings(cells: list) -> list:
    """Each heading (levels 1-3) inside a markdown cell starts a cell of its own, on a new
    slide: one idea per slide, as the book's sections divide them."""
    out = []
    for cell in cells:
        if cell.cell_type != "markdown":
            out.append(cell)
            continue
        pieces, current = [], []
        for block in blocks(cell.source):
            if re.match(r"#{1,3} ", block.lstrip()) and current:
                pieces.append(current)
                current = []
            current.append(block)
        pieces.append(current)
        for k, piece in enumerate(pieces):
            part = copy.deepcopy(cell)
            part.source = "\n\n".join(piece)
            if k:
                part.metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
                part.id = f"{cell.get('id', 'cell')}-{k}"
            out.append(part)
    return out


def _heading(cell) -> str | None:
    if cell.cell_type != "markdown":
        return None
    match = re.match(r"(#{1,3}) (.*)", cell.source.lstrip())
    return match and match.group(0)


def _mistakes_on_one_slide(cells: list) -> list:
    """In a "Common mistakes" section, a mistake with no figure is a line of one list on the
    section's slide (its text in the notes); a mistake with a figure keeps a slide of its own."""
    out, in_section = [], False
    for i, cell in enumerate(cells):
        heading = _heading(cell)
        if heading and heading.startswith("## "):
            in_section = "mistake" in heading.lower()
        elif heading and heading.startswith("### ") and in_section:
            end = next((j for j in range(i + 1, len(cells)) if _heading(cells[j])), len(cells))
            if not any(
                c.cell_type == "code" and any(_is_figure(o) for o in c.get("outputs", ()))
                for c in cells[i + 1 : end]
            ):
                for j in range(i + 1, end):  # the mistake's code and output: to the notes
                    if cells[j].cell_type == "code":
                        cells[j] = copy.deepcopy(cells[j])
                        cells[j].metadata["lrlab_notes_only"] = True
                cell = copy.deepcopy(cell)
                title = heading[4:].strip()
                rest = cell.source.lstrip()[len(heading) :]
                cell.source = f"- {title}" + rest
                cell.metadata.setdefault("slideshow", {})["slide_type"] = "-"
        out.append(cell)
    return out


def _title_only(cells: list) -> list:
    """A slide that would show only a section's title (a heading and nothing else) shares its
    slide with what follows: the section's first idea."""
    out = []
    pending = False
    for cell in cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type in ("skip", "notes"):
            out.append(cell)
            continue
        if pending and slide_type in ("slide", "subslide"):
            cell.metadata["slideshow"]["slide_type"] = "-"
        pending = False
        if (
            cell.cell_type == "markdown"
            and slide_type in ("slide", "subslide")
            and all(_kind(b) == "heading" for b in blocks(cell.source))
        ):
            pending = True
        out.append(cell)
    return out


def lecture_cells(cells: list) -> list:
    """The cells of a deck: each markdown cell split into what its slide shows and speaker
    notes, long code hidden, long printed output moved to the notes, and a heading's figure
    on the heading's slide."""
    out = []
    bare = True  # the current slide shows nothing yet but its title
    speakers = False  # in a section whose content goes to the notes
    for cell in _mistakes_on_one_slide(_split_at_headings(cells)):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type in ("skip", "notes"):
            out.append(cell)
            continue
        if slide_type in ("slide", "subslide"):
            bare = True
        heading = _heading(cell)
        if heading and heading.lower().startswith(SPEAKERS_SECTIONS):
            speakers = True
        elif heading and heading.startswith("## "):
            speakers = False
        if speakers:
            # the references and the checks against torch are the speaker's: they go to the
            # notes of the slide before, outputs and all
            if cell.cell_type == "markdown":
                out.append(_notes_cell(cell.source))
                continue
            cell.metadata["lrlab_notes_only"] = True
            cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type = "-"
        if cell.cell_type == "markdown":
            visible, notes = split_markdown(cell.source, starts_slide=bare)
            bare = bare and all(_kind(b) == "heading" for b in blocks(visible))
            if visible.strip():
                shown = copy.deepcopy(cell)
                shown.source = visible
                out.append(shown)
            elif slide_type in ("slide", "subslide"):  # keep the slide, even if all is notes
                shown = copy.deepcopy(cell)
                shown.source = _first_sentence(cell.source)
                out.append(shown)
            if notes.strip():
                out.append(_notes_cell(notes))
        elif cell.cell_type == "code":
            shown, notes = _code(cell)
            bare = bare and not shown.get("outputs")
            if slide_type in ("slide", "subslide") and not shown.get("outputs"):
                # code whose output went to the notes is no idea of its own: it stays on the
                # slide before, its output in that slide's notes
                shown.metadata["slideshow"]["slide_type"] = "-"
            out.append(shown)
            if notes.strip():
                out.append(_notes_cell(notes))
        else:
            out.append(cell)
    return _join_figures(_title_only(out))


# --- measuring a built deck ------------------------------------------------------------------------


class _Deck(HTMLParser):
    """The leaf ``<section>`` s of a reveal.js deck: the words a room reads on each (outside the
    speaker notes, scripts, styles and an explorer's controls), whether it shows a figure (an
    image, a plot or an explorer), and whether it has speaker notes."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.slides: list[dict] = []
        self.hidden: list[str] = []  # the tags we are inside that hide their text

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section":
            if self.stack:
                self.stack[-1]["leaf"] = False
            self.stack.append({"words": 0, "figure": False, "notes": False, "leaf": True})
            return
        hides = tag in ("script", "style") or (tag == "aside" and "notes" in classes)
        if self.stack and tag == "aside" and "notes" in classes:
            self.stack[-1]["notes"] = True
        if (
            self.stack
            and not self.hidden
            and (tag in ("img", "svg", "canvas") or "lrlab-explorer" in classes)
        ):
            self.stack[-1]["figure"] = True
        if hides or "lrlab-explorer" in classes:
            self.hidden.append(tag)
        elif self.hidden and tag == self.hidden[-1] and tag not in ("img", "br", "input"):
            self.hidden.append(tag)  # nested in a hidden element of the same tag

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            slide = self.stack.pop()
            if slide.pop("leaf"):
                self.slides.append(slide)
        elif self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if self.stack and not self.hidden:
            self.stack[-1]["words"] += len(_WORD.findall(data.replace("¶", "")))


def deck_slides(deck_html: str) -> list[dict]:
    """One dict per slide of a built deck: ``words`` (read by the room), ``figure``, ``notes``."""
    parser = _Deck()
    parser.feed(deck_html)
    return parser.slides
