import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  listModels,
  loadModelMetadata,
  resolveModelDir,
  validateModelName,
  validateModelVersion,
} from "../../src/model/repository.js";
import { ModelError } from "../../src/model/errors.js";

const fixtures = fileURLToPath(new URL("../fixtures/models/", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "zeq-repo-"));
process.on("exit", () => rmSync(root, { recursive: true, force: true }));
const hasCode = (code: string) => (err: unknown) => err instanceof ModelError && err.code === code;

test("model names: lower-case [a-z0-9._-], no traversal", () => {
  for (const ok of ["gpt2", "bert-base-uncased", "resnet50-tiny", "a", "m.v2_x", "0model"])
    assert.equal(validateModelName(ok), ok);
  const bad = [
    "",
    ".",
    "..",
    "../etc",
    "a/b",
    "a\\b",
    "/abs",
    "x..y",
    "GPT2",
    "-flag",
    ".hidden",
    "é",
    "a b",
    "a\0b",
    "%2e%2e",
    "a".repeat(129),
  ];
  for (const name of bad)
    assert.throws(() => validateModelName(name), hasCode("MODEL_NAME_INVALID"), JSON.stringify(name));
  for (const value of [undefined, null, 7, ["gpt2"]])
    assert.throws(() => validateModelName(value), hasCode("MODEL_NAME_INVALID"));
});

test("versions are positive integers without leading zeros", () => {
  for (const ok of ["1", "2", "10", "123456789"]) assert.equal(validateModelVersion(ok), ok);
  for (const bad of ["0", "01", "-1", "1.0", "", "latest", "1/..", "1234567890"]) {
    assert.throws(() => validateModelVersion(bad), hasCode("MODEL_VERSION_INVALID"), bad);
  }
});

test("resolveModelDir picks the highest version numerically and refuses unknown ones", async () => {
  for (const v of ["1", "2", "10", "09", "tmp"]) mkdirSync(join(root, "gpt2", v), { recursive: true });
  assert.equal(await resolveModelDir(root, "gpt2"), join(root, "gpt2", "10"));
  assert.equal(await resolveModelDir(root, "gpt2", "2"), join(root, "gpt2", "2"));
  await assert.rejects(resolveModelDir(root, "gpt2", "3"), hasCode("MODEL_NOT_FOUND"));
  await assert.rejects(resolveModelDir(root, "gpt2", "09"), hasCode("MODEL_VERSION_INVALID"));
  await assert.rejects(resolveModelDir(root, "bert"), hasCode("MODEL_NOT_FOUND"));
  await assert.rejects(resolveModelDir(root, "../gpt2"), hasCode("MODEL_NAME_INVALID"));
  await assert.rejects(resolveModelDir(join(root, "missing"), "gpt2"), hasCode("MODEL_NOT_FOUND"));
});

test("listModels lists valid model folders with their versions", async () => {
  const dir = join(root, "list");
  for (const path of ["b/1", "b/3", "a/2", "Bad/1", "empty", "c/notaversion"])
    mkdirSync(join(dir, path), { recursive: true });
  writeFileSync(join(dir, "file"), "");
  assert.deepEqual(await listModels(dir), [
    { name: "a", versions: ["2"] },
    { name: "b", versions: ["1", "3"] },
  ]);
  assert.deepEqual(await listModels(join(root, "nowhere")), []);
});

test("loadModelMetadata: found, missing, invalid, or describing another folder", async () => {
  const meta = await loadModelMetadata(join(fixtures, "gpt2-tiny", "1"));
  assert.equal(meta.name, "gpt2-tiny");
  await assert.rejects(loadModelMetadata(join(root, "gpt2", "1")), hasCode("MODEL_NOT_FOUND"));

  const copy = join(root, "renamed", "1");
  mkdirSync(copy, { recursive: true });
  cpSync(join(fixtures, "gpt2-tiny", "1", "model.json"), join(copy, "model.json"));
  await assert.rejects(loadModelMetadata(copy), hasCode("MODEL_METADATA_INVALID"));

  const broken = join(root, "broken", "1");
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, "model.json"), "{ not json");
  await assert.rejects(loadModelMetadata(broken), hasCode("MODEL_METADATA_INVALID"));
});
