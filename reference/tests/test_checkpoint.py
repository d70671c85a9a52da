"""export_checkpoint: public checkpoint layouts (HF, torchvision) load strictly and export."""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import unittest

from helpers import REFERENCE_DIR  # noqa: F401

import numpy as np
import torch

from zeq_reference.checkpoint_io import read_safetensors
from zeq_reference.errors import ReferenceToolError
from zeq_reference.export_model import export_checkpoint
from zeq_reference.vectors import load_model
from test_models import tiny


def write_safetensors(path: str, tensors: dict[str, np.ndarray]) -> None:
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode()
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


class CheckpointTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="zeq-ck-")

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_same_weights(self, module: torch.nn.Module, out: str) -> None:
        lm = load_model(out)
        mine, theirs = module.state_dict(), lm.module.state_dict()
        for k in lm.report.loaded:
            self.assertTrue(torch.equal(mine[k], theirs[k]), k)

    def test_hf_gpt2_model_checkpoint(self) -> None:
        # GPT-2's published file: GPT2Model names (no "transformer."), mask buffers, no lm_head.
        _, m = tiny("gpt2", 11)
        sd = {k.removeprefix("transformer."): v.clone() for k, v in m.state_dict().items() if k != "lm_head.weight"}
        for i in range(2):
            sd[f"h.{i}.attn.bias"] = torch.ones(1, 1, 8, 8, dtype=torch.bool).tril()
            sd[f"h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
        path = os.path.join(self.tmp, "pytorch_model.bin")
        torch.save(sd, path)
        out = os.path.join(self.tmp, "gpt2", "1")
        doc = export_checkpoint(path, out, "gpt2", "1", None, None)
        self.assertEqual(doc["architecture"]["name"], "gpt2")
        self.assertEqual(doc["architecture"]["size"], "custom")
        self.assertTrue(any("left out" in n for n in doc["_notes"]))
        self.assert_same_weights(m, out)

    def test_hf_bert_pretraining_checkpoint_safetensors(self) -> None:
        # BertForPreTraining extras (pooler, NSP head), old gamma/beta names, tied copies.
        _, m = tiny("bert-base-uncased", 12)
        sd = {k: v.numpy().copy() for k, v in m.state_dict().items()}
        old = {"LayerNorm.weight": "LayerNorm.gamma", "LayerNorm.bias": "LayerNorm.beta"}
        for new_name, old_name in old.items():
            sd = {k.replace(new_name, old_name): v for k, v in sd.items()}
        h = m.config.hidden_size
        sd["bert.pooler.dense.weight"] = np.ones((h, h), np.float32)
        sd["bert.pooler.dense.bias"] = np.ones(h, np.float32)
        sd["cls.seq_relationship.weight"] = np.ones((2, h), np.float32)
        sd["cls.seq_relationship.bias"] = np.ones(2, np.float32)
        path = os.path.join(self.tmp, "model.safetensors")
        write_safetensors(path, sd)
        out = os.path.join(self.tmp, "bert", "1")
        export_checkpoint(path, out, "bert", "1", None, 2)
        self.assert_same_weights(m, out)

    def test_untied_decoder_is_refused(self) -> None:
        _, m = tiny("bert-base-uncased", 13)
        sd = {k: v.clone() for k, v in m.state_dict().items()}
        sd["cls.predictions.decoder.weight"] = sd["cls.predictions.decoder.weight"] + 1
        path = os.path.join(self.tmp, "untied.pt")
        torch.save(sd, path)
        with self.assertRaises(ReferenceToolError) as ctx:
            export_checkpoint(path, os.path.join(self.tmp, "o"), "b", "1", None, 2)
        self.assertEqual(ctx.exception.code, "REF_CHECKPOINT_INVALID")

    def test_torchvision_checkpoint_with_unknown_tensor_is_refused(self) -> None:
        _, m = tiny("resnet50", 14)
        sd = dict(m.state_dict())
        sd["fc2.weight"] = torch.zeros(3)
        path = os.path.join(self.tmp, "r.pth")
        torch.save(sd, path)
        with self.assertRaises(ReferenceToolError) as ctx:
            export_checkpoint(path, os.path.join(self.tmp, "o"), "r", "1", None, None)
        self.assertEqual(ctx.exception.code, "REF_WEIGHTS_UNEXPECTED")
        del sd["fc2.weight"]
        torch.save(sd, path)
        out = os.path.join(self.tmp, "r", "1")
        export_checkpoint(path, out, "r", "1", None, None)
        self.assert_same_weights(m, out)

    def test_checkpoint_that_runs_code_is_refused(self) -> None:
        path = os.path.join(self.tmp, "evil.pt")
        torch.save({"x": torch.zeros(1), "f": os.getcwd}, path)  # pickles a function reference
        with self.assertRaises(ReferenceToolError) as ctx:
            export_checkpoint(path, os.path.join(self.tmp, "o"), "e", "1", "gpt2", None)
        self.assertEqual(ctx.exception.code, "REF_CHECKPOINT_INVALID")

    def test_malformed_safetensors(self) -> None:
        path = os.path.join(self.tmp, "bad.safetensors")
        good_header = json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
        for blob in (
            b"\x01",
            struct.pack("<Q", 1 << 40) + b"{}",
            struct.pack("<Q", 5) + b"nojso",
            struct.pack("<Q", len(good_header)) + good_header + b"\0" * 4,  # data too short
            struct.pack("<Q", len(good_header)) + good_header.replace(b"F32", b"Q99") + b"\0" * 8,
        ):
            with open(path, "wb") as fh:
                fh.write(blob)
            with self.subTest(blob[:16]), self.assertRaises(ReferenceToolError) as ctx:
                read_safetensors(path)
            self.assertEqual(ctx.exception.code, "REF_CHECKPOINT_INVALID")


if __name__ == "__main__":
    unittest.main()
