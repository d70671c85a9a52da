/** The worked example of docs/spec.md §5 is a real record: its receipt must verify as printed. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VerifierSet } from "../../src/keys/index.js";
import { verifyReceipt } from "../../src/verify/index.js";
import { decodeComputeRecord } from "../../src/record/encode.js";
import { sha256Hex } from "../../src/core/hash.js";
import { toHex } from "../../src/core/bytes.js";
import { leafHash } from "../../src/log/merkle/hash.js";

const spec = readFileSync(join(import.meta.dirname, "..", "..", "docs", "spec.md"), "utf8");
const section = spec.slice(spec.indexOf("## 5. Worked example"));

test("docs/spec.md §5: the printed receipt verifies with the printed key and carries the printed record", () => {
  const vkey = /^ {4}(\S+\+[0-9a-f]{8}\+\S+)$/m.exec(section)?.[1];
  assert.ok(vkey, "the section prints a verifier key");
  const blocks = [...section.matchAll(/```json\n(.*)\n```/g)].map((m) => m[1]!);
  assert.equal(blocks.length, 2, "a record block and a receipt block");
  const [recordText, receiptText] = blocks as [string, string];
  const verified = verifyReceipt(JSON.parse(receiptText), new VerifierSet([vkey]));
  assert.equal(new TextDecoder().decode(verified.payload), recordText);
  const record = decodeComputeRecord(verified.payload);
  assert.ok(section.includes(`\`${sha256Hex(verified.payload)}\``), "the payload digest is printed");
  assert.ok(section.includes(`\`${toHex(leafHash(verified.payload))}\``), "the leaf hash is printed");
  assert.ok(section.includes(`\`zeqond_index\` ${record.zeqond_index}`));
});
