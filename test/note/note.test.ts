import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { utf8 } from "../../src/core/bytes.js";
import { VerifierSet, parseSigningKey, parseVerifierKey, signerFromSeed } from "../../src/keys/index.js";
import { NoteError, openNote, signNote } from "../../src/note/index.js";
import { loadVector } from "../keys/load-vector.js";

interface GoNote {
  peter: { signingKey: string; verifierKey: string };
  enoch: { verifierKey: string };
  text: string;
  peterSignatureLine: string;
  enochSignatureLine: string;
  signedByPeter: string;
}

const go = loadVector<GoNote>("c2sp/go-note.json");
const peterSigner = parseSigningKey(go.peter.signingKey);
const peter = new VerifierSet([go.peter.verifierKey]);
const both = new VerifierSet([go.peter.verifierKey, go.enoch.verifierKey]);
const { text, peterSignatureLine: peterSig, enochSignatureLine: enochSig } = go;

function code(fn: () => unknown, expected: string, message?: string): void {
  assert.throws(fn, (e: unknown) => e instanceof NoteError && e.code === expected, message);
}

test("Go TestSign: signing the Peter Neumann text gives the reference bytes", () => {
  assert.equal(signNote(text, [peterSigner]), go.signedByPeter);
});

test("Go TestSign: texts that are not note texts are refused", () => {
  code(() => signNote("abc", [peterSigner]), "NOTE_TEXT_INVALID");
  code(() => signNote("a\u0001b\n", [peterSigner]), "NOTE_TEXT_INVALID");
  code(() => signNote("\ud800\n", [peterSigner]), "NOTE_TEXT_INVALID");
  code(() => signNote(text, []), "NOTE_NO_SIGNER");
});

test("Go TestOpen: one known, one unknown signature", () => {
  const n = openNote(`${text}\n${peterSig}${enochSig}`, peter);
  assert.equal(n.text, text);
  assert.deepEqual(
    n.signatures.map((s) => [s.name, s.keyHash, s.verified]),
    [
      ["PeterNeumann", 0xc74f20a3, true],
      ["EnochRoot", 0xaf0cfe78, false],
    ],
  );
});

test("Go TestOpen: both verified", () => {
  const n = openNote(`${text}\n${peterSig}${enochSig}`, both);
  assert.deepEqual(
    n.signatures.map((s) => s.verified),
    [true, true],
  );
});

test("Go TestOpen: no trusted key is NOTE_UNVERIFIED_KEY", () => {
  code(() => openNote(`${text}\n${peterSig}${enochSig}`, new VerifierSet()), "NOTE_UNVERIFIED_KEY");
});

test("Go TestOpen: 101 signatures is NOTE_MALFORMED, with or without keys", () => {
  code(() => openNote(`${text}\n${peterSig.repeat(101)}`, peter), "NOTE_MALFORMED");
  code(() => openNote(`${text}\n${peterSig.repeat(101)}`, new VerifierSet()), "NOTE_MALFORMED");
});

test("Go TestOpen: a trusted key's altered signature is NOTE_BAD_SIGNATURE", () => {
  const bad = `${peterSig.slice(0, 60)}ABCD${peterSig.slice(60)}`;
  code(() => openNote(`${text}\n${bad}`, peter), "NOTE_BAD_SIGNATURE");
});

test("Go TestOpen: repeated signatures are dropped; only a key's first signature counts", () => {
  const enochABCD = `${enochSig.slice(0, 60)}ABCD${enochSig.slice(60)}`;
  const n = openNote(`${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${enochABCD}`, peter);
  assert.deepEqual(
    n.signatures.map((s) => [s.name, s.verified]),
    [
      ["PeterNeumann", true],
      ["EnochRoot", false],
      ["EnochRoot", false],
    ],
  );
});

test("Go TestOpen: malformed notes", () => {
  const bad: (string | Uint8Array)[] = [
    text,
    `${text}\n`,
    `${text}\n${peterSig.slice(0, -1)}`,
    `\u0001${text}\n${peterSig}`,
    `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${text}\n${peterSig}Unexpected line.\n`,
  ];
  const invalidUtf8 = new Uint8Array([0xff, ...utf8(`${text}\n${peterSig}`)]);
  bad.push(invalidUtf8);
  for (const msg of bad) code(() => openNote(msg, peter), "NOTE_MALFORMED", JSON.stringify(String(msg)));
});

test("more malformed notes: short signature, bad base64, empty name, hyphen instead of em dash", () => {
  const cases = [
    `${text}\n\u2014 PeterNeumann AAAA\n`, // 3 bytes < key id + 1
    `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG\n`,
    `${text}\n\u2014  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${text}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${text}\n\u2014 PeterNeumann\n`,
    `${text}\r\n${peterSig}`,
  ];
  for (const msg of cases) code(() => openNote(msg, peter), "NOTE_MALFORMED", JSON.stringify(msg));
});

test("the note from bytes equals the note from text", () => {
  const n = openNote(utf8(go.signedByPeter), peter);
  assert.equal(n.text, text);
});

test("a signature naming the right key id with another name is ignored, not verified", () => {
  const renamed = peterSig.replace("PeterNeumann", "CarmenSandiego");
  code(() => openNote(`${text}\n${renamed}`, peter), "NOTE_UNVERIFIED_KEY");
});

test("text with blank lines inside: separated by the LAST blank line", () => {
  const signer = signerFromSeed("k", new Uint8Array(32).fill(7));
  const set = new VerifierSet([signer.verifier]);
  for (const t of ["a\n\nb\n", "\n", "a\n\n", "x\n\n\n"]) {
    assert.equal(openNote(signNote(t, [signer]), set).text, t, JSON.stringify(t));
  }
});

test("property: sign then open round-trips any note text; a flipped text byte is detected", () => {
  const signer = signerFromSeed("log.example/k", new Uint8Array(32).fill(1));
  const other = signerFromSeed("witness.example/w", new Uint8Array(32).fill(2));
  const set = new VerifierSet([signer.verifier]);
  const lineArb = fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => ![...s].some((c) => c < " "));
  const textArb = fc.array(lineArb, { minLength: 1, maxLength: 5 }).map((ls) => `${ls.join("\n")}\n`);
  fc.assert(
    fc.property(textArb, fc.nat(), (t, pos) => {
      const note = signNote(t, [other, signer]);
      const opened = openNote(note, set);
      assert.equal(opened.text, t);
      assert.deepEqual(
        opened.signatures.map((s) => s.verified),
        [false, true],
      );
      // Change one character of the text (keeping it a valid note): must not verify.
      const i = pos % t.length;
      const replacement = t[i] === "x" ? "y" : "x";
      if (t[i] === "\n") return;
      const tampered = note.slice(0, i) + replacement + note.slice(i + 1);
      assert.throws(() => openNote(tampered, set), NoteError);
    }),
    { numRuns: 200 },
  );
});

test("rotation: a note signed by the old key verifies while the old key stays trusted", () => {
  const oldKey = signerFromSeed("log.example/zeq", new Uint8Array(32).fill(3));
  const newKey = signerFromSeed("log.example/zeq", new Uint8Array(32).fill(4));
  assert.notEqual(oldKey.keyHash, newKey.keyHash);
  const rotated = new VerifierSet([oldKey.verifier, newKey.verifier]);
  assert.equal(openNote(signNote("old\n", [oldKey]), rotated).text, "old\n");
  assert.equal(openNote(signNote("new\n", [newKey]), rotated).text, "new\n");
  code(
    () => openNote(signNote("old\n", [oldKey]), new VerifierSet([newKey.verifier])),
    "NOTE_UNVERIFIED_KEY",
  );
});

test("a verifier key from the Go vectors verifies our signature of the Go text", () => {
  const v = parseVerifierKey(go.peter.verifierKey);
  const sig = peterSigner.sign(utf8(text));
  assert.equal(v.verify(utf8(text), sig), true);
});
