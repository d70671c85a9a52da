/**
 * `zeq-np log checkpoint|prove|consistency` and `zeq-np fsck`: reading a log store directly
 * (no signing key needed, so an auditor can run them on a copy of the store): the SQLite
 * store of --data, or the PostgreSQL log of --log-url / ZEQ_LOG_URL that replicas share.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import { toBase64 } from "../../core/bytes.js";
import { openCheckpoint } from "../../log/checkpoint.js";
import { fsck } from "../../log/fsck.js";
import { consistencyProof, inclusionProof, leafHash, rootAt } from "../../log/merkle/index.js";
import { openPostgresStorage } from "../../log/storage/postgres.js";
import { openSqliteStorage } from "../../log/storage/sqlite.js";
import type { LogStorage } from "../../log/storage/contract.js";
import { dataPaths } from "../../instance/paths.js";
import { CliError } from "../errors.js";
import { EXIT_INVALID } from "../exit.js";
import { printJson, printLine } from "../output.js";
import { collect, trustedKeys } from "../vkeys.js";

interface StoreOptions {
  logUrl?: string;
}

/** The same flag as serve's: a log in PostgreSQL is read where the replicas write it. */
function withLogUrl(cmd: Command): Command {
  return cmd.option(
    "--log-url <url>",
    "read the PostgreSQL log the replicas share instead of <data>/log.sqlite (env ZEQ_LOG_URL)",
    process.env.ZEQ_LOG_URL || undefined,
  );
}

async function withStore<T>(data: string, opts: StoreOptions, fn: (s: LogStorage) => Promise<T>): Promise<T> {
  const storage =
    opts.logUrl !== undefined
      ? await openPostgresStorage({ connectionString: opts.logUrl, mustExist: true, poolSize: 1 })
      : await openSqliteStorage(dataPaths(data).logDatabase, { mustExist: true, writer: "inline" });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

function count(name: string) {
  return (value: string): number => {
    if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new CliError("CLI_USAGE", `${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}

export function registerLogCommands(program: Command): void {
  const log = program.command("log").description("read the transparency log: checkpoints and proofs");

  withLogUrl(
    log.command("checkpoint").description("print the latest signed checkpoint (C2SP tlog-checkpoint note)"),
  ).action(async (opts: StoreOptions, cmd: Command) => {
    const g = globalsOf(cmd);
    const cp = await withStore(g.data, opts, (s) => s.latestCheckpoint());
    if (!cp) throw new CliError("CLI_USAGE", "the log has no checkpoint yet");
    if (g.json) printJson({ size: cp.size, root_hash: toBase64(cp.rootHash), note: cp.note });
    else process.stdout.write(cp.note);
  });

  withLogUrl(
    log
      .command("prove")
      .description(
        "inclusion proof of the entry at --index in the tree of --size (default: latest checkpoint)",
      ),
  )
    .requiredOption("--index <n>", "leaf index", count("--index"))
    .option("--size <n>", "tree size", count("--size"))
    .action(async (opts: StoreOptions & { index: number; size?: number }, cmd: Command) => {
      const g = globalsOf(cmd);
      await withStore(g.data, opts, async (s) => {
        const size = opts.size ?? (await s.latestCheckpoint())?.size ?? (await s.treeHead()).size;
        const read = (ids: Parameters<LogStorage["readHashes"]>[0]) => s.readHashes(ids);
        const proof = await inclusionProof(opts.index, size, read);
        const [entry] = await s.readEntries(opts.index, 1);
        const root = await rootAt(size, read);
        printJson({
          index: opts.index,
          tree_size: size,
          root_hash: toBase64(root),
          leaf_hash: entry ? toBase64(leafHash(entry.leaf)) : null,
          inclusion_proof: proof.map(toBase64),
        });
      });
    });

  withLogUrl(
    log
      .command("consistency")
      .description("consistency proof from tree size --from to --to (default: latest checkpoint)"),
  )
    .requiredOption("--from <m>", "older tree size", count("--from"))
    .option("--to <n>", "newer tree size", count("--to"))
    .action(async (opts: StoreOptions & { from: number; to?: number }, cmd: Command) => {
      const g = globalsOf(cmd);
      await withStore(g.data, opts, async (s) => {
        const to = opts.to ?? (await s.latestCheckpoint())?.size ?? (await s.treeHead()).size;
        const read = (ids: Parameters<LogStorage["readHashes"]>[0]) => s.readHashes(ids);
        const proof = await consistencyProof(opts.from, to, read);
        printJson({
          from: opts.from,
          to,
          from_root: toBase64(await rootAt(opts.from, read)),
          to_root: toBase64(await rootAt(to, read)),
          consistency_proof: proof.map(toBase64),
        });
      });
    });

  withLogUrl(
    program
      .command("fsck")
      .description("recompute every leaf and node hash of the store and check every stored checkpoint"),
  )
    .option("--vkey <key>", "trusted verifier key for the checkpoints (repeatable)", collect)
    .option("--vkey-file <file>", "file with one verifier key per line (repeatable)", collect)
    .action(async (opts: StoreOptions & { vkey?: string[]; vkeyFile?: string[] }, cmd: Command) => {
      const g = globalsOf(cmd);
      const verifiers = trustedKeys({ vkey: opts.vkey, vkeyFile: opts.vkeyFile, data: g.data });
      const report = await withStore(g.data, opts, (s) =>
        fsck(s, (note) => {
          const opened = openCheckpoint(note, verifiers);
          return { size: opened.checkpoint.size, rootHash: opened.checkpoint.rootHash };
        }),
      );
      if (g.json) printJson(report);
      else {
        printLine(
          `${report.ok ? "clean" : "PROBLEMS"}: ${report.treeSize} leaves, ${report.hashesChecked} hashes, ${report.checkpointsChecked} checkpoints checked`,
        );
        for (const p of report.problems) printLine(`  ${p.kind}: ${p.message}`);
      }
      if (!report.ok) process.exitCode = EXIT_INVALID;
    });
}
