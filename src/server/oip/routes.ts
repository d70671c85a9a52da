/**
 * Open Inference Protocol V2 REST (the KServe / Triton protocol): health, server and model
 * metadata, and inference with typed tensors. Errors on these routes are the protocol's
 * {"error": "..."} object (with our `code` alongside). Every inference is audited like any
 * other: the response's `parameters` carry the receipt and the record.
 *
 * Protocol parameters are name → string | number | boolean, so structured evidence travels
 * as JSON text: `zeq_receipt` and `zeq_record` are JSON strings a client parses (an OIP
 * client that knows nothing of them keeps working).
 */
import type { FastifyInstance } from "fastify";
import type { Static } from "@sinclair/typebox";
import { canonicalize } from "../../core/canonical-json.js";
import { normalizeOperators } from "../../execute/operators.js";
import type { ModelSummary } from "../../execute/types.js";
import { type ApiKeyRing, requireRole } from "../auth.js";
import { findModel, versionsOf } from "../model-lookup.js";
import { runAdmitted, type RunContext } from "../run.js";
import { ModelParams, ModelVersionParams, withOipErrors } from "../schemas.js";
import { outputTensor, tensorMetadata } from "./datatypes.js";
import {
  OipInferRequest,
  OipInferResponse,
  OipLive,
  OipModelMetadata,
  OipModelReady,
  OipReady,
  OipServerMetadata,
} from "./schemas.js";
import { checkInputs, requestedOutputs } from "./signature.js";
import { decodeOipInputs } from "./tensors.js";
import { acceptUntypedJson } from "../json-body.js";

/** The platform of every model we serve. */
export const OIP_PLATFORM = "onnxruntime_onnx";

/** Extensions this server defines: audited inference (receipt and record in the response parameters). */
export const OIP_EXTENSIONS = ["zeq_audit"];

export interface OipDeps {
  ring: ApiKeyRing;
  run: RunContext;
  server: { name: string; version: string };
  bodyBytes: number;
  jsonDepth: number;
}

type NameParams = Static<typeof ModelParams>;
type NameVersionParams = Static<typeof ModelVersionParams>;
type InferBody = Static<typeof OipInferRequest>;

function metadata(deps: OipDeps, m: ModelSummary): Static<typeof OipModelMetadata> {
  return {
    name: m.name,
    versions: versionsOf(deps.run.executor, m.name),
    platform: OIP_PLATFORM,
    inputs: m.inputs.map(tensorMetadata),
    outputs: m.outputs.map(tensorMetadata),
  };
}

/** `parameters.zeq_operators`: "KO42,CS43" (protocol parameters cannot be lists). */
function operatorsOf(parameters: InferBody["parameters"]): unknown {
  const value = parameters?.zeq_operators;
  if (value === undefined) return undefined;
  return typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
}

async function infer(deps: OipDeps, summary: ModelSummary, body: InferBody, requestId: string) {
  const operators = normalizeOperators(operatorsOf(body.parameters));
  const tensors = decodeOipInputs(body.inputs, "inputs");
  checkInputs(summary.inputs, tensors);
  const wanted = requestedOutputs(summary.outputs, body.outputs);
  const result = await runAdmitted(deps.run, {
    model: summary.name,
    version: summary.version,
    operators,
    inputs: [{ kind: "tensors", tensors }],
    batched: false,
    requestId,
  });
  const el = result.elements[0];
  if (el === undefined) throw new Error("executor returned no element");
  if (!el.ok) throw el.error;
  const byName = new Map(el.outputs.map((o) => [o.name, o]));
  const first = el.records[0];
  if (first === undefined) throw new Error("executor returned an element without records");
  const r = first.record;
  return {
    model_name: result.model.name,
    model_version: result.model.version,
    id: requestId,
    parameters: {
      zeq_receipt: canonicalize(first.receipt),
      zeq_record: canonicalize(r),
      zeq_log_index: first.receipt.log.index,
      zeq_input_sha256: r.input_sha256,
      zeq_weight_checkpoint_sha256: result.model.weightCheckpointSha256,
      zeq_zeqond: r.zeqond,
      zeq_zeqond_index: r.zeqond_index,
      zeq_phase_at_inference: r.phase_at_inference,
      zeq_latency_ms: el.latencyMs,
      zeq_operators: operators.join(","),
    },
    outputs: wanted.flatMap((name) => {
      const t = byName.get(name);
      return t === undefined ? [] : [outputTensor(t)];
    }),
  };
}

export async function oipRoutes(app: FastifyInstance, deps: OipDeps): Promise<void> {
  acceptUntypedJson(app, deps.jsonDepth);
  const ex = deps.run.executor;
  const oip = { oip: true };

  app.get(
    "/v2",
    { schema: { response: withOipErrors({ 200: OipServerMetadata }) }, config: oip },
    async () => ({
      name: deps.server.name,
      version: deps.server.version,
      extensions: OIP_EXTENSIONS,
    }),
  );
  app.get(
    "/v2/health/live",
    { schema: { response: withOipErrors({ 200: OipLive }) }, config: { ...oip, rateLimit: false } },
    async () => ({ live: true }),
  );
  app.get(
    "/v2/health/ready",
    {
      schema: { response: withOipErrors({ 200: OipReady, 503: OipReady }) },
      config: { ...oip, rateLimit: false },
    },
    async (_request, reply) => {
      const ready = !deps.run.closing() && ex.models().length > 0;
      return reply.code(ready ? 200 : 503).send({ ready });
    },
  );

  for (const prefix of ["/v2/models/:name", "/v2/models/:name/versions/:version"]) {
    const params = prefix.includes(":version") ? ModelVersionParams : ModelParams;
    app.get<{ Params: NameVersionParams | NameParams }>(
      prefix,
      { schema: { params, response: withOipErrors({ 200: OipModelMetadata }) }, config: oip },
      async (request) => {
        const p = request.params as Partial<NameVersionParams> & NameParams;
        return metadata(deps, findModel(ex, p.name, p.version));
      },
    );
    app.get<{ Params: NameVersionParams | NameParams }>(
      `${prefix}/ready`,
      {
        schema: { params, response: withOipErrors({ 200: OipModelReady }) },
        config: { ...oip, rateLimit: false },
      },
      async (request) => {
        const p = request.params as Partial<NameVersionParams> & NameParams;
        const m = findModel(ex, p.name, p.version);
        return { name: m.name, ready: !deps.run.closing() };
      },
    );
    app.post<{ Params: NameVersionParams | NameParams; Body: InferBody }>(
      `${prefix}/infer`,
      {
        schema: { params, body: OipInferRequest, response: withOipErrors({ 200: OipInferResponse }) },
        bodyLimit: deps.bodyBytes,
        onRequest: requireRole(deps.ring, "inference"),
        config: oip,
      },
      async (request) => {
        const p = request.params as Partial<NameVersionParams> & NameParams;
        const summary = findModel(ex, p.name, p.version);
        return infer(deps, summary, request.body, request.body.id ?? request.id);
      },
    );
  }
}
