import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildModel, BUILDABLE_MODELS } from "../../../src/model/builders/build.js";
import { listModels, loadModelMetadata } from "../../../src/model/repository.js";

const fixtures = fileURLToPath(new URL("../../fixtures/models/", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "zeq-fixtures-"));
process.on("exit", () => rmSync(root, { recursive: true, force: true }));

test("the committed tiny models are exactly what the builders produce today", async () => {
  for (const name of BUILDABLE_MODELS) {
    const fresh = await buildModel({ name, size: "tiny", modelsDir: root });
    const committedDir = join(fixtures, `${name}-tiny`, "1");
    // On failure after an intended builder change: node --import tsx test/fixtures/models/regenerate.ts
    assert.deepEqual(await loadModelMetadata(committedDir), fresh.metadata, name);
    assert.equal(
      readFileSync(join(committedDir, "model.json"), "utf8"),
      readFileSync(join(fresh.dir, "model.json"), "utf8"),
    );
    const labels = fresh.metadata.labels !== undefined ? [{ path: fresh.metadata.labels }] : [];
    for (const file of [...fresh.metadata.files, ...labels]) {
      assert.ok(
        readFileSync(join(committedDir, file.path)).equals(readFileSync(join(fresh.dir, file.path))),
        `${name}/${file.path}`,
      );
    }
  }
});

test("the fixtures folder is a valid model repository", async () => {
  assert.deepEqual(await listModels(fixtures), [
    { name: "bert-base-uncased-tiny", versions: ["1"] },
    { name: "gpt2-tiny", versions: ["1"] },
    { name: "resnet50-tiny", versions: ["1"] },
  ]);
});
