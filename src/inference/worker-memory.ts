/**
 * Peak resident-memory growth around a forward pass, measured inside the worker.
 *
 * Resident memory is a property of the process, not of a thread, so this is what can be
 * measured honestly: on Linux the kernel's peak RSS (VmHWM) is reset to the current RSS by
 * writing "5" to /proc/self/clear_refs, and after the run peak = VmHWM − RSS before the run.
 * Workers share two counters so a run knows whether it was alone: the peak is reset only
 * when a run starts with nothing else in flight (so no run erases another's peak), and a
 * run is `exclusive` when none was in flight at its start and none started before its end.
 * Elsewhere (no /proc) the fallback is RSS after − RSS before, which misses transient peaks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { MemorySample } from "./protocol.js";
import type { MemoryMethod } from "./types.js";

const IN_FLIGHT = 0;
const STARTED = 1;

function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function readPeak(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

export interface ProbeToken {
  alone: boolean;
  started: number;
  rssBefore: number;
}

export class MemoryProbe {
  readonly method: MemoryMethod;
  private readonly counters: Int32Array;

  constructor(shared: SharedArrayBuffer) {
    this.counters = new Int32Array(shared);
    this.method = readPeak() !== null && resetPeak() ? "vmhwm" : "rss-delta";
  }

  /** Call right before session.run. */
  begin(): ProbeToken {
    const alone = Atomics.add(this.counters, IN_FLIGHT, 1) === 0;
    const started = Atomics.add(this.counters, STARTED, 1) + 1;
    if (alone && this.method === "vmhwm") resetPeak();
    return { alone, started, rssBefore: process.memoryUsage.rss() };
  }

  /** Peak growth since `token`'s begin, without ending the measurement (for calibration series). */
  peekGrowth(token: ProbeToken): number {
    const after = process.memoryUsage.rss();
    const peak = this.method === "vmhwm" ? (readPeak() ?? after) : after;
    return Math.max(0, Math.max(peak, after) - token.rssBefore);
  }

  /** Call right after session.run. */
  end(token: ProbeToken): MemorySample {
    const peakBytes = this.peekGrowth(token);
    const exclusive = token.alone && Atomics.load(this.counters, STARTED) === token.started;
    Atomics.sub(this.counters, IN_FLIGHT, 1);
    return { peakBytes, method: this.method, exclusive };
  }
}

/** The shared counters every worker of one engine gets. */
export function newProbeCounters(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}
