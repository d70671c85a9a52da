/**
 * The real server for the page's end-to-end test: an instance opened on a fresh data
 * directory with the tiny fixture models (signing key, SQLite log, inference engine,
 * executor), served by the server's own buildApp (API and page) on 127.0.0.1 with an
 * ephemeral port.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { openInstance } from "../../src/instance/open.js";
import { buildApp } from "../../src/server/app.js";
import { generateApiKey } from "../../src/server/auth.js";
import { signerFromSeed } from "../../src/keys/index.js";

export const FIXTURE_MODELS = fileURLToPath(new URL("../fixtures/models/", import.meta.url));

export interface LiveServer {
  url: string;
  apiKey: string;
  /** The log's and records' verifier key. */
  verifierKey: string;
  /** A verifier key that signed nothing on this server. */
  otherVerifierKey: string;
  close(): Promise<void>;
}

export async function startLiveServer(): Promise<LiveServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "zeq-web-data-"));
  const instance = await openInstance({
    dataDir,
    modelRoots: [FIXTURE_MODELS],
    create: true,
    keyName: "web-test.example/zeq-np",
  });
  const apiKey = generateApiKey();
  try {
    const app = await buildApp({
      executor: instance.executor,
      log: instance.log,
      signer: instance.signer,
      verifierKeys: [instance.signer.verifierKey],
      auth: { apiKeys: [apiKey], adminKeys: [generateApiKey()] },
      logger: false,
    });
    // The page is served by the server itself (src/server/routes/web.ts, default web root).
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const other = signerFromSeed("other.example/log", new Uint8Array(randomBytes(32)));
    return {
      url: `http://127.0.0.1:${port}`,
      apiKey,
      verifierKey: instance.signer.verifierKey,
      otherVerifierKey: other.verifierKey,
      async close() {
        await app.close();
        await instance.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await instance.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
