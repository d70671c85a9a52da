/**
 * Checks a call's inputs against the model's declared inputs before anything is queued:
 * names, dtypes, rank, fixed dims, one value per symbolic dim, element counts. Feeds come
 * from request bodies, so every field is treated as untrusted; each failure names the input.
 */
import { arrayNameOf, dataMatchesDtype, elementCount, isTensorDtype } from "./dtypes.js";
import { InferenceError, type InferenceErrorCode } from "./errors.js";
import type { WireTensor } from "./protocol.js";
import type { IoInfo } from "./types.js";

function fail(code: InferenceErrorCode, input: string, message: string): never {
  throw new InferenceError(code, `input ${JSON.stringify(input)}: ${message}`, { input });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export interface CheckedFeeds {
  /** The feeds in the model's declared input order. */
  tensors: WireTensor[];
  /** Element count of the first declared input: the default n of the budget functions. */
  defaultSize: number;
}

/**
 * @throws {InferenceError} INFER_INPUT_MISSING, INFER_INPUT_UNEXPECTED, INFER_INPUT_DTYPE,
 *   INFER_INPUT_SHAPE or INFER_INPUT_DATA, with `input` naming the offending input
 */
export function checkFeeds(declared: readonly IoInfo[], feeds: unknown): CheckedFeeds {
  if (!isPlainObject(feeds)) {
    throw new InferenceError("INFER_INPUT_DATA", "feeds must be an object mapping input names to tensors");
  }
  const names = new Set(declared.map((d) => d.name));
  for (const name of Object.keys(feeds)) {
    if (!names.has(name))
      fail("INFER_INPUT_UNEXPECTED", name, `the model has no such input (inputs: ${[...names].join(", ")})`);
  }
  const symbols = new Map<string, { value: number; input: string }>();
  const tensors: WireTensor[] = [];
  for (const input of declared) {
    const feed = Object.hasOwn(feeds, input.name) ? feeds[input.name] : undefined;
    if (feed === undefined) fail("INFER_INPUT_MISSING", input.name, "is required by the model");
    if (!isPlainObject(feed)) fail("INFER_INPUT_DATA", input.name, "must be an object {dtype, dims, data}");
    const { dtype, dims, data } = feed;
    if (!isTensorDtype(dtype))
      fail("INFER_INPUT_DTYPE", input.name, `dtype ${JSON.stringify(dtype)} is not a tensor dtype`);
    if (dtype !== input.dtype)
      fail("INFER_INPUT_DTYPE", input.name, `dtype ${dtype} given, the model declares ${input.dtype}`);
    if (!Array.isArray(dims) || dims.length > 16 || Number.isNaN(elementCount(dims))) {
      fail("INFER_INPUT_SHAPE", input.name, "dims must be an array of at most 16 non-negative integers");
    }
    const shape = dims as number[];
    // onnxruntime reports an undeclared shape as [], so an empty declaration constrains nothing.
    if (input.dims.length > 0) {
      if (shape.length !== input.dims.length) {
        fail(
          "INFER_INPUT_SHAPE",
          input.name,
          `rank ${shape.length} given, the model declares rank ${input.dims.length} ${JSON.stringify(input.dims)}`,
        );
      }
      input.dims.forEach((want, axis) => {
        const got = shape[axis]!;
        if (typeof want === "number") {
          if (got !== want)
            fail(
              "INFER_INPUT_SHAPE",
              input.name,
              `dimension ${axis} is ${got}, the model fixes it at ${want}`,
            );
        } else if (want !== "") {
          const seen = symbols.get(want);
          if (seen === undefined) symbols.set(want, { value: got, input: input.name });
          else if (seen.value !== got) {
            fail(
              "INFER_INPUT_SHAPE",
              input.name,
              `dimension ${axis} (${want}) is ${got} but ${want} is ${seen.value} in input ${seen.input}`,
            );
          }
        }
      });
    }
    if (!dataMatchesDtype(dtype, data))
      fail("INFER_INPUT_DTYPE", input.name, `data must be a ${arrayNameOf(dtype)} for dtype ${dtype}`);
    const count = elementCount(shape);
    if (data.length !== count)
      fail(
        "INFER_INPUT_DATA",
        input.name,
        `data has ${data.length} elements, dims ${JSON.stringify(shape)} need ${count}`,
      );
    tensors.push({ name: input.name, dtype, dims: [...shape], data });
  }
  return { tensors, defaultSize: tensors.length > 0 ? elementCount(tensors[0]!.dims) : 0 };
}
