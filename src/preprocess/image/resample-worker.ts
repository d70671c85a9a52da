/**
 * Worker thread entry: runs resizeCropPil jobs posted by resample-offload.ts, so that the
 * resize of a large photograph never blocks the event loop.
 */
import { parentPort } from "node:worker_threads";
import { resizeCropPil, type ResizeCropJob } from "./resample-pil.js";

parentPort?.on("message", (message: { id: number; job: ResizeCropJob }) => {
  try {
    const out = resizeCropPil(message.job);
    // resizeCropPil allocates `out` itself: its buffer is a plain ArrayBuffer, safe to transfer.
    parentPort?.postMessage({ id: message.id, out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
