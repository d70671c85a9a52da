/**
 * The cost model: closed-form FLOPs of the three architectures agree with the weight count
 * read from their graphs (two independent derivations), ResNet-50 at 224×224 has
 * torchvision's published 4.09 GMACs, and the graph reader refuses malformed nodes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelError } from "../../../src/model/errors.js";
import {
  closedFormFlops,
  countFloatingElements,
  flopsAt,
  graphWeightFlops,
} from "../../../src/model/cost.js";
import { readGraphNodes } from "../../../src/model/compile/graph-nodes.js";
import { readOnnxGraph } from "../../../src/model/onnx/index.js";
import { loadModelMetadata } from "../../../src/model/repository.js";
import { architectureOf } from "../../../src/model/builders/build.js";
import type { ArchitectureInfo } from "../../../src/model/metadata.js";

const FIXTURES = new URL("../../fixtures/models/", import.meta.url).pathname;

async function load(name: string) {
  const dir = join(FIXTURES, name, "1");
  const meta = await loadModelMetadata(dir);
  const graph = await readOnnxGraph(join(dir, "model.onnx"));
  const nodes = await readGraphNodes(join(dir, "model.onnx"));
  return { meta, graph, nodes, flops: graphWeightFlops(nodes, graph.initializers) };
}

for (const name of ["bert-base-uncased-tiny", "gpt2-tiny"]) {
  test(`${name}: the closed form's linear term equals 2 × the weights its graph multiplies per token`, async () => {
    const { meta, flops } = await load(name);
    const closed = closedFormFlops(meta.architecture)!;
    assert.equal(closed.coefficients.linear, flops.per_row_matmul_gemm);
    // The attention products are activation × activation: 2 per layer, not counted from weights.
    const layers = closed.coefficients.L!;
    assert.equal(flops.not_counted, 2 * layers);
    assert.equal(
      closed.coefficients.quadratic,
      4 * layers * (closed.coefficients.h ?? closed.coefficients.d)!,
    );
    assert.equal(flopsAt(closed, 8), closed.at[0]!.flops);
  });
}

test("resnet50-tiny: every convolution and the classifier are counted from the graph", async () => {
  const { graph, flops } = await load("resnet50-tiny");
  const convWeights = graph.initializers
    .filter((i) => i.dims.length === 4)
    .reduce((n, i) => n + i.elements, 0);
  assert.equal(flops.per_output_position_conv, 2 * convWeights);
  assert.equal(flops.counted.Conv, 17);
  assert.equal(flops.per_row_matmul_gemm, 2 * 256 * 1000);
});

test("ResNet-50 at 224×224 costs torchvision's published 4.09 GMACs", () => {
  const config = architectureOf("resnet50", "base").config;
  const arch: ArchitectureInfo = { name: "resnet50", size: "base", seed: null, generator: null, config };
  const flops = closedFormFlops(arch)!;
  assert.equal(flops.at[0]!.n, 224 * 224);
  assert.equal((flops.at[0]!.flops / 2 / 1e9).toFixed(2), "4.09");
});

test("GPT-2 and BERT base: the closed forms at a glance (2·parameters per token, plus attention)", () => {
  const gpt2 = closedFormFlops({
    name: "gpt2",
    size: "base",
    seed: null,
    generator: null,
    config: architectureOf("gpt2", "base").config,
  })!;
  // 24·12·768² + 2·768·50257 = 247,064,064: twice the 85M block weights plus the tied head.
  assert.equal(gpt2.coefficients.linear, 247_064_064);
  assert.ok(gpt2.decoder_with_past !== undefined);
  const bert = closedFormFlops({
    name: "bert-base-uncased",
    size: "base",
    seed: null,
    generator: null,
    config: architectureOf("bert-base-uncased", "base").config,
  })!;
  assert.equal(bert.coefficients.quadratic, 4 * 12 * 768);
  assert.equal(
    closedFormFlops({ name: "custom", size: "custom", seed: null, generator: null, config: {} }),
    null,
  );
  assert.equal(
    closedFormFlops({ name: "gpt2", size: "custom", seed: null, generator: null, config: { n_layer: -1 } }),
    null,
  );
});

test("floating-point elements count every float initializer", async () => {
  const { meta, graph } = await load("gpt2-tiny");
  assert.equal(countFloatingElements(graph.initializers), meta.parameters);
});

test("the node reader refuses a node that does not decode, with a coded error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zeq-np-nodes-"));
  try {
    // ModelProto.graph (field 7) holding GraphProto.node (field 1) whose bytes are a bad tag.
    const node = [0x0a, 0x03, 0xff, 0xff, 0xff];
    const file = join(dir, "bad.onnx");
    writeFileSync(file, Uint8Array.from([0x3a, node.length, ...node]));
    await assert.rejects(
      readGraphNodes(file),
      (e: unknown) => e instanceof ModelError && e.code === "MODEL_ONNX_MALFORMED",
    );
    writeFileSync(file, Uint8Array.from([0x3a, 0x40, 0x01]));
    await assert.rejects(
      readGraphNodes(file),
      (e: unknown) => e instanceof ModelError && e.code === "MODEL_ONNX_MALFORMED",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
