/**
 * Proving that one signed checkpoint extends another (the log was only appended to),
 * entirely in the browser: both signatures, same log, then the RFC 9162 consistency proof.
 */
import { fromBase64, type Bytes } from "./bytes.js";
import { openCheckpoint, type VerifiedCheckpoint } from "./checkpoint.js";
import { malformed, WebVerifyError, type WebVerifyErrorCode } from "./errors.js";
import type { TrustedKeys } from "./keys.js";
import { verifyConsistency } from "./merkle.js";

export interface ConsistencyReport {
  ok: boolean;
  older?: VerifiedCheckpoint;
  newer?: VerifiedCheckpoint;
  detail: string;
  code?: WebVerifyErrorCode;
}

function leaves(n: number): string {
  return n === 1 ? "1 leaf" : `${n} leaves`;
}

/**
 * Decodes a consistency proof as the API returns it (a list of base64 hashes).
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED
 */
export function parseProofHashes(value: unknown): Bytes[] {
  if (!Array.isArray(value) || value.length > 128)
    throw malformed("proof must be a list of at most 128 hashes");
  return value.map((h: unknown, i) => fromBase64(h, `proof[${i}]`));
}

/**
 * Verifies `olderNote` and `newerNote` (signed checkpoints) and the proof between them.
 * Never throws for bad input: the report says what failed.
 */
export async function verifyCheckpointConsistency(
  olderNote: string,
  newerNote: string,
  proof: unknown,
  keys: TrustedKeys,
): Promise<ConsistencyReport> {
  const report: ConsistencyReport = { ok: false, detail: "" };
  try {
    report.older = await openCheckpoint(olderNote, keys);
    report.newer = await openCheckpoint(newerNote, keys);
    const a = report.older.checkpoint;
    const b = report.newer.checkpoint;
    if (a.origin !== b.origin) {
      throw new WebVerifyError(
        "WEB_VERIFY_CHECKPOINT_MISMATCH",
        "the two checkpoints are from different logs",
      );
    }
    await verifyConsistency(a.size, b.size, a.rootHash, b.rootHash, parseProofHashes(proof));
    report.ok = true;
    report.detail = `the tree of ${leaves(a.size)} is a prefix of the tree of ${leaves(b.size)}`;
  } catch (err) {
    if (!(err instanceof WebVerifyError)) throw err;
    report.detail = err.message;
    report.code = err.code;
  }
  return report;
}
