"""Tests of `lrlab.schedules.registry`: the schedules by name and the metadata of their parameters.

The metadata must describe the schedules as they are: the choice lists are the very tuples the
schedules validate with, each momentum partner cycles with its lr schedule, and every parameter
named in a list or a range is a parameter of a registered schedule, valid where the explorers put
it. Also: the docstring examples of every module of `lrlab.schedules` run.
"""

from __future__ import annotations

import doctest
import functools
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

from lrlab import schedules
from lrlab.schedules import registry

# One valid call of every registered schedule (its first argument aside).
VALID = {
    "step_lr": dict(base_lr=0.1, step_size=30),
    "multistep_lr": dict(base_lr=0.1, milestones=[30, 80]),
    "exponential_lr": dict(base_lr=0.1, gamma=0.95),
    "cosine_annealing_lr": dict(base_lr=0.1, T_max=100),
    "cosine_annealing_warm_restarts": dict(base_lr=0.1, T_0=10, T_mult=2),
    "reduce_lr_on_plateau": dict(base_lr=0.1),
    "linear_schedule_with_warmup": dict(base_lr=0.1, num_warmup_steps=10, num_training_steps=100),
    "cosine_schedule_with_warmup": dict(base_lr=0.1, num_warmup_steps=10, num_training_steps=100),
    "cosine_with_hard_restarts_schedule_with_warmup": dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100
    ),
    "cosine_with_min_lr_schedule_with_warmup": dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100
    ),
    "polynomial_decay_schedule_with_warmup": dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100
    ),
    "constant_schedule_with_warmup": dict(base_lr=0.1, num_warmup_steps=10),
    "inverse_sqrt_schedule": dict(base_lr=0.1, num_warmup_steps=10),
    "warmup_stable_decay": dict(
        base_lr=0.1, num_warmup_steps=10, num_stable_steps=50, num_decay_steps=40
    ),
    "cyclic_lr": dict(base_lr=0.01, max_lr=0.1, step_size_up=20),
    "cyclic_momentum": dict(step_size_up=20),
    "one_cycle_lr": dict(max_lr=0.1, total_steps=100),
    "one_cycle_momentum": dict(total_steps=100),
    "constant_lr": dict(base_lr=0.1),
    "linear_lr": dict(base_lr=0.1),
    "polynomial_lr": dict(base_lr=0.1),
    "multiplicative_lr": dict(base_lr=0.1, lr_lambda=registry.StepFactor(0.95)),
    "greedy_lr": dict(base_lr=0.1),
    "cosine_with_min_lr_schedule_with_warmup_lr_rate": dict(
        base_lr=0.1, num_warmup_steps=10, num_training_steps=100, min_lr=0.01
    ),
}


def _call(name: str, **kwargs):
    """The schedule ``name`` at its valid arguments but ``kwargs``, on a few steps or metrics."""
    fed_metrics = next(iter(_parameters_all(name))) == registry.METRIC_INPUT
    first = [1.0, 0.9, 0.9, 0.9] if fed_metrics else np.arange(50)
    return registry.SCHEDULES[name](first, **{**VALID[name], **kwargs})


def _parameters_all(name: str) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(registry.SCHEDULES[name]).parameters)


def _parameters(name: str) -> dict[str, inspect.Parameter]:
    """The parameters of the schedule ``name`` after its first (the step, or the metrics)."""
    return dict(list(inspect.signature(registry.SCHEDULES[name]).parameters.items())[1:])


def _having(parameter: str) -> list[str]:
    return [name for name in registry.SCHEDULES if parameter in _parameters(name)]


def test_valid_calls_cover_every_registered_schedule_and_are_valid():
    assert set(VALID) == set(registry.SCHEDULES)
    for name in VALID:
        assert np.all(np.isfinite(_call(name))), name


def test_the_package_re_exports_the_registry():
    assert schedules.SCHEDULES is registry.SCHEDULES
    for name, fn in registry.SCHEDULES.items():
        assert fn.__name__ == name and getattr(schedules, name) is fn


# --- choices ----------------------------------------------------------------------------------


def test_choice_lists_are_the_tuples_the_schedules_validate_with():
    from lrlab.schedules import cyclic, plateau, warmup

    assert registry.CHOICES["mode"][0] is cyclic.CYCLIC_MODES
    assert registry.CHOICES["mode"][1] is plateau.PLATEAU_MODES
    assert registry.CHOICES["anneal_strategy"] == (cyclic.ANNEAL_STRATEGIES,)
    assert registry.CHOICES["threshold_mode"] == (plateau.THRESHOLD_MODES,)
    assert registry.CHOICES["decay_type"][0] is warmup.WSD_SHAPES
    assert registry.CHOICES["warmup_type"][0] is warmup.WSD_SHAPES


def _choice_cases():
    for parameter, lists in registry.CHOICES.items():
        for name in _having(parameter):
            default = _parameters(name)[parameter].default
            (options,) = [options for options in lists if default in options]
            yield pytest.param(name, parameter, options, id=f"{name}-{parameter}")


@pytest.mark.parametrize("name, parameter, options", list(_choice_cases()))
def test_each_schedule_takes_every_value_of_its_choice_list_and_nothing_else(
    name, parameter, options
):
    for value in options:
        _call(name, **{parameter: value})
    others = {v for lists in registry.CHOICES.values() for o in lists for v in o} - set(options)
    for value in sorted(others) + ["nope"]:
        with pytest.raises(ValueError, match=parameter):
            _call(name, **{parameter: value})


def test_every_string_parameter_of_a_schedule_has_its_choice_list():
    for name in registry.SCHEDULES:
        for parameter, p in _parameters(name).items():
            if isinstance(p.default, str):
                lists = registry.CHOICES.get(parameter, ())
                assert any(p.default in o for o in lists), f"{name}({parameter}={p.default!r})"


# --- momentum partners ------------------------------------------------------------------------


def test_momentum_partners_are_registered_and_share_the_lr_schedules_cycle():
    for lr_name, momentum_name in registry.MOMENTUM_PARTNERS.items():
        lr, momentum = registry.SCHEDULES[lr_name], registry.SCHEDULES[momentum_name]
        assert registry.momentum_partner(lr) is momentum
        own = set(_parameters(momentum_name)) - set(registry.MOMENTA)
        assert own <= set(_parameters(lr_name)), f"{momentum_name} has {own}"


def test_momentum_partner_sees_through_partials_and_nothing_else_has_one():
    assert registry.momentum_partner(functools.partial(schedules.cyclic_lr, step_size_up=25)) is (
        schedules.cyclic_momentum
    )
    nested = functools.partial(functools.partial(schedules.one_cycle_lr, max_lr=0.1), 100)
    assert registry.momentum_partner(nested) is schedules.one_cycle_momentum
    for fn in (schedules.step_lr, schedules.cyclic_momentum, print, lambda t: t, object()):
        assert registry.momentum_partner(fn) is None

    def cyclic_lr(step):  # the same name, not the registered schedule
        return step

    assert registry.momentum_partner(cyclic_lr) is None


# --- the parameter lists and ranges -----------------------------------------------------------

_NAME_LISTS = {
    "STEP_COUNTS": registry.STEP_COUNTS,
    "EPOCH_COUNTS": registry.EPOCH_COUNTS,
    "LR_FLOORS": registry.LR_FLOORS,
    "MOMENTA": registry.MOMENTA,
    "RANGES": registry.RANGES,
    "DROPDOWNS": registry.DROPDOWNS,
    "FIXED": registry.FIXED,
    "SEQUENCE_PARAMS": registry.SEQUENCE_PARAMS,
    "CHOICES": registry.CHOICES,
}


@pytest.mark.parametrize("which", list(_NAME_LISTS))
def test_every_listed_name_is_a_parameter_of_a_registered_schedule(which):
    for parameter in _NAME_LISTS[which]:
        assert _having(parameter), f"{which}: no registered schedule has {parameter!r}"


def test_metric_input_is_the_first_parameter_of_the_schedules_fed_metrics():
    for fn in (schedules.reduce_lr_on_plateau, schedules.greedy_lr):
        assert next(iter(inspect.signature(fn).parameters)) == registry.METRIC_INPUT


@pytest.mark.parametrize("parameter", list(registry.FUNCTION_CHOICES))
def test_function_choices_are_valid_arguments_that_read_as_the_lambda_they_stand_for(parameter):
    assert _having(parameter)
    for name in _having(parameter):
        assert _parameters(name)[parameter].default is inspect.Parameter.empty
        for fn in registry.FUNCTION_CHOICES[parameter]:
            assert np.all(np.isfinite(_call(name, **{parameter: fn})))
            as_written = eval(repr(fn))  # the lambda it reads as computes the same factors
            steps = np.arange(1, 100)
            np.testing.assert_array_equal(fn(steps), [as_written(int(k)) for k in steps])


@pytest.mark.parametrize("parameter", list(registry.STEP_COUNTS))
def test_step_counts_start_at_their_least_valid_value(parameter):
    initial, lo = registry.STEP_COUNTS[parameter]
    assert isinstance(initial(200), int) and lo <= initial(200) <= 200
    for name in _having(parameter):
        extra = {"num_warmup_steps": 0} if parameter == "num_training_steps" else {}
        at_least = _call(name, **{**extra, parameter: lo})
        try:
            below = _call(name, **{**extra, parameter: lo - 1})
        except ValueError as error:
            assert parameter in str(error)
        else:  # accepted as torch / transformers accept it: then it is the same schedule
            np.testing.assert_array_equal(below, at_least, err_msg=f"{name}({parameter}={lo - 1})")


@pytest.mark.parametrize("parameter", list(registry.RANGES))
def test_ranges_hold_the_default_and_their_ends_are_valid(parameter):
    lo, hi = registry.RANGES[parameter]
    for name in _having(parameter):
        default = _parameters(name)[parameter].default
        if default is None:  # the explorers fix a None default (min_lr_rate, given min_lr)
            continue
        assert lo <= default <= hi, f"{name}({parameter}={default})"
        for value in (lo, hi):
            _call(name, **{parameter: value})


@pytest.mark.parametrize("parameter", list(registry.DROPDOWNS))
def test_dropdowns_hold_the_default_and_every_option_is_valid(parameter):
    for name in _having(parameter):
        assert _parameters(name)[parameter].default in registry.DROPDOWNS[parameter]
        for value in registry.DROPDOWNS[parameter]:
            _call(name, **{parameter: value})


@pytest.mark.parametrize("parameter", registry.EPOCH_COUNTS)
def test_epoch_counts_are_whole_numbers(parameter):
    # Below zero is accepted, as PyTorch computes a schedule from it (patience=-1 reduces at
    # every metric); the explorers' sliders start at 0.
    for name in _having(parameter):
        _call(name, **{parameter: 0})
        with pytest.raises(ValueError, match=parameter):
            _call(name, **{parameter: 0.5})


@pytest.mark.parametrize("parameter", registry.LR_FLOORS)
def test_lr_floors_take_the_explorers_range(parameter):
    for name in _having(parameter):
        for value in registry.LR_FLOOR_RANGE:
            _call(name, **{parameter: value})


def test_momenta_take_the_explorers_range():
    for name in _having(registry.MOMENTA[0]):
        for value in registry.MOMENTUM_RANGE:
            _call(name, **dict.fromkeys(registry.MOMENTA, value))


# --- the docstring examples -------------------------------------------------------------------


def test_docstring_examples_of_every_module_run():
    attempted = 0
    namespace = {name: getattr(schedules, name) for name in schedules.__all__}
    for info in pkgutil.iter_modules(schedules.__path__, "lrlab.schedules."):
        module = importlib.import_module(info.name)
        # The examples read as in lrlab.schedules, where every schedule is at hand.
        result = doctest.testmod(module, extraglobs=namespace)
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted >= 20
