"""Read an ONNX model's initializers by name, including ONNX external data.

The .onnx file and its external-data references are untrusted input: a location that
leaves the model's folder, an offset/length outside the data file, or a length that does
not match the tensor's shape is a coded error, never a crash or a read elsewhere on disk.
External tensors are read straight from the data file with numpy (the protobuf never holds
the weights), so a 500 MB model is read once, tensor by tensor.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

from .errors import ReferenceToolError

# ONNX TensorProto.DataType -> numpy dtype (little-endian), for the types we read.
_NP_DTYPES: dict[int, np.dtype] = {
    onnx.TensorProto.FLOAT: np.dtype("<f4"),
    onnx.TensorProto.DOUBLE: np.dtype("<f8"),
    onnx.TensorProto.FLOAT16: np.dtype("<f2"),
    onnx.TensorProto.INT64: np.dtype("<i8"),
    onnx.TensorProto.INT32: np.dtype("<i4"),
    onnx.TensorProto.INT8: np.dtype("i1"),
    onnx.TensorProto.UINT8: np.dtype("u1"),
    onnx.TensorProto.BOOL: np.dtype("?"),
}


@dataclass(frozen=True)
class GraphIO:
    """A graph input or output: name, ONNX element type name, dims (int or symbolic str)."""

    name: str
    dtype: str
    dims: tuple[int | str, ...]


def load_model_proto(path: str) -> onnx.ModelProto:
    """Parse an .onnx file without loading its external data.

    :raises ReferenceToolError: REF_MODEL_DIR_INVALID if the file is missing,
        REF_ONNX_MALFORMED if it is not a parseable ONNX model with a graph.
    """
    if not os.path.isfile(path):
        raise ReferenceToolError("REF_MODEL_DIR_INVALID", f"no ONNX file at {path}")
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as exc:  # protobuf raises DecodeError and friends
        raise ReferenceToolError("REF_ONNX_MALFORMED", f"{path}: cannot parse ONNX: {exc}") from exc
    if not model.HasField("graph") or len(model.graph.node) == 0:
        raise ReferenceToolError("REF_ONNX_MALFORMED", f"{path}: ONNX file has no graph nodes")
    return model


def graph_io(model: onnx.ModelProto) -> tuple[list[GraphIO], list[GraphIO]]:
    """The graph's real inputs (initializers excluded) and outputs."""
    init_names = {t.name for t in model.graph.initializer}

    def describe(v: onnx.ValueInfoProto) -> GraphIO:
        tt = v.type.tensor_type
        dims: list[int | str] = []
        for d in tt.shape.dim:
            if d.HasField("dim_value"):
                dims.append(int(d.dim_value))
            else:
                dims.append(d.dim_param or "?")
        return GraphIO(v.name, onnx.TensorProto.DataType.Name(tt.elem_type), tuple(dims))

    inputs = [describe(v) for v in model.graph.input if v.name not in init_names]
    outputs = [describe(v) for v in model.graph.output]
    return inputs, outputs


def _external_fields(tensor: onnx.TensorProto) -> dict[str, str]:
    return {entry.key: entry.value for entry in tensor.external_data}


def _safe_data_path(base_dir: str, location: str, tensor_name: str) -> str:
    # Attacker-controlled: the location must name a file inside the model's folder.
    if not location or os.path.isabs(location) or "\\" in location:
        raise ReferenceToolError(
            "REF_EXTERNAL_DATA_INVALID", f"{tensor_name}: external data location {location!r} is not a relative path"
        )
    parts = location.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ReferenceToolError(
            "REF_EXTERNAL_DATA_INVALID", f"{tensor_name}: external data location {location!r} leaves the model folder"
        )
    path = os.path.join(base_dir, *parts)
    if not os.path.isfile(path):
        raise ReferenceToolError(
            "REF_EXTERNAL_DATA_INVALID", f"{tensor_name}: external data file {location!r} not found"
        )
    return path


def _parse_int(fields: dict[str, str], key: str, default: int | None, tensor_name: str) -> int | None:
    if key not in fields:
        return default
    text = fields[key]
    if not text.isdigit():
        raise ReferenceToolError(
            "REF_EXTERNAL_DATA_INVALID", f"{tensor_name}: external data {key} {text!r} is not an integer"
        )
    return int(text)


def _read_external(tensor: onnx.TensorProto, base_dir: str, dtype: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
    fields = _external_fields(tensor)
    path = _safe_data_path(base_dir, fields.get("location", ""), tensor.name)
    offset = _parse_int(fields, "offset", 0, tensor.name) or 0
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    length = _parse_int(fields, "length", None, tensor.name)
    if length is None:
        length = expected
    if length != expected:
        raise ReferenceToolError(
            "REF_EXTERNAL_DATA_INVALID",
            f"{tensor.name}: external data length {length} != {expected} bytes for shape {list(shape)} {dtype}",
        )
    size = os.path.getsize(path)
    if offset + length > size:
        raise ReferenceToolError(
            "REF_EXTERNAL_DATA_INVALID",
            f"{tensor.name}: external data [{offset}, {offset + length}) "
            f"beyond the end of {fields['location']} ({size} bytes)",
        )
    with open(path, "rb") as fh:
        fh.seek(offset)
        raw = fh.read(length)
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def read_initializer(tensor: onnx.TensorProto, base_dir: str) -> np.ndarray:
    """One initializer as a numpy array (inline data or ONNX external data).

    :raises ReferenceToolError: REF_DTYPE_UNSUPPORTED, REF_EXTERNAL_DATA_INVALID, REF_ONNX_MALFORMED.
    """
    dtype = _NP_DTYPES.get(tensor.data_type)
    if dtype is None:
        known = tensor.data_type in onnx.TensorProto.DataType.values()
        kind = onnx.TensorProto.DataType.Name(tensor.data_type) if known else str(tensor.data_type)
        raise ReferenceToolError("REF_DTYPE_UNSUPPORTED", f"{tensor.name}: initializer type {kind} is not supported")
    shape = tuple(int(d) for d in tensor.dims)
    if any(d < 0 for d in shape):
        raise ReferenceToolError("REF_ONNX_MALFORMED", f"{tensor.name}: negative dimension in {list(shape)}")
    if tensor.data_location == onnx.TensorProto.EXTERNAL:
        return _read_external(tensor, base_dir, dtype, shape)
    try:
        return np.array(numpy_helper.to_array(tensor), dtype=dtype, copy=True)
    except Exception as exc:  # wrong byte count for the dims, etc.
        raise ReferenceToolError("REF_ONNX_MALFORMED", f"{tensor.name}: cannot decode inline data: {exc}") from exc


def load_initializers(model_path: str) -> dict[str, np.ndarray]:
    """All initializers of an ONNX file by name, external data resolved next to the file.

    :raises ReferenceToolError: REF_MODEL_DIR_INVALID, REF_ONNX_MALFORMED (incl. duplicate
        initializer names), REF_DTYPE_UNSUPPORTED, REF_EXTERNAL_DATA_INVALID.
    """
    model = load_model_proto(model_path)
    return initializers_of(model, os.path.dirname(os.path.abspath(model_path)))


def initializers_of(model: onnx.ModelProto, base_dir: str) -> dict[str, np.ndarray]:
    """Initializers of an already parsed model; see load_initializers."""
    out: dict[str, np.ndarray] = {}
    for tensor in model.graph.initializer:
        if tensor.name in out:
            raise ReferenceToolError("REF_ONNX_MALFORMED", f"initializer {tensor.name!r} appears twice")
        out[tensor.name] = read_initializer(tensor, base_dir)
    return out
