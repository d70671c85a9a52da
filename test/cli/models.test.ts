/**
 * The `models` commands end to end through commander: build, compile (signed card),
 * verify (and naming a changed tensor after tampering), conformance, list, and a malformed
 * file given to `models add` failing with a coded error.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { generateSigningKey, writeSigningKeyFile } from "../../src/keys/index.js";
import { readOnnxGraph } from "../../src/model/onnx/index.js";

const FIXTURES = new URL("../fixtures/models/", import.meta.url).pathname;
let work = "";
let data = "";

/**
 * A program shaped like the real one (global --data and --json) with the models commands,
 * run in a child process so its stdout, stderr and exit status are the command's own.
 * Errors are reported as src/cli/main.ts reports them: "zeq-np: message [CODE]", status 2.
 */
const RUNNER = `
import { Command } from "commander";
import { registerModelsCommands } from ${JSON.stringify(new URL("../../src/cli/commands/models.ts", import.meta.url).pathname)};
const p = new Command("zeq-np").option("--data <dir>", "data directory", "./data").option("--json").exitOverride();
registerModelsCommands(p);
try {
  await p.parseAsync(["node", "zeq-np", ...process.argv.slice(1)]);
} catch (err) {
  process.stderr.write("zeq-np: " + err.message + " [" + err.code + "]\\n");
  process.exitCode = 2;
}
`;

function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", RUNNER, "--", ...args],
      { cwd: new URL("../../", import.meta.url).pathname, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ out: stdout, err: stderr, exitCode });
      },
    );
  });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), "zeq-np-cli-models-"));
  data = join(work, "data");
  mkdirSync(data, { mode: 0o700 });
  writeSigningKeyFile(join(data, "signing.key"), generateSigningKey("test/zeq-np"));
});
after(() => rmSync(work, { recursive: true, force: true }));

test("models build --size tiny writes the model a fixture holds", async () => {
  const models = join(work, "built");
  const { out } = await run(
    "--json",
    "models",
    "build",
    "--size",
    "tiny",
    "--name",
    "resnet50",
    "--models",
    models,
  );
  const built = JSON.parse(out).built;
  assert.equal(built[0].name, "resnet50-tiny");
  assert.equal(
    readFileSync(join(models, "resnet50-tiny", "1", "model.onnx.data")).equals(
      readFileSync(join(FIXTURES, "resnet50-tiny", "1", "model.onnx.data")),
    ),
    true,
  );
});

test("models compile signs a card, models verify accepts it and names a tampered tensor", async () => {
  const models = join(work, "compiled");
  cpSync(join(FIXTURES, "resnet50-tiny"), join(models, "resnet50-tiny"), { recursive: true });
  const compiled = JSON.parse(
    (
      await run(
        "--json",
        "models",
        "compile",
        "resnet50-tiny",
        "--models",
        models,
        "--data",
        data,
        "--repeats",
        "1",
      )
    ).out,
  );
  assert.ok(compiled.precision.logits_max_delta_vs_torch <= 1e-5);
  assert.ok(compiled.budgets.latency_ms.a > 0);
  assert.ok(existsSync(compiled.card));

  const ok = await run("--json", "models", "verify", "resnet50-tiny", "--models", models, "--data", data);
  assert.equal(ok.exitCode, 0);
  assert.equal(JSON.parse(ok.out).card_ok, true);

  const dir = join(models, "resnet50-tiny", "1");
  const fc = (await readOnnxGraph(join(dir, "model.onnx"))).initializers.find((i) => i.name === "fc.weight")!;
  const fd = openSync(join(dir, "model.onnx.data"), "r+");
  const b = new Uint8Array(1);
  const at = (fc.data as { offset: number }).offset + 5;
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0x80;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
  const bad = await run("--json", "models", "verify", "resnet50-tiny", "--models", models, "--data", data);
  assert.equal(bad.exitCode, 1);
  const report = JSON.parse(bad.out);
  assert.equal(report.files_ok, false);
  assert.deepEqual(report.tensors.changed, ["fc.weight"]);

  const list = JSON.parse((await run("--json", "models", "list", "--models", models)).out);
  assert.deepEqual(
    list.map((m: { name: string; card: boolean }) => [m.name, m.card]),
    [["resnet50-tiny", true]],
  );
});

test("models add with a malformed ONNX file fails with a coded error", async () => {
  const file = join(work, "garbage.onnx");
  writeFileSync(file, "this is not a protobuf message at all");
  const r = await run(
    "models",
    "add",
    file,
    "--name",
    "garbage",
    "--models",
    join(work, "byo"),
    "--data",
    data,
  );
  assert.equal(r.exitCode, 2);
  assert.match(r.err, /\[MODEL_ONNX_MALFORMED\]/);
  assert.doesNotMatch(
    r.err,
    /TypeError|RangeError|SyntaxError|at .*\.ts:/,
    "no stack trace, no uncaught error",
  );
  assert.equal(existsSync(join(work, "byo", "garbage")), false);
});

test("models conformance --size tiny prints a passing row per model", async () => {
  const { out, exitCode } = await run(
    "--json",
    "models",
    "conformance",
    "--size",
    "tiny",
    "--models",
    FIXTURES,
  );
  assert.equal(exitCode, 0);
  const rows = JSON.parse(out).rows as Array<{ model: string; status: string }>;
  assert.deepEqual(
    rows.map((r) => [r.model, r.status]),
    [
      ["resnet50-tiny", "pass"],
      ["bert-base-uncased-tiny", "pass"],
      ["gpt2-tiny", "pass"],
    ],
  );
  const missing = await run("models", "conformance", "--size", "base", "--models", join(work, "nothing"));
  assert.equal(missing.exitCode, 1, "models that are not built do not pass");
  assert.match(missing.out, /not built/);
});
