/**
 * Messages between the engine (main thread) and its workers. Every request carries an id
 * and gets exactly one reply with that id, or the worker dies and the pool rejects it.
 */
import type { InferenceErrorCode } from "./errors.js";
import type { IoInfo, MemoryMethod, SessionSettings, TensorValue } from "./types.js";

export interface WireTensor extends TensorValue {
  name: string;
}

/** What every worker receives at start. */
export interface WorkerInit {
  index: number;
  session: SessionSettings;
  /** Int32Array view: [0] runs in flight in the process, [1] runs started ever (see worker-memory.ts). */
  counters: SharedArrayBuffer;
}

export interface CalibrationSize {
  n: number;
  feeds: WireTensor[];
}

export type Request =
  | { kind: "load"; id: number; modelId: string; path: string }
  | { kind: "unload"; id: number; modelId: string }
  | { kind: "run"; id: number; modelId: string; feeds: WireTensor[]; digestOutputs: boolean }
  | { kind: "calibrate"; id: number; path: string; sizes: CalibrationSize[]; repeats: number }
  /** Release every session before the thread is terminated. */
  | { kind: "shutdown"; id: number }
  /** Test hook: the worker dies as if from an uncaught error. */
  | { kind: "crash"; id: number };

export interface MemorySample {
  peakBytes: number;
  method: MemoryMethod;
  exclusive: boolean;
}

export interface CalibrationSample {
  n: number;
  /** Median session.run time over the repeats, after one warm-up run. */
  medianMs: number;
  /**
   * With concurrency > 1: the slowest of the concurrent sessions' medians at this size, each
   * timed while every other session ran the same size (set by the engine, not the worker).
   */
  concurrentMedianMs?: number;
  /** Working memory the fresh session needed up to this size (see docs/budgets.md). */
  coldBytes: number;
  exclusive: boolean;
}

export type Reply =
  | { kind: "ready"; runtimeVersion: string }
  | { kind: "loaded"; id: number; inputs: IoInfo[]; outputs: IoInfo[]; residentBytes: number }
  | { kind: "unloaded"; id: number }
  | {
      kind: "ran";
      id: number;
      outputs: WireTensor[];
      runMs: number;
      startedAtMs: number;
      memory: MemorySample;
    }
  | { kind: "calibrated"; id: number; samples: CalibrationSample[]; method: MemoryMethod }
  | { kind: "failed"; id: number; code: InferenceErrorCode; message: string; input?: string };
