/**
 * Starts a worker thread from a module of this package, whether the package runs
 * compiled (dist/…/x.js) or from its TypeScript sources under tsx (tests, dev). Worker
 * threads do not inherit tsx's loader, so from sources the worker registers it first.
 */
import { Worker } from "node:worker_threads";

/**
 * @param from the caller's import.meta.url
 * @param name the worker module's file name without extension, next to the caller
 */
export function spawnSiblingWorker(from: string, name: string, workerData: unknown): Worker {
  if (from.endsWith(".ts")) {
    const entry = new URL(`./${name}.ts`, from).href;
    const tsx = import.meta.resolve("tsx/esm/api");
    const boot = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)});`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
  }
  return new Worker(new URL(`./${name}.js`, from), { workerData });
}
