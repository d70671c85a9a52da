/**
 * A CPU profile of the audited calls alone (the main thread, where the audit runs), for
 * explaining where their time goes:
 *
 *   node --import tsx bench/profile/audited.ts bert-base-uncased 10 [out.cpuprofile]
 *
 * Opens an instance on the repository's models (one worker, one thread), then profiles N
 * runs of the model's benchmark input through executor.execute, a fresh variant each time,
 * and prints self time by function ("(idle)" is time waiting: for the worker's forward
 * pass, for fsync). The profile file opens in Chrome DevTools.
 */
import { Session } from "node:inspector/promises";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openInstance } from "../../src/instance/open.js";
import { benchInstanceOptions } from "../lib/card-keys.js";
import { MODEL_NAMES, loadModelInputs, type ModelName } from "../lib/inputs.js";
import { selfTimes, type Profile } from "./self-times.js";

async function main(): Promise<void> {
  const model = (process.argv[2] ?? "bert-base-uncased") as ModelName;
  const count = Number(process.argv[3] ?? 10);
  if (!MODEL_NAMES.includes(model)) throw new Error(`model is one of ${MODEL_NAMES.join(", ")}`);
  const modelsDir = resolve("models");
  const input = await loadModelInputs(modelsDir, model);
  const dir = mkdtempSync(join(tmpdir(), "zeq-bench-profile-"));
  const instance = await openInstance({
    dataDir: dir,
    modelRoots: [modelsDir],
    create: true,
    keyName: "bench.zeq-np.local/profile",
    ...benchInstanceOptions(),
    engine: { workers: 1 },
  });
  const variants = await Promise.all(Array.from({ length: count }, (_, i) => input.variant(30_000 + i)));
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    for (let i = 0; i < count; i++) {
      const v = variants[i]!;
      const start = performance.now();
      const result = await instance.executor.execute({
        model,
        operators: ["KO42"],
        batched: false,
        requestId: `profile-${i}`,
        inputs: [
          model === "gpt2"
            ? { kind: "prompt", prompt: String(v.natural.prompt), maxTokens: 4 }
            : { kind: "tensors", tensors: v.feeds },
        ],
      });
      if (!result.elements[0]?.ok) throw new Error("the audited call failed");
      console.log(`${model} audited call ${i}: ${(performance.now() - start).toFixed(1)} ms`);
    }
    const { profile } = (await session.post("Profiler.stop")) as { profile: Profile };
    if (process.argv[4]) writeFileSync(process.argv[4], JSON.stringify(profile));
    const { totalMs, rows } = selfTimes(profile);
    console.log(`\nmain thread, ${totalMs.toFixed(0)} ms sampled over ${count} calls:`);
    for (const r of rows.slice(0, 12)) {
      console.log(
        `${((r.ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${(r.ms / count).toFixed(1).padStart(7)} ms/call  ${r.name}`,
      );
    }
  } finally {
    session.disconnect();
    await instance.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
