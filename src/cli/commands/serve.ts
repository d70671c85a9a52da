/**
 * `zeq-np serve` (`npm start`): the main job. On a fresh clone it builds the seed's three
 * models when they are missing (progress on the terminal), opens the instance on the
 * embedded SQLite log (creating the signing key and API keys on first start), and listens.
 * SIGTERM/SIGINT drain in-flight calls, commit, write a final checkpoint and exit 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { BUILDABLE_MODELS, buildModel, type ModelSize } from "../../model/index.js";
import { loadApiKeys, persistApiKeyEvents } from "../../instance/api-keys.js";
import { openInstance } from "../../instance/open.js";
import { DEFAULT_MODELS_DIR } from "../../instance/paths.js";
import { closeOnSignals, startServer } from "../../server/listen.js";
import { CliError } from "../errors.js";
import { printError, printLine } from "../output.js";
import { progress } from "../progress.js";
import { collect } from "../vkeys.js";

interface ServeOptions {
  port: string;
  host: string;
  models?: string[];
  signingKey?: string;
  build: boolean;
  size: ModelSize;
  workers?: string;
  logLevel: string;
}

async function buildMissingModels(modelsDir: string, size: ModelSize): Promise<void> {
  for (const name of BUILDABLE_MODELS) {
    const folder = size === "tiny" ? `${name}-tiny` : name;
    if (existsSync(join(modelsDir, folder))) continue;
    printLine(`building ${folder} (seeded weights; once per machine)`);
    const bar = progress(`  ${folder}`);
    try {
      await buildModel({
        name,
        size,
        modelsDir,
        onProgress: (done, total, label) => bar.update(done, total, label),
      });
    } finally {
      bar.stop();
    }
  }
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliError("CLI_USAGE", `--port must be 0..65535, got ${value}`);
  return n;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the models over HTTP, every call a signed record in the log")
    .option("--port <n>", "port (env PORT)", process.env.PORT ?? "8080")
    .option("--host <addr>", "address to listen on (env HOST)", process.env.HOST ?? "127.0.0.1")
    .option("--models <dir>", "model repository (repeatable; default ./models)", collect)
    .option("--signing-key <file>", "signing key file (default: <data>/signing.key, created on first start)")
    .option("--no-build", "do not build the seed's models when they are missing")
    .option("--size <size>", "size of the models to build when missing: base or tiny", "base")
    .option("--workers <n>", "inference worker threads (default: physical cores)")
    .option("--log-level <level>", "log level (env LOG_LEVEL)", process.env.LOG_LEVEL ?? "info")
    .action(async (opts: ServeOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ data: string }>();
      if (opts.size !== "base" && opts.size !== "tiny")
        throw new CliError("CLI_USAGE", "--size is base or tiny");
      const listenPort = port(opts.port);
      const modelRoots = opts.models ?? [DEFAULT_MODELS_DIR];
      if (opts.build) await buildMissingModels(modelRoots[0]!, opts.size);

      const hashing = new Map<string, ReturnType<typeof progress>>();
      const instance = await openInstance({
        dataDir: g.data,
        modelRoots,
        signingKeyPath: opts.signingKey,
        create: true,
        engine: opts.workers ? { workers: Number(opts.workers) } : {},
        onKeyCreated: (path, signer) =>
          printLine(`created signing key ${path}\n  verifier key: ${signer.verifierKey}`),
        onHashProgress: (model) => (done, total, file) => {
          let bar = hashing.get(model);
          if (!bar) hashing.set(model, (bar = progress(`checking ${model}`)));
          bar.update(done, total, file);
          if (done >= total) bar.stop();
        },
        onRefusedModel: (r) => printError(`not serving ${r.name}/${r.version}: ${r.message} [${r.code}]`),
      });
      const keys = loadApiKeys(g.data);
      if (keys.created) {
        printLine(`created API keys in ${keys.file} (mode 0600)`);
      }
      const server = await startServer({
        executor: instance.executor,
        log: instance.log,
        signer: instance.signer,
        verifierKeys: [instance.signer.verifierKey],
        auth: { apiKeys: keys.apiKeys, adminKeys: keys.adminKeys },
        logger: { level: opts.logLevel },
        port: listenPort,
        host: opts.host,
        closeBackend: () => instance.close(),
        onApiKeyEvent: persistApiKeyEvents(keys),
      });
      const served = instance.executor.models().map((m) => `${m.name}/${m.version}`);
      printLine(`zeq-np serving ${served.join(", ") || "no models"} at ${server.url}`);
      printLine(`  log origin ${instance.origin}; verifier key at ${server.url}/api/keys`);
      if (keys.file)
        printLine(`  inference key: export ZEQ_DEMO_KEY=$(cat ${join(g.data, "inference.key")})`);
      await new Promise<void>((resolve, reject) => {
        closeOnSignals(server, (err) => (err ? reject(err as Error) : resolve()));
      });
      printLine("closed: in-flight calls drained, final checkpoint written");
    });
}
