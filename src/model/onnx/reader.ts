/**
 * Reads an ONNX model's graph — inputs, outputs, nodes, and where each initializer's bytes
 * are — without reading the weights. The top-level ModelProto, its GraphProto and each
 * TensorProto are walked field by field; payloads that hold weights (raw_data, typed data,
 * sparse initializers) are skipped by offset and every other field is decoded by protobufjs.
 * A file of any size is handled in memory proportional to its graph, not its weights.
 */
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import type protobuf from "protobufjs";
import { concatBytes } from "../../core/bytes.js";
import { ModelError } from "../errors.js";
import { FileSource } from "./file-source.js";
import { scanFields, WIRE_LENGTH_DELIMITED, type FieldRange } from "./wire-scanner.js";
import { GraphProto, ModelProto, TensorProto, TO_OBJECT_OPTIONS } from "./proto.js";
import { malformed, type Decoded } from "./decode-fields.js";
import { toGraphInfo, type ScannedTensor } from "./graph-convert.js";
import { resolveExternalLocation } from "./external-location.js";
import type { OnnxGraphInfo } from "./graph-info.js";

export interface ReadOnnxOptions {
  /** Check that external-data files exist and hold every referenced range (default true). */
  verifyExternalData?: boolean;
  /** Upper bound on the bytes of graph structure decoded into memory (default 256 MiB). */
  maxStructureBytes?: number;
}

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_SPARSE_INITIALIZER = 15;
const TENSOR_RAW_DATA = 9;
/** TensorProto fields holding elements in type-specific encodings; skipped like raw_data. */
const TENSOR_TYPED_FIELDS = new Map([
  [4, "float_data"],
  [5, "int32_data"],
  [6, "string_data"],
  [7, "int64_data"],
  [10, "double_data"],
  [11, "uint64_data"],
]);

/**
 * Reads the graph of the ONNX file at `path`.
 * @throws ModelError MODEL_NOT_FOUND (no such file), MODEL_ONNX_MALFORMED (truncated, random
 *   or structurally invalid bytes), MODEL_ONNX_UNSUPPORTED (valid ONNX using types this
 *   project does not handle), MODEL_ONNX_EXTERNAL_DATA_INVALID (unsafe or dangling
 *   external-data references).
 * @example
 *   const graph = await readOnnxGraph("models/gpt2/1/model.onnx");
 *   graph.inputs.map((i) => i.name); // ["input_ids", "attention_mask"]
 */
export async function readOnnxGraph(path: string, options: ReadOnnxOptions = {}): Promise<OnnxGraphInfo> {
  const source = await FileSource.open(path);
  try {
    const scanner = new StructureScanner(source, options.maxStructureBytes ?? 256 * 1024 * 1024);
    const model = await scanner.model();
    const info = toGraphInfo(path, model.model, model.graph, model.tensors, model.sparseCount);
    if (options.verifyExternalData ?? true) await verifyExternalData(path, info);
    return info;
  } finally {
    await source.close();
  }
}

class StructureScanner {
  private structureBytes = 0;

  constructor(
    private readonly source: FileSource,
    private readonly budget: number,
  ) {}

  async model(): Promise<{ model: Decoded; graph: Decoded; tensors: ScannedTensor[]; sparseCount: number }> {
    if (this.source.size === 0) throw malformed(this.source.path, "empty file");
    const rest: Uint8Array[] = [];
    const graphRest: Uint8Array[] = [];
    const tensors: ScannedTensor[] = [];
    let sparseCount = 0;
    let graphs = 0;
    for await (const f of scanFields(this.source, 0, this.source.size)) {
      if (f.field !== MODEL_GRAPH || f.wireType !== WIRE_LENGTH_DELIMITED) {
        rest.push(await this.keep(f));
        continue;
      }
      graphs++;
      // Repeated occurrences of an embedded message merge, as protobuf specifies.
      for await (const g of scanFields(this.source, f.payloadStart, f.end)) {
        if (g.field === GRAPH_INITIALIZER && g.wireType === WIRE_LENGTH_DELIMITED) {
          tensors.push(await this.tensor(g));
        } else if (g.field === GRAPH_SPARSE_INITIALIZER && g.wireType === WIRE_LENGTH_DELIMITED) {
          sparseCount++;
        } else {
          graphRest.push(await this.keep(g));
        }
      }
    }
    if (graphs === 0) throw malformed(this.source.path, "no graph");
    return {
      model: this.decode(ModelProto, rest, "ModelProto"),
      graph: this.decode(GraphProto, graphRest, "GraphProto"),
      tensors,
      sparseCount,
    };
  }

  private async tensor(range: FieldRange): Promise<ScannedTensor> {
    const rest: Uint8Array[] = [];
    let raw: { offset: number; length: number } | undefined;
    let typedField: string | undefined;
    for await (const f of scanFields(this.source, range.payloadStart, range.end)) {
      const typed = TENSOR_TYPED_FIELDS.get(f.field);
      if (f.field === TENSOR_RAW_DATA && f.wireType === WIRE_LENGTH_DELIMITED) {
        raw = { offset: f.payloadStart, length: f.end - f.payloadStart };
      } else if (typed !== undefined) {
        typedField ??= typed;
      } else {
        rest.push(await this.keep(f));
      }
    }
    return { proto: this.decode(TensorProto, rest, "TensorProto"), raw, typedField };
  }

  private async keep(f: FieldRange): Promise<Uint8Array> {
    this.structureBytes += f.end - f.start;
    if (this.structureBytes > this.budget) {
      throw new ModelError(
        "MODEL_ONNX_UNSUPPORTED",
        `${this.source.path}: graph structure exceeds ${this.budget} bytes (weights must be initializers)`,
      );
    }
    return this.source.bytes(f.start, f.end - f.start);
  }

  private decode(type: protobuf.Type, parts: Uint8Array[], what: string): Decoded {
    try {
      return type.toObject(type.decode(concatBytes(...parts)), TO_OBJECT_OPTIONS) as Decoded;
    } catch (err) {
      throw malformed(this.source.path, `undecodable ${what}`, err);
    }
  }
}

async function verifyExternalData(path: string, info: OnnxGraphInfo): Promise<void> {
  const sizes = new Map<string, number>();
  for (const init of info.initializers) {
    if (init.data.kind !== "external") continue;
    const { location, offset, length } = init.data;
    let size = sizes.get(location);
    if (size === undefined) {
      const file = resolveExternalLocation(dirname(path), location, init.name);
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) {
        throw new ModelError(
          "MODEL_ONNX_EXTERNAL_DATA_INVALID",
          `initializer ${init.name}: external data file ${location} does not exist`,
        );
      }
      size = st.size;
      sizes.set(location, size);
    }
    if (offset + length > size) {
      throw new ModelError(
        "MODEL_ONNX_EXTERNAL_DATA_INVALID",
        `initializer ${init.name}: bytes ${offset}..${offset + length} lie beyond the end of ${location} (${size} bytes)`,
      );
    }
  }
}
