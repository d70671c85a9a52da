/**
 * Independent verification: receipts made by our code are checked by a small Go program
 * built on the Go checksum database's reference packages (sumdb/note, sumdb/tlog) and
 * crypto/ed25519. It must accept every genuine receipt and refuse every tampered one.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromBase64, toBase64 } from "../../src/core/bytes.js";
import type { Receipt } from "../../src/record/receipt.js";
import { verifyReceipt } from "../../src/verify/index.js";
import { buildReceipts, cloneReceipt } from "../verify/helpers/receipts.js";
import { buildWorkedExample } from "../verify/helpers/worked-example.js";

const SOURCE_DIR = fileURLToPath(new URL("./go-verify/", import.meta.url));
let work = "";
let binary = "";
let skipReason: string | undefined;

function goEnv(): NodeJS.ProcessEnv {
  // Offline, GOPATH mode against Debian's golang.org/x/mod sources: no module download.
  return {
    ...process.env,
    GOPATH: "/usr/share/gocode",
    GO111MODULE: "off",
    GOFLAGS: "",
    GOPROXY: "off",
    GOCACHE: join(tmpdir(), "zeq-np-go-build-cache"),
  };
}

before(() => {
  const version = spawnSync("go", ["version"], { encoding: "utf8" });
  if (version.error !== undefined || version.status !== 0) {
    skipReason = "the go toolchain is not installed (apt-get install golang-go golang-golang-x-mod-dev)";
    return;
  }
  work = mkdtempSync(join(tmpdir(), "zeq-go-verify-"));
  binary = join(work, "go-verify");
  const build = spawnSync("go", ["build", "-o", binary, "."], {
    cwd: SOURCE_DIR,
    env: goEnv(),
    encoding: "utf8",
  });
  if (build.status !== 0) {
    if (/cannot find package "golang.org\/x\/mod/.test(build.stderr)) {
      skipReason = "golang.org/x/mod sources are missing (apt-get install golang-golang-x-mod-dev)";
      return;
    }
    throw new Error(`go build failed:\n${build.stderr}`);
  }
});

after(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

function skipped(t: { diagnostic(msg: string): void; skip(msg: string): void }): boolean {
  if (skipReason === undefined) return false;
  t.diagnostic(`SKIPPED: ${skipReason}`);
  console.warn(`SKIPPED: ${skipReason}`);
  t.skip(skipReason);
  return true;
}

/** Runs the Go verifier on receipts; returns the per-receipt verdicts, in order. */
function goVerify(vkeys: string[], receipts: Receipt[], label: string): boolean[] {
  const dir = join(work, label);
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, "trusted.vkeys");
  writeFileSync(keyFile, `${vkeys.join("\n")}\n`);
  const files = receipts.map((r, i) => {
    const f = join(dir, `receipt-${i}.json`);
    writeFileSync(f, JSON.stringify(r));
    return f;
  });
  const run = spawnSync(binary, [keyFile, ...files], { encoding: "utf8" });
  assert.notEqual(run.status, 2, `go-verify usage/key error: ${run.stderr}`);
  const lines = run.stdout.trim().split("\n");
  assert.equal(lines.length, files.length, run.stdout);
  return lines.map((line, i) => {
    assert.ok(line.endsWith(files[i]!) || line.startsWith(`FAIL ${files[i]}:`), line);
    return line.startsWith("OK ");
  });
}

test("Go accepts every genuine receipt, for several tree sizes", (t) => {
  if (skipped(t)) return;
  for (const n of [1, 2, 3, 7, 8, 13]) {
    const fx = buildReceipts(n);
    const vkeys = [fx.logSigner.verifierKey, fx.recordSigner.verifierKey];
    assert.deepEqual(goVerify(vkeys, fx.receipts, `good-${n}`), Array(n).fill(true), `tree size ${n}`);
  }
});

test("Go accepts the worked example of the signing spec", (t) => {
  if (skipped(t)) return;
  const ex = buildWorkedExample();
  assert.deepEqual(goVerify([ex.logVerifierKey, ex.recordVerifierKey], [ex.receipt], "worked-example"), [
    true,
  ]);
});

test("Go refuses tampered receipts (each also refused by our verifier)", (t) => {
  if (skipped(t)) return;
  const fx = buildReceipts(11);
  const vkeys = [fx.logSigner.verifierKey, fx.recordSigner.verifierKey];
  const flipB64 = (s: string, at: number) => {
    const b = fromBase64(s);
    b[at % b.length]! ^= 1;
    return toBase64(b);
  };
  const tampered: Receipt[] = [];
  const tamper = (i: number, f: (r: Receipt) => void) => {
    const r = cloneReceipt(fx.receipts[i]!);
    f(r);
    tampered.push(r);
  };
  for (let i = 0; i < 11; i += 2) {
    tamper(i, (r) => (r.envelope.payload = flipB64(r.envelope.payload, i * 7)));
    tamper(i, (r) => (r.envelope.signatures[0]!.sig = flipB64(r.envelope.signatures[0]!.sig, i * 5)));
    tamper(i, (r) => (r.envelope.payloadType += "x"));
    tamper(i, (r) => (r.log.inclusion_proof[0] = flipB64(r.log.inclusion_proof[0]!, i)));
    tamper(i, (r) => (r.log.index = (r.log.index + 1) % 11));
    tamper(i, (r) => (r.log.tree_size = 12));
    tamper(i, (r) => (r.log.origin = "log.example/other"));
    tamper(i, (r) => (r.log.checkpoint = r.log.checkpoint.replace("\n11\n", "\n10\n")));
    tamper(i, (r) => {
      const c = r.log.checkpoint;
      const k = c.lastIndexOf(" ") + 5 + i;
      r.log.checkpoint = c.slice(0, k) + (c[k] === "A" ? "B" : "A") + c.slice(k + 1);
    });
    tamper(i, (r) => (r.envelope = fx.receipts[(i + 1) % 11]!.envelope));
  }
  for (const r of tampered)
    assert.throws(() => verifyReceipt(r, fx.verifiers), "our verifier refuses it too");
  const verdicts = goVerify(vkeys, tampered, "tampered");
  verdicts.forEach((ok, i) => assert.equal(ok, false, `tampered receipt ${i} accepted by Go`));
});

test("Go refuses genuine receipts when the log key or the record key is not trusted", (t) => {
  if (skipped(t)) return;
  const fx = buildReceipts(4);
  assert.deepEqual(goVerify([fx.recordSigner.verifierKey], fx.receipts, "no-log-key"), [
    false,
    false,
    false,
    false,
  ]);
  assert.deepEqual(goVerify([fx.logSigner.verifierKey], fx.receipts, "no-record-key"), [
    false,
    false,
    false,
    false,
  ]);
});
