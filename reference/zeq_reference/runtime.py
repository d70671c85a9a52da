"""Numeric environment: thread counts and the BLAS library actually mapped.

`configure_threads` must run before numpy or torch is first imported: OpenBLAS and
OpenMP read their thread counts from the environment when they load.
"""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def configure_threads(threads: int) -> None:
    """Pin every thread pool (OpenMP, OpenBLAS) to `threads` before the libraries load."""
    if threads < 1:
        raise ValueError("threads must be >= 1")
    for var in _THREAD_VARS:
        os.environ[var] = str(threads)
    if "torch" in sys.modules:
        _torch_threads(threads)


def _torch_threads(threads: int) -> None:
    import torch

    # Intra-op threads only: eager inference does no inter-op work, and torch aborts the
    # process (not an exception) if the inter-op pool is resized after it started.
    torch.set_num_threads(threads)


def apply_torch_threads(threads: int) -> None:
    """torch.set_num_threads after import (intra-op threads)."""
    _torch_threads(threads)


def mapped_blas() -> list[str]:
    """Real paths of the BLAS/LAPACK libraries this process has mapped (Linux)."""
    found: set[str] = set()
    try:
        with open("/proc/self/maps", "r", encoding="utf-8") as fh:
            for line in fh:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if "blas" in path or "lapack" in path:
                    found.add(os.path.realpath(path))
    except OSError:
        return []
    return sorted(found)


def environment(threads: int) -> dict[str, Any]:
    """The numeric environment to record next to reference vectors."""
    import numpy as np
    import torch

    blas = mapped_blas()
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": threads,
        "torch_threads": torch.get_num_threads(),
        "blas": blas,
        "openblas_pthread": any("openblas-pthread" in p for p in blas),
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "dtype": "float32",
        "mode": "eval, no_grad",
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", "r", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
