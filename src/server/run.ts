/**
 * The one path from a request to the executor, shared by the playground and the Open
 * Inference Protocol routes: refuse when closing, ask admission control first (a fast 503
 * with Retry-After before any work starts), execute, and count what happened.
 */
import type { ExecuteRequest, ExecuteResult, Executor } from "../execute/types.js";
import { resolveError } from "./error-reply.js";
import { ServerError } from "./errors.js";
import type { ServerMetrics } from "./metrics.js";

export interface RunContext {
  executor: Executor;
  metrics: ServerMetrics;
  /** True once the server has begun to close: no new work is admitted. */
  closing(): boolean;
}

/**
 * Admits and executes a request.
 * @throws {ServerError} SERVER_CLOSING; whatever admit() throws (INFER_OVERLOADED with
 *   retryAfterMs, budget refusals) and execute()'s whole-request errors
 */
export async function runAdmitted(ctx: RunContext, request: ExecuteRequest): Promise<ExecuteResult> {
  if (ctx.closing())
    throw new ServerError("SERVER_CLOSING", "the server is shutting down", { retryAfterSeconds: 5 });
  ctx.executor.admit(request);
  const result = await ctx.executor.execute(request);
  for (const el of result.elements) {
    if (el.ok) {
      ctx.metrics.records.inc({ model: result.model.name }, el.records.length);
      ctx.metrics.inference.observe({ model: result.model.name }, el.latencyMs / 1000);
    } else if (request.batched) {
      // An unbatched failure is thrown by the route and counted by the error handler.
      ctx.metrics.rejections.inc({ code: resolveError(el.error).code });
    }
  }
  return result;
}
