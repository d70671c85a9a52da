import { InferenceEngine } from "./src/inference/index.ts";
import { heavyFeeds, modelDir, writeHeavy } from "./test/inference/helpers/models.ts";
const fx = "/work/main/test/fixtures/models";
const d = modelDir();
const heavy = writeHeavy(d, 512, 8);
const seq = 128;
const ids = new BigInt64Array(seq).map((_, i) => BigInt((i * 131 + 7) % 1000));
const bertFeeds = { input_ids: { dtype: "int64", dims: [1, seq], data: ids }, attention_mask: { dtype: "int64", dims: [1, seq], data: new BigInt64Array(seq).fill(1n) }, token_type_ids: { dtype: "int64", dims: [1, seq], data: new BigInt64Array(seq) } } as const;
const px = new Float32Array(3 * 224 * 224).map((_, i) => ((i * 37) % 255) / 255);
const resnetFeeds = { pixel_values: { dtype: "float32", dims: [1, 3, 224, 224], data: px } } as const;
const cases = [["bert-tiny L=128", `${fx}/bert-base-uncased-tiny/1/model.onnx`, bertFeeds], ["resnet50-tiny 224²", `${fx}/resnet50-tiny/1/model.onnx`, resnetFeeds], ["MatMul 256×512 ×8", heavy, heavyFeeds(256, 512)]] as const;
const configs = (process.env.CONFIGS ?? "2x1,1x2,2x2").split(",");
const rounds = Number(process.env.ROUNDS ?? 3);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const res: Record<string, { run: number[]; total: number[]; tput: number[] }> = {};
for (let round = 0; round < rounds; round++) for (const c of configs) {
  const [w, t] = c.split("x").map(Number);
  const e = await InferenceEngine.start({ workers: w, session: { intraOpNumThreads: t, graphOptimizationLevel: (process.env.LEVEL ?? "all") as never } });
  for (const [name, path, feeds] of cases) {
    await e.load(name, path);
    for (let i = 0; i < 3; i++) await e.run(name, feeds as never);
    const key = `${c}|${name}`; res[key] ??= { run: [], total: [], tput: [] };
    for (let i = 0; i < 10; i++) { const r = await e.run(name, feeds as never); res[key].run.push(r.runMs); res[key].total.push(r.totalMs); }
    let done = 0; const t0 = performance.now(); const until = t0 + 2000;
    await Promise.all(Array.from({ length: 8 }, async () => { while (performance.now() < until) { await e.run(name, feeds as never); done++; } }));
    res[key].tput.push(done / ((performance.now() - t0) / 1000));
    await e.unload(name);
  }
  await e.close();
}
console.log("| model | workers × threads | run p50 (ms) | total p50 (ms) | throughput (calls/s) |\n|---|---|---|---|---|");
for (const [name] of cases) for (const c of configs) { const r = res[`${c}|${name}`]!; console.log(`| ${name} | ${c.replace("x", " × ")} | ${median(r.run).toFixed(2)} | ${median(r.total).toFixed(2)} | ${median(r.tput).toFixed(1)} |`); }
d.remove();
