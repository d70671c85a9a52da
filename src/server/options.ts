/**
 * What buildApp takes, and the limits that harden the server, with their defaults. Every
 * limit is a number an operator can change; docs/api.md lists them.
 */
import type { FastifyLoggerOptions, PinoLoggerOptions } from "fastify/types/logger.js";

/** Fastify's logger options (pino options, plus a `stream`). */
export type ServerLoggerOptions = FastifyLoggerOptions & PinoLoggerOptions;
import type { Executor } from "../execute/types.js";
import type { Signer } from "../keys/signer.js";
import type { Role } from "./auth.js";
import type { LogView } from "./log-view.js";

export interface ServerLimits {
  /** Largest body of an inference route (playground, OIP infer), in bytes. */
  bodyBytes: number;
  /** Largest body of any other route (admin), in bytes. */
  smallBodyBytes: number;
  /** Deepest JSON nesting of a body (arrays and objects). */
  jsonDepth: number;
  /** Most elements in `inputs.batch`. */
  batchSize: number;
  /** Largest `max_tokens` of a generation. */
  maxTokens: number;
  /** Idle socket timeout (fastify connectionTimeout); a socket waiting for a long inference is idle, so keep it above the longest CS43 budget. */
  connectionTimeoutMs: number;
  /** Time to receive a whole request, headers and body (Node's requestTimeout): slow clients are cut off. */
  requestTimeoutMs: number;
  /** Time to receive the request headers (Node's headersTimeout; at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /**
   * How long an idle keep-alive connection stays open. Longer than the idle time after which
   * browsers and proxies still reuse a connection (fastify's default, 72 s), so the server does
   * not close a socket just as a client sends a request on it: a POST lost that way is not
   * retried, and its caller sees a network error.
   */
  keepAliveTimeoutMs: number;
  /** Requests per minute: per inference key, per admin key, and per client address for public reads. */
  ratePerMinute: { inference: number; admin: number; public: number };
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  bodyBytes: 8 * 1024 * 1024,
  smallBodyBytes: 64 * 1024,
  jsonDepth: 32,
  batchSize: 64,
  maxTokens: 256,
  connectionTimeoutMs: 300_000,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  ratePerMinute: Object.freeze({ inference: 600, admin: 120, public: 1200 }),
});

/** Told when an admin issues or revokes an API key, so the instance can persist it. */
export type ApiKeyEvent =
  { action: "issued"; role: Role; keyId: string; key: string } | { action: "revoked"; keyId: string };

export interface BuildAppOptions {
  executor: Executor;
  log: LogView;
  signer: Signer;
  /** Published verifier keys (note vkey form): the current one first, then retired ones still trusted. */
  verifierKeys: string[];
  auth: { apiKeys: string[]; adminKeys: string[] };
  limits?: Partial<Omit<ServerLimits, "ratePerMinute">> & {
    ratePerMinute?: Partial<ServerLimits["ratePerMinute"]>;
  };
  /** Pino options for fastify's logger, or false for none. Authorization headers are always redacted. */
  logger?: ServerLoggerOptions | boolean;
  metrics?: { processMetrics?: boolean; bucketsSeconds?: number[] };
  /** Server name and version for GET /v2. */
  server?: { name?: string; version?: string };
  onApiKeyEvent?: (event: ApiKeyEvent) => void | Promise<void>;
  /** Where the live page's files are (docs/web.md); default the package's web/; false: no page. */
  web?: { root: string } | false;
}

/**
 * The defaults overlaid with `given`; headersTimeoutMs is capped at requestTimeoutMs.
 * @throws {RangeError} naming the first limit that is not a positive integer
 */
export function resolveLimits(given: BuildAppOptions["limits"] = {}): ServerLimits {
  const limits: ServerLimits = {
    ...DEFAULT_LIMITS,
    ...given,
    ratePerMinute: { ...DEFAULT_LIMITS.ratePerMinute, ...given.ratePerMinute },
  };
  for (const [k, v] of Object.entries(limits)) {
    if (k !== "ratePerMinute" && (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0)) {
      throw new RangeError(`limits.${k} must be a positive integer`);
    }
  }
  for (const [k, v] of Object.entries(limits.ratePerMinute)) {
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new RangeError(`limits.ratePerMinute.${k} must be a positive integer`);
  }
  limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return limits;
}
