"""Shared helpers of the reference's unit tests (stdlib unittest, run by test/reference)."""

from __future__ import annotations

import os
import sys

REFERENCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(REFERENCE_DIR)
if REFERENCE_DIR not in sys.path:
    sys.path.insert(0, REFERENCE_DIR)

from zeq_reference.runtime import configure_threads  # noqa: E402

configure_threads(1)
