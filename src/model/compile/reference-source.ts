/**
 * Which reference vectors a compile uses: a file named on the command line, the model's
 * own (model.json `reference.path`, written by `models add --reference`), or the vectors
 * committed under reference/vectors/ for the built-in architectures. Vectors named
 * explicitly must be about the model's weights; committed ones that are not (a build with
 * another seed) are simply not used.
 */
import { join } from "node:path";
import type { ModelMetadata } from "../metadata.js";
import { CompileError } from "./errors.js";
import { builtInVectorsPath } from "./provenance.js";
import { readReferenceVectors, vectorsMatchWeights, type ReferenceVectors } from "./reference-vectors.js";

export interface LocatedReference {
  kind: "file" | "model" | "built-in";
  path: string;
  vectors: ReferenceVectors;
}

/** File names allowed for a model's own reference file (a plain name in the version folder). */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * @param explicit a vectors file, null for none, undefined to look for the model's own or committed ones
 * @throws {CompileError} COMPILE_REFERENCE_INVALID, COMPILE_REFERENCE_MISMATCH
 */
export async function locateReference(
  dir: string,
  meta: ModelMetadata,
  weightCheckpointSha256: string,
  explicit: string | null | undefined,
): Promise<{ reference: LocatedReference | null; notes: string[] }> {
  if (explicit === null) return { reference: null, notes: ["reference check not requested"] };
  const own = meta.reference?.path;
  if (explicit === undefined && own !== undefined && (typeof own !== "string" || !PLAIN_NAME.test(own))) {
    throw new CompileError(
      "COMPILE_REFERENCE_INVALID",
      "model.json reference.path must be a file name in the version folder",
    );
  }
  const chosen: { kind: LocatedReference["kind"]; path: string } | null =
    explicit !== undefined
      ? { kind: "file", path: explicit }
      : typeof own === "string"
        ? { kind: "model", path: join(dir, own) }
        : null;
  if (chosen !== null) {
    const vectors = await readReferenceVectors(chosen.path);
    if (!vectorsMatchWeights(vectors, meta.files, weightCheckpointSha256)) {
      throw new CompileError(
        "COMPILE_REFERENCE_MISMATCH",
        `${chosen.path} was computed from other weights than ${meta.name}/${meta.version}'s`,
      );
    }
    return { reference: { ...chosen, vectors }, notes: [] };
  }
  const committed = builtInVectorsPath(meta.architecture.name, meta.architecture.size);
  if (committed === null) {
    return { reference: null, notes: ["no reference vectors for this model: the card's precision is null"] };
  }
  const vectors = await readReferenceVectors(committed);
  if (!vectorsMatchWeights(vectors, meta.files, weightCheckpointSha256)) {
    return {
      reference: null,
      notes: [
        `the committed vectors for ${meta.architecture.name} (${meta.architecture.size}) were made from other weights ` +
          `(seed ${JSON.stringify(meta.architecture.seed)} here): the card's precision is null`,
      ],
    };
  }
  return { reference: { kind: "built-in", path: committed, vectors }, notes: [] };
}
