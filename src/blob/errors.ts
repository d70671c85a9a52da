import { ZeqError } from "../core/errors.js";

export type BlobErrorCode =
  "BLOB_NOT_FOUND" | "BLOB_CORRUPT" | "BLOB_IO" | "BLOB_DIGEST_INVALID" | "BLOB_BUNDLE_MALFORMED";

export class BlobError extends ZeqError<BlobErrorCode> {}
