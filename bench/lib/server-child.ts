/**
 * Starts bench/server/serve.ts in a child process and waits for its ready line; stops it
 * with SIGTERM (graceful: drain, commit, final checkpoint) and waits for the exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ServeOptions } from "../server/serve.js";

export interface ServerChild {
  url: string;
  apiKey: string;
  verifierKey: string;
  origin: string;
  models: string[];
  pid: number;
  /** Graceful stop; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** @throws Error with the child's last stderr lines when it exits before listening */
export function startServerChild(
  repoRoot: string,
  options: ServeOptions,
  /** Extra node flags, e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/p"] to profile the server. */
  nodeArgs: string[] = [],
): Promise<ServerChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", join(repoRoot, "bench", "server", "serve.ts"), JSON.stringify(options)],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null): void =>
      reject(
        new Error(
          `the server exited (${code}) before listening: ${stderr.trim().split("\n").slice(-5).join(" | ")}`,
        ),
      );
    child.once("exit", onExit);
    lines.once("line", (line) => {
      child.off("exit", onExit);
      const ready = JSON.parse(line) as Omit<ServerChild, "stop" | "pid">;
      resolve({
        ...ready,
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    });
  });
}
