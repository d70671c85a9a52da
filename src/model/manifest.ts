/**
 * The per-tensor manifest of a model: name, dtype, shape and the canonical tensor digest of
 * every initializer, streamed from the ONNX file or its external data. The weight-checkpoint
 * hash says *that* the weights changed; the manifest says *which* tensor did.
 *
 *   sha256 = SHA-256( UTF-8(JCS({"dtype": dtype, "shape": dims})) ‖ 0x0A ‖ little-endian bytes )
 *
 * the digest of src/record/tensor-digest.ts, so a weight in a manifest and a tensor in a
 * compute record are hashed alike. Tensors shared by several graphs of one model (GPT-2's
 * decoder with past reads model.onnx's external data) are hashed once and listed once.
 */
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { canonicalBytes } from "../core/canonical-json.js";
import type { HashProgress } from "./integrity.js";
import type { InitializerInfo, OnnxGraphInfo } from "./onnx/graph-info.js";
import { streamTensorBytes } from "./onnx/tensor-data.js";

/** Name of the digest, as the card states it. */
export const MANIFEST_TENSOR_DIGEST = "zeq-np/canonical-tensor-digest/v1";

export interface ManifestTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Bytes of the stored elements. */
  bytes: number;
  /** Canonical tensor digest, or null for the rare tensor kept in a typed protobuf field (not byte-addressable). */
  sha256: string | null;
  /** The ONNX files (model.json paths) whose graphs use this tensor, by name. */
  graphs: string[];
}

export interface TensorManifest {
  tensor_digest: typeof MANIFEST_TENSOR_DIGEST;
  tensors: ManifestTensor[];
}

export interface ManifestGraph {
  /** The file's path in model.json (relative to the version folder). */
  path: string;
  info: OnnxGraphInfo;
}

/** A tensor's bytes are identified by where they are, so a range shared by two graphs is read once. */
function storageKey(dir: string, graphPath: string, init: InitializerInfo): string | null {
  const d = init.data;
  const file = resolve(dir, graphPath);
  if (d.kind === "external") return `${resolve(dirname(file), d.location)}\0${d.offset}\0${d.length}`;
  if (d.kind === "raw") return `${file}\0${d.offset}\0${d.length}`;
  return null;
}

function storedBytes(init: InitializerInfo): number {
  return init.data.kind === "raw" || init.data.kind === "external" ? init.data.length : 0;
}

/**
 * Digests every initializer of the given graphs, streaming (a 500 MB model is never held).
 * @throws {ModelError} MODEL_ONNX_EXTERNAL_DATA_INVALID when a tensor's bytes are missing
 */
export async function buildTensorManifest(
  dir: string,
  graphs: readonly ManifestGraph[],
  onProgress?: HashProgress,
): Promise<TensorManifest> {
  const seen = new Set<string>();
  let total = 0;
  for (const g of graphs) {
    for (const init of g.info.initializers) {
      const key = storageKey(dir, g.path, init) ?? `${g.path}\0${init.name}`;
      if (!seen.has(key)) total += storedBytes(init);
      seen.add(key);
    }
  }
  const digests = new Map<string, string | null>();
  const byIdentity = new Map<string, ManifestTensor>();
  const tensors: ManifestTensor[] = [];
  let done = 0;
  for (const g of graphs) {
    const modelPath = join(dir, g.path);
    for (const init of g.info.initializers) {
      const key = storageKey(dir, g.path, init);
      const digestKey = key === null ? null : `${key}\0${init.dtype}\0${init.dims.join(",")}`;
      let sha256 = digestKey === null ? undefined : digests.get(digestKey);
      if (sha256 === undefined) {
        sha256 = await digestTensor(modelPath, init, (n) => {
          done += n;
          onProgress?.(done, total, init.name);
        });
        if (digestKey !== null) digests.set(digestKey, sha256);
      }
      const identity = `${init.name}\0${sha256 ?? "typed"}`;
      const existing = byIdentity.get(identity);
      if (existing !== undefined) {
        if (!existing.graphs.includes(g.path)) existing.graphs.push(g.path);
        continue;
      }
      const entry: ManifestTensor = {
        name: init.name,
        dtype: init.dtype,
        shape: [...init.dims],
        bytes: storedBytes(init),
        sha256,
        graphs: [g.path],
      };
      byIdentity.set(identity, entry);
      tensors.push(entry);
    }
  }
  for (const t of tensors) t.graphs.sort();
  return { tensor_digest: MANIFEST_TENSOR_DIGEST, tensors };
}

async function digestTensor(
  modelPath: string,
  init: InitializerInfo,
  onBytes: (n: number) => void,
): Promise<string | null> {
  if (init.data.kind === "typed") return null;
  const hash = createHash("sha256");
  hash.update(canonicalBytes({ dtype: init.dtype, shape: init.dims }));
  hash.update(new Uint8Array([0x0a]));
  for await (const chunk of streamTensorBytes(modelPath, init)) {
    hash.update(chunk);
    onBytes(chunk.length);
  }
  return hash.digest("hex");
}

export interface ManifestDiff {
  /** Tensors present in both whose digest, dtype or shape differ. */
  changed: string[];
  /** Tensors of `expected` that are gone. */
  missing: string[];
  /** Tensors not in `expected`. */
  added: string[];
}

/**
 * Which tensors differ between a recorded manifest and a fresh one (by name; a name used
 * with two different contents counts as changed).
 */
export function diffManifests(expected: TensorManifest, actual: TensorManifest): ManifestDiff {
  const group = (m: TensorManifest): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const t of m.tensors) {
      const list = out.get(t.name) ?? [];
      list.push(`${t.dtype}\0${t.shape.join(",")}\0${t.sha256 ?? "?"}`);
      out.set(t.name, list);
    }
    for (const list of out.values()) list.sort();
    return out;
  };
  const want = group(expected);
  const have = group(actual);
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [name, forms] of want) {
    const got = have.get(name);
    if (got === undefined) missing.push(name);
    else if (got.join("\n") !== forms.join("\n")) changed.push(name);
  }
  const added = [...have.keys()].filter((name) => !want.has(name));
  return { changed, missing, added };
}
