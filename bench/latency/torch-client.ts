/**
 * The PyTorch side of the comparison: a long-lived /usr/bin/python3 process
 * (bench/torch/torch_bench.py) per thread count, driven one JSON line at a time so its
 * forward passes can be interleaved with the other paths'. Times are measured in Python.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { InputTensor } from "../../src/execute/types.js";

export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface TorchReady {
  torch: string;
  environment: { blas?: string[]; torch_threads?: number; [key: string]: unknown };
}

export class TorchClient {
  private readonly waiting: Array<(line: string) => void> = [];
  private stderr = "";
  private exited: string | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
    child.stderr.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.on("exit", (code, signal) => {
      this.exited = `exited (${signal ?? code})`;
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ ok: false, error: this.exited }));
    });
  }

  /** Why PyTorch cannot be measured here, or null when it can be tried. */
  static unavailable(): string | null {
    return existsSync(SYSTEM_PYTHON) ? null : `${SYSTEM_PYTHON} is absent`;
  }

  /**
   * Starts the helper and waits until every model is loaded.
   * @throws Error with the helper's stderr when it fails to start
   */
  static async start(
    repoRoot: string,
    threads: number,
    models: Array<{ name: string; dir: string }>,
  ): Promise<{ client: TorchClient; ready: TorchReady }> {
    const args = [join(repoRoot, "bench", "torch", "torch_bench.py"), "--threads", String(threads)];
    for (const m of models) args.push("--model", `${m.name}=${m.dir}`);
    const child = spawn(SYSTEM_PYTHON, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
    const client = new TorchClient(child);
    const first = JSON.parse(await client.nextLine()) as { event?: string; ok?: boolean } & TorchReady;
    if (first.event !== "ready") {
      client.kill();
      throw new Error(
        `the PyTorch helper did not start: ${client.stderr.trim().split("\n").slice(-3).join(" | ")}`,
      );
    }
    return { client, ready: first };
  }

  private nextLine(): Promise<string> {
    if (this.exited !== null) return Promise.resolve(JSON.stringify({ ok: false, error: this.exited }));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async call<T>(request: object): Promise<T> {
    const line = this.nextLine();
    this.child.stdin.write(JSON.stringify(request) + "\n");
    const reply = JSON.parse(await line) as { ok: boolean; error?: string } & T;
    if (!reply.ok) throw new Error(`PyTorch helper: ${reply.error ?? "failed"} ${this.stderr.slice(-400)}`);
    return reply;
  }

  /** Uploads named tensors once, to be run by key. */
  async set(key: string, feeds: readonly InputTensor[]): Promise<void> {
    const tensors = feeds
      .filter((f) => f.data.length > 0)
      .map((f) => ({
        name: f.name,
        dtype: f.dtype,
        shape: f.shape,
        b64: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString("base64"),
      }));
    await this.call({ op: "set", key, tensors });
  }

  /** One timed forward pass, in ms. */
  async run(model: string, key: string): Promise<number> {
    return (await this.call<{ ms: number }>({ op: "run", model, key })).ms;
  }

  /** A prompt pass and `steps` cached decoding steps, each timed. */
  generate(model: string, key: string, steps: number): Promise<{ prompt_ms: number; step_ms: number[] }> {
    return this.call({ op: "generate", model, key, steps });
  }

  async close(): Promise<void> {
    if (this.exited !== null) return;
    const done = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    try {
      await this.call({ op: "quit" });
    } catch {
      // already gone
    }
    await done;
  }

  kill(): void {
    if (this.exited === null) this.child.kill("SIGKILL");
  }
}
