import { InferenceSession, Tensor } from "onnxruntime-node";
import { InferenceEngine } from "/work/main/src/inference/index.ts";
const fx = "/work/main/test/fixtures/models";
const seq = 128;
const ids = new BigInt64Array(seq).map((_, i) => BigInt((i * 131 + 7) % 1000));
const bertFeeds = { input_ids: { dtype: "int64", dims: [1, seq], data: ids }, attention_mask: { dtype: "int64", dims: [1, seq], data: new BigInt64Array(seq).fill(1n) }, token_type_ids: { dtype: "int64", dims: [1, seq], data: new BigInt64Array(seq) } } as const;
const px = new Float32Array(3 * 224 * 224).map((_, i) => ((i * 37) % 255) / 255);
const resnetFeeds = { pixel_values: { dtype: "float32", dims: [1, 3, 224, 224], data: px } } as const;
const cases = [["bert-tiny L=128", `${fx}/bert-base-uncased-tiny/1/model.onnx`, bertFeeds], ["resnet50-tiny", `${fx}/resnet50-tiny/1/model.onnx`, resnetFeeds]] as const;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const e = await InferenceEngine.start({ workers: 1 });
for (const [name, path, feeds] of cases) {
  const s = await InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all", logSeverityLevel: 3 });
  await e.load(name, path);
  const bare: number[] = [], eng: number[] = [], engRun: number[] = [];
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new Tensor(v.dtype, v.data as never, v.dims)]));
  for (let i = 0; i < 3; i++) { await s.run(ortFeeds); await e.run(name, feeds as never); }
  for (let i = 0; i < 60; i++) {
    let t = performance.now(); await s.run(ortFeeds); bare.push(performance.now() - t);
    t = performance.now(); const r = await e.run(name, feeds as never); eng.push(performance.now() - t); engRun.push(r.runMs);
  }
  console.log(`${name}: bare session.run p50 ${median(bare).toFixed(2)} ms; engine.run p50 ${median(eng).toFixed(2)} ms (its runMs p50 ${median(engRun).toFixed(2)}); ratio ${(median(eng) / median(bare)).toFixed(3)}`);
  await s.release();
}
await e.close();
