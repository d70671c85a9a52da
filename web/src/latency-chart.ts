/**
 * Latency of recent calls against their CS43 budgets over time (uPlot): measured forward
 * pass time as points, the budget as a stepped line, so a call above its budget stands out.
 */
import uPlot from "uplot";

export interface LatencyPoint {
  /** Zeqond of the call (Unix seconds). */
  t: number;
  measuredMs: number;
  budgetMs: number | null;
}

let chart: uPlot | null = null;

function width(el: HTMLElement): number {
  return Math.max(el.clientWidth, 320);
}

export function drawLatencyChart(el: HTMLElement, points: LatencyPoint[]): void {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const data: uPlot.AlignedData = [
    sorted.map((p) => p.t),
    sorted.map((p) => p.measuredMs),
    sorted.map((p) => p.budgetMs),
  ];
  const styles = getComputedStyle(document.documentElement);
  const accent = styles.getPropertyValue("--accent").trim() || "#2557a7";
  const warn = styles.getPropertyValue("--warn").trim() || "#b3261e";
  const axis = styles.getPropertyValue("--muted").trim() || "#555";
  const grid = styles.getPropertyValue("--line").trim() || "#ddd";
  const opts: uPlot.Options = {
    width: width(el),
    height: 240,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [
      { stroke: axis, grid: { stroke: grid } },
      { stroke: axis, grid: { stroke: grid }, label: "ms", values: (_u, vals) => vals.map((v) => `${v}`) },
    ],
    series: [
      { label: "time (UTC)" },
      {
        label: "forward pass (ms)",
        stroke: accent,
        width: 0,
        points: { show: true, size: 7, fill: accent, stroke: accent },
      },
      {
        label: "CS43 budget (ms)",
        stroke: warn,
        width: 1.5,
        dash: [6, 4],
        spanGaps: false,
        points: { show: false },
      },
    ],
    legend: { show: true },
  };
  chart?.destroy();
  el.replaceChildren();
  chart = new uPlot(opts, data, el);
}

export function resizeLatencyChart(el: HTMLElement): void {
  chart?.setSize({ width: width(el), height: 240 });
}
