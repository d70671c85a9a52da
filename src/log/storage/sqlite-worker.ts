/**
 * The SQLite writer thread: owns the write connection and runs one request at a time,
 * so the event loop of the log never waits for an insert or an fsync.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SqliteLogWriter } from "./sqlite-writer.js";
import { openWriterDatabase, type SqliteOpenOptions } from "./sqlite-schema.js";
import {
  encodeError,
  packHashes,
  unpackEntries,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStartup,
} from "./sqlite-wire.js";

const port = parentPort;
if (port === null) throw new Error("sqlite-worker.ts runs as a worker thread only");
const { path, options } = workerData as { path: string; options: SqliteOpenOptions };

let writer: SqliteLogWriter;
try {
  writer = new SqliteLogWriter(openWriterDatabase(path, options));
  port.postMessage({ op: "ready" } satisfies WorkerStartup);
} catch (err) {
  port.postMessage({ op: "failed", ...encodeError(err) } satisfies WorkerStartup);
  process.exit(0);
}

port.on("message", (req: WorkerRequest) => {
  let reply: WorkerReply;
  const transfer: ArrayBuffer[] = [];
  try {
    if (req.op === "sequence") {
      const r = writer.sequence({ entries: unpackEntries(req.entries), checkpoint: req.checkpoint });
      const hashes = packHashes(r.hashes);
      // The entries' buffer goes back for reuse: SQLite has copied what it needed.
      const spare = req.entries.data.buffer as ArrayBuffer;
      transfer.push(hashes.levels.buffer as ArrayBuffer, hashes.indices.buffer as ArrayBuffer);
      transfer.push(hashes.hashes.buffer as ArrayBuffer, spare);
      reply = { id: req.id, ok: true, result: { ...r, rootHash: r.rootHash.slice(), hashes }, spare };
    } else if (req.op === "checkpoint") {
      writer.saveCheckpoint(req.checkpoint);
      reply = { id: req.id, ok: true };
    } else {
      writer.close();
      port.postMessage({ id: req.id, ok: true } satisfies WorkerReply);
      port.close();
      return;
    }
  } catch (err) {
    reply = { id: req.id, ok: false, ...encodeError(err) };
  }
  port.postMessage(reply, transfer);
});
