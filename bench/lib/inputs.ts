/**
 * The benchmark's inputs, one per model, built once and fed identically to every path:
 * the same tensors reach bare onnxruntime, the audited executor and PyTorch, and the HTTP
 * path sends the natural input (image bytes, text, prompt) that preprocesses to them.
 *
 * - resnet50: a seeded 256×256 PNG → resize 256, centre crop 224 → [1, 3, 224, 224];
 * - bert-base-uncased: an English text of exactly 128 word pieces ([CLS] … [SEP]);
 * - gpt2: an English prompt of exactly 64 tokens, run as the executor runs a prompt: one
 *   pass of the decoder with an empty past, then one pass per generated token.
 *
 * Every round of the benchmark uses a variant (one pixel or the first word changed): the
 * blob store keeps each distinct input and output once, so repeating one input would let
 * the audited path skip the writes a real stream of requests pays for.
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

/** What one round feeds: the tensors (bare, engine, audited, torch) and the natural input (HTTP). */
export interface Variant {
  feeds: InputTensor[];
  natural: Record<string, unknown>;
}

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
  /** The input of round `round` (round 0 is `feeds`/`natural` themselves). */
  variant(round: number): Promise<Variant>;
}

/** Words of one word piece (BERT) and one token (GPT-2), with or without a leading space. */
const SWAP_WORDS =
  "the a one two three four five six seven eight nine ten red blue green black white old new big small good bad first last day night man woman city".split(
    " ",
  );

const SENTENCE =
  "the quick brown fox jumps over the lazy dog while a patient auditor reads every signed record";

/** `count` whole words of SENTENCE repeated, as text. */
function words(count: number): string {
  const base = SENTENCE.split(" ");
  return Array.from({ length: count }, (_, i) => base[i % base.length]).join(" ");
}

/** A deterministic RGB test card: smooth gradients plus a few edges, so resizing has work to do; `mark` sets one pixel. */
async function testImage(side: number, mark = 0): Promise<Uint8Array> {
  const raw = Buffer.alloc(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y * side + x) * 3;
      raw[i] = (x * 255) / side;
      raw[i + 1] = (y * 255) / side;
      raw[i + 2] = ((x >> 4) + (y >> 4)) % 2 === 0 ? 200 : 40;
    }
  }
  // Inside the centre crop, so the tensor changes too: 3 channels × 256 levels of variants.
  const at = ((side >> 1) * side + (side >> 1)) * 3 + (mark % 3);
  raw[at] = (raw[at]! + Math.floor(mark / 3)) % 256;
  return new Uint8Array(
    await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toBuffer(),
  );
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
  const pre = meta.preprocessing as { resize?: number; crop?: number };
  const name = meta.inputs[0]?.name ?? "pixel_values";
  const variant = async (round: number): Promise<Variant> => {
    const png = await testImage(256, round);
    const image = await preprocessImage(png, { resize: pre.resize, crop: pre.crop });
    return {
      feeds: [{ name, dtype: "float32", shape: [...image.dims], data: image.data }],
      natural: { image: Buffer.from(png).toString("base64") },
    };
  };
  const first = await variant(0);
  return {
    name: "resnet50",
    dir,
    meta,
    onnxPath: join(dir, "model.onnx"),
    ...first,
    inputSize: first.feeds[0]!.shape[2]! * first.feeds[0]!.shape[3]!,
    variant,
  };
}

/**
 * `text` with its first two words replaced by the round's swap words (900 variants), if
 * that keeps the token count; else the next pair that does.
 */
function swapFirstWords(text: string, round: number, count: (t: string) => number): string {
  const words = text.split(" ");
  const target = count(text);
  const n = SWAP_WORDS.length;
  for (let k = 0; k < n * n; k++) {
    const r = round + k;
    const candidate = [SWAP_WORDS[r % n], SWAP_WORDS[Math.floor(r / n) % n], ...words.slice(2)].join(" ");
    if (count(candidate) === target) return candidate;
  }
  return text;
}

async function bert(dir: string, meta: ModelMetadata): Promise<ModelInputs> {
  const tokenizer = loadBertTokenizer();
  const count = (t: string) => tokenizer.encode(t).inputIds.length;
  const base = fitWords(BERT_TOKENS, count);
  const variant = async (round: number): Promise<Variant> => {
    const text = round === 0 ? base : swapFirstWords(base, round, count);
    const enc = tokenizer.encode(text);
    const byName: Record<string, number[]> = {
      input_ids: enc.inputIds,
      attention_mask: enc.attentionMask,
      token_type_ids: enc.tokenTypeIds,
    };
    const feeds = meta.inputs.map((spec): InputTensor => {
      const values = byName[spec.name];
      if (!values) throw new Error(`bert input ${spec.name} is not one the tokenizer fills`);
      return {
        name: spec.name,
        dtype: "int64",
        shape: [1, values.length],
        data: BigInt64Array.from(values, BigInt),
      };
    });
    return { feeds, natural: { text } };
  };
  return {
    name: "bert-base-uncased",
    dir,
    meta,
    onnxPath: join(dir, "model.onnx"),
    ...(await variant(0)),
    inputSize: BERT_TOKENS,
    variant,
  };
}

async function gpt2(dir: string, meta: ModelMetadata): Promise<ModelInputs> {
  const tokenizer = loadGpt2Tokenizer();
  const count = (t: string) => tokenizer.encode(t).length;
  const base = fitWords(GPT2_PROMPT_TOKENS, count);
  const shape = decoderShape(meta);
  const path = meta.decoder_with_past?.path;
  if (!path) throw new Error("gpt2 has no decoder with past");
  const variant = async (round: number): Promise<Variant> => {
    const prompt = round === 0 ? base : swapFirstWords(base, round, count);
    return { feeds: stepFeeds(tokenizer.encode(prompt), 0, null, shape), natural: { prompt } };
  };
  return {
    name: "gpt2",
    dir,
    meta,
    onnxPath: join(dir, path),
    ...(await variant(0)),
    inputSize: GPT2_PROMPT_TOKENS,
    decoder: shape,
    variant,
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
