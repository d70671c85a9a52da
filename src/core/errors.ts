/**
 * The base error of the project. Every error a caller can cause carries a stable
 * `code` (documented in docs/errors.md) and a message a person can act on; the
 * server maps codes to HTTP statuses in one place (src/server/errors.ts).
 */
export class ZeqError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `err` is a ZeqError, optionally with the given code. */
export function isZeqError(err: unknown, code?: string): err is ZeqError {
  return err instanceof ZeqError && (code === undefined || err.code === code);
}
