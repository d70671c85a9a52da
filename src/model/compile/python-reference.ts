/**
 * Live PyTorch reference: runs reference/make_vectors.py (the project's PyTorch rebuild of
 * the three architectures) with Debian's Python, for `models conformance --python`.
 * Nothing else in zeq-np needs Python; this is a checking tool.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { CompileError } from "./errors.js";
import { referenceToolsDir } from "./provenance.js";

/** Debian's Python, the one with python3-torch (another python3 on PATH may lack it). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

function run(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether `python` imports torch, torchvision and onnx (what the reference tools need). */
export async function pythonHasTorch(python = SYSTEM_PYTHON): Promise<boolean> {
  const r = await run(python, ["-c", "import torch, torchvision, onnx"], 60_000);
  return r.code === 0;
}

/**
 * Writes PyTorch's vectors for the model folder `modelDir` to `outPath`.
 * @throws {CompileError} COMPILE_PYTHON_UNAVAILABLE (no Python with torch, or no reference/
 *   tools beside the package), COMPILE_PYTHON_FAILED (the tool's error is in the message)
 */
export async function makeLiveVectors(
  modelDir: string,
  outPath: string,
  python = SYSTEM_PYTHON,
): Promise<void> {
  const tools = referenceToolsDir();
  if (tools === null) {
    throw new CompileError(
      "COMPILE_PYTHON_UNAVAILABLE",
      "the reference/ tools are not installed beside zeq-np",
    );
  }
  if (!(await pythonHasTorch(python))) {
    throw new CompileError(
      "COMPILE_PYTHON_UNAVAILABLE",
      `${python} cannot import torch, torchvision and onnx`,
    );
  }
  const r = await run(
    python,
    [join(tools, "make_vectors.py"), "--model-dir", modelDir, "--out", outPath],
    30 * 60_000,
  );
  if (r.code !== 0) {
    throw new CompileError(
      "COMPILE_PYTHON_FAILED",
      `make_vectors.py exited ${r.code}: ${r.stderr.trim().slice(-2000)}`,
    );
  }
}
