/**
 * `zeq-np serve` (`npm start`): the main job. On a fresh clone it builds the seed's three
 * models when they are missing (progress on the terminal), opens the instance on the
 * embedded SQLite log (creating the signing key and API keys on first start), and listens.
 * SIGTERM/SIGINT drain in-flight calls, commit, write a final checkpoint and exit 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import {
  BUILDABLE_MODELS,
  buildModel,
  listModels,
  resolveModelDir,
  type ModelSize,
} from "../../model/index.js";
import { readModelCardText } from "../../model/card.js";
import { compileModel } from "../../model/compile/index.js";
import type { Signer } from "../../keys/index.js";
import { isZeqError } from "../../core/errors.js";
import { loadApiKeys, persistApiKeyEvents } from "../../instance/api-keys.js";
import { loadSigner, openInstance } from "../../instance/open.js";
import { DEFAULT_MODELS_DIR } from "../../instance/paths.js";
import { closeOnSignals, startServer } from "../../server/listen.js";
import { serverWorkers } from "../../inference/index.js";
import { CliError } from "../errors.js";
import { printError, printLine } from "../output.js";
import { progressReporter } from "./models-progress.js";
import { collect } from "../vkeys.js";

interface ServeOptions {
  port: string;
  host: string;
  models?: string[];
  signingKey?: string;
  logUrl?: string;
  build: boolean;
  compile: boolean;
  size: ModelSize;
  workers?: string;
  retainOutputs?: boolean;
  logLevel: string;
}

async function buildMissingModels(modelsDir: string, size: ModelSize): Promise<void> {
  for (const name of BUILDABLE_MODELS) {
    const folder = size === "tiny" ? `${name}-tiny` : name;
    if (existsSync(join(modelsDir, folder))) continue;
    printLine(`building ${folder} (seeded weights; once per machine)`);
    const bar = progressReporter();
    try {
      await buildModel({
        name,
        size,
        modelsDir,
        onProgress: (done, total, label) => bar.update(`build ${folder}`, done, total, label),
      });
    } finally {
      bar.done();
    }
  }
}

/**
 * Compiles every model of the repository that has no signed card yet: hashes, manifest,
 * the reference check against the committed PyTorch vectors, calibrated CS43/CS44 budgets,
 * and the card signed with this instance's key. A model that fails is reported and served
 * without a card (no precision figures, no budgets: CS43/CS44 calls are refused for it).
 */
async function compileUncompiled(modelsDir: string, signer: Signer): Promise<void> {
  for (const { name, versions } of await listModels(modelsDir).catch(() => [])) {
    const version = versions[versions.length - 1]!;
    const dir = await resolveModelDir(modelsDir, name, version);
    if ((await readModelCardText(dir)) !== null) continue;
    printLine(
      `compiling ${name}/${version}: hashes, manifest, PyTorch reference check, budgets, signed card`,
    );
    const bar = progressReporter();
    try {
      const result = await compileModel({
        modelsDir,
        name,
        version,
        signer,
        onProgress: (p) => {
          if (p.stage === "hash" || p.stage === "manifest")
            bar.update(`${p.stage} ${name}`, p.done, p.total, p.detail);
          else if (p.done === 0) printLine(`  ${p.stage}: ${p.detail}`);
        },
      });
      bar.done();
      const prec = result.statement.predicate.precision;
      if (prec)
        printLine(`  logits within ${Number(prec.logits_max_delta_vs_torch).toExponential(2)} of PyTorch`);
      for (const note of result.notes) printLine(`  note: ${note}`);
    } catch (err) {
      bar.done();
      if (!isZeqError(err)) throw err;
      printError(`could not compile ${name}/${version}: ${err.message} [${err.code}]`);
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
    .option(
      "--log-url <url>",
      "keep the log in PostgreSQL, shared by replicas, instead of <data>/log.sqlite (env ZEQ_LOG_URL)",
      process.env.ZEQ_LOG_URL || undefined,
    )
    .option("--no-build", "do not build the seed's models when they are missing")
    .option("--no-compile", "do not compile (sign cards, calibrate budgets) models that have no card")
    .option("--size <size>", "size of the models to build when missing: base or tiny", "base")
    .option("--workers <n>", "inference worker threads (default: physical cores − 1, at least 1)")
    .option(
      "--retain-outputs",
      "keep the outputs of passes too large to inline in the record (over 4096 values) for replay across environments",
    )
    .option("--log-level <level>", "log level (env LOG_LEVEL)", process.env.LOG_LEVEL ?? "info")
    .action(async (opts: ServeOptions, cmd: Command) => {
      const g = globalsOf(cmd);
      if (opts.size !== "base" && opts.size !== "tiny")
        throw new CliError("CLI_USAGE", "--size is base or tiny");
      const listenPort = port(opts.port);
      const modelRoots = opts.models ?? [DEFAULT_MODELS_DIR];
      if (opts.build) await buildMissingModels(modelRoots[0]!, opts.size);
      const signer = loadSigner({
        dataDir: g.data,
        signingKeyPath: opts.signingKey,
        create: true,
        onKeyCreated: (path, created) =>
          printLine(`created signing key ${path}\n  verifier key: ${created.verifierKey}`),
      });
      if (opts.compile) for (const root of modelRoots) await compileUncompiled(root, signer);

      const hashing = new Map<string, ReturnType<typeof progressReporter>>();
      const instance = await openInstance({
        dataDir: g.data,
        modelRoots,
        signingKeyPath: opts.signingKey,
        logUrl: opts.logUrl,
        create: false,
        retainOutputs: opts.retainOutputs === true,
        engine: { workers: opts.workers ? Number(opts.workers) : serverWorkers() },
        onHashProgress: (model) => (done, total, file) => {
          let bar = hashing.get(model);
          if (!bar) hashing.set(model, (bar = progressReporter()));
          bar.update(`checking ${model}`, done, total, file);
          if (done >= total) bar.done();
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
      // The backend, never the URL: it may carry a password.
      printLine(
        `  log origin ${instance.origin} (${instance.storage.backend}); verifier key at ${server.url}/api/keys`,
      );
      if (keys.file)
        printLine(`  inference key: export ZEQ_DEMO_KEY=$(cat ${join(g.data, "inference.key")})`);
      await new Promise<void>((resolve, reject) => {
        closeOnSignals(server, (err) => (err ? reject(err as Error) : resolve()));
      });
      printLine("closed: in-flight calls drained, final checkpoint written");
    });
}
