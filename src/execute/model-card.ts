/**
 * Reading a model's signed card at start: the DSSE envelope of an in-toto Statement written
 * by `zeq-np models compile` (src/model/card.ts documents the format). Its subjects must
 * name exactly the files being served, so a card can never vouch for other weights.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fromBase64, fromUtf8 } from "../core/bytes.js";
import { parseStrictJson } from "../core/canonical-json.js";
import { ModelError } from "../model/errors.js";
import type { ModelMetadata } from "../model/index.js";
import type { DsseEnvelope } from "../record/dsse.js";

export const MODEL_CARD_FILE = "model-card.dsse.json";

export interface ModelCardSummary {
  logitsMaxDeltaVsTorch: number;
  errorPctLogits: number;
}

interface Statement {
  subject?: { name?: string; digest?: { sha256?: string } }[];
  predicate?: { weight_checkpoint_sha256?: string; precision?: Record<string, unknown> | null };
}

/**
 * Reads and cross-checks the card, or returns null when the model has not been compiled.
 * @throws {ModelError} MODEL_METADATA_INVALID when a card exists but does not describe these files
 */
export async function readModelCard(
  dir: string,
  meta: ModelMetadata,
  weightCheckpointSha256: string,
): Promise<{ envelope: DsseEnvelope; summary: ModelCardSummary | null } | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MODEL_CARD_FILE), "utf8");
  } catch {
    return null;
  }
  const bad = (why: string): never => {
    throw new ModelError("MODEL_METADATA_INVALID", `${meta.name}/${meta.version}: ${MODEL_CARD_FILE} ${why}`);
  };
  let envelope: DsseEnvelope;
  let statement: Statement;
  try {
    envelope = parseStrictJson(text) as unknown as DsseEnvelope;
    statement = parseStrictJson(fromUtf8(fromBase64(envelope.payload))) as Statement;
  } catch {
    return bad("is not a readable DSSE envelope");
  }
  const subjects = new Map((statement.subject ?? []).map((s) => [s.name, s.digest?.sha256]));
  for (const f of meta.files) {
    if (subjects.get(f.path) !== f.sha256)
      bad(`does not vouch for ${f.path} as served (run models compile again)`);
  }
  if (statement.predicate?.weight_checkpoint_sha256 !== weightCheckpointSha256) {
    bad("names another weight checkpoint");
  }
  const precision = statement.predicate?.precision;
  const delta = precision?.logits_max_delta_vs_torch;
  const pct = precision?.error_pct_logits;
  if (typeof delta !== "number" || typeof pct !== "number") return { envelope, summary: null };
  return { envelope, summary: { logitsMaxDeltaVsTorch: delta, errorPctLogits: pct } };
}
