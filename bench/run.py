"""Run every benchmark: ``main()`` of each ``bench/bench_*.py``, in name order.

Each benchmark prints its own table. A benchmark that fails is reported and the others still
run; the exit status is 1 if any failed. Failing includes a benchmark's own guard:
``bench_schedules`` raises when a closed-form schedule, evaluated by its plain definition on
``np.arange(n)``, is less than 100 times faster than stepping its torch scheduler.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    failed = []
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"== {path.name} ==", flush=True)
        start = time.perf_counter()
        try:
            _load(path).main()
        except Exception:  # report it, run the others
            traceback.print_exc()
            failed.append(path.name)
        print(f"({path.name}: {time.perf_counter() - start:.1f} s)\n", flush=True)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
