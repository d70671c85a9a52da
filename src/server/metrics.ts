/**
 * Prometheus metrics of one app, in a registry of its own (two apps in one process, as in
 * tests, do not mix their counts). Labels are route patterns and error codes, never raw
 * URLs, keys or payloads, so a caller cannot inflate the label space or leak into it.
 */
import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Request latency buckets in seconds: fine below the usual CS43 budgets (tens of ms), coarse above. */
export const DEFAULT_LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export interface MetricsSources {
  queue(): { queueDepth: number; inFlight: number };
  /** Current number of leaves in the log (read when metrics are scraped). */
  logSize(): Promise<number>;
}

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status_code">;
  duration: Histogram<"method" | "route">;
  inference: Histogram<"model">;
  rejections: Counter<"code">;
  records: Counter<"model">;
}

/**
 * Creates the registry and its metrics.
 * @param processMetrics also export Node process metrics (event loop lag, heap, GC)
 */
export function createMetrics(
  sources: MetricsSources,
  options: { bucketsSeconds?: number[]; processMetrics?: boolean } = {},
): ServerMetrics {
  const registry = new Registry();
  const buckets = options.bucketsSeconds ?? DEFAULT_LATENCY_BUCKETS_SECONDS;
  const requests = new Counter({
    name: "zeq_http_requests_total",
    help: "HTTP requests answered, by route pattern and status",
    labelNames: ["method", "route", "status_code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "zeq_http_request_duration_seconds",
    help: "Time from request to response, by route pattern",
    labelNames: ["method", "route"] as const,
    buckets,
    registers: [registry],
  });
  const inference = new Histogram({
    name: "zeq_inference_latency_seconds",
    help: "Latency of one audited inference element (admission to committed record), by model",
    labelNames: ["model"] as const,
    buckets,
    registers: [registry],
  });
  const rejections = new Counter({
    name: "zeq_rejections_total",
    help: "Error answers (whole requests and batch elements), by error code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const records = new Counter({
    name: "zeq_records_committed_total",
    help: "Compute records signed and appended to the log through this server, by model",
    labelNames: ["model"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "zeq_queue_depth",
    help: "Inference calls waiting for a worker",
    registers: [registry],
    collect() {
      this.set(sources.queue().queueDepth);
    },
  });
  new Gauge({
    name: "zeq_in_flight",
    help: "Inference calls running on a worker",
    registers: [registry],
    collect() {
      this.set(sources.queue().inFlight);
    },
  });
  new Gauge({
    name: "zeq_log_size",
    help: "Leaves in the transparency log",
    registers: [registry],
    async collect() {
      this.set(await sources.logSize());
    },
  });
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: "zeq_" });
  return { registry, requests, duration, inference, rejections, records };
}

declare module "fastify" {
  interface FastifyRequest {
    startedAt: bigint;
  }
}

/** Counts and times every answered request; the route label is the pattern, or "unmatched". */
export function instrument(app: FastifyInstance, metrics: ServerMetrics): void {
  app.decorateRequest("startedAt", 0n);
  app.addHook("onRequest", async (request) => {
    request.startedAt = process.hrtime.bigint();
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    const method = request.method;
    metrics.requests.inc({ method, route, status_code: String(reply.statusCode) });
    const seconds = Number(process.hrtime.bigint() - request.startedAt) / 1e9;
    metrics.duration.observe({ method, route }, seconds);
  });
}
