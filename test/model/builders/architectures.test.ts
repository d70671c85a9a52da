import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { architectureOf } from "../../../src/model/builders/build.js";
import type { WeightSpec } from "../../../src/model/builders/weights.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector files are read as loose JSON
const vectors = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../vectors/models/${name}`, import.meta.url), "utf8"));
const listOf = (weights: readonly WeightSpec[]): Array<[string, number[]]> =>
  weights.map((w) => [w.name, w.dims]);

test("resnet50 initializers are torchvision's state_dict, in order, without num_batches_tracked", () => {
  const v = vectors("torchvision-resnet50-state-dict.json");
  const arch = architectureOf("resnet50", "base");
  const expected = (v.state_dict as Array<[string, number[]]>).filter(
    ([k]) => !k.endsWith(".num_batches_tracked"),
  );
  assert.deepEqual(listOf(arch.weights.list()), expected);
  assert.equal(arch.weights.parameterCount(), v.parameters);
  assert.equal(arch.weights.parameterCount(), 25_557_032);
  const buffers = arch.weights
    .list()
    .filter((w) => w.role === "buffer")
    .map((w) => w.name);
  assert.ok(buffers.length === 106 && buffers.every((n) => /\.running_(mean|var)$/.test(n)));
});

test("bert-base-uncased initializers follow BertForMaskedLM's state_dict, decoder tied", () => {
  const v = vectors("hf-bert-mlm-state-dict.json");
  const arch = architectureOf("bert-base-uncased", "base");
  const expected: Array<[string, number[]]> = [];
  for (const [name, dims] of v.state_dict as Array<[string, Array<number | string>]>) {
    if (v.buffers.includes(name) || name in v.tied) continue;
    const shape = dims.map((d) => (d === "VOCAB" ? v.vocab_size : d)) as number[];
    if (name.startsWith("bert.encoder.layer.0.")) {
      for (let i = 0; i < v.num_hidden_layers; i++)
        expected.push([name.replace(".layer.0.", `.layer.${i}.`), shape]);
    } else {
      expected.push([name, shape]);
    }
  }
  const byName = (a: [string, number[]], b: [string, number[]]): number => (a[0] < b[0] ? -1 : 1);
  assert.deepEqual(listOf(arch.weights.list()).sort(byName), expected.sort(byName));
  assert.equal(arch.weights.parameterCount(), v.parameters);
  const names = arch.weights.names();
  assert.ok(!names.some((n) => n.startsWith("cls.predictions.decoder") || n.startsWith("bert.pooler")));
  const graph = arch.graphs[0]!.graph;
  const decoder = graph.nodes.filter((n) => n.inputs.includes("bert.embeddings.word_embeddings.weight"));
  assert.deepEqual(
    decoder.map((n) => n.opType).sort(),
    ["Gather", "Gemm"],
    "word embeddings feed the lookup and the tied decoder",
  );
  assert.deepEqual(
    graph.inputs.map((i) => i.name),
    ["input_ids", "attention_mask", "token_type_ids"],
  );
});

test("gpt2 initializers are GPT2LMHeadModel's state_dict with lm_head tied to wte", () => {
  const v = vectors("hf-gpt2-state-dict.json");
  const arch = architectureOf("gpt2", "base");
  const got = new Map(listOf(arch.weights.list()));
  for (const [name, dims] of v.state_dict as Array<[string, number[]]>) {
    if (name in v.tied) {
      assert.ok(!got.has(name), `${name} is tied, not stored`);
      assert.deepEqual(got.get(v.tied[name]), dims);
    } else {
      assert.deepEqual(got.get(name), dims, name);
    }
  }
  const block0 = (v.state_dict as Array<[string, number[]]>).filter(([k]) =>
    k.startsWith("transformer.h.0."),
  );
  const expectedOrder = [
    "transformer.wte.weight",
    "transformer.wpe.weight",
    ...Array.from({ length: v.n_layer }, (_, i) =>
      block0.map(([k]) => k.replace(".h.0.", `.h.${i}.`)),
    ).flat(),
    "transformer.ln_f.weight",
    "transformer.ln_f.bias",
  ];
  assert.deepEqual(arch.weights.names(), expectedOrder);
  assert.equal(arch.weights.parameterCount(), v.parameters);
  assert.equal(arch.weights.parameterCount(), 124_439_808);
});

test("initialisation follows torchvision and Hugging Face", () => {
  const init = (name: "resnet50" | "bert-base-uncased" | "gpt2", tensor: string): unknown =>
    architectureOf(name, "base")
      .weights.list()
      .find((w) => w.name === tensor)?.init;
  assert.deepEqual(init("resnet50", "conv1.weight"), { kind: "normal", std: Math.sqrt(2 / (64 * 7 * 7)) });
  assert.deepEqual(init("resnet50", "layer4.2.conv3.weight"), { kind: "normal", std: Math.sqrt(2 / 2048) });
  assert.deepEqual(init("resnet50", "fc.bias"), { kind: "uniform", bound: 1 / Math.sqrt(2048) });
  assert.deepEqual(init("resnet50", "bn1.running_var"), { kind: "constant", value: 1 });
  assert.deepEqual(init("bert-base-uncased", "bert.encoder.layer.3.attention.self.key.weight"), {
    kind: "normal",
    std: 0.02,
  });
  assert.deepEqual(init("bert-base-uncased", "cls.predictions.bias"), { kind: "constant", value: 0 });
  assert.deepEqual(init("gpt2", "transformer.h.5.attn.c_proj.weight"), {
    kind: "normal",
    std: 0.02 / Math.sqrt(24),
  });
  assert.deepEqual(init("gpt2", "transformer.h.5.mlp.c_proj.weight"), {
    kind: "normal",
    std: 0.02 / Math.sqrt(24),
  });
  assert.deepEqual(init("gpt2", "transformer.h.5.mlp.c_fc.weight"), { kind: "normal", std: 0.02 });
  assert.deepEqual(init("gpt2", "transformer.ln_f.weight"), { kind: "constant", value: 1 });
});

test("tiny configurations keep the names and shrink the sizes", () => {
  const counts = { resnet50: 385_392, "bert-base-uncased": 1_050_266, gpt2: 1_666_464 } as const;
  for (const name of ["resnet50", "bert-base-uncased", "gpt2"] as const) {
    const base = architectureOf(name, "base").weights.names();
    const tiny = architectureOf(name, "tiny").weights;
    assert.equal(tiny.parameterCount(), counts[name], name);
    assert.ok(
      tiny.names().every((n) => base.includes(n)),
      `${name}: every tiny name is a base name`,
    );
  }
});
