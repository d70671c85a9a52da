/**
 * POST /api/playground/compute — the seed's call. One input answers one result with its
 * record and receipt; `inputs.batch` answers one result per element (a failed element
 * carries its coded error, the others their receipts) plus the batch's Merkle root.
 */
import type { FastifyInstance } from "fastify";
import type { Static } from "@sinclair/typebox";
import { type ApiKeyRing, requireRole } from "../auth.js";
import { findModel } from "../model-lookup.js";
import { runAdmitted, type RunContext } from "../run.js";
import { withErrors } from "../schemas.js";
import { parsePlayground, type PlaygroundLimits } from "./request.js";
import { commonAnswer, elementAnswer, failureAnswer } from "./response.js";
import { PlaygroundBody, PlaygroundResponse } from "./schemas.js";

export interface PlaygroundDeps {
  ring: ApiKeyRing;
  run: RunContext;
  limits: PlaygroundLimits & { bodyBytes: number };
}

export async function playgroundRoutes(app: FastifyInstance, deps: PlaygroundDeps): Promise<void> {
  app.post<{ Body: Static<typeof PlaygroundBody> }>(
    "/api/playground/compute",
    {
      schema: { body: PlaygroundBody, response: withErrors({ 200: PlaygroundResponse }) },
      bodyLimit: deps.limits.bodyBytes,
      onRequest: requireRole(deps.ring, "inference"),
    },
    async (request) => {
      const body = request.body as Record<string, unknown> & Static<typeof PlaygroundBody>;
      const summary = findModel(deps.run.executor, body.inputs.model, body.inputs.version);
      const { request: exec } = parsePlayground(body, summary, body.request_id ?? request.id, deps.limits);
      const result = await runAdmitted(deps.run, exec);
      const common = commonAnswer(result, summary, exec.operators);
      if (!exec.batched) {
        const el = result.elements[0];
        if (el === undefined) throw new Error("executor returned no element");
        if (!el.ok) throw el.error;
        return { ...common, ...elementAnswer(el) };
      }
      const batch = result.batch;
      return {
        ...common,
        batch:
          batch === null
            ? undefined
            : { id: batch.id, size: batch.size, merkle_root_sha256: batch.merkleRootSha256 },
        results: result.elements.map((el) =>
          el.ok ? elementAnswer(el) : failureAnswer(el.position, el.error),
        ),
      };
    },
  );
}
