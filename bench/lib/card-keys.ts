/**
 * What the benchmark's own instances need to serve ./models as `npm start` does: the cards
 * in ./models are signed by the instance that compiled them (the first `npm start`, data in
 * ZEQ_DATA or ./data), and an instance serves a model only when its card verifies against a
 * key it trusts. A model refused for any reason stops the benchmark with the reason.
 */
import { join } from "node:path";
import { loadSigner, type InstanceOptions } from "../../src/instance/open.js";

const REPO = join(import.meta.dirname, "..", "..");

/** The card signer's verifier key, when the compiling instance's data directory is here. */
function cardSignerKeys(): string[] {
  const dataDir = process.env.ZEQ_DATA ?? join(REPO, "data");
  try {
    return [loadSigner({ dataDir }).verifierKey];
  } catch {
    return [];
  }
}

/** Options every benchmark instance opens with. */
export function benchInstanceOptions(): Pick<InstanceOptions, "trustedCardKeys" | "onRefusedModel"> {
  return {
    trustedCardKeys: cardSignerKeys(),
    onRefusedModel: (r) => {
      throw new Error(
        `the benchmark cannot serve ${r.name}/${r.version}: ${r.message} [${r.code}]. Its card must be ` +
          "signed by the instance in ZEQ_DATA (default ./data) — the one whose `npm start` compiled ./models.",
      );
    },
  };
}
