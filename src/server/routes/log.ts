/**
 * Public reads of the transparency log: the latest signed checkpoint (C2SP tlog-checkpoint
 * note, text/plain), RFC 9162 inclusion and consistency proofs, and entries (the leaf, i.e.
 * the record's exact payload bytes, with its DSSE envelope). Indices and sizes are checked
 * by the log against its committed tree: a request beyond it is a 400 (an entry: 404) with
 * a code, never a storage error.
 */
import type { FastifyInstance } from "fastify";
import { Type, type Static } from "@sinclair/typebox";
import { fromUtf8, toBase64 } from "../../core/bytes.js";
import { sha256Hex } from "../../core/hash.js";
import { parseStrictJson } from "../../core/canonical-json.js";
import { leafHash } from "../../log/merkle/hash.js";
import { LogError } from "../../log/errors.js";
import { ServerError } from "../errors.js";
import type { LogView } from "../log-view.js";
import { DecimalString, EnvelopeSchema, withErrors } from "../schemas.js";

const InclusionQuery = Type.Object(
  { index: DecimalString, size: DecimalString },
  { additionalProperties: false },
);
const ConsistencyQuery = Type.Object(
  { from: DecimalString, to: DecimalString },
  { additionalProperties: false },
);
const EntryParams = Type.Object({ index: DecimalString });

const InclusionResponse = Type.Object({
  index: Type.Integer(),
  tree_size: Type.Integer(),
  inclusion_proof: Type.Array(Type.String()),
});
const ConsistencyResponse = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  consistency_proof: Type.Array(Type.String()),
});
const EntryResponse = Type.Object({
  index: Type.Integer(),
  /** base64 of the leaf bytes: the record's canonical payload. */
  leaf: Type.String(),
  leaf_hash: Type.String(),
  payload_sha256: Type.String(),
  envelope: Type.Union([EnvelopeSchema, Type.Null()]),
});

/** The empty proof, once the log confirms that `to` is within the tree. */
async function emptyProof(log: LogView, to: number): Promise<Uint8Array[]> {
  const { size } = await log.latestCheckpoint();
  if (to > size)
    throw new LogError("LOG_SIZE_BEYOND_TREE", `tree size ${to} is beyond the log (size ${size})`);
  return [];
}

function envelopeOf(extra: Uint8Array | null): unknown {
  if (extra === null || extra.length === 0) return null;
  return parseStrictJson(fromUtf8(extra));
}

export async function logRoutes(app: FastifyInstance, deps: { log: LogView }): Promise<void> {
  const { log } = deps;

  app.get(
    "/api/log/checkpoint",
    { schema: { response: withErrors({ 200: Type.String() }) } },
    async (_request, reply) => {
      const cp = await log.latestCheckpoint();
      return reply.type("text/plain; charset=utf-8").header("cache-control", "no-store").send(cp.note);
    },
  );

  app.get<{ Querystring: Static<typeof InclusionQuery> }>(
    "/api/log/proof/inclusion",
    { schema: { querystring: InclusionQuery, response: withErrors({ 200: InclusionResponse }) } },
    async (request) => {
      const index = Number(request.query.index);
      const size = Number(request.query.size);
      // The log refuses sizes beyond its tree (LOG_SIZE_BEYOND_TREE) and index ≥ size
      // (LOG_PROOF_INDEX_OUT_OF_RANGE): both 400.
      const proof = await log.inclusionProof(index, size);
      return { index, tree_size: size, inclusion_proof: proof.map(toBase64) };
    },
  );

  app.get<{ Querystring: Static<typeof ConsistencyQuery> }>(
    "/api/log/proof/consistency",
    { schema: { querystring: ConsistencyQuery, response: withErrors({ 200: ConsistencyResponse }) } },
    async (request) => {
      const from = Number(request.query.from);
      const to = Number(request.query.to);
      // RFC 9162: the proof between equal sizes, or from the empty tree, is empty.
      const proof =
        from === 0 || from === to ? await emptyProof(log, to) : await log.consistencyProof(from, to);
      return { from, to, consistency_proof: proof.map(toBase64) };
    },
  );

  app.get<{ Params: Static<typeof EntryParams> }>(
    "/api/log/entries/:index",
    { schema: { params: EntryParams, response: withErrors({ 200: EntryResponse }) } },
    async (request) => {
      const index = Number(request.params.index);
      const { size: current } = await log.latestCheckpoint();
      if (index >= current) {
        throw new ServerError(
          "SERVER_LOG_ENTRY_NOT_FOUND",
          `no entry ${index}: the log has ${current} entries`,
        );
      }
      const { leaf, extra } = await log.entry(index);
      return {
        index,
        leaf: toBase64(leaf),
        leaf_hash: toBase64(leafHash(leaf)),
        payload_sha256: sha256Hex(leaf),
        envelope: envelopeOf(extra),
      };
    },
  );
}
