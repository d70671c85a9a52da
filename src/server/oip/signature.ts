/**
 * Checks decoded input tensors against a model's declared inputs before admission, so a
 * wrong name, dtype or shape is a 400 naming the input and never takes a queue slot. The
 * engine checks again when it runs (it is the authority); the codes are the same.
 */
import type { InputTensor, TensorSignature } from "../../execute/types.js";
import { InferenceError } from "../../inference/errors.js";
import { ServerError } from "../errors.js";
import { OIP_DATATYPE } from "./datatypes.js";

const show = (shape: readonly (number | string)[]): string =>
  `[${shape.map((d) => (typeof d === "number" ? d : -1)).join(", ")}]`;

/**
 * @throws {InferenceError} INFER_INPUT_MISSING, INFER_INPUT_UNEXPECTED, INFER_INPUT_DTYPE,
 *   INFER_INPUT_SHAPE — each naming the input
 */
export function checkInputs(declared: readonly TensorSignature[], given: readonly InputTensor[]): void {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const seen = new Set<string>();
  for (const t of given) {
    const d = byName.get(t.name);
    if (d === undefined) {
      throw new InferenceError(
        "INFER_INPUT_UNEXPECTED",
        `input ${JSON.stringify(t.name)} is not an input of this model (inputs: ${declared.map((x) => x.name).join(", ")})`,
        { input: t.name },
      );
    }
    if (seen.has(t.name)) {
      throw new InferenceError("INFER_INPUT_UNEXPECTED", `input ${JSON.stringify(t.name)} is given twice`, {
        input: t.name,
      });
    }
    seen.add(t.name);
    if (d.dtype !== t.dtype) {
      throw new InferenceError(
        "INFER_INPUT_DTYPE",
        `input ${JSON.stringify(t.name)} has datatype ${OIP_DATATYPE[t.dtype]}; the model takes ${OIP_DATATYPE[d.dtype]}`,
        { input: t.name },
      );
    }
    const fixedMismatch = d.shape.some((dim, i) => typeof dim === "number" && t.shape[i] !== dim);
    if (t.shape.length !== d.shape.length || fixedMismatch) {
      throw new InferenceError(
        "INFER_INPUT_SHAPE",
        `input ${JSON.stringify(t.name)} has shape ${show(t.shape)}; the model takes ${show(d.shape)} (-1: any size)`,
        { input: t.name },
      );
    }
  }
  const missing = declared.filter((d) => !seen.has(d.name));
  if (missing.length > 0) {
    const first = missing[0] as TensorSignature;
    throw new InferenceError(
      "INFER_INPUT_MISSING",
      `missing input${missing.length > 1 ? "s" : ""} ${missing.map((m) => JSON.stringify(m.name)).join(", ")}`,
      { input: first.name },
    );
  }
}

/**
 * The requested output names, checked against the model's outputs (all when none requested).
 * @throws {ServerError} SERVER_OUTPUT_UNKNOWN naming the output
 */
export function requestedOutputs(
  declared: readonly TensorSignature[],
  requested: readonly { name: string }[] | undefined,
): string[] {
  if (requested === undefined || requested.length === 0) return declared.map((d) => d.name);
  const names = new Set(declared.map((d) => d.name));
  for (const r of requested) {
    if (!names.has(r.name)) {
      throw new ServerError(
        "SERVER_OUTPUT_UNKNOWN",
        `output ${JSON.stringify(r.name)} is not an output of this model (outputs: ${[...names].join(", ")})`,
      );
    }
  }
  return requested.map((r) => r.name);
}
