"""compare(): passes within tolerance, fails outside it, refuses malformed documents."""

from __future__ import annotations

import copy
import json
import os
import tempfile
import unittest

from helpers import REFERENCE_DIR  # noqa: F401

import numpy as np

from zeq_reference.comparison import compare, format_report, read_vectors
from zeq_reference.errors import ReferenceToolError
from zeq_reference.tensors import describe_tensor


def doc(logits: np.ndarray, ids=(1, 2, 3), sha: str = "ab" * 32) -> dict:  # type: ignore[no-untyped-def]
    x = np.array([list(ids)], dtype=np.int64)
    return {
        "format": "zeq-np/reference-vectors/v1",
        "model": {"family": "gpt2"},
        "model_sha256": sha,
        "inputs": [
            {"id": "a", "kind": "tokens", "tensors": [describe_tensor("input_ids", x, embed=True, list_data=True)]}
        ],
        "outputs": [{"input": "a", "tensors": [describe_tensor("logits", logits, embed=True, top5=True)]}],
    }


class CompareTest(unittest.TestCase):
    rng = np.random.default_rng(5)

    def logits(self) -> np.ndarray:
        return self.rng.standard_normal((1, 3, 40)).astype(np.float32)

    def test_identical_passes_exactly(self) -> None:
        r = self.logits()
        c = compare(doc(r), doc(r.copy()))
        self.assertTrue(c.passed)
        self.assertEqual(c.worst_delta, 0.0)
        self.assertTrue(c.results[0].exact)
        self.assertEqual((c.results[0].argmax_agree, c.results[0].top5_agree), (3, 3))
        self.assertIn("PASS", format_report(c))

    def test_perturbation_against_tolerance(self) -> None:
        # Property over seeded draws: a change of e * max|r| at one element gives delta e.
        for trial in range(20):
            r = self.logits()
            scale = float(np.abs(r).max())
            i = tuple(int(self.rng.integers(0, n)) for n in r.shape)
            for eps, ok in ((5e-4, True), (2e-3, False)):
                a = r.copy()
                a[i] += np.float32(eps * scale)
                c = compare(doc(r), doc(a), 1e-3)
                self.assertAlmostEqual(c.worst_delta, eps, delta=eps * 1e-3, msg=f"trial {trial}")
                if ok:
                    # Small enough not to break the tolerance; argmax may only move on a near tie.
                    self.assertTrue(all("delta" not in f for f in c.results[0].failures), c.results[0].failures)
                else:
                    self.assertFalse(c.passed, f"trial {trial}")

    def test_argmax_change_fails_unless_near_tie(self) -> None:
        r = np.zeros((1, 1, 10), np.float32)
        r[0, 0, 3], r[0, 0, 7] = 1.0, 0.9999999
        a = r.copy()
        a[0, 0, 7] = 1.0000001  # a near tie flips: not a failure
        c = compare(doc(r), doc(a))
        self.assertTrue(c.passed, format_report(c))
        self.assertEqual(c.results[0].argmax_near_tie, 1)
        r2 = r.copy()
        r2[0, 0, 7] = 0.5
        a2 = r2.copy()
        a2[0, 0, 3], a2[0, 0, 7] = 0.74, 0.76  # winner changes; every element within 0.3 * max
        c2 = compare(doc(r2), doc(a2), tolerance=0.3)
        self.assertFalse(c2.passed)
        self.assertTrue(all("delta" not in f for f in c2.results[0].failures))

    def test_nan_in_candidate_fails(self) -> None:
        r = self.logits()
        a = r.copy()
        a[0, 0, 0] = np.nan
        self.assertFalse(compare(doc(r), doc(a)).passed)

    def test_different_input_is_a_problem(self) -> None:
        r = self.logits()
        c = compare(doc(r), doc(r, ids=(1, 2, 4)))
        self.assertFalse(c.passed)
        self.assertTrue(any("not the same input" in p for p in c.problems))

    def test_missing_input_and_output(self) -> None:
        r = self.logits()
        cand = doc(r)
        cand["inputs"], cand["outputs"] = [], []
        self.assertFalse(compare(doc(r), cand).passed)
        self.assertTrue(compare(doc(r), cand, allow_missing=True).passed)

    def test_different_model_is_refused(self) -> None:
        r = self.logits()
        with self.assertRaises(ReferenceToolError) as ctx:
            compare(doc(r), doc(r, sha="cd" * 32))
        self.assertEqual(ctx.exception.code, "REF_COMPARE_MISMATCH")

    def test_digest_only_tensors_compare_top5(self) -> None:
        r = self.logits()
        rd, cd = doc(r), doc(r + np.float32(0.5))
        for d in (rd, cd):
            del d["outputs"][0]["tensors"][0]["data_b64"]
        c = compare(rd, cd)
        self.assertFalse(c.passed)  # top-5 values moved by 0.5
        self.assertEqual(c.results[0].top5_agree, 3)

    def test_malformed_documents(self) -> None:
        r = self.logits()
        good = doc(r)
        cases = []
        bad = copy.deepcopy(good)
        bad["outputs"][0]["tensors"][0]["data_b64"] = "not base64!"
        cases.append(bad)
        bad = copy.deepcopy(good)
        bad["outputs"][0]["tensors"][0]["data_b64"] = good["outputs"][0]["tensors"][0]["data_b64"][:-8]
        cases.append(bad)
        bad = copy.deepcopy(good)
        bad["outputs"][0]["tensors"][0]["sha256"] = "00" * 32
        cases.append(bad)
        bad = copy.deepcopy(good)
        bad["outputs"][0]["tensors"][0]["dtype"] = "float128"
        cases.append(bad)
        bad = copy.deepcopy(good)
        bad["outputs"].append(copy.deepcopy(bad["outputs"][0]))
        cases.append(bad)
        for i, b in enumerate(cases):
            with self.subTest(i), self.assertRaises(ReferenceToolError) as ctx:
                compare(good, b)
            self.assertEqual(ctx.exception.code, "REF_VECTORS_INVALID")

    def test_strict_json_reading(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for i, text in enumerate(
                ['{"format": "zeq-np/reference-vectors/v1", "format": "x", "inputs": [], "outputs": []}',
                 '{"format": "zeq-np/reference-vectors/v1", "inputs": [NaN], "outputs": []}',
                 '{"format": "other", "inputs": [], "outputs": []}',
                 '{"format": "zeq-np/reference-vectors/v1", "inputs": [], "outputs": ',
                 ]
            ):
                p = os.path.join(tmp, f"{i}.json")
                with open(p, "w", encoding="utf-8") as fh:
                    fh.write(text)
                with self.subTest(i), self.assertRaises(ReferenceToolError) as ctx:
                    read_vectors(p)
                self.assertEqual(ctx.exception.code, "REF_VECTORS_INVALID")
            p = os.path.join(tmp, "ok.json")
            with open(p, "w", encoding="utf-8") as fh:
                json.dump(doc(self.logits()), fh)
            self.assertEqual(read_vectors(p)["format"], "zeq-np/reference-vectors/v1")


if __name__ == "__main__":
    unittest.main()
