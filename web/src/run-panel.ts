/**
 * The Run tab: pick a model (from /api/models), give it an input of its kind (an image for
 * image classification, text for fill-mask, a prompt for generation), pick operators, and
 * send the seed's call, POST /api/playground/compute, with the tab's API key.
 */
import { ApiError, compute, getModels, type ModelInfo } from "./api.js";
import { byId, h, replace } from "./dom.js";
import { loadApiKey } from "./key-store.js";
import { resultView } from "./result-view.js";
import { drawSampleImage } from "./sample-image.js";
import { toBase64 } from "./verify/index.js";

export type InputKind = "image" | "text" | "prompt";

/** What input a model takes, by its task (names as a fallback for unknown tasks). */
export function inputKindOf(model: Pick<ModelInfo, "name" | "task">): InputKind {
  const task = model.task.toLowerCase();
  if (task.includes("image")) return "image";
  if (task.includes("generation") || task.includes("causal")) return "prompt";
  if (task !== "") return "text";
  if (model.name.startsWith("resnet")) return "image";
  if (model.name.startsWith("gpt")) return "prompt";
  return "text";
}

interface RunState {
  models: ModelInfo[];
  image: Uint8Array | null;
}

function selected(state: RunState): ModelInfo | undefined {
  const name = byId<HTMLSelectElement>("model").value;
  return state.models.find((m) => `${m.name}@${m.version}` === name);
}

function showInputFor(model: ModelInfo | undefined): void {
  const kind = model === undefined ? null : inputKindOf(model);
  byId("input-text").hidden = kind !== "text";
  byId("input-prompt").hidden = kind !== "prompt";
  byId("input-image").hidden = kind !== "image";
  const info = byId("model-info");
  setOperatorAvailability(
    "op-cs43",
    model?.latencyBudget ?? null,
    "no latency budget configured for this model",
  );
  setOperatorAvailability(
    "op-cs44",
    model?.memoryBudget ?? null,
    "no memory budget configured for this model",
  );
  if (model === undefined) {
    info.textContent = "";
    return;
  }
  const budgets = [
    model.latencyBudget === null ? null : `CS43 budget ${model.latencyBudget} ms`,
    model.memoryBudget === null ? null : `CS44 budget ${model.memoryBudget} bytes`,
  ].filter((x) => x !== null);
  info.textContent = [model.task, model.compiled ? "compiled" : "not compiled", ...budgets]
    .filter((x) => x)
    .join(" · ");
}

/**
 * CS43 / CS44 need a budget: the server refuses them (INFER_BUDGET_MISSING) on a model
 * without one, so the page offers them only when the model has one and says why not.
 */
function setOperatorAvailability(id: string, budget: string | null, why: string): void {
  const box = byId<HTMLInputElement>(id);
  const help = byId(`${id}-help`);
  const available = budget !== null;
  if (box.disabled === available) box.checked = available;
  box.disabled = !available;
  help.textContent = available ? "" : why;
}

async function setImage(state: RunState, blob: Blob): Promise<void> {
  state.image = new Uint8Array(await blob.arrayBuffer());
  const preview = byId<HTMLImageElement>("image-preview");
  if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(blob);
  preview.hidden = false;
}

function operators(): string[] {
  const ops = ["KO42"];
  for (const id of ["op-cs43", "op-cs44"]) {
    const box = byId<HTMLInputElement>(id);
    if (box.checked) ops.push(box.value);
  }
  return ops;
}

function requestBody(state: RunState, model: ModelInfo): { body: unknown; prompt: string } {
  const inputs: Record<string, unknown> = { model: model.name, version: model.version };
  let prompt = "";
  switch (inputKindOf(model)) {
    case "image":
      if (state.image === null) throw new Error("Choose an image first (or use the sample image).");
      inputs.image = toBase64(state.image);
      break;
    case "prompt":
      prompt = byId<HTMLTextAreaElement>("prompt").value;
      inputs.prompt = prompt;
      inputs.max_tokens = Number(byId<HTMLInputElement>("max-tokens").value);
      break;
    default:
      inputs.text = byId<HTMLTextAreaElement>("text").value;
  }
  return { body: { operators: operators(), inputs }, prompt };
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const code = err.serverCode ?? err.code;
    const hint = err.status === 401 ? " Enter the inference API key at the top of the page." : "";
    return `${code}: ${err.message}${hint}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Wires the Run tab; resolves once the model list is in. */
export async function mountRunPanel(): Promise<void> {
  const state: RunState = { models: [], image: null };
  const select = byId<HTMLSelectElement>("model");
  const status = byId("run-status");
  const result = byId("run-result");
  const runButton = byId<HTMLButtonElement>("run");

  select.addEventListener("change", () => showInputFor(selected(state)));
  byId<HTMLInputElement>("image").addEventListener("change", (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (file !== undefined) void setImage(state, file);
  });
  byId("sample-image").addEventListener("click", () => {
    void drawSampleImage().then((blob) => setImage(state, blob));
  });

  byId<HTMLFormElement>("run-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const model = selected(state);
    if (model === undefined) return;
    let req: { body: unknown; prompt: string };
    try {
      req = requestBody(state, model);
    } catch (err) {
      status.textContent = errorText(err);
      status.className = "status error";
      return;
    }
    const key = loadApiKey();
    runButton.disabled = true;
    status.className = "status";
    status.textContent = `Running ${model.name}…`;
    replace(result);
    const started = performance.now();
    compute(req.body, key)
      .then((answer) => {
        status.textContent = `Done in ${Math.round(performance.now() - started)} ms (round trip).`;
        replace(result, resultView(answer, req.prompt));
      })
      .catch((err: unknown) => {
        status.className = "status error";
        status.textContent = errorText(err);
      })
      .finally(() => {
        runButton.disabled = false;
      });
  });

  try {
    state.models = await getModels();
  } catch (err) {
    status.className = "status error";
    status.textContent = `Could not list models: ${errorText(err)}`;
    return;
  }
  replace(
    select,
    ...state.models.map((m) => h("option", { value: `${m.name}@${m.version}` }, `${m.name} (${m.version})`)),
  );
  if (state.models.length === 0) status.textContent = "The server has no models.";
  showInputFor(selected(state));
}
