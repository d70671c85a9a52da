/**
 * The signed model card: an in-toto Statement v1 about a model's files, in a DSSE envelope
 * signed with the instance key, written as `model-card.dsse.json` in the version folder by
 * `zeq-np models compile` (docs/compile.md gives the format with an example).
 *
 *   subject        every file of the weight checkpoint: {name: path, digest: {sha256}}
 *   predicateType  "urn:zeq-np:predicate:model-card:v1"
 *   predicate      what compile established: hashes, manifest, interface, cost model,
 *                  precision against PyTorch, budgets, numeric environment, code version
 *
 * The payload is the statement's RFC 8785 (JCS) bytes. Opening a card verifies the
 * signature against trusted keys and checks that it vouches for exactly the files served.
 */
import { rename, writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalBytes, parseStrictJson, type JsonValue } from "../core/canonical-json.js";
import { isZeqError } from "../core/errors.js";
import { fromUtf8 } from "../core/bytes.js";
import type { Signer } from "../keys/signer.js";
import type { VerifierSet } from "../keys/verifier-set.js";
import { signEnvelope, verifyEnvelope, type DsseEnvelope } from "../record/dsse.js";
import { CompileError } from "./compile/errors.js";
import type { ArchitectureInfo, ModelMetadata, Task, TensorSpec } from "./metadata.js";
import type { TensorManifest } from "./manifest.js";

export const MODEL_CARD_FILE = "model-card.dsse.json";
export const MODEL_CARD_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
export const MODEL_CARD_PREDICATE_TYPE = "urn:zeq-np:predicate:model-card:v1";

export interface GraphSummary {
  path: string;
  sha256: string;
  bytes: number;
  ir_version: number;
  opsets: Array<{ domain: string; version: number }>;
  producer: { name: string; version: string };
  nodes: number;
  op_types: string[];
}

export interface ModelCardPredicate {
  model: { name: string; version: string; task: Task; architecture: ArchitectureInfo };
  weight_checkpoint_sha256: string;
  /** The files the checkpoint hash runs over, in order. */
  weight_checkpoint_files: string[];
  graphs: GraphSummary[];
  io: {
    inputs: TensorSpec[];
    outputs: TensorSpec[];
    decoder_with_past: { path: string; inputs: TensorSpec[]; outputs: TensorSpec[] } | null;
  };
  manifest: TensorManifest;
  parameters: number;
  cost: { [key: string]: JsonValue };
  /** The reference check, or null when the model has no reference vectors. */
  precision: { [key: string]: JsonValue } | null;
  /** The budgets written into model.json, or null when they were not calibrated. */
  budgets: { [key: string]: JsonValue } | null;
  /** The inference engine's numeric environment (the one compute records state). */
  environment: { [key: string]: JsonValue };
  code: { commit: string | null; package_version: string };
  /** RFC 3339 UTC time of signing. */
  compiled_at: string;
}

export interface ModelCardStatement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: typeof MODEL_CARD_PREDICATE_TYPE;
  predicate: ModelCardPredicate;
}

/** The statement for a model's files (model.json order) and a predicate. */
export function buildModelCardStatement(
  meta: ModelMetadata,
  predicate: ModelCardPredicate,
): ModelCardStatement {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: meta.files.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } })),
    predicateType: MODEL_CARD_PREDICATE_TYPE,
    predicate,
  };
}

/**
 * Signs a statement: DSSE over its JCS bytes.
 * @throws {JsonError} when the statement holds a non-finite number or an unsafe integer
 */
export function signModelCard(statement: ModelCardStatement, signer: Signer): DsseEnvelope {
  return signEnvelope(MODEL_CARD_PAYLOAD_TYPE, canonicalBytes(statement), signer);
}

/** Writes the envelope into the version folder (through a temporary file and a rename). */
export async function writeModelCard(dir: string, envelope: DsseEnvelope): Promise<string> {
  const path = join(dir, MODEL_CARD_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(envelope, null, 2)}\n`, { flush: true });
  await rename(tmp, path);
  return path;
}

export interface OpenedModelCard {
  statement: ModelCardStatement;
  /** `name+hexkeyid` of the key whose signature verified. */
  keyid: string;
}

function invalid(what: string, cause?: unknown): never {
  throw new CompileError("COMPILE_CARD_INVALID", `model card ${what}`, { cause });
}

/**
 * Verifies a card (its JSON text) against trusted keys and against the model it claims to
 * describe: subjects exactly the model.json files (name and SHA-256), and, when given, the
 * weight-checkpoint hash.
 * @throws {CompileError} COMPILE_CARD_INVALID (the DsseError, if any, is the cause)
 */
export function openModelCard(
  text: string,
  verifiers: VerifierSet,
  meta: ModelMetadata,
  weightCheckpointSha256?: string,
): OpenedModelCard {
  let payload: Uint8Array;
  let keyid: string;
  try {
    const v = verifyEnvelope(text, verifiers, { payloadType: MODEL_CARD_PAYLOAD_TYPE });
    payload = v.payload;
    keyid = v.keyid;
  } catch (cause) {
    if (isZeqError(cause)) invalid(`does not verify (${cause.code})`, cause);
    throw cause;
  }
  let statement: ModelCardStatement;
  try {
    statement = parseStrictJson(fromUtf8(payload)) as unknown as ModelCardStatement;
  } catch (cause) {
    return invalid("payload is not strict JSON", cause);
  }
  if (statement === null || typeof statement !== "object" || Array.isArray(statement))
    invalid("payload is not an object");
  if (statement._type !== IN_TOTO_STATEMENT_V1) invalid(`is not an in-toto Statement v1`);
  if (statement.predicateType !== MODEL_CARD_PREDICATE_TYPE)
    invalid(`has predicateType ${String(statement.predicateType)}`);
  const p = statement.predicate as Partial<ModelCardPredicate> | undefined;
  if (p === null || typeof p !== "object" || typeof p.model !== "object" || p.model === null)
    invalid("has no model predicate");
  if (!Array.isArray(statement.subject)) invalid("has no subjects");
  const subjects = statement.subject.map((s) => `${String(s?.name)}\0${String(s?.digest?.sha256)}`).sort();
  const files = meta.files.map((f) => `${f.path}\0${f.sha256}`).sort();
  if (subjects.join("\n") !== files.join("\n"))
    invalid(`does not vouch for exactly the files of ${meta.name}/${meta.version}`);
  if (p.model.name !== meta.name || p.model.version !== meta.version) {
    invalid(`describes ${String(p.model.name)}/${String(p.model.version)}, not ${meta.name}/${meta.version}`);
  }
  if (weightCheckpointSha256 !== undefined && p.weight_checkpoint_sha256 !== weightCheckpointSha256) {
    invalid("names another weight checkpoint");
  }
  return { statement, keyid };
}

/** The card text of a version folder, or null when the model has not been compiled. */
export async function readModelCardText(dir: string): Promise<string | null> {
  return readFile(join(dir, MODEL_CARD_FILE), "utf8").catch(() => null);
}
