/**
 * The five ways one forward pass is timed, opened together for one thread count so their
 * calls can be interleaved (the machine's other load then moves them all alike):
 *
 *   bare     onnxruntime-node session.run, nothing else (the baseline a user would pick)
 *   engine   zeq-np's inference engine alone: checks, worker-thread hop, no record
 *   audited  executor.execute in process: engine + hash, record, sign, durable append, receipt
 *   http     the real server in its own process, POST /api/playground/compute on 127.0.0.1
 *   torch    PyTorch eager on the same weights (Debian's torch, /usr/bin/python3)
 *
 * A generation (GPT-2) is timed per step on every path; the audited path's steps are timed
 * by a committer wrapper that notes when each step's record is durable.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { createCommitter, type Committer } from "../../src/execute/commit.js";
import { DefaultExecutor } from "../../src/execute/executor.js";
import type { ExecuteRequest, InputTensor } from "../../src/execute/types.js";
import { openInstance, type Instance } from "../../src/instance/open.js";
import { benchInstanceOptions } from "../lib/card-keys.js";
import type { Operator } from "../../src/record/schema.js";
import { HttpClient, PLAYGROUND } from "../lib/http-client.js";
import {
  argmaxLastRow,
  nextStepFeeds,
  type ModelInputs,
  type ModelName,
  type Variant,
} from "../lib/inputs.js";
import { BareSession } from "../lib/ort-direct.js";
import { startServerChild, type ServerChild } from "../lib/server-child.js";
import { TorchClient, type TorchReady } from "./torch-client.js";

export const PATHS = ["bare", "engine", "audited", "http", "torch"] as const;
export type PathName = (typeof PATHS)[number];

/**
 * Operators of the latency calls: KO42 alone (always applied). CS43 would refuse calls whose
 * observed time under the machine's other load exceeds the budget, which is the overload
 * section's subject, not this one's.
 */
export const OPERATORS: Operator[] = ["KO42"];

export interface Generation {
  promptMs: number;
  stepMs: number[];
}

export interface PathSet {
  threads: number;
  torch: TorchReady | null;
  torchSkipped: string | null;
  /** Makes `variant` the input of the next calls (uploads it to PyTorch). */
  prepare(model: ModelName, variant: Variant): Promise<void>;
  /** One forward pass of the prepared input on `path`, in ms. @throws on a refused or failed call */
  pass(path: PathName, model: ModelName): Promise<number>;
  /** GPT-2: the prepared prompt's pass then `steps` cached steps. @throws on a refused or failed call */
  generate(path: PathName, steps: number): Promise<Generation>;
  close(): Promise<void>;
}

export interface PathSetOptions {
  repoRoot: string;
  modelsDir: string;
  threads: number;
  inputs: Record<ModelName, ModelInputs>;
  withTorch: boolean;
  /** Called as each part finishes loading. */
  onLoaded?: (what: string) => void;
}

class AuditedPath {
  /** performance.now() when each committed record became durable. */
  readonly marks: number[] = [];
  readonly executor: DefaultExecutor;

  constructor(readonly instance: Instance) {
    const inner = createCommitter(instance.log, instance.signer, instance.origin);
    const timed: Committer = {
      commit: async (record) => {
        const committed = await inner.commit(record);
        this.marks.push(performance.now());
        return committed;
      },
    };
    this.executor = new DefaultExecutor({
      engine: instance.engine,
      catalog: instance.catalog,
      committer: timed,
      blobs: instance.blobs,
      signerKeyId: instance.signer.keyId,
    });
  }

  async execute(request: Omit<ExecuteRequest, "requestId" | "batched" | "operators">): Promise<number[]> {
    this.marks.length = 0;
    const start = performance.now();
    const result = await this.executor.execute({
      ...request,
      operators: OPERATORS,
      batched: false,
      requestId: randomUUID(),
    });
    const el = result.elements[0];
    if (!el?.ok) throw el?.error ?? new Error("no element");
    return [start, ...this.marks];
  }
}

const diffs = (marks: number[]): number[] => marks.slice(1).map((m, i) => m - marks[i]!);

function feedMap(feeds: readonly InputTensor[]) {
  return Object.fromEntries(feeds.map((f) => [f.name, { dtype: f.dtype, dims: f.shape, data: f.data }]));
}

/** @throws when a model, the instance or the server cannot be opened */
export async function openPaths(opts: PathSetOptions): Promise<PathSet> {
  const { inputs, threads } = opts;
  const names = Object.keys(inputs) as ModelName[];
  const tmp = mkdtempSync(join(tmpdir(), "zeq-bench-latency-"));
  const bare = new Map<ModelName, BareSession>();
  let instance: Instance | null = null;
  let server: ServerChild | null = null;
  let http: HttpClient | null = null;
  let torch: TorchClient | null = null;
  let torchReady: TorchReady | null = null;
  let torchSkipped: string | null = opts.withTorch ? TorchClient.unavailable() : "not asked for";
  let audited: AuditedPath | null = null;

  const close = async (): Promise<void> => {
    http?.close();
    await Promise.allSettled([
      ...[...bare.values()].map((s) => s.release()),
      server?.stop(),
      torch?.close(),
      (async () => {
        await audited?.executor.close();
        await instance?.close();
      })(),
    ]);
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    for (const name of names) bare.set(name, await BareSession.open(inputs[name].onnxPath, threads));
    opts.onLoaded?.("bare onnxruntime sessions");
    instance = await openInstance({
      dataDir: join(tmp, "in-process"),
      modelRoots: [opts.modelsDir],
      create: true,
      keyName: "bench.zeq-np.local/in-process",
      ...benchInstanceOptions(),
      engine: { workers: 1, session: { intraOpNumThreads: threads } },
    });
    opts.onLoaded?.("in-process instance");
    server = await startServerChild(opts.repoRoot, {
      dataDir: join(tmp, "server"),
      modelsDir: opts.modelsDir,
      workers: 1,
      intraOpThreads: threads,
    });
    http = new HttpClient(server.url, server.apiKey);
    opts.onLoaded?.("server");
    if (torchSkipped === null) {
      try {
        const started = await TorchClient.start(
          opts.repoRoot,
          threads,
          names.map((n) => ({ name: n, dir: inputs[n].dir })),
        );
        torch = started.client;
        torchReady = started.ready;
        for (const n of names) await torch.set(n, inputs[n].feeds);
      } catch (err) {
        torchSkipped = (err as Error).message;
      }
    }
    opts.onLoaded?.("pytorch");
  } catch (err) {
    await close();
    throw err;
  }
  const current = new Map<ModelName, Variant>(
    names.map((n) => [n, { feeds: inputs[n].feeds, natural: inputs[n].natural }]),
  );
  const auditedPath = new AuditedPath(instance);
  audited = auditedPath;
  const engine = instance.engine;
  const client = http;
  const engineId = (model: ModelName): string => {
    const entry = auditedPath.instance.catalog.get(model);
    return model === "gpt2" ? entry.decoderEngineId! : entry.engineId;
  };

  const httpCall = async (model: ModelName, extra: Record<string, unknown> = {}): Promise<number> => {
    const body = JSON.stringify({
      operators: OPERATORS,
      inputs: { model, ...current.get(model)!.natural, ...extra },
    });
    const reply = await client.post(PLAYGROUND, body);
    if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
    return reply.ms;
  };

  const auditedRequest = (model: ModelName, maxTokens = 1) =>
    model === "gpt2"
      ? {
          model,
          inputs: [
            { kind: "prompt" as const, prompt: String(current.get(model)!.natural.prompt), maxTokens },
          ],
        }
      : { model, inputs: [{ kind: "tensors" as const, tensors: current.get(model)!.feeds }] };

  const bareGenerate = async (steps: number): Promise<Generation> => {
    const g = inputs.gpt2;
    const session = bare.get("gpt2")!;
    let out = await session.run(current.get("gpt2")!.feeds);
    const promptMs = out.ms;
    const stepMs: number[] = [];
    let past = g.inputSize;
    for (let s = 0; s < steps; s++) {
      const logits = out.outputs.find((o) => o.name === "logits")!;
      const next = argmaxLastRow(logits.data as Float32Array, logits.shape[1]!, logits.shape[2]!);
      const present = out.outputs.filter((o) => o.name.startsWith("present."));
      out = await session.run(nextStepFeeds(g.decoder!, next, past, present));
      stepMs.push(out.ms);
      past += 1;
    }
    return { promptMs, stepMs };
  };

  const engineGenerate = async (steps: number): Promise<Generation> => {
    const g = inputs.gpt2;
    const id = engineId("gpt2");
    const timed = async (feeds: InputTensor[]) => {
      const start = performance.now();
      // As the executor does: a step's past is the previous step's outputs, given away.
      const r = await engine.run(id, feedMap(feeds), {
        inputSize: feeds[2]!.shape[1]!,
        transferInputs: feeds !== current.get("gpt2")!.feeds,
      });
      return { ms: performance.now() - start, r };
    };
    const prompt = await timed(current.get("gpt2")!.feeds);
    const promptMs = prompt.ms;
    let r = prompt.r;
    const stepMs: number[] = [];
    let past = g.inputSize;
    for (let s = 0; s < steps; s++) {
      const logits = r.outputs.logits!;
      const next = argmaxLastRow(logits.data as Float32Array, logits.dims[1]!, logits.dims[2]!);
      const present = Object.entries(r.outputs)
        .filter(([name]) => name.startsWith("present."))
        .map(([name, t]) => ({ name, shape: t.dims, data: t.data }));
      const step = await timed(nextStepFeeds(g.decoder!, next, past, present));
      stepMs.push(step.ms);
      r = step.r;
      past += 1;
    }
    return { promptMs, stepMs };
  };

  return {
    threads,
    torch: torchReady,
    torchSkipped,
    async prepare(model, variant) {
      current.set(model, variant);
      if (torch !== null) await torch.set(model, variant.feeds);
    },
    async pass(path, model) {
      const feeds = current.get(model)!.feeds;
      switch (path) {
        case "bare":
          return (await bare.get(model)!.run(feeds)).ms;
        case "engine": {
          const start = performance.now();
          await engine.run(engineId(model), feedMap(feeds), { inputSize: inputs[model].inputSize });
          return performance.now() - start;
        }
        case "audited": {
          const marks = await auditedPath.execute(auditedRequest(model));
          return marks[marks.length - 1]! - marks[0]!;
        }
        case "http":
          return httpCall(model, model === "gpt2" ? { max_tokens: 1 } : {});
        case "torch":
          if (torch === null) throw new Error(`torch skipped: ${torchSkipped}`);
          return torch.run(model, model);
      }
    },
    async generate(path, steps) {
      switch (path) {
        case "bare":
          return bareGenerate(steps);
        case "engine":
          return engineGenerate(steps);
        case "audited": {
          const d = diffs(await auditedPath.execute(auditedRequest("gpt2", steps + 1)));
          return { promptMs: d[0]!, stepMs: d.slice(1) };
        }
        case "http": {
          // One request carries the whole generation: per step is (total − prompt-only) / steps.
          const prompt = await httpCall("gpt2", { max_tokens: 1 });
          const total = await httpCall("gpt2", { max_tokens: steps + 1 });
          return { promptMs: prompt, stepMs: [Math.max(0, total - prompt) / steps] };
        }
        case "torch": {
          if (torch === null) throw new Error(`torch skipped: ${torchSkipped}`);
          const r = await torch.generate("gpt2", "gpt2", steps);
          return { promptMs: r.prompt_ms, stepMs: r.step_ms };
        }
      }
    },
    close,
  };
}
