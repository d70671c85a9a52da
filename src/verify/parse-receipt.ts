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

// Canonical base64 of 32 bytes: 43 characters, the last carrying 2 zero pad bits, and "=".
const HASH_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** A 32-byte hash in canonical padded base64, or undefined. */
function decodeHash(text: unknown): Uint8Array | undefined {
  if (typeof text !== "string" || !HASH_BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
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
  const inclusionProof = proof.map((h: unknown, i) => {
    const bytes = decodeHash(h);
    if (bytes === undefined) throw fail(`log.inclusion_proof[${i}] must be the padded base64 of 32 bytes`);
    return bytes;
  });
  let parsedEnvelope: ParsedEnvelope;
  try {
    parsedEnvelope = parseEnvelope(envelope);
  } catch (cause) {
    if (isZeqError(cause)) throw fail(`envelope: ${cause.message}`, cause);
    throw cause;
  }
  return { envelope: parsedEnvelope, origin, index, treeSize, checkpoint, inclusionProof };
}
