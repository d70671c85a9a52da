/**
 * Section 3b: appends and proofs as the tree grows (RFC 6962 promises O(log n) for both).
 * The tree is grown to each size with the storage's own batch append (`sequence`) of
 * precomputed leaves, on the inline writer (setup, not measured); then the log is opened
 * as an instance opens it and measured at that size:
 *
 *   tree work   read the right edge + integrate one leaf (the pure part of an append)
 *   append      one signed record committed durably through the log (fsync included)
 *   inclusion   an inclusion proof for a random leaf, read from the store
 *   consistency a consistency proof from a random earlier size
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { edgeIds } from "../../src/log/merkle/index.js";
import { prepareBatch } from "../../src/log/storage/sequencer.js";
import { openSqliteStorage } from "../../src/log/storage/sqlite.js";
import type { LogEntry } from "../../src/log/storage/contract.js";
import { progress } from "../lib/progress.js";
import { summarize, type Summary } from "../lib/stats.js";
import { benchSigner, openBenchLogAt } from "./bench-log.js";
import { freshRecord, recordTemplate } from "./record-template.js";

export interface ScalePoint {
  size: number;
  /** Seconds spent growing the tree from the previous size (setup). */
  buildSeconds: number;
  buildLeavesPerSecond: number;
  databaseBytes: number;
  treeWorkUs: Summary;
  appendMs: Summary;
  inclusionUs: Summary;
  consistencyUs: Summary;
}

export interface ScalePlan {
  sizes: number[];
  batch: number;
  appends: number;
  proofs: number;
}

const EMPTY = new Uint8Array(0);

/** Leaves [from, to): 16 bytes each, distinct (the index, then a constant tag). */
function leaves(from: number, to: number): LogEntry[] {
  const out: LogEntry[] = new Array(to - from);
  for (let i = from; i < to; i++) {
    const leaf = new Uint8Array(16);
    const view = new DataView(leaf.buffer);
    view.setFloat64(0, i);
    view.setUint32(8, 0x7a657121);
    out[i - from] = { leaf, extra: EMPTY };
  }
  return out;
}

/** Deterministic pseudo-random integers in [0, bound). */
function randoms(count: number, bound: number, seed: number): number[] {
  let x = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % bound;
  });
}

async function grow(
  path: string,
  target: number,
  batch: number,
): Promise<{ seconds: number; added: number }> {
  const storage = await openSqliteStorage(path, { writer: "inline" });
  const bar = progress(`log: growing the tree to ${target.toLocaleString("en")} leaves`);
  const start = performance.now();
  let size = (await storage.treeHead()).size;
  const from = size;
  try {
    while (size < target) {
      const next = Math.min(target, size + batch);
      await storage.sequence({ entries: leaves(size, next) });
      size = next;
      bar.update(size, target, `${Math.round((size - from) / ((performance.now() - start) / 1000))}/s`);
    }
  } finally {
    bar.stop();
    await storage.close();
  }
  return { seconds: (performance.now() - start) / 1000, added: size - from };
}

async function measureAt(path: string, plan: ScalePlan, signer: ReturnType<typeof benchSigner>) {
  const opened = await openBenchLogAt(path, signer);
  try {
    const { storage, log, committer } = opened;
    const template = recordTemplate("bert", signer.keyId);
    const entry: LogEntry = { leaf: new Uint8Array(1800), extra: new Uint8Array(3000) };
    const treeWork: number[] = [];
    for (let i = 0; i < plan.proofs; i++) {
      const head = await storage.treeHead();
      const start = performance.now();
      prepareBatch(head, await storage.readHashes(edgeIds(head.size)), [entry]);
      treeWork.push((performance.now() - start) * 1000);
    }
    const appends: number[] = [];
    for (let i = 0; i < plan.appends; i++) {
      const start = performance.now();
      await committer.commit(freshRecord(template));
      appends.push(performance.now() - start);
    }
    const size = (await log.latestCheckpoint()).size;
    const inclusion: number[] = [];
    for (const index of randoms(plan.proofs, size, size)) {
      const start = performance.now();
      await log.inclusionProof(index, size);
      inclusion.push((performance.now() - start) * 1000);
    }
    const consistency: number[] = [];
    for (const from of randoms(plan.proofs, size - 1, size + 7)) {
      const start = performance.now();
      await log.consistencyProof(from + 1, size);
      consistency.push((performance.now() - start) * 1000);
    }
    return {
      treeWorkUs: summarize(treeWork),
      appendMs: summarize(appends),
      inclusionUs: summarize(inclusion),
      consistencyUs: summarize(consistency),
    };
  } finally {
    await opened.close();
  }
}

/** @throws on any storage failure */
export async function measureScale(plan: ScalePlan): Promise<ScalePoint[]> {
  const dir = mkdtempSync(join(tmpdir(), "zeq-bench-scale-"));
  const path = join(dir, "log.sqlite");
  const signer = benchSigner();
  const points: ScalePoint[] = [];
  try {
    for (const size of plan.sizes) {
      const built = await grow(path, size, plan.batch);
      const measured = await measureAt(path, plan, signer);
      points.push({
        size,
        buildSeconds: built.seconds,
        buildLeavesPerSecond: built.added / built.seconds,
        databaseBytes: statSync(path).size,
        ...measured,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return points;
}
