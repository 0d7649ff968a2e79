"""Tests of the transformers-style factories (``lrlab.schedulers.factories``)
against ``transformers.optimization``.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable

import pytest
import transformers.optimization as hf

from lrlab import schedulers as ls
from scheduler_utils import (
    MOMENTUM_KINDS,
    assert_close,
    assert_parity,
    make_optimizer,
    plateau_metrics,
    plateau_run,
)


def hf_configs(r: random.Random) -> dict[str, tuple[str, dict]]:
    """One random valid configuration per factory: name -> (factory, kwargs)."""
    warmup = r.choice([0, 1, r.randint(2, 200)])
    total = warmup + r.choice([1, r.randint(2, 800)])
    return {
        "linear": (
            "get_linear_schedule_with_warmup",
            dict(num_warmup_steps=warmup, num_training_steps=total),
        ),
        "cosine": (
            "get_cosine_schedule_with_warmup",
            dict(
                num_warmup_steps=warmup,
                num_training_steps=total,
                num_cycles=r.choice([0.5, r.uniform(0.1, 3.0)]),
            ),
        ),
        "cosine_with_restarts": (
            "get_cosine_with_hard_restarts_schedule_with_warmup",
            dict(num_warmup_steps=warmup, num_training_steps=total, num_cycles=r.randint(1, 5)),
        ),
        "polynomial": (
            "get_polynomial_decay_schedule_with_warmup",
            dict(
                num_warmup_steps=warmup,
                num_training_steps=total,
                lr_end=r.choice([1e-7, 0.0, r.uniform(0.0, 0.05)]),
                power=r.uniform(0.5, 3.0),
            ),
        ),
        "constant": ("get_constant_schedule", {}),
        "constant_with_warmup": (
            "get_constant_schedule_with_warmup",
            dict(num_warmup_steps=warmup),
        ),
        "inverse_sqrt": (
            "get_inverse_sqrt_schedule",
            dict(num_warmup_steps=warmup, timescale=r.choice([None, r.randint(1, 500)])),
        ),
        "warmup_stable_decay": (
            "get_wsd_schedule",
            dict(
                num_warmup_steps=warmup,
                num_decay_steps=r.randint(0, 300),
                num_stable_steps=r.randint(0, 400),
                warmup_type=r.choice(["linear", "cosine", "1-sqrt"]),
                decay_type=r.choice(["linear", "cosine", "1-sqrt"]),
                min_lr_ratio=r.choice([0, r.uniform(0, 0.5)]),
                num_cycles=r.uniform(0.2, 1.0),
            ),
        ),
        "cosine_with_min_lr": (
            "get_cosine_with_min_lr_schedule_with_warmup",
            dict(
                num_warmup_steps=warmup,
                num_training_steps=total,
                **r.choice([{"min_lr": r.uniform(0.0, 0.1)}, {"min_lr_rate": r.uniform(0.0, 1.0)}]),
            ),
        ),
        "cosine_warmup_with_min_lr": (
            "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
            dict(
                num_warmup_steps=r.choice([warmup, total + r.randint(0, 50)]),  # may outlast it
                num_training_steps=total,
                num_cycles=r.choice([0.5, r.uniform(0.1, 3.0)]),
                warmup_lr_rate=r.choice([None, 0.0, r.uniform(0.0, 1.0)]),
                **r.choice([{"min_lr": r.uniform(0.0, 0.1)}, {"min_lr_rate": r.uniform(0.0, 1.0)}]),
            ),
        ),
    }


HF_NAMES = sorted(hf_configs(random.Random(0)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", HF_NAMES)
def test_hf_factories_match_transformers(name: str, seed: int) -> None:
    factory, cfg = hf_configs(random.Random(f"{name}-{seed}"))[name]
    assert_parity(
        lambda opt: getattr(ls, factory)(opt, **cfg),
        lambda opt: getattr(hf, factory)(opt, **cfg),
        kind=MOMENTUM_KINDS[seed % 2],
        n=1100,  # past num_training_steps
    )


def test_hf_wsd_with_num_training_steps_matches_transformers() -> None:
    cfg = dict(num_warmup_steps=50, num_decay_steps=200, num_training_steps=1000)
    assert_parity(
        lambda opt: ls.get_wsd_schedule(opt, **cfg), lambda opt: hf.get_wsd_schedule(opt, **cfg)
    )
    with pytest.warns(UserWarning, match="num_stable_steps will be used"):
        ls.get_wsd_schedule(make_optimizer("sgd"), 5, 5, num_training_steps=20, num_stable_steps=3)


def test_hf_factories_return_lambda_lr_with_the_factor_as_lr_lambda() -> None:
    sched = ls.get_cosine_schedule_with_warmup(make_optimizer("adam"), 10, 100)
    assert isinstance(sched, ls.LambdaLR)
    assert sched.lr_lambdas[0](5) == pytest.approx(0.5, rel=1e-12)


GET_SCHEDULER_CASES = [
    ("linear", 10, 500, None),
    ("cosine", 10, 500, {"num_cycles": 1.5}),
    ("cosine_with_restarts", 0, 500, {"num_cycles": 3}),
    ("polynomial", 10, 500, {"power": 2.0, "lr_end": 1e-3}),
    ("constant", None, None, None),
    ("constant_with_warmup", 25, None, {"ignored": True}),
    ("inverse_sqrt", 30, None, {"timescale": 60}),
    ("warmup_stable_decay", 20, 600, {"num_decay_steps": 100}),
    ("cosine_with_min_lr", 20, 500, {"min_lr_rate": 0.1}),
    ("cosine_warmup_with_min_lr", 20, 500, {"min_lr": 1e-3, "warmup_lr_rate": 0.1}),
    ("cosine_warmup_with_min_lr", 0, 500, {"min_lr_rate": 0.05, "num_cycles": 1.0}),
]


@pytest.mark.parametrize("name, warmup, total, kwargs", GET_SCHEDULER_CASES)
def test_get_scheduler_matches_transformers(name, warmup, total, kwargs) -> None:
    def build(module):
        return lambda opt: module.get_scheduler(name, opt, warmup, total, kwargs)

    assert_parity(build(ls), build(hf), kind="adam", n=700)


def test_get_scheduler_reduce_lr_on_plateau_matches_transformers() -> None:
    kwargs = {"patience": 1, "factor": 0.5}
    ours_opt, ref_opt = make_optimizer("sgd"), make_optimizer("sgd")
    ours = ls.get_scheduler("reduce_lr_on_plateau", ours_opt, scheduler_specific_kwargs=kwargs)
    ref = hf.get_scheduler("reduce_lr_on_plateau", ref_opt, scheduler_specific_kwargs=kwargs)
    assert isinstance(ours, ls.ReduceLROnPlateau)
    metrics = plateau_metrics(random.Random(1), 200, "min")
    assert_close(plateau_run(ours, ours_opt, metrics), plateau_run(ref, ref_opt, metrics))


def test_get_scheduler_accepts_transformers_scheduler_type() -> None:
    from transformers.trainer_utils import SchedulerType

    sched = ls.get_scheduler(SchedulerType.LINEAR, make_optimizer("sgd"), 5, 50)
    assert isinstance(sched, ls.LambdaLR)


def test_get_scheduler_unknown_name_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match="'bogus'") as info:
        ls.get_scheduler("bogus", make_optimizer("sgd"), 5, 50)
    for name, *_ in GET_SCHEDULER_CASES:
        assert repr(name) in str(info.value)


@pytest.mark.parametrize(
    "name, warmup, total, missing",
    [("linear", None, 100, "num_warmup_steps"), ("cosine", 10, None, "num_training_steps")],
)
def test_get_scheduler_missing_steps_raise_like_transformers(name, warmup, total, missing):
    for module in (ls, hf):
        with pytest.raises(ValueError, match=missing):
            module.get_scheduler(name, make_optimizer("sgd"), warmup, total)


def test_get_scheduler_unexpected_kwarg_raises_type_error_like_transformers() -> None:
    for module in (ls, hf):
        with pytest.raises(TypeError):
            module.get_scheduler("linear", make_optimizer("sgd"), 5, 50, {"power": 2})


HF_FACTORIES = [
    "get_linear_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_inverse_sqrt_schedule",
    "get_wsd_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_reduce_on_plateau_schedule",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_greedy_schedule",
    "get_scheduler",
]


def parameters(fn: Callable) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", HF_FACTORIES)
def test_factory_signature_equals_transformers(name: str) -> None:
    assert parameters(getattr(ls, name)) == parameters(getattr(hf, name))


def test_get_scheduler_knows_every_scheduler_type_of_transformers() -> None:
    from transformers.trainer_utils import SchedulerType

    for name in SchedulerType:
        try:  # the arguments may be missing or wrong, but the name is known
            ls.get_scheduler(name, make_optimizer("sgd"), scheduler_specific_kwargs={"x": 1})
        except (ValueError, TypeError) as err:
            assert "name must be one of" not in str(err), name
