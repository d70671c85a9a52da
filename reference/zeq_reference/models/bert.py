"""Hugging Face BertForMaskedLM, written out with exactly its parameter names.

The library itself is not available here, so the modules are rewritten following its
eager implementation (absolute position embeddings, post-LayerNorm, erf GELU, scores
divided by sqrt(head size) before the additive mask, extended mask (1 - m) * finfo.min,
MLM head decoder tied to the word embeddings with `cls.predictions.bias`). Dropout is
omitted: the reference only runs in eval mode, where HF's dropout is the identity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ReferenceToolError


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12


BERT_BASE = BertConfig()

# Names in a state_dict that are the same tensor as another (HF ties them).
BERT_TIED = {
    "cls.predictions.decoder.weight": "bert.embeddings.word_embeddings.weight",
    "cls.predictions.decoder.bias": "cls.predictions.bias",
}


class BertEmbeddings(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=0)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        seq = input_ids.shape[1]
        position_ids = torch.arange(seq, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        # HF adds word + token type first, then positions.
        emb = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        emb = emb + self.position_embeddings(position_ids)
        return self.LayerNorm(emb)


class BertSelfAttention(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.num_attention_heads = c.num_attention_heads
        self.attention_head_size = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        b, s, _ = x.shape
        return x.view(b, s, self.num_attention_heads, self.attention_head_size).permute(0, 2, 1, 3)

    def forward(self, hidden: torch.Tensor, ext_mask: torch.Tensor) -> torch.Tensor:
        q = self._heads(self.query(hidden))
        k = self._heads(self.key(hidden))
        v = self._heads(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        probs = F.softmax(scores + ext_mask, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        b, s = ctx.shape[:2]
        return ctx.view(b, s, self.num_attention_heads * self.attention_head_size)


class BertSelfOutput(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(hidden) + residual)


class BertAttention(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden: torch.Tensor, ext_mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(hidden, ext_mask), hidden)


class BertIntermediate(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(hidden))  # erf form, HF's "gelu"


class BertOutput(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(hidden) + residual)


class BertLayer(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden: torch.Tensor, ext_mask: torch.Tensor) -> torch.Tensor:
        attn = self.attention(hidden, ext_mask)
        return self.output(self.intermediate(attn), attn)


class BertEncoder(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, hidden: torch.Tensor, ext_mask: torch.Tensor) -> torch.Tensor:
        for layer in self.layer:
            hidden = layer(hidden, ext_mask)
        return hidden


class BertModel(nn.Module):
    """HF BertModel with add_pooling_layer=False (as BertForMaskedLM builds it)."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        dtype = self.embeddings.word_embeddings.weight.dtype
        ext = attention_mask[:, None, None, :].to(dtype)
        ext = (1.0 - ext) * torch.finfo(dtype).min
        return self.encoder(self.embeddings(input_ids, token_type_ids), ext)


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(F.gelu(self.dense(hidden)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))
        self.decoder.bias = self.bias  # HF's tie: decoder.bias is cls.predictions.bias

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.transform(hidden))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.predictions = BertLMPredictionHead(c)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.predictions(hidden)


class BertForMaskedLM(nn.Module):
    """Inputs int64 [batch, seq] x3, output logits [batch, seq, vocab]."""

    def __init__(self, c: BertConfig):
        super().__init__()
        if c.hidden_size % c.num_attention_heads != 0:
            raise ReferenceToolError(
                "REF_CONFIG_INVALID", f"bert: hidden {c.hidden_size} not divisible by {c.num_attention_heads} heads"
            )
        self.config = c
        self.bert = BertModel(c)
        self.cls = BertOnlyMLMHead(c)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        return self.cls(self.bert(input_ids, attention_mask, token_type_ids))


def infer_bert_config(weights: dict[str, np.ndarray], num_heads: int | None) -> BertConfig:
    """Read a BertForMaskedLM configuration from HF-named weight shapes.

    Heads cannot be seen in shapes: given, else hidden/64 (BERT-base's head size).

    :raises ReferenceToolError: REF_WEIGHTS_MISSING, REF_CONFIG_INVALID.
    """
    for name in (
        "bert.embeddings.word_embeddings.weight",
        "bert.embeddings.position_embeddings.weight",
        "bert.embeddings.token_type_embeddings.weight",
        "bert.encoder.layer.0.intermediate.dense.weight",
    ):
        if name not in weights:
            raise ReferenceToolError("REF_WEIGHTS_MISSING", f"bert: initializer {name!r} not found")
    vocab, hidden = weights["bert.embeddings.word_embeddings.weight"].shape
    layers = 0
    while f"bert.encoder.layer.{layers}.attention.self.query.weight" in weights:
        layers += 1
    heads = num_heads if num_heads is not None else max(1, hidden // 64)
    if hidden % heads != 0:
        raise ReferenceToolError("REF_CONFIG_INVALID", f"bert: hidden {hidden} not divisible by {heads} heads")
    return BertConfig(
        vocab_size=int(vocab),
        hidden_size=int(hidden),
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=int(weights["bert.encoder.layer.0.intermediate.dense.weight"].shape[0]),
        max_position_embeddings=int(weights["bert.embeddings.position_embeddings.weight"].shape[0]),
        type_vocab_size=int(weights["bert.embeddings.token_type_embeddings.weight"].shape[0]),
    )
