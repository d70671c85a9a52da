/**
 * Receipt verification in the browser, as a linear pipeline of named steps:
 *
 *   parse → checkpoint-signature → envelope-signature → leaf-hash → inclusion
 *
 * Unlike a library verifier that throws at the first failure, this returns a report with
 * every step's outcome (passed, failed with its code, or not run), because the page shows
 * the user exactly where a receipt stops being trustworthy. Steps after a failure are not
 * run: nothing downstream of an unverified input means anything.
 */
import { fromUtf8, toHex, type Bytes } from "./bytes.js";
import { openCheckpoint, type VerifiedCheckpoint } from "./checkpoint.js";
import { verifyEnvelope } from "./dsse.js";
import { WebVerifyError, type WebVerifyErrorCode } from "./errors.js";
import type { TrustedKeys } from "./keys.js";
import { leafHash, verifyInclusion } from "./merkle.js";
import { parseJsonStrict, parseReceipt, type ParsedReceipt } from "./parse-receipt.js";

export const RECEIPT_STEPS = [
  "parse",
  "checkpoint-signature",
  "envelope-signature",
  "leaf-hash",
  "inclusion",
] as const;
export type ReceiptStep = (typeof RECEIPT_STEPS)[number];

export const STEP_TITLES: Record<ReceiptStep, string> = {
  parse: "Receipt is well formed",
  "checkpoint-signature": "Checkpoint signed by a trusted log key",
  "envelope-signature": "Record envelope (DSSE) signed by a trusted key",
  "leaf-hash": "Leaf hash = SHA-256(0x00 ‖ payload)",
  inclusion: "Inclusion proof leads to the checkpoint root",
};

export interface StepOutcome {
  step: ReceiptStep;
  status: "passed" | "failed" | "not-run";
  /** What was established, or why it failed. */
  detail: string;
  code?: WebVerifyErrorCode;
}

export interface ReceiptReport {
  ok: boolean;
  steps: StepOutcome[];
  receipt?: ParsedReceipt;
  checkpoint?: VerifiedCheckpoint;
  /** Key id of the key whose envelope signature verified. */
  envelopeSigner?: string;
  leafHash?: Bytes;
  /** The payload parsed as JSON, once its signature verified (undefined if not JSON). */
  payloadJson?: unknown;
}

type StepRun = (report: ReceiptReport) => Promise<string>;

function stepRunners(input: unknown, keys: TrustedKeys): Record<ReceiptStep, StepRun> {
  return {
    parse: async (r) => {
      r.receipt = parseReceipt(input);
      const { index, treeSize, origin } = r.receipt;
      const n = r.receipt.inclusionProof.length;
      return `log ${JSON.stringify(origin)}, index ${index} of ${treeSize}, ${n} proof ${n === 1 ? "hash" : "hashes"}`;
    },
    "checkpoint-signature": async (r) => {
      const receipt = r.receipt!;
      const verified = await openCheckpoint(receipt.checkpoint, keys);
      const { origin, size } = verified.checkpoint;
      if (origin !== receipt.origin || size !== receipt.treeSize) {
        throw new WebVerifyError(
          "WEB_VERIFY_CHECKPOINT_MISMATCH",
          `checkpoint is for ${JSON.stringify(origin)} size ${size}, the receipt for ${JSON.stringify(receipt.origin)} size ${receipt.treeSize}`,
        );
      }
      r.checkpoint = verified;
      return `signed by ${verified.signers.join(", ")}; tree size ${size}`;
    },
    "envelope-signature": async (r) => {
      const { envelope } = r.receipt!;
      const key = await verifyEnvelope(envelope, keys);
      r.envelopeSigner = key.keyId;
      try {
        r.payloadJson = parseJsonStrict(fromUtf8(envelope.payload, "payload"), "payload");
      } catch {
        r.payloadJson = undefined;
      }
      return `signed by ${key.keyId}; ${envelope.payloadType}, ${envelope.payload.length} bytes`;
    },
    "leaf-hash": async (r) => {
      r.leafHash = await leafHash(r.receipt!.envelope.payload);
      return toHex(r.leafHash);
    },
    inclusion: async (r) => {
      const { index, treeSize, inclusionProof } = r.receipt!;
      await verifyInclusion(index, treeSize, r.leafHash!, inclusionProof, r.checkpoint!.checkpoint.rootHash);
      return `root ${toHex(r.checkpoint!.checkpoint.rootHash)}`;
    },
  };
}

/**
 * Runs every step over a receipt (object or JSON text) with the trusted keys.
 * Never throws for bad input: failures are in the report.
 * @throws only on a programming error (anything that is not a WebVerifyError)
 */
export async function verifyReceipt(input: unknown, keys: TrustedKeys): Promise<ReceiptReport> {
  const report: ReceiptReport = { ok: false, steps: [] };
  const runners = stepRunners(input, keys);
  let failed = false;
  for (const step of RECEIPT_STEPS) {
    if (failed) {
      report.steps.push({ step, status: "not-run", detail: "not run: an earlier step failed" });
      continue;
    }
    try {
      const detail = await runners[step](report);
      report.steps.push({ step, status: "passed", detail });
    } catch (err) {
      if (!(err instanceof WebVerifyError)) throw err;
      failed = true;
      report.steps.push({ step, status: "failed", detail: err.message, code: err.code });
    }
  }
  report.ok = !failed;
  return report;
}
