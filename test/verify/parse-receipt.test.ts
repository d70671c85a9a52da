import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ReceiptVerificationError, parseReceipt } from "../../src/verify/index.js";
import { buildReceipts } from "./helpers/receipts.js";

const base = buildReceipts(3).receipts[0]!;
const withProof = (entries: unknown[]) => ({ ...base, log: { ...base.log, inclusion_proof: entries } });

/** Node's decoder round trip: the definition of "canonical padded base64 of 32 bytes". */
function canonical32(s: string): boolean {
  const b = Buffer.from(s, "base64");
  return b.length === 32 && b.toString("base64") === s;
}

test("property: proof hashes decode exactly like Node's base64", () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 5 }), (hashes) => {
      const parsed = parseReceipt(withProof(hashes.map((h) => Buffer.from(h).toString("base64"))));
      assert.deepEqual(parsed.inclusionProof, hashes);
    }),
    { numRuns: 2000 },
  );
});

test("property: a proof hash with one character changed is accepted iff it is still canonical", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.nat(43),
      fc.integer({ min: 0, max: 0x2fff }),
      (bytes, pos, code) => {
        const s0 = Buffer.from(bytes).toString("base64");
        const s = s0.slice(0, pos) + String.fromCharCode(code) + s0.slice(pos + 1);
        let accepted: Uint8Array | undefined;
        try {
          accepted = parseReceipt(withProof([s])).inclusionProof[0];
        } catch (e) {
          assert.ok(e instanceof ReceiptVerificationError && e.code === "VERIFY_RECEIPT_MALFORMED");
        }
        assert.equal(accepted !== undefined, canonical32(s), JSON.stringify(s));
        if (accepted !== undefined) assert.equal(Buffer.from(accepted).toString("base64"), s);
      },
    ),
    { numRuns: 5000 },
  );
});

test("proof hashes: wrong lengths, padding, alphabets are refused", () => {
  const good = base.log.inclusion_proof[0] ?? Buffer.alloc(32, 7).toString("base64");
  for (const bad of [
    good.slice(0, -1),
    `${good}=`,
    good.replace("=", "A"),
    Buffer.alloc(31).toString("base64"),
    Buffer.alloc(33).toString("base64"),
    Buffer.alloc(32, 0xff).toString("base64url"),
    ` ${good.slice(1)}`,
    "",
  ]) {
    assert.throws(() => parseReceipt(withProof([bad])), { code: "VERIFY_RECEIPT_MALFORMED" }, bad);
  }
});
