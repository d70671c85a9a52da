/**
 * The PyTorch reference (reference/, Python) driven from the test suite.
 *
 * Needs Debian's /usr/bin/python3 with torch, torchvision and onnx; without them every test
 * here prints a loud SKIPPED. With them:
 *   1. the reference's own unit tests (reference/tests) pass;
 *   2. tiny models exported by reference/export.py run in onnxruntime-node to the logits
 *      PyTorch computes (reference/compare.py within 0.1 %), and a tampered candidate fails;
 *   3. the builders' tiny fixtures (test/fixtures/models/<name>-tiny/1) load strictly by
 *      name into the PyTorch rebuild, give a well-formed reference file, and onnxruntime
 *      agrees with it within 0.1 %, as is and with every weight perturbed — the
 *      conformance of our ONNX graphs to the originals.
 */
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseModelMetadata } from "../../src/model/metadata.js";
import { writeOrtCandidate } from "./ort-candidate.js";
import type { TensorDesc, VectorsDoc } from "./ort-candidate.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = "/usr/bin/python3";
const FAMILIES = ["resnet50", "bert-base-uncased", "gpt2"] as const;

function pythonProblem(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ["-c", "import torch, torchvision, onnx, numpy"], { encoding: "utf8" });
  return r.status === 0
    ? undefined
    : `${PYTHON} lacks torch/torchvision/onnx: ${r.stderr.trim().split("\n").pop()}`;
}

const problem = pythonProblem();

function skipLoudly(t: TestContext, why: string): void {
  const msg = `SKIPPED: ${why}`;
  t.diagnostic(msg);
  console.warn(msg);
  t.skip(msg);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function py(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function pyOk(args: string[]): Promise<string> {
  const r = await py(args);
  assert.equal(r.code, 0, `python ${args.join(" ")} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function isHex64(v: unknown): boolean {
  return typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
}

/** Structural checks of a reference-vectors file: every field the format promises. */
function checkWellFormed(doc: VectorsDoc, family: string): void {
  assert.equal(doc.format, "zeq-np/reference-vectors/v1");
  assert.equal(doc.producer, "pytorch");
  assert.equal(doc.model.family, family);
  assert.ok(isHex64(doc.model_sha256), "model_sha256");
  assert.ok(typeof doc.torch_version === "string" && doc.torch_version.length > 0);
  assert.ok(doc.inputs.length >= 2, "at least two inputs");
  const outputs = new Map(doc.outputs.map((o) => [o.input, o]));
  for (const input of doc.inputs) {
    assert.ok(input.id && ["tokens", "tokens-with-past", "image"].includes(input.kind), input.id);
    for (const t of input.tensors) assert.ok(isHex64(t.sha256), `${input.id} ${t.name} sha256`);
    const out = outputs.get(input.id);
    assert.ok(out, `outputs for ${input.id}`);
    const logits = out.tensors.find((t) => t.name === "logits");
    assert.ok(logits, `${input.id} has logits`);
    checkFloatTensor(logits, `${input.id} logits`);
    const rows = logits.dims.slice(0, -1).reduce((a, b) => a * b, 1);
    assert.equal(logits.top5?.indices.length, rows, `${input.id} top5 rows`);
    const vocab = { resnet50: 1000, "bert-base-uncased": 30522, gpt2: 50257 }[family];
    assert.equal(logits.dims[logits.dims.length - 1], vocab, `${input.id} logits width`);
  }
}

function checkFloatTensor(t: TensorDesc, where: string): void {
  assert.equal(t.dtype, "float32", where);
  assert.ok(isHex64(t.sha256), `${where} sha256`);
  if (t.data_b64 === undefined) return;
  const bytes = Buffer.from(t.data_b64, "base64");
  assert.equal(bytes.length, t.dims.reduce((a, b) => a * b, 1) * 4, `${where} data length`);
  assert.equal(createHash("sha256").update(bytes).digest("hex"), t.sha256, `${where} data matches sha256`);
  const f = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  let maxAbs = 0;
  for (const v of f) {
    assert.ok(Number.isFinite(v), `${where} finite`);
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  assert.equal(maxAbs, t.max_abs, `${where} max_abs`);
}

interface CompareResult {
  passed: boolean;
  worst_delta: number;
  problems: string[];
}

async function compare(ref: string, cand: string): Promise<{ code: number; result: CompareResult }> {
  const r = await py(["reference/compare.py", "--reference", ref, "--candidate", cand, "--json"]);
  assert.ok(r.code === 0 || r.code === 1, `compare.py error:\n${r.stderr}`);
  return { code: r.code, result: JSON.parse(r.stdout) as CompareResult };
}

/** Several reference command lines in one Python process (torch starts once). */
async function pyBatch(runs: string[][]): Promise<void> {
  await pyOk(["reference/tests/run_clis.py", JSON.stringify(runs)]);
}

/** Well-formed reference → onnxruntime candidate → compare.py within 0.1 %. */
async function conformance(modelDir: string, family: string, ref: string): Promise<string> {
  const doc = JSON.parse(readFileSync(ref, "utf8")) as VectorsDoc;
  checkWellFormed(doc, family);
  const cand = ref.replace(/\.ref\.json$/, ".cand.json");
  const candDoc = await writeOrtCandidate(modelDir, ref, cand);
  assert.equal(
    candDoc.model_sha256,
    doc.model_sha256,
    "Python and TypeScript weight-checkpoint hashes agree",
  );
  const { code, result } = await compare(ref, cand);
  assert.equal(code, 0, `onnxruntime vs PyTorch for ${family}: ${JSON.stringify(result).slice(0, 2000)}`);
  assert.ok(result.passed && result.worst_delta <= 1e-3);
  return cand;
}

async function tamperedFails(ref: string, cand: string, work: string): Promise<void> {
  // The comparison can fail: nudge one logit by 1 % of the largest and expect exit 1.
  const doc = JSON.parse(readFileSync(cand, "utf8")) as VectorsDoc;
  const logits = doc.outputs[0]!.tensors.find((x) => x.name === "logits")!;
  const bytes = Buffer.from(logits.data_b64!, "base64");
  bytes.writeFloatLE(bytes.readFloatLE(40) + logits.max_abs! * 0.01, 40);
  logits.data_b64 = bytes.toString("base64");
  logits.sha256 = createHash("sha256").update(bytes).digest("hex");
  const tampered = join(work, "tampered.json");
  writeFileSync(tampered, JSON.stringify(doc));
  const { code, result } = await compare(ref, tampered);
  assert.equal(code, 1);
  assert.equal(result.passed, false);
}

test("reference: Python unit tests (reference/tests)", async (t) => {
  if (problem) return skipLoudly(t, problem);
  const r = await py(["-m", "unittest", "discover", "-s", "reference/tests", "-t", "reference/tests"]);
  assert.equal(r.code, 0, r.stderr.split("\n").slice(-60).join("\n"));
  const ran = /Ran (\d+) tests?/.exec(r.stderr);
  assert.ok(ran && Number(ran[1]) >= 40, `expected the full suite to run: ${ran?.[0]}`);
  const skipped = /skipped=(\d+)/.exec(r.stderr);
  if (skipped) t.diagnostic(`${skipped[1]} Python test(s) skipped`);
});

test("reference: models exported by export.py run in onnxruntime-node to PyTorch's logits", async (t) => {
  if (problem) return skipLoudly(t, problem);
  const work = mkdtempSync(join(tmpdir(), "zeq-ref-export-"));
  try {
    const dir = (f: string): string => join(work, `${f}-tiny`, "1");
    const ref = (f: string): string => join(work, `${f}.ref.json`);
    await pyBatch([
      ...FAMILIES.map((f) => [
        "export.py",
        "--random",
        "--family",
        f,
        "--size",
        "tiny",
        "--seed",
        "3",
        "--out",
        dir(f),
      ]),
      ...FAMILIES.map((f) => ["make_vectors.py", "--model-dir", dir(f), "--out", ref(f)]),
    ]);
    await Promise.all(
      FAMILIES.map(async (f) => {
        // The exported model.json is one the TypeScript side accepts.
        const meta = parseModelMetadata(readFileSync(join(dir(f), "model.json"), "utf8"));
        assert.equal(meta.architecture.name, f);
        const cand = await conformance(dir(f), f, ref(f));
        if (f === "gpt2") await tamperedFails(ref(f), cand, work);
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("reference: builders' tiny fixtures conform to PyTorch on the same weights", async (t) => {
  if (problem) return skipLoudly(t, problem);
  const work = mkdtempSync(join(tmpdir(), "zeq-ref-fixtures-"));
  try {
    const dir = (f: string): string => join(ROOT, "test", "fixtures", "models", `${f}-tiny`, "1");
    // The same graph with every weight moved off the originals' initial values (zero
    // biases, unit LayerNorm, identity BatchNorm), so no term can vanish unnoticed.
    const perturbed = (f: string): string => join(work, `${f}-perturbed`, "1");
    const ref = (f: string, p = ""): string => join(work, `${f}${p}.ref.json`);
    const present = FAMILIES.filter((f) => existsSync(join(dir(f), "model.onnx")));
    if (present.length > 0) {
      await pyBatch(
        present.flatMap((f) => [
          ["make_vectors.py", "--model-dir", dir(f), "--out", ref(f)],
          ["perturb_model.py", dir(f), perturbed(f), "--seed", "1"],
          ["make_vectors.py", "--model-dir", perturbed(f), "--out", ref(f, "-perturbed")],
        ]),
      );
    }
    await Promise.all(
      FAMILIES.map((f) =>
        t.test(`${f}-tiny`, async (st) => {
          if (!present.includes(f)) return skipLoudly(st, `fixture ${dir(f)} not built yet`);
          await conformance(dir(f), f, ref(f));
          await conformance(perturbed(f), f, ref(f, "-perturbed"));
        }),
      ),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
