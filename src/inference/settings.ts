/**
 * Engine options with their defaults made explicit, and the numeric environment they imply.
 * Defaults (measured and explained in docs/budgets.md): one worker per physical core, one
 * intra-op and one inter-op thread per session, graph optimization "all", CPU arena on.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { InferenceError } from "./errors.js";
import type { EngineOptions, GraphOptimizationLevel, NumericEnvironment, SessionSettings } from "./types.js";

export interface ResolvedOptions {
  workers: number;
  session: SessionSettings;
  maxQueue: number;
  onlineWindow: number;
}

const LEVELS: readonly GraphOptimizationLevel[] = ["disabled", "basic", "extended", "layout", "all"];

/** Physical cores from /proc/cpuinfo (distinct physical id + core id), else the logical count. */
export function physicalCores(): number {
  const logical = os.availableParallelism();
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const cores = new Set<string>();
    for (const block of text.split(/\n\s*\n/)) {
      const phys = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
      const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
      if (phys !== undefined && core !== undefined) cores.add(`${phys}:${core}`);
    }
    return cores.size > 0 ? Math.min(cores.size, logical) : logical;
  } catch {
    return logical;
  }
}

/**
 * Inference workers a server runs by default: one per physical core but one, at least one.
 * The remaining core serves the event loop (HTTP, preprocessing, admission), the log's
 * writer and the I/O threads. With a worker on every core those compete with the forward
 * passes, and a pass's time grows a long tail: on the 2-core build machine under 3× overload,
 * 4 % of admitted resnet50 calls overran their CS43 deadline with 2 workers and none with 1
 * (bench/README.md, section 4). `serve --workers` sets it.
 */
export function serverWorkers(): number {
  return Math.max(1, physicalCores() - 1);
}

function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InferenceError("INFER_OPTIONS_INVALID", `${name} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

/**
 * Fills in defaults and checks ranges.
 * @throws {InferenceError} INFER_OPTIONS_INVALID naming the option
 */
export function resolveOptions(opts: EngineOptions = {}): ResolvedOptions {
  const s = opts.session ?? {};
  const level = s.graphOptimizationLevel ?? "all";
  if (!LEVELS.includes(level)) {
    throw new InferenceError(
      "INFER_OPTIONS_INVALID",
      `session.graphOptimizationLevel must be one of ${LEVELS.join(", ")}`,
    );
  }
  if (s.executionProvider !== undefined && s.executionProvider !== "cpu") {
    throw new InferenceError("INFER_OPTIONS_INVALID", `session.executionProvider must be "cpu"`);
  }
  if (s.enableCpuMemArena !== undefined && typeof s.enableCpuMemArena !== "boolean") {
    throw new InferenceError("INFER_OPTIONS_INVALID", "session.enableCpuMemArena must be a boolean");
  }
  return {
    workers: integerOption(opts.workers, "workers", physicalCores(), 1, 256),
    session: {
      graphOptimizationLevel: level,
      intraOpNumThreads: integerOption(s.intraOpNumThreads, "session.intraOpNumThreads", 1, 1, 256),
      interOpNumThreads: integerOption(s.interOpNumThreads, "session.interOpNumThreads", 1, 1, 256),
      executionProvider: "cpu",
      enableCpuMemArena: s.enableCpuMemArena ?? true,
    },
    maxQueue: integerOption(opts.maxQueue, "maxQueue", 1024, 0, 1_000_000),
    onlineWindow: integerOption(opts.onlineWindow, "onlineWindow", 64, 1, 100_000),
  };
}

/** The record's environment object for these settings and the runtime version the workers report. */
export function numericEnvironment(session: SessionSettings, runtimeVersion: string): NumericEnvironment {
  return {
    runtime: "onnxruntime-node",
    runtime_version: runtimeVersion,
    execution_provider: session.executionProvider,
    graph_optimization_level: session.graphOptimizationLevel,
    intra_op_threads: session.intraOpNumThreads,
    inter_op_threads: session.interOpNumThreads,
    cpu: (os.cpus()[0]?.model ?? "unknown").trim() || "unknown",
    platform: `${process.platform}-${process.arch}`,
    node_version: process.version,
  };
}
