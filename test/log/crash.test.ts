/**
 * Crash safety: a child process appends in a loop and prints every acknowledged record;
 * it is killed with SIGKILL at random moments, over and over. After each kill the store
 * is reopened: every record ever acknowledged must be there byte for byte at its index,
 * fsck must be clean, and every checkpoint ever handed out must be consistent with the
 * current tree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fromBase64, fromUtf8, toHex } from "../../src/core/bytes.js";
import { sha256Hex } from "../../src/core/hash.js";
import { fsck } from "../../src/log/fsck.js";
import { consistencyProof, rootAt, verifyConsistency } from "../../src/log/merkle/index.js";
import { openNote, tempStore } from "./helpers.js";

const KILLS = 20;
const child = fileURLToPath(new URL("./fixtures/append-loop.ts", import.meta.url));

interface Run {
  acked: Map<number, string>;
  checkpoints: { size: number; rootHash: Uint8Array }[];
  errors: string[];
}

/** Runs the child until it has acknowledged a few records, then SIGKILLs it after a random delay. */
function runAndKill(path: string, tag: string, writer: string): Promise<Run> {
  const run: Run = { acked: new Map(), checkpoints: [], errors: [] };
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, path, writer, tag], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    let stderr = "";
    let armed = false;
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [kind, a, b] = line.split(" ");
        if (kind === "A") run.acked.set(Number(a), b as string);
        else if (kind === "C") run.checkpoints.push(openNote(fromUtf8(fromBase64(a as string))));
        else if (kind === "E") run.errors.push(line);
      }
      // Kill at a random moment once appends are flowing (kill points land anywhere in a commit).
      if (!armed && run.acked.size > 0) {
        armed = true;
        setTimeout(() => proc.kill("SIGKILL"), Math.floor(Math.random() * 120));
      }
    });
    proc.on("error", reject);
    proc.on("exit", (codeOrNull, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`child exited (${codeOrNull}) before the kill: ${stderr}`));
      else resolve(run);
    });
  });
}

test("SIGKILL at random moments never loses an acknowledged record nor breaks the log", async (t) => {
  const store = tempStore();
  const acked = new Map<number, string>();
  const checkpoints: { size: number; rootHash: Uint8Array }[] = [];
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      // Both acknowledgement paths: the default writer thread every third run (starting a
      // thread under tsx costs the most time here), inline writes otherwise.
      const run = await runAndKill(store.path, `k${kill}`, kill % 3 === 0 ? "thread" : "inline");
      assert.deepEqual(run.errors, [], `kill ${kill}: the child saw failed appends`);
      for (const [i, h] of run.acked) {
        assert.ok(!acked.has(i) || acked.get(i) === h, `index ${i} acknowledged twice with different leaves`);
        acked.set(i, h);
      }
      checkpoints.push(...run.checkpoints);

      const storage = await store.open();
      try {
        const head = await storage.treeHead();
        const maxAcked = Math.max(...acked.keys());
        assert.ok(
          head.size > maxAcked,
          `kill ${kill}: tree has ${head.size} leaves, record ${maxAcked} was acked`,
        );
        const entries = await storage.readEntries(0, head.size);
        for (const [i, h] of acked) assert.equal(sha256Hex(entries[i]!.leaf), h, `kill ${kill}: record ${i}`);

        const report = await fsck(storage, openNote);
        assert.deepEqual(report.problems, [], `kill ${kill}: fsck`);

        const read = (ids: Parameters<typeof storage.readHashes>[0]) => storage.readHashes(ids);
        for (const cp of checkpoints) {
          assert.ok(cp.size <= head.size, `checkpoint ${cp.size} beyond the tree`);
          assert.equal(toHex(await rootAt(cp.size, read)), toHex(cp.rootHash), `checkpoint ${cp.size} root`);
          if (cp.size > 0) {
            const proof = await consistencyProof(cp.size, head.size, read);
            verifyConsistency(cp.size, head.size, proof, cp.rootHash, head.rootHash);
          }
        }
      } finally {
        await storage.close();
      }
    }
    t.diagnostic(
      `${KILLS} kills, ${acked.size} acknowledged records, ${checkpoints.length} checkpoints checked`,
    );
    assert.ok(checkpoints.length >= KILLS);
  } finally {
    store.remove();
  }
});
