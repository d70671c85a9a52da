/**
 * Section 3a: durable signed records per second with group commit. Each writer is a loop
 * that commits one record at a time the way the executor does (canonical bytes, DSSE
 * signature, durable log append, receipt); W writers run at once on the event loop, and
 * the log batches whatever is queued while a commit runs into the next transaction.
 */
import { summarize, type Summary } from "../lib/stats.js";
import { openBenchLog } from "./bench-log.js";
import { freshRecord, recordTemplate, type RecordShape } from "./record-template.js";

export interface ThroughputResult {
  writers: number;
  shape: RecordShape;
  recordBytes: number;
  records: number;
  seconds: number;
  perSecond: number;
  /** Latency of one commit (queueing for the group included). */
  commitMs: Summary;
  /** Mean records per SQLite transaction (the group size actually achieved). */
  perTransaction: number;
}

/** @throws when the log cannot be opened or a commit fails */
export async function measureThroughput(
  writers: number,
  seconds: number,
  shape: RecordShape,
  onProgress?: (done: number) => void,
): Promise<ThroughputResult> {
  const bench = await openBenchLog("throughput");
  try {
    const template = recordTemplate(shape, bench.signer.keyId);
    const sizes = new Map<number, number>(); // tree size → records in that commit
    const latencies: number[] = [];
    let recordBytes = 0;
    // Warm-up: JIT, the writer thread, the first WAL pages.
    for (let i = 0; i < 50; i++) await bench.committer.commit(freshRecord(template));
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const c = await bench.committer.commit(freshRecord(template));
        latencies.push(performance.now() - t);
        recordBytes = c.payload.length;
        sizes.set(c.receipt.log.tree_size, (sizes.get(c.receipt.log.tree_size) ?? 0) + 1);
        if (latencies.length % 500 === 0) onProgress?.(latencies.length);
      }
    };
    await Promise.all(Array.from({ length: writers }, loop));
    const elapsed = (performance.now() - start) / 1000;
    return {
      writers,
      shape,
      recordBytes,
      records: latencies.length,
      seconds: elapsed,
      perSecond: latencies.length / elapsed,
      commitMs: summarize(latencies),
      perTransaction: latencies.length / sizes.size,
    };
  } finally {
    await bench.close();
  }
}
