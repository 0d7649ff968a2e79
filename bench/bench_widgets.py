"""Redraw latency of the slider explorers vs ``ipywidgets.interact`` re-plotting with matplotlib.

Both run side by side in one real IPython kernel (ipykernel, matplotlib's inline backend, as in
Jupyter): each explorer and its ``interactive`` twin are displayed, then a slider of each is
moved programmatically (``.value = v`` over the slider's range) and the kernel-side handler is
timed: for ``lrlab.widgets`` the schedule, the SVG and the readout; for ``interactive`` the
schedule, a fresh figure and its PNG. Prints one row per explorer: our median, interact's median
and their ratio.

Run: ``python bench/bench_widgets.py`` (or ``make bench``).
"""

from __future__ import annotations

import json
import subprocess
import sys

MOVES = 25

# Run inside the kernel. Each case: an explorer, the same curves drawn by a function for
# interactive(), the slider moved and the values it takes.
KERNEL_CODE = r"""
import functools, json, statistics, time
import numpy as np
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
import ipywidgets as W
from IPython.display import display
import lrlab
from lrlab.widgets import explore

N = 200
x = np.arange(N)
step_decay = functools.partial(lrlab.step_lr, base_lr=0.1, step_size=60)

def figure(panels):
    fig, axes = plt.subplots(len(panels), 1, figsize=(6.4, 2.4 + 1.2 * (len(panels) - 1)), sharex=True, squeeze=False)
    return fig, axes[:, 0]

def plot_cosine(T_max, eta_min):
    fig, (ax,) = figure(["lr"])
    ax.plot(x, lrlab.cosine_annealing_lr(x, 0.1, T_max, eta_min))
    ax.plot(x, step_decay(x), "--")
    plt.show()

def plot_cyclic(base_lr, max_lr, step_size_up, mode, gamma):
    fig, (a, b) = figure(["lr", "momentum"])
    a.plot(x, lrlab.cyclic_lr(x, base_lr, max_lr, step_size_up, mode=mode, gamma=gamma))
    b.plot(x, lrlab.cyclic_momentum(x, step_size_up, mode=mode, gamma=gamma))
    plt.show()

def plot_one_cycle(pct_start, div_factor):
    fig, (a, b) = figure(["lr", "momentum"])
    a.plot(x, lrlab.one_cycle_lr(x, 0.1, N, pct_start, div_factor=div_factor))
    b.plot(x, lrlab.one_cycle_momentum(x, N, pct_start))
    plt.show()

unit = np.random.default_rng(0).standard_normal(N)
loss = 0.3 + 0.7 * np.exp(-x / (N / 5))

def plot_plateau(factor, patience, noise):
    fig, (a, b) = figure(["lr", "metric"])
    metric = loss + noise * unit
    a.plot(x, lrlab.reduce_lr_on_plateau(metric, 0.1, factor=factor, patience=patience))
    b.plot(x, metric)
    plt.show()

def plot_wsd(num_warmup_steps, num_stable_steps, num_decay_steps):
    fig, (ax,) = figure(["lr"])
    ax.plot(x, lrlab.warmup_stable_decay(x, 0.1, num_warmup_steps, num_stable_steps, num_decay_steps))
    plt.show()

CASES = [
    ("cosine_annealing_lr vs step_lr",
     explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=N, compare=[step_decay]),
     W.interactive(plot_cosine, T_max=(10, 200), eta_min=(0, 0.05, 0.0005)), "T_max", range(10, 200, 7)),
    ("cyclic_lr (+ momentum)", explore(lrlab.cyclic_lr, steps=N),
     W.interactive(plot_cyclic, base_lr=(0, 0.1, 0.001), max_lr=(0, 0.2, 0.002), step_size_up=(1, N),
                   mode=["triangular", "triangular2", "exp_range"], gamma=(0.98, 1.0, 0.0002)),
     "step_size_up", range(5, 200, 7)),
    ("one_cycle_lr (+ momentum)", explore(lrlab.one_cycle_lr, pct_start=(0.05, 0.95), div_factor=(1, 100), steps=N),
     W.interactive(plot_one_cycle, pct_start=(0.05, 0.95, 0.01), div_factor=(1, 100, 1)),
     "pct_start", [round(0.05 + 0.03 * k, 2) for k in range(30)]),
    ("reduce_lr_on_plateau (+ metric)", explore(lrlab.reduce_lr_on_plateau, factor=(0.05, 0.95), patience=(0, 50), steps=N),
     W.interactive(plot_plateau, factor=(0.05, 0.95, 0.01), patience=(0, 50), noise=(0, 0.05, 0.0005)),
     "patience", range(0, 50, 2)),
    ("warmup_stable_decay", explore(lrlab.warmup_stable_decay, steps=N),
     W.interactive(plot_wsd, num_warmup_steps=(0, N), num_stable_steps=(0, N), num_decay_steps=(0, N)),
     "num_warmup_steps", range(0, 200, 7)),
]

def control(box, name):
    return next(c for c in box.children if getattr(c, "description", None) == name)

def timed_moves(widget, values):
    times = []
    for v in values:
        t = time.perf_counter()
        widget.value = v
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)

rows = []
for name, ex, inter, param, values in CASES:
    values = list(values)[:MOVES]
    display(ex)
    display(inter)
    ours = timed_moves(ex.slider(param), values)
    theirs = timed_moves(control(inter, param), values)
    assert ex.curve() is not None, name
    rows.append((name, ours, theirs))
plt.close("all")
print("LRLAB_BENCH " + json.dumps(rows))
"""


def _run_in_kernel(code: str) -> list:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
    out: list[str] = []
    errors: list[str] = []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            errors.append("\n".join(content["traceback"]))

    try:
        kc.execute_interactive(code, output_hook=hook, timeout=600)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    if errors:
        raise RuntimeError("the benchmark failed in the kernel:\n" + "\n".join(errors))
    line = next(row for row in "".join(out).splitlines() if row.startswith("LRLAB_BENCH "))
    return json.loads(line.removeprefix("LRLAB_BENCH "))


def main() -> None:
    """Print the redraw latency table (kernel-side median ms per slider move)."""
    rows = _run_in_kernel(KERNEL_CODE.replace("MOVES", str(MOVES)))
    print(f"\nSlider redraw, kernel-side median of {MOVES} moves (same kernel, side by side)")
    header = f"{'explorer':34s} {'lrlab ms':>9s} {'interact ms':>12s} {'ratio':>7s}"
    print(header)
    print("-" * len(header))
    for name, ours, theirs in rows:
        print(f"{name:34s} {ours:9.2f} {theirs:12.2f} {theirs / ours:6.1f}x")
    worst = max(ours for _, ours, _ in rows)
    least = min(theirs / ours for _, ours, theirs in rows)
    print(
        f"slowest lrlab median {worst:.2f} ms (target < 50 ms); smallest speed-up {least:.1f}x (target >= 2x)"
    )


if __name__ == "__main__":
    sys.exit(main())
