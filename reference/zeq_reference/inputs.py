"""The fixed inputs the reference runs: token ids from JSON files, seeded images.

Inputs files live in reference/inputs/<family>.json (format zeq-np/reference-inputs/v1,
see docs/reference.md). Token ids are given as numbers, never tokenised here, so the
reference does not depend on a Python tokenizer. Images are generated from a seed by a
procedure simple enough to re-implement anywhere (see `seeded_image`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ReferenceToolError

INPUTS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "inputs")

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass
class Case:
    """One fixed input: named int64/float32 tensors, plus how to reproduce them."""

    id: str
    kind: str  # "tokens" | "tokens-with-past" | "image"
    tensors: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)


def _bad(path: str, msg: str) -> ReferenceToolError:
    return ReferenceToolError("REF_INPUTS_INVALID", f"{path}: {msg}")


def read_inputs_file(path: str, family: str) -> dict[str, Any]:
    """Parse an inputs file and check it is for `family`.

    :raises ReferenceToolError: REF_INPUTS_INVALID.
    """
    try:
        with open(path, "r", encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        raise _bad(path, f"cannot read JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != "zeq-np/reference-inputs/v1":
        raise _bad(path, "not a zeq-np/reference-inputs/v1 document")
    if doc.get("family") != family:
        raise _bad(path, f"inputs are for {doc.get('family')!r}, the model is {family!r}")
    if not isinstance(doc.get("inputs"), list) or not doc["inputs"]:
        raise _bad(path, "'inputs' must be a non-empty list")
    return doc


def _ids(path: str, entry: dict[str, Any], key: str, vocab: int | None, length: int | None = None) -> np.ndarray:
    value = entry.get(key)
    ints = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    if not ints or not value:
        raise _bad(path, f"{entry.get('id')}: {key} must be a non-empty list of integers")
    if length is not None and len(value) != length:
        raise _bad(path, f"{entry.get('id')}: {key} has {len(value)} entries, expected {length}")
    limit = vocab if vocab is not None else 2**31
    if any(v < 0 or v >= limit for v in value):
        raise _bad(path, f"{entry.get('id')}: {key} has a value outside [0, {limit})")
    return np.array([value], dtype=np.int64)


def _entry_id(path: str, entry: Any, seen: set[str]) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
        raise _bad(path, "every input needs a string 'id'")
    if entry["id"] in seen:
        raise _bad(path, f"input id {entry['id']!r} appears twice")
    seen.add(entry["id"])
    return entry["id"]


def token_cases(path: str, family: str, vocab: int, type_vocab: int = 2) -> list[Case]:
    """BERT or GPT-2 cases: `inputs` (whole sequences) and, for GPT-2, `with_past` steps.

    :raises ReferenceToolError: REF_INPUTS_INVALID.
    """
    doc = read_inputs_file(path, family)
    seen: set[str] = set()
    cases = []
    for entry in doc["inputs"]:
        cid = _entry_id(path, entry, seen)
        ids = _ids(path, entry, "input_ids", vocab)
        n = ids.shape[1]
        tensors = {"input_ids": ids}
        mask = _ids(path, entry, "attention_mask", 2, n) if "attention_mask" in entry else np.ones((1, n), np.int64)
        tensors["attention_mask"] = mask
        if family == "bert-base-uncased":
            if "token_type_ids" in entry:
                tensors["token_type_ids"] = _ids(path, entry, "token_type_ids", type_vocab, n)
            else:
                tensors["token_type_ids"] = np.zeros((1, n), np.int64)
        meta = {k: entry[k] for k in ("text", "text_pair", "padding") if k in entry}
        cases.append(Case(cid, "tokens", tensors, meta))
    with_past = doc.get("with_past", [])
    if with_past and family != "gpt2":
        raise _bad(path, "'with_past' cases exist only for gpt2")
    if not isinstance(with_past, list):
        raise _bad(path, "'with_past' must be a list")
    for entry in with_past:
        cid = _entry_id(path, entry, seen)
        prefix = _ids(path, entry, "prefix_ids", vocab)
        new = _ids(path, entry, "new_ids", vocab)
        p, n = prefix.shape[1], new.shape[1]
        tensors = {
            "input_ids": new,
            "position_ids": np.arange(p, p + n, dtype=np.int64)[None, :],
            "attention_mask": np.ones((1, p + n), np.int64),
        }
        meta = {k: entry[k] for k in ("prefix_text", "new_text") if k in entry}
        meta["prefix_ids"] = prefix[0].tolist()
        cases.append(Case(cid, "tokens-with-past", tensors, meta))
    return cases


def seeded_bytes(seed: str, count: int) -> bytes:
    """SHA-256(utf8(seed) || uint32_be(counter)) for counter = 0, 1, ... concatenated."""
    out = bytearray()
    counter = 0
    base = seed.encode("utf-8")
    while len(out) < count:
        out += hashlib.sha256(base + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:count])


def seeded_image(seed: str, height: int, width: int, mean=IMAGENET_MEAN, std=IMAGENET_STD) -> np.ndarray:
    """A [1, 3, H, W] float32 image: seeded bytes as (C, H, W) pixels, ImageNet-normalised.

    Each element is float32(((u / 255) - mean[c]) / std[c]) evaluated in double precision,
    so any IEEE-754 implementation reproduces it bit for bit.
    """
    u = np.frombuffer(seeded_bytes(seed, 3 * height * width), dtype=np.uint8).reshape(3, height, width)
    m = np.array(mean, dtype=np.float64)[:, None, None]
    s = np.array(std, dtype=np.float64)[:, None, None]
    return (((u.astype(np.float64) / 255.0) - m) / s).astype(np.float32)[None]


def image_cases(path: str, height: int, width: int) -> list[Case]:
    """ResNet cases from a resnet50 inputs file.

    :raises ReferenceToolError: REF_INPUTS_INVALID.
    """
    doc = read_inputs_file(path, "resnet50")
    mean, std = doc.get("mean", list(IMAGENET_MEAN)), doc.get("std", list(IMAGENET_STD))
    for vec in (mean, std):
        if not isinstance(vec, list) or len(vec) != 3 or not all(isinstance(v, (int, float)) and v != 0 for v in vec):
            raise _bad(path, "mean and std must be lists of three non-zero numbers")
    seen: set[str] = set()
    cases = []
    for entry in doc["inputs"]:
        cid = _entry_id(path, entry, seen)
        if entry.get("generator") != "sha256-ctr-u8-imagenet" or not isinstance(entry.get("seed"), str):
            raise _bad(path, f"{cid}: expected generator 'sha256-ctr-u8-imagenet' with a string seed")
        image = seeded_image(entry["seed"], height, width, mean, std)
        meta = {
            "generator": {
                "kind": "sha256-ctr-u8-imagenet",
                "seed": entry["seed"],
                "height": height,
                "width": width,
                "mean": mean,
                "std": std,
            }
        }
        cases.append(Case(cid, "image", {"pixel_values": image}, meta))
    return cases


def default_inputs_path(family: str) -> str:
    """reference/inputs/<family>.json."""
    return os.path.join(INPUTS_DIR, f"{family}.json")
