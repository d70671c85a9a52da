/**
 * Runs resizeCropPil where it belongs: small jobs (a typical web image) inline, where a
 * thread hop would cost more than the work; larger ones in a worker thread, because the
 * event loop never does tensor math. One worker is started on first need and left unref'd,
 * so it never keeps the process alive.
 */
import type { Worker } from "node:worker_threads";
import { spawnSiblingWorker } from "../../core/spawn-worker.js";
import { resizeCropCost, resizeCropPil, type ResizeCropJob } from "./resample-pil.js";

/** Jobs up to this many multiply-adds (a few milliseconds) run inline. */
export const INLINE_RESAMPLE_COST = 4_000_000;

interface Pending {
  resolve: (out: Uint8Array) => void;
  reject: (err: Error) => void;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

function failAll(err: Error): void {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
  worker = undefined;
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = spawnSiblingWorker(import.meta.url, "resample-worker");
  w.unref();
  w.on("message", (message: { id: number; out?: Uint8Array; error?: string }) => {
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (message.out) p.resolve(message.out);
    else p.reject(new Error(message.error ?? "resample worker failed"));
    if (pending.size === 0) w.unref();
  });
  w.on("error", (err) => failAll(err));
  w.on("exit", (code) => failAll(new Error(`resample worker exited with code ${code}`)));
  worker = w;
  return w;
}

/**
 * resizeCropPil, off the event loop when the job is large. job.rgb may be transferred to
 * the worker (and then be unusable by the caller).
 *
 * @throws {RangeError} as resizeCropPil does; Error when the worker fails.
 */
export function resizeCropOffLoop(job: ResizeCropJob): Promise<Uint8Array> {
  if (resizeCropCost(job) <= INLINE_RESAMPLE_COST) {
    try {
      return Promise.resolve(resizeCropPil(job));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const w = getWorker();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref(); // keep the process alive while a job is out
    // A sharp Buffer may sit in a shared pool or in memory owned by libvips: transfer only a
    // plain ArrayBuffer that is exactly this image, copy otherwise.
    const { rgb } = job;
    const own =
      rgb.byteOffset === 0 && rgb.byteLength === rgb.buffer.byteLength && rgb.buffer instanceof ArrayBuffer;
    const transfer = own ? [rgb.buffer as ArrayBuffer] : [];
    try {
      w.postMessage({ id, job }, transfer);
    } catch {
      w.postMessage({ id, job: { ...job, rgb: Uint8Array.from(rgb) } });
    }
  });
}
