"""Check that a built site loads nothing from another host.

Scans every ``.html`` file under the site folder (default ``_build/html``) for resources a browser
fetches while rendering the page: ``<script src>``, ``<link href>`` (stylesheets, icons, preloads,
fonts), ``<img src/srcset>``, ``<iframe src>``, ``<source>``, ``<video>``, ``<audio>``, ``<embed>``,
``<object data>`` and ``url(...)`` / ``@import`` inside ``<style>`` blocks and ``style``
attributes. A URL with a scheme other than ``data:``/``blob:`` (``http:``, ``https:``, or
protocol-relative ``//host``) is reported. Plain links (``<a href>``) are not resources and are
allowed: the bibliography links to papers.

Usage::

    python scripts/check_offline.py [SITE_DIR]

Prints one line per external resource (``page: <tag attr> URL``) and exits 1 if there are any.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

# Attributes through which each tag makes the browser fetch something.
_RESOURCE_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),  # SVG <image>
    "use": ("href", "xlink:href"),  # SVG <use> may reference an external sprite
}
# <link rel=...> values that name a related page rather than fetch a resource.
_LINK_RELS_NOT_FETCHED = {
    "canonical",
    "alternate",
    "author",
    "license",
    "help",
    "next",
    "prev",
    "search",
    "index",
    "bookmark",
    "external",
    "me",
    "nofollow",
    "noopener",
    "noreferrer",
    "tag",
}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def is_external(url: str) -> bool:
    """True if fetching ``url`` would contact another host."""
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return bool(scheme) and scheme.group(1).lower() not in {"data", "blob", "about", "javascript"}


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "style":
            self._in_style = True
        if "style" in values:
            self._css(values["style"], f"<{tag} style>")
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels and rels <= _LINK_RELS_NOT_FETCHED:
                return
        for attr in _RESOURCE_ATTRS.get(tag, ()):
            if attr not in values:
                continue
            urls = _srcset_urls(values[attr]) if attr == "srcset" else [values[attr]]
            for url in urls:
                if is_external(url):
                    self.found.append(f"<{tag} {attr}> {url}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "<style>")

    def _css(self, css: str, where: str) -> None:
        for match in _CSS_URL.finditer(css):
            url = match.group(1) or match.group(2)
            if is_external(url):
                self.found.append(f"{where} {url}")


def external_resources(html: str) -> list[str]:
    """The external resources one HTML page loads, as ``"<tag attr> URL"`` strings."""
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def check_site(site: Path) -> dict[str, list[str]]:
    """Map each page under ``site`` that loads something from another host to what it loads."""
    report = {}
    for page in sorted(site.rglob("*.html")):
        found = external_resources(page.read_text(encoding="utf-8", errors="replace"))
        if found:
            report[page.relative_to(site).as_posix()] = found
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "_build/html")
    if not site.is_dir():
        print(f"check_offline: no site at {site} (run `make book` first)", file=sys.stderr)
        return 2
    pages = list(site.rglob("*.html"))
    report = check_site(site)
    for page, found in report.items():
        for item in found:
            print(f"{page}: {item}")
    total = sum(len(found) for found in report.values())
    print(f"check_offline: {len(pages)} pages, {total} external resources", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
