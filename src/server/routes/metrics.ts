/** GET /metrics: Prometheus text exposition of this server's registry. */
import type { FastifyInstance } from "fastify";
import { Type } from "@sinclair/typebox";
import type { ServerMetrics } from "../metrics.js";
import { withErrors } from "../schemas.js";

export async function metricsRoute(app: FastifyInstance, deps: { metrics: ServerMetrics }): Promise<void> {
  app.get(
    "/metrics",
    { schema: { response: withErrors({ 200: Type.String() }) }, config: { rateLimit: false } },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
}
