"""Coded errors of the reference tools.

Every failure a user can cause (a bad model directory, a malformed ONNX file, names
that do not match the architecture, a malformed reference file) raises ReferenceToolError
with a stable UPPER_SNAKE code prefixed REF_; the command-line tools print
"error[CODE]: message" and exit with status 2 (status 1 is reserved for a comparison that
ran and failed its tolerance).
"""

from __future__ import annotations

# Stable codes; documented in docs/reference.md.
CODES = frozenset(
    {
        "REF_MODEL_DIR_INVALID",  # model directory missing or without model.onnx
        "REF_MODEL_JSON_INVALID",  # model.json unreadable or of the wrong shape
        "REF_MODEL_HASH_MISMATCH",  # a file's SHA-256 differs from model.json
        "REF_ONNX_MALFORMED",  # the .onnx file cannot be parsed
        "REF_EXTERNAL_DATA_INVALID",  # external-data reference outside the folder / out of range
        "REF_DTYPE_UNSUPPORTED",  # an initializer type we do not read
        "REF_ARCHITECTURE_UNKNOWN",  # cannot tell which of the three architectures this is
        "REF_CONFIG_INVALID",  # shapes inconsistent with the architecture
        "REF_WEIGHTS_MISSING",  # a parameter of the torch model has no initializer
        "REF_WEIGHTS_UNEXPECTED",  # an initializer no parameter uses
        "REF_WEIGHTS_SHAPE_MISMATCH",  # same name, different shape
        "REF_INPUTS_INVALID",  # the fixed-inputs file is malformed
        "REF_CHECKPOINT_INVALID",  # a user checkpoint that cannot be read
        "REF_VECTORS_INVALID",  # a reference/candidate vectors file is malformed
        "REF_COMPARE_MISMATCH",  # reference and candidate are not about the same thing
    }
)


class ReferenceToolError(Exception):
    """An error with a stable `code` (see CODES) and a message a person can act on."""

    def __init__(self, code: str, message: str):
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"error[{self.code}]: {super().__str__()}"
