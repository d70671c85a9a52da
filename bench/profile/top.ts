/**
 * Self time by function from the .cpuprofile files of a directory (node --cpu-prof), one
 * table per thread's profile: where a thread spent its time, "(idle)" included (a thread
 * waiting for fsync or for another thread is idle).
 *
 *   node --import tsx bench/profile/top.ts <dir> [rows]
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { selfTimes, type Profile } from "./self-times.js";

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: top.ts <dir with .cpuprofile files> [rows]");
  const limit = Number(process.argv[3] ?? 15);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()) {
    const { totalMs, rows } = selfTimes(JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile);
    console.log(`\n${file}: ${totalMs.toFixed(0)} ms sampled`);
    for (const r of rows.slice(0, limit)) {
      console.log(
        `${((r.ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`,
      );
    }
  }
}

main();
