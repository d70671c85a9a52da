/**
 * The package version for GET /v2, read from package.json next to the sources (src/ under
 * tsx, dist/src/ once built).
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The package's version, or "unknown" when package.json cannot be read. */
export function serverVersion(): string {
  if (cached !== undefined) return cached;
  cached = "unknown";
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === "zeq-neural-processor" && typeof pkg.version === "string") {
        cached = pkg.version;
        break;
      }
    } catch {
      // try the next location
    }
  }
  return cached;
}
