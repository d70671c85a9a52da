/**
 * Horizontal bar charts drawn as a list: each row is readable text (label and value) with
 * an SVG bar beside it, so screen readers get the numbers and sighted users the shape.
 */
import { h, s } from "./dom.js";

export interface Bar {
  label: string;
  value: number;
  /** The text shown for the value. */
  display: string;
  /** Emphasised (e.g. the top class). */
  strong?: boolean;
}

/**
 * @param bars rows in display order
 * @param range [floor, ceiling] mapped to an empty and a full bar (values are clamped)
 */
export function barChart(caption: string, bars: Bar[], range: [number, number]): HTMLElement {
  const [lo, hi] = range;
  const span = hi - lo || 1;
  const rows = bars.map((b) => {
    const frac = Math.min(Math.max((b.value - lo) / span, 0), 1);
    const width = Math.max(frac * 100, 0.5);
    return h(
      "li",
      { class: b.strong === true ? "bar-row strong" : "bar-row" },
      h("span", { class: "bar-label", title: b.label }, b.label),
      s(
        "svg",
        { class: "bar-track", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true" },
        s("rect", { x: 0, y: 0, width: 100, height: 10, class: "bar-bg" }),
        s("rect", { x: 0, y: 0, width: width.toFixed(2), height: 10, class: "bar-fill" }),
      ),
      h("span", { class: "bar-value" }, b.display),
    );
  });
  return h("figure", { class: "bars" }, h("figcaption", {}, caption), h("ol", {}, ...rows));
}
