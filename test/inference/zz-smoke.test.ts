import { test } from "node:test";
import { InferenceEngine } from "../../src/inference/index.js";
test("smoke", async () => {
  for (const workers of [1, 1, 2]) {
  let t = performance.now();
  const engine = await InferenceEngine.start({ workers });
  console.log(workers, "start ms", performance.now() - t);
  await engine.close();
  }
});
