/**
 * Positional, buffered reads from a file, so an ONNX file can be walked field by field
 * without loading it: the weights of a 500 MB model are skipped, never read.
 * Reads past the end of the file are a malformed file (MODEL_ONNX_MALFORMED), not a crash.
 */
import { open, type FileHandle } from "node:fs/promises";
import { ModelError } from "../errors.js";

const WINDOW_BYTES = 64 * 1024;

export class FileSource {
  private window = new Uint8Array(0);
  private windowStart = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  /**
   * Opens `path` for reading.
   * @throws ModelError MODEL_NOT_FOUND when the file does not exist or is not a regular file.
   */
  static async open(path: string): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (err) {
      throw notFound(path, err);
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new ModelError("MODEL_NOT_FOUND", `${path} is not a regular file`);
    }
    return new FileSource(handle, stat.size, path);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /**
   * Exactly `length` bytes at `position` (a copy).
   * @throws ModelError MODEL_ONNX_MALFORMED when the range runs past the end of the file.
   */
  async bytes(position: number, length: number): Promise<Uint8Array> {
    this.checkRange(position, length);
    if (length <= WINDOW_BYTES) {
      await this.fill(position, length);
      const from = position - this.windowStart;
      return this.window.slice(from, from + length);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, position + done);
      if (bytesRead === 0) throw this.truncated(position + done);
      done += bytesRead;
    }
    return out;
  }

  /**
   * A base-128 varint at `position`, as a number (exact up to 2^53; larger values come back
   * as Infinity, which every caller rejects as out of range).
   * @throws ModelError MODEL_ONNX_MALFORMED on a truncated or over-long varint.
   */
  async varint(position: number, end: number): Promise<{ value: number; next: number }> {
    const available = Math.min(10, end - position);
    if (available <= 0) throw this.truncated(position);
    await this.fill(position, available);
    let value = 0;
    let scale = 1;
    for (let i = 0; i < available; i++) {
      const byte = this.window[position - this.windowStart + i] as number;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) {
        return { value: Number.isSafeInteger(value) ? value : Infinity, next: position + i + 1 };
      }
    }
    throw available < 10
      ? this.truncated(position + available)
      : this.malformed(position, "varint longer than 10 bytes");
  }

  malformed(position: number, what: string): ModelError {
    return new ModelError(
      "MODEL_ONNX_MALFORMED",
      `${this.path}: not a valid ONNX model (${what} at byte ${position})`,
    );
  }

  private truncated(position: number): ModelError {
    return this.malformed(position, "truncated: data ends early");
  }

  private checkRange(position: number, length: number): void {
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0) {
      throw this.malformed(position, "invalid length");
    }
    if (position + length > this.size) throw this.truncated(this.size);
  }

  private async fill(position: number, length: number): Promise<void> {
    const windowEnd = this.windowStart + this.window.length;
    if (position >= this.windowStart && position + length <= windowEnd) return;
    const want = Math.min(WINDOW_BYTES, this.size - position);
    const buffer = new Uint8Array(Math.max(want, 0));
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.handle.read(buffer, done, want - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    this.window = buffer.subarray(0, done);
    this.windowStart = position;
    if (done < length) throw this.truncated(position + done);
  }
}

function notFound(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") {
    return new ModelError("MODEL_NOT_FOUND", `no ONNX file at ${path}`, { cause: err });
  }
  return err;
}
