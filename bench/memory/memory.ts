/**
 * Section 5: peak resident memory per model, each in its own process, against the size of
 * its weights on disk and its CS44 budget.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ModelName } from "../lib/inputs.js";
import type { MemoryChildReport } from "./child.js";

const run = promisify(execFile);

/** @throws Error with the child's stderr when it fails */
export async function measureMemory(
  repoRoot: string,
  modelsDir: string,
  model: ModelName,
): Promise<MemoryChildReport> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "bench", "memory", "child.ts"), JSON.stringify({ modelsDir, model })],
    { cwd: repoRoot, maxBuffer: 1 << 20, timeout: 600_000 },
  );
  const line = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as MemoryChildReport;
}
