/**
 * A served model's signed card, read at start: the DSSE envelope of the in-toto Statement
 * written by `zeq-np models compile` (format: src/model/card.ts, docs/compile.md). The
 * signature must verify against the instance's trusted keys and the subjects must name
 * exactly the files being served, so a card can never vouch for other weights.
 */
import { parseStrictJson } from "../core/canonical-json.js";
import type { VerifierSet } from "../keys/index.js";
import { openModelCard, readModelCardText } from "../model/card.js";
import type { ModelMetadata } from "../model/index.js";
import type { DsseEnvelope } from "../record/dsse.js";

export interface ModelCardSummary {
  logitsMaxDeltaVsTorch: number;
  errorPctLogits: number;
}

/**
 * The card and its precision figures, or null when the model has not been compiled.
 * @throws {CompileError} COMPILE_CARD_INVALID when a card exists but does not verify or
 *   does not describe these files (the model is then refused, not served)
 */
export async function readModelCard(
  dir: string,
  meta: ModelMetadata,
  weightCheckpointSha256: string,
  verifiers: VerifierSet,
): Promise<{ envelope: DsseEnvelope; summary: ModelCardSummary | null } | null> {
  const text = await readModelCardText(dir);
  if (text === null) return null;
  const { statement } = openModelCard(text, verifiers, meta, weightCheckpointSha256);
  const precision = statement.predicate.precision as Record<string, unknown> | null;
  const delta = precision?.logits_max_delta_vs_torch;
  const pct = precision?.error_pct_logits;
  const envelope = parseStrictJson(text) as unknown as DsseEnvelope;
  if (typeof delta !== "number" || typeof pct !== "number") return { envelope, summary: null };
  return { envelope, summary: { logitsMaxDeltaVsTorch: delta, errorPctLogits: pct } };
}
