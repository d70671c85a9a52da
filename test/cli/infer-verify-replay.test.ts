import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBase64, toBase64 } from "../../src/core/bytes.js";
import { FIXTURE_MODELS } from "../execute/instance-fixture.js";
import { runCli } from "./run-cli.js";

const data = mkdtempSync(join(tmpdir(), "zeq-cli-"));
const receiptPath = join(data, "r.json");
const models = ["--models", FIXTURE_MODELS];

function tamperedLogits(path: string): string {
  const receipt = JSON.parse(readFileSync(path, "utf8"));
  const record = JSON.parse(new TextDecoder().decode(fromBase64(receipt.envelope.payload)));
  record.outputs[0].values[0] += 1; // an edited logit
  receipt.envelope.payload = toBase64(new TextEncoder().encode(JSON.stringify(record)));
  const out = join(data, "tampered.json");
  writeFileSync(out, JSON.stringify(receipt));
  return out;
}

test("keys generate writes a 0600 key and refuses to overwrite it", () => {
  const first = runCli(["--data", data, "keys", "generate", "--name", "cli.test/zeq-np"]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^cli\.test\/zeq-np\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/m);
  const mode = statSync(join(data, "signing.key")).mode & 0o777;
  assert.equal(mode, 0o600);
  const again = runCli(["--data", data, "keys", "generate"]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /KEY_FILE_EXISTS/);
  const shown = runCli(["--data", data, "keys", "show"]);
  assert.equal(shown.stdout.trim(), first.stdout.trim().split("\n").pop());
});

test("infer then verify then replay succeed; an edited logit fails both, naming why", () => {
  const infer = runCli([
    "--data",
    data,
    "infer",
    ...models,
    "--model",
    "resnet50-tiny",
    "--tensors",
    writeTensor(),
    "--out",
    receiptPath,
  ]);
  assert.equal(infer.status, 0, infer.stderr);
  const vkey = runCli(["--data", data, "keys", "show"]).stdout.trim();

  const verify = runCli(["verify", receiptPath, "--vkey", vkey]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /ok {4}inclusion/);
  assert.match(verify.stdout, /ok {4}record/);

  const replay = runCli(["--data", data, "replay", receiptPath, ...models, "--vkey", vkey]);
  assert.equal(replay.status, 0, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /bit-identical/);

  const tampered = tamperedLogits(receiptPath);
  const badVerify = runCli(["verify", tampered, "--vkey", vkey, "--json"]);
  assert.equal(badVerify.status, 1);
  const report = JSON.parse(badVerify.stdout);
  assert.equal(report.valid, false);
  assert.equal(report.failed_step, "envelope-signature");
  const badReplay = runCli(["--data", data, "replay", tampered, ...models, "--vkey", vkey, "--json"]);
  assert.equal(badReplay.status, 1);
  assert.equal(JSON.parse(badReplay.stdout).failed_step, "receipt");

  // A verifier key that did not sign fails at the checkpoint.
  const otherData = mkdtempSync(join(tmpdir(), "zeq-cli-other-"));
  const other = runCli(["--data", otherData, "keys", "generate", "--name", "other/zeq-np"])
    .stdout.trim()
    .split("\n")
    .pop()!;
  const wrongKey = runCli(["verify", receiptPath, "--vkey", other, "--json"]);
  assert.equal(wrongKey.status, 1);
  assert.equal(JSON.parse(wrongKey.stdout).failed_step, "checkpoint-signature");
});

test("log commands answer with proofs and fsck is clean", () => {
  const cp = runCli(["--data", data, "log", "checkpoint"]);
  assert.equal(cp.status, 0, cp.stderr);
  assert.match(cp.stdout, /^cli\.test\/zeq-np\n\d+\n[A-Za-z0-9+/=]{44}\n\n— cli\.test\/zeq-np /);
  const prove = runCli(["--data", data, "log", "prove", "--index", "0"]);
  assert.equal(prove.status, 0, prove.stderr);
  assert.equal(JSON.parse(prove.stdout).index, 0);
  const cons = runCli(["--data", data, "log", "consistency", "--from", "1"]);
  assert.equal(cons.status, 0, cons.stderr);
  assert.ok(Array.isArray(JSON.parse(cons.stdout).consistency_proof));
  const fsck = runCli(["--data", data, "fsck"]);
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  assert.match(fsck.stdout, /^clean/);
});

test("usage errors exit 2", () => {
  assert.equal(runCli(["verify"]).status, 2);
  assert.equal(runCli(["no-such-command"]).status, 2);
  assert.equal(runCli(["--data", data, "log", "prove", "--index", "x"]).status, 2);
  assert.equal(runCli(["--data", data, "infer", ...models, "--model", "resnet50-tiny"]).status, 2);
});

function writeTensor(): string {
  const path = join(data, "tensor.json");
  const n = 3 * 224 * 224;
  const values = Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  writeFileSync(
    path,
    JSON.stringify([{ name: "pixel_values", datatype: "FP32", shape: [1, 3, 224, 224], data: values }]),
  );
  return path;
}
