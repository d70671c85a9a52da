/**
 * A generation leaves one record per forward pass; each names the SHA-256 of the previous
 * step's payload in `previous_record_sha256`. Checking a generation means verifying every
 * step's receipt and that the links are unbroken and in order.
 */
import { toHex } from "./bytes.js";
import { sha256 } from "./crypto.js";
import type { TrustedKeys } from "./keys.js";
import { verifyReceipt, type ReceiptStep } from "./receipt.js";

export interface ChainReport {
  ok: boolean;
  /** Receipts that verified, out of `total`. */
  verified: number;
  total: number;
  detail: string;
  /** The first failing step index and receipt step, when a receipt failed. */
  failure?: { index: number; step: ReceiptStep | "chain" };
}

function previousOf(payloadJson: unknown): string | null | undefined {
  if (typeof payloadJson !== "object" || payloadJson === null) return undefined;
  const v = (payloadJson as Record<string, unknown>).previous_record_sha256;
  return typeof v === "string" || v === null ? v : undefined;
}

/**
 * Verifies each receipt (in generation order) and the previous_record_sha256 links.
 * Never throws for bad input.
 */
export async function verifyGenerationChain(
  receipts: readonly unknown[],
  keys: TrustedKeys,
): Promise<ChainReport> {
  const total = receipts.length;
  let previous: string | null = null;
  for (let i = 0; i < total; i++) {
    const report = await verifyReceipt(receipts[i], keys);
    if (!report.ok) {
      const failed = report.steps.find((s) => s.status === "failed");
      return {
        ok: false,
        verified: i,
        total,
        detail: `step ${i}: ${failed?.code ?? ""} ${failed?.detail ?? ""}`.trim(),
        failure: { index: i, step: failed?.step ?? "parse" },
      };
    }
    const link = previousOf(report.payloadJson);
    const expected = i === 0 ? link : previous;
    if (link === undefined || (i > 0 && link !== expected)) {
      return {
        ok: false,
        verified: i,
        total,
        detail: `step ${i} does not name the previous step's record (previous_record_sha256)`,
        failure: { index: i, step: "chain" },
      };
    }
    previous = toHex(await sha256(report.receipt!.envelope.payload));
  }
  return {
    ok: true,
    verified: total,
    total,
    detail: `${total} receipts verified; every step names the one before`,
  };
}
