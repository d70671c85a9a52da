/**
 * `zeq-np infer`: one audited forward pass (or a generation) run locally against the data
 * directory's log, printing the prediction and writing the receipt(s).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import { randomUUID } from "node:crypto";
import { openInstance } from "../../instance/open.js";
import { DEFAULT_MODELS_DIR } from "../../instance/paths.js";
import { normalizeOperators } from "../../execute/operators.js";
import { parseTensorInput } from "../../preprocess/index.js";
import type { ExecuteInput, InputTensor } from "../../execute/types.js";
import type { TensorDtype } from "../../record/tensor-digest.js";
import { CliError } from "../errors.js";
import { printJson, printLine } from "../output.js";
import { readJsonFile } from "../read-json.js";

interface InferOptions {
  model: string;
  version?: string;
  text?: string;
  image?: string;
  tensors?: string;
  prompt?: string;
  maxTokens: string;
  operators: string;
  out?: string;
  models: string[];
}

function tensorsFrom(file: string): InputTensor[] {
  const json = readJsonFile(file);
  const list = Array.isArray(json) ? json : (json as { inputs?: unknown }).inputs;
  if (!Array.isArray(list))
    throw new CliError("CLI_USAGE", `${file} must hold a list of tensors or {"inputs": [...]}`);
  return list.map((t) => {
    const p = parseTensorInput(t);
    return {
      name: p.name,
      dtype: p.ortType as TensorDtype,
      shape: p.dims,
      data: p.data as InputTensor["data"],
    };
  });
}

function inputFrom(opts: InferOptions): ExecuteInput {
  const given = [opts.text, opts.image, opts.tensors, opts.prompt].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw new CliError("CLI_USAGE", "give exactly one of --text, --image, --tensors, --prompt");
  if (opts.text !== undefined) return { kind: "text", text: opts.text };
  if (opts.prompt !== undefined) {
    const maxTokens = Number(opts.maxTokens);
    if (!Number.isSafeInteger(maxTokens) || maxTokens < 1 || maxTokens > 1024) {
      throw new CliError("CLI_USAGE", "--max-tokens must be an integer from 1 to 1024");
    }
    return { kind: "prompt", prompt: opts.prompt, maxTokens };
  }
  if (opts.image !== undefined) {
    try {
      return { kind: "image", bytes: new Uint8Array(readFileSync(opts.image)) };
    } catch (cause) {
      throw new CliError("CLI_INPUT_FILE", `cannot read image ${opts.image}`, { cause });
    }
  }
  return { kind: "tensors", tensors: tensorsFrom(opts.tensors!) };
}

export function registerInferCommand(program: Command): void {
  program
    .command("infer")
    .description("run one audited forward pass locally and write its receipt")
    .requiredOption("--model <name>", "model name")
    .option("--version <v>", "model version (default: latest)")
    .option("--text <text>", "text input (BERT)")
    .option("--image <file>", "PNG or JPEG image (ResNet-50)")
    .option("--tensors <file>", "JSON list of tensors {name, datatype, shape, data}")
    .option("--prompt <text>", "prompt to continue (GPT-2)")
    .option("--max-tokens <n>", "tokens to generate with --prompt", "8")
    .option("--operators <list>", "comma-separated, from KO42,CS43,CS44", "KO42")
    .option("--out <file>", "write the receipt (a list of receipts for a generation) here")
    .option(
      "--models <dir>",
      "model repository (repeatable)",
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .action(async (opts: InferOptions, cmd: Command) => {
      const g = globalsOf(cmd);
      const operators = normalizeOperators(
        opts.operators
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      );
      const input = inputFrom(opts);
      const instance = await openInstance({
        dataDir: g.data,
        modelRoots: opts.models.length > 0 ? opts.models : [DEFAULT_MODELS_DIR],
        create: true,
        engine: { workers: 1 },
      });
      try {
        const result = await instance.executor.execute({
          model: opts.model,
          version: opts.version,
          operators,
          inputs: [input],
          batched: false,
          requestId: randomUUID(),
        });
        const element = result.elements[0]!;
        if (!element.ok) throw element.error;
        const receipts = element.records.map((r) => r.receipt);
        if (opts.out)
          writeFileSync(
            opts.out,
            `${JSON.stringify(receipts.length === 1 ? receipts[0] : receipts, null, 2)}\n`,
          );
        const first = element.records[0]!.record;
        if (g.json)
          printJson({
            prediction: element.prediction,
            records: element.records.map((r) => r.record),
            receipts,
          });
        else {
          printLine(
            `model      ${first.model.name}/${first.model.version}  weights ${first.model.weight_checkpoint_sha256}`,
          );
          printLine(`input      ${first.input_sha256}`);
          printLine(
            `zeqond     ${first.zeqond}  index ${first.zeqond_index}  phase ${first.phase_at_inference}`,
          );
          printLine(
            `latency    ${element.latencyMs.toFixed(2)} ms (budget ${first.latency.budget_ms ?? "none"})`,
          );
          printLine(
            `log        ${receipts.map((r) => r.log.index).join(", ")} of ${receipts[receipts.length - 1]!.log.tree_size} in ${instance.origin}`,
          );
          printLine(`prediction ${JSON.stringify(element.prediction).slice(0, 400)}`);
          if (opts.out) printLine(`receipt    ${opts.out}`);
        }
      } finally {
        await instance.close();
      }
    });
}
