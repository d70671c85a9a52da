/**
 * A compute answer on the page: the prediction first, then latency and memory against
 * their budgets, the record with every field, and the receipt verified in this browser.
 */
import type { ElementAnswer } from "../../src/server/playground/response.js";
import type { ComputeAnswer } from "./api.js";
import { latencyView, memoryView, stepLatencyView } from "./budget-view.js";
import { h } from "./dom.js";
import { formatMs, formatNumber } from "./format.js";
import { predictionView } from "./prediction-view.js";
import { recordView } from "./record-view.js";
import { publishedKeys } from "./trust.js";
import { verificationPanel } from "./verify-view.js";
import { verifyGenerationChain } from "./verify/index.js";

function card(title: string, cls: string, ...content: (Node | null)[]): HTMLElement {
  return h("section", { class: `card ${cls}` }, h("h3", {}, title), ...content);
}

/** The precision figures (value, and where they come from). */
function precision(a: ComputeAnswer): [string, string] {
  if (a.error_pct_logits === null || a.logits_max_delta_vs_torch === null) {
    return ["not compiled", "no reference check yet (zeq-np compile)"];
  }
  return [
    `${formatNumber(a.error_pct_logits, 3)} %`,
    `max Δ ${formatNumber(a.logits_max_delta_vs_torch, 3)} · signed model card`,
  ];
}

function summary(a: ComputeAnswer, el: ElementAnswer): HTMLElement {
  const item = (k: string, v: string, field: string, sub?: string) =>
    h(
      "div",
      { class: "stat" },
      h("div", { class: "stat-k" }, k),
      h("div", { class: "stat-v", "data-field": field }, v),
      sub === undefined ? null : h("div", { class: "stat-sub" }, sub),
    );
  const [pct, source] = precision(a);
  return h(
    "div",
    { class: "stats" },
    item("model", `${a.model} ${a.model_version}`, "model"),
    item(
      "latency",
      formatMs(el.latency_ms),
      "latency",
      `CS43 ${el.latency.held === null ? "not applied" : el.latency.held ? "held" : "exceeded"}`,
    ),
    item("log index", String(el.log_index), "log-index", `of ${el.receipt.log.tree_size}`),
    item("phase", el.phase_at_inference.toFixed(4), "phase", `Zeqond ${el.zeqond_index}`),
    item("error vs PyTorch", pct, "precision", source),
  );
}

function generationChain(el: ElementAnswer): HTMLElement | null {
  const steps = el.steps;
  if (steps === undefined || steps.length < 2) return null;
  const out = h(
    "p",
    { class: "hint", "data-chain": "pending" },
    `Verifying all ${steps.length} step receipts…`,
  );
  void publishedKeys()
    .then((keys) =>
      verifyGenerationChain(
        steps.map((s) => s.receipt),
        keys,
      ),
    )
    .then((r) => {
      out.className = r.ok ? "verdict pass" : "verdict fail";
      out.dataset.chain = r.ok ? "pass" : "fail";
      out.textContent = `${r.ok ? "✓" : "✗"} Generation chain: ${r.detail}`;
    })
    .catch((err: unknown) => {
      out.className = "verdict fail";
      out.dataset.chain = "error";
      out.textContent = `✗ ${(err as Error).message}`;
    });
  return out;
}

/** The element that carries the answer's evidence (the single one, or a batch's first success). */
function elementOf(a: ComputeAnswer): ElementAnswer | null {
  if (a.record !== undefined && a.receipt !== undefined) return a as unknown as ElementAnswer;
  const ok = a.results?.find((r): r is ElementAnswer => r.ok);
  return ok ?? null;
}

export function resultView(a: ComputeAnswer, prompt: string): HTMLElement {
  const el = elementOf(a);
  if (el === null) return h("p", { class: "verdict fail" }, "The answer carries no record.");
  const records = el.steps?.map((s) => s.record) ?? [el.record];
  return h(
    "div",
    { class: "result-grid" },
    summary(a, el),
    card("Prediction", "prediction", predictionView(el.prediction, prompt)),
    card(
      records.length > 1 ? "Budgets · first forward pass" : "Budgets",
      "budgets-card",
      h("div", { class: "budgets" }, latencyView(el.latency), memoryView(el.memory)),
    ),
    records.length > 1 ? card("Forward passes", "steps-card", stepLatencyView(records)) : null,
    card(
      "Verification in this browser",
      "verify-card",
      h(
        "p",
        { class: "hint" },
        "Keys from this server's /api/keys. ",
        el.steps !== undefined && el.steps.length > 1
          ? "Shown: the receipt of the first forward pass."
          : null,
      ),
      verificationPanel({ receipt: el.receipt, keys: publishedKeys }),
      generationChain(el),
    ),
    card("Compute record", "record-card", recordView(el.record, { receipt: el.receipt })),
  );
}
