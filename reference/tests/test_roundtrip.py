"""Export with torch.onnx.export, load back by name: same weights, same logits, strictness."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest

from helpers import REFERENCE_DIR  # noqa: F401

import numpy as np
import onnx
from onnx import numpy_helper

from zeq_reference.errors import ReferenceToolError
from zeq_reference.export_model import export_random
from zeq_reference.inputs import default_inputs_path
from zeq_reference.onnx_weights import load_initializers
from zeq_reference.vectors import fixed_cases, load_model, run_case

FAMILIES = ("resnet50", "bert-base-uncased", "gpt2")


def read_json(path: str):  # type: ignore[no-untyped-def]
    with open(path, "r", encoding="utf-8") as fh:
        return json.load(fh)


def write_json(path: str, doc: object) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)


class RoundTripTest(unittest.TestCase):
    tmp: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.mkdtemp(prefix="zeq-ref-")
        for fam in FAMILIES:
            export_random(fam, "tiny", 7, os.path.join(cls.tmp, fam, "1"), fam + "-tiny", "1")

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy(self, fam: str) -> str:
        dst = tempfile.mkdtemp(dir=self.tmp)
        shutil.copytree(os.path.join(self.tmp, fam, "1"), os.path.join(dst, "1"))
        return os.path.join(dst, "1")

    def test_loader_reads_back_every_exported_weight_by_name(self) -> None:
        for fam in FAMILIES:
            with self.subTest(fam):
                d = os.path.join(self.tmp, fam, "1")
                lm = load_model(d)
                self.assertEqual(lm.arch.family, fam)
                inits = load_initializers(os.path.join(d, "model.onnx"))
                sd = lm.module.state_dict()
                self.assertEqual(set(inits), set(lm.report.loaded))
                for name, arr in inits.items():
                    self.assertTrue(np.array_equal(sd[name].numpy(), arr), name)
                meta = read_json(os.path.join(d, "model.json"))
                self.assertEqual([f["path"] for f in meta["files"]][-1], "model.onnx.data")
                self.assertEqual(lm.report.parameter_count, meta["parameters"])

    def test_same_logits_after_round_trip(self) -> None:
        # Two loads of one folder run the fixed inputs to bit-identical logits.
        for fam in FAMILIES:
            with self.subTest(fam):
                d = os.path.join(self.tmp, fam, "1")
                a, b = load_model(d), load_model(d)
                for case in fixed_cases(a, default_inputs_path(fam)):
                    ra, rb = run_case(a, case), run_case(b, case)
                    for k in ra:
                        self.assertTrue(np.array_equal(ra[k], rb[k]), f"{case.id} {k}")
                        self.assertTrue(np.all(np.isfinite(ra[k])))

    def test_bn_not_folded_and_no_weight_renamed(self) -> None:
        m = onnx.load(os.path.join(self.tmp, "resnet50", "1", "model.onnx"), load_external_data=False)
        self.assertIn("BatchNormalization", {n.op_type for n in m.graph.node})
        self.assertNotIn("Identity", {n.op_type for n in m.graph.node})
        self.assertTrue(all(not t.name.startswith("onnx::") for t in m.graph.initializer))

    def _rewrite(self, d: str, edit) -> None:  # type: ignore[no-untyped-def]
        path = os.path.join(d, "model.onnx")
        m = onnx.load(path, load_external_data=False)
        edit(m)
        onnx.save_model(m, path)
        os.remove(os.path.join(d, "model.json"))  # hashes no longer match; test the loader alone

    def assertCode(self, code: str, fn) -> None:  # type: ignore[no-untyped-def]
        with self.assertRaises(ReferenceToolError) as ctx:
            fn()
        self.assertEqual(ctx.exception.code, code)

    def test_missing_initializer_is_named(self) -> None:
        d = self.copy("bert-base-uncased")
        self._rewrite(d, lambda m: m.graph.initializer.remove(
            next(t for t in m.graph.initializer if t.name == "bert.encoder.layer.1.output.LayerNorm.bias")))
        with self.assertRaises(ReferenceToolError) as ctx:
            load_model(d)
        self.assertEqual(ctx.exception.code, "REF_WEIGHTS_MISSING")
        self.assertIn("bert.encoder.layer.1.output.LayerNorm.bias", str(ctx.exception))

    def test_unused_weight_initializer_is_refused(self) -> None:
        d = self.copy("gpt2")
        extra = numpy_helper.from_array(np.zeros((2, 2), np.float32), "transformer.h.9.attn.c_attn.weight")
        self._rewrite(d, lambda m: m.graph.initializer.append(extra))
        self.assertCode("REF_WEIGHTS_UNEXPECTED", lambda: load_model(d))

    def test_graph_constant_outside_namespace_is_reported_not_refused(self) -> None:
        d = self.copy("gpt2")
        const = numpy_helper.from_array(np.array([1, 2], np.int64), "const_axes")
        ids = numpy_helper.from_array(np.arange(8, dtype=np.int64), "transformer.h.0.attn.position_ids")

        def edit(m: onnx.ModelProto) -> None:
            m.graph.initializer.append(const)
            m.graph.initializer.append(ids)

        self._rewrite(d, edit)
        self.assertEqual(load_model(d).report.constants, ["const_axes", "transformer.h.0.attn.position_ids"])

    def test_shape_mismatch(self) -> None:
        d = self.copy("resnet50")

        def edit(m: onnx.ModelProto) -> None:
            t = next(t for t in m.graph.initializer if t.name == "fc.bias")
            t.CopyFrom(numpy_helper.from_array(np.zeros(999, np.float32), "fc.bias"))

        self._rewrite(d, edit)
        self.assertCode("REF_WEIGHTS_SHAPE_MISMATCH", lambda: load_model(d))

    def test_external_data_escaping_the_folder(self) -> None:
        d = self.copy("resnet50")

        def edit(m: onnx.ModelProto) -> None:
            for e in m.graph.initializer[0].external_data:
                if e.key == "location":
                    e.value = "../model.onnx.data"

        self._rewrite(d, edit)
        self.assertCode("REF_EXTERNAL_DATA_INVALID", lambda: load_model(d))

    def test_external_data_beyond_the_file(self) -> None:
        d = self.copy("resnet50")

        def edit(m: onnx.ModelProto) -> None:
            for e in m.graph.initializer[0].external_data:
                if e.key == "offset":
                    e.value = str(10**9)

        self._rewrite(d, edit)
        self.assertCode("REF_EXTERNAL_DATA_INVALID", lambda: load_model(d))

    def test_truncated_and_random_onnx(self) -> None:
        d = self.copy("bert-base-uncased")
        path = os.path.join(d, "model.onnx")
        with open(path, "rb") as fh:
            data = fh.read()
        os.remove(os.path.join(d, "model.json"))
        for blob in (data[: len(data) // 2], os.urandom(4096), b""):
            with open(path, "wb") as fh:
                fh.write(blob)
            with self.subTest(len(blob)):
                self.assertCode("REF_ONNX_MALFORMED", lambda: load_model(d))

    def test_model_json_hash_mismatch(self) -> None:
        d = self.copy("gpt2")
        with open(os.path.join(d, "model.onnx.data"), "r+b") as fh:
            fh.seek(100)
            b = fh.read(1)
            fh.seek(100)
            fh.write(bytes([b[0] ^ 1]))
        self.assertCode("REF_MODEL_HASH_MISMATCH", lambda: load_model(d))

    def test_model_json_statements_must_match_the_weights(self) -> None:
        for key, value in (("parameters", 12345), ("config", {"n_layer": 3})):
            d = self.copy("gpt2")
            p = os.path.join(d, "model.json")
            meta = read_json(p)
            if key == "config":
                meta["architecture"]["config"].update(value)
            else:
                meta[key] = value
            write_json(p, meta)
            with self.subTest(key):
                self.assertCode("REF_CONFIG_INVALID", lambda: load_model(d))

    def test_model_json_path_traversal(self) -> None:
        d = self.copy("gpt2")
        p = os.path.join(d, "model.json")
        meta = read_json(p)
        meta["files"][0]["path"] = "../../etc/passwd"
        write_json(p, meta)
        self.assertCode("REF_MODEL_JSON_INVALID", lambda: load_model(d))

    def test_with_past_file_must_share_the_weights(self) -> None:
        d = self.copy("gpt2")
        path = os.path.join(d, "decoder_with_past.onnx")
        m = onnx.load(path, load_external_data=False)
        t = next(t for t in m.graph.initializer if t.name == "transformer.ln_f.bias")
        for e in t.external_data:
            if e.key == "offset":
                e.value = "0"  # points at another tensor's bytes
        onnx.save_model(m, path)
        os.remove(os.path.join(d, "model.json"))
        self.assertCode("REF_WEIGHTS_UNEXPECTED", lambda: load_model(d))

    def test_export_is_deterministic(self) -> None:
        d = os.path.join(self.tmp, "again", "1")
        export_random("gpt2", "tiny", 7, d, "gpt2-tiny", "1")
        a = read_json(os.path.join(self.tmp, "gpt2", "1", "model.json"))["files"]
        b = read_json(os.path.join(d, "model.json"))["files"]
        self.assertEqual(a, b)


if __name__ == "__main__":
    unittest.main()
