/**
 * The KO42 reading drawn as a dial: one turn is one Zeqond (1/1.287 s ≈ 777 ms of the
 * HulyaPulse), zero at the top, clockwise. The hand points at phase_at_inference.
 */
import { s } from "./dom.js";

export const PULSE_HZ = 1.287;

export function phaseDial(phase: number, zeqondIndex: number): SVGSVGElement {
  const size = 168;
  const c = size / 2;
  const r = 64;
  const p = Number.isFinite(phase) ? Math.min(Math.max(phase, 0), 1) : 0;
  const angle = p * 2 * Math.PI;
  const hx = c + r * Math.sin(angle);
  const hy = c - r * Math.cos(angle);
  const ms = (p / PULSE_HZ) * 1000;
  const ticks = [];
  for (let i = 0; i < 20; i++) {
    const a = (i / 20) * 2 * Math.PI;
    const inner = i % 5 === 0 ? r - 10 : r - 5;
    ticks.push(
      s("line", {
        x1: c + inner * Math.sin(a),
        y1: c - inner * Math.cos(a),
        x2: c + r * Math.sin(a),
        y2: c - r * Math.cos(a),
        class: i % 5 === 0 ? "dial-tick major" : "dial-tick",
      }),
    );
  }
  // The swept arc from phase 0 to the reading.
  const large = p > 0.5 ? 1 : 0;
  const arc =
    p <= 0
      ? null
      : p >= 0.9999
        ? s("circle", { cx: c, cy: c, r, class: "dial-sweep" })
        : s("path", {
            d: `M ${c} ${c - r} A ${r} ${r} 0 ${large} 1 ${hx.toFixed(2)} ${hy.toFixed(2)}`,
            class: "dial-sweep",
          });
  const label = `Phase ${p.toFixed(4)} of Zeqond ${zeqondIndex}: ${ms.toFixed(0)} ms into a ${(1000 / PULSE_HZ).toFixed(0)} ms pulse`;
  return s(
    "svg",
    {
      viewBox: `0 0 ${size} ${size}`,
      width: size,
      height: size,
      role: "img",
      "aria-label": label,
      class: "dial",
    },
    s("title", {}, label),
    s("circle", { cx: c, cy: c, r, class: "dial-face" }),
    ...ticks,
    arc,
    s("line", { x1: c, y1: c, x2: hx.toFixed(2), y2: hy.toFixed(2), class: "dial-hand" }),
    s("circle", { cx: c, cy: c, r: 4, class: "dial-hub" }),
    s("text", { x: c, y: c - r - 6, class: "dial-label", "text-anchor": "middle" }, "0"),
    s("text", { x: c, y: c + 26, class: "dial-value", "text-anchor": "middle" }, p.toFixed(4)),
    s("text", { x: c, y: c + 40, class: "dial-sub", "text-anchor": "middle" }, `${ms.toFixed(0)} ms`),
  );
}
