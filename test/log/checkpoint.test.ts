import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromBase64, toBase64, utf8 } from "../../src/core/bytes.js";
import { sha256 } from "../../src/core/hash.js";
import { VerifierSet, signerFromSeed } from "../../src/keys/index.js";
import {
  CheckpointError,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from "../../src/log/checkpoint.js";
import { NoteError } from "../../src/note/index.js";
import { loadVector } from "../keys/load-vector.js";

interface Vectors {
  sumdbVerifierKey: string;
  sumdbCheckpoints: { origin: string; size: number; rootHash: string; note: string }[];
  goFormatTree: { text: string; size: number; rootHashIsRecordHashOf: string };
  goBadTrees: string[];
  c2spExample: { note: string; origin: string; size: number; rootHash: string };
}

const v = loadVector<Vectors>("c2sp/checkpoints.json");

test("Go FormatTree golden: go.sum database tree, 123456789012, RecordHash('hello world')", () => {
  const rootHash = sha256(Uint8Array.of(0), utf8(v.goFormatTree.rootHashIsRecordHashOf));
  const text = formatCheckpoint({ origin: "go.sum database tree", size: v.goFormatTree.size, rootHash });
  assert.equal(text, v.goFormatTree.text);
  const parsed = parseCheckpoint(v.goFormatTree.text);
  assert.equal(parsed.size, 123456789012);
  assert.deepEqual(parsed.rootHash, rootHash);
  assert.equal(parsed.extensions, undefined);
});

test("Go ParseTree bad trees are LOG_CHECKPOINT_MALFORMED", () => {
  for (const bad of v.goBadTrees)
    assert.throws(() => parseCheckpoint(bad), { code: "LOG_CHECKPOINT_MALFORMED" });
});

test("real Go checksum database checkpoints verify with the sum.golang.org key", () => {
  const keys = new VerifierSet([v.sumdbVerifierKey]);
  assert.equal(v.sumdbCheckpoints.length >= 5, true);
  for (const cp of v.sumdbCheckpoints) {
    const opened = openCheckpoint(cp.note, keys, "go.sum database tree");
    assert.equal(opened.checkpoint.origin, cp.origin);
    assert.equal(opened.checkpoint.size, cp.size);
    assert.equal(toBase64(opened.checkpoint.rootHash), cp.rootHash);
    assert.deepEqual(
      opened.signatures.map((s) => [s.name, s.keyHash, s.verified]),
      [["sum.golang.org", 0x033de0ae, true]],
    );
  }
});

test("real checkpoints: changing the size or a root bit breaks the signature", () => {
  const keys = new VerifierSet([v.sumdbVerifierKey]);
  const cp = v.sumdbCheckpoints[0]!;
  const biggerSize = cp.note.replace(`\n${cp.size}\n`, `\n${cp.size + 1}\n`);
  assert.throws(() => openCheckpoint(biggerSize, keys), { code: "NOTE_BAD_SIGNATURE" });
  const root = fromBase64(cp.rootHash);
  root[31]! ^= 1;
  const otherRoot = cp.note.replace(cp.rootHash, toBase64(root));
  assert.throws(() => openCheckpoint(otherRoot, keys), { code: "NOTE_BAD_SIGNATURE" });
});

test("origin mismatch is LOG_CHECKPOINT_ORIGIN_MISMATCH (after the signature verified)", () => {
  const keys = new VerifierSet([v.sumdbVerifierKey]);
  assert.throws(() => openCheckpoint(v.sumdbCheckpoints[0]!.note, keys, "go.sum database tree v2"), {
    code: "LOG_CHECKPOINT_ORIGIN_MISMATCH",
  });
});

test("the C2SP tlog-checkpoint example parses (its key is not published: unverified)", () => {
  const note = v.c2spExample.note;
  const text = note.slice(0, note.lastIndexOf("\n\n") + 1);
  const parsed = parseCheckpoint(text);
  assert.equal(parsed.origin, v.c2spExample.origin);
  assert.equal(parsed.size, v.c2spExample.size);
  assert.equal(toBase64(parsed.rootHash), v.c2spExample.rootHash);
  assert.throws(() => openCheckpoint(note, new VerifierSet()), { code: "NOTE_UNVERIFIED_KEY" });
});

test("strict parsing: sizes, roots, lines", () => {
  const root = toBase64(new Uint8Array(32));
  const bad = [
    `o\n01\n${root}\n`, // leading zero
    `o\n+1\n${root}\n`,
    `o\n-0\n${root}\n`,
    `o\n1.0\n${root}\n`,
    `o\n 1\n${root}\n`,
    `o\n9007199254740992\n${root}\n`, // 2^53
    `o\n1\n${toBase64(new Uint8Array(31))}\n`,
    `o\n1\n${toBase64(new Uint8Array(33))}\n`,
    `o\n1\n${root.slice(0, -1)}\n`,
    `\n1\n${root}\n`, // empty origin
    `o\n1\n${root}`, // no final newline
    `o\n1\n`,
    `o\n1\n${root}\n\n`, // empty extension line
    `o\n1\n${root}\next\n\n`,
    `o\u0000\n1\n${root}\n`,
  ];
  for (const t of bad) {
    assert.throws(
      () => parseCheckpoint(t),
      (e: unknown) => e instanceof CheckpointError,
      JSON.stringify(t),
    );
  }
  assert.equal(parseCheckpoint(`o\n0\n${root}\n`).size, 0);
  assert.equal(parseCheckpoint(`o\n9007199254740991\n${root}\n`).size, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(parseCheckpoint(`o\n1\n${root}\na\nb c\n`).extensions, ["a", "b c"]);
});

test("formatCheckpoint refuses what it cannot write", () => {
  const rootHash = new Uint8Array(32);
  const bad = [
    { origin: "", size: 1, rootHash },
    { origin: "a\nb", size: 1, rootHash },
    { origin: "o", size: -1, rootHash },
    { origin: "o", size: 1.5, rootHash },
    { origin: "o", size: 2 ** 53, rootHash },
    { origin: "o", size: 1, rootHash: new Uint8Array(31) },
    { origin: "o", size: 1, rootHash, extensions: [""] },
    { origin: "o", size: 1, rootHash, extensions: ["a\nb"] },
  ];
  for (const cp of bad) {
    assert.throws(
      () => formatCheckpoint(cp),
      { code: "LOG_CHECKPOINT_INVALID_ARGUMENT" },
      JSON.stringify(cp),
    );
  }
});

test("property: format/parse round trip, and signed checkpoints open to the same values", () => {
  const signer = signerFromSeed("log.example/zeq", new Uint8Array(32).fill(9));
  const keys = new VerifierSet([signer.verifier]);
  const origin = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => ![...s].some((c) => c < " "));
  fc.assert(
    fc.property(
      origin,
      fc.maxSafeNat(),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.array(origin, { maxLength: 2 }),
      (o, size, rootHash, ext) => {
        const cp =
          ext.length > 0 ? { origin: o, size, rootHash, extensions: ext } : { origin: o, size, rootHash };
        assert.deepEqual(parseCheckpoint(formatCheckpoint(cp)), cp);
        const opened = openCheckpoint(signCheckpoint(cp, [signer]), keys, o);
        assert.deepEqual(opened.checkpoint, cp);
      },
    ),
    { numRuns: 200 },
  );
});

test("a checkpoint signed by an untrusted key is not accepted", () => {
  const signer = signerFromSeed("log.example/zeq", new Uint8Array(32).fill(9));
  const impostor = signerFromSeed("log.example/zeq", new Uint8Array(32).fill(10));
  const note = signCheckpoint({ origin: "log.example/zeq", size: 1, rootHash: new Uint8Array(32) }, [
    impostor,
  ]);
  assert.throws(
    () => openCheckpoint(note, new VerifierSet([signer.verifier])),
    (e: unknown) => e instanceof NoteError && e.code === "NOTE_UNVERIFIED_KEY",
  );
});
