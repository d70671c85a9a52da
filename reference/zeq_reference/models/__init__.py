"""The three architectures: detection from weight names, configuration, construction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from ..errors import ReferenceToolError
from .bert import BERT_TIED, BertConfig, BertForMaskedLM, infer_bert_config
from .gpt2 import GPT2_TIED, GPT2Config, GPT2LMHeadModel, infer_gpt2_config
from .resnet import ResNetConfig, build_resnet, infer_resnet_config

ARCHITECTURES = ("resnet50", "bert-base-uncased", "gpt2")

# The names each architecture's weights live under; anything else in an ONNX file is a
# graph constant, not a weight.
NAMESPACES = {
    "resnet50": re.compile(r"^(conv1|bn1|layer\d+|fc)\."),
    "bert-base-uncased": re.compile(r"^(bert|cls)\."),
    "gpt2": re.compile(r"^(transformer|lm_head)\."),
}

TIED = {"resnet50": {}, "bert-base-uncased": BERT_TIED, "gpt2": GPT2_TIED}


@dataclass(frozen=True)
class Architecture:
    """Which of the three, its configuration, and names of tensors shared by tying."""

    family: str  # one of ARCHITECTURES
    config: ResNetConfig | BertConfig | GPT2Config
    tied: dict[str, str]

    def build(self) -> nn.Module:
        """A fresh torch module (random init, eval mode) of this configuration."""
        if self.family == "resnet50":
            module = build_resnet(self.config)  # type: ignore[arg-type]
        elif self.family == "bert-base-uncased":
            module = BertForMaskedLM(self.config)  # type: ignore[arg-type]
        else:
            module = GPT2LMHeadModel(self.config)  # type: ignore[arg-type]
        return module.eval()

    def describe(self) -> dict[str, Any]:
        """The configuration as plain JSON values."""
        return {"family": self.family, **{k: _plain(v) for k, v in vars(self.config).items()}}


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def detect_family(names: list[str] | set[str], hint: str | None = None) -> str:
    """The architecture family from weight names (or from a hint such as model.json's).

    :raises ReferenceToolError: REF_ARCHITECTURE_UNKNOWN.
    """
    if hint:
        h = hint.lower()
        if "resnet" in h:
            return "resnet50"
        if "bert" in h:
            return "bert-base-uncased"
        if "gpt2" in h or "gpt-2" in h:
            return "gpt2"
    names = set(names)
    # Suffix matches also recognise HF checkpoints saved without the task head's prefix.
    if any(n.endswith("embeddings.word_embeddings.weight") for n in names):
        return "bert-base-uncased"
    if any(n == "wte.weight" or n.endswith(".wte.weight") for n in names):
        return "gpt2"
    if "conv1.weight" in names and "fc.weight" in names:
        return "resnet50"
    raise ReferenceToolError(
        "REF_ARCHITECTURE_UNKNOWN",
        "weights name none of the three architectures (expected conv1.weight/fc.weight, "
        "bert.embeddings.word_embeddings.weight or transformer.wte.weight)",
    )


def infer_architecture(
    weights: dict[str, np.ndarray],
    family: str | None = None,
    num_heads: int | None = None,
    strides: tuple[int, ...] | None = None,
) -> Architecture:
    """Detect the family and read its configuration from the weights' shapes.

    :raises ReferenceToolError: REF_ARCHITECTURE_UNKNOWN, REF_WEIGHTS_MISSING, REF_CONFIG_INVALID.
    """
    family = detect_family(list(weights), family)
    if family == "resnet50":
        config: Any = infer_resnet_config(weights, strides)
    elif family == "bert-base-uncased":
        config = infer_bert_config(weights, num_heads)
    else:
        config = infer_gpt2_config(weights, num_heads)
    return Architecture(family, config, dict(TIED[family]))
