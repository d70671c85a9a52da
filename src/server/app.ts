/**
 * buildApp: the whole HTTP API as a fastify instance, separate from listen() (tests use
 * inject() or listen on an ephemeral port). The order of hooks is the order of defence:
 *
 *   onRequest:  timing → declared size (413 before any byte of the body is read)
 *               → key and role (401/403) → per-key rate limit (429)
 *   parsing:    strict JSON (duplicate keys, depth, UTF-8) within the route's bodyLimit
 *   validation: the route's TypeBox schema, no coercion, unknown fields refused
 *   handler:    admission control (503 + Retry-After) before any work, then execute
 *
 * Every error leaves through one handler that maps its code to a status (errors.ts).
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import rateLimit from "@fastify/rate-limit";
import { ApiKeyRing } from "./auth.js";
import { errorBody, oipErrorBody, resolveError } from "./error-reply.js";
import { ServerError } from "./errors.js";
import { refuseLargeBodies, useStrictJsonBodies } from "./json-body.js";
import { compileSerializer } from "./serialization-schema.js";
import { createMetrics, instrument, type ServerMetrics } from "./metrics.js";
import {
  resolveLimits,
  type BuildAppOptions,
  type ServerLimits,
  type ServerLoggerOptions,
} from "./options.js";
import { adminRoutes } from "./routes/admin.js";
import { logRoutes } from "./routes/log.js";
import { metricsRoute } from "./routes/metrics.js";
import { publicRoutes } from "./routes/public.js";
import { defaultWebRoot, webRoutes } from "./routes/web.js";
import { oipRoutes } from "./oip/routes.js";
import { playgroundRoutes } from "./playground/route.js";
import type { RunContext } from "./run.js";
import { serverVersion } from "./version.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Errors on this route use the Open Inference Protocol body {"error": "..."}. */
    oip?: boolean;
  }
  interface FastifyInstance {
    /** Marks the server as closing: new work gets 503, readiness turns false. */
    zeqBeginClose(): void;
    zeqMetrics: ServerMetrics;
  }
}

/** Headers that carry credentials: redacted wherever a request is logged. */
const REDACT = ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-api-key"]'];

function loggerOption(logger: BuildAppOptions["logger"]): false | ServerLoggerOptions {
  if (logger === undefined || logger === false) return false;
  if (logger === true) return { redact: REDACT };
  const extra = Array.isArray(logger.redact) ? logger.redact : [];
  return { ...logger, redact: [...REDACT, ...extra] };
}

function isOip(request: FastifyRequest): boolean {
  return request.routeOptions.config?.oip === true || request.url === "/v2" || request.url.startsWith("/v2/");
}

function replyWithError(
  metrics: ServerMetrics,
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const resolved = resolveError(err);
  if (resolved.unexpected) request.log.error({ err }, "request failed");
  else request.log.info({ code: resolved.code, statusCode: resolved.status }, "request refused");
  metrics.rejections.inc({ code: resolved.code });
  if (resolved.retryAfterSeconds !== undefined)
    reply.header("retry-after", String(resolved.retryAfterSeconds));
  reply.code(resolved.status);
  return reply.send(isOip(request) ? oipErrorBody(resolved) : errorBody(resolved));
}

/**
 * Builds the app (not listening).
 * @throws {RangeError} when a limit is not a positive integer or an API key is too short
 */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const limits: ServerLimits = resolveLimits(opts.limits);
  const ring = new ApiKeyRing(opts.auth);
  let closing = false;
  const metrics = createMetrics(
    {
      queue: () => opts.executor.stats(),
      logSize: async () => (await opts.log.latestCheckpoint()).size,
    },
    opts.metrics,
  );

  const app = Fastify({
    logger: loggerOption(opts.logger),
    bodyLimit: limits.smallBodyBytes,
    connectionTimeout: limits.connectionTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks header and request timeouts on an interval (30 s by default): check often
    // enough that a slow client is cut off close to its deadline.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    routerOptions: { maxParamLength: 200 },
    // While draining, requests still reach the routes: inference answers SERVER_CLOSING (503,
    // Retry-After, our body), reads are served until the backend closes.
    return503OnClosing: false,
    forceCloseConnections: "idle",
    genReqId: () => randomUUID(),
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
    frameworkErrors: (err, request, reply) => {
      replyWithError(metrics, err, request, reply);
    },
  });
  app.setSerializerCompiler(compileSerializer);
  app.decorate("zeqMetrics", metrics);
  app.decorate("zeqBeginClose", () => {
    closing = true;
  });
  app.decorateRequest("principal", null);

  useStrictJsonBodies(app, limits.jsonDepth);
  instrument(app, metrics);
  app.addHook(
    "onRequest",
    refuseLargeBodies((request) => request.routeOptions.bodyLimit ?? limits.smallBodyBytes),
  );
  app.setErrorHandler((err, request, reply) => replyWithError(metrics, err, request, reply));
  app.setNotFoundHandler((request) => {
    throw new ServerError(
      "SERVER_ROUTE_NOT_FOUND",
      `no route ${request.method} ${request.url.split("?")[0]}`,
    );
  });

  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => {
      const role = request.principal?.role;
      return role === "admin"
        ? limits.ratePerMinute.admin
        : role === "inference"
          ? limits.ratePerMinute.inference
          : limits.ratePerMinute.public;
    },
    keyGenerator: (request) =>
      request.principal === null ? `ip:${request.ip}` : `key:${request.principal.keyId}`,
    errorResponseBuilder: (_request, ctx) =>
      new ServerError(
        "SERVER_RATE_LIMITED",
        `rate limit exceeded: ${ctx.max} requests per minute; retry in ${ctx.after}`,
        {
          retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)),
        },
      ),
  });

  const run: RunContext = { executor: opts.executor, metrics, closing: () => closing };
  const server = { name: opts.server?.name ?? "zeq-np", version: opts.server?.version ?? serverVersion() };
  await app.register(playgroundRoutes, {
    ring,
    run,
    limits: { bodyBytes: limits.bodyBytes, maxBatch: limits.batchSize, maxTokens: limits.maxTokens },
  });
  await app.register(oipRoutes, {
    ring,
    run,
    server,
    bodyBytes: limits.bodyBytes,
    jsonDepth: limits.jsonDepth,
  });
  await app.register(publicRoutes, {
    executor: opts.executor,
    signer: opts.signer,
    verifierKeys: opts.verifierKeys,
  });
  await app.register(logRoutes, { log: opts.log });
  await app.register(adminRoutes, { ring, run, log: opts.log, onApiKeyEvent: opts.onApiKeyEvent });
  await app.register(metricsRoute, { metrics });
  const webRoot = opts.web === false ? null : (opts.web?.root ?? defaultWebRoot());
  if (webRoot !== null) await app.register(webRoutes, { root: webRoot });
  return app;
}
