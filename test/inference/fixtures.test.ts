/**
 * The committed tiny reference models (test/fixtures/models/<name>-tiny/1/) through the
 * engine: weights from model.onnx.data beside the model, declared inputs as model.json says,
 * outputs of the right shape, finite, and bit-identical when run twice.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { InferenceEngine, type Feeds, type IoInfo, type TensorValue } from "../../src/inference/index.js";

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/models");
const SYMBOLS: Record<string, number> = { batch: 1, sequence: 8, new: 1, past: 7, total: 8 };

interface Spec {
  name: string;
  dtype: string;
  dims: (number | string)[];
}

function feedsFor(inputs: readonly IoInfo[]): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) {
    const dims = input.dims.map((d) => (typeof d === "number" ? d : SYMBOLS[d]!));
    const count = dims.reduce((p, d) => p * d, 1);
    let tensor: TensorValue;
    if (input.dtype === "int64") {
      const data = new BigInt64Array(count);
      for (let i = 0; i < count; i++) {
        if (input.name === "attention_mask") data[i] = 1n;
        else if (input.name === "token_type_ids") data[i] = 0n;
        else if (input.name === "position_ids") data[i] = BigInt(SYMBOLS.past! + (i % dims.at(-1)!));
        else data[i] = BigInt((i * 131 + 7) % 1000);
      }
      tensor = { dtype: "int64", dims, data };
    } else {
      assert.equal(input.dtype, "float32", `${input.name}: the fixtures feed int64 and float32 only`);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = (((i * 37) % 255) - 127) / 128;
      tensor = { dtype: "float32", dims, data };
    }
    feeds[input.name] = tensor;
  }
  return feeds;
}

const models: { id: string; dir: string; file: string; inputs: Spec[]; outputs: Spec[] }[] = [];
for (const name of ["resnet50-tiny", "bert-base-uncased-tiny", "gpt2-tiny"]) {
  const dir = join(fixtures, name, "1");
  if (!existsSync(join(dir, "model.json"))) continue;
  const meta = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as {
    inputs: Spec[];
    outputs: Spec[];
    decoder_with_past?: { path: string; inputs: Spec[]; outputs: Spec[] };
  };
  models.push({ id: name, dir, file: "model.onnx", inputs: meta.inputs, outputs: meta.outputs });
  if (meta.decoder_with_past !== undefined) {
    const d = meta.decoder_with_past;
    models.push({ id: `${name}/decoder`, dir, file: d.path, inputs: d.inputs, outputs: d.outputs });
  }
}

let engine: InferenceEngine | undefined;

before(async () => {
  if (models.length > 0) engine = await InferenceEngine.start({ workers: 2 });
});
after(async () => engine?.close());

describe("tiny reference fixtures", () => {
  test("the fixtures are present", (t) => {
    if (models.length === 0) {
      const why = `SKIPPED: no tiny model fixtures under ${fixtures}`;
      t.diagnostic(why);
      console.warn(why);
      t.skip(why);
    }
  });

  for (const m of models) {
    test(`${m.id}: declared inputs as model.json says, right output shapes, bit-identical twice`, async () => {
      const info = await engine!.load(m.id, join(m.dir, m.file));
      assert.deepEqual(info.inputs, m.inputs);
      assert.deepEqual(info.outputs, m.outputs);
      const feeds = feedsFor(info.inputs);
      const [a, b] = await Promise.all([engine!.run(m.id, feeds), engine!.run(m.id, feeds)]);
      for (const out of m.outputs) {
        const want = out.dims.map((d) => (typeof d === "number" ? d : SYMBOLS[d]!));
        const x = a!.outputs[out.name]!;
        assert.deepEqual(x.dims, want, out.name);
        assert.ok((x.data as Float32Array).every(Number.isFinite), `${out.name} is finite`);
        assert.ok(
          Buffer.from(x.data.buffer).equals(Buffer.from(b!.outputs[out.name]!.data.buffer)),
          `${out.name} bit-identical`,
        );
      }
    });
  }
});
