/** Shared assertion: a call throws a PreprocessError with the given code. */
import assert from "node:assert/strict";
import { PreprocessError, type PreprocessErrorCode } from "../../src/preprocess/errors.js";

export function assertPreprocessError(fn: () => unknown, code: PreprocessErrorCode, message?: string): void {
  assert.throws(
    fn,
    (err: unknown) => err instanceof PreprocessError && err.code === code,
    message ?? `expected ${code}`,
  );
}

export async function assertRejectsWith(
  promise: Promise<unknown>,
  code: PreprocessErrorCode,
  message?: string,
): Promise<void> {
  await assert.rejects(
    promise,
    (err: unknown) => err instanceof PreprocessError && err.code === code,
    message ?? `expected ${code}`,
  );
}
