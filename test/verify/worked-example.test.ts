import { test } from "node:test";
import assert from "node:assert/strict";
import { fromHex, toHex } from "../../src/core/bytes.js";
import { sha256 } from "../../src/core/hash.js";
import { VerifierSet } from "../../src/keys/index.js";
import { verifyReceipt } from "../../src/verify/index.js";
import { loadVector } from "../keys/load-vector.js";
import { EXAMPLE_PAYLOAD_TYPE, buildWorkedExample } from "./helpers/worked-example.js";

type Example = ReturnType<typeof buildWorkedExample> & { source: string };
const pinned = loadVector<Example>("c2sp/zeq-worked-example.json");

test("the worked example of the signing spec is reproduced byte for byte", () => {
  const { source: _source, ...expected } = pinned;
  assert.deepEqual(buildWorkedExample(), expected);
});

test("worked example: the numbers are what the spec says they are", () => {
  const ex = pinned;
  assert.equal(ex.keyIdSha256Hex.slice(0, 8), ex.logVerifierKey.split("+")[1]);
  assert.equal(toHex(sha256(fromHex(ex.keyIdInputHex))), ex.keyIdSha256Hex);
  const leaf2 = fromHex(ex.leafHashesHex[2]!);
  assert.equal(toHex(sha256(Uint8Array.of(1), fromHex(ex.node01Hex), leaf2)), ex.rootHex);
  assert.equal(
    ex.signatureLine.startsWith("\u2014 zeq.example/log +xoz"),
    true,
    "base64 of fb 1a 33 is +xoz",
  );
});

test("worked example: the receipt verifies with the two published verifier keys only", () => {
  const keys = new VerifierSet([pinned.logVerifierKey, pinned.recordVerifierKey]);
  const out = verifyReceipt(JSON.stringify(pinned.receipt), keys, {
    expectedOrigin: "zeq.example/log",
    payloadType: EXAMPLE_PAYLOAD_TYPE,
  });
  assert.equal(new TextDecoder().decode(out.payload), pinned.payloads[2]);
  assert.equal(toHex(out.leafHash), pinned.leafHashesHex[2]);
});
