/**
 * The benchmark's inputs, one per model, built once and fed identically to every path:
 * the same tensors reach bare onnxruntime, the audited executor and PyTorch, and the HTTP
 * path sends the natural input (image bytes, text, prompt) that preprocesses to them.
 *
 * - resnet50: a seeded 256×256 PNG → resize 256, centre crop 224 → [1, 3, 224, 224];
 * - bert-base-uncased: an English text of exactly 128 word pieces ([CLS] … [SEP]);
 * - gpt2: an English prompt of exactly 64 tokens, run as the executor runs a prompt: one
 *   pass of the decoder with an empty past, then one pass per generated token.
 */
import { join } from "node:path";
import sharp from "sharp";
import type { InputTensor } from "../../src/execute/types.js";
import { decoderShape, stepFeeds, type DecoderShape } from "../../src/execute/generation.js";
import { loadModelMetadata, resolveModelDir, type ModelMetadata } from "../../src/model/index.js";
import { loadBertTokenizer, loadGpt2Tokenizer, preprocessImage } from "../../src/preprocess/index.js";

export const MODEL_NAMES = ["resnet50", "bert-base-uncased", "gpt2"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const BERT_TOKENS = 128;
export const GPT2_PROMPT_TOKENS = 64;

export interface ModelInputs {
  name: ModelName;
  dir: string;
  meta: ModelMetadata;
  /** The ONNX file the timed pass runs (GPT-2: the decoder with past, as the executor does). */
  onnxPath: string;
  /** Feeds of the timed pass. */
  feeds: InputTensor[];
  /** n of the budget functions for this input (pixels, tokens). */
  inputSize: number;
  /** The playground body's `inputs` besides `model` (the natural input form). */
  natural: Record<string, unknown>;
  /** GPT-2 only. */
  decoder?: DecoderShape;
}

const SENTENCE = "the quick brown fox jumps over the lazy dog while a patient auditor reads every signed record";

/** `count` whole words of SENTENCE repeated, as text. */
function words(count: number): string {
  const base = SENTENCE.split(" ");
  return Array.from({ length: count }, (_, i) => base[i % base.length]).join(" ");
}

/** A deterministic RGB test card: smooth gradients plus a few edges, so resizing has work to do. */
async function testImage(side: number): Promise<Uint8Array> {
  const raw = Buffer.alloc(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y * side + x) * 3;
      raw[i] = (x * 255) / side;
      raw[i + 1] = (y * 255) / side;
      raw[i + 2] = ((x >> 4) + (y >> 4)) % 2 === 0 ? 200 : 40;
    }
  }
  return new Uint8Array(await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer());
}

/** Smallest word count whose encoding has exactly `target` tokens. @throws Error when none has */
function fitWords(target: number, count: (text: string) => number): string {
  for (let n = 1; n <= target * 2; n++) {
    const text = words(n);
    const c = count(text);
    if (c === target) return text;
    if (c > target) break;
  }
  throw new Error(`no prefix of the benchmark sentence encodes to exactly ${target} tokens`);
}

async function resnet(dir: string, meta: ModelMetadata): Promise<ModelInputs> {
  const png = await testImage(256);
  const pre = meta.preprocessing as { resize?: number; crop?: number };
  const image = await preprocessImage(png, { resize: pre.resize, crop: pre.crop });
  const name = meta.inputs[0]?.name ?? "pixel_values";
  return {
    name: "resnet50",
    dir,
    meta,
    onnxPath: join(dir, "model.onnx"),
    feeds: [{ name, dtype: "float32", shape: [...image.dims], data: image.data }],
    inputSize: image.dims[2] * image.dims[3],
    natural: { image: Buffer.from(png).toString("base64") },
  };
}

async function bert(dir: string, meta: ModelMetadata): Promise<ModelInputs> {
  const tokenizer = loadBertTokenizer();
  const text = fitWords(BERT_TOKENS, (t) => tokenizer.encode(t).inputIds.length);
  const enc = tokenizer.encode(text);
  const byName: Record<string, number[]> = {
    input_ids: enc.inputIds,
    attention_mask: enc.attentionMask,
    token_type_ids: enc.tokenTypeIds,
  };
  const feeds = meta.inputs.map((spec): InputTensor => {
    const values = byName[spec.name];
    if (!values) throw new Error(`bert input ${spec.name} is not one the tokenizer fills`);
    return { name: spec.name, dtype: "int64", shape: [1, values.length], data: BigInt64Array.from(values, BigInt) };
  });
  return {
    name: "bert-base-uncased",
    dir,
    meta,
    onnxPath: join(dir, "model.onnx"),
    feeds,
    inputSize: BERT_TOKENS,
    natural: { text },
  };
}

async function gpt2(dir: string, meta: ModelMetadata): Promise<ModelInputs> {
  const tokenizer = loadGpt2Tokenizer();
  const prompt = fitWords(GPT2_PROMPT_TOKENS, (t) => tokenizer.encode(t).length);
  const shape = decoderShape(meta);
  const path = meta.decoder_with_past?.path;
  if (!path) throw new Error("gpt2 has no decoder with past");
  return {
    name: "gpt2",
    dir,
    meta,
    onnxPath: join(dir, path),
    feeds: stepFeeds(tokenizer.encode(prompt), 0, null, shape),
    inputSize: GPT2_PROMPT_TOKENS,
    natural: { prompt },
    decoder: shape,
  };
}

/** @throws when a model is missing from `modelsDir` or an input cannot be built */
export async function loadModelInputs(modelsDir: string, name: ModelName): Promise<ModelInputs> {
  const dir = await resolveModelDir(modelsDir, name);
  const meta = await loadModelMetadata(dir);
  if (name === "resnet50") return resnet(dir, meta);
  if (name === "bert-base-uncased") return bert(dir, meta);
  return gpt2(dir, meta);
}

/** Feeds of one greedy decoder step after `past` (the previous step's present.* outputs). */
export function nextStepFeeds(
  shape: DecoderShape,
  nextId: number,
  pastLength: number,
  present: readonly { name: string; shape: number[]; data: unknown }[],
): InputTensor[] {
  return stepFeeds([nextId], pastLength, present as never, shape);
}

/** Index of the largest value of the last row of [1, n, vocab] logits. */
export function argmaxLastRow(data: Float32Array, rows: number, vocab: number): number {
  const start = (rows - 1) * vocab;
  let best = 0;
  for (let i = 1; i < vocab; i++) if (data[start + i]! > data[start + best]!) best = i;
  return best;
}
