"""A model folder of the repository layout: model.onnx, its external data, model.json.

model.json (schema "zeq-np/model/v1", owned by the TypeScript model code) is read only
for what the reference needs: name, version, the architecture hint, the number of
attention heads (shapes do not show it), the optional decoder-with-past file and the list
of files with their SHA-256. Each listed file is re-hashed; model_sha256 is the SHA-256 of
the listed files' bytes concatenated in the listed order (the .onnx files first, then
external data, by name), the project's weight-checkpoint hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from .errors import ReferenceToolError

_CHUNK = 1 << 20
_HEAD_KEYS = ("num_attention_heads", "n_head", "num_heads", "heads", "attention_heads")


@dataclass
class FileEntry:
    path: str
    sha256: str
    bytes: int


@dataclass
class ModelDir:
    """What the reference knows about a model folder."""

    root: str
    onnx_path: str
    name: str
    version: str
    files: list[FileEntry]
    model_sha256: str
    family_hint: str | None = None
    num_heads: int | None = None
    with_past_path: str | None = None
    declared_parameters: int | None = None
    declared_config: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def _bad(msg: str) -> ReferenceToolError:
    return ReferenceToolError("REF_MODEL_JSON_INVALID", msg)


def _inside(root: str, rel: Any, what: str) -> str:
    # Attacker-controlled: a listed path must stay inside the model folder.
    if not isinstance(rel, str) or not rel or os.path.isabs(rel) or "\\" in rel:
        raise _bad(f"{what} {rel!r} is not a relative path")
    if any(p in ("", ".", "..") for p in rel.split("/")):
        raise _bad(f"{what} {rel!r} leaves the model folder")
    return os.path.join(root, *rel.split("/"))


def hash_file(path: str) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _combined_sha256(root: str, rels: list[str]) -> str:
    h = hashlib.sha256()
    for rel in rels:
        with open(os.path.join(root, *rel.split("/")), "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    return h.hexdigest()


def _find_heads(node: Any, depth: int = 0) -> int | None:
    if depth > 4 or not isinstance(node, dict):
        return None
    for key in _HEAD_KEYS:
        v = node.get(key)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    for v in node.values():
        found = _find_heads(v, depth + 1)
        if found is not None:
            return found
    return None


def _family_hint(meta: dict[str, Any]) -> str | None:
    arch = meta.get("architecture")
    if isinstance(arch, str):
        return arch
    if isinstance(arch, dict):
        for key in ("family", "name", "kind", "type"):
            if isinstance(arch.get(key), str):
                return arch[key]
    return meta.get("name") if isinstance(meta.get("name"), str) else None


def _declared_parameters(meta: dict[str, Any]) -> int | None:
    for key in ("parameters", "parameter_count"):
        v = meta.get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


def _declared_config(meta: dict[str, Any]) -> dict[str, Any]:
    arch = meta.get("architecture")
    cfg = arch.get("config") if isinstance(arch, dict) else None
    return dict(cfg) if isinstance(cfg, dict) else {}


def _with_past(root: str, meta: dict[str, Any]) -> str | None:
    entry = meta.get("decoder_with_past") or meta.get("decoderWithPast")
    if isinstance(entry, dict):
        entry = entry.get("path") or entry.get("file")
    if entry is None:
        return None
    path = _inside(root, entry, "decoder_with_past")
    if not os.path.isfile(path):
        raise _bad(f"decoder_with_past file {entry!r} is listed but missing")
    return path


def _listed_files(root: str, meta: dict[str, Any]) -> list[FileEntry]:
    files = meta.get("files")
    if not isinstance(files, list) or not files:
        raise _bad("model.json 'files' must be a non-empty list of {path, sha256, bytes}")
    out = []
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("sha256"), str):
            raise _bad("every model.json file entry needs path and sha256")
        path = _inside(root, f.get("path"), "file")
        if not os.path.isfile(path):
            raise ReferenceToolError("REF_MODEL_DIR_INVALID", f"listed file {f['path']!r} is missing")
        digest, size = hash_file(path)
        if digest != f["sha256"].lower() or ("bytes" in f and f["bytes"] != size):
            raise ReferenceToolError(
                "REF_MODEL_HASH_MISMATCH", f"{f['path']}: sha256 {digest} ({size} bytes) differs from model.json"
            )
        out.append(FileEntry(f["path"], digest, size))
    return out


def _discovered_files(root: str) -> list[FileEntry]:
    # No model.json: the .onnx files first, then every other file but metadata, by name.
    names = sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n)) and n != "model.json")
    ordered = [n for n in names if n.endswith(".onnx")] + [n for n in names if not n.endswith(".onnx")]
    return [FileEntry(n, *hash_file(os.path.join(root, n))) for n in ordered]


def open_model_dir(root: str) -> ModelDir:
    """Read a model folder, re-hashing every file model.json lists.

    :raises ReferenceToolError: REF_MODEL_DIR_INVALID, REF_MODEL_JSON_INVALID, REF_MODEL_HASH_MISMATCH.
    """
    root = os.path.abspath(root)
    onnx_path = os.path.join(root, "model.onnx")
    if not os.path.isdir(root) or not os.path.isfile(onnx_path):
        raise ReferenceToolError("REF_MODEL_DIR_INVALID", f"{root} is not a model folder (no model.onnx)")
    meta_path = os.path.join(root, "model.json")
    if not os.path.isfile(meta_path):
        files = _discovered_files(root)
        past = os.path.join(root, "decoder_with_past.onnx")
        return ModelDir(
            root=root,
            onnx_path=onnx_path,
            name=os.path.basename(os.path.dirname(root)) or "model",
            version=os.path.basename(root),
            files=files,
            model_sha256=_combined_sha256(root, [f.path for f in files]),
            with_past_path=past if os.path.isfile(past) else None,
        )
    try:
        with open(meta_path, "r", encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError) as exc:
        raise _bad(f"model.json: {exc}") from exc
    if not isinstance(meta, dict):
        raise _bad("model.json is not an object")
    files = _listed_files(root, meta)
    return ModelDir(
        root=root,
        onnx_path=onnx_path,
        name=str(meta.get("name", os.path.basename(os.path.dirname(root)))),
        version=str(meta.get("version", os.path.basename(root))),
        files=files,
        model_sha256=_combined_sha256(root, [f.path for f in files]),
        family_hint=_family_hint(meta),
        num_heads=_find_heads(meta),
        with_past_path=_with_past(root, meta),
        declared_parameters=_declared_parameters(meta),
        declared_config=_declared_config(meta),
        metadata=meta,
    )
