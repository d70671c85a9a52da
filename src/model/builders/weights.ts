/**
 * The named weight tensors of an architecture, in the order they are written to the
 * external-data file, with how each is initialised and whether it is a trainable parameter
 * (counted in the parameter count) or a buffer (BatchNorm running statistics).
 */
import { ModelError } from "../errors.js";
import type { InitSpec } from "./init.js";

export interface WeightSpec {
  name: string;
  dims: number[];
  init: InitSpec;
  role: "parameter" | "buffer";
}

export class WeightSet {
  private readonly specs: WeightSpec[] = [];
  private readonly byName = new Map<string, WeightSpec>();

  /**
   * Registers a float32 weight and returns its name (the initializer name in ONNX).
   * @throws ModelError MODEL_BUILD_INVALID for a duplicate name or a bad shape.
   */
  add(name: string, dims: number[], init: InitSpec, role: WeightSpec["role"] = "parameter"): string {
    if (this.byName.has(name)) throw new ModelError("MODEL_BUILD_INVALID", `weight ${name} registered twice`);
    if (!dims.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw new ModelError("MODEL_BUILD_INVALID", `weight ${name} has invalid dims [${dims.join(", ")}]`);
    }
    const spec = { name, dims, init, role };
    this.specs.push(spec);
    this.byName.set(name, spec);
    return name;
  }

  list(): readonly WeightSpec[] {
    return this.specs;
  }

  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Sum of elements over trainable parameters, as torch's sum(p.numel() for p in model.parameters()). */
  parameterCount(): number {
    return this.specs.filter((s) => s.role === "parameter").reduce((sum, s) => sum + elementsOf(s.dims), 0);
  }
}

export function elementsOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
