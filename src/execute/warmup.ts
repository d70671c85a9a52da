/**
 * Warming a model up after it is loaded: one run per worker with synthetic inputs, so the
 * first caller does not pay for onnxruntime's first-run allocations and kernel selection
 * (which can be several times a warm run, and would blow a calibrated CS43 budget), and its
 * tokenizer loaded (GPT-2's vocabulary and merges take ~0.6 s to read, BERT's ~50 ms).
 * Warm-up runs are not recorded: they are not inferences anyone asked for.
 */
import type { InferenceEngine } from "../inference/index.js";
import { loadBertTokenizer, loadGpt2Tokenizer } from "../preprocess/index.js";
import { synthesize } from "../model/compile/calibration.js";
import type { ModelMetadata } from "../model/index.js";
import { decoderShape, stepFeeds } from "./generation.js";

export async function warmUp(
  engine: InferenceEngine,
  engineId: string,
  decoderEngineId: string | null,
  meta: ModelMetadata,
): Promise<void> {
  if (meta.preprocessing.kind === "bert-wordpiece") loadBertTokenizer();
  if (meta.preprocessing.kind === "gpt2-bpe") loadGpt2Tokenizer();
  const workers = engine.stats().workers.configured;
  const info = engine.info(engineId);
  const feeds = synthesize(info.inputs, (axis) => (axis === 0 ? 1 : 8));
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < workers; i++) runs.push(engine.run(engineId, feeds, { observe: false }));
  if (decoderEngineId) {
    const step = stepFeeds([50256], 0, null, decoderShape(meta));
    const decoderFeeds = Object.fromEntries(
      step.map((t) => [t.name, { dtype: t.dtype, dims: t.shape, data: t.data }]),
    );
    for (let i = 0; i < workers; i++)
      runs.push(engine.run(decoderEngineId, decoderFeeds, { observe: false }));
  }
  // A warm-up that fails (an unusual custom model) changes nothing: real calls report their own errors.
  await Promise.allSettled(runs);
}
