"""Compare a candidate's outputs with the reference's (both zeq-np/reference-vectors/v1).

The error measure is the project's: for one output tensor of one input,
    delta = max_i |a_i - r_i| / max_i |r_i|
with a the candidate and r the reference. A comparison passes when every shared tensor's
delta is within the tolerance (0.1 % by default) and every row whose argmax differs is a
near tie (the reference's value at the candidate's argmax is within tolerance * max|r| of
the reference's maximum). Top-5 agreement is reported, never failed on: with random
weights the top logits are often within float noise of each other.

Only needs numpy and the standard library: a verifier without torch can run it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ReferenceToolError
from .tensors import decode_tensor

FORMAT = "zeq-np/reference-vectors/v1"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_vectors(path: str) -> dict[str, Any]:
    """Parse a vectors file strictly (no duplicate keys, no NaN/Infinity).

    :raises ReferenceToolError: REF_VECTORS_INVALID.
    """
    try:
        with open(path, "r", encoding="utf-8") as fh:
            doc = json.load(fh, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except (OSError, ValueError) as exc:
        raise ReferenceToolError("REF_VECTORS_INVALID", f"{path}: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ReferenceToolError("REF_VECTORS_INVALID", f"{path}: not a {FORMAT} document")
    for key in ("inputs", "outputs"):
        if not isinstance(doc.get(key), list):
            raise ReferenceToolError("REF_VECTORS_INVALID", f"{path}: '{key}' must be a list")
    return doc


def _by_id(items: list[Any], key: str, where: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            raise ReferenceToolError("REF_VECTORS_INVALID", f"{where}: every entry needs a string '{key}'")
        if item[key] in out:
            raise ReferenceToolError("REF_VECTORS_INVALID", f"{where}: '{item[key]}' appears twice")
        out[item[key]] = item
    return out


def _tensors(entry: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    tensors = entry.get("tensors")
    if not isinstance(tensors, list):
        raise ReferenceToolError("REF_VECTORS_INVALID", f"{where}: 'tensors' must be a list")
    return _by_id(tensors, "name", where)


@dataclass
class TensorResult:
    input: str
    name: str
    dims: list[int]
    delta: float | None = None  # max|a-r| / max|r|
    max_abs_diff: float | None = None
    max_abs_ref: float | None = None
    rows: int = 0
    argmax_agree: int = 0
    argmax_near_tie: int = 0
    top5_agree: int = 0
    exact: bool | None = None
    failures: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    tolerance: float
    results: list[TensorResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # missing inputs/outputs, input mismatch

    @property
    def worst_delta(self) -> float:
        return max((r.delta for r in self.results if r.delta is not None), default=0.0)

    @property
    def passed(self) -> bool:
        return not self.problems and all(not r.failures for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "tolerance": self.tolerance,
            "worst_delta": self.worst_delta,
            "problems": self.problems,
            "tensors": [vars(r) for r in self.results],
        }


def _rows(arr: np.ndarray) -> np.ndarray:
    return arr.reshape(-1, arr.shape[-1]) if arr.ndim else arr.reshape(1, 1)


def _compare_arrays(res: TensorResult, r: np.ndarray, a: np.ndarray, tol: float, logits: bool) -> None:
    r64, a64 = r.astype(np.float64), a.astype(np.float64)
    if not np.all(np.isfinite(a64)):
        res.failures.append("candidate holds NaN or infinity")
        return
    res.max_abs_ref = float(np.max(np.abs(r64))) if r64.size else 0.0
    res.max_abs_diff = float(np.max(np.abs(a64 - r64))) if r64.size else 0.0
    if res.max_abs_ref > 0:
        res.delta = res.max_abs_diff / res.max_abs_ref
    else:
        res.delta = 0.0 if res.max_abs_diff == 0 else float("inf")
    res.exact = bool(np.array_equal(r, a))
    if res.delta > tol:
        res.failures.append(f"delta {res.delta:.3e} above tolerance {tol:.1e}")
    if not logits or r.size == 0:
        return
    rr, ar = _rows(r64), _rows(a64)
    res.rows = rr.shape[0]
    ref_arg, cand_arg = rr.argmax(axis=1), ar.argmax(axis=1)
    slack = tol * res.max_abs_ref
    for i in range(res.rows):
        if ref_arg[i] == cand_arg[i]:
            res.argmax_agree += 1
        elif rr[i, cand_arg[i]] >= rr[i, ref_arg[i]] - slack:
            res.argmax_near_tie += 1
        else:
            res.failures.append(f"row {i}: argmax {cand_arg[i]} vs reference {ref_arg[i]} (not a near tie)")
    k = min(5, rr.shape[1])
    for i in range(res.rows):
        top_r = set(np.argsort(-rr[i], kind="stable")[:k].tolist())
        top_a = set(np.argsort(-ar[i], kind="stable")[:k].tolist())
        res.top5_agree += int(top_r == top_a)


def _compare_summaries(res: TensorResult, rt: dict[str, Any], ct: dict[str, Any], tol: float) -> None:
    # Neither side carries data for this tensor: digests and top-5 are all there is.
    res.exact = rt.get("sha256") == ct.get("sha256") if rt.get("sha256") and ct.get("sha256") else None
    rtop, ctop = rt.get("top5"), ct.get("top5")
    if isinstance(rtop, dict) and isinstance(ctop, dict):
        ri, ci = rtop.get("indices"), ctop.get("indices")
        rv, cv = rtop.get("values"), ctop.get("values")
        if isinstance(ri, list) and isinstance(ci, list) and len(ri) == len(ci):
            res.rows = len(ri)
            pairs = [(x, y) for x, y in zip(ri, ci) if isinstance(x, list) and isinstance(y, list)]
            res.top5_agree = sum(1 for x, y in pairs if set(x) == set(y))
            res.argmax_agree = sum(1 for x, y in zip(ri, ci) if x and y and x[0] == y[0])
        if isinstance(rv, list) and isinstance(cv, list) and isinstance(rt.get("max_abs"), (int, float)):
            try:
                diffs = np.abs(np.array(rv, dtype=np.float64) - np.array(cv, dtype=np.float64))
                res.max_abs_ref = float(rt["max_abs"])
                res.max_abs_diff = float(diffs.max()) if diffs.size else 0.0
                res.delta = res.max_abs_diff / res.max_abs_ref if res.max_abs_ref > 0 else 0.0
            except ValueError:
                res.failures.append("top5 values are not comparable arrays")
    if res.delta is not None and res.delta > tol:
        res.failures.append(f"top-5 value delta {res.delta:.3e} above tolerance {tol:.1e}")


def compare(
    reference: dict[str, Any], candidate: dict[str, Any], tolerance: float = 1e-3, allow_missing: bool = False
) -> Comparison:
    """Compare every reference output with the candidate's of the same input and name.

    :raises ReferenceToolError: REF_VECTORS_INVALID for malformed documents,
        REF_COMPARE_MISMATCH when they are about different models or families.
    """
    out = Comparison(tolerance)
    rs, cs = reference.get("model_sha256"), candidate.get("model_sha256")
    if rs and cs and rs != cs:
        raise ReferenceToolError("REF_COMPARE_MISMATCH", f"model_sha256 differs: reference {rs}, candidate {cs}")
    rf = (reference.get("model") or {}).get("family") if isinstance(reference.get("model"), dict) else None
    cf = (candidate.get("model") or {}).get("family") if isinstance(candidate.get("model"), dict) else None
    if rf and cf and rf != cf:
        raise ReferenceToolError("REF_COMPARE_MISMATCH", f"family differs: reference {rf}, candidate {cf}")
    r_in = _by_id(reference["inputs"], "id", "reference inputs")
    c_in = _by_id(candidate["inputs"], "id", "candidate inputs")
    r_out = _by_id(reference["outputs"], "input", "reference outputs")
    c_out = _by_id(candidate["outputs"], "input", "candidate outputs")
    for iid, r_entry in r_in.items():
        if iid not in c_in or iid not in c_out:
            if not allow_missing:
                out.problems.append(f"input {iid}: missing from the candidate")
            continue
        rt_in, ct_in = _tensors(r_entry, f"reference {iid}"), _tensors(c_in[iid], f"candidate {iid}")
        for name, rt in rt_in.items():
            ct = ct_in.get(name)
            if ct is None or rt.get("sha256") != ct.get("sha256") or rt.get("dims") != ct.get("dims"):
                out.problems.append(f"input {iid}: tensor {name} differs from the reference's (not the same input)")
        if iid not in r_out:
            raise ReferenceToolError("REF_VECTORS_INVALID", f"reference has no outputs for input {iid}")
        rts, cts = _tensors(r_out[iid], f"reference outputs {iid}"), _tensors(c_out[iid], f"candidate outputs {iid}")
        for name, rt in rts.items():
            ct = cts.get(name)
            if ct is None:
                if not allow_missing:
                    out.problems.append(f"input {iid}: output {name} missing from the candidate")
                continue
            res = TensorResult(iid, name, list(rt.get("dims") or []))
            if rt.get("dims") != ct.get("dims"):
                res.failures.append(f"dims {ct.get('dims')} vs reference {rt.get('dims')}")
                out.results.append(res)
                continue
            r_arr = decode_tensor(rt, f"reference {iid}/{name}")
            c_arr = decode_tensor(ct, f"candidate {iid}/{name}")
            if r_arr is not None and c_arr is not None:
                _compare_arrays(res, r_arr, c_arr, tolerance, name == "logits")
            else:
                _compare_summaries(res, rt, ct, tolerance)
            out.results.append(res)
    return out


def format_report(cmp: Comparison) -> str:
    """Human-readable lines, one per tensor, then the verdict."""
    lines = []
    for r in cmp.results:
        delta = "n/a" if r.delta is None else f"{r.delta:.3e}"
        extra = ""
        if r.rows:
            ties = f" (+{r.argmax_near_tie} near ties)" if r.argmax_near_tie else ""
            extra = f"  argmax {r.argmax_agree}/{r.rows}{ties}"
            extra += f"  top5 {r.top5_agree}/{r.rows}"
        mark = "FAIL" if r.failures else "ok  "
        lines.append(f"{mark} {r.input} {r.name} {r.dims}: max|a-r|/max|r| = {delta}{extra}")
        lines.extend(f"     - {f}" for f in r.failures)
    lines.extend(f"FAIL {p}" for p in cmp.problems)
    verdict = "PASS" if cmp.passed else "FAIL"
    lines.append(
        f"{verdict}: worst max|a-r|/max|r| = {cmp.worst_delta:.3e} "
        f"(tolerance {cmp.tolerance:.1e}), {len(cmp.results)} tensors"
    )
    return "\n".join(lines)
