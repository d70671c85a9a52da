/**
 * Committing a record: canonical bytes → DSSE envelope → durable log append → receipt.
 * The receipt is built only from what the log acknowledged after its transaction was
 * durable; a failed append rejects and nothing is acknowledged.
 */
import { utf8 } from "../core/bytes.js";
import { sha256Hex } from "../core/hash.js";
import type { Signer } from "../keys/index.js";
import type { TransparencyLog } from "../log/transparency-log.js";
import { signEnvelope } from "../record/dsse.js";
import { encodeComputeRecord } from "../record/encode.js";
import { buildReceipt } from "../record/receipt.js";
import { COMPUTE_RECORD_PAYLOAD_TYPE, type ComputeRecord } from "../record/schema.js";
import type { CommittedRecord } from "./types.js";

export interface Committer {
  commit(record: ComputeRecord): Promise<CommittedRecord & { payloadSha256: string; payload: Uint8Array }>;
}

export function createCommitter(log: TransparencyLog, signer: Signer, origin: string): Committer {
  return {
    async commit(record) {
      const payload = encodeComputeRecord(record);
      const envelope = signEnvelope(COMPUTE_RECORD_PAYLOAD_TYPE, payload, signer);
      const appended = await log.append({ leaf: payload, extra: utf8(JSON.stringify(envelope)) });
      const receipt = buildReceipt({
        envelope,
        origin,
        index: appended.index,
        treeSize: appended.treeSize,
        checkpoint: appended.checkpoint,
        inclusionProof: appended.inclusionProof,
      });
      return { record, envelope, receipt, payload, payloadSha256: sha256Hex(payload) };
    },
  };
}
