/**
 * Reads the nodes of an ONNX graph (op type, inputs, outputs, integer attributes) for the
 * cost model. The reader in ../onnx/ reports the interface and the initializers; the cost
 * model also needs to know which weights feed which MatMul/Gemm/Conv. Weights are never
 * read: only the graph's node fields are decoded, each on its own. The file is untrusted:
 * a node that does not decode is MODEL_ONNX_MALFORMED, never an uncaught error.
 */
import { ModelError } from "../errors.js";
import { FileSource } from "../onnx/file-source.js";
import { scanFields, WIRE_LENGTH_DELIMITED } from "../onnx/wire-scanner.js";
import { NodeProto, TO_OBJECT_OPTIONS } from "../onnx/proto.js";
import { list, str, type Decoded } from "../onnx/decode-fields.js";

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;

export interface GraphNode {
  opType: string;
  /** "" for the default ONNX domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  /** INT and INTS attributes (the ones the cost model reads: transA, transB, group, perm). */
  ints: Record<string, number | number[]>;
}

/** Node bytes decoded at most (Constant nodes may embed tensors); beyond it the graph is refused. */
const DEFAULT_MAX_NODE_BYTES = 256 * 1024 * 1024;

/**
 * The top-level nodes of the graph in `path`, in file order. Subgraphs (If/Loop bodies) are
 * not descended into.
 * @throws {ModelError} MODEL_NOT_FOUND, MODEL_ONNX_MALFORMED, MODEL_ONNX_UNSUPPORTED (nodes
 *   above `maxNodeBytes`)
 */
export async function readGraphNodes(
  path: string,
  maxNodeBytes = DEFAULT_MAX_NODE_BYTES,
): Promise<GraphNode[]> {
  const source = await FileSource.open(path);
  try {
    const nodes: GraphNode[] = [];
    let decoded = 0;
    for await (const f of scanFields(source, 0, source.size)) {
      if (f.field !== MODEL_GRAPH || f.wireType !== WIRE_LENGTH_DELIMITED) continue;
      for await (const g of scanFields(source, f.payloadStart, f.end)) {
        if (g.field !== GRAPH_NODE || g.wireType !== WIRE_LENGTH_DELIMITED) continue;
        decoded += g.end - g.payloadStart;
        if (decoded > maxNodeBytes) {
          throw new ModelError("MODEL_ONNX_UNSUPPORTED", `${path}: graph nodes exceed ${maxNodeBytes} bytes`);
        }
        nodes.push(toNode(path, await source.bytes(g.payloadStart, g.end - g.payloadStart)));
      }
    }
    return nodes;
  } finally {
    await source.close();
  }
}

function toNode(path: string, bytes: Uint8Array): GraphNode {
  let node: Decoded;
  try {
    node = NodeProto.toObject(NodeProto.decode(bytes), TO_OBJECT_OPTIONS) as Decoded;
  } catch (cause) {
    throw new ModelError("MODEL_ONNX_MALFORMED", `${path}: not a valid ONNX model (undecodable NodeProto)`, {
      cause,
    });
  }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
  const ints: GraphNode["ints"] = {};
  for (const a of list(node.attribute)) {
    const name = str(a.name);
    if (a.i !== undefined) ints[name] = toNumber(a.i);
    else if (Array.isArray(a.ints) && a.ints.length > 0) ints[name] = a.ints.map(toNumber);
  }
  return {
    opType: str(node.op_type),
    domain: str(node.domain) === "ai.onnx" ? "" : str(node.domain),
    inputs: strings(node.input),
    outputs: strings(node.output),
    ints,
  };
}

/** int64 attribute values as numbers; values beyond 2^53 become NaN, which no caller accepts. */
function toNumber(v: unknown): number {
  const n = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : NaN;
  return Number.isSafeInteger(n) ? n : NaN;
}
