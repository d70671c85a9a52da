/**
 * The layout's rules, enforced: onnxruntime-node is imported in src/inference/ alone, and
 * the verifier side (verify, merkle, note, keys, record, core, clock) never reaches the
 * runtime, storage, server or CLI, however indirectly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dirname, "..", "src");
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

// Worker threads are modules too: a file that starts one reaches the worker's imports.
const WORKER_URL = /new URL\(\s*(?:fromSource \? )?["'](\.\.?\/[\w./-]+\.ts)["']/g;
const SIBLING_WORKER = /spawnSiblingWorker\(\s*import\.meta\.url,\s*["']([\w-]+)["']/g;

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...[...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!),
    ...[...text.matchAll(WORKER_URL)].map((m) => m[1]!),
    ...[...text.matchAll(SIBLING_WORKER)].map((m) => `./${m[1]}.ts`),
  ];
}

function resolveLocal(from: string, spec: string): string {
  return resolve(dirname(from), spec.replace(/\.js$/, ".ts"));
}

/** Every module (local file or package) reachable from `start`. */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of imports(file)) {
      if (spec.startsWith(".")) stack.push(resolveLocal(file, spec));
      else
        seen.add(
          `pkg:${spec
            .split("/")
            .slice(0, spec.startsWith("@") ? 2 : 1)
            .join("/")}`,
        );
    }
  }
  return seen;
}

const rel = (p: string) => (p.startsWith("pkg:") ? p : relative(SRC, p));

test("onnxruntime-node is imported only under src/inference/", () => {
  for (const file of files(SRC)) {
    const direct = imports(file).filter((s) => s.startsWith("onnxruntime"));
    if (direct.length > 0)
      assert.match(rel(file), /^inference\//, `${rel(file)} imports ${direct.join(", ")}`);
  }
});

test("the verifier side never reaches the runtime, storage, server or CLI", () => {
  const forbidden = [
    /^pkg:onnxruntime/,
    /^pkg:better-sqlite3$/,
    /^pkg:pg$/,
    /^pkg:fastify$/,
    /^pkg:sharp$/,
    /^inference\//,
    /^server\//,
    /^cli\//,
    /^log\/storage\//,
    /^execute\//,
  ];
  const roots = ["verify", "log/merkle", "note", "keys", "record", "core", "clock"];
  let checked = 0;
  for (const root of roots) {
    for (const file of files(join(SRC, root))) {
      for (const reached of closure(file)) {
        const name = rel(reached);
        for (const rule of forbidden) assert.doesNotMatch(name, rule, `${rel(file)} reaches ${name}`);
      }
      checked++;
    }
  }
  assert.ok(checked > 20, `checked ${checked} files`);
});

test("the import walk does see the runtime where it is used (a control for the rules above)", () => {
  const reached = [...closure(join(SRC, "instance", "open.ts"))].map(rel);
  assert.ok(
    reached.includes("pkg:onnxruntime-node"),
    "instance/open.ts reaches onnxruntime-node through inference/",
  );
  assert.ok(reached.includes("pkg:better-sqlite3"));
});
