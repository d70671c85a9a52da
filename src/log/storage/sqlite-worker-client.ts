/**
 * The log's side of the SQLite writer thread: one request at a time in order, replies
 * matched by id. If the thread dies, every pending and later request fails with
 * LOG_STORAGE_IO (nothing is acknowledged that was not committed).
 */
import type { Worker } from "node:worker_threads";
import { LogError } from "../errors.js";
import type { SequenceRequest, SequenceResult, StoredCheckpoint } from "./contract.js";
import type { SqliteOpenOptions } from "./sqlite-schema.js";
import { spawnSiblingWorker } from "../../core/spawn-worker.js";
import {
  decodeError,
  packEntries,
  unpackResult,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStartup,
} from "./sqlite-wire.js";

interface Pending {
  resolve(reply: WorkerReply & { ok: true }): void;
  reject(err: LogError): void;
}

export interface WriterPort {
  sequence(request: SequenceRequest): Promise<SequenceResult>;
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  close(): Promise<void>;
}

export class WorkerWriter implements WriterPort {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: LogError | null = null;
  /** The last entries buffer the thread handed back, reused for the next batch. */
  private spare: ArrayBuffer | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: WorkerReply) => this.onReply(reply));
    worker.on("error", (err) =>
      this.fail(new LogError("LOG_STORAGE_IO", `log writer thread failed: ${err.message}`)),
    );
    worker.on("exit", () => this.fail(new LogError("LOG_STORAGE_IO", "log writer thread exited")));
    worker.unref();
  }

  /**
   * Starts the writer thread and waits until it has opened (or created) the store.
   * @throws {LogError} LOG_STORAGE_OPEN_FAILED, LOG_STORAGE_SCHEMA_VERSION
   */
  static start(path: string, options: SqliteOpenOptions): Promise<WorkerWriter> {
    const worker = spawnSiblingWorker(import.meta.url, "sqlite-worker", { workerData: { path, options } });
    return new Promise((resolve, reject) => {
      const onExit = (): void =>
        reject(new LogError("LOG_STORAGE_OPEN_FAILED", "log writer thread exited at start"));
      worker.once("error", (err) =>
        reject(new LogError("LOG_STORAGE_OPEN_FAILED", err.message, { cause: err })),
      );
      worker.once("exit", onExit);
      worker.once("message", (msg: WorkerStartup) => {
        worker.off("exit", onExit);
        worker.removeAllListeners("error");
        if (msg.op === "ready") resolve(new WorkerWriter(worker));
        else reject(decodeError(msg.code, msg.message));
      });
    });
  }

  private onReply(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) p.resolve(reply);
    else p.reject(decodeError(reply.code, reply.message));
  }

  private fail(err: LogError): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply & { ok: true }> {
    if (this.dead !== null) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject });
      // Keep the process alive while a commit is in flight, and only then.
      this.worker.ref();
      this.worker.postMessage(msg, transfer);
    });
  }

  async sequence(request: SequenceRequest): Promise<SequenceResult> {
    const entries = packEntries(request.entries, this.spare);
    if (entries.data.buffer === this.spare) this.spare = null;
    const msg: WorkerRequest = { id: this.nextId++, op: "sequence", entries, checkpoint: request.checkpoint };
    const reply = await this.request(msg, [
      entries.data.buffer as ArrayBuffer,
      entries.lengths.buffer as ArrayBuffer,
    ]);
    if (
      reply.spare !== undefined &&
      (this.spare === null || reply.spare.byteLength > this.spare.byteLength)
    ) {
      this.spare = reply.spare;
    }
    if (reply.result === undefined) throw new LogError("LOG_STORAGE_IO", "log writer thread sent no result");
    return unpackResult(reply.result);
  }

  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    await this.request({ id: this.nextId++, op: "checkpoint", checkpoint });
  }

  async close(): Promise<void> {
    if (this.dead !== null) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    await this.request({ id: this.nextId++, op: "close" });
    this.dead = new LogError("LOG_CLOSED", "the log store is closed");
    // Hold the process open until the thread has really gone (its connection closed).
    this.worker.ref();
    await exited;
  }
}
