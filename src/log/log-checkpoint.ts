/**
 * The log's side of checkpoints: signing one for a (size, root) of a durable tree, and
 * checking that the signer returned the signed note of exactly that body.
 */
import { bytesEqual } from "../core/bytes.js";
import { formatCheckpoint } from "./checkpoint.js";
import { LogError } from "./errors.js";
import { rootAt } from "./merkle/index.js";
import type { LogStorage, StoredCheckpoint } from "./storage/contract.js";

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

/**
 * The checkpoint a log starts from: the latest stored one, checked against the tree, or —
 * when the tree has grown past it or none exists — a new one for the head, signed and stored.
 * @throws {LogError} LOG_STORAGE_CORRUPT when the stored checkpoint contradicts the tree,
 *   LOG_SIGN_FAILED, and the storage's errors
 */
export async function checkpointForHead(
  storage: LogStorage,
  origin: string,
  signer: (body: string) => string,
): Promise<StoredCheckpoint> {
  const head = await storage.treeHead();
  const latest = await storage.latestCheckpoint();
  if (latest !== null) {
    if (latest.size > head.size) {
      throw new LogError(
        "LOG_STORAGE_CORRUPT",
        `stored checkpoint ${latest.size} is beyond the tree (${head.size})`,
      );
    }
    const root =
      latest.size === head.size ? head.rootHash : await rootAt(latest.size, (ids) => storage.readHashes(ids));
    if (!bytesEqual(root, latest.rootHash)) {
      throw new LogError("LOG_STORAGE_CORRUPT", `stored checkpoint ${latest.size} does not match the tree`);
    }
    if (latest.size === head.size) return latest;
  }
  const fresh = signFor(origin, signer, head.size, head.rootHash);
  await storage.saveCheckpoint(fresh);
  return fresh;
}
