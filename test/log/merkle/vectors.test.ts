/**
 * Published vectors: the 8-leaf reference tree of Certificate Transparency (as kept by
 * transparency-dev/merkle), verbatim files of transparency-dev/merkle's testdata, and
 * the corruption probes of its proofgen/verify_test applied to every reference proof.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fromBase64, fromHex, toHex, utf8 } from "../../../src/core/bytes.js";
import {
  EMPTY_ROOT,
  MerkleProofError,
  leafHash,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  readPlanSync,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/log/merkle/index.js";
import { MemoryTree } from "./memory-tree.js";

interface ReferenceTree {
  leaves: string[];
  roots: string[];
  emptyTreeHash: string;
  someHash: string;
  inclusion: { leafIndex: number; treeSize: number; proof: string[] }[];
  consistency: { size1: number; size2: number; proof: string[] }[];
}
interface InclusionFile {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
  ours?: string;
}
interface ConsistencyFile {
  file: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
  ours?: string;
}

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../vectors/rfc6962/${name}`, import.meta.url), "utf8")) as T;
const ref = load<ReferenceTree>("reference-tree.json");
const testdata = load<{ inclusion: InclusionFile[]; consistency: ConsistencyFile[] }>(
  "transparency-dev-testdata.json",
);

const leaves = ref.leaves.map((h) => fromHex(h));
const roots = ref.roots.map((h) => fromHex(h));
const hexes = (xs: readonly Uint8Array[]): string[] => xs.map(toHex);
const b64 = (s: string): Uint8Array => (s === "" ? new Uint8Array() : fromBase64(s));

/** Asserts `fn` throws a MerkleProofError (and, when given, with that code). */
function rejects(fn: () => void, message: string, code?: string): void {
  assert.throws(
    fn,
    (err: unknown) => err instanceof MerkleProofError && (code === undefined || err.code === code),
    message,
  );
}

test("EMPTY_ROOT is SHA-256 of the empty string", () => {
  assert.equal(toHex(EMPTY_ROOT), ref.emptyTreeHash);
});

test("reference tree: roots of every prefix, from integration and from stored hashes", () => {
  const tree = new MemoryTree();
  for (let size = 1; size <= leaves.length; size++) {
    tree.append([leaves[size - 1] as Uint8Array]);
    assert.equal(toHex(readPlanSync(planRoot(size), tree.read)), ref.roots[size - 1], `root at size ${size}`);
  }
  // Every earlier root is still derivable from the final store.
  for (let size = 1; size <= leaves.length; size++) {
    assert.equal(toHex(readPlanSync(planRoot(size), tree.read)), ref.roots[size - 1], `late root at ${size}`);
  }
});

test("reference tree: generated inclusion proofs equal the published ones and verify", () => {
  const tree = new MemoryTree();
  tree.append(leaves);
  for (const v of ref.inclusion) {
    const proof = readPlanSync(planInclusionProof(v.leafIndex, v.treeSize), tree.read);
    assert.deepEqual(hexes(proof), v.proof, `PATH(${v.leafIndex}, ${v.treeSize})`);
    const lh = leafHash(leaves[v.leafIndex] as Uint8Array);
    verifyInclusion(v.leafIndex, v.treeSize, lh, proof, roots[v.treeSize - 1] as Uint8Array);
    assert.equal(
      toHex(rootFromInclusionProof(v.leafIndex, v.treeSize, lh, proof)),
      ref.roots[v.treeSize - 1],
    );
  }
});

test("reference tree: generated consistency proofs equal the published ones and verify", () => {
  const tree = new MemoryTree();
  tree.append(leaves);
  for (const v of ref.consistency) {
    const proof = readPlanSync(planConsistencyProof(v.size1, v.size2), tree.read);
    assert.deepEqual(hexes(proof), v.proof, `PROOF(${v.size1}, ${v.size2})`);
    verifyConsistency(
      v.size1,
      v.size2,
      proof,
      roots[v.size1 - 1] as Uint8Array,
      roots[v.size2 - 1] as Uint8Array,
    );
  }
});

test("transparency-dev testdata files (verbatim)", () => {
  for (const v of testdata.inclusion) {
    const run = (): void =>
      verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    if (v.wantErr) rejects(run, v.file);
    else assert.doesNotThrow(run, v.file);
  }
  for (const v of testdata.consistency) {
    const run = (): void =>
      verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    if (v.ours) rejects(run, `${v.file} (documented deviation)`, v.ours);
    else if (v.wantErr) rejects(run, v.file);
    else assert.doesNotThrow(run, v.file);
  }
});

const someHash = fromHex(ref.someHash);
const emptyHash = fromHex(ref.emptyTreeHash);
const flip = (proof: readonly Uint8Array[], i: number, mask: number): Uint8Array[] =>
  proof.map((p, j) => (j === i ? Uint8Array.from(p, (b, k) => (k === 0 ? b ^ mask : b)) : p));

test("every corrupted inclusion proof is rejected (transparency-dev corruption rules)", () => {
  for (const v of ref.inclusion) {
    const i = v.leafIndex;
    const n = v.treeSize;
    const proof = v.proof.map((h) => fromHex(h));
    const root = roots[n - 1] as Uint8Array;
    const lh = leafHash(leaves[i] as Uint8Array);
    const probes: [string, () => void][] = [
      ["leafIndex - 1", () => verifyInclusion(i - 1, n, lh, proof, root)],
      ["leafIndex + 1", () => verifyInclusion(i + 1, n, lh, proof, root)],
      ["leafIndex ^ 2", () => verifyInclusion(i ^ 2, n, lh, proof, root)],
      ["treeSize * 2", () => verifyInclusion(i, n * 2, lh, proof, root)],
      ["treeSize / 2", () => verifyInclusion(i, Math.floor(n / 2), lh, proof, root)],
      ["wrong leaf", () => verifyInclusion(i, n, utf8("WrongLeaf"), proof, root)],
      ["wrong leaf of the right length", () => verifyInclusion(i, n, someHash, proof, root)],
      ["empty root", () => verifyInclusion(i, n, lh, proof, emptyHash)],
      ["random root", () => verifyInclusion(i, n, lh, proof, someHash)],
      ["trailing garbage", () => verifyInclusion(i, n, lh, [...proof, new Uint8Array()], root)],
      ["trailing root", () => verifyInclusion(i, n, lh, [...proof, root], root)],
      ["preceding garbage", () => verifyInclusion(i, n, lh, [new Uint8Array(), ...proof], root)],
      ["preceding root", () => verifyInclusion(i, n, lh, [root, ...proof], root)],
    ];
    proof.forEach((_, j) =>
      probes.push([`proof[${j}] bit 3`, () => verifyInclusion(i, n, lh, flip(proof, j, 8), root)]),
    );
    if (proof.length > 0) {
      probes.push(["removed component", () => verifyInclusion(i, n, lh, proof.slice(0, -1), root)]);
    }
    if (proof.length > 1) {
      const inserted = [proof[0] as Uint8Array, someHash, ...proof.slice(1)];
      probes.push(["inserted component", () => verifyInclusion(i, n, lh, inserted, root)]);
    }
    for (const [desc, run] of probes) rejects(run, `PATH(${i}, ${n}): ${desc}`);
  }
});

test("every corrupted consistency proof is rejected (transparency-dev corruption rules)", () => {
  for (const v of ref.consistency) {
    const proof = v.proof.map((h) => fromHex(h));
    if (proof.length === 0) continue; // as upstream: only non-trivial proofs
    const { size1: s1, size2: s2 } = v;
    const r1 = roots[s1 - 1] as Uint8Array;
    const r2 = roots[s2 - 1] as Uint8Array;
    const wrong = utf8("WrongRoot");
    const probes: [string, () => void][] = [
      ["size1 - 1", () => verifyConsistency(s1 - 1, s2, proof, r1, r2)],
      ["size1 + 1", () => verifyConsistency(s1 + 1, s2, proof, r1, r2)],
      ["size1 ^ 2", () => verifyConsistency(s1 ^ 2, s2, proof, r1, r2)],
      ["size2 * 2", () => verifyConsistency(s1, s2 * 2, proof, r1, r2)],
      ["size2 / 2", () => verifyConsistency(s1, Math.floor(s2 / 2), proof, r1, r2)],
      ["wrong root1", () => verifyConsistency(s1, s2, proof, wrong, r2)],
      ["wrong root2", () => verifyConsistency(s1, s2, proof, r1, wrong)],
      ["wrong root1 of the right length", () => verifyConsistency(s1, s2, proof, someHash, r2)],
      ["wrong root2 of the right length", () => verifyConsistency(s1, s2, proof, r1, someHash)],
      ["swapped roots", () => verifyConsistency(s1, s2, proof, r2, r1)],
      ["empty proof", () => verifyConsistency(s1, s2, [], r1, r2)],
      ["trailing garbage", () => verifyConsistency(s1, s2, [...proof, new Uint8Array()], r1, r2)],
      ["trailing root1", () => verifyConsistency(s1, s2, [...proof, r1], r1, r2)],
      ["trailing root2", () => verifyConsistency(s1, s2, [...proof, r2], r1, r2)],
      ["preceding garbage", () => verifyConsistency(s1, s2, [new Uint8Array(), ...proof], r1, r2)],
      ["preceding root1", () => verifyConsistency(s1, s2, [r1, ...proof], r1, r2)],
      ["preceding root2", () => verifyConsistency(s1, s2, [r2, ...proof], r1, r2)],
      ["preceding proof[0]", () => verifyConsistency(s1, s2, [proof[0] as Uint8Array, ...proof], r1, r2)],
      ["truncated proof", () => verifyConsistency(s1, s2, proof.slice(0, -1), r1, r2)],
    ];
    proof.forEach((_, j) =>
      probes.push([`proof[${j}] bit 4`, () => verifyConsistency(s1, s2, flip(proof, j, 16), r1, r2)]),
    );
    for (const [desc, run] of probes) rejects(run, `PROOF(${s1}, ${s2}): ${desc}`);
  }
});

test("edge cases of the verifiers name the fault", () => {
  const r1 = roots[0] as Uint8Array;
  const lh = leafHash(leaves[0] as Uint8Array);
  rejects(
    () => verifyInclusion(0, 0, lh, [], emptyHash),
    "index 0 in the empty tree",
    "LOG_PROOF_INDEX_OUT_OF_RANGE",
  );
  rejects(() => verifyInclusion(2, 1, lh, [], r1), "index beyond size", "LOG_PROOF_INDEX_OUT_OF_RANGE");
  rejects(() => verifyInclusion(-1, 1, lh, [], r1), "negative index", "LOG_PROOF_BAD_INPUT");
  rejects(() => verifyInclusion(0.5, 1, lh, [], r1), "fractional index", "LOG_PROOF_BAD_INPUT");
  rejects(() => verifyInclusion(0, 2 ** 53, lh, [], r1), "size beyond 2^53 - 1", "LOG_PROOF_BAD_INPUT");
  rejects(() => verifyInclusion(0, 1, lh, "nope" as never, r1), "proof not an array", "LOG_PROOF_BAD_INPUT");
  rejects(() => verifyInclusion(0, 1, lh, [[1, 2]] as never, r1), "node not bytes", "LOG_PROOF_BAD_INPUT");
  rejects(
    () => verifyInclusion(0, 1, lh.subarray(1), [], r1),
    "short leaf hash",
    "LOG_PROOF_BAD_HASH_LENGTH",
  );
  rejects(() => verifyInclusion(0, 2, lh, [], r1), "missing node", "LOG_PROOF_WRONG_LENGTH");
  rejects(() => verifyInclusion(0, 1, lh, [], emptyHash), "wrong root", "LOG_PROOF_INVALID");
  verifyInclusion(0, 1, lh, [], r1);

  // Consistency: equal sizes need equal roots and no proof; the empty tree proves nothing.
  verifyConsistency(1, 1, [], r1, r1);
  verifyConsistency(0, 0, [], emptyHash, emptyHash);
  rejects(() => verifyConsistency(1, 1, [], r1, emptyHash), "equal sizes, two roots", "LOG_PROOF_INVALID");
  rejects(
    () => verifyConsistency(1, 1, [emptyHash], r1, r1),
    "equal sizes, a proof",
    "LOG_PROOF_WRONG_LENGTH",
  );
  rejects(
    () => verifyConsistency(0, 1, [], emptyHash, r1),
    "from the empty tree",
    "LOG_PROOF_INDEX_OUT_OF_RANGE",
  );
  rejects(() => verifyConsistency(2, 1, [], r1, r1), "time travel", "LOG_PROOF_INDEX_OUT_OF_RANGE");
});
