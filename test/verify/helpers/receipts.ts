/**
 * Builds real receipts for tests from the project's own pieces: canonical JSON payloads,
 * DSSE envelopes, a signed C2SP checkpoint, and RFC 6962 inclusion proofs. The tree and
 * proofs are computed here straight from RFC 6962 §2.1 (MTH and PATH, recursively), not by
 * the log's own code, so the verifier is checked against an independent construction.
 */
import { canonicalBytes } from "../../../src/core/canonical-json.js";

import { sha256 } from "../../../src/core/hash.js";
import { signerFromSeed, VerifierSet, type Signer } from "../../../src/keys/index.js";
import { signCheckpoint } from "../../../src/log/checkpoint.js";
import { signEnvelope } from "../../../src/record/dsse.js";
import { buildReceipt, type Receipt } from "../../../src/record/receipt.js";

export const ORIGIN = "log.example/zeq-np-test";
export const PAYLOAD_TYPE = "application/vnd.zeq-np.test+json";

const leafHashOf = (leaf: Uint8Array) => sha256(Uint8Array.of(0), leaf);
const nodeHashOf = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1), l, r);

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 §2.1 MTH over leaf hashes. */
export function mth(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0]!;
  const k = split(hashes.length);
  return nodeHashOf(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]) over leaf hashes: leaf-side sibling first. */
export function path(m: number, hashes: Uint8Array[]): Uint8Array[] {
  if (hashes.length <= 1) return [];
  const k = split(hashes.length);
  return m < k
    ? [...path(m, hashes.slice(0, k)), mth(hashes.slice(k))]
    : [...path(m - k, hashes.slice(k)), mth(hashes.slice(0, k))];
}

export interface ReceiptFixture {
  logSigner: Signer;
  recordSigner: Signer;
  /** Trusts both the log key and the record key. */
  verifiers: VerifierSet;
  payloads: Uint8Array[];
  receipts: Receipt[];
  checkpoint: string;
  rootHash: Uint8Array;
}

export const LOG_SEED = new Uint8Array(32).fill(0x11);
export const RECORD_SEED = new Uint8Array(32).fill(0x22);

/** A log of `n` records, each with its receipt against one checkpoint of size n. */
export function buildReceipts(
  n: number,
  options: { logSigner?: Signer; recordSigner?: Signer; origin?: string } = {},
): ReceiptFixture {
  const logSigner = options.logSigner ?? signerFromSeed("log.example/zeq-np-test", LOG_SEED);
  const recordSigner = options.recordSigner ?? signerFromSeed("records.example/zeq-np-test", RECORD_SEED);
  const origin = options.origin ?? ORIGIN;
  const payloads = Array.from({ length: n }, (_, i) =>
    canonicalBytes({ record: i, model: "tiny-bert", logits: [i / 8, -i, 0.5], zeqond: 1745123600.542 + i }),
  );
  const envelopes = payloads.map((p) => signEnvelope(PAYLOAD_TYPE, p, recordSigner));
  const hashes = payloads.map(leafHashOf);
  const rootHash = mth(hashes);
  const checkpoint = signCheckpoint({ origin, size: n, rootHash }, [logSigner]);
  const receipts = envelopes.map((envelope, i) =>
    buildReceipt({ envelope, origin, index: i, treeSize: n, checkpoint, inclusionProof: path(i, hashes) }),
  );
  const verifiers = new VerifierSet([logSigner.verifier, recordSigner.verifier]);
  return { logSigner, recordSigner, verifiers, payloads, receipts, checkpoint, rootHash };
}

/** A deep copy, so tests can tamper freely. */
export function cloneReceipt(r: Receipt): Receipt {
  return JSON.parse(JSON.stringify(r)) as Receipt;
}
