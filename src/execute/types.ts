/**
 * The Execute step's public shapes: what a caller (the HTTP server, the CLI) hands to the
 * executor and what it gets back. The executor turns one input into one forward pass,
 * one signed compute record, one log entry and one receipt.
 */
import type { ZeqError } from "../core/errors.js";
import type { ComputeRecord, Operator } from "../record/schema.js";
import type { Receipt } from "../record/receipt.js";
import type { DsseEnvelope } from "../record/dsse.js";
import type { TensorData, TensorDtype } from "../record/tensor-digest.js";

export interface InputTensor {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  data: TensorData;
  /**
   * The tensor's canonical digest when already known: a generation step's past is the
   * previous step's present output, hashed once when it was produced.
   */
  sha256?: string;
}

/** One element of work, already decoded from the wire (base64 images are bytes here). */
export type ExecuteInput =
  | { kind: "text"; text: string }
  | { kind: "image"; bytes: Uint8Array }
  | { kind: "prompt"; prompt: string; maxTokens: number; sampling?: SamplingOptions }
  | { kind: "tensors"; tensors: InputTensor[] };

export interface SamplingOptions {
  /** Greedy when absent. */
  seed: number;
  temperature: number;
  topK: number;
}

export interface ExecuteRequest {
  model: string;
  version?: string;
  /** 1–3 of KO42, CS43, CS44; KO42 is added when absent. */
  operators: Operator[];
  inputs: ExecuteInput[];
  /** Present when the caller sent a list (`inputs.batch`): records carry batch id/position. */
  batched: boolean;
  requestId: string;
}

/** What a person reads first: the top classes, tokens, or generated text. */
export type Prediction =
  | { kind: "classes"; top: { index: number; label: string; logit: number; probability: number }[] }
  | {
      kind: "tokens";
      positions: { position: number; token: string; top: { id: number; token: string; logit: number }[] }[];
    }
  | { kind: "generation"; text: string; tokenIds: number[]; steps: number }
  | { kind: "tensors" };

export interface OutputTensor {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  data: TensorData;
  /** The canonical digest, computed by the worker that produced the tensor. */
  sha256?: string;
}

/** One signed, logged forward pass. A generation has one per step. */
export interface CommittedRecord {
  record: ComputeRecord;
  envelope: DsseEnvelope;
  receipt: Receipt;
}

export interface ElementSuccess {
  ok: true;
  position: number;
  /** Every forward pass of this element, in order (one, or one per generated token). */
  records: CommittedRecord[];
  outputs: OutputTensor[];
  prediction: Prediction;
  latencyMs: number;
}

export interface ElementFailure {
  ok: false;
  position: number;
  error: ZeqError;
}

export type ElementResult = ElementSuccess | ElementFailure;

export interface ExecuteResult {
  requestId: string;
  model: { name: string; version: string; weightCheckpointSha256: string };
  /** Present for batched requests: RFC 6962 root over the element records' payloads. */
  batch: { id: string; size: number; merkleRootSha256: string } | null;
  elements: ElementResult[];
}

export interface TensorSignature {
  name: string;
  dtype: TensorDtype;
  /** Fixed sizes as numbers, symbolic ones as their names ("batch", "sequence"). */
  shape: (number | string)[];
}

export interface ModelSummary {
  name: string;
  version: string;
  task: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  weightCheckpointSha256: string;
  /** The verified precision from the signed model card, when the model has been compiled. */
  precision: { logitsMaxDeltaVsTorch: number; errorPctLogits: number } | null;
  /** CS43 / CS44 budgets as configured or calibrated. */
  budgets: { latencyMs: string | null; memoryBytes: string | null };
}

/** The executor as the server and CLI use it. */
export interface Executor {
  models(): ModelSummary[];
  /** @throws MODEL_NOT_FOUND */
  model(name: string, version?: string): ModelSummary;
  /** The signed model card (DSSE envelope of an in-toto Statement), or null when not compiled. */
  modelCard(name: string, version?: string): DsseEnvelope | null;
  /**
   * Fast admission decision before any work (CS43 queue prediction): throws a coded
   * INFER_OVERLOADED error carrying `retryAfterMs` when the work cannot meet its budget.
   */
  admit(request: ExecuteRequest): void;
  execute(request: ExecuteRequest): Promise<ExecuteResult>;
  stats(): { queueDepth: number; inFlight: number };
  /** Drains in-flight work, commits, leaves a final checkpoint. */
  close(): Promise<void>;
}
