/** Copy-to-clipboard buttons and file downloads, working without a secure context too. */
import { h } from "./dom.js";

async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard !== undefined && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the selection-based copy.
  }
  const area = h("textarea", { readonly: true, "aria-hidden": "true", class: "offscreen" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/**
 * A button copying `text`; its accessible name says what is copied.
 * @param label the visible text (default "Copy", for buttons next to the value they copy)
 */
export function copyButton(text: string, what: string, label = "Copy"): HTMLButtonElement {
  const button = h(
    "button",
    {
      type: "button",
      class: label === "Copy" ? "copy" : "secondary",
      "aria-label": `Copy ${what}`,
      title: `Copy ${what}`,
    },
    label,
  );
  button.addEventListener("click", () => {
    void writeClipboard(text).then((ok) => {
      button.textContent = ok ? "Copied" : "Copy failed";
      window.setTimeout(() => (button.textContent = label), 1500);
    });
  });
  return button;
}

/** Offers `text` as a file download. */
export function download(filename: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, class: "offscreen" });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
