/**
 * CS43 and CS44 as gauges: the measured latency against the latency budget, the measured
 * peak memory against the memory budget, with the record's own verdict ("held").
 */
import type { ComputeRecord } from "../../src/record/schema.js";
import { barChart } from "./bars.js";
import { h, s } from "./dom.js";
import { formatBytes, formatMs } from "./format.js";

function verdict(held: boolean | null): HTMLElement {
  if (held === null) return h("span", { class: "badge neutral" }, "not applied");
  return held ? h("span", { class: "badge pass" }, "held") : h("span", { class: "badge fail" }, "exceeded");
}

/** A gauge: a bar for the measured value with a mark at the budget. */
function gauge(
  label: string,
  measured: number,
  budget: number | null,
  fmt: (n: number) => string,
): SVGSVGElement {
  const max = Math.max(measured, budget ?? 0) * 1.15 || 1;
  const mx = (measured / max) * 100;
  const bx = budget === null ? null : (budget / max) * 100;
  const over = budget !== null && measured > budget;
  const text =
    budget === null
      ? `${label}: ${fmt(measured)}, no budget`
      : `${label}: ${fmt(measured)} of ${fmt(budget)}`;
  return s(
    "svg",
    { class: "gauge", viewBox: "0 0 100 14", preserveAspectRatio: "none", role: "img", "aria-label": text },
    s("title", {}, text),
    s("rect", { x: 0, y: 2, width: 100, height: 10, class: "gauge-bg" }),
    s("rect", {
      x: 0,
      y: 2,
      width: mx.toFixed(2),
      height: 10,
      class: over ? "gauge-fill over" : "gauge-fill",
    }),
    bx === null
      ? null
      : s("rect", { x: (bx - 0.4).toFixed(2), y: 0, width: 0.8, height: 14, class: "gauge-budget" }),
  );
}

export function latencyView(latency: ComputeRecord["latency"]): HTMLElement {
  return h(
    "section",
    { class: "budget", "aria-label": "CS43 latency budget" },
    h("h4", {}, "CS43 · latency ", verdict(latency.held)),
    latency.budget_ms === null
      ? null
      : gauge("forward pass", latency.measured_ms, latency.budget_ms, formatMs),
    h(
      "dl",
      { class: "kv compact" },
      h("dt", {}, "forward pass"),
      h("dd", {}, formatMs(latency.measured_ms)),
      h("dt", {}, "admission → end"),
      h("dd", {}, formatMs(latency.total_ms)),
      h("dt", {}, "budget"),
      h("dd", {}, latency.budget_ms === null ? "CS43 not applied" : formatMs(latency.budget_ms)),
    ),
  );
}

export function memoryView(memory: ComputeRecord["memory"]): HTMLElement {
  const peak = memory.peak_bytes;
  return h(
    "section",
    { class: "budget", "aria-label": "CS44 memory budget" },
    h("h4", {}, "CS44 · memory ", verdict(memory.held)),
    peak === null || memory.budget_bytes === null
      ? null
      : gauge("peak memory", peak, memory.budget_bytes, formatBytes),
    h(
      "dl",
      { class: "kv compact" },
      h("dt", {}, "measured peak"),
      h("dd", {}, formatBytes(peak)),
      h("dt", {}, "predicted"),
      h("dd", {}, formatBytes(memory.predicted_bytes)),
      h("dt", {}, "budget"),
      h("dd", {}, memory.budget_bytes === null ? "CS44 not applied" : formatBytes(memory.budget_bytes)),
    ),
  );
}

/** For a generation: the latency of every forward pass against its budget. */
export function stepLatencyView(records: ComputeRecord[]): HTMLElement {
  const max = Math.max(
    ...records.map((r) => Math.max(r.latency.measured_ms, r.latency.budget_ms ?? 0)),
    1e-3,
  );
  return barChart(
    `Forward pass latency per generation step (${records.length} steps)`,
    records.map((r, i) => ({
      label: `step ${i}${r.latency.held === false ? " (over budget)" : ""}`,
      value: r.latency.measured_ms,
      display:
        r.latency.budget_ms === null
          ? formatMs(r.latency.measured_ms)
          : `${formatMs(r.latency.measured_ms)} of ${formatMs(r.latency.budget_ms)}`,
    })),
    [0, max],
  );
}
