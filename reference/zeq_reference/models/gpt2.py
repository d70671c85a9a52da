"""Hugging Face GPT2LMHeadModel, written out with exactly its parameter names.

Follows the library's eager implementation: Conv1D weights stored [in, out], pre-LayerNorm
blocks (eps 1e-5), gelu_new (tanh approximation), scores divided by sqrt(head size), the
causal mask applied with torch.where(.., finfo.min) and then the additive padding mask
(1 - m) * finfo.min, lm_head tied to wte, past_key_values concatenated on the sequence
axis. The causal-mask buffers HF keeps (`attn.bias`, `attn.masked_bias`) are not weights
and are computed on the fly here. Dropout is omitted (eval mode).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..errors import ReferenceToolError


@dataclass(frozen=True)
class GPT2Config:
    vocab_size: int = 50257
    n_positions: int = 1024
    n_embd: int = 768
    n_layer: int = 12
    n_head: int = 12
    n_inner: int = 3072
    layer_norm_epsilon: float = 1e-5


GPT2_SMALL = GPT2Config()

GPT2_TIED = {"lm_head.weight": "transformer.wte.weight"}

# (key, value) per layer, each [batch, heads, seq, head_dim].
Past = tuple[tuple[torch.Tensor, torch.Tensor], ...]


def gelu_new(x: torch.Tensor) -> torch.Tensor:
    """HF's NewGELUActivation (the tanh approximation used by GPT-2)."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """HF's Conv1D: a linear layer whose weight is stored transposed, [in, out]."""

    def __init__(self, nf: int, nx: int):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class GPT2Attention(nn.Module):
    def __init__(self, c: GPT2Config):
        super().__init__()
        self.num_heads = c.n_head
        self.head_dim = c.n_embd // c.n_head
        self.c_attn = Conv1D(3 * c.n_embd, c.n_embd)
        self.c_proj = Conv1D(c.n_embd, c.n_embd)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, s, _ = x.shape
        return x.view(b, s, self.num_heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(
        self,
        hidden: torch.Tensor,
        ext_mask: torch.Tensor,
        past: tuple[torch.Tensor, torch.Tensor] | None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        q, k, v = self.c_attn(hidden).split(self.num_heads * self.head_dim, dim=2)
        q, k, v = self._split(q), self._split(k), self._split(v)
        if past is not None:
            k = torch.cat((past[0], k), dim=-2)
            v = torch.cat((past[1], v), dim=-2)
        present = (k, v)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype, device=w.device)
        q_len, k_len = q.size(-2), k.size(-2)
        causal = torch.ones((k_len, k_len), dtype=torch.bool, device=w.device).tril()[k_len - q_len : k_len, :k_len]
        w = torch.where(causal, w, torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype, device=w.device))
        w = nn.functional.softmax(w + ext_mask, dim=-1)
        out = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        b, s = out.shape[:2]
        return self.c_proj(out.view(b, s, self.num_heads * self.head_dim)), present


class GPT2MLP(nn.Module):
    def __init__(self, c: GPT2Config):
        super().__init__()
        self.c_fc = Conv1D(c.n_inner, c.n_embd)
        self.c_proj = Conv1D(c.n_embd, c.n_inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(gelu_new(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, c: GPT2Config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.attn = GPT2Attention(c)
        self.ln_2 = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.mlp = GPT2MLP(c)

    def forward(self, hidden, ext_mask, past):  # type: ignore[no-untyped-def]
        attn, present = self.attn(self.ln_1(hidden), ext_mask, past)
        hidden = hidden + attn
        return hidden + self.mlp(self.ln_2(hidden)), present


class GPT2Model(nn.Module):
    def __init__(self, c: GPT2Config):
        super().__init__()
        self.wte = nn.Embedding(c.vocab_size, c.n_embd)
        self.wpe = nn.Embedding(c.n_positions, c.n_embd)
        self.h = nn.ModuleList([GPT2Block(c) for _ in range(c.n_layer)])
        self.ln_f = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor | None = None,
        past: Past | None = None,
    ) -> tuple[torch.Tensor, Past]:
        past_len = 0 if past is None else past[0][0].size(-2)
        if position_ids is None:
            seq = input_ids.shape[1]
            position_ids = torch.arange(past_len, past_len + seq, dtype=torch.long).unsqueeze(0)
        dtype = self.wte.weight.dtype
        ext = (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min
        hidden = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.h):
            hidden, present = block(hidden, ext, None if past is None else past[i])
            presents.append(present)
        return self.ln_f(hidden), tuple(presents)


class GPT2LMHeadModel(nn.Module):
    """Inputs int64 input_ids/attention_mask [batch, seq]; logits [batch, seq, vocab]."""

    def __init__(self, c: GPT2Config):
        super().__init__()
        if c.n_embd % c.n_head != 0:
            raise ReferenceToolError("REF_CONFIG_INVALID", f"gpt2: n_embd {c.n_embd} not divisible by {c.n_head} heads")
        self.config = c
        self.transformer = GPT2Model(c)
        self.lm_head = nn.Linear(c.n_embd, c.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.transformer(input_ids, attention_mask)
        return self.lm_head(hidden)

    def forward_with_past(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor | None,
        past: Past | None,
    ) -> tuple[torch.Tensor, Past]:
        """One decoding step: logits for the new tokens and the grown key/value cache."""
        hidden, presents = self.transformer(input_ids, attention_mask, position_ids, past)
        return self.lm_head(hidden), presents


def infer_gpt2_config(weights: dict[str, np.ndarray], num_heads: int | None) -> GPT2Config:
    """Read a GPT2LMHeadModel configuration from HF-named weight shapes.

    Heads cannot be seen in shapes: given, else n_embd/64 (GPT-2's head size).

    :raises ReferenceToolError: REF_WEIGHTS_MISSING, REF_CONFIG_INVALID.
    """
    for name in ("transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.mlp.c_fc.weight"):
        if name not in weights:
            raise ReferenceToolError("REF_WEIGHTS_MISSING", f"gpt2: initializer {name!r} not found")
    vocab, embd = weights["transformer.wte.weight"].shape
    layers = 0
    while f"transformer.h.{layers}.attn.c_attn.weight" in weights:
        layers += 1
    heads = num_heads if num_heads is not None else max(1, embd // 64)
    if embd % heads != 0:
        raise ReferenceToolError("REF_CONFIG_INVALID", f"gpt2: n_embd {embd} not divisible by {heads} heads")
    return GPT2Config(
        vocab_size=int(vocab),
        n_positions=int(weights["transformer.wpe.weight"].shape[0]),
        n_embd=int(embd),
        n_layer=layers,
        n_head=heads,
        n_inner=int(weights["transformer.h.0.mlp.c_fc.weight"].shape[1]),
    )
