/**
 * How each weight tensor is initialised, mirroring what torchvision and Hugging Face do for
 * freshly constructed models, and the chunked generation of its float32 values.
 */
import { TensorRng } from "./rng.js";

export type InitSpec =
  /** normal(0, std²), as torch.nn.init.normal_ / kaiming_normal_ */
  | { kind: "normal"; std: number }
  /** uniform(−bound, bound), as torch.nn.init.uniform_ */
  | { kind: "uniform"; bound: number }
  /** every element equal to value (LayerNorm/BatchNorm weight 1, biases 0, running stats) */
  | { kind: "constant"; value: number };

export const CHUNK_ELEMENTS = 1 << 20;

/**
 * Yields the tensor's values in order, in chunks of at most `chunkElements` float32s.
 * The values do not depend on the chunk size. Each yielded array is a fresh buffer.
 */
export function* generateTensor(
  seed: string,
  name: string,
  elements: number,
  init: InitSpec,
  chunkElements = CHUNK_ELEMENTS,
): Generator<Float32Array> {
  const rng = init.kind === "constant" ? undefined : TensorRng.forTensor(seed, name);
  for (let start = 0; start < elements; start += chunkElements) {
    const chunk = new Float32Array(Math.min(chunkElements, elements - start));
    if (init.kind === "constant") {
      chunk.fill(init.value);
    } else if (init.kind === "normal") {
      for (let i = 0; i < chunk.length; i++) chunk[i] = init.std * (rng as TensorRng).nextNormal();
    } else {
      const width = 2 * init.bound;
      for (let i = 0; i < chunk.length; i++)
        chunk[i] = -init.bound + width * (rng as TensorRng).nextUniform();
    }
    yield chunk;
  }
}
