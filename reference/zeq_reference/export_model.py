"""The two sources export.py exports from: a user's checkpoint, or seeded random weights."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .checkpoint_io import normalise, read_checkpoint
from .exporting import export_model
from .loading import load_strict
from .models import NAMESPACES, TIED, Architecture, detect_family, infer_architecture
from .models.bert import BERT_BASE, BertConfig
from .models.gpt2 import GPT2_SMALL, GPT2Config
from .models.resnet import RESNET50, ResNetConfig

# Small configurations for development and tests; same layouts, real vocabularies; the
# same shapes as the TypeScript builders' tiny fixtures (docs/models.md).
TINY: dict[str, Any] = {
    "resnet50": ResNetConfig(3, 8, (8, 16, 32, 64), (32, 64, 128, 256), (1, 1, 1, 1), (1, 2, 2, 2), 1000),
    "bert-base-uncased": BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128),
    "gpt2": GPT2Config(n_embd=32, n_layer=2, n_head=2, n_inner=128),
}
BASE: dict[str, Any] = {"resnet50": RESNET50, "bert-base-uncased": BERT_BASE, "gpt2": GPT2_SMALL}


def randomise(module: nn.Module, family: str, seed: int) -> None:
    """Seeded values for every weight, biases and normalisation statistics included.

    Unlike the originals' initialisers (zero biases, unit LayerNorm, identity BatchNorm
    statistics), every tensor gets distinct values, so a test sees every weight matter.
    """
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if not t.is_floating_point() or name in TIED[family]:
                continue
            if name.endswith("running_var") or (("bn" in name or "downsample.1" in name) and name.endswith("weight")):
                t.copy_(torch.rand(t.shape, generator=gen) + 0.5)
            elif family == "resnet50" and t.dim() == 4:
                fan_out = t.shape[0] * t.shape[2] * t.shape[3]
                t.copy_(torch.randn(t.shape, generator=gen) * (2.0 / fan_out) ** 0.5)
            elif ("LayerNorm" in name or ".ln_" in name) and name.endswith("weight"):
                t.copy_(1.0 + 0.1 * torch.randn(t.shape, generator=gen))
            elif family == "resnet50" and t.dim() <= 2 and not name.startswith("fc."):
                t.copy_(0.1 * torch.randn(t.shape, generator=gen))
            else:
                std = 0.03 if family == "resnet50" else 0.02
                t.copy_(std * torch.randn(t.shape, generator=gen))


def export_random(family: str, size: str, seed: int, out: str, name: str, version: str) -> dict[str, Any]:
    """Export a seeded random model of `family` in the base or tiny configuration."""
    torch.manual_seed(seed)
    arch = Architecture(family, (TINY if size == "tiny" else BASE)[family], dict(TIED[family]))
    module = arch.build()
    randomise(module, family, seed)
    provenance = {"size": size, "seed": str(seed), "generator": "zeq-np/reference/torch-randomise/v1"}
    return export_model(arch, module, out, name, version, provenance)


def export_checkpoint(
    path: str, out: str, name: str, version: str, family: str | None, num_heads: int | None
) -> dict[str, Any]:
    """Load a checkpoint strictly into its architecture and export it.

    :raises ReferenceToolError: REF_CHECKPOINT_INVALID, REF_ARCHITECTURE_UNKNOWN,
        REF_WEIGHTS_MISSING / _UNEXPECTED / _SHAPE_MISMATCH, REF_CONFIG_INVALID.
    """
    raw = read_checkpoint(path)
    fam = detect_family(list(raw), family)
    ck = normalise(raw, fam, TIED[fam])
    arch: Architecture = infer_architecture(ck.tensors, fam, num_heads)
    module = arch.build()
    load_strict(module, ck.tensors, arch.tied, None)
    doc = export_model(arch, module, out, name, version)
    notes = []
    if ck.renamed:
        notes.append(f"{len(ck.renamed)} name(s) normalised, e.g. {next(iter(ck.renamed.items()))}")
    if ck.set_aside:
        more = " ..." if len(ck.set_aside) > 8 else ""
        notes.append(f"not weights of {fam}, left out: {', '.join(ck.set_aside[:8])}{more}")
    doc["_notes"] = notes
    return doc


__all__ = ["TINY", "BASE", "randomise", "export_random", "export_checkpoint", "NAMESPACES"]
