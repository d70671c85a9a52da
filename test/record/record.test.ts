import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { tensorDigest } from "../../src/record/tensor-digest.js";
import { encodeComputeRecord, decodeComputeRecord } from "../../src/record/encode.js";
import { validateComputeRecord } from "../../src/record/schema.js";
import { RecordError } from "../../src/record/errors.js";
import { utf8 } from "../../src/core/bytes.js";
import { sampleRecord } from "./sample-record.js";

function assertRecordError(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof RecordError && e.code === code);
}

test("tensor digests match an independent computation of the documented encoding", () => {
  // Computed with Python's hashlib over '{"dtype":"float32","shape":[2]}' + "\n" + struct.pack('<ff', 1, -2).
  assert.equal(
    tensorDigest("float32", [2], new Float32Array([1, -2])),
    "00bc28eea85d85a1f2c6061e50b482c84ddd7736c5a5cc8fadb3915be49c72c5",
  );
  assert.equal(
    tensorDigest("int64", [1, 3], new BigInt64Array([101n, 1996n, -1n])),
    "f19d17d08fe6ccb65edec79d08c3f9f58fbf75085a092552edba60c818f4471b",
  );
});

test("the dtype and shape are part of a tensor digest", () => {
  const bytes = new Float32Array([1, 2, 3, 4, 5, 6]);
  const a = tensorDigest("float32", [2, 3], bytes);
  assert.notEqual(a, tensorDigest("float32", [3, 2], bytes));
  assert.notEqual(a, tensorDigest("int32", [2, 3], new Int32Array(bytes.buffer)));
  assertRecordError(() => tensorDigest("float32", [2, 2], bytes), "RECORD_TENSOR_INVALID");
  assertRecordError(() => tensorDigest("float64", [6], bytes), "RECORD_TENSOR_INVALID");
  assertRecordError(() => tensorDigest("float32", [-6], bytes), "RECORD_TENSOR_INVALID");
});

test("a record round-trips through its canonical bytes", () => {
  const record = sampleRecord();
  const bytes = encodeComputeRecord(record);
  assert.deepEqual(decodeComputeRecord(bytes), record);
  // Keys are sorted: the canonical form starts with "batch".
  assert.match(new TextDecoder().decode(bytes), /^\{"batch":null,"environment":/);
});

test("the schema is strict: unknown, missing and ill-typed fields are refused", () => {
  assertRecordError(() => validateComputeRecord({ ...sampleRecord(), extra: 1 }), "RECORD_SCHEMA_INVALID");
  const { zeqond: _drop, ...missing } = sampleRecord();
  assertRecordError(() => validateComputeRecord(missing), "RECORD_SCHEMA_INVALID");
  assertRecordError(
    () => validateComputeRecord(sampleRecord({ phase_at_inference: 1 })),
    "RECORD_SCHEMA_INVALID",
  );
  assertRecordError(
    () => validateComputeRecord(sampleRecord({ operators: ["CS43"] })),
    "RECORD_SCHEMA_INVALID",
  );
  assertRecordError(
    () => validateComputeRecord(sampleRecord({ operators: ["KO42", "KO42"] })),
    "RECORD_SCHEMA_INVALID",
  );
  assertRecordError(
    () => validateComputeRecord(sampleRecord({ operators: ["KO42", "XX99" as "CS43"] })),
    "RECORD_SCHEMA_INVALID",
  );
  assertRecordError(
    () => validateComputeRecord(sampleRecord({ input_sha256: "ABC" })),
    "RECORD_SCHEMA_INVALID",
  );
  assertRecordError(() => validateComputeRecord("not an object"), "RECORD_SCHEMA_INVALID");
});

test("input_sha256 must commit to the input object", () => {
  const record = sampleRecord({ input_sha256: "e".repeat(64) });
  assertRecordError(() => encodeComputeRecord(record), "RECORD_SCHEMA_INVALID");
});

test("decoding refuses non-canonical, duplicate-key and non-UTF-8 bytes", () => {
  const record = sampleRecord();
  const pretty = utf8(JSON.stringify(record, null, 1));
  assertRecordError(() => decodeComputeRecord(pretty), "RECORD_SCHEMA_INVALID");
  const canonical = new TextDecoder().decode(encodeComputeRecord(record));
  const dup = utf8(canonical.replace('{"batch":null,', '{"batch":null,"batch":null,'));
  assertRecordError(() => decodeComputeRecord(dup), "RECORD_SCHEMA_INVALID");
  assertRecordError(() => decodeComputeRecord(new Uint8Array([0x7b, 0xff, 0x7d])), "RECORD_SCHEMA_INVALID");
});

test("property: any single-byte change to record bytes is refused or changes the record", () => {
  const record = sampleRecord();
  const bytes = encodeComputeRecord(record);
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, delta) => {
      const tampered = new Uint8Array(bytes);
      tampered[i] = (tampered[i]! + delta) & 0xff;
      try {
        const decoded = decodeComputeRecord(tampered);
        assert.notDeepEqual(decoded, record);
      } catch (e) {
        assert.ok(e instanceof RecordError, String(e));
      }
    }),
    { numRuns: 400 },
  );
});
