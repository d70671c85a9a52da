/**
 * A tensor bundle: the tensors fed to one forward pass, in one blob, so a replay can feed
 * exactly the same bytes again.
 *
 *   bundle = UTF-8(JCS(header)) ‖ 0x0A ‖ tensor bytes, concatenated in header order
 *   header = {"tensors": [{"name", "dtype", "shape", "offset", "length"}, ...]}
 *
 * Tensor bytes are little-endian, as in the canonical tensor digest (record/tensor-digest.ts).
 */
import { canonicalBytes, parseStrictJson } from "../core/canonical-json.js";
import { concatBytes, fromUtf8 } from "../core/bytes.js";
import {
  littleEndianBytes,
  TENSOR_ARRAY,
  type TensorData,
  type TensorDtype,
  TENSOR_DTYPES,
} from "../record/tensor-digest.js";
import { BlobError } from "./errors.js";

export interface BundledTensor {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  data: TensorData;
}

export function encodeTensorBundle(tensors: BundledTensor[]): Uint8Array {
  let offset = 0;
  const parts: Uint8Array[] = [];
  const header = tensors.map((t) => {
    const bytes = littleEndianBytes(t.data);
    parts.push(bytes);
    const entry = { name: t.name, dtype: t.dtype, shape: t.shape, offset, length: bytes.length };
    offset += bytes.length;
    return entry;
  });
  return concatBytes(canonicalBytes({ tensors: header }), new Uint8Array([0x0a]), ...parts);
}

/**
 * Decodes a bundle (read back from the blob store, so parsed defensively).
 * @throws {BlobError} BLOB_BUNDLE_MALFORMED
 */
export function decodeTensorBundle(bundle: Uint8Array): BundledTensor[] {
  const bad = (why: string): never => {
    throw new BlobError("BLOB_BUNDLE_MALFORMED", `tensor bundle is malformed: ${why}`);
  };
  const nl = bundle.indexOf(0x0a);
  if (nl < 0) bad("no header line");
  let header: unknown;
  try {
    header = parseStrictJson(fromUtf8(bundle.subarray(0, nl)));
  } catch {
    bad("header is not strict JSON");
  }
  const body = bundle.subarray(nl + 1);
  const list = (header as { tensors?: unknown }).tensors;
  if (!Array.isArray(list)) return bad("header has no tensors list");
  return list.map((raw: unknown, i: number) => {
    const t = raw as { name?: unknown; dtype?: unknown; shape?: unknown; offset?: unknown; length?: unknown };
    if (typeof t.name !== "string") bad(`tensor ${i} has no name`);
    if (!TENSOR_DTYPES.includes(t.dtype as TensorDtype)) bad(`tensor ${i} has an unknown dtype`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      bad(`tensor ${i} shape`);
    const offset = t.offset as number;
    const length = t.length as number;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
      bad(`tensor ${i} range`);
    if (offset + length > body.length) bad(`tensor ${i} runs past the end of the bundle`);
    const Ctor = TENSOR_ARRAY[t.dtype as TensorDtype];
    if (length % Ctor.BYTES_PER_ELEMENT !== 0) bad(`tensor ${i} length`);
    const copy = new Uint8Array(body.subarray(offset, offset + length)); // aligned, owned copy
    const data = new Ctor(copy.buffer);
    const count = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (data.length !== count)
      bad(`tensor ${i} has ${data.length} elements for shape ${JSON.stringify(t.shape)}`);
    return { name: t.name as string, dtype: t.dtype as TensorDtype, shape: t.shape as number[], data };
  });
}
