/**
 * Section 4: overload. The real server (its own process, with `serve`'s default workers:
 * one per physical core but one) serves one model with its CS43 budget; every request names KO42 and CS43.
 *
 *   1. throughput: a closed loop of one caller per worker, KO42 alone (nothing refused),
 *      measures how many audited requests per second the server completes;
 *   2. capacity: the highest open-loop Poisson rate, tried downwards from 80 % of that
 *      throughput, at which every call is answered 200 within its CS43 budget (the records'
 *      total_ms p99). Random arrivals queue: a server run at its closed-loop throughput has
 *      an unbounded queue, so no budget holds there; capacity means capacity within the SLA;
 *   3. open-loop Poisson arrivals at 1×, 2×, 3× that capacity, each for a bounded time;
 *   4. the server is stopped gracefully and its log audited (fsck, one record per receipt).
 *
 * Reported per level: accepted p50/p99 against the budget, the 503 refusals' latency and
 * whether each carried Retry-After, and every other status (there should be none).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverWorkers } from "../../src/inference/index.js";
import { latencyAt } from "../../src/inference/budgets.js";
import { HttpClient } from "../lib/http-client.js";
import type { ModelInputs } from "../lib/inputs.js";
import { progress } from "../lib/progress.js";
import { startServerChild } from "../lib/server-child.js";
import { summarize, type Summary } from "../lib/stats.js";
import { auditLog, type LogAudit } from "./audit-log.js";
import { closedLoop, openLoop, type Outcome } from "./open-loop.js";

export interface OverloadPlan {
  levels: number[];
  seconds: number;
  capacitySeconds: number;
  /** Fractions of the closed-loop throughput tried, highest first, to find the capacity. */
  capacityFractions: number[];
  /** Seconds of each capacity trial. */
  trialSeconds: number;
  timeoutMs: number;
  /** CS43 budget (ms, constant) configured when the model's model.json states none. */
  fallbackBudgetMs: number;
}

export interface LevelResult {
  level: number;
  offeredPerSecond: number;
  sent: number;
  accepted: number;
  acceptedPerSecond: number;
  /** Client-side: request sent to answer read, HTTP and preprocessing included. */
  acceptedMs: Summary | null;
  /** Server-side: the records' latency.total_ms (admission to result), which CS43 bounds. */
  acceptedServerMs: Summary | null;
  /** Accepted records whose CS43 budget held. */
  acceptedHeld: number;
  /** accepted p99 (client-side) ≤ budget */
  p99WithinBudget: boolean | null;
  serverP99WithinBudget: boolean | null;
  rejected503: number;
  rejectedMs: Summary | null;
  rejectedWithRetryAfter: number;
  /** Status → count for everything that is neither 200 nor 503 (0 = network error/timeout). */
  otherStatuses: Record<string, number>;
  otherCodes: Record<string, number>;
}

export interface OverloadResult {
  model: string;
  workers: number;
  budgetMs: number | null;
  budgetSource: string;
  /** Closed-loop throughput (requests/s) and its latencies. */
  throughputPerSecond: number;
  throughputMs: Summary | null;
  /** Status → count of the closed loop's answers (refusals and overruns lower it). */
  throughputStatuses: Record<string, number>;
  /** The capacity within the SLA: the rate the levels are multiples of. */
  capacityPerSecond: number;
  /** Each capacity trial: rate, whether the SLA held (all 200, server p99 ≤ budget). */
  capacityTrials: Array<{ perSecond: number; held: boolean; result: LevelResult }>;
  levels: LevelResult[];
  audit: LogAudit;
}

function count<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function level(
  levelValue: number,
  offered: number,
  seconds: number,
  outcomes: Outcome[],
  budgetMs: number | null,
): LevelResult {
  const ok = outcomes.filter((o) => o.status === 200);
  const refused = outcomes.filter((o) => o.status === 503);
  const other = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
  const acceptedMs = ok.length > 0 ? summarize(ok.map((o) => o.ms)) : null;
  const server = ok.flatMap((o) => (o.serverTotalMs === null ? [] : [o.serverTotalMs]));
  const acceptedServerMs = server.length > 0 ? summarize(server) : null;
  return {
    level: levelValue,
    offeredPerSecond: offered,
    sent: outcomes.length,
    accepted: ok.length,
    acceptedPerSecond: ok.length / seconds,
    acceptedMs,
    acceptedServerMs,
    acceptedHeld: ok.filter((o) => o.held === true).length,
    p99WithinBudget: acceptedMs && budgetMs !== null ? acceptedMs.p99 <= budgetMs : null,
    serverP99WithinBudget: acceptedServerMs && budgetMs !== null ? acceptedServerMs.p99 <= budgetMs : null,
    rejected503: refused.length,
    rejectedMs: refused.length > 0 ? summarize(refused.map((o) => o.ms)) : null,
    rejectedWithRetryAfter: refused.filter((o) => o.retryAfter !== null).length,
    otherStatuses: count(other, (o) => String(o.status)),
    otherCodes: count(other, (o) => o.code ?? "none"),
  };
}

/** The CS43 budget the model states for this input, from model.json (calibrated or configured). */
function statedBudget(input: ModelInputs): number | null {
  const l = (input.meta.budgets as { latency_ms?: { a?: unknown; b?: unknown } } | undefined)?.latency_ms;
  if (typeof l?.a !== "number" || typeof l.b !== "number") return null;
  return latencyAt({ a: l.a, b: l.b }, input.inputSize);
}

/** @throws when the server cannot start */
export async function runOverload(
  repoRoot: string,
  modelsDir: string,
  input: ModelInputs,
  plan: OverloadPlan,
): Promise<OverloadResult> {
  const dir = mkdtempSync(join(tmpdir(), "zeq-bench-overload-"));
  const workers = serverWorkers();
  const budgetFromFile = statedBudget(input);
  const server = await startServerChild(repoRoot, {
    dataDir: dir,
    modelsDir,
    workers,
    ...(budgetFromFile === null
      ? { latencyBudgets: { [input.name]: { a: plan.fallbackBudgetMs, b: 0 } } }
      : {}),
  });
  const client = new HttpClient(server.url, server.apiKey);
  const bodyWith = (operators: string[]) => (requestId: string) =>
    JSON.stringify({
      operators,
      inputs: { model: input.name, ...input.natural },
      request_id: requestId,
    });
  const body = bodyWith(["KO42", "CS43"]);
  const all: Outcome[] = [];
  let stopped = false;
  try {
    // Warm-up also seeds the engine's observed run times, which admission predicts from.
    all.push(...(await closedLoop(client, body, "warm-up", workers, 2, 4 * workers)).outcomes);
    const bar = progress("overload");
    bar.update(0, plan.levels.length + 1, "measuring capacity");
    const cap = await closedLoop(
      client,
      bodyWith(["KO42"]),
      "capacity",
      workers,
      plan.capacitySeconds,
      100_000,
    );
    all.push(...cap.outcomes);
    const capOk = cap.outcomes.filter((o) => o.status === 200);
    const throughput = capOk.length / cap.seconds;
    if (capOk.length === 0)
      throw new Error(
        `the server answered no call in the closed loop: ${JSON.stringify(count(cap.outcomes, (o) => String(o.status)))}`,
      );
    const trials: OverloadResult["capacityTrials"] = [];
    let capacity = 0;
    for (const fraction of plan.capacityFractions) {
      const rate = Math.max(0.5, fraction * throughput);
      bar.update(0, plan.levels.length + 1, `capacity within budget: trying ${rate.toFixed(1)}/s`);
      const outcomes = await openLoop(
        client,
        body,
        `capacity-${fraction}`,
        rate,
        plan.trialSeconds,
        plan.timeoutMs,
        500 + trials.length,
        () => {},
      );
      all.push(...outcomes);
      const result = level(fraction, rate, plan.trialSeconds, outcomes, budgetFromFile);
      const held = result.accepted === result.sent && result.serverP99WithinBudget !== false;
      trials.push({ perSecond: rate, held, result });
      capacity = rate;
      if (held) break;
    }
    let seenBudget: number | null = null;
    const levels: LevelResult[] = [];
    for (const [i, k] of plan.levels.entries()) {
      const rate = Math.max(0.5, k * capacity);
      const outcomes = await openLoop(
        client,
        body,
        `${k}x`,
        rate,
        plan.seconds,
        plan.timeoutMs,
        1000 + k,
        (sent, total) => bar.update(i + 1, plan.levels.length + 1, `${k}× capacity: sent ${sent}/${total}`),
      );
      all.push(...outcomes);
      seenBudget ??= outcomes.find((o) => o.budgetMs !== null)?.budgetMs ?? null;
      levels.push(level(k, rate, plan.seconds, outcomes, seenBudget ?? budgetFromFile));
    }
    bar.update(plan.levels.length + 1, plan.levels.length + 1, "stopping the server, auditing its log");
    bar.stop();
    client.close();
    await server.stop();
    stopped = true;
    const audit = await auditLog(join(dir, "log.sqlite"), server.verifierKey, all);
    return {
      model: input.name,
      workers,
      budgetMs: seenBudget ?? budgetFromFile,
      budgetSource:
        budgetFromFile === null
          ? `configured by the benchmark (${plan.fallbackBudgetMs} ms): model.json states none`
          : "model.json (calibrated at compile time), as stated in the records",
      throughputPerSecond: throughput,
      throughputMs: summarize(capOk.map((o) => o.ms)),
      throughputStatuses: count(cap.outcomes, (o) => String(o.status)),
      capacityPerSecond: capacity,
      capacityTrials: trials,
      levels,
      audit,
    };
  } finally {
    client.close();
    if (!stopped) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
