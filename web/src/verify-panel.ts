/**
 * The Verify tab: a receipt dropped, chosen or pasted, verified offline against keys the
 * user controls. Once the page is loaded nothing here talks to a server (the keys field is
 * only prefilled from /api/keys when that is reachable).
 */
import { byId, h, replace } from "./dom.js";
import { asComputeRecord } from "./record-guard.js";
import { recordView } from "./record-view.js";
import { keysFromText, publishedKeyTexts } from "./trust.js";
import { verificationPanel } from "./verify-view.js";
import type { Receipt } from "../../src/record/receipt.js";
import { parseJsonStrict } from "./verify/index.js";

const MAX_FILE_BYTES = 16 * 1024 * 1024;

function receiptObject(text: string): Receipt | undefined {
  try {
    const v = parseJsonStrict(text, "receipt") as Record<string, unknown>;
    const r = typeof v === "object" && v !== null && !("envelope" in v) ? v.receipt : v;
    return typeof r === "object" && r !== null ? (r as Receipt) : undefined;
  } catch {
    return undefined;
  }
}

function verifyNow(): void {
  const text = byId<HTMLTextAreaElement>("receipt-text").value;
  const keysText = byId<HTMLTextAreaElement>("vkeys").value;
  const status = byId("verify-status");
  const out = byId("verify-result");
  if (text.trim() === "") {
    status.textContent = "Drop, choose or paste a receipt first.";
    return;
  }
  if (keysText.trim() === "") {
    status.textContent = "Paste at least one trusted verifier key.";
    return;
  }
  status.textContent = "";
  const recordSlot = h("div", {});
  const panel = verificationPanel({
    receipt: text,
    keys: () => keysFromText(keysText),
    onReport: (report, tampered) => {
      if (tampered !== null) return;
      const record = asComputeRecord(report.payloadJson);
      if (record !== null) {
        replace(
          recordSlot,
          h(
            "section",
            { class: "card record-card" },
            h("h3", {}, "Record decoded from the verified payload"),
            recordView(record, { receipt: receiptObject(text) }),
          ),
        );
      } else if (report.payloadJson !== undefined) {
        replace(
          recordSlot,
          h(
            "section",
            { class: "card" },
            h("h3", {}, "Signed payload"),
            h("pre", { class: "json" }, JSON.stringify(report.payloadJson, null, 2)),
          ),
        );
      } else {
        replace(recordSlot);
      }
    },
  });
  replace(
    out,
    h("section", { class: "card verify-card" }, h("h3", {}, "Verification in this browser"), panel),
    recordSlot,
  );
}

async function loadFile(file: File): Promise<void> {
  const status = byId("verify-status");
  if (file.size > MAX_FILE_BYTES) {
    status.textContent = `${file.name} is larger than 16 MiB: not a receipt.`;
    return;
  }
  byId<HTMLTextAreaElement>("receipt-text").value = await file.text();
  verifyNow();
  status.textContent = `Loaded ${file.name}.`;
}

/** Puts a receipt in the Verify tab and verifies it (used by the log explorer). */
export function showReceipt(receipt: unknown): void {
  byId<HTMLTextAreaElement>("receipt-text").value = JSON.stringify(receipt, null, 2);
  verifyNow();
}

/** Fills the keys field from the server when it is empty. */
export async function prefillKeys(): Promise<void> {
  const area = byId<HTMLTextAreaElement>("vkeys");
  if (area.value.trim() !== "") return;
  try {
    area.value = (await publishedKeyTexts()).join("\n");
  } catch {
    area.placeholder = "The server's keys could not be fetched: paste a verifier key here.";
  }
}

export function mountVerifyPanel(): void {
  const zone = byId("drop-zone");
  zone.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    zone.classList.remove("over");
    const file = ev.dataTransfer?.files[0];
    if (file !== undefined) void loadFile(file);
  });
  byId<HTMLInputElement>("receipt-file").addEventListener("change", (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (file !== undefined) void loadFile(file);
  });
  byId("verify-run").addEventListener("click", verifyNow);
  void prefillKeys();
}
