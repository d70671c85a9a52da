/**
 * Reads the bytes of one initializer, wherever the reader found them: inline raw_data in
 * the ONNX file or a range of an external-data file. Streams in chunks so a large tensor
 * can be hashed without being held in memory.
 */
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { ModelError } from "../errors.js";
import { resolveExternalLocation } from "./external-location.js";
import type { InitializerInfo } from "./graph-info.js";

const CHUNK_BYTES = 1024 * 1024;

/**
 * Yields the bytes of `init` in chunks of at most 1 MiB (little-endian element encoding).
 * @param modelPath the ONNX file the initializer was read from.
 * @throws ModelError MODEL_ONNX_UNSUPPORTED for data in type-specific fields,
 *   MODEL_ONNX_EXTERNAL_DATA_INVALID when the range is missing from its file.
 */
export async function* streamTensorBytes(
  modelPath: string,
  init: InitializerInfo,
): AsyncGenerator<Uint8Array> {
  const { data } = init;
  if (data.kind === "empty") return;
  if (data.kind === "typed") {
    throw new ModelError(
      "MODEL_ONNX_UNSUPPORTED",
      `initializer ${init.name} stores its data in ${data.field}`,
    );
  }
  const file =
    data.kind === "raw" ? modelPath : resolveExternalLocation(dirname(modelPath), data.location, init.name);
  const handle = await open(file, "r").catch((err: unknown) => {
    throw new ModelError(
      "MODEL_ONNX_EXTERNAL_DATA_INVALID",
      `initializer ${init.name}: cannot open ${file}`,
      {
        cause: err,
      },
    );
  });
  try {
    let done = 0;
    while (done < data.length) {
      const chunk = new Uint8Array(Math.min(CHUNK_BYTES, data.length - done));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, data.offset + done);
      if (bytesRead === 0) {
        throw new ModelError(
          "MODEL_ONNX_EXTERNAL_DATA_INVALID",
          `initializer ${init.name}: data ends early in ${file}`,
        );
      }
      done += bytesRead;
      yield chunk.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/**
 * All bytes of `init` in one array (for small tensors and tests).
 * @throws as streamTensorBytes.
 */
export async function readTensorBytes(modelPath: string, init: InitializerInfo): Promise<Uint8Array> {
  const out = new Uint8Array(
    init.data.kind === "raw" || init.data.kind === "external" ? init.data.length : 0,
  );
  let offset = 0;
  for await (const chunk of streamTensorBytes(modelPath, init)) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
