#!/usr/bin/python3
"""Export a PyTorch checkpoint of one of the three architectures to the repository layout.

    /usr/bin/python3 reference/export.py --checkpoint pytorch_model.bin --out models/gpt2/2
    /usr/bin/python3 reference/export.py --random --family bert-base-uncased --size tiny --out DIR

--checkpoint takes a state_dict (.pt/.pth/.bin via torch.load(weights_only=True), or
.safetensors) in torchvision ResNet / Hugging Face BertForMaskedLM (or BertForPreTraining)
/ GPT2LMHeadModel (or GPT2Model) naming; the configuration is read from the shapes.
--random makes a seeded, randomly initialised model instead (development and tests).
Writes model.onnx (+ decoder_with_past.onnx for gpt2), model.onnx.data and model.json.
Exit status: 0 written, 2 a coded error (printed as error[CODE]: message).
"""

from __future__ import annotations

import argparse
import os
import sys

_FAMILIES = ["resnet50", "bert-base-uncased", "gpt2"]


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="state_dict file (.pt, .pth, .bin, .safetensors)")
    src.add_argument("--random", action="store_true", help="seeded random weights instead of a checkpoint")
    p.add_argument("--out", required=True, help="model version folder to write, e.g. models/gpt2/2")
    p.add_argument("--family", choices=_FAMILIES, help="architecture (default: detected from names)")
    p.add_argument("--size", choices=["base", "tiny"], default="base", help="with --random: configuration")
    p.add_argument("--seed", type=int, default=0, help="with --random: torch seed")
    p.add_argument("--num-heads", type=int, help="attention heads (default hidden/64, right for the public models)")
    p.add_argument("--name", help="model name in model.json (default: the folder above --out)")
    p.add_argument("--threads", type=int, default=1)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from zeq_reference.runtime import configure_threads

    configure_threads(max(1, args.threads))
    from zeq_reference.errors import ReferenceToolError
    from zeq_reference.export_model import export_checkpoint, export_random

    out = os.path.abspath(args.out)
    name = args.name or os.path.basename(os.path.dirname(out))
    version = os.path.basename(out)
    try:
        if args.random:
            if not args.family:
                print("error: --random needs --family", file=sys.stderr)
                return 2
            doc = export_random(args.family, args.size, args.seed, out, name, version)
        else:
            doc = export_checkpoint(args.checkpoint, out, name, version, args.family, args.num_heads)
    except ReferenceToolError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for note in doc.pop("_notes", []):
        print(f"note: {note}", file=sys.stderr)
    print(f"{doc['architecture']['name']}: {doc['parameters']} parameters -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
