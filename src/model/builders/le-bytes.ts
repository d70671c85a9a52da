/** Little-endian bytes of typed arrays, as ONNX raw and external data require. */
import { endianness } from "node:os";

const LITTLE_ENDIAN_HOST = endianness() === "LE";

/** The little-endian IEEE 754 bytes of `values` (a view when the host is little-endian). */
export function float32LE(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
