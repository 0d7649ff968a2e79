"""`make book-student`: the student edition of the site, without the Solutions part.

    python scripts/build_student.py     # -> _build/student/_build/html

The book's own ``_toc.yml`` and ``_config.yml`` stay the only source: this writes a copy of the
table of contents without the "Solutions" part, and of the configuration with the main build's
execution cache (so a build after ``make book`` re-runs nothing), into ``_build/student/``, and
builds from them with the same strictness as ``make book`` (warnings are errors). The chapters
do not link to the solutions, so nothing in the student edition points at a missing page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "student"


def student_toc(toc: dict) -> dict:
    """The table of contents without the part captioned "Solutions"."""
    parts = [p for p in toc["parts"] if p.get("caption") != "Solutions"]
    if len(parts) != len(toc["parts"]) - 1:
        raise ValueError("_toc.yml must have exactly one part captioned 'Solutions'")
    return {**toc, "parts": parts}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    toc = student_toc(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    (OUT / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["title"] = f"{config['title']} (student edition)"
    config.setdefault("execute", {})["cache"] = str(ROOT / "_build" / ".jupyter_cache")
    # Paths in the configuration, absolute: the copy lives in another folder.
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {k: str(ROOT / v) for k, v in sphinx["local_extensions"].items()}
    sphinx["config"]["html_static_path"] = [
        str(ROOT / v) for v in sphinx["config"]["html_static_path"]
    ]
    config["bibtex_bibfiles"] = [str(ROOT / v) for v in config["bibtex_bibfiles"]]
    config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    (OUT / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(ROOT),
        "--toc",
        str(OUT / "_toc.yml"),
        "--config",
        str(OUT / "_config.yml"),
        "--path-output",
        str(OUT),
        "-W",
        "-n",
        "--keep-going",
    ]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
