/**
 * The `parse` step: a receipt is attacker-controlled JSON
 *   {"envelope": <DSSE>, "log": {"origin", "index", "tree_size", "checkpoint", "inclusion_proof"}}
 * Its shape is checked and its base64 decoded here; nothing is trusted yet. Unknown fields
 * are ignored so later receipt versions may add some.
 */
import { parseStrictJson } from "../../../src/core/strict-json-parser.js";
import { fromBase64, type Bytes } from "./bytes.js";
import { parseEnvelope, type ParsedEnvelope } from "./dsse.js";
import { malformed } from "./errors.js";

/** A proof deeper than this cannot belong to a tree of at most 2^53 leaves. */
const MAX_PROOF_LENGTH = 64;

export interface ParsedReceipt {
  envelope: ParsedEnvelope;
  origin: string;
  index: number;
  treeSize: number;
  /** The signed checkpoint note, as text. */
  checkpoint: string;
  inclusionProof: Bytes[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses JSON text with the project's strict rules (no duplicate keys, no lone surrogates):
 * two readers of one receipt must never see different values.
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED
 */
export function parseJsonStrict(text: string, what: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw malformed(`${what} is not strict JSON: ${why}`);
  }
}

/**
 * Accepts a receipt object or its JSON text. A compute response that carries the receipt
 * in a `receipt` field is accepted as well, so a saved API response can be dropped as is.
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED
 */
export function parseReceipt(input: unknown): ParsedReceipt {
  let value = typeof input === "string" ? parseJsonStrict(input, "receipt") : input;
  if (isObject(value) && !("envelope" in value) && isObject(value.receipt)) value = value.receipt;
  if (!isObject(value)) throw malformed("receipt must be a JSON object");
  const { envelope, log } = value;
  if (!isObject(log)) throw malformed("receipt.log must be an object");
  const { origin, index, tree_size: treeSize, checkpoint, inclusion_proof: proof } = log;
  if (typeof origin !== "string" || origin === "")
    throw malformed("receipt.log.origin must be non-empty text");
  if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) {
    throw malformed("receipt.log.index must be a non-negative integer");
  }
  if (typeof treeSize !== "number" || !Number.isSafeInteger(treeSize) || treeSize <= index) {
    throw malformed("receipt.log.tree_size must be an integer above the index");
  }
  if (typeof checkpoint !== "string") throw malformed("receipt.log.checkpoint must be the signed note text");
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) {
    throw malformed(`receipt.log.inclusion_proof must be a list of at most ${MAX_PROOF_LENGTH} hashes`);
  }
  const inclusionProof = proof.map((h: unknown, i) => {
    const bytes = fromBase64(h, `inclusion_proof[${i}]`);
    if (bytes.length !== 32) throw malformed(`inclusion_proof[${i}] is not a 32-byte hash`);
    return bytes;
  });
  return { envelope: parseEnvelope(envelope), origin, index, treeSize, checkpoint, inclusionProof };
}
