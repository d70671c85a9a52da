/**
 * Where the running code comes from, for the card's `code` field, and where the package's
 * committed reference vectors are. Both are found from this module's own location, so they
 * work from the source tree (tsx) and from the compiled `dist/` alike.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "zeq-neural-processor";

/** The package root (the folder of our package.json), or null if it cannot be found. */
export function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function packageVersion(root: string | null): string {
  if (root === null) return "unknown";
  try {
    return String(
      (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string }).version,
    );
  } catch {
    return "unknown";
  }
}

function gitHead(root: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", ["-C", root, "rev-parse", "HEAD"], { timeout: 5000 }, (err, stdout) => {
      const commit = stdout.trim();
      resolve(err === null && /^[0-9a-f]{40,64}$/.test(commit) ? commit : null);
    });
  });
}

/** `{commit, package_version}`: the git commit when the code runs from its own checkout, else null. */
export async function codeVersion(): Promise<{ commit: string | null; package_version: string }> {
  const root = packageRoot();
  // Only the package's own checkout: an installed copy inside someone's repository must
  // not report that repository's commit.
  const checkout = root !== null && existsSync(join(root, ".git"));
  return { commit: checkout ? await gitHead(root) : null, package_version: packageVersion(root) };
}

/** reference/vectors/<architecture>-<size>.json of the package, when committed. */
export function builtInVectorsPath(architecture: string, size: string): string | null {
  const root = packageRoot();
  if (root === null || !/^[a-z0-9-]+$/.test(architecture) || !/^[a-z]+$/.test(size)) return null;
  const path = join(root, "reference", "vectors", `${architecture}-${size}.json`);
  return existsSync(path) ? path : null;
}

/** The package's reference/ folder (the Python tools), when present. */
export function referenceToolsDir(): string | null {
  const root = packageRoot();
  const dir = root === null ? null : join(root, "reference");
  return dir !== null && existsSync(join(dir, "make_vectors.py")) ? dir : null;
}
