"""The book's second task: a small character-level language model of Python source code.

The text is the source of a few modules of the standard library, read from the running Python's
own installation (no download). The model is a tiny decoder-only Transformer (pre-norm, as GPT-2
and the models fine-tuned today), trained with AdamW: the optimizer and the architecture for
which warmup and the shape of the decay matter, unlike the digits' MLP with SGD.

:func:`train_text_runs` trains many runs (settings times seeds) side by side: the models of a
group are stacked along a first dimension and computed together, in fewer and larger tensor
operations, each with its own ``torch.optim.AdamW`` and its own scheduler, as separate training
loops would (:func:`train_text` is one run). ``make bench`` (``bench/bench_text.py``) measures
the gain against one run after another: about 1.3 times for chapter 6's model, which is
compute-bound, and 3 times for a tiny one. The results are :class:`~lrlab.training.runs.TrainResult` objects, so
:func:`~lrlab.training.runs.final_metrics`, :func:`~lrlab.training.runs.compare_runs` and the
plots of the digits work on them; an "epoch" of a text run is ``eval_every`` updates, after which
the model is evaluated.
"""

from __future__ import annotations

import functools
import math
import sysconfig
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from lrlab._checks import check_choice, check_int, check_real
from lrlab.seeding import seeds as _seeds
from lrlab.training._helpers import (
    SchedulerFactory,
    build_scheduler,
    deterministic,
    progress_bar,
)
from lrlab.training.runs import TrainResult, is_plateau

__all__ = ["RACE_BUDGET", "Text", "TextBudget", "load_text", "train_text", "train_text_runs"]

SOURCES = (
    "textwrap.py",
    "string.py",
    "heapq.py",
    "bisect.py",
    "fractions.py",
    "statistics.py",
    "difflib.py",
    "argparse.py",
    "functools.py",
    "inspect.py",
)
"""The standard library modules whose source is the text (present in every CPython 3)."""


@dataclass(frozen=True)
class Text:
    """A text as integer ids, split into training, validation and test parts.

    Attributes:
        alphabet: the characters, in id order (printable ASCII and the newline).
        train, val, test: the ids of the three parts (int64 tensors), in the text's order.
    """

    alphabet: str
    train: torch.Tensor
    val: torch.Tensor
    test: torch.Tensor

    def decode(self, ids: Sequence[int]) -> str:
        """The characters of ``ids``."""
        return "".join(self.alphabet[int(i)] for i in ids)


@functools.cache
def load_text(val_fraction: float = 0.05, test_fraction: float = 0.05) -> Text:
    """The source of the modules ``SOURCES`` names, read from this Python's standard library.

    Characters outside printable ASCII (and the newline) are dropped. The last
    ``val_fraction + test_fraction`` of the text is held out: validation, then test.

    Example:
        >>> text = load_text()
        >>> len(text.alphabet) > 90, len(text.train) > 300_000
        (True, True)
    """
    val_fraction = check_real("val_fraction", val_fraction, low=0.0, high=0.5, low_open=True)
    test_fraction = check_real("test_fraction", test_fraction, low=0.0, high=0.5, low_open=True)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    raw = "".join((stdlib / name).read_text(encoding="utf-8") for name in SOURCES)
    kept = "".join(c for c in raw if c == "\n" or 32 <= ord(c) < 127)
    alphabet = "".join(sorted(set(kept)))
    index = {c: i for i, c in enumerate(alphabet)}
    ids = torch.tensor([index[c] for c in kept])
    n = len(ids)
    n_train = int(n * (1 - val_fraction - test_fraction))
    n_val = int(n * val_fraction)
    return Text(alphabet, ids[:n_train], ids[n_train : n_train + n_val], ids[n_train + n_val :])


@dataclass(frozen=True)
class TextBudget:
    """A character-level language model and how long it trains: the text task's fixed budget.

    The model is a decoder-only Transformer with ``layers`` pre-norm blocks of width ``width``
    (``heads`` attention heads, an MLP four times as wide), learned position embeddings, a
    context of ``context`` characters. It trains for ``updates`` AdamW updates on minibatches of
    ``batch_size`` windows drawn at random from the training text, and is evaluated (validation
    and test loss, next-character accuracy) every ``eval_every`` updates.

    Attributes:
        updates: optimizer updates in a run (a multiple of ``eval_every``).
        eval_every: updates between two evaluations (a text run's "epoch").
        batch_size, context: windows per minibatch, characters per window.
        width, layers, heads: the Transformer's size.
        weight_decay, betas: of ``torch.optim.AdamW``.
        eval_windows: how many windows of the validation (and test) text each evaluation reads.

    Example:
        >>> budget = TextBudget(updates=20, eval_every=10)
        >>> budget.total_steps, budget.steps_per_epoch
        (20, 10)
    """

    updates: int = 300
    eval_every: int = 30
    batch_size: int = 16
    context: int = 32
    width: int = 32
    layers: int = 2
    heads: int = 2
    weight_decay: float = 0.01
    betas: tuple[float, float] = (0.9, 0.999)
    eval_windows: int = 64
    norm: str = "pre"

    def __post_init__(self) -> None:
        check_int("updates", self.updates, minimum=1)
        check_int("eval_every", self.eval_every, minimum=1)
        if self.updates % self.eval_every:
            raise ValueError(
                f"updates must be a multiple of eval_every ({self.eval_every}), "
                f"got {self.updates!r}"
            )
        for name in ("batch_size", "context", "width", "layers", "heads", "eval_windows"):
            check_int(name, getattr(self, name), minimum=1)
        if self.width % self.heads:
            raise ValueError(
                f"width must be a multiple of heads ({self.heads}), got {self.width!r}"
            )
        check_real("weight_decay", self.weight_decay, low=0.0)
        check_choice("norm", self.norm, ("pre", "post"))

    @property
    def total_steps(self) -> int:
        """Optimizer updates (and scheduler steps) in a run."""
        return self.updates

    @property
    def steps_per_epoch(self) -> int:
        """Updates between two evaluations (a text run's "epoch")."""
        return self.eval_every

    @property
    def epochs(self) -> int:
        """Evaluations after the untrained one."""
        return self.updates // self.eval_every

    @property
    def data(self) -> Text:
        """The text (cached)."""
        return load_text()

    def optimizer(self, lr: float):
        """The optimizer factory: ``torch.optim.AdamW`` at ``lr`` with this budget's settings."""
        lr = check_real("lr", lr, low=0.0, low_open=True)
        betas, weight_decay = self.betas, self.weight_decay

        def make_optimizer(params):
            return torch.optim.AdamW(
                params, lr=lr, betas=betas, weight_decay=weight_decay, foreach=True
            )

        return make_optimizer

    def train(
        self,
        make_scheduler: SchedulerFactory | None,
        lr: float,
        *,
        seed: int | None = None,
        progress: bool | str = False,
    ) -> TrainResult:
        """One run: :func:`train_text` with this budget."""
        return train_text(make_scheduler, lr, budget=self, seed=seed, progress=progress)


RACE_BUDGET = TextBudget(
    updates=1000,
    eval_every=200,
    batch_size=8,
    context=8,
    width=8,
    layers=1,
    heads=1,
    betas=(0.9, 0.99),
    eval_windows=512,
)
"""The budget of the capstone's race, shared by the chapter, its exercise and its grader.

A tiny model trained on small minibatches for 1000 updates, evaluated every 200. Its gradients
are noisy enough for the end of the schedule to matter: on it the decays to near zero beat a tuned
constant learning rate (on wider models trained for a few hundred updates, the tuned constant tied
them). About half a second per run."""


def _init_params(budget: TextBudget, vocab: int, seed: int) -> dict[str, torch.Tensor]:
    """One model's weights, drawn from its own generator (GPT-2's initialisation)."""
    g = torch.Generator().manual_seed(seed)
    d, L = budget.width, budget.layers

    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=g) * std

    params = {"emb": normal(vocab, d), "pos": normal(budget.context, d)}
    for i in range(L):
        params |= {
            f"ln1_w{i}": torch.ones(d),
            f"ln1_b{i}": torch.zeros(d),
            f"qkv_w{i}": normal(d, 3 * d),
            f"qkv_b{i}": torch.zeros(3 * d),
            f"out_w{i}": normal(d, d, std=0.02 / math.sqrt(2 * L)),
            f"out_b{i}": torch.zeros(d),
            f"ln2_w{i}": torch.ones(d),
            f"ln2_b{i}": torch.zeros(d),
            f"fc_w{i}": normal(d, 4 * d),
            f"fc_b{i}": torch.zeros(4 * d),
            f"proj_w{i}": normal(4 * d, d, std=0.02 / math.sqrt(2 * L)),
            f"proj_b{i}": torch.zeros(d),
        }
    params |= {
        "lnf_w": torch.ones(d),
        "lnf_b": torch.zeros(d),
        "head_w": normal(d, vocab),
        "head_b": torch.zeros(vocab),
    }
    return {name: p.requires_grad_() for name, p in params.items()}


def _logits(p: dict[str, torch.Tensor], x: torch.Tensor, budget: TextBudget) -> torch.Tensor:
    """The next-character logits ``(K, B, T, vocab)`` of K stacked models (``p[name]`` has a
    first dimension K) on the windows ``x`` ``(K, B, T)``."""
    K, B, T = x.shape
    d, H = budget.width, budget.heads

    def norm(h, w, b):
        return F.layer_norm(h, (d,)) * w[:, None, :] + b[:, None, :]

    def linear(h, w, b):
        return torch.baddbmm(b[:, None, :], h, w)

    h = p["emb"][torch.arange(K)[:, None, None], x] + p["pos"][:, None, :T]
    h = h.reshape(K, B * T, d)
    pre = budget.norm == "pre"

    def attention(h, i):
        qkv = linear(h, p[f"qkv_w{i}"], p[f"qkv_b{i}"])
        q, k, v = qkv.view(K * B, T, 3, H, d // H).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return linear(y.permute(0, 2, 1, 3).reshape(K, B * T, d), p[f"out_w{i}"], p[f"out_b{i}"])

    def mlp(h, i):
        return linear(
            F.gelu(linear(h, p[f"fc_w{i}"], p[f"fc_b{i}"])), p[f"proj_w{i}"], p[f"proj_b{i}"]
        )

    for i in range(budget.layers):
        ln1 = functools.partial(norm, w=p[f"ln1_w{i}"], b=p[f"ln1_b{i}"])
        ln2 = functools.partial(norm, w=p[f"ln2_w{i}"], b=p[f"ln2_b{i}"])
        if pre:  # GPT-2: x + f(LN(x))
            h = h + attention(ln1(h), i)
            h = h + mlp(ln2(h), i)
        else:  # the original Transformer and BERT: LN(x + f(x))
            h = ln1(h + attention(h, i))
            h = ln2(h + mlp(h, i))
    if pre:
        h = norm(h, p["lnf_w"], p["lnf_b"])
    return linear(h, p["head_w"], p["head_b"]).view(K, B, T, -1)


def _windows(ids: torch.Tensor, starts: torch.Tensor, length: int) -> torch.Tensor:
    return ids[starts[..., None] + torch.arange(length)]


def _eval_windows(ids: torch.Tensor, budget: TextBudget) -> tuple[torch.Tensor, torch.Tensor]:
    """``eval_windows`` windows evenly spread over ``ids``: inputs and next characters."""
    starts = torch.linspace(0, len(ids) - budget.context - 1, budget.eval_windows).long()
    w = _windows(ids, starts, budget.context + 1)
    return w[:, :-1], w[:, 1:]


def _evaluate(p, budget, windows) -> tuple[np.ndarray, np.ndarray]:
    """Loss and next-character accuracy of each stacked model on fixed windows."""
    x, y = windows
    K = p["emb"].shape[0]
    with torch.no_grad():
        logits = _logits(p, x.expand(K, *x.shape), budget)
        loss = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.repeat(K, 1, 1).reshape(-1), reduction="none"
        )
        acc = (logits.argmax(-1) == y).float().view(K, -1).mean(1)
    return loss.view(K, -1).mean(1).numpy(), acc.numpy()


def _train_group(
    jobs: Sequence[tuple[SchedulerFactory | None, float, int]], budget: TextBudget, bar: Any
) -> list[TrainResult]:
    """Train the runs ``(make_scheduler, lr, seed)`` side by side, as separate loops would."""
    text = budget.data
    K, vocab = len(jobs), len(text.alphabet)
    # Each run's weights are one flat tensor (so its AdamW steps one tensor, not thirty); the
    # model reads them through views of the runs' stack.
    inits = [_init_params(budget, vocab, seed) for _, _, seed in jobs]
    shapes = {name: p.shape for name, p in inits[0].items()}
    flats = [torch.cat([p.detach().flatten() for p in m.values()]).requires_grad_() for m in inits]
    optimizers = [budget.optimizer(lr)([flat]) for flat, (_, lr, _) in zip(flats, jobs)]
    schedulers = [build_scheduler(make, opt) for (make, _, _), opt in zip(jobs, optimizers)]
    # Stepped after every update, or (ReduceLROnPlateau) after every evaluation: decided once.
    per_update = [s is not None and not is_plateau(s) for s in schedulers]
    per_evaluation = [s is not None and is_plateau(s) for s in schedulers]
    generators = [torch.Generator().manual_seed(seed + 1_000_003) for _, _, seed in jobs]
    val, test = _eval_windows(text.val, budget), _eval_windows(text.test, budget)
    T, E, n = budget.updates, budget.epochs, len(text.train) - budget.context - 1
    lr = np.full((K, T), np.nan)
    train_loss = np.full((K, T), np.nan)
    curves = {name: np.full((K, E + 1), np.nan) for name in ("vl", "va", "tl", "ta")}
    alive = np.ones(K, dtype=bool)

    def stack():
        whole, stacked, first = torch.stack(flats), {}, 0
        for name, shape in shapes.items():
            size = math.prod(shape)
            stacked[name] = whole[:, first : first + size].view(K, *shape)
            first += size
        return stacked

    def evaluate(e):
        stacked = stack()
        for (loss, acc), split in (
            (_evaluate(stacked, budget, val), "v"),
            (_evaluate(stacked, budget, test), "t"),
        ):
            curves[split + "l"][alive, e] = loss[alive]
            curves[split + "a"][alive, e] = acc[alive]

    evaluate(0)
    for t in range(T):
        starts = torch.stack(
            [torch.randint(0, n, (budget.batch_size,), generator=g) for g in generators]
        )
        w = _windows(text.train, starts, budget.context + 1)
        logits = _logits(stack(), w[..., :-1], budget)
        losses = (
            F.cross_entropy(logits.reshape(-1, vocab), w[..., 1:].reshape(-1), reduction="none")
            .view(K, -1)
            .mean(1)
        )
        for opt in optimizers:
            opt.zero_grad(set_to_none=True)
        losses.sum().backward()
        values = losses.detach().numpy()
        for k in np.flatnonzero(alive):
            lr[k, t] = optimizers[k].param_groups[0]["lr"]
            train_loss[k, t] = values[k]
            if not math.isfinite(values[k]):
                alive[k] = False
                continue
            optimizers[k].step()
            if per_update[k]:
                schedulers[k].step()
        if (t + 1) % budget.eval_every == 0:
            evaluate((t + 1) // budget.eval_every)
            for k in np.flatnonzero(alive):
                if per_evaluation[k]:
                    schedulers[k].step(curves["vl"][k, (t + 1) // budget.eval_every])
        bar.update(K)
    return [
        TrainResult(
            lr=lr[k],
            train_loss=train_loss[k],
            val_loss=curves["vl"][k],
            val_acc=curves["va"][k],
            diverged=not alive[k],
            test_loss=curves["tl"][k],
            test_acc=curves["ta"][k],
        )
        for k in range(K)
    ]


def train_text_runs(
    configs: Mapping[Hashable, tuple[SchedulerFactory | None, float]],
    *,
    seeds: int | Sequence[int] = 3,
    budget: TextBudget | None = None,
    group_size: int = 16,
    progress: bool | str = True,
) -> dict[Hashable, list[TrainResult]]:
    """Train every setting ``label -> (make_scheduler, lr)`` with every seed, side by side.

    Each run is a model initialised from its seed, ``torch.optim.AdamW`` at ``lr`` and the
    scheduler ``make_scheduler(optimizer)`` (``None``: a constant lr), stepped after every
    update (a ``ReduceLROnPlateau`` after every evaluation, with the validation loss). Up to
    ``group_size`` runs are computed together; a run's numbers do not depend on which runs
    share its group beyond the last bits of floating point.

    Args:
        configs: the settings, by label.
        seeds: the seeds (an int ``n``: ``lrlab.seeds(n)``).
        budget: the model and run length (default :class:`TextBudget`).
        group_size: how many runs to stack.
        progress: a progress bar over all updates of all runs (a string labels it).

    Returns:
        ``label -> [TrainResult per seed]``.
    """
    budget = TextBudget() if budget is None else budget
    seeds = _seeds(seeds) if isinstance(seeds, int) else [check_int("seed", s, 0) for s in seeds]
    group_size = check_int("group_size", group_size, minimum=1)
    for label, config in configs.items():
        if not (isinstance(config, tuple) and len(config) == 2):
            raise ValueError(
                f"configs[{label!r}] must be a pair (make_scheduler, lr), got {config!r}"
            )
        budget.optimizer(config[1])  # checks the lr now
    jobs = [(label, make, lr, seed) for label, (make, lr) in configs.items() for seed in seeds]
    results: dict[Hashable, list[TrainResult]] = {label: [] for label in configs}
    with progress_bar(len(jobs) * budget.updates, progress, unit="upd") as bar:
        for first in range(0, len(jobs), group_size):
            group = jobs[first : first + group_size]
            with deterministic(0):
                runs = _train_group([job[1:] for job in group], budget, bar)
            for (label, *_), run in zip(group, runs):
                results[label].append(run)
    return results


def train_text(
    make_scheduler: SchedulerFactory | None,
    lr: float,
    *,
    budget: TextBudget | None = None,
    seed: int | None = None,
    progress: bool | str = False,
) -> TrainResult:
    """One run of the text task (see :func:`train_text_runs`); ``seed`` ``None``:
    ``lrlab.seeds()[0]``."""
    seed = _seeds(1)[0] if seed is None else seed
    return train_text_runs(
        {0: (make_scheduler, lr)}, seeds=[seed], budget=budget, progress=progress
    )[0][0]
