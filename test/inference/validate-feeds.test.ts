import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { InferenceError } from "../../src/inference/errors.js";
import type { IoInfo } from "../../src/inference/types.js";
import { checkFeeds } from "../../src/inference/validate-feeds.js";
import { TENSOR_DTYPES } from "../../src/record/tensor-digest.js";

const declared: IoInfo[] = [
  { name: "input_ids", dtype: "int64", dims: ["batch", "sequence"] },
  { name: "attention_mask", dtype: "int64", dims: ["batch", "sequence"] },
  { name: "pixel", dtype: "float32", dims: [1, 3, ""] },
];

function good() {
  return {
    input_ids: { dtype: "int64", dims: [1, 4], data: new BigInt64Array(4) },
    attention_mask: { dtype: "int64", dims: [1, 4], data: new BigInt64Array(4) },
    pixel: { dtype: "float32", dims: [1, 3, 2], data: new Float32Array(6) },
  };
}

function rejects(feeds: unknown, wantCode: string, wantInput?: string): void {
  assert.throws(
    () => checkFeeds(declared, feeds),
    (err: unknown) => {
      assert.ok(err instanceof InferenceError, String(err));
      assert.equal(err.code, wantCode);
      if (wantInput !== undefined) assert.equal(err.input, wantInput);
      return true;
    },
  );
}

describe("input checks against the declared inputs", () => {
  test("good feeds pass in declared order, the default size is the first input's element count", () => {
    const feeds = good();
    const out = checkFeeds(declared, {
      pixel: feeds.pixel,
      attention_mask: feeds.attention_mask,
      input_ids: feeds.input_ids,
    });
    assert.deepEqual(
      out.tensors.map((t) => t.name),
      ["input_ids", "attention_mask", "pixel"],
    );
    assert.equal(out.tensors[0]!.data, feeds.input_ids.data, "no copy");
    assert.equal(out.defaultSize, 4);
  });

  test("a missing input is named", () => {
    const { attention_mask: _, ...rest } = good();
    rejects(rest, "INFER_INPUT_MISSING", "attention_mask");
  });

  test("an input the model does not declare is named", () => {
    rejects({ ...good(), token_type_ids: good().input_ids }, "INFER_INPUT_UNEXPECTED", "token_type_ids");
  });

  test("a wrong dtype, an unknown dtype, or data of another array type is INFER_INPUT_DTYPE", () => {
    rejects(
      { ...good(), input_ids: { dtype: "int32", dims: [1, 4], data: new Int32Array(4) } },
      "INFER_INPUT_DTYPE",
      "input_ids",
    );
    rejects(
      { ...good(), input_ids: { dtype: "string", dims: [1, 4], data: new BigInt64Array(4) } },
      "INFER_INPUT_DTYPE",
      "input_ids",
    );
    rejects(
      { ...good(), pixel: { dtype: "float32", dims: [1, 3, 2], data: new Float64Array(6) } },
      "INFER_INPUT_DTYPE",
      "pixel",
    );
    rejects(
      { ...good(), pixel: { dtype: "float32", dims: [1, 3, 2], data: [0, 0, 0, 0, 0, 0] } },
      "INFER_INPUT_DTYPE",
      "pixel",
    );
  });

  test("rank, fixed dims and symbolic dims are INFER_INPUT_SHAPE", () => {
    rejects(
      { ...good(), input_ids: { dtype: "int64", dims: [4], data: new BigInt64Array(4) } },
      "INFER_INPUT_SHAPE",
      "input_ids",
    );
    rejects(
      { ...good(), pixel: { dtype: "float32", dims: [1, 4, 2], data: new Float32Array(8) } },
      "INFER_INPUT_SHAPE",
      "pixel",
    );
    rejects(
      { ...good(), attention_mask: { dtype: "int64", dims: [1, 5], data: new BigInt64Array(5) } },
      "INFER_INPUT_SHAPE",
      "attention_mask",
    );
    rejects(
      { ...good(), input_ids: { dtype: "int64", dims: [1, -4], data: new BigInt64Array(4) } },
      "INFER_INPUT_SHAPE",
      "input_ids",
    );
    rejects(
      { ...good(), input_ids: { dtype: "int64", dims: [1, 1.5], data: new BigInt64Array(4) } },
      "INFER_INPUT_SHAPE",
      "input_ids",
    );
    rejects(
      { ...good(), input_ids: { dtype: "int64", dims: "1,4", data: new BigInt64Array(4) } },
      "INFER_INPUT_SHAPE",
      "input_ids",
    );
  });

  test("an element count that does not match the dims, or a malformed feed, is INFER_INPUT_DATA", () => {
    rejects(
      { ...good(), pixel: { dtype: "float32", dims: [1, 3, 2], data: new Float32Array(5) } },
      "INFER_INPUT_DATA",
      "pixel",
    );
    rejects({ ...good(), pixel: null }, "INFER_INPUT_DATA", "pixel");
    rejects(null, "INFER_INPUT_DATA");
    rejects([good()], "INFER_INPUT_DATA");
  });

  test("arbitrary junk never escapes as anything but a coded error", () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom(...TENSOR_DTYPES), fc.anything(), (junk, dtype, dims) => {
        for (const feeds of [
          junk,
          { ...good(), pixel: junk },
          { ...good(), pixel: { dtype, dims, data: junk } },
        ]) {
          try {
            checkFeeds(declared, feeds);
          } catch (err) {
            assert.ok(err instanceof InferenceError, `not coded: ${String(err)}`);
          }
        }
      }),
    );
  });
});
