import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeOperators } from "../../src/execute/operators.js";
import { ExecuteError } from "../../src/execute/errors.js";

const fails = (value: unknown, code: string) =>
  assert.throws(
    () => normalizeOperators(value),
    (e: unknown) => e instanceof ExecuteError && e.code === code && /KO42, CS43, CS44/.test(e.message),
  );

test("KO42 is always applied, named or not, and order is canonical", () => {
  assert.deepEqual(normalizeOperators(undefined), ["KO42"]);
  assert.deepEqual(normalizeOperators(["CS43"]), ["KO42", "CS43"]);
  assert.deepEqual(normalizeOperators(["CS44", "KO42", "CS43"]), ["KO42", "CS43", "CS44"]);
});

test("unknown names, more than three, none, repeats are refused with the valid list", () => {
  fails(["KO42", "CS99"], "EXECUTE_OPERATOR_UNKNOWN");
  fails([42], "EXECUTE_OPERATOR_UNKNOWN");
  fails(["KO42", "CS43", "CS44", "KO42"], "EXECUTE_OPERATORS_INVALID");
  fails([], "EXECUTE_OPERATORS_INVALID");
  fails("KO42", "EXECUTE_OPERATORS_INVALID");
  assert.throws(
    () => normalizeOperators(["CS43", "CS43"]),
    (e: unknown) => e instanceof ExecuteError && e.code === "EXECUTE_OPERATORS_INVALID",
  );
});
