/**
 * The worked example of docs/spec.md (section 2.7), computed from fixed keys: every value the
 * document quotes comes from here, and test/vectors/c2sp/zeq-worked-example.json pins them.
 */
import { canonicalBytes } from "../../../src/core/canonical-json.js";
import { concatBytes, fromUtf8, toBase64, toHex, utf8 } from "../../../src/core/bytes.js";
import { sha256 } from "../../../src/core/hash.js";
import { encodeSigningKey, parseSigningKey } from "../../../src/keys/index.js";
import { formatCheckpoint, signCheckpoint } from "../../../src/log/checkpoint.js";
import { pae, signEnvelope } from "../../../src/record/dsse.js";
import { buildReceipt } from "../../../src/record/receipt.js";
import { mth, path } from "./receipts.js";

export const EXAMPLE_PAYLOAD_TYPE = "application/vnd.zeq-np.example+json";

export function buildWorkedExample() {
  const logSeed = sha256(utf8("zeq-np worked example: log key"));
  const recordSeed = sha256(utf8("zeq-np worked example: record key"));
  const logKey = encodeSigningKey("zeq.example/log", logSeed);
  const recordKey = encodeSigningKey("zeq.example/records", recordSeed);
  const log = parseSigningKey(logKey);
  const records = parseSigningKey(recordKey);
  const keyIdInput = concatBytes(utf8(log.name), Uint8Array.of(0x0a, 0x01), log.publicKey);

  const payloads = ["alpha", "beta", "gamma"].map((text, n) => canonicalBytes({ text, n }));
  const leafHashes = payloads.map((p) => sha256(Uint8Array.of(0), p));
  const node01 = sha256(Uint8Array.of(1), leafHashes[0]!, leafHashes[1]!);
  const root = mth(leafHashes);
  const index = 2;
  const proof = path(index, leafHashes);

  const envelope = signEnvelope(EXAMPLE_PAYLOAD_TYPE, payloads[index]!, records);
  const checkpointText = formatCheckpoint({ origin: "zeq.example/log", size: 3, rootHash: root });
  const checkpoint = signCheckpoint({ origin: "zeq.example/log", size: 3, rootHash: root }, [log]);
  const signatureLine = checkpoint.slice(checkpoint.lastIndexOf("\n\n") + 2, -1);
  const receipt = buildReceipt({
    envelope,
    origin: "zeq.example/log",
    index,
    treeSize: 3,
    checkpoint,
    inclusionProof: proof,
  });

  return {
    logSeedHex: toHex(logSeed),
    recordSeedHex: toHex(recordSeed),
    logPrivateKey: logKey,
    recordPrivateKey: recordKey,
    logPublicKeyHex: toHex(log.publicKey),
    keyIdInputHex: toHex(keyIdInput),
    keyIdSha256Hex: toHex(sha256(keyIdInput)),
    logVerifierKey: log.verifierKey,
    recordVerifierKey: records.verifierKey,
    payloads: payloads.map((p) => fromUtf8(p)),
    leafHashesHex: leafHashes.map(toHex),
    node01Hex: toHex(node01),
    rootHex: toHex(root),
    rootBase64: toBase64(root),
    proofBase64: proof.map(toBase64),
    pae: fromUtf8(pae(EXAMPLE_PAYLOAD_TYPE, payloads[index]!)),
    envelope,
    checkpointText,
    checkpoint,
    signatureLine,
    receipt,
  };
}
