/**
 * `zeq-np models build|compile|add|conformance|verify|list`: building the reference models,
 * compiling a model into its signed card (hashes, manifest, cost model, precision against
 * PyTorch, calibrated budgets), registering any ONNX model, and the conformance table.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import { readSigningKeyFile } from "../../keys/index.js";
import { dataPaths, DEFAULT_MODELS_DIR } from "../../instance/paths.js";
import { BUILDABLE_MODELS, buildModel, type BuildableModel, type ModelSize } from "../../model/index.js";
import {
  addModel,
  compileModel,
  formatConformanceTable,
  runConformance,
  verifyCompiledModel,
  listCompiledModels,
  type CompileResult,
} from "../../model/compile/index.js";
import { CompileError } from "../../model/compile/errors.js";
import { EXIT_INVALID } from "../exit.js";
import { printJson, printLine } from "../output.js";
import { progressReporter } from "./models-progress.js";

interface Globals {
  data: string;
  json?: boolean;
}

interface CompileFlags {
  version?: string;
  models: string;
  data?: string;
  json?: boolean;
  key?: string;
  reference?: string | false;
  calibrate?: boolean;
  sizes?: string;
  repeats?: string;
  tolerance?: string;
}

/**
 * The global options, with this command's own copies first: `--data` and `--json` are
 * declared on each models command too, so they work after the command name whether or not
 * the program parses its options positionally.
 */
function globals(cmd: Command, _own: { data?: string; json?: boolean }): Globals {
  return globalsOf(cmd);
}

function positiveInts(text: string | undefined, what: string): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new CompileError(
      "COMPILE_OPTIONS_INVALID",
      `${what} must be positive integers separated by commas`,
    );
  }
  return values;
}

function numberOption(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new CompileError("COMPILE_OPTIONS_INVALID", `${what} must be a number`);
  return n;
}

/** Options shared by `compile` and `add` (which compiles). */
function withCompileOptions(cmd: Command): Command {
  return cmd
    .option("--models <dir>", "model repository", DEFAULT_MODELS_DIR)
    .option("--data <dir>", "data directory holding signing.key (default: the global --data)")
    .option("--json", "machine-readable output")
    .option("--key <file>", "signing key (default: <data>/signing.key)")
    .option("--reference <file>", "reference vectors to check precision against")
    .option("--no-reference", "skip the reference check (the card's precision is null)")
    .option("--no-calibrate", "keep model.json's budgets instead of measuring")
    .option("--sizes <n,n,...>", "calibration sizes (tokens; for raw-tensor models the symbolic dimension)")
    .option("--repeats <n>", "timed runs per calibration size", "5")
    .option("--tolerance <x>", "error budget of the reference check (relative)", "1e-3");
}

async function runCompile(name: string, flags: CompileFlags, cmd: Command): Promise<CompileResult> {
  const g = globals(cmd, flags);
  const signer = readSigningKeyFile(flags.key ?? dataPaths(g.data).signingKey);
  const progress = progressReporter(g.json === true);
  const sizes = positiveInts(flags.sizes, "--sizes");
  const repeats = positiveInts(flags.repeats, "--repeats")?.[0];
  try {
    return await compileModel({
      modelsDir: flags.models,
      name,
      ...(flags.version !== undefined ? { version: flags.version } : {}),
      signer,
      reference: flags.reference === false ? null : flags.reference,
      calibrate:
        flags.calibrate === false ? false : { ...(sizes ? { sizes } : {}), ...(repeats ? { repeats } : {}) },
      ...(flags.tolerance !== undefined ? { tolerance: numberOption(flags.tolerance, "--tolerance")! } : {}),
      onProgress: (p) => {
        if (p.stage === "hash" || p.stage === "manifest") progress.update(p.stage, p.done, p.total, p.detail);
        else if (p.done === 0) progress.step(p.stage, p.detail);
      },
    });
  } finally {
    progress.done();
  }
}

function reportCompile(r: CompileResult, json: boolean): void {
  const p = r.statement.predicate;
  if (json) {
    printJson({
      card: r.cardPath,
      weight_checkpoint_sha256: p.weight_checkpoint_sha256,
      precision: p.precision,
      budgets: p.budgets,
      notes: r.notes,
    });
    return;
  }
  printLine(`${p.model.name}/${p.model.version}: weight checkpoint ${p.weight_checkpoint_sha256}`);
  printLine(`  ${p.manifest.tensors.length} tensors in the manifest, ${p.parameters} parameters`);
  const prec = p.precision;
  if (prec !== null) {
    const delta = Number(prec.logits_max_delta_vs_torch);
    printLine(
      `  precision vs ${String(prec.reference)}: max delta ${delta.toExponential(2)} (${(delta * 100).toPrecision(3)} %), ` +
        `argmax ${(Number(prec.argmax_agree) * 100).toFixed(1)} %, top-5 ${(Number(prec.top5_agree) * 100).toFixed(1)} %`,
    );
  }
  const b = p.budgets as {
    latency_ms?: { a: number; b: number };
    memory_bytes?: { c: number; d: number };
  } | null;
  if (b?.latency_ms && b.memory_bytes) {
    printLine(
      `  CS43 T(n) = ${b.latency_ms.a.toFixed(2)} + ${b.latency_ms.b.toExponential(3)}·n·log2(n+1) ms`,
    );
    printLine(`  CS44 S(n) = ${b.memory_bytes.c} + ${b.memory_bytes.d.toFixed(1)}·n bytes`);
  }
  for (const note of r.notes) printLine(`  note: ${note}`);
  printLine(`  signed card: ${r.cardPath}`);
}

export function registerModelsCommands(program: Command): void {
  const models = program.command("models").description("build, compile, register and check models");

  models
    .command("build")
    .description("build the reference models (resnet50, bert-base-uncased, gpt2) with seeded weights")
    .option("--size <size>", "base or tiny", "base")
    .option("--name <name...>", `models to build (default: all of ${BUILDABLE_MODELS.join(", ")})`)
    .option("--models <dir>", "model repository", DEFAULT_MODELS_DIR)
    .option("--version <v>", "version folder to write", "1")
    .option("--seed <seed>", "seed of the weight generator")
    .option("--overwrite", "replace an existing version")
    .option("--json", "machine-readable output")
    .action(
      async (
        opts: {
          size: string;
          name?: string[];
          models: string;
          version: string;
          seed?: string;
          overwrite?: boolean;
        },
        cmd: Command,
      ) => {
        const g = globals(cmd, cmd.opts());
        const names = opts.name ?? [...BUILDABLE_MODELS];
        const progress = progressReporter(g.json === true);
        const built = [];
        try {
          for (const name of names) {
            const { dir, metadata } = await buildModel({
              name: name as BuildableModel,
              size: opts.size as ModelSize,
              modelsDir: opts.models,
              version: opts.version,
              ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
              ...(opts.overwrite ? { overwrite: true } : {}),
              onProgress: (done, total) => progress.update(`build ${name}`, done, total),
            });
            progress.done();
            built.push({
              name: metadata.name,
              version: metadata.version,
              dir,
              parameters: metadata.parameters,
            });
            if (!g.json)
              printLine(
                `built ${metadata.name}/${metadata.version} in ${dir} (${metadata.parameters} parameters)`,
              );
          }
        } finally {
          progress.done();
        }
        if (g.json) printJson({ built });
      },
    );

  withCompileOptions(
    models
      .command("compile <name>")
      .description("hash, inspect, check precision, calibrate budgets and sign the model card")
      .option("--version <v>", "model version (default: the latest)"),
  ).action(async (name: string, flags: CompileFlags, cmd: Command) => {
    reportCompile(await runCompile(name, flags, cmd), globals(cmd, flags).json === true);
  });

  withCompileOptions(
    models
      .command("add <path>")
      .description("register any ONNX model (copied with its external data), then compile it")
      .requiredOption("--name <name>", "model name in the repository")
      .option("--version <v>", "version to create", "1")
      .option("--task <task>", "image-classification, fill-mask, text-generation or custom", "custom")
      .option("--no-compile", "only register; run models compile later"),
  ).action(
    async (
      path: string,
      flags: CompileFlags & { name: string; task: string; compile?: boolean },
      cmd: Command,
    ) => {
      const g = globals(cmd, flags);
      const added = await addModel({
        source: path,
        modelsDir: flags.models,
        name: flags.name,
        version: flags.version ?? "1",
        task: flags.task,
        ...(typeof flags.reference === "string" ? { reference: flags.reference } : {}),
      });
      if (!g.json) printLine(`added ${added.meta.name}/${added.meta.version} in ${added.dir}`);
      if (flags.compile === false) {
        if (g.json) printJson({ added: added.dir });
        return;
      }
      // The reference given to add was copied into the model folder: compile finds it there.
      const { reference: _given, ...rest } = flags;
      reportCompile(
        await runCompile(
          added.meta.name,
          {
            ...rest,
            version: added.meta.version,
            ...(flags.reference === false ? { reference: false } : {}),
          },
          cmd,
        ),
        g.json === true,
      );
    },
  );

  models
    .command("conformance")
    .description(
      "compare each reference model's logits with the committed PyTorch vectors (target 1e-5 relative)",
    )
    .option("--size <size>", "tiny or base", "tiny")
    .option("--models <dir>", "model repository", DEFAULT_MODELS_DIR)
    .option("--python", "also re-run PyTorch live through reference/ (needs /usr/bin/python3 with torch)")
    .option("--target <x>", "pass/fail threshold (relative max delta)", "1e-5")
    .option("--json", "machine-readable output")
    .action(
      async (opts: { size: string; models: string; python?: boolean; target: string }, cmd: Command) => {
        const g = globals(cmd, cmd.opts());
        const rows = await runConformance({
          modelsDir: opts.models,
          size: opts.size === "base" ? "base" : opts.size === "tiny" ? "tiny" : badSize(opts.size),
          python: opts.python === true,
          target: numberOption(opts.target, "--target")!,
          onStatus: g.json ? undefined : (line) => process.stderr.write(`${line}\n`),
        });
        if (g.json) printJson({ rows });
        else printLine(formatConformanceTable(rows));
        if (rows.some((r) => r.status !== "pass")) process.exitCode = EXIT_INVALID;
      },
    );

  models
    .command("verify <name>")
    .description("check a model's files against model.json and its signed card; name any changed tensor")
    .option("--version <v>", "model version (default: the latest)")
    .option("--models <dir>", "model repository", DEFAULT_MODELS_DIR)
    .option("--data <dir>", "data directory holding signing.key (default: the global --data)")
    .option(
      "--key <file>",
      "the signing key whose verifier key must verify the card (default: <data>/signing.key)",
    )
    .option("--json", "machine-readable output")
    .action(
      async (
        name: string,
        opts: { version?: string; models: string; data?: string; key?: string },
        cmd: Command,
      ) => {
        const g = globals(cmd, opts);
        const signer = readSigningKeyFile(opts.key ?? dataPaths(g.data).signingKey);
        const report = await verifyCompiledModel({
          modelsDir: opts.models,
          name,
          ...(opts.version !== undefined ? { version: opts.version } : {}),
          verifiers: [signer.verifier],
        });
        if (g.json) printJson(report);
        else for (const line of report.lines) printLine(line);
        if (!report.ok) process.exitCode = EXIT_INVALID;
      },
    );

  models
    .command("list")
    .description("list the models of a repository and whether each version has a card")
    .option("--models <dir>", "model repository", DEFAULT_MODELS_DIR)
    .option("--json", "machine-readable output")
    .action(async (opts: { models: string }, cmd: Command) => {
      const list = await listCompiledModels(opts.models);
      if (globals(cmd, cmd.opts()).json) printJson(list);
      else
        for (const m of list)
          printLine(`${m.name}/${m.version}\t${m.task}\t${m.parameters}\t${m.card ? "card" : "no card"}`);
    });
}

function badSize(size: string): never {
  throw new CompileError(
    "COMPILE_OPTIONS_INVALID",
    `--size must be tiny or base, not ${JSON.stringify(size)}`,
  );
}
