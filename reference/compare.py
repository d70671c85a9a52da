#!/usr/bin/python3
"""Compare a candidate's outputs (e.g. onnxruntime's) with PyTorch reference vectors.

    /usr/bin/python3 reference/compare.py --reference ref.json --candidate cand.json

Both files are zeq-np/reference-vectors/v1 documents (docs/reference.md). Prints, per
input and output tensor, max|a-r| / max|r| and argmax/top-5 agreement, then a verdict.
Exit status: 0 within tolerance, 1 outside it (or inputs/outputs missing), 2 a coded
error (malformed file, different models). Needs numpy only, not torch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reference", required=True, help="reference vectors (make_vectors.py)")
    p.add_argument("--candidate", required=True, help="candidate vectors in the same format")
    p.add_argument("--tolerance", type=float, default=1e-3, help="max|a-r|/max|r| allowed (default 1e-3 = 0.1%%)")
    p.add_argument("--allow-missing", action="store_true", help="skip inputs/outputs the candidate lacks")
    p.add_argument("--json", action="store_true", help="print the result as JSON instead of text")
    args = p.parse_args(argv)
    if not args.tolerance >= 0:
        print("error: --tolerance must be >= 0", file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from zeq_reference.comparison import compare, format_report, read_vectors
    from zeq_reference.errors import ReferenceToolError

    try:
        result = compare(read_vectors(args.reference), read_vectors(args.candidate), args.tolerance, args.allow_missing)
    except ReferenceToolError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), indent=1))
    else:
        print(format_report(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
