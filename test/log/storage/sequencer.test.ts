/** The backend-neutral sequencing helpers: a store whose head and hashes disagree is never extended. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { toHex, utf8 } from "../../../src/core/bytes.js";
import { isZeqError } from "../../../src/core/errors.js";
import { EMPTY_ROOT, edgeIds, integrate, leafHash } from "../../../src/log/merkle/index.js";
import { checkEntry, prepareBatch } from "../../../src/log/storage/sequencer.js";
import { naiveMth } from "../merkle/naive.js";

const code = (c: string) => (err: unknown) => isZeqError(err, c);
const entries = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ leaf: utf8(`leaf ${from + i}`), extra: new Uint8Array() }));

test("prepareBatch integrates onto the stored head and returns the edge it read", () => {
  const first = prepareBatch({ size: 0, rootHash: EMPTY_ROOT }, [], entries(5));
  assert.deepEqual([first.firstIndex, first.treeSize], [0, 5]);
  assert.equal(toHex(first.rootHash), toHex(naiveMth(entries(5).map((e) => e.leaf))));
  const edge = integrate(
    { size: 0, hashes: [] },
    entries(5).map((e) => leafHash(e.leaf)),
  ).edge;
  const second = prepareBatch({ size: 5, rootHash: first.rootHash }, edge.hashes, entries(3, 5));
  assert.deepEqual([second.firstIndex, second.treeSize], [5, 8]);
  assert.deepEqual(
    second.edge.map(({ level, index }) => ({ level, index })),
    edgeIds(5),
  );
  assert.equal(toHex(second.rootHash), toHex(naiveMth(entries(8).map((e) => e.leaf))));
  const none = prepareBatch({ size: 5, rootHash: first.rootHash }, edge.hashes, []);
  assert.deepEqual([none.firstIndex, none.treeSize, none.nodes.length], [5, 5, 0]);
});

test("prepareBatch refuses a head that its hashes contradict", () => {
  const edge = integrate(
    { size: 0, hashes: [] },
    entries(5).map((e) => leafHash(e.leaf)),
  ).edge;
  assert.throws(
    () => prepareBatch({ size: 5, rootHash: EMPTY_ROOT }, edge.hashes, entries(1)),
    code("LOG_STORAGE_CORRUPT"),
  );
  assert.throws(
    () => prepareBatch({ size: 6, rootHash: EMPTY_ROOT }, edge.hashes, entries(1)),
    code("LOG_STORAGE_CORRUPT"),
  );
  assert.throws(
    () => prepareBatch({ size: -1, rootHash: EMPTY_ROOT }, [], entries(1)),
    code("LOG_STORAGE_CORRUPT"),
  );
});

test("checkEntry accepts { leaf, extra } byte strings only", () => {
  checkEntry({ leaf: new Uint8Array(), extra: new Uint8Array() });
  checkEntry({ leaf: Buffer.from("x"), extra: new Uint8Array(3) });
  for (const bad of [
    null,
    5,
    {},
    { leaf: "x", extra: new Uint8Array() },
    { leaf: new Uint8Array() },
    { leaf: [1], extra: [2] },
  ]) {
    assert.throws(() => checkEntry(bad), code("LOG_ENTRY_INVALID"), JSON.stringify(bad));
  }
});
