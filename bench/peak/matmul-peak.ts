/**
 * Section 2: the machine's measured peak, as a large single-precision matrix product run
 * through onnxruntime (its MLAS kernels are what every model here spends its time in).
 * FLOPs of an N×N by N×N product: 2·N³. Two forms are timed, B as a second input and B
 * as a constant weight (which onnxruntime pre-packs, as it does a model's weights); the
 * fastest run of either is the peak: the machine is shared, and a peak is what the
 * hardware does when nothing else gets in the way.
 */
import { InferenceSession, Tensor } from "onnxruntime-node";
import { encodeModel } from "../../src/model/onnx/index.js";
import { summarize, type Summary } from "../lib/stats.js";

export interface PeakResult {
  threads: number;
  n: number;
  /** Runs per form. */
  runs: number;
  /** The form of the fastest run. */
  form: "input" | "constant";
  /** FLOP/s of the fastest run. */
  peakFlops: number;
  /** FLOP/s of the median run. */
  medianFlops: number;
  ms: Summary;
}

function matmulModel(n: number, constantB: Float32Array | null): Uint8Array {
  const bytes = constantB && new Uint8Array(constantB.buffer, constantB.byteOffset, constantB.byteLength);
  return encodeModel({
    graphName: "bench_matmul",
    opsetVersion: 17,
    producerName: "zeq-np-bench",
    producerVersion: "1",
    inputs: [
      { name: "a", dtype: "float32", dims: [n, n] },
      ...(bytes ? [] : [{ name: "b", dtype: "float32" as const, dims: [n, n] }]),
    ],
    outputs: [{ name: "c", dtype: "float32", dims: [n, n] }],
    nodes: [{ name: "matmul", opType: "MatMul", inputs: ["a", "b"], outputs: ["c"] }],
    initializers: bytes ? [{ name: "b", dtype: "float32", dims: [n, n], data: { raw: bytes } }] : [],
  });
}

/** Deterministic values in [-1, 1): the kernels' speed does not depend on them, but denormals would. */
function filled(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let x = seed >>> 0;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

async function timeForm(threads: number, n: number, runs: number, constant: boolean): Promise<number[]> {
  const a = new Tensor("float32", filled(n * n, 1), [n, n]);
  const b = filled(n * n, 2);
  const session = await InferenceSession.create(matmulModel(n, constant ? b : null), {
    intraOpNumThreads: threads,
  });
  try {
    const feeds: Record<string, Tensor> = constant ? { a } : { a, b: new Tensor("float32", b, [n, n]) };
    await session.run(feeds); // warm-up: arena, caches, thread pool, packing
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    return times;
  } finally {
    await session.release();
  }
}

/** @throws whatever onnxruntime throws */
export async function measurePeak(threads: number, n: number, runs: number): Promise<PeakResult> {
  const input = await timeForm(threads, n, runs, false);
  const constant = await timeForm(threads, n, runs, true);
  const form = Math.min(...constant) < Math.min(...input) ? "constant" : "input";
  const ms = summarize(form === "constant" ? constant : input);
  const flops = 2 * n ** 3;
  return {
    threads,
    n,
    runs,
    form,
    peakFlops: flops / (ms.min / 1000),
    medianFlops: flops / (ms.p50 / 1000),
    ms,
  };
}

/** The better of two measurements of the same thread count (the run re-measures at its end). */
export function bestPeak(a: PeakResult, b: PeakResult): PeakResult {
  return b.peakFlops > a.peakFlops ? b : a;
}
