#!/usr/bin/python3
"""PyTorch eager timing for the benchmark, on the very weights zeq-np serves.

    /usr/bin/python3 bench/torch/torch_bench.py --threads 1 --model resnet50=models/resnet50/1 ...

Loads each model folder through the reference package (reference/zeq_reference: the
torchvision / Hugging Face layouts, weights read from the ONNX initializers by name), then
answers one JSON request per line on stdin with one JSON reply per line on stdout:

    {"op": "set", "key": k, "tensors": [{"name", "dtype", "shape", "b64"}]}  -> {"ok": true}
    {"op": "run", "model": m, "key": k}                    -> {"ok": true, "ms": t}
    {"op": "generate", "model": m, "key": k, "steps": n}   -> {"ok": true, "prompt_ms": t, "step_ms": [..]}
    {"op": "quit"}

Times are measured here, around the forward call alone (time.perf_counter_ns), so the pipe
costs nothing. Thread pools are pinned before torch loads (OpenMP and OpenBLAS read their
sizes from the environment at load time), which is why one process serves one thread count.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.normpath(os.path.join(HERE, "..", "..", "reference"))

DTYPES = {"float32": "float32", "int64": "int64"}


def reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--model", action="append", default=[], help="name=folder (repeatable)")
    args = p.parse_args()

    sys.path.insert(0, REFERENCE)
    from zeq_reference.runtime import configure_threads, environment

    configure_threads(args.threads)  # before numpy and torch load
    if args.threads > 1:
        # Tuned for a shared machine, as a careful user would: torch's own pool does the
        # parallel work (OpenBLAS single-threaded, no nested oversubscription), and idle
        # OpenMP threads sleep instead of spinning. With the defaults (both pools at N,
        # active waiting) the same runs were 2-5x slower whenever other work was running.
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    import numpy as np
    import torch
    from zeq_reference.vectors import load_model

    torch.set_num_threads(args.threads)
    models: dict[str, Any] = {}
    families: dict[str, str] = {}
    for spec in args.model:
        name, _, folder = spec.partition("=")
        lm = load_model(folder)
        models[name] = lm.module
        families[name] = lm.arch.family
    tensors: dict[str, dict[str, Any]] = {}
    env = environment(args.threads)
    env["thread_env"] = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY")}
    reply({"event": "ready", "torch": str(torch.__version__), "environment": env})

    def forward(name: str, feeds: dict[str, Any], past: Any = None) -> Any:
        m = models[name]
        family = families[name]
        if family == "resnet50":
            return m(feeds["pixel_values"]), None
        if family == "bert-base-uncased":
            return m(feeds["input_ids"], feeds["attention_mask"], feeds["token_type_ids"]), None
        return m.forward_with_past(feeds["input_ids"], feeds["attention_mask"], feeds["position_ids"], past)

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "quit":
                reply({"ok": True})
                return 0
            if op == "set":
                named = {}
                for t in req["tensors"]:
                    arr = np.frombuffer(base64.b64decode(t["b64"]), dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
                    named[t["name"]] = torch.from_numpy(arr.copy())
                tensors[req["key"]] = named
                reply({"ok": True})
            elif op == "run":
                feeds = tensors[req["key"]]
                with torch.inference_mode():
                    start = time.perf_counter_ns()
                    forward(req["model"], feeds)
                    ms = (time.perf_counter_ns() - start) / 1e6
                reply({"ok": True, "ms": ms})
            elif op == "generate":
                reply(generate(forward, req["model"], tensors[req["key"]], int(req["steps"]), torch))
            else:
                reply({"ok": False, "error": f"unknown op {op!r}"})
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the caller
            reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0


def generate(forward: Any, name: str, feeds: dict[str, Any], steps: int, torch: Any) -> dict[str, Any]:
    """Greedy continuation with the key/value cache, as the executor does: prompt, then one token per step."""
    ids = feeds["input_ids"]
    n = ids.shape[1]
    step_ms: list[float] = []
    with torch.inference_mode():
        start = time.perf_counter_ns()
        logits, past = forward(name, feeds)
        prompt_ms = (time.perf_counter_ns() - start) / 1e6
        total = n
        for _ in range(steps):
            # Token choice and feed building happen outside the timed forward, as in the other paths.
            nxt = torch.argmax(logits[0, -1]).reshape(1, 1)
            step = {
                "input_ids": nxt,
                "position_ids": torch.tensor([[total]], dtype=torch.long),
                "attention_mask": torch.ones((1, total + 1), dtype=torch.long),
            }
            start = time.perf_counter_ns()
            logits, past = forward(name, step, past)
            step_ms.append((time.perf_counter_ns() - start) / 1e6)
            total += 1
    return {"ok": True, "prompt_ms": prompt_ms, "step_ms": step_ms}


if __name__ == "__main__":
    sys.exit(main())
