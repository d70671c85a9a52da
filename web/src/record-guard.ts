/**
 * A light shape check before a decoded payload is drawn as a compute record. The payload's
 * signature was verified, but a trusted key also signs other statements (model cards): the
 * page draws a record view only for what has a record's shape, and raw JSON otherwise.
 */
import type { ComputeRecord } from "../../src/record/schema.js";

export const COMPUTE_RECORD_SCHEMA = "zeq-np/compute-record/v1";

function obj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isNum = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown) => typeof v === "string";
const isNumOrNull = (v: unknown) => v === null || isNum(v);

function tensorLike(t: unknown): boolean {
  return obj(t) && isStr(t.name) && isStr(t.dtype) && Array.isArray(t.shape) && isStr(t.sha256);
}

/** The value typed as a compute record when it has every field the record view reads. */
export function asComputeRecord(v: unknown): ComputeRecord | null {
  if (!obj(v) || v.schema !== COMPUTE_RECORD_SCHEMA) return null;
  const { model, input, outputs, latency, memory, environment } = v;
  const ok =
    isStr(v.record_id) &&
    isStr(v.request_id) &&
    isStr(v.input_sha256) &&
    isStr(v.signer) &&
    isNum(v.zeqond) &&
    isNum(v.zeqond_index) &&
    isNum(v.phase_at_inference) &&
    Array.isArray(v.operators) &&
    (v.batch === null || obj(v.batch)) &&
    (v.previous_record_sha256 === null || isStr(v.previous_record_sha256)) &&
    obj(model) &&
    isStr(model.name) &&
    isStr(model.weight_checkpoint_sha256) &&
    obj(input) &&
    Array.isArray(input.tensors) &&
    input.tensors.every(tensorLike) &&
    (input.raw === null || obj(input.raw)) &&
    Array.isArray(outputs) &&
    outputs.length > 0 &&
    outputs.every(tensorLike) &&
    obj(latency) &&
    isNum(latency.measured_ms) &&
    isNumOrNull(latency.budget_ms) &&
    obj(memory) &&
    isNumOrNull(memory.peak_bytes) &&
    isNumOrNull(memory.budget_bytes) &&
    obj(environment);
  return ok ? (v as unknown as ComputeRecord) : null;
}
