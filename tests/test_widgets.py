"""Tests of lrlab.widgets: the explorer's controls, its static grid, its live widget."""

from __future__ import annotations

import base64
import doctest
import functools
import importlib
import inspect
import json
import pkgutil
import re

import numpy as np
import pytest

import lrlab
from lrlab.schedules import registry
from lrlab.widgets import Explorer, explore

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FALLBACK = "Run this cell, or trust the notebook, to move the sliders."


# -- helpers: read what the explorer ships, independently of how it is built -----------------


def static_data(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" class="lrlab-data">(.*?)</script>', page, re.S
    )
    assert match, "no data script in the static explorer"
    return json.loads(match.group(1))


def decode(curve: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(curve), dtype="<f4").astype(float)


def still(page: str) -> str:
    """The SVG that a static page shows as an image until its script runs."""
    src = re.search(
        r'<img class="lrlab-still" src="data:image/svg\+xml;base64,([^"]*)"', page
    ).group(1)
    return base64.b64decode(src).decode()


def drawn(svg: str, layer: int = 0, kind: str = "lr") -> np.ndarray | None:
    """The data values of a drawn path, read back through the SVG's data-frame."""
    svg = still(svg) if "<svg" not in svg else svg
    frame = json.loads(re.search(r"data-frame='([^']*)'", svg).group(1))
    d = re.search(
        rf'<path class="lrlab-curve" data-layer="{layer}" data-kind="{kind}" d="([^"]*)"', svg
    ).group(1)
    if not d:
        return None
    points = np.array([[float(v) for v in p.split(",")] for p in re.split("[ML]", d)[1:]])
    y0, y1, bottom, top = frame["panels"][kind]
    return y0 + (points[:, 1] - bottom) / (top - bottom) * (y1 - y0)


def tolerance(svg: str, kind: str = "lr") -> float:
    """Half a tenth of a pixel (paths are written to 0.1 px), in data units."""
    svg = still(svg) if "<svg" not in svg else svg
    frame = json.loads(re.search(r"data-frame='([^']*)'", svg).group(1))
    y0, y1, bottom, top = frame["panels"][kind]
    return 0.051 * (y1 - y0) / abs(bottom - top)


def schedule_curves(fn, x, params: dict, n: int | None = None) -> dict:
    """What the schedule itself gives: lr, and the momentum or the metric fed to it."""
    names = list(inspect.signature(fn).parameters)[1:]
    kwargs = {k: v for k, v in params.items() if k in names}
    if names and list(inspect.signature(fn).parameters)[0] == "metrics":
        t = np.arange(n, dtype=float)
        metric = (
            0.3
            + 0.7 * np.exp(-t / (n / 5))
            + params["noise"] * np.random.default_rng(0).standard_normal(n)
        )
        return {"lr": fn(metric, **kwargs)[x], "metric": metric[x]}
    out = {"lr": fn(x, **kwargs)}
    partner = {
        lrlab.cyclic_lr: lrlab.cyclic_momentum,
        lrlab.one_cycle_lr: lrlab.one_cycle_momentum,
    }.get(fn)
    if partner is not None:
        pnames = list(inspect.signature(partner).parameters)[1:]
        out["momentum"] = partner(x, **{k: v for k, v in params.items() if k in pnames})
    return out


# -- the static grid ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(lrlab.SCHEDULES))
def test_every_grid_curve_equals_the_schedule(name):
    fn = lrlab.SCHEDULES[name]
    ex = explore(fn)
    data = static_data(ex.to_html())
    layer = data["layers"][0]
    x = np.array(data["x"])
    assert len(layer["grid"]) > 1, "the default explorer has something to move"
    for key, entry in layer["grid"].items():
        params = dict(ex.values)
        for control, k in zip(layer["controls"], map(int, key.split(","))):
            value = control["values"][k]
            params[control["name"]] = tuple(value) if isinstance(value, list) else value
            if control["name"] in registry.FUNCTION_CHOICES:  # the page shows how it reads
                (params[control["name"]],) = [
                    f for f in registry.FUNCTION_CHOICES[control["name"]] if repr(f) == value
                ]
        try:
            expected = schedule_curves(fn, x, params, n=200)
        except ValueError as err:
            assert "error" in entry and str(err) in data["errors"][entry["error"]], (key, err)
            continue
        assert layer["kinds"] == list(expected), key
        for kind, curve_id in zip(layer["kinds"], entry):
            np.testing.assert_allclose(
                decode(data["curves"][curve_id]), expected[kind], rtol=2e-7, atol=1e-12
            )


def test_grid_holds_the_current_value_and_both_ends_of_each_slider():
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=300)
    controls = {c["name"]: c for c in static_data(ex.to_html())["layers"][0]["controls"]}
    t_max = controls["T_max"]["values"]
    assert t_max[0] == 10 and t_max[-1] == 200 and 105 in t_max  # 105: the middle, where it starts
    assert t_max == sorted(t_max) and all(isinstance(v, int) for v in t_max)
    assert controls["eta_min"]["values"][0] == 0.0 and controls["eta_min"]["values"][-1] == 0.05
    assert controls["T_max"]["labels"][controls["T_max"]["center"]] == "105"


def test_two_sliders_get_every_combination():
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05))
    layer = static_data(ex.to_html())["layers"][0]
    sizes = [len(c["values"]) for c in layer["controls"]]
    assert layer["full"] and len(layer["grid"]) == sizes[0] * sizes[1] and min(sizes) >= 7


def test_many_sliders_move_one_at_a_time_with_every_dropdown_option():
    ex = explore(lrlab.reduce_lr_on_plateau)
    page = ex.to_html()
    layer = static_data(page)["layers"][0]
    assert not layer["full"]
    centers = [c["center"] for c in layer["controls"]]
    drops = [i for i, c in enumerate(layer["controls"]) if c["kind"] == "dropdown"]
    for key in layer["grid"]:
        idx = list(map(int, key.split(",")))
        off = [i for i, (k, c) in enumerate(zip(idx, centers)) if k != c and i not in drops]
        assert len(off) <= 1, key
    sliders = [len(c["values"]) for c in layer["controls"] if c["kind"] == "slider"]
    options = np.prod([len(layer["controls"][i]["values"]) for i in drops])
    assert len(layer["grid"]) == options * (1 + sum(k - 1 for k in sliders))
    assert (
        "each slider moves with the others at their displayed values" in page
    )  # the script says so


@pytest.mark.parametrize("name", sorted(lrlab.SCHEDULES))
def test_default_explorer_page_is_under_300_kb(name):
    assert len(explore(lrlab.SCHEDULES[name]).to_html().encode()) < 300_000


def test_long_runs_are_sampled_to_at_most_400_points_and_stay_under_300_kb():
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 5000), eta_min=(0, 0.05), steps=5000)
    page = ex.to_html()
    x = np.array(static_data(page)["x"])
    assert len(x) <= 400 and x[0] == 0 and x[-1] == 4999
    assert len(page.encode()) < 300_000
    np.testing.assert_allclose(ex.curve(), lrlab.cosine_annealing_lr(x, 0.1, ex.values["T_max"]))


def test_page_is_self_contained():
    page = explore(lrlab.cyclic_lr).to_html()
    assert re.findall(r"\b(?:src|href)\s*=\s*\"([a-z]+:)", page) == [
        "data:"
    ]  # the plot's image, inline
    assert re.findall(r"https?://", page) == []
    assert re.findall(r"https?://[^\"' ]+", still(page)) == [
        "http://www.w3.org/2000/svg"
    ]  # a namespace, not fetched
    assert "require" not in page and "import(" not in page


def test_page_says_how_to_get_working_sliders_until_its_script_runs():
    page = explore(lrlab.step_lr).to_html()
    fallback = re.search(r'<p class="lrlab-fallback"[^>]*>([^<]*)</p>', page)
    assert fallback and fallback.group(1) == FALLBACK
    assert not re.search(
        r"\.lrlab-fallback\s*\{[^}]*display\s*:\s*none", page
    )  # visible by default
    inputs = re.findall(r"<(?:input|select)\b[^>]*>", page)
    assert inputs and all(" disabled" in tag for tag in inputs)  # until the script enables them
    assert drawn(page) is not None  # the current curve is drawn without any script


def test_what_a_sanitizer_keeps_reads_well():
    """JupyterLab strips <script>, <style> and <svg> from an untrusted notebook's HTML."""
    page = explore(lrlab.cyclic_lr).to_html()
    kept = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    assert "<svg" not in kept  # the plot is an <img>, kept whole
    text = re.sub(r"<[^>]+>", " ", kept)
    assert text.split()[:2] == ["cyclic_lr", "Run"]  # the fallback comes right under the title
    assert re.search(r'<p class="lrlab-fallback" style="[^"]*background-color', kept)
    assert (
        "each slider moves" not in text
    )  # "one slider at a time": said by the script, once it works
    assert (
        kept.count('<div class="lrlab-control">') == 6
    )  # five controls and the cursor, one per line


def test_static_page_draws_the_current_curve():
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), steps=300)
    page = ex.to_html()
    x = np.array(static_data(page)["x"])
    np.testing.assert_allclose(
        drawn(page), lrlab.cosine_annealing_lr(x, 0.1, 105), atol=tolerance(page)
    )


# -- controls: given and default ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"T_max": (200, 10)}, "range of T_max needs lo < hi, got lo=200, hi=10"),
        ({"T_max": (5, 5)}, "range of T_max needs lo < hi"),
        ({"eta_min": (0, 0.1, 0)}, "range of eta_min needs 0 < step <= hi - lo = 0.1, got step=0"),
        ({"eta_min": (0, 0.1, 0.5)}, "range of eta_min needs 0 < step"),
        ({"T_max": (1.5, 20)}, "range of T_max must have whole-number bounds"),
        (
            {"T_max": (1, 2, 3, 4, 5)},
            "T_max=(1, 2, 3, 4, 5): a range is a tuple (lo, hi), (lo, hi, step) or",
        ),
        (
            {"T_max": (10, 20, None, 30)},
            "T_max=(10, 20, None, 30): the start 30 is outside [10, 20]",
        ),
        ({"eta_min": (0, float("nan"))}, "eta_min=(0, nan)"),
        ({"eta_min": ("a", 1)}, "eta_min=('a', 1)"),
        ({"eta_min": []}, "the list of options for eta_min is empty"),
        (
            {"T_mx": (1, 2)},
            "cosine_annealing_lr has no parameter 'T_mx' (its parameters: base_lr, T_max, eta_min)",
        ),
        ({"gamma": 0.5}, "cosine_annealing_lr has no parameter 'gamma'"),
        ({"noise": 0.1}, "cosine_annealing_lr has no parameter 'noise'"),
        ({"T_max": 0}, "T_max must be an integer >= 1, got 0"),  # the schedule's own message
        ({"steps": 1}, "steps must be an integer >= 2, got 1"),
        ({"steps": 2.5}, "steps must be an integer >= 2, got 2.5"),
        ({"title": 3}, "title must be a string, got 3"),
        ({"compare": lrlab.step_lr}, "compare must be a list"),
        ({"compare": [3]}, "compare[0] must be a callable of the step or an Explorer, got 3"),
        ({"compare": [lrlab.step_lr]}, "compare[0] (step_lr) must be a callable of the step alone"),
    ],
)
def test_bad_arguments_raise_naming_them(params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        explore(lrlab.cosine_annealing_lr, **params)


def test_required_parameter_without_a_rule_must_be_given():
    def warp(step, base_lr, bend):
        return base_lr * np.asarray(step) ** 0 * bend

    with pytest.raises(ValueError, match="give a value or a range for bend"):
        explore(warp)
    assert explore(warp, bend=(0, 2)).values["bend"] == 1.0  # starts in the middle


def test_given_controls_by_type():
    ex = explore(
        lrlab.cyclic_lr,
        base_lr=0.001,
        max_lr=(0.01, 0.5),
        step_size_up=(10, 100, 10),
        mode=["triangular2", "exp_range"],
    )
    c = ex._layers[0].controls
    assert (c["base_lr"].kind, c["base_lr"].value) == ("fixed", 0.001)
    assert (c["max_lr"].kind, c["max_lr"].integer, c["max_lr"].value) == ("slider", False, 0.1)
    assert (c["step_size_up"].kind, c["step_size_up"].integer, c["step_size_up"].step) == (
        "slider",
        True,
        10,
    )
    assert c["mode"].options == ("triangular2", "exp_range") and c["mode"].value == "triangular2"
    assert isinstance(ex.slider("step_size_up").value, int)
    ms = explore(lrlab.multistep_lr, milestones=[30, 80])._layers[0].controls["milestones"]
    assert (ms.kind, ms.value) == ("fixed", [30, 80])
    ms = explore(lrlab.multistep_lr, milestones=[[30], [30, 80]])._layers[0].controls["milestones"]
    assert (ms.kind, ms.options) == ("dropdown", ((30,), (30, 80)))


def test_default_controls_read_the_schedules_registry(monkeypatch):
    """The ranges, choices and momentum partners are the registry's, imported, not copied."""

    monkeypatch.setitem(registry.RANGES, "power", (1.0, 2.0))
    monkeypatch.setattr(registry, "LR_FLOOR_RANGE", (0.0, 0.02))
    c = explore(lrlab.polynomial_decay_schedule_with_warmup)._layers[0].controls
    assert (c["power"].lo, c["power"].hi) == (1.0, 2.0)
    assert (c["lr_end"].lo, c["lr_end"].hi) == (0.0, 0.02)
    monkeypatch.setitem(registry.CHOICES, "mode", (("triangular", "exp_range"),))
    monkeypatch.delitem(registry.MOMENTUM_PARTNERS, "cyclic_lr")
    layer = explore(lrlab.cyclic_lr)._layers[0]
    assert layer.controls["mode"].options == ("triangular", "exp_range")
    assert layer.kinds == ("lr",)  # no momentum panel without a partner


def test_default_controls_follow_the_documented_rule():
    def spec(fn, steps=200):
        c = explore(fn, steps=steps)._layers[0].controls
        return {
            k: (v.kind, v.value, v.lo, v.hi) if v.kind == "slider" else (v.kind, v.value)
            for k, v in c.items()
        }

    assert spec(lrlab.cosine_annealing_lr, steps=300) == {
        "base_lr": ("fixed", 0.1),
        "T_max": ("slider", 300, 1, 300),
        "eta_min": ("slider", 0.0, 0.0, 0.05),
    }
    assert spec(lrlab.step_lr)["step_size"] == ("slider", 50, 1, 200)
    assert spec(lrlab.step_lr)["gamma"] == ("slider", 0.1, 0.0, 1.0)
    assert spec(lrlab.exponential_lr)["gamma"] == ("slider", 0.98, 0.9, 1.0)
    cyclic = spec(lrlab.cyclic_lr)
    assert cyclic["base_lr"] == ("slider", 0.01, 0.0, 0.1) and cyclic["max_lr"] == (
        "slider",
        0.1,
        0.0,
        0.2,
    )
    assert cyclic["step_size_up"] == ("slider", 25, 1, 200) and cyclic["step_size_down"] == (
        "fixed",
        None,
    )
    assert cyclic["gamma"] == ("slider", 1.0, 0.98, 1.0)
    assert cyclic["base_momentum"] == ("fixed", 0.8) and cyclic["max_momentum"] == ("fixed", 0.9)
    assert cyclic["mode"] == ("dropdown", "triangular")
    one = spec(lrlab.one_cycle_lr)
    assert one["total_steps"] == ("fixed", 200) and one["max_lr"] == ("fixed", 0.1)
    assert one["three_phase"] == ("dropdown", False) and one["final_div_factor"] == (
        "dropdown",
        1e4,
    )
    assert spec(lrlab.cyclic_momentum)["base_momentum"] == ("slider", 0.8, 0.5, 1.0)
    plateau = spec(lrlab.reduce_lr_on_plateau)
    assert plateau["mode"] == ("dropdown", "min") and plateau["patience"] == ("slider", 10, 0, 50)
    assert plateau["eps"] == ("fixed", 1e-8) and plateau["noise"] == ("slider", 0.01, 0.0, 0.05)
    wsd = spec(lrlab.warmup_stable_decay)
    assert [wsd[k][1] for k in ("num_warmup_steps", "num_stable_steps", "num_decay_steps")] == [
        20,
        100,
        80,
    ]
    assert spec(lrlab.cosine_with_hard_restarts_schedule_with_warmup)["num_cycles"] == (
        "slider",
        1,
        1,
        5,
    )
    assert spec(lrlab.inverse_sqrt_schedule)["timescale"] == ("fixed", None)
    c = explore(lrlab.multistep_lr)._layers[0].controls["milestones"]
    assert c.kind == "dropdown" and c.value == (100, 150)


def test_float_slider_steps_are_nice():
    ex = explore(lrlab.cosine_annealing_lr, eta_min=(0, 0.05), base_lr=(0.05, 0.95))
    c = ex._layers[0].controls
    assert c["eta_min"].step == 0.0005 and c["base_lr"].step == 0.01
    assert ex.slider("eta_min").readout_format == ".4f"


# -- the live widget ---------------------------------------------------------------------------


def test_moving_a_slider_redraws_the_same_plot_with_the_schedule_values():
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), eta_min=(0, 0.05), steps=300)
    widget = ex.widget
    plot = ex._plot
    before = plot.value
    ex.slider("T_max").value = 50
    ex.slider("eta_min").value = 0.01
    assert ex.widget is widget and ex._plot is plot and plot in widget.children  # in place
    assert plot.value != before
    expected = lrlab.cosine_annealing_lr(np.arange(300), 0.1, 50, 0.01)
    np.testing.assert_allclose(drawn(plot.value), expected, atol=tolerance(plot.value))
    np.testing.assert_allclose(ex.curve(), expected, rtol=1e-12)
    assert ex.values == {"base_lr": 0.1, "T_max": 50, "eta_min": 0.01}
    assert f"lr {expected[-1]:.4g}" in ex._readout_widget.value


def test_cursor_reads_the_values_at_its_step():
    ex = explore(lrlab.step_lr, step_size=(10, 100))
    ex.widget
    ex._cursor_widget.value = 30
    expected = lrlab.step_lr(30, 0.1, ex.values["step_size"])
    assert '<b class="lrlab-at">30</b>' in ex._readout_widget.value
    assert f"lr {expected:.4g}<" in ex._readout_widget.value


def test_schedule_error_is_shown_not_raised_and_recovers():
    ex = explore(lrlab.linear_schedule_with_warmup, num_training_steps=(50, 200))
    ex.widget
    ex.slider("num_training_steps").value = 50
    ex.slider("num_warmup_steps").value = 120  # warmup longer than training
    assert ex.curve() is None and drawn(ex._plot.value) is None
    with pytest.raises(ValueError) as err:
        lrlab.linear_schedule_with_warmup(0, 0.1, 120, 50)
    assert str(err.value).replace("<", "&lt;") in ex._readout_widget.value
    ex.slider("num_warmup_steps").value = 10
    np.testing.assert_allclose(
        ex.curve(), lrlab.linear_schedule_with_warmup(np.arange(200), 0.1, 10, 50)
    )


def test_axes_widen_when_a_curve_leaves_them():
    ex = explore(lrlab.exponential_lr, base_lr=(0.01, 1.0))
    ex.widget
    ex.slider("base_lr").value = 1.0
    svg = ex._plot.value
    frame = json.loads(re.search(r"data-frame='([^']*)'", svg).group(1))
    assert frame["panels"]["lr"][1] >= 1.0
    np.testing.assert_allclose(
        drawn(svg), lrlab.exponential_lr(np.arange(200), 1.0, 0.98), atol=tolerance(svg)
    )


def test_cyclic_momentum_follows_the_shared_parameters():
    ex = explore(lrlab.cyclic_lr, base_momentum=(0.7, 0.9))
    ex.widget
    ex.slider("step_size_up").value = 40
    ex.slider("mode").value = "triangular2"
    ex.slider("base_momentum").value = 0.75
    x = np.arange(200)
    np.testing.assert_allclose(
        ex.curve("momentum"), lrlab.cyclic_momentum(x, 40, mode="triangular2", base_momentum=0.75)
    )
    np.testing.assert_allclose(ex.curve(), lrlab.cyclic_lr(x, 0.01, 0.1, 40, mode="triangular2"))
    svg = ex._plot.value
    np.testing.assert_allclose(
        drawn(svg, kind="momentum"), ex.curve("momentum"), atol=tolerance(svg, "momentum")
    )


def test_one_cycle_draws_its_momentum():
    ex = explore(lrlab.one_cycle_lr, pct_start=(0.1, 0.9))
    ex.widget
    ex.slider("pct_start").value = 0.5
    x = np.arange(200)
    np.testing.assert_allclose(ex.curve("momentum"), lrlab.one_cycle_momentum(x, 200, 0.5))
    assert explore(lrlab.cosine_annealing_lr)._layers[0].kinds == ("lr",)


def test_plateau_explorer_feeds_a_noisy_metric():
    ex = explore(lrlab.reduce_lr_on_plateau, patience=(0, 30))
    ex.widget
    ex.slider("noise").value = 0.03
    ex.slider("patience").value = 5
    expected = schedule_curves(lrlab.reduce_lr_on_plateau, np.arange(200), ex.values, n=200)
    np.testing.assert_allclose(ex.curve("metric"), expected["metric"])
    np.testing.assert_allclose(ex.curve(), expected["lr"])
    assert expected["lr"].min() < 0.1  # the default metric does plateau


def test_plateau_explorer_takes_a_metric_curve():
    metrics = np.r_[np.linspace(1, 0.5, 40), np.full(60, 0.5)]
    ex = explore(lrlab.reduce_lr_on_plateau, metrics=metrics, noise=0.0, steps=500)
    assert len(ex.x) == 100  # one value per metric; steps does not apply
    np.testing.assert_allclose(ex.curve(), lrlab.reduce_lr_on_plateau(metrics, 0.1))
    with pytest.raises(ValueError, match="metrics must be a 1-d sequence"):
        explore(lrlab.reduce_lr_on_plateau, metrics=[1.0])


def test_greedy_explorer_feeds_a_noisy_metric_and_the_lr_rises_and_falls():
    ex = explore(lrlab.greedy_lr, patience=(0, 30))
    ex.widget
    ex.slider("patience").value = 3
    expected = schedule_curves(lrlab.greedy_lr, np.arange(200), ex.values, n=200)
    np.testing.assert_allclose(ex.curve("metric"), expected["metric"])
    np.testing.assert_allclose(ex.curve(), expected["lr"])
    lr = expected["lr"]
    assert lr.max() > lr[0] and np.any(np.diff(lr) < 0)  # raised, then cut


def test_multiplicative_explorer_offers_factors_of_the_step_by_how_they_read():
    ex = explore(lrlab.multiplicative_lr)
    (control,) = static_data(ex.to_html())["layers"][0]["controls"]
    assert control["name"] == "lr_lambda" and control["kind"] == "dropdown"
    assert control["labels"] == [repr(f) for f in registry.FUNCTION_CHOICES["lr_lambda"]]
    assert control["labels"][0] == "lambda k: 0.95"  # torch's documented example
    np.testing.assert_allclose(ex.curve(), 0.1 * 0.95 ** np.arange(200), rtol=1e-12)


def test_compare_draws_callables_fixed_and_explorers_live():
    step = functools.partial(lrlab.step_lr, base_lr=0.1, step_size=60)
    other = explore(lrlab.exponential_lr, gamma=(0.9, 1.0))
    other.widget
    other.slider("gamma").value = 0.95
    ex = explore(lrlab.cosine_annealing_lr, T_max=(10, 200), compare=[step, other])
    x = np.arange(200)
    assert [layer.label for layer in ex._layers] == [
        "cosine_annealing_lr",
        "step_lr(base_lr=0.1, step_size=60)",
        "exponential_lr",
    ]
    np.testing.assert_allclose(ex.curve(layer=1), step(x))
    np.testing.assert_allclose(
        ex.curve(layer=2), lrlab.exponential_lr(x, 0.1, 0.95)
    )  # its current value
    ex.widget
    ex.slider("gamma", layer=2).value = 0.9
    np.testing.assert_allclose(ex.curve(layer=2), lrlab.exponential_lr(x, 0.1, 0.9))
    np.testing.assert_allclose(ex.curve(layer=1), step(x))
    svg = ex._plot.value
    np.testing.assert_allclose(drawn(svg, layer=2), ex.curve(layer=2), atol=tolerance(svg))
    data = static_data(ex.to_html())
    assert [len(layer["controls"]) for layer in data["layers"]] == [
        2,
        0,
        1,
    ]  # T_max, eta_min; -; gamma
    with pytest.raises(ValueError, match=r"compare\[0\] explores 200 steps, this explorer 100"):
        explore(lrlab.cosine_annealing_lr, steps=100, compare=[other])
    with pytest.raises(ValueError, match="'T_max' has no control here"):
        ex.slider("T_max", layer=2)


def test_same_schedule_twice_gets_distinct_labels():
    ex = explore(lrlab.cosine_annealing_lr, compare=[explore(lrlab.cosine_annealing_lr, T_max=100)])
    assert [layer.label for layer in ex._layers] == [
        "cosine_annealing_lr",
        "cosine_annealing_lr (2)",
    ]


def test_a_label_never_names_a_value_a_control_changes():
    # A partial's keyword that has a control is shown by the control, not frozen in the label
    # (the heading once read "step_size=30" after the slider had moved); others stay.
    schedule = functools.partial(lrlab.step_lr, base_lr=0.1, step_size=30)
    ex = explore(schedule, steps=100, step_size=(5, 60))
    assert ex.title == "step_lr(base_lr=0.1)" == ex._layers[0].label  # base_lr stays fixed
    ex.slider("step_size").value = 10
    assert "step_size=30" not in repr(ex) and "step_size=10" in repr(ex)
    html = ex._repr_mimebundle_()["text/html"]
    assert "step_size=30" not in html
    halving = functools.partial(lrlab.lambda_lr, lr_lambda=lambda t: 0.5**t)
    assert explore(halving, steps=10).title.startswith("lambda_lr(lr_lambda=<function")


# -- display -----------------------------------------------------------------------------------


def test_display_carries_the_live_widget_and_the_static_page():
    ex = explore(lrlab.cosine_annealing_lr)
    bundle = ex._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == ex.widget.model_id
    assert bundle["text/html"].startswith('<div class="lrlab-explorer"')
    assert (
        bundle["text/plain"] == "Explorer(cosine_annealing_lr(T_max=200, eta_min=0.0), steps=200)"
    )
    assert isinstance(ex, Explorer)


def _notebook_with(bundle: dict, widget_state: bool):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("explore(lrlab.cosine_annealing_lr)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle, execution_count=1)]
    nb.cells = [cell]
    if widget_state:
        model_id = bundle[WIDGET_VIEW]["model_id"]
        nb.metadata["widgets"] = {
            "application/vnd.jupyter.widget-state+json": {
                "version_major": 2,
                "version_minor": 0,
                "state": {model_id: {}},
            }
        }
    return nb


def test_slides_show_the_static_explorer_when_the_notebook_has_no_widget_state():
    exporters = pytest.importorskip("nbconvert.exporters")
    bundle = explore(lrlab.cosine_annealing_lr)._repr_mimebundle_()
    body, _ = exporters.SlidesExporter().from_notebook_node(
        _notebook_with(bundle, widget_state=False)
    )
    assert 'class="lrlab-explorer"' in body and "lrlab-data" in body
    assert bundle[WIDGET_VIEW]["model_id"] not in body
    # With widget state saved (nbclient's default), nbconvert prefers the frozen widget instead:
    # scripts/make_slides.py must drop notebook.metadata["widgets"] first.
    body, _ = exporters.SlidesExporter().from_notebook_node(
        _notebook_with(bundle, widget_state=True)
    )
    assert bundle[WIDGET_VIEW]["model_id"] in body and 'class="lrlab-explorer"' not in body


def test_docstring_examples_run():
    import lrlab.widgets

    attempted = 0
    for info in pkgutil.iter_modules(lrlab.widgets.__path__, "lrlab.widgets."):
        result = doctest.testmod(importlib.import_module(info.name))
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted >= 3


def test_a_slider_can_start_where_the_author_says():
    ex = explore(
        lrlab.cosine_annealing_lr, T_max=(10, 200, None, 30), eta_min=(0, 0.05, 0.01, 0.02)
    )
    assert ex.values["T_max"] == 30 and ex.values["eta_min"] == 0.02
    expected = lrlab.cosine_annealing_lr(ex.x, base_lr=0.1, T_max=30, eta_min=0.02)
    np.testing.assert_allclose(ex.curve("lr", 0), expected, rtol=1e-12)


def test_a_partial_of_a_cycling_schedule_keeps_its_momentum_panel():
    ex = explore(functools.partial(lrlab.cyclic_lr, step_size_up=25), steps=200)
    expected = lrlab.cyclic_momentum(ex.x, step_size_up=25)
    np.testing.assert_allclose(ex.curve("momentum", 0), expected, rtol=1e-12)


def test_a_float_slider_label_shows_its_value_not_a_rounded_one():
    # A slider from 0.0025 in steps of 0.002: its positions 0.0025, 0.0045, ... must read so,
    # not "0.003", "0.005" (the static page's labels and the slides' test read them).
    from lrlab.widgets._controls import Control

    c = Control("max_lr", "slider", 0.02, lo=0.0025, hi=0.08, step=0.002)
    assert [c.label(0.0025 + k * 0.002) for k in range(3)] == ["0.0025", "0.0045", "0.0065"]
    assert Control("x", "slider", 0.5, lo=0.0, hi=1.0, step=0.25).label(0.5) == "0.50"
