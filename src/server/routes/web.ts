/**
 * The live page (web/, docs/web.md): exactly these files, each at a fixed URL with its
 * content type, never a path taken from the request. index.html carries a strict
 * Content-Security-Policy (the page has no inline script or style and talks only to its
 * own origin).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { ServerError } from "../errors.js";

export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** URL → [file under the web root, content type]. */
const FILES: readonly [string, string, string][] = [
  ["/", "index.html", "text/html; charset=utf-8"],
  ["/index.html", "index.html", "text/html; charset=utf-8"],
  ["/style.css", "style.css", "text/css; charset=utf-8"],
  ["/dist/main.js", "dist/main.js", "text/javascript; charset=utf-8"],
  ["/dist/main.js.map", "dist/main.js.map", "application/json"],
  ["/dist/uplot.min.css", "dist/uplot.min.css", "text/css; charset=utf-8"],
];

/** The package's web/ folder (from src/server/routes or dist/src/server/routes), or null. */
export function defaultWebRoot(): string | null {
  for (const rel of ["../../../web/", "../../../../web/"]) {
    const dir = new URL(rel, import.meta.url).pathname;
    if (existsSync(join(dir, "index.html"))) return dir;
  }
  return null;
}

export async function webRoutes(app: FastifyInstance, deps: { root: string }): Promise<void> {
  for (const [url, file, type] of FILES) {
    app.get(url, async (_request, reply) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(deps.root, file));
      } catch (cause) {
        throw new ServerError("SERVER_ROUTE_NOT_FOUND", `${file} is not built (npm run build)`, { cause });
      }
      reply.type(type).header("x-content-type-options", "nosniff").header("cache-control", "no-cache");
      if (type.startsWith("text/html")) reply.header("content-security-policy", PAGE_CSP);
      return reply.send(bytes);
    });
  }
}
