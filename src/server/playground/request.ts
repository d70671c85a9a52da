/**
 * The playground body → an ExecuteRequest. The body's shape was checked by the route schema;
 * here the meaning is checked: exactly one input form, base64 that is canonical, a batch no
 * larger than the limit, and what a bare string in a batch means for this model's task.
 *
 * Malformed wire input (bad base64, an element that is neither a string nor an input
 * object) refuses the whole request with 400 naming the element; content the model cannot
 * take (an image that does not decode, a text too long) fails only its own element.
 */
import { fromBase64 } from "../../core/bytes.js";
import type { ExecuteInput, ExecuteRequest, ModelSummary, SamplingOptions } from "../../execute/types.js";
import { normalizeOperators } from "../../execute/operators.js";
import { ServerError } from "../errors.js";
import { decodeOipInputs } from "../oip/tensors.js";

export interface PlaygroundLimits {
  maxBatch: number;
  maxTokens: number;
}

/** Sampling defaults when a caller names any of seed / temperature / top_k. */
export const DEFAULT_SAMPLING: SamplingOptions = { seed: 0, temperature: 1, topK: 50 };

type Json = Record<string, unknown>;

const SINGLE_FORMS = ["text", "image", "prompt", "tensors"] as const;
const ELEMENT_KEYS = new Set<string>([...SINGLE_FORMS, "max_tokens", "seed", "temperature", "top_k"]);

const MAX_TEMPERATURE = 100;
const MAX_TOP_K = 100_000;

/** max_tokens when a prompt names none. */
export const DEFAULT_MAX_TOKENS = 16;

function invalid(message: string): ServerError {
  return new ServerError("SERVER_INPUT_INVALID", message);
}

function decodeImage(value: unknown, where: string): Uint8Array {
  if (typeof value !== "string") throw invalid(`${where} must be a base64 string`);
  try {
    return fromBase64(value, where);
  } catch {
    throw invalid(`${where} is not canonical padded base64 (standard alphabet, no whitespace)`);
  }
}

function integerIn(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${where} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

function samplingOf(src: Json, where: string): SamplingOptions | undefined {
  if (src.seed === undefined && src.temperature === undefined && src.top_k === undefined) return undefined;
  const temperature = src.temperature ?? DEFAULT_SAMPLING.temperature;
  if (typeof temperature !== "number" || !(temperature > 0) || temperature > MAX_TEMPERATURE) {
    throw invalid(`${where}.temperature must be a number in (0, ${MAX_TEMPERATURE}]`);
  }
  return {
    seed: integerIn(src.seed ?? DEFAULT_SAMPLING.seed, `${where}.seed`, 0, 0xffffffff),
    temperature,
    topK: integerIn(src.top_k ?? DEFAULT_SAMPLING.topK, `${where}.top_k`, 1, MAX_TOP_K),
  };
}

function maxTokensOf(value: unknown, where: string, limits: PlaygroundLimits, fallback?: number): number {
  return integerIn(value ?? fallback, where, 1, limits.maxTokens);
}

/** One input in object form: {text} | {image} | {prompt, max_tokens?, ...} | {tensors}. */
function objectInput(src: Json, where: string, limits: PlaygroundLimits, defaults: Json): ExecuteInput {
  const present = SINGLE_FORMS.filter((k) => src[k] !== undefined);
  if (present.length !== 1) {
    throw invalid(
      `${where} needs exactly one of ${SINGLE_FORMS.join(", ")} (got ${present.join(", ") || "none"})`,
    );
  }
  switch (present[0]) {
    case "text":
      if (typeof src.text !== "string") throw invalid(`${where}.text must be a string`);
      return { kind: "text", text: src.text };
    case "image":
      return { kind: "image", bytes: decodeImage(src.image, `${where}.image`) };
    case "prompt": {
      if (typeof src.prompt !== "string") throw invalid(`${where}.prompt must be a string`);
      const maxTokens = maxTokensOf(
        src.max_tokens,
        `${where}.max_tokens`,
        limits,
        defaults.max_tokens as number,
      );
      const sampling = samplingOf({ ...defaults, ...src }, where);
      return sampling === undefined
        ? { kind: "prompt", prompt: src.prompt, maxTokens }
        : { kind: "prompt", prompt: src.prompt, maxTokens, sampling };
    }
    default:
      return { kind: "tensors", tensors: decodeOipInputs(src.tensors, `${where}.tensors`) };
  }
}

/** What a bare string in a batch is, by the model's task. */
function stringInput(
  value: string,
  where: string,
  task: string,
  limits: PlaygroundLimits,
  defaults: Json,
): ExecuteInput {
  switch (task) {
    case "image-classification":
      return { kind: "image", bytes: decodeImage(value, where) };
    case "text-generation":
      return objectInput({ prompt: value }, where, limits, defaults);
    case "fill-mask":
      return { kind: "text", text: value };
    default:
      throw invalid(
        `${where}: model task ${JSON.stringify(task)} takes input objects ({"tensors": [...]}), not strings`,
      );
  }
}

export interface ParsedPlayground {
  request: ExecuteRequest;
  /** The caller's request id, echoed back. */
  requestId: string;
}

/**
 * Builds the ExecuteRequest of a playground body.
 * @throws {ServerError} SERVER_INPUT_INVALID, SERVER_BATCH_TOO_LARGE
 * @throws {ExecuteError} EXECUTE_OPERATOR_UNKNOWN, EXECUTE_OPERATORS_INVALID (listing the valid names)
 */
export function parsePlayground(
  body: Json,
  model: ModelSummary,
  requestId: string,
  limits: PlaygroundLimits,
): ParsedPlayground {
  const operators = normalizeOperators(body.operators);
  const inputs = body.inputs as Json;
  const defaults: Json = {
    max_tokens: inputs.max_tokens ?? DEFAULT_MAX_TOKENS,
    seed: inputs.seed,
    temperature: inputs.temperature,
    top_k: inputs.top_k,
  };
  const base = { model: model.name, version: model.version, operators, requestId };
  if (inputs.batch !== undefined) {
    const present = SINGLE_FORMS.filter((k) => inputs[k] !== undefined);
    if (present.length > 0) throw invalid(`inputs.batch cannot be combined with inputs.${present[0]}`);
    const batch = inputs.batch as unknown[];
    if (batch.length === 0) throw invalid("inputs.batch must have at least one element");
    if (batch.length > limits.maxBatch) {
      throw new ServerError(
        "SERVER_BATCH_TOO_LARGE",
        `inputs.batch has ${batch.length} elements; at most ${limits.maxBatch} are accepted`,
      );
    }
    const elements = batch.map((el, i) => {
      const where = `inputs.batch[${i}]`;
      if (typeof el === "string") return stringInput(el, where, model.task, limits, defaults);
      if (typeof el === "object" && el !== null && !Array.isArray(el)) {
        const unknown = Object.keys(el).find((k) => !ELEMENT_KEYS.has(k));
        if (unknown !== undefined) throw invalid(`${where} has an unknown field ${JSON.stringify(unknown)}`);
        return objectInput(el as Json, where, limits, defaults);
      }
      throw invalid(`${where} must be a string or an input object`);
    });
    return { request: { ...base, inputs: elements, batched: true }, requestId };
  }
  return {
    request: { ...base, inputs: [objectInput(inputs, "inputs", limits, defaults)], batched: false },
    requestId,
  };
}
