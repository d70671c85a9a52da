/** Request and response schemas of POST /api/playground/compute. */
import { Type } from "@sinclair/typebox";
import {
  ErrorBodySchema,
  NullableNumber,
  PredictionSchema,
  ReceiptSchema,
  RecordSchema,
  Sha256Hex,
} from "../schemas.js";
import { ComputeRecordSchema } from "../../record/schema.js";

export const PlaygroundBody = Type.Object(
  {
    /** Checked by the executor's operator rule, whose messages list the valid names. */
    operators: Type.Optional(Type.Unknown()),
    inputs: Type.Object(
      {
        model: Type.String({ minLength: 1, maxLength: 128 }),
        version: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
        text: Type.Optional(Type.String()),
        image: Type.Optional(Type.String()),
        prompt: Type.Optional(Type.String()),
        max_tokens: Type.Optional(Type.Integer()),
        seed: Type.Optional(Type.Integer()),
        temperature: Type.Optional(Type.Number()),
        top_k: Type.Optional(Type.Integer()),
        tensors: Type.Optional(Type.Array(Type.Unknown())),
        batch: Type.Optional(Type.Array(Type.Unknown())),
      },
      { additionalProperties: false },
    ),
    request_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, pattern: "^[^\\u0000-\\u001f\\u007f]+$" }),
    ),
  },
  { additionalProperties: false },
);

const Step = Type.Object({ record: RecordSchema, receipt: ReceiptSchema });

const ElementFields = {
  latency_ms: Type.Number(),
  zeqond: Type.Number(),
  zeqond_index: Type.Integer(),
  phase_at_inference: Type.Number(),
  input_sha256: Sha256Hex,
  log_index: Type.Integer(),
  latency: ComputeRecordSchema.properties.latency,
  memory: ComputeRecordSchema.properties.memory,
  prediction: PredictionSchema,
  record: RecordSchema,
  receipt: ReceiptSchema,
  steps: Type.Optional(Type.Array(Step)),
};

/** One element of a batch: its answer, or its coded error. */
const BatchElement = Type.Object({
  position: Type.Integer(),
  ok: Type.Boolean(),
  error: Type.Optional(ErrorBodySchema),
  ...Object.fromEntries(Object.entries(ElementFields).map(([k, v]) => [k, Type.Optional(v)])),
});

export const PlaygroundResponse = Type.Object({
  request_id: Type.String(),
  model: Type.String(),
  model_version: Type.String(),
  weight_checkpoint_sha256: Sha256Hex,
  operators: Type.Array(Type.String()),
  logits_max_delta_vs_torch: NullableNumber,
  error_pct_logits: NullableNumber,
  precision_source: Type.Union([Type.Literal("signed-model-card"), Type.Literal("not-compiled")]),
  // single input
  ...Object.fromEntries(Object.entries(ElementFields).map(([k, v]) => [k, Type.Optional(v)])),
  // batch
  batch: Type.Optional(
    Type.Object({ id: Type.String(), size: Type.Integer(), merkle_root_sha256: Sha256Hex }),
  ),
  results: Type.Optional(Type.Array(BatchElement)),
});
