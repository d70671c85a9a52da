/**
 * The compute record, every field readable: hashes in monospace with copy buttons, the
 * KO42 reading on a dial, the budgets, the numeric environment, where it sits in the log,
 * and the raw JSON. Works for a record from a compute answer and for one decoded from a
 * verified receipt's payload.
 */
import type { ComputeRecord } from "../../src/record/schema.js";
import type { Receipt } from "../../src/record/receipt.js";
import { copyButton, download } from "./copy.js";
import { h } from "./dom.js";
import { formatBytes, formatMs, formatZeqond } from "./format.js";
import { phaseDial } from "./phase-dial.js";

type Row = [string, Node | string];

function hashValue(hex: string | null, what: string): Node | string {
  if (hex === null) return h("span", { class: "muted" }, "none");
  return h("span", { class: "hash-line" }, h("code", { class: "hash" }, hex), copyButton(hex, what));
}

function kv(rows: Row[], cls = "kv"): HTMLDListElement {
  const dl = h("dl", { class: cls });
  for (const [k, v] of rows) dl.append(h("dt", {}, k), h("dd", {}, v));
  return dl;
}

function group(title: string, ...content: Node[]): HTMLElement {
  return h("section", { class: "record-group" }, h("h4", {}, title), ...content);
}

function shape(dims: number[]): string {
  return `[${dims.join(", ")}]`;
}

function tensorTable(
  caption: string,
  tensors: { name: string; dtype: string; shape: number[]; sha256: string }[],
) {
  return h(
    "table",
    { class: "tensors" },
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "name"),
        h("th", { scope: "col" }, "dtype"),
        h("th", { scope: "col" }, "shape"),
        h("th", { scope: "col" }, "SHA-256 (canonical tensor encoding)"),
      ),
    ),
    h(
      "tbody",
      {},
      ...tensors.map((t) =>
        h(
          "tr",
          {},
          h("td", {}, t.name),
          h("td", {}, t.dtype),
          h("td", {}, shape(t.shape)),
          h("td", {}, hashValue(t.sha256, `${t.name} digest`)),
        ),
      ),
    ),
  );
}

export interface RecordViewOptions {
  /** The receipt of this record, for the log fields and the download button. */
  receipt?: Receipt | undefined;
  /** File name stem for downloads. */
  name?: string;
}

export function recordView(r: ComputeRecord, options: RecordViewOptions = {}): HTMLElement {
  const { receipt } = options;
  const stem = options.name ?? `zeq-np-receipt-${receipt?.log.index ?? r.record_id}`;
  const actions = h("div", { class: "actions" });
  if (receipt !== undefined) {
    const dl = h("button", { type: "button", class: "secondary" }, "Download receipt JSON");
    dl.addEventListener("click", () => download(`${stem}.json`, `${JSON.stringify(receipt, null, 2)}\n`));
    actions.append(dl);
  }
  actions.append(copyButton(JSON.stringify(r, null, 2), "record JSON", "Copy record JSON"));

  const time = h(
    "div",
    { class: "ko42" },
    phaseDial(r.phase_at_inference, r.zeqond_index),
    kv([
      ["zeqond", h("code", {}, String(r.zeqond))],
      ["UTC time", formatZeqond(r.zeqond)],
      ["zeqond_index", h("code", {}, String(r.zeqond_index))],
      ["phase_at_inference", h("code", {}, String(r.phase_at_inference))],
      ["operators", r.operators.join(", ")],
    ]),
  );

  const raw = r.input.raw;
  const env = r.environment;
  const groups: Node[] = [
    group(
      "Identity",
      kv([
        ["input_sha256", hashValue(r.input_sha256, "input hash")],
        ["weight_checkpoint_sha256", hashValue(r.model.weight_checkpoint_sha256, "weight-checkpoint hash")],
        ["model", `${r.model.name} ${r.model.version} (${r.model.file})`],
        ["record_id", h("code", {}, r.record_id)],
        ["request_id", h("code", {}, r.request_id)],
        ["signer", h("code", {}, r.signer)],
        ["schema", h("code", {}, r.schema)],
        [
          "batch",
          r.batch === null ? "not batched" : `${r.batch.id}: ${r.batch.position + 1} of ${r.batch.size}`,
        ],
        ["previous_record_sha256", hashValue(r.previous_record_sha256, "previous record hash")],
      ]),
    ),
    group("KO42 · time binding (HulyaPulse 1.287 Hz)", time),
    group(
      "Budgets (CS43 latency, CS44 memory)",
      kv([
        [
          "latency.budget_ms",
          r.latency.budget_ms === null ? "null (CS43 not applied)" : formatMs(r.latency.budget_ms),
        ],
        ["latency.measured_ms", formatMs(r.latency.measured_ms)],
        ["latency.total_ms", formatMs(r.latency.total_ms)],
        ["latency.held", String(r.latency.held)],
        [
          "memory.budget_bytes",
          r.memory.budget_bytes === null ? "null (CS44 not applied)" : formatBytes(r.memory.budget_bytes),
        ],
        ["memory.predicted_bytes", formatBytes(r.memory.predicted_bytes)],
        ["memory.peak_bytes", formatBytes(r.memory.peak_bytes)],
        ["memory.held", String(r.memory.held)],
      ]),
    ),
    group(
      "Input",
      kv([
        ["raw input", raw === null ? "not kept" : `${raw.kind}, ${formatBytes(raw.bytes)}`],
        ["raw SHA-256", hashValue(raw?.sha256 ?? null, "raw input hash")],
        ["retained blob", hashValue(r.input.retained_blob_sha256, "retained input blob")],
      ]),
      tensorTable("Input tensors", r.input.tensors),
    ),
    group(
      r.outputs.length === 1 ? "Output" : `Outputs (${r.outputs.length})`,
      tensorTable("Output tensors", r.outputs),
      kv(
        r.outputs.flatMap((o): Row[] => [
          [`${o.name}: values`, o.values === null ? "committed by digest only" : `${o.values.length} inline`],
          [`${o.name}: blob`, hashValue(o.blob_sha256, `${o.name} blob`)],
        ]),
      ),
    ),
    group(
      "Numeric environment",
      kv([
        ["runtime", `${env.runtime} ${env.runtime_version}`],
        ["execution provider", env.execution_provider],
        ["graph optimization", env.graph_optimization_level],
        ["threads (intra / inter)", `${env.intra_op_threads} / ${env.inter_op_threads}`],
        ["CPU", env.cpu],
        ["platform", env.platform],
        ["Node.js", env.node_version],
      ]),
    ),
  ];
  if (receipt !== undefined) {
    groups.push(
      group(
        "Transparency log",
        kv([
          ["log index", h("code", { "data-field": "log-index" }, String(receipt.log.index))],
          ["tree size", String(receipt.log.tree_size)],
          ["origin", h("code", {}, receipt.log.origin)],
          [
            "inclusion proof",
            `${receipt.log.inclusion_proof.length} ${receipt.log.inclusion_proof.length === 1 ? "hash" : "hashes"}`,
          ],
        ]),
        h("pre", { class: "note", "aria-label": "Signed checkpoint" }, receipt.log.checkpoint),
      ),
    );
  }
  groups.push(
    h(
      "details",
      { class: "raw" },
      h("summary", {}, "Raw record JSON"),
      h("pre", { class: "json" }, JSON.stringify(r, null, 2)),
    ),
  );
  return h("div", { class: "record" }, actions, ...groups);
}
