/**
 * A worker thread of the engine: owns onnxruntime sessions and runs them. session.run is
 * synchronous native code, so it runs here and never on the caller's event loop. The worker
 * handles one request at a time in arrival order; the pool never sends it a second run
 * before the first is answered.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InferenceSession, Tensor, env } from "onnxruntime-node";
import type { InferenceErrorCode } from "./errors.js";
import { tensorDigest } from "../record/tensor-digest.js";
import { isTensorDtype } from "./dtypes.js";
import { MemoryProbe } from "./worker-memory.js";
import type { CalibrationSample, Reply, Request, WireTensor, WorkerInit } from "./protocol.js";
import type { IoInfo, SessionSettings, TensorData } from "./types.js";

class WorkerFailure extends Error {
  constructor(
    readonly code: InferenceErrorCode,
    message: string,
    readonly input?: string,
  ) {
    super(message);
  }
}

function sessionOptions(s: SessionSettings): InferenceSession.SessionOptions {
  return {
    executionProviders: [s.executionProvider],
    graphOptimizationLevel: s.graphOptimizationLevel,
    intraOpNumThreads: s.intraOpNumThreads,
    interOpNumThreads: s.interOpNumThreads,
    // Inter-op threads only act in parallel mode; one thread means plain sequential execution.
    executionMode: s.interOpNumThreads > 1 ? "parallel" : "sequential",
    enableCpuMemArena: s.enableCpuMemArena,
    // Warnings (e.g. about unused initializers) go nowhere useful from a worker; errors are thrown.
    logSeverityLevel: 3,
  };
}

function describe(metadata: readonly InferenceSession.ValueMetadata[], what: string): IoInfo[] {
  return metadata.map((m) => {
    if (!m.isTensor || !isTensorDtype(m.type)) {
      const type = m.isTensor ? m.type : "non-tensor";
      throw new WorkerFailure(
        "INFER_MODEL_UNSUPPORTED",
        `model ${what} ${JSON.stringify(m.name)} has unsupported type ${type}`,
      );
    }
    return { name: m.name, dtype: m.type, dims: [...m.shape] };
  });
}

async function createSession(path: string, settings: SessionSettings): Promise<InferenceSession> {
  try {
    // From the path, not from bytes, so onnxruntime finds external data files beside the model.
    return await InferenceSession.create(path, sessionOptions(settings));
  } catch (err) {
    throw new WorkerFailure("INFER_MODEL_LOAD_FAILED", `cannot load ${path}: ${(err as Error).message}`);
  }
}

function toOrt(feeds: readonly WireTensor[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const f of feeds) {
    try {
      out[f.name] = new Tensor(f.dtype, f.data as never, f.dims);
    } catch (err) {
      throw new WorkerFailure("INFER_INPUT_DATA", `input ${f.name}: ${(err as Error).message}`, f.name);
    }
  }
  return out;
}

/** Output tensors as wire tensors whose buffers can be transferred whole (copied only if shared). */
function fromOrt(
  result: InferenceSession.ReturnType,
  names: readonly string[],
): { tensors: WireTensor[]; transfer: ArrayBuffer[] } {
  const tensors: WireTensor[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const name of names) {
    const t = result[name] as Tensor | undefined;
    if (t === undefined) continue;
    if (!isTensorDtype(t.type))
      throw new WorkerFailure("INFER_MODEL_UNSUPPORTED", `output ${name} has type ${t.type}`);
    let data = t.data as TensorData;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (!whole || !(data.buffer instanceof ArrayBuffer) || transfer.includes(data.buffer))
      data = data.slice();
    transfer.push(data.buffer as ArrayBuffer);
    tensors.push({ name, dtype: t.type, dims: [...t.dims], data });
  }
  return { tensors, transfer };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error("worker-main must run in a worker thread");
  const init = workerData as WorkerInit;
  const probe = new MemoryProbe(init.counters);
  const sessions = new Map<string, InferenceSession>();

  const handlers = {
    async load(req: Extract<Request, { kind: "load" }>): Promise<[Reply, ArrayBuffer[]]> {
      // A load counts as a run for the memory probe: a run beside it is not "exclusive".
      const token = probe.begin();
      const before = process.memoryUsage.rss();
      let session: InferenceSession;
      try {
        session = await createSession(req.path, init.session);
      } finally {
        probe.end(token);
      }
      try {
        const inputs = describe(session.inputMetadata, "input");
        const outputs = describe(session.outputMetadata, "output");
        const residentBytes = Math.max(0, process.memoryUsage.rss() - before);
        sessions.set(req.modelId, session);
        return [{ kind: "loaded", id: req.id, inputs, outputs, residentBytes }, []];
      } catch (err) {
        await session.release();
        throw err;
      }
    },
    async unload(req: Extract<Request, { kind: "unload" }>): Promise<[Reply, ArrayBuffer[]]> {
      const session = sessions.get(req.modelId);
      sessions.delete(req.modelId);
      await session?.release();
      return [{ kind: "unloaded", id: req.id }, []];
    },
    async run(req: Extract<Request, { kind: "run" }>): Promise<[Reply, ArrayBuffer[]]> {
      const session = sessions.get(req.modelId);
      if (session === undefined)
        throw new WorkerFailure(
          "INFER_MODEL_NOT_LOADED",
          `model ${req.modelId} is not loaded in this worker`,
        );
      const feeds = toOrt(req.feeds);
      const token = probe.begin();
      // KO42 binds the wall-clock instant the forward pass starts.
      const startedAtMs = Date.now();
      const start = process.hrtime.bigint();
      let result: InferenceSession.ReturnType | undefined;
      let failure: unknown;
      try {
        result = await session.run(feeds);
      } catch (err) {
        failure = err;
      }
      const runMs = elapsedMs(start);
      const memory = probe.end(token);
      if (result === undefined) {
        throw new WorkerFailure(
          "INFER_RUN_FAILED",
          `session.run failed: ${(failure as Error)?.message ?? String(failure)}`,
        );
      }
      const { tensors, transfer } = fromOrt(result, session.outputNames);
      if (req.digestOutputs) for (const t of tensors) t.sha256 = tensorDigest(t.dtype, t.dims, t.data);
      return [{ kind: "ran", id: req.id, outputs: tensors, runMs, startedAtMs, memory }, transfer];
    },
    async calibrate(req: Extract<Request, { kind: "calibrate" }>): Promise<[Reply, ArrayBuffer[]]> {
      // A fresh session so the first runs see an empty arena: what a cold input of size n needs.
      const session = await createSession(req.path, init.session);
      const token = probe.begin();
      const samples: CalibrationSample[] = [];
      try {
        for (const size of [...req.sizes].sort((x, y) => x.n - y.n)) {
          const feeds = toOrt(size.feeds);
          const times: number[] = [];
          for (let i = 0; i <= req.repeats; i++) {
            const start = process.hrtime.bigint();
            await session.run(feeds);
            if (i > 0) times.push(elapsedMs(start)); // run 0 warms caches and grows the arena
          }
          samples.push({
            n: size.n,
            medianMs: median(times),
            coldBytes: probe.peekGrowth(token),
            exclusive: true,
          });
        }
      } catch (err) {
        throw new WorkerFailure(
          "INFER_CALIBRATION_FAILED",
          `calibration run failed: ${(err as Error).message}`,
        );
      } finally {
        const end = probe.end(token);
        for (const s of samples) s.exclusive = end.exclusive;
        await session.release();
      }
      return [{ kind: "calibrated", id: req.id, samples, method: probe.method }, []];
    },
  };

  async function handle(req: Request): Promise<void> {
    try {
      let answer: [Reply, ArrayBuffer[]];
      switch (req.kind) {
        case "load":
          answer = await handlers.load(req);
          break;
        case "unload":
          answer = await handlers.unload(req);
          break;
        case "run":
          answer = await handlers.run(req);
          break;
        case "calibrate":
          answer = await handlers.calibrate(req);
          break;
        case "shutdown":
          for (const session of sessions.values()) await session.release();
          sessions.clear();
          answer = [{ kind: "unloaded", id: req.id }, []];
          break;
        case "crash":
          setImmediate(() => {
            throw new Error("worker crash requested");
          });
          return;
      }
      port!.postMessage(answer[0], answer[1]);
    } catch (err) {
      const failure =
        err instanceof WorkerFailure
          ? err
          : new WorkerFailure("INFER_RUN_FAILED", `worker error: ${(err as Error)?.message ?? String(err)}`);
      const reply: Reply = { kind: "failed", id: req.id, code: failure.code, message: failure.message };
      if (failure.input !== undefined) reply.input = failure.input;
      port!.postMessage(reply);
    }
  }

  port.on("message", (req: Request) => void handle(req));
  port.postMessage({ kind: "ready", runtimeVersion: env.versions.node ?? "unknown" } satisfies Reply);
}

main();
