/**
 * First-come-first-served dispatch of calls to idle workers, one call per worker at a time
 * (a worker's thread is blocked while it runs, so a second call would only wait there,
 * invisible to admission control). Keeps what admission needs: each running call's start
 * and prediction, and the predictions of the queued ones.
 */
import { performance } from "node:perf_hooks";
import { InferenceError } from "./errors.js";
import type { LoadSnapshot } from "./admission.js";
import type { WorkerPool } from "./pool.js";
import type { Reply } from "./protocol.js";
import type { WorkerHandle, WorkerRequest } from "./worker-handle.js";

export interface JobOutcome {
  reply: Reply;
  worker: number;
  dispatchedAt: number;
  finishedAt: number;
}

export interface Job {
  /** The model whose session must be on the worker, or null for any worker (calibration). */
  readonly modelId: string | null;
  readonly request: WorkerRequest;
  readonly transfer: ArrayBuffer[];
  readonly predictedMs: number;
  /** performance.now() after which the job must not start (CS43); its caller's timer cancels it. */
  readonly deadlineAt: number | null;
  readonly done: Promise<JobOutcome>;
  dispatchedAt: number | null;
  /** Index of the worker running it, once dispatched. */
  worker: number | null;
}

interface Entry extends Job {
  /** Set once a dispatch found no free worker for it: it has been waiting in the queue. */
  waited: boolean;
  resolve(outcome: JobOutcome): void;
  reject(err: Error): void;
}

export class Scheduler {
  private readonly queue: Entry[] = [];
  private readonly running = new Set<Entry>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly maxQueue: number,
  ) {
    pool.onAvailable = () => this.dispatch();
  }

  /** Queues a job; its `done` settles with the worker's reply, or rejects if the worker dies. */
  submit(
    modelId: string | null,
    request: WorkerRequest,
    transfer: ArrayBuffer[],
    predictedMs: number,
    deadlineAt: number | null = null,
  ): Job {
    let resolve!: (o: JobOutcome) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<JobOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: Entry = {
      modelId,
      request,
      transfer,
      predictedMs,
      deadlineAt,
      waited: false,
      done,
      dispatchedAt: null,
      worker: null,
      resolve,
      reject,
    };
    this.queue.push(entry);
    this.dispatch();
    return entry;
  }

  /** Removes a job that has not reached a worker; false when it already has. */
  cancel(job: Job, reason: Error): boolean {
    const i = this.queue.indexOf(job as Entry);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    (job as Entry).reject(reason);
    return true;
  }

  /** Rejects every queued job of a model (it was unloaded) or all of them (model null: closing). */
  dropQueued(modelId: string | null, reason: Error): void {
    for (const entry of [...this.queue]) {
      if (modelId === null || entry.modelId === modelId) this.cancel(entry, reason);
    }
  }

  snapshot(now = performance.now()): LoadSnapshot {
    const ready = this.pool.ready();
    const remaining = new Map<WorkerHandle, number>(ready.map((h) => [h, 0]));
    for (const job of this.running) {
      const worker = ready.find((h) => h.index === job.worker);
      if (worker !== undefined)
        remaining.set(worker, Math.max(0, job.predictedMs - (now - (job.dispatchedAt ?? now))));
    }
    return {
      workerFreeInMs: [...remaining.values()],
      queuedMs: this.queue.map((j) => j.predictedMs),
      maxQueue: this.maxQueue,
    };
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.running.size;
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length;) {
      const entry = this.queue[i]!;
      if (this.unreachable(entry)) {
        this.queue.splice(i, 1);
        continue;
      }
      // A job that waited in the queue past its deadline never runs. Its deadline timer
      // (which may be behind a worker's reply in the event loop) answers the caller and
      // removes it.
      const expired = entry.waited && entry.deadlineAt !== null && performance.now() >= entry.deadlineAt;
      const worker = expired ? undefined : this.pool.ready(entry.modelId).find((h) => !h.busy);
      if (worker === undefined) {
        entry.waited = true;
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.start(entry, worker);
    }
  }

  /**
   * A job that waited and would now finish past its deadline by its own prediction is
   * refused as overload before it runs: its caller gets a prompt 503 instead of a 504 at the
   * deadline, and a worker is not spent on a result nobody can use.
   */
  private unreachable(entry: Entry): boolean {
    if (!entry.waited || entry.deadlineAt === null || entry.predictedMs <= 0) return false;
    const now = performance.now();
    if (now >= entry.deadlineAt || now + entry.predictedMs <= entry.deadlineAt) return false;
    if (!this.pool.ready(entry.modelId).some((h) => !h.busy)) return false;
    const left = entry.deadlineAt - now;
    entry.reject(
      new InferenceError(
        "INFER_OVERLOADED",
        `${entry.modelId ?? "call"}: queued too long; ${left.toFixed(1)} ms are left of its CS43 deadline and a run takes about ${entry.predictedMs.toFixed(1)} ms here now, so it was refused before running`,
        {
          ...(entry.modelId === null ? {} : { modelId: entry.modelId }),
          retryAfterMs: Math.max(1, Math.ceil(entry.predictedMs)),
        },
      ),
    );
    return true;
  }

  private start(entry: Entry, worker: WorkerHandle): void {
    worker.busy = true;
    entry.worker = worker.index;
    const dispatchedAt = performance.now();
    entry.dispatchedAt = dispatchedAt;
    this.running.add(entry);
    const finish = (): void => {
      worker.busy = false;
      this.running.delete(entry);
      this.dispatch();
    };
    worker.request(entry.request, entry.transfer).then(
      (reply) => {
        const finishedAt = performance.now();
        finish();
        entry.resolve({ reply, worker: worker.index, dispatchedAt, finishedAt });
      },
      (err: unknown) => {
        finish();
        entry.reject(err instanceof Error ? err : new InferenceError("INFER_WORKER_CRASHED", String(err)));
      },
    );
  }
}
