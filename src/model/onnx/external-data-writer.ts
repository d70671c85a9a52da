/**
 * Writes an ONNX external-data file: tensors appended one after another, each starting at
 * a multiple of the alignment (4096, a page, so runtimes can mmap them). Bytes are written
 * as they are produced, and the file's SHA-256 is computed on the way, so a model of any
 * size is written without holding it in memory.
 */
import { createHash, type Hash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";

export interface ExternalRange {
  offset: number;
  length: number;
}

export class ExternalDataWriter {
  private position = 0;
  private tensorStart: number | undefined;
  private readonly hash: Hash = createHash("sha256");

  private constructor(
    private readonly handle: FileHandle,
    readonly alignment: number,
  ) {}

  /**
   * Creates (or truncates) the data file at `path`.
   * @throws RangeError when alignment is not a positive integer.
   */
  static async create(path: string, alignment = 4096): Promise<ExternalDataWriter> {
    if (!Number.isInteger(alignment) || alignment < 1)
      throw new RangeError("alignment must be a positive integer");
    return new ExternalDataWriter(await open(path, "w"), alignment);
  }

  /** Starts a tensor: pads with zero bytes up to the next aligned offset. */
  async beginTensor(): Promise<void> {
    if (this.tensorStart !== undefined) throw new Error("beginTensor called twice without endTensor");
    const pad = (this.alignment - (this.position % this.alignment)) % this.alignment;
    if (pad > 0) await this.append(new Uint8Array(pad));
    this.tensorStart = this.position;
  }

  /** Appends bytes of the current tensor. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.tensorStart === undefined) throw new Error("write called outside beginTensor/endTensor");
    await this.append(chunk);
  }

  /** Ends the current tensor and returns where its bytes are. */
  endTensor(): ExternalRange {
    if (this.tensorStart === undefined) throw new Error("endTensor called without beginTensor");
    const range = { offset: this.tensorStart, length: this.position - this.tensorStart };
    this.tensorStart = undefined;
    return range;
  }

  /** Flushes to disk and closes; returns the file's size and SHA-256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.handle.sync();
    await this.handle.close();
    return { bytes: this.position, sha256: this.hash.digest("hex") };
  }

  /** Closes without flushing, after a failure. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async append(chunk: Uint8Array): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.handle.write(
        chunk,
        done,
        chunk.length - done,
        this.position + done,
      );
      done += bytesWritten;
    }
    this.hash.update(chunk);
    this.position += chunk.length;
  }
}
