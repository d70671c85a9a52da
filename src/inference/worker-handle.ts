/**
 * One worker thread seen from the main thread: start-up handshake, request/reply matching,
 * and death. When the thread dies every request still waiting on it is rejected at once
 * with INFER_WORKER_CRASHED (or INFER_ENGINE_CLOSED when we stopped it ourselves).
 */
import type { Worker } from "node:worker_threads";
import { spawnSiblingWorker } from "../core/spawn-worker.js";
import { InferenceError } from "./errors.js";
import type { Reply, Request, WorkerInit } from "./protocol.js";
import type { SessionSettings } from "./types.js";

/** Requests without their id (the handle numbers them). */
type Unnumbered<R> = R extends { id: number } ? Omit<R, "id"> : never;
export type WorkerRequest = Unnumbered<Request>;

interface Waiter {
  resolve(reply: Reply): void;
  reject(err: Error): void;
  /** Settles when the request does, either way. */
  settled: Promise<unknown>;
}

export class WorkerHandle {
  state: "starting" | "ready" | "dead" = "starting";
  runtimeVersion = "unknown";
  /** Models whose session this worker holds. */
  readonly models = new Set<string>();
  /** Set by the pool once the worker holds every model and may take work. */
  serving = false;
  /** Set by the scheduler while a run or calibration is on this worker. */
  busy = false;

  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiter>();
  private nextId = 1;
  private stopping = false;
  private lastError: Error | null = null;
  private readonly readyPromise: Promise<void>;

  /**
   * Starts a worker thread; `onDeath` is called once if it dies while not being stopped.
   */
  constructor(
    readonly index: number,
    session: SessionSettings,
    counters: SharedArrayBuffer,
    private readonly onDeath: (handle: WorkerHandle, cause: Error | null) => void,
  ) {
    const init: WorkerInit = { index, session, counters };
    this.worker = spawnSiblingWorker(import.meta.url, "worker-main", {
      workerData: init,
      name: `zeq-np-inference-${index}`,
    });
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (reply: Reply) => {
        if (reply.kind === "ready") {
          this.runtimeVersion = reply.runtimeVersion;
          if (this.state === "starting") this.state = "ready";
          resolve();
          return;
        }
        const waiter = this.pending.get(reply.id);
        if (waiter === undefined) return;
        this.pending.delete(reply.id);
        waiter.resolve(reply);
      });
      this.worker.on("error", (err) => {
        this.lastError = err;
      });
      this.worker.on("exit", (exitCode) => {
        const wasStarting = this.state === "starting";
        this.state = "dead";
        const cause = this.lastError ?? new Error(`worker exited with code ${exitCode}`);
        const err = this.stopping
          ? new InferenceError("INFER_ENGINE_CLOSED", "the inference engine is closed")
          : new InferenceError(
              "INFER_WORKER_CRASHED",
              `inference worker ${index} died: ${cause.message}`,
              {},
              { cause },
            );
        for (const waiter of this.pending.values()) waiter.reject(err);
        this.pending.clear();
        if (wasStarting) {
          reject(
            new InferenceError(
              "INFER_WORKER_START_FAILED",
              `inference worker ${index} failed to start: ${cause.message}`,
              {},
              { cause },
            ),
          );
        }
        if (!this.stopping) this.onDeath(this, cause);
      });
    });
    // The rejection is also delivered through ready(); never leave it unhandled.
    this.readyPromise.catch(() => {});
  }

  /** Resolves when the worker has loaded onnxruntime; rejects INFER_WORKER_START_FAILED if it died first. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Sends a request; resolves with its reply (a "failed" reply too), rejects if the worker dies. */
  request(req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.state === "dead") {
      return Promise.reject(
        new InferenceError("INFER_WORKER_CRASHED", `inference worker ${this.index} is not running`),
      );
    }
    const id = this.nextId++;
    let settle!: () => void;
    const settled = new Promise<void>((r) => (settle = r));
    return new Promise<Reply>((resolve, reject) => {
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          settle();
          f(v);
        };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), settled });
      try {
        this.worker.postMessage({ ...req, id }, transfer);
      } catch (err) {
        this.pending.delete(id);
        reject(
          new InferenceError(
            "INFER_INPUT_DATA",
            `cannot send the inputs to the worker: ${(err as Error).message}`,
            {},
            { cause: err },
          ),
        );
      }
    });
  }

  /**
   * Stops the thread once it has answered what it was asked: terminating a thread while it
   * is inside onnxruntime aborts the whole process, and session.run cannot be interrupted.
   * Sessions are released first; anything still pending afterwards rejects INFER_ENGINE_CLOSED.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.state === "dead") return;
    await Promise.allSettled([...this.pending.values()].map((w) => w.settled));
    await this.request({ kind: "shutdown" }).catch(() => {});
    await this.worker.terminate();
  }
}
