"""Tests of the text task (``lrlab.training.text``): the text is the standard library's source,
the stacked model computes what PyTorch's own Transformer layer computes, runs trained side by
side equal runs trained alone, and the scheduler drives a real AdamW.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import numpy as np
import pytest
import torch

import lrlab
from lrlab.training import TextBudget, load_text, record_lrs, train_text, train_text_runs
from lrlab.training import text as text_module

TINY = TextBudget(updates=12, eval_every=4, batch_size=4, context=16, width=16, heads=2)


def test_text_is_the_standard_library_source():
    text = load_text()
    source = (Path(sysconfig.get_paths()["stdlib"]) / "textwrap.py").read_text(encoding="utf-8")
    # The text starts with textwrap.py, whose source is ASCII: the first 2000 characters agree.
    assert text.decode(text.train[:2000].tolist()) == source[:2000]
    assert "\n" in text.alphabet and "def" in text.decode(text.train[:5000].tolist())
    assert all(c == "\n" or 32 <= ord(c) < 127 for c in text.alphabet)
    n = len(text.train) + len(text.val) + len(text.test)
    assert len(text.val) == pytest.approx(0.05 * n, abs=1) and len(text.test) >= len(text.val)


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_stacked_block_equals_torch_transformer_layer(norm):
    # One block of model 1 of three stacked models equals torch.nn.TransformerEncoderLayer
    # (GELU, no dropout, causal mask) holding the same weights.
    budget = TextBudget(width=16, heads=2, layers=1, context=8, norm=norm)
    models = [text_module._init_params(budget, vocab=10, seed=s) for s in range(3)]
    for m in models:  # biases and norms away from their initial 0 and 1
        with torch.no_grad():
            for name, p in m.items():
                if "_b" in name or "ln" in name:
                    p.add_(0.1 * torch.randn(p.shape))
    stacked = {name: torch.stack([m[name] for m in models]) for name in models[0]}
    x = torch.randint(0, 10, (3, 5, 8))
    logits = text_module._logits(stacked, x, budget)[1]

    p = models[1]
    layer = torch.nn.TransformerEncoderLayer(
        16,
        2,
        dim_feedforward=64,
        dropout=0.0,
        activation="gelu",
        batch_first=True,
        norm_first=norm == "pre",
    )
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(p["qkv_w0"].T)
        layer.self_attn.in_proj_bias.copy_(p["qkv_b0"])
        layer.self_attn.out_proj.weight.copy_(p["out_w0"].T)
        layer.self_attn.out_proj.bias.copy_(p["out_b0"])
        layer.linear1.weight.copy_(p["fc_w0"].T)
        layer.linear1.bias.copy_(p["fc_b0"])
        layer.linear2.weight.copy_(p["proj_w0"].T)
        layer.linear2.bias.copy_(p["proj_b0"])
        for ours, theirs in (("ln1", layer.norm1), ("ln2", layer.norm2)):
            theirs.weight.copy_(p[f"{ours}_w0"])
            theirs.bias.copy_(p[f"{ours}_b0"])
        h = p["emb"][x[1]] + p["pos"]
        mask = torch.nn.Transformer.generate_square_subsequent_mask(8)
        h = layer(h, src_mask=mask, is_causal=True)
        if norm == "pre":
            h = torch.nn.functional.layer_norm(h, (16,), p["lnf_w"], p["lnf_b"])
        expected = h @ p["head_w"] + p["head_b"]
    torch.testing.assert_close(logits.detach(), expected, rtol=1e-5, atol=1e-5)


def test_runs_side_by_side_equal_runs_alone():
    def cosine(opt):
        return lrlab.CosineAnnealingLR(opt, T_max=TINY.updates)

    together = train_text_runs(
        {"a": (cosine, 3e-3), "b": (None, 1e-2)}, seeds=[3, 4], budget=TINY, progress=False
    )
    alone = train_text(cosine, 3e-3, budget=TINY, seed=4)
    np.testing.assert_allclose(together["a"][1].train_loss, alone.train_loss, rtol=1e-5)
    np.testing.assert_allclose(together["a"][1].val_loss, alone.val_loss, rtol=1e-5)
    # Different seeds, different runs; the same seed, the same start.
    assert together["a"][0].train_loss[1] != together["a"][1].train_loss[1]
    assert together["a"][1].train_loss[0] == together["b"][1].train_loss[0]
    # The untrained model's loss is close to that of a uniform guess over the alphabet.
    assert abs(alone.val_loss[0] - np.log(len(load_text().alphabet))) < 0.1
    assert alone.val_loss[-1] < alone.val_loss[0] - 0.2


def test_the_scheduler_drives_the_optimizer():
    def warmup(opt):
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda t: min(1.0, (t + 1) / 5))

    run = train_text(warmup, 2e-3, budget=TINY, seed=0)
    np.testing.assert_array_equal(run.lr, record_lrs(warmup, TINY.updates, lrs=(2e-3,))[:, 0])
    assert run.val_loss.shape == (TINY.epochs + 1,) and run.test_loss.shape == run.val_loss.shape
    assert 0 < run.val_acc[-1] < 1 and not run.diverged


def test_plateau_steps_on_the_validation_loss():
    def plateau(opt):
        return lrlab.ReduceLROnPlateau(
            opt, factor=0.5, patience=0, threshold=10.0, threshold_mode="abs"
        )

    # An improvement must exceed 10 nats: after the first evaluation (better than no metric at
    # all) none counts as better, so each later one halves the lr.
    run = train_text(plateau, 1e-3, budget=TINY, seed=0)
    per_epoch = run.lr.reshape(TINY.epochs, TINY.eval_every)
    assert (per_epoch == per_epoch[:, :1]).all()
    np.testing.assert_allclose(per_epoch[:, 0], [1e-3, 1e-3, 5e-4])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(updates=10, eval_every=4), "updates"),
        (dict(width=15, heads=2), "width"),
        (dict(norm="middle"), "norm"),
        (dict(layers=0), "layers"),
    ],
)
def test_text_budget_rejects_bad_settings(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TextBudget(**kwargs)


def test_train_text_runs_rejects_bad_configs():
    with pytest.raises(ValueError, match=r"configs\['a'\]"):
        train_text_runs({"a": 0.1}, budget=TINY, progress=False)
    with pytest.raises(ValueError, match="lr"):
        train_text_runs({"a": (None, -1.0)}, budget=TINY, progress=False)


def test_the_docstring_examples_run():
    import doctest

    result = doctest.testmod(text_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 3
