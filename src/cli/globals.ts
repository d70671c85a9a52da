/**
 * Options every command takes: `--data DIR` and `--json`, accepted before the command name
 * (`zeq-np --data d verify r.json`) or after it (`zeq-np verify r.json --data d`). The value
 * given nearest the command wins; the program's default (`./data`, env ZEQ_DATA) applies last.
 */
import type { Command } from "commander";

export interface Globals {
  data: string;
  json: boolean;
}

/** Adds --data and --json to every leaf command that does not declare them itself. */
export function addCommonOptions(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length > 0) {
      addCommonOptions(sub);
      continue;
    }
    const has = (flag: string) => sub.options.some((o) => o.long === flag);
    if (!has("--data")) sub.option("--data <dir>", "data directory (default: ./data, env ZEQ_DATA)");
    if (!has("--json")) sub.option("--json", "machine-readable output");
  }
}

export function globalsOf(cmd: Command): Globals {
  let data: string | undefined;
  let json: boolean | undefined;
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.opts<{ data?: string; json?: boolean }>();
    data ??= o.data;
    json ??= o.json;
  }
  return { data: data ?? "./data", json: json ?? false };
}
