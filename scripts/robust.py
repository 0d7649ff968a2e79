"""`make robust`: the text's claims under other seeds and other floating-point paths.

Training numbers differ between CPUs and seeds, so the book never compares them byte for byte;
what a chapter concludes from its runs is a hidden ``assert`` with a margin. This script runs
the notebooks of ``notebooks/`` and ``solutions/`` once per variant, under nbval as ``make test``
does: every cell runs, every assert must hold, and every saved output that is compared (those
not tagged ``nbval-ignore-output``) must come out the same. So this also checks that nbval
compares only what is the same on every machine and for every seed:

- two other seed offsets (``LRLAB_SEED``: every seed of the book shifts);
- torch's portable kernels (``ATEN_CPU_CAPABILITY=default``), MKL and NumPy held to AVX2, one
  thread: the arithmetic of another machine;
- one thread alone (``OMP_NUM_THREADS=1``).

It prints how long each notebook took under each variant and fails when any cell fails, or
when a chapter takes longer than the budget of ``--budget`` seconds (3 minutes by default).
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AVX512 = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR AVX512FP16"
VARIANTS = {
    "seed 1000": {"LRLAB_SEED": "1000"},
    "seed 2000": {"LRLAB_SEED": "2000"},
    "other CPU": {
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
        "NPY_DISABLE_CPU_FEATURES": AVX512,
        "OMP_NUM_THREADS": "1",
    },
    "one thread": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
}


def run(
    name: str, env: dict[str, str], paths: list[str], out: Path
) -> tuple[bool, dict[str, float]]:
    """Run one variant; return (passed, seconds per notebook)."""
    report = out / (name.replace(" ", "_") + ".xml")
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        "2",
        "--dist",
        "loadfile",
        "--nbval",
        "--nbval-sanitize-with",
        "tests/nbval_sanitize.cfg",
        "--nbval-current-env",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={report}",
        *paths,
    ]
    print(f"\n== {name}: " + " ".join(f"{k}={v}" for k, v in env.items()), flush=True)
    started = time.perf_counter()
    code = subprocess.call(cmd, cwd=ROOT, env={**os.environ, **env})
    print(
        f"== {name}: {'passed' if code == 0 else 'FAILED'} in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    seconds: dict[str, float] = collections.defaultdict(float)
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            notebook = case.get("classname", "?").replace(".", "/", 1)  # "notebooks.00_x.ipynb"
            seconds[notebook] += float(case.get("time", 0.0))
    return code == 0, dict(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["notebooks", "solutions"])
    parser.add_argument(
        "--variant",
        action="append",
        choices=sorted(VARIANTS),
        help="run only this variant (repeatable); default: all",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=180.0,
        help="the most seconds one notebook may take (default 180)",
    )
    args = parser.parse_args()
    out = ROOT / "_build" / "robust"
    out.mkdir(parents=True, exist_ok=True)
    names = args.variant or list(VARIANTS)
    results = {name: run(name, VARIANTS[name], args.paths, out) for name in names}

    notebooks = sorted({nb for _, seconds in results.values() for nb in seconds})
    width = max([len("notebook"), *map(len, notebooks)])
    print("\nseconds per notebook (cells run one after another, in one kernel)")
    print(f"{'notebook':<{width}}  " + "  ".join(f"{name:>10s}" for name in names))
    slow = []
    for nb in notebooks:
        row = [results[name][1].get(nb, float("nan")) for name in names]
        slow += [(nb, name, s) for name, s in zip(names, row) if s > args.budget]
        print(f"{nb:<{width}}  " + "  ".join(f"{s:10.1f}" for s in row))
    failed = [name for name, (ok, _) in results.items() if not ok]
    for nb, name, s in slow:
        print(f"over the budget of {args.budget:.0f} s: {nb} took {s:.0f} s under '{name}'")
    if failed:
        print("failed under: " + ", ".join(failed))
    return 1 if failed or slow else 0


if __name__ == "__main__":
    sys.exit(main())
