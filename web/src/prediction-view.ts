/**
 * What the model said, first: top classes (resnet50), the most likely tokens per position
 * (bert-base-uncased), or the generated text token by token (gpt2).
 */
import type { Prediction } from "../../src/execute/types.js";
import { barChart } from "./bars.js";
import { h } from "./dom.js";
import { formatPercent } from "./format.js";

function classesView(p: Extract<Prediction, { kind: "classes" }>): HTMLElement {
  return barChart(
    `Top ${p.top.length} classes (softmax probability)`,
    p.top.map((t, i) => ({
      label: `${t.label} (#${t.index})`,
      value: t.probability,
      display: formatPercent(t.probability, 2),
      strong: i === 0,
    })),
    [0, 1],
  );
}

/** Positions worth showing first: masked ones when there are any, else every position. */
function interestingPositions(p: Extract<Prediction, { kind: "tokens" }>): number[] {
  const masked = p.positions.filter((x) => x.token === "[MASK]").map((x) => x.position);
  return masked.length > 0 ? masked : p.positions.map((x) => x.position);
}

function tokenChart(pos: Extract<Prediction, { kind: "tokens" }>["positions"][number]): HTMLElement {
  const logits = pos.top.map((t) => t.logit);
  const hi = Math.max(...logits);
  const lo = Math.min(...logits);
  // Logits have no natural zero: the bars start a little below the smallest one shown.
  const floor = lo - Math.max((hi - lo) * 0.25, 0.5);
  return barChart(
    `Position ${pos.position} “${pos.token}”: top ${pos.top.length} tokens (logit)`,
    pos.top.map((t, i) => ({
      label: `${t.token} (${t.id})`,
      value: t.logit,
      display: t.logit.toFixed(3),
      strong: i === 0,
    })),
    [floor, hi],
  );
}

function tokensView(p: Extract<Prediction, { kind: "tokens" }>): HTMLElement {
  const wrap = h("div", { class: "tokens-view" });
  const chartSlot = h("div", { class: "token-chart", "aria-live": "polite" });
  const group = h("div", { class: "token-chips", role: "group", "aria-label": "Input positions" });
  const show = (position: number) => {
    const pos = p.positions.find((x) => x.position === position);
    if (pos === undefined) return;
    chartSlot.replaceChildren(tokenChart(pos));
    for (const b of Array.from(group.querySelectorAll("button"))) {
      b.setAttribute("aria-pressed", String(b.dataset.position === String(position)));
    }
  };
  for (const pos of p.positions) {
    const top = pos.top[0];
    const chip = h(
      "button",
      { type: "button", class: "chip", "data-position": pos.position, "aria-pressed": "false" },
      h("span", { class: "chip-token" }, pos.token),
      top === undefined ? null : h("span", { class: "chip-pred" }, `→ ${top.token}`),
    );
    chip.addEventListener("click", () => show(pos.position));
    group.append(chip);
  }
  wrap.append(
    h(
      "p",
      { class: "hint" },
      "Each input position with its most likely token; choose one to see its top tokens.",
    ),
    group,
    chartSlot,
  );
  const first = interestingPositions(p)[0];
  if (first !== undefined) show(first);
  return wrap;
}

function generationView(p: Extract<Prediction, { kind: "generation" }>, prompt: string): HTMLElement {
  return h(
    "div",
    { class: "generation" },
    h(
      "p",
      { class: "generated-text" },
      h("span", { class: "prompt-part" }, prompt),
      h("mark", { class: "generated-part" }, p.text),
    ),
    h(
      "p",
      { class: "hint" },
      `${p.steps} forward passes; generated token ids: `,
      h("code", {}, p.tokenIds.join(" ")),
    ),
  );
}

/** The prediction block of a compute answer. */
export function predictionView(p: Prediction, prompt = ""): HTMLElement {
  switch (p.kind) {
    case "classes":
      return classesView(p);
    case "tokens":
      return tokensView(p);
    case "generation":
      return generationView(p, prompt);
    default:
      return h("p", { class: "hint" }, "Raw tensors: see the record's output digest below.");
  }
}
