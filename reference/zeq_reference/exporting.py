"""Export a loaded torch model to the repository layout: ONNX + one external data file.

    <out>/model.onnx               opset 17, weights as initializers named as in the state_dict
    <out>/decoder_with_past.onnx   gpt2 only: one KV-cache decoding step
    <out>/model.onnx.data          every weight once, shared by both graphs
    <out>/model.json               minimal zeq-np/model/v1 metadata with file hashes

torch.onnx.export is steered so names survive: no constant folding (it would rename
transposed weights), BatchNorm kept in inference mode rather than folded into the
convolutions (TrainingMode.PRESERVE on an eval module), and the export runs on unique
stand-in values so the exporter cannot merge equal tensors (a freshly initialised model
has many all-ones LayerNorm weights); the true values are written back by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper
import torch
from torch import nn

from .errors import ReferenceToolError
from .model_dir import hash_file
from .models import Architecture
from .onnx_weights import graph_io

OPSET = 17
DATA_FILE = "model.onnx.data"
_ALIGN = 64


@contextlib.contextmanager
def _stand_in_values(module: nn.Module) -> Iterator[None]:
    saved = {k: v.detach().clone() for k, v in module.state_dict().items()}
    gen = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for t in list(module.parameters()) + list(module.buffers()):
            if t.is_floating_point():
                t.copy_(torch.rand(t.shape, generator=gen) + 0.5)
    try:
        yield
    finally:
        module.load_state_dict(saved)


class _GPT2WithPast(nn.Module):
    """Flat-argument view of GPT2LMHeadModel.forward_with_past for tracing.

    Holds the model's own submodules (not the model) so parameter names keep no prefix.
    """

    def __init__(self, model: Any):
        super().__init__()
        self.transformer = model.transformer
        self.lm_head = model.lm_head
        self._step = type(model).forward_with_past

    def forward(self, input_ids, position_ids, attention_mask, *past_flat):  # type: ignore[no-untyped-def]
        past = tuple((past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2))
        logits, present = self._step(self, input_ids, attention_mask, position_ids, past)
        return (logits,) + tuple(t for kv in present for t in kv)


# (file name, module to trace, example args, input names, output names, dynamic axes)
_Spec = tuple[str, nn.Module, tuple, list[str], list[str], dict]


def _graph_specs(arch: Architecture, module: nn.Module) -> list[_Spec]:
    bs = {0: "batch", 1: "sequence"}
    if arch.family == "resnet50":
        x = torch.zeros(2, arch.config.in_channels, 224, 224)  # type: ignore[union-attr]
        axes = {"pixel_values": {0: "batch"}, "logits": {0: "batch"}}
        return [("model.onnx", module, (x,), ["pixel_values"], ["logits"], axes)]
    ids = torch.ones(2, 5, dtype=torch.long)
    if arch.family == "bert-base-uncased":
        names = ["input_ids", "attention_mask", "token_type_ids"]
        axes = {n: bs for n in names + ["logits"]}
        return [("model.onnx", module, (ids, torch.ones_like(ids), torch.zeros_like(ids)), names, ["logits"], axes)]
    cfg: Any = arch.config
    specs = [
        ("model.onnx", module, (ids, torch.ones_like(ids)), ["input_ids", "attention_mask"], ["logits"],
         {"input_ids": bs, "attention_mask": bs, "logits": bs})
    ]
    past_len, new_len, hd = 3, 2, cfg.n_embd // cfg.n_head
    past = [torch.zeros(2, cfg.n_head, past_len, hd) for _ in range(2 * cfg.n_layer)]
    kv = [f"past_key_values.{i}.{w}" for i in range(cfg.n_layer) for w in ("key", "value")]
    present = [f"present.{i}.{w}" for i in range(cfg.n_layer) for w in ("key", "value")]
    axes = {"input_ids": bs, "position_ids": bs, "attention_mask": {0: "batch", 1: "total_sequence"}, "logits": bs}
    axes.update({n: {0: "batch", 2: "past_sequence"} for n in kv})
    axes.update({n: {0: "batch", 2: "total_sequence"} for n in present})
    args = (
        torch.ones(2, new_len, dtype=torch.long),
        torch.arange(past_len, past_len + new_len).repeat(2, 1),
        torch.ones(2, past_len + new_len, dtype=torch.long),
        *past,
    )
    names = ["input_ids", "position_ids", "attention_mask"] + kv
    specs.append(("decoder_with_past.onnx", _GPT2WithPast(module), args, names, ["logits"] + present, axes))
    return specs


def _trace(spec: tuple, tmp: str) -> onnx.ModelProto:
    name, mod, args, in_names, out_names, axes = spec
    path = os.path.join(tmp, name)
    torch.onnx.export(
        mod, args, path, input_names=in_names, output_names=out_names, dynamic_axes=axes, opset_version=OPSET,
        do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE, export_params=True,
    )
    return onnx.load(path, load_external_data=True)


class _DataWriter:
    """Appends tensors to the shared data file, each once, 64-byte aligned."""

    def __init__(self, path: str):
        self.fh = open(path, "wb")
        self.where: dict[str, tuple[int, int]] = {}

    def place(self, name: str, arr: np.ndarray) -> tuple[int, int]:
        if name not in self.where:
            pos = self.fh.tell()
            pad = (-pos) % _ALIGN
            self.fh.write(b"\0" * pad)
            raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
            self.where[name] = (pos + pad, len(raw))
            self.fh.write(raw)
        return self.where[name]

    def close(self) -> None:
        self.fh.close()


def _externalise(proto: onnx.ModelProto, values: dict[str, np.ndarray], writer: _DataWriter, graph: str) -> None:
    names = [t.name for t in proto.graph.initializer]
    stray = [n for n in names if n not in values]
    missing = sorted(set(values) - set(names))
    if stray or missing:
        raise ReferenceToolError(
            "REF_WEIGHTS_UNEXPECTED",
            f"{graph}: exported initializers do not match the state_dict "
            f"(not weights: {stray[:6]}, lost: {missing[:6]})",
        )
    for tensor in proto.graph.initializer:
        arr = values[tensor.name]
        if list(tensor.dims) != list(arr.shape):
            raise ReferenceToolError(
                "REF_WEIGHTS_SHAPE_MISMATCH", f"{graph}: {tensor.name} exported with {list(tensor.dims)}"
            )
        offset, length = writer.place(tensor.name, arr)
        fresh = numpy_helper.from_array(arr, tensor.name)
        fresh.ClearField("raw_data")
        fresh.data_location = onnx.TensorProto.EXTERNAL
        for key, value in (("location", DATA_FILE), ("offset", str(offset)), ("length", str(length))):
            entry = fresh.external_data.add()
            entry.key, entry.value = key, value
        tensor.CopyFrom(fresh)


def export_model(
    arch: Architecture,
    module: nn.Module,
    out_dir: str,
    name: str,
    version: str = "1",
    provenance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write `module` (weights already loaded) to `out_dir` in the repository layout.

    `provenance` fills model.json's architecture size/seed/generator (default: custom
    weights, no generator). Returns the model.json document written.

    :raises ReferenceToolError: REF_MODEL_DIR_INVALID for a name or version model.json
        would refuse; REF_WEIGHTS_UNEXPECTED / REF_WEIGHTS_SHAPE_MISMATCH if the exported
        graph's initializers are not exactly the model's weights by name.
    """
    if not _NAME.match(name) or ".." in name:
        raise ReferenceToolError("REF_MODEL_DIR_INVALID", f"model name {name!r} must match {_NAME.pattern}")
    if not _VERSION.match(version):
        raise ReferenceToolError("REF_MODEL_DIR_INVALID", f"version {version!r} must be a positive integer")
    module.eval()
    os.makedirs(out_dir, exist_ok=True)
    values = {
        k: v.detach().cpu().numpy()
        for k, v in module.state_dict().items()
        if k not in arch.tied and not k.endswith("num_batches_tracked")
    }
    writer = _DataWriter(os.path.join(out_dir, DATA_FILE))
    protos: dict[str, onnx.ModelProto] = {}
    try:
        specs = _graph_specs(arch, module)
        with _stand_in_values(module), tempfile.TemporaryDirectory() as tmp:
            traced = [(s[0], _trace(s, tmp)) for s in specs]
        for fname, proto in traced:
            _externalise(proto, values, writer, fname)
            onnx.save_model(proto, os.path.join(out_dir, fname))
            protos[fname] = proto
    finally:
        writer.close()
    return write_model_json(arch, module, out_dir, name, version, protos, provenance or {})


_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
_VERSION = re.compile(r"^[1-9][0-9]{0,8}$")
_ONNX_DTYPES = {"FLOAT": "float32", "DOUBLE": "float64", "FLOAT16": "float16", "INT64": "int64", "INT32": "int32"}
_TASKS = {"resnet50": "image-classification", "bert-base-uncased": "fill-mask", "gpt2": "text-generation"}


def _specs(ios: list[Any]) -> list[dict[str, Any]]:
    return [{"name": g.name, "dtype": _ONNX_DTYPES.get(g.dtype, g.dtype.lower()), "dims": list(g.dims)} for g in ios]


def _preprocessing(arch: Architecture) -> dict[str, Any]:
    cfg: Any = arch.config
    if arch.family == "resnet50":
        mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
        return {"kind": "imagenet", "resize": 256, "crop": 224, "mean": mean, "std": std}
    if arch.family == "bert-base-uncased":
        return {"kind": "bert-wordpiece", "max_length": cfg.max_position_embeddings}
    return {"kind": "gpt2-bpe", "max_length": cfg.n_positions}


def write_model_json(
    arch: Architecture,
    module: nn.Module,
    out_dir: str,
    name: str,
    version: str,
    protos: dict[str, onnx.ModelProto],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """model.json (schema zeq-np/model/v1) for an exported folder.

    Files are listed as the schema orders them: .onnx files by name, then the data file.
    """
    files = []
    for rel in sorted(protos) + [DATA_FILE]:
        digest, size = hash_file(os.path.join(out_dir, rel))
        files.append({"path": rel, "sha256": digest, "bytes": size})
    ins, outs = graph_io(protos["model.onnx"])
    config = {k: v for k, v in arch.describe().items() if k != "family"}
    doc: dict[str, Any] = {
        "schema": "zeq-np/model/v1",
        "name": name,
        "version": version,
        "task": _TASKS[arch.family],
        "architecture": {
            "name": arch.family,
            "size": provenance.get("size", "custom"),
            "seed": provenance.get("seed"),
            "generator": provenance.get("generator"),
            "config": config,
        },
        "files": files,
        "inputs": _specs(ins),
        "outputs": _specs(outs),
        "preprocessing": _preprocessing(arch),
        "parameters": sum(p.numel() for p in module.parameters()),
    }
    if "decoder_with_past.onnx" in protos:
        pins, pouts = graph_io(protos["decoder_with_past.onnx"])
        doc["decoder_with_past"] = {"path": "decoder_with_past.onnx", "inputs": _specs(pins), "outputs": _specs(pouts)}
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")
    return doc
