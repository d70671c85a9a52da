/**
 * The verification block: each step of the browser's own receipt verification with its
 * outcome, and the tamper switch that flips one bit of one part of the receipt so the user
 * watches the guarding step fail.
 */
import { h, uid } from "./dom.js";
import {
  STEP_TITLES,
  TAMPER_INFO,
  TAMPER_TARGETS,
  tamperReceipt,
  verifyReceipt,
  WebVerifyError,
  type ReceiptReport,
  type TamperTarget,
  type TrustedKeys,
} from "./verify/index.js";

const STATUS_TEXT = { passed: "passed", failed: "failed", "not-run": "not run" } as const;
const STATUS_ICON = { passed: "✓", failed: "✗", "not-run": "–" } as const;

/** The list of steps of one report. */
export function stepsView(report: ReceiptReport): HTMLElement {
  const list = h("ol", { class: "steps" });
  for (const step of report.steps) {
    list.append(
      h(
        "li",
        { class: `step ${step.status}`, "data-step": step.step, "data-status": step.status },
        h("span", { class: "step-icon", "aria-hidden": "true" }, STATUS_ICON[step.status]),
        h(
          "div",
          { class: "step-body" },
          h(
            "div",
            { class: "step-title" },
            STEP_TITLES[step.step],
            " ",
            h("span", { class: "visually-hidden" }, `: ${STATUS_TEXT[step.status]}`),
            h("span", { class: "step-name" }, step.step),
          ),
          h(
            "div",
            { class: "step-detail" },
            step.code === undefined ? null : h("code", { class: "code" }, step.code),
            " ",
            step.detail,
          ),
        ),
      ),
    );
  }
  const verdict = report.ok
    ? h(
        "p",
        { class: "verdict pass", "data-verdict": "pass" },
        "✓ Verified in this browser: signed, logged, and included in the signed checkpoint.",
      )
    : h("p", { class: "verdict fail", "data-verdict": "fail" }, "✗ Not verified: see the failing step.");
  return h("div", { class: "verification", "aria-live": "polite" }, verdict, list);
}

export interface VerificationPanelOptions {
  receipt: unknown;
  keys: () => Promise<TrustedKeys>;
  /** Called with each report (after every tamper change too). */
  onReport?: (report: ReceiptReport, tampered: TamperTarget | null) => void;
}

/** Steps plus the tamper switch; verification runs at once and again on every change. */
export function verificationPanel(options: VerificationPanelOptions): HTMLElement {
  const result = h("div", { class: "verification-result" }, h("p", { class: "hint" }, "Verifying…"));
  const name = uid("tamper");
  const radios = [null, ...TAMPER_TARGETS].map((target) => {
    const id = uid("tamper-opt");
    const input = h("input", { type: "radio", name, id, value: target ?? "none", checked: target === null });
    const label = target === null ? "No tampering" : TAMPER_INFO[target].label;
    return h("div", { class: "radio" }, input, h("label", { for: id }, label));
  });
  const expect = h("p", { class: "hint tamper-expect" });
  const fieldset = h(
    "fieldset",
    { class: "tamper" },
    h("legend", {}, "Tamper (flips one bit of a copy of the receipt)"),
    ...radios,
    expect,
  );
  let run = 0;
  const verify = async (target: TamperTarget | null) => {
    const mine = ++run;
    expect.textContent =
      target === null ? "" : `Expected to fail at: ${STEP_TITLES[TAMPER_INFO[target].failsAt]}.`;
    try {
      const keys = await options.keys();
      const input = target === null ? options.receipt : tamperReceipt(options.receipt, target);
      const report = await verifyReceipt(input, keys);
      if (mine !== run) return;
      result.replaceChildren(stepsView(report));
      options.onReport?.(report, target);
    } catch (err) {
      if (mine !== run) return;
      const code = err instanceof WebVerifyError ? `${err.code}: ` : "";
      result.replaceChildren(
        h("p", { class: "verdict fail", "data-verdict": "error" }, `✗ ${code}${(err as Error).message}`),
      );
    }
  };
  fieldset.addEventListener("change", (ev) => {
    const value = (ev.target as HTMLInputElement).value;
    void verify(value === "none" ? null : (value as TamperTarget));
  });
  void verify(null);
  return h("div", { class: "verify-panel" }, result, fieldset);
}
