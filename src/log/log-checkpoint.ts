/**
 * The log's side of checkpoints: signing one for a (size, root) of a durable tree, and
 * checking that the signer returned the signed note of exactly that body.
 */
import { formatCheckpoint } from "./checkpoint.js";
import { LogError } from "./errors.js";
import type { StoredCheckpoint } from "./storage/contract.js";

/** Formats, signs and sanity-checks the checkpoint for (size, root). @throws {LogError} LOG_SIGN_FAILED */
export function signFor(
  origin: string,
  signer: (body: string) => string,
  size: number,
  rootHash: Uint8Array,
): StoredCheckpoint {
  let note: unknown;
  try {
    const body = formatCheckpoint({ origin, size, rootHash });
    note = signer(body);
    if (typeof note !== "string" || !note.startsWith(`${body}\n`)) {
      throw new Error("signCheckpoint must return the signed note of the body it was given");
    }
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new LogError("LOG_SIGN_FAILED", `cannot sign the checkpoint for size ${size}: ${why}`, { cause });
  }
  return { size, rootHash, note };
}
