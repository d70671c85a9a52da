/**
 * Conversions from protobufjs plain objects (int64 as bigint) to checked numbers and strings.
 * Decoded messages are attacker-controlled, so nothing here trusts a field's type.
 */
import { ModelError } from "../errors.js";

/** A decoded message as protobufjs hands it over: field name to anything. */
export type Decoded = Record<string, unknown>;

export function malformed(path: string, what: string, cause?: unknown): ModelError {
  return new ModelError("MODEL_ONNX_MALFORMED", `${path}: not a valid ONNX model (${what})`, { cause });
}

export function unsupported(path: string, what: string): ModelError {
  return new ModelError("MODEL_ONNX_UNSUPPORTED", `${path}: ${what}`);
}

/** A non-negative int64 field as a safe integer, or `fallback` when absent. */
export function safeCount(value: unknown, path: string, what: string, fallback?: number): number {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw malformed(path, `${what} is missing`);
  }
  const n =
    typeof value === "bigint" ? value : typeof value === "number" ? BigInt(Math.trunc(value)) : undefined;
  if (n === undefined || n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw malformed(path, `${what} is not a non-negative integer below 2^53`);
  }
  return Number(n);
}

export function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function list(value: unknown): Decoded[] {
  return Array.isArray(value) ? (value.filter((v) => v !== null && typeof v === "object") as Decoded[]) : [];
}

export function obj(value: unknown): Decoded | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Decoded)
    : undefined;
}

/** Decimal integer string as used by external_data offset/length, or undefined if not one. */
export function decimal(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
