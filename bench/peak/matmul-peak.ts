/**
 * Section 2: the machine's measured peak, as a large single-precision matrix product run
 * through onnxruntime (its MLAS kernels are what every model here spends its time in).
 * FLOPs of an N×N by N×N product: 2·N³. The best of several runs is the peak: the machine
 * is shared, and a peak is what the hardware can do when nothing else gets in the way.
 */
import { InferenceSession, Tensor } from "onnxruntime-node";
import { encodeModel } from "../../src/model/onnx/index.js";
import { summarize, type Summary } from "../lib/stats.js";

export interface PeakResult {
  threads: number;
  n: number;
  runs: number;
  /** FLOP/s of the fastest run. */
  peakFlops: number;
  /** FLOP/s of the median run. */
  medianFlops: number;
  ms: Summary;
}

function matmulModel(n: number): Uint8Array {
  return encodeModel({
    graphName: "bench_matmul",
    opsetVersion: 17,
    producerName: "zeq-np-bench",
    producerVersion: "1",
    inputs: [
      { name: "a", dtype: "float32", dims: [n, n] },
      { name: "b", dtype: "float32", dims: [n, n] },
    ],
    outputs: [{ name: "c", dtype: "float32", dims: [n, n] }],
    nodes: [{ name: "matmul", opType: "MatMul", inputs: ["a", "b"], outputs: ["c"] }],
    initializers: [],
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

/** @throws whatever onnxruntime throws */
export async function measurePeak(threads: number, n: number, runs: number): Promise<PeakResult> {
  const session = await InferenceSession.create(matmulModel(n), { intraOpNumThreads: threads });
  try {
    const feeds = {
      a: new Tensor("float32", filled(n * n, 1), [n, n]),
      b: new Tensor("float32", filled(n * n, 2), [n, n]),
    };
    await session.run(feeds); // warm-up: arena, caches, thread pool
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    const ms = summarize(times);
    const flops = 2 * n ** 3;
    return { threads, n, runs, peakFlops: flops / (ms.min / 1000), medianFlops: flops / (ms.p50 / 1000), ms };
  } finally {
    await session.release();
  }
}
