/**
 * Where a commit's time goes, part by part, measured in isolation on the calling thread:
 * the CPU work per record (canonical encoding with schema check, DSSE signature, envelope
 * JSON) and the storage's durability floor (one write + fdatasync of the log's disk).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signEnvelope } from "../../src/record/dsse.js";
import { encodeComputeRecord } from "../../src/record/encode.js";
import { COMPUTE_RECORD_PAYLOAD_TYPE } from "../../src/record/schema.js";
import { summarize, type Summary } from "../lib/stats.js";
import { benchSigner } from "./bench-log.js";
import { freshRecord, recordTemplate, type RecordShape } from "./record-template.js";

export interface CommitParts {
  shape: RecordShape;
  records: number;
  /** Mean µs per record. */
  encodeUs: number;
  signUs: number;
  envelopeJsonUs: number;
  /** The records per second one thread could prepare if it did nothing else. */
  cpuCeilingPerSecond: number;
  /** One 4 KiB write + fdatasync in the temporary directory's file system, ms. */
  fdatasyncMs: Summary;
}

export function measureCommitParts(shape: RecordShape, records: number, syncs: number): CommitParts {
  const signer = benchSigner();
  const template = recordTemplate(shape, signer.keyId);
  const fresh = Array.from({ length: records }, () => freshRecord(template));
  for (let i = 0; i < 50; i++)
    signEnvelope(COMPUTE_RECORD_PAYLOAD_TYPE, encodeComputeRecord(fresh[i]!), signer);
  let t = performance.now();
  const payloads = fresh.map((r) => encodeComputeRecord(r));
  const encodeUs = ((performance.now() - t) * 1000) / records;
  t = performance.now();
  const envelopes = payloads.map((p) => signEnvelope(COMPUTE_RECORD_PAYLOAD_TYPE, p, signer));
  const signUs = ((performance.now() - t) * 1000) / records;
  t = performance.now();
  for (const e of envelopes) JSON.stringify(e);
  const envelopeJsonUs = ((performance.now() - t) * 1000) / records;

  const dir = mkdtempSync(join(tmpdir(), "zeq-bench-fsync-"));
  const times: number[] = [];
  try {
    const fd = openSync(join(dir, "probe"), "w");
    const block = Buffer.alloc(4096, 0x5a);
    for (let i = 0; i < syncs; i++) {
      const start = performance.now();
      writeSync(fd, block, 0, block.length, i * block.length);
      fdatasyncSync(fd);
      times.push(performance.now() - start);
    }
    closeSync(fd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    shape,
    records,
    encodeUs,
    signUs,
    envelopeJsonUs,
    cpuCeilingPerSecond: 1e6 / (encodeUs + signUs + envelopeJsonUs),
    fdatasyncMs: summarize(times),
  };
}
