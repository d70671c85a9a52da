/**
 * The machine a run measured: CPU, cores, memory, OS and the versions of what ran, plus the
 * load average sampled through the run (other work on the machine moves every number).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { env as ortEnv } from "onnxruntime-node";
import { physicalCores } from "../../src/inference/index.js";

export interface MachineInfo {
  date: string;
  cpu: string;
  logicalCpus: number;
  physicalCores: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  onnxruntime: string;
  /** Filled in when the PyTorch helper starts. */
  torch: string | null;
  blas: string[];
}

function osName(): string {
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpu: (os.cpus()[0]?.model ?? "unknown").trim(),
    logicalCpus: os.availableParallelism(),
    physicalCores: physicalCores(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime: ortEnv.versions.common ?? "unknown",
    torch: null,
    blas: [],
  };
}

export interface LoadSummary {
  samples: number;
  min: number;
  mean: number;
  max: number;
}

/** Samples the 1-minute load average every `everyMs` until stopped. */
export class LoadSampler {
  private readonly values: number[] = [os.loadavg()[0]!];
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 5000) {
    this.timer = setInterval(() => this.values.push(os.loadavg()[0]!), everyMs);
    this.timer.unref();
  }

  /** Summary so far (the sampler keeps running). */
  summary(): LoadSummary {
    const v = [...this.values, os.loadavg()[0]!];
    return {
      samples: v.length,
      min: Math.min(...v),
      mean: v.reduce((s, x) => s + x, 0) / v.length,
      max: Math.max(...v),
    };
  }

  stop(): LoadSummary {
    clearInterval(this.timer);
    return this.summary();
  }
}
