/**
 * The worker threads of one engine: start, load a model into every worker, replace a worker
 * that dies (the replacement reloads every model before it takes work), stop.
 */
import { InferenceError } from "./errors.js";
import type { Reply } from "./protocol.js";
import type { IoInfo, SessionSettings } from "./types.js";
import { newProbeCounters } from "./worker-memory.js";
import { WorkerHandle } from "./worker-handle.js";

/** Consecutive failed replacements of one slot after which the slot stays empty. */
const MAX_FAILED_REPLACEMENTS = 3;

export interface LoadedModel {
  inputs: IoInfo[];
  outputs: IoInfo[];
  residentBytes: number;
}

function errorOf(reply: Reply, modelId: string): InferenceError | null {
  if (reply.kind !== "failed") return null;
  return new InferenceError(reply.code, reply.message, {
    modelId,
    ...(reply.input === undefined ? {} : { input: reply.input }),
  });
}

export class WorkerPool {
  readonly slots: (WorkerHandle | null)[];
  restarts = 0;
  /** Called when a worker becomes able to take work (started, replaced). */
  onAvailable: () => void = () => {};

  private readonly paths = new Map<string, string>();
  private readonly failedReplacements: number[];
  private readonly counters = newProbeCounters();
  private closed = false;

  private constructor(
    count: number,
    private readonly session: SessionSettings,
  ) {
    this.slots = new Array<WorkerHandle | null>(count).fill(null);
    this.failedReplacements = new Array<number>(count).fill(0);
  }

  /**
   * Starts `count` workers and waits until each has loaded onnxruntime.
   * @throws {InferenceError} INFER_WORKER_START_FAILED
   */
  static async start(count: number, session: SessionSettings): Promise<WorkerPool> {
    const pool = new WorkerPool(count, session);
    const handles = pool.slots.map((_, i) => pool.spawn(i));
    try {
      await Promise.all(handles.map((h) => h.ready()));
      for (const h of handles) h.serving = true;
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Workers that are up and hold `modelId` (any model when null). */
  ready(modelId: string | null = null): WorkerHandle[] {
    return this.slots.filter(
      (h): h is WorkerHandle =>
        h !== null && h.state === "ready" && h.serving && (modelId === null || h.models.has(modelId)),
    );
  }

  runtimeVersion(): string {
    return this.slots.find((h) => h !== null && h.runtimeVersion !== "unknown")?.runtimeVersion ?? "unknown";
  }

  /**
   * Loads the model into every running worker; on any failure it is unloaded from all again.
   * @throws {InferenceError} INFER_MODEL_LOAD_FAILED, INFER_MODEL_UNSUPPORTED, INFER_WORKER_CRASHED
   */
  async load(modelId: string, path: string): Promise<LoadedModel> {
    const targets = this.ready();
    // A replacement still starting loads the model itself from `paths` (see reload).
    if (targets.length === 0)
      throw new InferenceError("INFER_WORKER_CRASHED", "no inference worker is running");
    this.paths.set(modelId, path);
    const replies = await Promise.allSettled(targets.map((h) => this.loadInto(h, modelId, path)));
    const failure = replies.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure !== undefined) {
      await this.unload(modelId);
      throw failure.reason;
    }
    return (replies[0] as PromiseFulfilledResult<LoadedModel>).value;
  }

  async unload(modelId: string): Promise<void> {
    this.paths.delete(modelId);
    const holders = this.slots.filter((h): h is WorkerHandle => h !== null && h.models.has(modelId));
    await Promise.allSettled(
      holders.map(async (h) => {
        h.models.delete(modelId);
        await h.request({ kind: "unload", modelId });
      }),
    );
  }

  /** Test hook: makes one worker die as from an uncaught error. */
  crash(index: number): void {
    void this.slots[index]?.request({ kind: "crash" }).catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((h) => h?.stop()));
  }

  private async loadInto(handle: WorkerHandle, modelId: string, path: string): Promise<LoadedModel> {
    const reply = await handle.request({ kind: "load", modelId, path });
    const err = errorOf(reply, modelId);
    if (err !== null) throw err;
    if (reply.kind !== "loaded")
      throw new InferenceError("INFER_MODEL_LOAD_FAILED", `unexpected worker reply ${reply.kind}`);
    handle.models.add(modelId);
    return { inputs: reply.inputs, outputs: reply.outputs, residentBytes: reply.residentBytes };
  }

  private spawn(index: number): WorkerHandle {
    const handle = new WorkerHandle(index, this.session, this.counters, (dead) => this.replace(dead));
    this.slots[index] = handle;
    return handle;
  }

  private replace(dead: WorkerHandle): void {
    if (this.closed || this.slots[dead.index] !== dead) return;
    this.slots[dead.index] = null;
    // A worker that died before it ever served (start-up or reload failed) counts against its slot.
    if (!dead.serving) this.failedReplacements[dead.index]!++;
    if (this.failedReplacements[dead.index]! > MAX_FAILED_REPLACEMENTS) return;
    this.restarts++;
    void this.reload(this.spawn(dead.index));
  }

  /** Brings a replacement up to date with every loaded model before it serves. */
  private async reload(handle: WorkerHandle): Promise<void> {
    try {
      await handle.ready();
      const failed = new Set<string>();
      // Loop: models loaded by load() while this worker was starting are picked up too.
      for (;;) {
        const missing = [...this.paths].filter(([id]) => !handle.models.has(id) && !failed.has(id));
        if (missing.length === 0) break;
        for (const [modelId, path] of missing) {
          await this.loadInto(handle, modelId, path).catch(() => failed.add(modelId));
        }
      }
    } catch {
      return; // it died again; its exit already called replace()
    }
    if (handle.state !== "ready" || this.closed) return;
    handle.serving = true;
    this.failedReplacements[handle.index] = 0;
    this.onAvailable();
  }
}
