/**
 * Public reads that need no key: the verifier keys an auditor trusts, the models served
 * (with their weight hashes and verified precision), and each model's signed card.
 */
import type { FastifyInstance } from "fastify";
import { Type, type Static } from "@sinclair/typebox";
import type { Executor, ModelSummary, TensorSignature } from "../../execute/types.js";
import type { Signer } from "../../keys/signer.js";
import { ServerError } from "../errors.js";
import { findModel } from "../model-lookup.js";
import { EnvelopeSchema, ModelParams, NullableNumber, Sha256Hex, withErrors } from "../schemas.js";

const KeysResponse = Type.Object({
  signing_key: Type.Object({ key_id: Type.String(), verifier_key: Type.String() }),
  verifier_keys: Type.Array(Type.String()),
});

const Tensor = Type.Object({
  name: Type.String(),
  dtype: Type.String(),
  shape: Type.Array(Type.Union([Type.Integer(), Type.String()])),
});

const ModelResponse = Type.Object({
  name: Type.String(),
  version: Type.String(),
  task: Type.String(),
  inputs: Type.Array(Tensor),
  outputs: Type.Array(Tensor),
  weight_checkpoint_sha256: Sha256Hex,
  precision: Type.Union([
    Type.Object({ logits_max_delta_vs_torch: NullableNumber, error_pct_logits: NullableNumber }),
    Type.Null(),
  ]),
  budgets: Type.Object({
    latency_ms: Type.Union([Type.String(), Type.Null()]),
    memory_bytes: Type.Union([Type.String(), Type.Null()]),
  }),
});

const ModelsResponse = Type.Object({ models: Type.Array(ModelResponse) });
const VersionQuery = Type.Object(
  { version: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })) },
  { additionalProperties: false },
);

function tensor(t: TensorSignature): Static<typeof Tensor> {
  return { name: t.name, dtype: t.dtype, shape: [...t.shape] };
}

export function modelView(m: ModelSummary): Static<typeof ModelResponse> {
  return {
    name: m.name,
    version: m.version,
    task: m.task,
    inputs: m.inputs.map(tensor),
    outputs: m.outputs.map(tensor),
    weight_checkpoint_sha256: m.weightCheckpointSha256,
    precision:
      m.precision === null
        ? null
        : {
            logits_max_delta_vs_torch: m.precision.logitsMaxDeltaVsTorch,
            error_pct_logits: m.precision.errorPctLogits,
          },
    budgets: { latency_ms: m.budgets.latencyMs, memory_bytes: m.budgets.memoryBytes },
  };
}

export interface PublicDeps {
  executor: Executor;
  signer: Signer;
  verifierKeys: readonly string[];
}

export async function publicRoutes(app: FastifyInstance, deps: PublicDeps): Promise<void> {
  const verifierKeys = [...new Set([deps.signer.verifierKey, ...deps.verifierKeys])];

  app.get("/api/keys", { schema: { response: withErrors({ 200: KeysResponse }) } }, async () => ({
    signing_key: { key_id: deps.signer.keyId, verifier_key: deps.signer.verifierKey },
    verifier_keys: verifierKeys,
  }));

  app.get("/api/models", { schema: { response: withErrors({ 200: ModelsResponse }) } }, async () => ({
    models: deps.executor.models().map(modelView),
  }));

  app.get<{ Params: Static<typeof ModelParams>; Querystring: Static<typeof VersionQuery> }>(
    "/api/models/:name",
    {
      schema: {
        params: ModelParams,
        querystring: VersionQuery,
        response: withErrors({ 200: ModelResponse }),
      },
    },
    async (request) => modelView(findModel(deps.executor, request.params.name, request.query.version)),
  );

  app.get<{ Params: Static<typeof ModelParams>; Querystring: Static<typeof VersionQuery> }>(
    "/api/models/:name/card",
    {
      schema: {
        params: ModelParams,
        querystring: VersionQuery,
        response: withErrors({ 200: EnvelopeSchema }),
      },
    },
    async (request) => {
      const m = findModel(deps.executor, request.params.name, request.query.version);
      const card = deps.executor.modelCard(m.name, m.version);
      if (card === null) {
        throw new ServerError(
          "SERVER_MODEL_CARD_NOT_FOUND",
          `model ${m.name} version ${m.version} has no signed model card: it has not been compiled (zeq-np compile)`,
        );
      }
      return card;
    },
  );
}
