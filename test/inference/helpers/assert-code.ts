import assert from "node:assert/strict";
import { InferenceError } from "../../../src/inference/errors.js";

/** A predicate for assert.throws/rejects: an InferenceError with this code (and input, if given). */
export function inferenceCode(code: string, input?: string): (err: unknown) => true {
  return (err: unknown) => {
    assert.ok(err instanceof InferenceError, `expected an InferenceError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (input !== undefined) assert.equal(err.input, input);
    return true;
  };
}

/** Waits (by polling, without asserting on time) until `condition` holds or `limit` polls pass. */
export async function eventually(condition: () => boolean, limit = 1500, pollMs = 20): Promise<void> {
  for (let i = 0; i < limit && !condition(); i++) await new Promise((r) => setTimeout(r, pollMs));
  assert.ok(condition(), "condition never held");
}
