/**
 * Starts a worker thread from a module of this package, whether the package runs compiled
 * (dist/…/x.js) or from its TypeScript sources under tsx (tests, development). Node 20 does
 * not carry tsx's loader into worker threads, so from sources the thread registers it first.
 * The bootstrap is evaluated code that uses dynamic import only, so it runs whatever input
 * type the parent process was started with (a parent's --input-type reaches its workers).
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * @param from the caller's import.meta.url
 * @param name the worker module's file name without extension, next to the caller
 */
export function spawnSiblingWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = from.endsWith(".ts");
  const entry = JSON.stringify(new URL(`./${name}.${fromSource ? "ts" : "js"}`, from).href);
  const boot = fromSource
    ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${entry}); })`
    : `import(${entry})`;
  return new Worker(boot, { ...options, eval: true });
}
