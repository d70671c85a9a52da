/**
 * `zeq-np models verify`: are a model's files still the ones model.json and its signed card
 * name? When they are not, the card's manifest says which tensor changed: the current
 * files are re-digested tensor by tensor and compared with what was signed.
 */
import { isZeqError } from "../../core/errors.js";
import { fromUtf8 } from "../../core/bytes.js";
import { parseStrictJson } from "../../core/canonical-json.js";
import type { Verifier } from "../../keys/verifier.js";
import { VerifierSet } from "../../keys/verifier-set.js";
import { verifyEnvelope } from "../../record/dsse.js";
import { MODEL_CARD_PAYLOAD_TYPE, openModelCard, readModelCardText } from "../card.js";
import { verifyModelFiles } from "../integrity.js";
import { buildTensorManifest, diffManifests, type ManifestDiff, type TensorManifest } from "../manifest.js";
import { readOnnxGraph } from "../onnx/reader.js";
import { join } from "node:path";
import { listModels, loadModelMetadata, resolveModelDir } from "../repository.js";
import type { ModelMetadata } from "../metadata.js";

export interface VerifyReport {
  ok: boolean;
  model: string;
  files_ok: boolean;
  /** null when the model has no card. */
  card_ok: boolean | null;
  /** Key id that signed the card, when it verified. */
  signer: string | null;
  /** Tensors that differ from the signed manifest (when the files changed and a card exists). */
  tensors: ManifestDiff | null;
  lines: string[];
}

async function currentManifest(dir: string, meta: ModelMetadata): Promise<TensorManifest> {
  const graphs = [];
  for (const f of meta.files.filter((x) => x.path.endsWith(".onnx"))) {
    graphs.push({ path: f.path, info: await readOnnxGraph(join(dir, f.path)) });
  }
  return buildTensorManifest(dir, graphs);
}

/** The manifest a card signed, read after checking the signature only (the files may have changed). */
function signedManifest(text: string, verifiers: VerifierSet): TensorManifest | null {
  try {
    const v = verifyEnvelope(text, verifiers, { payloadType: MODEL_CARD_PAYLOAD_TYPE });
    const statement = parseStrictJson(fromUtf8(v.payload)) as { predicate?: { manifest?: TensorManifest } };
    const m = statement.predicate?.manifest;
    return m && Array.isArray(m.tensors) ? m : null;
  } catch {
    return null;
  }
}

/**
 * @throws {ModelError} MODEL_NOT_FOUND, MODEL_NAME_INVALID, MODEL_VERSION_INVALID, MODEL_METADATA_INVALID
 */
export async function verifyCompiledModel(o: {
  modelsDir: string;
  name: string;
  version?: string;
  verifiers: readonly Verifier[];
}): Promise<VerifyReport> {
  const dir = await resolveModelDir(o.modelsDir, o.name, o.version);
  const meta = await loadModelMetadata(dir);
  const verifiers = new VerifierSet(o.verifiers);
  const model = `${meta.name}/${meta.version}`;
  const lines: string[] = [];
  const text = await readModelCardText(dir);
  let checkpoint: string | null = null;
  try {
    checkpoint = (await verifyModelFiles(dir, meta)).weightCheckpointSha256;
    lines.push(`${model}: files match model.json (weight checkpoint ${checkpoint})`);
  } catch (err) {
    if (!isZeqError(err, "MODEL_FILES_MISMATCH")) throw err;
    lines.push(`${model}: ${err.message}`);
  }
  if (text === null) {
    lines.push(`${model}: no model card (not compiled)`);
    return {
      ok: checkpoint !== null,
      model,
      files_ok: checkpoint !== null,
      card_ok: null,
      signer: null,
      tensors: null,
      lines,
    };
  }
  if (checkpoint !== null) {
    try {
      const opened = openModelCard(text, verifiers, meta, checkpoint);
      lines.push(`${model}: model card verifies (signed by ${opened.keyid})`);
      return { ok: true, model, files_ok: true, card_ok: true, signer: opened.keyid, tensors: null, lines };
    } catch (err) {
      if (!isZeqError(err)) throw err;
      lines.push(`${model}: ${err.message} [${err.code}]`);
      return { ok: false, model, files_ok: true, card_ok: false, signer: null, tensors: null, lines };
    }
  }
  const signed = signedManifest(text, verifiers);
  if (signed === null) {
    lines.push(`${model}: the model card does not verify, so the changed tensors cannot be named`);
    return { ok: false, model, files_ok: false, card_ok: false, signer: null, tensors: null, lines };
  }
  let diff: ManifestDiff | null = null;
  try {
    diff = diffManifests(signed, await currentManifest(dir, meta));
    for (const t of diff.changed) lines.push(`  changed tensor: ${t}`);
    for (const t of diff.missing) lines.push(`  missing tensor: ${t}`);
    for (const t of diff.added) lines.push(`  added tensor: ${t}`);
    if (diff.changed.length + diff.missing.length + diff.added.length === 0) {
      lines.push("  every tensor matches the signed manifest: the graph itself changed");
    }
  } catch (err) {
    if (!isZeqError(err)) throw err;
    lines.push(`  the changed ONNX file no longer reads (${err.code}): ${err.message}`);
  }
  return { ok: false, model, files_ok: false, card_ok: false, signer: null, tensors: diff, lines };
}

export interface ListedModel {
  name: string;
  version: string;
  task: string;
  parameters: number | null;
  card: boolean;
  error: string | null;
}

/** Every version of every model in a repository, with whether it has a card. */
export async function listCompiledModels(modelsDir: string): Promise<ListedModel[]> {
  const out: ListedModel[] = [];
  for (const { name, versions } of await listModels(modelsDir)) {
    for (const version of versions) {
      const dir = await resolveModelDir(modelsDir, name, version);
      const card = (await readModelCardText(dir)) !== null;
      try {
        const meta = await loadModelMetadata(dir);
        out.push({ name, version, task: meta.task, parameters: meta.parameters, card, error: null });
      } catch (err) {
        out.push({
          name,
          version,
          task: "?",
          parameters: null,
          card,
          error: isZeqError(err) ? err.code : String(err),
        });
      }
    }
  }
  return out;
}
