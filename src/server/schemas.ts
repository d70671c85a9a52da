/**
 * JSON Schemas (TypeBox) shared by the routes: error bodies, DSSE envelopes, receipts,
 * predictions. Response schemas double as serializers (fastify's fast-json-stringify), so a
 * field missing here is a field missing on the wire: tests compare responses against the
 * records' own signed bytes to keep these complete.
 */
import { Type, type TSchema } from "@sinclair/typebox";
import { ComputeRecordSchema } from "../record/schema.js";

export const Sha256Hex = Type.String({ pattern: "^[0-9a-f]{64}$" });
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const ErrorBodySchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});

/** Open Inference Protocol error object, with our code alongside. */
export const OipErrorSchema = Type.Object({ error: Type.String(), code: Type.String() });

/** The house error answers of a route, next to its success schemas. */
export function withErrors<T extends Record<number, TSchema>>(ok: T) {
  return { ...ok, "4xx": ErrorBodySchema, "5xx": ErrorBodySchema };
}

/** The Open Inference Protocol error answers of a route. */
export function withOipErrors<T extends Record<number, TSchema>>(ok: T) {
  return { ...ok, "4xx": OipErrorSchema, "5xx": OipErrorSchema };
}

export const EnvelopeSchema = Type.Object({
  payload: Type.String(),
  payloadType: Type.String(),
  signatures: Type.Array(Type.Object({ keyid: Type.Optional(Type.String()), sig: Type.String() })),
});

export const ReceiptSchema = Type.Object({
  envelope: EnvelopeSchema,
  log: Type.Object({
    origin: Type.String(),
    index: Type.Integer(),
    tree_size: Type.Integer(),
    checkpoint: Type.String(),
    inclusion_proof: Type.Array(Type.String()),
  }),
});

export const RecordSchema = ComputeRecordSchema;

export const PredictionSchema = Type.Union([
  Type.Object({
    kind: Type.Literal("classes"),
    top: Type.Array(
      Type.Object({
        index: Type.Integer(),
        label: Type.String(),
        logit: Type.Number(),
        probability: Type.Number(),
      }),
    ),
  }),
  Type.Object({
    kind: Type.Literal("tokens"),
    positions: Type.Array(
      Type.Object({
        position: Type.Integer(),
        token: Type.String(),
        top: Type.Array(Type.Object({ id: Type.Integer(), token: Type.String(), logit: Type.Number() })),
      }),
    ),
  }),
  Type.Object({
    kind: Type.Literal("generation"),
    text: Type.String(),
    tokenIds: Type.Array(Type.Integer()),
    steps: Type.Integer(),
  }),
  Type.Object({ kind: Type.Literal("tensors") }),
]);

/** A decimal query/path integer: digits only, so "1e3", "-0" or " 7" never coerce. */
export const DecimalString = Type.String({ pattern: "^(0|[1-9][0-9]{0,15})$" });

/** Model names and versions as path parameters; the route checks them against the repository's patterns. */
export const ModelParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) });
export const ModelVersionParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  version: Type.String({ minLength: 1, maxLength: 16 }),
});
