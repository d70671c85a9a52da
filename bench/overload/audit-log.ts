/**
 * After the overload run, with the server stopped: fsck the log it wrote (every hash
 * recomputed, every checkpoint opened and checked for consistency), then account for every
 * record. Each acknowledged request (a 200 with a receipt) must have exactly one record, at
 * the index its receipt names, with the very payload bytes the receipt carries; any other
 * record must belong to a request that was not acknowledged with a receipt (a CS43 overrun
 * answered 504 still leaves its signed record, held=false), never to a refused one (503).
 */
import { createHash } from "node:crypto";
import { openCheckpoint } from "../../src/log/checkpoint.js";
import { fsck } from "../../src/log/fsck.js";
import { openSqliteStorage } from "../../src/log/storage/sqlite.js";
import { VerifierSet } from "../../src/keys/index.js";
import type { Outcome } from "./open-loop.js";

export interface LogAudit {
  fsckOk: boolean;
  fsckProblems: string[];
  leaves: number;
  acknowledged: number;
  /** Acknowledged requests whose record is at its index with its exact bytes, exactly once. */
  acknowledgedFound: number;
  /** Records of requests that got no receipt, by the status they were answered with. */
  unacknowledgedRecords: Record<string, number>;
  /**
   * The late records (504s: answered at the deadline, committed afterwards with held=false):
   * their forward pass alone (latency.measured_ms) and admission to result (total_ms).
   */
  lateRuns: Array<{ measuredMs: number; totalMs: number; budgetMs: number | null }>;
  /** Records of refused (503) requests: must be 0. */
  recordsOfRefused: number;
  /** Records whose request id appears more than once, or is unknown to the client. */
  duplicates: number;
  unknown: number;
  /** Every acknowledged record is present once and no refused request left a record. */
  ok: boolean;
}

/** @throws when the log store cannot be opened */
export async function auditLog(
  logPath: string,
  verifierKey: string,
  outcomes: readonly Outcome[],
): Promise<LogAudit> {
  const storage = await openSqliteStorage(logPath, { mustExist: true, writer: "inline" });
  try {
    const verifiers = new VerifierSet([verifierKey]);
    const report = await fsck(storage, (note) => {
      const opened = openCheckpoint(note, verifiers);
      return { size: opened.checkpoint.size, rootHash: opened.checkpoint.rootHash };
    });
    const byRequest = new Map<string, Outcome>(outcomes.map((o) => [o.requestId, o]));
    const seen = new Map<string, number>();
    const found = new Set<string>();
    const unacknowledged: Record<string, number> = {};
    const late: LogAudit["lateRuns"] = [];
    let recordsOfRefused = 0;
    let unknown = 0;
    const chunk = 1024;
    for (let start = 0; start < report.treeSize; start += chunk) {
      const entries = await storage.readEntries(start, chunk);
      entries.forEach((entry, i) => {
        const index = start + i;
        const record = JSON.parse(Buffer.from(entry.leaf).toString("utf8")) as {
          request_id?: string;
          latency?: { measured_ms: number; total_ms: number; budget_ms: number | null };
        };
        const id = record.request_id ?? "";
        seen.set(id, (seen.get(id) ?? 0) + 1);
        const outcome = byRequest.get(id);
        if (outcome === undefined) {
          unknown++;
          return;
        }
        if (outcome.status === 200) {
          const sha = createHash("sha256").update(entry.leaf).digest("hex");
          if (outcome.logIndex === index && outcome.payloadSha256 === sha) found.add(id);
        } else {
          const key = String(outcome.status);
          unacknowledged[key] = (unacknowledged[key] ?? 0) + 1;
          if (outcome.status === 503) recordsOfRefused++;
          if (outcome.status === 504 && record.latency)
            late.push({
              measuredMs: record.latency.measured_ms,
              totalMs: record.latency.total_ms,
              budgetMs: record.latency.budget_ms,
            });
        }
      });
    }
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const acknowledged = outcomes.filter((o) => o.status === 200).length;
    return {
      fsckOk: report.ok,
      fsckProblems: report.problems.map((p) => `${p.kind}: ${p.message}`),
      leaves: report.treeSize,
      acknowledged,
      acknowledgedFound: found.size,
      unacknowledgedRecords: unacknowledged,
      lateRuns: late,
      recordsOfRefused,
      duplicates,
      unknown,
      ok:
        report.ok &&
        found.size === acknowledged &&
        recordsOfRefused === 0 &&
        duplicates === 0 &&
        unknown === 0,
    };
  } finally {
    await storage.close();
  }
}
