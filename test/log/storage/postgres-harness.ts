/**
 * PostgreSQL for the tests: the server's URL (ZEQ_TEST_PG_URL, default the local trust
 * setup this machine and CI start), whether it answers, an admin pool, and stores in
 * fresh schemas that destroy() drops.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStorage, type PostgresStorageOptions } from "../../../src/log/storage/postgres.js";
import { describeTarget } from "../../../src/log/storage/postgres-schema.js";
import type { LogStorage } from "../../../src/log/storage/contract.js";
import type { StorageHarness } from "./conformance.js";

export const PG_URL = process.env.ZEQ_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/test";

/** Why the PostgreSQL tests cannot run here, or undefined when the server answers. */
export async function unavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return (
      `PostgreSQL is not reachable at ${describeTarget(PG_URL)} (${why}); ` +
      `start it or point ZEQ_TEST_PG_URL at one`
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function skipLoudly(t: { diagnostic(m: string): void; skip(m: string): void }, why: string): void {
  t.diagnostic(`SKIPPED: ${why}`);
  console.warn(`SKIPPED: ${why}`);
  t.skip(why);
}

let adminPool: pg.Pool | null = null;

/** A pool for the tests' own statements (setup, tampering, cleanup). */
export function admin(): pg.Pool {
  if (adminPool === null) {
    adminPool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    adminPool.on("error", () => undefined);
  }
  return adminPool;
}

export async function endAdmin(): Promise<void> {
  await adminPool?.end();
  adminPool = null;
}

export const freshSchema = (): string => `zeq_test_${randomBytes(6).toString("hex")}`;

export async function dropSchema(schema: string): Promise<void> {
  await admin().query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export interface PgHarness extends StorageHarness {
  readonly schema: string;
  open(options?: Partial<PostgresStorageOptions>): Promise<LogStorage>;
}

/** A harness on a fresh schema; `defaults` apply to every open(). */
export function pgHarness(defaults: Partial<PostgresStorageOptions> = {}): PgHarness {
  const schema = freshSchema();
  return {
    schema,
    open: (options = {}) =>
      openPostgresStorage({ connectionString: PG_URL, schema, ...defaults, ...options }),
    async setSchemaVersion(version) {
      await admin().query(`UPDATE "${schema}".log_meta SET value = $1 WHERE key = 'schema_version'`, [
        String(version),
      ]);
    },
    destroy: () => dropSchema(schema),
  };
}
