/**
 * Load generators against the real server: a closed loop (C callers, each sending its next
 * request when the last is answered) to measure capacity, and an open loop (Poisson
 * arrivals at a fixed rate, sent whether or not earlier ones were answered, as independent
 * users do) to overload it. Both are bounded in count and time and stop by themselves.
 */
import { createHash, randomUUID } from "node:crypto";
import type { HttpClient } from "../lib/http-client.js";
import { PLAYGROUND } from "../lib/http-client.js";

export interface Outcome {
  requestId: string;
  phase: string;
  /** ms after the phase started that the request was sent. */
  sentAtMs: number;
  /** HTTP status, or 0 for a network error / client timeout. */
  status: number;
  ms: number;
  retryAfter: string | null;
  code: string | null;
  /** For a 200: where the receipt says the record is, and SHA-256 of its payload bytes. */
  logIndex: number | null;
  payloadSha256: string | null;
  budgetMs: number | null;
  /** For a 200: the record's latency.total_ms (admission to result, what CS43 bounds) and held. */
  serverTotalMs: number | null;
  held: boolean | null;
}

export type BodyFor = (requestId: string) => string;

interface PlaygroundAnswer {
  log_index?: number;
  code?: string;
  latency?: { budget_ms?: number | null; total_ms?: number; held?: boolean | null };
  receipt?: { envelope?: { payload?: string } };
}

async function send(
  client: HttpClient,
  body: BodyFor,
  phase: string,
  t0: number,
  timeoutMs: number,
): Promise<Outcome> {
  const requestId = randomUUID();
  const sentAtMs = performance.now() - t0;
  const outcome: Outcome = {
    requestId,
    phase,
    sentAtMs,
    status: 0,
    ms: 0,
    retryAfter: null,
    code: null,
    logIndex: null,
    payloadSha256: null,
    budgetMs: null,
    serverTotalMs: null,
    held: null,
  };
  try {
    const reply = await client.post(PLAYGROUND, body(requestId), timeoutMs);
    outcome.status = reply.status;
    outcome.ms = reply.ms;
    const retry = reply.headers["retry-after"];
    outcome.retryAfter = typeof retry === "string" ? retry : null;
    let answer: PlaygroundAnswer = {};
    try {
      answer = JSON.parse(reply.body.toString("utf8")) as PlaygroundAnswer;
    } catch {
      outcome.code = "UNPARSEABLE_BODY";
    }
    outcome.code ??= answer.code ?? null;
    if (reply.status === 200) {
      outcome.logIndex = typeof answer.log_index === "number" ? answer.log_index : null;
      const payload = answer.receipt?.envelope?.payload;
      outcome.payloadSha256 =
        typeof payload === "string"
          ? createHash("sha256").update(Buffer.from(payload, "base64")).digest("hex")
          : null;
      outcome.budgetMs = answer.latency?.budget_ms ?? null;
      outcome.serverTotalMs = answer.latency?.total_ms ?? null;
      outcome.held = answer.latency?.held ?? null;
    }
  } catch (err) {
    outcome.ms = performance.now() - t0 - sentAtMs;
    outcome.code = `NETWORK: ${(err as Error).message}`;
  }
  return outcome;
}

/** C callers in a loop for `seconds` (and at most `maxRequests`). */
export async function closedLoop(
  client: HttpClient,
  body: BodyFor,
  phase: string,
  concurrency: number,
  seconds: number,
  maxRequests: number,
): Promise<{ outcomes: Outcome[]; seconds: number }> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const outcomes: Outcome[] = [];
  const caller = async (): Promise<void> => {
    while (performance.now() < end && outcomes.length < maxRequests) {
      outcomes.push(await send(client, body, phase, t0, 120_000));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { outcomes, seconds: (performance.now() - t0) / 1000 };
}

/** Exponential inter-arrival times (ms) from a seeded generator. */
function arrivals(ratePerSecond: number, seconds: number, seed: number): number[] {
  let x = seed >>> 0 || 1;
  const uniform = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x + 0.5) / 2 ** 32;
  };
  const times: number[] = [];
  let t = 0;
  for (;;) {
    t += (-Math.log(uniform()) / ratePerSecond) * 1000;
    if (t >= seconds * 1000) return times;
    times.push(t);
  }
}

/**
 * Sends at Poisson arrivals of `ratePerSecond` for `seconds`, then waits for every answer
 * (each bounded by `timeoutMs`).
 */
export async function openLoop(
  client: HttpClient,
  body: BodyFor,
  phase: string,
  ratePerSecond: number,
  seconds: number,
  timeoutMs: number,
  seed: number,
  onSent?: (sent: number, total: number) => void,
): Promise<Outcome[]> {
  const schedule = arrivals(ratePerSecond, seconds, seed);
  const t0 = performance.now();
  const pending: Promise<Outcome>[] = [];
  for (const at of schedule) {
    const wait = at - (performance.now() - t0);
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(client, body, phase, t0, timeoutMs));
    onSent?.(pending.length, schedule.length);
  }
  return Promise.all(pending);
}
