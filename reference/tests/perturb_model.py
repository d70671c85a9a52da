#!/usr/bin/python3
"""Copy a model folder with every weight perturbed, for a sharper conformance test.

    perturb_model.py SRC_DIR DST_DIR [--seed N]

Seeded builders initialise as the originals do: zero biases, unit LayerNorm and identity
BatchNorm statistics, under which a graph that drops a bias or swaps a LayerNorm's scale
and shift still computes the right numbers. This rewrites every weight (in the external
data file, in place at its offset, so graphs sharing the file stay consistent) to
distinct values near the originals, then updates model.json's hashes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    import numpy as np

    from zeq_reference.model_dir import hash_file
    from zeq_reference.models import NAMESPACES, detect_family
    from zeq_reference.onnx_weights import load_model_proto, read_initializer

    shutil.copytree(args.src, args.dst)
    model = load_model_proto(os.path.join(args.dst, "model.onnx"))
    names = [t.name for t in model.graph.initializer]
    ns = NAMESPACES[detect_family(names)]
    rng = np.random.default_rng(args.seed)
    for t in model.graph.initializer:
        if not ns.search(t.name) or t.data_location != 1:  # 1 = TensorProto.EXTERNAL
            continue
        arr = read_initializer(t, args.dst)
        if arr.dtype != np.float32:
            continue
        spread = float(arr.std()) * 0.1 or 0.02
        new = arr + rng.normal(0.0, spread, arr.shape).astype(np.float32)
        if t.name.endswith("running_var"):
            new = np.abs(new) + np.float32(0.5)
        fields = {e.key: e.value for e in t.external_data}
        with open(os.path.join(args.dst, fields["location"]), "r+b") as fh:
            fh.seek(int(fields.get("offset", "0")))
            fh.write(new.astype("<f4").tobytes())
    meta_path = os.path.join(args.dst, "model.json")
    if os.path.isfile(meta_path):
        with open(meta_path, "r", encoding="utf-8") as fh:
            meta = json.load(fh)
        for f in meta["files"]:
            f["sha256"], f["bytes"] = hash_file(os.path.join(args.dst, f["path"]))
        with open(meta_path, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
