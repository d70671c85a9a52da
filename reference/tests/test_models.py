"""The rebuilt architectures: names, parameter counts, and the semantics HF's have."""

from __future__ import annotations

import math
import unittest

from helpers import REFERENCE_DIR  # noqa: F401  (sets sys.path and threads)

import torch
import torchvision

from zeq_reference.export_model import TINY, randomise
from zeq_reference.models import TIED, Architecture
from zeq_reference.models.bert import BertForMaskedLM
from zeq_reference.models.gpt2 import GPT2LMHeadModel, gelu_new
from zeq_reference.models.resnet import RESNET50, ResNet, infer_resnet_config


def tiny(family: str, seed: int = 0):
    arch = Architecture(family, TINY[family], dict(TIED[family]))
    module = arch.build()
    randomise(module, family, seed)
    return arch, module


class ResNetTest(unittest.TestCase):
    def test_standard_config_is_torchvision_resnet50(self) -> None:
        with _no_init():
            tv = torchvision.models.resnet50(weights=None).eval()
            ours = ResNet(RESNET50).eval()
        self.assertEqual(list(tv.state_dict().keys()), list(ours.state_dict().keys()))
        self.assertEqual(sum(p.numel() for p in tv.parameters()), 25_557_032)
        cfg = infer_resnet_config({k: v.numpy() for k, v in tv.state_dict().items()})
        self.assertTrue(cfg.is_torchvision_resnet50(), cfg)
        # Same weights, same forward: our generic class computes what torchvision's does.
        randomise(tv, "resnet50", 3)
        ours.load_state_dict(tv.state_dict())
        x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            self.assertTrue(torch.equal(tv(x), ours(x)))


class BertTest(unittest.TestCase):
    def test_hf_parameter_names_and_tie(self) -> None:
        _, m = tiny("bert-base-uncased")
        keys = list(m.state_dict().keys())
        for name in (
            "bert.embeddings.word_embeddings.weight",
            "bert.encoder.layer.1.attention.self.query.weight",
            "bert.encoder.layer.1.attention.output.LayerNorm.bias",
            "bert.encoder.layer.1.intermediate.dense.weight",
            "bert.encoder.layer.1.output.dense.bias",
            "cls.predictions.transform.dense.weight",
            "cls.predictions.transform.LayerNorm.weight",
            "cls.predictions.bias",
            "cls.predictions.decoder.weight",
        ):
            self.assertIn(name, keys)
        self.assertNotIn("bert.pooler.dense.weight", keys)  # MLM builds BertModel without pooler
        self.assertIs(m.cls.predictions.decoder.weight, m.bert.embeddings.word_embeddings.weight)
        self.assertIs(m.cls.predictions.decoder.bias, m.cls.predictions.bias)

    def test_padding_does_not_change_unpadded_positions(self) -> None:
        _, m = tiny("bert-base-uncased", 1)
        ids = torch.tensor([[101, 1996, 4248, 2829, 102]])
        padded = torch.tensor([[101, 1996, 4248, 2829, 102, 0, 0]])
        mask = torch.tensor([[1, 1, 1, 1, 1, 0, 0]])
        with torch.no_grad():
            a = m(ids, torch.ones_like(ids), torch.zeros_like(ids))
            b = m(padded, mask, torch.zeros_like(padded))
        torch.testing.assert_close(a, b[:, :5], rtol=0, atol=1e-5)

    def test_gelu_is_the_erf_form(self) -> None:
        x = torch.tensor([-3.0, -0.5, 0.0, 0.7, 2.5], dtype=torch.float64)
        want = torch.tensor([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.tolist()], dtype=torch.float64)
        torch.testing.assert_close(torch.nn.functional.gelu(x), want, rtol=0, atol=1e-15)


class GPT2Test(unittest.TestCase):
    def test_hf_parameter_names_conv1d_layout_and_tie(self) -> None:
        _, m = tiny("gpt2")
        sd = m.state_dict()
        c = TINY["gpt2"]
        self.assertEqual(tuple(sd["transformer.h.0.attn.c_attn.weight"].shape), (c.n_embd, 3 * c.n_embd))
        self.assertEqual(tuple(sd["transformer.h.0.mlp.c_fc.weight"].shape), (c.n_embd, c.n_inner))
        self.assertEqual(tuple(sd["transformer.h.0.mlp.c_proj.weight"].shape), (c.n_inner, c.n_embd))
        self.assertIs(m.lm_head.weight, m.transformer.wte.weight)
        self.assertNotIn("transformer.h.0.attn.bias", sd)  # causal mask is computed, not stored

    def test_gelu_new_is_the_tanh_approximation(self) -> None:
        for v in (-2.0, -0.1, 0.0, 0.3, 4.0):
            want = 0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))
            self.assertAlmostEqual(float(gelu_new(torch.tensor(v, dtype=torch.float64))), want, places=14)

    def test_causal(self) -> None:
        _, m = tiny("gpt2", 2)
        a = torch.tensor([[464, 3139, 286, 4881]])
        b = torch.tensor([[464, 3139, 286, 999]])
        with torch.no_grad():
            la, lb = m(a, torch.ones_like(a)), m(b, torch.ones_like(b))
        self.assertTrue(torch.equal(la[:, :3], lb[:, :3]))
        self.assertFalse(torch.equal(la[:, 3], lb[:, 3]))

    def test_kv_cache_step_matches_full_sequence(self) -> None:
        _, m = tiny("gpt2", 4)
        full = torch.tensor([[464, 3139, 286, 4881, 318, 6342, 13]])
        with torch.no_grad():
            want = m(full, torch.ones_like(full))
            _, past = m.forward_with_past(full[:, :5], torch.ones(1, 5, dtype=torch.long), None, None)
            step, present = m.forward_with_past(
                full[:, 5:], torch.ones(1, 7, dtype=torch.long), torch.tensor([[5, 6]]), past
            )
        torch.testing.assert_close(step, want[:, 5:], rtol=0, atol=1e-5)
        c = TINY["gpt2"]
        self.assertEqual(tuple(present[0][0].shape), (1, c.n_head, 7, c.n_embd // c.n_head))


class BaseCountsTest(unittest.TestCase):
    def test_public_parameter_counts(self) -> None:
        from zeq_reference.models.bert import BERT_BASE
        from zeq_reference.models.gpt2 import GPT2_SMALL

        # Counted from the modules' shapes: HF BertForMaskedLM (bert-base-uncased) and
        # GPT2LMHeadModel (gpt2, head tied), as the libraries report them.
        with _no_init():
            self.assertEqual(sum(p.numel() for p in BertForMaskedLM(BERT_BASE).parameters()), 109_514_298)
            self.assertEqual(sum(p.numel() for p in GPT2LMHeadModel(GPT2_SMALL).parameters()), 124_439_808)


class _no_init:
    """Skip weight initialisation while counting (it dominates construction time)."""

    _names = ("normal_", "uniform_", "kaiming_uniform_", "kaiming_normal_", "constant_", "zeros_", "ones_")

    def __enter__(self) -> None:
        self.saved = {n: getattr(torch.nn.init, n) for n in self._names}
        for n in self._names:
            setattr(torch.nn.init, n, lambda t, *a, **k: t)

    def __exit__(self, *exc: object) -> None:
        for n, f in self.saved.items():
            setattr(torch.nn.init, n, f)


if __name__ == "__main__":
    unittest.main()
