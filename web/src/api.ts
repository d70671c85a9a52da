/**
 * The page's calls to the server's HTTP API (docs/api.md). Every answer is checked for the
 * shape the page relies on before it is used; an error answer becomes an ApiError carrying
 * the server's code, so the page can show `{code}: {message}` exactly as the API sent it.
 */
import { ZeqError } from "../../src/core/errors.js";
import type {
  CommonAnswer,
  ElementAnswer,
  ElementFailureAnswer,
} from "../../src/server/playground/response.js";

export type WebApiErrorCode =
  /** The server answered with an error body; `serverCode` holds its code. */
  | "WEB_API_ERROR"
  /** The server could not be reached. */
  | "WEB_API_UNREACHABLE"
  /** The server answered something the page cannot read. */
  | "WEB_API_BAD_ANSWER";

export class ApiError extends ZeqError<WebApiErrorCode> {
  constructor(
    code: WebApiErrorCode,
    message: string,
    readonly status = 0,
    readonly serverCode?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export type ComputeAnswer = CommonAnswer &
  Partial<ElementAnswer> & {
    batch?: { id: string; size: number; merkle_root_sha256: string };
    results?: (ElementAnswer | ElementFailureAnswer)[];
  };

export interface ModelInfo {
  name: string;
  version: string;
  task: string;
  weightCheckpointSha256: string;
  latencyBudget: string | null;
  memoryBudget: string | null;
  compiled: boolean;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: "no-store" });
  } catch (cause) {
    throw new ApiError("WEB_API_UNREACHABLE", `the server could not be reached (${path})`, 0, undefined, {
      cause,
    });
  }
  if (res.ok) return res;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (isObject(body) && typeof body.message === "string") {
    const code = typeof body.code === "string" ? body.code : undefined;
    throw new ApiError("WEB_API_ERROR", body.message, res.status, code);
  }
  throw new ApiError("WEB_API_ERROR", `HTTP ${res.status} ${res.statusText}`, res.status);
}

async function json(path: string, init?: RequestInit): Promise<unknown> {
  const res = await request(path, init);
  try {
    return await res.json();
  } catch (cause) {
    throw new ApiError("WEB_API_BAD_ANSWER", `${path} did not answer JSON`, res.status, undefined, { cause });
  }
}

function bad(path: string, why: string): ApiError {
  return new ApiError("WEB_API_BAD_ANSWER", `${path}: ${why}`);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function readModel(m: unknown): ModelInfo | null {
  if (!isObject(m) || typeof m.name !== "string" || typeof m.version !== "string") return null;
  const budgets = isObject(m.budgets) ? m.budgets : {};
  return {
    name: m.name,
    version: m.version,
    task: str(m.task) ?? "",
    weightCheckpointSha256: str(m.weight_checkpoint_sha256) ?? "",
    latencyBudget: str(budgets.latency_ms),
    memoryBudget: str(budgets.memory_bytes),
    compiled: isObject(m.precision),
  };
}

/** GET /api/models → {"models": [...]}. */
export async function getModels(): Promise<ModelInfo[]> {
  const body = await json("/api/models");
  if (!isObject(body) || !Array.isArray(body.models)) throw bad("/api/models", "expected {models: [...]}");
  return body.models.map(readModel).filter((m): m is ModelInfo => m !== null);
}

/** GET /api/keys → {"verifier_keys": [...]}: the verifier keys (note vkey form) the server publishes. */
export async function getVerifierKeys(): Promise<string[]> {
  const body = await json("/api/keys");
  if (!isObject(body) || !Array.isArray(body.verifier_keys))
    throw bad("/api/keys", "expected {verifier_keys: [...]}");
  return body.verifier_keys.filter((k): k is string => typeof k === "string");
}

/** GET /api/log/checkpoint: the latest signed checkpoint note. */
export async function getCheckpoint(): Promise<string> {
  const res = await request("/api/log/checkpoint");
  return res.text();
}

function hashList(path: string, body: unknown, field: string): string[] {
  const proof = isObject(body) ? body[field] : undefined;
  if (!Array.isArray(proof) || !proof.every((h) => typeof h === "string"))
    throw bad(path, `expected ${field}`);
  return proof as string[];
}

/** GET /api/log/proof/consistency?from=M&to=N → {"consistency_proof": [base64...]}. */
export async function getConsistencyProof(from: number, to: number): Promise<string[]> {
  const path = `/api/log/proof/consistency?from=${from}&to=${to}`;
  return hashList(path, await json(path), "consistency_proof");
}

/** GET /api/log/proof/inclusion?index=N&size=M → {"inclusion_proof": [base64...]}. */
export async function getInclusionProof(index: number, size: number): Promise<string[]> {
  const path = `/api/log/proof/inclusion?index=${index}&size=${size}`;
  return hashList(path, await json(path), "inclusion_proof");
}

export interface LogEntry {
  index: number;
  /** base64 of the leaf: the record's exact payload bytes. */
  leaf: string;
  /** The DSSE envelope stored with the leaf, when the log kept one. */
  envelope: { payload: string; payloadType: string; signatures: { keyid?: string; sig: string }[] } | null;
}

/** GET /api/log/entries/{index} → {index, leaf, leaf_hash, payload_sha256, envelope}. */
export async function getEntry(index: number): Promise<LogEntry> {
  const path = `/api/log/entries/${index}`;
  const body = await json(path);
  if (!isObject(body) || typeof body.leaf !== "string") throw bad(path, "expected an entry with its leaf");
  const envelope =
    isObject(body.envelope) && typeof body.envelope.payload === "string" ? body.envelope : null;
  return { index, leaf: body.leaf, envelope: envelope as LogEntry["envelope"] };
}

/**
 * POST /api/playground/compute with the inference key.
 * @throws {ApiError} with the server's code (401 without a key, 400 for bad input, 503 overload…)
 */
export async function compute(body: unknown, apiKey: string): Promise<ComputeAnswer> {
  const answer = await json("/api/playground/compute", {
    method: "POST",
    // No key, no header: the server then answers with its own code for a missing key.
    headers:
      apiKey === ""
        ? { "content-type": "application/json" }
        : { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  if (!isObject(answer) || typeof answer.model !== "string") {
    throw bad("/api/playground/compute", "not a compute answer");
  }
  return answer as unknown as ComputeAnswer;
}
