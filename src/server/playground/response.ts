/**
 * The playground answer: the seed's fields first (precision, latency, weight hash, KO42
 * reading), then the prediction, then the evidence (record and receipt).
 *
 * The KO42 fields, input_sha256 and log_index are copied from `record`, the first forward
 * pass of the element (for a generation: the pass over the prompt; every later step is in
 * `steps`, chained by previous_record_sha256).
 */
import type { ElementSuccess, ExecuteResult, ModelSummary, Prediction } from "../../execute/types.js";
import type { Receipt } from "../../record/receipt.js";
import type { ComputeRecord } from "../../record/schema.js";
import { elementErrorBody, type ErrorBody } from "../error-reply.js";

export interface ElementAnswer {
  position: number;
  ok: true;
  latency_ms: number;
  zeqond: number;
  zeqond_index: number;
  phase_at_inference: number;
  input_sha256: string;
  log_index: number;
  latency: ComputeRecord["latency"];
  memory: ComputeRecord["memory"];
  prediction: Prediction;
  record: ComputeRecord;
  receipt: Receipt;
  steps?: { record: ComputeRecord; receipt: Receipt }[];
}

export interface ElementFailureAnswer {
  position: number;
  ok: false;
  error: ErrorBody;
}

/** Where the precision figures come from; null figures mean the model was not compiled. */
export type PrecisionSource = "signed-model-card" | "not-compiled";

export interface CommonAnswer {
  request_id: string;
  model: string;
  model_version: string;
  weight_checkpoint_sha256: string;
  operators: string[];
  logits_max_delta_vs_torch: number | null;
  error_pct_logits: number | null;
  precision_source: PrecisionSource;
}

export function commonAnswer(
  result: ExecuteResult,
  summary: ModelSummary,
  operators: string[],
): CommonAnswer {
  const p = summary.precision;
  return {
    request_id: result.requestId,
    model: result.model.name,
    model_version: result.model.version,
    weight_checkpoint_sha256: result.model.weightCheckpointSha256,
    operators,
    logits_max_delta_vs_torch: p === null ? null : p.logitsMaxDeltaVsTorch,
    error_pct_logits: p === null ? null : p.errorPctLogits,
    precision_source: p === null ? "not-compiled" : "signed-model-card",
  };
}

export function elementAnswer(el: ElementSuccess): ElementAnswer {
  const first = el.records[0];
  if (first === undefined) throw new Error("executor returned an element without records");
  const r = first.record;
  const answer: ElementAnswer = {
    position: el.position,
    ok: true,
    latency_ms: el.latencyMs,
    zeqond: r.zeqond,
    zeqond_index: r.zeqond_index,
    phase_at_inference: r.phase_at_inference,
    input_sha256: r.input_sha256,
    log_index: first.receipt.log.index,
    latency: r.latency,
    memory: r.memory,
    prediction: el.prediction,
    record: r,
    receipt: first.receipt,
  };
  if (el.records.length > 1) answer.steps = el.records.map((c) => ({ record: c.record, receipt: c.receipt }));
  return answer;
}

export function failureAnswer(position: number, error: unknown): ElementFailureAnswer {
  return { position, ok: false, error: elementErrorBody(error) };
}
