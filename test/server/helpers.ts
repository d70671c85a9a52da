/**
 * Server tests run against a real instance: the tiny fixture models (test/fixtures/models)
 * copied into a temporary model repository, a fresh data directory (signing key, SQLite
 * log, blob store) and the real executor, engine and log.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { openInstance, type Instance } from "../../src/instance/open.js";
import type { EngineOptions } from "../../src/inference/index.js";
import { buildApp } from "../../src/server/app.js";
import type { BuildAppOptions } from "../../src/server/options.js";

export const INFERENCE_KEY = "test-inference-key-0123456789";
export const ADMIN_KEY = "test-admin-key-0123456789abcdef";
export const BERT = "bert-base-uncased-tiny";
export const GPT2 = "gpt2-tiny";
export const RESNET = "resnet50-tiny";

const FIXTURES = new URL("../fixtures/models/", import.meta.url).pathname;

export interface Budgets {
  latency_ms?: { a: number; b: number };
  memory_bytes?: { c: number; d: number };
}

export interface TestInstance {
  instance: Instance;
  close(): Promise<void>;
}

/**
 * Opens an instance serving copies of the named fixture models; `budgets` are written into
 * their model.json as an operator would (the catalog reads them at start).
 */
export async function openTestInstance(
  options: { models?: string[]; budgets?: Budgets; engine?: EngineOptions } = {},
): Promise<TestInstance> {
  const root = mkdtempSync(join(tmpdir(), "zeq-server-test-"));
  const modelsDir = join(root, "models");
  for (const name of options.models ?? [BERT]) {
    cpSync(join(FIXTURES, name), join(modelsDir, name), { recursive: true });
    if (options.budgets !== undefined) {
      const path = join(modelsDir, name, "1", "model.json");
      const meta = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      writeFileSync(path, `${JSON.stringify({ ...meta, budgets: options.budgets }, null, 2)}\n`);
    }
  }
  const instance = await openInstance({
    dataDir: join(root, "data"),
    modelRoots: [modelsDir],
    create: true,
    keyName: "zeq-np.test/log",
    engine: { workers: 1, ...options.engine },
  });
  return {
    instance,
    async close() {
      await instance.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The app over an instance, with the test keys and no logger unless given. */
export function appFor(
  instance: Instance,
  overrides: Partial<BuildAppOptions> = {},
): Promise<FastifyInstance> {
  return buildApp({
    executor: instance.executor,
    log: instance.log,
    signer: instance.signer,
    verifierKeys: [instance.signer.verifierKey],
    auth: { apiKeys: [INFERENCE_KEY], adminKeys: [ADMIN_KEY] },
    logger: false,
    ...overrides,
  });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const jsonHeaders = (key = INFERENCE_KEY) => ({ ...bearer(key), "content-type": "application/json" });

/** Listens on 127.0.0.1:0 and returns the port. */
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP request (node:http, no keep-alive). */
export function http(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * Writes raw bytes on a socket and collects everything the server sends until it closes
 * the connection (or `endAfter` ms pass without the server closing, then we close).
 */
export function rawExchange(
  port: number,
  head: string,
  opts: { body?: Buffer; endAfter?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("connect", () => {
      socket.write(head);
      if (opts.body !== undefined) socket.write(opts.body);
    });
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // The server may reset a connection whose body it refused to read: what it sent still counts.
      if (err.code === "ECONNRESET" || err.code === "EPIPE") resolve(Buffer.concat(chunks).toString("utf8"));
      else reject(err);
    });
    if (opts.endAfter !== undefined) setTimeout(() => socket.end(), opts.endAfter).unref();
  });
}

/** The JSON body of an HTTP/1.1 response text. */
export function jsonOfRaw(raw: string): unknown {
  const at = raw.indexOf("\r\n\r\n");
  return JSON.parse(raw.slice(at + 4));
}
