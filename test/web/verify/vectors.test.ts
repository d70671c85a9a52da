/**
 * The page's verifier against published vectors (already embedded under test/vectors/ with
 * their sources): RFC 8032 Ed25519, the reference C2SP signed-note tests, real Go checksum
 * database checkpoints, transparency-dev Merkle proofs (with their failing variants), DSSE PAE.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  fromBase64,
  openCheckpoint,
  openNote,
  pae,
  parseCheckpoint,
  parseVerifierKey,
  rootFromInclusionProof,
  TrustedKeys,
  verifyConsistency,
  verifyInclusion,
  leafHash,
  toHex,
  WebVerifyError,
} from "../../../web/src/verify/index.js";
import { fromHex } from "../../../web/src/verify/bytes.js";
import { ed25519Verify, importEd25519PublicKey } from "../../../web/src/verify/crypto.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector files are read as loose JSON
const load = (p: string): any =>
  JSON.parse(readFileSync(new URL(`../../vectors/${p}`, import.meta.url), "utf8"));

async function rejects(p: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof WebVerifyError && e.code === code, message);
}

test("RFC 8032 Ed25519 vectors verify through WebCrypto, and a flipped bit does not", async () => {
  const { vectors } = load("rfc8032/ed25519.json");
  assert.ok(vectors.length >= 3);
  for (const v of vectors) {
    const key = await importEd25519PublicKey(fromHex(v.publicKey));
    const msg = fromHex(v.message);
    const sig = fromHex(v.signature);
    assert.equal(await ed25519Verify(key, sig, msg), true, v.name);
    sig[0]! ^= 1;
    assert.equal(await ed25519Verify(key, sig, msg), false, `${v.name} tampered`);
    assert.equal(await ed25519Verify(key, sig.subarray(1), msg), false, `${v.name} short signature`);
  }
});

test("reference signed-note vectors: keys, ids, signatures", async () => {
  const v = load("c2sp/go-note.json");
  const peter = await parseVerifierKey(v.peter.verifierKey);
  assert.equal(peter.name, "PeterNeumann");
  assert.equal(peter.keyId, `PeterNeumann+${v.peter.keyHash}`);
  for (const bad of v.badVerifierKeys)
    await rejects(parseVerifierKey(bad.key), "WEB_VERIFY_KEY_INVALID", bad.why);
  await rejects(
    parseVerifierKey(v.peter.verifierKey.replace("c74f20a3", "c74f20a4")),
    "WEB_VERIFY_KEY_INVALID",
    "edited key id",
  );

  const byPeter = await TrustedKeys.fromTexts([v.peter.verifierKey]);
  const opened = await openNote(v.signedByPeter, byPeter);
  assert.equal(opened.text, v.text);
  assert.deepEqual(
    opened.signatures.map((s) => [s.keyId, s.verified]),
    [[`PeterNeumann+${v.peter.keyHash}`, true]],
  );

  const both = v.text + "\n" + v.peterSignatureLine + v.enochSignatureLine;
  const byBoth = await TrustedKeys.fromTexts([v.peter.verifierKey, v.enoch.verifierKey]);
  assert.equal((await openNote(both, byBoth)).signatures.filter((s) => s.verified).length, 2);

  const byEnoch = await TrustedKeys.fromTexts([v.enoch.verifierKey]);
  await rejects(
    openNote(v.signedByPeter, byEnoch),
    "WEB_VERIFY_CHECKPOINT_UNTRUSTED",
    "only an unknown key signed",
  );
  await rejects(
    openNote(v.signedByPeter.replace("cryptography", "Cryptography"), byPeter),
    "WEB_VERIFY_CHECKPOINT_SIGNATURE_INVALID",
    "edited text",
  );
  await rejects(openNote(v.text, byPeter), "WEB_VERIFY_MALFORMED", "no signature block");
  await rejects(openNote(v.signedByPeter.slice(0, -1), byPeter), "WEB_VERIFY_MALFORMED", "no final newline");
  await rejects(
    openNote(v.signedByPeter.replace("\u2014", "-"), byPeter),
    "WEB_VERIFY_MALFORMED",
    "no em dash",
  );
  await rejects(
    openNote("a\u0007b\n\n" + v.peterSignatureLine, byPeter),
    "WEB_VERIFY_MALFORMED",
    "control char",
  );
});

test("real Go checksum database checkpoints and the C2SP example open and parse", async () => {
  const v = load("c2sp/checkpoints.json");
  const keys = await TrustedKeys.fromTexts([v.sumdbVerifierKey]);
  for (const c of v.sumdbCheckpoints) {
    const opened = await openCheckpoint(c.note, keys);
    assert.equal(opened.checkpoint.origin, c.origin);
    assert.equal(opened.checkpoint.size, c.size);
    assert.equal(toHex(opened.checkpoint.rootHash), toHex(fromBase64(c.rootHash)));
    assert.deepEqual(opened.signers, ["sum.golang.org+033de0ae"]);
    const otherSize = c.note.replace(`\n${c.size}\n`, `\n${c.size + 1}\n`);
    await rejects(openCheckpoint(otherSize, keys), "WEB_VERIFY_CHECKPOINT_SIGNATURE_INVALID", "size edited");
  }
  const parsed = parseCheckpoint(v.goFormatTree.text);
  assert.equal(parsed.size, v.goFormatTree.size);
  for (const bad of v.goBadTrees) assert.throws(() => parseCheckpoint(bad), WebVerifyError, bad);
  const ex = parseCheckpoint(v.c2spExample.note.slice(0, v.c2spExample.note.indexOf("\n\n") + 1));
  assert.equal(ex.origin, v.c2spExample.origin);
  assert.equal(ex.size, v.c2spExample.size);
  assert.throws(
    () => parseCheckpoint("o\n01\n" + v.c2spExample.rootHash + "\n"),
    WebVerifyError,
    "leading zero",
  );
  assert.throws(() => parseCheckpoint("o\n1\nAAAA\n"), WebVerifyError, "short root");
});

test("DSSE PAE vector", () => {
  const v = load("dsse/pae.json");
  assert.equal(new TextDecoder().decode(pae(v.payloadType, new TextEncoder().encode(v.payloadUtf8))), v.pae);
});

test("transparency-dev inclusion and consistency vectors, including the failing ones", async () => {
  const { inclusion, consistency } = load("rfc6962/transparency-dev-testdata.json");
  const b = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  for (const v of inclusion) {
    const run = verifyInclusion(v.leafIdx, v.treeSize, b(v.leafHash), (v.proof ?? []).map(b), b(v.root));
    if (v.wantErr || v.ours) await rejects(run, "WEB_VERIFY_INCLUSION_FAILED", `${v.file}: ${v.desc}`);
    else await run;
  }
  for (const v of consistency) {
    const run = verifyConsistency(v.size1, v.size2, b(v.root1), b(v.root2), (v.proof ?? []).map(b));
    if (v.wantErr || v.ours) await rejects(run, "WEB_VERIFY_CONSISTENCY_FAILED", `${v.file}: ${v.desc}`);
    else await run;
  }
});

test("the 8-leaf reference tree: every listed proof verifies; corrupted ones do not", async () => {
  const v = load("rfc6962/reference-tree.json");
  const roots: Uint8Array[] = v.roots.map((h: string) => fromHex(h));
  for (const c of v.inclusion) {
    const leaf = await leafHash(fromHex(v.leaves[c.leafIndex]));
    const proof: Uint8Array[] = c.proof.map((h: string) => fromHex(h));
    const root = roots[c.treeSize - 1]!;
    await verifyInclusion(c.leafIndex, c.treeSize, leaf, proof, root);
    assert.equal(toHex(await rootFromInclusionProof(c.leafIndex, c.treeSize, leaf, proof)), toHex(root));
    if (proof.length > 0) {
      const bad = proof.map((p) => p.slice());
      bad[bad.length - 1]![31]! ^= 0x80;
      await rejects(
        verifyInclusion(c.leafIndex, c.treeSize, leaf, bad, root),
        "WEB_VERIFY_INCLUSION_FAILED",
        "bit",
      );
      await rejects(
        verifyInclusion(c.leafIndex, c.treeSize, leaf, proof.slice(1), root),
        "WEB_VERIFY_INCLUSION_FAILED",
        "short",
      );
    }
    await rejects(
      verifyInclusion(c.leafIndex, c.treeSize, leaf, [...proof, roots[0]!], root),
      "WEB_VERIFY_INCLUSION_FAILED",
      "long",
    );
  }
  for (const c of v.consistency) {
    const proof: Uint8Array[] = c.proof.map((h: string) => fromHex(h));
    const [r1, r2] = [roots[c.size1 - 1]!, roots[c.size2 - 1]!];
    await verifyConsistency(c.size1, c.size2, r1, r2, proof);
    if (c.size1 !== c.size2) {
      await rejects(
        verifyConsistency(c.size1, c.size2, r2, r1, proof),
        "WEB_VERIFY_CONSISTENCY_FAILED",
        "swapped",
      );
      await rejects(
        verifyConsistency(c.size2, c.size1, r2, r1, proof),
        "WEB_VERIFY_CONSISTENCY_FAILED",
        "sizes",
      );
    }
  }
  await verifyConsistency(0, 8, fromHex(v.emptyTreeHash), roots[7]!, []);
});
