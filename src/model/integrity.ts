/**
 * The weight-checkpoint hash, and the check that a model's files are the ones model.json
 * names. Files are streamed (a 500 MB model is never one buffer) and read once: each chunk
 * feeds its file's own SHA-256 and the checkpoint hash.
 *
 *   weight_checkpoint_sha256 = SHA-256(file_1 ‖ file_2 ‖ … ‖ file_k)
 *
 * over the files in model.json's documented order (the .onnx files by name, then the
 * external-data files by name). For a single-file model it equals `sha256sum model.onnx`.
 * The per-file hashes in model.json pin the boundaries between files.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { ModelError } from "./errors.js";
import type { ModelMetadata } from "./metadata.js";

export type HashProgress = (doneBytes: number, totalBytes: number, file: string) => void;

export interface ModelFilesDigest {
  weightCheckpointSha256: string;
  files: { path: string; sha256: string; bytes: number }[];
}

/**
 * Hashes the files of a model version in order, without comparing them to anything.
 * @throws {ModelError} MODEL_NOT_FOUND when a file cannot be read
 */
export async function hashModelFiles(
  dir: string,
  paths: readonly string[],
  onProgress?: HashProgress,
  totalBytes = 0,
): Promise<ModelFilesDigest> {
  const checkpoint = createHash("sha256");
  const files: ModelFilesDigest["files"] = [];
  let done = 0;
  for (const path of paths) {
    const fileHash = createHash("sha256");
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(join(dir, path), { highWaterMark: 4 << 20 })) {
        const buf = chunk as Buffer;
        fileHash.update(buf);
        checkpoint.update(buf);
        bytes += buf.length;
        done += buf.length;
        onProgress?.(done, totalBytes, path);
      }
    } catch (cause) {
      throw new ModelError("MODEL_NOT_FOUND", `cannot read model file ${join(dir, path)}`, { cause });
    }
    files.push({ path, sha256: fileHash.digest("hex"), bytes });
  }
  return { weightCheckpointSha256: checkpoint.digest("hex"), files };
}

/**
 * Checks every file of a model version against model.json and returns the checkpoint hash.
 * @throws {ModelError} MODEL_FILES_MISMATCH naming the first file whose size or hash
 *   differs (the model must not be served), MODEL_NOT_FOUND for a missing file
 */
export async function verifyModelFiles(
  dir: string,
  meta: ModelMetadata,
  onProgress?: HashProgress,
): Promise<ModelFilesDigest> {
  const total = meta.files.reduce((n, f) => n + f.bytes, 0);
  const digest = await hashModelFiles(
    dir,
    meta.files.map((f) => f.path),
    onProgress,
    total,
  );
  meta.files.forEach((expected, i) => {
    const actual = digest.files[i]!;
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
      throw new ModelError(
        "MODEL_FILES_MISMATCH",
        `${meta.name}/${meta.version}: ${expected.path} is ${actual.bytes} bytes with SHA-256 ${actual.sha256}, ` +
          `but model.json records ${expected.bytes} bytes with ${expected.sha256}; refusing to serve a model whose weights changed`,
      );
    }
  });
  return digest;
}
