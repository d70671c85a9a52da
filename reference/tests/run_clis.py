#!/usr/bin/python3
"""Run several reference command lines in one Python process (saves torch start-up time).

    run_clis.py '[["export.py", "--random", ...], ["make_vectors.py", ...]]'

Each entry is a script of reference/ (or perturb_model.py of reference/tests) and its
arguments; its main() is called in order.
Stops at the first non-zero status and exits with it. Used by test/reference.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

_SCRIPTS = {
    "export.py": "export",
    "make_vectors.py": "make_vectors",
    "compare.py": "compare",
    "perturb_model.py": "perturb_model",
}


def main() -> int:
    runs = json.loads(sys.argv[1])
    for argv in runs:
        module = importlib.import_module(_SCRIPTS[argv[0]])
        code = module.main(argv[1:])
        if code != 0:
            print(f"run_clis: {argv[0]} exited {code}", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
