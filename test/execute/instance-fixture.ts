/** A real instance (signing key, SQLite log, worker pool) over the tiny fixture models, in a temp dir. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openInstance, type Instance, type InstanceOptions } from "../../src/instance/open.js";

export const FIXTURE_MODELS = join(import.meta.dirname, "..", "fixtures", "models");

export async function openTestInstance(overrides: Partial<InstanceOptions> = {}): Promise<Instance> {
  return openInstance({
    dataDir: mkdtempSync(join(tmpdir(), "zeq-test-")),
    modelRoots: [FIXTURE_MODELS],
    create: true,
    keyName: "test.example/zeq-np",
    engine: { workers: 1 },
    ...overrides,
  });
}
