/**
 * Listening and graceful shutdown, used by `zeq-np serve`. Closing runs in this order, so
 * that every 2xx already sent stays true and nothing half-done is acknowledged:
 *
 *   1. stop admitting work (new inference gets 503 + Retry-After, readiness turns false);
 *   2. stop accepting connections and wait for in-flight requests to finish (bounded by
 *      drainTimeoutMs, after which remaining connections are cut);
 *   3. closeBackend (the instance's close: executor.close() drains queued work and commits,
 *      then the log writes its final checkpoint).
 */
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import type { BuildAppOptions } from "./options.js";

export interface StartServerOptions extends BuildAppOptions {
  port: number;
  /** Default 127.0.0.1: exposing the server is an explicit choice. */
  host?: string;
  /** Longest wait for in-flight requests on close (default 30 s). */
  drainTimeoutMs?: number;
  /**
   * Closes what serves the requests once they are drained: pass the instance's close()
   * (executor, engine, then the log's final checkpoint). Default: executor.close().
   */
  closeBackend?: () => Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. "http://127.0.0.1:8080". */
  url: string;
  port: number;
  /** Graceful close (idempotent): stop admitting, drain, then close the executor. */
  close(): Promise<void>;
}

/**
 * Builds the app and listens.
 * @throws whatever buildApp throws, and listen errors (EADDRINUSE, EACCES)
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const app = await buildApp(opts);
  const host = opts.host ?? "127.0.0.1";
  await app.listen({ port: opts.port, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : opts.port;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  let closed: Promise<void> | undefined;

  async function shutdown(): Promise<void> {
    app.zeqBeginClose();
    const timer = setTimeout(() => app.server.closeAllConnections(), drainTimeoutMs);
    timer.unref();
    try {
      await app.close();
    } finally {
      clearTimeout(timer);
      await (opts.closeBackend ?? (() => opts.executor.close()))();
    }
  }

  return {
    app,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () => (closed ??= shutdown()),
  };
}

/**
 * Closes the server gracefully on SIGTERM / SIGINT, then calls `onClosed` (e.g. to close
 * the instance's storage and exit). A second signal while closing is ignored: the drain
 * timeout bounds the wait.
 */
export function closeOnSignals(
  server: RunningServer,
  onClosed: (error: unknown) => void,
  signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"],
): () => void {
  const handler = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, "closing: draining in-flight requests");
    server.close().then(
      () => onClosed(undefined),
      (err: unknown) => onClosed(err),
    );
  };
  for (const s of signals) process.once(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
