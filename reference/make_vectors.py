#!/usr/bin/python3
"""Write reference vectors: PyTorch's logits for a model folder's weights on fixed inputs.

    /usr/bin/python3 reference/make_vectors.py --model-dir models/gpt2/1 --out ref.json

Loads the folder's ONNX initializers by name into the PyTorch rebuild of its architecture
(strict: every parameter found, every weight used), runs reference/inputs/<family>.json in
eval mode without gradients in float32, and writes a zeq-np/reference-vectors/v1 file.
Exit status: 0 written, 2 a coded error (printed as error[CODE]: message).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model-dir", required=True, help="folder with model.onnx (+ external data, model.json)")
    p.add_argument("--out", required=True, help="reference vectors file to write (JSON)")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads for torch/OpenBLAS (default 1)")
    p.add_argument("--inputs", help="inputs file (default reference/inputs/<family>.json)")
    p.add_argument("--family", choices=["resnet50", "bert-base-uncased", "gpt2"], help="override detection")
    p.add_argument("--num-heads", type=int, help="attention heads (default: model.json, else hidden/64)")
    p.add_argument("--full-logits", type=int, help="embed full logits for only the first N inputs")
    p.add_argument("--embed-images", action="store_true", help="embed image input tensors, not only digests")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    # Thread pools read the environment when numpy/torch load: configure first.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from zeq_reference.runtime import configure_threads

    if args.threads < 1:
        print("error: --threads must be >= 1", file=sys.stderr)
        return 2
    configure_threads(args.threads)

    from zeq_reference.errors import ReferenceToolError
    from zeq_reference.runtime import apply_torch_threads, environment
    from zeq_reference.vectors import fixed_cases, load_model, make_document

    apply_torch_threads(args.threads)
    try:
        started = time.monotonic()
        lm = load_model(args.model_dir, args.num_heads, args.family)
        cases = fixed_cases(lm, args.inputs)
        doc = make_document(
            lm, cases, environment(args.threads), full_logits_cases=args.full_logits, embed_image=args.embed_images
        )
    except ReferenceToolError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    env = doc["environment"]
    if not env["openblas_pthread"]:
        print(f"warning: OpenBLAS pthread variant not in use (mapped: {env['blas']})", file=sys.stderr)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1, sort_keys=False, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, args.out)
    print(
        f"{doc['model']['family']} {doc['model']['name']}@{doc['model']['version']}: "
        f"{len(cases)} inputs, {doc['model']['parameter_count']} parameters, "
        f"model_sha256 {doc['model_sha256'][:16]}..., {time.monotonic() - started:.1f}s -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
