/**
 * Where the audited call's extra time goes, part by part, with the executor's own pieces
 * run one at a time on a real forward pass's inputs and outputs (fresh ones each repeat, so
 * the blob store writes what a stream of distinct requests makes it write):
 *
 *   retain inputs   input digests + tensor bundle of the feeds → blob store put. The executor
 *                   does this while the worker runs the pass: off the call's critical path.
 *   retain outputs  the same for each output of a pass too large to inline (over 4096
 *                   values together); only with `serve --retain-outputs`, on the critical
 *                   path when asked for
 *   output digests  SHA-256 of every output in the canonical encoding: done by the worker
 *                   after session.run, on the critical path
 *   record          assembling the compute record from the digests
 *   commit          canonical bytes, DSSE signature, durable log append, receipt
 *
 * The critical path of an audited call is the forward pass + output digests + record + commit.
 *
 * The floor is what no implementation of the spec can avoid on this machine: the SHA-256 of
 * every output byte (docs/spec.md digests whole tensors) and one fdatasync before the
 * receipt, timed right after a real forward pass (a disk idle for the length of a pass
 * syncs several times slower than one synced back to back).
 */
import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BlobStore } from "../../src/blob/store.js";
import { encodeTensorBundle } from "../../src/blob/tensor-bundle.js";
import { buildComputeRecord, inlinesValues } from "../../src/execute/record-builder.js";
import type { InputTensor, OutputTensor } from "../../src/execute/types.js";
import { tensorDigest } from "../../src/record/tensor-digest.js";
import { argmaxLastRow, nextStepFeeds, type ModelInputs } from "../lib/inputs.js";
import { BareSession } from "../lib/ort-direct.js";
import { summarize } from "../lib/stats.js";
import { openBenchLog } from "../log/bench-log.js";
import { BENCH_ENVIRONMENT } from "../log/record-template.js";

export interface BreakdownRow {
  model: string;
  kind: "pass" | "step";
  /** Bytes of the feeds and of the outputs retained as blobs. */
  inputBytes: number;
  retainedOutputBytes: number;
  /** Median ms of each part. */
  retainInputsMs: number;
  retainOutputsMs: number;
  outputDigestsMs: number;
  recordMs: number;
  commitMs: number;
  /** output digests + record + commit: what the audit adds to a call's latency by default. */
  criticalMs: number;
  /** One 8 KiB write + fdatasync right after a forward pass, median ms. */
  syncAfterPassMs: number;
  /** output digests + syncAfterPassMs: the least a durable, digest-complete record costs here. */
  floorMs: number;
}

const bytesOf = (ts: readonly { data: { byteLength: number } }[]) =>
  ts.reduce((s, t) => s + t.data.byteLength, 0);
const median = (v: number[]) => summarize(v).p50;

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

/** @throws when a model cannot be run */
export async function measureBreakdown(inputs: ModelInputs[], repeats: number): Promise<BreakdownRow[]> {
  const bench = await openBenchLog("breakdown");
  const blobs = new BlobStore(join(bench.dir, "blobs"));
  const probe = openSync(join(bench.dir, "sync-probe"), "w");
  const block = Buffer.alloc(8192, 0x5a);
  const syncAfterPass = (into: number[]): void => {
    const start = performance.now();
    writeSync(probe, block, 0, block.length, (into.length % 64) * block.length);
    fdatasyncSync(probe);
    into.push(performance.now() - start);
  };
  const rows: BreakdownRow[] = [];
  try {
    for (const input of inputs) {
      const session = await BareSession.open(input.onnxPath, 1);
      try {
        const cases: Array<{ kind: "pass" | "step"; feeds: InputTensor[]; outputs: OutputTensor[] }[]> = [];
        const syncs = { pass: [] as number[], step: [] as number[] };
        for (let r = 0; r < repeats; r++) {
          const feeds = (await input.variant(20_000 + r)).feeds;
          const out = await session.run(feeds);
          syncAfterPass(syncs.pass);
          const one: { kind: "pass" | "step"; feeds: InputTensor[]; outputs: OutputTensor[] }[] = [
            { kind: "pass", feeds, outputs: out.outputs },
          ];
          if (input.decoder) {
            const logits = out.outputs.find((o) => o.name === "logits")!;
            const next = argmaxLastRow(logits.data as Float32Array, logits.shape[1]!, logits.shape[2]!);
            const present = out.outputs.filter((o) => o.name.startsWith("present."));
            const stepFeeds = nextStepFeeds(input.decoder, next, input.inputSize, present);
            const stepOut = await session.run(stepFeeds);
            syncAfterPass(syncs.step);
            one.push({ kind: "step", feeds: stepFeeds, outputs: stepOut.outputs });
          }
          cases.push(one);
        }
        for (const kind of ["pass", "step"] as const) {
          const parts = {
            retainInputs: [] as number[],
            retainOutputs: [] as number[],
            outputDigests: [] as number[],
            record: [] as number[],
            commit: [] as number[],
          };
          let inputBytes = 0;
          let retainedOutputBytes = 0;
          for (const c of cases.flat().filter((x) => x.kind === kind)) {
            const [inMs, [digestedFeeds, retained]] = await timed(async () => {
              const digested = c.feeds.map((f) => ({ ...f, sha256: tensorDigest(f.dtype, f.shape, f.data) }));
              return [digested, await blobs.put(encodeTensorBundle(c.feeds))] as const;
            });
            const large = inlinesValues(c.outputs) ? [] : c.outputs;
            const [outMs, outBlobs] = await timed(async () => {
              const m = new Map<string, string>();
              for (const o of large) m.set(o.name, await blobs.put(encodeTensorBundle([o])));
              return m;
            });
            const [digestMs, digestedOutputs] = await timed(() =>
              c.outputs.map((o) => ({ ...o, sha256: tensorDigest(o.dtype, o.shape, o.data) })),
            );
            const [recordMs, record] = await timed(() =>
              buildComputeRecord({
                model: {
                  name: input.name,
                  version: "1",
                  weightCheckpointSha256: "ab".repeat(32),
                  file: "model.onnx",
                },
                requestId: `breakdown-${kind}`,
                batch: null,
                raw: null,
                feeds: digestedFeeds,
                retainedInputSha256: retained,
                outputs: digestedOutputs,
                outputBlobs: outBlobs,
                startedAtMs: Date.now(),
                operators: ["KO42"],
                latency: { budget_ms: null, measured_ms: 1, total_ms: 1, held: null },
                memory: { budget_bytes: null, predicted_bytes: null, peak_bytes: 0, held: null },
                environment: BENCH_ENVIRONMENT,
                previousRecordSha256: null,
                signerKeyId: bench.signer.keyId,
              }),
            );
            const [commitMs] = await timed(() => bench.committer.commit(record));
            parts.retainInputs.push(inMs);
            parts.retainOutputs.push(outMs);
            parts.outputDigests.push(digestMs);
            parts.record.push(recordMs);
            parts.commit.push(commitMs);
            inputBytes = bytesOf(c.feeds);
            retainedOutputBytes = bytesOf(large);
          }
          if (parts.commit.length === 0) continue;
          const row = {
            model: input.name,
            kind,
            inputBytes,
            retainedOutputBytes,
            retainInputsMs: median(parts.retainInputs),
            retainOutputsMs: median(parts.retainOutputs),
            outputDigestsMs: median(parts.outputDigests),
            recordMs: median(parts.record),
            commitMs: median(parts.commit),
          };
          const syncAfterPassMs = median(syncs[kind]);
          rows.push({
            ...row,
            criticalMs: row.outputDigestsMs + row.recordMs + row.commitMs,
            syncAfterPassMs,
            floorMs: row.outputDigestsMs + syncAfterPassMs,
          });
        }
      } finally {
        await session.release();
      }
    }
  } finally {
    closeSync(probe);
    await bench.close();
  }
  return rows;
}
