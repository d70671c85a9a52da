import { test } from "node:test";
import { Worker } from "node:worker_threads";
test("smoke", async () => {
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const entry = new URL("../../src/inference/worker-main.ts", import.meta.url).href;
  const code = `
const { workerData, parentPort } = require("node:worker_threads");
(async () => {
  const t0 = performance.now();
  const { register } = await import(workerData.tsxApi);
  const t1 = performance.now();
  register();
  const t2 = performance.now();
  await import(workerData.entry);
  const t3 = performance.now();
  parentPort.postMessage([t1-t0, t2-t1, t3-t2]);
})();`;
  for (const execArgv of [undefined, [], undefined, []]) {
    const t = performance.now();
    const w = new Worker(code, { eval: true, workerData: { tsxApi, entry, session: {graphOptimizationLevel: "all", intraOpNumThreads: 1, interOpNumThreads: 1, executionProvider: "cpu", enableCpuMemArena: true}, counters: new SharedArrayBuffer(8) }, execArgv });
    const m = await new Promise((r) => w.once("message", (x) => { if (Array.isArray(x)) r(x); }));
    console.log(execArgv, m, performance.now() - t);
    await w.terminate();
  }
});
