"""Strict loading of named tensors into a torch module.

Every parameter and persistent buffer of the module must be found by name with the same
shape, and every weight tensor offered must be used. Tied names (a decoder sharing the
word embeddings) are filled from the one stored tensor and checked to still be shared.
BatchNorm's `num_batches_tracked` counters are training state, not weights: they are
neither expected nor reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .errors import ReferenceToolError

_NOT_WEIGHTS = re.compile(r"(^|\.)num_batches_tracked$")


@dataclass
class LoadReport:
    """What a strict load used, and what it set aside as graph constants."""

    loaded: list[str] = field(default_factory=list)
    tied: dict[str, str] = field(default_factory=dict)
    constants: list[str] = field(default_factory=list)
    parameter_count: int = 0


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _parameter(module: nn.Module, name: str) -> nn.Parameter | None:
    try:
        return module.get_parameter(name)
    except AttributeError:
        return None


def load_strict(
    module: nn.Module,
    tensors: dict[str, np.ndarray],
    tied: dict[str, str],
    namespace: re.Pattern[str] | None = None,
) -> LoadReport:
    """Copy `tensors` into `module` by name, refusing any mismatch.

    `namespace` matches the names weights live under; a tensor outside it, or a
    non-floating-point one, that the module does not use is a graph constant (kept in the
    report), not an error.

    :raises ReferenceToolError: REF_WEIGHTS_MISSING (names listed), REF_WEIGHTS_UNEXPECTED,
        REF_WEIGHTS_SHAPE_MISMATCH.
    """
    report = LoadReport()
    expected = [k for k in module.state_dict().keys() if not _NOT_WEIGHTS.search(k)]
    owned = [k for k in expected if k not in tied]
    missing = [k for k in owned if k not in tensors]
    if missing:
        raise ReferenceToolError(
            "REF_WEIGHTS_MISSING", f"{len(missing)} parameter(s) of the model have no initializer: {_listing(missing)}"
        )
    used = set(owned)
    leftover = [k for k in tensors if k not in used and not _NOT_WEIGHTS.search(k)]
    # Every weight of the three models is floating point; an unused integer or boolean
    # tensor (HF's position_ids, a causal-mask buffer) is a constant even under their names.
    unexpected = [
        k for k in leftover if (namespace is None or namespace.search(k)) and tensors[k].dtype.kind == "f"
    ]
    if unexpected:
        raise ReferenceToolError(
            "REF_WEIGHTS_UNEXPECTED",
            f"{len(unexpected)} initializer(s) are used by no parameter of the model: {_listing(unexpected)}",
        )
    report.constants = sorted(k for k in leftover if k not in unexpected)
    state = module.state_dict()
    bad = [
        f"{k}: file {list(tensors[k].shape)} vs model {list(state[k].shape)}"
        for k in owned
        if tuple(tensors[k].shape) != tuple(state[k].shape)
    ]
    if bad:
        raise ReferenceToolError("REF_WEIGHTS_SHAPE_MISMATCH", f"shapes differ: {_listing(bad, 6)}")
    with torch.no_grad():
        for k in owned:
            target = state[k]
            src = torch.from_numpy(np.ascontiguousarray(tensors[k]))
            target.copy_(src.to(target.dtype))
    report.loaded = owned
    for alias, source in tied.items():
        a, b = _parameter(module, alias), _parameter(module, source)
        if a is not None and b is not None and a is not b:
            raise ReferenceToolError("REF_WEIGHTS_UNEXPECTED", f"{alias} is expected to be tied to {source}")
        report.tied[alias] = source
    report.parameter_count = sum(p.numel() for p in module.parameters())
    return report
