/**
 * Compute record bytes: the canonical (RFC 8785) encoding that is signed and logged, and
 * the strict decoding a verifier applies to bytes it did not write.
 */
import { canonicalBytes, parseStrictJson } from "../core/canonical-json.js";
import { fromUtf8 } from "../core/bytes.js";
import { sha256Hex } from "../core/hash.js";
import { isZeqError } from "../core/errors.js";
import { RecordError } from "./errors.js";
import { validateComputeRecord, type ComputeRecord } from "./schema.js";

/** SHA-256 (hex) of the canonical JSON of a record's `input` object: its input hash. */
export function inputCommitment(input: ComputeRecord["input"]): string {
  return sha256Hex(canonicalBytes(input));
}

/**
 * Validates a record and returns its canonical bytes.
 * @throws {RecordError} RECORD_SCHEMA_INVALID when the record does not follow v1, or its
 *   input_sha256 does not commit to its input
 */
export function encodeComputeRecord(record: ComputeRecord): Uint8Array {
  const valid = validateComputeRecord(record);
  checkInputCommitment(valid);
  return canonicalBytes(valid);
}

/**
 * Decodes record bytes read from a log or a receipt. The bytes must be exactly the
 * canonical encoding of a valid record: a re-encoded or reordered record is refused, so
 * there is one byte string per record.
 * @throws {RecordError} RECORD_SCHEMA_INVALID
 */
export function decodeComputeRecord(bytes: Uint8Array): ComputeRecord {
  let value: unknown;
  try {
    value = parseStrictJson(fromUtf8(bytes));
  } catch (err) {
    if (err instanceof TypeError || isZeqError(err)) {
      throw new RecordError(
        "RECORD_SCHEMA_INVALID",
        `record bytes are not strict UTF-8 JSON: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
  const record = validateComputeRecord(value);
  checkInputCommitment(record);
  const canonical = canonicalBytes(record);
  if (canonical.length !== bytes.length || !canonical.every((b, i) => b === bytes[i])) {
    throw new RecordError(
      "RECORD_SCHEMA_INVALID",
      "record bytes are valid JSON but not in canonical (RFC 8785) form",
    );
  }
  return record;
}

function checkInputCommitment(record: ComputeRecord): void {
  if (inputCommitment(record.input) !== record.input_sha256) {
    throw new RecordError("RECORD_SCHEMA_INVALID", "input_sha256 does not match the canonical hash of input");
  }
}
