/**
 * The engine from compiled JavaScript, as it runs from dist/ (no tsx anywhere): the worker
 * entry must be found as worker-main.js beside engine.js. The sources the engine reaches are
 * compiled file by file with esbuild into a temporary tree and run by a plain `node`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { symlinkSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "node:test";
import { build } from "esbuild";
import { modelDir, writeDense } from "./helpers/models.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

test("the engine runs from compiled JavaScript without tsx", async () => {
  const out = modelDir();
  try {
    const entries = ["src/inference/index.ts", "src/inference/worker-main.ts"].map((p) => join(root, p));
    const graph = await build({
      entryPoints: entries,
      bundle: true,
      write: false,
      metafile: true,
      outdir: join(out.dir, "graph"),
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
    });
    const sources = Object.keys(graph.metafile.inputs).map((p) => resolve(root, p));
    assert.ok(sources.some((p) => p.endsWith("worker-main.ts")));
    await build({
      entryPoints: sources,
      outdir: join(out.dir, "dist"),
      outbase: root,
      bundle: false,
      platform: "node",
      format: "esm",
      logLevel: "silent",
    });
    symlinkSync(join(root, "node_modules"), join(out.dir, "node_modules"), "dir");

    const model = writeDense(out);
    const engineUrl = new URL(`file://${join(out.dir, "dist/src/inference/index.js")}`).href;
    const script = `
      const { InferenceEngine } = await import(${JSON.stringify(engineUrl)});
      const engine = await InferenceEngine.start({ workers: 1 });
      await engine.load("dense", ${JSON.stringify(model)});
      const r = await engine.run("dense", { x: { dtype: "float32", dims: [2, 4], data: new Float32Array(8).fill(1) } });
      await engine.close();
      console.log(JSON.stringify({ dims: r.outputs.y.dims, y: [...r.outputs.y.data], env: r.environment.runtime }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: out.dir,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    const got = JSON.parse(stdout.trim().split("\n").at(-1)!) as { dims: number[]; y: number[]; env: string };
    assert.deepEqual(got.dims, [2, 3]);
    assert.equal(got.env, "onnxruntime-node");
    // Row of ones times W[k][j] = (k+1)/(j+2): (1+2+3+4)/(j+2).
    got.y.forEach((v, i) => assert.ok(Math.abs(v - 10 / ((i % 3) + 2)) < 1e-5, `y[${i}] = ${v}`));
    assert.ok(!relative(root, out.dir).startsWith("src"), "compiled outside the source tree");
  } finally {
    out.remove();
  }
});
