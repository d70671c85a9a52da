"""The tensor encoding of reference vector files.

A tensor is described as {name, dtype, dims, sha256, ...}: `sha256` is the SHA-256 of its
elements' little-endian bytes in row-major (C) order, nothing else hashed in; float data
travels as `data_b64` (standard padded base64 of those same bytes), small integer tensors
as a JSON list `data`. Logits also carry `top5` along the last axis, ranked by value,
ties broken by the lower index.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import numpy as np

from .errors import ReferenceToolError

DTYPES = {"float32": np.dtype("<f4"), "int64": np.dtype("<i8"), "int32": np.dtype("<i4")}


def le_bytes(arr: np.ndarray) -> bytes:
    """Row-major little-endian bytes of `arr` (its dtype must be one of DTYPES)."""
    name = dtype_name(arr)
    return np.ascontiguousarray(arr, dtype=DTYPES[name]).tobytes()


def dtype_name(arr: np.ndarray) -> str:
    """Our name for arr's dtype ("float32", "int64", "int32").

    :raises ReferenceToolError: REF_DTYPE_UNSUPPORTED for any other dtype.
    """
    for name, dt in DTYPES.items():
        if arr.dtype == dt or arr.dtype == dt.newbyteorder("="):
            return name
    raise ReferenceToolError("REF_DTYPE_UNSUPPORTED", f"tensor dtype {arr.dtype} is not float32/int64/int32")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def top_k(arr: np.ndarray, k: int = 5) -> dict[str, list[list[Any]]]:
    """Top-k indices and values along the last axis, one row per leading position."""
    rows = arr.reshape(-1, arr.shape[-1]).astype(np.float32)
    k = min(k, rows.shape[1])
    # Stable sort of the negated values ranks equal values by the lower index.
    order = np.argsort(-rows, axis=1, kind="stable")[:, :k]
    values = np.take_along_axis(rows, order, axis=1)
    return {"indices": order.astype(int).tolist(), "values": [[float(v) for v in r] for r in values]}


def describe_tensor(
    name: str, arr: np.ndarray, *, embed: bool, list_data: bool = False, top5: bool = False
) -> dict[str, Any]:
    """The JSON description of one tensor (see module doc)."""
    raw = le_bytes(arr)
    out: dict[str, Any] = {"name": name, "dtype": dtype_name(arr), "dims": [int(d) for d in arr.shape]}
    out["sha256"] = sha256_hex(raw)
    if arr.dtype.kind == "f" and arr.size:
        out["max_abs"] = float(np.max(np.abs(arr)))
    if embed:
        if list_data:
            out["data"] = arr.reshape(-1).tolist()
        else:
            out["data_b64"] = base64.b64encode(raw).decode("ascii")
    if top5:
        out["top5"] = top_k(arr, 5)
    return out


def decode_tensor(desc: Any, where: str) -> np.ndarray | None:
    """The array a description carries (None when it carries only a digest).

    Untrusted input: every field is checked and the bytes must hash to `sha256`.

    :raises ReferenceToolError: REF_VECTORS_INVALID.
    """

    def bad(msg: str) -> ReferenceToolError:
        return ReferenceToolError("REF_VECTORS_INVALID", f"{where}: {msg}")

    if not isinstance(desc, dict):
        raise bad("tensor is not an object")
    dtype = desc.get("dtype")
    dims = desc.get("dims")
    if dtype not in DTYPES:
        raise bad(f"dtype {dtype!r} not one of {sorted(DTYPES)}")
    if not isinstance(dims, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in dims):
        raise bad("dims must be a list of non-negative integers")
    count = int(np.prod(dims, dtype=np.int64)) if dims else 1
    if "data_b64" in desc:
        text = desc["data_b64"]
        if not isinstance(text, str):
            raise bad("data_b64 is not a string")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise bad(f"data_b64 is not valid base64: {exc}") from exc
        if len(raw) != count * DTYPES[dtype].itemsize:
            raise bad(f"data_b64 holds {len(raw)} bytes, dims {dims} {dtype} need {count * DTYPES[dtype].itemsize}")
        arr = np.frombuffer(raw, dtype=DTYPES[dtype]).reshape(dims)
    elif "data" in desc:
        data = desc["data"]
        if not isinstance(data, list) or len(data) != count:
            raise bad(f"data must be a flat list of {count} numbers")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data):
            raise bad("data holds a non-number")
        if dtype != "float32" and not all(isinstance(v, int) for v in data):
            raise bad(f"{dtype} data holds a non-integer")
        try:
            arr = np.array(data, dtype=DTYPES[dtype]).reshape(dims)
        except (OverflowError, ValueError) as exc:
            raise bad(f"data does not fit {dtype}: {exc}") from exc
    else:
        return None
    digest = desc.get("sha256")
    if digest is not None and digest != sha256_hex(le_bytes(arr)):
        raise bad("data does not match its sha256")
    return arr
