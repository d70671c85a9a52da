/**
 * A small DSL for assembling ONNX graphs: graph inputs and outputs, nodes with generated
 * unique names, deduplicated constants, and references to named weights. `finish()` checks
 * that every node input is defined before use, so a builder bug fails the build with
 * MODEL_BUILD_INVALID instead of producing a file the runtime rejects.
 */
import { ModelError } from "../errors.js";
import type { OnnxDtype } from "../onnx/dtypes.js";
import type { AttributeValue, InlineTensor, NodeSpec, ValueSpec } from "../onnx/model-spec.js";

export interface BuiltGraph {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private readonly constants = new Map<string, string>();
  private readonly defined = new Set<string>();
  private scopeName = "";
  private counter = 0;

  /** @param weightNames names of the initializers this graph may read. */
  constructor(
    readonly name: string,
    weightNames: Iterable<string>,
  ) {
    for (const w of weightNames) this.defined.add(w);
  }

  /** Declares a graph input and returns its name. */
  input(name: string, dtype: OnnxDtype, dims: Array<number | string>): string {
    this.define(name);
    this.inputs.push({ name, dtype, dims });
    return name;
  }

  /** Declares a graph output, computed by an Identity of `value` so the name is exact. */
  output(name: string, dtype: OnnxDtype, dims: Array<number | string>, value: string): void {
    this.op("Identity", [value], {}, [name]);
    this.outputs.push({ name, dtype, dims });
  }

  /** Runs `body` with node names prefixed by `scope` (e.g. "bert.encoder.layer.0.attention"). */
  scoped<T>(scope: string, body: () => T): T {
    const saved = this.scopeName;
    this.scopeName = saved === "" ? scope : `${saved}/${scope}`;
    try {
      return body();
    } finally {
      this.scopeName = saved;
    }
  }

  /** Adds a node with one output and returns the output's name. */
  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    outputs?: string[],
  ): string {
    return this.opMulti(opType, inputs, attributes, outputs ?? 1)[0] as string;
  }

  /** Adds a node with several outputs (given by name or by count) and returns their names. */
  opMulti(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue>,
    outputs: string[] | number,
  ): string[] {
    const nodeName = `/${this.scopeName}${this.scopeName === "" ? "" : "/"}${opType}_${this.counter++}`;
    for (const input of inputs) {
      if (input !== "" && !this.defined.has(input)) {
        throw new ModelError(
          "MODEL_BUILD_INVALID",
          `${this.name}: ${nodeName} reads undefined value ${input}`,
        );
      }
    }
    const names =
      typeof outputs === "number"
        ? Array.from({ length: outputs }, (_, i) => `${nodeName}_output_${i}`)
        : outputs;
    for (const n of names) this.define(n);
    this.nodes.push({ name: nodeName, opType, inputs, outputs: names, attributes });
    return names;
  }

  /** A 1-D int64 constant (shapes, axes, indices); identical constants are shared. */
  int64s(values: number[]): string {
    return this.constant(`i64[${values.join(",")}]`, {
      dtype: "int64",
      dims: [values.length],
      data: int64LE(values),
    });
  }

  /** A scalar (0-D) int64 constant. */
  int64(value: number): string {
    return this.constant(`i64(${value})`, { dtype: "int64", dims: [], data: int64LE([value]) });
  }

  /** A scalar (0-D) float32 constant. */
  float(value: number): string {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setFloat32(0, value, true);
    return this.constant(`f32(${Object.is(value, -0) ? "-0" : value})`, { dtype: "float32", dims: [], data });
  }

  /** The finished graph. */
  finish(): BuiltGraph {
    if (this.outputs.length === 0)
      throw new ModelError("MODEL_BUILD_INVALID", `${this.name}: graph has no outputs`);
    return { name: this.name, inputs: this.inputs, outputs: this.outputs, nodes: this.nodes };
  }

  private constant(key: string, tensor: InlineTensor): string {
    const existing = this.constants.get(key);
    if (existing !== undefined) return existing;
    const saved = this.scopeName;
    this.scopeName = "const";
    const name = this.op("Constant", [], { value: { t: tensor } });
    this.scopeName = saved;
    this.constants.set(key, name);
    return name;
  }

  private define(name: string): void {
    if (this.defined.has(name))
      throw new ModelError("MODEL_BUILD_INVALID", `${this.name}: ${name} defined twice`);
    this.defined.add(name);
  }
}

/** Little-endian int64 bytes, as ONNX raw data requires on every host. */
function int64LE(values: number[]): Uint8Array {
  const data = new Uint8Array(8 * values.length);
  const view = new DataView(data.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return data;
}
