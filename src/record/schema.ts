/**
 * Compute record v1: what one forward pass leaves behind as evidence.
 *
 * A record is a JSON object encoded with RFC 8785; its exact bytes are the DSSE payload
 * (payloadType {@link COMPUTE_RECORD_PAYLOAD_TYPE}) and the transparency-log leaf. The schema
 * is strict: unknown fields are refused, so two verifiers cannot read different meanings
 * into one record. docs/spec.md documents every field.
 */
import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { RecordError } from "./errors.js";
import { TENSOR_DTYPES } from "./tensor-digest.js";

export const COMPUTE_RECORD_SCHEMA = "zeq-np/compute-record/v1";
export const COMPUTE_RECORD_PAYLOAD_TYPE = "application/vnd.zeq-np.compute-record.v1+json";

export const OPERATORS = ["KO42", "CS43", "CS44"] as const;
export type Operator = (typeof OPERATORS)[number];

const Sha256Hex = Type.String({ pattern: "^[0-9a-f]{64}$", description: "SHA-256, lower-case hex" });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Name = Type.String({ minLength: 1, maxLength: 256 });
const Dtype = Type.Union(TENSOR_DTYPES.map((d) => Type.Literal(d)));
const Shape = Type.Array(Count, { maxItems: 16 });
const Strict = { additionalProperties: false } as const;

const TensorRef = Type.Object(
  {
    name: Name,
    dtype: Dtype,
    shape: Shape,
    /** Digest in the canonical tensor encoding (tensor-digest.ts). */
    sha256: Sha256Hex,
  },
  Strict,
);

const RawInput = Type.Object(
  {
    kind: Type.Union([
      Type.Literal("text"),
      Type.Literal("image"),
      Type.Literal("prompt"),
      Type.Literal("tensors"),
    ]),
    /** SHA-256 of the raw input bytes as received (UTF-8 text, image file bytes, ...). */
    sha256: Sha256Hex,
    bytes: Count,
  },
  Strict,
);

export const RecordInput = Type.Object(
  {
    raw: Type.Union([RawInput, Type.Null()]),
    /** The tensors fed to the model, in the order of the model's declared inputs. */
    tensors: Type.Array(TensorRef, { maxItems: 256 }),
    /** Content address (SHA-256 of the stored bytes) of the retained input, for replay. */
    retained_blob_sha256: Type.Union([Sha256Hex, Type.Null()]),
  },
  Strict,
);

const RecordOutput = Type.Object(
  {
    name: Name,
    dtype: Dtype,
    shape: Shape,
    sha256: Sha256Hex,
    /** The values themselves when small (at most 4096 elements), as JSON numbers; else null. */
    values: Type.Union([Type.Array(Type.Number(), { maxItems: 4096 }), Type.Null()]),
    /** Content address of the output bytes in the blob store, when kept. */
    blob_sha256: Type.Union([Sha256Hex, Type.Null()]),
  },
  Strict,
);

const LatencyBudget = Type.Object(
  {
    /** The CS43 budget for this input size, or null when CS43 was not applied. */
    budget_ms: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    /** Wall time of the forward pass (session.run) in the worker. */
    measured_ms: Type.Number({ minimum: 0 }),
    /** Time from admission to the end of the run, including queueing. */
    total_ms: Type.Number({ minimum: 0 }),
    held: Type.Union([Type.Boolean(), Type.Null()]),
  },
  Strict,
);

const MemoryBudget = Type.Object(
  {
    budget_bytes: Type.Union([Count, Type.Null()]),
    predicted_bytes: Type.Union([Count, Type.Null()]),
    /** Peak resident-set growth measured around the run (see docs/budgets.md). */
    peak_bytes: Type.Union([Count, Type.Null()]),
    held: Type.Union([Type.Boolean(), Type.Null()]),
  },
  Strict,
);

const Environment = Type.Object(
  {
    runtime: Type.Literal("onnxruntime-node"),
    runtime_version: Name,
    execution_provider: Name,
    graph_optimization_level: Name,
    intra_op_threads: Count,
    inter_op_threads: Count,
    cpu: Name,
    platform: Name,
    node_version: Name,
  },
  Strict,
);

export const ComputeRecordSchema = Type.Object(
  {
    schema: Type.Literal(COMPUTE_RECORD_SCHEMA),
    record_id: Type.String({ pattern: "^[0-9a-f-]{36}$" }),
    request_id: Name,
    batch: Type.Union([
      Type.Object(
        {
          id: Name,
          position: Count,
          size: Type.Integer({ minimum: 1, maximum: 100000 }),
        },
        Strict,
      ),
      Type.Null(),
    ]),
    model: Type.Object(
      {
        name: Name,
        version: Name,
        /** SHA-256 over the model's files in the documented order (docs/models.md). */
        weight_checkpoint_sha256: Sha256Hex,
        /** The file within the model that ran (model.onnx or the decoder with past). */
        file: Name,
      },
      Strict,
    ),
    /** SHA-256 of the canonical JSON of `input`: the one input hash a caller quotes. */
    input_sha256: Sha256Hex,
    input: RecordInput,
    /** Every output of the forward pass, in the model's declared order. */
    outputs: Type.Array(RecordOutput, { minItems: 1, maxItems: 256 }),
    /** KO42: HulyaPulse reading at the start of the forward pass. */
    zeqond: Type.Number({ minimum: 0 }),
    zeqond_index: Count,
    phase_at_inference: Type.Number({ minimum: 0, exclusiveMaximum: 1 }),
    operators: Type.Array(Type.Union(OPERATORS.map((o) => Type.Literal(o))), { minItems: 1, maxItems: 3 }),
    latency: LatencyBudget,
    memory: MemoryBudget,
    environment: Environment,
    /** For generation: the SHA-256 of the previous step's record payload, so steps chain. */
    previous_record_sha256: Type.Union([Sha256Hex, Type.Null()]),
    /** Key id ("name+hexkeyhash") of the key that signs this record's envelope. */
    signer: Name,
  },
  Strict,
);

export type ComputeRecord = Static<typeof ComputeRecordSchema>;

const compiled = TypeCompiler.Compile(ComputeRecordSchema);

function explain<T extends TSchema>(
  check: ReturnType<typeof TypeCompiler.Compile<T>>,
  value: unknown,
): string {
  const lines: string[] = [];
  for (const e of check.Errors(value)) {
    lines.push(`${e.path || "/"}: ${e.message}`);
    if (lines.length >= 5) break;
  }
  return lines.join("; ");
}

/**
 * Checks that `value` is a compute record v1 and returns it typed.
 * @throws {RecordError} RECORD_SCHEMA_INVALID naming the first offending fields
 */
export function validateComputeRecord(value: unknown): ComputeRecord {
  if (!compiled.Check(value)) {
    throw new RecordError("RECORD_SCHEMA_INVALID", `not a compute record v1: ${explain(compiled, value)}`);
  }
  if (!value.operators.includes("KO42")) {
    throw new RecordError("RECORD_SCHEMA_INVALID", "not a compute record v1: /operators must include KO42");
  }
  if (new Set(value.operators).size !== value.operators.length) {
    throw new RecordError("RECORD_SCHEMA_INVALID", "not a compute record v1: /operators has duplicates");
  }
  return value;
}
