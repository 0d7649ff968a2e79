"""Tests of the run planner (``lrlab.plan``) against a real ``transformers.Trainer``.

Each configuration of the grid trains a one-parameter model on a synthetic dataset with the
Trainer (CPU, SGD) while a callback records ``optimizer.param_groups[0]["lr"]`` just before every
optimizer step: the lr that update uses. The plan must give the same number of updates and the
same lr at each, to the contract's tolerance. More than one process cannot run here, so the
counting for ``world_size > 1`` is checked against transformers' own ``set_initial_training_values``
fed a dataloader sharded by accelerate's ``BatchSamplerShard``, as a multi-process run shards it.
"""

from __future__ import annotations

import math
import subprocess
import sys
import types

import numpy as np
import pytest
import torch
import yaml
from accelerate.data_loader import BatchSamplerShard
from transformers import Trainer, TrainerCallback, TrainingArguments

import lrlab
from lrlab.schedules.registry import SCHEDULES

LR = 0.1


class OneParameter(torch.nn.Module):
    """The smallest model a Trainer trains: its loss is a function of one parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"loss": ((self.w - x) ** 2).mean()}


class Numbers(torch.utils.data.Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"x": torch.tensor([i / self.n])}


class RecordLR(TrainerCallback):
    """The lr of every update, read before the optimizer steps with it."""

    def __init__(self) -> None:
        self.lrs: list[float] = []

    def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kwargs):
        self.lrs.append(optimizer.param_groups[0]["lr"])


def training_args(tmp_path, settings: dict, **extra) -> TrainingArguments:
    """``TrainingArguments`` for the planner's ``settings`` (``warmup_ratio`` becomes the fraction
    ``warmup_steps``, as transformers 5 spells it)."""
    s = dict(settings)
    s.pop("num_examples")
    if "warmup_ratio" in s:
        s["warmup_steps"] = s.pop("warmup_ratio")
    return TrainingArguments(
        output_dir=str(tmp_path),
        learning_rate=LR,
        optim="sgd",
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        **s,
        **extra,
    )


def trainer_lrs(tmp_path, settings: dict) -> list[float]:
    record = RecordLR()
    trainer = Trainer(
        model=OneParameter(),
        args=training_args(tmp_path, settings),
        train_dataset=Numbers(settings["num_examples"]),
        callbacks=[record],
    )
    trainer.train()
    return record.lrs


def assert_same_lrs(plan_lrs: np.ndarray, reference: list[float]) -> None:
    reference = np.asarray(reference, dtype=float)
    assert plan_lrs.shape == reference.shape, (plan_lrs.shape, reference.shape)
    scale = float(np.max(np.abs(reference))) if reference.size else 0.0
    np.testing.assert_allclose(plan_lrs, reference, rtol=1e-9, atol=1e-15 * scale)


# (id, settings): every lr_scheduler_type but the metric-driven ones, and the ways to count.
# 50 examples in batches of 3 are 17 batches; accumulating 4 of them makes 5 updates per epoch.
ODD = dict(num_examples=50, per_device_train_batch_size=3, gradient_accumulation_steps=4)
# fmt: off
GRID = [
    ("linear-default", dict(num_examples=50)),
    ("linear-odd-fraction", dict(ODD, num_train_epochs=2.5, warmup_steps=0.1)),
    ("linear-epochs-float-ceil", dict(num_examples=100, per_device_train_batch_size=4, num_train_epochs=2.2)),
    ("linear-max-steps-short", dict(ODD, max_steps=7, warmup_steps=2)),
    ("linear-max-steps-across-epochs", dict(ODD, max_steps=23, warmup_ratio=0.25)),
    ("linear-warmup-equals-run", dict(ODD, num_train_epochs=2, warmup_steps=10)),
    ("linear-warmup-longer-than-run", dict(ODD, num_train_epochs=2, warmup_steps=30)),
    ("linear-tiny-fraction", dict(ODD, num_train_epochs=2, warmup_steps=0.01)),
    ("linear-warmup-ratio-float-ceil", dict(num_examples=100, per_device_train_batch_size=1, num_train_epochs=1, warmup_ratio=0.07)),
    ("linear-drop-last", dict(num_examples=50, per_device_train_batch_size=3, gradient_accumulation_steps=3, dataloader_drop_last=True, num_train_epochs=2)),
    ("linear-fewer-examples-than-a-batch", dict(num_examples=2, per_device_train_batch_size=8, num_train_epochs=4)),
    ("linear-accumulation-beyond-epoch", dict(num_examples=50, per_device_train_batch_size=3, gradient_accumulation_steps=40, num_train_epochs=3)),
    ("linear-warmup-float-steps", dict(ODD, num_train_epochs=3, warmup_steps=2.7)),
    ("cosine", dict(ODD, num_train_epochs=3, lr_scheduler_type="cosine", warmup_steps=3)),
    ("cosine-cycles", dict(ODD, num_train_epochs=4, lr_scheduler_type="cosine", warmup_ratio=0.1, lr_scheduler_kwargs={"num_cycles": 1.5})),
    ("cosine-warmup-longer", dict(ODD, max_steps=6, lr_scheduler_type="cosine", warmup_steps=9)),
    ("cosine-restarts", dict(ODD, num_train_epochs=5, lr_scheduler_type="cosine_with_restarts", warmup_steps=2, lr_scheduler_kwargs={"num_cycles": 3})),
    ("cosine-restarts-default", dict(ODD, max_steps=17, lr_scheduler_type="cosine_with_restarts", warmup_ratio=0.2)),
    ("polynomial", dict(ODD, num_train_epochs=3, lr_scheduler_type="polynomial", warmup_steps=4, lr_scheduler_kwargs={"lr_end": 0.001, "power": 2.0})),
    ("polynomial-default", dict(ODD, max_steps=11, lr_scheduler_type="polynomial", warmup_steps=0.3)),
    ("polynomial-warmup-longer", dict(ODD, max_steps=5, lr_scheduler_type="polynomial", warmup_steps=8)),
    ("constant", dict(ODD, num_train_epochs=2, lr_scheduler_type="constant")),
    ("constant-ignores-warmup", dict(ODD, num_train_epochs=2, lr_scheduler_type="constant", warmup_steps=4, lr_scheduler_kwargs={"num_cycles": 2})),
    ("constant-with-warmup", dict(ODD, num_train_epochs=2.2, lr_scheduler_type="constant_with_warmup", warmup_ratio=0.3)),
    ("inverse-sqrt", dict(ODD, num_train_epochs=4, lr_scheduler_type="inverse_sqrt", warmup_steps=3)),
    ("inverse-sqrt-no-warmup", dict(ODD, max_steps=9, lr_scheduler_type="inverse_sqrt")),
    ("inverse-sqrt-timescale", dict(ODD, num_train_epochs=3, lr_scheduler_type="inverse_sqrt", warmup_steps=2, lr_scheduler_kwargs={"timescale": 5})),
    ("cosine-min-lr-rate", dict(ODD, num_train_epochs=3, lr_scheduler_type="cosine_with_min_lr", warmup_steps=0.2, lr_scheduler_kwargs={"min_lr_rate": 0.1})),
    ("cosine-min-lr", dict(ODD, num_train_epochs=3, lr_scheduler_type="cosine_with_min_lr", warmup_steps=2, lr_scheduler_kwargs={"min_lr": 0.003, "num_cycles": 0.75})),
    ("cosine-warmup-min-lr", dict(ODD, num_train_epochs=3, lr_scheduler_type="cosine_warmup_with_min_lr", warmup_steps=4, lr_scheduler_kwargs={"min_lr_rate": 0.05})),
    ("cosine-warmup-min-lr-rate", dict(ODD, num_train_epochs=3, lr_scheduler_type="cosine_warmup_with_min_lr", warmup_steps=4, lr_scheduler_kwargs={"min_lr": 0.01, "warmup_lr_rate": 0.2})),
    ("wsd", dict(ODD, num_train_epochs=4, lr_scheduler_type="warmup_stable_decay", warmup_steps=3, lr_scheduler_kwargs={"num_decay_steps": 6})),
    ("wsd-shapes", dict(ODD, num_train_epochs=4, lr_scheduler_type="warmup_stable_decay", warmup_ratio=0.2, lr_scheduler_kwargs={"num_decay_steps": 5, "warmup_type": "cosine", "decay_type": "1-sqrt", "min_lr_ratio": 0.1})),
    ("wsd-stable-given", dict(ODD, num_train_epochs=4, lr_scheduler_type="warmup_stable_decay", warmup_steps=2, lr_scheduler_kwargs={"num_decay_steps": 4, "num_stable_steps": 5, "decay_type": "linear"})),
    ("wsd-negative-stable", dict(ODD, num_train_epochs=2, lr_scheduler_type="warmup_stable_decay", warmup_steps=4, lr_scheduler_kwargs={"num_decay_steps": 9, "decay_type": "linear"})),
    ("wsd-warmup-longer", dict(ODD, max_steps=5, lr_scheduler_type="warmup_stable_decay", warmup_steps=8, lr_scheduler_kwargs={"num_decay_steps": 2, "warmup_type": "1-sqrt", "min_lr_ratio": 0.2})),
]
# fmt: on


@pytest.mark.filterwarnings("ignore:Both num_training_steps and num_stable_steps")
@pytest.mark.parametrize("settings", [s for _, s in GRID], ids=[name for name, _ in GRID])
def test_plan_equals_the_trainer_at_every_update(tmp_path, settings):
    kind = settings.get("lr_scheduler_type", "linear")
    name = lrlab.plan.SCHEDULER_TYPES[kind][0]
    if name not in SCHEDULES:  # cosine_warmup_with_min_lr's schedule comes with the zoo
        with pytest.raises(ValueError, match=name):
            lrlab.plan(settings, learning_rate=LR)
        pytest.skip(f"this lrlab has no {name}")
    plan = lrlab.plan(settings, learning_rate=LR)
    reference = trainer_lrs(tmp_path, settings)
    assert plan.num_training_steps == len(reference)
    assert_same_lrs(plan.lrs, reference)


def test_the_grid_covers_every_plannable_scheduler_type():
    import transformers

    kinds = {s.get("lr_scheduler_type", "linear") for _, s in GRID}
    every = {t.value for t in transformers.SchedulerType}
    assert kinds == every - set(lrlab.plan.METRIC_DRIVEN)
    assert set(lrlab.plan.SCHEDULER_TYPES) == kinds


def test_counts_and_warmup_equal_the_trainers(tmp_path):
    """num_update_steps_per_epoch, num_training_steps and num_warmup_steps, as the Trainer
    computes them (``set_initial_training_values``, ``get_warmup_steps``), on the grid."""
    trainer = Trainer(model=OneParameter(), args=training_args(tmp_path, dict(num_examples=1)))
    for _, settings in GRID:
        kind = settings.get("lr_scheduler_type", "linear")
        if lrlab.plan.SCHEDULER_TYPES[kind][0] not in SCHEDULES:
            continue
        args = training_args(tmp_path, settings)
        trainer.args = args
        loader = torch.utils.data.DataLoader(
            Numbers(settings["num_examples"]),
            batch_size=args.per_device_train_batch_size,
            drop_last=args.dataloader_drop_last,
        )
        _, per_epoch, *_, total = trainer.set_initial_training_values(args, loader)
        plan = lrlab.plan(settings, learning_rate=LR)
        assert (plan.num_update_steps_per_epoch, plan.num_training_steps) == (per_epoch, total)
        if settings.get("lr_scheduler_type") != "constant":  # it ignores its warmup
            assert plan.num_warmup_steps == args.get_warmup_steps(total), settings


@pytest.mark.parametrize("world_size", [2, 3, 8])
@pytest.mark.parametrize("drop_last", [False, True])
def test_counts_with_several_processes_equal_the_trainers(tmp_path, world_size, drop_last):
    """What one process of a ``world_size``-process run counts: its dataloader is the batches
    that accelerate's ``BatchSamplerShard`` gives it, and the Trainer counts from that length."""
    trainer = Trainer(model=OneParameter(), args=training_args(tmp_path, dict(num_examples=1)))
    for n, b, k, epochs in [(50, 3, 4, 2.5), (1000, 8, 3, 1.0), (97, 5, 1, 0.7), (24, 4, 2, 3.0)]:
        if drop_last and n < b * world_size:
            continue
        batches = torch.utils.data.BatchSampler(range(n), b, drop_last)
        shards = [
            BatchSamplerShard(batches, num_processes=world_size, process_index=i)
            for i in range(world_size)
        ]
        assert len({len(shard) for shard in shards}) == 1  # every process makes the same updates
        loader = torch.utils.data.DataLoader(Numbers(n), batch_sampler=shards[0])
        settings = dict(
            num_examples=n,
            per_device_train_batch_size=b,
            gradient_accumulation_steps=k,
            num_train_epochs=epochs,
            dataloader_drop_last=drop_last,
        )
        args = training_args(tmp_path, settings)
        _, per_epoch, *_, total = trainer.set_initial_training_values(args, loader)
        plan = lrlab.plan(settings, world_size=world_size)
        assert plan.num_batches_per_epoch == len(shards[0])
        assert (plan.num_update_steps_per_epoch, plan.num_training_steps) == (per_epoch, total)


def test_world_size_counts_the_examples_of_every_process():
    # 1000 examples, 8 per device, 4 processes: ceil(1000 / 32) = 32 batches per process;
    # accumulating 3: ceil(32 / 3) = 11 updates per epoch; 2 epochs: 22 updates.
    plan = lrlab.plan(
        num_examples=1000,
        per_device_train_batch_size=8,
        world_size=4,
        gradient_accumulation_steps=3,
        num_train_epochs=2,
    )
    assert (plan.num_batches_per_epoch, plan.num_update_steps_per_epoch) == (32, 11)
    assert plan.num_training_steps == 22
    dropped = lrlab.plan(
        num_examples=1000, per_device_train_batch_size=8, world_size=3, dataloader_drop_last=True
    )
    assert dropped.num_batches_per_epoch == 41  # floor(1000 / 24)


def test_a_polynomial_decay_whose_warmup_is_the_run_fails_in_the_trainer_too(tmp_path):
    settings = dict(ODD, max_steps=6, lr_scheduler_type="polynomial", warmup_steps=6)
    with pytest.raises(ValueError, match="divides by zero"):
        lrlab.plan(settings, learning_rate=LR)
    with pytest.raises(ZeroDivisionError):
        trainer_lrs(tmp_path, settings)


def test_metric_driven_schedulers_are_refused():
    for kind in ("reduce_lr_on_plateau", "greedy"):
        with pytest.raises(ValueError, match=f"lr_scheduler_type='{kind}'"):
            lrlab.plan(num_examples=100, lr_scheduler_type=kind)


# (settings, a phrase of the warning they must raise)
# fmt: off
WARNINGS = [
    (dict(num_examples=100, warmup_steps=20), "covers 51% of the run"),
    (dict(num_examples=100, warmup_steps=39), "covers 100% of the run"),
    (dict(num_examples=100, warmup_steps=50), "longer than the run (39 updates)"),
    (dict(num_examples=100, lr_scheduler_type="constant", warmup_steps=5), "ignores the warmup"),
    (dict(num_examples=100, lr_scheduler_type="constant", warmup_ratio=0.01), "ignores the warmup (1 step)"),
    (dict(num_examples=100, warmup_ratio=0.01), "rounds it up to 1 warmup step"),
    (dict(num_examples=100, warmup_steps=0.02), "rounds it up to 1 warmup step"),
    (dict(num_examples=100, per_device_train_batch_size=1, num_train_epochs=1, warmup_ratio=0.07), "7.000000000000001 in floating point"),
    (dict(num_examples=100, per_device_train_batch_size=4, num_train_epochs=2.2), "rounds up to 56 updates"),
    (dict(num_examples=100, warmup_steps=5, warmup_ratio=0.1), "warmup_steps wins"),
    (dict(num_examples=100, warmup_steps=2.5), "truncated to 2 steps"),
    (dict(num_examples=100, warmup_steps=1.0), "one step, not the whole run"),
    (dict(num_examples=100, lr_scheduler_type="cosine_with_restarts", lr_scheduler_kwargs={"num_cycles": 12}), "too short to decay and restart"),
    (dict(num_examples=100, lr_scheduler_type="warmup_stable_decay", warmup_steps=10, lr_scheduler_kwargs={"num_decay_steps": 35}), "the stable phase is -6 steps"),
    (dict(num_examples=100, lr_scheduler_type="constant_with_warmup", lr_scheduler_kwargs={"power": 2}), "are ignored"),
    (dict(num_examples=100, max_steps=10, num_train_epochs=3), "max_steps=10 overrides num_train_epochs=3"),
    (dict(num_examples=100, gradient_accumulation_steps=4), "averages 1 of them, not 4"),
    (dict(num_examples=100, warmup_ration=0.1), "did you mean 'warmup_ratio'"),
    (dict(num_examples=100, max_samples=1000, val_size=0.1), "max_samples=1000, val_size=0.1"),
]
# fmt: on


@pytest.mark.parametrize("settings, phrase", WARNINGS, ids=[p for _, p in WARNINGS])
def test_warnings_name_the_mistake(settings, phrase):
    warnings = lrlab.plan(settings).warnings
    assert any(phrase in sentence for sentence in warnings), warnings


def test_a_constant_schedule_is_not_said_to_start_at_lr_0():
    warnings = lrlab.plan(
        num_examples=100, lr_scheduler_type="constant", warmup_ratio=0.01
    ).warnings
    assert len(warnings) == 1 and "ignores the warmup" in warnings[0]


def test_a_sane_plan_has_no_warning():
    plan = lrlab.plan(num_examples=1024, lr_scheduler_type="cosine", warmup_ratio=0.05)
    assert plan.warnings == []
    assert "warnings: none" in repr(plan)


LLAMA_FACTORY_YAML = """### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct
trust_remote_code: true

### method
stage: sft
do_train: true
finetuning_type: lora
lora_rank: 8
lora_target: all

### dataset
dataset: identity,alpaca_en_demo
template: llama3
cutoff_len: 2048
overwrite_cache: true
preprocessing_num_workers: 16

### output
output_dir: saves/llama3-8b/lora/sft
logging_steps: 10
save_steps: 500
plot_loss: true
overwrite_output_dir: true

### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true
ddp_timeout: 180000000
"""


def test_a_llama_factory_yaml_plans_as_the_trainer_runs(tmp_path):
    path = tmp_path / "llama3_lora_sft.yaml"
    path.write_text(LLAMA_FACTORY_YAML, encoding="utf-8")
    assert yaml.safe_load(LLAMA_FACTORY_YAML)["learning_rate"] == "1e-4"  # PyYAML reads a string
    plan = lrlab.plan(path, num_examples=91)
    assert plan.settings["learning_rate"] == 1e-4
    assert plan.lrs.max() == pytest.approx(1e-4)
    assert plan.warnings == [
        "gradient_accumulation_steps=8 does not divide the 91 batches of "
        "an epoch: its last update averages 3 of them, not 8."
    ]
    assert lrlab.plan(str(path), num_examples=91).num_training_steps == 36
    config = yaml.safe_load(LLAMA_FACTORY_YAML)
    keys = ("per_device_train_batch_size", "gradient_accumulation_steps", "num_train_epochs")
    keys += ("lr_scheduler_type", "warmup_ratio")
    settings = {key: config[key] for key in keys} | {"num_examples": 91}
    reference = trainer_lrs(tmp_path, settings)  # at LR; the plan's lrs scale with the peak
    assert_same_lrs(plan.lrs / 1e-4 * LR, reference)
    assert plan.num_training_steps == 12 * 3 == len(reference)
    assert plan.num_warmup_steps == math.ceil(36 * 0.1) == 4


def test_settings_override_the_config_and_strings_are_numbers():
    config = {"num_examples": "64", "learning_rate": "3e-4", "warmup_steps": 4, "bf16": True}
    config["lr_scheduler_type"] = "cosine"
    plan = lrlab.plan(config, warmup_steps=0, lr_scheduler_kwargs='{"num_cycles": "1"}')
    assert plan.num_warmup_steps == 0 and plan.settings["learning_rate"] == 3e-4
    assert plan.settings["lr_scheduler_kwargs"] == {"num_cycles": 1}


def test_the_command_line_prints_the_same_summary(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(LLAMA_FACTORY_YAML, encoding="utf-8")
    figure = tmp_path / "lrs.png"
    command = [sys.executable, "-m", "lrlab.plan", str(path), "--num-examples", "91"]
    done = subprocess.run(
        command + ["--plot", str(figure)], capture_output=True, text=True, check=True
    )
    expected = repr(lrlab.plan(path, num_examples=91))
    assert done.stdout == f"{expected}\nlr curve saved to {figure}\n"
    assert figure.read_bytes().startswith(b"\x89PNG")
    failed = subprocess.run(command[:-2], capture_output=True, text=True)
    assert failed.returncode == 2
    assert "num_examples" in failed.stderr and "Traceback" not in failed.stderr


def test_both_spellings_call_the_planner():
    import lrlab.plan as module

    assert isinstance(lrlab.plan, types.ModuleType) and lrlab.plan is module
    assert callable(lrlab.plan)
    from lrlab import plan as from_package

    a = from_package(num_examples=100, lr_scheduler_type="cosine", warmup_steps=3)
    b = module.plan(num_examples=100, lr_scheduler_type="cosine", warmup_steps=3)
    assert isinstance(a, lrlab.Plan) and lrlab.Plan is module.Plan
    np.testing.assert_array_equal(a.lrs, b.lrs)
    assert repr(a) == repr(b)


def test_the_plan_is_readable_and_plots():
    plan = lrlab.plan(num_examples=1000, per_device_train_batch_size=16, warmup_ratio=0.1)
    text = repr(plan)
    for phrase in ("updates per epoch : 63", "updates           : 189", "warmup            : 19"):
        assert phrase in text
    assert plan.lrs.dtype == float and plan.lrs.shape == (189,)
    fig = plan.plot()
    (line,) = fig.axes[0].get_lines()[:1]
    np.testing.assert_array_equal(line.get_ydata(), plan.lrs)
    from matplotlib.figure import Figure

    own = Figure()
    ax = own.add_subplot()
    assert plan.plot(ax) is own


# (settings, the key and the value the message must name)
# fmt: off
BAD = [
    (dict(), "num_examples=None"),
    (dict(num_examples=0), "num_examples must be an integer >= 1, got 0"),
    (dict(num_examples=10.5), "num_examples must be an integer, got 10.5"),
    (dict(num_examples=10, per_device_train_batch_size=0), "per_device_train_batch_size"),
    (dict(num_examples=10, gradient_accumulation_steps=-1), "gradient_accumulation_steps"),
    (dict(num_examples=10, world_size=0), "world_size must be an integer >= 1, got 0"),
    (dict(num_examples=10, learning_rate=-0.001), "learning_rate must be >= 0.0, got -0.001"),
    (dict(num_examples=10, learning_rate="fast"), "learning_rate='fast'"),
    (dict(num_examples=10, num_train_epochs=0), "num_train_epochs=0.0"),
    (dict(num_examples=10, warmup_steps=-2), "warmup_steps must be >= 0.0, got -2.0"),
    (dict(num_examples=10, warmup_ratio=1.5), "warmup_ratio must be in [0.0, 1.0], got 1.5"),
    (dict(num_examples=10, lr_scheduler_type="cosine_annealing"), "got 'cosine_annealing'"),
    (dict(num_examples=10, dataloader_drop_last="yes"), "dataloader_drop_last='yes'"),
    (dict(num_examples=10, lr_scheduler_kwargs="num_cycles=2"), "lr_scheduler_kwargs='num_cycles=2'"),
    (dict(num_examples=10, lr_scheduler_kwargs={"num_cycles": 2}), "num_cycles=2, which lr_scheduler_type='linear'"),
    (dict(num_examples=10, lr_scheduler_type="cosine", lr_scheduler_kwargs={"power": 2}), "power=2"),
    (dict(num_examples=10, lr_scheduler_type="cosine_with_min_lr"), "needs min_lr or min_lr_rate"),
    (dict(num_examples=10, lr_scheduler_type="cosine_with_min_lr", lr_scheduler_kwargs={"min_lr": 1e-06, "min_lr_rate": 0.1}), "min_lr=1e-06, min_lr_rate=0.1"),
    (dict(num_examples=10, lr_scheduler_type="warmup_stable_decay"), "needs num_decay_steps"),
    (dict(num_examples=10, lr_scheduler_type="polynomial", lr_scheduler_kwargs={"lr_end": 1.0}), "lr_end"),
    (dict(num_examples=3, per_device_train_batch_size=4, dataloader_drop_last=True), "drops every example"),
]
# fmt: on


@pytest.mark.parametrize("settings, phrase", BAD, ids=[p for _, p in BAD])
def test_bad_settings_raise_naming_the_key_and_value(settings, phrase):
    with pytest.raises(ValueError) as raised:
        lrlab.plan(settings)
    assert phrase in str(raised.value)


def test_a_bad_config_argument_raises(tmp_path):
    with pytest.raises(ValueError, match="config must be an existing YAML file"):
        lrlab.plan(tmp_path / "missing.yaml", num_examples=10)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must hold a mapping"):
        lrlab.plan(listing, num_examples=10)
    with pytest.raises(ValueError, match="config must be a dict"):
        lrlab.plan(42)


def test_the_docstring_example_holds():
    import doctest

    result = doctest.testmod(sys.modules["lrlab.plan"])
    assert result.attempted >= 1 and result.failed == 0


def test_a_warmup_ratio_of_one_is_the_whole_run_and_warmup_steps_of_one_a_single_step():
    # 800 examples, batch 8 (the default), 1 epoch: 100 updates. warmup_ratio is always a
    # fraction (transformers 4): 1.0 of 100 is 100 steps; warmup_steps=1.0 is >= 1: one step.
    ratio = lrlab.plan(num_examples=800, num_train_epochs=1, warmup_ratio=1.0)
    steps = lrlab.plan(num_examples=800, num_train_epochs=1, warmup_steps=1.0)
    assert (ratio.num_training_steps, ratio.num_warmup_steps) == (100, 100)
    assert (steps.num_training_steps, steps.num_warmup_steps) == (100, 1)
