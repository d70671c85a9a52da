/**
 * Conformance of the committed tiny fixtures against the committed PyTorch vectors: each
 * of the three models within 1e-5 relative, with full argmax and top-5 agreement; a
 * repository without the models reports them missing rather than failing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatConformanceTable, runConformance } from "../../../src/model/compile/index.js";

const FIXTURES = new URL("../../fixtures/models/", import.meta.url).pathname;

test("the tiny fixtures conform to the committed PyTorch vectors within 1e-5", async () => {
  const rows = await runConformance({ modelsDir: FIXTURES, size: "tiny" });
  assert.deepEqual(
    rows.map((r) => r.model),
    ["resnet50-tiny", "bert-base-uncased-tiny", "gpt2-tiny"],
  );
  for (const r of rows) {
    assert.equal(r.status, "pass", `${r.model}: ${r.detail}`);
    assert.ok(
      r.committed !== null && r.committed.delta <= 1e-5 && r.committed.delta > 0,
      `${r.model} delta ${r.committed?.delta}`,
    );
    assert.equal(r.committed.argmax_agree, 1);
    assert.equal(r.committed.top5_agree, 1);
  }
  // gpt2's KV-cache step ran through the decoder: its positions are counted.
  assert.equal(rows[2]!.committed!.rows, 2 + 4 + 6 + 1);
  const table = formatConformanceTable(rows);
  assert.match(table, /\| gpt2-tiny +\| committed torch \|/);
  assert.equal(table.split("\n").length, 2 + 3);
});

test("an empty repository reports every model missing", async () => {
  const empty = mkdtempSync(join(tmpdir(), "zeq-np-conformance-"));
  try {
    const rows = await runConformance({ modelsDir: empty, size: "base" });
    assert.deepEqual(
      rows.map((r) => r.status),
      ["missing", "missing", "missing"],
    );
    assert.match(rows[0]!.detail, /models build --size base/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
