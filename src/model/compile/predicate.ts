/**
 * The parts of the model-card predicate that compile assembles from what it measured:
 * graph summaries, the cost section and the precision section (docs/compile.md).
 */
import { basename } from "node:path";
import type { JsonValue } from "../../core/canonical-json.js";
import type { GraphSummary } from "../card.js";
import { closedFormFlops, countFloatingElements, graphWeightFlops } from "../cost.js";
import type { ModelMetadata } from "../metadata.js";
import type { InitializerInfo, OnnxGraphInfo } from "../onnx/graph-info.js";
import type { GraphNode } from "./graph-nodes.js";
import type { ReferenceCheck } from "./reference-check.js";
import type { LocatedReference } from "./reference-source.js";

type JsonObject = { [key: string]: JsonValue };

/** One ONNX file of the model: its hash (the graph hash) and what its graph declares. */
export function graphSummary(meta: ModelMetadata, path: string, g: OnnxGraphInfo): GraphSummary {
  const file = meta.files.find((f) => f.path === path)!;
  return {
    path,
    sha256: file.sha256,
    bytes: file.bytes,
    ir_version: g.irVersion,
    opsets: g.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producer: { name: g.producerName, version: g.producerVersion },
    nodes: g.nodeCount,
    op_types: g.opTypes,
  };
}

/** Parameters, sizes, closed-form and graph FLOPs, and the measured cost fit (when calibrated). */
export function costSection(
  meta: ModelMetadata,
  initializers: readonly InitializerInfo[],
  nodes: readonly GraphNode[],
): JsonObject {
  const calibration = meta.budgets?.calibration;
  const fit =
    calibration !== null && typeof calibration === "object" && !Array.isArray(calibration)
      ? (calibration.fit ?? null)
      : null;
  return {
    parameters: meta.parameters,
    initializers: initializers.length,
    initializer_elements: initializers.reduce((n, i) => n + i.elements, 0),
    floating_point_elements: countFloatingElements(initializers),
    weight_bytes: meta.files.filter((f) => !f.path.endsWith(".onnx")).reduce((n, f) => n + f.bytes, 0),
    flops: (closedFormFlops(meta.architecture) ?? null) as JsonValue,
    graph_flops: { ...graphWeightFlops(nodes, initializers) } as unknown as JsonValue,
    measured: fit,
  };
}

/** The precision section: where the reference came from, per-tensor comparisons, the summary. */
export function precisionOf(
  check: ReferenceCheck & { source: LocatedReference },
  tolerance: number,
): JsonObject {
  const v = check.source.vectors;
  return {
    reference: v.producer,
    torch_version: v.torchVersion,
    vectors: { source: check.source.kind, file: basename(check.source.path), sha256: v.fileSha256 },
    reference_model_sha256: v.modelSha256,
    reference_environment: (v.environment ?? null) as JsonValue,
    inputs: v.inputs.map((i) => i.id),
    tensors: check.comparisons.map((c) => ({ ...c })),
    skipped: check.skipped,
    error_budget: tolerance,
    target: 1e-5,
    ...check.summary,
  };
}
