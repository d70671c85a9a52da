/**
 * The real server in its own process, as `zeq-np serve` runs it (openInstance + startServer
 * on 127.0.0.1), with the engine's thread settings under test and a rate limit high enough
 * not to be what the benchmark measures. Started by bench/lib/server-child.ts.
 *
 *   node --import tsx bench/server/serve.ts '{"dataDir": "...", "modelsDir": "...", ...}'
 *
 * Prints one JSON line when listening: {"url", "apiKey", "verifierKey", "origin"}; a
 * SIGTERM closes it gracefully (drain, commit, final checkpoint) and exits 0.
 */
import { openInstance } from "../../src/instance/open.js";
import { benchInstanceOptions } from "../lib/card-keys.js";
import { generateApiKey } from "../../src/server/auth.js";
import { closeOnSignals, startServer } from "../../src/server/listen.js";

export interface ServeOptions {
  dataDir: string;
  modelsDir: string;
  /** Engine workers; default: physical cores. */
  workers?: number;
  intraOpThreads?: number;
  /** CS43 budgets to configure (model name → T(n) = a + b·n·log2(n+1) ms) for models that state none. */
  latencyBudgets?: Record<string, { a: number; b: number }>;
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? "{}") as ServeOptions;
  const instance = await openInstance({
    dataDir: opts.dataDir,
    modelRoots: [opts.modelsDir],
    create: true,
    keyName: "bench.zeq-np.local/log",
    ...benchInstanceOptions(),
    engine: {
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      session: { intraOpNumThreads: opts.intraOpThreads ?? 1 },
    },
  });
  for (const [name, latencyMs] of Object.entries(opts.latencyBudgets ?? {})) {
    const entry = instance.catalog.get(name);
    for (const id of [entry.engineId, entry.decoderEngineId]) {
      if (id !== null)
        instance.engine.configure(id, { budgets: { ...instance.engine.info(id).budgets, latencyMs } });
    }
  }
  const apiKey = generateApiKey();
  const server = await startServer({
    executor: instance.executor,
    log: instance.log,
    signer: instance.signer,
    verifierKeys: [instance.signer.verifierKey],
    auth: { apiKeys: [apiKey], adminKeys: [] },
    logger: false,
    web: false,
    limits: { ratePerMinute: { inference: 100_000_000, public: 100_000_000 } },
    port: 0,
    host: "127.0.0.1",
    closeBackend: () => instance.close(),
  });
  closeOnSignals(server, (err) => {
    if (err) console.error(err);
    process.exit(err ? 1 : 0);
  });
  process.stdout.write(
    JSON.stringify({
      url: server.url,
      apiKey,
      verifierKey: instance.signer.verifierKey,
      origin: instance.origin,
      models: instance.executor.models().map((m) => m.name),
    }) + "\n",
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
