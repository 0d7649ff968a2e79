"""Slider explorers: move a schedule's knobs and watch its curve, in a kernel and on a static page.

``explore(schedule, **params)`` returns an :class:`Explorer`. Displaying it (the last expression
of a cell) shows

* in a running kernel (JupyterLab, Notebook, VS Code): real ipywidgets sliders and an SVG plot
  redrawn in place, computed by the schedule for every move;
* everywhere else (the built book, ``nbconvert --to slides``, a notebook opened without a
  kernel): a self-contained HTML explorer. At display time the schedule is evaluated on a grid of
  parameter values; the curves ship in the page as base64 float32 and a small inline script
  (no CDN, no require.js) redraws the SVG when an ``<input type=range>`` moves. Until the script
  runs (a notebook Jupyter does not trust strips scripts), the page shows the curve for the
  current values and says how to get working sliders.

Example::

    import lrlab
    from lrlab.widgets import explore
    explore(lrlab.cosine_annealing_lr, base_lr=0.1, T_max=(10, 200), eta_min=(0, 0.05), steps=300)

**Parameters.** Each keyword names a parameter of the schedule:

=====================================  ==============================================
keyword value                          control
=====================================  ==============================================
number, bool, string, None, callable   fixed at that value
``(lo, hi)`` or ``(lo, hi, step)``     slider (whole numbers for integer parameters)
``(lo, hi, step, start)``              slider starting at ``start`` (``step`` may be None)
list                                   dropdown of those values
=====================================  ==============================================

``milestones`` takes a list of steps, so a flat list fixes it and a list of lists is a dropdown.
Ranges must have ``lo < hi`` and ``0 < step <= hi - lo``; integer parameters need whole bounds.

**Defaults.** A parameter not given gets its control from its name and its default in the
signature (``n`` is ``steps``):

* step counts (``T_max``, ``T_0``, ``step_size``, ``step_size_up``, ``num_*_steps``): an integer
  slider up to ``n``, starting at a fraction of ``n`` (``T_max`` and ``num_training_steps``: ``n``;
  ``T_0``, ``step_size``: ``n // 4``; ``step_size_up``: ``n // 8``; ``num_warmup_steps``:
  ``n // 10``; ``num_stable_steps``: ``n // 2``; ``num_decay_steps``: ``2n // 5``;
  ``total_iters``: its default, 5, as any default that fits); ``total_steps`` is fixed at ``n``
  (OneCycleLR's lr ends there); ``patience``, ``cooldown`` and ``warmup`` (GreedyLR's) slide
  over ``[0, n // 4]``;
* lrs: ``base_lr`` and ``max_lr`` are fixed at 0.1 (they only scale the curve), except in a
  schedule that has both (``cyclic_lr``, ``greedy_lr``: ``base_lr`` slides over ``[0, 0.1]``
  from 0.01, ``max_lr`` over ``[0, 0.2]``); floors ``eta_min``, ``min_lr``, ``lr_end`` slide
  over ``[0, 0.05]``;
* factors: ``gamma`` over ``[0, 1]`` (default 0.1, step decay), ``[0.98, 1]`` (default 1.0,
  cyclic ``exp_range``) or ``[0.9, 1]`` from 0.98 (no default: exponential decay); ``factor``,
  ``pct_start`` over ``[0.05, 0.95]``; ``min_lr_ratio``, ``min_lr_rate`` over ``[0, 1]``;
  ``div_factor`` over ``[1, 100]``; ``power`` over ``[0.5, 3]``; ``num_cycles`` over ``[0, 2]``
  (``[1, 5]`` when an integer); ``T_mult`` over ``[1, 4]``; momenta over ``[0.5, 1]``;
  ``start_factor`` over ``[0.05, 1]``, ``end_factor`` over ``[0, 1]``; ``window_size`` over
  ``[1, 100]``;
* choices: ``mode``, ``anneal_strategy``, ``threshold_mode``, ``decay_type``, ``warmup_type``,
  booleans, ``final_div_factor`` (1e2..1e5), ``threshold`` (0..0.1) and ``milestones`` are
  dropdowns, and so is ``lr_lambda`` (``multiplicative_lr``'s factor of the step: a few
  factors, shown as the lambdas they stand for); ``eps``, ``timescale``, ``reset_start`` and
  other ``None`` defaults are fixed;
* any other number: a slider over ``[0, 2 * default]`` (``[0, 1]`` when the default is 0);
  any other value is fixed; a required parameter without such a rule must be given.

A float slider without a step moves in about 100 "nice" steps (1, 2 or 5 times a power of 10).

**Momentum.** ``cyclic_lr`` and ``one_cycle_lr`` also draw the momentum that their torch
schedulers cycle (``cyclic_momentum``, ``one_cycle_momentum``), in a second panel, from the same
parameters; ``base_momentum`` and ``max_momentum`` are fixed at their defaults unless given.

**Metrics.** ``reduce_lr_on_plateau`` and ``greedy_lr`` take a sequence of metrics, not steps.
Their explorers feed them ``metrics`` (keyword; by default a validation loss
``0.3 + 0.7 exp(-t / (n / 5))``) plus ``noise`` times a fixed standard normal sequence (seed 0;
keyword ``noise``, a slider over ``[0, 0.05]`` from 0.01 by default), and draw that metric in a
second panel. Given ``metrics``, the run has ``len(metrics)`` epochs.

**Comparing.** ``compare`` is a list of schedules drawn on the same axes: callables of the step
(e.g. ``functools.partial(lrlab.step_lr, base_lr=0.1, step_size=30)``), drawn fixed, and/or other
explorers (with the same ``steps``), whose sliders join this one's.

**The static grid.** Each explorer's page carries curves of at most ``MAX_POINTS`` points (evenly
spaced steps), as base64 float32, about ``DATA_BYTES`` (240 KB) of them shared among the explored
schedules: 200 steps allow about 220 curves, 400 or more about 110. Dropdowns always offer all
their options. If every combination of the slider values fits with at least ``MIN_FULL`` values per
slider, the grid is the full product (up to ``MAX_VALUES`` values per slider, evenly spaced between
the slider's bounds, plus the current value). Otherwise each slider gets as many values as fit (up
to ``MAX_VALUES``) with the other sliders at their current values: on the static page, moving one
slider then puts the others back to where the explorer was displayed. A page stays under 300 KB per
explorer for the default explorer of every schedule. (The budgets are constants of
``lrlab.widgets._grid``.)

**Errors.** Bad arguments to ``explore`` raise ``ValueError`` naming them. A combination that the
schedule rejects, reached by moving sliders (warmup longer than training), is not an error of the
explorer: the readout shows the schedule's message instead of that curve.
"""

from __future__ import annotations

from lrlab.widgets.explorer import Explorer, explore

__all__ = ["Explorer", "explore"]
