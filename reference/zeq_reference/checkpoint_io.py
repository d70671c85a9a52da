"""Read a user's checkpoint (state_dict) and bring its names to our layouts.

Accepted files: a torch state_dict saved with torch.save (.pt/.pth/.bin; read with
torch.load(weights_only=True), so a checkpoint cannot run code), or a .safetensors file
(parsed here: 8-byte little-endian header length, JSON header, raw little-endian data).
Names are normalised to torchvision ResNet / HF BertForMaskedLM / HF GPT2LMHeadModel:
HF's older `LayerNorm.gamma/beta` become `weight/bias`, a GPT-2 checkpoint saved from
GPT2Model gains the `transformer.` prefix, tied copies are checked equal and dropped, and
tensors that are not weights of these models (pooler and next-sentence head of
BertForPreTraining, causal-mask buffers, position_ids, BatchNorm counters) are set aside
and listed, never silently used.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

import numpy as np

from .errors import ReferenceToolError

_SAFETENSORS_DTYPES = {
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "F64": np.dtype("<f8"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_MAX_HEADER = 100 * 1024 * 1024

# Tensors of the public checkpoints that are not weights of our three models.
_SET_ASIDE = re.compile(
    r"(^|\.)num_batches_tracked$|^bert\.pooler\.|^cls\.seq_relationship\.|"
    r"^bert\.embeddings\.position_ids$|^bert\.embeddings\.token_type_ids$|"
    r"^transformer\.h\.\d+\.attn\.(bias|masked_bias)$"
)


@dataclass
class Checkpoint:
    tensors: dict[str, np.ndarray]
    set_aside: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)


def _bad(path: str, msg: str) -> ReferenceToolError:
    return ReferenceToolError("REF_CHECKPOINT_INVALID", f"{path}: {msg}")


def read_safetensors(path: str) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file, every offset and length checked.

    :raises ReferenceToolError: REF_CHECKPOINT_INVALID.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
        if len(head) != 8:
            raise _bad(path, "too short for a safetensors header")
        n = int.from_bytes(head, "little")
        if n > min(_MAX_HEADER, size - 8):
            raise _bad(path, f"header length {n} is out of range")
        try:
            header = json.loads(fh.read(n).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _bad(path, f"header is not JSON: {exc}") from exc
        if not isinstance(header, dict):
            raise _bad(path, "header is not an object")
        data_size = size - 8 - n
        out: dict[str, np.ndarray] = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            if not isinstance(info, dict):
                raise _bad(path, f"{name}: entry is not an object")
            dtype = _SAFETENSORS_DTYPES.get(info.get("dtype"))  # type: ignore[arg-type]
            shape, offsets = info.get("shape"), info.get("data_offsets")
            if dtype is None:
                raise _bad(path, f"{name}: dtype {info.get('dtype')!r} not supported")
            if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
                raise _bad(path, f"{name}: bad shape {shape!r}")
            if (
                not isinstance(offsets, list)
                or len(offsets) != 2
                or not all(isinstance(o, int) for o in offsets)
                or not 0 <= offsets[0] <= offsets[1] <= data_size
            ):
                raise _bad(path, f"{name}: data_offsets {offsets!r} out of range")
            count = int(np.prod(shape, dtype=np.int64)) if shape else 1
            if offsets[1] - offsets[0] != count * dtype.itemsize:
                raise _bad(path, f"{name}: {offsets[1] - offsets[0]} bytes for shape {shape} {dtype}")
            fh.seek(8 + n + offsets[0])
            out[name] = np.frombuffer(fh.read(offsets[1] - offsets[0]), dtype=dtype).reshape(shape).copy()
    return out


def _read_torch(path: str) -> dict[str, np.ndarray]:
    import torch

    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # unpickling errors of many kinds
        raise _bad(path, f"torch.load(weights_only=True) failed: {exc}") from exc
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    if not isinstance(obj, dict) or not obj:
        raise _bad(path, "not a state_dict (a mapping of names to tensors)")
    out = {}
    for name, value in obj.items():
        if not isinstance(name, str) or not isinstance(value, torch.Tensor):
            raise _bad(path, f"entry {name!r} is not a named tensor")
        out[name] = value.detach().cpu().contiguous().numpy().copy()
    return out


def read_checkpoint(path: str) -> dict[str, np.ndarray]:
    """Raw name -> array mapping of a checkpoint file.

    :raises ReferenceToolError: REF_CHECKPOINT_INVALID.
    """
    if not os.path.isfile(path):
        raise _bad(path, "no such file")
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    return _read_torch(path)


def _rename(name: str, family: str) -> str:
    name = re.sub(r"\.gamma$", ".weight", re.sub(r"\.beta$", ".bias", name)) if "LayerNorm" in name else name
    if family == "gpt2" and not name.startswith(("transformer.", "lm_head.")):
        name = "transformer." + name
    if family == "bert-base-uncased" and name.startswith(("embeddings.", "encoder.")):
        name = "bert." + name
    return name


def normalise(raw: dict[str, np.ndarray], family: str, tied: dict[str, str]) -> Checkpoint:
    """Names in our layout; set-aside and tied copies removed (tied copies must be equal).

    :raises ReferenceToolError: REF_CHECKPOINT_INVALID on a name clash or an untied copy.
    """
    ck = Checkpoint({})
    for name, arr in raw.items():
        new = _rename(name, family)
        if new in ck.tensors:
            raise ReferenceToolError("REF_CHECKPOINT_INVALID", f"{name} and another tensor both map to {new}")
        if new != name:
            ck.renamed[name] = new
        if _SET_ASIDE.search(new):
            ck.set_aside.append(name)
            continue
        ck.tensors[new] = arr
    for alias, source in tied.items():
        if alias in ck.tensors:
            if source in ck.tensors and not np.array_equal(ck.tensors[alias], ck.tensors[source]):
                raise ReferenceToolError(
                    "REF_CHECKPOINT_INVALID", f"{alias} should be tied to {source} but holds different values"
                )
            if source not in ck.tensors:
                ck.tensors[source] = ck.tensors[alias]
            del ck.tensors[alias]
    ck.tensors = {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in ck.tensors.items()}
    return ck
