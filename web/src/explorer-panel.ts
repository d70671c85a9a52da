/**
 * The Log tab: the latest checkpoint (its signature checked here), consistency between an
 * older checkpoint and the latest (the proof checked here), recent entries with a Verify
 * button each, and latency against budget over those entries.
 */
import { getCheckpoint, getConsistencyProof, getEntry, getInclusionProof, type LogEntry } from "./api.js";
import { copyButton } from "./copy.js";
import { byId, h, replace } from "./dom.js";
import { formatMs, formatZeqond, shortHash } from "./format.js";
import { drawLatencyChart, resizeLatencyChart, type LatencyPoint } from "./latency-chart.js";
import { asComputeRecord } from "./record-guard.js";
import { publishedKeys } from "./trust.js";
import {
  fromBase64,
  fromUtf8,
  openCheckpoint,
  parseJsonStrict,
  toHex,
  verifyCheckpointConsistency,
  type VerifiedCheckpoint,
} from "./verify/index.js";

const RECENT = 30;
const FIRST_KEY = "zeq-np.first-checkpoint";

interface Latest {
  note: string;
  verified: VerifiedCheckpoint;
}

let latest: Latest | null = null;

function message(err: unknown): string {
  if (err instanceof Error) {
    const code =
      (err as { serverCode?: string; code?: string }).serverCode ?? (err as { code?: string }).code;
    return code === undefined ? err.message : `${code}: ${err.message}`;
  }
  return String(err);
}

function rememberFirst(note: string): void {
  try {
    if (sessionStorage.getItem(FIRST_KEY) === null) sessionStorage.setItem(FIRST_KEY, note);
  } catch {
    // No storage: the field simply starts empty.
  }
  const older = byId<HTMLTextAreaElement>("older-checkpoint");
  if (older.value.trim() === "") {
    try {
      older.value = sessionStorage.getItem(FIRST_KEY) ?? note;
    } catch {
      older.value = note;
    }
  }
}

async function loadCheckpoint(): Promise<Latest | null> {
  const view = byId("checkpoint-view");
  try {
    const note = await getCheckpoint();
    const verified = await openCheckpoint(note, await publishedKeys());
    const { origin, size, rootHash } = verified.checkpoint;
    const root = toHex(rootHash);
    replace(
      view,
      h(
        "p",
        { class: "verdict pass", "data-verdict": "pass" },
        `✓ Signature verified in this browser (${verified.signers.join(", ")})`,
      ),
      h(
        "dl",
        { class: "kv" },
        h("dt", {}, "origin"),
        h("dd", {}, h("code", {}, origin)),
        h("dt", {}, "tree size"),
        h("dd", { "data-field": "tree-size" }, String(size)),
        h("dt", {}, "root hash"),
        h(
          "dd",
          {},
          h(
            "span",
            { class: "hash-line" },
            h("code", { class: "hash" }, root),
            copyButton(root, "root hash"),
          ),
        ),
      ),
      h("pre", { class: "note", "aria-label": "Signed checkpoint note" }, note),
    );
    rememberFirst(note);
    latest = { note, verified };
    return latest;
  } catch (err) {
    replace(view, h("p", { class: "verdict fail", "data-verdict": "fail" }, `✗ ${message(err)}`));
    return null;
  }
}

async function proveConsistency(): Promise<void> {
  const out = byId("consistency-result");
  replace(out, h("p", { class: "hint" }, "Checking…"));
  try {
    const now = await loadCheckpoint();
    if (now === null) throw new Error("the latest checkpoint could not be verified");
    const olderNote = byId<HTMLTextAreaElement>("older-checkpoint").value.replace(/\r\n/g, "\n");
    const keys = await publishedKeys();
    const older = await openCheckpoint(olderNote, keys);
    const from = older.checkpoint.size;
    const to = now.verified.checkpoint.size;
    if (from > to) throw new Error(`the older checkpoint (size ${from}) is larger than the latest (${to})`);
    const proof = from === 0 || from === to ? [] : await getConsistencyProof(from, to);
    const report = await verifyCheckpointConsistency(olderNote, now.note, proof, keys);
    replace(
      out,
      h(
        "p",
        { class: report.ok ? "verdict pass" : "verdict fail", "data-verdict": report.ok ? "pass" : "fail" },
        report.ok
          ? `✓ Consistent: ${report.detail} (${proof.length} proof ${proof.length === 1 ? "hash" : "hashes"})`
          : `✗ ${report.code ?? ""} ${report.detail}`,
      ),
    );
  } catch (err) {
    replace(out, h("p", { class: "verdict fail", "data-verdict": "fail" }, `✗ ${message(err)}`));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function decodeRecord(entry: LogEntry) {
  try {
    return asComputeRecord(parseJsonStrict(fromUtf8(fromBase64(entry.leaf, "leaf"), "leaf"), "leaf"));
  } catch {
    return null;
  }
}

async function verifyEntry(entry: LogEntry, onReceipt: (receipt: unknown) => void): Promise<void> {
  const now = latest ?? (await loadCheckpoint());
  if (now === null) return;
  if (entry.envelope === null) throw new Error(`entry ${entry.index} has no stored envelope to verify`);
  const { origin, size } = now.verified.checkpoint;
  const proof = await getInclusionProof(entry.index, size);
  onReceipt({
    envelope: entry.envelope,
    log: { origin, index: entry.index, tree_size: size, checkpoint: now.note, inclusion_proof: proof },
  });
}

async function loadEntries(onReceipt: (receipt: unknown) => void): Promise<void> {
  const view = byId("entries");
  const chartEl = byId("latency-chart");
  const now = latest;
  if (now === null) {
    replace(view, h("p", { class: "hint" }, "No verified checkpoint: entries are not shown."));
    return;
  }
  const size = now.verified.checkpoint.size;
  const indexes = Array.from({ length: Math.min(RECENT, size) }, (_, i) => size - 1 - i);
  if (indexes.length === 0) {
    replace(view, h("p", { class: "hint" }, "The log is empty: run a model first."));
    return;
  }
  let entries: LogEntry[];
  try {
    entries = await pooled(indexes, 4, getEntry);
  } catch (err) {
    replace(view, h("p", { class: "verdict fail" }, `✗ ${message(err)}`));
    return;
  }
  const points: LatencyPoint[] = [];
  const rows = entries.map((entry) => {
    const r = decodeRecord(entry);
    if (r !== null)
      points.push({ t: r.zeqond, measuredMs: r.latency.measured_ms, budgetMs: r.latency.budget_ms });
    const button = h(
      "button",
      {
        type: "button",
        class: "secondary small",
        "aria-label": `Verify entry ${entry.index}`,
        disabled: entry.envelope === null,
      },
      "Verify",
    );
    button.addEventListener("click", () => {
      button.disabled = true;
      verifyEntry(entry, onReceipt)
        .catch((err: unknown) => (button.title = message(err)))
        .finally(() => (button.disabled = false));
    });
    const held = r?.latency.held;
    return h(
      "tr",
      { "data-index": entry.index },
      h("td", { class: "num" }, String(entry.index)),
      h("td", {}, r === null ? "—" : formatZeqond(r.zeqond)),
      h("td", {}, r === null ? (entry.envelope?.payloadType ?? "—") : `${r.model.name} ${r.model.version}`),
      h("td", {}, r === null ? "—" : h("code", { title: r.input_sha256 }, shortHash(r.input_sha256))),
      h("td", { class: "num" }, r === null ? "—" : formatMs(r.latency.measured_ms)),
      h("td", { class: "num" }, r?.latency.budget_ms == null ? "—" : formatMs(r.latency.budget_ms)),
      h(
        "td",
        {},
        held === true
          ? h("span", { class: "badge pass" }, "held")
          : held === false
            ? h("span", { class: "badge fail" }, "exceeded")
            : h("span", { class: "badge neutral" }, "n/a"),
      ),
      h("td", {}, button),
    );
  });
  replace(
    view,
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "entries" },
        h(
          "caption",
          { class: "visually-hidden" },
          `The ${entries.length} most recent log entries, newest first`,
        ),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["index", "zeqond (UTC)", "model", "input hash", "latency", "CS43 budget", "budget", ""].map(
              (c) => h("th", { scope: "col" }, c),
            ),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
    ),
    h(
      "p",
      { class: "hint" },
      "Entries as logged; “Verify” fetches an inclusion proof and checks the entry in the Verify tab.",
    ),
  );
  const over = points.filter((p) => p.budgetMs !== null && p.measuredMs > p.budgetMs).length;
  byId("latency-summary").textContent =
    points.length === 0
      ? "No compute records among the recent entries."
      : `${points.length} recent calls; ${over} above their CS43 budget.`;
  if (points.length > 0) drawLatencyChart(chartEl, points);
}

/** Loads the tab's content (again on every call: the log grows). */
export async function refreshExplorer(onReceipt: (receipt: unknown) => void): Promise<void> {
  await loadCheckpoint();
  await loadEntries(onReceipt);
}

export function mountExplorer(onReceipt: (receipt: unknown) => void): void {
  byId("checkpoint-refresh").addEventListener("click", () => void refreshExplorer(onReceipt));
  byId("consistency-run").addEventListener("click", () => void proveConsistency());
  window.addEventListener("resize", () => resizeLatencyChart(byId("latency-chart")));
}
