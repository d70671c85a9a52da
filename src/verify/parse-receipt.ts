/**
 * The `parse` step: turns an attacker-controlled receipt (JSON text or parsed value) into
 * typed, decoded fields, or fails with VERIFY_RECEIPT_MALFORMED. Nothing is trusted yet.
 */
import { parseStrictJson } from "../core/canonical-json.js";
import { isZeqError } from "../core/errors.js";
import { parseEnvelope, type ParsedEnvelope } from "../record/dsse.js";
import { ReceiptVerificationError } from "./errors.js";

/** A tree below 2^53 leaves has an audit path of at most 53 hashes. */
const MAX_PROOF_LENGTH = 64;

export interface ParsedReceipt {
  envelope: ParsedEnvelope;
  origin: string;
  index: number;
  treeSize: number;
  checkpoint: string;
  inclusionProof: Uint8Array[];
}

function fail(why: string, cause?: unknown): ReceiptVerificationError {
  return new ReceiptVerificationError("parse", "VERIFY_RECEIPT_MALFORMED", why, { cause });
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUE[BASE64_ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes canonical padded base64 of exactly 32 bytes (43 characters and "=", the last
 * character's 2 pad bits zero) into `out` at `offset`. False for anything else. Hand-rolled
 * because proofs hold up to 53 hashes and this runs for every receipt.
 */
function decodeHashInto(text: unknown, out: Uint8Array, offset: number): boolean {
  if (typeof text !== "string" || text.length !== 44 || text.charCodeAt(43) !== 0x3d) return false;
  let o = offset;
  for (let i = 0; i < 40; i += 4) {
    const a = value(text, i);
    const b = value(text, i + 1);
    const c = value(text, i + 2);
    const d = value(text, i + 3);
    if ((a | b | c | d) < 0) return false;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  const a = value(text, 40);
  const b = value(text, 41);
  const c = value(text, 42);
  if ((a | b | c) < 0 || (c & 3) !== 0) return false;
  out[o++] = (a << 2) | (b >> 4);
  out[o] = ((b & 15) << 4) | (c >> 2);
  return true;
}

function value(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? BASE64_VALUE[code]! : -1;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * @throws {ReceiptVerificationError} step "parse", VERIFY_RECEIPT_MALFORMED
 */
export function parseReceipt(receipt: unknown): ParsedReceipt {
  let value = receipt;
  if (typeof value === "string") {
    try {
      value = parseStrictJson(value);
    } catch (cause) {
      throw fail("receipt is not strict JSON", cause);
    }
  }
  if (!isRecord(value)) throw fail("receipt must be a JSON object");
  const { envelope, log } = value;
  if (!isRecord(log)) throw fail("log must be an object");
  const { origin, index, tree_size: treeSize, checkpoint, inclusion_proof: proof } = log;
  if (typeof origin !== "string" || origin === "") throw fail("log.origin must be a non-empty string");
  if (!isCount(index)) throw fail("log.index must be a non-negative safe integer");
  if (!isCount(treeSize)) throw fail("log.tree_size must be a non-negative safe integer");
  if (index >= treeSize) throw fail("log.index must be below log.tree_size");
  if (typeof checkpoint !== "string") throw fail("log.checkpoint must be a string");
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) {
    throw fail(`log.inclusion_proof must be an array of at most ${MAX_PROOF_LENGTH} hashes`);
  }
  const hashes = new Uint8Array(32 * proof.length);
  const inclusionProof: Uint8Array[] = [];
  for (let i = 0; i < proof.length; i++) {
    if (!decodeHashInto(proof[i], hashes, 32 * i)) {
      throw fail(`log.inclusion_proof[${i}] must be the canonical padded base64 of 32 bytes`);
    }
    inclusionProof.push(hashes.subarray(32 * i, 32 * i + 32));
  }
  let parsedEnvelope: ParsedEnvelope;
  try {
    parsedEnvelope = parseEnvelope(envelope);
  } catch (cause) {
    if (isZeqError(cause)) throw fail(`envelope: ${cause.message}`, cause);
    throw cause;
  }
  return { envelope: parsedEnvelope, origin, index, treeSize, checkpoint, inclusionProof };
}
