/**
 * The live page end to end: the real server with the tiny fixture models, driven by
 * Chromium headless through playwright-core. Each model is run from the page, its receipt
 * verified in the browser, the tamper switch makes the right step fail, a receipt file from
 * the API is verified offline with a pasted key, the log explorer checks a checkpoint, a
 * consistency proof and an entry. Screenshots of the three flows go to artifacts/screenshots/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startLiveServer, type LiveServer } from "./live-server.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = join(ROOT, "artifacts", "screenshots");
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const EXPECTED_FAILURE: Record<string, string> = {
  payload: "envelope-signature",
  "envelope-signature": "envelope-signature",
  "inclusion-proof": "inclusion",
  "checkpoint-root": "checkpoint-signature",
};

function skipLoudly(t: { diagnostic(m: string): void; skip(m: string): void }, why: string): void {
  t.diagnostic(`SKIPPED: ${why}`);
  console.warn(`SKIPPED: ${why}`);
  t.skip(why);
}

/** Console errors and uncaught page errors: the page must have none. */
function watchConsole(page: Page, sink: string[]): void {
  page.on("console", (m) => {
    if (m.type() === "error") sink.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => sink.push(`pageerror: ${e.message}`));
  // Chromium logs failed loads as bare console errors: name the URL so a failure is readable.
  page.on("response", (r) => {
    if (r.status() >= 400) sink.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  // A failed request names its URL and reason; one the page or a navigation cancelled is not a failure.
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText ?? "unknown";
    // The resource type tells a request the page's code made from one the browser made itself.
    if (why !== "net::ERR_ABORTED")
      sink.push(`request failed: ${r.method()} ${r.url()} (${r.resourceType()}): ${why}`);
  });
}

async function stepStatuses(page: Page, scope: string): Promise<Record<string, string>> {
  return page.$$eval(`${scope} .steps .step`, (els) =>
    Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.step, (e as HTMLElement).dataset.status])),
  );
}

async function selectModel(page: Page, name: string): Promise<void> {
  const value = await page.$eval(
    "#model",
    (s, n) => Array.from((s as HTMLSelectElement).options).find((o) => o.value.startsWith(`${n}@`))?.value,
    name,
  );
  assert.ok(value, `model ${name} is offered`);
  await page.selectOption("#model", value);
}

/** A 64×64 PNG with some structure (sharp is a dependency of the server anyway). */
async function writeSampleImage(path: string): Promise<void> {
  const { default: sharp } = await import("sharp");
  const pixels = Buffer.alloc(64 * 64 * 3);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const i = (y * 64 + x) * 3;
      pixels[i] = x * 4;
      pixels[i + 1] = y * 4;
      pixels[i + 2] = (x + y) % 64 < 32 ? 200 : 40;
    }
  }
  await sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } })
    .png()
    .toFile(path);
}

interface ModelRow {
  name: string;
  task: string;
}

test("the live page in Chromium against the real server", { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return skipLoudly(t, `${CHROMIUM} is not installed`);
  const built = spawnSync(process.execPath, ["--import", "tsx", "web/build.ts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(built.status, 0, `web/build.ts failed: ${built.stderr}`);
  mkdirSync(SHOTS, { recursive: true });

  const { chromium } = await import("playwright-core");
  const server: LiveServer = await startLiveServer();
  const tmp = mkdtempSync(join(tmpdir(), "zeq-web-"));
  const imagePath = join(tmp, "sample.png");
  const downloadedReceipt = join(tmp, "downloaded-receipt.json");
  await writeSampleImage(imagePath);
  let browser: Browser | undefined;
  try {
    const api = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${server.url}${path}`, init);
      assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
      return res;
    };
    const models = ((await (await api("/api/models")).json()) as { models: ModelRow[] }).models;
    assert.ok(models.length >= 3, "the fixture models are served");
    const compute = async (model: ModelRow) => {
      const inputs: Record<string, unknown> = { model: model.name };
      if (model.task === "text-generation")
        Object.assign(inputs, { prompt: "The quick brown fox", max_tokens: 3 });
      else if (model.task === "fill-mask") inputs.text = "The quick brown [MASK].";
      else inputs.image = readFileSync(imagePath).toString("base64");
      const res = await api("/api/playground/compute", {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ operators: ["KO42"], inputs }),
      });
      return (await res.json()) as { receipt: unknown };
    };
    // One entry before the page is opened, so the consistency check has a non-trivial older tree.
    const fillMask = models.find((m) => m.task === "fill-mask") ?? models[0]!;
    const apiAnswer = await compute(fillMask);
    const olderCheckpoint = await (await api("/api/log/checkpoint")).text();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    watchConsole(page, errors);
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.fill("#api-key", server.apiKey);
    await page.press("#api-key", "Enter");

    await t.test("each model runs from the page and its receipt verifies in the browser", async () => {
      for (const model of models) {
        await selectModel(page, model.name);
        if (model.task === "image-classification") {
          await page.setInputFiles("#image", imagePath);
          await page.waitForSelector("#image-preview:not([hidden])");
        }
        if (model.task === "text-generation") await page.fill("#max-tokens", "4");
        await page.click("#run");
        await page.waitForSelector("#run-result .verification [data-verdict]", { timeout: 60_000 });
        const status = await page.textContent("#run-status");
        assert.match(status ?? "", /^Done/, `${model.name}: ${status}`);
        assert.equal(
          await page.getAttribute("#run-result .verification [data-verdict]", "data-verdict"),
          "pass",
        );
        const steps = await stepStatuses(page, "#run-result");
        assert.deepEqual(
          Object.values(steps),
          ["passed", "passed", "passed", "passed", "passed"],
          model.name,
        );
        if (model.task === "image-classification") {
          assert.ok((await page.$$("#run-result .prediction .bar-row")).length >= 1, "top classes drawn");
        } else if (model.task === "fill-mask") {
          assert.ok((await page.$$("#run-result .prediction .chip")).length >= 1, "token positions drawn");
          assert.ok((await page.$$("#run-result .prediction .bar-row")).length >= 1, "top tokens drawn");
        } else if (model.task === "text-generation") {
          assert.ok((await page.textContent("#run-result .generated-part")) !== null, "generated text shown");
          await page.waitForSelector("#run-result [data-chain=pass]", { timeout: 30_000 });
        }
        assert.ok(await page.$("#run-result .dial"), "the KO42 dial is drawn");
        const logIndex = await page.textContent('#run-result .stat-v[data-field="log-index"]');
        assert.match(logIndex ?? "", /^\d+$/);
        await page.screenshot({ path: join(SHOTS, `run-${model.task}.png`), fullPage: true });
      }
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#run-result .record .actions >> text=Download receipt JSON"),
      ]);
      await download.saveAs(downloadedReceipt);
      const saved = JSON.parse(readFileSync(downloadedReceipt, "utf8")) as { log?: { index?: unknown } };
      assert.equal(typeof saved.log?.index, "number", "the download is a receipt");
    });

    await t.test("the tamper switch makes the guarding step fail, and only that step", async () => {
      for (const [target, step] of Object.entries(EXPECTED_FAILURE)) {
        await page.check(`#run-result input[type=radio][value="${target}"]`);
        await page.waitForSelector(`#run-result .steps .step[data-step="${step}"][data-status=failed]`);
        const steps = await stepStatuses(page, "#run-result");
        const failed = Object.entries(steps).filter(([, s]) => s === "failed");
        assert.deepEqual(failed, [[step, "failed"]], target);
        if (target === "inclusion-proof") {
          await page.screenshot({ path: join(SHOTS, "run-tampered.png"), fullPage: false });
        }
      }
      await page.check('#run-result input[type=radio][value="none"]');
      await page.waitForSelector("#run-result .verification [data-verdict=pass]");
    });

    await t.test("a receipt file from the API verifies offline with a pasted key", async () => {
      const good = join(tmp, "receipt.json");
      writeFileSync(good, JSON.stringify(apiAnswer.receipt, null, 2));
      await page.click("#tab-verify");
      await context.setOffline(true);
      try {
        await page.fill("#vkeys", server.verifierKey);
        await page.setInputFiles("#receipt-file", good);
        await page.waitForSelector("#verify-result .verification [data-verdict=pass]");
        assert.ok(await page.$("#verify-result .record"), "the verified record is shown");
        await page.screenshot({ path: join(SHOTS, "verify.png"), fullPage: true });

        // The receipt the page itself offered for download verifies the same way.
        await page.setInputFiles("#receipt-file", downloadedReceipt);
        await page.waitForSelector("#verify-status >> text=downloaded-receipt.json");
        await page.waitForSelector("#verify-result .verification [data-verdict=pass]");

        // Dropped on the drop zone (a synthetic drop carrying the same file).
        await page.fill("#receipt-text", "");
        await page.evaluate((text) => {
          const data = new DataTransfer();
          data.items.add(new File([text], "dropped.json", { type: "application/json" }));
          document
            .getElementById("drop-zone")!
            .dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true }));
        }, JSON.stringify(apiAnswer.receipt));
        await page.waitForSelector("#verify-status >> text=dropped.json");
        await page.waitForSelector("#verify-result .verification [data-verdict=pass]");

        // Pasted, with the payload edited: the DSSE signature step fails.
        const edited = structuredClone(apiAnswer.receipt) as { envelope: { payload: string } };
        const payload = Buffer.from(edited.envelope.payload, "base64");
        payload[10]! ^= 0x20;
        edited.envelope.payload = payload.toString("base64");
        await page.fill("#receipt-text", JSON.stringify(edited));
        await page.click("#verify-run");
        await page.waitForSelector(
          '#verify-result .step[data-step="envelope-signature"][data-status=failed]',
        );

        // The same receipt against a key that did not sign it.
        await page.fill("#receipt-text", JSON.stringify(apiAnswer.receipt));
        await page.fill("#vkeys", server.otherVerifierKey);
        await page.click("#verify-run");
        await page.waitForSelector(
          '#verify-result .step[data-step="checkpoint-signature"][data-status=failed]',
        );
        assert.match(
          (await page.textContent("#verify-result .step.failed")) ?? "",
          /WEB_VERIFY_CHECKPOINT_UNTRUSTED/,
        );
      } finally {
        await context.setOffline(false);
      }
    });

    await t.test("the log explorer verifies the checkpoint, a consistency proof and an entry", async () => {
      await page.click("#tab-log");
      await page.waitForSelector("#checkpoint-view [data-verdict=pass]");
      await page.waitForSelector("#entries table tbody tr");
      await page.fill("#older-checkpoint", olderCheckpoint);
      await page.click("#consistency-run");
      await page.waitForSelector("#consistency-result [data-verdict]");
      const consistency = (await page.textContent("#consistency-result")) ?? "";
      assert.equal(
        await page.getAttribute("#consistency-result [data-verdict]", "data-verdict"),
        "pass",
        consistency,
      );
      assert.match(consistency, /\(\d+ proof hash/, consistency);
      assert.doesNotMatch(consistency, /\(0 proof hashes\)/, "a real proof between different sizes");
      assert.ok(await page.$("#latency-chart canvas"), "the latency chart is drawn");
      await page.screenshot({ path: join(SHOTS, "log.png"), fullPage: true });

      // An older checkpoint whose root was edited must not be accepted.
      const lines = olderCheckpoint.split("\n");
      await page.fill(
        "#older-checkpoint",
        [lines[0], lines[1], "A".repeat(43) + "=", ...lines.slice(3)].join("\n"),
      );
      await page.click("#consistency-run");
      await page.waitForSelector("#consistency-result [data-verdict=fail]");

      // The Verify tab trusts the keys in its field: the previous test left a foreign one there.
      await page.$eval("#vkeys", (el, key) => ((el as HTMLTextAreaElement).value = key), server.verifierKey);
      await page.click("#entries tbody tr:first-child button");
      await page.waitForSelector("#verify-result .verification [data-verdict]");
      const verdict = await page.getAttribute("#verify-result .verification [data-verdict]", "data-verdict");
      assert.equal(
        verdict,
        "pass",
        JSON.stringify(await stepStatuses(page, "#verify-result")) +
          (await page.textContent("#verify-result .steps")),
      );
    });

    await t.test("tabs work from the keyboard", async () => {
      await page.focus("#tab-verify");
      await page.keyboard.press("ArrowRight");
      assert.equal(await page.getAttribute("#tab-log", "aria-selected"), "true");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-log");
      await page.keyboard.press("Home");
      assert.equal(await page.getAttribute("#tab-run", "aria-selected"), "true");
      assert.equal(await page.isHidden("#panel-log"), true);
      await page.keyboard.press("End");
      assert.equal(await page.isVisible("#panel-log"), true);
    });

    await t.test("no console errors", () => {
      assert.deepEqual(errors, []);
    });

    await t.test("without a key, the run reports the server's code", async () => {
      // A new tab: sessionStorage (and so the key) is per tab.
      const bare = await context.newPage();
      await bare.goto(`${server.url}/`);
      await bare.waitForSelector("body[data-ready=true]");
      await selectModel(bare, fillMask.name);
      await bare.click("#run");
      await bare.waitForSelector("#run-status.error");
      assert.match((await bare.textContent("#run-status")) ?? "", /SERVER_AUTH_MISSING/);
      await bare.close();
    });
  } finally {
    await browser?.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
