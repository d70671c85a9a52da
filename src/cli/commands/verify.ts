/**
 * `zeq-np verify RECEIPT.json`: the offline check of a receipt — checkpoint signature, DSSE
 * signature, leaf hash, inclusion proof — and, for compute records, the record itself
 * (schema, canonical bytes, input commitment). A list of receipts (a generation) is checked
 * receipt by receipt and as a chain: each step's record must name the previous step's
 * record digest. Exit 0 valid, 1 invalid (the failing step is named), 2 usage.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import { isZeqError, ZeqError } from "../../core/errors.js";
import { sha256Hex } from "../../core/hash.js";
import type { VerifierSet } from "../../keys/index.js";
import { decodeComputeRecord } from "../../record/encode.js";
import { COMPUTE_RECORD_PAYLOAD_TYPE, type ComputeRecord } from "../../record/schema.js";
import { ReceiptVerificationError, ReceiptVerifier, VERIFICATION_STEPS } from "../../verify/index.js";
import { EXIT_INVALID } from "../exit.js";
import { printJson, printLine } from "../output.js";
import { readJsonFile } from "../read-json.js";
import { collect, trustedKeys } from "../vkeys.js";

interface Checked {
  index: number;
  origin: string;
  treeSize: number;
  keyid: string;
  record: ComputeRecord | null;
  payloadSha256: string;
}

class ChainError extends ZeqError<"VERIFY_CHAIN_BROKEN"> {}

function checkOne(verifier: ReceiptVerifier, receipt: unknown, passed: string[]): Checked {
  const verified = verifier.verify(receipt);
  passed.push(...verified.steps);
  let record: ComputeRecord | null = null;
  if (verified.payloadType === COMPUTE_RECORD_PAYLOAD_TYPE) {
    record = decodeComputeRecord(verified.payload);
    passed.push("record");
  }
  return {
    index: verified.index,
    origin: verified.origin,
    treeSize: verified.treeSize,
    keyid: verified.keyid,
    record,
    payloadSha256: sha256Hex(verified.payload),
  };
}

function checkChain(checked: Checked[]): void {
  for (let i = 1; i < checked.length; i++) {
    const prev = checked[i - 1]!;
    if (checked[i]!.record?.previous_record_sha256 !== prev.payloadSha256) {
      throw new ChainError(
        "VERIFY_CHAIN_BROKEN",
        `receipt ${i} does not name receipt ${i - 1}'s record as its previous step`,
      );
    }
  }
}

export function verifyReceipts(
  receipts: unknown[],
  verifiers: VerifierSet,
): { checked: Checked[]; passed: string[] } {
  const verifier = new ReceiptVerifier(verifiers);
  const passed: string[] = [];
  const checked = receipts.map((r) => checkOne(verifier, r, passed));
  if (checked.length > 1) {
    checkChain(checked);
    passed.push("chain");
  }
  return { checked, passed };
}

export function registerVerifyCommand(program: Command): void {
  program
    .command("verify")
    .description("verify a receipt offline (exit 0 valid, 1 invalid, 2 usage)")
    .argument("<receipt>", "receipt JSON file, or a list of receipts (a generation); - for standard input")
    .option("--vkey <key>", "trusted verifier key (repeatable)", collect)
    .option("--vkey-file <file>", "file with one verifier key per line (repeatable)", collect)
    .action((file: string, opts: { vkey?: string[]; vkeyFile?: string[] }, cmd: Command) => {
      const global = globalsOf(cmd);
      const verifiers = trustedKeys({ ...opts, data: global.data });
      const json = readJsonFile(file);
      const receipts = Array.isArray(json) ? json : [json];
      try {
        const { checked, passed } = verifyReceipts(receipts, verifiers);
        const last = checked[checked.length - 1]!;
        if (global.json) {
          printJson({
            valid: true,
            steps: [...new Set(passed)],
            receipts: checked.map((c) => ({
              index: c.index,
              tree_size: c.treeSize,
              origin: c.origin,
              signer: c.keyid,
              record: c.record,
            })),
          });
        } else {
          for (const s of new Set(passed)) printLine(`ok    ${s}`);
          printLine(
            `valid: ${checked.length === 1 ? `record ${last.index}` : `${checked.length} records (${checked.map((c) => c.index).join(", ")})`} of ${last.origin}, signed by ${last.keyid}`,
          );
        }
      } catch (err) {
        if (!isZeqError(err)) throw err;
        const step =
          err instanceof ReceiptVerificationError ? err.step : err instanceof ChainError ? "chain" : "record";
        const done =
          err instanceof ReceiptVerificationError
            ? VERIFICATION_STEPS.slice(0, VERIFICATION_STEPS.indexOf(err.step))
            : [...VERIFICATION_STEPS];
        if (global.json) printJson({ valid: false, failed_step: step, code: err.code, message: err.message });
        else {
          for (const s of done) printLine(`ok    ${s}`);
          printLine(`FAIL  ${step}: ${err.message} [${err.code}]`);
          printLine("invalid");
        }
        process.exitCode = EXIT_INVALID;
      }
    });
}
