/**
 * The live page: run a model, read its compute record, verify the receipt in the browser,
 * explore the log. Entry point of the bundle (web/build.ts → web/dist/main.js).
 */
import { byId } from "./dom.js";
import { mountExplorer, refreshExplorer } from "./explorer-panel.js";
import { loadApiKey, saveApiKey } from "./key-store.js";
import { mountRunPanel } from "./run-panel.js";
import { mountTabs, tabFromHash } from "./tabs.js";
import { mountVerifyPanel, showReceipt } from "./verify-panel.js";

function mountKeyForm(): void {
  const input = byId<HTMLInputElement>("api-key");
  const status = byId("key-status");
  const show = () => {
    status.textContent =
      loadApiKey() === "" ? "No key: running a model needs one." : "Key kept for this tab only.";
  };
  input.value = loadApiKey();
  input.addEventListener("change", () => {
    saveApiKey(input.value.trim());
    show();
  });
  byId<HTMLFormElement>("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    saveApiKey(input.value.trim());
    show();
  });
  byId("key-forget").addEventListener("click", () => {
    input.value = "";
    saveApiKey("");
    show();
  });
  show();
}

function main(): void {
  const tabs = mountTabs(byId("tab-run").parentElement as HTMLElement);
  mountKeyForm();
  mountVerifyPanel();
  const toVerify = (receipt: unknown) => {
    tabs.select("tab-verify");
    showReceipt(receipt);
  };
  mountExplorer(toVerify);
  tabs.onShow((panel) => {
    if (panel === "panel-log") void refreshExplorer(toVerify);
  });
  void mountRunPanel().finally(() => {
    document.body.dataset.ready = "true";
  });
  const initial = tabFromHash();
  if (initial !== null) tabs.select(initial);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
