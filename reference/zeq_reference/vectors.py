"""Run the fixed inputs through the PyTorch rebuild of a model and describe the results.

The document written (format zeq-np/reference-vectors/v1, docs/reference.md) is also the
shape a candidate runtime writes its own outputs in, so compare.py reads both alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .errors import ReferenceToolError
from .inputs import Case, default_inputs_path, image_cases, token_cases
from .loading import LoadReport, load_strict
from .model_dir import ModelDir, open_model_dir
from .models import NAMESPACES, Architecture, infer_architecture
from .onnx_weights import graph_io, initializers_of, load_initializers, load_model_proto
from .tensors import describe_tensor

FORMAT = "zeq-np/reference-vectors/v1"


@dataclass
class LoadedModel:
    model_dir: ModelDir
    arch: Architecture
    module: nn.Module
    report: LoadReport
    image_hw: tuple[int, int]


def _image_hw(model_path: str) -> tuple[int, int]:
    inputs, _ = graph_io(load_model_proto(model_path))
    for gi in inputs:
        if len(gi.dims) == 4 and isinstance(gi.dims[2], int) and isinstance(gi.dims[3], int):
            return gi.dims[2], gi.dims[3]
    return 224, 224


def _check_with_past(path: str, weights: dict[str, np.ndarray], arch: Architecture, loaded: list[str]) -> None:
    # The decoder-with-past file must hold the very same weights, under the same names.
    ns = NAMESPACES[arch.family]
    other = load_initializers(path)
    names = {k for k, v in other.items() if ns.search(k) and v.dtype.kind == "f"}
    if names != set(loaded):
        diff = sorted(names ^ set(loaded))[:8]
        raise ReferenceToolError("REF_WEIGHTS_UNEXPECTED", f"{os.path.basename(path)}: weight names differ: {diff}")
    for k in names:
        if not np.array_equal(other[k], weights[k]):
            raise ReferenceToolError("REF_WEIGHTS_UNEXPECTED", f"{os.path.basename(path)}: {k} differs from model.onnx")


def _check_declared(md: ModelDir, arch: Architecture, report: LoadReport) -> None:
    # What model.json states must be what the weights show.
    if md.declared_parameters is not None and md.declared_parameters != report.parameter_count:
        raise ReferenceToolError(
            "REF_CONFIG_INVALID",
            f"model.json states {md.declared_parameters} parameters, the weights make {report.parameter_count}",
        )
    mine = arch.describe()
    for key, declared in md.declared_config.items():
        if key in mine and key != "family":
            value = mine[key]
            same = list(declared) == list(value) if isinstance(declared, list) else declared == value
            if not same:
                raise ReferenceToolError(
                    "REF_CONFIG_INVALID", f"model.json config {key}={declared!r}, the weights show {value!r}"
                )


def load_model(root: str, num_heads: int | None = None, family: str | None = None) -> LoadedModel:
    """Open a model folder and load its ONNX initializers, by name, into the torch rebuild.

    :raises ReferenceToolError: any REF_* code of model_dir, onnx_weights, models, loading.
    """
    md = open_model_dir(root)
    proto = load_model_proto(md.onnx_path)
    weights = initializers_of(proto, md.root)
    arch = infer_architecture(weights, family or md.family_hint, num_heads or md.num_heads)
    module = arch.build()
    report = load_strict(module, weights, arch.tied, NAMESPACES[arch.family])
    _check_declared(md, arch, report)
    if md.with_past_path:
        _check_with_past(md.with_past_path, weights, arch, report.loaded)
    return LoadedModel(md, arch, module.eval(), report, _image_hw(md.onnx_path))


def fixed_cases(lm: LoadedModel, inputs_path: str | None = None) -> list[Case]:
    """The family's fixed inputs (reference/inputs/<family>.json unless a path is given)."""
    path = inputs_path or default_inputs_path(lm.arch.family)
    cfg: Any = lm.arch.config
    if lm.arch.family == "resnet50":
        return image_cases(path, *lm.image_hw)
    if lm.arch.family == "bert-base-uncased":
        return token_cases(path, lm.arch.family, cfg.vocab_size, cfg.type_vocab_size)
    return token_cases(path, lm.arch.family, cfg.vocab_size)


def _t(arr: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(arr))


@torch.no_grad()
def run_case(lm: LoadedModel, case: Case) -> dict[str, np.ndarray]:
    """Named float32 outputs of one case."""
    m: Any = lm.module
    t = case.tensors
    if case.kind == "image":
        return {"logits": m(_t(t["pixel_values"])).numpy()}
    if lm.arch.family == "bert-base-uncased":
        return {"logits": m(_t(t["input_ids"]), _t(t["attention_mask"]), _t(t["token_type_ids"])).numpy()}
    if case.kind == "tokens":
        return {"logits": m(_t(t["input_ids"]), _t(t["attention_mask"])).numpy()}
    prefix = torch.tensor([case.meta["prefix_ids"]], dtype=torch.long)
    _, past = m.forward_with_past(prefix, torch.ones_like(prefix), None, None)
    logits, present = m.forward_with_past(_t(t["input_ids"]), _t(t["attention_mask"]), _t(t["position_ids"]), past)
    out = {"logits": logits.numpy()}
    for i, (k, v) in enumerate(present):
        out[f"present.{i}.key"] = k.numpy()
        out[f"present.{i}.value"] = v.numpy()
    return out


def describe_case(case: Case, embed_image: bool) -> dict[str, Any]:
    """The JSON description of a case's inputs."""
    tensors = []
    for name, arr in case.tensors.items():
        is_int = arr.dtype.kind == "i"
        tensors.append(describe_tensor(name, arr, embed=is_int or embed_image, list_data=is_int))
    entry: dict[str, Any] = {"id": case.id, "kind": case.kind}
    entry.update({k: v for k, v in case.meta.items() if v is not None})
    entry["tensors"] = tensors
    return entry


def describe_outputs(
    case: Case, outputs: dict[str, np.ndarray], full_logits: bool, max_embed_elements: int
) -> dict[str, Any]:
    """The JSON description of a case's outputs (logits always with top-5)."""
    extra = sum(a.size for k, a in outputs.items() if k != "logits")
    tensors = []
    for name, arr in outputs.items():
        if name == "logits":
            tensors.append(describe_tensor(name, arr, embed=full_logits, top5=True))
        else:
            tensors.append(describe_tensor(name, arr, embed=extra <= max_embed_elements))
    return {"input": case.id, "tensors": tensors}


def make_document(
    lm: LoadedModel,
    cases: list[Case],
    environment: dict[str, Any],
    *,
    full_logits_cases: int | None = None,
    max_embed_elements: int = 1 << 21,
    embed_image: bool = False,
) -> dict[str, Any]:
    """Run every case and build the reference-vectors document.

    Logits are embedded in full for the first `full_logits_cases` cases (all when None),
    digest and top-5 only for the rest; other outputs (a KV cache) are embedded when they
    total at most `max_embed_elements` elements.
    """
    outputs = []
    for i, case in enumerate(cases):
        full = full_logits_cases is None or i < full_logits_cases
        outputs.append(describe_outputs(case, run_case(lm, case), full, max_embed_elements))
    md = lm.model_dir
    return {
        "format": FORMAT,
        "producer": "pytorch",
        "model": {
            "name": md.name,
            "version": md.version,
            "family": lm.arch.family,
            "config": lm.arch.describe(),
            "parameter_count": lm.report.parameter_count,
            "files": [{"path": f.path, "sha256": f.sha256, "bytes": f.bytes} for f in md.files],
            "graph_constants": lm.report.constants,
        },
        "model_sha256": md.model_sha256,
        "torch_version": str(torch.__version__),
        "environment": environment,
        "inputs": [describe_case(c, embed_image) for c in cases],
        "outputs": outputs,
    }
