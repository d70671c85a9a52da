/**
 * Bring your own ONNX: a model exported by PyTorch that the project has never seen (an MLP
 * with two inputs, one of them int64 token ids through an embedding, dynamic batch and
 * sequence), with and without external data, is added, compiled against PyTorch's own
 * outputs, and run with raw tensors through the inference engine.
 * Needs /usr/bin/python3 with torch and onnx; prints SKIPPED otherwise.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InferenceEngine } from "../../../src/inference/index.js";
import { signerFromSeed, VerifierSet } from "../../../src/keys/index.js";
import { addModel, compileModel, readReferenceVectors } from "../../../src/model/compile/index.js";
import { loadModelMetadata } from "../../../src/model/repository.js";
import { readModelCard } from "../../../src/execute/model-card.js";
import { verifyModelFiles } from "../../../src/model/integrity.js";

const PYTHON = "/usr/bin/python3";

const EXPORT_SCRIPT = String.raw`
import base64, hashlib, json, sys
import torch, onnx
torch.manual_seed(7)
out = sys.argv[1]

class TwoInputs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(100, 8)
        self.fc1 = torch.nn.Linear(12, 16)
        self.fc2 = torch.nn.Linear(16, 5)
    def forward(self, ids, x):
        h = torch.cat([self.emb(ids).mean(dim=1), x], dim=1)
        return self.fc2(torch.relu(self.fc1(h)))

m = TwoInputs().eval()
ids = torch.tensor([[3, 14, 15, 92], [65, 35, 89, 79]], dtype=torch.int64)
x = torch.tensor([[0.5, -1.0, 2.0, 0.25], [-0.75, 0.0, 1.5, -2.0]], dtype=torch.float32)
torch.onnx.export(m, (ids, x), out + "/inline.onnx", input_names=["ids", "x"], output_names=["logits"],
                  dynamic_axes={"ids": {0: "batch", 1: "seq"}, "x": {0: "batch"}, "logits": {0: "batch"}},
                  opset_version=17)
# The same export with every weight in an external-data file.
model = onnx.load(out + "/inline.onnx")
onnx.save_model(model, out + "/external.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
                location="external.onnx.data", size_threshold=0)
with torch.no_grad():
    y = m(ids, x).numpy()

def t_int(name, a):
    a = a.astype("<i8")
    return {"name": name, "dtype": "int64", "dims": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest(),
            "data": [int(v) for v in a.reshape(-1)]}
def t_float(name, a, top5=False):
    a = a.astype("<f4")
    d = {"name": name, "dtype": "float32", "dims": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest(),
         "max_abs": float(abs(a).max()), "data_b64": base64.b64encode(a.tobytes()).decode()}
    if top5:
        rows = a.reshape(-1, a.shape[-1])
        idx = [sorted(range(len(r)), key=lambda i: (-r[i], i))[:5] for r in rows]
        d["top5"] = {"indices": idx, "values": [[float(r[i]) for i in ix] for r, ix in zip(rows, idx)]}
    return d
doc = {"format": "zeq-np/reference-vectors/v1", "producer": "pytorch", "torch_version": str(torch.__version__),
       "model": {"name": "two-inputs", "family": "custom"},
       "inputs": [{"id": "pair", "kind": "tensors", "tensors": [t_int("ids", ids.numpy()), t_float("x", x.numpy())]}],
       "outputs": [{"input": "pair", "tensors": [t_float("logits", y, top5=True)]}]}
json.dump(doc, open(out + "/reference.json", "w"))
`;

function hasTorch(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import torch, onnx"], { stdio: "ignore", timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

const available = hasTorch();
let work = "";
let engine: InferenceEngine | undefined;
const signer = signerFromSeed("test/zeq-np", new Uint8Array(32).fill(7));

before(async () => {
  if (!available) return;
  work = mkdtempSync(join(tmpdir(), "zeq-np-byo-"));
  writeFileSync(join(work, "export.py"), EXPORT_SCRIPT);
  execFileSync(PYTHON, [join(work, "export.py"), work], { stdio: "pipe", timeout: 300_000 });
  engine = await InferenceEngine.start({ workers: 1 });
});

after(async () => {
  await engine?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

for (const variant of ["inline", "external"] as const) {
  test(`a PyTorch export (${variant} weights) is added, compiled against PyTorch and run with raw tensors`, async (t) => {
    if (!available) {
      const why = `SKIPPED: ${PYTHON} cannot import torch and onnx`;
      t.diagnostic(why);
      console.warn(why);
      return;
    }
    const models = join(work, `models-${variant}`);
    const { dir, meta } = await addModel({
      source: join(work, `${variant}.onnx`),
      modelsDir: models,
      name: "two-inputs",
      reference: join(work, "reference.json"),
    });
    assert.deepEqual(
      meta.inputs.map((i) => [i.name, i.dtype, i.dims]),
      [
        ["ids", "int64", ["batch", "seq"]],
        ["x", "float32", ["batch", 4]],
      ],
    );
    assert.deepEqual(meta.preprocessing, { kind: "tensors" });
    assert.equal(
      meta.parameters,
      100 * 8 + 12 * 16 + 16 + 16 * 5 + 5,
      "every floating-point weight counted once",
    );
    assert.deepEqual(
      meta.files.map((f) => f.path),
      variant === "inline" ? ["model.onnx"] : ["model.onnx", "external.onnx.data"],
    );

    const result = await compileModel({
      modelsDir: models,
      name: "two-inputs",
      signer,
      engine,
      calibrate: { sizes: [1, 4], repeats: 1 },
    });
    const precision = result.statement.predicate.precision!;
    assert.ok(precision !== null, "the reference kept with the model was used");
    assert.equal((precision.vectors as { source: string }).source, "model");
    assert.ok(
      Number(precision.logits_max_delta_vs_torch) <= 1e-5,
      `delta ${String(precision.logits_max_delta_vs_torch)}`,
    );
    assert.equal(precision.argmax_agree, 1);
    const budgets = (await loadModelMetadata(dir)).budgets as {
      latency_ms: { a: number };
      input_size: string;
    };
    assert.ok(budgets.latency_ms.a > 0);
    assert.equal(budgets.input_size, "elements");

    const digest = await verifyModelFiles(dir, meta);
    const card = await readModelCard(
      dir,
      meta,
      digest.weightCheckpointSha256,
      new VerifierSet([signer.verifier]),
    );
    assert.ok(card?.summary !== null && card !== null, "the executor's card reader accepts the card");

    // Raw tensors through the engine, as the executor feeds a "tensors" model.
    const ref = await readReferenceVectors(join(work, "reference.json"));
    const input = ref.inputs[0]!;
    await engine!.load(`byo-${variant}`, join(dir, "model.onnx"));
    const run = await engine!.run(`byo-${variant}`, {
      ids: { dtype: "int64", dims: [2, 4], data: input.tensors[0]!.data! },
      x: { dtype: "float32", dims: [2, 4], data: input.tensors[1]!.data! },
    });
    const logits = run.outputs.logits!;
    assert.deepEqual(logits.dims, [2, 5]);
    const expected = ref.outputs.get("pair")![0]!.data as Float32Array;
    for (let i = 0; i < expected.length; i++) {
      assert.ok(Math.abs((logits.data as Float32Array)[i]! - expected[i]!) <= 1e-5, `logit ${i}`);
    }
    assert.equal(
      JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).reference.path,
      "reference-vectors.json",
    );
  });
}
